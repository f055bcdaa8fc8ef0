// compression.type: the size and CPU model (kafka/compression.hpp), Kafka's
// CompressionRatioEstimator, and how a producer fills, builds and sends
// compressed batches (MemoryRecordsBuilder.hasRoomFor / isFull / close).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "kafka/compression.hpp"
#include "kafka/producer.hpp"

using namespace ks;
using namespace ks::kafka;

namespace {

// One producer alone: its timers kept here, its requests answered at once.
struct Harness {
    ProducerOptions opt;
    std::unique_ptr<Producer> p;
    Instant now = Instant::zero();
    std::map<std::uint64_t, Instant> timers;
    struct Sent {
        Instant at;
        Instant not_before;
        ProduceRequest request;
        NodeId to;
    };
    std::vector<Sent> produces;
    std::optional<std::pair<NodeId, MetadataRequest>> metadata;

    explicit Harness(ProducerOptions o) : opt(std::move(o)) {
        opt.bootstrap = {BrokerId(1)};
        p = std::make_unique<Producer>(opt, Rng(42));
        Outbox out;
        p->start(now, out);
        apply(out);
        MetadataResponse r;
        REQUIRE(metadata.has_value());
        r.correlation = metadata->second.correlation;
        PartitionState st;
        st.tp = TopicPartition{opt.topic, 0};
        st.leader = BrokerId(1);
        st.leader_epoch = 1;
        r.partitions.push_back(st);
        r.live_brokers.push_back(BrokerId(1));
        Outbox o2;
        p->on_message(now, metadata->first, r, o2);
        apply(o2);
    }

    void apply(Outbox& out) {
        std::vector<std::pair<NodeId, ApiVersionsRequest>> accept;
        for (auto& e : out.effects()) {
            if (auto* t = std::get_if<SetTimerEffect>(&e)) {
                timers[t->key] = t->when;
            } else if (auto* c = std::get_if<CancelTimerEffect>(&e)) {
                timers.erase(c->key);
            } else if (auto* s = std::get_if<SendEffect>(&e)) {
                if (auto* r = std::get_if<ProduceRequest>(&s->message))
                    produces.push_back({now, s->not_before, *r, s->to});
                if (auto* m = std::get_if<MetadataRequest>(&s->message)) metadata = std::pair{s->to, *m};
                if (auto* a = std::get_if<ApiVersionsRequest>(&s->message)) accept.emplace_back(s->to, *a);
            }
        }
        out.clear();
        p->check_invariants();
        for (const auto& [to, a] : accept) {
            Outbox o;
            p->on_message(now, to, ApiVersionsResponse{a.correlation}, o);
            apply(o);
        }
    }

    void send(Bytes value) {
        Outbox out;
        p->send(now, std::nullopt, value, out);
        apply(out);
    }

    // Fires every timer due up to `until`, in time order.
    void run_until(Instant until) {
        for (;;) {
            auto next = timers.end();
            for (auto it = timers.begin(); it != timers.end(); ++it)
                if (it->second <= until && (next == timers.end() || it->second < next->second)) next = it;
            if (next == timers.end()) break;
            now = next->second;
            const std::uint64_t key = next->first;
            timers.erase(next);
            Outbox out;
            p->on_timer(now, key, out);
            apply(out);
        }
        now = until;
    }

    // Answers every produce request from `from` on with success.
    void answer_from(std::size_t from) {
        for (std::size_t i = from; i < produces.size(); ++i) {
            ProduceResponse r;
            r.correlation = produces[i].request.correlation;
            for (const auto& part : produces[i].request.partitions)
                r.partitions.push_back(ProducePartitionResult{part.tp, Error::none, 0});
            Outbox out;
            p->on_message(now, produces[i].to, r, out);
            apply(out);
        }
    }
};

ProducerOptions options(Codec codec, double compressibility) {
    ProducerOptions o;
    o.acks = Acks::leader;
    o.idempotence = false;
    o.partitions = 1;
    o.linger = ms(1000);  // only a full batch goes before a second has passed
    o.batch_size = 16384;
    o.compression = codec;
    o.value_compressibility = compressibility;
    o.builtin.enable_adaptive_partitioning = false;
    return o;
}

// Sends `records` values of `value` bytes, each 100 µs after the last,
// answering every request at once; returns the batches sent.
std::vector<RecordBatch> produce(Harness& h, int records, Bytes value) {
    std::size_t answered = 0;
    for (int i = 0; i < records; ++i) {
        h.send(value);
        h.run_until(h.now + us(100));
        h.answer_from(answered);
        answered = h.produces.size();
    }
    std::vector<RecordBatch> out;
    for (const auto& s : h.produces)
        for (const auto& part : s.request.partitions) out.push_back(part.batch);
    return out;
}

constexpr Bytes kRecord = 1000 + 10;  // a 1000-byte value, a null key, DefaultRecord framing (ProducerOptions)

}  // namespace

TEST_CASE("compression: none keeps a batch's bytes, and no codec shrinks random values (value_compressibility 0)") {
    CHECK(compressed_records_bytes(Codec::none, 10000, 1.0) == 10000);
    CHECK(compressed_records_bytes(Codec::none, 10000, 0.0) == 10000);
    for (Codec c : {Codec::gzip, Codec::snappy, Codec::lz4, Codec::zstd}) {
        CAPTURE(static_cast<int>(c));
        // Incompressible: the records as they are, plus the format's framing.
        CHECK(compressed_records_bytes(c, 10000, 0.0) == 10000 + codec_model(c).frame_bytes);
        CHECK(codec_model(c).frame_bytes > 0);
    }
    CHECK(compress_time(Codec::none, 1 << 20) == Duration::zero());
    CHECK(decompress_time(Codec::none, 1 << 20) == Duration::zero());
}

TEST_CASE("compression: compressible values shrink toward the codec's published Silesia fraction (lzbench 1.7.1)") {
    // zlib -6 32.19 %, snappy 48.19 %, lz4 47.60 %, zstd -2 33.10 % of the bytes.
    const std::map<Codec, double> fraction = {
        {Codec::gzip, 0.3219}, {Codec::snappy, 0.4819}, {Codec::lz4, 0.4760}, {Codec::zstd, 0.3310}};
    for (const auto& [c, f] : fraction) {
        CAPTURE(static_cast<int>(c));
        const Bytes full = compressed_records_bytes(c, 100000, 1.0);
        CHECK(std::abs(full - codec_model(c).frame_bytes - static_cast<Bytes>(100000 * f)) <= 1);
        // Half the value compressible: half the saving.
        const Bytes half = compressed_records_bytes(c, 100000, 0.5);
        CHECK(std::abs(half - codec_model(c).frame_bytes - static_cast<Bytes>(100000 * (1 - 0.5 * (1 - f)))) <= 1);
        CHECK(full < half);
        CHECK(half < compressed_records_bytes(c, 100000, 0.0));
    }
    // gzip compresses best and slowest; lz4 decompresses fastest.
    CHECK(compress_time(Codec::gzip, 1000000) > compress_time(Codec::zstd, 1000000));
    CHECK(compress_time(Codec::zstd, 1000000) > compress_time(Codec::lz4, 1000000));
    CHECK(decompress_time(Codec::lz4, 1000000) < decompress_time(Codec::snappy, 1000000));
    CHECK(compress_time(Codec::gzip, 1000000) == ms(50));  // 20 MB/s
}

TEST_CASE("compression: CompressionRatioEstimator.updateEstimation steps as Kafka's") {
    // CompressionRatioEstimatorTest.testUpdateEstimation: never below the observed ratio.
    for (const auto& [current, observed] :
         std::vector<std::pair<float, float>>{{0.8F, 0.84F}, {0.6F, 0.7F}, {0.6F, 0.4F}, {0.004F, 0.001F}}) {
        CompressionRatioEstimator e;
        e.set_estimation(current);
        CHECK(e.update(observed) >= observed);
    }
    CompressionRatioEstimator e;
    CHECK(e.estimation() == 1.0F);           // CompressionType.ZSTD.rate
    CHECK(e.update(0.3F) == 1.0F - 0.005F);  // better than expected: COMPRESSION_RATIO_IMPROVING_STEP
    CHECK(e.update(0.3F) == 1.0F - 0.005F - 0.005F);
    CHECK(e.update(2.0F) == 2.0F);  // worse: at once, at least COMPRESSION_RATIO_DETERIORATE_STEP up
    CHECK(e.update(2.01F) == 2.05F);
}

TEST_CASE("compression: MemoryRecordsBuilder.estimatedBytesWritten counts records at the estimated ratio x 1.05") {
    CHECK(estimated_records_bytes(Codec::none, 10000, 0.2F) == 10000);  // exact without a codec
    CHECK(estimated_records_bytes(Codec::zstd, 10000, 1.0F) == 10500);  // COMPRESSION_RATE_ESTIMATION_FACTOR
    CHECK(estimated_records_bytes(Codec::gzip, 10000, 0.5F) == 5250);
}

TEST_CASE(
    "compression: a producer's first zstd batch fills at ratio 1.0 x 1.05, later ones hold more than batch.size "
    "of records (hasRoomFor, isFull, CompressionRatioEstimator)") {
    Harness none(options(Codec::none, 1.0));
    const auto plain = produce(none, 600, 1000);
    Harness zstd(options(Codec::zstd, 1.0));
    const auto packed = produce(zstd, 600, 1000);
    REQUIRE(plain.size() >= 3);
    REQUIRE(packed.size() >= 3);
    // Uncompressed: 61 + n x 1010 <= 16384 -> 16 records a batch, on the wire as they are.
    CHECK(plain[0].record_count == 16);
    CHECK(plain[0].size_bytes == kRecordBatchHeaderBytes + 16 * kRecord);
    CHECK(plain[0].codec == Codec::none);
    // zstd's first batch: the estimate starts at 1.0, times 1.05: 61 + (int) (n x 1010 x 1.05) <= 16384 -> 15.
    CHECK(packed[0].record_count == 15);
    CHECK(packed[0].codec == Codec::zstd);
    CHECK(packed[0].records_bytes == 15 * kRecord);
    // Built (close()), it takes the codec's size on the wire.
    CHECK(packed[0].size_bytes == kRecordBatchHeaderBytes + compressed_records_bytes(Codec::zstd, 15 * kRecord, 1.0));
    // Each batch that compresses better than expected lowers the estimate by
    // 0.005: batches grow, and past 16 records hold more than one uncompressed batch could.
    for (std::size_t i = 1; i < packed.size(); ++i) CHECK(packed[i - 1].record_count <= packed[i].record_count);
    CHECK(packed.back().record_count > 16);
    CHECK(packed.back().size_bytes < 16384);
    // Same records, fewer bytes on the wire.
    CHECK(zstd.p->stats().batch_bytes_sent < none.p->stats().batch_bytes_sent);
    CHECK(none.p->stats().batch_bytes_sent == none.p->stats().batch_bytes_sent_uncompressed);
    CHECK(zstd.p->stats().batch_bytes_sent_uncompressed > zstd.p->stats().batch_bytes_sent);
}

TEST_CASE("compression: random values gain nothing: batches fill as uncompressed ones at best, and are bigger") {
    Harness none(options(Codec::none, 1.0));
    const auto plain = produce(none, 200, 1000);
    Harness rnd(options(Codec::lz4, 0.0));
    const auto random = produce(rnd, 200, 1000);
    REQUIRE(!random.empty());
    for (const auto& b : random) {
        CHECK(b.record_count <= 16);
        CHECK(b.size_bytes == kRecordBatchHeaderBytes + b.records_bytes + codec_model(Codec::lz4).frame_bytes);
    }
    CHECK(rnd.p->stats().batch_bytes_sent > rnd.p->stats().batch_bytes_sent_uncompressed);
    // Per record sent, more bytes than without a codec (smaller batches: more headers).
    const auto& r = rnd.p->stats();
    const auto& n = none.p->stats();
    CHECK(r.batch_bytes_sent * n.request_records > n.batch_bytes_sent * r.request_records);
}

TEST_CASE("compression: the sender thread compresses a drained batch before its request leaves the host") {
    Harness h(options(Codec::gzip, 1.0));
    for (int i = 0; i < 16; ++i) h.send(1000);  // the 16th does not fit the estimate: the first batch is full
    REQUIRE(h.produces.size() == 1);
    const auto& first = h.produces[0];
    const Bytes records = first.request.partitions[0].batch.records_bytes;
    CHECK(records == 15 * kRecord);
    // gzip at 20 MB/s: 50 ns a byte of the uncompressed records.
    CHECK(first.not_before == first.at + compress_time(Codec::gzip, records));
    CHECK(h.p->stats().compress_time == compress_time(Codec::gzip, records));
    // Without a codec nothing waits.
    Harness plain(options(Codec::none, 1.0));
    for (int i = 0; i < 17; ++i) plain.send(1000);
    REQUIRE(plain.produces.size() == 1);
    CHECK(plain.produces[0].not_before == Instant::zero());
}

TEST_CASE(
    "compression: the leader keeps a batch's codec with compression.type=producer and recompresses otherwise "
    "(BrokerCompressionType.targetCompression, LogValidator)") {
    RecordBatch b;
    b.record_count = 10;
    b.codec = Codec::zstd;
    b.records_bytes = 100000;
    b.compressibility = 1.0;
    b.size_bytes = kRecordBatchHeaderBytes + compressed_records_bytes(Codec::zstd, 100000, 1.0);
    // "producer": as it came; validation still decompresses it (skipKeyValueIterator).
    CHECK(stored_batch(b, std::nullopt).size_bytes == b.size_bytes);
    CHECK(stored_batch(b, Codec::zstd).codec == Codec::zstd);
    CHECK(validation_time(b, std::nullopt) == decompress_time(Codec::zstd, 100000));
    // Another codec: decompressed and compressed again, stored with that codec's size.
    const RecordBatch g = stored_batch(b, Codec::gzip);
    CHECK(g.codec == Codec::gzip);
    CHECK(g.records_bytes == 100000);
    CHECK(g.size_bytes == kRecordBatchHeaderBytes + compressed_records_bytes(Codec::gzip, 100000, 1.0));
    CHECK(validation_time(b, Codec::gzip) == decompress_time(Codec::zstd, 100000) + compress_time(Codec::gzip, 100000));
    // "uncompressed": stored as the records are.
    const RecordBatch u = stored_batch(b, Codec::none);
    CHECK(u.codec == Codec::none);
    CHECK(u.size_bytes == kRecordBatchHeaderBytes + 100000);
    // An uncompressed batch costs nothing extra unless the topic compresses it.
    RecordBatch plain;
    plain.record_count = 10;
    plain.records_bytes = 100000;
    plain.size_bytes = kRecordBatchHeaderBytes + 100000;
    CHECK(validation_time(plain, std::nullopt) == Duration::zero());
    CHECK(stored_batch(plain, std::nullopt).size_bytes == plain.size_bytes);
    CHECK(validation_time(plain, Codec::lz4) == compress_time(Codec::lz4, 100000));
}
