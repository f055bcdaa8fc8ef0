#include "kafka/consumer.hpp"

#include <algorithm>

#include "core/assert.hpp"
#include "core/distribution.hpp"
#include "kafka/compression.hpp"
#include "kafka/group_assign.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

Consumer::Consumer(ConsumerOptions options, Rng rng) : opt_(std::move(options)), rng_(std::move(rng)) {
    KS_ASSERT(!opt_.bootstrap.empty());
    KS_ASSERT_GE(opt_.max_poll_records, 1);
    cooperative_ = group_assign::is_cooperative(opt_.assignors);
    // JoinGroupRequest.validateGroupInstanceId: a group.instance.id is never empty.
    KS_ASSERT(!opt_.group_instance_id || !opt_.group_instance_id->empty());
    instance_id_ = opt_.group_instance_id.value_or("");
}

std::vector<TopicPartition> Consumer::assignment() const {
    std::vector<TopicPartition> out;
    for (const auto& [tp, p] : parts_) out.push_back(tp);
    return out;
}

std::optional<Offset> Consumer::position(TopicPartition tp) const {
    auto it = parts_.find(tp);
    return it == parts_.end() ? std::nullopt : it->second.position;
}

std::optional<std::int64_t> Consumer::records_lag(TopicPartition tp) const {
    auto it = parts_.find(tp);
    if (it == parts_.end() || !it->second.position || !it->second.high_watermark) return std::nullopt;
    return *it->second.high_watermark - *it->second.position;
}

void Consumer::start(Instant now, Outbox& out) {
    last_poll_ = now;
    last_heartbeat_ack_ = now;
    next_auto_commit_ = now + opt_.auto_commit_interval;
    // The consumer protocol's heartbeats follow the coordinator's interval (cg_drive).
    if (!modern()) out.set_timer(timer_key(kHeartbeat), now + opt_.heartbeat_interval);
    out.set_timer(timer_key(kMetadataRefresh), now + opt_.metadata_max_age);
    request_metadata(now, out);
    poll(now, out);
}

// ---- inputs -----------------------------------------------------------------------------------

void Consumer::on_message(Instant now, NodeId from, const Message& m, Outbox& out) {
    handle_message(now, from, m, out);
    note_ownership(now);
}

void Consumer::on_timer(Instant now, std::uint64_t key, Outbox& out) {
    handle_timer(now, key, out);
    note_ownership(now);
}

void Consumer::on_connection_lost(Instant now, NodeId peer, Outbox& out) {
    handle_connection_lost(now, peer, out);
    note_ownership(now);
}

void Consumer::close(Instant now, Outbox& out) {
    handle_close(now, out);
    note_ownership(now);
}

void Consumer::note_ownership(Instant now) {
    // Bounded by the run: a few entries per partition and rebalance.
    constexpr std::size_t kOwnershipLogMax = 10'000'000;
    // The common case first, without allocating: nothing changed.
    const bool unchanged =
        dead_ ? owned_noted_.empty()
              : parts_.size() == owned_noted_.size() &&
                    std::equal(parts_.begin(), parts_.end(), owned_noted_.begin(),
                               [](const auto& entry, const TopicPartition& tp) { return entry.first == tp; });
    if (unchanged) return;
    std::vector<TopicPartition> current;
    if (!dead_) current = assignment();
    for (const TopicPartition& tp : owned_noted_) {
        if (!std::binary_search(current.begin(), current.end(), tp)) ownership_log_.push_back({now, tp, false});
    }
    for (const TopicPartition& tp : current) {
        if (!std::binary_search(owned_noted_.begin(), owned_noted_.end(), tp))
            ownership_log_.push_back({now, tp, true});
    }
    owned_noted_ = std::move(current);
    KS_ASSERT_LE(ownership_log_.size(), kOwnershipLogMax);
}

void Consumer::handle_message(Instant now, NodeId from, const Message& m, Outbox& out) {
    if (dead_) return;
    if (const auto* f = std::get_if<FetchResponse>(&m)) {
        handle_fetch(now, from, *f, out);
    } else if (const auto* fc = std::get_if<FindCoordinatorResponse>(&m)) {
        if (!finding_ || fc->correlation != group_correlation_) return;
        finding_ = false;
        out.cancel_timer(timer_key(kGroupRequestTimeout, fc->correlation));
        if (fc->error != Error::none) {
            ++bootstrap_index_;
            out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
            return;
        }
        coordinator_ = fc->coordinator;
        last_heartbeat_ack_ = now;
        kick(now, out);
    } else if (const auto* j = std::get_if<JoinGroupResponse>(&m)) {
        handle_join(now, *j, out);
    } else if (const auto* s = std::get_if<SyncGroupResponse>(&m)) {
        handle_sync(now, *s, out);
    } else if (const auto* h = std::get_if<HeartbeatResponse>(&m)) {
        handle_heartbeat(now, *h, out);
    } else if (const auto* cg = std::get_if<ConsumerGroupHeartbeatResponse>(&m)) {
        cg_handle_heartbeat(now, *cg, out);
    } else if (const auto* c = std::get_if<OffsetCommitResponse>(&m)) {
        if (modern() && cg_commit_answered(now, c->correlation, out)) return;
        if (c->error == Error::none) return;
        ++stats_.commits_failed;
        if (c->error == Error::fenced_instance_id) {
            fence();
            return;
        }
        // REBALANCE_IN_PROGRESS: the heartbeat will tell; during a rebalance its answer decides.
        if (!in_group() || c->error == Error::rebalance_in_progress) return;
        if (!modern()) group_error(now, c->error, out);
    } else if (const auto* of = std::get_if<OffsetFetchResponse>(&m)) {
        handle_offset_fetch(now, *of, out);
    } else if (const auto* lo = std::get_if<ListOffsetsResponse>(&m)) {
        handle_list_offsets(now, *lo, out);
    } else if (const auto* md = std::get_if<MetadataResponse>(&m)) {
        handle_metadata(now, *md, out);
    } else if (const auto* ea = std::get_if<OffsetsForLeaderEpochResponse>(&m)) {
        handle_epoch_answers(now, *ea, out);
    }
}

void Consumer::handle_timer(Instant now, std::uint64_t key, Outbox& out) {
    if (dead_) return;
    const auto kind = static_cast<TimerKind>(key >> 56);
    const std::uint64_t id = key & ((std::uint64_t{1} << 56) - 1);
    switch (kind) {
        case kHeartbeat:
            if (modern()) {
                cg_heartbeat_tick(now, out);
                break;
            }
            heartbeat_tick(now, out);
            out.set_timer(timer_key(kHeartbeat), now + opt_.heartbeat_interval);
            break;
        case kPollTimeout:
            if (modern()) {
                cg_heartbeat_tick(now, out);
                break;
            }
            if (!poll_timeout_expired(now, out)) arm_poll_timeout(out);
            break;
        case kReconcileCommitTimeout:
            cg_commit_answered(now, id, out);
            break;
        case kPollDone:
            if (app_ != App::processing) break;
            if (!opt_.auto_commit) commit_positions(now, out);  // commitSync after processing
            poll(now, out);
            break;
        case kPollWait:
            if (app_ == App::waiting) poll(now, out);
            break;
        case kRetry:
            kick(now, out);
            break;
        case kGroupRequestTimeout:
            if (modern() && id == cg_in_flight_ && id != 0) coordinator_lost(now, out);
            if (id != group_correlation_) break;
            if (finding_ || state_ == State::joining || state_ == State::syncing) coordinator_lost(now, out);
            break;
        case kMetadataTimeout:
            if (id != metadata_correlation_ || !metadata_in_flight_) break;
            metadata_in_flight_ = false;
            ++bootstrap_index_;
            request_metadata(now, out);
            break;
        case kMetadataRefresh:
            request_metadata(now, out);
            out.set_timer(timer_key(kMetadataRefresh), now + opt_.metadata_max_age);
            break;
    }
}

void Consumer::handle_connection_lost(Instant now, NodeId peer, Outbox& out) {
    if (dead_ || !is_broker_node(peer)) return;
    const BrokerId b(peer.value());
    if (fetch_in_flight_.erase(b) > 0) request_metadata(now, out);
    if (metadata_in_flight_ && metadata_broker_ == b) {
        metadata_in_flight_ = false;
        ++bootstrap_index_;
        request_metadata(now, out);
    }
    for (auto& [tp, p] : parts_) {
        p.offset_pending = false;  // answers lost: ask again
        if (p.validation_correlation != 0 && p.position_leader == b) {
            p.validation_correlation = 0;  // requestFailed: again after retry.backoff.ms
            p.next_validation = now + opt_.retry_backoff;
        }
    }
    if (coordinator_ == b || (finding_ && find_broker_ == b)) {
        coordinator_lost(now, out);
        return;
    }
    out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
}

// ---- faults -----------------------------------------------------------------------------------

void Consumer::crash(Instant now) {
    dead_ = true;
    note_ownership(now);
}

void Consumer::handle_close(Instant now, Outbox& out) {
    if (dead_) return;
    if (modern()) {
        // Auto-commit, then the leave heartbeat (-1; -2 for a static member).
        if (opt_.auto_commit && in_group()) commit_positions(now, out);
        cg_close(out);
        dead_ = true;
        return;
    }
    if (opt_.auto_commit && state_ == State::stable) commit_positions(now, out);
    // AbstractCoordinator.maybeLeaveGroup: only dynamic members send LeaveGroup (KIP-345).
    if (!is_static() && coordinator_ && !member_id_.empty()) {
        out.send(broker_node(*coordinator_), LeaveGroupRequest{opt_.group_id, member_id_, next_correlation_++, {}});
    }
    dead_ = true;
}

void Consumer::fence() {
    stats_.fenced = true;
    dead_ = true;
}

void Consumer::set_stopped(bool stopped, Instant now, Outbox& out) {
    if (dead_) return;
    if (stopped) {
        if (app_ == App::stopped) return;
        app_ = App::stopped;
        out.cancel_timer(timer_key(kPollDone));
        out.cancel_timer(timer_key(kPollWait));
        return;
    }
    if (app_ != App::stopped) return;
    app_ = App::waiting;
    poll(now, out);
}

// ---- the poll loop ----------------------------------------------------------------------------

void Consumer::poll(Instant now, Outbox& out) {
    if (dead_ || app_ == App::stopped) return;
    ++stats_.polls;
    last_poll_ = now;
    app_ = App::waiting;
    maybe_auto_commit(now, out);
    drive_group(now, out);
    fetch_offsets(now, out);
    Duration decompress = Duration::zero();
    const std::int32_t n = take_records(now, out, decompress);
    send_fetches(now, out);
    if (n > 0) {
        app_ = App::processing;
        out.cancel_timer(timer_key(kPollWait));
        out.set_timer(timer_key(kPollDone), now + decompress + processing_time(n));
        return;
    }
    Instant wake = now + opt_.poll_timeout;
    if (opt_.auto_commit && next_auto_commit_ > now) wake = std::min(wake, next_auto_commit_);
    out.set_timer(timer_key(kPollWait), wake);
}

std::int32_t Consumer::take_records(Instant now, Outbox& out, Duration& decompress) {
    (void)now;
    std::int32_t left = opt_.max_poll_records;
    if (parts_.empty()) return 0;
    std::vector<TopicPartition> order;
    for (const auto& [tp, p] : parts_) order.push_back(tp);
    const std::size_t start = rotate_ % order.size();
    rotate_ = start + 1;
    for (std::size_t i = 0; i < order.size() && left > 0; ++i) {
        const TopicPartition tp = order[(start + i) % order.size()];
        Part& p = parts_.at(tp);
        // FetchCollector returns nothing for a partition that is not fetchable
        // (awaiting validation or stopped by a LogTruncationException).
        if (!p.position || p.awaiting_validation || p.truncation_blocked) continue;
        RecordsConsumedEffect e{opt_.group_index, opt_.member_index, tp, *p.position, 0};
        while (left > 0 && !p.buffer.empty()) {
            const RecordBatch& b = p.buffer.front();
            if (b.next_offset() <= *p.position) {
                p.buffer.pop_front();
                continue;
            }
            const Offset from = std::max(b.base_offset, *p.position);
            if (e.count == 0) e.first_offset = from;
            if (from != e.first_offset + e.count) {
                // A gap in the log (records deleted): close this range.
                if (e.count > 0) out.records_consumed(e);
                e.first_offset = from;
                e.count = 0;
            }
            const auto take = static_cast<std::int32_t>(std::min<Offset>(b.next_offset() - from, left));
            if (b.codec != Codec::none) {
                const Duration d = decompress_time(b.codec, uncompressed_records_bytes(b) * take / b.record_count);
                decompress += d;
                stats_.decompress_time += d;
            }
            e.count += take;
            left -= take;
            *p.position = from + take;
            p.offset_epoch = b.epoch;  // CompletedFetch.lastEpoch: the batch of the last record returned
            if (*p.position >= b.next_offset()) p.buffer.pop_front();
        }
        if (e.count > 0) out.records_consumed(e);
    }
    const std::int32_t taken = opt_.max_poll_records - left;
    stats_.records += taken;
    return taken;
}

Duration Consumer::processing_time(std::int32_t records) {
    const DistSpec& d = opt_.processing_ms_per_record;
    double total_ms = 0;
    if (d.kind == DistSpec::Kind::constant) {
        total_ms = d.a * records;
    } else {
        for (std::int32_t i = 0; i < records; ++i) total_ms += sample(d, rng_);
    }
    return from_millis(total_ms * slow_factor_);
}

void Consumer::maybe_auto_commit(Instant now, Outbox& out) {
    if (!opt_.auto_commit || now < next_auto_commit_) return;
    if (!coordinator_ || !in_group()) {
        next_auto_commit_ = now + opt_.retry_backoff;
        return;
    }
    commit_positions(now, out);
    next_auto_commit_ = now + opt_.auto_commit_interval;
}

std::uint64_t Consumer::commit_positions(Instant now, Outbox& out) {
    (void)now;
    if (!coordinator_ || generation_ < 0) return 0;
    OffsetCommitRequest r;
    r.group_id = opt_.group_id;
    r.generation = generation_;
    r.member_id = member_id_;
    r.group_instance_id = instance_id();
    for (const auto& [tp, p] : parts_) {
        if (p.position) r.offsets.emplace_back(tp, *p.position);
    }
    if (r.offsets.empty()) return 0;
    r.correlation = next_correlation_++;
    ++stats_.commits_sent;
    const std::uint64_t correlation = r.correlation;
    out.send(broker_node(*coordinator_), std::move(r));
    return correlation;
}

void Consumer::kick(Instant now, Outbox& out) {
    if (dead_) return;
    drive_group(now, out);
    fetch_offsets(now, out);
    if (app_ != App::waiting) return;
    bool data = false;
    for (const auto& [tp, p] : parts_) data = data || (p.position && !p.buffer.empty());
    if (data) {
        poll(now, out);
    } else {
        send_fetches(now, out);
    }
}

// ---- the group --------------------------------------------------------------------------------

void Consumer::drive_group(Instant now, Outbox& out) {
    if (dead_ || finding_ || state_ == State::joining || state_ == State::syncing) return;
    if (!coordinator_) {
        find_coordinator(now, out);
        return;
    }
    if (modern()) {
        cg_drive(now, out);
        return;
    }
    // Joins run in the application's poll (ConsumerCoordinator.poll).
    if ((state_ != State::stable || rejoin_needed_) && app_ == App::waiting) send_join(now, out);
}

void Consumer::find_coordinator(Instant now, Outbox& out) {
    finding_ = true;
    find_broker_ = opt_.bootstrap[bootstrap_index_ % opt_.bootstrap.size()];
    group_correlation_ = next_correlation_++;
    out.send(broker_node(find_broker_), FindCoordinatorRequest{opt_.group_id, group_correlation_});
    out.set_timer(timer_key(kGroupRequestTimeout, group_correlation_), now + opt_.request_timeout);
}

const char* to_string(Consumer::State s) {
    switch (s) {
        case Consumer::State::unjoined:
            return "unjoined";
        case Consumer::State::joining:
            return "joining";
        case Consumer::State::syncing:
            return "syncing";
        case Consumer::State::stable:
            return "stable";
    }
    KS_UNREACHABLE("consumer state");
}

// The member's state in its group (AbstractCoordinator.MemberState): a join
// starts from unjoined or stable; a JoinGroup answer leads to syncing, a
// SyncGroup answer to stable; errors, a lost coordinator or a reset
// generation lead back to unjoined.
void Consumer::set_state(State to) {
    using S = State;
    const S from = state_;
    const bool legal = (to == S::joining && (from == S::unjoined || from == S::stable)) ||
                       (to == S::syncing && from == S::joining) || (to == S::stable && from == S::syncing) ||
                       to == S::unjoined;
    KS_ASSERT_MSG(legal, "consumer {}: illegal transition {} -> {}", opt_.client_id, to_string(from), to_string(to));
    state_ = to;
}

void Consumer::send_join(Instant now, Outbox& out) {
    // onJoinPrepare: commit what was consumed, then (eager) give everything up.
    if (opt_.auto_commit && state_ == State::stable) commit_positions(now, out);
    if (!cooperative_) {
        stats_.partitions_revoked += static_cast<std::int64_t>(parts_.size());
        parts_.clear();
    }
    JoinGroupRequest r;
    r.group_id = opt_.group_id;
    r.member_id = member_id_;
    r.group_instance_id = instance_id();
    r.client_id = opt_.client_id;
    r.session_timeout = opt_.session_timeout;
    r.rebalance_timeout = opt_.max_poll_interval;
    r.protocols = opt_.assignors;
    r.topics = opt_.topics;
    for (const auto& [tp, p] : parts_) r.owned.push_back(tp);
    r.owned_generation = generation_;
    // StickyAssignor.subscriptionUserData: an eager member gave its partitions
    // up, but the sticky assignor's userData still carries its last assignment
    // and that assignment's generation (null before the first one).
    const bool sticky = std::find(opt_.assignors.begin(), opt_.assignors.end(), "sticky") != opt_.assignors.end();
    if (!cooperative_ && sticky && sticky_assignment_) {
        r.owned = *sticky_assignment_;
        r.owned_generation = sticky_generation_;
    }
    r.correlation = group_correlation_ = next_correlation_++;
    set_state(State::joining);
    rejoin_needed_ = false;
    ++stats_.joins;
    out.send(broker_node(*coordinator_), std::move(r));
    out.set_timer(timer_key(kGroupRequestTimeout, group_correlation_), now + opt_.max_poll_interval + s(5));
}

void Consumer::handle_join(Instant now, const JoinGroupResponse& r, Outbox& out) {
    if (state_ != State::joining || r.correlation != group_correlation_) return;
    out.cancel_timer(timer_key(kGroupRequestTimeout, r.correlation));
    if (r.error == Error::member_id_required) {
        // KIP-394 (JoinGroupResponseHandler): take the given member id and join
        // again at once (joinGroupIfNeeded retries MemberIdRequiredException
        // without a backoff).
        member_id_ = r.member_id;
        generation_ = -1;
        set_state(State::unjoined);
        send_join(now, out);
        return;
    }
    if (r.error != Error::none) {
        set_state(State::unjoined);
        rejoin_needed_ = true;
        if (!group_error(now, r.error, out)) out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
        return;
    }
    member_id_ = r.member_id;
    generation_ = r.generation;
    set_state(State::syncing);
    group_correlation_ = next_correlation_++;
    out.send(broker_node(*coordinator_), SyncGroupRequest{.group_id = opt_.group_id,
                                                          .generation = generation_,
                                                          .member_id = member_id_,
                                                          .correlation = group_correlation_,
                                                          .group_instance_id = instance_id()});
    out.set_timer(timer_key(kGroupRequestTimeout, group_correlation_), now + opt_.request_timeout);
}

void Consumer::handle_sync(Instant now, const SyncGroupResponse& r, Outbox& out) {
    if (state_ != State::syncing || r.correlation != group_correlation_) return;
    out.cancel_timer(timer_key(kGroupRequestTimeout, r.correlation));
    if (r.error != Error::none) {
        set_state(State::unjoined);
        rejoin_needed_ = true;
        if (!group_error(now, r.error, out)) out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
        return;
    }
    set_state(State::stable);
    last_heartbeat_ack_ = now;
    on_assignment(now, r.assignment, out);
}

void Consumer::on_assignment(Instant now, const std::vector<TopicPartition>& assigned, Outbox& out) {
    ++stats_.rebalances;
    std::vector<TopicPartition> revoked;
    for (const auto& [tp, p] : parts_) {
        if (std::find(assigned.begin(), assigned.end(), tp) == assigned.end()) revoked.push_back(tp);
    }
    for (const TopicPartition& tp : revoked) parts_.erase(tp);
    stats_.partitions_revoked += static_cast<std::int64_t>(revoked.size());
    for (const TopicPartition& tp : assigned) parts_.try_emplace(tp);
    // StickyAssignor.onAssignment: memberAssignment and generation remembered.
    sticky_assignment_ = assigned;
    sticky_generation_ = generation_;
    // ConsumerCoordinator.onJoinComplete: "Reschedule the auto commit starting
    // from now".
    if (opt_.auto_commit) next_auto_commit_ = now + opt_.auto_commit_interval;
    // Cooperative: partitions that moved away are revoked now; rejoin so the
    // coordinator can hand them to their new owner (the second round).
    if (cooperative_ && !revoked.empty()) rejoin_needed_ = true;
    kick(now, out);
}

// AbstractCoordinator.HeartbeatThread checks Heartbeat.pollTimeoutExpired (the
// poll timer: now >= last poll + max.poll.interval.ms) on every pass of its
// loop, and an idle loop passes every retry.backoff.ms: the expiry is noticed
// within 100 ms, not at the next heartbeat. Here it is checked at the expiry
// itself (kPollTimeout) as well as on every heartbeat tick.
bool Consumer::poll_timeout_expired(Instant now, Outbox& out) {
    if (app_ == App::waiting) last_poll_ = now;  // blocked in poll() counts as polling
    if (generation_ < 0 || app_ == App::waiting || now - last_poll_ < opt_.max_poll_interval) return false;
    // "consumer poll timeout has expired" → maybeLeaveGroup (dynamic members
    // only; a static one just resets its generation).
    ++stats_.poll_timeouts;
    if (coordinator_ && !is_static()) {
        out.send(broker_node(*coordinator_), LeaveGroupRequest{opt_.group_id, member_id_, next_correlation_++, {}});
    }
    reset_generation(out);
    return true;
}

void Consumer::arm_poll_timeout(Outbox& out) {
    if (generation_ < 0 || app_ == App::waiting) return;
    out.set_timer(timer_key(kPollTimeout), last_poll_ + opt_.max_poll_interval);
}

void Consumer::heartbeat_tick(Instant now, Outbox& out) {
    if (poll_timeout_expired(now, out)) return;
    arm_poll_timeout(out);
    if (!coordinator_) {
        if (!finding_) find_coordinator(now, out);
        return;
    }
    if (state_ != State::stable) return;
    if (now - last_heartbeat_ack_ > opt_.session_timeout) {
        coordinator_lost(now, out);
        return;
    }
    if (heartbeat_in_flight_) return;
    heartbeat_in_flight_ = true;
    out.send(broker_node(*coordinator_), HeartbeatRequest{.group_id = opt_.group_id,
                                                          .generation = generation_,
                                                          .member_id = member_id_,
                                                          .correlation = next_correlation_++,
                                                          .group_instance_id = instance_id()});
}

void Consumer::handle_heartbeat(Instant now, const HeartbeatResponse& r, Outbox& out) {
    heartbeat_in_flight_ = false;
    last_heartbeat_ack_ = now;
    if (r.error == Error::none || state_ != State::stable) return;
    if (r.error == Error::rebalance_in_progress) {
        rejoin_needed_ = true;
        kick(now, out);
        return;
    }
    group_error(now, r.error, out);
}

bool Consumer::group_error(Instant now, Error e, Outbox& out) {
    switch (e) {
        case Error::unknown_member_id:
        case Error::illegal_generation:
            reset_generation(out);
            kick(now, out);
            return true;
        case Error::not_coordinator:
        case Error::coordinator_not_available:
            coordinator_lost(now, out);
            return true;
        case Error::fenced_instance_id:
            fence();  // fatal: FencedInstanceIdException
            return true;
        default:
            return false;
    }
}

void Consumer::coordinator_lost(Instant now, Outbox& out) {
    coordinator_.reset();
    finding_ = false;
    heartbeat_in_flight_ = false;
    cg_in_flight_ = 0;
    cg_send_full_ = true;
    if (state_ == State::joining || state_ == State::syncing) {
        set_state(State::unjoined);
        rejoin_needed_ = true;
    }
    ++bootstrap_index_;
    out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
}

void Consumer::reset_generation(Outbox& out) {
    (void)out;
    member_id_.clear();
    generation_ = -1;
    set_state(State::unjoined);
    rejoin_needed_ = true;
    parts_.clear();  // onPartitionsLost: nothing is committed
}

// ---- positions and fetching -------------------------------------------------------------------

std::optional<BrokerId> Consumer::leader_of(TopicPartition tp) const {
    auto it = metadata_.find(tp);
    if (it == metadata_.end() || it->second.leader.value() < 0) return std::nullopt;
    return it->second.leader;
}

void Consumer::fetch_offsets(Instant now, Outbox& out) {
    validate_positions(now, out);
    std::vector<TopicPartition> ask, reset;
    for (auto& [tp, p] : parts_) {
        if (p.position || p.offset_pending || p.reset_blocked) continue;
        (p.need_reset ? reset : ask).push_back(tp);
    }
    if (!reset.empty()) reset_offsets(now, reset, out);
    if (ask.empty() || !coordinator_ || !in_group()) return;
    for (const auto& tp : ask) parts_.at(tp).offset_pending = true;
    out.send(broker_node(*coordinator_), OffsetFetchRequest{opt_.group_id, ask, next_correlation_++});
}

void Consumer::handle_offset_fetch(Instant now, const OffsetFetchResponse& r, Outbox& out) {
    if (r.error != Error::none) {
        for (auto& [tp, p] : parts_) p.offset_pending = false;
        group_error(now, r.error, out);
        return;
    }
    std::vector<TopicPartition> reset;
    for (const auto& [tp, offset] : r.offsets) {
        auto it = parts_.find(tp);
        if (it == parts_.end() || it->second.position) continue;
        it->second.offset_pending = false;
        if (offset >= 0) {
            // The committed offset's leader epoch (OffsetAndMetadata.leaderEpoch)
            // is not modelled: the position starts unvalidated.
            it->second.position = offset;
            it->second.offset_epoch = kNoEpoch;
            set_position_leader(tp, it->second);
        } else {
            it->second.need_reset = true;
            it->second.reset_cause = OffsetResetEffect::Cause::no_committed_offset;
            it->second.reset_from = kUndefinedOffset;
            reset.push_back(tp);
        }
    }
    if (!reset.empty()) reset_offsets(now, reset, out);
    kick(now, out);
}

void Consumer::reset_offsets(Instant now, const std::vector<TopicPartition>& tps, Outbox& out) {
    std::map<BrokerId, ListOffsetsRequest> by_leader;
    const std::int64_t ts = opt_.reset == OffsetReset::earliest ? kEarliestTimestamp : kLatestTimestamp;
    for (const TopicPartition& tp : tps) {
        Part& p = parts_.at(tp);
        p.need_reset = true;
        if (opt_.reset == OffsetReset::none) {
            p.reset_blocked = true;  // NoOffsetForPartitionException: the application would fail
            continue;
        }
        const auto leader = leader_of(tp);
        if (!leader) {
            request_metadata(now, out);
            continue;
        }
        p.offset_pending = true;
        by_leader[*leader].partitions.emplace_back(tp, ts);
    }
    for (auto& [leader, req] : by_leader) {
        req.correlation = next_correlation_++;
        out.send(broker_node(leader), std::move(req));
    }
}

void Consumer::handle_list_offsets(Instant now, const ListOffsetsResponse& r, Outbox& out) {
    bool refresh = false;
    for (const ListOffsetsPartition& lp : r.partitions) {
        auto it = parts_.find(lp.tp);
        if (it == parts_.end() || it->second.position) continue;
        it->second.offset_pending = false;
        if (lp.error != Error::none) {
            refresh = true;
            continue;
        }
        it->second.position = lp.offset;
        it->second.need_reset = false;
        it->second.offset_epoch = kNoEpoch;
        set_position_leader(lp.tp, it->second);
        ++stats_.resets;
        // SubscriptionState.maybeSeekUnvalidated: "Resetting offset for partition ... to position ...".
        out.offset_reset(OffsetResetEffect{.group = opt_.group_index,
                                           .member = opt_.member_index,
                                           .tp = lp.tp,
                                           .cause = it->second.reset_cause,
                                           .strategy = opt_.reset,
                                           .from = it->second.reset_from,
                                           .to = lp.offset});
    }
    if (refresh) {
        request_metadata(now, out);
        out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
    }
    kick(now, out);
}

void Consumer::send_fetches(Instant now, Outbox& out) {
    (void)now;
    std::map<BrokerId, FetchRequest> by_leader;
    bool unknown = false;
    for (const auto& [tp, p] : parts_) {
        if (!p.position || !p.buffer.empty() || p.awaiting_validation || p.truncation_blocked) continue;
        const auto leader = leader_of(tp);
        if (!leader) {
            unknown = true;
            continue;
        }
        if (fetch_in_flight_.count(*leader)) continue;
        FetchRequest& r = by_leader[*leader];
        FetchPartition fp;
        fp.tp = tp;
        fp.fetch_offset = *p.position;
        // FetchRequest v9+: position.currentLeader.epoch, sent from 2.3.
        if (consumer_validates_positions(opt_.client_version)) fp.current_leader_epoch = p.position_leader_epoch;
        r.partitions.push_back(fp);
    }
    if (unknown) request_metadata(now, out);
    for (auto& [leader, r] : by_leader) {
        r.replica = BrokerId(-1);
        r.max_wait = opt_.fetch_max_wait;
        r.min_bytes = opt_.fetch_min_bytes;
        r.max_bytes_per_partition = opt_.max_partition_fetch_bytes;
        r.leader_hints = consumer_follows_fetch_leader_hints(opt_.client_version);
        r.correlation = next_correlation_++;
        fetch_in_flight_[leader] = r.correlation;
        ++stats_.fetches;
        out.send(broker_node(leader), std::move(r));
    }
}

void Consumer::handle_fetch(Instant now, NodeId from, const FetchResponse& r, Outbox& out) {
    if (!is_broker_node(from)) return;
    const BrokerId leader(from.value());
    auto inflight = fetch_in_flight_.find(leader);
    if (inflight == fetch_in_flight_.end() || inflight->second != r.correlation) return;
    fetch_in_flight_.erase(inflight);
    bool refresh = false;
    bool hinted = false;
    std::vector<TopicPartition> reset;
    for (const FetchPartitionData& d : r.partitions) {
        auto it = parts_.find(d.tp);
        if (it == parts_.end() || !it->second.position || !it->second.buffer.empty()) continue;
        Part& p = it->second;
        // Not fetchable now (FetchCollector drops the answer): validating, or stopped.
        if (p.awaiting_validation || p.truncation_blocked) continue;
        if (d.error == Error::offset_out_of_range) {
            // FetchCollector.handleInitializeErrors: "Fetch position ... is
            // out of range for partition ..., resetting offset".
            p.reset_cause = OffsetResetEffect::Cause::out_of_range;
            p.reset_from = *p.position;
            p.position.reset();
            reset.push_back(d.tp);
            continue;
        }
        if (d.error != Error::none) {
            // FetchCollector.handleInitializeErrors asks for metadata in any case.
            refresh = true;
            if ((d.error == Error::not_leader_or_follower || d.error == Error::fenced_leader_epoch) &&
                consumer_follows_fetch_leader_hints(opt_.client_version) && take_leader_hint(d)) {
                hinted = true;
                continue;
            }
            if (auto m = metadata_.find(d.tp); m != metadata_.end() && m->second.leader == leader) {
                m->second.leader = BrokerId(-1);  // stale: wait for fresh metadata
            }
            continue;
        }
        p.high_watermark = d.high_watermark;
        for (const RecordBatch& b : d.batches) {
            if (b.next_offset() > *p.position) p.buffer.push_back(b);
        }
    }
    if (hinted) update_position_leaders();
    if (!reset.empty()) reset_offsets(now, reset, out);
    if (refresh) request_metadata(now, out);
    kick(now, out);
}

void Consumer::request_metadata(Instant now, Outbox& out) {
    if (metadata_in_flight_) return;
    metadata_in_flight_ = true;
    metadata_broker_ = opt_.bootstrap[bootstrap_index_ % opt_.bootstrap.size()];
    metadata_correlation_ = next_correlation_++;
    out.send(broker_node(metadata_broker_), MetadataRequest{metadata_correlation_});
    out.set_timer(timer_key(kMetadataTimeout, metadata_correlation_), now + opt_.request_timeout);
}

void Consumer::handle_metadata(Instant now, const MetadataResponse& r, Outbox& out) {
    if (!metadata_in_flight_ || r.correlation != metadata_correlation_) return;
    metadata_in_flight_ = false;
    out.cancel_timer(timer_key(kMetadataTimeout, metadata_correlation_));
    bool missing = false;
    for (const PartitionState& st : r.partitions) {
        auto it = metadata_.find(st.tp);
        if (it != metadata_.end() && st.leader_epoch < it->second.leader_epoch) continue;  // stale
        metadata_[st.tp] = st;
    }
    update_position_leaders();
    for (const auto& [tp, p] : parts_) missing = missing || !leader_of(tp);
    if (missing) {
        // Leaderless partitions: ask again (another broker) after a backoff.
        ++bootstrap_index_;
        out.set_timer(timer_key(kRetry), now + opt_.retry_backoff * 5);
    }
    kick(now, out);
}

}  // namespace ks::kafka
