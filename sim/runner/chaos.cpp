#include "runner/chaos.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "core/assert.hpp"
#include "core/distribution.hpp"
#include "core/rng.hpp"

namespace ks::runner {

using namespace ks::scenario;  // the JSON reader and the scenario helpers

namespace {

// A limit on the schedule's length (STYLE: a limit on everything).
constexpr std::size_t kChaosFaultsMax = 10000;

// A fault drawn and still "busy": its targets are untouched until busy_until
// (its heal + kChaosStability), and it counts against max_concurrent until then.
struct Busy {
    Duration until;
    std::vector<BrokerId> brokers;
    std::string group;
};

struct Drawer {
    const Scenario& s;
    Rng rng;
    std::vector<Busy> busy;

    bool broker_free(BrokerId b) const {
        for (const Busy& x : busy) {
            if (std::find(x.brokers.begin(), x.brokers.end(), b) != x.brokers.end()) return false;
        }
        return true;
    }
    std::vector<BrokerId> free_brokers() const {
        std::vector<BrokerId> out;
        for (const BrokerSpec& b : s.cluster.brokers) {
            if (broker_free(b.id)) out.push_back(b.id);
        }
        return out;
    }
    std::vector<std::size_t> free_groups() const {
        std::vector<std::size_t> out;
        for (std::size_t g = 0; g < s.consumer_groups.size(); ++g) {
            const bool taken = std::any_of(busy.begin(), busy.end(),
                                           [&](const Busy& x) { return x.group == s.consumer_groups[g].group_id; });
            if (!taken) out.push_back(g);
        }
        return out;
    }
    template <typename T>
    T pick(const std::vector<T>& v) {
        KS_ASSERT(!v.empty());
        return v[static_cast<std::size_t>(rng.uniform_u64(v.size()))];
    }

    // Fills the kind-specific fields of `f` and what it occupies; false when
    // no free target exists now.
    bool target(FaultSpec& f, Busy& b) {
        const auto brokers = free_brokers();
        switch (f.action) {
            case FaultAction::crash:
            case FaultAction::pause:
                if (brokers.empty()) return false;
                f.broker = pick(brokers);
                b.brokers = {*f.broker};
                return true;
            case FaultAction::disk_slow:
                if (brokers.empty()) return false;
                f.broker = pick(brokers);
                f.factor = static_cast<double>(rng.uniform_int(5, 50));
                b.brokers = {*f.broker};
                return true;
            case FaultAction::power_loss:
                return target_power_loss(f, b, brokers);
            case FaultAction::partition: {
                if (brokers.empty()) return false;
                const BrokerId victim = pick(brokers);
                NodeSet alone{.brokers = {victim}, .clients = false};
                NodeSet rest{.brokers = {}, .clients = true};
                for (const BrokerSpec& x : s.cluster.brokers) {
                    if (x.id != victim) rest.brokers.push_back(x.id);
                }
                f.groups = {alone, rest};
                b.brokers = {victim};
                return true;
            }
            case FaultAction::link: {
                if (brokers.size() < 2) return false;
                const BrokerId one = pick(brokers);
                std::vector<BrokerId> others;
                for (BrokerId x : brokers) {
                    if (x != one) others.push_back(x);
                }
                const BrokerId two = pick(others);
                f.between = {std::min(one, two), std::max(one, two)};
                f.latency_ms = DistSpec::constant(static_cast<double>(rng.uniform_int(20, 500)));
                f.loss = static_cast<double>(rng.uniform_int(0, 20)) / 100.0;
                b.brokers = f.between;
                return true;
            }
            case FaultAction::consumer_crash:
            case FaultAction::slow_consumer: {
                const auto groups = free_groups();
                if (groups.empty()) return false;
                const ConsumerGroupSpec& g = s.consumer_groups[pick(groups)];
                f.group = g.group_id;
                f.member = static_cast<std::int32_t>(rng.uniform_int(0, g.members - 1));
                if (f.action == FaultAction::slow_consumer) f.factor = static_cast<double>(rng.uniform_int(5, 50));
                b.group = g.group_id;
                return true;
            }
            default:
                KS_ASSERT_MSG(false, "chaos cannot draw a {} fault", to_string(f.action));
                return false;
        }
    }

    bool target_power_loss(FaultSpec& f, Busy& b, const std::vector<BrokerId>& brokers) {
        if (brokers.empty()) return false;
        const BrokerId victim = pick(brokers);
        const BrokerSpec* spec = s.cluster.find_broker(victim);
        KS_ASSERT(spec != nullptr);
        if (s.cluster.racks.size() > 1 && spec->rack) {
            std::vector<BrokerId> rack;
            for (const BrokerSpec& x : s.cluster.brokers) {
                if (x.rack == spec->rack) rack.push_back(x.id);
            }
            if (std::all_of(rack.begin(), rack.end(), [&](BrokerId x) { return broker_free(x); })) {
                f.rack = spec->rack;
                b.brokers = rack;
                return true;
            }
        }
        f.broker = victim;
        b.brokers = {victim};
        return true;
    }

    Duration earliest_release() const {
        KS_ASSERT(!busy.empty());
        Duration t = Duration::max();
        for (const Busy& x : busy) t = std::min(t, x.until);
        return t;
    }
    void release(Duration now) {
        std::erase_if(busy, [now](const Busy& x) { return x.until <= now; });
    }
};

Duration seconds_rounded_ms(double sec) {
    return ms(std::llround(std::max(0.0, sec) * 1000.0));
}

std::string clock(Duration d) {
    const std::int64_t total = d.ms();
    return fmt::format("{:02}:{:02}.{:03}", total / 60000, (total / 1000) % 60, total % 1000);
}

std::string ids(const std::vector<BrokerId>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i].value());
    return out;
}

}  // namespace

std::vector<FaultSpec> draw_chaos(const Scenario& s, std::uint64_t seed) {
    std::vector<FaultSpec> out;
    const ChaosSpec& c = s.chaos;
    if (!c.enabled || c.actions.empty() || s.cluster.brokers.empty()) return out;
    KS_ASSERT_LE(1, c.max_concurrent);
    Drawer d{.s = s, .rng = Rng::stream(seed, "chaos"), .busy = {}};
    const double mean_ms = c.mean_interval.ms_f();
    Duration t = Duration::zero();
    for (std::size_t attempt = 0; attempt < 4 * kChaosFaultsMax && out.size() < kChaosFaultsMax; ++attempt) {
        t += std::max(kChaosStability, seconds_rounded_ms(d.rng.exponential(mean_ms) / 1000.0));
        d.release(t);
        if (static_cast<std::int32_t>(d.busy.size()) >= c.max_concurrent) {
            t = d.earliest_release();
            d.release(t);
        }
        const Duration room = s.duration - t - ms(1);
        if (room < kChaosMinFault) break;
        FaultSpec f;
        f.action = d.pick(c.actions);
        f.at = t;
        Busy b;
        if (!d.target(f, b)) {
            // Nothing free for this kind now: try again at the next release.
            if (!d.busy.empty()) t = std::max(t, d.earliest_release() - kChaosStability);
            continue;
        }
        const Duration length = std::min(room, std::max(kChaosMinFault, seconds_rounded_ms(sample(c.for_s, d.rng))));
        b.until = t + length + kChaosStability;
        if (f.action == FaultAction::consumer_crash) {
            FaultSpec join;
            join.action = FaultAction::consumer_join;
            join.at = t + length;
            join.group = f.group;
            out.push_back(f);
            out.push_back(join);
        } else {
            f.duration = length;
            out.push_back(f);
        }
        d.busy.push_back(std::move(b));
    }
    std::stable_sort(out.begin(), out.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
    for (const FaultSpec& f : out) {
        KS_ASSERT_LT(f.at, s.duration);
        if (f.duration) KS_ASSERT_LT(f.at + *f.duration, s.duration);
    }
    return out;
}

Scenario with_chaos(const Scenario& s, std::uint64_t seed) {
    Scenario out = s;
    for (FaultSpec& f : draw_chaos(s, seed)) out.faults.push_back(std::move(f));
    return out;
}

std::string describe_fault(const FaultSpec& f) {
    std::string what;
    switch (f.action) {
        case FaultAction::crash:
        case FaultAction::pause:
        case FaultAction::restart:
            what = fmt::format("{} broker {}", to_string(f.action), f.broker->value());
            break;
        case FaultAction::disk_slow:
            what = fmt::format("disk_slow broker {} x{}", f.broker->value(), f.factor);
            break;
        case FaultAction::power_loss:
            what = f.rack ? fmt::format("power_loss rack {}", *f.rack)
                          : fmt::format("power_loss broker {}", f.broker->value());
            break;
        case FaultAction::partition:
            what = "partition";
            for (const NodeSet& g : f.groups)
                what += fmt::format(" [{}{}]", ids(g.brokers),
                                    g.clients ? (g.brokers.empty() ? "clients" : ",clients") : "");
            if (f.groups.empty())
                what += fmt::format(" one-way [{}] -/-> [{}]", ids(f.from.brokers), ids(f.to.brokers));
            break;
        case FaultAction::link:
            what = fmt::format("link {} +{} ms loss {}", ids(f.between), f.latency_ms ? f.latency_ms->mean() : 0.0,
                               f.loss);
            break;
        case FaultAction::consumer_crash:
        case FaultAction::consumer_leave:
        case FaultAction::slow_consumer:
            what = fmt::format("{} {} member {}", to_string(f.action), f.group, f.member.value_or(0));
            if (f.action == FaultAction::slow_consumer) what += fmt::format(" x{}", f.factor);
            break;
        case FaultAction::consumer_join:
        case FaultAction::stop_consumer:
            what = fmt::format("{} {}", to_string(f.action), f.group);
            break;
        default:
            what = to_string(f.action);
            break;
    }
    if (f.duration) what += fmt::format(" for {} s", f.duration->ms_f() / 1000.0);
    return fmt::format("  chaos {} {}\n", clock(f.at), what);
}

std::string describe_chaos(const std::vector<FaultSpec>& faults) {
    std::string out = fmt::format("chaos: {} random fault{}\n", faults.size(), faults.size() == 1 ? "" : "s");
    for (const FaultSpec& f : faults) out += describe_fault(f);
    return out;
}

}  // namespace ks::runner
