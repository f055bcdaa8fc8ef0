#include "kafka/log.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace ks::kafka {

// ---- LeaderEpochCache -----------------------------------------------------------

void LeaderEpochCache::assign(LeaderEpoch epoch, Offset start_offset) {
    KS_ASSERT_GE(epoch, 0);
    KS_ASSERT_GE(start_offset, 0);
    // isUpdateNeeded: a new epoch, or the same epoch with an earlier start.
    if (!entries_.empty()) {
        const EpochEntry& latest = entries_.back();
        if (latest.epoch == epoch && latest.start_offset <= start_offset) return;
    }
    while (!entries_.empty() && (entries_.back().epoch >= epoch || entries_.back().start_offset >= start_offset)) {
        entries_.pop_back();
    }
    entries_.push_back(EpochEntry{epoch, start_offset});
    ++changes_;
}

void LeaderEpochCache::truncate_from_end(Offset end_offset) {
    const std::size_t before = entries_.size();
    while (!entries_.empty() && entries_.back().start_offset >= end_offset) entries_.pop_back();
    if (entries_.size() != before) ++changes_;
}

void LeaderEpochCache::truncate_from_start(Offset start_offset) {
    // Keep the last entry starting at or below start_offset, moved up to it.
    std::size_t first_kept = 0;
    while (first_kept + 1 < entries_.size() && entries_[first_kept + 1].start_offset <= start_offset) {
        ++first_kept;
    }
    if (first_kept > 0) {
        entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(first_kept));
        ++changes_;
    }
    if (!entries_.empty() && entries_.front().start_offset < start_offset) {
        entries_.front().start_offset = start_offset;
        ++changes_;
    }
}

std::optional<LeaderEpoch> LeaderEpochCache::latest_epoch() const {
    if (entries_.empty()) return std::nullopt;
    return entries_.back().epoch;
}

std::pair<LeaderEpoch, Offset> LeaderEpochCache::end_offset_for(LeaderEpoch requested, Offset log_end_offset) const {
    if (requested == kNoEpoch) return {kNoEpoch, kUndefinedOffset};
    if (!entries_.empty() && entries_.back().epoch == requested) return {requested, log_end_offset};
    // higherEntry: the first epoch strictly above the requested one.
    auto higher =
        std::find_if(entries_.begin(), entries_.end(), [&](const EpochEntry& e) { return e.epoch > requested; });
    if (higher == entries_.end()) return {kNoEpoch, kUndefinedOffset};
    if (higher == entries_.begin()) return {requested, higher->start_offset};  // no floor entry
    return {std::prev(higher)->epoch, higher->start_offset};
}

Offset LeaderEpochCache::end_offset_for_v0(LeaderEpoch requested, Offset log_end_offset) const {
    if (requested == kNoEpoch || entries_.empty()) return kUndefinedOffset;
    if (entries_.back().epoch == requested) return log_end_offset;
    if (requested < entries_.front().epoch) return kUndefinedOffset;
    for (const EpochEntry& e : entries_) {
        if (e.epoch > requested) return e.start_offset;
    }
    return kUndefinedOffset;
}

// ---- Log ---------------------------------------------------------------------------

const RecordBatch& Log::append_as_leader(RecordBatch batch, LeaderEpoch epoch) {
    KS_ASSERT_GE(batch.record_count, 1);
    KS_ASSERT_GE(epoch, 0);
    batch.base_offset = log_end_offset();
    batch.epoch = epoch;
    if (!latest_epoch() || *latest_epoch() < epoch) epochs_.assign(epoch, batch.base_offset);
    end_bytes_ += batch.size_bytes;
    batches_.push_back(batch);
    track_segment(batches_.back(), true);
    return batches_.back();
}

void Log::append_as_follower(const RecordBatch& batch) {
    KS_ASSERT_EQ(batch.base_offset, log_end_offset());
    KS_ASSERT_GE(batch.record_count, 1);
    if (!batches_.empty()) KS_ASSERT_GE(batch.epoch, batches_.back().epoch);
    // UnifiedLog.append -> maybeAssignEpochStartOffset for each batch.
    if (batch.epoch >= 0) epochs_.assign(batch.epoch, batch.base_offset);
    end_bytes_ += batch.size_bytes;
    batches_.push_back(batch);
    track_segment(batches_.back(), true);
}

void Log::track_segment(const RecordBatch& b, bool appending) {
    // LogSegment.shouldRoll: full (segment.bytes) or old (segment.ms since its
    // first batch); the batch then starts a new, active segment.
    const bool roll = segments_.empty() || segments_.back().bytes + b.size_bytes > policy_.segment_bytes ||
                      b.created - segments_.back().first_timestamp > policy_.segment_ms;
    if (roll) {
        if (appending && !segments_.empty()) ++rolls_;
        segments_.push_back(
            Segment{.base = b.base_offset, .bytes = 0, .first_timestamp = b.created, .max_timestamp = b.created});
    }
    Segment& seg = segments_.back();
    seg.bytes += b.size_bytes;
    seg.max_timestamp = std::max(seg.max_timestamp, b.created);
}

void Log::rebuild_segments() {
    std::deque<RecordBatch> all;
    all.swap(batches_);
    segments_.clear();
    for (RecordBatch& b : all) {
        batches_.push_back(b);
        track_segment(batches_.back(), false);
    }
}

// UnifiedLog.deletableSegments: segments in order while each lies wholly at
// or below the HW (its upper bound: the next segment's base, or the log end
// for the active one) and breaches retention. The active segment goes too
// when it is not empty: deleteSegments rolls a new, empty one first, and the
// log starts at the log end.
Log::RetentionPlan Log::retention_plan(Instant now, Offset high_watermark) const {
    RetentionPlan plan{.target = log_start_offset_};
    Bytes size = size_bytes();
    for (std::size_t i = 0; i < segments_.size(); ++i) {
        const Segment& seg = segments_[i];
        const bool last = i + 1 == segments_.size();
        if (last && seg.bytes == 0) break;
        const Offset next_base = last ? log_end_offset() : segments_[i + 1].base;
        if (next_base > high_watermark) break;
        const bool too_old = policy_.retention != Duration::max() && now - seg.max_timestamp > policy_.retention;
        const bool too_big = policy_.retention_bytes >= 0 && size - seg.bytes >= policy_.retention_bytes;
        if (!too_old && !too_big) break;
        size -= seg.bytes;
        plan.target = next_base;
        ++plan.segments;
        plan.by_time = plan.by_time || too_old;
        plan.by_size = plan.by_size || too_big;
    }
    return plan;
}

Offset Log::truncate_to(Offset offset) {
    if (offset >= log_end_offset()) return log_end_offset();
    ++truncations_;
    while (!batches_.empty() && batches_.back().last_offset() >= offset) {
        end_bytes_ -= batches_.back().size_bytes;
        batches_.pop_back();
    }
    if (batches_.empty() && log_start_offset_ > offset) {
        // Truncating below the log start empties the log at the target.
        log_start_offset_ = offset;
    }
    epochs_.truncate_from_end(log_end_offset());
    recovery_point_ = std::min(recovery_point_, log_end_offset());  // LocalLog.truncateTo
    rebuild_segments();                                             // rare: truncation happens on leader changes only
    return log_end_offset();
}

void Log::mark_flushed(Offset offset, Instant now) {
    if (offset <= recovery_point_) return;
    recovery_point_ = std::min(offset, log_end_offset());
    last_flush_time_ = now;
}

void Log::mark_recovered(Instant now) {
    recovery_point_ = log_end_offset();
    last_flush_time_ = now;
}

void Log::load_epochs(std::vector<EpochEntry> checkpoint, std::optional<Offset> recover_from) {
    epochs_.load(std::move(checkpoint));
    if (recover_from) {
        // LogSegment.recover assigns (batch epoch, base offset) for every
        // batch of the segments it re-reads whose epoch is above the latest, from
        // the segment holding the recovery point (storage LogSegment.recover).
        Offset from = *recover_from;
        for (const Segment& s : segments_) {
            if (s.base <= *recover_from) from = s.base;
        }
        for (const RecordBatch& b : batches_) {
            if (b.last_offset() < from || b.epoch < 0) continue;
            const auto latest = epochs_.latest_epoch();
            if (!latest || b.epoch > *latest) epochs_.assign(b.epoch, b.base_offset);
        }
    }
    epochs_.truncate_from_end(log_end_offset());
    epochs_.truncate_from_start(log_start_offset_);
}

void Log::truncate_fully_and_start_at(Offset offset) {
    KS_ASSERT_GE(offset, 0);
    ++truncations_;
    batches_.clear();
    segments_.clear();
    start_bytes_ = end_bytes_ = 0;
    log_start_offset_ = offset;
    recovery_point_ = offset;
    epochs_.load({});  // LeaderEpochFileCache.clearAndFlush
}

void Log::advance_log_start(Offset offset) {
    KS_ASSERT_LE(offset, log_end_offset());
    if (offset <= log_start_offset_) return;
    while (!batches_.empty() && batches_.front().next_offset() <= offset) {
        const RecordBatch& b = batches_.front();
        if (b.producer >= 0) {
            auto& ranges = deleted_records_[b.producer];
            const std::int64_t lo = b.first_record, hi = b.first_record + b.record_count;
            if (!ranges.empty() && ranges.back().second == lo) {
                ranges.back().second = hi;
            } else {
                ranges.emplace_back(lo, hi);
            }
        }
        start_bytes_ += b.size_bytes;
        batches_.pop_front();
    }
    // Segments wholly below the new start are deleted.
    while (segments_.size() > 1 && segments_[1].base <= offset) segments_.pop_front();
    if (batches_.empty()) segments_.clear();
    log_start_offset_ = offset;
    epochs_.truncate_from_start(offset);
}

namespace {
// The batch holding `offset`, or the first one after it.
std::deque<RecordBatch>::const_iterator batch_at(const std::deque<RecordBatch>& batches, Offset offset) {
    return std::lower_bound(batches.begin(), batches.end(), offset,
                            [](const RecordBatch& b, Offset o) { return b.last_offset() < o; });
}
}  // namespace

std::vector<RecordBatch> Log::read(Offset from_offset, Bytes max_bytes, bool exact_start) const {
    std::vector<RecordBatch> out;
    if (batches_.empty() || from_offset >= log_end_offset()) return out;
    Bytes total = 0;
    for (auto it = batch_at(batches_, from_offset); it != batches_.end(); ++it) {
        if (!out.empty() && total + it->size_bytes > max_bytes) break;
        total += it->size_bytes;
        out.push_back(*it);
    }
    if (exact_start && out.front().base_offset < from_offset) {
        RecordBatch& b = out.front();
        const auto skip = static_cast<std::int32_t>(from_offset - b.base_offset);
        b.size_bytes = b.size_bytes * (b.record_count - skip) / b.record_count;
        b.records_bytes = b.records_bytes * (b.record_count - skip) / b.record_count;
        if (b.base_sequence != kNoSequence) b.base_sequence += skip;
        b.first_record += skip;
        b.record_count -= skip;
        b.base_offset = from_offset;
    }
    return out;
}

Offset Log::first_difference(const Log& other, Offset from, Offset upto) const {
    auto a = batch_at(batches_, from);
    auto b = batch_at(other.batches_, from);
    for (Offset o = from; o < upto;) {
        KS_ASSERT(a != batches_.end() && b != other.batches_.end() && a->base_offset <= o && b->base_offset <= o);
        // The record at o is the (o - base_offset)-th of each batch.
        if (a->epoch != b->epoch || a->producer != b->producer ||
            a->first_record - a->base_offset != b->first_record - b->base_offset) {
            return o;
        }
        o = std::min(a->next_offset(), b->next_offset());
        if (a->next_offset() == o) ++a;
        if (b->next_offset() == o) ++b;
    }
    return upto;
}

Offset Log::offset_at_position(Bytes position) const {
    if (position >= end_bytes_) return log_end_offset();
    Bytes pos = start_bytes_;
    Offset leo = log_start_offset_;
    for (const RecordBatch& b : batches_) {
        if (pos + b.size_bytes > position) break;
        pos += b.size_bytes;
        leo = b.next_offset();
    }
    return leo;
}

Bytes Log::bytes_from(Offset from, Bytes cap) const {
    Bytes total = 0;
    for (auto it = batches_.rbegin(); it != batches_.rend() && it->last_offset() >= from; ++it) {
        total += it->size_bytes;
        if (total >= cap) return cap;
    }
    return total;
}

Bytes Log::position_of(Offset offset) const {
    Bytes pos = start_bytes_;
    for (const RecordBatch& b : batches_) {
        if (b.last_offset() >= offset) break;
        pos += b.size_bytes;
    }
    return pos;
}

void Log::check_invariants() const {
    Offset expected = batches_.empty() ? log_start_offset_ : batches_.front().base_offset;
    KS_ASSERT_LE(log_start_offset_, expected);
    LeaderEpoch last_epoch = kNoEpoch;
    Bytes bytes = start_bytes_;
    for (const RecordBatch& b : batches_) {
        KS_ASSERT_EQ(b.base_offset, expected);
        KS_ASSERT_GE(b.epoch, last_epoch);
        last_epoch = b.epoch;
        expected = b.next_offset();
        bytes += b.size_bytes;
    }
    KS_ASSERT_EQ(bytes, end_bytes_);
    const auto& e = epochs_.entries();
    for (std::size_t i = 0; i < e.size(); ++i) {
        KS_ASSERT_LE(e[i].start_offset, log_end_offset());
        if (i > 0) {
            KS_ASSERT_LT(e[i - 1].epoch, e[i].epoch);
            KS_ASSERT_LT(e[i - 1].start_offset, e[i].start_offset);
        }
    }
}

}  // namespace ks::kafka
