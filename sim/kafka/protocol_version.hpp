// inter.broker.protocol.version (ks::ProtocolVersion, kafkasim/settings.hpp):
// which replication rules a broker follows.
#pragma once

#include "kafkasim/settings.hpp"

namespace ks::kafka {

using ProtocolVersion = ks::ProtocolVersion;

inline bool uses_leader_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v0_11;
}
inline bool epoch_in_epoch_response(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_0;
}
inline bool fences_stale_epochs(ProtocolVersion v) {
    return v >= ProtocolVersion::v2_1;
}
inline bool freezes_hw_below_min_isr(ProtocolVersion v) {
    return v >= ProtocolVersion::v3_7;
}

}  // namespace ks::kafka
