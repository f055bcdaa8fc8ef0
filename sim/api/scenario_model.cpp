// Lookups on the scenario structs and the one-line description.
#include <algorithm>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/scenario.hpp"

namespace ks {

const char* to_string(FaultAction a) {
    switch (a) {
        case FaultAction::crash:
            return "crash";
        case FaultAction::restart:
            return "restart";
        case FaultAction::pause:
            return "pause";
        case FaultAction::power_loss:
            return "power_loss";
        case FaultAction::partition:
            return "partition";
        case FaultAction::link:
            return "link";
        case FaultAction::disk_slow:
            return "disk_slow";
        case FaultAction::rolling_restart:
            return "rolling_restart";
        case FaultAction::rolling_upgrade:
            return "rolling_upgrade";
        case FaultAction::consumer_crash:
            return "consumer_crash";
        case FaultAction::consumer_join:
            return "consumer_join";
        case FaultAction::consumer_leave:
            return "consumer_leave";
        case FaultAction::slow_consumer:
            return "slow_consumer";
        case FaultAction::stop_consumer:
            return "stop_consumer";
        case FaultAction::producer_rate:
            return "producer_rate";
    }
    return "?";
}

const BrokerSpec* ClusterSpec::find_broker(BrokerId id) const {
    auto it = std::find_if(brokers.begin(), brokers.end(), [&](const BrokerSpec& b) { return b.id == id; });
    return it == brokers.end() ? nullptr : &*it;
}

std::int64_t ClusterSpec::feature(std::string_view name) const {
    auto it = features.find(std::string(name));
    KS_ASSERT_MSG(it != features.end(), "unknown feature {}", name);
    return it->second;
}

const TopicSpec* Scenario::find_topic(std::string_view n) const {
    auto it = std::find_if(topics.begin(), topics.end(), [&](const TopicSpec& t) { return t.name == n; });
    return it == topics.end() ? nullptr : &*it;
}

const ProducerSpec* Scenario::find_producer(std::string_view n) const {
    auto it = std::find_if(producers.begin(), producers.end(), [&](const ProducerSpec& p) { return p.name == n; });
    return it == producers.end() ? nullptr : &*it;
}

const ConsumerGroupSpec* Scenario::find_group(std::string_view id) const {
    auto it = std::find_if(consumer_groups.begin(), consumer_groups.end(),
                           [&](const ConsumerGroupSpec& g) { return g.group_id == id; });
    return it == consumer_groups.end() ? nullptr : &*it;
}

std::int64_t Scenario::total_partitions() const {
    std::int64_t n = 0;
    for (const auto& t : topics) n += t.partitions;
    return n;
}

}  // namespace ks

namespace ks::scenario {

namespace {

std::string count(std::size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::string describe(const Scenario& s) {
    std::string out = count(s.cluster.brokers.size(), "broker", "brokers");
    if (!s.cluster.racks.empty()) out += " in " + count(s.cluster.racks.size(), "rack", "racks");
    out += fmt::format(" ({}), ", s.cluster.controller == ControllerKind::kraft ? "kraft" : "zookeeper");
    out += count(s.topics.size(), "topic", "topics");
    out += fmt::format(" ({}), ", count(static_cast<std::size_t>(s.total_partitions()), "partition", "partitions"));
    out += count(s.producers.size(), "producer", "producers") + ", ";
    std::size_t members = 0;
    for (const auto& g : s.consumer_groups) members += static_cast<std::size_t>(g.members);
    out += count(s.consumer_groups.size(), "consumer group", "consumer groups");
    out += fmt::format(" ({}), ", count(members, "member", "members"));
    out += count(s.faults.size(), "fault", "faults");
    if (s.chaos.enabled) out += " + chaos";
    out += fmt::format(", {} s", s.duration.seconds_f());
    return out;
}

}  // namespace ks::scenario
