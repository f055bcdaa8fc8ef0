#include "report/plot_marks.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "report/plot.hpp"

namespace ks::report {

namespace {

// One mark while events merge into it.
struct Pending {
    EventMark mark;
    std::set<std::int32_t> brokers;      // fenced, elected leaders, truncating replicas
    std::set<std::string> names;         // partitions, groups
    std::int64_t truncated_offsets = 0;  // offsets cut from replicas' logs
    std::string last_status;             // Burrow
};

std::string tp_name(const Scenario& s, TopicPartition tp) {
    const auto topic = static_cast<std::size_t>(tp.topic);
    return fmt::format("{}-{}", topic < s.topics.size() ? s.topics[topic].name : "?", tp.partition);
}

std::string joined(const std::set<std::int32_t>& v) {
    std::string s;
    for (auto b : v) s += (s.empty() ? "" : ",") + std::to_string(b);
    return s;
}

std::string label_of(const Pending& p) {
    const EventMark& m = p.mark;
    const std::string one_name = p.names.size() == 1 ? *p.names.begin() : std::string();
    switch (m.kind) {
        case MarkKind::fenced:
            return "fenced " + joined(p.brokers);
        case MarkKind::elected:
            return m.count == 1 ? fmt::format("{} leader {}", one_name, joined(p.brokers))
                                : fmt::format("{} elected", m.count);
        case MarkKind::unclean:
            return m.count == 1 ? "UNCLEAN " + one_name : fmt::format("{} UNCLEAN", m.count);
        case MarkKind::truncated:
            return p.brokers.size() == 1 ? fmt::format("truncated {} (b{})", p.truncated_offsets, joined(p.brokers))
                                         : fmt::format("truncated {}", p.truncated_offsets);
        case MarkKind::rebalance:
            return m.count == 1 ? "rebalance " + one_name
                                : fmt::format("{} rebalances{}", m.count, one_name.empty() ? "" : " " + one_name);
        case MarkKind::burrow:
            return one_name.empty() ? fmt::format("Burrow: {} changes", m.count)
                                    : fmt::format("Burrow {} {}", one_name, p.last_status);
    }
    return {};
}

// The mark an event makes (kind, and what it adds), or none.
std::optional<MarkKind> kind_of(const TimelineEvent& e) {
    if (std::holds_alternative<BrokerFenced>(e)) return MarkKind::fenced;
    if (const auto* x = std::get_if<LeaderElected>(&e)) return x->unclean ? MarkKind::unclean : MarkKind::elected;
    if (std::holds_alternative<Truncated>(e)) return MarkKind::truncated;
    if (const auto* x = std::get_if<GroupChanged>(&e)) {
        if (x->kind == GroupChanged::Kind::rebalance_started) return MarkKind::rebalance;
        return std::nullopt;
    }
    if (std::holds_alternative<BurrowStatusChanged>(e)) return MarkKind::burrow;
    return std::nullopt;
}

void add_to(Pending& p, const TimelineEvent& e, const Scenario& s) {
    if (const auto* fenced = std::get_if<BrokerFenced>(&e)) {
        p.brokers.insert(fenced->broker.value());
    } else if (const auto* elected = std::get_if<LeaderElected>(&e)) {
        p.brokers.insert(elected->leader.value());
        p.names.insert(tp_name(s, elected->tp));
    } else if (const auto* cut = std::get_if<Truncated>(&e)) {
        p.brokers.insert(cut->broker.value());
        p.truncated_offsets += std::max<std::int64_t>(0, cut->from - cut->to);
    } else if (const auto* group = std::get_if<GroupChanged>(&e)) {
        p.names.insert(group->group_id);
    } else if (const auto* burrow = std::get_if<BurrowStatusChanged>(&e)) {
        p.names.insert(burrow->group_id);
        p.last_status = burrow->to;
    }
}

int rgb_of(MarkKind k) {
    switch (k) {
        case MarkKind::fenced:
            return 0x8c564b;
        case MarkKind::elected:
            return 0x1f77b4;
        case MarkKind::unclean:
            return 0xd62728;
        case MarkKind::truncated:
            return 0x9467bd;
        case MarkKind::rebalance:
            return 0x2ca02c;
        case MarkKind::burrow:
            return 0xe67e00;
    }
    return 0x555555;
}

}  // namespace

std::vector<EventMark> event_marks(const RunResult& r, double x_max_s, double merge_s) {
    std::vector<EventMark> out;
    std::map<MarkKind, Pending> open;  // the mark each kind merges into
    const auto close = [&out](Pending& p) {
        p.mark.label = label_of(p);
        out.push_back(std::move(p.mark));
    };
    for (const TimelineEntry& e : r.timeline) {
        const double at_s = e.at.seconds_f();
        if (at_s < 0 || at_s > x_max_s) continue;
        const auto kind = kind_of(e.event);
        if (!kind) continue;
        auto it = open.find(*kind);
        if (it != open.end() && at_s - it->second.mark.at_s < merge_s) {
            ++it->second.mark.count;
        } else {
            if (it != open.end()) close(it->second);
            Pending fresh;
            fresh.mark = EventMark{.at_s = at_s, .kind = *kind, .count = 1, .label = {}};
            it = open.insert_or_assign(*kind, std::move(fresh)).first;
        }
        add_to(it->second, e.event, r.scenario);
    }
    for (auto& [kind, p] : open) close(p);
    std::stable_sort(out.begin(), out.end(), [](const EventMark& a, const EventMark& b) { return a.at_s < b.at_s; });
    return out;
}

std::string gp_event_marks(const std::vector<EventMark>& marks, const std::vector<MarkKind>& kinds,
                           const MarkLayout& layout) {
    constexpr double kCharPx = 4.7;  // 8-point Helvetica, about
    constexpr double kTick = 0.05;   // graph fraction
    const double s_per_px = layout.x_max_s / std::max(1.0, layout.plot_width_px);
    std::string s =
        "# Events of the timeline: ticks at the bottom, labels where they fit, on white to stay legible.\n"
        "set style textbox opaque noborder margins 0.5,0.5\n";
    std::vector<double> row_end(static_cast<std::size_t>(std::max(1, layout.label_rows)), -1e300);
    for (const EventMark& m : marks) {
        if (std::find(kinds.begin(), kinds.end(), m.kind) == kinds.end()) continue;
        const std::string color = fmt::format("#{:06x}", rgb_of(m.kind));
        s += fmt::format("set arrow from {0}, graph 0 to {0}, graph {1} nohead lw 2.5 lc rgb \"{2}\" front\n",
                         gp_number(m.at_s), gp_number(kTick), color);
        // The label starts at the tick, or ends there near the right edge.
        const double width_s = (static_cast<double>(m.label.size()) * kCharPx + 6) * s_per_px;
        const bool right = m.at_s + width_s > layout.x_max_s;
        const double from = right ? m.at_s - width_s : m.at_s, to = right ? m.at_s : m.at_s + width_s;
        for (std::size_t row = 0; row < row_end.size(); ++row) {
            if (from <= row_end[row]) continue;
            row_end[row] = to;
            s += fmt::format(
                "set label {} at {}, graph {} {} offset {},0 noenhanced font \",8\" tc rgb \"{}\" front boxed\n",
                gp_string(m.label), gp_number(m.at_s), gp_number(kTick + 0.02 + 0.055 * static_cast<double>(row)),
                right ? "right" : "left", right ? "-0.3" : "0.3", color);
            break;
        }
    }
    return s;
}

}  // namespace ks::report
