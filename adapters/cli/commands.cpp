#include "adapters/cli/commands.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/calendar.hpp"
#include "engine/plan_format.hpp"
#include "engine/planner.hpp"

namespace tilsyn {

namespace {

constexpr const char* kDefaultConfig = "config/aarhus.yaml";
constexpr const char* kDefaultDb = "sqlite:var/tilsyn.db";

constexpr const char* kUsage = R"(usage: tilsyn <verb> [options]

verbs:
  check                      validate the configuration; every problem as FILE:LINE:COLUMN
  plan --from DATE --to DATE [--format table|json|ics]
                             dry run of every start, deadline, reminder and escalation
  migrate                    create or upgrade the database schema and sync areas,
                             institutions and people from the configuration

common options:
  --config FILE              configuration (default config/aarhus.yaml)
  --db URL                   sqlite:PATH (default sqlite:var/tilsyn.db) or
                             postgresql://user@host:port/db
  --help                     this text
)";

struct Options {
    std::string verb;
    std::string config = kDefaultConfig;
    std::string db = kDefaultDb;
    std::map<std::string, std::string> values;  // verb-specific --name VALUE
};

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

const std::map<std::string, std::set<std::string>> kVerbOptions = {
    {"check", {}},
    {"plan", {"--from", "--to", "--format"}},
    {"migrate", {}},
};

Options parse_options(const std::vector<std::string>& args) {
    Options options;
    if (args.empty()) throw UsageError("missing verb");
    options.verb = args[0];
    auto verb = kVerbOptions.find(options.verb);
    if (verb == kVerbOptions.end()) {
        throw UsageError(fmt::format("unknown verb '{}'", options.verb));
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        std::string name = arg, value;
        bool inline_value = false;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        bool known = name == "--config" || name == "--db" || verb->second.count(name);
        if (!known)
            throw UsageError(fmt::format("unknown option '{}' for '{}'", arg, options.verb));
        if (!inline_value) {
            if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value", name));
            value = args[++i];
        }
        if (name == "--config") {
            options.config = value;
        } else if (name == "--db") {
            options.db = value;
        } else {
            options.values[name] = value;
        }
    }
    return options;
}

// Loads and checks the configuration; prints every problem. nullopt when it is not valid.
std::optional<LoadedConfig> load_valid_config(const Options& options, std::ostream& err) {
    LoadedConfig loaded = load_config(options.config);
    for (const auto& problem : loaded.problems) err << format_problem(problem) << '\n';
    if (!loaded.ok()) {
        err << fmt::format("{}: {} problem{}\n", options.config, loaded.problems.size(),
                           loaded.problems.size() == 1 ? "" : "s");
        return std::nullopt;
    }
    return loaded;
}

int run_check(const Options& options, std::ostream& out, std::ostream& err) {
    auto loaded = load_valid_config(options, err);
    if (!loaded) return kExitBadInput;
    const Config& config = loaded->config;
    std::map<InstitutionKind, int> kinds;
    for (const auto& inst : config.institutions) ++kinds[inst.kind];
    out << fmt::format(
        "{}: ok: {} areas, {} institutions ({} school, {} daycare, {} youth), "
        "{} cycles\n",
        options.config, config.areas.size(), config.institutions.size(),
        kinds[InstitutionKind::school], kinds[InstitutionKind::daycare],
        kinds[InstitutionKind::youth], config.cycles.size());
    return kExitOk;
}

Date require_date(const Options& options, const std::string& name) {
    auto it = options.values.find(name);
    if (it == options.values.end()) throw UsageError(fmt::format("plan needs {} YYYY-MM-DD", name));
    auto date = parse_date(it->second);
    if (!date) {
        throw UsageError(fmt::format("{} '{}' is not a valid date (YYYY-MM-DD)", name, it->second));
    }
    return *date;
}

int run_plan(const Options& options, std::ostream& out, std::ostream& err) {
    const Date from = require_date(options, "--from");
    const Date to = require_date(options, "--to");
    if (to <= from) throw UsageError("--to must be after --from");
    PlanFormat format = PlanFormat::table;
    if (auto it = options.values.find("--format"); it != options.values.end()) {
        if (it->second == "json") {
            format = PlanFormat::json;
        } else if (it->second == "ics") {
            format = PlanFormat::ics;
        } else if (it->second != "table") {
            throw UsageError(
                fmt::format("--format '{}' is not one of table, json, ics", it->second));
        }
    }
    auto loaded = load_valid_config(options, err);
    if (!loaded) return kExitBadInput;
    const Config& config = loaded->config;
    const Calendar calendar(config.calendar.danish_holidays, config.calendar.closed_days);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    PlanWriter writer(out, config, *loaded->zone, format, now);
    visit_plan(config, calendar, *loaded->zone, from, to,
               [&](const PlanItem& item) { writer.add(item); });
    writer.finish();
    if (!out) {
        err << "tilsyn plan: writing the output failed\n";
        return kExitFailure;
    }
    return kExitOk;
}

int run_migrate(const Options& options, std::ostream& out, std::ostream& err) {
    auto loaded = load_valid_config(options, err);
    if (!loaded) return kExitBadInput;
    auto store = open_store(options.db);
    const int before = store->schema_version();
    const int version = store->migrate();
    const DirectorySync sync = store->sync_directory(loaded->config);
    out << fmt::format("schema version {}{}\n", version,
                       before == version ? " (up to date)" : fmt::format(" (was {})", before));
    out << fmt::format("areas: {} added, {} updated\n", sync.areas_added, sync.areas_updated);
    out << fmt::format("institutions: {} added, {} updated, {} deactivated\n",
                       sync.institutions_added, sync.institutions_updated,
                       sync.institutions_deactivated);
    out << fmt::format("people: {} added, {} updated\n", sync.people_added, sync.people_updated);
    return kExitOk;
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    for (const auto& arg : args) {
        if (arg == "--help" || arg == "-h" || arg == "help") {
            out << kUsage;
            return kExitOk;
        }
    }
    try {
        Options options = parse_options(args);
        if (options.verb == "check") return run_check(options, out, err);
        if (options.verb == "plan") return run_plan(options, out, err);
        if (options.verb == "migrate") return run_migrate(options, out, err);
        return kExitBadInput;
    } catch (const UsageError& e) {
        err << "tilsyn: " << e.what() << '\n' << "run 'tilsyn --help' for usage\n";
        return kExitBadInput;
    } catch (const std::invalid_argument& e) {
        err << "tilsyn: " << e.what() << '\n';
        return kExitBadInput;
    } catch (const std::exception& e) {
        err << "tilsyn: " << e.what() << '\n';
        return kExitFailure;
    }
}

}  // namespace tilsyn
