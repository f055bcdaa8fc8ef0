// Errors that cross the public API. Inside the engine errors are values
// (Kafka error codes travel in messages) and bugs are assertions
// (ks::AssertionFailure, core/assert.hpp); exceptions are for the edges only.
#pragma once

#include <stdexcept>
#include <string>

namespace ks {

// Bad input from the user: a scenario file, a --set override, a CLI argument.
// The message is complete and printable as is, e.g.
//   scenarios/x.json: /producers/0/config/acks: expected "0", "1", "all" or "-1", got "2"
// Exit code 2.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Exit codes of the kafkasim command (SCENARIOS.md).
enum ExitCode : int {
    kExitOk = 0,
    kExitExpectFailed = 1,
    kExitBadInput = 2,
    kExitInternal = 3,
};

}  // namespace ks
