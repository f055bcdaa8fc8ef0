// Disk: one broker's storage as byte lengths per file, with a page cache,
// fsync, OS writeback, a throughput limit, slowness, crashes and power loss.
//
// The disk knows nothing of Kafka: a file is an append-only byte length that
// the owner maps to its logs (a partition's log, a checkpoint...). Each file
// has two lengths:
//   appended — bytes written into the page cache (what a restarted process
//              reads back after a crash);
//   durable  — the prefix on stable storage (what survives a power loss).
//
// Timing (every latency sample is multiplied by the slow factor in force when
// the operation is issued; operations already issued keep their times):
//   append(f, n): the write channel moves n bytes at throughput_mb_per_s, one
//     write after another; the data lands in the page cache (appended += n) at
//     channel end + an append_latency_ms sample. The throughput limit thus
//     bounds how fast data can enter the page cache in the long run, as a
//     device under dirty-page throttling does.
//   flush(f): fsync; completes after a flush_latency_ms sample. On completion
//     the file is durable up to its appended length *when flush was called*
//     (or up to `upto` when given: an fsync of the older part of a file, as
//     of a log's older segment files).
//   writeback: the OS makes page-cache data durable once it has been dirty for
//     dirty_expire, at the next tick of the flusher (every writeback_interval,
//     like Linux's dirty_expire_centisecs / dirty_writeback_centisecs; an
//     interval of 0 writes back exactly at expiry). The flusher ticks at
//     writeback_phase + k * writeback_interval: each machine's flusher keeps
//     its own phase (it counts from that machine's boot), so two brokers'
//     disks make the same data durable at different instants.
//   Completions of appends are delivered in issue order, as are those of
//   flushes, through the EventLoop to the owner's handler.
//
// Faults:
//   crash()      — the process dies, the kernel lives: completions not yet
//                  delivered are dropped (those appends never land, those
//                  fsyncs don't count), the page cache is kept and writeback
//                  continues. The owner reads appended_length() on restart.
//   power_loss() — every byte not yet durable is gone (appended := durable),
//                  pending work is dropped, and the durable length of every
//                  file is reported. The disk is off until power_on().
//   set_slow_factor(k) — latencies and transfer times × k (disk_slow).
//   truncate(f, n) — immediate, and durable (as the owner's log recovery
//                  expects); only ever shortens.
//
// Invariants:
//   1. 0 <= durable <= appended for every file, at every instant.
//   2. durable never decreases except by truncate().
//   3. Nothing completes after crash() or power_loss() that was issued before.
//   4. Dirty extents are at most files × (dirty_expire / writeback_interval + 2);
//      with writeback_interval == 0, bounded by dirty_extents_max (asserted).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "core/event_loop.hpp"
#include "core/inplace_function.hpp"
#include "core/rng.hpp"
#include "kafkasim/distribution.hpp"
#include "kafkasim/ids.hpp"
#include "kafkasim/time.hpp"

namespace ks::env {

using FileId = std::uint32_t;

struct DiskCompletion {
    enum class Kind : std::uint8_t { append, flush };
    Kind kind;
    FileId file;
    std::uint64_t token;  // the owner's, passed back untouched
    Bytes length;         // append: appended length after it; flush: durable length after it
};

// What a power loss left of one file.
struct FileLoss {
    FileId file;
    Bytes appended_before;  // page-cache length just before the loss
    Bytes durable;          // what is left
};

class Disk {
  public:
    struct Options {
        DistSpec append_latency_ms = DistSpec::constant(0.05);
        DistSpec flush_latency_ms = DistSpec::lognormal(2, 20);
        double throughput_mb_per_s = 500;  // megabytes (1e6 B) per second; > 0
        Duration dirty_expire = s(30);
        Duration writeback_interval = s(5);
        Duration writeback_phase = Duration::zero();  // in [0, writeback_interval)
        std::uint32_t files_max = 1u << 20;
        std::uint32_t dirty_extents_max = 1u << 22;
    };

    using CompletionHandler = InplaceFunction<void(const DiskCompletion&), 32>;

    // `loop` must outlive the Disk.
    Disk(EventLoop& loop, Rng rng, Options options);
    Disk(const Disk&) = delete;
    Disk& operator=(const Disk&) = delete;

    void set_completion_handler(CompletionHandler h) { on_complete_ = std::move(h); }

    // A new, empty file. REQUIRES: powered().
    FileId create_file();
    // REQUIRES: powered(), file exists, size_bytes >= 0.
    void append(FileId file, Bytes size_bytes, std::uint64_t token);
    // REQUIRES: powered(), file exists, upto (when given) >= 0.
    void flush(FileId file, std::uint64_t token, std::optional<Bytes> upto = std::nullopt);
    // REQUIRES: powered(), length <= appended_length(file).
    void truncate(FileId file, Bytes length);

    Bytes appended_length(FileId file) const { return file_at(file).appended; }
    Bytes durable_length(FileId file) const { return file_at(file).durable; }
    std::size_t file_count() const { return files_.size(); }

    // REQUIRES: factor >= 1 (1 = normal speed).
    void set_slow_factor(double factor);
    double slow_factor() const { return slow_; }

    void crash();
    // Returns every file's loss, in file order.
    std::vector<FileLoss> power_loss();
    void power_on();
    bool powered() const { return powered_; }

    std::size_t dirty_extents() const { return dirty_.size(); }

  private:
    struct File {
        Bytes appended = 0;
        Bytes durable = 0;
        std::uint64_t last_extent = kNoExtent;  // sequence of its newest dirty extent
    };
    // Bytes [.., end) of `file` become durable at `due` (if still appended).
    struct Extent {
        FileId file;
        Bytes end;
        Instant due;
    };
    static constexpr std::uint64_t kNoExtent = ~std::uint64_t{0};

    const File& file_at(FileId f) const;
    File& file_at(FileId f);
    Duration slowed(Duration d) const;
    Instant writeback_due(Instant dirtied) const;
    void landed(FileId f, Bytes size_bytes, std::uint64_t token, std::uint32_t incarnation);
    void flushed(FileId f, Bytes target, std::uint64_t token, std::uint32_t incarnation);
    void mark_dirty(FileId f);
    void arm_writeback();
    void write_back();
    void drop_pending();

    EventLoop& loop_;
    Rng rng_;
    Options options_;
    CompletionHandler on_complete_;
    std::vector<File> files_;
    std::deque<Extent> dirty_;          // in due order
    std::uint64_t extents_popped_ = 0;  // sequence of dirty_.front()
    TimerId writeback_timer_;
    Instant channel_free_ = Instant::zero();
    Instant last_append_done_ = Instant::zero();
    Instant last_flush_done_ = Instant::zero();
    std::uint32_t incarnation_ = 0;  // bumped by crash and power loss
    double slow_ = 1.0;
    bool powered_ = true;
};

}  // namespace ks::env
