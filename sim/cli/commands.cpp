#include "cli/commands.hpp"

namespace ks::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"run", "run FILE [--seed N] [--out DIR] [--set PATH=VALUE]... [--trace] [--timeline] [--quiet]", &run_run},
        {"compare", "compare FILE [--seeds N] [--jobs J] [--vary PATH=V1,V2,...]... [--out DIR] [--shard I/N]",
         &run_compare},
        {"merge", "merge DIR... [--out DIR]          combine compare shards", &run_merge},
        {"describe",
         "describe FILE [--seed N] [--at-s T] [--groups [--members|--state]]   kafka-topics --describe at time T, "
         "or kafka-consumer-groups --describe",
         &run_describe},
        {"check", "check FILE [--set PATH=VALUE]...  validate a scenario; exit 0 or 2", &run_check},
        {"schema", "schema [--markdown] [--out FILE]  the JSON Schema of scenario files", &run_schema},
        {"partition", "partition --partitions N [--hex] [--json] KEY...   Kafka's key -> partition", run_partition},
        {"assign", "assign FILE                      run a consumer assignor on a JSON case", run_assign},
        {"lag-eval", "lag-eval FILE                    Burrow evaluation of a JSON offset history", run_lag_eval},
    };
    return table;
}

}  // namespace ks::cli
