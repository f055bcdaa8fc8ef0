// MetricsSampler: the run's time series (timeseries.csv), one row per sample,
// columns named after Kafka's metrics where they exist:
//   t_s, phase (1: the scenario, 2: heal and settle), the controller's
//   OfflinePartitionsCount, UnderReplicatedPartitions,
//   UnderMinIsrPartitionCount, PreferredReplicaImbalanceCount, ActiveBrokers;
//   kafkasim's clients' view (monitor/availability.hpp): WriteUnavailablePartitions
//   (no produce could complete, for the acks the topic's producers use) and
//   ReadUnavailablePartitions (no fetch could);
//   per producer P: P.sent, P.acked, P.failed (cumulative records) and
//   P.latency_p99_ms (acks in this interval only; empty: none);
//   produce_latency_p99_ms (every producer, this interval);
//   per partition T-N: T-N.leader, .isr_size, .log_end_offset, .high_watermark;
//   per group G: G.lag (high watermark − committed, summed: what
//   kafka-consumer-groups prints as LAG, its LOG-END-OFFSET being ListOffsets
//   "latest", the high watermark), G.lag-max (its largest partition),
//   G.records-lag (the members' own records-lag, the high watermark of their
//   last fetch − their position, summed over the group's partitions; empty
//   while some partition has no live member that fetched it),
//   G.records-lag-max (the largest of those: the consumer metric
//   records-lag-max, read at the sample rather than over Kafka's metric
//   window), G.consumed, and G.T-N.lag per partition (empty before the
//   partition's first commit);
//   IsrShrinksPerSec, IsrExpandsPerSec, UncleanLeaderElectionsPerSec (per
//   second over the last interval) and LeaderCount.brokerB.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kafka/producer.hpp"
#include "monitor/availability.hpp"
#include "monitor/cluster_view.hpp"
#include "monitor/groups.hpp"
#include "monitor/ledger.hpp"

namespace ks::monitor {

// The time series' column names, one definition for the sampler that writes
// them and the report that plots them.
namespace column {
inline constexpr const char* kTime = "t_s";
inline constexpr const char* kPhase = "phase";
inline constexpr const char* kOffline = "OfflinePartitionsCount";
inline constexpr const char* kUnderReplicated = "UnderReplicatedPartitions";
inline constexpr const char* kUnderMinIsr = "UnderMinIsrPartitionCount";
inline constexpr const char* kImbalance = "PreferredReplicaImbalanceCount";
inline constexpr const char* kActiveBrokers = "ActiveBrokers";
inline constexpr const char* kWriteUnavailable = "WriteUnavailablePartitions";
inline constexpr const char* kReadUnavailable = "ReadUnavailablePartitions";
inline constexpr const char* kLatencyP99 = "produce_latency_p99_ms";
// Suffixes of per-producer and per-group columns ("checkout.acked", "billing.lag").
inline constexpr const char* kSent = ".sent";
inline constexpr const char* kAcked = ".acked";
inline constexpr const char* kFailed = ".failed";
inline constexpr const char* kProducerLatencyP99 = ".latency_p99_ms";
inline constexpr const char* kLag = ".lag";
inline constexpr const char* kRecordsLag = ".records-lag";
}  // namespace column

struct MetricsLayout {
    std::vector<std::string> topic_names;           // by topic index
    std::vector<std::int32_t> min_insync_replicas;  // by topic index
    std::vector<bool> acks_all;                     // by topic index: writes judged for acks=all
    std::vector<TopicPartition> partitions;         // every partition, in order
    std::vector<std::string> producers;             // producer names, by index
    struct Group {
        std::string id;
        std::vector<TopicPartition> partitions;  // as GroupTracker::partitions()
    };
    std::vector<Group> groups;  // in the trackers' order
    std::vector<BrokerId> brokers;
};

class MetricsSampler {
  public:
    explicit MetricsSampler(MetricsLayout layout);
    const std::vector<std::string>& columns() const { return columns_; }

    struct Inputs {
        Instant now;
        Instant t0;            // the end of warm-up: t_s counts from here
        bool healing = false;  // phase 2: heal and settle
        const ClusterView* view = nullptr;
        // Each producer's counters; nullptr before it started.
        std::vector<const kafka::ProducerStats*> producers;
        const Ledger::IntervalLatency* latency = nullptr;
        std::vector<GroupTracker>* groups = nullptr;  // lag is measured (max_lag raised)
        const ClientAvailability* access = nullptr;   // the clients' view, per partition
        // Per group (the trackers' order), its members' records-lag for the
        // partitions they own: fetched high watermark − position.
        std::vector<std::map<TopicPartition, std::int64_t>> records_lag;
        // Burrow's verdict per group (in the trackers' order): the group's status
        // and each of its partitions' (as MetricsLayout::Group::partitions), as
        // Burrow's StatusConstant numbers; empty: not evaluated (after duration_s).
        std::vector<std::vector<double>> burrow;
    };
    // One row, in columns() order. Rates count from the previous row.
    std::vector<double> row(const Inputs& in);

  private:
    std::string name(TopicPartition tp) const;

    MetricsLayout layout_;
    std::vector<std::string> columns_;
    kafka::ControllerCounters last_counters_;
    std::optional<Instant> last_sample_;
};

}  // namespace ks::monitor
