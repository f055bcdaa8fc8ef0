// kafka-consumer-groups.sh --describe: ConsumerGroupCommand's collect*
// and print* functions (see describe_groups.hpp for the source file).
#include "runner/describe_groups.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <set>

#include "core/assert.hpp"
#include "kafka/assignor.hpp"
#include "kafka/java_hash.hpp"

namespace ks::runner {

namespace {

using Tp = kafka::by_name::TopicPartition;
namespace java = kafka::java;

constexpr const char* kMissing = "-";  // MISSING_COLUMN_VALUE

struct TpHash {
    std::int32_t operator()(const Tp& tp) const { return java::topic_partition_hash(tp.topic, tp.partition); }
};
struct TpLess {
    bool operator()(const Tp& a, const Tp& b) const {
        const int c = java::string_compare(a.topic, b.topic);
        return c != 0 ? c < 0 : a.partition < b.partition;
    }
};

// Java's "%-Ns": the text, then spaces up to N UTF-16 code units.
std::string pad(const std::string& s, std::size_t width) {
    const std::size_t n = java_length(s);
    return n >= width ? s : s + std::string(width - n, ' ');
}

// The iteration order of `new HashSet<>(list)` (capacity max(n / .75 + 1, 16)).
std::vector<Tp> hash_set_order(const std::vector<Tp>& list) {
    java::JavaHashSet<Tp, TpHash> set(java::hash_set_copy_capacity(static_cast<std::int32_t>(list.size())));
    for (const Tp& tp : list) set.insert(tp);
    return set.items();
}

// The iteration order of a `new HashMap<>()` filled from `list` in order
// (Collectors.toMap, or put after put).
std::vector<Tp> hash_map_order(const std::vector<Tp>& list) {
    java::JavaHashMap<Tp, bool, TpHash> map;
    for (const Tp& tp : list) map.put(tp, true);
    return map.keys();
}

// collectConsumerAssignment + describePartitions: the partitions sorted by
// partition number (a stable sort), then collected into a HashMap by
// getLogOffsets, whose iteration order the rows take.
std::vector<Tp> rows_order(std::vector<Tp> tps) {
    std::stable_sort(tps.begin(), tps.end(), [](const Tp& a, const Tp& b) { return a.partition < b.partition; });
    return hash_map_order(tps);
}

// One row of printOffsets (PartitionAssignmentState), as text.
struct OffsetRow {
    std::string topic, partition, offset, log_end, lag, consumer_id, host, client_id;
};

std::string opt_text(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : kMissing;
}

struct Lookup {
    std::map<Tp, const DescribedPartition*, TpLess> by_tp;
    explicit Lookup(const DescribedGroup& g) {
        for (const DescribedPartition& p : g.partitions) by_tp[Tp{p.topic, p.partition}] = &p;
    }
    const DescribedPartition* find(const Tp& tp) const {
        const auto it = by_tp.find(tp);
        return it == by_tp.end() ? nullptr : it->second;
    }
};

OffsetRow offset_row(const Lookup& lookup, const Tp& tp, const DescribedMember* m) {
    const DescribedPartition* p = lookup.find(tp);
    const std::optional<std::int64_t> offset = p ? p->committed : std::nullopt;
    const std::optional<std::int64_t> end = p ? p->log_end : std::nullopt;
    // getLag: the log end offset minus the committed offset, when both are known.
    const std::optional<std::int64_t> lag = offset && end ? std::optional(*end - *offset) : std::nullopt;
    return OffsetRow{.topic = tp.topic,
                     .partition = std::to_string(tp.partition),
                     .offset = opt_text(offset),
                     .log_end = opt_text(end),
                     .lag = opt_text(lag),
                     .consumer_id = m ? m->member_id : kMissing,
                     .host = m ? m->host : kMissing,
                     .client_id = m ? m->client_id : kMissing};
}

std::vector<Tp> assignment_of(const DescribedMember& m) {
    std::vector<Tp> out;
    for (const auto& [topic, partition] : m.assignment) out.push_back(Tp{topic, partition});
    return out;
}

// collectGroupsOffsets for one group: the members that own partitions, most
// partitions first, then the committed partitions nobody owns.
std::vector<OffsetRow> offset_rows(const DescribedGroup& g) {
    const Lookup lookup(g);
    std::vector<const DescribedMember*> owners;
    for (const DescribedMember& m : g.members) {
        if (!m.assignment.empty()) owners.push_back(&m);
    }
    std::stable_sort(owners.begin(), owners.end(), [](const DescribedMember* a, const DescribedMember* b) {
        return a->assignment.size() > b->assignment.size();
    });
    std::vector<OffsetRow> rows;
    std::set<Tp, TpLess> assigned;
    for (const DescribedMember* m : owners) {
        // The admin client's MemberAssignment: a HashSet of the deserialized assignment.
        const std::vector<Tp> tps = hash_set_order(assignment_of(*m));
        assigned.insert(tps.begin(), tps.end());
        for (const Tp& tp : rows_order(tps)) rows.push_back(offset_row(lookup, tp, m));
    }
    // committedOffsets (a HashMap, filled in OffsetFetch order), filtered into
    // unassignedPartitions (another HashMap), whose keys become rows.
    std::vector<Tp> committed;
    for (const DescribedPartition& p : g.partitions) {
        if (p.committed) committed.push_back(Tp{p.topic, p.partition});
    }
    std::vector<Tp> unassigned;
    for (const Tp& tp : hash_map_order(committed)) {
        if (!assigned.contains(tp)) unassigned.push_back(tp);
    }
    for (const Tp& tp : rows_order(hash_map_order(unassigned))) rows.push_back(offset_row(lookup, tp, nullptr));
    return rows;
}

// shouldPrintMemberState: the group's state message, and whether its table follows.
bool should_print(DescribeOutput& out, const DescribedGroup& g, std::size_t rows) {
    if (g.state == "Dead") {
        out.print(false, "\nError: Consumer group '" + g.group_id + "' does not exist.\n");  // printError
        return false;
    }
    if (g.state == "Empty") {
        out.print(true, "\nConsumer group '" + g.group_id + "' has no active members.\n");
    } else if (g.state == "PreparingRebalance" || g.state == "CompletingRebalance" || g.state == "Assigning" ||
               g.state == "Reconciling") {
        out.print(true, "\nWarning: Consumer group '" + g.group_id + "' is rebalancing.\n");
    } else {
        KS_ASSERT_MSG(g.state == "Stable", "group {}: unknown state {}", g.group_id, g.state);
    }
    return rows > 0;
}

void print_offsets(DescribeOutput& out, const DescribedGroup& g) {
    const std::vector<OffsetRow> rows = offset_rows(g);
    if (!should_print(out, g, rows.size())) return;
    // printOffsetFormat: "\n%-Gs %-Ts %-10s %-15s %-15s %-15s %-Cs %-Hs %s".
    std::size_t wg = 15, wt = 15, wc = 15, wh = 15;
    for (const OffsetRow& r : rows) {
        wg = std::max(wg, java_length(g.group_id));
        wt = std::max(wt, java_length(r.topic));
        wc = std::max(wc, java_length(r.consumer_id));
        wh = std::max(wh, java_length(r.host));
    }
    auto line = [&](const std::string& group, const OffsetRow& r) {
        return "\n" + pad(group, wg) + " " + pad(r.topic, wt) + " " + pad(r.partition, 10) + " " + pad(r.offset, 15) +
               " " + pad(r.log_end, 15) + " " + pad(r.lag, 15) + " " + pad(r.consumer_id, wc) + " " + pad(r.host, wh) +
               " " + r.client_id;
    };
    std::string text = line("GROUP", OffsetRow{"TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                                               "CONSUMER-ID", "HOST", "CLIENT-ID"});
    for (const OffsetRow& r : rows) text += line(g.group_id, r);
    out.print(false, text + "\n");
}

// The --verbose ASSIGNMENT: per topic its partition numbers sorted as text,
// "(0,1,2)"; the topics' lists sorted as text and joined by ", " (no topic
// names, as the tool prints it); "-" for none.
std::string assignment_text(const DescribedMember& m) {
    if (m.assignment.empty()) return kMissing;
    std::map<std::string, std::vector<std::string>> by_topic;
    for (const auto& [topic, partition] : m.assignment) by_topic[topic].push_back(std::to_string(partition));
    std::vector<std::string> lists;
    for (auto& [topic, partitions] : by_topic) {
        std::sort(partitions.begin(), partitions.end(), java::StringLess{});
        std::string s = "(";
        for (std::size_t i = 0; i < partitions.size(); ++i) s += (i ? "," : "") + partitions[i];
        lists.push_back(s + ")");
    }
    std::sort(lists.begin(), lists.end(), java::StringLess{});
    std::string out;
    for (std::size_t i = 0; i < lists.size(); ++i) out += (i ? ", " : "") + lists[i];
    return out;
}

void print_members(DescribeOutput& out, const DescribedGroup& g, bool verbose) {
    std::size_t wg = 15, wc = 15, wi = 17, wh = 15, wcl = 15;
    bool instance_ids = false;
    if (should_print(out, g, g.members.size())) {
        for (const DescribedMember& m : g.members) {
            wg = std::max(wg, java_length(g.group_id));
            wc = std::max(wc, java_length(m.member_id));
            wi = std::max(wi, java_length(m.group_instance_id));
            wh = std::max(wh, java_length(m.host));
            wcl = std::max(wcl, java_length(m.client_id));
            instance_ids = instance_ids || !m.group_instance_id.empty();
        }
    }
    // format0 / format1: every column, #PARTITIONS too, followed by a space.
    auto line = [&](const std::string& group, const std::string& id, const std::string& instance,
                    const std::string& host, const std::string& client, const std::string& partitions) {
        std::string s = pad(group, wg) + " " + pad(id, wc) + " ";
        if (instance_ids) s += pad(instance, wi) + " ";
        return s + pad(host, wh) + " " + pad(client, wcl) + " " + pad(partitions, 15) + " ";
    };
    // The header comes even when shouldPrintMemberState said no (the tool's order).
    std::string text = "\n" + line("GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
    if (verbose) text += "ASSIGNMENT";
    text += "\n";
    for (const DescribedMember& m : g.members) {
        text += line(g.group_id, m.member_id, m.group_instance_id, m.host, m.client_id,
                     std::to_string(m.assignment.size()));
        if (verbose) text += assignment_text(m);
        text += "\n";
    }
    out.print(false, text);
}

void print_state(DescribeOutput& out, const DescribedGroup& g) {
    if (!should_print(out, g, 1)) return;
    const std::string coordinator = fmt::format("{}  ({})", g.coordinator_host, g.coordinator);
    // The GROUP column takes the COORDINATOR column's width (the tool's format).
    const std::size_t wg = std::max<std::size_t>(25, java_length(coordinator));
    auto line = [&](const std::string& group, const std::string& coord, const std::string& strategy,
                    const std::string& state, const std::string& members) {
        return "\n" + pad(group, wg) + " " + pad(coord, 25) + " " + pad(strategy, 20) + " " + pad(state, 15) + " " +
               members;
    };
    out.print(false,
              line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS") +
                  line(g.group_id, coordinator, g.assignment_strategy, g.state, std::to_string(g.members.size())) +
                  "\n");
}

}  // namespace

std::string broker_address(BrokerId b) {
    const auto v = static_cast<std::uint32_t>(b.value());
    return fmt::format("10.0.{}.{}", (v >> 8) & 255, v & 255);
}

std::string consumer_address(std::size_t group, std::int32_t member) {
    KS_ASSERT_GE(member, 0);
    const auto v = static_cast<std::uint32_t>(member) + 1;
    return fmt::format("10.{}.{}.{}", (group + 1) & 255, (v >> 8) & 255, v & 255);
}

std::size_t java_length(const std::string& utf8) {
    return java::to_utf16(utf8).size();
}

DescribeOutput print_groups(const std::vector<DescribedGroup>& groups, DescribeView view, bool verbose) {
    KS_ASSERT(view != DescribeView::topics);
    // The tool's TreeMap: by group id in String.compareTo order, each once.
    std::map<std::string, const DescribedGroup*, java::StringLess> sorted;
    for (const DescribedGroup& g : groups) sorted.emplace(g.group_id, &g);
    DescribeOutput out;
    // The tool describes every group before it prints anything: one group
    // without a coordinator that answers fails the whole command (main's
    // printError). Kafka's admin client retries until its timeout first; the
    // message here is the cause it ends with, condensed.
    for (const auto& [id, g] : sorted) {
        if (g->coordinator >= 0) continue;
        out.print(false,
                  "\nError: Executing consumer group command failed due to "
                  "org.apache.kafka.common.errors.CoordinatorNotAvailableException: "
                  "The coordinator is not available.\n");
        out.print(true, "kafkasim: no running broker coordinates group '" + id + "' at this time\n");
        return out;
    }
    for (const auto& [id, g] : sorted) {
        switch (view) {
            case DescribeView::group_offsets:
                print_offsets(out, *g);
                break;
            case DescribeView::group_members:
                print_members(out, *g, verbose);
                break;
            case DescribeView::group_state:
                print_state(out, *g);
                break;
            case DescribeView::topics:
                KS_UNREACHABLE("not a group view");
        }
    }
    return out;
}

}  // namespace ks::runner
