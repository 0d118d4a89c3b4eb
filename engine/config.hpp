// The configuration as plain engine types (interface.md §3). The YAML adapter fills these; the
// engine never sees YAML. Every item that an error message may point at keeps where it came
// from.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/civil_time.hpp"
#include "engine/documents.hpp"
#include "engine/due_expression.hpp"
#include "engine/mail_template.hpp"
#include "engine/role.hpp"
#include "engine/role_titles.hpp"

namespace tilsyn {

struct SourceLocation {
    std::string file;
    int line = 0;    // 1-based; 0 when unknown
    int column = 0;  // 1-based
};

/// One located problem in a configuration.
struct ConfigProblem {
    SourceLocation where;
    std::string message;
};

/// `FILE:LINE:COLUMN: message`.
std::string format_problem(const ConfigProblem& problem);

enum class InstitutionKind { school, daycare, youth };
std::string_view kind_name(InstitutionKind kind);
std::optional<InstitutionKind> parse_kind(std::string_view text);
/// What people read, in the plural of a running sentence ("dagtilbud", "fritidstilbud").
std::string_view kind_plural(InstitutionKind kind);
/// "6-18" for school and youth, "0-6" for daycare.
std::string_view age_band(InstitutionKind kind);

/// A plausible e-mail address: one '@', a non-empty local part of allowed characters, and a
/// dotted domain of letters, digits and hyphens.
bool is_valid_email(std::string_view address);

struct Person {
    std::string name;
    std::string email;
    SourceLocation where;
};

struct Organisation {
    std::string name;
    SourceLocation name_where;  // of the name, when written
    std::string timezone = "Europe/Copenhagen";
    std::string dashboard_url;
    Person director;
    // Forvaltningen's shared mailbox: what is sent to the administrator role (the reminders of
    // the data packages it makes). Optional; without it the role gets no mail.
    Person administration;
};

struct CalendarSettings {
    bool danish_holidays = true;
    std::vector<ClosedDay> closed_days;
    int send_at_minutes = 8 * 60;  // local wall-clock time at which mail goes out
};

/// `workload:`: how many conversations (quality and learning conversations and 1:1s) one person
/// may have in one ISO week before `check` warns.
struct WorkloadSettings {
    static constexpr int kDefaultMaxConversationsPerWeek = 8;
    int max_conversations_per_week = kDefaultMaxConversationsPerWeek;
    SourceLocation where;  // of the setting, when written
};

struct MailSettings {
    std::string from;
    std::string transport;  // "file:DIR" (relative to the config file's folder) or smtp(s)://
    // The folder of administrator-editable templates as written (relative to the config
    // file's folder); empty when the config names none and the built-in texts are used.
    std::string templates_dir;
    MailTemplates templates;  // parsed from templates_dir, one per kind
    // Roles (area_chief, director) who get one daily digest of what is overdue and due in the
    // next 14 days instead of one mail per reminder and escalation.
    std::vector<Role> digest_roles;
};

/// Dashboard sessions (`auth: sessions:`): a session ends after `idle` without a request or
/// `absolute` after login, whichever comes first; a person keeps at most `per_person` of them
/// (a new login ends their oldest).
struct SessionPolicy {
    std::chrono::minutes idle{30};
    std::chrono::minutes absolute{8 * 60};
    int per_person = 5;
};

/// Sign-in with the municipality's accounts (`auth: oidc:`), an OpenID Connect provider such
/// as Microsoft Entra ID: authorization code flow with PKCE. The claim `claim` of a verified ID
/// token (by default the e-mail address) names a person of the directory.
struct OidcSettings {
    std::string issuer;     // e.g. https://login.microsoftonline.com/TENANT/v2.0
    std::string client_id;  // the application (client) id registered with the provider
    // The environment variable holding the client secret (never the secret itself); empty for
    // a public client, which PKCE alone protects.
    std::string client_secret_env;
    std::vector<std::string> scopes{"openid", "email", "profile"};
    std::string claim = "email";
    SourceLocation where;
};

struct AuthSettings {
    SessionPolicy sessions;
    std::optional<OidcSettings> oidc;
};

struct Area {
    std::string id;
    std::string name;
    Person chief;
    SourceLocation where;
};

struct Institution {
    std::string id;
    std::string name;
    InstitutionKind kind = InstitutionKind::school;
    std::string area;
    Person leader;
    Person board;
    SourceLocation where;       // of its id
    SourceLocation area_where;  // of its area reference
};

struct StepTimeline {
    std::string step;
    DueExpression due;
    SourceLocation where;  // of the due expression text
    // Who acts on the step and is reminded of it, when the config names them (`by:`, only for
    // a step its workflow's description calls assignable); empty: the description's roles.
    std::vector<Role> by;
};

struct EscalationLevel {
    Offset after;
    std::vector<Role> to;
    SourceLocation where;
};

/// Which institutions a cycle covers; an empty list does not restrict.
struct InstitutionSelector {
    std::vector<InstitutionKind> kinds;
    std::vector<std::string> areas;
    std::vector<std::string> ids;
    SourceLocation where;
};

struct Recurrence {
    Date first{};
    Offset every{2, Unit::year};
};

/// Workflows that repeat their steps in rounds (learning_dialogue: four rounds over two years).
struct Rounds {
    int count = 1;
    Offset every{6, Unit::month};
};

struct SupervisionTimeline {
    std::vector<StepTimeline> steps;  // action_plan, resolution
    std::optional<Offset> follow_up_every;
    std::vector<Offset> reminders;
    std::vector<EscalationLevel> escalation;
    SourceLocation where;
};

struct CycleConfig {
    std::string id;
    std::string workflow;
    InstitutionSelector institutions;
    Recurrence starts;
    std::optional<Rounds> rounds;
    /// learning_dialogue: who observes whom (institution id -> the observing institution's
    /// id), the default until an `observer_assigned` event says otherwise.
    std::vector<std::pair<std::string, std::string>> observers;
    SourceLocation observers_where;
    std::vector<StepTimeline> steps;
    std::vector<Offset> reminders;
    std::vector<EscalationLevel> escalation;
    std::optional<SupervisionTimeline> supervision;
    SourceLocation where;           // of its id
    SourceLocation workflow_where;  // of its workflow name
};

/// `political_report:` (README "The political report"): which age band a year reports, the
/// report's own deadline, the cycles it covers and whether it names tilbud. The defaults are
/// Aarhus': 6-18 in even years, 0-6 in odd ones, due 31 December, every cycle, areas only.
struct PoliticalReportSettings {
    std::string even_years = "6-18";  // the age band reported in even years
    std::string odd_years = "0-6";    // ... and in odd years
    // The report of year Y is due on Y-MM-DD. It covers the band's cycles started after the
    // band's previous report's deadline (Y-2-MM-DD) up to and including its own.
    int deadline_month = 12;
    int deadline_day = 31;
    std::vector<std::string> cycles;  // config cycle ids it covers; empty: every cycle
    bool name_institutions = false;   // false: areas only, no tilbud named anywhere in it
    SourceLocation where;             // of the section (or the file when it is left out)
    SourceLocation deadline_where;
};

/// `publication:`: the public page of the published (approved) development plans, for the
/// municipality's website to link to and embed (JSON, Atom). No login; nothing unpublished.
/// The first path segments of Tilsyn's own routes: `publication.path` may not begin with one
/// (tests/adapters/http/web_app_test.cpp holds the list against the routes).
inline constexpr std::string_view kReservedPaths[] = {
    "api",     "assets", "calendar",   "cycles",  "diff",    "dokumenter", "tilbud",
    "forloeb", "event",  "feeds",      "healthz", "login",   "logout",     "many",
    "metrics", "report", "report.csv", "themes",  "workload"};

struct PublicationSettings {
    std::string path = "/offentlig";  // where the page is; its feeds are under it
    std::string title;                // the page's heading; "Lokale udviklingsplaner" when empty
    bool supervision_cases = false;   // also resolved supervision cases with their action plans
};

struct Config {
    std::string path;      // the file it was loaded from
    std::string base_dir;  // the folder relative paths are resolved against
    Organisation organisation;
    CalendarSettings calendar;
    MailSettings mail;
    AuthSettings auth;
    std::vector<Area> areas;
    std::vector<Institution> institutions;
    std::vector<CycleConfig> cycles;
    RoleTitles roles;  // what people read for each role: the defaults, or `roles:`
    WorkloadSettings workload;
    PoliticalReportSettings political_report;
    DocumentSettings documents;       // `documents:` types and limits
    PublicationSettings publication;  // `publication:`

    const Area* find_area(std::string_view id) const;
    const CycleConfig* find_cycle(std::string_view id) const;
};

/// Whether a cycle covers an institution.
bool selects(const InstitutionSelector& selector, const Institution& institution);

}  // namespace tilsyn
