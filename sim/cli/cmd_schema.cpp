// kafkasim schema [--markdown] [--out FILE] | --update-doc FILE
//
// Prints the JSON Schema (draft 2020-12) of scenario files, or the Markdown
// field tables of docs/scenario-format.md, both rendered from the scenario
// format table (scenario/format.hpp); --update-doc rewrites those tables in a
// Markdown file in place.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <boost/program_options.hpp>

#include "cli/commands.hpp"
#include "kafkasim/errors.hpp"
#include "scenario/schema.hpp"

namespace ks::cli {

namespace {

namespace po = boost::program_options;

constexpr const char* kUsage = "kafkasim schema [--markdown] [--out FILE] | kafkasim schema --update-doc FILE";

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open the file ({})", path, std::strerror(errno)));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (out) out << text;
    if (out) out.flush();
    if (!out) throw InputError(fmt::format("{}: cannot write the file ({})", path, std::strerror(errno)));
}

int update_doc(const std::string& path) {
    const std::string before = read_file(path);
    const std::string after = scenario::update_markdown(before, path);
    const auto blocks = scenario::marked_blocks(after).size();
    if (after == before) {
        std::cout << path << ": " << blocks << " generated tables, up to date\n";
        return kExitOk;
    }
    write_file(path, after);
    std::cout << path << ": " << blocks << " generated tables, updated\n";
    return kExitOk;
}

}  // namespace

int run_schema(const Args& args) {
    po::options_description visible(
        "usage: kafkasim schema [--markdown] [--out FILE]\n"
        "       kafkasim schema --update-doc FILE\n\n"
        "Prints the JSON Schema (draft 2020-12) of scenario files, for editors to validate and\n"
        "complete them: every key with its type, default, unit, allowed values and description.\n"
        "Scenario files are JSON with // and /* */ comments: associate them with \"jsonc\".\n"
        "docs/scenario-format.md's field tables come from the same table (--markdown).\n\n"
        "options");
    std::string out_path, doc_path;
    visible.add_options()("help,h", "show this help")(
        "markdown", "print the Markdown field tables instead, each between its <!-- kafkasim schema: NAME --> markers")(
        "out", po::value<std::string>(&out_path)->value_name("FILE"), "write to FILE instead of stdout")(
        "update-doc", po::value<std::string>(&doc_path)->value_name("FILE"),
        "rewrite the marked tables of the Markdown FILE in place (docs/scenario-format.md)");
    po::variables_map vm;
    try {
        const po::positional_options_description none;  // the command takes no FILE
        po::store(po::command_line_parser(args).options(visible).positional(none).run(), vm);
        if (vm.count("help")) {
            std::cout << visible << "\n";
            return kExitOk;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(std::string(e.what()) + " (usage: " + kUsage + ")");
    }
    if (vm.count("update-doc")) {
        if (vm.count("markdown") || vm.count("out"))
            throw InputError(std::string("--update-doc goes alone (usage: ") + kUsage + ")");
        return update_doc(doc_path);
    }
    const std::string text =
        vm.count("markdown") ? scenario::markdown_blocks() : scenario::scenario_schema().dump(2) + "\n";
    if (vm.count("out"))
        write_file(out_path, text);
    else
        std::cout << text;
    return kExitOk;
}

}  // namespace ks::cli
