#include "monitor/ledger.hpp"

#include <limits>

#include <algorithm>
#include <iterator>
#include <set>

#include "core/assert.hpp"

namespace ks::monitor {

// ---- RangeSet -----------------------------------------------------------------------------

std::int64_t RangeSet::add(std::int64_t lo, std::int64_t hi) {
    KS_ASSERT_LE(lo, hi);
    if (lo == hi) return 0;
    const std::int64_t overlap = count_in(lo, hi);
    // Merge every range touching [lo, hi] (adjacent ones too).
    auto it = ranges_.upper_bound(lo);
    if (it != ranges_.begin()) {
        auto prev = std::prev(it);
        if (prev->second >= lo) it = prev;
    }
    std::int64_t new_lo = lo, new_hi = hi;
    while (it != ranges_.end() && it->first <= hi) {
        new_lo = std::min(new_lo, it->first);
        new_hi = std::max(new_hi, it->second);
        it = ranges_.erase(it);
    }
    ranges_.emplace(new_lo, new_hi);
    size_ += (hi - lo) - overlap;
    return overlap;
}

std::int64_t RangeSet::remove(std::int64_t lo, std::int64_t hi) {
    KS_ASSERT_LE(lo, hi);
    const std::int64_t present = count_in(lo, hi);
    if (present == 0) return 0;
    auto it = ranges_.upper_bound(lo);
    if (it != ranges_.begin() && std::prev(it)->second > lo) it = std::prev(it);
    std::vector<std::pair<std::int64_t, std::int64_t>> keep;
    while (it != ranges_.end() && it->first < hi) {
        if (it->first < lo) keep.emplace_back(it->first, lo);
        if (it->second > hi) keep.emplace_back(hi, it->second);
        it = ranges_.erase(it);
    }
    for (const auto& [a, b] : keep) ranges_.emplace(a, b);
    size_ -= present;
    return present;
}

bool RangeSet::contains(std::int64_t x) const {
    auto it = ranges_.upper_bound(x);
    if (it == ranges_.begin()) return false;
    return std::prev(it)->second > x;
}

std::int64_t RangeSet::count_in(std::int64_t lo, std::int64_t hi) const {
    std::int64_t n = 0;
    auto it = ranges_.upper_bound(lo);
    if (it != ranges_.begin()) --it;
    for (; it != ranges_.end() && it->first < hi; ++it) {
        const std::int64_t a = std::max(lo, it->first);
        const std::int64_t b = std::min(hi, it->second);
        if (b > a) n += b - a;
    }
    return n;
}

std::int64_t RangeSet::count_common(const RangeSet& other) const {
    const RangeSet& small = range_count() <= other.range_count() ? *this : other;
    const RangeSet& big = &small == this ? other : *this;
    std::int64_t n = 0;
    for (const auto& [lo, hi] : small.ranges_) n += big.count_in(lo, hi);
    return n;
}

// ---- Ledger -------------------------------------------------------------------------------

std::int32_t Ledger::Stream::key_of(std::int64_t record) const {
    if (!keyed || record < 0 || record >= static_cast<std::int64_t>(keys.size())) return -1;
    return keys[static_cast<std::size_t>(record)];
}

std::int64_t Ledger::acked_among(std::int32_t producer, kafka::TopicPartition tp, std::int64_t first,
                                 std::int32_t count) const {
    const auto it = streams_.find(StreamKey{producer, tp});
    return it == streams_.end() ? 0 : it->second.acked.count_in(first, first + count);
}

void Ledger::on_sent(const kafka::RecordsSentEffect& e) {
    KS_ASSERT_GE(e.count, 1);
    KS_ASSERT(e.keys.empty() || e.keys.size() == static_cast<std::size_t>(e.count));
    Stream& s = streams_[{e.producer, e.tp}];
    const std::int64_t again = s.sent.add(e.first_record, e.first_record + e.count);
    KS_ASSERT_MSG(again == 0, "ledger: producer {} partition {} sent records {}.. twice", e.producer, e.tp.partition,
                  e.first_record);
    sent_ += e.count;
    if (!opt_.track_keys || e.keys.empty()) return;
    const bool any_key = std::any_of(e.keys.begin(), e.keys.end(), [](std::int32_t k) { return k >= 0; });
    if (!s.keyed && !any_key) return;
    s.keyed = true;
    const auto end = static_cast<std::size_t>(e.first_record + e.count);
    if (s.keys.size() < end) s.keys.resize(end, -1);
    for (std::int32_t i = 0; i < e.count; ++i)
        s.keys[static_cast<std::size_t>(e.first_record + i)] = e.keys[static_cast<std::size_t>(i)];
}

void Ledger::on_outcome(const kafka::RecordsOutcomeEffect& e) {
    KS_ASSERT_GE(e.count, 1);
    auto it = streams_.find({e.producer, e.tp});
    KS_ASSERT_MSG(it != streams_.end(), "ledger: outcome for producer {} partition {} before any send", e.producer,
                  e.tp.partition);
    Stream& s = it->second;
    const std::int64_t lo = e.first_record, hi = e.first_record + e.count;
    KS_ASSERT_MSG(s.sent.count_in(lo, hi) == e.count, "ledger: outcome for unsent records {}..{}", lo, hi);
    KS_ASSERT_MSG(s.acked.count_in(lo, hi) + s.failed.count_in(lo, hi) == 0,
                  "ledger: second outcome for records {}..{} of producer {}", lo, hi, e.producer);
    using O = kafka::RecordsOutcomeEffect::Outcome;
    switch (e.outcome) {
        case O::acked:
            s.acked.add(lo, hi);
            acked_ += e.count;
            for (std::int64_t l : e.latency_ns) {
                const std::int64_t v = std::max<std::int64_t>(0, l);
                latency_.record(v);
                latency_by_producer_[e.producer].record(v);
                interval_latency_by_producer_[e.producer].record(v);
            }
            break;
        case O::failed:
            s.failed.add(lo, hi);
            failed_ += e.count;
            break;
    }
}

Ledger::IntervalLatency Ledger::take_interval_latency() {
    const auto p99 = [](const Histogram& h) {
        return h.empty() ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(h.quantile(0.99)) / 1e6;
    };
    Histogram all;  // every producer's, merged once per interval
    IntervalLatency r{0, {}};
    for (const auto& [producer, h] : interval_latency_by_producer_) {
        r.p99_ms_by_producer[producer] = p99(h);
        all.merge(h);
    }
    r.p99_ms = p99(all);
    interval_latency_by_producer_.clear();
    return r;
}

namespace {
LatencyVerdict verdict_of(const Histogram& h) {
    LatencyVerdict v;
    v.count = h.count();
    if (h.empty()) return v;
    v.p50_ms = static_cast<double>(h.quantile(0.5)) / 1e6;
    v.p99_ms = static_cast<double>(h.quantile(0.99)) / 1e6;
    v.max_ms = static_cast<double>(h.max()) / 1e6;
    return v;
}
}  // namespace

LatencyVerdict Ledger::latency_verdict() const {
    return verdict_of(latency_);
}

LatencyVerdict Ledger::latency_verdict(std::int32_t producer) const {
    const auto it = latency_by_producer_.find(producer);
    return it == latency_by_producer_.end() ? LatencyVerdict{} : verdict_of(it->second);
}

// Records of [lo, hi) (the batch now met in the log) that are new and whose key
// already appeared in the log on a record sent later (in [lo, max_end)).
std::int64_t Ledger::count_reordered(const Stream& s, const Scan& scan, std::int64_t lo, std::int64_t hi) {
    if (!s.keyed) return 0;
    std::set<std::int32_t> later_keys;  // keys of present records above the current one
    std::int64_t n = 0;
    for (std::int64_t r = scan.max_end - 1; r >= lo; --r) {
        const bool present = scan.present.contains(r);
        const std::int32_t k = s.key_of(r);
        if (r < hi && !present && k >= 0 && later_keys.count(k)) ++n;
        if (present && k >= 0) later_keys.insert(k);
    }
    return n;
}

RecordsVerdict Ledger::judge(const std::map<kafka::TopicPartition, const kafka::Log*>& final_leader_logs,
                             const std::map<kafka::TopicPartition, Offset>& high_watermarks) const {
    RecordsVerdict v;
    v.sent = sent_;
    v.acked = acked_;
    v.failed = failed_;
    v.pending = pending();
    KS_ASSERT_GE(v.pending, 0);
    std::map<StreamKey, Scan> scans;
    for (const auto& [tp, log] : final_leader_logs) {
        KS_ASSERT(log != nullptr);
        auto hw_it = high_watermarks.find(tp);
        const Offset hw = hw_it == high_watermarks.end() ? log->log_end_offset() : hw_it->second;
        // Records retention deleted were committed and are gone by policy, not lost.
        for (const auto& [producer, ranges] : log->deleted_records()) {
            Scan& scan = scans[{producer, tp}];
            for (const auto& [lo, hi] : ranges) {
                v.deleted += hi - lo - scan.deleted.count_in(lo, hi);
                scan.deleted.add(lo, hi);
            }
        }
        for (const kafka::RecordBatch& b : log->batches()) {
            if (b.base_offset >= hw) break;
            if (b.producer < 0) continue;  // not a ledger producer's batch
            const std::int64_t n = std::min<std::int64_t>(b.record_count, hw - b.base_offset);
            const std::int64_t lo = b.first_record, hi = b.first_record + n;
            Scan& scan = scans[{b.producer, tp}];
            auto st = streams_.find({b.producer, tp});
            if (st != streams_.end() && lo < scan.max_end) v.reordered += count_reordered(st->second, scan, lo, hi);
            v.duplicated += scan.present.add(lo, hi);
            scan.max_end = std::max(scan.max_end, hi);
        }
    }
    for (const auto& [key, s] : streams_) {
        RecordsVerdict::PartitionLoss& part = v.by_partition[key.second];
        part.acked += s.acked.size();
        auto sc = scans.find(key);
        if (sc == scans.end()) {
            v.acked_lost += s.acked.size();
            part.acked_lost += s.acked.size();
            continue;
        }
        RangeSet present = sc->second.present;
        for (const auto& [lo, hi] : sc->second.deleted.ranges()) present.add(lo, hi);
        const std::int64_t lost = s.acked.size() - s.acked.count_common(present);
        v.acked_lost += lost;
        part.acked_lost += lost;
        v.unacked_present += s.failed.count_common(present);
    }
    return v;
}

}  // namespace ks::monitor
