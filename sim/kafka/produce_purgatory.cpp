#include "kafka/produce_purgatory.hpp"

#include <algorithm>
#include <tuple>

#include "core/assert.hpp"

namespace ks::kafka {

void ProducePurgatory::begin(std::uint64_t id, NodeId client, std::uint64_t correlation, Acks acks,
                             const std::vector<TopicPartition>& tps, Instant now, Duration timeout, Outbox& out,
                             bool leader_hints) {
    KS_ASSERT_LT(requests_.size(), opt_.requests_max);
    Request r;
    r.client = client;
    r.correlation = correlation;
    r.acks = acks;
    r.leader_hints = leader_hints && static_cast<bool>(opt_.current_leader);
    for (const TopicPartition& tp : tps) r.results.push_back(ProducePartitionResult{tp, Error::none, kUndefinedOffset});
    r.resolved.assign(tps.size(), false);
    r.unresolved = static_cast<std::int32_t>(tps.size());
    auto [it, fresh] = requests_.emplace(id, std::move(r));
    KS_ASSERT(fresh);
    if (acks == Acks::all) {
        out.set_timer(opt_.timeout_timer_base | id, now + timeout);
        it->second.timer_set = true;
    }
}

std::optional<Acks> ProducePurgatory::acks(std::uint64_t id) const {
    auto it = requests_.find(id);
    if (it == requests_.end()) return std::nullopt;
    return it->second.acks;
}

void ProducePurgatory::resolve(std::uint64_t id, std::size_t index, Error error, Offset base, Outbox& out) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    Request& r = it->second;
    KS_ASSERT_LT(index, r.results.size());
    KS_ASSERT(!r.resolved[index]);
    r.resolved[index] = true;
    r.results[index].error = error;
    r.results[index].base_offset = base;
    if (--r.unresolved > 0) return;
    if (r.acks != Acks::none) {
        if (r.leader_hints) {
            for (ProducePartitionResult& p : r.results) {
                if (p.error != Error::not_leader_or_follower) continue;
                std::tie(p.current_leader, p.current_leader_epoch) = opt_.current_leader(p.tp);
            }
        }
        out.send(r.client, ProduceResponse{r.results, r.correlation});
    } else {
        // KafkaApis.handleProduceRequest: acks=0 expects no answer, so on an
        // error the broker closes the connection, "so that the producer client
        // will know that some error has happened and will refresh its metadata".
        bool failed = false;
        for (const ProducePartitionResult& p : r.results) failed = failed || p.error != Error::none;
        if (failed) out.close_connection(r.client);
    }
    if (r.timer_set) out.cancel_timer(opt_.timeout_timer_base | id);
    requests_.erase(it);
}

void ProducePurgatory::wait(TopicPartition tp, std::uint64_t id, std::size_t index, Offset required, Offset base) {
    KS_ASSERT_LT(waiting_, opt_.waiting_max);
    KS_ASSERT(requests_.count(id) == 1);
    waits_[tp].push_back(Wait{.request = id, .index = index, .required_offset = required, .base_offset = base});
    ++waiting_;
}

void ProducePurgatory::complete(TopicPartition tp, Offset hw, bool enough_isr, Outbox& out) {
    auto it = waits_.find(tp);
    if (it == waits_.end() || it->second.empty()) return;
    std::vector<Wait> done;
    std::erase_if(it->second, [&](const Wait& w) {
        if (hw < w.required_offset) return false;
        done.push_back(w);
        return true;
    });
    waiting_ -= done.size();
    for (const Wait& w : done) {
        resolve(w.request, w.index, enough_isr ? Error::none : Error::not_enough_replicas_after_append,
                enough_isr ? w.base_offset : kUndefinedOffset, out);
    }
}

void ProducePurgatory::fail(TopicPartition tp, Error error, Outbox& out) {
    auto it = waits_.find(tp);
    if (it == waits_.end()) return;
    std::vector<Wait> waits = std::move(it->second);
    waits_.erase(it);
    waiting_ -= waits.size();
    for (const Wait& w : waits) resolve(w.request, w.index, error, kUndefinedOffset, out);
}

void ProducePurgatory::time_out(std::uint64_t id, Outbox& out) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    for (auto& [tp, waits] : waits_) {
        waiting_ -= static_cast<std::size_t>(std::erase_if(waits, [&](const Wait& w) { return w.request == id; }));
    }
    // Partitions still unresolved (waiting, or still on their way to disk) time out.
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < it->second.results.size(); ++i) {
        if (!it->second.resolved[i]) open.push_back(i);
    }
    for (std::size_t i : open) resolve(id, i, Error::request_timed_out, kUndefinedOffset, out);
}

std::size_t ProducePurgatory::waiting() const {
    return waiting_;
}

bool ProducePurgatory::waiting_on(TopicPartition tp) const {
    auto it = waits_.find(tp);
    return it != waits_.end() && !it->second.empty();
}

}  // namespace ks::kafka
