#include <doctest/doctest.h>

#include <array>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/assert.hpp"
#include "core/trace.hpp"

using namespace ks;

TEST_CASE("trace: the same events give the same hash; any change gives another") {
    auto run = [](std::int64_t tweak) {
        Trace t;
        const auto k = t.define("isr_change", {"partition", "old_size", "new_size"});
        t.emit(at(ms(1)), k, {0, 3, 2});
        t.emit(at(ms(2)), k, {1, 3, tweak});
        return t.hash();
    };
    CHECK(run(2) == run(2));
    CHECK(run(2) != run(1));
}

TEST_CASE("trace: the hash folds kind names, not registration order") {
    Trace a;
    const auto ka = a.define("crash", {"broker"});
    a.emit(at(s(1)), ka, {1});
    Trace b;
    b.define("unrelated", {"x"});
    const auto kb = b.define("crash", {"broker"});
    b.emit(at(s(1)), kb, {1});
    CHECK(a.hash() == b.hash());
    CHECK(a.events() == 1);
}

TEST_CASE("trace: the time of an event is part of the fingerprint") {
    Trace a, b;
    a.emit(at(ms(1)), a.define("e", {}), {});
    b.emit(at(ms(2)), b.define("e", {}), {});
    CHECK(a.hash() != b.hash());
}

TEST_CASE("trace: the JSON-lines sink writes one object per event") {
    std::ostringstream out;
    Trace t;
    t.set_sink(&out);
    const auto k = t.define("leader_elected", {"partition", "leader", "epoch"});
    t.emit(at(ms(1500)), k, {3, 2, 7});
    CHECK(out.str() ==
          "{\"t_ns\":1500000000,\"t_s\":1.5,\"kind\":\"leader_elected\",\"partition\":3,\"leader\":2,\"epoch\":7}\n");
    CHECK(Trace::format_hash(0xabc) == "0x0000000000000abc");
}

namespace {
constexpr std::array<std::string_view, 3> kColours{"red", "", "blue"};
}  // namespace

TEST_CASE("trace: an enum field is written by name, a flag as a boolean; the hash folds only the values") {
    std::ostringstream out;
    Trace named;
    named.set_sink(&out);
    const auto k = named.define("paint", {"wall", {"colour", kColours}, Trace::Field::flag("wet")});
    named.emit(at(ms(1)), k, {1, 0, 1});
    named.emit(at(ms(2)), k, {2, 2, 0});
    named.emit(at(ms(3)), k, {3, 1, 0});  // no name in the table: its number, as a string
    named.emit(at(ms(4)), k, {4, 7, 0});  // beyond the table
    std::istringstream lines(out.str());
    std::string line;
    std::vector<std::string> got;
    while (std::getline(lines, line)) got.push_back(line);
    REQUIRE(got.size() == 4);
    CHECK(got[0] == R"({"t_ns":1000000,"t_s":0.001,"kind":"paint","wall":1,"colour":"red","wet":true})");
    CHECK(got[1] == R"({"t_ns":2000000,"t_s":0.002,"kind":"paint","wall":2,"colour":"blue","wet":false})");
    CHECK(got[2] == R"({"t_ns":3000000,"t_s":0.003,"kind":"paint","wall":3,"colour":"1","wet":false})");
    CHECK(got[3] == R"({"t_ns":4000000,"t_s":0.004,"kind":"paint","wall":4,"colour":"7","wet":false})");

    Trace plain;
    const auto p = plain.define("paint", {"wall", "colour", "wet"});
    for (std::int64_t i : {1, 2, 3, 4}) {
        const std::int64_t colour[] = {0, 2, 1, 7};
        plain.emit(at(ms(i)), p, {i, colour[i - 1], i == 1 ? 1 : 0});
    }
    CHECK(plain.hash() == named.hash());
}

TEST_CASE("trace: variants name the selector's value and relabel the fields after it") {
    std::ostringstream out;
    Trace t;
    t.set_sink(&out);
    const auto k = t.define(
        "note", {"node", "note", "a", "b"},
        {.selector = 1,
         .cases = {
             {0, "moved", {"from", "to"}}, {5, "stopped", {"", Trace::Field::flag("clean")}}, {6, "started", {}}}});
    t.emit(at(s(1)), k, {7, 0, 10, 20});
    t.emit(at(s(2)), k, {7, 5, 0, 1});
    t.emit(at(s(3)), k, {7, 6, 0, 0});
    t.emit(at(s(4)), k, {7, 3, 1, 2});  // no variant: the declared keys, the selector's number as a string
    CHECK(out.str() ==
          "{\"t_ns\":1000000000,\"t_s\":1,\"kind\":\"note\",\"node\":7,\"note\":\"moved\",\"from\":10,\"to\":20}\n"
          "{\"t_ns\":2000000000,\"t_s\":2,\"kind\":\"note\",\"node\":7,\"note\":\"stopped\",\"clean\":true}\n"
          "{\"t_ns\":3000000000,\"t_s\":3,\"kind\":\"note\",\"node\":7,\"note\":\"started\"}\n"
          "{\"t_ns\":4000000000,\"t_s\":4,\"kind\":\"note\",\"node\":7,\"note\":\"3\",\"a\":1,\"b\":2}\n");
    CHECK(t.kind_count() == 1);
    CHECK(t.schema(k).variants.cases.size() == 3);
}

TEST_CASE("trace: t_s counts from the origin; lines held until it is set say they are from the warm-up") {
    std::ostringstream out;
    Trace t;
    t.set_sink(&out);
    t.hold_until_origin();
    const auto k = t.define("e", {"x"});
    t.emit(at(ms(250)), k, {1});
    t.emit(at(ms(2000)), k, {2});
    CHECK(out.str().empty());
    t.set_origin(at(ms(2000)));
    t.emit(at(ms(2000) + ns(1)), k, {3});
    t.emit(at(ms(3500)), k, {4});
    CHECK(out.str() ==
          "{\"t_ns\":250000000,\"t_s\":-1.75,\"warmup\":true,\"kind\":\"e\",\"x\":1}\n"
          "{\"t_ns\":2000000000,\"t_s\":0,\"warmup\":true,\"kind\":\"e\",\"x\":2}\n"
          "{\"t_ns\":2000000001,\"t_s\":0.000000001,\"kind\":\"e\",\"x\":3}\n"
          "{\"t_ns\":3500000000,\"t_s\":1.5,\"kind\":\"e\",\"x\":4}\n");
    // Holding changes what is written when, never the hash.
    Trace direct;
    const auto d = direct.define("e", {"x"});
    const std::pair<Duration, std::int64_t> events[] = {
        {ms(250), 1}, {ms(2000), 2}, {ms(2000) + ns(1), 3}, {ms(3500), 4}};
    for (const auto& [when, x] : events) direct.emit(at(when), d, {x});
    CHECK(direct.hash() == t.hash());
}

TEST_CASE("trace: a field key that collides with the envelope or another key is a bug") {
    Trace t;
    for (const char* envelope : {"t_ns", "t_s", "warmup", "kind"})
        CHECK_THROWS_AS(t.define("e", {"node", envelope}), AssertionFailure);
    CHECK_THROWS_AS(t.define("e", {"a", "a"}), AssertionFailure);
    CHECK_THROWS_AS(t.define("e", {"A"}), AssertionFailure);
    CHECK_THROWS_AS(t.define("e", {""}), AssertionFailure);
    CHECK_THROWS_AS(t.define("E", {"a"}), AssertionFailure);
    // In a variant: against the fields up to the selector, and the envelope.
    CHECK_THROWS_AS(t.define("v", {"node", "sel", "x"}, {.selector = 1, .cases = {{0, "zero", {"node"}}}}),
                    AssertionFailure);
    CHECK_THROWS_AS(t.define("v", {"node", "sel", "x"}, {.selector = 1, .cases = {{0, "zero", {"kind"}}}}),
                    AssertionFailure);
    CHECK_THROWS_AS(t.define("v", {"node", "sel", "x"}, {.selector = 1, .cases = {{0, "zero", {"x", "y"}}}}),
                    AssertionFailure);  // more keys than fields after the selector
    CHECK_THROWS_AS(t.define("v", {"node", "sel", "x"}, {.selector = 1, .cases = {{0, "a", {}}, {0, "b", {}}}}),
                    AssertionFailure);  // two variants for one value
    static constexpr std::array<std::string_view, 1> kBadName{"a\"b"};
    CHECK_THROWS_AS(t.define("q", {{"f", kBadName}}), AssertionFailure);
    CHECK(t.kind_count() == 0);
    // The same kind declared again must list the same keys.
    t.define("e", {"a", "b"});
    CHECK(t.define("e", {"a", "b"}) == 0);
    CHECK_THROWS_AS(t.define("e", {"a", "c"}), AssertionFailure);
}

TEST_CASE("trace: emitting the wrong number of fields is a bug") {
    Trace t;
    const auto k = t.define("e", {"a", "b"});
    CHECK_THROWS_AS(t.emit(at(ms(1)), k, {1}), AssertionFailure);
}
