// End-to-end compression.type: a codec's bytes on the wire and on disk, and
// what compressible or random values make of it (kafka/compression.hpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kafkasim/scenario.hpp"
#include "kafkasim/simulation.hpp"

using namespace ks;

namespace {

RunSummary run(const std::string& text, const std::vector<std::string>& sets = {}) {
    const auto loaded = scenario::load_string(text, "test.json", {.overrides = sets});
    RunOptions o;
    o.seed = 3;
    return run_simulation(loaded.scenario, o).summary;
}

// 1,500 records/s of 1,000 bytes is 12 Mbit/s of records: more than the 8
// Mbit/s links carry, so uncompressed the producer's requests queue on its link.
const std::string kNarrowLink = R"({"name": "narrow-link", "duration_s": 10, "settle_max_s": 120,
 "cluster": {"brokers": 1, "network": {"bandwidth_mbps": 8}},
 "topics": [{"name": "logs", "partitions": 1, "replication_factor": 1}],
 "producers": [{"name": "p", "topic": "logs", "rate_per_s": 1500, "value_bytes": 1000,
                "config": {"acks": "1", "enable.idempotence": false}}]})";

const std::string kZstd = R"(producers.p.config.compression.type="zstd")";

}  // namespace

TEST_CASE(
    "e2e compression: zstd on compressible values cuts the bytes on the wire and the latency of a "
    "bandwidth-bound producer") {
    const RunSummary none = run(kNarrowLink);
    const RunSummary zstd = run(kNarrowLink, {kZstd, "producers.p.value_compressibility=1"});
    REQUIRE(none.producers.size() == 1);
    REQUIRE(zstd.producers.size() == 1);
    const ProducerSummary& n = none.producers[0];
    const ProducerSummary& z = zstd.producers[0];
    CHECK(n.sent == z.sent);  // the same workload
    CHECK(none.records.acked == none.records.sent);
    CHECK(zstd.records.acked == zstd.records.sent);
    // Uncompressed, what is sent is what the batches hold.
    CHECK(n.bytes_sent == n.bytes_sent_uncompressed);
    CHECK(n.compression_rate_avg == doctest::Approx(1.0));
    CHECK(n.compress_time_ms == 0);
    // zstd sends about a third of the bytes (Silesia: 33 %) and spends CPU on it.
    CHECK(z.bytes_sent * 2 < n.bytes_sent);
    CHECK(z.bytes_sent * 2 < z.bytes_sent_uncompressed);
    CHECK(z.compression_rate_avg < 0.5);
    CHECK(z.compress_time_ms > 0);
    // The same records take as much less on the leader's disk.
    REQUIRE(none.partitions.size() == 1);
    REQUIRE(zstd.partitions.size() == 1);
    CHECK(none.partitions[0].log_end_offset == zstd.partitions[0].log_end_offset);
    CHECK(none.partitions[0].log_size_bytes == n.bytes_sent);  // every batch once: no retry, no retention
    CHECK(zstd.partitions[0].log_size_bytes * 2 < none.partitions[0].log_size_bytes);
    // The link keeps up: acknowledgements come far sooner.
    MESSAGE("p99 none ", n.latency_ms.p99, " ms, zstd ", z.latency_ms.p99, " ms");
    CHECK(z.latency_ms.p99 * 4 < n.latency_ms.p99);
    CHECK(z.latency_ms.p50 < n.latency_ms.p50);
}

TEST_CASE("e2e compression: random values (value_compressibility 0) gain nothing from zstd") {
    const RunSummary none = run(kNarrowLink);
    const RunSummary rnd = run(kNarrowLink, {kZstd, "producers.p.value_compressibility=0"});
    const ProducerSummary& n = none.producers[0];
    const ProducerSummary& r = rnd.producers[0];
    CHECK(n.sent == r.sent);
    // More bytes than uncompressed (the codec's framing, smaller batches while
    // the estimate is above 1), CPU spent for nothing, and no faster.
    CHECK(r.bytes_sent > r.bytes_sent_uncompressed);
    CHECK(r.bytes_sent >= n.bytes_sent);
    CHECK(r.compression_rate_avg > 1.0);
    MESSAGE("p99 none ", n.latency_ms.p99, " ms, zstd of random bytes ", r.latency_ms.p99, " ms");
    CHECK(r.latency_ms.p99 >= n.latency_ms.p99);
}

namespace {

// retention.bytes keeps a byte budget of the log: the fewer bytes a record
// takes on disk, the more records it keeps.
const std::string kRetention = R"({"name": "retention", "duration_s": 10, "settle_max_s": 120,
 "cluster": {"brokers": 1, "config": {"log.retention.check.interval.ms": 1000}},
 "topics": [{"name": "logs", "partitions": 1, "replication_factor": 1,
             "config": {"segment.bytes": 200000, "retention.bytes": 600000}}],
 "producers": [{"name": "p", "topic": "logs", "rate_per_s": 1000, "value_bytes": 1000,
                "config": {"acks": "1", "enable.idempotence": false}}]})";

}  // namespace

TEST_CASE(
    "e2e compression: a compressed log keeps more records under retention.bytes, whether the producer or the "
    "topic's compression.type compresses them") {
    const RunSummary none = run(kRetention);
    const RunSummary producer_zstd = run(kRetention, {kZstd});
    // The producer sends uncompressed; the leader recompresses into gzip (LogValidator).
    const RunSummary topic_gzip = run(kRetention, {R"(topics.logs.config.compression.type="gzip")"});
    CHECK(none.records.deleted > 0);
    MESSAGE("deleted by retention: none ", none.records.deleted, ", producer zstd ", producer_zstd.records.deleted,
            ", topic gzip ", topic_gzip.records.deleted);
    CHECK(producer_zstd.records.deleted < none.records.deleted);
    CHECK(topic_gzip.records.deleted < none.records.deleted);
    // The topic's codec changes the disk, not the producer's wire: per record
    // kept, the gzip log is smaller.
    const std::int64_t kept_gzip = topic_gzip.records.sent - topic_gzip.records.deleted;
    const std::int64_t kept_none = none.records.sent - none.records.deleted;
    CHECK(topic_gzip.partitions.at(0).log_size_bytes * kept_none < none.partitions.at(0).log_size_bytes * kept_gzip);
    CHECK(topic_gzip.producers[0].bytes_sent == topic_gzip.producers[0].bytes_sent_uncompressed);
    CHECK(topic_gzip.producers[0].bytes_sent == none.producers[0].bytes_sent);
    // compression.type=producer (the default) keeps the producer's codec.
    const RunSummary kept = run(kRetention, {kZstd, R"(topics.logs.config.compression.type="producer")"});
    CHECK(kept.records.deleted == producer_zstd.records.deleted);
    CHECK(kept.trace_hash == producer_zstd.trace_hash);
}

TEST_CASE("e2e compression: the default (none, topic producer) leaves the run as it was") {
    const RunSummary base = run(kRetention);
    const RunSummary explicit_none =
        run(kRetention, {R"(producers.p.config.compression.type="none")", "producers.p.value_compressibility=0.3",
                         R"(topics.logs.config.compression.type="producer")"});
    CHECK(base.trace_hash == explicit_none.trace_hash);
}
