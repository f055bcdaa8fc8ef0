// MiniCluster: a hand-wired cluster for protocol tests — a controller, N
// brokers and a scripted client, with fixed network and disk delays and no
// env module. Messages between two nodes are delivered in order after
// `net_delay`; disk writes complete after `disk_delay`. A crashed broker
// receives nothing and its timers are dropped; restart() builds a new Broker
// on the same storage, as a process restart does.
//
// It may also host one producer with its application (add_producer): its messages, timers and
// connection losses are wired like the brokers'; a send to a dead broker is
// refused (the producer sees the connection lost), and a crash breaks the
// producer's connection to that broker. Its ledger effects are collected in
// `sent_effects` / `outcome_effects`.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "core/event_loop.hpp"
#include "kafka/broker.hpp"
#include "kafka/controller.hpp"
#include "kafka/producer_app.hpp"

namespace ks::test {

using namespace ks::kafka;

class MiniCluster {
  public:
    struct Options {
        int brokers = 3;
        std::vector<std::vector<int>> assignments = {{1, 2, 3}};  // one partition each, topic 0
        Duration net_delay = us(200);
        Duration disk_delay = us(50);
        ControllerConfig controller{};
        TopicSettings topic{};
        ProtocolVersion protocol = ProtocolVersion::v2_1;
        std::function<void(BrokerConfig&)> broker_config;  // adjusts each broker's settings
    };

    explicit MiniCluster(Options o) : opt_(std::move(o)), controller_(opt_.controller, {opt_.topic}) {
        for (std::size_t p = 0; p < opt_.assignments.size(); ++p) {
            std::vector<BrokerId> r;
            for (int b : opt_.assignments[p]) r.push_back(BrokerId(b));
            controller_.add_partition(TopicPartition{0, static_cast<std::int32_t>(p)}, r);
        }
        Outbox out;
        controller_.start(loop_.now(), out);
        apply(controller_node(), out);
        for (int b = 1; b <= opt_.brokers; ++b) start_broker(b);
        loop_.run_until(loop_.now() + s(1));
        Outbox created;
        controller_.create_partitions(loop_.now(), created);
        apply(controller_node(), created);
        loop_.run_until(loop_.now() + s(1));
    }

    EventLoop& loop() { return loop_; }
    Controller& controller() { return controller_; }
    Broker* broker(int b) { return alive_.count(b) && alive_[b] ? brokers_[b].get() : nullptr; }
    BrokerStorage& storage(int b) { return storage_[b]; }
    const Partition* replica(int b, int partition = 0) {
        Broker* br = broker(b);
        return br ? br->partition(TopicPartition{0, partition}) : nullptr;
    }
    std::vector<ProtocolEvent> events;
    std::vector<ProduceResponse> responses;
    std::vector<std::pair<Instant, ProduceResponse>> timed_responses;
    // Every message as it is sent: (when, from, to, message).
    std::function<void(Instant, NodeId, NodeId, const Message&)> on_send;

    void run_for(Duration d) { loop_.run_until(loop_.now() + d); }

    // kill -9: the process stops; its storage (page cache) survives.
    void crash(int b) {
        alive_[b] = false;
        ++incarnation_[b];
        if (producer_) connection_lost(broker_node(BrokerId(b)));
    }

    // Hosts a producer (node kFirstProducerNode + options.index) and starts it.
    Producer& add_producer(ProducerOptions o, WorkloadOptions w = {}, std::uint64_t seed = 1) {
        o.self = NodeId(kFirstProducerNode + o.index);
        if (o.bootstrap.empty()) {
            for (int b = 1; b <= opt_.brokers; ++b) o.bootstrap.push_back(BrokerId(b));
        }
        producer_node_ = o.self;
        producer_ = std::make_unique<ProducerApp>(std::move(o), std::move(w), Rng(seed));
        Outbox out;
        producer_->start(loop_.now(), out);
        apply(producer_node_, out);
        return producer_->producer();
    }
    Producer* producer() { return producer_ ? &producer_->producer() : nullptr; }
    void set_producer_rate(double rate_per_s) {
        Outbox out;
        producer_->set_rate(rate_per_s, loop_.now(), out);
        apply(producer_node_, out);
    }
    std::vector<RecordsSentEffect> sent_effects;
    std::vector<RecordsOutcomeEffect> outcome_effects;
    void restart(int b) { start_broker(b); }
    void controlled_shutdown(int b) {
        Outbox out;
        brokers_[b]->begin_controlled_shutdown(loop_.now(), out);
        apply(broker_node(BrokerId(b)), out);
    }

    // A client sends one batch to broker `to`.
    void produce(int to, Acks acks, std::int32_t records, int partition = 0, std::int64_t pid = kNoProducerId,
                 std::int32_t seq = kNoSequence) {
        RecordBatch b;
        b.record_count = records;
        b.size_bytes = 100 * records;
        b.producer_id = pid;
        b.base_sequence = seq;
        ProduceRequest r;
        r.acks = acks;
        r.timeout = ms(30000);
        r.partitions.push_back(ProducePartition{TopicPartition{0, partition}, b});
        r.correlation = ++correlation_;
        send(NodeId(kFirstProducerNode), broker_node(BrokerId(to)), Message(r));
    }

    int leader(int partition = 0) const { return controller_.partition(TopicPartition{0, partition}).leader.value(); }

  private:
    void start_broker(int b) {
        BrokerConfig cfg;
        cfg.id = BrokerId(b);
        cfg.protocol = opt_.protocol;
        cfg.topics = {opt_.topic};
        cfg.groups.topic_names = {"orders"};
        if (opt_.broker_config) opt_.broker_config(cfg);
        ++incarnation_[b];
        brokers_[b] = std::make_unique<Broker>(cfg, storage_[b]);
        alive_[b] = true;
        Outbox out;
        brokers_[b]->start(loop_.now(), out);
        apply(broker_node(BrokerId(b)), out);
    }

    // The producer's connection to `peer` broke (seen one network delay later).
    void connection_lost(NodeId peer) {
        loop_.schedule_after(opt_.net_delay, [this, peer] {
            Outbox out;
            producer_->on_connection_lost(loop_.now(), peer, out);
            apply(producer_node_, out);
        });
    }

    bool node_alive(NodeId n) {
        if (n == controller_node() || n.value() >= kFirstProducerNode) return true;
        return alive_[n.value()];
    }

    void send(NodeId from, NodeId to, Message m) {
        // Per-connection FIFO: equal delays keep scheduling order.
        const int inc = is_broker_node(to) ? incarnation_[to.value()] : 0;
        auto msg = std::make_shared<Message>(std::move(m));
        if (on_send) on_send(loop_.now(), from, to, *msg);
        const auto slow = link_delay.find({from.value(), to.value()});
        const Duration delay = slow == link_delay.end() ? opt_.net_delay : slow->second;
        loop_.schedule_after(delay, [this, from, to, msg, inc] { deliver(from, to, *msg, inc); });
    }

    void deliver(NodeId from, NodeId to, const Message& m, int inc) {
        if (!node_alive(from) && is_broker_node(from)) return;  // sender died: connection gone
        Outbox out;
        if (to == controller_node()) {
            controller_.on_message(loop_.now(), from, m, out);
        } else if (producer_ && to == producer_node_) {
            producer_->on_message(loop_.now(), from, m, out);
        } else if (to.value() >= kFirstProducerNode) {
            if (const auto* r = std::get_if<ProduceResponse>(&m)) {
                responses.push_back(*r);
                timed_responses.emplace_back(loop_.now(), *r);
            }
            return;
        } else {
            const int b = to.value();
            if (!alive_[b] || incarnation_[b] != inc) {
                if (producer_ && from == producer_node_) connection_lost(to);  // refused
                return;
            }
            brokers_[b]->on_message(loop_.now(), from, m, out);
            const auto* produce = std::get_if<ProduceRequest>(&m);
            if (producer_ && from == producer_node_ && produce && produce->acks == Acks::none) {
                Outbox ack;  // the broker's kernel acknowledges what expects no answer
                producer_->on_transport_ack(loop_.now(), to, wire_bytes(m), ack);
                apply(producer_node_, ack);
            }
        }
        apply(to, out);
    }

    void apply(NodeId self, Outbox& out) {
        const int inc = is_broker_node(self) ? incarnation_[self.value()] : 0;
        for (auto& e : out.effects()) {
            if (auto* s = std::get_if<SendEffect>(&e)) {
                send(self, s->to, std::move(s->message));
            } else if (auto* t = std::get_if<SetTimerEffect>(&e)) {
                auto key = std::make_pair(self.value(), t->key);
                loop_.cancel(timers_[key]);
                timers_[key] = loop_.schedule_at(t->when, [this, self, k = t->key, inc] { fire(self, k, inc); });
            } else if (auto* c = std::get_if<CancelTimerEffect>(&e)) {
                loop_.cancel(timers_[std::make_pair(self.value(), c->key)]);
            } else if (auto* d = std::get_if<DiskAppendEffect>(&e)) {
                complete_disk(self, d->token, inc);
            } else if (auto* f = std::get_if<DiskFlushEffect>(&e)) {
                complete_disk(self, f->token, inc);  // an fsync takes what a write takes here
            } else if (auto* n = std::get_if<ProtocolEvent>(&e)) {
                events.push_back(*n);
            } else if (auto* rs = std::get_if<RecordsSentEffect>(&e)) {
                sent_effects.push_back(std::move(*rs));
            } else if (auto* ro = std::get_if<RecordsOutcomeEffect>(&e)) {
                outcome_effects.push_back(std::move(*ro));
            } else if (std::holds_alternative<ShutdownCompleteEffect>(e)) {
                const int b = self.value();
                brokers_[b]->mark_clean_stop();
                alive_[b] = false;
                ++incarnation_[b];
            }
        }
        out.clear();
    }

    void complete_disk(NodeId self, std::uint64_t token, int inc) {
        loop_.schedule_after(opt_.disk_delay, [this, self, token, inc] {
            const int b = self.value();
            if (!alive_[b] || incarnation_[b] != inc) return;
            Outbox o;
            brokers_[b]->on_disk_done(loop_.now(), token, o);
            apply(self, o);
        });
    }

    void fire(NodeId self, std::uint64_t key, int inc) {
        Outbox out;
        if (self == controller_node()) {
            controller_.on_timer(loop_.now(), key, out);
        } else if (producer_ && self == producer_node_) {
            producer_->on_timer(loop_.now(), key, out);
        } else {
            const int b = self.value();
            if (!alive_[b] || incarnation_[b] != inc) return;
            brokers_[b]->on_timer(loop_.now(), key, out);
        }
        apply(self, out);
    }

  public:
    // One-way delays that replace net_delay on a (from, to) link (node values);
    // a link's FIFO order holds as long as its delay does not shrink.
    std::map<std::pair<std::int64_t, std::int64_t>, Duration> link_delay;

  private:
    Options opt_;
    EventLoop loop_;
    Controller controller_;
    std::map<int, std::unique_ptr<Broker>> brokers_;
    std::map<int, BrokerStorage> storage_;
    std::map<int, bool> alive_;
    std::map<int, int> incarnation_;
    std::map<std::pair<int, std::uint64_t>, TimerId> timers_;
    std::uint64_t correlation_ = 0;
    std::unique_ptr<ProducerApp> producer_;
    NodeId producer_node_{-1};
};

}  // namespace ks::test
