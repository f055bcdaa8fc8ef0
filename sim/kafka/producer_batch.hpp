// ProducerBatch: records of one partition that travel together, from the
// accumulator to the broker and back. Mirrors
// org.apache.kafka.clients.producer.internals.ProducerBatch.
//
// A batch holds records first_record .. first_record + count - 1 of its
// producer on its partition (contiguous, in send order). Per record it keeps
// only the instant the application called send(), for the ack latency; the
// batch is freed when its outcome is final.
//
// Invariants: count == send_times.size(); size_bytes <= batch.size unless the
// batch holds a single oversized record; once closed, no record is appended;
// base_sequence is kNoSequence until the first drain with idempotence, and a
// retry keeps it (TransactionManager resets it only on an epoch bump).
#pragma once

#include <cstdint>
#include <vector>

#include "kafka/types.hpp"

namespace ks::kafka {

struct ProducerBatch {
    TopicPartition tp;
    std::int64_t first_record = 0;
    std::int32_t count = 0;
    // The batch's size: while open, MemoryRecordsBuilder.estimatedBytesWritten
    // (header + records, compressed by the estimated ratio); once compressed
    // (closed by a drain), the exact size on the wire.
    Bytes size_bytes = 0;
    Bytes records_bytes = 0;                   // its records uncompressed (uncompressedRecordsSizeInBytes)
    float estimated_ratio = 1.0F;              // the estimator's ratio when it was created
    bool compressed = false;                   // built (MemoryRecordsBuilder.close): size_bytes is final
    Bytes allocated_bytes = 0;                 // taken from buffer.memory (BufferPool)
    Instant created;                           // first append: linger.ms and delivery.timeout.ms count from here
    bool closed = false;                       // closed for appends (full, or drained)
    std::int32_t attempts = 0;                 // sends so far
    bool retry = false;                        // re-enqueued after a failed attempt
    Instant retry_at;                          // with retry: not before (retry.backoff)
    LeaderEpoch sent_leader_epoch = kNoEpoch;  // the partition's leader epoch at the last attempt
    std::int64_t producer_id = kNoProducerId;
    // An epoch bump rewrote its sequence since it was last sent
    // (ProducerBatch.sequenceHasBeenReset; cleared when it is drained again).
    bool sequence_reset = false;
    std::int32_t base_sequence = kNoSequence;
    std::vector<Instant> send_times;  // per record

    std::int32_t last_sequence() const { return base_sequence + count - 1; }
};

}  // namespace ks::kafka
