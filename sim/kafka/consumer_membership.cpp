// The consumer's side of the consumer group protocol (KIP-848,
// group.protocol=consumer): the Java client's ConsumerMembershipManager,
// AbstractMembershipManager and ConsumerHeartbeatRequestManager /
// AbstractHeartbeatRequestManager (clients/.../consumer/internals, Kafka 4.0).
//
//   * Heartbeats run in the background, independent of the application:
//     the first (epoch 0) as soon as the coordinator is known, then every
//     heartbeat interval the coordinator names in its answers
//     (group.consumer.heartbeat.interval.ms), and at once after a
//     reconciliation (ACKNOWLEDGING), one at a time. A join carries the
//     subscription, max.poll.interval.ms (the rebalance timeout) and
//     group.remote.assignor; every heartbeat carries the owned partitions
//     (Kafka sends them when they changed since the last one it sent, which
//     the coordinator reads the same way).
//   * Reconciliation (AbstractMembershipManager.maybeReconcile): when the
//     assignment from the coordinator differs from what the member owns,
//     commit what was consumed (maybeAutoCommitSyncBeforeRevocation, with
//     enable.auto.commit), then drop the revoked partitions, take the added
//     ones, and acknowledge with a heartbeat reporting the new ownership. The
//     application has no rebalance listener, so the callbacks take no time;
//     the commit is waited for (up to request.timeout.ms here, where Kafka
//     retries up to the rebalance timeout).
//   * FENCED_MEMBER_EPOCH / UNKNOWN_MEMBER_ID: the partitions are lost (no
//     commit) and the member joins again with epoch 0.
//     FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL
//     and GROUP_ID_NOT_FOUND are fatal (the consumer stops, stats().fenced).
//   * The poll timer: no poll within max.poll.interval.ms → a leave
//     heartbeat (-1; -2 for a static member), the partitions lost, and a
//     new join at the next poll (transitionToSendingLeaveGroup(true), STALE).
//   * close(): auto-commit, then the leave heartbeat (-1; a static member
//     -2, which keeps its partitions at the coordinator until its session
//     times out or it comes back).
#include <algorithm>

#include "core/assert.hpp"
#include "kafka/consumer.hpp"
#include "kafka/consumer_group.hpp"

namespace ks::kafka {

const char* to_string(Consumer::Membership m) {
    switch (m) {
        case Consumer::Membership::joining:
            return "joining";
        case Consumer::Membership::stable:
            return "stable";
        case Consumer::Membership::acknowledging:
            return "acknowledging";
        case Consumer::Membership::stale:
            return "stale";
        case Consumer::Membership::left:
            return "left";
    }
    KS_UNREACHABLE("membership");
}

void Consumer::cg_drive(Instant now, Outbox& out) {
    if (dead_ || membership_ == Membership::left || !coordinator_) return;
    if (membership_ == Membership::stale) {
        if (app_ != App::waiting) return;  // the application's next poll rejoins (maybeRejoinStaleMember)
        membership_ = Membership::joining;
        member_epoch_ = 0;
        cg_send_full_ = true;
        cg_next_heartbeat_ = now;
    }
    if (cg_in_flight_ != 0) return;
    // A join goes at once (after a fence: after retry.backoff.ms, a bound kafkasim
    // adds so that a member fenced again and again cannot spin); an
    // acknowledgement at once; otherwise at the heartbeat interval.
    if (membership_ == Membership::acknowledging || now >= cg_next_heartbeat_) {
        cg_send_heartbeat(now, out);
    } else {
        out.set_timer(timer_key(kHeartbeat), cg_next_heartbeat_);
    }
}

void Consumer::cg_heartbeat_tick(Instant now, Outbox& out) {
    if (cg_poll_timeout_expired(now, out)) return;
    if (member_epoch_ > 0 && app_ != App::waiting) {
        out.set_timer(timer_key(kPollTimeout), last_poll_ + opt_.max_poll_interval);
    }
    if (!coordinator_) {
        if (!finding_) find_coordinator(now, out);
        out.set_timer(timer_key(kHeartbeat), now + opt_.retry_backoff);
        return;
    }
    cg_drive(now, out);
}

void Consumer::cg_send_heartbeat(Instant now, Outbox& out) {
    KS_ASSERT(coordinator_.has_value());
    KS_ASSERT_EQ(cg_in_flight_, std::uint64_t{0});
    ConsumerGroupHeartbeatRequest r;
    r.group_id = opt_.group_id;
    r.member_id = member_id_;
    r.member_epoch = member_epoch_;
    r.group_instance_id = instance_id();
    r.client_id = opt_.client_id;
    if (cg_send_full_ || member_epoch_ == 0) {
        r.rebalance_timeout = opt_.max_poll_interval;
        r.topics = opt_.topics;
        r.server_assignor = opt_.group_remote_assignor;
    }
    r.owned = assignment();
    r.correlation = next_correlation_++;
    cg_in_flight_ = r.correlation;
    cg_send_full_ = false;
    // onHeartbeatRequestGenerated: the acknowledgement is on its way.
    if (membership_ == Membership::acknowledging) membership_ = Membership::stable;
    out.send(broker_node(*coordinator_), std::move(r));
    out.set_timer(timer_key(kGroupRequestTimeout, cg_in_flight_), now + opt_.request_timeout);
}

void Consumer::cg_send_leave(Outbox& out) {
    if (!coordinator_ || member_id_.empty() || member_epoch_ <= 0) return;
    ConsumerGroupHeartbeatRequest r;
    r.group_id = opt_.group_id;
    r.member_id = member_id_;
    r.member_epoch = is_static() ? kLeaveGroupStaticMemberEpoch : kLeaveGroupMemberEpoch;
    r.group_instance_id = instance_id();
    r.client_id = opt_.client_id;
    r.correlation = next_correlation_++;  // the answer is not waited for
    out.send(broker_node(*coordinator_), std::move(r));
}

void Consumer::cg_handle_heartbeat(Instant now, const ConsumerGroupHeartbeatResponse& r, Outbox& out) {
    if (r.correlation == 0 || r.correlation != cg_in_flight_) return;  // a leave's answer, or a stale one
    cg_in_flight_ = 0;
    out.cancel_timer(timer_key(kGroupRequestTimeout, r.correlation));
    if (membership_ == Membership::left || membership_ == Membership::stale) return;
    if (r.error != Error::none) {
        cg_send_full_ = true;  // resetHeartbeatState: the next heartbeat sends every field
        if (!cg_error(now, r.error, out)) {
            cg_next_heartbeat_ = now + opt_.retry_backoff;
            cg_drive(now, out);
        }
        return;
    }
    member_id_ = r.member_id;
    member_epoch_ = r.member_epoch;
    generation_ = member_epoch_;  // what commits carry
    last_heartbeat_ack_ = now;
    cg_heartbeat_interval_ = r.heartbeat_interval;
    cg_next_heartbeat_ = now + cg_heartbeat_interval_;
    if (membership_ == Membership::joining) membership_ = Membership::stable;
    if (r.assignment) cg_target_ = *r.assignment;
    cg_reconcile(now, out);
    cg_drive(now, out);
}

bool Consumer::cg_error(Instant now, Error e, Outbox& out) {
    switch (e) {
        case Error::not_coordinator:
        case Error::coordinator_not_available:
            coordinator_lost(now, out);
            return true;
        case Error::fenced_member_epoch:
        case Error::unknown_member_id:
            cg_fenced(now, out);
            return true;
        case Error::fenced_instance_id:
        case Error::unreleased_instance_id:
        case Error::inconsistent_group_protocol:
        case Error::group_id_not_found:
            membership_ = Membership::left;
            fence();  // handleFatalFailure
            return true;
        default:
            return false;
    }
}

// transitionToFenced: the assignment is released without a commit
// (onPartitionsLost) and the member joins again at once with epoch 0.
void Consumer::cg_fenced(Instant now, Outbox& out) {
    parts_.clear();
    cg_target_.reset();
    cg_reconcile_commit_ = 0;
    member_epoch_ = 0;
    generation_ = -1;
    membership_ = Membership::joining;
    cg_send_full_ = true;
    cg_next_heartbeat_ = now + opt_.retry_backoff;
    kick(now, out);
}

void Consumer::cg_reconcile(Instant now, Outbox& out) {
    if (!cg_target_ || cg_reconcile_commit_ != 0 || membership_ == Membership::left) return;
    std::vector<TopicPartition> target = *cg_target_;
    std::sort(target.begin(), target.end());
    if (target == assignment()) return;
    // signalReconciliationStarted: commit what was consumed before anything is revoked.
    if (opt_.auto_commit && !parts_.empty()) {
        const std::uint64_t c = commit_positions(now, out);
        if (c != 0) {
            cg_reconcile_commit_ = c;
            out.set_timer(timer_key(kReconcileCommitTimeout, c), now + opt_.request_timeout);
            return;
        }
    }
    cg_finish_reconcile(now, out);
}

bool Consumer::cg_commit_answered(Instant now, std::uint64_t correlation, Outbox& out) {
    if (correlation == 0 || correlation != cg_reconcile_commit_) return false;
    out.cancel_timer(timer_key(kReconcileCommitTimeout, correlation));
    cg_finish_reconcile(now, out);
    return true;
}

// revokeAndAssign: onPartitionsRevoked, then onPartitionsAssigned, then
// ACKNOWLEDGING (the next heartbeat reports the new ownership at once).
void Consumer::cg_finish_reconcile(Instant now, Outbox& out) {
    cg_reconcile_commit_ = 0;
    if (!cg_target_) return;
    std::vector<TopicPartition> target = *cg_target_;
    std::sort(target.begin(), target.end());
    std::vector<TopicPartition> revoked;
    for (const auto& [tp, p] : parts_) {
        if (!std::binary_search(target.begin(), target.end(), tp)) revoked.push_back(tp);
    }
    for (const TopicPartition& tp : revoked) parts_.erase(tp);
    stats_.partitions_revoked += static_cast<std::int64_t>(revoked.size());
    for (const TopicPartition& tp : target) parts_.try_emplace(tp);
    ++stats_.rebalances;
    // signalReconciliationCompleting: resetAutoCommitTimer.
    if (opt_.auto_commit) next_auto_commit_ = now + opt_.auto_commit_interval;
    if (membership_ == Membership::stable || membership_ == Membership::joining) {
        membership_ = Membership::acknowledging;
    }
    kick(now, out);
}

bool Consumer::cg_poll_timeout_expired(Instant now, Outbox& out) {
    if (app_ == App::waiting) last_poll_ = now;  // blocked in poll() counts as polling
    if (member_epoch_ <= 0 || app_ == App::waiting || now - last_poll_ < opt_.max_poll_interval) return false;
    // "consumer poll timeout has expired": leave, release the partitions (lost), rejoin at the next poll.
    ++stats_.poll_timeouts;
    cg_send_leave(out);
    parts_.clear();
    cg_target_.reset();
    cg_reconcile_commit_ = 0;
    member_epoch_ = 0;
    generation_ = -1;
    cg_in_flight_ = 0;
    membership_ = Membership::stale;
    return true;
}

void Consumer::cg_close(Outbox& out) {
    cg_send_leave(out);
    membership_ = Membership::left;
}

}  // namespace ks::kafka
