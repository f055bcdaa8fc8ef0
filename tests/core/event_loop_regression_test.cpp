// The env module steps the loop with run_until() and then schedules work that
// is due before events already pending far ahead (a writeback 30 s out, a
// delivery in 1 ms). This pins the kernel behaviour env relies on.
#include <doctest/doctest.h>

#include <vector>

#include "core/event_loop.hpp"

using namespace ks;

TEST_CASE("event loop (as env uses it): an event scheduled after run_until may precede pending ones") {
    EventLoop loop;
    std::vector<int> order;
    loop.schedule_at(at(s(30)), [&] { order.push_back(3); });
    loop.run_until(at(ms(1)));
    CHECK(loop.next_event_time() == at(s(30)));
    loop.schedule_at(at(ms(2)), [&] { order.push_back(1); });
    CHECK(loop.next_event_time() == at(ms(2)));
    loop.schedule_at(at(ms(2)), [&] { order.push_back(2); });
    loop.run();
    CHECK(order == std::vector<int>{1, 2, 3});
    CHECK(loop.now() == at(s(30)));
}
