#include "kafka/broker.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "kafka/compression.hpp"

namespace ks::kafka {

namespace {
bool contains(const std::vector<BrokerId>& v, BrokerId b) {
    return std::find(v.begin(), v.end(), b) != v.end();
}
}  // namespace

Broker::Broker(BrokerConfig config, BrokerStorage& storage)
    : config_(std::move(config)),
      storage_(storage),
      purgatory_(ProducePurgatory::Options{
          .timeout_timer_base = timer_key(kProduceTimeout, 0),
          .current_leader = sends_leader_hints(config_.kafka_version)
                                ? std::function<std::pair<BrokerId, LeaderEpoch>(TopicPartition)>(
                                      [this](TopicPartition tp) { return current_leader(tp); })
                                : nullptr}),
      coordinator_(config_.groups, config_.id) {}

const Partition* Broker::partition(TopicPartition tp) const {
    auto it = partitions_.find(tp);
    return it == partitions_.end() ? nullptr : it->second.get();
}

PartitionConfig Broker::partition_config(TopicPartition tp) const {
    PartitionConfig c;
    c.replica_lag_time_max = config_.replica_lag_time_max;
    c.protocol = config_.protocol;
    c.kafka_version = config_.kafka_version;
    if (tp.topic >= 0 && static_cast<std::size_t>(tp.topic) < config_.topics.size()) {
        c.min_insync_replicas = config_.topics[static_cast<std::size_t>(tp.topic)].min_insync_replicas;
        c.unclean_leader_election = config_.topics[static_cast<std::size_t>(tp.topic)].unclean_leader_election;
    }
    return c;
}

Partition& Broker::ensure_partition(TopicPartition tp) {
    auto it = partitions_.find(tp);
    if (it != partitions_.end()) return *it->second;
    Log& log = storage_.logs[tp];
    if (tp.topic >= 0 && static_cast<std::size_t>(tp.topic) < config_.topics.size()) {
        log.set_policy(config_.topics[static_cast<std::size_t>(tp.topic)].retention);
    }
    auto p = std::make_unique<Partition>(tp, config_.id, log, partition_config(tp));
    if (auto hw = storage_.hw_checkpoint.find(tp); hw != storage_.hw_checkpoint.end()) {
        p->restore_high_watermark(hw->second);
    }
    return *partitions_.emplace(tp, std::move(p)).first->second;
}

// KafkaApis.getCurrentLeader: the leader and epoch in this broker's metadata
// cache; (-1, -1) when it knows none.
std::pair<BrokerId, LeaderEpoch> Broker::current_leader(TopicPartition tp) const {
    const auto it = metadata_.find(tp);
    if (it == metadata_.end() || it->second.leader.value() < 0) return {BrokerId(-1), kNoEpoch};
    return {it->second.leader, it->second.leader_epoch};
}

bool Broker::is_eligible(BrokerId b) const {
    return contains(live_brokers_, b);
}

// ---- lifecycle ------------------------------------------------------------------------------

// KafkaServer / BrokerServer startup: LogManager loads (and after an unclean
// shutdown recovers) every log before the broker registers.
void Broker::start(Instant now, Outbox& out) {
    // After a power loss the files hold only what reached stable storage.
    for (TopicPartition tp : storage_.cut_to_surviving()) out.disk_truncate(tp, storage_.logs.at(tp).end_position());
    // LogLoader: each log's epoch cache from its leader-epoch-checkpoint,
    // completed by the segments recovered after an unclean shutdown.
    for (auto& [tp, log] : storage_.logs) {
        const auto file = storage_.leader_epochs.find(tp);
        std::vector<EpochEntry> entries =
            file == storage_.leader_epochs.end() ? std::vector<EpochEntry>{} : file->second;
        std::optional<Offset> recover_from;
        if (!storage_.clean_shutdown) {
            const auto rp = storage_.recovery_points.find(tp);
            recover_from = rp == storage_.recovery_points.end() ? Offset{0} : rp->second;
        }
        log.load_epochs(entries, recover_from);
        // What recovery and the truncations changed is written back.
        epochs_written_[tp] = log.epochs().entries() == entries ? log.epochs().changes() : 0;
        write_epochs_if_changed(tp, out);
    }
    for (auto& [tp, log] : storage_.logs) ensure_partition(tp);
    const Duration recovery = recovery_time();
    for (auto& [tp, log] : storage_.logs) log.mark_recovered(now + recovery);
    if (recovery > Duration::zero()) {
        out.set_timer(timer_key(kRecovered, 0), now + recovery);
        return;
    }
    register_with_controller(now, out);
}

void Broker::send_registration(Instant now, Outbox& out) {
    out.send(controller_node(), BrokerRegistration{config_.id, registration_clean_});
    last_registration_ = now;
}

void Broker::register_with_controller(Instant now, Outbox& out) {
    registration_clean_ = storage_.clean_shutdown;
    send_registration(now, out);
    storage_.clean_shutdown = false;  // the marker is removed while the broker runs
    out.set_timer(timer_key(kHeartbeat, 0), now + config_.heartbeat_interval);
    out.set_timer(timer_key(kIsrCheck, 0), now + config_.replica_lag_time_max / 2);
    out.set_timer(timer_key(kHwCheckpoint, 0), now + config_.hw_checkpoint_interval);
    out.set_timer(timer_key(kRetention, 0), now + config_.retention_check_interval);
    if (config_.log_flush_scheduler_interval != Duration::max()) {
        out.set_timer(timer_key(kLogFlush, 0), now + config_.log_flush_scheduler_interval);
    }
    if (config_.log_flush_offset_checkpoint_interval > Duration::zero()) {
        out.set_timer(timer_key(kRecoveryCheckpoint, 0), now + config_.log_flush_offset_checkpoint_interval);
    }
}

Duration Broker::recovery_time() const {
    if (storage_.clean_shutdown) return Duration::zero();
    // Each log's bytes above its recovery point (the last one checkpointed;
    // the whole log when it was never checkpointed), taken in order by a pool
    // of num.recovery.threads.per.data.dir threads.
    std::vector<Bytes> busy(static_cast<std::size_t>(std::max(1, config_.num_recovery_threads)), 0);
    for (const auto& [tp, log] : storage_.logs) {
        const auto rp = storage_.recovery_points.find(tp);
        const Offset from = std::clamp(rp == storage_.recovery_points.end() ? 0 : rp->second, log.log_start_offset(),
                                       log.log_end_offset());
        const Bytes bytes = log.end_position() - log.position_of(from);
        if (bytes > 0) *std::min_element(busy.begin(), busy.end()) += bytes;
    }
    const Bytes longest = *std::max_element(busy.begin(), busy.end());
    KS_ASSERT_GT(config_.recovery_mbytes_per_s, 0.0);
    return ns(round_half_away(static_cast<double>(longest) * 1e3 / config_.recovery_mbytes_per_s));
}

void Broker::mark_clean_stop() {
    for (const auto& [tp, p] : partitions_) storage_.hw_checkpoint[tp] = p->high_watermark();
    for (const auto& [tp, log] : storage_.logs) {
        storage_.recovery_points[tp] = log.log_end_offset();
        storage_.leader_epochs[tp] = log.epochs().entries();
    }
    storage_.clean_shutdown = true;
}

// BrokerHeartbeatRequest (KRaft) / the ZooKeeper session's ping; it asks to
// shut down once a controlled shutdown began.
void Broker::send_heartbeat(Outbox& out) const {
    out.send(controller_node(), BrokerHeartbeat{.broker = config_.id,
                                                .broker_epoch = broker_epoch_,
                                                .want_shutdown = shutting_down_,
                                                .metadata_version = metadata_version_});
}

void Broker::stop_cleanly(Outbox& out) {
    if (config_.zookeeper && broker_epoch_ > 0) out.send(controller_node(), ZkSessionClosed{config_.id});
    shutdown_complete_ = true;
    out.shutdown_complete(true);
}

void Broker::fatal_exit(Partition& p, Offset leader_log_end_offset, Outbox& out) {
    out.event(BrokerExited{config_.id, p.tp(), leader_log_end_offset, p.log_end_offset()});
    shutdown_complete_ = true;
    out.shutdown_complete(false);
}

void Broker::give_up_controlled_shutdown(Outbox& out) {
    out.event(ControlledShutdownFailed{config_.id, shutdown_attempts_});
    stop_cleanly(out);
}

void Broker::begin_controlled_shutdown(Instant now, Outbox& out) {
    if (shutting_down_) return;
    shutting_down_ = true;
    if (!config_.controlled_shutdown_enable) {
        // KafkaServer.shutdown with controlled.shutdown.enable=false: a clean
        // stop without first moving its leaderships; the controller fences
        // the broker when its session expires (KRaft) or at once, when the
        // closed ZooKeeper session deletes its node.
        stop_cleanly(out);
        return;
    }
    shutdown_attempts_ = 1;
    if (broker_epoch_ > 0) send_heartbeat(out);
    out.set_timer(timer_key(kShutdownRetry, 0), now + config_.controlled_shutdown_retry_backoff);
}

// ---- dispatch -------------------------------------------------------------------------------

void Broker::on_message(Instant now, NodeId from, const Message& m, Outbox& out) {
    if (shutdown_complete_) return;
    if (coordinator_.on_message(now, from, m, live_brokers_, out)) return;
    if (const auto* r = std::get_if<ProduceRequest>(&m)) {
        handle_produce(now, from, *r, out);
    } else if (const auto* f = std::get_if<FetchRequest>(&m)) {
        handle_follower_fetch(now, from, *f, out);
    } else if (const auto* fr = std::get_if<FetchResponse>(&m)) {
        // A response names the partitions its fetcher asked for.
        if (is_broker_node(from) && !fr->partitions.empty()) {
            if (ReplicaFetcher* rf = fetcher_for(BrokerId(from.value()), fr->partitions.front().tp)) {
                rf->on_fetch_response(now, *fr, out);
            }
            // The follower's log start may have moved, or its log been cut.
            for (const FetchPartitionData& d : fr->partitions) write_epochs_if_changed(d.tp, out);
        }
    } else if (const auto* q = std::get_if<OffsetsForLeaderEpochRequest>(&m)) {
        if (is_consumer_node(from)) {
            handle_consumer_epoch_query(from, *q, out);
        } else {
            handle_epoch_query(from, *q, out);
        }
    } else if (const auto* qa = std::get_if<OffsetsForLeaderEpochResponse>(&m)) {
        if (is_broker_node(from) && !qa->partitions.empty()) {
            if (ReplicaFetcher* rf = fetcher_for(BrokerId(from.value()), qa->partitions.front().tp)) {
                rf->on_epoch_response(now, *qa, out);
            }
            for (const auto& a : qa->partitions) write_epochs_if_changed(a.tp, out);
        }
    } else if (const auto* md = std::get_if<MetadataUpdate>(&m)) {
        handle_metadata(now, *md, out);
    } else if (const auto* reg = std::get_if<BrokerRegistrationReply>(&m)) {
        if (reg->error != Error::none) {
            // BrokerLifecycleManager.scheduleNextCommunicationAfterFailure:
            // ExponentialBackoff(100 ms, x2, broker.session.timeout.ms), its
            // 2 % jitter left out.
            const std::int64_t factor = std::int64_t{1} << std::min(registration_failures_, 20);
            const Duration backoff = std::min(config_.registration_backoff_max, ms(100) * factor);
            ++registration_failures_;
            registration_retry_pending_ = true;
            out.set_timer(timer_key(kRegisterRetry, 0), now + backoff);
            return;
        }
        registration_failures_ = 0;
        broker_epoch_ = reg->broker_epoch;
        send_heartbeat(out);
    } else if (const auto* hb = std::get_if<BrokerHeartbeatReply>(&m)) {
        fenced_ = hb->fenced;
        if (shutting_down_ && !shutdown_complete_) {
            if (hb->shutdown_ok) {
                stop_cleanly(out);
            } else if (config_.zookeeper && shutdown_attempts_ >= config_.controlled_shutdown_max_retries) {
                // KafkaServer.controlledShutdown: the last attempt's answer still
                // lists partitions this broker leads; no sleep follows it.
                give_up_controlled_shutdown(out);
            }
        }
    } else if (const auto* ap = std::get_if<AlterPartitionResponse>(&m)) {
        // Only the answer to the proposal in flight counts (Kafka: "Ignoring
        // failed ISR update ... since we have already updated state").
        auto inflight = alter_in_flight_.find(ap->tp);
        auto it = partitions_.find(ap->tp);
        if (inflight != alter_in_flight_.end() && inflight->second == ap->correlation && it != partitions_.end()) {
            alter_in_flight_.erase(inflight);
            Partition& p = *it->second;
            switch (p.on_alter_partition_response(*ap, now)) {
                case Partition::AlterOutcome::retry: {
                    auto req = alter_requests_.find(ap->correlation);
                    if (req == alter_requests_.end()) break;
                    std::vector<BrokerId> isr = req->second.second;
                    if (ap->error == Error::stale_broker_epoch) {
                        // A response-level error: AlterPartitionManager sends
                        // the queued items again 50 ms later.
                        const std::uint64_t id = next_id_++;
                        alter_in_flight_[ap->tp] = id;
                        alter_requests_[id] = {ap->tp, std::move(isr)};
                        out.set_timer(timer_key(kAlterPartitionRetry, id), now + kAlterPartitionErrorBackoff);
                    } else {
                        send_alter_partition(now, p, std::move(isr), out);  // submitAlterPartition again
                    }
                    break;
                }
                case Partition::AlterOutcome::committed:
                case Partition::AlterOutcome::reverted:
                case Partition::AlterOutcome::pending:
                    break;
            }
            if (p.maybe_increment_hw(now, [this](BrokerId b) { return is_eligible(b); })) {
                on_hw_advanced(now, ap->tp, out);
            }
            try_complete_purgatory(ap->tp, out);
        }
    } else if (const auto* lo = std::get_if<ListOffsetsRequest>(&m)) {
        handle_list_offsets(from, *lo, out);
    } else if (std::holds_alternative<MetadataRequest>(m)) {
        MetadataResponse resp;
        resp.correlation = std::get<MetadataRequest>(m).correlation;
        for (const auto& [tp, st] : metadata_) resp.partitions.push_back(st);
        resp.live_brokers = live_brokers_;
        out.send(from, std::move(resp));
    } else if (const auto* av = std::get_if<ApiVersionsRequest>(&m)) {
        out.send(from, ApiVersionsResponse{av->correlation});
    }
}

void Broker::on_timer(Instant now, std::uint64_t key, Outbox& out) {
    if (shutdown_complete_) return;
    const auto kind = static_cast<TimerKind>(key >> 56);
    const std::uint64_t id = key & ((std::uint64_t{1} << 56) - 1);
    switch (kind) {
        case kHeartbeat:
            if (broker_epoch_ > 0) {
                send_heartbeat(out);
            } else if (!registration_retry_pending_ && now - last_registration_ >= config_.heartbeat_interval) {
                // Unanswered (ZooKeeper: NodeExists is not answered): again.
                send_registration(now, out);
            }
            out.set_timer(key, now + config_.heartbeat_interval);
            break;
        case kIsrCheck:
            check_isr(now, out);
            out.set_timer(key, now + config_.replica_lag_time_max / 2);
            break;
        case kRetention:
            // LogManager.cleanupLogs: every replica deletes its own old segments.
            for (auto& [tp, p] : partitions_) {
                const Log::RetentionPlan plan = p->log().retention_plan(now, p->high_watermark());
                const Offset before = p->log().log_start_offset();
                if (plan.target > before) {
                    p->log().advance_log_start(plan.target);
                    out.segments_deleted(SegmentsDeletedEffect{.tp = tp,
                                                               .log_start_before = before,
                                                               .log_start = p->log().log_start_offset(),
                                                               .segments = plan.segments,
                                                               .by_time = plan.by_time,
                                                               .by_size = plan.by_size});
                }
                write_epochs_if_changed(tp, out);
            }
            out.set_timer(key, now + config_.retention_check_interval);
            break;
        case kHwCheckpoint: {
            // ReplicaManager.checkpointHighWatermarks: the file is in place
            // once written and fsynced.
            std::map<TopicPartition, Offset> hws;
            for (const auto& [tp, p] : partitions_) hws[tp] = p->high_watermark();
            write_checkpoint(FileRef::Kind::hw_checkpoint, std::move(hws), out);
            out.set_timer(key, now + config_.hw_checkpoint_interval);
            break;
        }
        case kRecoveryCheckpoint: {
            // LogManager.checkpointLogRecoveryOffsets.
            std::map<TopicPartition, Offset> points;
            for (const auto& [tp, log] : storage_.logs) points[tp] = log.recovery_point();
            write_checkpoint(FileRef::Kind::recovery_checkpoint, std::move(points), out);
            out.set_timer(key, now + config_.log_flush_offset_checkpoint_interval);
            break;
        }
        case kLogFlush:
            // LogManager.flushDirtyLogs: logs unflushed for flush.ms.
            for (const auto& [tp, p] : partitions_) {
                const Log& log = p->log();
                const Duration flush_ms = config_.topics.at(static_cast<std::size_t>(tp.topic)).flush.flush_ms;
                if (log.unflushed_messages() > 0 && flush_ms != Duration::max() &&
                    now - log.last_flush_time() >= flush_ms) {
                    flush_log(tp, std::nullopt, log.log_end_offset(), {}, out);
                }
            }
            out.set_timer(key, now + config_.log_flush_scheduler_interval);
            break;
        case kRecovered:
            register_with_controller(now, out);
            break;
        case kRegisterRetry:
            registration_retry_pending_ = false;
            send_registration(now, out);
            break;
        case kProduceTimeout:
            purgatory_.time_out(id, out);
            break;
        case kFetchWait: {
            auto it = parked_.find(id);
            if (it == parked_.end()) break;
            ParkedFetch pf = std::move(it->second);
            parked_.erase(it);
            answer_fetch(pf.follower, pf.request, out);
            break;
        }
        case kFetcherBackoff:
        case kFetcherTimeout: {
            ReplicaFetcher* f = fetcher_by_key(id);
            if (!f) break;
            if (kind == kFetcherTimeout) {
                f->on_timeout(now, out);
            } else {
                f->on_backoff_end(now, out);
            }
            break;
        }
        case kAlterPartitionRetry: {
            auto it = alter_requests_.find(id);
            if (it == alter_requests_.end()) break;
            auto [tp, isr] = it->second;
            alter_requests_.erase(it);
            auto inflight = alter_in_flight_.find(tp);
            auto pit = partitions_.find(tp);
            if (inflight == alter_in_flight_.end() || inflight->second != id || pit == partitions_.end() ||
                !pit->second->alter_partition_in_flight()) {
                break;
            }
            send_alter_partition(now, *pit->second, isr, out);
            break;
        }
        case kConsumerFetchWait:
            answer_parked_consumer(id, out);
            break;
        case kGroup:
            coordinator_.on_timer(now, static_cast<std::int32_t>(id), out);
            break;
        case kShutdownRetry:
            if (!shutting_down_ || shutdown_complete_) break;
            if (shutdown_attempts_ < config_.controlled_shutdown_max_retries) {
                ++shutdown_attempts_;
                if (broker_epoch_ > 0) send_heartbeat(out);
                out.set_timer(key, now + config_.controlled_shutdown_retry_backoff);
            } else {
                // Retries exhausted: stop anyway (KafkaServer.controlledShutdown:
                // "Proceeding to do an unclean shutdown as all the controlled
                // shutdown attempts failed" — the logs still close cleanly).
                give_up_controlled_shutdown(out);
            }
            break;
    }
}

void Broker::on_disk_done(Instant now, std::uint64_t token, Outbox& out) {
    if (on_checkpoint_or_flush_done(now, token, out)) return;
    auto it = writes_.find(token);
    if (it == writes_.end()) return;
    PendingWrite w = std::move(it->second);
    writes_.erase(it);
    if (shutdown_complete_) return;
    if (w.replica) {
        complete_replica_write(now, w, out);
    } else {
        complete_produce_write(now, w, out);
    }
}

// ---- flushes and checkpoints ------------------------------------------------------------------

// CheckpointFile.write: the content goes to a file that is fsynced and then
// renamed into place; until then the previous checkpoint is the one on disk.
void Broker::write_checkpoint(FileRef::Kind kind, std::map<TopicPartition, Offset> content, Outbox& out) {
    KS_ASSERT_LT(checkpoints_.size(), kCheckpointsMax);
    // "0\n" (version), the entry count, then "topic partition offset" lines.
    const Bytes bytes = 16 + 32 * static_cast<Bytes>(content.size());
    const std::uint64_t token = next_id_++;
    checkpoints_.emplace(token, PendingCheckpoint{.kind = kind,
                                                  .content = std::move(content),
                                                  .tp = {},
                                                  .epochs = {},
                                                  .then = {},
                                                  .rolls_before = 0,
                                                  .written = false});
    out.disk_truncate(FileRef::of(kind), 0);
    out.disk_append(FileRef::of(kind), bytes, token);
}

void Broker::flush_log(TopicPartition tp, std::optional<Bytes> upto_position, Offset upto, AfterFlush then,
                       Outbox& out) {
    KS_ASSERT_LT(flushes_.size(), kFlushesMax);
    const std::uint64_t token = next_id_++;
    flushes_.emplace(token, PendingFlush{tp, upto, std::move(then)});
    out.disk_flush(FileRef::log(tp), token, upto_position);
}

bool Broker::flush_after_append(Partition& p, std::uint64_t rolls_before, AfterFlush then, Outbox& out) {
    const Log& log = p.log();
    if (log.rolls() != rolls_before) {
        // UnifiedLog.roll: the scheduler fsyncs the older segments
        // (flushUptoOffsetExclusive of the new segment's base), in the background.
        const Offset base = log.segments().back().base;
        flush_log(p.tp(), log.position_of(base), base, {}, out);
    }
    const FlushSettings& fs = config_.topics.at(static_cast<std::size_t>(p.tp().topic)).flush;
    if (log.unflushed_messages() < fs.flush_messages) return false;
    // UnifiedLog.append: unflushedMessages >= flush.messages → flush(false)
    // inside the append, so what follows the append waits for the fsync.
    flush_log(p.tp(), std::nullopt, log.log_end_offset(), std::move(then), out);
    return true;
}

// LeaderEpochCheckpointFile.write: a small file per log, rewritten whole.
bool Broker::write_epochs_if_changed(TopicPartition tp, Outbox& out, AfterFlush then, std::uint64_t rolls_before) {
    const auto log = storage_.logs.find(tp);
    if (log == storage_.logs.end() || shutdown_complete_) return false;
    const LeaderEpochCache& cache = log->second.epochs();
    std::uint64_t& written = epochs_written_[tp];
    if (written == cache.changes()) return false;
    written = cache.changes();
    KS_ASSERT_LT(checkpoints_.size(), kCheckpointsMax);
    // "0\n" (version), the entry count, then "epoch offset" lines.
    const Bytes bytes = 8 + 16 * static_cast<Bytes>(cache.entries().size());
    const std::uint64_t token = next_id_++;
    const bool waits = !std::holds_alternative<std::monostate>(then);
    checkpoints_.emplace(token, PendingCheckpoint{.kind = FileRef::Kind::leader_epochs,
                                                  .content = {},
                                                  .tp = tp,
                                                  .epochs = cache.entries(),
                                                  .then = std::move(then),
                                                  .rolls_before = rolls_before,
                                                  .written = false});
    out.disk_truncate(FileRef::leader_epochs_of(tp), 0);
    out.disk_append(FileRef::leader_epochs_of(tp), bytes, token);
    return waits;
}

// The rest of an append once the epoch checkpoint is in place: the flush
// flush.messages may ask for, then what follows the append.
void Broker::continue_append(Instant now, std::uint64_t rolls_before, const AfterFlush& then, Outbox& out) {
    const TopicPartition tp = std::visit(
        [](const auto& a) -> TopicPartition {
            if constexpr (std::is_same_v<std::decay_t<decltype(a)>, std::monostate>) {
                return TopicPartition{};
            } else {
                return a.tp;
            }
        },
        then);
    if (auto it = partitions_.find(tp);
        it != partitions_.end() && flush_after_append(*it->second, rolls_before, then, out)) {
        return;
    }
    if (const auto* a = std::get_if<AfterProduceAppend>(&then)) finish_produce_append(now, *a, out);
    if (const auto* a = std::get_if<AfterReplicaAppend>(&then)) finish_replica_append(now, *a, out);
}

bool Broker::on_checkpoint_or_flush_done(Instant now, std::uint64_t token, Outbox& out) {
    if (auto c = checkpoints_.find(token); c != checkpoints_.end()) {
        PendingCheckpoint cp = std::move(c->second);
        checkpoints_.erase(c);
        if (!cp.written) {  // written: now the fsync
            const std::uint64_t flush = next_id_++;
            const FileRef file =
                cp.kind == FileRef::Kind::leader_epochs ? FileRef::leader_epochs_of(cp.tp) : FileRef::of(cp.kind);
            cp.written = true;
            checkpoints_.emplace(flush, std::move(cp));
            out.disk_flush(file, flush);
            return true;
        }
        if (cp.kind == FileRef::Kind::leader_epochs) {
            storage_.leader_epochs[cp.tp] = std::move(cp.epochs);
            if (!shutdown_complete_ && !std::holds_alternative<std::monostate>(cp.then)) {
                continue_append(now, cp.rolls_before, cp.then, out);
            }
            return true;
        }
        auto& target = cp.kind == FileRef::Kind::hw_checkpoint ? storage_.hw_checkpoint : storage_.recovery_points;
        for (const auto& [tp, offset] : cp.content) target[tp] = offset;
        return true;
    }
    auto f = flushes_.find(token);
    if (f == flushes_.end()) return false;
    PendingFlush pf = std::move(f->second);
    flushes_.erase(f);
    if (auto log = storage_.logs.find(pf.tp); log != storage_.logs.end()) log->second.mark_flushed(pf.upto, now);
    if (shutdown_complete_) return true;
    if (const auto* a = std::get_if<AfterProduceAppend>(&pf.then)) finish_produce_append(now, *a, out);
    if (const auto* a = std::get_if<AfterReplicaAppend>(&pf.then)) finish_replica_append(now, *a, out);
    return true;
}

// ---- metadata -------------------------------------------------------------------------------

void Broker::handle_metadata(Instant now, const MetadataUpdate& m, Outbox& out) {
    // Not registered yet (a restart refused while the previous incarnation's
    // session lives): the updates are the previous incarnation's. A KRaft
    // broker applies metadata only once the controller has acknowledged its
    // registration (BrokerServer: initialCatchUpFuture before the publishers
    // are installed); a ZooKeeper-era broker refuses requests carrying the
    // previous incarnation's broker epoch (KIP-380). Registration brings a
    // snapshot.
    if (broker_epoch_ <= 0) return;
    live_brokers_ = m.live_brokers;
    // Versions count the controller's updates: a gap means some were lost, and
    // the heartbeat keeps reporting the last contiguous one until a snapshot.
    if (m.snapshot || m.version == metadata_version_ + 1) metadata_version_ = std::max(metadata_version_, m.version);
    for (const PartitionState& st : m.partitions) {
        auto it = metadata_.find(st.tp);
        if (it != metadata_.end() &&
            (st.leader_epoch < it->second.leader_epoch ||
             (st.leader_epoch == it->second.leader_epoch && st.partition_epoch < it->second.partition_epoch))) {
            continue;  // stale
        }
        metadata_[st.tp] = st;
        if (contains(st.replicas, config_.id)) {
            apply_partition_state(now, st, out);
            // Partition.makeLeader assigns the new epoch (written and fsynced
            // inside makeLeader in Kafka; here the leadership does not wait for
            // the fsync, whose cost the disk still carries).
            write_epochs_if_changed(st.tp, out);
        }
    }
}

void Broker::apply_partition_state(Instant now, const PartitionState& st, Outbox& out) {
    Partition& p = ensure_partition(st.tp);
    const auto eligible = [this](BrokerId b) { return is_eligible(b); };
    if (st.leader == config_.id) {
        if (p.role() == Role::leader && st.leader_epoch < p.leader_epoch()) return;
        const bool was_leader = p.role() == Role::leader;
        if (!was_leader) remove_from_fetchers(st.tp);
        const bool new_epoch = p.make_leader(st, now);
        if (new_epoch) {
            alter_in_flight_.erase(st.tp);
            out.event(BecameLeader{
                .broker = config_.id, .tp = st.tp, .epoch = st.leader_epoch, .log_end_offset = p.log_end_offset()});
        }
        if (p.maybe_increment_hw(now, eligible)) on_hw_advanced(now, st.tp, out);
        try_complete_purgatory(st.tp, out);
        return;
    }
    const bool was_leader = p.role() == Role::leader;
    if (was_leader) purgatory_.fail(st.tp, Error::not_leader_or_follower, out);
    if (st.leader.value() < 0) {
        remove_from_fetchers(st.tp);
        p.make_offline();
        if (was_leader) {
            // ReplicaManager.completeDelayedFetchOrProduceRequests: DelayedFetch
            // case A (no longer the leader) for followers and consumers alike.
            wake_parked_fetches(st.tp, out);
            wake_parked_consumers(now, st.tp, out);
        }
        return;
    }
    const bool changed = p.make_follower(st);
    if (was_leader) {
        wake_parked_fetches(st.tp, out);
        wake_parked_consumers(now, st.tp, out);
    }
    if (!changed) {
        if (ReplicaFetcher* f = fetcher_for(st.leader, st.tp)) f->set_epoch(st.tp, st.leader_epoch);
        return;
    }
    remove_from_fetchers(st.tp);
    out.event(BecameFollower{.broker = config_.id, .tp = st.tp, .epoch = st.leader_epoch, .leader = st.leader});
    if (!uses_leader_epochs(config_.protocol)) {
        // Before KIP-101: truncate to the local high watermark right away.
        truncate(p, p.truncation_offset_pre_kip101(), out);
    }
    add_to_fetcher(now, p, out);
}

// ---- produce --------------------------------------------------------------------------------

std::optional<Codec> Broker::topic_compression(TopicIndex topic) const {
    if (topic < 0 || static_cast<std::size_t>(topic) >= config_.topics.size()) return std::nullopt;
    return config_.topics[static_cast<std::size_t>(topic)].compression;
}

void Broker::handle_produce(Instant now, NodeId from, const ProduceRequest& r, Outbox& out) {
    ++counters_.produce_requests;
    const std::uint64_t id = next_id_++;
    std::vector<TopicPartition> tps;
    for (const auto& part : r.partitions) tps.push_back(part.tp);
    purgatory_.begin(id, from, r.correlation, r.acks, tps, now, r.timeout, out, r.leader_hints);
    for (std::size_t i = 0; i < r.partitions.size(); ++i) {
        const auto& part = r.partitions[i];
        auto it = partitions_.find(part.tp);
        const Error e = it == partitions_.end() ? Error::not_leader_or_follower : it->second->check_produce(r.acks);
        if (e != Error::none) {
            purgatory_.resolve(id, i, e, kUndefinedOffset, out);
            continue;
        }
        const std::uint64_t token = next_id_++;
        KS_ASSERT_LT(writes_.size(), kWritesMax);
        // LogValidator: stored in the topic's compression.type.
        RecordBatch stored = stored_batch(part.batch, topic_compression(part.tp.topic));
        const Bytes bytes = stored.size_bytes;
        writes_.emplace(
            token,
            PendingWrite{.replica = false, .tp = part.tp, .batch = std::move(stored), .request = id, .index = i});
        out.disk_append(part.tp, bytes, token);
    }
}

void Broker::complete_produce_write(Instant now, const PendingWrite& w, Outbox& out) {
    const std::optional<Acks> req = purgatory_.acks(w.request);  // nullopt: the request already timed out
    const Acks acks = req.value_or(Acks::leader);
    auto it = partitions_.find(w.tp);
    Error e = it == partitions_.end() ? Error::not_leader_or_follower : it->second->check_produce(acks);
    AppendResult r;
    const std::uint64_t rolls = it == partitions_.end() ? 0 : it->second->log().rolls();
    if (e == Error::none) {
        r = it->second->append_as_leader(w.batch);
        e = r.error;
    }
    Partition* p = it == partitions_.end() ? nullptr : it->second.get();
    if (p && (e != Error::none || r.duplicate)) {
        out.disk_truncate(w.tp, p->log().end_position());  // the write is not part of the log
    }
    if (e != Error::none) {
        if (req) purgatory_.resolve(w.request, w.index, e, kUndefinedOffset, out);
        return;
    }
    const AfterProduceAppend a{.tp = w.tp,
                               .request = w.request,
                               .index = w.index,
                               .base_offset = r.base_offset,
                               .records = w.batch.record_count,
                               .duplicate = r.duplicate};
    if (!r.duplicate && write_epochs_if_changed(w.tp, out, a, rolls)) return;
    if (!r.duplicate && flush_after_append(*p, rolls, a, out)) return;
    finish_produce_append(now, a, out);
}

// What follows the leader's append (ReplicaManager.appendRecords): the
// follower fetches waiting for data, the HW, and the answer (acks 0 and 1) or
// the wait for the HW (acks=all).
void Broker::finish_produce_append(Instant now, const AfterProduceAppend& a, Outbox& out) {
    auto it = partitions_.find(a.tp);
    Partition* p = it == partitions_.end() ? nullptr : it->second.get();
    if (!a.duplicate) wake_parked_fetches(a.tp, out);
    if (p && p->role() == Role::leader && p->maybe_increment_hw(now, [this](BrokerId b) { return is_eligible(b); })) {
        on_hw_advanced(now, a.tp, out);
    }
    const std::optional<Acks> acks = purgatory_.acks(a.request);
    if (!acks) return;  // the request already timed out
    if (*acks != Acks::all) {
        purgatory_.resolve(a.request, a.index, Error::none, a.base_offset, out);
        return;
    }
    // The batch's last offset + 1 must be below the HW.
    purgatory_.wait(a.tp, a.request, a.index, a.base_offset + a.records, a.base_offset);
    try_complete_purgatory(a.tp, out);
}

void Broker::try_complete_purgatory(TopicPartition tp, Outbox& out) {
    if (!purgatory_.waiting_on(tp)) return;
    auto pit = partitions_.find(tp);
    if (pit == partitions_.end() || pit->second->role() != Role::leader) {
        purgatory_.fail(tp, Error::not_leader_or_follower, out);
        return;
    }
    const Partition& p = *pit->second;
    // Partition.checkEnoughReplicasReachOffset: the maximal ISR against the
    // (effective, from 3.7) min ISR.
    purgatory_.complete(tp, p.high_watermark(),
                        static_cast<std::int32_t>(p.maximal_isr().size()) >= p.effective_min_isr(), out);
}

void Broker::on_hw_advanced(Instant now, TopicPartition tp, Outbox& out) {
    try_complete_purgatory(tp, out);
    wake_parked_consumers(now, tp, out);
}

// ---- serving followers ----------------------------------------------------------------------

void Broker::handle_follower_fetch(Instant now, NodeId from, const FetchRequest& r, Outbox& out) {
    ++counters_.fetch_requests;
    if (r.replica.value() < 0) {
        handle_consumer_fetch(now, from, r, out);
        return;
    }
    Bytes total = 0;
    bool any_error = false;
    std::vector<FetchPartitionData> data;
    ResponseLimit limit{r.max_bytes};
    for (const FetchPartition& fp : r.partitions) {
        auto it = partitions_.find(fp.tp);
        if (it == partitions_.end()) {
            FetchPartitionData d;
            d.tp = fp.tp;
            d.error = Error::not_leader_or_follower;
            data.push_back(d);
            any_error = true;
            continue;
        }
        Partition& p = *it->second;
        bool advanced = false;
        FetchPartitionData d =
            p.handle_follower_fetch(r.replica, fp, now, std::min(r.max_bytes_per_partition, limit.remaining()),
                                    advanced, [this](BrokerId b) { return is_eligible(b); });
        limit.take(d);
        if (advanced) on_hw_advanced(now, fp.tp, out);
        if (d.error == Error::none) {
            if (auto isr = p.maybe_expand_isr(r.replica, now, [this](BrokerId b) { return is_eligible(b); })) {
                ++counters_.isr_expands;
                out.event(IsrExpandProposed{config_.id, fp.tp, *isr});
                send_alter_partition(now, p, *isr, out);
            }
        } else {
            any_error = true;
        }
        for (const auto& b : d.batches) total += b.size_bytes;
        data.push_back(std::move(d));
    }
    if (total >= r.min_bytes || any_error || r.max_wait <= Duration::zero()) {
        out.send(from, FetchResponse{std::move(data), r.correlation});
        return;
    }
    const std::uint64_t id = next_id_++;
    KS_ASSERT_LT(parked_.size(), kParkedMax);
    parked_.emplace(id, ParkedFetch{from, r});
    out.set_timer(timer_key(kFetchWait, id), now + r.max_wait);
}

void Broker::answer_fetch(NodeId to, const FetchRequest& r, Outbox& out) {
    FetchResponse resp;
    resp.correlation = r.correlation;
    ResponseLimit limit{r.max_bytes};
    for (const FetchPartition& fp : r.partitions) {
        FetchPartitionData d;
        d.tp = fp.tp;
        auto it = partitions_.find(fp.tp);
        if (it == partitions_.end() || it->second->role() != Role::leader) {
            d.error = Error::not_leader_or_follower;
        } else {
            const Partition& p = *it->second;
            d.high_watermark = p.high_watermark();
            d.log_start_offset = p.log().log_start_offset();
            d.log_end_offset = p.log_end_offset();
            if (fp.fetch_offset > p.log_end_offset()) {
                d.error = Error::offset_out_of_range;
            } else {
                // Before 0.11 (message format v1) records are fetched from the exact offset.
                d.batches = p.log().read(fp.fetch_offset, std::min(r.max_bytes_per_partition, limit.remaining()),
                                         !uses_leader_epochs(config_.protocol));
                limit.take(d);
            }
        }
        resp.partitions.push_back(std::move(d));
    }
    out.send(to, std::move(resp));
}

// DelayedFetch.tryComplete for a parked follower fetch: done when a partition
// is no longer led here (cases A-C) or fenced (E), when a fetch offset is
// beyond the log end (F: a truncated leader) or on an older segment than the
// end (F: behind, or the log just rolled), or when the bytes available — per
// partition at most replica.fetch.max.bytes — reach replica.fetch.min.bytes (G).
bool Broker::parked_fetch_ready(const FetchRequest& r) const {
    Bytes accumulated = 0;
    for (const FetchPartition& fp : r.partitions) {
        auto it = partitions_.find(fp.tp);
        if (it == partitions_.end() || it->second->role() != Role::leader) return true;
        const Partition& p = *it->second;
        if (fences_stale_epochs(config_.protocol) && fp.current_leader_epoch != kNoEpoch &&
            fp.current_leader_epoch != p.leader_epoch()) {
            return true;
        }
        const Offset end = p.log_end_offset();
        if (fp.fetch_offset > end) return true;
        if (fp.fetch_offset < end) {
            if (p.log().on_older_segment(fp.fetch_offset)) return true;
            accumulated += p.log().bytes_from(fp.fetch_offset, r.max_bytes_per_partition);
        }
    }
    return accumulated >= r.min_bytes;
}

void Broker::wake_parked_fetches(TopicPartition tp, Outbox& out) {
    std::vector<std::uint64_t> ready;
    for (const auto& [id, pf] : parked_) {
        for (const auto& fp : pf.request.partitions) {
            if (fp.tp == tp) {
                if (parked_fetch_ready(pf.request)) ready.push_back(id);
                break;
            }
        }
    }
    for (std::uint64_t id : ready) {
        ParkedFetch pf = std::move(parked_.at(id));
        parked_.erase(id);
        out.cancel_timer(timer_key(kFetchWait, id));
        answer_fetch(pf.follower, pf.request, out);
    }
}

void Broker::handle_epoch_query(NodeId from, const OffsetsForLeaderEpochRequest& r, Outbox& out) {
    OffsetsForLeaderEpochResponse resp;
    for (const EpochQuery& q : r.partitions) {
        auto it = partitions_.find(q.tp);
        if (it == partitions_.end()) {
            EpochAnswer a;
            a.tp = q.tp;
            a.error = Error::not_leader_or_follower;
            resp.partitions.push_back(a);
        } else {
            resp.partitions.push_back(it->second->answer_epoch_query(q));
        }
    }
    out.send(from, std::move(resp));
}

// ---- ISR ------------------------------------------------------------------------------------

void Broker::send_alter_partition(Instant now, Partition& p, std::vector<BrokerId> isr, Outbox& out) {
    const std::uint64_t id = next_id_++;
    AlterPartitionRequest req{config_.id, broker_epoch_, p.tp(), p.leader_epoch(), p.partition_epoch(), isr, id};
    out.send(controller_node(), std::move(req));
    alter_in_flight_[p.tp()] = id;
    alter_requests_[id] = {p.tp(), std::move(isr)};
    out.set_timer(timer_key(kAlterPartitionRetry, id), now + config_.controller_request_timeout);
}

void Broker::check_isr(Instant now, Outbox& out) {
    for (auto& [tp, p] : partitions_) {
        if (p->role() != Role::leader) continue;
        if (auto isr = p->maybe_shrink_isr(now)) {
            ++counters_.isr_shrinks;
            out.event(IsrShrinkProposed{config_.id, tp, *isr});
            send_alter_partition(now, *p, *isr, out);
        }
    }
}

void Broker::check_invariants() const {
    for (const auto& [tp, p] : partitions_) p->check_invariants();
}

}  // namespace ks::kafka
