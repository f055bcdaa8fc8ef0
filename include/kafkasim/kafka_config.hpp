// KafkaConfig: one resolved Kafka configuration (a broker's, a topic's, a
// producer's or a consumer group's), keyed by Kafka's own config names.
//
// The scenario loader builds it from a `config` map: every setting kafkasim
// models is present with Kafka's default unless the user set it, typed as
// Kafka's ConfigDef types it (int, long, double, boolean, string, list, or a
// string from a closed set). A real Kafka setting that kafkasim does not model
// is kept as the text the user wrote (unmodelled()), so reports can show it.
//
// Invariants: every modelled key of the scope is present; user_set(k) is true
// iff the key appeared in the scenario (or a --set / rolling_upgrade "set");
// a nullable key (Kafka default null, e.g. log.retention.ms) may hold null.
// Accessors on an absent key or with the wrong type are bugs (KS_ASSERT).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kafkasim/time.hpp"

namespace ks {

enum class ConfigScope { broker, topic, producer, consumer };
const char* to_string(ConfigScope s);

// Kafka's ConfigDef types; `enumeration` is a STRING with a ValidString check.
enum class ConfigType { int32, int64, float64, boolean, string, list, enumeration };

// null (monostate) | INT/LONG | DOUBLE | BOOLEAN | STRING/enum | LIST
using ConfigValue = std::variant<std::monostate, std::int64_t, double, bool, std::string, std::vector<std::string>>;

// Kafka's text form of a value ("all", "30000", "true", "range,cooperative-sticky", "null").
std::string config_value_text(const ConfigValue& v);

class KafkaConfig {
  public:
    KafkaConfig() = default;
    explicit KafkaConfig(ConfigScope scope) : scope_(scope) {}

    ConfigScope scope() const { return scope_; }

    // Typed accessors. REQUIRES: the key is modelled in this scope and has that
    // type (get_long also reads an int; get_double also reads an int or long).
    std::int32_t get_int(std::string_view key) const;
    std::int64_t get_long(std::string_view key) const;
    double get_double(std::string_view key) const;
    bool get_bool(std::string_view key) const;
    const std::string& get_string(std::string_view key) const;
    const std::vector<std::string>& get_list(std::string_view key) const;
    // A *.ms setting as a Duration. REQUIRES: an int or long key, not null.
    Duration get_ms(std::string_view key) const;

    bool has(std::string_view key) const;                  // modelled in this scope
    bool is_null(std::string_view key) const;              // REQUIRES: has(key)
    bool user_set(std::string_view key) const;             // set by the scenario (modelled keys)
    const ConfigValue& value(std::string_view key) const;  // REQUIRES: has(key)

    // Keys the user set (modelled ones), in name order.
    std::vector<std::string> user_keys() const;
    // "key=value" pairs the user set, modelled and unmodelled, in name order:
    // what kafka-topics --describe prints after "Configs:".
    std::vector<std::pair<std::string, std::string>> non_defaults() const;
    // Real Kafka settings kafkasim ignores, as the user wrote them.
    const std::map<std::string, std::string, std::less<>>& unmodelled() const { return unmodelled_; }
    // Every modelled key with its value, in name order.
    std::vector<std::pair<std::string, ConfigValue>> entries() const;

    // For the loader. set() adds or replaces a modelled key.
    void set(std::string key, ConfigValue v, bool user);
    void set_unmodelled(std::string key, std::string text) { unmodelled_[std::move(key)] = std::move(text); }

  private:
    struct Entry {
        ConfigValue value;
        bool user = false;
    };
    const Entry& entry(std::string_view key) const;

    ConfigScope scope_ = ConfigScope::broker;
    std::map<std::string, Entry, std::less<>> entries_;
    std::map<std::string, std::string, std::less<>> unmodelled_;
};

}  // namespace ks
