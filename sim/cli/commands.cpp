#include "cli/commands.hpp"

namespace ks::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {};
    return table;
}

}  // namespace ks::cli
