// Ledger: the ground truth of every produced record — sent, acknowledged,
// or failed — and, after the run has healed and
// settled, the judgement of the final logs against it: SCENARIOS.md's
// summary.json `records` section and `produce_latency_ms`.
//
// Identity: a record is (producer index, topic-partition, partition record
// sequence), the numbering of kafka::RecordBatch::first_record. The ledger
// reads the producers' RecordsSentEffect / RecordsOutcomeEffect (kafka/outbox.hpp)
// and, at the end, the final leaders' logs below their high watermarks.
//
// Definitions (judge):
//   acked_lost       acked records absent from the final leader's log below its
//                    high watermark (a partition with no final log loses every
//                    acked record);
//   duplicated       extra copies: occurrences below the HW minus distinct records;
//   reordered        records r that first appear in the log after a record s of
//                    the same producer, partition and key that was sent after r
//                    (s > r); null keys are never reordered; order across
//                    partitions is not judged (Kafka promises none);
//   unacked_present  failed records that are nonetheless in the log;
//   pending          sent records with no outcome yet (0 once producers drained).
// Accounting closes: sent = acked + failed + pending.
//
// Memory: per (producer, partition) a few interval sets of record sequences
// (sent, acked, failed), which collapse to a handful of ranges since
// outcomes arrive nearly in order, plus — for keyed producers, to judge
// reordering — 4 bytes per record (a chunked array of key indices; turn off
// with LedgerOptions::track_keys). Latencies go into a log-bucketed Histogram.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <utility>

#include "core/histogram.hpp"
#include "kafka/log.hpp"
#include "kafka/outbox.hpp"

namespace ks::monitor {

// A set of int64 as disjoint, non-adjacent half-open ranges [lo, hi).
class RangeSet {
  public:
    // Adds [lo, hi); returns how many of those values were already present.
    // REQUIRES: lo <= hi.
    std::int64_t add(std::int64_t lo, std::int64_t hi);
    // Removes [lo, hi); returns how many of those values were present.
    // REQUIRES: lo <= hi.
    std::int64_t remove(std::int64_t lo, std::int64_t hi);
    bool contains(std::int64_t x) const;
    // How many values of [lo, hi) are present.
    std::int64_t count_in(std::int64_t lo, std::int64_t hi) const;
    // |this ∩ other|.
    std::int64_t count_common(const RangeSet& other) const;
    std::int64_t size() const { return size_; }
    std::size_t range_count() const { return ranges_.size(); }
    const std::map<std::int64_t, std::int64_t>& ranges() const { return ranges_; }

  private:
    std::map<std::int64_t, std::int64_t> ranges_;  // lo -> hi
    std::int64_t size_ = 0;
};

struct LedgerOptions {
    bool track_keys = true;  // keep key indices of keyed records, to judge reordering
};

// SCENARIOS.md `records` (+ unacked_present, pending).
struct RecordsVerdict {
    std::int64_t sent = 0;
    std::int64_t acked = 0;
    std::int64_t failed = 0;
    std::int64_t pending = 0;
    std::int64_t acked_lost = 0;
    std::int64_t duplicated = 0;
    std::int64_t reordered = 0;
    std::int64_t unacked_present = 0;
    std::int64_t deleted = 0;  // removed by retention (not lost)
    // Per partition that any producer wrote: its acked records and how many
    // of them are lost (the same judgement; the figures sum to acked and
    // acked_lost above).
    struct PartitionLoss {
        std::int64_t acked = 0;
        std::int64_t acked_lost = 0;
    };
    std::map<kafka::TopicPartition, PartitionLoss> by_partition;
};

// SCENARIOS.md `produce_latency_ms` (send() to ack, acked records only).
struct LatencyVerdict {
    std::int64_t count = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};

class Ledger {
  public:
    explicit Ledger(LedgerOptions options = {}) : opt_(options) {}

    // REQUIRES: the records were not sent before.
    void on_sent(const kafka::RecordsSentEffect& e);
    // REQUIRES: the records were sent and have no outcome yet.
    void on_outcome(const kafka::RecordsOutcomeEffect& e);

    std::int64_t sent() const { return sent_; }
    std::int64_t acked() const { return acked_; }
    std::int64_t failed() const { return failed_; }
    std::int64_t pending() const { return sent_ - acked_ - failed_; }
    // How many of `producer`'s records first .. first + count - 1 on `tp` are acknowledged now.
    std::int64_t acked_among(std::int32_t producer, kafka::TopicPartition tp, std::int64_t first,
                             std::int32_t count) const;
    const Histogram& latency() const { return latency_; }
    LatencyVerdict latency_verdict() const;
    // The same for one producer's records (by producer index).
    LatencyVerdict latency_verdict(std::int32_t producer) const;
    // The p99 (ms) of the latencies recorded since the previous call — over
    // every producer and per producer index, NaN where nothing was acknowledged
    // — and a new interval starts (the time series' per-interval column).
    struct IntervalLatency {
        double p99_ms;
        std::map<std::int32_t, double> p99_ms_by_producer;
    };
    IntervalLatency take_interval_latency();

    // Judges the final committed logs: for each partition the final leader's log
    // and its high watermark (absent HW: the log end offset).
    RecordsVerdict judge(const std::map<kafka::TopicPartition, const kafka::Log*>& final_leader_logs,
                         const std::map<kafka::TopicPartition, Offset>& high_watermarks) const;

  private:
    using StreamKey = std::pair<std::int32_t, kafka::TopicPartition>;  // (producer, tp)
    struct Stream {
        RangeSet sent, acked, failed;
        bool keyed = false;
        std::deque<std::int32_t> keys;  // by record sequence while keyed; -1 = null / unknown
        std::int32_t key_of(std::int64_t record) const;
    };
    struct Scan {
        RangeSet present;
        RangeSet deleted;  // by retention
        std::int64_t max_end = 0;
    };
    static std::int64_t count_reordered(const Stream& s, const Scan& scan, std::int64_t lo, std::int64_t hi);

    LedgerOptions opt_;
    std::map<StreamKey, Stream> streams_;
    std::int64_t sent_ = 0, acked_ = 0, failed_ = 0;
    Histogram latency_;
    std::map<std::int32_t, Histogram> latency_by_producer_;
    std::map<std::int32_t, Histogram> interval_latency_by_producer_;
};

}  // namespace ks::monitor
