// Broker: one Kafka broker process — its replicas, request handling, the
// produce purgatory, replica fetchers, and its session with the controller.
// Mirrors kafka.server.{ReplicaManager, DelayedProduce, DelayedFetch,
// ReplicaFetcherThread/AbstractFetcherThread, BrokerLifecycleManager}.
//
// What survives the process lives in BrokerStorage, owned by the cluster: the
// logs, the high-watermark checkpoint and the clean-shutdown marker. A crash
// destroys the Broker object and a restart builds a new one on the same
// storage; a power loss first cuts each log to what the disk made durable.
//
// Flow of a produce: check leadership and min ISR → write to disk (the log
// append happens when the disk completes, in order) → acks=1 answer, or
// acks=all wait in the purgatory until the HW passes the batch (or the request
// times out, or leadership moves). acks=0 is never answered.
//
// Flow of replication: one fetcher per source broker. A partition that
// becomes follower first truncates (to its HW before KIP-101; else by
// OffsetsForLeaderEpoch, repeated under KIP-279 until complete), then fetches
// from its LEO. Fetched batches are written to disk; the next fetch goes out
// when the writes complete. The leader parks fetches that find no data for up
// to replica.fetch.wait.max.ms.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <variant>
#include <vector>

#include "kafka/group_coordinator.hpp"
#include "kafka/outbox.hpp"
#include "kafka/partition.hpp"
#include "kafka/produce_purgatory.hpp"
#include "kafka/replica_fetcher.hpp"
#include "kafkasim/settings.hpp"

namespace ks::kafka {

// What survives the process: the log files and the checkpoint files as the
// broker last completed them (a checkpoint is written to a temporary file,
// fsynced and renamed, so a crash or power loss leaves the previous one).
struct BrokerStorage {
    std::map<TopicPartition, Log> logs;                // the log files as the page cache last held them
    std::map<TopicPartition, Offset> hw_checkpoint;    // replication-offset-checkpoint
    std::map<TopicPartition, Offset> recovery_points;  // recovery-point-offset-checkpoint
    // Each log's leader-epoch-checkpoint (LeaderEpochCheckpointFile).
    std::map<TopicPartition, std::vector<EpochEntry>> leader_epochs;
    bool clean_shutdown = true;  // the clean-shutdown marker file
    // After a power loss, the length of each log file that reached stable
    // storage (the cluster records it when the power goes): what the broker
    // finds when it starts again.
    std::map<TopicPartition, Bytes> surviving_bytes;

    // The log end offset of tp's file as it is on disk: after a power loss,
    // its last whole batch within the surviving bytes.
    Offset end_on_disk(TopicPartition tp) const {
        const Log& log = logs.at(tp);
        const auto it = surviving_bytes.find(tp);
        return it == surviving_bytes.end() ? log.log_end_offset()
                                           : std::min(log.log_end_offset(), log.offset_at_position(it->second));
    }
    // LogLoader, at start: each log is cut to what survived a power loss, and
    // the HW checkpoint to the new log ends. Returns the logs that were cut.
    std::vector<TopicPartition> cut_to_surviving() {
        std::vector<TopicPartition> cut;
        for (const auto& [tp, bytes] : surviving_bytes) {
            Log& log = logs.at(tp);
            const Offset end = log.log_end_offset();
            if (log.truncate_to(log.offset_at_position(bytes)) != end) cut.push_back(tp);
        }
        surviving_bytes.clear();
        for (auto& [tp, hw] : hw_checkpoint) {
            if (auto it = logs.find(tp); it != logs.end()) hw = std::min(hw, it->second.log_end_offset());
        }
        return cut;
    }
};

// The broker's settings (BrokerSettings, resolved from its config), its id,
// its topics' settings and the group coordinator it may host.
struct BrokerConfig : BrokerSettings {
    BrokerId id;
    Duration controller_request_timeout = ms(5000);  // AlterPartition retry bound (model)
    // How fast one recovery thread re-validates log bytes after an unclean
    // shutdown (reads, CRC checks, index rebuild): the disk's, from the scenario.
    double recovery_mbytes_per_s = 200;
    std::vector<TopicSettings> topics;  // by topic index
    GroupCoordinatorConfig groups;      // the group coordinator this broker may host
};

// Counters the monitor reads (Kafka's metric names in comments).
struct BrokerCounters {
    std::int64_t isr_shrinks = 0;  // IsrShrinksPerSec (proposed by this leader)
    std::int64_t isr_expands = 0;  // IsrExpandsPerSec
    std::int64_t truncations = 0;
    std::int64_t produce_requests = 0;
    std::int64_t fetch_requests = 0;
};

// The replica fetcher thread a follower's partition goes to, of `fetchers`
// (AbstractFetcherManager.getFetcherId: Utils.abs(31 * topic.hashCode +
// partition) % numFetchers).
std::int32_t replica_fetcher_id(std::string_view topic, std::int32_t partition, std::int32_t fetchers);

class Broker : private ReplicaFetcher::Host {
  public:
    Broker(BrokerConfig config, BrokerStorage& storage);
    Broker(const Broker&) = delete;
    Broker& operator=(const Broker&) = delete;

    BrokerId id() const { return config_.id; }
    // Registers with the controller and starts the periodic work.
    void start(Instant now, Outbox& out);
    void on_message(Instant now, NodeId from, const Message& m, Outbox& out);
    void on_timer(Instant now, std::uint64_t key, Outbox& out);
    void on_disk_done(Instant now, std::uint64_t token, Outbox& out);
    // The connection to `peer` broke: requests in flight on it are lost.
    void on_connection_lost(Instant now, NodeId peer, Outbox& out);
    // Begins a controlled shutdown (controlled.shutdown.enable): the broker asks
    // the controller to move its leaderships, then emits ShutdownComplete.
    void begin_controlled_shutdown(Instant now, Outbox& out);
    bool shutdown_complete() const { return shutdown_complete_; }
    // Marks a clean stop in the storage (after a controlled shutdown).
    // A clean stop (LogManager.shutdown, ReplicaManager.shutdown): the HW
    // checkpoint is written, every log counts as recovered, and the
    // clean-shutdown marker is left, so the next start recovers nothing. The
    // cluster fsyncs the files.
    void mark_clean_stop();
    // How long the log recovery of an unclean start takes
    // (LogManager.loadLogs): the bytes above each log's recovery point,
    // re-validated by num.recovery.threads.per.data.dir threads at
    // recovery_mbytes_per_s each. Zero after a clean stop.
    Duration recovery_time() const;

    const std::map<TopicPartition, std::unique_ptr<Partition>>& partitions() const { return partitions_; }
    const Partition* partition(TopicPartition tp) const;
    const BrokerCounters& counters() const { return counters_; }
    bool registered() const { return broker_epoch_ > 0; }
    bool fenced() const { return fenced_; }
    const GroupCoordinator& coordinator() const { return coordinator_; }
    // The broker's metadata cache (what it tells clients).
    const std::map<TopicPartition, PartitionState>& metadata() const { return metadata_; }
    const std::vector<BrokerId>& live_brokers() const { return live_brokers_; }
    void check_invariants() const;

    // Timer key spaces (high byte).
    enum TimerKind : std::uint64_t {
        kHeartbeat = 1,
        kIsrCheck,
        kHwCheckpoint,
        kProduceTimeout,
        kFetchWait,
        kFetcherBackoff,
        kFetcherTimeout,
        kAlterPartitionRetry,
        kShutdownRetry,
        kConsumerFetchWait,
        kRetention,
        kLogFlush,            // the flusher (log.flush.scheduler.interval.ms)
        kRecoveryCheckpoint,  // log.flush.offset.checkpoint.interval.ms
        kRecovered,           // log recovery after an unclean shutdown is done: register
        kRegisterRetry,       // KRaft: resend a refused registration
        kGroup = 20,          // GroupCoordinator's timers (id: the group's index)
    };
    static std::uint64_t timer_key(TimerKind kind, std::uint64_t id) { return (kind << 56) | id; }

  private:
    // DefaultAlterPartitionManager: after a response-level error the queued
    // AlterPartition items are sent again this much later.
    static constexpr Duration kAlterPartitionErrorBackoff = ms(50);
    // Limits on the broker's queues: reaching one is a kafkasim bug, not an outcome.
    static constexpr std::size_t kWritesMax = std::size_t{1} << 22;           // disk writes in flight
    static constexpr std::size_t kFlushesMax = std::size_t{1} << 20;          // log fsyncs in flight
    static constexpr std::size_t kCheckpointsMax = std::size_t{1} << 20;      // checkpoint rewrites in flight
    static constexpr std::size_t kParkedMax = std::size_t{1} << 20;           // parked follower fetches
    static constexpr std::size_t kParkedConsumersMax = std::size_t{1} << 20;  // parked consumer fetches
    static constexpr std::size_t kFetchersMax = std::size_t{1} << 16;         // replica fetchers (source brokers)

    void send_heartbeat(Outbox& out) const;
    bool parked_fetch_ready(const FetchRequest& r) const;
    // A fetch response's byte budget (replica.fetch.response.max.bytes, KIP-74;
    // ReplicaManager.readFromLog): partitions in request order share it, and
    // only the first partition with data may exceed it (with one batch).
    struct ResponseLimit {
        Bytes left;
        bool first = true;
        Bytes remaining() const { return first ? std::max<Bytes>(left, 1) : std::max<Bytes>(left, 0); }
        void take(FetchPartitionData& d) {
            if (d.batches.empty()) return;
            if (!first && d.batches.front().size_bytes > left) {
                d.batches.clear();  // minOneMessage is off after the first partition with data
                return;
            }
            first = false;
            for (const RecordBatch& b : d.batches) left -= b.size_bytes;
        }
    };
    void send_registration(Instant now, Outbox& out);
    // Stops with clean logs; a ZooKeeper-era broker's session closes with it.
    void stop_cleanly(Outbox& out);
    // controlled.shutdown.max.retries attempts failed: stop anyway.
    void give_up_controlled_shutdown(Outbox& out);
    // ---- disk ----
    struct PendingWrite {
        bool replica;  // true: a fetched batch; false: a produce batch
        TopicPartition tp;
        RecordBatch batch;
        std::uint64_t request = 0;  // produce request id
        std::size_t index = 0;
        std::uint64_t fetch_round = 0;  // replica: which fetch response
        LeaderEpoch epoch = kNoEpoch;   // replica: the leader epoch it was fetched under
        BrokerId source{-1};            // replica: the leader it came from
        Offset leader_hw = 0;           // replica: the HW in that response
    };
    // ---- flushes and checkpoint files ----
    // What waits for a log flush: the rest of a produce or a fetched batch's
    // append, since Kafka's append fsyncs inside the append
    // (UnifiedLog.append: unflushedMessages >= flush.messages).
    struct AfterProduceAppend {
        TopicPartition tp;
        std::uint64_t request = 0;
        std::size_t index = 0;
        Offset base_offset = 0;
        std::int32_t records = 0;
        bool duplicate = false;
    };
    struct AfterReplicaAppend {
        TopicPartition tp;
        Offset leader_hw = 0;
        BrokerId source;
        std::uint64_t round = 0;
        bool appended = false;
    };
    using AfterFlush = std::variant<std::monostate, AfterProduceAppend, AfterReplicaAppend>;
    struct PendingFlush {
        TopicPartition tp;
        Offset upto = 0;  // the recovery point once done
        AfterFlush then;
    };
    // A checkpoint file being rewritten: written, then fsynced, then in place.
    struct PendingCheckpoint {
        FileRef::Kind kind = FileRef::Kind::hw_checkpoint;
        std::map<TopicPartition, Offset> content;  // hw / recovery-point checkpoints
        TopicPartition tp;                         // leader_epochs: whose file
        std::vector<EpochEntry> epochs;            // leader_epochs: its entries
        // leader_epochs written inside an append: what waits for it, and the
        // log's roll count before that append (flush_after_append follows).
        AfterFlush then;
        std::uint64_t rolls_before = 0;
        bool written = false;  // the write is done; the fsync is in flight
    };
    // ---- parked follower fetches (DelayedFetch) ----
    struct ParkedFetch {
        NodeId follower;
        FetchRequest request;
    };
    Partition& ensure_partition(TopicPartition tp);
    PartitionConfig partition_config(TopicPartition tp) const;
    bool is_eligible(BrokerId b) const;
    std::pair<BrokerId, LeaderEpoch> current_leader(TopicPartition tp) const;

    void handle_metadata(Instant now, const MetadataUpdate& m, Outbox& out);
    void apply_partition_state(Instant now, const PartitionState& st, Outbox& out);
    void handle_produce(Instant now, NodeId from, const ProduceRequest& r, Outbox& out);
    void complete_produce_write(Instant now, const PendingWrite& w, Outbox& out);
    // The topic's compression.type (nullopt: "producer", or a topic it does not know).
    std::optional<Codec> topic_compression(TopicIndex topic) const;
    void try_complete_purgatory(TopicPartition tp, Outbox& out);
    void finish_produce_append(Instant now, const AfterProduceAppend& a, Outbox& out);
    void finish_replica_append(Instant now, const AfterReplicaAppend& a, Outbox& out);
    // After an append: the async fsync of the older segments when it rolled
    // one, and the fsync flush.messages asks for. Returns true when `then`
    // waits for that fsync; false when the caller goes on at once.
    bool flush_after_append(Partition& p, std::uint64_t rolls_before, AfterFlush then, Outbox& out);
    void flush_log(TopicPartition tp, std::optional<Bytes> upto_position, Offset upto, AfterFlush then, Outbox& out);
    void write_checkpoint(FileRef::Kind kind, std::map<TopicPartition, Offset> content, Outbox& out);
    // The leader-epoch-checkpoint of `p` is rewritten when its epoch cache
    // changed since the last write. LeaderEpochFileCache.assign writes and
    // fsyncs inside UnifiedLog.append, so `then` (the rest of an append) waits
    // for it; truncations flush in the background (truncateFrom*AsyncFlush)
    // and pass nothing. True when `then` waits.
    bool write_epochs_if_changed(TopicPartition tp, Outbox& out, AfterFlush then = {}, std::uint64_t rolls_before = 0);
    void continue_append(Instant now, std::uint64_t rolls_before, const AfterFlush& then, Outbox& out);
    bool on_checkpoint_or_flush_done(Instant now, std::uint64_t token, Outbox& out);
    void register_with_controller(Instant now, Outbox& out);
    void handle_follower_fetch(Instant now, NodeId from, const FetchRequest& r, Outbox& out);
    // Answers a parked follower fetch with what the logs hold now (DelayedFetch.onComplete).
    void answer_fetch(NodeId to, const FetchRequest& r, Outbox& out);
    void wake_parked_fetches(TopicPartition tp, Outbox& out);
    void handle_epoch_query(NodeId from, const OffsetsForLeaderEpochRequest& r, Outbox& out);
    void handle_consumer_epoch_query(NodeId from, const OffsetsForLeaderEpochRequest& r, Outbox& out);
    // consumers (broker_consumer.cpp)
    void handle_consumer_fetch(Instant now, NodeId from, const FetchRequest& r, Outbox& out);
    FetchResponse read_for_consumer(const FetchRequest& r, Bytes& total, bool& any_error) const;
    void wake_parked_consumers(Instant now, TopicPartition tp, Outbox& out);
    void answer_parked_consumer(std::uint64_t id, Outbox& out);
    void handle_list_offsets(NodeId from, const ListOffsetsRequest& r, Outbox& out);
    void send_alter_partition(Instant now, Partition& p, std::vector<BrokerId> isr, Outbox& out);
    void on_hw_advanced(Instant now, TopicPartition tp, Outbox& out);
    void check_isr(Instant now, Outbox& out);

    // fetcher (broker_fetcher.cpp)
    void add_to_fetcher(Instant now, Partition& p, Outbox& out);
    void remove_from_fetchers(TopicPartition tp);
    void complete_replica_write(Instant now, const PendingWrite& w, Outbox& out);
    std::int32_t fetcher_id_of(TopicPartition tp) const;
    ReplicaFetcher* fetcher_for(BrokerId leader, TopicPartition tp);
    ReplicaFetcher* fetcher_by_key(std::uint64_t timer_id);
    // ReplicaFetcher::Host
    Partition& follower_replica(TopicPartition tp) override { return *partitions_.at(tp); }
    void truncate(Partition& p, Offset to, Outbox& out) override;
    void write_fetched(BrokerId leader, std::uint64_t round, TopicPartition tp, const RecordBatch& batch,
                       Offset leader_hw, Outbox& out) override;
    std::int64_t broker_epoch() const override { return broker_epoch_; }
    bool stopped() const override { return shutdown_complete_; }
    void fatal_exit(Partition& p, Offset leader_log_end_offset, Outbox& out) override;

    BrokerConfig config_;
    BrokerStorage& storage_;
    std::map<TopicPartition, std::unique_ptr<Partition>> partitions_;
    std::map<TopicPartition, PartitionState> metadata_;
    std::vector<BrokerId> live_brokers_;
    std::int64_t broker_epoch_ = 0;
    // Registration (BrokerLifecycleManager): whether this start followed a
    // clean shutdown (KIP-966), when it was last sent, and refusals so far.
    bool registration_clean_ = true;
    Instant last_registration_ = kLongAgo;
    std::int32_t registration_failures_ = 0;
    bool registration_retry_pending_ = false;
    std::int64_t metadata_version_ = 0;  // newest MetadataUpdate applied
    bool fenced_ = true;
    bool shutting_down_ = false;
    bool shutdown_complete_ = false;
    std::int32_t shutdown_attempts_ = 0;

    std::uint64_t next_id_ = 1;
    ProducePurgatory purgatory_;
    std::map<std::uint64_t, PendingWrite> writes_;
    std::map<std::uint64_t, PendingFlush> flushes_;
    std::map<std::uint64_t, PendingCheckpoint> checkpoints_;
    // Per log, the epoch cache's change count when its checkpoint was last written.
    std::map<TopicPartition, std::uint64_t> epochs_written_;
    std::map<std::uint64_t, ParkedFetch> parked_;
    // Consumer fetches waiting for data (DelayedFetch): woken by HW advances.
    struct ParkedConsumerFetch {
        NodeId consumer;
        FetchRequest request;
    };
    std::map<std::uint64_t, ParkedConsumerFetch> parked_consumers_;
    GroupCoordinator coordinator_;
    struct FetcherKey {
        BrokerId leader;
        std::int32_t fetcher_id = 0;
        auto operator<=>(const FetcherKey&) const = default;
    };
    std::map<FetcherKey, ReplicaFetcher> fetchers_;
    std::map<TopicPartition, std::uint64_t> alter_in_flight_;  // tp -> retry timer id
    std::map<std::uint64_t, std::pair<TopicPartition, std::vector<BrokerId>>> alter_requests_;
    BrokerCounters counters_;
};

}  // namespace ks::kafka
