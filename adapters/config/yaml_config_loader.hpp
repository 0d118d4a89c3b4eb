// Loads the YAML configuration (interface.md §3) into engine types. No yaml-cpp type leaves
// this adapter. Every problem is collected with its FILE:LINE:COLUMN, not just the first.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/config.hpp"
#include "engine/domain.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn {

struct LoadedConfig {
    Config config;                        // meaningful only when `problems` is empty
    std::optional<TimeZone> zone;         // the organisation's time zone, when it loaded
    std::vector<ConfigProblem> problems;  // schema and semantic problems, in file order
    bool ok() const { return problems.empty(); }
};

/// Reads, parses and checks a configuration file (the YAML and any institutions_csv).
LoadedConfig load_config(const std::string& path);

/// The same for YAML text already read; `path` names it in problems and is where relative
/// paths (institutions_csv, templates) are resolved from.
LoadedConfig load_config_text(const std::string& yaml, const std::string& path);

/// The shared Domain of a configuration that loaded without problems (the composition root
/// calls this once per parse).
std::shared_ptr<const Domain> make_domain(LoadedConfig loaded);

/// Loads an IANA zone from the system's zoneinfo database; nullopt and `error` when unknown.
std::optional<TimeZone> load_time_zone(const std::string& name, std::string* error);

}  // namespace tilsyn
