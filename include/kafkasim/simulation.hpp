// The Simulation facade: run one scenario with one seed, get the summary, the
// time series and the narrated timeline. What the CLI and embedders call.
//
// A run goes through the phases of SCENARIOS.md: warm-up (brokers register,
// topics are created, leaders elected) → the scenario's duration with its
// workload and faults (fault times count from the end of warm-up) → heal
// (every fault ends, stopped brokers restart) → settle (producers drain,
// replicas catch up; bounded by settle_max) → judge.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/timeline.hpp"

namespace ks {

struct PartitionSummary {
    std::string topic;
    std::int32_t partition = 0;
    std::vector<std::int32_t> replicas;
    std::int32_t leader = -1;
    std::vector<std::int32_t> isr;
    std::int32_t leader_epoch = 0;
    std::int64_t log_end_offset = 0;
    std::int64_t high_watermark = 0;
    // The final leader's log from its start offset to its end, in bytes on
    // disk: its batches as stored (compressed with the topic's codec).
    std::int64_t log_size_bytes = 0;
    double offline_s = 0;
    double under_replicated_s = 0;
    // The clients' view (RunSummary::write_unavailable_partition_s): seconds
    // no produce (for the acks its producers use) and no fetch could complete.
    double write_unavailable_s = 0;
    double read_unavailable_s = 0;
    bool diverged = false;
    // The ledger's judgement of this partition (RecordsSummary): records
    // acknowledged to its producers, and those of them absent from its final
    // leader's log below the high watermark.
    std::int64_t acked = 0;
    std::int64_t acked_lost = 0;
};

struct RecordsSummary {
    std::int64_t sent = 0;
    std::int64_t acked = 0;
    std::int64_t failed = 0;
    std::int64_t acked_lost = 0;
    std::int64_t duplicated = 0;
    std::int64_t reordered = 0;
    std::int64_t unacked_present = 0;  // failed or unknown, yet in the final log
    std::int64_t pending = 0;          // no final outcome when the run ended
    std::int64_t deleted = 0;          // removed by retention (committed, then deleted by policy)
};

struct LatencySummary {
    double p50 = 0, p99 = 0, max = 0;  // milliseconds
    std::int64_t count = 0;
};

// One consumer group (SCENARIOS.md summary.json `groups`). Lag = the
// partition's high watermark (what ListOffsets "latest" and Burrow's broker
// offsets report) − the group's committed offset, over partitions with a commit.
struct GroupMemberSummary {
    std::string member_id;
    std::vector<std::string> assigned;  // "topic-partition", assignment order
};
struct GroupBurrowPartition {
    std::string topic;
    std::int32_t partition = 0;
    std::string status;  // Burrow's names: OK, WARN, STOP, STALL, REWIND, ...
    std::int64_t current_lag = 0;
};
// One partition of a group at the end of duration_s, as kafka-consumer-groups
// --describe shows it: no committed offset means CURRENT-OFFSET and LAG are
// unknown ("-" in the tool; null here, with the reason).
struct GroupPartitionSummary {
    std::string topic;
    std::int32_t partition = 0;
    std::optional<std::int64_t> committed_offset;  // CURRENT-OFFSET
    std::int64_t high_watermark = -1;              // LOG-END-OFFSET (ListOffsets latest); -1: no leader
    std::optional<std::int64_t> lag;               // LAG
    std::string lag_unknown_reason;                // when lag is null
    std::string owner;                             // CONSUMER-ID; empty: no member owns it
};
struct GroupSummary {
    std::string group_id;
    std::int64_t consumed = 0;     // records returned by poll(), repeats included
    std::int64_t reprocessed = 0;  // records consumed more than once (extra times)
    // Records below the highest offset the group read (or below the log
    // start offset) that no member ever read: the sum of the three causes
    // below (each record counted once, for the first cause that applied).
    std::int64_t skipped = 0;
    std::int64_t skipped_initial_reset = 0;       // passed over by auto.offset.reset: no committed offset
    std::int64_t skipped_out_of_range_reset = 0;  // passed over by auto.offset.reset after OFFSET_OUT_OF_RANGE
    std::int64_t deleted_unread = 0;              // deleted by retention before any member read them
    // Passed over by a position no reset and no retention explains: a member
    // resuming from a committed offset that an unclean truncation left above
    // the point where the log diverged (kafkasim does not yet validate a
    // committed offset's leader epoch as a 2.3+ consumer does). 0 unless a
    // truncation removed records the group had read.
    std::int64_t skipped_other = 0;
    std::int64_t rebalances = 0;          // completed rebalances (generations with members)
    std::int64_t partitions_revoked = 0;  // partitions members gave up in rebalances
    std::int64_t max_lag = 0;             // largest total lag of any sample (partitions with a commit)
    std::int64_t final_lag = 0;           // total lag at the end of duration_s (partitions with a commit)
    // The time-averaged total lag: the mean of the samples from 0 to
    // duration_s (every sample_interval_ms; partitions with a commit).
    double mean_lag = 0;
    std::int64_t lag_unknown_partitions = 0;  // partitions without a known lag at the end of duration_s
    // kafkasim's: seconds the group spent rebalancing, from a rebalance starting
    // at the coordinator to its completion, summed (one still under way at the
    // end of duration_s counts up to then).
    double rebalance_s = 0;
    // kafkasim's: partition-seconds during which a partition of the group had
    // no owner (between a member giving it up — revoked, lost, or its process
    // gone — and another taking it), from the group's first full assignment
    // to the end of duration_s; and the longest such time of one partition.
    double unowned_partition_s = 0;
    double max_unowned_s = 0;
    std::vector<GroupPartitionSummary> partitions;
    std::vector<GroupMemberSummary> members;  // the assignment at the end of duration_s
    std::string burrow_status = "NOTFOUND";   // group status at the end of duration_s
    double burrow_complete = 0;
    std::int64_t burrow_totallag = 0;
    std::vector<GroupBurrowPartition> burrow_partitions;
    // The same verdict as Burrow's HTTP API answers it (cluster "local"):
    // the JSON bodies of /v3/kafka/local/consumer/<group>/status and .../lag.
    std::string burrow_http_status;
    std::string burrow_http_lag;
};

// One producer (summary.json `producers`), named as the Java producer's
// metrics are: request-total (produce requests), records-per-request-avg;
// batches_per_request_avg is kafkasim's (batches sent / requests).
struct ProducerSummary {
    std::string name;
    std::string client_version;  // the Java client release simulated
    std::int64_t sent = 0;       // records given to send()
    std::int64_t acked = 0;
    std::int64_t failed = 0;
    std::int64_t produce_requests = 0;  // retries included
    std::int64_t batches_sent = 0;      // retries included
    double records_per_request_avg = 0;
    double batches_per_request_avg = 0;
    // Record batches in its produce requests, retries included: bytes as sent
    // (compressed with compression.type), and the same batches uncompressed.
    std::int64_t bytes_sent = 0;
    std::int64_t bytes_sent_uncompressed = 0;
    // compression-rate-avg: the mean over the batches sent of compressed /
    // uncompressed records bytes (1 without compression).
    double compression_rate_avg = 0;
    double compress_time_ms = 0;  // the sender thread's time compressing batches
    LatencySummary latency_ms;    // send() to acknowledgement, this producer's records
    // Over the partitions of its topic, for its own acks (RunSummary::write_unavailable_partition_s).
    double write_unavailable_partition_s = 0;
};

struct RunSummary {
    std::string scenario;
    std::uint64_t seed = 0;
    std::string trace_hash;
    std::string version;
    std::string kafka_version;  // the brokers' release at the start (cluster.kafka_version)
    double sim_duration_s = 0;
    std::uint64_t events = 0;
    RecordsSummary records;
    bool records_measured = false;  // false until a workload ran through the ledger
    LatencySummary produce_latency_ms;
    double offline_partition_s = 0;
    double under_replicated_partition_s = 0;
    // The clients' view, which the brokers' gauges above do not give:
    // partition-seconds during which no produce could complete for the acks
    // the topic's producers use (acks=all if any does, or if none writes the
    // topic): no leader, the leader down, paused or cut off from the clients
    // but not yet replaced, and for acks=all an ISR under
    // min.insync.replicas or holding a member that cannot replicate (down,
    // paused, cut off) until it is removed. Read: no fetch could complete (no
    // reachable leader that knows it leads).
    double write_unavailable_partition_s = 0;
    double read_unavailable_partition_s = 0;
    std::int64_t clean_elections = 0, unclean_elections = 0, preferred_elections = 0;
    std::int64_t isr_shrinks = 0, isr_expands = 0;
    // Partitions where StrongIsr broke at some moment: below a leader's HW a
    // member of the controller's ISR lacked the leader's records or held
    // other ones (TLA+ KafkaReplication.tla). It fails legitimately under the
    // legacy protocol versions and when ISR members lose power.
    std::int64_t strong_isr_violations = 0;
    // Partitions where WeakIsr broke at some moment: the same comparison
    // against the ISR the leader itself believed in (its local view), which
    // can hold members the controller has already removed.
    std::int64_t weak_isr_violations = 0;
    std::vector<PartitionSummary> partitions;
    std::vector<GroupSummary> groups;
    std::vector<ProducerSummary> producers;
    bool settled = false;
    double settle_s = 0;
    double warmup_s = 0;
    std::vector<std::string> warnings;  // e.g. parts of the scenario not simulated yet
};

// Per sample interval; columns named after Kafka's metrics where they exist.
struct TimeSeries {
    std::vector<std::string> columns;
    std::vector<std::vector<double>> rows;  // first column: t_s
};

// Where a run is, for a progress display: simulated time only. The runner
// reads no clock; a caller that shows wall-clock time reads its own, so the
// display can never change the run.
struct RunProgress {
    Duration simulated;     // since the end of warm-up
    Duration duration;      // the scenario's duration_s
    bool settling = false;  // past duration_s: healed, waiting for convergence (up to settle_max_s)
};

struct RunOptions {
    std::optional<std::uint64_t> seed;         // default: the scenario's
    std::ostream* trace_sink = nullptr;        // JSON lines of every trace event (docs/trace-format.md)
    std::uint64_t events_max = 2'000'000'000;  // a bound on every run
    // Called between slices of simulated time (each at most a simulated
    // second of duration_s, then each settle step), never inside an event;
    // it must not touch the run. Whether it is set does not change the run.
    std::function<void(const RunProgress&)> progress;
};

struct RunResult {
    RunSummary summary;
    std::vector<TimelineEntry> timeline;  // in order; report/narrate.hpp tells it in words
    TimeSeries series;
    Scenario scenario;  // the scenario as run: its faults include the chaos schedule of this seed
};

// What `kafkasim describe` shows, each as a Kafka tool prints it.
enum class DescribeView : std::uint8_t {
    topics,         // kafka-topics.sh --describe
    group_offsets,  // kafka-consumer-groups.sh --describe [--offsets]
    group_members,  // kafka-consumer-groups.sh --describe --members [--verbose]
    group_state,    // kafka-consumer-groups.sh --describe --state
};

struct DescribeOptions {
    std::optional<std::uint64_t> seed;  // default: the scenario's
    Duration at;                        // after warm-up; REQUIRES: within [0, duration_s]
    DescribeView view = DescribeView::topics;
    bool verbose = false;                // group_members: the ASSIGNMENT column
    std::vector<std::string> groups;     // the groups to describe; empty: every group of the scenario
    std::ostream* trace_sink = nullptr;  // JSON lines of every trace event up to `at`
};

// What a describe prints, piece by piece in order, each to stdout or stderr
// as the Kafka tool sends it.
struct DescribeOutput {
    struct Piece {
        bool to_stderr = false;
        std::string text;
    };
    std::vector<Piece> pieces;

    void print(bool to_stderr, std::string text) { pieces.push_back(Piece{to_stderr, std::move(text)}); }
    std::string out() const;  // the stdout pieces, joined
    std::string err() const;  // the stderr pieces, joined
};

// Runs the scenario exactly as run_simulation does — workload, consumer
// groups, faults, sampling — up to `at` after warm-up (the events of that
// instant included; the same trace events as the full run up to then), and
// renders the cluster in the view asked for. The topics view is
// `kafka-topics.sh --describe` (tab-separated, non-default Configs, Replicas in
// assignment order, `Leader: none` for an offline partition); the group views
// are `kafka-consumer-groups.sh --describe` (runner/describe_groups.hpp).
DescribeOutput describe_at(const Scenario& scenario, const DescribeOptions& options);

// The topics view at `at` (describe_at with DescribeView::topics), as text.
std::string describe_at(const Scenario& scenario, std::uint64_t seed, Duration at);

// Runs the scenario. Throws ks::AssertionFailure (a kafkasim bug) with the seed
// in its message when a simulator invariant breaks.
RunResult run_simulation(const Scenario& scenario, const RunOptions& options);

}  // namespace ks
