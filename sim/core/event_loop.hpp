// EventLoop: the deterministic discrete-event kernel.
//
// Events run in order of (time, insertion sequence): two events at the same
// instant run in the order they were scheduled, so a run depends only on the
// order of calls, never on memory addresses. Time never goes back: scheduling
// before now() is a bug (asserted).
//
// Invariants:
//   1. now() is non-decreasing; every event runs at exactly its scheduled time.
//   2. Each scheduled event runs at most once; a cancelled one never runs.
//   3. Events with equal times run in insertion order (FIFO).
//   4. In the steady state scheduling allocates nothing: the callable lives in
//      a recycled slot (InplaceFunction) and the queues keep their capacity.
//
// The queue is a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990), which needs
// monotone keys — exactly a simulation's "never schedule in the past". Bucket b
// holds the events whose time differs from the last popped time first at bit
// b-1; two events with the same time are therefore always in the same bucket,
// and since buckets are appended to and redistributed in order, equal times
// keep their insertion order without a sequence number.
//
// Cancellation is O(1): the slot is marked cancelled and its callable released;
// the queue entry is dropped lazily when it surfaces (or by a compaction when
// cancelled entries outnumber live ones). A TimerId carries the slot's
// generation, so cancelling an event that already ran is a harmless no-op.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/inplace_function.hpp"
#include "kafkasim/time.hpp"

namespace ks {

struct TimerId {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;  // 0 = no timer
    constexpr bool valid() const { return generation != 0; }
    constexpr bool operator==(const TimerId&) const = default;
};

class EventLoop {
  public:
    using Callback = InplaceFunction<void(), 48>;

    enum class StopReason { reached_time, event_limit, quiescent, stopped };

    EventLoop() = default;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    Instant now() const { return now_; }

    // REQUIRES: when >= now().
    TimerId schedule_at(Instant when, Callback cb);
    // REQUIRES: delay >= 0.
    TimerId schedule_after(Duration delay, Callback cb) { return schedule_at(now_ + delay, std::move(cb)); }

    // Returns true iff the event was pending and is now cancelled.
    bool cancel(TimerId id);
    // Returns true iff the event is scheduled and has neither run nor been cancelled.
    bool is_pending(TimerId id) const;

    // Runs events with time <= until, then advances now() to `until` (unless
    // stopped or the event limit hit first). max_events bounds this call.
    StopReason run_until(Instant until, std::uint64_t max_events = kNoLimit);
    // Runs until no event is pending (quiescence) or the limit.
    StopReason run(std::uint64_t max_events = kNoLimit);
    // Asks the loop to return after the current event.
    void stop() { stop_requested_ = true; }

    std::uint64_t events_run() const { return events_run_; }
    std::size_t pending() const { return live_; }
    // Time of the next live event, or Instant::max() when none is pending.
    Instant next_event_time();

    static constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();

  private:
    struct Entry {
        std::uint64_t time;
        std::uint32_t slot;
    };
    enum class SlotState : std::uint8_t { free, armed, cancelled, running };
    struct Slot {
        Callback cb;
        std::uint32_t generation = 0;
        std::uint32_t next_free = 0;
        SlotState state = SlotState::free;
    };
    // Slots live in fixed-size chunks so that a running callback, invoked in
    // place, keeps its address while it schedules more events.
    static constexpr unsigned kChunkBits = 10;
    static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
    static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::size_t kBuckets = 65;

    Slot& slot(std::uint32_t i) { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
    const Slot& slot(std::uint32_t i) const { return chunks_[i >> kChunkBits][i & (kChunkSize - 1)]; }
    std::size_t bucket_of(std::uint64_t time) const;
    void push(Entry e);
    // Makes bucket 0 hold the earliest live events if they are due by `limit`;
    // false when none is. Never moves last_ past `limit`, so last_ <= now()
    // between calls and any schedule_at(when >= now()) keeps keys monotone.
    bool surface(std::uint64_t limit);
    std::uint32_t alloc_slot();
    void free_slot(std::uint32_t i);
    void compact();

    Instant now_ = Instant::zero();
    std::uint64_t last_ = 0;  // the radix heap's reference key: the last time surfaced
    std::array<std::vector<Entry>, kBuckets> buckets_;
    std::size_t head0_ = 0;       // bucket 0 is consumed from the front
    std::uint64_t occupied_ = 0;  // bit b-1 set iff bucket b (b >= 1) is non-empty
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    std::uint32_t slot_count_ = 0;
    std::uint32_t free_head_ = kNoSlot;
    std::uint64_t events_run_ = 0;
    std::size_t live_ = 0;
    std::size_t cancelled_queued_ = 0;
    std::size_t queued_ = 0;
    bool stop_requested_ = false;
};

}  // namespace ks
