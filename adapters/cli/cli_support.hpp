// Shared pieces of the command-line verbs (internal to adapters/cli).
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/config/yaml_config_loader.hpp"
#include "engine/civil_time.hpp"
#include "engine/clock.hpp"
#include "engine/domain.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn::cli {

struct Options {
    std::string verb;
    std::string config = "config/aarhus.yaml";
    std::string db = "sqlite:var/tilsyn.db";
    std::vector<std::string> positional;        // arguments after the verb that are not options
    std::map<std::string, std::string> values;  // verb-specific --name VALUE
    std::set<std::string> flags;                // verb-specific --flag
    const Clock* clock = nullptr;               // the time when no --at is given

    bool has(const std::string& name) const { return values.count(name) || flags.count(name); }
    std::string value(const std::string& name, std::string fallback = {}) const {
        auto it = values.find(name);
        return it == values.end() ? fallback : it->second;
    }
};

/// Bad arguments: reported with a hint to --help, exit code 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Loads and checks the configuration, printing every problem; nullopt when it is not valid.
std::optional<LoadedConfig> load_valid_config(const Options& options, std::ostream& err);

/// Parses a moment: YYYY-MM-DDTHH:MM[:SS] followed by Z or ±HH:MM, or without an offset as
/// local time in `zone` (a space may replace the T). Throws UsageError naming `option`.
Instant parse_moment(const std::string& text, const TimeZone& zone, const std::string& option);

int run_event(const Options& options, std::ostream& out, std::ostream& err);
int run_event_all(const Options& options, std::ostream& out, std::ostream& err);
int run_status(const Options& options, std::ostream& out, std::ostream& err);
int run_user(const Options& options, std::ostream& out, std::ostream& err);
int run_tick(const Options& options, std::ostream& out, std::ostream& err);
int run_audit(const Options& options, std::ostream& out, std::ostream& err);
int run_serve(const Options& options, std::ostream& out, std::ostream& err);
int run_outbox(const Options& options, std::ostream& out, std::ostream& err);
int run_report(const Options& options, std::ostream& out, std::ostream& err);
int run_feed(const Options& options, std::ostream& out, std::ostream& err);
int run_diff(const Options& options, std::ostream& out, std::ostream& err);
int run_workload(const Options& options, std::ostream& out, std::ostream& err);
int run_backup(const Options& options, std::ostream& out, std::ostream& err);
int run_restore(const Options& options, std::ostream& out, std::ostream& err);

/// `check`'s warnings: each week in which one person has more conversations and 1:1s than
/// workload.max_conversations_per_week, over one whole period of every cycle.
void warn_workload_peaks(const Domain& domain, std::ostream& out);
int run_theme(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace tilsyn::cli
