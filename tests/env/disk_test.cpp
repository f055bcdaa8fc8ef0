#include <doctest/doctest.h>

#include <vector>

#include "core/event_loop.hpp"
#include "core/rng.hpp"
#include "env/disk.hpp"

using namespace ks;
using namespace ks::env;

namespace {

struct Done {
    Instant at;
    DiskCompletion c;
};

// 100 MB/s (10 ns per byte), 0.05 ms appends, 2 ms flushes, 30 s writeback
// exactly at expiry unless a test sets an interval.
Disk::Options constant_disk() {
    return Disk::Options{.append_latency_ms = DistSpec::constant(0.05),
                         .flush_latency_ms = DistSpec::constant(2),
                         .throughput_mb_per_s = 100,
                         .dirty_expire = s(30),
                         .writeback_interval = Duration::zero()};
}

struct Bench {
    EventLoop loop;
    Disk disk;
    std::vector<Done> done;
    explicit Bench(Disk::Options o = constant_disk(), std::uint64_t seed = 1)
        : disk(loop, Rng::stream(seed, "disk"), o) {
        disk.set_completion_handler([this](const DiskCompletion& c) { done.push_back({loop.now(), c}); });
    }
};

}  // namespace

TEST_CASE("disk: an append lands in the page cache after its transfer and append latency") {
    Bench b;
    const FileId f = b.disk.create_file();
    b.disk.append(f, 1'000'000, 7);  // 10 ms at 100 MB/s
    CHECK(b.disk.appended_length(f) == 0);
    b.loop.run_until(at(ms(10)));
    CHECK(b.disk.appended_length(f) == 0);
    b.loop.run_until(at(ms(10) + us(50)));
    REQUIRE(b.done.size() == 1);
    CHECK(b.done[0].at == at(ms(10) + us(50)));
    CHECK(b.done[0].c.kind == DiskCompletion::Kind::append);
    CHECK(b.done[0].c.token == 7);
    CHECK(b.done[0].c.length == 1'000'000);
    CHECK(b.disk.appended_length(f) == 1'000'000);
    CHECK(b.disk.durable_length(f) == 0);
}

TEST_CASE("disk: the throughput limit serialises appends") {
    Bench b;
    const FileId f = b.disk.create_file();
    const FileId g = b.disk.create_file();
    b.disk.append(f, 1'000'000, 1);
    b.disk.append(g, 1'000'000, 2);
    b.loop.run();
    REQUIRE(b.done.size() == 2);
    CHECK(b.done[0].at == at(ms(10) + us(50)));
    CHECK(b.done[1].at == at(ms(20) + us(50)));
    CHECK(b.done[1].c.file == g);
}

TEST_CASE("disk: a flush makes durable what was appended before it was called") {
    Bench b;
    const FileId f = b.disk.create_file();
    b.disk.append(f, 100, 1);
    b.loop.run_until(at(ms(1)));
    b.disk.flush(f, 2);
    b.disk.append(f, 50, 3);  // lands before the flush completes, but after it was called
    b.loop.run_until(at(ms(3)));
    REQUIRE(b.done.size() == 3);
    CHECK(b.done[2].c.kind == DiskCompletion::Kind::flush);
    CHECK(b.done[2].at == at(ms(3)));
    CHECK(b.done[2].c.length == 100);
    CHECK(b.disk.durable_length(f) < b.disk.appended_length(f));
}

TEST_CASE("disk: OS writeback makes page-cache data durable after dirty_expire") {
    Bench b;
    const FileId f = b.disk.create_file();
    b.disk.append(f, 100, 1);  // lands at 1 us (transfer) + 50 us
    b.loop.run_until(at(s(30)));
    CHECK(b.disk.durable_length(f) == 0);
    b.loop.run_until(at(s(30) + us(51)));
    CHECK(b.disk.durable_length(f) == 100);
    CHECK(b.disk.dirty_extents() == 0);
}

TEST_CASE("disk: writeback happens at the flusher's next tick after expiry") {
    Disk::Options o = constant_disk();
    o.writeback_interval = s(5);
    Bench b(o);
    const FileId f = b.disk.create_file();
    for (int i = 0; i < 1000; ++i) {
        b.disk.append(f, 10, static_cast<std::uint64_t>(i));
        b.loop.run_until(b.loop.now() + ms(1));
    }
    CHECK(b.disk.dirty_extents() == 1);  // all due at the same tick: coalesced
    b.loop.run_until(at(s(35) - ns(1)));
    CHECK(b.disk.durable_length(f) == 0);
    b.loop.run_until(at(s(35)));
    CHECK(b.disk.durable_length(f) == 10000);
}

TEST_CASE("disk: the flusher ticks in its own phase") {
    Disk::Options o = constant_disk();
    o.writeback_interval = s(5);
    o.writeback_phase = ms(1700);
    Bench b(o);
    const FileId f = b.disk.create_file();
    b.disk.append(f, 10, 1);  // dirty from ~0 s: expires at 30 s, flushed at the tick 31.7 s
    b.loop.run_until(at(s(31) + ms(700) - ns(1)));
    CHECK(b.disk.durable_length(f) == 0);
    b.loop.run_until(at(s(31) + ms(700)));
    CHECK(b.disk.durable_length(f) == 10);
    b.loop.run_until(at(s(33)));
    b.disk.append(f, 10, 2);  // expires at 63 s: the tick at 66.7 s
    b.loop.run_until(at(s(66) + ms(700) - ns(1)));
    CHECK(b.disk.durable_length(f) == 10);
    b.loop.run_until(at(s(66) + ms(700)));
    CHECK(b.disk.durable_length(f) == 20);
}

TEST_CASE("disk: a process crash keeps the page cache and writeback still makes it durable") {
    Bench b;
    const FileId f = b.disk.create_file();
    b.disk.append(f, 100, 1);
    b.loop.run_until(at(ms(1)));
    b.disk.append(f, 1'000'000, 2);  // in progress (10 ms) when the process dies
    b.disk.flush(f, 3);
    b.loop.run_until(at(ms(2)));
    b.disk.crash();
    b.loop.run_until(at(s(1)));
    CHECK(b.done.size() == 1);  // neither the append nor the flush completes
    CHECK(b.disk.appended_length(f) == 100);
    CHECK(b.disk.durable_length(f) == 0);
    b.loop.run_until(at(s(31)));
    CHECK(b.disk.durable_length(f) == 100);
}

TEST_CASE("disk: a power loss drops the unflushed tail and reports the durable length") {
    Bench b;
    const FileId f = b.disk.create_file();
    const FileId g = b.disk.create_file();
    b.disk.append(f, 100, 1);
    b.loop.run_until(at(ms(1)));
    b.disk.flush(f, 2);
    b.loop.run_until(at(ms(5)));
    b.disk.append(f, 50, 3);
    b.disk.append(g, 70, 4);
    b.loop.run_until(at(ms(10)));
    REQUIRE(b.disk.appended_length(f) == 150);

    const auto losses = b.disk.power_loss();
    REQUIRE(losses.size() == 2);
    CHECK(losses[0].file == f);
    CHECK(losses[0].appended_before == 150);
    CHECK(losses[0].durable == 100);
    CHECK(losses[1].appended_before == 70);
    CHECK(losses[1].durable == 0);
    CHECK(b.disk.appended_length(f) == 100);
    CHECK(b.disk.appended_length(g) == 0);
    CHECK_FALSE(b.disk.powered());

    b.disk.power_on();
    b.loop.run_until(at(s(60)));  // the lost tail's writeback never happens
    CHECK(b.disk.durable_length(f) == 100);
    CHECK(b.disk.appended_length(g) == 0);
}

TEST_CASE("disk: disk_slow multiplies latencies while it is in force") {
    Bench b;
    const FileId f = b.disk.create_file();
    b.disk.set_slow_factor(10);
    b.disk.flush(f, 1);
    b.loop.run();
    REQUIRE(b.done.size() == 1);
    CHECK(b.done[0].at == at(ms(20)));

    b.disk.append(f, 1000, 2);  // (10 us transfer + 50 us) × 10
    b.loop.run_until(at(ms(21)));
    CHECK(b.done[1].at == at(ms(20) + us(600)));

    b.disk.set_slow_factor(1);
    const Instant t0 = b.loop.now();
    b.disk.flush(f, 3);
    b.loop.run();
    CHECK(b.done[2].at == t0 + ms(2));
}

TEST_CASE("disk: completions come in issue order even when latency samples would reorder") {
    Disk::Options o = constant_disk();
    o.flush_latency_ms = DistSpec::exponential(5);
    o.append_latency_ms = DistSpec::exponential(1);
    Bench b(o);
    const FileId f = b.disk.create_file();
    for (std::uint64_t i = 0; i < 200; ++i) {
        b.disk.append(f, 10, i);
        b.disk.flush(f, 1000 + i);
        b.loop.run_until(b.loop.now() + us(100));
    }
    b.loop.run();
    std::uint64_t next_append = 0;
    std::uint64_t next_flush = 1000;
    Bytes durable = 0;
    for (const Done& d : b.done) {
        if (d.c.kind == DiskCompletion::Kind::append) {
            CHECK(d.c.token == next_append++);
        } else {
            CHECK(d.c.token == next_flush++);
            CHECK(d.c.length >= durable);
            durable = d.c.length;
        }
    }
    CHECK(next_append == 200);
    CHECK(next_flush == 1200);
}

TEST_CASE("disk: truncate shortens both lengths and later data is not durable early") {
    Bench b;
    const FileId f = b.disk.create_file();
    b.disk.append(f, 100, 1);
    b.loop.run_until(at(ms(1)));
    b.disk.flush(f, 2);
    b.loop.run_until(at(ms(5)));
    b.disk.truncate(f, 60);
    CHECK(b.disk.appended_length(f) == 60);
    CHECK(b.disk.durable_length(f) == 60);
    b.disk.append(f, 100, 3);
    b.loop.run_until(at(s(30) + ms(2)));  // the first extent expires (clamped to 60)
    CHECK(b.disk.durable_length(f) == 60);
    b.loop.run_until(at(s(31)));
    CHECK(b.disk.durable_length(f) == 160);
}

TEST_CASE("disk: the same seed gives the same completion times") {
    auto run = [](std::uint64_t seed) {
        Bench b(Disk::Options{}, seed);  // lognormal flushes
        const FileId f = b.disk.create_file();
        for (std::uint64_t i = 0; i < 100; ++i) {
            b.disk.append(f, 16384, i);
            if (i % 10 == 0) b.disk.flush(f, i);
            b.loop.run_until(b.loop.now() + ms(1));
        }
        b.loop.run();
        std::vector<std::int64_t> out;
        for (const Done& d : b.done) out.push_back(d.at.ns());
        return out;
    };
    CHECK(run(3) == run(3));
    CHECK(run(3) != run(4));
}
