#include "adapters/cli/commands.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>

#include "adapters/cli/cli_support.hpp"
#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/access.hpp"
#include "engine/calendar.hpp"
#include "engine/plan_format.hpp"
#include "engine/planner.hpp"
#include "engine/political_report.hpp"

namespace tilsyn::cli {

namespace {

constexpr const char* kUsage = R"(usage: tilsyn <verb> [options]

verbs:
  check                      validate the configuration; every problem as FILE:LINE:COLUMN
  plan --from DATE --to DATE [--format table|json|ics]
                             dry run of every start, deadline, reminder and escalation
  migrate                    create or upgrade the database schema and sync areas,
                             institutions and people from the configuration; people
                             gone from it are disabled
  tick [--at TIME] [--no-mail]
                             one scheduler pass as of TIME (default now): open cycles whose
                             start has come, fire due reminders and escalations, deliver mail
  serve [--listen HOST:PORT] [--log-format text|json] [--node NAME] [--trust-proxy]
                             the daemon: HTTP API and dashboard (default 127.0.0.1:8080;
                             port 0 picks a free one), scheduler on the clock, mail
                             delivery; SIGTERM or SIGINT stop it, SIGHUP reloads the
                             configuration and disables people gone from it. A database
                             without an administrator gets one, whose token is printed
                             once. --trust-proxy: behind a reverse proxy, take the
                             client's scheme and address from X-Forwarded-Proto/-For
  outbox list [--status pending|failed|sent]
  outbox retry ID            mail waiting or given up; put a failed message back in line
  event ID EVENT [--data JSON] --as EMAIL [--at TIME] [--file PATH]
                             apply a workflow event to a cycle or supervision case
  event-all CYCLE EVENT --kind school|daycare|youth --round N [--data JSON] --as EMAIL
            [--at TIME]      record an event meant for many (the data package) once for
                             every tilbud of a kind in round N of the configured cycle CYCLE
  status [--area ID] [--institution ID] [--overdue] [--all] [--format table|json] [--at TIME]
                             cycles and supervision cases: state, next deadline, overdue
  user add --email E --role ROLE [--area ID] [--institution ID]
                             create a user (or give a person of the configuration a
                             token) and print its API token once
  user token --email E [--role ROLE]
                             issue a new API token for an existing user (the old one
                             stops working, and so do the user's dashboard sessions)
  user disable|enable --email E [--role ROLE]
                             a disabled person's tokens, feeds and sessions stop working
                             at once; recorded in the audit trail
  audit verify               check the audit trail's hash chain
  feed create|revoke --email E [--role ROLE]
                             a secret-URL calendar (ICS) of the deadlines that concern a
                             person, for Outlook or Google Calendar; revoke ends them all
  theme add --period YYYY --band 0-6|6-18 --id ID --title TEXT [--description TEXT]
                             record a politically decided theme (not yet published)
  theme publish --period YYYY --band 0-6|6-18
                             publish the period's recorded themes: focus areas can name
                             them, and every leader and area chief of the band is told
  theme list [--period YYYY] [--band 0-6|6-18]
                             the themes, published or not
  report political --year YYYY [--format md|html|csv] [--area ID]
                             the political level's summary for the age band reported
                             that year (6-18 in even years, 0-6 in odd years)
  diff --config NEW.yaml [--current FILE] [--to DATE] [--at TIME] [--format table|json]
                             what NEW.yaml would change against the running database and
                             the current configuration (default config/aarhus.yaml):
                             running cycles keep their timeline; upcoming starts,
                             deadlines, reminders and escalations that move; people
                             gaining or losing mail; tilbud joining or leaving. Exit 0
                             when nothing moves, 3 when something does, 2 for a bad config
  workload --from DATE --to DATE [--role R] [--person E] [--format table|json]
                             deadlines, conversations, observations and 1:1s per person
                             per ISO week, as the plan dates them
  backup --to FILE           a consistent copy of an SQLite database, also while serve runs
  restore --from FILE        put a backup in place of --db (refused while it is in use)

TIME is ISO 8601: 2026-10-13T08:00:00+02:00, or 2026-10-13T08:00 in the configured zone.

common options:
  --config FILE              configuration (default config/aarhus.yaml)
  --db URL                   sqlite:PATH (default sqlite:var/tilsyn.db) or
                             postgresql://user@host:port/db
  --help                     this text
)";

/// The longest period `plan` covers in one run.
constexpr int kMaxPlanYears = 50;

struct VerbSyntax {
    std::set<std::string> values;  // options taking a value
    std::set<std::string> flags;   // options without one
    std::size_t min_positional = 0;
    std::size_t max_positional = 0;
};

const std::map<std::string, VerbSyntax> kVerbs = {
    {"check", {}},
    {"plan", {{"--from", "--to", "--format"}, {}, 0, 0}},
    {"migrate", {}},
    {"tick", {{"--at"}, {"--no-mail"}, 0, 0}},
    {"serve", {{"--listen", "--log-format", "--node"}, {"--trust-proxy"}, 0, 0}},
    {"outbox", {{"--status"}, {}, 1, 2}},
    {"event", {{"--data", "--as", "--at", "--file"}, {}, 2, 2}},
    {"event-all", {{"--data", "--as", "--at", "--kind", "--round"}, {}, 2, 2}},
    {"status", {{"--area", "--institution", "--format", "--at"}, {"--overdue", "--all"}, 0, 0}},
    {"user", {{"--email", "--role", "--area", "--institution"}, {}, 1, 1}},
    {"audit", {{}, {}, 1, 1}},
    {"report", {{"--year", "--format", "--area"}, {}, 1, 1}},
    {"feed", {{"--email", "--role"}, {}, 1, 1}},
    {"diff", {{"--current", "--format", "--at", "--to"}, {}, 0, 0}},
    {"workload", {{"--from", "--to", "--role", "--person", "--format"}, {}, 0, 0}},
    {"backup", {{"--to"}, {}, 0, 0}},
    {"restore", {{"--from"}, {}, 0, 0}},
    {"theme", {{"--period", "--band", "--id", "--title", "--description"}, {}, 1, 1}},
};

Options parse_options(const std::vector<std::string>& args) {
    Options options;
    if (args.empty()) throw UsageError("missing verb");
    options.verb = args[0];
    auto verb = kVerbs.find(options.verb);
    if (verb == kVerbs.end()) throw UsageError(fmt::format("unknown verb '{}'", options.verb));
    const VerbSyntax& syntax = verb->second;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.rfind("--", 0) != 0) {
            options.positional.push_back(arg);
            continue;
        }
        std::string name = arg, value;
        bool inline_value = false;
        if (auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        if (syntax.flags.count(name)) {
            if (inline_value) throw UsageError(fmt::format("{} takes no value", name));
            options.flags.insert(name);
            continue;
        }
        bool known = name == "--config" || name == "--db" || syntax.values.count(name);
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
    if (options.positional.size() < syntax.min_positional ||
        options.positional.size() > syntax.max_positional) {
        if (options.positional.size() > syntax.max_positional) {
            throw UsageError(fmt::format("unexpected argument '{}' for '{}'",
                                         options.positional[syntax.max_positional], options.verb));
        }
        throw UsageError(fmt::format("'{}' needs {} argument{}", options.verb,
                                     syntax.min_positional, syntax.min_positional == 1 ? "" : "s"));
    }
    return options;
}

}  // namespace

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

namespace {

int run_check(const Options& options, std::ostream& out, std::ostream& err) {
    auto loaded = load_valid_config(options, err);
    if (!loaded) return kExitBadInput;
    const Config& config = loaded->config;
    // Warnings: the configuration is used as it is, and check still exits 0.
    const Calendar calendar(config.calendar.danish_holidays, config.calendar.closed_days);
    for (const auto& warning : political_report_warnings(config, calendar)) {
        err << format_problem(warning) << '\n';
    }
    std::map<InstitutionKind, int> kinds;
    for (const auto& inst : config.institutions) ++kinds[inst.kind];
    out << fmt::format(
        "{}: ok: {} areas, {} institutions ({} school, {} daycare, {} youth), "
        "{} cycles\n",
        options.config, config.areas.size(), config.institutions.size(),
        kinds[InstitutionKind::school], kinds[InstitutionKind::daycare],
        kinds[InstitutionKind::youth], config.cycles.size());
    warn_workload_peaks(*make_domain(std::move(*loaded)), out);
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
    // A plan over 1,000 years wrote until killed: one period is at most kMaxPlanYears long.
    if (to > std::chrono::sys_days{std::chrono::year_month_day{from} +
                                   std::chrono::years{kMaxPlanYears}}) {
        throw UsageError(
            fmt::format("--to is more than {} years after --from; plan a shorter "
                        "period (several runs for a longer one)",
                        kMaxPlanYears));
    }
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
    const auto domain = make_domain(std::move(*loaded));
    const Instant now = options.clock->now();
    PlanWriter writer(out, domain->config, domain->zone, format, now);
    visit_plan(domain->config, domain->calendar, domain->zone, from, to,
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
    const DirectorySync sync =
        sync_organisation(*store, loaded->config, options.clock->now(), "tilsyn migrate");
    // New institutions join the periods already running at the next tick.
    if (sync.institutions_added > 0) store->forget_opened_periods();
    out << fmt::format("schema version {}{}\n", version,
                       before == version ? " (up to date)" : fmt::format(" (was {})", before));
    out << fmt::format("areas: {} added, {} updated\n", sync.areas_added, sync.areas_updated);
    out << fmt::format("institutions: {} added, {} updated, {} deactivated\n",
                       sync.institutions_added, sync.institutions_updated,
                       sync.institutions_deactivated);
    out << fmt::format("people: {} added, {} updated, {} disabled, {} enabled again\n",
                       sync.people_added, sync.people_updated, sync.people_disabled.size(),
                       sync.people_enabled.size());
    for (const auto& user : sync.people_disabled) {
        out << fmt::format("disabled (gone from the configuration): {} ({})\n", user.email,
                           user.role);
    }
    return kExitOk;
}

}  // namespace

}  // namespace tilsyn::cli

namespace tilsyn {

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const Clock& clock) {
    using namespace cli;
    for (const auto& arg : args) {
        if (arg == "--help" || arg == "-h" || arg == "help") {
            out << kUsage;
            return kExitOk;
        }
    }
    try {
        Options options = parse_options(args);
        options.clock = &clock;
        if (options.verb == "check") return run_check(options, out, err);
        if (options.verb == "plan") return run_plan(options, out, err);
        if (options.verb == "migrate") return run_migrate(options, out, err);
        if (options.verb == "tick") return run_tick(options, out, err);
        if (options.verb == "serve") return run_serve(options, out, err);
        if (options.verb == "outbox") return run_outbox(options, out, err);
        if (options.verb == "event") return run_event(options, out, err);
        if (options.verb == "event-all") return run_event_all(options, out, err);
        if (options.verb == "status") return run_status(options, out, err);
        if (options.verb == "user") return run_user(options, out, err);
        if (options.verb == "audit") return run_audit(options, out, err);
        if (options.verb == "report") return run_report(options, out, err);
        if (options.verb == "feed") return run_feed(options, out, err);
        if (options.verb == "diff") return run_diff(options, out, err);
        if (options.verb == "workload") return run_workload(options, out, err);
        if (options.verb == "backup") return run_backup(options, out, err);
        if (options.verb == "restore") return run_restore(options, out, err);
        if (options.verb == "theme") return run_theme(options, out, err);
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
