// docs/trace-format.md read back for the tests: the envelope, and per kind
// (and per variant of a kind) each field's type and an enum's names, from the
// page's tables and "Values of `field`:" paragraphs.
//
// The page's shape: "## Envelope" with a table; under "## Kinds", a "### `kind`"
// section per kind with a table of its fields; a kind with variants has a
// "#### `variant`" section per variant with a table of the fields after the
// selector. A table row is "| `key` | type | meaning |", type one of
// integer, number, boolean, string, enum.
#pragma once

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace ks::test {

struct DocField {
    std::string type;
    std::set<std::string> names;  // an enum's value names
};
using DocFields = std::map<std::string, DocField>;
struct DocKind {
    DocFields fields;                           // the kind's own table
    std::map<std::string, DocFields> variants;  // per "#### `variant`"
};
struct TraceFormatDoc {
    DocFields envelope;
    std::map<std::string, DocKind> kinds;
};

// The backticked words of `text`, in order.
inline std::vector<std::string> backticked(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    for (;;) {
        const std::size_t open = text.find('`', at);
        if (open == std::string::npos) break;
        const std::size_t close = text.find('`', open + 1);
        if (close == std::string::npos) break;
        out.push_back(text.substr(open + 1, close - open - 1));
        at = close + 1;
    }
    return out;
}

// "a, b, c": a set as a failed check shows it.
inline std::string joined(const std::set<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
}

inline TraceFormatDoc read_trace_format_doc() {
    std::ifstream in(std::string(KS_SOURCE_DIR) + "/docs/trace-format.md");
    REQUIRE(in.good());
    TraceFormatDoc doc;
    DocFields* table = nullptr;  // where rows go
    DocKind* kind = nullptr;     // the kind of the section being read
    bool in_code = false;
    std::string line;
    std::string values_of;  // the field of the "Values of" paragraph being read
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) in_code = !in_code;
        if (in_code) continue;
        if (line.empty()) {
            values_of.clear();
            continue;
        }
        const auto words = backticked(line);
        if (line.rfind("## ", 0) == 0) {
            table = line == "## Envelope" ? &doc.envelope : nullptr;
            kind = nullptr;
        } else if (line.rfind("### `", 0) == 0) {
            REQUIRE(words.size() == 1);
            kind = &doc.kinds[words[0]];
            table = &kind->fields;
        } else if (line.rfind("#### `", 0) == 0) {
            REQUIRE(words.size() == 1);
            REQUIRE(kind != nullptr);
            table = &kind->variants[words[0]];
        } else if (line.rfind("| `", 0) == 0 && table) {
            // | `key` | type | meaning |
            std::istringstream cells(line);
            std::string cell, key, type;
            std::getline(cells, cell, '|');
            std::getline(cells, key, '|');
            std::getline(cells, type, '|');
            key = backticked(key).at(0);
            type.erase(0, type.find_first_not_of(' '));
            type.erase(type.find_last_not_of(' ') + 1);
            INFO("docs/trace-format.md: ", line);
            CHECK(table->count(key) == 0);
            (*table)[key].type = type;
        } else if (line.rfind("Values of `", 0) == 0 && table) {
            values_of = words.at(0);
            REQUIRE(table->count(values_of) == 1);
            const std::string rest = line.substr(line.find(':') + 1);
            for (const auto& w : backticked(rest)) (*table)[values_of].names.insert(w);
        } else if (!values_of.empty() && table) {
            for (const auto& w : backticked(line)) (*table)[values_of].names.insert(w);
        }
    }
    return doc;
}

}  // namespace ks::test
