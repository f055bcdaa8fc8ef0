// StrongIsr and WeakIsr, the ISR properties of the TLA+ specification of
// Kafka's replication protocol (hachikuji/kafka-specification,
// KafkaReplication.tla), measured rather than asserted: the legacy truncation
// rules (KIP-101's scenarios), power loss of ISR members and unclean
// elections break them in real Kafka too.
//
//   StrongIsr: every replica that presumes leadership has, below its high
//     watermark, the very records that each member of the controller's ISR
//     holds. When it breaks, one more failure can lose acknowledged records.
//   WeakIsr: the same against the ISR the leader itself believes in (its
//     local, committed view). It is weaker because leaders are elected from
//     the controller's ISR; the specification keeps it to show where the two
//     views disagree.
//
// A member that is down is judged by its log on disk. Records are compared by
// identity and leader epoch, not by batch boundaries (Log::first_difference);
// each check resumes where the last one found agreement, while neither log
// was cut back under it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "monitor/cluster_view.hpp"

namespace ks::monitor {

enum class IsrProperty { strong, weak };
const char* to_string(IsrProperty p);

// A property found broken: `member`, in the ISR, lacks (or holds other
// records than) `leader`'s from `from` up to the leader's HW.
struct IsrPropertyBreak {
    IsrProperty property = IsrProperty::strong;
    TopicPartition tp;
    BrokerId leader;
    BrokerId member;
    Offset from = 0;
    Offset high_watermark = 0;
    bool lacks = true;         // the member's log ends before the HW (else it differs)
    bool member_down = false;  // judged by the member's log on disk
};

class IsrPropertyMeter {
  public:
    // Checks every partition, or only `tp`. Returns the breaks not reported
    // before in the same episode (one per partition, member and property
    // while the break lasts), for the timeline.
    std::vector<IsrPropertyBreak> measure(const ClusterView& view, std::optional<TopicPartition> tp = std::nullopt);

    // Partitions where the property broke at some moment of the run.
    const std::set<TopicPartition>& violated(IsrProperty p) const {
        return p == IsrProperty::strong ? strong_violated_ : weak_violated_;
    }

  private:
    struct Progress {
        LeaderEpoch epoch = kafka::kNoEpoch;
        std::uint64_t leader_truncations = 0, member_truncations = 0;
        Offset verified = 0;
        bool reported = false;  // this episode's break is already out
    };
    void check(const ClusterView& view, IsrProperty property, const kafka::Partition& leader, BrokerId leader_id,
               BrokerId member, std::vector<IsrPropertyBreak>& out);

    std::map<std::tuple<IsrProperty, TopicPartition, BrokerId, BrokerId>, Progress> progress_;
    std::set<TopicPartition> strong_violated_, weak_violated_;
};

}  // namespace ks::monitor
