// ReplicaFetcher: a follower broker's replication from one leader — Kafka's
// ReplicaFetcherThread / AbstractFetcherThread, one per source broker.
//
// Each partition it follows is in one state (PartitionFetchState):
//   truncating          asks the leader where its latest epoch ended
//                       (OffsetsForLeaderEpoch, KIP-101) before fetching;
//   awaiting_epoch      that question is in flight;
//   fetching            in the next Fetch;
//   delayed             a fetch error: back to fetching after replica.fetch.backoff.ms;
//   delayed_truncation  an epoch-query error: back to truncating after the
//                       backoff (Kafka's delayed state keeps Truncating).
// Every change goes through set_state, which asserts the transition is one
// of these. Before KIP-101 (inter.broker.protocol.version < 0.11) a partition
// starts fetching: its truncation to the HW already happened.
//
// One Fetch and one OffsetsForLeaderEpoch may be in flight at a time; the next
// Fetch goes out once the batches of the last one are on disk. A timeout or a
// lost connection backs the fetcher off for replica.fetch.backoff.ms.
//
// The fetcher reads and cuts its broker's replicas and writes fetched batches
// through its Host (the Broker); its own effects (requests, timers) go to the
// Outbox.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "kafka/outbox.hpp"
#include "kafka/partition.hpp"

namespace ks::kafka {

class ReplicaFetcher {
  public:
    enum class State : std::uint8_t { truncating, awaiting_epoch, fetching, delayed, delayed_truncation };

    class Host {
      public:
        virtual ~Host() = default;
        // The broker's replica of a partition this fetcher follows.
        virtual Partition& follower_replica(TopicPartition tp) = 0;
        // Cuts the replica's log back to `to` (no-op when already there).
        virtual void truncate(Partition& p, Offset to, Outbox& out) = 0;
        // Writes a fetched batch to disk; the host calls on_write_done(round)
        // when the disk completes.
        virtual void write_fetched(BrokerId leader, std::uint64_t round, TopicPartition tp, const RecordBatch& batch,
                                   Offset leader_hw, Outbox& out) = 0;
        virtual std::int64_t broker_epoch() const = 0;
        // The broker process exits (a fatal error in the fetcher thread).
        virtual void fatal_exit(Partition& p, Offset leader_log_end_offset, Outbox& out) = 0;
        virtual bool stopped() const = 0;  // the process has shut down
    };

    struct Options {
        BrokerId self;
        BrokerId leader;
        ProtocolVersion protocol = ProtocolVersion::v2_1;
        Duration fetch_wait_max = ms(500);          // replica.fetch.wait.max.ms
        Bytes fetch_min_bytes = 1;                  // replica.fetch.min.bytes
        Bytes fetch_max_bytes = 1048576;            // replica.fetch.max.bytes
        Bytes fetch_response_max_bytes = 10485760;  // replica.fetch.response.max.bytes
        Duration fetch_backoff = ms(1000);          // replica.fetch.backoff.ms
        Duration socket_timeout = ms(30000);        // replica.socket.timeout.ms
        std::uint64_t timeout_timer_key = 0;        // the broker's timer keys for this fetcher
        std::uint64_t backoff_timer_key = 0;
        std::size_t partitions_max = std::size_t{1} << 20;
    };

    ReplicaFetcher(Options options, Host& host) : opt_(options), host_(host) {}
    ReplicaFetcher(const ReplicaFetcher&) = delete;
    ReplicaFetcher& operator=(const ReplicaFetcher&) = delete;

    // Starts following tp (in leader epoch `epoch`) and sends what can go.
    void add(Instant now, TopicPartition tp, LeaderEpoch epoch, Outbox& out);
    void remove(TopicPartition tp) { partitions_.erase(tp); }
    // New metadata, same leader: the epoch the requests carry (KIP-320).
    void set_epoch(TopicPartition tp, LeaderEpoch epoch);

    void on_fetch_response(Instant now, const FetchResponse& r, Outbox& out);
    void on_epoch_response(Instant now, const OffsetsForLeaderEpochResponse& r, Outbox& out);
    // A batch of fetch `round` is on disk.
    void on_write_done(Instant now, std::uint64_t round, Outbox& out);
    // replica.socket.timeout.ms passed with a request in flight.
    void on_timeout(Instant now, Outbox& out);
    // replica.fetch.backoff.ms passed: delayed partitions go again.
    void on_backoff_end(Instant now, Outbox& out);
    // The connection to the leader broke: requests in flight are lost.
    void on_connection_lost(Instant now, Outbox& out);

    BrokerId leader() const { return opt_.leader; }
    std::optional<State> state(TopicPartition tp) const;
    bool request_in_flight() const { return fetch_in_flight_ || epoch_in_flight_; }

  private:
    struct PartitionFetch {
        State state = State::truncating;
        LeaderEpoch epoch = kNoEpoch;
    };
    void set_state(PartitionFetch& p, State to);
    void drive(Instant now, Outbox& out);
    void back_off(Instant now, Outbox& out);

    Options opt_;
    Host& host_;
    std::map<TopicPartition, PartitionFetch> partitions_;
    bool fetch_in_flight_ = false;
    bool epoch_in_flight_ = false;
    bool backing_off_ = false;
    std::uint64_t round_ = 0;          // id of the fetch in flight / being written
    std::int32_t writes_pending_ = 0;  // disk writes of the current response
};

const char* to_string(ReplicaFetcher::State s);

}  // namespace ks::kafka
