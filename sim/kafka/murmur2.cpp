#include "kafka/murmur2.hpp"

#include <cstddef>

namespace ks::kafka {

namespace {
constexpr std::uint32_t kSeed = 0x9747b28cU;
constexpr std::uint32_t kM = 0x5bd1e995U;
constexpr int kR = 24;
}  // namespace

std::int32_t murmur2(KeyBytes data) {
    const std::size_t length = data.size();
    // Java: int h = seed ^ length (length is an int; keys are far below 2^31).
    std::uint32_t h = kSeed ^ static_cast<std::uint32_t>(length);
    const std::size_t length4 = length / 4;

    for (std::size_t i = 0; i < length4; ++i) {
        const std::size_t i4 = i * 4;
        std::uint32_t k = static_cast<std::uint32_t>(data[i4 + 0]) | (static_cast<std::uint32_t>(data[i4 + 1]) << 8) |
                          (static_cast<std::uint32_t>(data[i4 + 2]) << 16) |
                          (static_cast<std::uint32_t>(data[i4 + 3]) << 24);
        k *= kM;
        k ^= k >> kR;
        k *= kM;
        h *= kM;
        h ^= k;
    }

    // The tail falls through exactly as Java's switch on (length % 4) does.
    const std::size_t tail = length & ~static_cast<std::size_t>(3);
    switch (length % 4) {
        case 3:
            h ^= static_cast<std::uint32_t>(data[tail + 2]) << 16;
            [[fallthrough]];
        case 2:
            h ^= static_cast<std::uint32_t>(data[tail + 1]) << 8;
            [[fallthrough]];
        case 1:
            h ^= static_cast<std::uint32_t>(data[tail]);
            h *= kM;
            break;
        default:
            break;
    }

    h ^= h >> 13;
    h *= kM;
    h ^= h >> 15;
    return static_cast<std::int32_t>(h);
}

KeyBytes as_key_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace ks::kafka
