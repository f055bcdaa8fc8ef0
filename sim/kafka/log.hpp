// Log: one replica's copy of a partition — record batches, offsets, the
// leader-epoch cache, and the byte positions that durability is judged by.
//
// Mirrors kafka.log.UnifiedLog + storage/.../epoch/LeaderEpochFileCache.java at
// the granularity kafkasim needs: batches, not records or segments.
//
// Invariants (checked by check_invariants(), asserted on every mutation in
// debug-heavy tests):
//   1. Batches are contiguous: batch[i+1].base_offset == batch[i].next_offset().
//   2. log_start_offset <= first batch's base offset (or == LEO when empty).
//   3. Epochs never decrease along the log; the epoch cache's entries have
//      strictly increasing epochs and strictly increasing start offsets, and
//      every start offset is <= LEO.
//   4. Truncation is batch-granular, as Kafka's LogSegment.truncateTo: the
//      batch holding the target offset is removed whole.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "kafka/types.hpp"
#include "kafkasim/settings.hpp"

namespace ks::kafka {

struct EpochEntry {
    LeaderEpoch epoch;
    Offset start_offset;
    bool operator==(const EpochEntry&) const = default;
};

// LeaderEpochFileCache: epoch -> first offset written in that epoch.
class LeaderEpochCache {
  public:
    // LeaderEpochFileCache.assign: appends (epoch, start) unless it repeats the
    // latest entry; first removes every entry whose epoch >= epoch or whose
    // start offset >= start (so the cache stays monotone in both).
    void assign(LeaderEpoch epoch, Offset start_offset);
    // Removes entries whose start offset >= end_offset (log truncated to end_offset).
    void truncate_from_end(Offset end_offset);
    // Drops entries wholly below start_offset, keeping the one covering it.
    void truncate_from_start(Offset start_offset);

    std::optional<LeaderEpoch> latest_epoch() const;
    // LeaderEpochFileCache.endOffsetFor (KIP-279): the largest epoch <= requested
    // and the start offset of the next higher epoch (or log_end_offset when the
    // requested epoch is the latest). (kNoEpoch, kUndefinedOffset) when the
    // requested epoch is undefined or above every known epoch.
    std::pair<LeaderEpoch, Offset> end_offset_for(LeaderEpoch requested, Offset log_end_offset) const;
    // The 0.11 form (KIP-101, before KIP-279): only an end offset — the start
    // offset of the first epoch above the requested one, LEO if the requested one
    // is the latest, kUndefinedOffset if there is none or it is below the first.
    Offset end_offset_for_v0(LeaderEpoch requested, Offset log_end_offset) const;

    const std::vector<EpochEntry>& entries() const { return entries_; }
    // Counts the changes to the entries: the leader-epoch-checkpoint file is
    // rewritten when this moves (LeaderEpochFileCache.writeToFile).
    std::uint64_t changes() const { return changes_; }
    // LeaderEpochFileCache built on the checkpoint file's entries (at start).
    void load(std::vector<EpochEntry> entries) {
        entries_ = std::move(entries);
        ++changes_;
    }

  private:
    std::vector<EpochEntry> entries_;
    std::uint64_t changes_ = 0;
};

// How a log is split into segments and what retention deletes (topic configs
// segment.bytes, segment.ms, retention.ms, retention.bytes).
using RetentionPolicy = ks::RetentionSettings;  // segment.bytes/ms, retention.ms/bytes

// A segment of the log: batches from `base` up to the next segment's base.
struct Segment {
    Offset base = 0;
    Bytes bytes = 0;
    Instant first_timestamp;  // timestamp of its first batch (segment.ms rolls from it)
    Instant max_timestamp;    // largest batch timestamp (retention.ms judges by it)
};

class Log {
  public:
    Offset log_start_offset() const { return log_start_offset_; }
    Offset log_end_offset() const { return batches_.empty() ? log_start_offset_ : batches_.back().next_offset(); }
    Bytes size_bytes() const { return end_bytes_ - start_bytes_; }
    // Bytes ever appended minus bytes truncated from the end: the file length
    // the disk sees (position of LEO).
    Bytes end_position() const { return end_bytes_; }
    const std::deque<RecordBatch>& batches() const { return batches_; }
    LeaderEpochCache& epochs() { return epochs_; }
    const LeaderEpochCache& epochs() const { return epochs_; }
    std::optional<LeaderEpoch> latest_epoch() const { return epochs_.latest_epoch(); }

    // Partition.makeLeader: the new leader records (epoch, LEO) before any write,
    // so followers asking for an older epoch learn where it ended.
    void assign_epoch_start(LeaderEpoch epoch) { epochs_.assign(epoch, log_end_offset()); }

    // Leader append: assigns offsets from LEO, stamps `epoch`. Returns the batch
    // as stored. REQUIRES: batch.record_count >= 1.
    const RecordBatch& append_as_leader(RecordBatch batch, LeaderEpoch epoch);
    // Follower append of a batch fetched from the leader, keeping its offsets
    // and epoch; assigns the epoch cache when the batch starts a new epoch.
    // REQUIRES: batch.base_offset == log_end_offset().
    void append_as_follower(const RecordBatch& batch);

    // Truncates so that LEO <= offset, removing whole batches (the one holding
    // `offset` too). Returns the new LEO. No-op if offset >= LEO.
    Offset truncate_to(Offset offset);
    // Removes everything and restarts the log at `offset` (fetch out of range
    // below the leader's log start).
    void truncate_fully_and_start_at(Offset offset);
    // Deletes whole batches below `offset` (retention); the log start offset
    // becomes `offset`. REQUIRES: offset <= LEO.
    void advance_log_start(Offset offset);

    // Batches holding offsets >= from_offset, whole, at most max_bytes in total
    // (at least one batch if any, as Kafka returns an oversized first batch).
    // With `exact_start`, a batch holding from_offset is cut to begin there:
    // message formats v0/v1 (before 0.11) keep uncompressed records as
    // separate entries, so a fetch from inside a producer's batch returns the
    // records from that very offset. Format v2 returns the whole batch.
    std::vector<RecordBatch> read(Offset from_offset, Bytes max_bytes, bool exact_start = false) const;
    // The first offset in [from, upto) at which this log and `other` hold
    // different records (another producer record, or another leader epoch),
    // whatever their batch boundaries; `upto` if none.
    // REQUIRES: both logs hold every offset in [from, upto).
    Offset first_difference(const Log& other, Offset from, Offset upto) const;
    // The largest batch boundary whose end position is <= position: the LEO a
    // power loss leaves when only `position` bytes of the file are durable.
    Offset offset_at_position(Bytes position) const;
    // The bytes of the batches holding offsets >= `from`, counted from the end,
    // at most `cap` (DelayedFetch: endOffset.positionDiff(fetchOffset)).
    Bytes bytes_from(Offset from, Bytes cap) const;
    // Whether `offset` lies in a segment before the active one.
    bool on_older_segment(Offset offset) const { return !segments_.empty() && offset < segments_.back().base; }
    // The end position (file length) if the log were truncated to `offset`.
    Bytes position_of(Offset offset) const;

    // Segment rolling follows `policy` (set before appends; default Kafka's).
    void set_policy(const RetentionPolicy& policy) { policy_ = policy; }
    const RetentionPolicy& policy() const { return policy_; }
    const std::deque<Segment>& segments() const { return segments_; }
    // UnifiedLog.deleteOldSegments: the log start offset retention allows at
    // `now` — whole non-active segments, oldest first, that breach retention.ms
    // (max timestamp older than now - retention.ms) or retention.bytes, and lie
    // wholly below `high_watermark`. Returns the current log start if none.
    Offset retention_target(Instant now, Offset high_watermark) const {
        return retention_plan(now, high_watermark).target;
    }
    // The same, with what it deletes: how many segments, and whether by time
    // (retention.ms) and by size (retention.bytes) — Kafka's
    // "Deleting segment ... due to retention time / size in bytes breach".
    struct RetentionPlan {
        Offset target = 0;
        std::int32_t segments = 0;
        bool by_time = false;
        bool by_size = false;
    };
    RetentionPlan retention_plan(Instant now, Offset high_watermark) const;

    // The records retention deleted from this log, per ledger producer: ranges
    // [lo, hi) of its per-partition record sequences (merged when contiguous),
    // so that the judge tells deleted records from lost ones.
    const std::map<std::int32_t, std::vector<std::pair<std::int64_t, std::int64_t>>>& deleted_records() const {
        return deleted_records_;
    }

    // How many times the log was cut back (truncate_to, truncate_fully_and_start_at):
    // a prefix checked before is unchanged while this stays the same.
    std::uint64_t truncations() const { return truncations_; }
    // How many times an append rolled a new active segment (UnifiedLog.roll).
    std::uint64_t rolls() const { return rolls_; }

    // ---- flushing (LocalLog.recoveryPoint / unflushedMessages / markFlushed) ----
    // Every offset below the recovery point was fsynced by this broker; a
    // restart after an unclean shutdown re-validates what lies above it.
    Offset recovery_point() const { return recovery_point_; }
    std::int64_t unflushed_messages() const { return log_end_offset() - recovery_point_; }
    Instant last_flush_time() const { return last_flush_time_; }
    // A flush up to `offset` completed at `now` (no-op when not past the recovery point).
    void mark_flushed(Offset offset, Instant now);
    // Recovery on (re)start: everything the log holds is valid (recovery
    // point = LEO); the flush clock starts at `now`.
    void mark_recovered(Instant now);
    // LogLoader at start: the epoch cache is read from the leader-epoch-checkpoint
    // file (`checkpoint`); after an unclean shutdown the recovered segments —
    // those from the one holding `recover_from` on — assign the epochs of their
    // batches again (LogSegment.recover); then the entries are cut to the log's
    // end and start (truncateFromEnd / truncateFromStart).
    void load_epochs(std::vector<EpochEntry> checkpoint, std::optional<Offset> recover_from);

    // Throws AssertionFailure with the broken invariant.
    void check_invariants() const;

  private:
    void track_segment(const RecordBatch& b, bool appending);
    void rebuild_segments();

    std::deque<RecordBatch> batches_;
    std::deque<Segment> segments_;
    RetentionPolicy policy_;
    std::map<std::int32_t, std::vector<std::pair<std::int64_t, std::int64_t>>> deleted_records_;
    Offset log_start_offset_ = 0;
    Bytes start_bytes_ = 0;  // file position of the first retained batch
    Bytes end_bytes_ = 0;    // file position of LEO
    std::uint64_t truncations_ = 0;
    std::uint64_t rolls_ = 0;
    Offset recovery_point_ = 0;
    Instant last_flush_time_ = Instant::zero();
    LeaderEpochCache epochs_;
};

}  // namespace ks::kafka
