// Reading a scenario's JSON with precise errors.
//
// Every value is read through a Node: the JSON value plus its JSON pointer and
// the source file. Each reader checks type and range and, on failure, throws
// ks::InputError shaped "FILE: /json/pointer: expected WHAT, got VALUE". An Obj
// is an object whose allowed keys are declared up front: an unknown key is an
// error naming the nearest allowed key. Warnings go to the Ctx's list.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafkasim/distribution.hpp"
#include "kafkasim/time.hpp"

namespace ks::scenario {

using json = nlohmann::json;

// Where messages point and where warnings go. Not owned.
struct Ctx {
    std::string file;
    std::vector<std::string>* warnings = nullptr;

    [[noreturn]] void fail(const std::string& ptr, const std::string& msg) const;
    [[noreturn]] void expected(const std::string& ptr, const std::string& what, const json& got) const;
    void warn(const std::string& ptr, const std::string& msg) const;
};

// How a value appears after "got": JSON text, shortened if long.
std::string show_json(const json& v);
// JSON pointer of a child (RFC 6901 escaping of ~ and /).
std::string ptr_key(const std::string& ptr, std::string_view key);
std::string ptr_index(const std::string& ptr, std::size_t index);

constexpr std::int64_t kIntMax = std::numeric_limits<std::int64_t>::max();

struct Node {
    const Ctx* ctx = nullptr;
    const json* j = nullptr;
    std::string ptr;

    [[noreturn]] void expected(const std::string& what) const { ctx->expected(ptr, what, *j); }
    void warn(const std::string& msg) const { ctx->warn(ptr, msg); }
    Node at(std::string_view key) const;                                  // REQUIRES: an object holding key
    std::vector<Node> items(const std::string& what = "an array") const;  // an array's elements

    std::int64_t as_int(std::int64_t lo = std::numeric_limits<std::int64_t>::min(), std::int64_t hi = kIntMax) const;
    double as_number(double lo = -std::numeric_limits<double>::infinity(),
                     double hi = std::numeric_limits<double>::infinity()) const;
    double as_positive() const;  // > 0
    bool as_bool() const;
    std::string as_string() const;
    std::string as_name() const;  // [A-Za-z0-9._-]+
    std::string as_enum(const std::vector<std::string>& values) const;
    Duration as_seconds() const;                // a number of seconds >= 0
    Duration as_millis() const;                 // a number of milliseconds >= 0
    DistSpec as_dist() const;                   // a DistSpec object, or a number (constant)
    std::vector<std::string> as_names() const;  // an array of names
};

// The root node of a document.
Node root_node(const Ctx& ctx, const json& doc);

class Obj {
  public:
    // Fails unless n is an object whose keys are all in `known` (for JSON
    // inputs other than scenario files: assign and lag-eval cases).
    Obj(const Node& n, std::initializer_list<std::string_view> known);
    Obj(const Node& n, std::vector<std::string> known);
    // Fails unless n is an object whose keys are all allowed in the format
    // table's object of that name (format.hpp: "cluster.disk", "topics[]"):
    // the table is the one list of the keys a scenario file may hold, and
    // the scenario loader declares its objects only so.
    static Obj of(const Node& n, std::string_view format_object);

    std::optional<Node> get(std::string_view key) const;  // REQUIRES: key is known
    Node req(std::string_view key) const;                 // fails if missing
    bool allows(std::string_view key) const;              // key is known
    const Node& node() const { return n_; }

  private:
    Node n_;
    std::vector<std::string> known_;
};

// Checks that n is an object (for maps with free keys) and returns its entries.
std::vector<std::pair<std::string, Node>> map_entries(const Node& n);

bool is_name(std::string_view s);

}  // namespace ks::scenario
