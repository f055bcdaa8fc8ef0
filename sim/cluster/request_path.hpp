// RequestPath: a broker's request-handling threads, as Kafka's SocketServer and
// KafkaRequestHandlerPool run them, so that handling a request takes time and
// requests wait for threads under load.
//
//   * num.network.threads processors. Each connection belongs to one processor,
//     given round-robin as connections appear (SocketServer Acceptor,
//     currentProcessorIndex). A processor is one thread: it reads requests off
//     its connections and writes responses back, one job at a time, in order.
//   * After a request is read its connection is muted: the next request on it
//     stays in the socket until the response to this one has been written
//     (Processor.processCompletedReceives: selector.mute; processCompletedSends:
//     tryUnmuteChannel), or, for a request that has no response (acks=0
//     produce), until the handler is done with it (NoOpResponse). A request
//     parked in a purgatory (acks=all produce, long-poll fetch, JoinGroup) so
//     keeps its connection muted until it is answered, and a client's pipelined
//     requests (max.in.flight.requests.per.connection) wait their turn.
//   * The request queue (RequestChannel.requestQueue, an ArrayBlockingQueue of
//     queued.max.requests): a processor that has read a request puts it there,
//     and blocks — reading and writing nothing — while the queue is full
//     (RequestChannel.sendRequest: requestQueue.put).
//   * num.io.threads handler threads take requests from the queue in order
//     (KafkaRequestHandler.run: requestChannel.receiveRequest) and handle them:
//     the broker's own logic runs when the handler's work is done.
//
// What a job costs is a model (RequestCosts), not Kafka's: a fixed part and a
// part per byte for the processors (socket reads and writes, parsing), and a
// fixed part, a part per partition and a part per byte for the handlers
// (validation, CRC checks, appends to the page cache, building responses).
//
// Logical connections: a peer may hold several connections to a broker — a
// Java consumer talks to its group coordinator on a connection of its own, and
// each replica fetcher thread has its own — so a connection is (peer, channel).
//
// Every completion runs through the `run` function the owner gives (the
// cluster defers them while the broker process is paused). Destroying the
// RequestPath (the process died) drops everything it holds; its scheduled
// events then do nothing.
#pragma once

#include <compare>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "core/event_loop.hpp"
#include "kafkasim/ids.hpp"
#include "kafkasim/time.hpp"

namespace ks::cluster {

struct RequestCosts {
    Duration network_base = us(10);     // a processor's work per request read or response written
    double network_ns_per_byte = 1;     // ... and per byte of it
    Duration io_base = us(40);          // a handler's work per request
    Duration io_per_partition = us(5);  // ... per partition the request names
    double io_ns_per_byte = 2;          // ... and per byte of the request

    Duration network(Bytes bytes) const;
    Duration io(Bytes bytes, std::int32_t partitions) const;
};

struct RequestPathConfig {
    std::int32_t network_threads = 3;  // num.network.threads
    std::int32_t io_threads = 8;       // num.io.threads
    std::int32_t queued_max = 500;     // queued.max.requests
    RequestCosts costs;
};

// A logical connection to the broker.
struct ChannelKey {
    NodeId peer;
    std::int32_t channel = 0;
    auto operator<=>(const ChannelKey&) const = default;
};

class RequestPath {
  public:
    using Run = std::function<void(std::function<void()>)>;

    RequestPath(EventLoop& loop, RequestPathConfig config, Run run);
    ~RequestPath();
    RequestPath(const RequestPath&) = delete;
    RequestPath& operator=(const RequestPath&) = delete;

    // A request of kind `api` arrived on `c`; `handle` runs when a handler
    // thread has done its work on it. `answered`: a response will come
    // (respond with the same `api`); otherwise the connection is unmuted when
    // the handler is done.
    // `io_extra`: handler time beyond RequestCosts.io (a produce's
    // decompression and recompression, kafka/compression.hpp).
    void receive(ChannelKey c, std::size_t api, bool answered, Bytes bytes, std::int32_t partitions,
                 std::function<void()> handle, Duration io_extra = Duration::zero());
    // The response to a request of kind `api` leaves for `c.peer`; `send` runs
    // when the processor has written it. It goes on the peer's connection
    // awaiting that answer (`c` if several are), which it then unmutes; on `c`
    // if none is.
    void respond(ChannelKey c, std::size_t api, Bytes bytes, std::function<void()> send);
    // The peer's connections closed: requests still unread in them are gone,
    // and its next connections start unmuted.
    void drop_peer(NodeId peer);

    // RequestQueueSize: requests read and waiting for a handler thread.
    std::size_t queue_size() const { return queue_.size(); }
    // Handler threads busy (num.io.threads − idle).
    std::int32_t io_busy() const { return config_.io_threads - io_idle_; }
    // Requests whose handling finished.
    std::int64_t handled() const { return handled_; }

  private:
    struct Request {
        ChannelKey channel;
        std::size_t api = 0;
        bool answered = true;
        Bytes bytes = 0;
        std::int32_t partitions = 0;
        std::function<void()> handle;
        Duration io_extra{};
    };
    struct Job {
        Duration cost;
        std::optional<Request> read;  // a request read, or a response written (`send`)
        std::function<void()> send;
        std::optional<ChannelKey> unmutes;  // the connection this response answers
        std::size_t api = 0;
    };
    struct Processor {
        std::deque<Job> jobs;
        bool busy = false;
        std::optional<Request> held;  // read, waiting for room in the request queue
    };
    struct Channel {
        std::size_t processor = 0;
        bool muted = false;
        std::optional<std::size_t> awaiting;  // the kind of request whose answer unmutes it
        std::deque<Request> unread;
    };

    Channel& channel(ChannelKey c);
    void start_read(Channel& ch, Request r);
    void unmute(Channel& ch);
    void submit(std::size_t p, Job job);
    void run_next(std::size_t p);
    void on_job_done(std::size_t p);
    void enqueue(Request r);
    void start_io(Request r);
    void on_io_done(std::uint64_t id);
    void unblock_processors();
    // Runs `f` (a small callable) `d` from now, through `run_`, unless this
    // path is gone by then.
    template <typename F>
    void after(Duration d, F f);

    EventLoop& loop_;
    RequestPathConfig config_;
    Run run_;
    std::vector<Processor> processors_;
    std::map<ChannelKey, Channel> channels_;
    std::size_t next_processor_ = 0;
    std::deque<Request> queue_;
    std::deque<std::size_t> blocked_;         // processors waiting for queue room, in order
    std::map<std::uint64_t, Request> in_io_;  // being handled, by start order
    std::uint64_t next_io_ = 0;
    std::int32_t io_idle_ = 0;
    std::int64_t handled_ = 0;
    std::shared_ptr<bool> alive_;
};

}  // namespace ks::cluster
