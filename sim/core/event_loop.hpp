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
//   3. In the steady state scheduling allocates nothing: the callable lives in
//      a recycled slot (InplaceFunction) and the heap vector keeps its capacity.
//
// Cancellation is O(1): the slot is marked cancelled and its callable released;
// the heap entry is dropped lazily when it reaches the top (or by a compaction
// when cancelled entries outnumber live ones). A TimerId carries the slot's
// generation, so cancelling an event that already ran is a harmless no-op.
#pragma once

#include <cstdint>
#include <limits>
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
    // A heap entry: 16 bytes. key = (sequence << kSlotBits) | slot, so comparing
    // (time, key) orders by time, then by insertion sequence.
    struct Entry {
        std::int64_t time;
        std::uint64_t key;
    };
    static constexpr unsigned kSlotBits = 24;
    static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
    static constexpr std::uint64_t kSequenceMax = std::uint64_t{1} << (64 - kSlotBits);

    enum class SlotState : std::uint8_t { free, armed, cancelled };
    struct Slot {
        Callback cb;
        std::uint32_t generation = 0;
        std::uint32_t next_free = 0;
        SlotState state = SlotState::free;
    };

    static bool less(const Entry& a, const Entry& b) {
        return a.time < b.time || (a.time == b.time && a.key < b.key);
    }
    void sift_up(std::size_t i);
    void sift_down(std::size_t i);
    Entry pop_top();
    std::uint32_t alloc_slot();
    void free_slot(std::uint32_t slot);
    void drop_cancelled_top();
    void compact();

    Instant now_ = Instant::zero();
    std::vector<Entry> heap_;
    std::vector<Slot> slots_;
    std::uint32_t free_head_ = kNoSlot;
    std::uint64_t sequence_ = 0;
    std::uint64_t events_run_ = 0;
    std::size_t live_ = 0;
    std::size_t cancelled_in_heap_ = 0;
    bool stop_requested_ = false;
    static constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();
};

}  // namespace ks
