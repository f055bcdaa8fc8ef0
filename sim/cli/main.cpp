// kafkasim: the command-line entry point. Dispatches to a subcommand and turns
// exceptions into the documented exit codes; no simulation logic lives here.
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

#include "cli/commands.hpp"
#include "core/assert.hpp"
#include "kafkasim/errors.hpp"

namespace {

void print_usage(std::ostream& out) {
    out << "kafkasim " << KS_VERSION
        << " — a deterministic discrete-event simulator of Apache Kafka clusters\n\n"
           "usage: kafkasim <command> [options]\n\ncommands:\n";
    for (const auto& c : ks::cli::commands()) out << "  " << c.synopsis << "\n";
    out << "\n  kafkasim <command> --help   shows a command's options\n"
           "exit codes: 0 ok, 1 an expectation failed, 2 bad input, 3 internal error\n";
}

}  // namespace

int main(int argc, char** argv) {
    const std::string_view first = argc > 1 ? argv[1] : "";
    if (first.empty() || first == "--help" || first == "-h" || first == "help") {
        print_usage(first.empty() ? std::cerr : std::cout);
        return first.empty() ? ks::kExitBadInput : ks::kExitOk;
    }
    if (first == "--version" || first == "-V") {
        std::cout << "kafkasim " << KS_VERSION << "\n";
        return ks::kExitOk;
    }
    for (const auto& c : ks::cli::commands()) {
        if (first != c.name) continue;
        ks::cli::Args args(argv + 2, argv + argc);
        try {
            return c.run(args);
        } catch (const ks::InputError& e) {
            std::cerr << "kafkasim " << c.name << ": " << e.what() << "\n";
            return ks::kExitBadInput;
        } catch (const ks::AssertionFailure& e) {
            std::cerr << "kafkasim " << c.name << ": internal error (a bug in kafkasim): " << e.what() << "\n";
            return ks::kExitInternal;
        } catch (const std::exception& e) {
            std::cerr << "kafkasim " << c.name << ": internal error (a bug in kafkasim): " << e.what() << "\n";
            return ks::kExitInternal;
        }
    }
    std::cerr << "kafkasim: unknown command '" << first << "' (see kafkasim --help)\n";
    return ks::kExitBadInput;
}
