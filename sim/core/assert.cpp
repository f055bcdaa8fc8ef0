#include "core/assert.hpp"

namespace ks::detail {

void assertion_failed(const char* file, int line, const std::string& what) {
    throw AssertionFailure(fmt::format("{}:{}: {}", file, line, what));
}

}  // namespace ks::detail
