// Producer: the sender half — ready / drain / send (Sender.sendProducerData,
// RecordAccumulator.ready and drain), responses, timeouts, retries, the
// idempotent producer's sequence bookkeeping (TransactionManager) and metadata.
#include <algorithm>
#include <cmath>
#include <set>

#include "core/assert.hpp"
#include "kafka/producer.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

namespace {

// Errors after which the Java client asks for fresh metadata
// (InvalidMetadataException subclasses, plus disconnections and timeouts).
bool invalidates_metadata(Error e) {
    switch (e) {
        case Error::not_leader_or_follower:
        case Error::leader_not_available:
        case Error::unknown_topic_or_partition:
        case Error::fenced_leader_epoch:
        case Error::unknown_leader_epoch:
        case Error::network_exception:
        case Error::request_timed_out:
        case Error::broker_not_available:
            return true;
        default:
            return false;
    }
}

}  // namespace

// ---- inputs -----------------------------------------------------------------------------------

void Producer::on_message(Instant now, NodeId from, const Message& m, Outbox& out) {
    if (const auto* r = std::get_if<ProduceResponse>(&m)) {
        handle_produce_response(now, *r, out);
    } else if (const auto* md = std::get_if<MetadataResponse>(&m)) {
        handle_metadata_response(now, *md, out);
    } else if (const auto* av = std::get_if<ApiVersionsResponse>(&m); av && is_broker_node(from)) {
        auto it = conns_.find(BrokerId(from.value()));
        if (it != conns_.end() && it->second.state == Conn::State::connecting &&
            it->second.correlation == av->correlation) {
            // ClusterConnectionStates.ready: the backoffs start over.
            it->second.state = Conn::State::ready;
            it->second.failed_attempts = 0;
            it->second.failed_setups = 0;
            out.cancel_timer(timer_key(kConnectTimeout, av->correlation));
        }
    }
    run_sender(now, out);
}

void Producer::on_timer(Instant now, std::uint64_t key, Outbox& out) {
    const auto kind = static_cast<TimerKind>(key >> 56);
    const std::uint64_t id = key & ((std::uint64_t{1} << 56) - 1);
    switch (kind) {
        case kWake:
            wake_at_ = Instant::max();
            break;
        case kRequestTimeout: {
            auto it = in_flight_.find(id);
            if (it == in_flight_.end()) break;
            // NetworkClient.handleTimedOutRequests: the connection is closed, so
            // every request on it fails; the expired one with REQUEST_TIMED_OUT.
            const BrokerId broker = it->second.broker;
            ++stats_.request_timeouts;
            fail_request(now, id, Error::request_timed_out, out);
            std::vector<std::uint64_t> others;
            for (const auto& [c, f] : in_flight_) {
                if (f.broker == broker) others.push_back(c);
            }
            for (std::uint64_t c : others) fail_request(now, c, Error::network_exception, out);
            break;
        }
        case kMetadataTimeout:
            if (metadata_in_flight_ && id == metadata_correlation_) {
                metadata_in_flight_ = false;
                metadata_wanted_ = true;
            }
            break;
        case kConnectTimeout:
            // NetworkClient.handleTimedOutConnections: the node is disconnected.
            for (auto& [broker, c] : conns_) {
                if (c.state == Conn::State::connecting && c.correlation == id) {
                    ++c.failed_setups;
                    connection_down(broker, now);
                    break;
                }
            }
            break;
        case kMetadataRefresh:
            if (id == 0) {  // metadata.max.age.ms
                metadata_wanted_ = true;
                out.set_timer(timer_key(kMetadataRefresh), now + opt_.metadata_max_age);
            }
            break;
        default:
            KS_UNREACHABLE("producer: unknown timer kind");
    }
    run_sender(now, out);
}

void Producer::on_connection_lost(Instant now, NodeId peer, Outbox& out) {
    if (!is_broker_node(peer)) return;
    const BrokerId broker(peer.value());
    std::vector<std::uint64_t> lost;
    for (const auto& [c, f] : in_flight_) {
        if (f.broker == broker) lost.push_back(c);
    }
    for (std::uint64_t c : lost) fail_request(now, c, Error::network_exception, out);
    if (auto it = conns_.find(broker); it != conns_.end() && it->second.state == Conn::State::connecting) {
        out.cancel_timer(timer_key(kConnectTimeout, it->second.correlation));
    }
    connection_down(broker, now);
    // NetworkClient.handleDisconnections: "we got a disconnect so we should
    // probably refresh our metadata and see if that broker is dead".
    metadata_wanted_ = true;
    if (metadata_in_flight_ && metadata_broker_ == broker) {
        metadata_in_flight_ = false;
        out.cancel_timer(timer_key(kMetadataTimeout, metadata_correlation_));
    }
    run_sender(now, out);
}

void Producer::on_transport_ack(Instant now, NodeId peer, Bytes bytes, Outbox& out) {
    if (!is_broker_node(peer)) return;
    auto it = conns_.find(BrokerId(peer.value()));
    if (it == conns_.end()) return;
    it->second.unacked = std::max<Bytes>(0, it->second.unacked - bytes);
    run_sender(now, out);
}

// ---- the sender loop --------------------------------------------------------------------------

void Producer::run_sender(Instant now, Outbox& out) {
    drain_blocked(now, out);
    flush_sent(out);  // the ledger sees records before any outcome
    expire_batches(now, out);
    maybe_bump_epoch();
    if (!custom_ && (opt_.keyless_workload || opt_.ignore_keys)) update_load_stats();
    while (now >= sender_busy_until_ && drain_once(now, out)) {
    }
    // When to look again: linger and backoff ends, delivery and block timeouts.
    Instant next = Instant::max();
    auto consider = [&](Instant t) {
        if (t > now) next = std::min(next, t);
    };
    bool leaderless_data = false;
    for (const PartState& ps : parts_) {
        if (ps.queue.empty()) continue;
        Instant check = Instant::max();
        (void)sendable(ps, now, check);
        consider(check);
        consider(ps.queue.front()->created + opt_.delivery_timeout);
        leaderless_data = leaderless_data || ps.leader.value() < 0;
        if (ps.leader.value() >= 0) {
            // Waiting for a reconnect backoff to end.
            auto it = conns_.find(ps.leader);
            if (it != conns_.end() && it->second.state == Conn::State::disconnected) consider(it->second.next_attempt);
        }
    }
    if (!blocked_.empty()) consider(blocked_.front().call_start + opt_.max_block);
    consider(sender_busy_until_);
    if (leaderless_data) metadata_wanted_ = true;
    if (metadata_wanted_ && !metadata_in_flight_) {
        if (now >= metadata_not_before_) {
            send_metadata_request(now, out);
        } else {
            consider(metadata_not_before_);
        }
    }
    set_wake(next, out);
}

void Producer::set_wake(Instant when, Outbox& out) {
    if (when == wake_at_) return;
    if (when == Instant::max()) {
        out.cancel_timer(timer_key(kWake));
    } else {
        out.set_timer(timer_key(kWake), when);
    }
    wake_at_ = when;
}

// RecordAccumulator.expiredBatches: queued batches past delivery.timeout.ms.
void Producer::expire_batches(Instant now, Outbox& out) {
    for (PartState& ps : parts_) {
        while (!ps.queue.empty() && ps.queue.front()->created + opt_.delivery_timeout <= now) {
            auto b = std::move(ps.queue.front());
            ps.queue.pop_front();
            finish_batch(std::move(b), RecordsOutcomeEffect::Outcome::failed, Error::request_timed_out,
                         RecordsOutcomeEffect::Failure::delivery_timeout, kUndefinedOffset, now, out);
        }
    }
}

// RecordAccumulator.ready for one partition's first batch; `next_check` gets
// the instant it becomes ready by time alone (linger or backoff end).
bool Producer::sendable(const PartState& ps, Instant now, Instant& next_check) const {
    if (ps.queue.empty()) return false;
    const ProducerBatch& b = *ps.queue.front();
    if (backing_off(ps, b, now)) {
        next_check = std::min(next_check, b.retry_at);
        return false;
    }
    if (ps.leader.value() < 0) return false;
    if (opt_.max_in_flight == 1 && ps.in_flight_batches > 0) return false;  // guaranteeMessageOrder
    if (stop_draining(ps)) return false;
    const bool full = ps.queue.size() > 1 || b.closed || b.size_bytes >= opt_.batch_size;
    const Instant linger_end = b.created + opt_.linger;
    if (full || b.retry || linger_end <= now || !blocked_.empty()) return true;
    next_check = std::min(next_check, linger_end);
    return false;
}

// RecordAccumulator.shouldBackoff: a retry waits out its backoff, unless
// (from 3.7, KIP-951) its partition got a newer leader epoch since the
// attempt that failed (ProducerBatch.hasLeaderChangedForTheOngoingRetry).
bool Producer::backing_off(const PartState& ps, const ProducerBatch& b, Instant now) const {
    if (!b.retry || b.retry_at <= now) return false;
    return !(client_follows_leader_hints(opt_.client_version) && b.sent_leader_epoch != kNoEpoch &&
             ps.leader_epoch > b.sent_leader_epoch);
}

// RecordAccumulator.shouldStopDrainBatchesForPartition (idempotent producer).
bool Producer::stop_draining(const PartState& ps) const {
    if (!opt_.idempotence) return false;
    const ProducerBatch& b = *ps.queue.front();
    // A new batch waits while the partition still has batches in flight under
    // an older producer epoch (hasInflightBatches && hasStaleProducerIdAndEpoch):
    // sequence 0 of the new epoch must not overtake them.
    if (b.base_sequence == kNoSequence) return !ps.incomplete.empty() && ps.producer_id != producer_id_;
    // A retry goes only as the lowest incomplete batch: the next in line waits.
    return ps.incomplete.empty() || b.base_sequence != *ps.incomplete.begin();
}

// RecordAccumulator.ready and drain. A node is ready when the first batch of one
// of its partitions is (full, lingered, a retry, or memory exhausted) and a
// request can go to it; drainBatchesForOneNode then takes the first batch of
// every partition the node leads — lingered or not — from the node's own
// rotating start, skipping a muted partition (max.in.flight 1) or one backing
// off, and stopping at max.request.size or at a partition whose retry must go
// first. One request per ready node; true iff one went out.
bool Producer::drain_once(Instant now, Outbox& out) {
    std::map<BrokerId, std::vector<std::int32_t>> led;  // each leader's partitions, in index order
    std::set<BrokerId> ready;
    for (std::int32_t p = 0; p < opt_.partitions; ++p) {
        const PartState& ps = parts_[static_cast<std::size_t>(p)];
        if (ps.leader.value() < 0) continue;
        led[ps.leader].push_back(p);
        Instant ignored = Instant::max();
        if (sendable(ps, now, ignored)) ready.insert(ps.leader);
    }
    bool sent = false;
    for (const BrokerId broker : ready) {
        // NetworkClient.ready: connected and able to take one more request.
        // Sender.sendProducerData then updates the node's latency stats: only
        // its readyTime when it cannot send (so an unreachable leader ages out
        // of the partitioner after partitioner.availability.timeout.ms), both
        // times when it can.
        const bool can_send = node_ready(broker, now, out) &&
                              (opt_.acks == Acks::none || in_flight_requests(broker) < opt_.max_in_flight);
        latency_.update_node_latency_stats(broker.value(), now, can_send);
        if (!can_send) continue;
        const std::vector<std::int32_t>& parts = led.at(broker);
        // nodesDrainIndex: the partition visited last, where the next drain starts.
        std::size_t& stored = drain_index_[broker];
        std::size_t i = stored % parts.size();
        const std::size_t start = i;
        std::vector<std::unique_ptr<ProducerBatch>> batches;
        Bytes size = 0;
        Duration cpu = Duration::zero();
        do {
            PartState& ps = parts_[static_cast<std::size_t>(parts[i])];
            stored = i;
            i = (i + 1) % parts.size();
            if (opt_.max_in_flight == 1 && ps.in_flight_batches > 0) continue;  // isMuted: guaranteeMessageOrder
            if (ps.queue.empty()) continue;
            const ProducerBatch& first = *ps.queue.front();
            if (backing_off(ps, first, now)) continue;
            if (!batches.empty() && size + first.size_bytes > opt_.max_request_size) break;
            if (stop_draining(ps)) break;
            auto b = std::move(ps.queue.front());
            ps.queue.pop_front();
            b->closed = true;
            b->sequence_reset = false;  // ProducerBatch.close
            cpu += build_batch(*b);
            if (opt_.idempotence && b->base_sequence == kNoSequence) {
                // TransactionManager.maybeUpdateProducerIdAndEpoch: a partition
                // still on an older epoch, with nothing in flight, starts over
                // at sequence 0 under the current one.
                if (ps.producer_id != producer_id_) {
                    KS_ASSERT(ps.incomplete.empty());
                    ps.producer_id = producer_id_;
                    ps.next_sequence = 0;
                    ps.last_acked_sequence = -1;
                }
                b->producer_id = producer_id_;
                b->base_sequence = ps.next_sequence;
                KS_ASSERT_LT(static_cast<std::int64_t>(ps.next_sequence) + b->count, std::int64_t{1} << 31);
                ps.next_sequence += b->count;
                ps.incomplete.insert(b->base_sequence);
            }
            size += b->size_bytes;
            batches.push_back(std::move(b));
        } while (i != start);
        if (batches.empty()) continue;
        // The sender thread compresses the node's batches (close() "is
        // particularly expensive", RecordAccumulator.drainBatchesForOneNode),
        // then the request goes; what it drains next waits for the thread.
        Instant not_before = Instant::zero();
        if (cpu > Duration::zero()) {
            sender_busy_until_ = std::max(now, sender_busy_until_) + cpu;
            stats_.compress_time += cpu;
            not_before = sender_busy_until_;
        }
        send_request(now, broker, std::move(batches), out, not_before);
        sent = true;
    }
    return sent;
}

Duration Producer::build_batch(ProducerBatch& b) {
    if (b.compressed) return Duration::zero();  // a retry sends the records built at its first drain
    b.compressed = true;
    if (opt_.compression == Codec::none) return Duration::zero();  // the estimate was exact
    KS_ASSERT_GT(b.records_bytes, 0);
    const Bytes records = compressed_records_bytes(opt_.compression, b.records_bytes, opt_.value_compressibility);
    b.size_bytes = opt_.batch_overhead_bytes + records;
    // MemoryRecordsBuilder.close: actualCompressionRatio = (float) writtenCompressed /
    // uncompressedRecordsSizeInBytes; ProducerBatch.close feeds it to the estimator.
    ratio_estimator_.update(static_cast<float>(records) / static_cast<float>(b.records_bytes));
    return compress_time(opt_.compression, b.records_bytes);
}

void Producer::send_request(Instant now, BrokerId broker, std::vector<std::unique_ptr<ProducerBatch>> batches,
                            Outbox& out, Instant not_before) {
    const std::uint64_t correlation = next_correlation_++;
    ProduceRequest r;
    r.acks = opt_.acks;
    r.timeout = opt_.request_timeout;
    r.correlation = correlation;
    r.leader_hints = client_follows_leader_hints(opt_.client_version);
    for (auto& b : batches) {
        ++b->attempts;
        b->sent_leader_epoch = parts_[static_cast<std::size_t>(b->tp.partition)].leader_epoch;
        ++stats_.batches_sent;
        stats_.request_records += b->count;
        stats_.batch_bytes_sent += b->size_bytes;
        stats_.batch_bytes_sent_uncompressed += opt_.batch_overhead_bytes + b->records_bytes;
        stats_.compression_ratio_sum +=
            static_cast<double>(b->size_bytes - opt_.batch_overhead_bytes) / static_cast<double>(b->records_bytes);
        ++parts_[static_cast<std::size_t>(b->tp.partition)].in_flight_batches;
        RecordBatch rb;
        rb.record_count = b->count;
        rb.size_bytes = b->size_bytes;
        rb.producer_id = b->producer_id;
        rb.base_sequence = b->base_sequence;
        rb.producer = opt_.index;
        rb.first_record = b->first_record;
        rb.created = b->created;
        rb.codec = opt_.compression;
        rb.records_bytes = b->records_bytes;
        rb.compressibility = opt_.value_compressibility;
        r.partitions.push_back(ProducePartition{b->tp, rb});
    }
    Message m(std::move(r));
    if (opt_.acks == Acks::none) conns_[broker].unacked += wire_bytes(m);
    out.send(broker_node(broker), std::move(m), not_before);
    ++stats_.requests;
    if (opt_.acks == Acks::none) {
        // No response will come: Sender.handleProduceResponse completes every
        // batch at once with Errors.NONE and offset -1 — the callback's success.
        for (auto& b : batches) {
            --parts_[static_cast<std::size_t>(b->tp.partition)].in_flight_batches;
            finish_batch(std::move(b), RecordsOutcomeEffect::Outcome::acked, Error::none,
                         RecordsOutcomeEffect::Failure::none, kUndefinedOffset, now, out);
        }
        return;
    }
    in_flight_.emplace(correlation, InFlight{broker, std::move(batches)});
    ++in_flight_per_broker_[broker];
    out.set_timer(timer_key(kRequestTimeout, correlation), now + opt_.request_timeout);
}

// ---- completions ------------------------------------------------------------------------------

void Producer::handle_produce_response(Instant now, const ProduceResponse& r, Outbox& out) {
    auto it = in_flight_.find(r.correlation);
    if (it == in_flight_.end()) return;  // the request already failed (timeout, disconnect)
    InFlight f = std::move(it->second);
    in_flight_.erase(it);
    --in_flight_per_broker_[f.broker];
    out.cancel_timer(timer_key(kRequestTimeout, r.correlation));
    for (auto& b : f.batches) {
        --parts_[static_cast<std::size_t>(b->tp.partition)].in_flight_batches;
        Error e = Error::network_exception;  // a partition missing from the response
        Offset base = kUndefinedOffset;
        for (const auto& pr : r.partitions) {
            if (pr.tp == b->tp) {
                e = pr.error;
                base = pr.base_offset;
                if (client_follows_leader_hints(opt_.client_version) && pr.current_leader.value() >= 0 &&
                    pr.current_leader_epoch != kNoEpoch &&
                    (e == Error::not_leader_or_follower || e == Error::fenced_leader_epoch)) {
                    take_leader_hint(b->tp.partition, pr.current_leader, pr.current_leader_epoch);
                }
                break;
            }
        }
        complete_batch(now, std::move(b), e, base, out);
    }
}

void Producer::fail_request(Instant now, std::uint64_t correlation, Error e, Outbox& out) {
    auto it = in_flight_.find(correlation);
    KS_ASSERT(it != in_flight_.end());
    InFlight f = std::move(it->second);
    in_flight_.erase(it);
    --in_flight_per_broker_[f.broker];
    out.cancel_timer(timer_key(kRequestTimeout, correlation));
    for (auto& b : f.batches) {
        --parts_[static_cast<std::size_t>(b->tp.partition)].in_flight_batches;
        complete_batch(now, std::move(b), e, kUndefinedOffset, out);
    }
}

// Sender.completeBatch / canRetry, TransactionManager.canRetry.
void Producer::complete_batch(Instant now, std::unique_ptr<ProducerBatch> b, Error e, Offset base, Outbox& out) {
    PartState& ps = parts_[static_cast<std::size_t>(b->tp.partition)];
    if (e == Error::none || e == Error::duplicate_sequence_number) {
        if (b->base_sequence != kNoSequence)
            ps.last_acked_sequence = std::max(ps.last_acked_sequence, b->last_sequence());
        finish_batch(std::move(b), RecordsOutcomeEffect::Outcome::acked, Error::none,
                     RecordsOutcomeEffect::Failure::none, base, now, out);
        return;
    }
    if (invalidates_metadata(e)) metadata_wanted_ = true;
    bool retriable = is_retriable(e);
    if (opt_.idempotence && e == Error::out_of_order_sequence_number) {
        retriable = true;
        // A real gap (the broker lost what we had acked before): bump the
        // epoch for this partition — unless the sequence was rewritten since
        // this attempt went out (sequenceHasBeenReset: just retry).
        if (!b->sequence_reset && b->base_sequence == ps.last_acked_sequence + 1) {
            request_epoch_bump(b->tp.partition);
        }
    }
    const bool expired = now >= b->created + opt_.delivery_timeout;
    if (retriable && !expired && b->attempts <= opt_.retries) {
        ++stats_.retries;
        reenqueue(now, std::move(b));
        return;
    }
    const auto failure = expired     ? RecordsOutcomeEffect::Failure::delivery_timeout
                         : retriable ? RecordsOutcomeEffect::Failure::retries_exhausted
                                     : RecordsOutcomeEffect::Failure::broker_error;
    finish_batch(std::move(b), RecordsOutcomeEffect::Outcome::failed, e, failure, kUndefinedOffset, now, out);
}

void Producer::finish_batch(std::unique_ptr<ProducerBatch> b, RecordsOutcomeEffect::Outcome outcome, Error e,
                            RecordsOutcomeEffect::Failure failure, Offset base, Instant now, Outbox& out) {
    PartState& ps = parts_[static_cast<std::size_t>(b->tp.partition)];
    if (b->base_sequence != kNoSequence) {
        ps.incomplete.erase(b->base_sequence);
        // A sent batch that failed leaves a hole in the sequence (handleFailedBatch,
        // then maybeResolveSequences): this partition's sequences start over.
        if (outcome == RecordsOutcomeEffect::Outcome::failed) request_epoch_bump(b->tp.partition);
    }
    buffer_used_ -= b->allocated_bytes;
    KS_ASSERT_GE(buffer_used_, 0);
    RecordsOutcomeEffect r;
    r.producer = opt_.index;
    r.tp = b->tp;
    r.first_record = b->first_record;
    r.count = b->count;
    r.outcome = outcome;
    r.error = e;
    r.failure = failure;
    switch (outcome) {
        case RecordsOutcomeEffect::Outcome::acked:
            stats_.acked += b->count;
            r.base_offset = base;
            r.latency_ns.reserve(b->send_times.size());
            for (Instant t : b->send_times) r.latency_ns.push_back((now - t).ns());
            break;
        case RecordsOutcomeEffect::Outcome::failed:
            stats_.failed += b->count;
            break;
    }
    out.records_outcome(std::move(r));
}

// RecordAccumulator.reenqueue: idempotent batches in sequence order
// (insertInSequenceOrder), others at the front (addFirst).
void Producer::reenqueue(Instant now, std::unique_ptr<ProducerBatch> b) {
    b->retry = true;
    b->retry_at = now + backoff(b->attempts);
    auto& q = parts_[static_cast<std::size_t>(b->tp.partition)].queue;
    if (!opt_.idempotence) {
        q.push_front(std::move(b));
        return;
    }
    auto pos = std::find_if(q.begin(), q.end(), [&](const auto& x) { return x->first_record > b->first_record; });
    q.insert(pos, std::move(b));
}

// ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2).backoff(attempts - 1);
// before 3.7 (KIP-580), retry.backoff.ms every time.
Duration Producer::backoff(std::int32_t attempts) {
    if (!exponential_retry_backoff(opt_.client_version)) return opt_.retry_backoff;
    return jittered(opt_.retry_backoff, opt_.retry_backoff_max, std::max(0, attempts - 1));
}

// ExponentialBackoff(initial, 2, max, 0.2).backoff(exponent).
Duration Producer::jittered(Duration initial_d, Duration max_d, std::int32_t exponent) {
    const double initial = static_cast<double>(initial_d.ns());
    const double max = static_cast<double>(max_d.ns());
    const double exp_max = max > initial ? std::log(max / std::max(initial, 1.0)) / std::log(2.0) : 0.0;
    const double exp = std::min(static_cast<double>(exponent), exp_max);
    const double term = initial * std::pow(2.0, exp);
    const double value = backoff_rng_.uniform_real(0.8, 1.2) * term;
    return ns(static_cast<std::int64_t>(std::min(value, std::max(max, initial))));
}

// ---- connections (NetworkClient.ready / initiateConnect, ClusterConnectionStates) -------------

bool Producer::node_ready(BrokerId broker, Instant now, Outbox& out) {
    Conn& c = conns_[broker];
    if (c.state == Conn::State::ready) return c.unacked < opt_.send_buffer;
    if (c.state == Conn::State::connecting || now < c.next_attempt) return false;
    c.state = Conn::State::connecting;
    c.correlation = next_correlation_++;
    ++stats_.connects;
    out.send(broker_node(broker), ApiVersionsRequest{c.correlation});
    const Duration setup = jittered(opt_.connection_setup_timeout, opt_.connection_setup_timeout_max, c.failed_setups);
    out.set_timer(timer_key(kConnectTimeout, c.correlation), now + setup);
    return false;
}

// ClusterConnectionStates.disconnected: the next attempt waits for the
// reconnect backoff of the failures so far.
void Producer::connection_down(BrokerId broker, Instant now) {
    Conn& c = conns_[broker];
    c.state = Conn::State::disconnected;
    c.unacked = 0;  // the socket and its buffer are gone
    c.next_attempt = now + jittered(opt_.reconnect_backoff, opt_.reconnect_backoff_max, c.failed_attempts);
    ++c.failed_attempts;
}

// TransactionManager.requestEpochBumpForPartition.
void Producer::request_epoch_bump(std::int32_t partition) {
    epoch_bump_required_ = true;
    partitions_to_rewrite_.insert(partition);
}

// TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded, at every sender
// pass (Sender.runOnce): the epoch goes up (kafkasim: the producer id moves
// on by the stride, a new (id, epoch) for the brokers), and only the
// partitions that asked for it rewrite their sequences from 0 — their batches
// in flight or waiting to be retried included (TxnPartitionEntry
// .startSequencesAtBeginning). Every other partition keeps its epoch until
// its batches in flight are done (maybeUpdateProducerIdAndEpoch at drain).
void Producer::maybe_bump_epoch() {
    if (!epoch_bump_required_) return;
    epoch_bump_required_ = false;
    producer_id_ += opt_.producer_id_stride;
    ++stats_.epoch_bumps;
    for (std::int32_t p : partitions_to_rewrite_) {
        PartState& ps = parts_[static_cast<std::size_t>(p)];
        std::vector<ProducerBatch*> sequenced;
        for (auto& b : ps.queue) {
            if (b->base_sequence != kNoSequence) sequenced.push_back(b.get());
        }
        for (auto& [c, f] : in_flight_) {
            for (auto& b : f.batches) {
                if (b->tp.partition == p && b->base_sequence != kNoSequence) sequenced.push_back(b.get());
            }
        }
        std::sort(sequenced.begin(), sequenced.end(),
                  [](const ProducerBatch* a, const ProducerBatch* b) { return a->base_sequence < b->base_sequence; });
        ps.incomplete.clear();
        std::int32_t next = 0;
        for (ProducerBatch* b : sequenced) {
            b->producer_id = producer_id_;
            b->base_sequence = next;
            b->sequence_reset = true;
            ps.incomplete.insert(next);
            next += b->count;
        }
        ps.producer_id = producer_id_;
        ps.next_sequence = next;
        ps.last_acked_sequence = -1;
    }
    partitions_to_rewrite_.clear();
}

void Producer::update_load_stats() {
    if (!opt_.builtin.enable_adaptive_partitioning) {
        if (builtin_.has_load_stats()) builtin_.clear_partition_load_stats();
        return;
    }
    std::vector<PartitionQueue> queues;
    for (std::int32_t p = 0; p < opt_.partitions; ++p) {
        const PartState& ps = parts_[static_cast<std::size_t>(p)];
        if (!ps.ever_had_queue) continue;
        PartitionQueue q;
        q.partition = p;
        if (ps.leader.value() >= 0) q.leader = ps.leader.value();
        q.queued_batches = static_cast<std::int32_t>(ps.queue.size());
        queues.push_back(q);
    }
    update_load_stats_from_queues(builtin_, opt_.builtin, opt_.partitions, queues, latency_);
}

// ---- metadata ---------------------------------------------------------------------------------

void Producer::request_metadata(Instant now, Outbox& out) {
    metadata_wanted_ = true;
    if (!metadata_in_flight_ && now >= metadata_not_before_) send_metadata_request(now, out);
}

void Producer::send_metadata_request(Instant now, Outbox& out) {
    const std::vector<BrokerId>& nodes = live_brokers_.empty() ? opt_.bootstrap : live_brokers_;
    KS_ASSERT(!nodes.empty());
    metadata_broker_ = nodes[metadata_node_index_++ % nodes.size()];
    metadata_correlation_ = next_correlation_++;
    metadata_in_flight_ = true;
    metadata_wanted_ = false;
    metadata_not_before_ = now + opt_.retry_backoff;
    ++stats_.metadata_requests;
    out.send(broker_node(metadata_broker_), MetadataRequest{metadata_correlation_});
    out.set_timer(timer_key(kMetadataTimeout, metadata_correlation_), now + opt_.request_timeout);
}

// Metadata.updatePartitionLeadership (KIP-951): a newer leader epoch than the
// cached one replaces the partition's leader until the next metadata response.
void Producer::take_leader_hint(std::int32_t partition, BrokerId leader, LeaderEpoch epoch) {
    PartState& ps = parts_[static_cast<std::size_t>(partition)];
    if (epoch <= ps.leader_epoch && ps.leader_epoch != kNoEpoch) return;
    const bool was_available = ps.leader.value() >= 0;
    ps.leader = leader;
    ps.leader_epoch = epoch;
    if (!was_available) {
        available_.insert(std::upper_bound(available_.begin(), available_.end(), partition), partition);
    }
}

void Producer::handle_metadata_response(Instant now, const MetadataResponse& r, Outbox& out) {
    (void)now;
    if (metadata_in_flight_ && r.correlation == metadata_correlation_) {
        metadata_in_flight_ = false;
        out.cancel_timer(timer_key(kMetadataTimeout, metadata_correlation_));
    }
    for (const kafka::PartitionState& st : r.partitions) {
        if (st.tp.topic != opt_.topic || st.tp.partition < 0 || st.tp.partition >= opt_.partitions) continue;
        auto& ps = parts_[static_cast<std::size_t>(st.tp.partition)];
        if (st.leader_epoch < ps.leader_epoch) continue;  // stale (Metadata.updateLatestMetadata)
        ps.leader = st.leader;
        ps.leader_epoch = st.leader_epoch;
    }
    if (!r.live_brokers.empty()) live_brokers_ = r.live_brokers;
    available_.clear();
    for (std::int32_t p = 0; p < opt_.partitions; ++p) {
        if (parts_[static_cast<std::size_t>(p)].leader.value() >= 0) available_.push_back(p);
    }
}

}  // namespace ks::kafka
