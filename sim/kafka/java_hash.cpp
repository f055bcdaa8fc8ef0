#include "kafka/java_hash.hpp"

#include <algorithm>

namespace ks::kafka::java {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one UTF-8 sequence at s[i]; advances i. Malformed input yields U+FFFD.
char32_t decode_one(std::string_view s, std::size_t& i) {
    const auto b0 = static_cast<unsigned char>(s[i++]);
    if (b0 < 0x80) return b0;
    int extra = 0;
    char32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        extra = 1;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        extra = 2;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        extra = 3;
        cp = b0 & 0x07;
    } else {
        return kReplacement;
    }
    for (int k = 0; k < extra; ++k) {
        if (i >= s.size()) return kReplacement;
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80) return kReplacement;
        cp = (cp << 6) | (b & 0x3F);
        ++i;
    }
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacement;
    return cp;
}

}  // namespace

std::u16string to_utf16(std::string_view utf8) {
    std::u16string out;
    out.reserve(utf8.size());
    std::size_t i = 0;
    while (i < utf8.size()) {
        const char32_t cp = decode_one(utf8, i);
        if (cp >= 0x10000) {
            const char32_t v = cp - 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
    }
    return out;
}

std::int32_t string_hash(std::string_view utf8) {
    std::uint32_t h = 0;  // int32 overflow semantics via uint32
    for (const char16_t c : to_utf16(utf8)) h = 31u * h + static_cast<std::uint32_t>(c);
    return static_cast<std::int32_t>(h);
}

int string_compare(std::string_view a, std::string_view b) {
    // Pure ASCII fast path: bytes are code units.
    const bool ascii = std::all_of(a.begin(), a.end(), [](char c) { return (c & 0x80) == 0; }) &&
                       std::all_of(b.begin(), b.end(), [](char c) { return (c & 0x80) == 0; });
    if (ascii) {
        const int c = a.compare(b);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    const std::u16string ua = to_utf16(a);
    const std::u16string ub = to_utf16(b);
    const std::size_t n = std::min(ua.size(), ub.size());
    for (std::size_t k = 0; k < n; ++k) {
        if (ua[k] != ub[k]) return ua[k] < ub[k] ? -1 : 1;
    }
    if (ua.size() == ub.size()) return 0;
    return ua.size() < ub.size() ? -1 : 1;
}

std::int32_t topic_partition_hash(std::string_view topic, std::int32_t partition) {
    const std::uint32_t prime = 31;
    std::uint32_t result = 1;
    result = prime * result + static_cast<std::uint32_t>(partition);
    result = prime * result + static_cast<std::uint32_t>(string_hash(topic));
    return static_cast<std::int32_t>(result);
}

std::int32_t spread(std::int32_t h) {
    const auto u = static_cast<std::uint32_t>(h);
    return static_cast<std::int32_t>(u ^ (u >> 16));
}

std::int32_t table_size_for(std::int32_t cap) {
    KS_ASSERT_GE(cap, 0);
    KS_ASSERT_LE(cap, 1 << 30);
    std::int32_t n = 1;
    while (n < cap) n <<= 1;
    return n;
}

std::int32_t hash_set_copy_capacity(std::int32_t size) {
    KS_ASSERT_GE(size, 0);
    const auto c = static_cast<std::int32_t>(static_cast<float>(size) / 0.75f) + 1;
    return std::max(c, 16);
}

std::int32_t hash_map_copy_capacity(std::int32_t size) {
    KS_ASSERT_GE(size, 0);
    const float ft = static_cast<float>(size) / 0.75f + 1.0f;
    return table_size_for(static_cast<std::int32_t>(ft));
}

}  // namespace ks::kafka::java
