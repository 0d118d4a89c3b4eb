// The `tilsyn` command line (interface.md §2). Kept apart from main() so tests can drive it
// with arguments and capture its output.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "engine/clock.hpp"

namespace tilsyn {

/// Exit codes of every verb.
enum ExitCode : int { kExitOk = 0, kExitFailure = 1, kExitBadInput = 2, kExitChanges = 3 };
// kExitChanges: `diff` found something the new configuration moves.

/// Runs one command line (without the program name). Output to `out`, errors to `err`, one
/// line per problem.
/// Runs one command. `clock` is the time when no `--at` is given (main passes the system
/// clock; tests a clock they set).
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const Clock& clock);

}  // namespace tilsyn
