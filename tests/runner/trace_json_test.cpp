// trace.jsonl read as a strict tool reads it: runs with RunOptions::trace_sink
// (what `kafkasim run --trace` writes), every line parsed on its own with a
// SAX handler that refuses a key seen twice in one object, then checked
// against docs/trace-format.md: the envelope keys first with their types, the
// kind documented, every field documented with its type, enum fields strings
// among the documented names, one clock throughout.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"
#include "support/trace_format.hpp"

using namespace ks;
using nlohmann::json;

namespace {

// Fails the parse on a key repeated within one object (json::parse would keep
// the last silently), and remembers the top-level keys in order and whether
// a number was written with an exponent or the line nests anything.
class StrictSax final : public nlohmann::json_sax<json> {
  public:
    std::vector<std::string> top_keys;
    std::string problem;

    bool null() override { return fail("null"); }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t& text) override {
        return text.find_first_of("eE") == string_t::npos || fail("a number with an exponent: " + text);
    }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return fail("binary"); }
    bool start_object(std::size_t) override {
        if (!objects_.empty()) return fail("a nested object");
        objects_.emplace_back();
        return true;
    }
    bool key(string_t& k) override {
        if (!objects_.back().insert(k).second) return fail("the key \"" + k + "\" twice");
        if (objects_.size() == 1) top_keys.push_back(k);
        return true;
    }
    bool end_object() override {
        objects_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override { return fail("an array"); }
    bool end_array() override { return true; }
    bool parse_error(std::size_t at, const std::string&, const nlohmann::detail::exception& e) override {
        return fail("not JSON at " + std::to_string(at) + ": " + e.what());
    }

  private:
    bool fail(const std::string& why) {
        if (problem.empty()) problem = why;
        return false;
    }
    std::vector<std::set<std::string>> objects_;
};

// What a trace held, for the checks on coverage.
struct Seen {
    std::size_t lines = 0, warmup_lines = 0;
    std::map<std::string, std::size_t> kinds;
    std::set<std::string> enum_values;  // "field=name"
};

bool has_type(const json& v, const std::string& type) {
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "boolean") return v.is_boolean();
    if (type == "string" || type == "enum") return v.is_string();
    FAIL("docs/trace-format.md: unknown type " << type);
    return false;
}

void check_field(const json& line, const std::string& key, const test::DocField& doc, Seen& seen) {
    INFO("field ", key);
    REQUIRE(line.contains(key));
    CHECK(has_type(line[key], doc.type));
    if (doc.type == "enum" && line[key].is_string()) {
        const std::string v = line[key].get<std::string>();
        CHECK_MESSAGE(doc.names.contains(v), "undocumented value ", v);
        seen.enum_values.insert(key + "=" + v);
    }
}

// The documented fields of one event: the kind's own, plus those of the
// variant its enum field names (a kind whose variants the doc lists).
test::DocFields documented_fields(const test::DocKind& kind, const json& line) {
    test::DocFields fields = kind.fields;
    if (kind.variants.empty()) return fields;
    std::set<std::string> variant_names;
    for (const auto& [name, f] : kind.variants) variant_names.insert(name);
    for (const auto& [key, f] : kind.fields) {
        if (f.type != "enum" || f.names != variant_names) continue;
        const std::string name = line.value(key, std::string());
        REQUIRE_MESSAGE(kind.variants.contains(name), "no variant ", name);
        for (const auto& [k, vf] : kind.variants.at(name)) fields[k] = vf;
        return fields;
    }
    FAIL("docs/trace-format.md: variants but no field naming them");
    return fields;
}

Seen check_trace(const std::string& text, const test::TraceFormatDoc& doc) {
    Seen seen;
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    std::istringstream in(text);
    std::string line;
    std::int64_t last_t_ns = 0;
    std::int64_t origin_ns = 0;
    bool after_warmup = false;
    while (std::getline(in, line)) {
        ++seen.lines;
        INFO("line ", seen.lines, ": ", line);
        // Printable ASCII only: no control character, nothing a reader must decode.
        REQUIRE(std::all_of(line.begin(), line.end(), [](unsigned char c) { return c >= 0x20 && c < 0x7f; }));
        StrictSax sax;
        const bool ok = json::sax_parse(line, &sax);
        REQUIRE_MESSAGE(ok, sax.problem);
        const json j = json::parse(line);
        REQUIRE(j.is_object());

        // The envelope, first, in its order.
        const bool warmup = j.contains("warmup");
        const std::vector<std::string> envelope = warmup ? std::vector<std::string>{"t_ns", "t_s", "warmup", "kind"}
                                                         : std::vector<std::string>{"t_ns", "t_s", "kind"};
        REQUIRE(sax.top_keys.size() >= envelope.size());
        CHECK(std::vector<std::string>(sax.top_keys.begin(), sax.top_keys.begin() + envelope.size()) == envelope);
        for (const auto& key : envelope) {
            REQUIRE(doc.envelope.contains(key));
            INFO("envelope key ", key);
            CHECK(has_type(j[key], doc.envelope.at(key).type));
        }
        const auto t_ns = j["t_ns"].get<std::int64_t>();
        const double t_s = j["t_s"].get<double>();
        CHECK(t_ns >= last_t_ns);
        last_t_ns = t_ns;
        // One clock: t_ns − t_s × 10⁹ is the end of warm-up on every line.
        const auto origin = t_ns - static_cast<std::int64_t>(std::llround(t_s * 1e9));
        if (seen.lines == 1) origin_ns = origin;
        CHECK(origin == origin_ns);
        if (warmup) {
            CHECK(j["warmup"] == true);
            CHECK(t_s <= 0);
            CHECK_FALSE(after_warmup);  // warm-up lines come first
            ++seen.warmup_lines;
        } else {
            CHECK(t_s >= 0);
            after_warmup = true;
        }

        // The kind and its fields, exactly as documented.
        const std::string kind = j["kind"].get<std::string>();
        REQUIRE_MESSAGE(doc.kinds.contains(kind), "undocumented kind ", kind);
        ++seen.kinds[kind];
        const test::DocFields fields = documented_fields(doc.kinds.at(kind), j);
        for (const auto& [key, f] : fields) check_field(j, key, f, seen);
        CHECK(j.size() == envelope.size() + fields.size());
    }
    return seen;
}

// A small cluster through the faults that make every kind and most notes:
// a pause long enough to be fenced, a crash of the last ISR member with
// unclean election on, restarts, a consumer group through a rebalance.
Scenario busy_scenario() {
    return scenario::load_string(R"({"name": "trace-json", "seed": 5, "duration_s": 40, "settle_max_s": 60,
          "cluster": {"brokers": 3, "racks": ["a", "b", "c"], "config": {"unclean.leader.election.enable": true}},
          "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3,
                      "config": {"min.insync.replicas": 1}}],
          "producers": [{"name": "checkout", "topic": "orders", "rate_per_s": 50, "config": {"acks": "all"}}],
          "consumer_groups": [{"group_id": "billing", "topics": ["orders"], "members": 2}],
          "faults": [{"at_s": 2, "action": "pause", "broker": 3, "for_s": 14},
                     {"at_s": 20, "action": "crash", "broker": 2},
                     {"at_s": 21, "action": "crash", "broker": 3},
                     {"at_s": 23, "action": "crash", "broker": 1},
                     {"at_s": 26, "action": "restart", "broker": 2},
                     {"at_s": 30, "action": "restart", "broker": 1},
                     {"at_s": 30, "action": "restart", "broker": 3},
                     {"at_s": 32, "action": "consumer_crash", "group": "billing", "member": 0}]})",
                                 "trace-json.json")
        .scenario;
}

std::string traced(const Scenario& sc, RunResult* result = nullptr) {
    std::ostringstream out;
    RunOptions o;
    o.trace_sink = &out;
    RunResult r = run_simulation(sc, o);
    if (result) *result = std::move(r);
    return out.str();
}

}  // namespace

TEST_CASE("trace.jsonl: every line is strict JSON with the documented envelope, kinds, fields and types") {
    const test::TraceFormatDoc doc = test::read_trace_format_doc();
    const Scenario sc = busy_scenario();
    RunResult r;
    const Seen seen = check_trace(traced(sc, &r), doc);
    MESSAGE(seen.lines, " lines, ", seen.warmup_lines, " from warm-up");
    CHECK(seen.warmup_lines > 0);
    CHECK(seen.warmup_lines < seen.lines);
    for (const char* kind : {"deliver", "process", "note"}) CHECK_MESSAGE(seen.kinds.contains(kind), kind);
    for (const char* value : {"event=stopped", "event=started", "event=paused", "event=resumed", "message=Produce",
                              "message=FetchResponse", "message=JoinGroup", "note=leader_elected", "note=isr_changed",
                              "note=broker_fenced", "note=became_leader", "reason=session_expired"})
        CHECK_MESSAGE(seen.enum_values.contains(value), value);
    CHECK(r.summary.unclean_elections > 0);

    // The sink writes; it never changes the run.
    const RunResult quiet = run_simulation(sc, RunOptions{});
    CHECK(quiet.summary.trace_hash == r.summary.trace_hash);
    CHECK(quiet.summary.events == r.summary.events);
}

TEST_CASE("trace.jsonl: a teaching lab's trace is strict JSON too") {
    const test::TraceFormatDoc doc = test::read_trace_format_doc();
    Scenario sc =
        scenario::load_file(std::string(KS_SOURCE_DIR) + "/scenarios/labs/rolling-restart-controlled.json").scenario;
    const Seen seen = check_trace(traced(sc), doc);
    MESSAGE(seen.lines, " lines");
    CHECK(seen.enum_values.contains("note=controlled_shutdown_done"));
}
