#include "cli/parse.hpp"

#include <iostream>

#include "kafkasim/errors.hpp"

namespace ks::cli {

namespace po = boost::program_options;

bool parse_file_command(const Args& args, const po::options_description& visible, std::string_view usage,
                        std::string& file, po::variables_map& vm) {
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>(&file), "FILE");
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("file", 1);
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        if (vm.count("help")) {
            std::cout << visible << "\n";
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + " (usage: " + std::string(usage) + ")");
    }
    if (file.empty()) throw InputError("missing FILE (usage: " + std::string(usage) + ")");
    return true;
}

}  // namespace ks::cli
