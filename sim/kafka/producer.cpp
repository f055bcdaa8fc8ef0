// Producer: options and the accumulator
// (KafkaProducer.doSend, RecordAccumulator.append). The sender half is in
// producer_sender.cpp.
#include "kafka/producer.hpp"

#include <algorithm>
#include <cmath>

#include "core/assert.hpp"
#include "core/distribution.hpp"
#include "kafka/partitioner_legacy.hpp"
#include "kafka/partitioner_round_robin.hpp"
#include "kafka/partitioner_weighted.hpp"
#include "kafka/versions.hpp"

namespace ks::kafka {

namespace {

WeightedPartitionerOptions weighted_options(const PartitionerSpec& spec, std::int32_t partitions) {
    WeightedPartitionerOptions o;
    o.partition_count = partitions;
    auto targets = [](const PartitionerRule& r) {
        // Scale the (real) weights to integers, the smallest to 1000.
        double lo = 1;
        if (!r.weights.empty()) lo = *std::min_element(r.weights.begin(), r.weights.end());
        std::vector<WeightedPartition> out;
        for (std::size_t i = 0; i < r.partitions.size(); ++i) {
            const double w = i < r.weights.size() ? r.weights[i] / lo : 1.0;
            const auto iw =
                static_cast<std::int32_t>(std::clamp(std::llround(w * 1000), 1LL, static_cast<long long>(kWeightMax)));
            out.push_back(WeightedPartition{r.partitions[i], iw});
        }
        return out;
    };
    for (const PartitionerRule& r : spec.rules) {
        if (!r.key_from) {
            o.default_partitions = targets(r);  // the catch-all rule (last)
            break;
        }
        WeightedRule w;
        w.key_ranges.push_back(KeyRange{*r.key_from, *r.key_to});
        w.partitions = targets(r);
        o.rules.push_back(std::move(w));
    }
    return o;
}

}  // namespace

Producer::Producer(ProducerOptions options, Rng rng)
    : opt_(std::move(options)),
      partition_rng_(rng.fork("partitioner")),
      backoff_rng_(rng.fork("backoff")),
      builtin_(std::max(1, opt_.batch_size)),
      latency_(opt_.builtin),
      producer_id_(opt_.producer_id_base + opt_.index) {
    KS_ASSERT_GE(opt_.partitions, 1);
    KS_ASSERT(!opt_.bootstrap.empty());
    KS_ASSERT_GE(opt_.max_in_flight, 1);
    KS_ASSERT(!opt_.idempotence || opt_.acks == Acks::all);
    parts_ = std::vector<PartState>(static_cast<std::size_t>(opt_.partitions));
    if (opt_.partitioner.kind == PartitionerSpec::Kind::weighted) {
        custom_ = std::make_unique<WeightedPartitioner>(weighted_options(opt_.partitioner, opt_.partitions));
    } else if (opt_.round_robin_class || opt_.partitioner.kind == PartitionerSpec::Kind::round_robin) {
        KS_ASSERT(has_round_robin_partitioner(opt_.client_version));
        custom_ = std::make_unique<RoundRobinPartitioner>(
            RoundRobinPartitionerOptions{.kafka_17632_fix = round_robin_partitioner_fixed(opt_.client_version)});
    } else if (no_key_partitioning(opt_.client_version) == NoKeyPartitioning::round_robin_per_record) {
        custom_ = std::make_unique<RoundRobinDefaultPartitioner>();  // up to 2.3: the default partitioner.class
    } else if (no_key_partitioning(opt_.client_version) == NoKeyPartitioning::sticky_per_batch) {
        custom_ = std::make_unique<DefaultPartitioner>();  // 2.4 to 3.2: the default partitioner.class
    }
}

Producer::~Producer() = default;

void Producer::start(Instant now, Outbox& out) {
    request_metadata(now, out);
    out.set_timer(timer_key(kMetadataRefresh), now + opt_.metadata_max_age);
}

void Producer::send(Instant now, std::optional<std::int64_t> key, Bytes value_bytes, Outbox& out) {
    append(now, key ? static_cast<std::int32_t>(*key) : -1, value_bytes, out);
    run_sender(now, out);
}

// ---- KafkaProducer.send ----------------------------------------------------------------------

// The application's send threads (send_threads) call KafkaProducer.send one
// record at a time. With buffer.memory full, send() blocks in
// BufferPool.allocate for up to max.block.ms from the moment it was called;
// the records that arrive meanwhile wait in the application, in order, until
// a thread is free to call send() for them. Blocked calls get memory in the
// order they asked (BufferPool's waiters deque).
void Producer::append(Instant at, std::int32_t key, Bytes value_bytes, Outbox& out) {
    ++stats_.sent;
    // Behind a blocked send() the application waits: keep its order.
    if (blocked_.empty() && try_append(at, at, key, value_bytes)) return;
    ++stats_.blocked;
    if (blocked_.size() >= opt_.blocked_records_max) {
        fail_blocked(Blocked{at, key, value_bytes, at}, out);  // the backlog limit: fail at once
        return;
    }
    blocked_.push_back(Blocked{at, key, value_bytes, Instant::max()});
    start_blocked_sends(at);
}

// Free send threads take the next waiting records: their send() starts at `now`.
void Producer::start_blocked_sends(Instant now) {
    while (in_send_ < blocked_.size() && in_send_ < static_cast<std::size_t>(std::max(1, opt_.send_threads))) {
        blocked_[in_send_].call_start = std::max(now, blocked_[in_send_].at);
        ++in_send_;
    }
}

void Producer::drain_blocked(Instant now, Outbox& out) {
    while (!blocked_.empty()) {
        KS_ASSERT_GE(in_send_, std::size_t{1});
        const Blocked b = blocked_.front();
        // Calls started in queue order, so the first is the first to time out.
        const Instant deadline = b.call_start + opt_.max_block;
        if (deadline <= now) {
            blocked_.pop_front();
            --in_send_;
            fail_blocked(b, out);
            start_blocked_sends(deadline);  // the thread takes the next record as the exception returns
            continue;
        }
        if (!try_append(b.at, now, b.key, b.value_bytes)) return;
        blocked_.pop_front();
        --in_send_;
        start_blocked_sends(now);
    }
}

// KafkaProducer.doSend's TimeoutException from BufferPool.allocate: the record
// has a partition (chosen before the allocation) and a record number there.
void Producer::fail_blocked(const Blocked& b, Outbox& out) {
    ++stats_.block_timeouts;
    ++stats_.failed;
    const std::int32_t p = choose_partition(b.key, record_bytes(b.key, b.value_bytes));
    PartState& ps = parts_[static_cast<std::size_t>(p)];
    const std::int64_t record = ps.next_record++;
    note_sent(p, record, b.key);
    flush_sent(out);  // the ledger sees the record before its outcome
    RecordsOutcomeEffect e;
    e.producer = opt_.index;
    e.tp = TopicPartition{opt_.topic, p};
    e.first_record = record;
    e.count = 1;
    e.outcome = RecordsOutcomeEffect::Outcome::failed;
    e.error = Error::request_timed_out;
    e.failure = RecordsOutcomeEffect::Failure::max_block;
    out.records_outcome(std::move(e));
}

// ---- the accumulator ----------------------------------------------------------------------

Bytes Producer::record_bytes(std::int32_t key, Bytes value_bytes) const {
    // The length of record_key(key): its decimal digits.
    Bytes key_len = 0;
    for (std::int64_t k = key; k >= 0 && (key_len == 0 || k > 0); k /= 10) ++key_len;
    return value_bytes + key_len + opt_.record_overhead_bytes;
}

TopicPartitionsView Producer::view() const {
    return TopicPartitionsView{opt_.topic_name, opt_.partitions, available_};
}

bool Producer::fits(std::int32_t partition, Bytes rec) const {
    const auto& q = parts_[static_cast<std::size_t>(partition)].queue;
    if (q.empty() || q.back()->closed) return false;
    return q.back()->size_bytes + rec <= opt_.batch_size;
}

// ProducerBatch.isFull for the deque's last batch; true when there is none.
bool Producer::last_batch_full(std::int32_t partition) const {
    const auto& q = parts_[static_cast<std::size_t>(partition)].queue;
    return q.empty() || q.back()->closed || q.back()->size_bytes >= opt_.batch_size;
}

// The partition of the next record (KafkaProducer.partition), without appending.
std::int32_t Producer::choose_partition(std::int32_t key, Bytes rec) {
    const TopicPartitionsView v = view();
    if (key >= 0 && !custom_ && !opt_.ignore_keys) {
        // murmur2 of the key's bytes (partition_for_key), remembered per key
        // index: the same keys come back again and again.
        constexpr std::size_t kCacheMax = std::size_t{1} << 20;
        const auto k = static_cast<std::size_t>(key);
        if (k >= kCacheMax) return partition_for_key(as_key_bytes(record_key(key)), opt_.partitions);
        if (k >= key_partition_.size())
            key_partition_.resize(std::min(kCacheMax, std::max<std::size_t>(1024, 2 * k + 1)), -1);
        std::int32_t& cached = key_partition_[k];
        if (cached < 0) cached = partition_for_key(as_key_bytes(record_key(key)), opt_.partitions);
        return cached;
    }
    std::string key_text;
    std::optional<KeyBytes> key_bytes;
    if (key >= 0) {
        key_text = record_key(key);
        key_bytes = as_key_bytes(key_text);
    }
    if (custom_) {
        if (!asks_partitioner_again_on_new_batch(opt_.client_version)) return custom_->partition(key_bytes, v, random_);
        return partition_for_send(*custom_, key_bytes, v, random_, [&](std::int32_t p) { return !fits(p, rec); });
    }
    return builtin_.peek_current_partition(v, random_);
}

bool Producer::try_append(Instant at, Instant created, std::int32_t key, Bytes value_bytes) {
    const Bytes rec = record_bytes(key, value_bytes);
    const bool sticky = !custom_ && (key < 0 || opt_.ignore_keys);
    if (!sticky) return append_to(choose_partition(key, rec), at, created, key, rec);
    // RecordAccumulator.append with the built-in partitioner (partitioner_builtin.hpp's protocol).
    const TopicPartitionsView v = view();
    std::int32_t p = -1;
    for (int round = 0;; ++round) {
        KS_ASSERT_LT(round, 8);
        p = builtin_.peek_current_partition(v, random_);
        if (last_batch_full(p) && builtin_.complete_deferred_switch(true, v, random_)) continue;
        if (!fits(p, rec) && !last_batch_full(p)) {
            parts_[static_cast<std::size_t>(p)].queue.back()->closed = true;
            if (builtin_.complete_deferred_switch(true, v, random_)) continue;
        }
        break;
    }
    Bytes appended = 0;
    if (!append_to(p, at, created, key, rec, &appended)) return false;
    builtin_.update_partition_info(appended, last_batch_full(p), v, random_);
    return true;
}

// ProducerBatch.tryAppend into the deque's last batch, or a new batch. The
// batch's size is MemoryRecordsBuilder.estimatedBytesWritten: with a codec its
// records count at the estimator's ratio × 1.05 (compression.hpp), so a batch
// of compressible records holds more of them before batch.size fills it
// (hasRoomFor / isFull compare that estimate with batch.size).
bool Producer::append_to(std::int32_t partition, Instant at, Instant created, std::int32_t key, Bytes rec,
                         Bytes* appended) {
    KS_ASSERT(partition >= 0 && partition < opt_.partitions);
    PartState& ps = parts_[static_cast<std::size_t>(partition)];
    if (!fits(partition, rec)) {
        if (!ps.queue.empty()) ps.queue.back()->closed = true;
        // BufferPool.allocate: a batch takes max(batch.size, its first record).
        const Bytes need = std::max<Bytes>(opt_.batch_size, rec + opt_.batch_overhead_bytes);
        if (buffer_used_ + need > opt_.buffer_memory) return false;
        buffer_used_ += need;
        auto b = std::make_unique<ProducerBatch>();
        b->tp = TopicPartition{opt_.topic, partition};
        b->first_record = ps.next_record;
        b->size_bytes = opt_.batch_overhead_bytes;
        b->allocated_bytes = need;
        b->created = created;
        b->estimated_ratio = ratio_estimator_.estimation();
        ps.queue.push_back(std::move(b));
        ps.ever_had_queue = true;
    }
    ProducerBatch& b = *ps.queue.back();
    ++b.count;
    const Bytes before = b.size_bytes;
    b.records_bytes += rec;
    b.size_bytes =
        opt_.batch_overhead_bytes + estimated_records_bytes(opt_.compression, b.records_bytes, b.estimated_ratio);
    if (appended) *appended = b.count == 1 ? b.size_bytes - opt_.batch_overhead_bytes : b.size_bytes - before;
    b.send_times.push_back(at);
    note_sent(partition, ps.next_record++, key);
    return true;
}

void Producer::note_sent(std::int32_t partition, std::int64_t record, std::int32_t key) {
    if (pending_sent_.empty()) pending_sent_.resize(static_cast<std::size_t>(opt_.partitions));
    RecordsSentEffect& e = pending_sent_[static_cast<std::size_t>(partition)];
    if (e.count == 0) {
        e.producer = opt_.index;
        e.tp = TopicPartition{opt_.topic, partition};
        e.first_record = record;
        e.keys.reserve(16);
        ++pending_sent_partitions_;
    }
    KS_ASSERT_EQ(e.first_record + e.count, record);  // contiguous within a call
    ++e.count;
    e.keys.push_back(key);
}

void Producer::flush_sent(Outbox& out) {
    if (pending_sent_partitions_ == 0) return;
    for (RecordsSentEffect& e : pending_sent_) {
        if (e.count == 0) continue;
        out.records_sent(std::move(e));
        e = RecordsSentEffect{};
    }
    pending_sent_partitions_ = 0;
}

// ---- introspection ------------------------------------------------------------------------

std::size_t Producer::queued_batches(std::int32_t partition) const {
    return parts_.at(static_cast<std::size_t>(partition)).queue.size();
}

std::int32_t Producer::in_flight_requests(BrokerId broker) const {
    auto it = in_flight_per_broker_.find(broker);
    return it == in_flight_per_broker_.end() ? 0 : it->second;
}

bool Producer::idle() const {
    if (!blocked_.empty() || !in_flight_.empty()) return false;
    for (const auto& ps : parts_) {
        if (!ps.queue.empty()) return false;
    }
    return true;
}

std::optional<BrokerId> Producer::leader_of(std::int32_t partition) const {
    const BrokerId l = parts_.at(static_cast<std::size_t>(partition)).leader;
    if (l.value() < 0) return std::nullopt;
    return l;
}

void Producer::check_invariants() const {
    Bytes allocated = 0;
    for (const auto& ps : parts_) {
        std::int64_t prev_end = -1;
        for (const auto& b : ps.queue) {
            KS_ASSERT_EQ(static_cast<std::size_t>(b->count), b->send_times.size());
            KS_ASSERT_GT(b->count, 0);
            KS_ASSERT_GT(b->first_record, prev_end - 1);  // ascending record numbers
            prev_end = b->first_record + b->count;
            allocated += b->allocated_bytes;
        }
        KS_ASSERT_GE(ps.in_flight_batches, 0);
    }
    for (const auto& [c, f] : in_flight_) {
        for (const auto& b : f.batches) allocated += b->allocated_bytes;
    }
    KS_ASSERT_EQ(allocated, buffer_used_);
    KS_ASSERT_LE(buffer_used_, opt_.buffer_memory);
    for (const auto& [b, n] : in_flight_per_broker_) KS_ASSERT_LE(n, opt_.max_in_flight);
}

}  // namespace ks::kafka
