#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "core/event_loop.hpp"
#include "core/rng.hpp"

using namespace ks;

TEST_CASE("event loop: events run in time order") {
    EventLoop loop;
    std::vector<int> order;
    loop.schedule_at(at(ms(30)), [&] { order.push_back(3); });
    loop.schedule_at(at(ms(10)), [&] { order.push_back(1); });
    loop.schedule_at(at(ms(20)), [&] { order.push_back(2); });
    CHECK(loop.run() == EventLoop::StopReason::quiescent);
    CHECK(order == std::vector<int>{1, 2, 3});
    CHECK(loop.now() == at(ms(30)));
    CHECK(loop.events_run() == 3);
}

TEST_CASE("event loop: ties at the same instant run in insertion order") {
    EventLoop loop;
    std::vector<int> order;
    for (int i = 0; i < 100; ++i) loop.schedule_at(at(ms(5)), [&order, i] { order.push_back(i); });
    loop.run();
    REQUIRE(order.size() == 100);
    for (int i = 0; i < 100; ++i) CHECK(order[i] == i);
}

TEST_CASE("event loop: an event scheduled now from a callback runs after those already queued for now") {
    EventLoop loop;
    std::vector<int> order;
    loop.schedule_at(at(ms(1)), [&] {
        order.push_back(1);
        loop.schedule_after(Duration::zero(), [&] { order.push_back(3); });
    });
    loop.schedule_at(at(ms(1)), [&] { order.push_back(2); });
    loop.run();
    CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("event loop: a cancelled timer never runs and cancel reports whether it was pending") {
    EventLoop loop;
    int fired = 0;
    TimerId a = loop.schedule_after(ms(10), [&] { fired += 1; });
    TimerId b = loop.schedule_after(ms(20), [&] { fired += 10; });
    CHECK(loop.is_pending(a));
    CHECK(loop.cancel(a));
    CHECK_FALSE(loop.cancel(a));
    CHECK_FALSE(loop.is_pending(a));
    CHECK(loop.pending() == 1);
    loop.run();
    CHECK(fired == 10);
    CHECK_FALSE(loop.cancel(b));  // already ran
    CHECK_FALSE(loop.cancel(TimerId{}));
}

TEST_CASE("event loop: a stale timer id does not cancel a new event reusing its slot") {
    EventLoop loop;
    int fired = 0;
    TimerId a = loop.schedule_after(ms(1), [&] { ++fired; });
    loop.run();
    TimerId b = loop.schedule_after(ms(1), [&] { fired += 100; });
    CHECK(a.slot == b.slot);
    CHECK_FALSE(loop.cancel(a));
    loop.run();
    CHECK(fired == 101);
}

TEST_CASE("event loop: run_until stops at the bound and advances the clock to it") {
    EventLoop loop;
    int fired = 0;
    loop.schedule_at(at(ms(10)), [&] { ++fired; });
    loop.schedule_at(at(ms(50)), [&] { ++fired; });
    CHECK(loop.run_until(at(ms(20))) == EventLoop::StopReason::reached_time);
    CHECK(fired == 1);
    CHECK(loop.now() == at(ms(20)));
    CHECK(loop.next_event_time() == at(ms(50)));
    loop.run_until(at(ms(50)));
    CHECK(fired == 2);
}

TEST_CASE("event loop: the event limit bounds a run") {
    EventLoop loop;
    int fired = 0;
    for (int i = 0; i < 10; ++i) loop.schedule_at(at(ms(i)), [&] { ++fired; });
    CHECK(loop.run(4) == EventLoop::StopReason::event_limit);
    CHECK(fired == 4);
    loop.run();
    CHECK(fired == 10);
}

TEST_CASE("event loop: stop() from a callback returns after that event") {
    EventLoop loop;
    int fired = 0;
    loop.schedule_at(at(ms(1)), [&] {
        ++fired;
        loop.stop();
    });
    loop.schedule_at(at(ms(2)), [&] { ++fired; });
    CHECK(loop.run() == EventLoop::StopReason::stopped);
    CHECK(fired == 1);
}

TEST_CASE("event loop: scheduling in the past is a bug") {
    EventLoop loop;
    loop.run_until(at(ms(10)));
    CHECK_THROWS_AS(loop.schedule_at(at(ms(5)), [] {}), AssertionFailure);
}

TEST_CASE("event loop: many cancellations compact the heap without changing order") {
    EventLoop loop;
    std::vector<TimerId> ids;
    std::vector<int> order;
    for (int i = 0; i < 20000; ++i) {
        ids.push_back(loop.schedule_at(at(ms(20000 - i)), [&order, i] { order.push_back(i); }));
    }
    for (int i = 0; i < 20000; ++i) {
        if (i % 10 != 0) loop.cancel(ids[i]);
    }
    CHECK(loop.pending() == 2000);
    loop.run();
    REQUIRE(order.size() == 2000);
    for (std::size_t k = 1; k < order.size(); ++k) CHECK(order[k] < order[k - 1]);
}

TEST_CASE("event loop: slots are recycled, so a steady state does not grow") {
    EventLoop loop;
    int remaining = 100000;
    struct Tick {
        EventLoop* loop;
        int* remaining;
        void operator()() const {
            if (--*remaining > 0) loop->schedule_after(us(7), Tick{loop, remaining});
        }
    };
    for (int i = 0; i < 10; ++i) loop.schedule_after(us(i), Tick{&loop, &remaining});
    loop.run();
    CHECK(remaining <= 0);
    CHECK(loop.events_run() >= 100000);
}

TEST_CASE("event loop: matches a (time, sequence) reference order under random scheduling and cancels") {
    // Reference model: every scheduled event gets a global sequence number; the
    // loop must run the non-cancelled ones sorted by (time, sequence).
    Rng rng(99);
    EventLoop loop;
    struct Ref {
        std::int64_t time;
        std::uint64_t seq;
    };
    std::vector<Ref> expected;
    std::vector<std::uint64_t> ran;
    std::vector<std::pair<TimerId, std::size_t>> handles;
    std::uint64_t seq = 0;
    std::function<void(int)> spawn;
    struct Ctx {
        EventLoop* loop;
        Rng* rng;
        std::vector<Ref>* expected;
        std::vector<std::uint64_t>* ran;
        std::vector<std::pair<TimerId, std::size_t>>* handles;
        std::function<void(int)>* spawn;
    } ctx{&loop, &rng, &expected, &ran, &handles, &spawn};
    spawn = [&](int depth) {
        const std::int64_t delay = static_cast<std::int64_t>(rng.uniform_u64(5)) * 1000;  // many ties
        const std::uint64_t my = seq++;
        expected.push_back(Ref{(loop.now() + ns(delay)).ns(), my});
        const TimerId id = loop.schedule_after(ns(delay), [c = &ctx, my, depth] {
            c->ran->push_back(my);
            if (depth < 3) {
                for (int k = 0; k < 2; ++k) (*c->spawn)(depth + 1);
            }
            if (!c->handles->empty() && c->rng->bernoulli(0.3)) {
                const auto victim = (*c->handles)[c->rng->uniform_u64(c->handles->size())];
                if (c->loop->cancel(victim.first)) (*c->expected)[victim.second].time = -1;
            }
        });
        handles.emplace_back(id, expected.size() - 1);
    };
    for (int i = 0; i < 300; ++i) spawn(0);
    loop.run();
    std::vector<Ref> live;
    for (const auto& r : expected) {
        if (r.time >= 0) live.push_back(r);
    }
    std::stable_sort(live.begin(), live.end(),
                     [](const Ref& a, const Ref& b) { return a.time < b.time || (a.time == b.time && a.seq < b.seq); });
    REQUIRE(ran.size() == live.size());
    for (std::size_t k = 0; k < ran.size(); ++k) CHECK(ran[k] == live[k].seq);
}
