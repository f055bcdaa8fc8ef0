// murmur2 and toPositive against Kafka's own vectors
// (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java
// testMurmur2) and against values computed by running Kafka's Java
// Utils.murmur2 source on a JVM for the tail lengths and byte values UtilsTest
// does not cover (empty, 1-, 2-, 3-byte tails, bytes >= 0x80).
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kafka/murmur2.hpp"
#include "kafka/partitioner.hpp"

using ks::kafka::as_key_bytes;
using ks::kafka::murmur2;
using ks::kafka::to_positive;

namespace {
std::int32_t hash_text(const std::string& s) {
    return murmur2(as_key_bytes(s));
}
std::int32_t hash_bytes(std::vector<std::uint8_t> b) {
    return murmur2(b);
}
}  // namespace

TEST_CASE("murmur2: matches Kafka's UtilsTest.testMurmur2 vectors") {
    CHECK(hash_text("21") == -973932308);
    CHECK(hash_text("foobar") == -790332482);
    CHECK(hash_text("a-little-bit-long-string") == -985981536);
    CHECK(hash_text("a-little-bit-longer-string") == -1486304829);
    CHECK(hash_text("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8") == -58897971);
    CHECK(hash_bytes({'a', 'b', 'c'}) == 479470107);
}

TEST_CASE("murmur2: empty key hashes the seed mix only (no tail multiply)") {
    CHECK(hash_text("") == 275646681);
}

TEST_CASE("murmur2: 1-, 2- and 3-byte tails fall through like Java's switch") {
    CHECK(hash_text("a") == -1563381124);      // tail 1
    CHECK(hash_text("ab") == 316155434);       // tail 2
    CHECK(hash_text("abc") == 479470107);      // tail 3
    CHECK(hash_text("abcd") == -1323649548);   // one block, no tail
    CHECK(hash_text("abcde") == 461995741);    // one block + tail 1
    CHECK(hash_text("foobar") == -790332482);  // one block + tail 2
}

TEST_CASE("murmur2: bytes >= 0x80 are read unsigned (Java's & 0xff)") {
    CHECK(hash_bytes({0xff}) == -311467685);
    CHECK(hash_bytes({0x80, 0xff, 0x7f}) == -1765891516);
    CHECK(hash_bytes({0xff, 0xff, 0xff, 0xff}) == 644171429);
    CHECK(hash_bytes({0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe}) == -1156973575);
    CHECK(hash_bytes({0x00}) == 375494588);
}

TEST_CASE("murmur2: decimal record keys hash as Kafka's StringSerializer bytes") {
    CHECK(hash_text(ks::kafka::record_key(0)) == 971027396);
    CHECK(hash_text(ks::kafka::record_key(42)) == 417700972);
    CHECK(hash_text(ks::kafka::record_key(9999)) == -289709352);
    CHECK(hash_text("key-42") == -187086521);
}

TEST_CASE("toPositive: clears the sign bit, it is not abs (Utils.toPositive)") {
    CHECK(to_positive(0) == 0);
    CHECK(to_positive(5) == 5);
    CHECK(to_positive(-1) == std::numeric_limits<std::int32_t>::max());
    CHECK(to_positive(std::numeric_limits<std::int32_t>::min()) == 0);
    CHECK(to_positive(-973932308) == 1173551340);
    CHECK(to_positive(-10) == 2147483638);  // abs would give 10
}

TEST_CASE("partitionForKey: toPositive(murmur2(key)) % partitions, as BuiltInPartitioner") {
    using ks::kafka::partition_for_key;
    CHECK(partition_for_key(as_key_bytes("21"), 6) == 0);
    CHECK(partition_for_key(as_key_bytes("foobar"), 10) == 6);
    CHECK(partition_for_key(as_key_bytes("a-little-bit-longer-string"), 10) == 9);
    CHECK(partition_for_key(as_key_bytes("key-42"), 6) == 3);
    CHECK(partition_for_key(as_key_bytes(""), 6) == 3);
    CHECK(partition_for_key(as_key_bytes("abc"), 1) == 0);
}
