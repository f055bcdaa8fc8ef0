// Java collection semantics that Kafka's client code leaks into its results.
//
// Kafka's sticky assignors iterate java.util.HashMap / HashSet instances keyed by
// member id (String) and by TopicPartition, and several of their choices ("the
// first member that ...", "the first partition of the set") depend on that
// iteration order. To reproduce Kafka exactly we reproduce the order:
//
//   * String.hashCode: s[0]*31^(n-1) + ... + s[n-1] in int32 arithmetic over
//     UTF-16 code units (our strings are UTF-8; they are transcoded first).
//   * String.compareTo: lexicographic over UTF-16 code units (differs from UTF-8
//     byte order only for supplementary characters vs U+E000..U+FFFF).
//   * TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode() (Kafka's
//     TopicPartition.java hashes the partition first, then the topic).
//   * HashMap (JDK 8+): hash = h ^ (h >>> 16); bucket = hash & (capacity - 1);
//     the table is allocated on the first put (capacity 16, or
//     tableSizeFor(initialCapacity) when one was given); it doubles when size
//     exceeds capacity * 0.75; a resize splits each bucket into "lo" and "hi"
//     keeping relative order; a new key is appended at the tail of its bucket;
//     replacing a value keeps the position; iteration is bucket ascending, then
//     bucket order. clear() keeps the capacity.
//
// Not modelled: treeification (a bucket with >= 8 entries in a table of >= 64
// buckets becomes a red-black tree whose iteration order can differ). That needs
// eight colliding keys in one bucket of a large table; JavaHashMap asserts it
// never happens instead of silently diverging.
//
// JavaHashMap is a value-semantics container for deterministic logic; it owns
// its entries and holds no global state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/assert.hpp"

namespace ks::kafka::java {

// UTF-8 -> UTF-16 code units. Invalid sequences become U+FFFD (as Java's
// decoder does), so hashing never fails.
std::u16string to_utf16(std::string_view utf8);

// java.lang.String.hashCode of the UTF-8 string's UTF-16 form.
std::int32_t string_hash(std::string_view utf8);

// Sign of java.lang.String.compareTo: < 0, 0 or > 0.
int string_compare(std::string_view a, std::string_view b);

// Strict weak order equal to String.compareTo(a, b) < 0.
struct StringLess {
    bool operator()(std::string_view a, std::string_view b) const { return string_compare(a, b) < 0; }
};

// org.apache.kafka.common.TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode().
std::int32_t topic_partition_hash(std::string_view topic, std::int32_t partition);

// java.util.HashMap.hash(): h ^ (h >>> 16).
std::int32_t spread(std::int32_t h);

// java.util.HashMap.tableSizeFor: the smallest power of two >= cap (1 for cap <= 1).
std::int32_t table_size_for(std::int32_t cap);

// Capacity a `new HashSet<>(collection)` / `new HashMap<>(map)` starts with
// before its entries are added: max(size / .75 + 1, 16) for HashSet; for the
// HashMap copy constructor tableSizeFor(size / .75 + 1).
std::int32_t hash_set_copy_capacity(std::int32_t size);
std::int32_t hash_map_copy_capacity(std::int32_t size);

// A java.util.HashMap<K, V> that iterates like the JDK's. HashFn maps a key to
// its Java hashCode (int32); keys compare with ==.
template <typename K, typename V, typename HashFn>
class JavaHashMap {
  public:
    using Entry = std::pair<K, V>;

    // `new HashMap<>()`.
    JavaHashMap() = default;
    // `new HashMap<>(initial_capacity)`. REQUIRES: initial_capacity >= 0.
    explicit JavaHashMap(std::int32_t initial_capacity) {
        KS_ASSERT_GE(initial_capacity, 0);
        threshold_ = table_size_for(initial_capacity);
    }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t capacity() const { return table_.size(); }

    // Inserts or replaces (a replaced entry keeps its position).
    void put(const K& key, V value) {
        if (table_.empty()) resize();
        auto& bucket = table_[index_of(key, table_.size())];
        for (auto& e : bucket) {
            if (e.first == key) {
                e.second = std::move(value);
                return;
            }
        }
        bucket.emplace_back(key, std::move(value));
        KS_ASSERT_MSG(bucket.size() < 8 || table_.size() < 64,
                      "JavaHashMap: a bucket would be treeified; order not modelled");
        if (++size_ > static_cast<std::size_t>(threshold_)) resize();
    }

    // `computeIfAbsent(key, k -> V{})`: the value for key, inserted if absent.
    V& get_or_insert(const K& key) {
        if (V* v = find(key)) return *v;
        put(key, V{});
        V* v = find(key);
        KS_ASSERT(v != nullptr);
        return *v;
    }

    V* find(const K& key) {
        if (table_.empty()) return nullptr;
        for (auto& e : table_[index_of(key, table_.size())])
            if (e.first == key) return &e.second;
        return nullptr;
    }
    const V* find(const K& key) const { return const_cast<JavaHashMap*>(this)->find(key); }
    bool contains(const K& key) const { return find(key) != nullptr; }

    // Removes key if present; returns whether it was. Keeps the others' order.
    bool erase(const K& key) {
        if (table_.empty()) return false;
        auto& bucket = table_[index_of(key, table_.size())];
        for (auto it = bucket.begin(); it != bucket.end(); ++it) {
            if (it->first == key) {
                bucket.erase(it);
                --size_;
                return true;
            }
        }
        return false;
    }

    // clear(): keeps the table (and so the capacity).
    void clear() {
        for (auto& b : table_) b.clear();
        size_ = 0;
    }

    // Calls f(key, value) in Java iteration order. f must not modify the map.
    template <typename F>
    void for_each(F&& f) const {
        for (const auto& bucket : table_)
            for (const auto& e : bucket) f(e.first, e.second);
    }
    template <typename F>
    void for_each_mut(F&& f) {
        for (auto& bucket : table_)
            for (auto& e : bucket) f(e.first, e.second);
    }

    // The keys in Java iteration order.
    std::vector<K> keys() const {
        std::vector<K> out;
        out.reserve(size_);
        for_each([&](const K& k, const V&) { out.push_back(k); });
        return out;
    }

    // The first key in iteration order (`iterator().next()`). REQUIRES: !empty().
    const K& first_key() const {
        KS_ASSERT(size_ > 0);
        for (const auto& bucket : table_)
            if (!bucket.empty()) return bucket.front().first;
        KS_UNREACHABLE("JavaHashMap: size > 0 but no entry");
    }

  private:
    static std::size_t index_of(const K& key, std::size_t cap) {
        const auto h = static_cast<std::uint32_t>(spread(HashFn{}(key)));
        return static_cast<std::size_t>(h & static_cast<std::uint32_t>(cap - 1));
    }

    // HashMap.resize(): allocate (first put) or double, splitting buckets in order.
    void resize() {
        std::size_t new_cap = 0;
        if (table_.empty()) {
            new_cap = threshold_ > 0 ? static_cast<std::size_t>(threshold_) : 16;
        } else {
            new_cap = table_.size() * 2;
        }
        KS_ASSERT_LE(new_cap, std::size_t{1} << 30);
        threshold_ = static_cast<std::int32_t>((new_cap * 3) / 4);  // (int)(cap * 0.75f)
        std::vector<std::vector<Entry>> next(new_cap);
        for (auto& bucket : table_)
            for (auto& e : bucket) next[index_of(e.first, new_cap)].push_back(std::move(e));
        table_ = std::move(next);
    }

    std::vector<std::vector<Entry>> table_;
    std::size_t size_ = 0;
    std::int32_t threshold_ = 0;  // before allocation: the initial capacity (0: default)
};

// A java.util.HashSet<K>: a JavaHashMap with no values.
template <typename K, typename HashFn>
class JavaHashSet {
  public:
    JavaHashSet() = default;
    explicit JavaHashSet(std::int32_t initial_capacity) : map_(initial_capacity) {}

    std::size_t size() const { return map_.size(); }
    bool empty() const { return map_.empty(); }
    bool insert(const K& key) {
        if (map_.contains(key)) return false;
        map_.put(key, Unit{});
        return true;
    }
    bool contains(const K& key) const { return map_.contains(key); }
    bool erase(const K& key) { return map_.erase(key); }
    void clear() { map_.clear(); }
    std::vector<K> items() const { return map_.keys(); }
    const K& first() const { return map_.first_key(); }
    template <typename F>
    void for_each(F&& f) const {
        map_.for_each([&](const K& k, const Unit&) { f(k); });
    }

  private:
    struct Unit {};
    JavaHashMap<K, Unit, HashFn> map_;
};

struct StringHash {
    std::int32_t operator()(const std::string& s) const { return string_hash(s); }
};

}  // namespace ks::kafka::java
