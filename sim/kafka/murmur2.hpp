// Kafka's key hash: MurmurHash2 exactly as the Java client computes it.
//
// Mirrors org.apache.kafka.common.utils.Utils.murmur2(byte[]) and
// Utils.toPositive(int) (clients/src/main/java/org/apache/kafka/common/utils/Utils.java),
// bit for bit, because the partition of every keyed record is
// toPositive(murmur2(key)) % partitions and a simulator that hashed differently
// would put a key on another partition than a real producer does.
//
// The algorithm (seed 0x9747b28c, m = 0x5bd1e995, r = 24):
//   1. h = seed ^ length.
//   2. Each whole 4-byte block, read little-endian from unsigned bytes:
//      k *= m; k ^= k >>> r; k *= m; h *= m; h ^= k.
//   3. The 1-3 byte tail falls through: case 3 h ^= b[2] << 16; case 2
//      h ^= b[1] << 8; case 1 h ^= b[0]; h *= m. No tail, no multiply.
//   4. Final mix with logical shifts: h ^= h >>> 13; h *= m; h ^= h >>> 15.
// Arithmetic is done in uint32 (wrap-around, like Java int) and the result is
// reinterpreted as int32, which is what Kafka returns and prints.
//
// Pure functions; no state.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace ks::kafka {

// A serialized record key: the bytes Kafka's key serializer produced.
using KeyBytes = std::span<const std::uint8_t>;

// Utils.murmur2(data). Any length, the empty key included.
std::int32_t murmur2(KeyBytes data);

// The bytes of a string as Java's String.getBytes(UTF_8) gives them for the
// same UTF-8 text (i.e. the string's own bytes).
KeyBytes as_key_bytes(std::string_view text);

// Utils.toPositive(number): clears the sign bit (number & 0x7fffffff). Not abs:
// toPositive(-1) == 0x7fffffff and toPositive(INT32_MIN) == 0.
constexpr std::int32_t to_positive(std::int32_t number) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(number) & 0x7fffffffU);
}

}  // namespace ks::kafka
