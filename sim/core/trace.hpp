// Trace: typed events of a run, folded into a running 64-bit hash.
//
// A kind is declared once with its name and fields; an event is a kind, a
// simulated instant and up to kMaxFields integer values. Every event folds into
// the hash — the run's fingerprint: same binary + scenario + seed ⇒ same hash.
// The hash folds the kind's *name* (not its registration index), the time and
// the values — never field names or how values are written — so adding an
// unrelated kind, renaming a field or naming an enum's values does not change it.
//
// With a sink attached, each event is also written as one JSON line
// (docs/trace-format.md is the format):
//   {"t_ns":..,"t_s":..,["warmup":true,]"kind":"..","field":value,...}
// t_ns counts from the simulated clock's zero (the start of the run, warm-up
// included); t_s is seconds from the origin (the end of warm-up), exact to the
// nanosecond. The envelope keys (kEnvelope) are reserved: no field may use one,
// and a kind's keys are distinct, so every line has one key per field. A field
// is an integer, a flag (false / true) or an enum written by name; a kind whose
// fields mean different things per value of one of them (the cluster's "note")
// declares variants, which name that value and relabel the fields after it.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/time.hpp"

namespace ks {

class Trace {
  public:
    using Kind = std::uint16_t;
    static constexpr std::size_t kMaxFields = 8;
    // The keys every JSON line starts with; "warmup" only on warm-up lines.
    static constexpr std::array<std::string_view, 4> kEnvelope{"t_ns", "t_s", "warmup", "kind"};
    // Lines held while waiting for the origin (hold_until_origin) are bounded:
    // a warm-up that long is a bug.
    static constexpr std::size_t kHeldMax = 4'000'000;

    // How the JSON sink writes one field; the hash folds only the value.
    struct Field {
        // An integer. Implicit, so that a plain list {"a", "b"} declares integers.
        Field(const char* k) : key(k) {}
        // An enum: value v is written as the string names[v] (its decimal
        // text when out of the table or empty there). `n` must outlive the Trace.
        Field(std::string_view k, std::span<const std::string_view> n) : key(k), names(n) {}
        // A flag: 0 / 1 are written as false / true.
        static Field flag(std::string_view k) {
            Field f(k, {});
            f.is_flag = true;
            return f;
        }
        std::string key;  // [a-z0-9_]+; "" only in a variant: the field is not written
        std::span<const std::string_view> names{};
        bool is_flag = false;
    };
    // One meaning of a kind with variants: the selector's value, the name
    // written for it, and keys for the fields after the selector (fewer than
    // those fields: the rest are not written).
    struct Variant {
        std::int64_t value = 0;
        std::string name;
        std::vector<Field> fields;
    };
    struct Variants {
        std::size_t selector = 0;  // the index of the field whose value picks the variant
        std::vector<Variant> cases;
    };
    // A declared kind, as the JSON sink writes it.
    struct Schema {
        std::string name;
        std::vector<Field> fields;
        Variants variants;  // cases empty: none
    };

    // Declares an event kind. Declaring the same name twice returns the same
    // kind (the field keys must match). REQUIRES: at most kMaxFields fields;
    // names and keys in [a-z0-9_]+, enum names in [A-Za-z0-9_.-]+; no key is
    // an envelope key; the keys written for any one event are distinct.
    Kind define(std::string_view name, std::initializer_list<Field> fields);
    Kind define(std::string_view name, std::initializer_list<Field> fields, Variants variants);

    // REQUIRES: values.size() == the kind's field count.
    void emit(Instant at, Kind kind, std::initializer_list<std::int64_t> values);

    std::uint64_t hash() const { return hash_; }
    std::uint64_t events() const { return events_; }
    // Attach (or detach with nullptr) a JSON-lines sink. Not owned.
    void set_sink(std::ostream* sink) { sink_ = sink; }
    // The origin of t_s is known only when warm-up ends: lines wait in memory
    // until set_origin() and are then written with "warmup":true. Lines still
    // held when the Trace is destroyed (a run that failed in warm-up) are dropped.
    void hold_until_origin() { holding_ = true; }
    // Sets the origin of t_s (default: the clock's zero) and writes the held lines.
    void set_origin(Instant origin);

    std::string_view name_of(Kind k) const { return kinds_.at(k).schema.name; }
    // Every kind declared so far, in declaration order.
    std::size_t kind_count() const { return kinds_.size(); }
    const Schema& schema(Kind k) const { return kinds_.at(k).schema; }

    // The hash as printed to users: "0x" + 16 hex digits.
    static std::string format_hash(std::uint64_t h);

  private:
    struct KindInfo {
        Schema schema;
        std::uint64_t name_hash;
    };
    struct Held {
        Instant at;
        Kind kind;
        std::array<std::int64_t, kMaxFields> values;
    };
    void fold(std::uint64_t word);
    void write(Instant at, Kind kind, std::span<const std::int64_t> values, bool warmup) const;

    std::vector<KindInfo> kinds_;
    std::uint64_t hash_ = 0x6b61666b6173696dULL;  // "kafkasim"
    std::uint64_t events_ = 0;
    std::ostream* sink_ = nullptr;
    Instant origin_{};
    bool holding_ = false;
    std::vector<Held> held_;
};

}  // namespace ks
