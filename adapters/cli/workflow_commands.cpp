// The verbs that run the workflows: tick, event, status, user add, audit verify.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <tuple>

#include "adapters/cli/cli_support.hpp"
#include "adapters/cli/commands.hpp"
#include "adapters/daemon/serve.hpp"
#include "adapters/documents/spooled_file.hpp"
#include "adapters/http/dashboard.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/mail/mailer_factory.hpp"
#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/access.hpp"
#include "engine/audit.hpp"
#include "engine/calendar_feed.hpp"
#include "engine/case_service.hpp"
#include "engine/case_view.hpp"
#include "engine/outbox_delivery.hpp"
#include "engine/plan_format.hpp"
#include "engine/political_report.hpp"
#include "engine/scheduler.hpp"
#include "engine/sha256.hpp"
#include "engine/theme.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::cli {

namespace {

constexpr int kListLimit = 1000;
/// Who the audit trail names for access changes made with the CLI.
constexpr std::string_view kCliActor = "tilsyn user (CLI)";

// Everything a workflow verb needs, built once from the options. The services hold references
// into it, so it lives at one address (held by unique_ptr, never moved).
struct Engine {
    std::shared_ptr<const Domain> domain;
    std::unique_ptr<Store> store;
    std::unique_ptr<CaseService> cases;

    const Config& config() const { return domain->config; }
    const TimeZone& zone() const { return domain->zone; }
    Instant now(const Options& options) const {
        if (options.has("--at")) return parse_moment(options.value("--at"), zone(), "--at");
        return options.clock->now();
    }
};

std::unique_ptr<Engine> open_engine(const Options& options, std::ostream& err,
                                    bool read_only = false) {
    auto loaded = load_valid_config(options, err);
    if (!loaded) return nullptr;
    auto engine = std::make_unique<Engine>();
    engine->domain = make_domain(std::move(*loaded));
    engine->store = open_existing_store(options.db, read_only);
    const int version = engine->store->schema_version();
    if (version < schema::kSchemaVersion) {
        throw std::runtime_error(
            fmt::format("the database is at schema version {}; run 'tilsyn "
                        "migrate' first",
                        version));
    }
    engine->cases = std::make_unique<CaseService>(*engine->store, engine->domain);
    return engine;
}

std::string format_moment(Instant at, const TimeZone& zone) {
    return format_local_iso(at, zone.offset_at(at));
}

std::optional<Actor> actor_for(Store& store, const std::vector<Role>& roles,
                               const std::string& email, std::string_view area,
                               std::string_view institution) {
    std::optional<Actor> best;
    int best_score = -1;
    for (const auto& user : store.find_users_by_email(email)) {
        auto role = parse_role(user.role);
        if (!role || !user.active()) continue;
        Actor actor{user.email, *role, user.area_id, user.institution_id};
        int score = 0;
        if (can_see(actor, area, institution)) score += 2;
        if (std::find(roles.begin(), roles.end(), *role) != roles.end()) score += 1;
        if (score > best_score) {
            best = actor;
            best_score = score;
        }
    }
    return best;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

/// A refusal on stderr: the Danish message for people, then what a script matches on: the
/// code, the field at fault and, when the event was wrong, the events the state allows (the
/// names `event` takes).
std::string refusal_line(std::string_view message, ErrorCode code, std::string_view field,
                         const std::vector<std::string>* allowed = nullptr) {
    std::string machine(error_code_name(code));
    if (!field.empty()) machine += fmt::format(" {}", field);
    if (allowed) machine += fmt::format("; hændelser nu: {}", join(*allowed));
    return fmt::format("tilsyn: {} [{}]\n", message, machine);
}

/// Why nobody may act as `email`: unknown, or disabled.
std::string no_user(Store& store, std::string_view email) {
    const auto users = store.find_users_by_email(email);
    if (!users.empty()) {
        return fmt::format(
            "tilsyn: {} er deaktiveret og kan ikke handle i Tilsyn. En administrator kan give "
            "adgang igen med 'tilsyn user enable --email {}'.\n",
            email, email);
    }
    return fmt::format(
        "tilsyn: der er ingen bruger med e-mailen '{}'. Opret personen med 'tilsyn user add'.\n",
        email);
}

std::string json_string(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

}  // namespace

Instant parse_moment(const std::string& text, const TimeZone& zone, const std::string& option) {
    auto bad = [&] {
        return UsageError(
            fmt::format("{} '{}' is not a time: use 2026-10-13T08:00:00+02:00 or "
                        "2026-10-13T08:00 (local time)",
                        option, text));
    };
    if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) throw bad();
    auto date = parse_date(text.substr(0, 10));
    auto clock = parse_clock_time(text.substr(11, 5));
    if (!date || !clock) throw bad();
    std::size_t i = 16;
    int seconds = 0;
    if (i < text.size() && text[i] == ':') {
        if (text.size() < i + 3 || !isdigit(text[i + 1]) || !isdigit(text[i + 2])) throw bad();
        seconds = (text[i + 1] - '0') * 10 + (text[i + 2] - '0');
        if (seconds > 59) throw bad();
        i += 3;
    }
    const auto wall = std::chrono::minutes{*clock} + std::chrono::seconds{seconds};
    if (i == text.size()) return zone.to_instant(*date, wall);
    const Instant as_utc{date->time_since_epoch() + wall};
    if (text.substr(i) == "Z") return as_utc;
    if ((text[i] == '+' || text[i] == '-') && text.size() == i + 6) {
        auto offset = parse_clock_time(text.substr(i + 1, 5));
        if (!offset) throw bad();
        const auto shift = std::chrono::minutes{*offset};
        return text[i] == '+' ? as_utc - shift : as_utc + shift;
    }
    throw bad();
}

int run_tick(const Options& options, std::ostream& out, std::ostream& err) {
    auto engine = open_engine(options, err);
    if (!engine) return kExitBadInput;
    const Instant at = engine->now(options);
    Scheduler scheduler(*engine->store, *engine->cases);
    const TickReport report = scheduler.tick(at);
    out << fmt::format(
        "tick {}: {} cycles opened, {} reminders ({} missed ones coalesced), {} "
        "escalations, {} mails queued{}\n",
        format_moment(at, engine->zone()), report.cycles_opened, report.reminders,
        report.superseded, report.escalations, report.mails,
        report.digests ? fmt::format(" ({} digests)", report.digests) : "");
    if (!options.has("--no-mail")) {
        const Config& config = engine->config();
        auto mailer = make_mailer(config.mail.transport, config.base_dir);
        OutboxDelivery delivery(*engine->store, *engine->store, *mailer, config.mail.from,
                                engine->zone(), DeliveryPolicy{}, fmt::format("tick-{}", getpid()));
        const DeliveryReport sent = delivery.deliver(at);
        out << fmt::format("mail via {}: {} sent, {} to retry, {} given up, {} waiting\n",
                           mailer->describe(), sent.sent, sent.retried, sent.failed,
                           engine->store->outbox_count("pending"));
    }
    if (auto next = scheduler.next_due_moment(at)) {
        out << fmt::format("next due moment: {}\n", format_moment(*next, engine->zone()));
    }
    return kExitOk;
}

int run_serve(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string format = options.value("--log-format", "text");
    if (format != "text" && format != "json") {
        throw UsageError(fmt::format("--log-format '{}' is not one of text, json", format));
    }
    (void)out;
    (void)err;
    auto log = spdlog::stderr_color_mt(fmt::format("tilsyn-{}", getpid()));
    if (format == "json") {
        log->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","message":"%v"})");
    } else {
        log->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
    }
    ServeSettings settings;
    settings.listen = options.value("--listen", settings.listen);
    try {
        if (!settings.listen.empty()) http::parse_listen(settings.listen);
    } catch (const std::invalid_argument& e) {
        throw UsageError(fmt::format("--listen {}", e.what()));
    }
    settings.config_path = options.config;
    settings.db_url = options.db;
    settings.clock = options.clock;
    settings.trust_proxy = options.flags.count("--trust-proxy") > 0;
    char host[256] = "node";
    gethostname(host, sizeof host - 1);
    settings.node = options.value("--node", fmt::format("{}-{}", host, getpid()));
    return serve(settings, log);
}

int run_outbox(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string& command = options.positional[0];
    auto store = open_existing_store(options.db, command == "list");
    (void)err;
    if (command == "list") {
        if (options.positional.size() != 1) throw UsageError("outbox list takes no argument");
        const std::string status = options.value("--status", "");
        if (!status.empty() && status != "pending" && status != "failed" && status != "sent") {
            throw UsageError(
                fmt::format("--status '{}' is not one of pending, failed, sent", status));
        }
        std::vector<std::string> statuses = status.empty()
                                                ? std::vector<std::string>{"pending", "failed"}
                                                : std::vector<std::string>{status};
        out << fmt::format("{:<8} {:<8} {:>8} {:<36} {}\n", "ID", "STATUS", "ATTEMPTS", "TO",
                           "SUBJECT / LAST ERROR");
        for (const auto& s : statuses) {
            for (const auto& m : store->outbox(s, kListLimit)) {
                out << fmt::format("{:<8} {:<8} {:>8} {:<36} {}\n", m.id, m.status, m.attempts,
                                   m.recipient, m.subject);
                if (!m.last_error.empty()) {
                    out << fmt::format("{:<55} {}\n", "", m.last_error);
                }
            }
        }
        return kExitOk;
    }
    if (command == "retry") {
        if (options.positional.size() != 2) throw UsageError("outbox retry needs a message ID");
        long long id = 0;
        try {
            std::size_t used = 0;
            id = std::stoll(options.positional[1], &used);
            if (used != options.positional[1].size()) throw std::invalid_argument("id");
        } catch (const std::exception&) {
            throw UsageError(fmt::format("'{}' is not a message ID (a number from 'outbox list')",
                                         options.positional[1]));
        }
        const Instant now = options.clock->now();
        if (!store->requeue_mail(id, now)) {
            throw UsageError(fmt::format("no pending or failed message {}", id));
        }
        out << fmt::format("message {} is back in line\n", id);
        return kExitOk;
    }
    throw UsageError(fmt::format("unknown 'outbox' command '{}'; use list or retry", command));
}

int run_event(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string& id = options.positional[0];
    const std::string& event = options.positional[1];
    if (!options.has("--as")) throw UsageError("event needs --as EMAIL (who sends it)");
    auto engine = open_engine(options, err);
    if (!engine) return kExitBadInput;
    const Instant now = engine->now(options);
    auto cycle = engine->store->find_cycle(id);
    auto inst = cycle ? engine->store->find_institution(cycle->institution_id) : std::nullopt;
    const auto senders = cycle ? event_senders(engine->domain->config, cycle->cycle_config, event)
                               : std::vector<Role>{};
    auto actor = actor_for(*engine->store, senders, options.value("--as"),
                           inst ? inst->area_id : "", inst ? inst->id : "");
    if (!actor) {
        err << no_user(*engine->store, options.value("--as"));
        return kExitBadInput;
    }
    // --file: a document recorded with the event, as an upload through the dashboard is.
    std::unique_ptr<documents::SpooledFile> file;
    std::unique_ptr<DocumentSource> source;
    std::vector<DocumentUpload> uploads;
    if (options.has("--file")) {
        const std::string path = options.value("--file");
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            err << fmt::format("tilsyn: filen »{}« kan ikke læses. Tjek stien.\n", path);
            return kExitBadInput;
        }
        file = std::make_unique<documents::SpooledFile>();
        std::string piece(kDocumentChunkBytes, '\0');
        while (in.read(piece.data(), static_cast<std::streamsize>(piece.size())) ||
               in.gcount() > 0) {
            file->append(std::string_view(piece.data(), static_cast<std::size_t>(in.gcount())));
        }
        documents::ContentTypes types;
        source = file->source();
        const auto slash = path.find_last_of('/');
        uploads.push_back({{slash == std::string::npos ? path : path.substr(slash + 1),
                            types.of(*file), file->size(), file->sha256()},
                           source.get()});
    }
    const ApplyResult result =
        engine->cases->apply(id, event, *actor, options.value("--data", "{}"), now, uploads);
    switch (result.status) {
        case ApplyStatus::ok:
            out << fmt::format("{}: {} -> {} (audit seq {})\n", id, result.state_before,
                               result.state_after, result.seq);
            for (const auto& upload : uploads) {
                out << fmt::format("document stored: {} ({}, {} bytes, sha256 {})\n",
                                   upload.info.name, upload.info.type, upload.info.size,
                                   upload.info.sha256);
            }
            for (const auto& opened : result.opened_cases) {
                out << fmt::format("supervision case opened: {}\n", opened);
            }
            return kExitOk;
        case ApplyStatus::conflict:
        case ApplyStatus::bad_payload:
        case ApplyStatus::forbidden:
        case ApplyStatus::not_found: {
            const bool wrong_event =
                result.status == ApplyStatus::conflict || result.code == ErrorCode::unknown_event;
            err << refusal_line(result.message, result.code, result.field,
                                wrong_event ? &result.allowed_events : nullptr);
            return kExitBadInput;
        }
    }
    return kExitFailure;
}

int run_event_all(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string& cycle = options.positional[0];
    const std::string& event = options.positional[1];
    if (!options.has("--as")) throw UsageError("event-all needs --as EMAIL (who sends it)");
    if (!options.has("--kind")) throw UsageError("event-all needs --kind school|daycare|youth");
    if (!options.has("--round")) throw UsageError("event-all needs --round N");
    const auto kind = parse_kind(options.value("--kind"));
    if (!kind) {
        throw UsageError(
            fmt::format("--kind '{}' er ikke en type tilbud; brug school, daycare "
                        "eller youth",
                        options.value("--kind")));
    }
    int round = 0;
    const std::string& round_text = options.value("--round");
    const auto [end, ec] =
        std::from_chars(round_text.data(), round_text.data() + round_text.size(), round);
    if (ec != std::errc{} || end != round_text.data() + round_text.size()) {
        throw UsageError(fmt::format("--round '{}' er ikke et rundenummer (1, 2, …)", round_text));
    }
    auto engine = open_engine(options, err);
    if (!engine) return kExitBadInput;
    const CycleConfig* configured = engine->config().find_cycle(cycle);
    const auto senders =
        configured ? event_senders(engine->config(), cycle, event) : std::vector<Role>{};
    auto actor = actor_for(*engine->store, senders, options.value("--as"), "", "");
    if (!actor) {
        err << no_user(*engine->store, options.value("--as"));
        return kExitBadInput;
    }
    const ManyResult result = engine->cases->apply_to_many(
        cycle, *kind, round, event, *actor, options.value("--data", "{}"), engine->now(options));
    if (result.status != ApplyStatus::ok) {
        err << refusal_line(result.message, result.code, result.field);
        return kExitBadInput;
    }
    out << fmt::format("{} registreret for {} {} i runde {}", workflows::event_title(event),
                       result.recorded.size(), kind_plural(*kind), round);
    if (result.already > 0) out << fmt::format(" ({} havde det allerede)", result.already);
    out << '\n';
    for (const auto& id : result.recorded) out << id << '\n';
    return kExitOk;
}

int run_status(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string format = options.value("--format", "table");
    if (format != "table" && format != "json") {
        throw UsageError(fmt::format("--format '{}' is not one of table, json", format));
    }
    auto engine = open_engine(options, err, true);
    if (!engine) return kExitBadInput;
    const Config& config = engine->config();
    if (options.has("--area") && !config.find_area(options.value("--area"))) {
        throw UsageError(fmt::format("unknown area '{}'", options.value("--area")));
    }
    const Date today = local_date(engine->now(options), engine->zone());
    CycleFilter filter;
    filter.area = options.value("--area");
    filter.institution = options.value("--institution");
    filter.overdue_only = options.has("--overdue");
    filter.include_final = options.has("--all");
    const auto lines = list_cycles(*engine->store, *engine->cases, filter, nullptr, today);
    if (format == "json") {
        for (const auto& line : lines) {
            const auto& row = line.row;
            out << fmt::format(
                R"({{"id":{},"institution":{},"institution_name":{},"area":{},"workflow":{},"state":{},"next_due":{},"next_step":{},"overdue":{},"sharpened":{}}})"
                "\n",
                json_string(row.cycle.id), json_string(row.cycle.institution_id),
                json_string(row.institution_name), json_string(row.area_id),
                json_string(row.cycle.workflow), json_string(row.cycle.state),
                row.next_due ? json_string(format_date(*row.next_due)) : "null",
                row.next_due ? json_string(row.next_due_step) : "null",
                line.overdue ? "true" : "false", line.sharpened ? "true" : "false");
        }
        return kExitOk;
    }
    std::size_t id_width = 2;
    for (const auto& line : lines) id_width = std::max(id_width, line.row.cycle.id.size());
    out << fmt::format("{:<{}} {:<9} {:<22} {:<11} {:<22} {}\n", "ID", id_width, "AREA", "STATE",
                       "NEXT DUE", "STEP", "FLAGS");
    for (const auto& line : lines) {
        const auto& row = line.row;
        std::string flags;
        if (line.sharpened) flags += "TILSYNSPUNKT ";
        if (line.overdue) flags += "OVERSKREDET";
        out << fmt::format("{:<{}} {:<9} {:<22} {:<11} {:<22} {}\n", row.cycle.id, id_width,
                           row.area_id, row.cycle.state,
                           row.next_due ? format_date(*row.next_due) : "-",
                           row.next_due ? row.next_due_step : "-", flags);
    }
    out << fmt::format(
        "{} shown ({} overdue, {} under sharpened follow-up)\n", lines.size(),
        std::count_if(lines.begin(), lines.end(), [](const CycleSummary& l) { return l.overdue; }),
        std::count_if(lines.begin(), lines.end(),
                      [](const CycleSummary& l) { return l.sharpened; }));
    return kExitOk;
}

namespace {

void print_token(std::ostream& out, const StoredUser& user, const std::string& token,
                 std::string_view what) {
    out << fmt::format("user {} ({}{}) {}; API token (shown once, only a hash is kept):\n{}\n",
                       user.email, user.role,
                       user.area_id.empty() && user.institution_id.empty()
                           ? ""
                           : fmt::format(", {}{}", user.area_id, user.institution_id),
                       what, token);
}

/// The directory rows --email (and --role, when given) names, disabled ones too; reports on
/// `err` when there is none.
std::vector<StoredUser> named_users(Store& store, const Options& options, std::ostream& err,
                                    std::string_view verb) {
    const std::string email = options.value("--email");
    if (email.empty()) throw UsageError(fmt::format("{} needs --email", verb));
    if (options.has("--area") || options.has("--institution")) {
        throw UsageError(fmt::format("{} takes --email and --role only", verb));
    }
    auto users = store.find_users_by_email(email);
    if (options.has("--role")) {
        std::erase_if(users,
                      [&](const StoredUser& u) { return u.role != options.value("--role"); });
    }
    if (users.empty()) {
        err << fmt::format("tilsyn: no user {}{} (see 'tilsyn user add')\n", email,
                           options.has("--role") ? " with role " + options.value("--role") : "");
    }
    return users;
}

/// The one user --email (and --role, when given) names; reports on `err` and returns nullopt
/// when there is none or more than one.
std::optional<StoredUser> one_user(Store& store, const Options& options, std::ostream& err,
                                   std::string_view verb) {
    const auto users = named_users(store, options, err, verb);
    if (users.empty()) return std::nullopt;
    if (users.size() > 1) {
        std::vector<std::string> roles;
        for (const auto& u : users) roles.push_back(u.role);
        err << fmt::format("tilsyn: {} has several roles ({}); choose one with --role\n",
                           users[0].email, join(roles));
        return std::nullopt;
    }
    return users[0];
}

/// `user disable|enable --email E [--role R]`: every row of that person (or the one of --role).
int run_user_access(const Options& options, std::ostream& out, std::ostream& err, bool enable) {
    auto store = open_existing_store(options.db);
    const auto users = named_users(*store, options, err, enable ? "user enable" : "user disable");
    if (users.empty()) return kExitBadInput;
    const Instant now = options.clock->now();
    for (const auto& user : users) {
        const bool changed = set_person_access(*store, user, enable, now, kCliActor);
        out << fmt::format("{} ({}{}): {}\n", user.email, user.role,
                           user.area_id.empty() && user.institution_id.empty()
                               ? ""
                               : fmt::format(", {}{}", user.area_id, user.institution_id),
                           enable ? (changed ? "enabled" : "already enabled")
                                  : (changed ? "disabled; its tokens, feeds and sessions no "
                                               "longer work"
                                             : "already disabled"));
    }
    return kExitOk;
}

int run_user_token(const Options& options, std::ostream& out, std::ostream& err) {
    auto store = open_existing_store(options.db);
    auto user = one_user(*store, options, err, "user token");
    if (!user) return kExitBadInput;
    const std::string token = new_api_token();
    store->set_token_hash(user->id, sha256_hex(token));
    print_token(out, *user, token, "has a new token");
    return kExitOk;
}

}  // namespace

int run_user(const Options& options, std::ostream& out, std::ostream& err) {
    if (options.positional[0] == "token") return run_user_token(options, out, err);
    if (options.positional[0] == "disable") return run_user_access(options, out, err, false);
    if (options.positional[0] == "enable") return run_user_access(options, out, err, true);
    if (options.positional[0] != "add") {
        throw UsageError(
            fmt::format("unknown 'user' command '{}'; use 'user add', 'user token', 'user "
                        "disable' or 'user enable'",
                        options.positional[0]));
    }
    const std::string email = options.value("--email");
    if (!is_valid_email(email)) {
        throw UsageError(email.empty() ? "user add needs --email"
                                       : fmt::format("'{}' is not a valid e-mail address", email));
    }
    auto role = parse_role(options.value("--role"));
    if (!role) {
        throw UsageError(
            fmt::format("--role '{}' is not one of admin, director, area_chief, "
                        "leader, board",
                        options.value("--role")));
    }
    const bool needs_area = *role == Role::area_chief;
    const bool needs_institution = *role == Role::leader || *role == Role::board;
    if (needs_area != options.has("--area")) {
        throw UsageError(needs_area ? "an area_chief needs --area ID"
                                    : "--area is only for an area_chief");
    }
    if (needs_institution != options.has("--institution")) {
        throw UsageError(needs_institution ? "a leader or board needs --institution ID"
                                           : "--institution is only for a leader or board");
    }
    auto engine = open_engine(options, err);
    if (!engine) return kExitBadInput;
    if (needs_area && !engine->config().find_area(options.value("--area"))) {
        throw UsageError(fmt::format("unknown area '{}'", options.value("--area")));
    }
    if (needs_institution && !engine->store->find_institution(options.value("--institution"))) {
        throw UsageError(fmt::format("unknown institution '{}'", options.value("--institution")));
    }
    const std::string token = new_api_token();
    StoredUser user;
    user.email = email;
    user.role = std::string(role_name(*role));
    user.area_id = options.value("--area");
    user.institution_id = options.value("--institution");
    user.token_hash = sha256_hex(token);
    user.source = "manual";
    if (engine->store->add_user(user)) {
        print_token(out, user, token, "created");
        return kExitOk;
    }
    // The person exists: from the configuration without a token, it gets one now.
    for (const auto& existing : engine->store->find_users_by_email(email)) {
        if (existing.role != user.role || existing.area_id != user.area_id ||
            existing.institution_id != user.institution_id) {
            continue;
        }
        if (!existing.token_hash.empty()) break;
        engine->store->set_token_hash(existing.id, user.token_hash);
        print_token(out, existing, token, "from the configuration now has a token");
        return kExitOk;
    }
    err << fmt::format(
        "tilsyn: {} already exists as {} there and has a token; 'tilsyn user token --email {}' "
        "issues a new one\n",
        email, user.role, email);
    return kExitBadInput;
}

int run_audit(const Options& options, std::ostream& out, std::ostream& err) {
    if (options.positional[0] != "verify") {
        throw UsageError(
            fmt::format("unknown 'audit' command '{}'; use 'audit verify'", options.positional[0]));
    }
    auto store = open_existing_store(options.db, true);
    (void)err;
    const AuditCheck check = verify_audit(*store, store.get());
    if (!check.intact) {
        out << fmt::format("audit trail BROKEN after {} events: {}\n", check.events - 1,
                           check.problem);
        return kExitFailure;
    }
    // "…: 65 events", and ", 3 documents" when there are any (each read back and checked).
    out << fmt::format("audit trail intact: {} events{}\n", check.events,
                       check.documents > 0 ? fmt::format(", {} documents", check.documents) : "");
    return kExitOk;
}

int run_report(const Options& options, std::ostream& out, std::ostream& err) {
    if (options.positional[0] != "political") {
        throw UsageError(
            fmt::format("unknown report '{}'; use 'report political'", options.positional[0]));
    }
    if (!options.has("--year")) throw UsageError("report political needs --year YYYY");
    const auto year = parse_report_year(options.value("--year"));
    if (!year) {
        throw UsageError(
            fmt::format("--year '{}' is not a year from 2000 to 2100", options.value("--year")));
    }
    const std::string format = options.value("--format", "md");
    if (format != "md" && format != "html" && format != "csv") {
        throw UsageError(fmt::format("--format '{}' is not one of md, html, csv", format));
    }
    auto engine = open_engine(options, err, true);
    if (!engine) return kExitBadInput;
    const Config& config = engine->config();
    std::vector<std::string> areas;
    if (options.has("--area")) {
        if (!config.find_area(options.value("--area"))) {
            throw UsageError(fmt::format("unknown area '{}'", options.value("--area")));
        }
        areas.push_back(options.value("--area"));
    }
    const PoliticalReport report = build_political_report(*engine->store, config, *year, areas);
    if (format == "csv") {
        out << political_report_csv(report);
    } else if (format == "html") {
        // A page of its own: the dashboard's stylesheet (its print rules make a clean A4).
        out << fmt::format(
            "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\"><meta "
            "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Politisk "
            "rapport {}</title><style>{}</style></head><body><main>\n{}\n</main></body></html>\n",
            *year, http::ui::kStylesheet, political_report_html(report, config));
    } else {
        out << political_report_markdown(report, config);
    }
    return kExitOk;
}

int run_feed(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string& command = options.positional[0];
    if (command != "create" && command != "revoke") {
        throw UsageError(fmt::format("unknown 'feed' command '{}'; use create or revoke", command));
    }
    auto engine = open_engine(options, err);
    if (!engine) return kExitBadInput;
    auto user = one_user(*engine->store, options, err, "feed " + command);
    if (!user) return kExitBadInput;
    const Instant now = options.clock->now();
    if (command == "revoke") {
        const int revoked = engine->store->revoke_feeds(user->id, now);
        out << fmt::format("{} calendar feed{} of {} revoked\n", revoked, revoked == 1 ? "" : "s",
                           user->email);
        return kExitOk;
    }
    const std::string secret = random_hex_256();
    engine->store->add_feed(user->id, sha256_hex(secret), now);
    out << fmt::format(
        "calendar feed of {} ({}); subscribe to this secret URL (shown once; 'tilsyn feed "
        "revoke' ends it):\n{}\n",
        user->email, user->role, feed_url(engine->config(), secret));
    return kExitOk;
}

int run_theme(const Options& options, std::ostream& out, std::ostream& err) {
    const std::string& command = options.positional[0];
    if (command != "add" && command != "publish" && command != "list") {
        throw UsageError(
            fmt::format("unknown 'theme' command '{}'; use add, publish or list", command));
    }
    auto engine = open_engine(options, err);
    if (!engine) return kExitBadInput;
    Store& store = *engine->store;
    auto period = [&]() -> int {
        const std::string text = options.value("--period");
        const auto year = parse_report_year(text);
        if (!year) {
            throw UsageError(fmt::format(
                "--period '{}': skriv det årstal, perioden begynder i (fx 2026)", text));
        }
        return *year;
    };
    auto band = [&]() -> std::string {
        const std::string text = options.value("--band");
        if (text != "0-6" && text != "6-18") {
            throw UsageError(fmt::format("--band '{}': vælg 0-6 eller 6-18", text));
        }
        return text;
    };
    if (command == "list") {
        const bool by_period = options.has("--period"), by_band = options.has("--band");
        const int only_period = by_period ? period() : 0;
        const std::string only_band = by_band ? band() : std::string{};
        out << fmt::format("{:<9} {:<5} {:<24} {:<20} {}\n", "PERIODE", "ALDER", "KORTNAVN",
                           "STATUS", "TITEL");
        for (const auto& theme : store.themes()) {
            if ((by_period && theme.period != only_period) ||
                (by_band && theme.age_band != only_band)) {
                continue;
            }
            out << fmt::format("{:<9} {:<5} {:<24} {:<20} {}\n", period_title(theme.period),
                               theme.age_band, theme.id,
                               theme.published() ? "offentliggjort" : "ikke offentliggjort",
                               theme.title);
        }
        return kExitOk;
    }
    if (command == "add") {
        ThemeRecord theme;
        theme.period = period();
        theme.age_band = band();
        theme.id = options.value("--id");
        theme.title = options.value("--title");
        theme.description = options.value("--description");
        if (const auto problem = record_theme(store, theme)) {
            err << "tilsyn: " << problem->message << '\n';
            return kExitBadInput;
        }
        out << fmt::format(
            "tema »{}« registreret for {} ({} år); offentliggør med 'tilsyn theme "
            "publish --period {} --band {}'\n",
            theme.title, period_title(theme.period), theme.age_band, theme.period, theme.age_band);
        return kExitOk;
    }
    const int year = period();
    const std::string age = band();
    const auto published = publish_themes(store, engine->config(), year, age, options.clock->now());
    if (published.themes == 0) {
        err << fmt::format(
            "tilsyn: der er ingen ikke-offentliggjorte temaer for {} ({} år); "
            "registrér dem først med 'tilsyn theme add'\n",
            period_title(year), age);
        return kExitBadInput;
    }
    out << fmt::format("{} tema{} offentliggjort for {} ({} år); {} mails sat i kø\n",
                       published.themes, published.themes == 1 ? "" : "er", period_title(year), age,
                       published.mails);
    return kExitOk;
}

}  // namespace tilsyn::cli
