#include "kafka/protocol_version.hpp"

#include <charconv>

namespace ks::kafka {

std::optional<ProtocolVersion> parse_protocol_version(std::string_view text) {
    // Strip an "-IVn" suffix.
    if (auto dash = text.find('-'); dash != std::string_view::npos) text = text.substr(0, dash);
    int major = 0, minor = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    auto r = std::from_chars(p, end, major);
    if (r.ec != std::errc{} || r.ptr == end || *r.ptr != '.') return std::nullopt;
    r = std::from_chars(r.ptr + 1, end, minor);
    if (r.ec != std::errc{}) return std::nullopt;
    if (r.ptr != end) {  // optional patch: ".2"
        if (*r.ptr != '.') return std::nullopt;
        int patch = 0;
        r = std::from_chars(r.ptr + 1, end, patch);
        if (r.ec != std::errc{} || r.ptr != end) return std::nullopt;
    }
    if (major == 0) {
        if (minor >= 8 && minor <= 10) return ProtocolVersion::v0_10;
        if (minor == 11) return ProtocolVersion::v0_11;
        return std::nullopt;
    }
    if (major == 1 && minor <= 1) return ProtocolVersion::v0_11;
    if (major == 2) return minor == 0 ? ProtocolVersion::v2_0 : ProtocolVersion::v2_1;
    if (major == 3) return minor >= 7 ? ProtocolVersion::v3_7 : ProtocolVersion::v2_1;
    if (major == 4 && minor <= 1) return ProtocolVersion::v3_7;
    return std::nullopt;
}

}  // namespace ks::kafka
