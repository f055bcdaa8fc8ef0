// Producer: one Kafka producer client, as a deterministic state machine (like
// Broker: inputs are messages, timers and connection losses with the current
// time; outputs are effects in an Outbox). The application that calls send()
// is not part of it: kafka/workload.hpp generates a scenario's arrivals, and
// kafka/producer_app.hpp hosts the two as one client process.
//
// Mirrors the Java client's producer/internals:
//   KafkaProducer.doSend   the application's send(): partition choice
//                          (partitioner.hpp's four cases), buffer.memory
//                          blocking up to max.block.ms;
//   RecordAccumulator      per-partition deques of ProducerBatch, batch.size
//                          and linger.ms, the BuiltInPartitioner drive
//                          (partitioner_builtin.hpp), ready() / drain() /
//                          expiredBatches() / reenqueue();
//   Sender                 one ProduceRequest per leader per drain (one batch
//                          per partition, max.request.size), at most
//                          max.in.flight.requests.per.connection per broker,
//                          request.timeout.ms (the connection is closed and
//                          every request on it fails), retries with
//                          retry.backoff.ms growing exponentially to
//                          retry.backoff.max.ms with ±20% jitter (KIP-580,
//                          Kafka 3.7+), delivery.timeout.ms from batch
//                          creation, acks 0 / 1 / all;
//   TransactionManager     the idempotent producer (KIP-98): a producer id,
//                          per-partition sequences assigned at the first
//                          drain and kept by retries; a retried batch is sent
//                          only when it is the lowest incomplete one of its
//                          partition (RecordAccumulator.shouldStopDrainBatchesForPartition).
//   Metadata               MetadataRequest to a live broker: at start, on
//                          invalid-metadata errors, timeouts and connection
//                          losses (NetworkClient.handleDisconnections asks for
//                          an update on every disconnect), for partitions
//                          without a leader, and every metadata.max.age.ms.
//   NetworkClient.ready    a batch is drained only to a leader whose
//                          connection is ready: a new connection sends
//                          ApiVersions first and is ready when the answer is
//                          back; a refused or broken connection is retried
//                          after reconnect.backoff.ms, growing exponentially
//                          to reconnect.backoff.max.ms with ±20% jitter
//                          (ClusterConnectionStates), and a connection that
//                          is not set up within
//                          socket.connection.setup.timeout.ms (doubling to
//                          ...timeout.max.ms) is given up. So batches for a
//                          dead leader wait in the accumulator (until the new
//                          leader is known or delivery.timeout.ms), whatever
//                          acks is. With acks=0 a request is done once
//                          written to the socket, but the socket buffer
//                          (send.buffer.bytes) drains only as the peer's
//                          kernel acknowledges: toward a host that lost power
//                          it fills, the node stops being ready
//                          (InFlightRequests.canSendMore: the last send is
//                          not complete), and what follows waits in the
//                          accumulator instead of vanishing.
//
// Compression (compression.type; kafka/compression.hpp): a batch's size
// while open is MemoryRecordsBuilder.estimatedBytesWritten — its records at
// the CompressionRatioEstimator's ratio × 1.05 — which batch.size limits
// (hasRoomFor / isFull); the drain builds it (ProducerBatch.close): its exact
// compressed size, the estimator's update, and the sender thread's CPU time,
// after which the request leaves the host.
//
// Idempotence, simplified but faithful (TransactionManager.canRetry /
// handleFailedBatch / bumpIdempotentEpochAndResetIdIfNeeded, Kafka 3.x): an
// OUT_OF_ORDER_SEQUENCE_NUMBER is retried; when the failing batch is the next
// expected one (its base sequence = last acked + 1, a real gap, e.g. after an
// unclean election) or a batch that was sent fails finally (a hole in the
// sequence), an epoch bump is required. The bump waits until no request is in
// flight, then takes a new producer id (kafkasim's brokers keep no epochs, and
// a fresh id is what a bumped epoch means to them: sequences start again),
// restarts every partition's sequence at 0 and renumbers the queued batches
// at their next drain. Without idempotence nothing stops a retry after a
// timeout from writing a batch twice, nor (with more than one request in
// flight) a retry from landing after later batches.
//
// Simplifications: a batch in flight is failed at delivery.timeout.ms only
// when its request completes or times out (Kafka expires it earlier from
// getExpiredInflightBatches); request.timeout.ms <= delivery.timeout.ms bounds
// the difference. Timeouts fail with Error::request_timed_out and a Failure
// reason in the outcome.
//
// Ledger effects: RecordsSentEffect for the records appended during one call
// (one per partition and call, keys included), RecordsOutcomeEffect once per
// batch when its fate is final. acks=0: acked as soon as the request is
// written — Sender.handleProduceResponse completes every batch of a request
// that expects no response with Errors.NONE (offset -1), so the application's
// callback sees success, and a record lost afterwards is an acked record lost.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "kafka/compression.hpp"
#include "kafka/outbox.hpp"
#include "kafka/partitioner.hpp"
#include "kafka/partitioner_builtin.hpp"
#include "kafka/producer_batch.hpp"
#include "kafkasim/settings.hpp"
#include "kafkasim/workload.hpp"

namespace ks::kafka {

// The producer's settings (ProducerSettings, resolved from its config), its
// identity and the application's choices.
struct ProducerOptions : ProducerSettings {
    // ---- identity ----
    std::int32_t index = 0;           // the scenario's producer index (ledger identity)
    NodeId self{kFirstProducerNode};  // this client's node
    TopicIndex topic = 0;
    std::string topic_name = "topic";  // for the partitioners' per-topic state
    std::int32_t partitions = 1;       // the topic's partition count
    std::vector<BrokerId> bootstrap;   // bootstrap.servers; non-empty
    // ---- the application's choices ----
    PartitionerSpec partitioner;  // a custom partitioner plugged in (partitioner.class)
    // The application sends null keys. The built-in partitioner's load
    // statistics are kept only then: Kafka keeps them whenever no
    // partitioner.class is set, but they steer only null-key records.
    bool keyless_workload = true;
    // The application's threads calling send() (the scenario's send_threads):
    // each blocks up to max.block.ms when buffer.memory is full.
    std::int32_t send_threads = 1;
    // How compressible its record values are, in [0, 1] (the scenario's
    // value_compressibility; kafka/compression.hpp): 0 random bytes.
    double value_compressibility = 1.0;
    // ---- model ----
    Bytes record_overhead_bytes = 10;           // DefaultRecord framing per record
    Bytes batch_overhead_bytes = 61;            // RecordBatch header
    std::size_t blocked_records_max = 1 << 20;  // application backlog while blocked (limit)
    std::int64_t producer_id_base = 1000;       // producer id = base + index (+ stride per bump)
    std::int64_t producer_id_stride = 1'000'000;
};

// The options from a scenario's ProducerSpec: from_spec in runner/producer_options.hpp.

// Counters the monitor reads (the Java client's metric names in comments).
struct ProducerStats {
    std::int64_t sent = 0;  // records given to send()
    std::int64_t acked = 0;
    std::int64_t failed = 0;
    std::int64_t connects = 0;         // connection attempts (connection-creation-total)
    std::int64_t retries = 0;          // record-retry-total counts records; this counts batches
    std::int64_t requests = 0;         // produce requests sent
    std::int64_t batches_sent = 0;     // batch sends, retries included
    std::int64_t request_records = 0;  // records in the produce requests sent, retries included
    // Record batch bytes in the produce requests sent, retries included: as
    // sent (compressed), and the same batches uncompressed (header + records).
    std::int64_t batch_bytes_sent = 0;
    std::int64_t batch_bytes_sent_uncompressed = 0;
    // Σ over the batches sent of MemoryRecordsBuilder.compressionRatio
    // (compressed / uncompressed records; 1 without compression), for
    // compression-rate-avg (SenderMetrics.compressionRateSensor).
    double compression_ratio_sum = 0;
    Duration compress_time{};  // the sender thread's time building compressed batches
    std::int64_t request_timeouts = 0;
    std::int64_t metadata_requests = 0;
    std::int64_t epoch_bumps = 0;
    std::int64_t blocked = 0;         // records that had to wait for buffer.memory
    std::int64_t block_timeouts = 0;  // records failed after max.block.ms
};

class Producer {
  public:
    Producer(ProducerOptions options, Rng rng);
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;

    // Sends the first MetadataRequest.
    void start(Instant now, Outbox& out);
    // ProduceResponse and MetadataResponse; anything else is ignored.
    void on_message(Instant now, NodeId from, const Message& m, Outbox& out);
    void on_timer(Instant now, std::uint64_t key, Outbox& out);
    // The connection to `peer` broke: its requests fail with NETWORK_EXCEPTION.
    void on_connection_lost(Instant now, NodeId peer, Outbox& out);
    // `bytes` of an acks=0 request reached `peer`'s kernel: they left the socket buffer.
    void on_transport_ack(Instant now, NodeId peer, Bytes bytes, Outbox& out);
    // The application calls send() once, now, and the sender runs.
    // key: a key index or nullopt (null key).
    void send(Instant now, std::optional<std::int64_t> key, Bytes value_bytes, Outbox& out);
    // KafkaProducer.send() of a record that arrived at `at` (<= now; key index
    // or -1 for null): partitioned and appended, or blocked on buffer.memory.
    // The sender does not run until run().
    void append(Instant at, std::int32_t key, Bytes value_bytes, Outbox& out);
    // The sender's loop (Sender.runOnce): drains ready batches, expires old ones.
    void run(Instant now, Outbox& out) { run_sender(now, out); }

    const ProducerOptions& options() const { return opt_; }
    const ProducerStats& stats() const { return stats_; }
    std::int64_t producer_id() const { return producer_id_; }
    Bytes buffer_used() const { return buffer_used_; }
    std::size_t blocked_records() const { return blocked_.size(); }
    std::size_t queued_batches(std::int32_t partition) const;
    // The leaders' readiness as the uniform sticky partitioner sees it (KIP-794).
    const NodeLatencyTracker& node_latency() const { return latency_; }
    std::int32_t in_flight_requests(BrokerId broker) const;
    std::int32_t in_flight_requests() const { return static_cast<std::int32_t>(in_flight_.size()); }
    // Nothing queued, blocked or in flight: every record sent so far has an outcome.
    bool idle() const;
    std::optional<BrokerId> leader_of(std::int32_t partition) const;
    void check_invariants() const;

    // Kind 1 belongs to the application (Workload::kArrivalTimer).
    enum TimerKind : std::uint64_t { kWake = 2, kRequestTimeout, kMetadataTimeout, kMetadataRefresh, kConnectTimeout };
    static std::uint64_t timer_key(TimerKind kind, std::uint64_t id = 0) { return (kind << 56) | id; }

  private:
    struct PartState {
        std::deque<std::unique_ptr<ProducerBatch>> queue;
        std::int64_t next_record = 0;    // the partition record sequence of the next append
        std::int32_t next_sequence = 0;  // idempotence: the next base sequence to assign
        std::int32_t last_acked_sequence = -1;
        std::set<std::int32_t> incomplete;  // base sequences sent, not final
        std::int32_t in_flight_batches = 0;
        bool ever_had_queue = false;
        BrokerId leader{-1};
        LeaderEpoch leader_epoch = kNoEpoch;
        // The (producer id, epoch) its sequences count under
        // (TxnPartitionEntry.producerIdAndEpoch); none before the first batch.
        std::int64_t producer_id = kNoProducerId;
    };
    struct InFlight {
        BrokerId broker;
        std::vector<std::unique_ptr<ProducerBatch>> batches;
    };
    // ClusterConnectionStates' view of one broker.
    struct Conn {
        enum class State : std::uint8_t { disconnected, connecting, ready };
        State state = State::disconnected;
        Instant next_attempt = Instant::zero();  // reconnect backoff end
        std::int32_t failed_attempts = 0;        // reconnect backoff exponent
        std::int32_t failed_setups = 0;          // setup timeout exponent
        std::uint64_t correlation = 0;           // of the ApiVersions in flight
        Bytes unacked = 0;                       // acks=0 requests still in the socket buffer
    };
    struct Blocked {
        Instant at;  // the application's record arrived
        std::int32_t key;
        Bytes value_bytes;
        Instant call_start;  // its send() began (Instant::max() while it waits for a thread)
    };

    // ---- accumulator (producer.cpp) ----
    bool try_append(Instant at, Instant created, std::int32_t key, Bytes value_bytes);
    std::int32_t choose_partition(std::int32_t key, Bytes record_bytes);
    // `appended`: how much the partition's estimated size grew
    // (RecordAppendResult.appendedBytes, without a new batch's header).
    bool append_to(std::int32_t partition, Instant at, Instant created, std::int32_t key, Bytes record_bytes,
                   Bytes* appended = nullptr);
    bool fits(std::int32_t partition, Bytes record_bytes) const;
    bool last_batch_full(std::int32_t partition) const;
    void note_sent(std::int32_t partition, std::int64_t record, std::int32_t key);
    void flush_sent(Outbox& out);
    void start_blocked_sends(Instant now);
    void drain_blocked(Instant now, Outbox& out);
    void fail_blocked(const Blocked& b, Outbox& out);
    TopicPartitionsView view() const;
    Bytes record_bytes(std::int32_t key, Bytes value_bytes) const;

    // ---- sender (producer_sender.cpp) ----
    void run_sender(Instant now, Outbox& out);
    void expire_batches(Instant now, Outbox& out);
    bool sendable(const PartState& ps, Instant now, Instant& next_check) const;
    // RecordAccumulator.shouldStopDrainBatchesForPartition (idempotence).
    bool stop_draining(const PartState& ps) const;
    bool backing_off(const PartState& ps, const ProducerBatch& b, Instant now) const;
    void take_leader_hint(std::int32_t partition, BrokerId leader, LeaderEpoch epoch);
    bool drain_once(Instant now, Outbox& out);
    // ProducerBatch.close at its first drain: compresses it (its exact size,
    // the estimator's update) and returns the sender thread's CPU time for it.
    Duration build_batch(ProducerBatch& b);
    // `not_before`: the request leaves the host no earlier (the sender thread
    // was busy compressing its batches).
    void send_request(Instant now, BrokerId broker, std::vector<std::unique_ptr<ProducerBatch>> batches, Outbox& out,
                      Instant not_before = Instant::zero());
    void complete_batch(Instant now, std::unique_ptr<ProducerBatch> b, Error e, Offset base, Outbox& out);
    void finish_batch(std::unique_ptr<ProducerBatch> b, RecordsOutcomeEffect::Outcome outcome, Error e,
                      RecordsOutcomeEffect::Failure failure, Offset base, Instant now, Outbox& out);
    void reenqueue(Instant now, std::unique_ptr<ProducerBatch> b);
    void fail_request(Instant now, std::uint64_t correlation, Error e, Outbox& out);
    void maybe_bump_epoch();
    void request_epoch_bump(std::int32_t partition);
    void handle_produce_response(Instant now, const ProduceResponse& r, Outbox& out);
    void handle_metadata_response(Instant now, const MetadataResponse& r, Outbox& out);
    void request_metadata(Instant now, Outbox& out);
    void send_metadata_request(Instant now, Outbox& out);
    void set_wake(Instant when, Outbox& out);
    // NetworkClient.ready: true when a request can go to `broker` now;
    // otherwise starts connecting when the backoff allows it.
    bool node_ready(BrokerId broker, Instant now, Outbox& out);
    void connection_down(BrokerId broker, Instant now);
    Duration jittered(Duration initial, Duration max, std::int32_t exponent);
    void update_load_stats();
    Duration backoff(std::int32_t attempts);

    ProducerOptions opt_;
    Rng partition_rng_;
    Rng backoff_rng_;
    RngRandomSource random_{partition_rng_};
    std::unique_ptr<Partitioner> custom_;  // partitioner.class or the scenario's weighted one
    CompressionRatioEstimator ratio_estimator_;
    // The sender thread compresses batches as it drains them: it drains
    // nothing more, and what it built leaves the host no earlier, until then.
    Instant sender_busy_until_ = Instant::zero();
    BuiltInPartitioner builtin_;
    NodeLatencyTracker latency_;

    std::vector<std::int32_t> key_partition_;  // partition_for_key by key index, -1: not yet

    std::vector<PartState> parts_;
    std::vector<std::int32_t> available_;  // partitions with a known leader, ascending
    std::vector<BrokerId> live_brokers_;
    std::deque<Blocked> blocked_;
    std::size_t in_send_ = 0;  // the first in_send_ of blocked_ are inside a send() call
    Bytes buffer_used_ = 0;
    // By partition (count 0: nothing pending), flushed per call in partition order.
    std::vector<RecordsSentEffect> pending_sent_;
    std::int32_t pending_sent_partitions_ = 0;

    std::map<std::uint64_t, InFlight> in_flight_;  // by correlation
    std::map<BrokerId, std::int32_t> in_flight_per_broker_;
    std::map<BrokerId, Conn> conns_;
    std::uint64_t next_correlation_ = 1;
    std::map<BrokerId, std::size_t> drain_index_;  // RecordAccumulator.nodesDrainIndex
    Instant wake_at_ = Instant::max();

    std::int64_t producer_id_;
    bool epoch_bump_required_ = false;
    std::set<std::int32_t> partitions_to_rewrite_;  // TransactionManager.partitionsToRewriteSequences

    // metadata
    bool metadata_in_flight_ = false;
    std::uint64_t metadata_correlation_ = 0;
    BrokerId metadata_broker_{-1};
    std::size_t metadata_node_index_ = 0;
    bool metadata_wanted_ = false;
    Instant metadata_not_before_ = Instant::zero();

    ProducerStats stats_;
};

}  // namespace ks::kafka
