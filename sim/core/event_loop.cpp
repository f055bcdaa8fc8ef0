#include "core/event_loop.hpp"

#include <algorithm>
#include <bit>

namespace ks {

std::size_t EventLoop::bucket_of(std::uint64_t time) const {
    const std::uint64_t diff = time ^ last_;
    return diff == 0 ? 0 : static_cast<std::size_t>(64 - std::countl_zero(diff));
}

void EventLoop::push(Entry e) {
    const std::size_t b = bucket_of(e.time);
    buckets_[b].push_back(e);
    if (b > 0) occupied_ |= std::uint64_t{1} << (b - 1);
    ++queued_;
}

TimerId EventLoop::schedule_at(Instant when, Callback cb) {
    KS_ASSERT_GE(when, now_);
    KS_ASSERT(static_cast<bool>(cb));
    const std::uint32_t i = alloc_slot();
    Slot& s = slot(i);
    s.cb = std::move(cb);
    s.state = SlotState::armed;
    push(Entry{static_cast<std::uint64_t>(when.ns()), i});
    ++live_;
    return TimerId{i, s.generation};
}

bool EventLoop::cancel(TimerId id) {
    if (!is_pending(id)) return false;
    Slot& s = slot(id.slot);
    s.cb.reset();
    s.state = SlotState::cancelled;
    --live_;
    ++cancelled_queued_;
    if (cancelled_queued_ > 4096 && cancelled_queued_ * 2 > queued_) compact();
    return true;
}

bool EventLoop::is_pending(TimerId id) const {
    if (!id.valid() || id.slot >= slot_count_) return false;
    const Slot& s = slot(id.slot);
    return s.generation == id.generation && s.state == SlotState::armed;
}

bool EventLoop::surface(std::uint64_t limit) {
    for (;;) {
        auto& b0 = buckets_[0];
        while (head0_ < b0.size()) {
            const std::uint32_t i = b0[head0_].slot;
            if (slot(i).state != SlotState::cancelled) return true;
            ++head0_;
            --queued_;
            --cancelled_queued_;
            free_slot(i);
        }
        b0.clear();
        head0_ = 0;
        if (occupied_ == 0) return false;
        // Redistribute the lowest non-empty bucket around its minimum.
        const std::size_t b = static_cast<std::size_t>(std::countr_zero(occupied_)) + 1;
        auto& src = buckets_[b];
        std::uint64_t min_time = std::numeric_limits<std::uint64_t>::max();
        for (const Entry& e : src) min_time = std::min(min_time, e.time);
        KS_ASSERT_GE(min_time, last_);
        if (min_time > limit) return false;  // not due: leave last_ where it is
        last_ = min_time;
        occupied_ &= ~(std::uint64_t{1} << (b - 1));
        for (const Entry& e : src) {  // in order: equal times keep insertion order
            const std::size_t nb = bucket_of(e.time);
            KS_ASSERT_LT(nb, b);
            buckets_[nb].push_back(e);
            if (nb > 0) occupied_ |= std::uint64_t{1} << (nb - 1);
        }
        src.clear();
    }
}

Instant EventLoop::next_event_time() {
    if (surface(static_cast<std::uint64_t>(now_.ns()))) {
        return Instant::from_ns(static_cast<std::int64_t>(buckets_[0][head0_].time));
    }
    // Peek without redistributing: every entry of a lower bucket is earlier
    // than every entry of a higher one.
    for (std::size_t b = 1; b < kBuckets; ++b) {
        std::uint64_t min_time = std::numeric_limits<std::uint64_t>::max();
        for (const Entry& e : buckets_[b]) {
            if (slot(e.slot).state != SlotState::cancelled) min_time = std::min(min_time, e.time);
        }
        if (min_time != std::numeric_limits<std::uint64_t>::max()) {
            return Instant::from_ns(static_cast<std::int64_t>(min_time));
        }
    }
    return Instant::max();
}

EventLoop::StopReason EventLoop::run_until(Instant until, std::uint64_t max_events) {
    KS_ASSERT_GE(until, now_);
    stop_requested_ = false;
    std::uint64_t budget = max_events;
    const auto until_ns = static_cast<std::uint64_t>(until.ns());
    while (surface(until_ns)) {
        const Entry e = buckets_[0][head0_];
        if (e.time > until_ns) break;
        if (budget == 0) return StopReason::event_limit;
        ++head0_;
        --queued_;
        KS_ASSERT_GE(static_cast<std::int64_t>(e.time), now_.ns());
        now_ = Instant::from_ns(static_cast<std::int64_t>(e.time));
        Slot& s = slot(e.slot);
        s.state = SlotState::running;
        --live_;
        --budget;
        ++events_run_;
        s.cb();  // in place: chunked storage keeps the address stable
        s.cb.reset();
        free_slot(e.slot);
        if (stop_requested_) return StopReason::stopped;
    }
    if (until != Instant::max()) now_ = until;
    return StopReason::reached_time;
}

EventLoop::StopReason EventLoop::run(std::uint64_t max_events) {
    const StopReason r = run_until(Instant::max(), max_events);
    return r == StopReason::reached_time ? StopReason::quiescent : r;
}

std::uint32_t EventLoop::alloc_slot() {
    std::uint32_t i;
    if (free_head_ != kNoSlot) {
        i = free_head_;
        free_head_ = slot(i).next_free;
    } else {
        KS_ASSERT_LT(slot_count_, kNoSlot - kChunkSize);
        if ((slot_count_ & (kChunkSize - 1)) == 0) chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
        i = slot_count_++;
    }
    Slot& s = slot(i);
    KS_ASSERT(s.state == SlotState::free);
    if (++s.generation == 0) s.generation = 1;  // 0 means "no timer"
    return i;
}

void EventLoop::free_slot(std::uint32_t i) {
    Slot& s = slot(i);
    s.state = SlotState::free;
    s.next_free = free_head_;
    free_head_ = i;
}

void EventLoop::compact() {
    // Drops cancelled entries in place; the order inside every bucket is kept,
    // so FIFO among equal times is unaffected.
    for (std::size_t b = 0; b < kBuckets; ++b) {
        auto& v = buckets_[b];
        std::size_t kept = 0;
        for (std::size_t k = (b == 0 ? head0_ : 0); k < v.size(); ++k) {
            if (slot(v[k].slot).state == SlotState::cancelled) {
                free_slot(v[k].slot);
                --queued_;
            } else {
                v[kept++] = v[k];
            }
        }
        v.resize(kept);
        if (b == 0) head0_ = 0;
        if (b > 0 && v.empty()) occupied_ &= ~(std::uint64_t{1} << (b - 1));
    }
    cancelled_queued_ = 0;
}

}  // namespace ks
