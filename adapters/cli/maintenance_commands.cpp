// The verbs of running Tilsyn for years: diff (before a configuration goes live), workload,
// backup and restore.
#include <fmt/format.h>

#include "adapters/cli/cli_support.hpp"
#include "adapters/cli/commands.hpp"
#include "adapters/storage/database_url.hpp"
#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"
#include "adapters/storage/sqlite_backup.hpp"
#include "engine/case_service.hpp"
#include "engine/config_diff.hpp"
#include "engine/messages.hpp"
#include "engine/workload.hpp"

namespace tilsyn::cli {

namespace {

std::string require_format(const Options& options) {
    const std::string format = options.value("--format", "table");
    if (format != "table" && format != "json") {
        throw UsageError(fmt::format("--format '{}' is not one of table, json", format));
    }
    return format;
}

Date today_of(const Options& options, const TimeZone& zone) {
    const Instant now = options.has("--at") ? parse_moment(options.value("--at"), zone, "--at")
                                            : options.clock->now();
    return local_date(now, zone);
}

std::optional<Date> optional_date(const Options& options, const std::string& name) {
    if (!options.has(name)) return std::nullopt;
    auto date = parse_date(options.value(name));
    if (!date) {
        throw UsageError(
            fmt::format("{} '{}' is not a valid date (YYYY-MM-DD)", name, options.value(name)));
    }
    return date;
}

}  // namespace

int run_diff(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string format = require_format(options);
    const std::optional<Date> to_option = optional_date(options, "--to");
    auto next = load_valid_config(options, err);
    if (!next) return kExitBadInput;
    Options current_options = options;
    current_options.config = options.value("--current", "config/aarhus.yaml");
    auto current = load_valid_config(current_options, err);
    if (!current) {
        err << fmt::format("tilsyn diff: den nuværende konfiguration ({}) har fejl\n",
                           current_options.config);
        return kExitBadInput;
    }
    const auto next_domain = make_domain(std::move(*next));
    const auto current_domain = make_domain(std::move(*current));
    const Date today = today_of(options, current_domain->zone);
    const Date to = to_option ? *to_option : add_months(today, 24);
    if (to <= today) throw UsageError("--to must be after today (or --at)");

    auto store = open_store(options.db);
    const int version = store->schema_version();
    if (version < schema::kSchemaVersion) {
        throw std::runtime_error(fmt::format(
            "the database is at schema version {}; run 'tilsyn migrate' first", version));
    }
    const ConfigDiff diff = diff_configs(*current_domain, *next_domain, running_instances(*store),
                                         store->institutions(), today, to);
    if (format == "json") {
        write_diff_json(out, diff);
    } else {
        write_diff_table(out, diff);
    }
    return diff.moves() ? kExitChanges : kExitOk;
}

}  // namespace tilsyn::cli

namespace tilsyn::cli {

namespace {

std::string sqlite_path_of(const Options& options, std::string_view verb) {
    const StoreUrl url = parse_store_url(options.db);
    if (url.backend != StoreUrl::Backend::sqlite) {
        throw BackupError(fmt::format("{} virker på en SQLite-database; en PostgreSQL-database "
                                      "tages med pg_dump og lægges tilbage med pg_restore (se "
                                      "README, »Backup and restore«)",
                                      verb),
                          true);
    }
    return url.sqlite_path;
}

int backup_failed(const BackupError& e, std::ostream& err, std::string_view verb) {
    err << fmt::format("tilsyn {}: {}\n", verb, e.what());
    return e.bad_input() ? kExitBadInput : kExitFailure;
}

}  // namespace

int run_backup(const Options& options, std::ostream& out, std::ostream& err) {
    if (!options.has("--to")) throw UsageError("backup needs --to FILE");
    const std::string target = options.value("--to");
    try {
        const BackupResult result = backup_sqlite(sqlite_path_of(options, "backup"), target);
        out << fmt::format("sikkerhedskopi i {}: {} bytes, skemaversion {}, {} hændelser\n", target,
                           result.bytes, result.schema_version, result.events);
        return kExitOk;
    } catch (const BackupError& e) {
        return backup_failed(e, err, "backup");
    }
}

int run_restore(const Options& options, std::ostream& out, std::ostream& err) {
    if (!options.has("--from")) throw UsageError("restore needs --from FILE");
    const std::string source = options.value("--from");
    try {
        const std::string database = sqlite_path_of(options, "restore");
        const BackupResult result = restore_sqlite(source, database);
        out << fmt::format(
            "{} er lagt tilbage i {}: skemaversion {}, {} hændelser{}\n", source, database,
            result.schema_version, result.events,
            result.schema_version < schema::kSchemaVersion ? "; kør tilsyn migrate" : "");
        return kExitOk;
    } catch (const BackupError& e) {
        return backup_failed(e, err, "restore");
    }
}

}  // namespace tilsyn::cli

namespace tilsyn::cli {

int run_workload(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string format = require_format(options);
    const std::optional<Date> from = optional_date(options, "--from");
    const std::optional<Date> to = optional_date(options, "--to");
    if (!from || !to) throw UsageError("workload needs --from YYYY-MM-DD and --to YYYY-MM-DD");
    if (*to <= *from) {
        throw UsageError(fmt::format("--to {} is not after --from {}: the period is reversed",
                                     format_date(*to), format_date(*from)));
    }
    WorkloadFilter filter;
    if (options.has("--role")) {
        filter.role = parse_role(options.value("--role"));
        if (!filter.role) {
            throw UsageError(
                fmt::format("--role '{}' is not one of admin, director, area_chief, leader, board",
                            options.value("--role")));
        }
    }
    filter.email = options.value("--person");
    auto loaded = load_valid_config(options, err);
    if (!loaded) return kExitBadInput;
    const auto domain = make_domain(std::move(*loaded));
    const Workload workload = compute_workload(*domain, *from, *to, filter);
    if (!filter.email.empty() && workload.people.empty()) {
        err << fmt::format("tilsyn workload: {} har ingen frister i perioden\n", filter.email);
    }
    if (format == "json") {
        write_workload_json(out, workload);
    } else {
        write_workload_table(out, workload);
    }
    return kExitOk;
}

void warn_workload_peaks(const Domain& domain, std::ostream& out) {
    const Config& config = domain.config;
    const auto [from, to] = workload_check_period(config);
    const int max = config.workload.max_conversations_per_week;
    // Only a configuration that sets the limit is checked (where it is written).
    if (config.workload.where.line <= 0) return;
    const Workload workload = compute_workload(domain, from, to, {});
    for (const auto& peak : workload_peaks(workload, max)) {
        const Date monday = iso_week_monday(peak.week);
        out << fmt::format(
            "{}: advarsel: {}{} har {} samtaler og 1:1 i uge {} {} ({}–{}); højst {} pr. uge "
            "(workload.max_conversations_per_week)\n",
            config.path, peak.email, peak.name.empty() ? "" : fmt::format(" ({})", peak.name),
            peak.meetings, peak.week.week, peak.week.year, danish_date(monday),
            danish_date(monday + std::chrono::days{6}), max);
    }
}

}  // namespace tilsyn::cli
