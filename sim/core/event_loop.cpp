#include "core/event_loop.hpp"

#include <algorithm>

namespace ks {

namespace {
constexpr std::size_t kArity = 4;  // a 4-ary heap: shallower, and children share a cache line
}

TimerId EventLoop::schedule_at(Instant when, Callback cb) {
    KS_ASSERT_GE(when, now_);
    KS_ASSERT(static_cast<bool>(cb));
    KS_ASSERT_LT(sequence_, kSequenceMax);
    const std::uint32_t slot = alloc_slot();
    Slot& s = slots_[slot];
    s.cb = std::move(cb);
    s.state = SlotState::armed;
    heap_.push_back(Entry{when.ns(), (sequence_++ << kSlotBits) | slot});
    sift_up(heap_.size() - 1);
    ++live_;
    return TimerId{slot, s.generation};
}

bool EventLoop::cancel(TimerId id) {
    if (!is_pending(id)) return false;
    Slot& s = slots_[id.slot];
    s.cb.reset();
    s.state = SlotState::cancelled;
    --live_;
    ++cancelled_in_heap_;
    if (cancelled_in_heap_ > 4096 && cancelled_in_heap_ * 2 > heap_.size()) compact();
    return true;
}

bool EventLoop::is_pending(TimerId id) const {
    if (!id.valid() || id.slot >= slots_.size()) return false;
    const Slot& s = slots_[id.slot];
    return s.generation == id.generation && s.state == SlotState::armed;
}

Instant EventLoop::next_event_time() {
    drop_cancelled_top();
    return heap_.empty() ? Instant::max() : Instant::from_ns(heap_.front().time);
}

EventLoop::StopReason EventLoop::run_until(Instant until, std::uint64_t max_events) {
    KS_ASSERT_GE(until, now_);
    stop_requested_ = false;
    std::uint64_t budget = max_events;
    for (;;) {
        drop_cancelled_top();
        if (heap_.empty() || heap_.front().time > until.ns()) break;
        if (budget == 0) return StopReason::event_limit;
        const Entry e = pop_top();
        const auto slot = static_cast<std::uint32_t>(e.key & kSlotMask);
        KS_ASSERT_GE(e.time, now_.ns());
        now_ = Instant::from_ns(e.time);
        Callback cb = std::move(slots_[slot].cb);
        free_slot(slot);
        --live_;
        --budget;
        ++events_run_;
        cb();
        if (stop_requested_) return StopReason::stopped;
    }
    if (until != Instant::max()) now_ = until;
    return StopReason::reached_time;
}

EventLoop::StopReason EventLoop::run(std::uint64_t max_events) {
    const StopReason r = run_until(Instant::max(), max_events);
    return r == StopReason::reached_time ? StopReason::quiescent : r;
}

void EventLoop::sift_up(std::size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / kArity;
        if (!less(e, heap_[parent])) break;
        heap_[i] = heap_[parent];
        i = parent;
    }
    heap_[i] = e;
}

void EventLoop::sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    const Entry e = heap_[i];
    for (;;) {
        const std::size_t first = i * kArity + 1;
        if (first >= n) break;
        const std::size_t last = std::min(first + kArity, n);
        std::size_t best = first;
        for (std::size_t c = first + 1; c < last; ++c) {
            if (less(heap_[c], heap_[best])) best = c;
        }
        if (!less(heap_[best], e)) break;
        heap_[i] = heap_[best];
        i = best;
    }
    heap_[i] = e;
}

EventLoop::Entry EventLoop::pop_top() {
    const Entry top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return top;
}

std::uint32_t EventLoop::alloc_slot() {
    std::uint32_t slot;
    if (free_head_ != kNoSlot) {
        slot = free_head_;
        free_head_ = slots_[slot].next_free;
    } else {
        KS_ASSERT_LT(slots_.size(), kSlotMask);
        slot = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& s = slots_[slot];
    KS_ASSERT(s.state == SlotState::free);
    if (++s.generation == 0) s.generation = 1;  // 0 means "no timer"
    return slot;
}

void EventLoop::free_slot(std::uint32_t slot) {
    Slot& s = slots_[slot];
    s.state = SlotState::free;
    s.next_free = free_head_;
    free_head_ = slot;
}

void EventLoop::drop_cancelled_top() {
    while (!heap_.empty()) {
        const auto slot = static_cast<std::uint32_t>(heap_.front().key & kSlotMask);
        if (slots_[slot].state != SlotState::cancelled) return;
        pop_top();
        free_slot(slot);
        --cancelled_in_heap_;
    }
}

void EventLoop::compact() {
    std::size_t kept = 0;
    for (const Entry& e : heap_) {
        const auto slot = static_cast<std::uint32_t>(e.key & kSlotMask);
        if (slots_[slot].state == SlotState::cancelled) {
            free_slot(slot);
        } else {
            heap_[kept++] = e;
        }
    }
    heap_.resize(kept);
    cancelled_in_heap_ = 0;
    // Floyd's heap construction; the order of equal keys is irrelevant since
    // keys are unique (sequence numbers never repeat).
    if (heap_.size() > 1) {
        for (std::size_t i = (heap_.size() - 2) / kArity + 1; i-- > 0;) sift_down(i);
    }
}

}  // namespace ks
