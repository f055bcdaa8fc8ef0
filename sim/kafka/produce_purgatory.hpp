// ProducePurgatory: the produce requests a broker has in progress, and the
// acks=all waits among them — Kafka's DelayedProduce in the produce purgatory
// (ReplicaManager.appendRecords → delayedProducePurgatory.tryCompleteElseWatch,
// DelayedProduce.tryComplete / onExpiration).
//
// A request has one result per partition. Each is resolved once: at once on
// an error, after the leader's append for acks=0 and acks=1, or for acks=all
// when the high watermark passes the batch (wait → complete), when leadership
// moves (fail), or when the request times out (request.timeout.ms). The
// response goes out when the last result is resolved; acks=0 gets none.
//
// Limits: requests_max requests in progress and waiting_max acks=all waits;
// beyond them is a kafkasim bug (an assertion), never silent growth.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "kafka/outbox.hpp"

namespace ks::kafka {

class ProducePurgatory {
  public:
    struct Options {
        std::uint64_t timeout_timer_base = 0;  // the request-timeout timer's key is base | request id
        // KIP-951 (KafkaApis.handleProduceRequest, 3.7+): for a request that
        // asks for them, each NOT_LEADER_OR_FOLLOWER result carries the
        // leader the broker's metadata cache names (getCurrentLeader),
        // looked up when the response goes out. Empty: no hints.
        std::function<std::pair<BrokerId, LeaderEpoch>(TopicPartition)> current_leader{};
        std::size_t requests_max = std::size_t{1} << 20;
        std::size_t waiting_max = std::size_t{1} << 22;
    };
    explicit ProducePurgatory(Options o) : opt_(std::move(o)) {}

    // A request with one result per partition in `tps`; acks=all starts its
    // timeout (`timeout` from `now`).
    void begin(std::uint64_t id, NodeId client, std::uint64_t correlation, Acks acks,
               const std::vector<TopicPartition>& tps, Instant now, Duration timeout, Outbox& out,
               bool leader_hints = false);
    // The acks of request `id`; nullopt when it is no longer in progress (answered, timed out).
    std::optional<Acks> acks(std::uint64_t id) const;
    // Partition `index` of request `id` is done with `error` (base offset on success).
    void resolve(std::uint64_t id, std::size_t index, Error error, Offset base, Outbox& out);
    // acks=all: partition `index` of request `id` was appended at
    // [base, required); it waits for the high watermark to reach `required`.
    void wait(TopicPartition tp, std::uint64_t id, std::size_t index, Offset required, Offset base);
    // The leader's HW of tp is `hw`: the waits it passed are done; with fewer
    // ISR members than min.insync.replicas (`enough_isr` false) they fail
    // with NOT_ENOUGH_REPLICAS_AFTER_APPEND (Partition.checkEnoughReplicasReachOffset).
    void complete(TopicPartition tp, Offset hw, bool enough_isr, Outbox& out);
    // Every wait on tp fails with `error` (leadership moved).
    void fail(TopicPartition tp, Error error, Outbox& out);
    // request.timeout.ms: every unresolved result of `id` is REQUEST_TIMED_OUT.
    void time_out(std::uint64_t id, Outbox& out);

    std::size_t requests() const { return requests_.size(); }
    std::size_t waiting() const;
    bool waiting_on(TopicPartition tp) const;

  private:
    struct Request {
        NodeId client;
        std::uint64_t correlation = 0;
        Acks acks = Acks::all;
        std::vector<ProducePartitionResult> results;
        std::vector<bool> resolved;
        std::int32_t unresolved = 0;
        bool timer_set = false;
        bool leader_hints = false;
    };
    struct Wait {
        std::uint64_t request = 0;
        std::size_t index = 0;
        Offset required_offset = 0;  // the HW must reach this (last offset + 1)
        Offset base_offset = 0;
    };

    Options opt_;
    std::map<std::uint64_t, Request> requests_;
    std::map<TopicPartition, std::vector<Wait>> waits_;
    std::size_t waiting_ = 0;
};

}  // namespace ks::kafka
