// Cluster: where the Kafka protocol meets the simulated world. It hosts the
// kafka nodes (controller, brokers, clients) on env hosts, carries their
// effects out — messages over env::Network connections, timers on the
// EventLoop, log writes on each broker's env::Disk — and delivers what the
// world returns. It also carries out process-level faults: crash, restart,
// pause, power loss, controlled shutdown, and network and disk faults.
//
// Conventions:
//   * One TCP connection per pair of nodes, opened on first use; when it
//     breaks both ends are told (Node::on_connection_lost) and the next send
//     opens a new one. When a process dies, what it already sent is on the
//     wire and still arrives; what is addressed to it is dropped, and its peers
//     learn that the connection is gone — after what was already on its way
//     to them, even if they write into the dead connection meanwhile. A
//     restarted process gets new connections.
//   * A paused node (GC stall) handles nothing: messages, timers and disk
//     completions addressed to it queue up and run, in order, when it resumes.
//   * A crashed broker loses its process (the Broker object and its timers)
//     but keeps its BrokerStorage and its disk's page cache; a power loss also
//     cuts every log to what its disk had made durable.
//   * Each broker log is one disk file; its length follows the log (appends on
//     completion, truncations at once), so durable lengths map back to offsets.
//
// Determinism: every input reaches a node through the EventLoop; containers
// are ordered; randomness comes from the network's and disks' own streams.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cluster/request_path.hpp"
#include "core/event_loop.hpp"
#include "core/trace.hpp"
#include "env/disk.hpp"
#include "env/network.hpp"
#include "env/topology.hpp"
#include "kafka/broker.hpp"
#include "kafka/controller.hpp"
#include "kafka/observer.hpp"

namespace ks::cluster {

// A hosted node: the kafka node behind a uniform interface.
class Node {
  public:
    virtual ~Node() = default;
    virtual void start(Instant now, kafka::Outbox& out) = 0;
    virtual void on_message(Instant now, NodeId from, const kafka::Message& m, kafka::Outbox& out) = 0;
    virtual void on_timer(Instant now, std::uint64_t key, kafka::Outbox& out) = 0;
    virtual void on_disk_done(Instant, std::uint64_t, kafka::Outbox&) {}
    virtual void on_connection_lost(Instant, NodeId, kafka::Outbox&) {}
    // The peer's kernel acknowledged `bytes` of a request that expects no
    // answer (an acks=0 produce): they have left the sender's socket buffer.
    virtual void on_transport_ack(Instant, NodeId, Bytes, kafka::Outbox&) {}
};

// Adapts any node type with the kafka node methods.
template <typename T>
class NodeOf final : public Node {
  public:
    explicit NodeOf(T& node) : node_(node) {}
    void start(Instant now, kafka::Outbox& out) override { node_.start(now, out); }
    void on_message(Instant now, NodeId from, const kafka::Message& m, kafka::Outbox& out) override {
        node_.on_message(now, from, m, out);
    }
    void on_timer(Instant now, std::uint64_t key, kafka::Outbox& out) override { node_.on_timer(now, key, out); }
    void on_disk_done(Instant now, std::uint64_t token, kafka::Outbox& out) override {
        if constexpr (requires { node_.on_disk_done(now, token, out); }) node_.on_disk_done(now, token, out);
    }
    void on_connection_lost(Instant now, NodeId peer, kafka::Outbox& out) override {
        if constexpr (requires { node_.on_connection_lost(now, peer, out); }) node_.on_connection_lost(now, peer, out);
    }
    void on_transport_ack(Instant now, NodeId peer, Bytes bytes, kafka::Outbox& out) override {
        if constexpr (requires { node_.on_transport_ack(now, peer, bytes, out); }) {
            node_.on_transport_ack(now, peer, bytes, out);
        }
    }

  private:
    T& node_;
};

struct ClusterOptions {
    std::uint64_t seed = 1;
    env::Topology::Options topology;  // links between hosts, racks and the core switch
    env::Disk::Options disk;          // every broker host's disk (its writeback phase is drawn here)
    Duration break_detection_delay = s(1);
    RequestCosts request_costs;  // what a broker's network and handler threads spend per request
};

class Cluster {
  public:
    Cluster(EventLoop& loop, Trace& trace, ClusterOptions options);
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // ---- building (before build()) ----
    void add_broker_host(BrokerId b, std::string_view rack);
    void add_controller_host();
    void add_client_host(NodeId n);
    // Creates the network and the disks. REQUIRES: every host added.
    void build();

    void set_observer(kafka::Observer* o) { observer_ = o; }
    // Called right after a process starts, stops, pauses or resumes, and
    // after every change of the network's faults (for what depends on who
    // runs and who reaches whom). Synchronous: it schedules nothing.
    void set_state_listener(std::function<void()> f) { on_state_change_ = std::move(f); }

    // ---- nodes ----
    void start_controller(kafka::ControllerConfig config, std::vector<kafka::TopicSettings> topics);
    // Starts (or restarts) a broker process on its storage.
    void start_broker(kafka::BrokerConfig config);
    // Hosts a client node; the cluster does not own `node`'s object.
    void start_client(NodeId id, std::unique_ptr<Node> node);
    kafka::Controller& controller() { return *controller_; }
    // Runs an outside action on a hosted node (a producer's rate change, an
    // operator's topic creation on the controller)
    // and carries out its effects. Ignored if the node is down.
    void node_action(NodeId n, const std::function<void(Instant, kafka::Outbox&)>& action);
    // The running broker process, or nullptr when it is down.
    kafka::Broker* broker(BrokerId b);
    const kafka::BrokerStorage& storage(BrokerId b) const { return brokers_.at(b).storage; }
    const kafka::BrokerConfig& broker_config(BrokerId b) const { return brokers_.at(b).config; }
    void set_broker_config(BrokerId b, kafka::BrokerConfig c) { brokers_.at(b).config = std::move(c); }
    std::vector<BrokerId> broker_ids() const;
    bool is_up(BrokerId b) const;
    bool is_paused(NodeId n) const;
    std::vector<NodeId> client_nodes() const;

    // ---- process faults ----
    void crash(BrokerId b);       // kill -9
    void power_loss(BrokerId b);  // the host loses power: process and unflushed data gone
    void restart(BrokerId b);     // start again on the surviving storage (no-op if up)
    void pause(NodeId n);         // GC stall until resume
    void resume(NodeId n);
    // Controlled shutdown; `done(clean)` runs when the process has stopped.
    void controlled_shutdown(BrokerId b, std::function<void()> done);

    // ---- world faults ----
    env::PartitionId partition(const std::vector<std::vector<NodeId>>& groups);
    env::PartitionId partition_one_way(const std::vector<NodeId>& from, const std::vector<NodeId>& to);
    void heal(env::PartitionId p);
    void set_link_fault(NodeId a, NodeId b, env::LinkFault f);
    void set_disk_slow(BrokerId b, double factor);

    EventLoop& loop() { return loop_; }
    Trace& trace() { return trace_; }
    const env::Network& network() const { return *network_; }

  private:
    // Inputs held for one paused node (a GC stall): reaching it is a bug.
    static constexpr std::size_t kDeferredMax = std::size_t{1} << 22;
    struct Hosted {
        std::unique_ptr<Node> node;
        bool up = false;
        bool paused = false;
        std::uint32_t incarnation = 0;
        std::map<std::uint64_t, TimerId> timers;
        std::deque<std::function<void()>> deferred;  // inputs held while paused
    };
    struct BrokerHost {
        kafka::BrokerConfig config;
        kafka::BrokerStorage storage;
        std::unique_ptr<kafka::Broker> process;
        std::unique_ptr<RequestPath> requests;  // the process's request threads
        std::unique_ptr<env::Disk> disk;
        std::map<kafka::FileRef, env::FileId> files;
        bool powered_off = false;
        Instant powered_off_at;
        std::function<void()> on_stopped;
    };
    struct Wire {
        env::ConnId conn;
        // Messages on their way, per direction (0: low->high node), with the id
        // the network carries: a connection delivers in order, so the front is
        // always the next to arrive.
        std::deque<std::pair<std::uint64_t, kafka::Message>> in_flight[2];
        std::uint32_t incarnation[2] = {0, 0};  // of each end when the connection opened
        bool unanswered[2] = {false, false};    // data sent to a host without power (per direction)
    };

    Hosted& hosted(NodeId n) { return nodes_.at(n); }
    void reset_stale_connections(NodeId n, Instant down_at);
    // A broker host whose power is off (clients and the controller never are).
    bool without_power(NodeId n) const;
    void apply(NodeId self, kafka::Outbox& out);
    // Outboxes for the hot paths, kept with their capacity (apply may nest, so
    // a pool rather than one buffer).
    kafka::Outbox take_outbox();
    void give_back(kafka::Outbox out);
    std::vector<kafka::Outbox> outbox_pool_;
    void send(NodeId from, NodeId to, kafka::Message m, Instant not_before = Instant::zero());
    void on_delivery(const env::Delivery& d);
    void on_break(const env::ConnectionBreak& b);
    void drop_in_flight(Wire& w);
    void deliver_input(NodeId to, std::function<void(Node&, kafka::Outbox&)> input);
    // Runs `f` on the process `n` of incarnation `inc` (nothing if it is gone;
    // held while it is paused).
    void run_on(NodeId n, std::uint32_t inc, std::function<void()> f);
    // Keeps `f` until the paused process `h` resumes.
    static void hold(Hosted& h, std::function<void()> f);
    // A request reaching a broker goes through its request threads; false if
    // `m` is not a request the broker's threads handle.
    bool route_request(NodeId from, NodeId to, kafka::Message& m);
    // A broker's response leaves through the processor of its connection; false
    // if `m` is not a response to a client or follower request.
    bool route_response(NodeId from, NodeId to, kafka::Message& m);
    // The connections between a and b are gone: requests unread in them too.
    void connections_gone(NodeId a, NodeId b);
    // How a request or response travels through a broker's request threads:
    // its logical connection with `peer` (the client or follower), whether it
    // is the request, and how many partitions it names. nullopt for messages
    // that do not (controller traffic, responses a broker receives).
    struct Route {
        ChannelKey channel;
        bool request = false;
        std::int32_t partitions = 0;
        std::size_t api = 0;  // the request's kind (its index in kafka::Message), for both
    };
    std::optional<Route> request_route(NodeId peer, const kafka::Message& m) const;
    void stop_process(NodeId n);
    env::FileId file_for(BrokerId b, const kafka::FileRef& file);
    void on_disk(BrokerId b, const env::DiskCompletion& c);
    static std::pair<NodeId, NodeId> key(NodeId a, NodeId b) { return a < b ? std::pair{a, b} : std::pair{b, a}; }

    EventLoop& loop_;
    Trace& trace_;
    ClusterOptions options_;
    std::unique_ptr<env::Topology> topology_;
    std::unique_ptr<env::Network> network_;
    std::function<void()> on_state_change_;
    void state_changed() {
        if (on_state_change_) on_state_change_();
    }
    kafka::Observer* observer_ = nullptr;
    std::unique_ptr<kafka::Controller> controller_;
    std::map<NodeId, Hosted> nodes_;
    std::map<BrokerId, BrokerHost> brokers_;
    std::vector<NodeId> clients_;
    std::map<std::pair<NodeId, NodeId>, Wire> wires_;
    std::uint64_t next_message_ = 1;
    Trace::Kind trace_deliver_;
    Trace::Kind trace_note_;
    Trace::Kind trace_fault_;
};

}  // namespace ks::cluster
