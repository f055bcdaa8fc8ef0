// Trace: typed events of a run, folded into a running 64-bit hash.
//
// A kind is declared once with its name and field names; an event is a kind, a
// simulated instant and up to kMaxFields integer values. Every event folds into
// the hash — the run's fingerprint: same binary + scenario + seed ⇒ same hash.
// The hash folds the kind's *name* (not its registration index), so adding an
// unrelated kind does not change it. With a sink attached, each event is also
// written as one JSON line: {"t_ns":..,"kind":"..","field":value,...}.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "kafkasim/time.hpp"

namespace ks {

class Trace {
  public:
    using Kind = std::uint16_t;
    static constexpr std::size_t kMaxFields = 8;

    // Declares an event kind. Declaring the same name twice returns the same
    // kind (the field lists must match).
    Kind define(std::string_view name, std::initializer_list<std::string_view> fields);

    // REQUIRES: values.size() == the kind's field count.
    void emit(Instant at, Kind kind, std::initializer_list<std::int64_t> values);

    std::uint64_t hash() const { return hash_; }
    std::uint64_t events() const { return events_; }
    // Attach (or detach with nullptr) a JSON-lines sink. Not owned.
    void set_sink(std::ostream* sink) { sink_ = sink; }

    std::string_view name_of(Kind k) const { return kinds_.at(k).name; }

    // The hash as printed to users: "0x" + 16 hex digits.
    static std::string format_hash(std::uint64_t h);

  private:
    struct KindInfo {
        std::string name;
        std::vector<std::string> fields;
        std::uint64_t name_hash;
    };
    void fold(std::uint64_t word);

    std::vector<KindInfo> kinds_;
    std::uint64_t hash_ = 0x6b61666b6173696dULL;  // "kafkasim"
    std::uint64_t events_ = 0;
    std::ostream* sink_ = nullptr;
};

}  // namespace ks
