#include "core/trace.hpp"

#include <fmt/format.h>

#include "core/assert.hpp"
#include "core/rng.hpp"

namespace ks {

Trace::Kind Trace::define(std::string_view name, std::initializer_list<std::string_view> fields) {
    KS_ASSERT_LE(fields.size(), kMaxFields);
    for (std::size_t i = 0; i < kinds_.size(); ++i) {
        if (kinds_[i].name == name) {
            KS_ASSERT_EQ(kinds_[i].fields.size(), fields.size());
            return static_cast<Kind>(i);
        }
    }
    KS_ASSERT_LT(kinds_.size(), std::size_t{UINT16_MAX});
    KindInfo info{std::string(name), {}, fnv1a64(name)};
    for (auto f : fields) info.fields.emplace_back(f);
    kinds_.push_back(std::move(info));
    return static_cast<Kind>(kinds_.size() - 1);
}

void Trace::fold(std::uint64_t word) {
    // A multiply-rotate mix (in the style of xxHash's round): cheap, and every
    // input bit reaches every output bit within a few words.
    hash_ ^= word * 0x9e3779b185ebca87ULL;
    hash_ = ((hash_ << 31) | (hash_ >> 33)) * 0xc2b2ae3d27d4eb4fULL;
}

void Trace::emit(Instant at, Kind kind, std::initializer_list<std::int64_t> values) {
    KS_ASSERT_LT(kind, kinds_.size());
    const KindInfo& k = kinds_[kind];
    KS_ASSERT_EQ(values.size(), k.fields.size());
    ++events_;
    fold(k.name_hash);
    fold(static_cast<std::uint64_t>(at.ns()));
    for (std::int64_t v : values) fold(static_cast<std::uint64_t>(v));
    if (sink_) {
        std::string line = fmt::format("{{\"t_ns\":{},\"kind\":\"{}\"", at.ns(), k.name);
        std::size_t i = 0;
        for (std::int64_t v : values) line += fmt::format(",\"{}\":{}", k.fields[i++], v);
        line += "}\n";
        *sink_ << line;
    }
}

std::string Trace::format_hash(std::uint64_t h) {
    return fmt::format("0x{:016x}", h);
}

}  // namespace ks
