// Consumer: the position's leader and its validation after a leader change
// (KIP-320), and the leaders fetch answers name (KIP-951). See consumer.hpp.
#include "core/assert.hpp"
#include "kafka/consumer.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

// ---- KIP-320: validating positions after a leader change -------------------------------------

void Consumer::set_position_leader(TopicPartition tp, Part& p) {
    const auto m = metadata_.find(tp);
    const bool known = m != metadata_.end() && m->second.leader.value() >= 0;
    p.position_leader = known ? m->second.leader : BrokerId(-1);
    p.position_leader_epoch = known ? m->second.leader_epoch : kNoEpoch;
    p.awaiting_validation = false;
    p.validation_correlation = 0;
}

// SubscriptionState.maybeValidatePositionForCurrentLeader → TopicPartitionState.
// maybeValidatePosition: a position whose leader or epoch differs from the
// metadata's takes the new one; with an offset epoch (and a 2.3+ client) it
// awaits validation, else it goes on fetching (validatePosition). Data
// buffered from the old leader is not returned (FetchCollector: "no longer
// fetchable").
void Consumer::update_position_leaders() {
    for (auto& [tp, p] : parts_) {
        if (!p.position || p.need_reset || p.truncation_blocked) continue;
        const auto m = metadata_.find(tp);
        if (m == metadata_.end() || m->second.leader.value() < 0) continue;
        if (m->second.leader == p.position_leader && m->second.leader_epoch == p.position_leader_epoch) continue;
        p.position_leader = m->second.leader;
        p.position_leader_epoch = m->second.leader_epoch;
        p.validation_correlation = 0;
        p.awaiting_validation = consumer_validates_positions(opt_.client_version) && p.offset_epoch != kNoEpoch;
        if (p.awaiting_validation) p.buffer.clear();
    }
}

// OffsetFetcher.validatePositionsAsync: one OffsetsForLeaderEpoch per leader
// for the positions awaiting validation, asking the end offset of each
// position's offset epoch, fenced by the leader epoch the consumer knows.
void Consumer::validate_positions(Instant now, Outbox& out) {
    std::map<BrokerId, OffsetsForLeaderEpochRequest> by_leader;
    for (auto& [tp, p] : parts_) {
        if (!p.position || !p.awaiting_validation || p.validation_correlation != 0 || now < p.next_validation) continue;
        KS_ASSERT_GE(p.position_leader.value(), 0);
        by_leader[p.position_leader].partitions.push_back(
            EpochQuery{.tp = tp, .leader_epoch = p.offset_epoch, .current_leader_epoch = p.position_leader_epoch});
    }
    for (auto& [leader, req] : by_leader) {
        req.replica = BrokerId(-1);
        req.correlation = next_correlation_++;
        for (const EpochQuery& q : req.partitions) parts_.at(q.tp).validation_correlation = req.correlation;
        stats_.validations += static_cast<std::int64_t>(req.partitions.size());
        out.send(broker_node(leader), std::move(req));
    }
}

// OffsetsForLeaderEpochUtils.handleResponse + OffsetFetcherUtils.
// onSuccessfulResponseForValidatingPositions: an answer for a position that
// still awaits this validation completes it; a leader error retries after
// retry.backoff.ms with fresh metadata; a broker without OffsetsForLeaderEpoch
// v3 (before 2.3) skips the validation ("the broker does not support the
// required protocol version (introduced in Kafka 2.3)").
void Consumer::handle_epoch_answers(Instant now, const OffsetsForLeaderEpochResponse& r, Outbox& out) {
    bool retry = false;
    for (const EpochAnswer& a : r.partitions) {
        auto it = parts_.find(a.tp);
        if (it == parts_.end()) continue;
        Part& p = it->second;
        if (!p.awaiting_validation || p.validation_correlation != r.correlation || !p.position) continue;
        p.validation_correlation = 0;
        if (a.error == Error::unsupported_version) {
            p.awaiting_validation = false;
        } else if (a.error != Error::none) {
            p.next_validation = now + opt_.retry_backoff;
            retry = true;
        } else {
            complete_validation(now, a.tp, p, a, out);
        }
    }
    if (retry) {
        request_metadata(now, out);
        out.set_timer(timer_key(kRetry), now + opt_.retry_backoff);
    }
    kick(now, out);
}

// SubscriptionState.maybeCompleteValidation.
void Consumer::complete_validation(Instant now, TopicPartition tp, Part& p, const EpochAnswer& a, Outbox& out) {
    (void)now;
    p.awaiting_validation = false;
    const Offset position = *p.position;
    if (a.end_offset == kUndefinedOffset || a.leader_epoch == kNoEpoch) {
        // The leader knows no epoch at or below the position's: "Truncation
        // detected for partition ... at offset ..., resetting offset" — an
        // auto.offset.reset as for a position out of range.
        ++stats_.truncations;
        if (opt_.reset == OffsetReset::none) {
            p.truncation_blocked = true;  // LogTruncationException without a divergent offset
            return;
        }
        p.reset_cause = OffsetResetEffect::Cause::out_of_range;
        p.reset_from = position;
        p.position.reset();
        p.need_reset = true;
        return;
    }
    if (a.end_offset >= position) return;  // completeValidation: the log holds the position
    ++stats_.truncations;
    OffsetResetEffect e{.group = opt_.group_index,
                        .member = opt_.member_index,
                        .tp = tp,
                        .cause = OffsetResetEffect::Cause::log_truncation,
                        .strategy = opt_.reset,
                        .from = position,
                        .to = a.end_offset};
    if (opt_.reset == OffsetReset::none) {
        // "Truncation detected ... but no reset policy is set": LogTruncationException
        // from poll(); the application would stop, the partition is fetched no more.
        p.truncation_blocked = true;
        out.offset_reset(e);
        return;
    }
    // "Truncation detected for partition ... at offset ..., resetting offset to
    // the first offset known to diverge ..." (seekValidated).
    p.position = a.end_offset;
    p.offset_epoch = a.leader_epoch;
    p.buffer.clear();
    out.offset_reset(e);
}

// Metadata.updatePartitionLeadership: the CurrentLeader of a fetch answer
// replaces the partition's leader when its epoch is newer than the metadata's.
bool Consumer::take_leader_hint(const FetchPartitionData& d) {
    if (d.current_leader.value() < 0 || d.current_leader_epoch == kNoEpoch) return false;
    auto m = metadata_.find(d.tp);
    if (m == metadata_.end() || d.current_leader_epoch <= m->second.leader_epoch) return false;
    m->second.leader = d.current_leader;
    m->second.leader_epoch = d.current_leader_epoch;
    ++stats_.leader_hints;
    return true;
}

}  // namespace ks::kafka
