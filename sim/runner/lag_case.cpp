#include "runner/lag_case.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include "core/assert.hpp"
#include "kafkasim/errors.hpp"
#include "scenario/json_reader.hpp"

namespace ks::runner {

using namespace ks::scenario;  // the JSON reader and the scenario helpers

namespace {

constexpr double kTimeNowSMax = 9.0e12;  // keeps time_now_s * 1000 inside int64

monitor::BurrowOffset read_commit(const Node& n, std::size_t index) {
    Obj o(n, {"offset", "timestamp_ms", "lag", "order"});
    monitor::BurrowOffset c{.offset = o.req("offset").as_int(0),
                            .order = static_cast<std::int64_t>(index),
                            .timestamp_ms = o.req("timestamp_ms").as_int(),
                            .lag = {}};
    if (const auto lag = o.get("lag"); lag && !lag->j->is_null()) {
        if (!lag->j->is_number_integer() || lag->j->get<std::int64_t>() < 0 ||
            (lag->j->is_number_unsigned() && lag->j->get<std::uint64_t>() > static_cast<std::uint64_t>(kIntMax))) {
            lag->expected("an integer >= 0 or null");
        }
        c.lag = lag->j->get<std::int64_t>();
    }
    if (const auto order = o.get("order")) c.order = order->as_int();
    return c;
}

monitor::BurrowWindow read_window(const Node& n) {
    monitor::BurrowWindow window;
    bool seen_commit = false;
    const auto items = n.items("an array of commits (null for an empty slot)");
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].j->is_null()) {
            if (seen_commit) items[i].expected("a commit object (null empty slots may only lead the window)");
            window.emplace_back(std::nullopt);
            continue;
        }
        window.emplace_back(read_commit(items[i], i));
        seen_commit = true;
    }
    if (!window.empty() && !seen_commit) n.expected("at least one commit object, or an empty window");
    return window;
}

// Burrow's fetchConsumer: newest broker offset − newest commit, floored at 0.
std::int64_t default_current_lag(const monitor::BurrowPartitionInput& p) {
    if (p.window.empty() || !p.window.back() || p.broker_offsets.empty()) return 0;
    return std::max<std::int64_t>(0, p.broker_offsets.back() - p.window.back()->offset);
}

monitor::BurrowPartitionInput read_partition(const Node& n) {
    Obj o(n, {"topic", "partition", "window", "broker_offsets", "current_lag"});
    monitor::BurrowPartitionInput p;
    p.topic = o.req("topic").as_string();
    p.partition = static_cast<std::int32_t>(o.req("partition").as_int(0, INT32_MAX));
    p.window = read_window(o.req("window"));
    if (const auto b = o.get("broker_offsets")) {
        for (const auto& item : b->items("an array of broker offsets")) p.broker_offsets.push_back(item.as_int(0));
    }
    const auto lag = o.get("current_lag");
    p.current_lag = lag ? lag->as_int(0) : default_current_lag(p);
    return p;
}

}  // namespace

LagCase parse_lag_case(const nlohmann::json& doc, const std::string& file) {
    Ctx ctx;
    ctx.file = file;
    const Node root = root_node(ctx, doc);
    Obj o(root, {"time_now_s", "allowed_lag", "minimum_complete", "partitions"});
    LagCase c;
    c.time_now_ms = std::llround(o.req("time_now_s").as_number(0, kTimeNowSMax) * 1000.0);
    if (const auto a = o.get("allowed_lag")) c.options.allowed_lag = a->as_int(0);
    if (const auto m = o.get("minimum_complete")) {
        c.options.minimum_complete = static_cast<float>(m->as_number(0, 1));
    }
    std::set<std::pair<std::string, std::int32_t>> seen;
    for (const auto& item : o.req("partitions").items("an array of partitions")) {
        monitor::BurrowPartitionInput p = read_partition(item);
        if (!seen.emplace(p.topic, p.partition).second) {
            item.at("partition")
                .expected(fmt::format("a partition not listed before for topic {}", nlohmann::json(p.topic).dump()));
        }
        c.partitions.push_back(std::move(p));
    }
    return c;
}

LagCase load_lag_case(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw InputError(file + ": cannot open the file");
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/true,
                                    /*ignore_comments=*/true);
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(file + ": not valid JSON: " + e.what());
    }
    return parse_lag_case(doc, file);
}

double float_for_json(float f) {
    KS_ASSERT(std::isfinite(f));
    char buf[64];
    const auto written = std::to_chars(buf, buf + sizeof buf, f);
    KS_ASSERT(written.ec == std::errc());
    double d = 0;
    const auto read = std::from_chars(buf, written.ptr, d);
    KS_ASSERT(read.ec == std::errc());
    return d;
}

nlohmann::json burrow_offset_json(const monitor::BurrowOffset& o) {
    return {{"offset", o.offset},
            {"order", o.order},
            {"timestamp_ms", o.timestamp_ms},
            {"lag", o.lag ? nlohmann::json(*o.lag) : nlohmann::json(nullptr)}};
}

nlohmann::json burrow_partition_json(const monitor::BurrowPartitionStatus& p) {
    nlohmann::json j = {{"topic", p.topic},
                        {"partition", p.partition},
                        {"status", monitor::to_string(p.status)},
                        {"complete", float_for_json(p.complete)},
                        {"current_lag", p.current_lag}};
    j["start"] = p.start ? burrow_offset_json(*p.start) : nlohmann::json(nullptr);
    j["end"] = p.end ? burrow_offset_json(*p.end) : nlohmann::json(nullptr);
    return j;
}

nlohmann::json burrow_group_json(const monitor::BurrowGroupStatus& g) {
    nlohmann::json partitions = nlohmann::json::array();
    for (const auto& p : g.partitions) partitions.push_back(burrow_partition_json(p));
    nlohmann::json j = {{"status", monitor::to_string(g.status)},
                        {"complete", float_for_json(g.complete)},
                        {"totallag", g.totallag},
                        {"partition_count", g.partition_count}};
    j["partitions"] = std::move(partitions);
    j["maxlag"] = g.maxlag ? burrow_partition_json(*g.maxlag) : nlohmann::json(nullptr);
    return j;
}

namespace {

// protocol.ConsumerOffset as Burrow marshals it (Order is json:"-").
nlohmann::json http_offset_json(const monitor::BurrowOffset& o) {
    return {{"offset", o.offset},
            {"timestamp", o.timestamp_ms},
            {"observedAt", o.timestamp_ms},
            {"lag", o.lag ? nlohmann::json(*o.lag) : nlohmann::json(nullptr)}};
}

// protocol.PartitionStatus, fields in Burrow's declaration order.
nlohmann::json http_partition_json(const monitor::BurrowPartitionStatus& p) {
    nlohmann::json j = nlohmann::json::object();
    j["topic"] = p.topic;
    j["partition"] = p.partition;
    j["owner"] = "";
    j["client_id"] = "";
    j["status"] = monitor::to_string(p.status);
    j["start"] = p.start ? http_offset_json(*p.start) : nlohmann::json(nullptr);
    j["end"] = p.end ? http_offset_json(*p.end) : nlohmann::json(nullptr);
    j["current_lag"] = p.current_lag;
    j["complete"] = float_for_json(p.complete);
    return j;
}

}  // namespace

nlohmann::json burrow_http_json(const monitor::BurrowGroupStatus& g, const std::string& cluster,
                                const std::string& group, BurrowEndpoint endpoint) {
    nlohmann::json partitions = nlohmann::json::array();
    for (const auto& p : g.partitions) {
        // /status: "The requestor only wants partitions that are not StatusOK".
        if (endpoint == BurrowEndpoint::lag || p.status > monitor::BurrowStatus::ok) {
            partitions.push_back(http_partition_json(p));
        }
    }
    nlohmann::json status = nlohmann::json::object();
    status["cluster"] = cluster;
    status["group"] = group;
    status["status"] = monitor::to_string(g.status);
    status["complete"] = float_for_json(g.complete);
    status["partitions"] = std::move(partitions);
    status["partition_count"] = g.partition_count;
    status["maxlag"] = g.maxlag ? http_partition_json(*g.maxlag) : nlohmann::json(nullptr);
    status["totallag"] = g.totallag;
    nlohmann::json j = nlohmann::json::object();
    j["error"] = false;
    j["message"] = "consumer status returned";
    j["status"] = std::move(status);
    j["request"] = {{"url", "/v3/kafka/" + cluster + "/consumer/" + group +
                                (endpoint == BurrowEndpoint::status ? "/status" : "/lag")},
                    {"host", "kafkasim"}};
    return j;
}

}  // namespace ks::runner
