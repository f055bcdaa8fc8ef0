// The loader's sections, read in file order of dependence: cluster, topics,
// producers, consumer groups, faults, chaos, burrow, compare, expect. Each reads its
// part of the document into `s`, checking it against what is already there
// (a producer's topic must exist, a fault's broker must exist, ...), and
// throws ks::InputError at the first problem. Internal to the scenario module.
#pragma once

#include <optional>
#include <string_view>

#include "kafkasim/scenario.hpp"
#include "scenario/json_reader.hpp"

namespace ks::scenario {

void read_cluster(const std::optional<Node>& n, Scenario& s);
void read_topics(const std::optional<Node>& n, Scenario& s);
void read_producers(const std::optional<Node>& n, Scenario& s);
void read_groups(const std::optional<Node>& n, Scenario& s);
void read_faults(const std::optional<Node>& n, Scenario& s);
void read_chaos(const std::optional<Node>& n, Scenario& s);
void read_burrow(const std::optional<Node>& n, Scenario& s);
void read_compare(const std::optional<Node>& n, Scenario& s);
void read_expect(const std::optional<Node>& n, Scenario& s);

// Shared helpers.
// Fails at `n` unless `name` is not yet in `seen`; then records it.
void check_unique(const Node& n, const std::string& name, std::vector<std::string>& seen, const char* what);
// "expected one of the WHAT "a", "b", got X" unless value is among names.
void check_member(const Node& n, const std::string& value, const std::vector<std::string>& names,
                  const std::string& what);
// The fault action of this name. REQUIRES: one of the format table's actions.
FaultAction fault_action(std::string_view name);
// A broker id of the cluster at n (an integer).
BrokerId read_broker_ref(const Node& n, const Scenario& s);
// A Kafka release at n ("3.9", "0.10.2"), from kOldestKafkaVersion on.
KafkaVersion read_kafka_version(const Node& n);
// A broker of release v with this config under this controller: fails at
// version_ptr for a release without that controller mode, at ibp_ptr for an
// inter.broker.protocol.version the release does not know or KRaft refuses.
void check_release(const Ctx& ctx, const std::string& version_ptr, const std::string& ibp_ptr,
                   const KafkaConfig& broker, KafkaVersion v, ControllerKind controller);
// A client release at n ("4.0", "2.3"), from kOldestClientVersion on.
KafkaVersion read_client_version(const Node& n);
// The client config `cfg` of the producer or group at n as release v has it:
// v's defaults for keys the scenario left alone, and a warning (the key then
// ignored) for a key v does not know.
void apply_client_version(const Node& n, KafkaConfig& cfg, KafkaVersion v);
// Fails at `ptr` when a broker of the cluster cannot take zstd batches (the
// codec came with Kafka 2.1, KIP-110; LogValidator refuses it below
// inter.broker.protocol.version 2.1 with UNSUPPORTED_COMPRESSION_TYPE).
void check_zstd(const Ctx& ctx, const std::string& ptr, const Scenario& s);
// The warning for an inter.broker.protocol.version set in KRaft mode.
void warn_kraft_ibp(const Ctx& ctx, const std::string& ptr, const KafkaConfig& broker);

}  // namespace ks::scenario
