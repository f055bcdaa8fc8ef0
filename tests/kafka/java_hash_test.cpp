// java_hash: Java's String.hashCode / compareTo, TopicPartition.hashCode and
// java.util.HashMap iteration order, checked against values the JDK prints.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "kafka/java_hash.hpp"

using namespace ks::kafka::java;

TEST_CASE("java_hash: String.hashCode matches the JDK, int32 overflow included") {
    CHECK(string_hash("") == 0);
    CHECK(string_hash("a") == 97);
    CHECK(string_hash("hello") == 99162322);
    CHECK(string_hash("Aa") == string_hash("BB"));  // the classic collision: 2112
    CHECK(string_hash("Aa") == 2112);
    CHECK(string_hash("polygenelubricants") == INT32_MIN);  // wraps to Integer.MIN_VALUE
    CHECK(string_hash("banana") == -1396355227);
    // U+1F600 is two UTF-16 code units D83D DE00: 0xD83D * 31 + 0xDE00
    CHECK(string_hash("\xF0\x9F\x98\x80") == 0xD83D * 31 + 0xDE00);
    CHECK(string_hash("\xC3\xA9") == 0xE9);  // "é" is one code unit
}

TEST_CASE("java_hash: String.compareTo orders by UTF-16 code unit") {
    CHECK(string_compare("a", "b") < 0);
    CHECK(string_compare("ab", "a") > 0);
    CHECK(string_compare("Z", "a") < 0);
    CHECK(string_compare("x", "x") == 0);
    // U+FF21 (EF BC A1) vs U+1F600 (surrogate D83D): UTF-16 puts the emoji first,
    // unlike UTF-8 byte order.
    CHECK(string_compare("\xF0\x9F\x98\x80", "\xEF\xBC\xA1") < 0);
    CHECK(std::string("\xF0\x9F\x98\x80") > std::string("\xEF\xBC\xA1"));
}

TEST_CASE("java_hash: TopicPartition.hashCode is 31 * (31 + partition) + topic.hashCode()") {
    CHECK(topic_partition_hash("topic", 0) == 31 * 31 + string_hash("topic"));
    CHECK(topic_partition_hash("t", 2) == 31 * (31 + 2) + 't');
}

TEST_CASE("java_hash: spread and tableSizeFor") {
    CHECK(spread(0x12345678) == (0x12345678 ^ 0x1234));
    CHECK(static_cast<std::uint32_t>(spread(-1)) == 0xFFFF0000u);
    CHECK(table_size_for(0) == 1);
    CHECK(table_size_for(1) == 1);
    CHECK(table_size_for(3) == 4);
    CHECK(table_size_for(16) == 16);
    CHECK(table_size_for(17) == 32);
    CHECK(hash_set_copy_capacity(3) == 16);
    CHECK(hash_set_copy_capacity(30) == 41);
    CHECK(hash_map_copy_capacity(3) == 8);
}

namespace {
using StrMap = JavaHashMap<std::string, int, StringHash>;
std::vector<std::string> keys_of(const StrMap& m) {
    return m.keys();
}
}  // namespace

TEST_CASE("java_hash: HashMap iterates by bucket like the JDK ({banana, apple, cherry})") {
    StrMap m;
    m.put("apple", 1);
    m.put("banana", 2);
    m.put("cherry", 3);
    // new HashMap<>() + put apple, banana, cherry prints {banana=2, apple=1, cherry=3}
    CHECK(keys_of(m) == std::vector<std::string>{"banana", "apple", "cherry"});
    CHECK(m.capacity() == 16);
}

TEST_CASE("java_hash: HashMap keeps insertion order inside a bucket and on replace") {
    StrMap m;
    m.put("BB", 1);
    m.put("Aa", 2);  // same hash as "BB": appended to the tail of the bucket
    CHECK(keys_of(m) == std::vector<std::string>{"BB", "Aa"});
    m.put("BB", 3);  // replacing keeps the position
    CHECK(keys_of(m) == std::vector<std::string>{"BB", "Aa"});
    CHECK(*m.find("BB") == 3);
    CHECK(m.erase("BB"));
    m.put("BB", 4);
    CHECK(keys_of(m) == std::vector<std::string>{"Aa", "BB"});
}

TEST_CASE("java_hash: HashMap resizes past 0.75 load and splits buckets in order") {
    StrMap m;
    for (int i = 0; i < 12; ++i) m.put("k" + std::to_string(i), i);
    CHECK(m.capacity() == 16);
    m.put("k12", 12);  // 13 > 12 = 16 * 0.75
    CHECK(m.capacity() == 32);
    // Iteration order equals sorting by (bucket in the 32-table, insertion order).
    std::vector<std::string> expected;
    for (std::uint32_t b = 0; b < 32; ++b)
        for (int i = 0; i <= 12; ++i) {
            const std::string k = "k" + std::to_string(i);
            if ((static_cast<std::uint32_t>(spread(string_hash(k))) & 31u) == b) expected.push_back(k);
        }
    CHECK(keys_of(m) == expected);
    m.clear();
    CHECK(m.capacity() == 32);  // clear() keeps the table
    CHECK(m.empty());
}

TEST_CASE("java_hash: HashMap with an initial capacity rounds it up to a power of two") {
    StrMap m(3);
    m.put("apple", 1);
    CHECK(m.capacity() == 4);
    m.put("banana", 2);
    m.put("cherry", 3);
    CHECK(m.capacity() == 4);  // 3 entries, threshold 3
    m.put("date", 4);
    CHECK(m.capacity() == 8);
    StrMap one(1);
    one.put("x", 1);
    CHECK(one.capacity() == 2);  // threshold (int)(1 * .75) = 0: resized right away
}

TEST_CASE("java_hash: HashSet first() is iterator().next()") {
    JavaHashSet<std::string, StringHash> s;
    s.insert("cherry");
    s.insert("apple");
    s.insert("banana");
    CHECK(s.first() == "banana");
    CHECK_FALSE(s.insert("apple"));
    CHECK(s.size() == 3);
}
