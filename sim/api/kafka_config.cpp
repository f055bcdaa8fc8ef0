// KafkaConfig (include/kafkasim/kafka_config.hpp): storage and typed access.
#include "kafkasim/kafka_config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/assert.hpp"

namespace ks {

const char* to_string(ConfigScope s) {
    switch (s) {
        case ConfigScope::broker:
            return "broker";
        case ConfigScope::topic:
            return "topic";
        case ConfigScope::producer:
            return "producer";
        case ConfigScope::consumer:
            return "consumer";
    }
    return "?";
}

std::string config_value_text(const ConfigValue& v) {
    struct Visit {
        std::string operator()(std::monostate) const { return "null"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(double d) const { return fmt::format("{}", d); }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(const std::vector<std::string>& l) const { return fmt::format("{}", fmt::join(l, ",")); }
    };
    return std::visit(Visit{}, v);
}

const KafkaConfig::Entry& KafkaConfig::entry(std::string_view key) const {
    auto it = entries_.find(key);
    KS_ASSERT_MSG(it != entries_.end(), "{} config has no modelled key {}", to_string(scope_), key);
    return it->second;
}

std::int32_t KafkaConfig::get_int(std::string_view key) const {
    const auto& v = entry(key).value;
    KS_ASSERT_MSG(std::holds_alternative<std::int64_t>(v), "{} is not an integer", key);
    const auto i = std::get<std::int64_t>(v);
    KS_ASSERT_MSG(i >= INT32_MIN && i <= INT32_MAX, "{} = {} does not fit an int", key, i);
    return static_cast<std::int32_t>(i);
}

std::int64_t KafkaConfig::get_long(std::string_view key) const {
    const auto& v = entry(key).value;
    KS_ASSERT_MSG(std::holds_alternative<std::int64_t>(v), "{} is not an integer (or is null)", key);
    return std::get<std::int64_t>(v);
}

double KafkaConfig::get_double(std::string_view key) const {
    const auto& v = entry(key).value;
    if (std::holds_alternative<std::int64_t>(v)) return static_cast<double>(std::get<std::int64_t>(v));
    KS_ASSERT_MSG(std::holds_alternative<double>(v), "{} is not a number", key);
    return std::get<double>(v);
}

bool KafkaConfig::get_bool(std::string_view key) const {
    const auto& v = entry(key).value;
    KS_ASSERT_MSG(std::holds_alternative<bool>(v), "{} is not a boolean", key);
    return std::get<bool>(v);
}

const std::string& KafkaConfig::get_string(std::string_view key) const {
    const auto& v = entry(key).value;
    KS_ASSERT_MSG(std::holds_alternative<std::string>(v), "{} is not a string (or is null)", key);
    return std::get<std::string>(v);
}

const std::vector<std::string>& KafkaConfig::get_list(std::string_view key) const {
    const auto& v = entry(key).value;
    KS_ASSERT_MSG(std::holds_alternative<std::vector<std::string>>(v), "{} is not a list", key);
    return std::get<std::vector<std::string>>(v);
}

Duration KafkaConfig::get_ms(std::string_view key) const {
    const std::int64_t v = get_long(key);
    // Kafka's "never" (Long.MAX_VALUE ms) saturates instead of overflowing.
    if (v >= Duration::max().ms()) return Duration::max();
    return ms(v);
}

bool KafkaConfig::has(std::string_view key) const {
    return entries_.find(key) != entries_.end();
}

bool KafkaConfig::is_null(std::string_view key) const {
    return std::holds_alternative<std::monostate>(entry(key).value);
}

bool KafkaConfig::user_set(std::string_view key) const {
    auto it = entries_.find(key);
    return it != entries_.end() && it->second.user;
}

const ConfigValue& KafkaConfig::value(std::string_view key) const {
    return entry(key).value;
}

std::vector<std::string> KafkaConfig::user_keys() const {
    std::vector<std::string> out;
    for (const auto& [k, e] : entries_)
        if (e.user) out.push_back(k);
    return out;
}

std::vector<std::pair<std::string, std::string>> KafkaConfig::non_defaults() const {
    std::map<std::string, std::string> all(unmodelled_.begin(), unmodelled_.end());
    for (const auto& [k, e] : entries_)
        if (e.user) all[k] = config_value_text(e.value);
    return {all.begin(), all.end()};
}

std::vector<std::pair<std::string, ConfigValue>> KafkaConfig::entries() const {
    std::vector<std::pair<std::string, ConfigValue>> out;
    for (const auto& [k, e] : entries_) out.emplace_back(k, e.value);
    return out;
}

void KafkaConfig::set(std::string key, ConfigValue v, bool user) {
    entries_[std::move(key)] = Entry{std::move(v), user};
}

}  // namespace ks
