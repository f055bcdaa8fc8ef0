#include "cluster/cluster.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/assert.hpp"
#include "kafka/compression.hpp"

namespace ks::cluster {

using kafka::Outbox;

namespace {
// The payload of a FIN: the orderly close the kernel sends after a process's
// last data when the process dies. It travels behind that data.
constexpr std::uint64_t kFin = std::uint64_t{1} << 63;

// A protocol event as the trace's "note" kind folds it: a kind number and four
// integer fields. The numbers and the field order are the trace format the
// pinned hashes were taken with (kind 8 was a high-watermark note, never
// emitted), so keep them when events are added: append new kinds.
struct NoteWords {
    std::int64_t kind = 0;
    TopicPartition tp;
    std::int64_t a = 0, b = 0, c = 0, d = 0;
};
NoteWords note_words(const ProtocolEvent& event) {
    return std::visit(
        [](const auto& e) -> NoteWords {
            using E = std::decay_t<decltype(e)>;
            if constexpr (std::is_same_v<E, LeaderElected>) {
                return {0, e.tp, e.leader.value(), e.epoch, e.unclean ? 1 : 0, e.preferred ? 1 : 0};
            } else if constexpr (std::is_same_v<E, PartitionOffline>) {
                return {1, e.tp, 0, e.epoch};
            } else if constexpr (std::is_same_v<E, IsrChanged>) {
                return {2, e.tp, e.leader.value(), e.partition_epoch};
            } else if constexpr (std::is_same_v<E, BrokerFenced>) {
                return {3, {}, e.broker.value(), static_cast<std::int64_t>(e.reason)};
            } else if constexpr (std::is_same_v<E, BrokerUnfenced>) {
                return {4, {}, e.broker.value()};
            } else if constexpr (std::is_same_v<E, BecameLeader>) {
                return {5, e.tp, e.broker.value(), e.epoch, e.log_end_offset};
            } else if constexpr (std::is_same_v<E, BecameFollower>) {
                return {6, e.tp, e.broker.value(), e.epoch, e.leader.value()};
            } else if constexpr (std::is_same_v<E, Truncated>) {
                return {7, e.tp, e.broker.value(), e.from, e.to};
            } else if constexpr (std::is_same_v<E, IsrShrinkProposed>) {
                return {9, e.tp, e.leader.value()};
            } else if constexpr (std::is_same_v<E, IsrExpandProposed>) {
                return {10, e.tp, e.leader.value()};
            } else if constexpr (std::is_same_v<E, ControlledShutdownDone>) {
                return {11, {}, e.broker.value()};
            } else if constexpr (std::is_same_v<E, ControlledShutdownFailed>) {
                return {13, {}, e.broker.value(), e.attempts};
            } else if constexpr (std::is_same_v<E, BrokerExited>) {
                return {14, e.tp, e.broker.value(), e.log_end_offset - e.leader_log_end_offset};
            } else {
                static_assert(std::is_same_v<E, RegistrationRefused>);
                return {12, {}, e.broker.value()};
            }
        },
        event);
}

// How trace.jsonl writes a note (docs/trace-format.md): per note kind number,
// its name and the keys of topic, partition, a, b, c, d ("" = not written).
Trace::Variants note_variants() {
    using F = Trace::Field;
    static constexpr std::array<std::string_view, 3> kFenceReasons{"session_expired", "new_incarnation",
                                                                   "session_closed"};
    static_assert(static_cast<std::size_t>(BrokerFenced::Reason::session_closed) + 1 == kFenceReasons.size());
    Trace::Variants v{
        .selector = 1,
        .cases = {
            {0, "leader_elected", {"topic", "partition", "leader", "epoch", F::flag("unclean"), F::flag("preferred")}},
            {1, "partition_offline", {"topic", "partition", "", "epoch"}},
            {2, "isr_changed", {"topic", "partition", "leader", "partition_epoch"}},
            {3, "broker_fenced", {"", "", "broker", {"reason", kFenceReasons}}},
            {4, "broker_unfenced", {"", "", "broker"}},
            {5, "became_leader", {"topic", "partition", "broker", "epoch", "log_end_offset"}},
            {6, "became_follower", {"topic", "partition", "broker", "epoch", "leader"}},
            {7, "truncated", {"topic", "partition", "broker", "from", "to"}},
            {9, "isr_shrink_proposed", {"topic", "partition", "leader"}},
            {10, "isr_expand_proposed", {"topic", "partition", "leader"}},
            {11, "controlled_shutdown_done", {"", "", "broker"}},
            {12, "registration_refused", {"", "", "broker"}},
            {13, "controlled_shutdown_failed", {"", "", "broker", "attempts"}},
            {14, "broker_exited", {"topic", "partition", "broker", "ahead_of_leader"}},
        }};
    // Every protocol event's note kind has its variant.
    [&v]<std::size_t... I>(std::index_sequence<I...>) {
        auto named = [&v](std::int64_t kind) {
            return std::any_of(v.cases.begin(), v.cases.end(), [kind](const auto& c) { return c.value == kind; });
        };
        const bool all = (named(note_words(ProtocolEvent(std::in_place_index<I>)).kind) && ...);
        KS_ASSERT(all);
    }
    (std::make_index_sequence<std::variant_size_v<ProtocolEvent>>{});
    return v;
}

// The "process" kind's event field: what happened to the node's process (the
// numbers are the trace format the pinned hashes were taken with).
enum ProcessEvent : std::int64_t { kStopped = 0, kStarted = 1, kPaused = 2, kResumed = 3 };
constexpr std::array<std::string_view, 4> kProcessEvents{"stopped", "started", "paused", "resumed"};
}  // namespace

Cluster::Cluster(EventLoop& loop, Trace& trace, ClusterOptions options)
    : loop_(loop), trace_(trace), options_(std::move(options)) {
    topology_ = std::make_unique<env::Topology>(options_.topology);
    trace_deliver_ = trace_.define("deliver", {"from", "to", {"message", kafka::message_names()}, "bytes"});
    trace_note_ = trace_.define("note", {"node", "note", "topic", "partition", "a", "b", "c", "d"}, note_variants());
    trace_fault_ = trace_.define("process", {"node", {"event", kProcessEvents}});
}

Cluster::~Cluster() = default;

// ---- building ---------------------------------------------------------------------------------

void Cluster::add_broker_host(BrokerId b, std::string_view rack) {
    topology_->add_host(kafka::broker_node(b), rack);
    brokers_[b];
}

void Cluster::add_controller_host() {
    topology_->add_host(kafka::controller_node(), "controller");
}

void Cluster::add_client_host(NodeId n) {
    topology_->add_client_host(n);
    clients_.push_back(n);
}

void Cluster::build() {
    network_ =
        std::make_unique<env::Network>(loop_, *topology_, Rng::stream(options_.seed, "network"),
                                       env::Network::Options{.break_detection_delay = options_.break_detection_delay});
    network_->set_deliver_handler([this](const env::Delivery& d) { on_delivery(d); });
    network_->set_break_handler([this](const env::ConnectionBreak& b) { on_break(b); });
    for (auto& [id, host] : brokers_) {
        env::Disk::Options o = options_.disk;
        // Each host's flusher ticks in its own phase (it counts from that
        // host's boot): brokers make the same data durable at different times.
        if (o.writeback_interval > Duration::zero()) {
            Rng phase = Rng::stream(options_.seed, "disk-phase/" + std::to_string(id.value()));
            o.writeback_phase = ns(phase.uniform_int(0, o.writeback_interval.ns() - 1));
        }
        host.disk =
            std::make_unique<env::Disk>(loop_, Rng::stream(options_.seed, "disk/" + std::to_string(id.value())), o);
        const BrokerId b = id;
        host.disk->set_completion_handler([this, b](const env::DiskCompletion& c) { on_disk(b, c); });
    }
}

// ---- nodes ------------------------------------------------------------------------------------

void Cluster::start_controller(kafka::ControllerConfig config, std::vector<kafka::TopicSettings> topics) {
    controller_ = std::make_unique<kafka::Controller>(config, std::move(topics));
    Hosted& h = nodes_[kafka::controller_node()];
    h.node = std::make_unique<NodeOf<kafka::Controller>>(*controller_);
    h.up = true;
    Outbox out;
    h.node->start(loop_.now(), out);
    apply(kafka::controller_node(), out);
}

void Cluster::start_broker(kafka::BrokerConfig config) {
    const BrokerId b = config.id;
    BrokerHost& host = brokers_.at(b);
    KS_ASSERT(!host.process);
    host.config = std::move(config);
    if (host.powered_off) {
        host.disk->power_on();
        host.powered_off = false;
        reset_stale_connections(kafka::broker_node(b), host.powered_off_at);
    }
    // The file holds exactly what the log holds (see file_for): writes still in
    // the page cache but never acknowledged to the process are dropped.
    for (auto& [ref, file] : host.files) {
        if (ref.kind != kafka::FileRef::Kind::log) continue;
        const Bytes len = host.storage.logs.at(ref.tp).end_position();
        if (host.disk->appended_length(file) > len) host.disk->truncate(file, len);
    }
    host.process = std::make_unique<kafka::Broker>(host.config, host.storage);
    const NodeId n = kafka::broker_node(b);
    Hosted& h = nodes_[n];
    h.node = std::make_unique<NodeOf<kafka::Broker>>(*host.process);
    h.up = true;
    h.paused = false;
    h.deferred.clear();
    ++h.incarnation;
    const std::uint32_t inc = h.incarnation;
    host.requests =
        std::make_unique<RequestPath>(loop_,
                                      RequestPathConfig{.network_threads = host.config.num_network_threads,
                                                        .io_threads = host.config.num_io_threads,
                                                        .queued_max = host.config.queued_max_requests,
                                                        .costs = options_.request_costs},
                                      [this, n, inc](std::function<void()> f) { run_on(n, inc, std::move(f)); });
    trace_.emit(loop_.now(), trace_fault_, {n.value(), kStarted});
    Outbox out;
    h.node->start(loop_.now(), out);
    apply(n, out);
    state_changed();
}

void Cluster::start_client(NodeId id, std::unique_ptr<Node> node) {
    Hosted& h = nodes_[id];
    h.node = std::move(node);
    h.up = true;
    ++h.incarnation;
    Outbox out;
    h.node->start(loop_.now(), out);
    apply(id, out);
}

void Cluster::node_action(NodeId n, const std::function<void(Instant, Outbox&)>& action) {
    auto it = nodes_.find(n);
    if (it == nodes_.end() || !it->second.up) return;
    Outbox out;
    action(loop_.now(), out);
    apply(n, out);
}

bool Cluster::without_power(NodeId n) const {
    if (!kafka::is_broker_node(n)) return false;
    auto it = brokers_.find(BrokerId(n.value()));
    return it != brokers_.end() && it->second.powered_off;
}

kafka::Broker* Cluster::broker(BrokerId b) {
    auto it = brokers_.find(b);
    return it == brokers_.end() ? nullptr : it->second.process.get();
}

std::vector<BrokerId> Cluster::broker_ids() const {
    std::vector<BrokerId> out;
    for (const auto& [id, h] : brokers_) out.push_back(id);
    return out;
}

bool Cluster::is_up(BrokerId b) const {
    auto it = brokers_.find(b);
    return it != brokers_.end() && it->second.process != nullptr;
}

bool Cluster::is_paused(NodeId n) const {
    auto it = nodes_.find(n);
    return it != nodes_.end() && it->second.paused;
}

std::vector<NodeId> Cluster::client_nodes() const {
    return clients_;
}

// ---- effects ----------------------------------------------------------------------------------

void Cluster::apply(NodeId self, Outbox& out) {
    Hosted& h = hosted(self);
    const std::uint32_t inc = h.incarnation;
    for (kafka::Effect& e : out.effects()) {
        if (auto* s = std::get_if<kafka::SendEffect>(&e)) {
            if (!route_response(self, s->to, s->message)) send(self, s->to, std::move(s->message), s->not_before);
        } else if (auto* t = std::get_if<kafka::SetTimerEffect>(&e)) {
            auto [it, fresh] = h.timers.try_emplace(t->key);
            if (!fresh) loop_.cancel(it->second);
            const std::uint64_t key_copy = t->key;
            it->second = loop_.schedule_at(t->when, [this, self, key_copy, inc] {
                Hosted& hh = hosted(self);
                if (!hh.up || hh.incarnation != inc) return;
                hh.timers.erase(key_copy);
                deliver_input(self, [key_copy, this](Node& n, Outbox& o) { n.on_timer(loop_.now(), key_copy, o); });
            });
        } else if (auto* c = std::get_if<kafka::CancelTimerEffect>(&e)) {
            if (auto it = h.timers.find(c->key); it != h.timers.end()) {
                loop_.cancel(it->second);
                h.timers.erase(it);
            }
        } else if (auto* a = std::get_if<kafka::DiskAppendEffect>(&e)) {
            const BrokerId b(self.value());
            BrokerHost& bh = brokers_.at(b);
            bh.disk->append(file_for(b, a->file), a->bytes, a->token);
        } else if (auto* tr = std::get_if<kafka::DiskTruncateEffect>(&e)) {
            const BrokerId b(self.value());
            BrokerHost& bh = brokers_.at(b);
            const env::FileId f = file_for(b, tr->file);
            if (bh.disk->appended_length(f) > tr->length) bh.disk->truncate(f, tr->length);
        } else if (auto* fl = std::get_if<kafka::DiskFlushEffect>(&e)) {
            const BrokerId b(self.value());
            brokers_.at(b).disk->flush(file_for(b, fl->file), fl->token, fl->upto);
        } else if (const auto* cc = std::get_if<kafka::CloseConnectionEffect>(&e)) {
            // An orderly close, as the kernel does for a dying process: a FIN
            // after what was sent.
            auto w = wires_.find(key(self, cc->peer));
            if (w != wires_.end() && w->second.conn.valid() && network_->is_open(w->second.conn))
                network_->send(w->second.conn, self, kFin, 0);
            connections_gone(self, cc->peer);
        } else {
            if (const auto* pe = std::get_if<ProtocolEvent>(&e)) {
                const NoteWords w = note_words(*pe);
                trace_.emit(loop_.now(), trace_note_,
                            {self.value(), w.kind, w.tp.topic, w.tp.partition, w.a, w.b, w.c, w.d});
            }
            if (observer_) observer_->on_effect(loop_.now(), self, e);
            if (const auto* sc = std::get_if<kafka::ShutdownCompleteEffect>(&e)) {
                const BrokerId b(self.value());
                BrokerHost& bh = brokers_.at(b);
                if (!sc->clean) {
                    // The process exits on a fatal error: as a kill, the OS
                    // keeps what it had written; no clean-shutdown marker.
                    crash(b);
                    if (bh.on_stopped) {
                        auto done = std::move(bh.on_stopped);
                        bh.on_stopped = nullptr;
                        done();
                    }
                    return;
                }
                if (bh.process) bh.process->mark_clean_stop();
                stop_process(self);
                // A clean stop flushes every log (LogManager.shutdown).
                for (auto& [ref, file] : bh.files) bh.disk->flush(file, 0);
                if (bh.on_stopped) {
                    auto done = std::move(bh.on_stopped);
                    bh.on_stopped = nullptr;
                    done();
                }
                return;  // nothing after the process stopped
            }
        }
    }
    out.clear();
}

Outbox Cluster::take_outbox() {
    if (outbox_pool_.empty()) return Outbox{};
    Outbox out = std::move(outbox_pool_.back());
    outbox_pool_.pop_back();
    return out;
}

void Cluster::give_back(Outbox out) {
    out.clear();
    outbox_pool_.push_back(std::move(out));
}

void Cluster::deliver_input(NodeId to, std::function<void(Node&, Outbox&)> input) {
    Hosted& h = hosted(to);
    if (!h.up) return;
    if (h.paused) {
        hold(h, [this, to, input = std::move(input)] {
            Hosted& hh = hosted(to);
            Outbox o;
            input(*hh.node, o);
            apply(to, o);
        });
        return;
    }
    Outbox out = take_outbox();
    input(*h.node, out);
    apply(to, out);
    give_back(std::move(out));
}

void Cluster::run_on(NodeId n, std::uint32_t inc, std::function<void()> f) {
    Hosted& h = hosted(n);
    if (!h.up || h.incarnation != inc) return;
    if (h.paused) {
        hold(h, std::move(f));
        return;
    }
    f();
}

void Cluster::hold(Hosted& h, std::function<void()> f) {
    KS_ASSERT_LT(h.deferred.size(), kDeferredMax);
    h.deferred.push_back(std::move(f));
}

// ---- request threads --------------------------------------------------------------------------

namespace {

// The index of T among the kafka::Message alternatives.
template <typename T, typename V>
struct MessageIndex;
template <typename T, typename... Ts>
struct MessageIndex<T, std::variant<Ts...>> {
    static constexpr std::size_t value = [] {
        std::size_t i = 0;
        (void)((std::is_same_v<T, Ts> ? true : (++i, false)) || ...);
        return i;
    }();
};
template <typename T>
constexpr std::size_t kIndex = MessageIndex<T, kafka::Message>::value;

}  // namespace

std::optional<Cluster::Route> Cluster::request_route(NodeId peer, const kafka::Message& m) const {
    // Logical connections: a client's data connection (produce, fetch,
    // metadata, ...), its group coordinator connection (the Java consumer's
    // separate coordinator node), and one per replica fetcher thread.
    constexpr std::int32_t kData = 0;
    constexpr std::int32_t kGroup = 1;
    constexpr std::int32_t kFollower = 2;
    const ChannelKey data{peer, kData};
    const ChannelKey group{peer, kGroup};
    const auto follower = [&](const auto& partitions) {
        std::int32_t id = 0;
        if (const auto it = brokers_.find(BrokerId(peer.value())); !partitions.empty() && it != brokers_.end()) {
            const TopicPartition tp = partitions.front().tp;
            const kafka::BrokerConfig& c = it->second.config;
            const auto& names = c.groups.topic_names;
            if (tp.topic >= 0 && static_cast<std::size_t>(tp.topic) < names.size()) {
                id = kafka::replica_fetcher_id(names[static_cast<std::size_t>(tp.topic)], tp.partition,
                                               c.num_replica_fetchers);
            }
        }
        return ChannelKey{peer, kFollower + id};
    };
    const auto count = [](const auto& v) { return static_cast<std::int32_t>(v.size()); };
    return std::visit(
        [&](const auto& x) -> std::optional<Route> {
            using T = std::decay_t<decltype(x)>;
            using namespace kafka;
            const auto request = [](ChannelKey c, std::int32_t parts) {
                return Route{.channel = c, .request = true, .partitions = parts, .api = kIndex<T>};
            };
            const auto response_to = [](ChannelKey c, std::size_t api) {
                return Route{.channel = c, .request = false, .partitions = 0, .api = api};
            };
            if constexpr (std::is_same_v<T, FetchRequest>) {
                return request(x.replica.value() < 0 ? data : follower(x.partitions), count(x.partitions));
            } else if constexpr (std::is_same_v<T, FetchResponse>) {
                return response_to(is_broker_node(peer) ? follower(x.partitions) : data, kIndex<FetchRequest>);
            } else if constexpr (std::is_same_v<T, OffsetsForLeaderEpochRequest>) {
                return request(follower(x.partitions), count(x.partitions));
            } else if constexpr (std::is_same_v<T, OffsetsForLeaderEpochResponse>) {
                return response_to(follower(x.partitions), kIndex<OffsetsForLeaderEpochRequest>);
            } else if constexpr (std::is_same_v<T, ProduceRequest> || std::is_same_v<T, ListOffsetsRequest>) {
                return request(data, count(x.partitions));
            } else if constexpr (std::is_same_v<T, MetadataRequest> || std::is_same_v<T, FindCoordinatorRequest> ||
                                 std::is_same_v<T, ApiVersionsRequest>) {
                return request(data, 0);
            } else if constexpr (std::is_same_v<T, ProduceResponse>) {
                return response_to(data, kIndex<ProduceRequest>);
            } else if constexpr (std::is_same_v<T, ListOffsetsResponse>) {
                return response_to(data, kIndex<ListOffsetsRequest>);
            } else if constexpr (std::is_same_v<T, MetadataResponse>) {
                return response_to(data, kIndex<MetadataRequest>);
            } else if constexpr (std::is_same_v<T, FindCoordinatorResponse>) {
                return response_to(data, kIndex<FindCoordinatorRequest>);
            } else if constexpr (std::is_same_v<T, ApiVersionsResponse>) {
                return response_to(data, kIndex<ApiVersionsRequest>);
            } else if constexpr (std::is_same_v<T, OffsetCommitRequest>) {
                return request(group, count(x.offsets));
            } else if constexpr (std::is_same_v<T, OffsetFetchRequest>) {
                return request(group, count(x.partitions));
            } else if constexpr (std::is_same_v<T, JoinGroupRequest> || std::is_same_v<T, SyncGroupRequest> ||
                                 std::is_same_v<T, HeartbeatRequest> || std::is_same_v<T, LeaveGroupRequest>) {
                return request(group, 0);
            } else if constexpr (std::is_same_v<T, OffsetCommitResponse>) {
                return response_to(group, kIndex<OffsetCommitRequest>);
            } else if constexpr (std::is_same_v<T, OffsetFetchResponse>) {
                return response_to(group, kIndex<OffsetFetchRequest>);
            } else if constexpr (std::is_same_v<T, JoinGroupResponse>) {
                return response_to(group, kIndex<JoinGroupRequest>);
            } else if constexpr (std::is_same_v<T, SyncGroupResponse>) {
                return response_to(group, kIndex<SyncGroupRequest>);
            } else if constexpr (std::is_same_v<T, HeartbeatResponse>) {
                return response_to(group, kIndex<HeartbeatRequest>);
            } else if constexpr (std::is_same_v<T, LeaveGroupResponse>) {
                return response_to(group, kIndex<LeaveGroupRequest>);
            } else if constexpr (std::is_same_v<T, ConsumerGroupHeartbeatRequest>) {
                return request(group, 0);
            } else if constexpr (std::is_same_v<T, ConsumerGroupHeartbeatResponse>) {
                return response_to(group, kIndex<ConsumerGroupHeartbeatRequest>);
            } else {
                return std::nullopt;  // controller traffic
            }
        },
        m);
}

bool Cluster::route_request(NodeId from, NodeId to, kafka::Message& m) {
    if (!kafka::is_broker_node(to)) return false;
    const auto route = request_route(from, m);
    if (!route || !route->request) return false;
    BrokerHost& bh = brokers_.at(BrokerId(to.value()));
    if (!bh.requests) return false;
    const std::uint32_t inc = hosted(to).incarnation;
    auto shared = std::make_shared<kafka::Message>(std::move(m));
    const Bytes bytes = kafka::wire_bytes(*shared);
    std::function<void()> handle = [this, from, to, inc, shared] {
        Hosted& h = hosted(to);
        if (!h.up || h.incarnation != inc) return;
        Outbox out = take_outbox();
        h.node->on_message(loop_.now(), from, *shared, out);
        apply(to, out);
        give_back(std::move(out));
    };
    // An acks=0 produce has no response (KafkaApis: NoOpResponse).
    const auto* produce = std::get_if<kafka::ProduceRequest>(shared.get());
    const bool answered = !(produce && produce->acks == Acks::none);
    // The leader's LogValidator decompresses (and maybe recompresses) each batch.
    Duration codec_time = Duration::zero();
    if (produce) {
        for (const auto& part : produce->partitions) {
            const auto t = static_cast<std::size_t>(part.tp.topic);
            const std::optional<Codec> topic =
                t < bh.config.topics.size() ? bh.config.topics[t].compression : std::nullopt;
            codec_time += kafka::validation_time(part.batch, topic);
        }
    }
    run_on(to, inc, [this, to, r = *route, answered, bytes, codec_time, handle = std::move(handle)]() mutable {
        brokers_.at(BrokerId(to.value()))
            .requests->receive(r.channel, r.api, answered, bytes, r.partitions, std::move(handle), codec_time);
    });
    return true;
}

bool Cluster::route_response(NodeId from, NodeId to, kafka::Message& m) {
    if (!kafka::is_broker_node(from)) return false;
    const auto route = request_route(to, m);
    if (!route || route->request) return false;
    BrokerHost& bh = brokers_.at(BrokerId(from.value()));
    if (!bh.requests) return false;
    const Bytes bytes = kafka::wire_bytes(m);
    bh.requests->respond(route->channel, route->api, bytes,
                         [this, from, to, msg = std::move(m)]() mutable { send(from, to, std::move(msg)); });
    return true;
}

void Cluster::connections_gone(NodeId a, NodeId b) {
    for (const auto& [end, peer] : {std::pair{a, b}, std::pair{b, a}}) {
        if (!kafka::is_broker_node(end)) continue;
        const auto it = brokers_.find(BrokerId(end.value()));
        if (it != brokers_.end() && it->second.requests) it->second.requests->drop_peer(peer);
    }
}

// ---- network ----------------------------------------------------------------------------------

void Cluster::send(NodeId from, NodeId to, kafka::Message m, Instant not_before) {
    if (!topology_->has_host(to)) return;
    if (auto it = nodes_.find(to); it == nodes_.end() || !it->second.up) {
        // A host without power answers nothing: the sender's timeouts act. Data
        // written into a connection that was open is retransmitted in vain
        // (see reset_stale_connections); a new connection's SYN goes unanswered.
        if (without_power(to)) {
            const auto k = key(from, to);
            if (auto w = wires_.find(k);
                w != wires_.end() && w->second.conn.valid() && network_->is_live(w->second.conn)) {
                w->second.unanswered[from == k.first ? 0 : 1] = true;
            }
            return;
        }
        // The process died with this connection open: the FIN its kernel sent
        // after everything the process had written is on the way (or the
        // break is being told) and tells the sender, in order — what the
        // sender writes now only meets a RST behind it. Responses already on
        // the wire still arrive first.
        if (auto w = wires_.find(key(from, to));
            w != wires_.end() && w->second.conn.valid() && network_->is_live(w->second.conn)) {
            return;
        }
        // Nothing listens on the host: a new connection is refused, and the
        // sender notices within a round trip.
        loop_.schedule_after(ms(1), [this, from, to] {
            deliver_input(from, [this, to](Node& n, Outbox& o) { n.on_connection_lost(loop_.now(), to, o); });
        });
        return;
    }
    const auto k = key(from, to);
    Wire& w = wires_[k];
    const std::uint32_t inc0 = hosted(k.first).incarnation, inc1 = hosted(k.second).incarnation;
    if (w.conn.valid() && network_->is_live(w.conn) && (w.incarnation[0] != inc0 || w.incarnation[1] != inc1)) {
        // A process at one end restarted: its old connections are gone.
        drop_in_flight(w);
        connections_gone(k.first, k.second);
        network_->close(w.conn);
        w.conn = env::ConnId{};
    }
    if (!w.conn.valid() || !network_->is_live(w.conn)) {
        w.conn = network_->connect(k.first, k.second);
        w.in_flight[0].clear();
        w.in_flight[1].clear();
        w.unanswered[0] = w.unanswered[1] = false;
        w.incarnation[0] = inc0;
        w.incarnation[1] = inc1;
    }
    const Bytes bytes = kafka::wire_bytes(m);
    const std::uint64_t id = next_message_++;
    if (network_->send(w.conn, from, id, bytes, not_before) == env::SendResult::broken)
        return;  // lost; the break is told
    w.in_flight[from == k.first ? 0 : 1].emplace_back(id, std::move(m));
}

void Cluster::on_delivery(const env::Delivery& d) {
    const auto k = key(d.from, d.to);
    Wire& w = wires_.at(k);
    if (d.payload == kFin) {
        // The peer's process died after sending all that came before: the
        // connection is over.
        drop_in_flight(w);
        if (network_->is_live(w.conn)) network_->close(w.conn);
        w.conn = env::ConnId{};
        connections_gone(d.from, d.to);
        const NodeId from = d.from;
        deliver_input(d.to, [this, from](Node& n, Outbox& o) { n.on_connection_lost(loop_.now(), from, o); });
        return;
    }
    auto& q = w.in_flight[d.from == k.first ? 0 : 1];
    KS_ASSERT(!q.empty());
    KS_ASSERT_EQ(q.front().first, d.payload);
    kafka::Message msg = std::move(q.front().second);
    q.pop_front();
    // Addressed to a process that has since died (or restarted): dropped. A
    // host without power does not even acknowledge it: the sender's TCP keeps
    // retransmitting (see reset_stale_connections).
    Hosted& target = hosted(d.to);
    if (target.incarnation != w.incarnation[d.to == k.first ? 0 : 1]) {
        if (without_power(d.to)) {
            w.unanswered[d.from == k.first ? 0 : 1] = true;
        }
        return;
    }
    const Bytes bytes = kafka::wire_bytes(msg);
    trace_.emit(loop_.now(), trace_deliver_,
                {d.from.value(), d.to.value(), static_cast<std::int64_t>(msg.index()), bytes});
    const NodeId from = d.from;
    // A request that expects no answer (acks=0) leaves the sender's socket
    // buffer when the receiving kernel acknowledges it — at delivery, even to
    // a paused process. A powered-off host acknowledges nothing.
    const auto* produce = std::get_if<kafka::ProduceRequest>(&msg);
    if (produce && produce->acks == Acks::none) {
        const NodeId to = d.to;
        deliver_input(from, [this, to, bytes](Node& n, Outbox& o) { n.on_transport_ack(loop_.now(), to, bytes, o); });
    }
    if (target.up && route_request(from, d.to, msg)) return;
    if (target.up && !target.paused) {
        // The common case, without a deferred closure or a shared copy.
        Outbox out = take_outbox();
        target.node->on_message(loop_.now(), from, msg, out);
        apply(d.to, out);
        give_back(std::move(out));
        return;
    }
    auto shared = std::make_shared<kafka::Message>(std::move(msg));
    deliver_input(d.to, [this, from, shared](Node& n, Outbox& o) { n.on_message(loop_.now(), from, *shared, o); });
}

void Cluster::drop_in_flight(Wire& w) {
    for (auto& q : w.in_flight) q.clear();
}

void Cluster::on_break(const env::ConnectionBreak& b) {
    const auto k = key(b.endpoint, b.peer);
    auto it = wires_.find(k);
    if (it != wires_.end() && it->second.conn == b.conn) {
        drop_in_flight(it->second);
        if (network_->is_live(b.conn)) network_->close(b.conn);
        it->second.conn = env::ConnId{};
    }
    connections_gone(b.endpoint, b.peer);
    const NodeId peer = b.peer;
    // Both ends hear of it: the first break notice closes the connection, so
    // tell the other end here as well.
    deliver_input(b.endpoint, [this, peer](Node& n, Outbox& o) { n.on_connection_lost(loop_.now(), peer, o); });
    const NodeId endpoint = b.endpoint;
    deliver_input(b.peer, [this, endpoint](Node& n, Outbox& o) { n.on_connection_lost(loop_.now(), endpoint, o); });
}

// ---- disks ------------------------------------------------------------------------------------

env::FileId Cluster::file_for(BrokerId b, const kafka::FileRef& file) {
    BrokerHost& bh = brokers_.at(b);
    auto it = bh.files.find(file);
    if (it != bh.files.end()) return it->second;
    const env::FileId f = bh.disk->create_file();
    bh.files.emplace(file, f);
    return f;
}

void Cluster::on_disk(BrokerId b, const env::DiskCompletion& c) {
    // A flush with token 0 (a clean stop's) is fire-and-forget: nobody waits for it.
    if (c.kind == env::DiskCompletion::Kind::flush && c.token == 0) return;
    const std::uint64_t token = c.token;
    deliver_input(kafka::broker_node(b), [this, token](Node& n, Outbox& o) { n.on_disk_done(loop_.now(), token, o); });
}

// ---- process faults ---------------------------------------------------------------------------

void Cluster::stop_process(NodeId n) {
    Hosted& h = hosted(n);
    if (!h.up) return;
    h.up = false;
    h.paused = false;
    h.deferred.clear();
    ++h.incarnation;
    for (auto& [key_, t] : h.timers) loop_.cancel(t);
    h.timers.clear();
    trace_.emit(loop_.now(), trace_fault_, {n.value(), kStopped});
    // The kernel closes the process's sockets: what the process already sent
    // still arrives, followed by a FIN that tells each peer the connection is
    // gone. A host that lost power sends nothing more: its peers find out by
    // their own timeouts.
    if (!without_power(n)) {
        for (auto& [k, w] : wires_) {
            if (k.first != n && k.second != n) continue;
            if (w.conn.valid() && network_->is_open(w.conn)) network_->send(w.conn, n, kFin, 0);
        }
    }
    if (kafka::is_broker_node(n)) {
        BrokerHost& bh = brokers_.at(BrokerId(n.value()));
        bh.process.reset();
        bh.requests.reset();
        h.node.reset();
    }
    state_changed();
}

void Cluster::crash(BrokerId b) {
    BrokerHost& bh = brokers_.at(b);
    if (!bh.process) return;
    stop_process(kafka::broker_node(b));
    bh.disk->crash();
}

void Cluster::power_loss(BrokerId b) {
    BrokerHost& bh = brokers_.at(b);
    if (bh.powered_off) return;
    bh.powered_off = true;
    bh.powered_off_at = loop_.now();
    stop_process(kafka::broker_node(b));
    std::map<env::FileId, Bytes> durable;
    for (const env::FileLoss& l : bh.disk->power_loss()) durable[l.file] = l.durable;
    // The files keep only their durable bytes; the broker finds that when it
    // starts again (BrokerStorage::cut_to_surviving).
    for (const auto& [tp, log] : bh.storage.logs) {
        const auto f = bh.files.find(kafka::FileRef::log(tp));
        bh.storage.surviving_bytes[tp] = f == bh.files.end() ? Bytes{0} : durable.at(f->second);
    }
}

// A host back from a power loss answers segments of connections it no longer
// knows with RST. A peer with data still unacknowledged on such a connection
// has been retransmitting since the power went (RTO from rto_min, doubling up
// to rto_max); its next retransmission after the host is back meets the RST
// and the connection is reset. Idle connections find out when next used.
void Cluster::reset_stale_connections(NodeId n, Instant down_at) {
    const Instant now = loop_.now();
    for (auto& [k, w] : wires_) {
        if (k.first != n && k.second != n) continue;
        const NodeId peer = k.first == n ? k.second : k.first;
        const int dir = peer == k.first ? 0 : 1;
        if (!w.conn.valid() || !network_->is_live(w.conn) || (w.in_flight[dir].empty() && !w.unanswered[dir])) continue;
        const Instant retransmit = network_->next_retransmission(down_at, now);
        const env::ConnId conn = w.conn;
        const auto key = k;
        loop_.schedule_at(retransmit, [this, key, conn, peer, n] {
            auto it = wires_.find(key);
            if (it == wires_.end() || it->second.conn != conn || !network_->is_live(conn)) return;
            drop_in_flight(it->second);
            network_->close(conn);
            it->second.conn = env::ConnId{};
            connections_gone(n, peer);
            deliver_input(peer, [this, n](Node& node, Outbox& o) { node.on_connection_lost(loop_.now(), n, o); });
        });
    }
}

void Cluster::restart(BrokerId b) {
    if (is_up(b)) return;
    start_broker(brokers_.at(b).config);
}

void Cluster::pause(NodeId n) {
    Hosted& h = hosted(n);
    if (!h.up) return;
    h.paused = true;
    trace_.emit(loop_.now(), trace_fault_, {n.value(), kPaused});
    state_changed();
}

void Cluster::resume(NodeId n) {
    Hosted& h = hosted(n);
    if (!h.up || !h.paused) return;
    h.paused = false;
    trace_.emit(loop_.now(), trace_fault_, {n.value(), kResumed});
    state_changed();
    std::deque<std::function<void()>> pending;
    pending.swap(h.deferred);
    const std::uint32_t inc = h.incarnation;
    for (auto& input : pending) {
        if (!h.up || h.incarnation != inc || h.paused) break;
        input();
    }
}

void Cluster::controlled_shutdown(BrokerId b, std::function<void()> done) {
    BrokerHost& bh = brokers_.at(b);
    if (!bh.process) {
        if (done) done();
        return;
    }
    bh.on_stopped = std::move(done);
    Outbox out;
    bh.process->begin_controlled_shutdown(loop_.now(), out);
    apply(kafka::broker_node(b), out);
}

// ---- world faults -----------------------------------------------------------------------------

env::PartitionId Cluster::partition(const std::vector<std::vector<NodeId>>& groups) {
    const env::PartitionId p = network_->partition(groups);
    state_changed();
    return p;
}

env::PartitionId Cluster::partition_one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to) {
    const env::PartitionId p = network_->partition_one_way(from, to);
    state_changed();
    return p;
}

void Cluster::heal(env::PartitionId p) {
    network_->heal(p);
    state_changed();
}

void Cluster::set_link_fault(NodeId a, NodeId b, env::LinkFault f) {
    network_->set_path_fault(a, b, f);
    state_changed();
}

void Cluster::set_disk_slow(BrokerId b, double factor) {
    brokers_.at(b).disk->set_slow_factor(factor);
}

}  // namespace ks::cluster
