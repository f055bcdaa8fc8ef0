#include "runner/assign_case.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "kafkasim/errors.hpp"
#include "scenario/json_reader.hpp"

namespace ks::runner {

using namespace ks::scenario;  // the JSON reader and the scenario helpers

namespace {

// "TOPIC-N" -> TopicPartition; the topic may itself contain '-'.
kafka::TopicPartition read_topic_partition(const Node& n, const AssignCase& c) {
    const std::string what = "a partition \"TOPIC-N\" (N >= 0)";
    if (!n.j->is_string()) n.expected(what);
    const std::string s = n.j->get<std::string>();
    const auto dash = s.rfind('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == s.size()) n.expected(what);
    std::int32_t p = -1;
    const char* first = s.data() + dash + 1;
    const char* last = s.data() + s.size();
    const auto r = std::from_chars(first, last, p);
    if (r.ec != std::errc() || r.ptr != last || p < 0) n.expected(what);
    kafka::TopicPartition tp{s.substr(0, dash), p};
    if (auto it = c.topics.find(tp.topic); it != c.topics.end() && p >= it->second)
        n.expected(fmt::format("a partition of topic {} (0..{})", tp.topic, it->second - 1));
    return tp;
}

kafka::Subscription read_member(const Node& n, const AssignCase& c) {
    Obj o(n, {"member_id", "group_instance_id", "topics", "owned_partitions", "generation"});
    kafka::Subscription s;
    const Node id = o.req("member_id");
    s.member_id = id.as_string();
    if (s.member_id.empty()) id.expected("a non-empty member id");
    if (auto g = o.get("group_instance_id"); g && !g->j->is_null()) {
        s.group_instance_id = g->as_string();
        if (s.group_instance_id->empty()) g->expected("a non-empty group.instance.id or null");
    }
    const Node topics = o.req("topics");
    for (const Node& t : topics.items("an array of topic names")) {
        std::string name = t.as_string();
        if (name.empty()) t.expected("a non-empty topic name");
        if (std::find(s.topics.begin(), s.topics.end(), name) != s.topics.end())
            t.expected("a topic not listed before");
        s.topics.push_back(std::move(name));
    }
    if (auto owned = o.get("owned_partitions")) {
        for (const Node& p : owned->items("an array of partitions \"TOPIC-N\"")) {
            kafka::TopicPartition tp = read_topic_partition(p, c);
            if (std::find(s.owned_partitions.begin(), s.owned_partitions.end(), tp) != s.owned_partitions.end())
                p.expected("a partition not listed before");
            s.owned_partitions.push_back(std::move(tp));
        }
    }
    if (auto g = o.get("generation"); g && !g->j->is_null())
        s.generation = static_cast<std::int32_t>(g->as_int(-1, INT32_MAX));
    return s;
}

}  // namespace

AssignCase parse_assign_case(const nlohmann::json& doc, const std::string& file) {
    const Ctx ctx{file, nullptr};
    Obj root(root_node(ctx, doc), {"strategy", "topics", "members"});
    AssignCase c;
    const Node strategy = root.req("strategy");
    c.strategy = *kafka::parse_assignor_name(strategy.as_enum({"range", "roundrobin", "sticky", "cooperative-sticky"}));
    for (const auto& [name, n] : map_entries(root.req("topics"))) {
        if (name.empty()) n.expected("a partition count under a non-empty topic name");
        c.topics[name] = static_cast<std::int32_t>(n.as_int(1, kAssignPartitionsPerTopicMax));
    }
    const Node members = root.req("members");
    const auto items = members.items("an array of members");
    if (items.size() > kAssignMembersMax) members.expected(fmt::format("at most {} members", kAssignMembersMax));
    std::set<std::string> ids;
    for (const Node& m : items) {
        kafka::Subscription s = read_member(m, c);
        if (!ids.insert(s.member_id).second) m.at("member_id").expected("a member id not used before");
        c.members.push_back(std::move(s));
    }
    return c;
}

AssignCase load_assign_case(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(file + ": cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(file + ": not valid JSON: " + e.what());
    }
    return parse_assign_case(doc, file);
}

kafka::GroupAssignment run_assign_case(const AssignCase& c) {
    std::vector<kafka::Subscription> members = c.members;
    for (auto& m : members) m.owned_partitions = kafka::consumer_protocol_order(m.owned_partitions);
    const kafka::PartitionsPerTopic ppt = kafka::partitions_per_topic_from_metadata(c.topics, members);
    return kafka::assign(c.strategy, ppt, members);
}

nlohmann::ordered_json assignment_json(const kafka::GroupAssignment& a) {
    nlohmann::ordered_json members = nlohmann::ordered_json::object();
    for (const auto& m : a) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& tp : m.partitions) list.push_back(tp.str());
        members[m.member_id] = std::move(list);
    }
    nlohmann::ordered_json out;
    out["assignment"] = std::move(members);
    return out;
}

}  // namespace ks::runner
