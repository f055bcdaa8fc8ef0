#include <doctest/doctest.h>

#include <sstream>

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
    CHECK(out.str() == "{\"t_ns\":1500000000,\"kind\":\"leader_elected\",\"partition\":3,\"leader\":2,\"epoch\":7}\n");
    CHECK(Trace::format_hash(0xabc) == "0x0000000000000abc");
}

TEST_CASE("trace: emitting the wrong number of fields is a bug") {
    Trace t;
    const auto k = t.define("e", {"a", "b"});
    CHECK_THROWS_AS(t.emit(at(ms(1)), k, {1}), AssertionFailure);
}
