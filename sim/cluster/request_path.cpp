#include "cluster/request_path.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "core/assert.hpp"

namespace ks::cluster {

namespace {

Duration per_byte(double ns_per_byte, Bytes bytes) {
    return ns(static_cast<std::int64_t>(std::llround(ns_per_byte * static_cast<double>(bytes))));
}

}  // namespace

Duration RequestCosts::network(Bytes bytes) const {
    return network_base + per_byte(network_ns_per_byte, bytes);
}

Duration RequestCosts::io(Bytes bytes, std::int32_t partitions) const {
    return io_base + io_per_partition * partitions + per_byte(io_ns_per_byte, bytes);
}

RequestPath::RequestPath(EventLoop& loop, RequestPathConfig config, Run run)
    : loop_(loop),
      config_(config),
      run_(std::move(run)),
      processors_(static_cast<std::size_t>(config.network_threads)),
      io_idle_(config.io_threads),
      alive_(std::make_shared<bool>(true)) {
    KS_ASSERT_GE(config_.network_threads, 1);
    KS_ASSERT_GE(config_.io_threads, 1);
    KS_ASSERT_GE(config_.queued_max, 1);
}

RequestPath::~RequestPath() = default;

template <typename F>
void RequestPath::after(Duration d, F f) {
    std::weak_ptr<bool> alive = alive_;
    loop_.schedule_after(d, [this, alive, f] {
        if (alive.expired()) return;
        run_([alive, f] {
            if (!alive.expired()) f();
        });
    });
}

RequestPath::Channel& RequestPath::channel(ChannelKey c) {
    auto [it, fresh] = channels_.try_emplace(c);
    if (fresh) {
        // Acceptor: new connections go to the processors in turn.
        it->second.processor = next_processor_;
        next_processor_ = (next_processor_ + 1) % processors_.size();
    }
    return it->second;
}

void RequestPath::receive(ChannelKey c, std::size_t api, bool answered, Bytes bytes, std::int32_t partitions,
                          std::function<void()> handle, Duration io_extra) {
    KS_ASSERT_GE(io_extra, Duration::zero());
    Channel& ch = channel(c);
    Request r{.channel = c,
              .api = api,
              .answered = answered,
              .bytes = bytes,
              .partitions = partitions,
              .handle = std::move(handle),
              .io_extra = io_extra};
    if (ch.muted) {
        ch.unread.push_back(std::move(r));
        return;
    }
    start_read(ch, std::move(r));
}

void RequestPath::start_read(Channel& ch, Request r) {
    ch.muted = true;
    if (r.answered) ch.awaiting = r.api;
    const Duration cost = config_.costs.network(r.bytes);
    submit(ch.processor, Job{.cost = cost, .read = std::move(r), .send = nullptr, .unmutes = std::nullopt, .api = 0});
}

void RequestPath::unmute(Channel& ch) {
    ch.muted = false;
    ch.awaiting.reset();
    if (ch.unread.empty()) return;
    Request next = std::move(ch.unread.front());
    ch.unread.pop_front();
    start_read(ch, std::move(next));
}

void RequestPath::respond(ChannelKey c, std::size_t api, Bytes bytes, std::function<void()> send) {
    // The connection waiting for this kind of answer: `c` itself, or another
    // of the peer's (a response names no connection).
    std::optional<ChannelKey> answers;
    if (const auto it = channels_.find(c); it != channels_.end() && it->second.awaiting == api) {
        answers = c;
    } else {
        for (auto jt = channels_.lower_bound(ChannelKey{c.peer, std::numeric_limits<std::int32_t>::min()});
             jt != channels_.end() && jt->first.peer == c.peer; ++jt) {
            if (jt->second.awaiting == api) {
                answers = jt->first;
                break;
            }
        }
    }
    const std::size_t p = channel(answers.value_or(c)).processor;
    submit(p, Job{.cost = config_.costs.network(bytes),
                  .read = std::nullopt,
                  .send = std::move(send),
                  .unmutes = answers,
                  .api = api});
}

void RequestPath::drop_peer(NodeId peer) {
    for (auto it = channels_.lower_bound(ChannelKey{peer, std::numeric_limits<std::int32_t>::min()});
         it != channels_.end() && it->first.peer == peer; ++it) {
        it->second.unread.clear();
        it->second.muted = false;
        it->second.awaiting.reset();
    }
}

void RequestPath::submit(std::size_t p, Job job) {
    Processor& pr = processors_.at(p);
    pr.jobs.push_back(std::move(job));
    if (!pr.busy && !pr.held) run_next(p);
}

void RequestPath::run_next(std::size_t p) {
    Processor& pr = processors_[p];
    if (pr.busy || pr.held || pr.jobs.empty()) return;
    pr.busy = true;
    after(pr.jobs.front().cost, [this, p] { on_job_done(p); });
}

void RequestPath::on_job_done(std::size_t p) {
    Processor& pr = processors_[p];
    KS_ASSERT(pr.busy && !pr.jobs.empty());
    Job job = std::move(pr.jobs.front());
    pr.jobs.pop_front();
    pr.busy = false;
    if (job.read) {
        if (io_idle_ == 0 && queue_.size() >= static_cast<std::size_t>(config_.queued_max)) {
            // requestQueue.put blocks the processor thread until there is room.
            pr.held = std::move(*job.read);
            blocked_.push_back(p);
            return;
        }
        enqueue(std::move(*job.read));
    } else {
        const std::weak_ptr<bool> alive = alive_;
        job.send();
        if (alive.expired()) return;
        // processCompletedSends: the response is out, the connection unmuted.
        if (job.unmutes) {
            const auto it = channels_.find(*job.unmutes);
            if (it != channels_.end() && it->second.awaiting == job.api) unmute(it->second);
        }
    }
    run_next(p);
}

void RequestPath::enqueue(Request r) {
    if (io_idle_ > 0) {
        KS_ASSERT(queue_.empty());
        start_io(std::move(r));
        return;
    }
    KS_ASSERT_LT(queue_.size(), static_cast<std::size_t>(config_.queued_max));
    queue_.push_back(std::move(r));
}

void RequestPath::start_io(Request r) {
    KS_ASSERT_GT(io_idle_, 0);
    --io_idle_;
    const Duration cost = config_.costs.io(r.bytes, r.partitions) + r.io_extra;
    const std::uint64_t id = next_io_++;
    in_io_.emplace(id, std::move(r));
    after(cost, [this, id] { on_io_done(id); });
}

void RequestPath::on_io_done(std::uint64_t id) {
    auto it = in_io_.find(id);
    KS_ASSERT(it != in_io_.end());
    Request r = std::move(it->second);
    in_io_.erase(it);
    ++io_idle_;
    ++handled_;
    const std::weak_ptr<bool> alive = alive_;
    r.handle();                   // the broker's logic; it may send responses (respond)
    if (alive.expired()) return;  // the process stopped while handling it
    // A request without a response (NoOpResponse): its connection is unmuted
    // once the handler is done with it.
    if (!r.answered) {
        Channel& ch = channels_.at(r.channel);
        if (ch.muted && !ch.awaiting) unmute(ch);
    }
    if (!queue_.empty() && io_idle_ > 0) {
        Request next = std::move(queue_.front());
        queue_.pop_front();
        start_io(std::move(next));
    }
    unblock_processors();
}

void RequestPath::unblock_processors() {
    while (!blocked_.empty() && (io_idle_ > 0 || queue_.size() < static_cast<std::size_t>(config_.queued_max))) {
        const std::size_t p = blocked_.front();
        blocked_.pop_front();
        Processor& pr = processors_[p];
        KS_ASSERT(pr.held.has_value());
        Request r = std::move(*pr.held);
        pr.held.reset();
        enqueue(std::move(r));
        run_next(p);
    }
}

}  // namespace ks::cluster
