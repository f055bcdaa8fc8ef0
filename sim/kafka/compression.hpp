// Compression: what a batch's codec (compression.type) does to its bytes and
// what it costs in CPU. A model, not Kafka code — Kafka calls real codecs —
// except the producer's CompressionRatioEstimator, which is Kafka's.
//
// Size. A batch's records take R bytes uncompressed (DefaultRecord framing,
// keys and values). Compressed with codec k they take
//     frame(k) + ceil(R × (1 − c × (1 − f(k))))
// where f(k) is the codec's compressed fraction on a reference corpus and c the
// producer's value_compressibility in [0, 1]: a value of which a share c
// compresses like the corpus and the rest is random bytes (which no codec
// shrinks) compresses to that share times f plus the rest. c = 1: the corpus's
// ratio; c = 0: incompressible, the codec only adds its framing. The batch
// header (61 bytes) is never compressed (DefaultRecordBatch).
//
// The figures (kCodecs in compression.cpp) are lzbench 1.7.1's published
// results on silesia.tar (the Silesia corpus), one core of an Intel Core
// i5-4300U (inikep/lzbench README.md), for each codec at Kafka's default
// level: gzip level 6 = zlib -6 (GzipCompression, Deflater's default);
// snappy = snappy 1.1.4; lz4 = lz4 1.7.5 (Lz4BlockOutputStream takes the fast
// compressor at the default level 9); zstd level 3 (ZstdCompression's
// default) has no row: the nearest, zstd -2, is taken (level 3 compresses a
// little better and a little slower). CPU time per byte of uncompressed data
// is 1000 / (MB/s) ns. The framing is each format's fixed overhead for one
// block: gzip's 10-byte header and 8-byte trailer (RFC 1952); snappy-java's
// 16-byte stream header and one 4-byte chunk length (SnappyOutputStream);
// Kafka's LZ4 frame: magic, FLG/BD and HC (7 bytes), one block size (4) and
// the end mark (4) (Lz4BlockOutputStream); zstd's magic number, frame header
// descriptor and window byte and one block header (9).
#pragma once

#include <cstdint>
#include <optional>

#include "kafka/types.hpp"
#include "kafkasim/ids.hpp"
#include "kafkasim/settings.hpp"
#include "kafkasim/time.hpp"

namespace ks::kafka {

// DefaultRecordBatch.RECORD_BATCH_OVERHEAD: the batch header, never compressed.
inline constexpr Bytes kRecordBatchHeaderBytes = 61;

struct CodecModel {
    double compressed_fraction = 1;  // f: compressed / uncompressed bytes on the reference corpus
    double compress_ns_per_byte = 0;
    double decompress_ns_per_byte = 0;
    Bytes frame_bytes = 0;  // the format's own bytes around the compressed data
};

// REQUIRES: a valid Codec. Codec::none: fraction 1, no cost, no frame.
const CodecModel& codec_model(Codec codec);

// The records part of a batch (without its 61-byte header) compressed with
// `codec`: `records_bytes` itself with Codec::none.
// REQUIRES: records_bytes >= 0, compressibility in [0, 1].
Bytes compressed_records_bytes(Codec codec, Bytes records_bytes, double compressibility);

// CPU time to compress / decompress `records_bytes` of uncompressed records
// with `codec`; zero for Codec::none.
Duration compress_time(Codec codec, Bytes records_bytes);
Duration decompress_time(Codec codec, Bytes records_bytes);

// The producer's estimate of the compression ratio of its topic and codec
// (CompressionRatioEstimator; Kafka keeps one per topic and codec per JVM,
// kafkasim one per producer, which writes one topic with one codec). It starts
// at CompressionType.rate (1.0 for every codec) and after each batch is closed
// moves toward the batch's observed ratio (compressed / uncompressed records):
// up at once by at least COMPRESSION_RATIO_DETERIORATE_STEP (0.05), down by at
// most COMPRESSION_RATIO_IMPROVING_STEP (0.005).
class CompressionRatioEstimator {
  public:
    float estimation() const { return estimation_; }
    // CompressionRatioEstimator.updateEstimation; returns the new estimation.
    float update(float observed_ratio);
    // CompressionRatioEstimator.setEstimation ("for unit test purpose").
    void set_estimation(float ratio) { estimation_ = ratio; }

  private:
    float estimation_ = 1.0F;
};

// MemoryRecordsBuilder.estimatedBytesWritten without the header: the records
// part an open batch is assumed to take. Codec::none: exactly the records;
// otherwise (int) (records × estimated ratio × COMPRESSION_RATE_ESTIMATION_FACTOR
// 1.05), the estimated ratio being the estimator's when the batch was created
// (ProducerBatch's constructor).
Bytes estimated_records_bytes(Codec codec, Bytes records_bytes, float estimated_ratio);

// ---- the leader's append (LogValidator) ----

// The codec the leader stores a batch in: the topic's compression.type, or
// the batch's own with "producer" (nullopt) — BrokerCompressionType.targetCompression.
Codec target_codec(std::optional<Codec> topic_compression, Codec batch_codec);

// The batch as the leader appends it: recompressed into the target codec
// when that differs from the batch's (LogValidator: no in-place assignment,
// buildRecordsAndAssignOffsets), with the size that codec gives its records.
RecordBatch stored_batch(RecordBatch batch, std::optional<Codec> topic_compression);

// The request handler's CPU time for validating the batch on the leader,
// beyond RequestCosts' per-byte cost: a compressed batch is decompressed
// record by record even when it is kept as it is
// (validateMessagesAndAssignOffsetsCompressed iterates it with
// skipKeyValueIterator or streamingIterator), and recompressing into another
// codec compresses it again.
Duration validation_time(const RecordBatch& batch, std::optional<Codec> topic_compression);

// The records of `batch` uncompressed: records_bytes, or size_bytes without
// the header when the batch does not say.
Bytes uncompressed_records_bytes(const RecordBatch& batch);

}  // namespace ks::kafka
