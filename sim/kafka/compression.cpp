#include "kafka/compression.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/assert.hpp"

namespace ks::kafka {

namespace {

// lzbench 1.7.1, silesia.tar, Core i5-4300U (compression.hpp says which rows):
// the "Ratio" column over 100, and 1000 / the MB/s columns.
constexpr CodecModel per_mb_s(double ratio_percent, double compress_mb_s, double decompress_mb_s, Bytes frame) {
    return CodecModel{.compressed_fraction = ratio_percent / 100.0,
                      .compress_ns_per_byte = 1000.0 / compress_mb_s,
                      .decompress_ns_per_byte = 1000.0 / decompress_mb_s,
                      .frame_bytes = frame};
}

// By Codec's value: none, gzip, snappy, lz4, zstd.
constexpr std::array<CodecModel, 5> kCodecs = {
    CodecModel{},
    per_mb_s(32.19, 20, 267, 10 + 8),          // zlib 1.2.11 -6
    per_mb_s(48.19, 327, 1075, 16 + 4),        // snappy 1.1.4
    per_mb_s(47.60, 452, 2244, 7 + 4 + 4),     // lz4 1.7.5
    per_mb_s(33.10, 185, 587, 4 + 1 + 1 + 3),  // zstd 1.1.4 -2
};

// MemoryRecordsBuilder.COMPRESSION_RATE_ESTIMATION_FACTOR
constexpr float kEstimationFactor = 1.05F;
// CompressionRatioEstimator.COMPRESSION_RATIO_IMPROVING_STEP / _DETERIORATE_STEP
constexpr float kImprovingStep = 0.005F;
constexpr float kDeteriorateStep = 0.05F;

Duration per_byte(double ns_per_byte, Bytes bytes) {
    return ns(std::llround(ns_per_byte * static_cast<double>(bytes)));
}

}  // namespace

const CodecModel& codec_model(Codec codec) {
    const auto i = static_cast<std::size_t>(codec);
    KS_ASSERT_LT(i, kCodecs.size());
    return kCodecs[i];
}

Bytes compressed_records_bytes(Codec codec, Bytes records_bytes, double compressibility) {
    KS_ASSERT_GE(records_bytes, 0);
    KS_ASSERT(compressibility >= 0 && compressibility <= 1);
    if (codec == Codec::none) return records_bytes;
    const CodecModel& m = codec_model(codec);
    const double kept = 1.0 - compressibility * (1.0 - m.compressed_fraction);
    return m.frame_bytes + static_cast<Bytes>(std::ceil(static_cast<double>(records_bytes) * kept));
}

Duration compress_time(Codec codec, Bytes records_bytes) {
    return per_byte(codec_model(codec).compress_ns_per_byte, records_bytes);
}

Duration decompress_time(Codec codec, Bytes records_bytes) {
    return per_byte(codec_model(codec).decompress_ns_per_byte, records_bytes);
}

float CompressionRatioEstimator::update(float observed_ratio) {
    const float current = estimation_;
    if (observed_ratio > current)
        estimation_ = std::max(current + kDeteriorateStep, observed_ratio);
    else if (observed_ratio < current)
        estimation_ = std::max(current - kImprovingStep, observed_ratio);
    return estimation_;
}

Bytes estimated_records_bytes(Codec codec, Bytes records_bytes, float estimated_ratio) {
    if (codec == Codec::none) return records_bytes;
    // Java: (int) (uncompressedRecordsSizeInBytes * estimatedCompressionRatio * 1.05f), in float.
    return static_cast<Bytes>(static_cast<float>(records_bytes) * estimated_ratio * kEstimationFactor);
}

Bytes uncompressed_records_bytes(const RecordBatch& batch) {
    if (batch.records_bytes > 0) return batch.records_bytes;
    return std::max<Bytes>(0, batch.size_bytes - kRecordBatchHeaderBytes);
}

Codec target_codec(std::optional<Codec> topic_compression, Codec batch_codec) {
    return topic_compression.value_or(batch_codec);
}

RecordBatch stored_batch(RecordBatch batch, std::optional<Codec> topic_compression) {
    const Codec target = target_codec(topic_compression, batch.codec);
    if (target == batch.codec) return batch;
    const Bytes records = uncompressed_records_bytes(batch);
    batch.records_bytes = records;
    batch.codec = target;
    batch.size_bytes = kRecordBatchHeaderBytes + compressed_records_bytes(target, records, batch.compressibility);
    return batch;
}

Duration validation_time(const RecordBatch& batch, std::optional<Codec> topic_compression) {
    const Codec target = target_codec(topic_compression, batch.codec);
    const Bytes records = uncompressed_records_bytes(batch);
    Duration t = decompress_time(batch.codec, records);
    if (target != batch.codec) t += compress_time(target, records);
    return t;
}

}  // namespace ks::kafka
