// kafkasim partition --partitions N [--hex] [--json] KEY...
//
// Shows where Kafka's producer puts keyed records: murmur2 of the key bytes
// (Utils.murmur2, printed as the signed int32 Java prints) and
// toPositive(murmur2) % N (BuiltInPartitioner.partitionForKey). Keys are taken
// as their UTF-8 text bytes, or with --hex as hex byte strings ("0a1b", an
// optional 0x prefix, "" for the empty key).
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/text_width.hpp"
#include "kafka/murmur2.hpp"
#include "kafka/partitioner.hpp"
#include "kafkasim/errors.hpp"

namespace ks::cli {

namespace {

namespace po = boost::program_options;

std::optional<std::uint8_t> hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    return std::nullopt;
}

std::vector<std::uint8_t> parse_hex_key(const std::string& text) {
    std::string_view digits = text;
    if (digits.starts_with("0x") || digits.starts_with("0X")) digits.remove_prefix(2);
    if (digits.size() % 2 != 0) {
        throw InputError(fmt::format("--hex key '{}': odd number of hex digits ({})", text, digits.size()));
    }
    std::vector<std::uint8_t> bytes;
    bytes.reserve(digits.size() / 2);
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const auto hi = hex_digit(digits[i]);
        const auto lo = hex_digit(digits[i + 1]);
        if (!hi || !lo) {
            const char bad = hi ? digits[i + 1] : digits[i];
            throw InputError(fmt::format("--hex key '{}': '{}' is not a hex digit (expected 0-9, a-f)", text, bad));
        }
        bytes.push_back(static_cast<std::uint8_t>(*hi << 4 | *lo));
    }
    return bytes;
}

struct Row {
    std::string key;
    std::int32_t murmur2 = 0;
    std::int32_t partition = 0;
};

// Columns line up by display width, not bytes: "주문-17" is 9 bytes, 7 columns.
void print_table(const std::vector<Row>& rows) {
    std::size_t key_width = 3;
    for (const Row& r : rows) key_width = std::max(key_width, display_width(r.key));
    std::cout << fmt::format("{}  {:>11}  {:>9}\n", pad_right("key", key_width), "murmur2", "partition");
    for (const Row& r : rows) {
        std::cout << fmt::format("{}  {:>11}  {:>9}\n", pad_right(r.key, key_width), r.murmur2, r.partition);
    }
}

void print_json(const std::vector<Row>& rows) {
    std::cout << "[";
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const nlohmann::json key = rows[i].key;
        std::cout << (i == 0 ? "\n  " : ",\n  ")
                  << fmt::format(R"({{"key": {}, "murmur2": {}, "partition": {}}})",
                                 key.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), rows[i].murmur2,
                                 rows[i].partition);
    }
    std::cout << (rows.empty() ? "]\n" : "\n]\n");
}

}  // namespace

int run_partition(const Args& args) {
    po::options_description visible(
        "kafkasim partition --partitions N [--hex] [--json] KEY...\n"
        "Kafka's key -> partition: toPositive(murmur2(key bytes)) % N");
    std::int32_t partitions = 0;
    visible.add_options()("help,h", "show this help")("partitions,p", po::value<std::int32_t>(&partitions)->required(),
                                                      "number of partitions of the topic (>= 1)")(
        "hex", "keys are hex byte strings (e.g. 0a1bff), not text")(
        "json", "print [{\"key\": ..., \"murmur2\": ..., \"partition\": ...}]");
    po::options_description hidden;
    hidden.add_options()("key", po::value<std::vector<std::string>>(), "key");
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("key", -1);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
        if (vm.count("help")) {
            std::cout << visible << "\n";
            return kExitOk;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw InputError(e.what());
    }
    if (partitions < 1) {
        throw InputError(fmt::format("--partitions must be >= 1, got {}", partitions));
    }
    if (!vm.count("key")) throw InputError("no KEY given (see kafkasim partition --help)");

    const bool hex = vm.count("hex") > 0;
    std::vector<Row> rows;
    for (const std::string& key : vm["key"].as<std::vector<std::string>>()) {
        std::vector<std::uint8_t> bytes = hex ? parse_hex_key(key) : std::vector<std::uint8_t>(key.begin(), key.end());
        const std::int32_t h = kafka::murmur2(bytes);
        rows.push_back({.key = key, .murmur2 = h, .partition = kafka::partition_for_key(bytes, partitions)});
    }
    if (vm.count("json")) {
        print_json(rows);
    } else {
        print_table(rows);
    }
    return kExitOk;
}

}  // namespace ks::cli
