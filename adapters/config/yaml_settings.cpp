#include "adapters/config/yaml_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/mail_message.hpp"
#include "engine/mail_template.hpp"
#include "engine/role.hpp"
#include "engine/role_titles.hpp"
#include "engine/suggest.hpp"

namespace tilsyn::yaml_config {

SettingsReader::SettingsReader(const NodeReader& nodes, Config& config)
    : NodeReader(nodes), config_(config) {}

void SettingsReader::read_organisation(const YAML::Node& node, SourceLocation& timezone_where) {
    if (!check_map(node, "organisation",
                   {"name", "timezone", "dashboard_url", "director", "administration"},
                   {"name", "timezone", "director"}))
        return;
    auto& org = config_.organisation;
    org.name = text(node, "name", "organisation");
    org.name_where = where(node["name"] ? node["name"] : node);
    org.timezone = text(node, "timezone", "organisation");
    timezone_where = where(node["timezone"] ? node["timezone"] : node);
    org.dashboard_url = text(node, "dashboard_url", "organisation");
    if (org.dashboard_url.empty()) org.dashboard_url = "http://127.0.0.1:8080";
    if (org.dashboard_url.rfind("http://", 0) != 0 && org.dashboard_url.rfind("https://", 0) != 0) {
        problem(where(node["dashboard_url"]), fmt::format("dashboard_url '{}' must start with "
                                                          "http:// or https://",
                                                          org.dashboard_url));
    }
    if (auto d = node["director"]) org.director = read_person(d, "organisation.director", true);
    if (auto a = node["administration"]) {
        org.administration = read_person(a, "organisation.administration", false);
    }
}

void SettingsReader::read_auth(const YAML::Node& node) {
    if (!check_map(node, "auth", {"sessions", "oidc"}, {})) return;
    if (const YAML::Node oidc = node["oidc"]) read_oidc(oidc);
    const YAML::Node sessions = node["sessions"];
    if (!sessions) return;
    if (!check_map(sessions, "auth.sessions", {"idle_minutes", "absolute_hours", "per_person"},
                   {})) {
        return;
    }
    SessionPolicy& policy = config_.auth.sessions;
    if (auto idle =
            bounded_number(sessions, "idle_minutes", "auth.sessions.idle_minutes", 1, 24 * 60)) {
        policy.idle = std::chrono::minutes{*idle};
    }
    if (auto absolute = bounded_number(sessions, "absolute_hours", "auth.sessions.absolute_hours",
                                       1, 24 * 30)) {
        policy.absolute = std::chrono::hours{*absolute};
    }
    if (auto cap = bounded_number(sessions, "per_person", "auth.sessions.per_person", 1, 100)) {
        policy.per_person = static_cast<int>(*cap);
    }
}

void SettingsReader::read_oidc(const YAML::Node& node) {
    if (!check_map(node, "auth.oidc",
                   {"issuer", "client_id", "client_secret_env", "scopes", "claim"},
                   {"issuer", "client_id"})) {
        return;
    }
    OidcSettings oidc;
    oidc.where = where(node);
    oidc.issuer = text(node, "issuer", "auth.oidc");
    oidc.client_id = text(node, "client_id", "auth.oidc");
    oidc.client_secret_env = text(node, "client_secret_env", "auth.oidc");
    if (node["claim"]) oidc.claim = text(node, "claim", "auth.oidc");
    const bool loopback = oidc.issuer.rfind("http://127.0.0.1", 0) == 0 ||
                          oidc.issuer.rfind("http://localhost", 0) == 0;
    if (oidc.issuer.rfind("https://", 0) != 0 && !loopback) {
        problem(where(node["issuer"]),
                fmt::format("auth.oidc.issuer '{}' must be an https:// URL (http:// only on "
                            "127.0.0.1, for tests)",
                            oidc.issuer));
    }
    if (const YAML::Node scopes = node["scopes"]) {
        if (!scopes.IsSequence()) {
            problem(where(scopes), "auth.oidc.scopes must be a list, e.g. [openid, email]");
        } else {
            oidc.scopes.clear();
            for (const auto& scope : scopes) {
                std::string value;
                if (scalar(scope, "a scope", value)) oidc.scopes.push_back(value);
            }
            if (std::find(oidc.scopes.begin(), oidc.scopes.end(), "openid") == oidc.scopes.end()) {
                problem(where(scopes), "auth.oidc.scopes must include 'openid'");
            }
        }
    }
    if (oidc.claim.empty()) problem(where(node["claim"]), "auth.oidc.claim must not be empty");
    config_.auth.oidc = std::move(oidc);
}

std::optional<long> SettingsReader::bounded_number(const YAML::Node& map, std::string_view key,
                                                   std::string_view what, long low, long high) {
    const YAML::Node node = map[std::string(key)];
    if (!node) return std::nullopt;
    std::string value;
    if (!scalar(node, what, value)) return std::nullopt;
    long number = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc{} || end != value.data() + value.size() || number < low || number > high) {
        problem(where(node), fmt::format("{} '{}' must be a whole number from {} to {}", what,
                                         value, low, high));
        return std::nullopt;
    }
    return number;
}

void SettingsReader::read_calendar(const YAML::Node& node) {
    if (!check_map(node, "calendar", {"holidays", "closed_days", "send_at"}, {})) return;
    auto& cal = config_.calendar;
    if (auto h = node["holidays"]) {
        std::string value;
        if (scalar(h, "calendar.holidays", value)) {
            if (value == "denmark") {
                cal.danish_holidays = true;
            } else if (value == "none") {
                cal.danish_holidays = false;
            } else {
                problem(where(h), fmt::format("calendar.holidays '{}' is not known; use "
                                              "'denmark' or 'none'{}",
                                              value, did_you_mean(value, {"denmark"})));
            }
        }
    }
    if (auto days = node["closed_days"]) {
        if (!days.IsSequence()) {
            problem(where(days),
                    "calendar.closed_days must be a list of \"MM-DD\" or "
                    "\"YYYY-MM-DD\"");
        } else {
            for (const auto& day : days) read_closed_day(day);
        }
    }
    if (auto s = node["send_at"]) {
        std::string value;
        if (scalar(s, "calendar.send_at", value)) {
            if (auto minutes = parse_clock_time(value)) {
                cal.send_at_minutes = *minutes;
            } else {
                problem(where(s), fmt::format("calendar.send_at '{}' is not a time of day "
                                              "(HH:MM, 00:00-23:59)",
                                              value));
            }
        }
    }
}

void SettingsReader::read_closed_day(const YAML::Node& node) {
    std::string value;
    if (!scalar(node, "a closed day", value)) return;
    if (value.size() == 10) {
        if (auto date = parse_date(value)) {
            std::chrono::year_month_day ymd{*date};
            config_.calendar.closed_days.push_back(
                {static_cast<int>(static_cast<unsigned>(ymd.month())),
                 static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(ymd.year())});
            return;
        }
    } else if (value.size() == 5) {
        // A leap year accepts every MM-DD that exists in some year (02-29 included).
        if (auto date = parse_date("2024-" + value)) {
            std::chrono::year_month_day ymd{*date};
            config_.calendar.closed_days.push_back(
                {static_cast<int>(static_cast<unsigned>(ymd.month())),
                 static_cast<int>(static_cast<unsigned>(ymd.day())), std::nullopt});
            return;
        }
    }
    problem(where(node), fmt::format("closed day '{}' is not a valid \"MM-DD\" or "
                                     "\"YYYY-MM-DD\" date",
                                     value));
}

void SettingsReader::read_mail(const YAML::Node& node) {
    if (!check_map(node, "mail", {"from", "transport", "templates", "digest"},
                   {"from", "transport"}))
        return;
    auto& mail = config_.mail;
    if (auto digest = node["digest"]) read_digest(digest);
    mail.from = text(node, "from", "mail");
    mail.transport = text(node, "transport", "mail");
    if (node["from"]) {
        if (!is_valid_email(mail_address(mail.from))) {
            problem(where(node["from"]), fmt::format("mail.from '{}' has no valid e-mail "
                                                     "address",
                                                     mail.from));
        }
    }
    if (node["transport"]) {
        const auto& t = mail.transport;
        bool file = t.rfind("file:", 0) == 0 && t.size() > 5;
        bool smtp = t.rfind("smtp://", 0) == 0 || t.rfind("smtps://", 0) == 0;
        if (!file && !smtp) {
            problem(where(node["transport"]),
                    fmt::format("mail.transport '{}' must be 'file:DIR', 'smtp://host:port' "
                                "or 'smtps://host:port'",
                                t));
        }
    }
    if (auto t = node["templates"]) read_templates(t);
}

// mail.templates: a folder with one file per kind of message (reminder.txt, …), each
// checked for unknown placeholders; problems inside a file point into that file.
void SettingsReader::read_templates(const YAML::Node& node) {
    auto& mail = config_.mail;
    if (!scalar(node, "mail.templates", mail.templates_dir)) return;
    if (mail.templates_dir.empty()) {
        problem(where(node), "mail.templates must name a folder of mail templates");
        return;
    }
    std::filesystem::path dir(mail.templates_dir);
    if (dir.is_relative()) dir = std::filesystem::path(config_.base_dir) / dir;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        problem(where(node), fmt::format("mail.templates: '{}' is not a folder", dir.string()));
        return;
    }
    // The folder's other .txt files, to name a misspelt file when one is missing.
    std::vector<std::string> others;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const bool is_template =
            std::any_of(kAllMailKinds.begin(), kAllMailKinds.end(),
                        [&](MailKind kind) { return template_file_name(kind) == name; });
        if (entry.path().extension() == ".txt" && !is_template) others.push_back(name);
    }
    std::sort(others.begin(), others.end());
    const Keys other_keys(others.begin(), others.end());
    for (MailKind kind : kAllMailKinds) {
        const std::string name = template_file_name(kind);
        const std::string file = (dir / name).string();
        std::string content, error;
        if (std::filesystem::is_regular_file(file, ec) && !read_file(file, content, error)) {
            problem(where(node),
                    fmt::format("mail.templates: template file '{}': {}", file, error));
            continue;
        }
        if (!std::filesystem::is_regular_file(file, ec)) {
            std::string hint;
            if (auto near = closest_match(name, other_keys)) {
                hint = fmt::format(" (is '{}' meant to be it?)", *near);
            }
            problem(where(node),
                    fmt::format("mail.templates: missing template file '{}' for the {} mail{}",
                                file, mail_kind_name(kind), hint));
            continue;
        }
        auto parsed = parse_mail_template(kind, content);
        for (auto& p : parsed.problems) problem({file, p.line, p.column}, std::move(p.message));
        if (parsed.ok()) mail.templates.set(kind, std::move(parsed.mail));
    }
}

void SettingsReader::read_digest(const YAML::Node& node) {
    if (!check_map(node, "mail.digest", {"roles"}, {"roles"})) return;
    const auto roles = node["roles"];
    if (!roles) return;  // check_map reported it missing
    if (!roles.IsSequence()) {
        problem(where(roles), "mail.digest.roles must be a list, e.g. [area_chief]");
        return;
    }
    for (const auto& r : roles) {
        std::string value;
        if (!scalar(r, "a digest role", value)) continue;
        auto role = parse_role(value);
        if (role == Role::area_chief || role == Role::director) {
            config_.mail.digest_roles.push_back(*role);
        } else {
            problem(where(r), fmt::format("digest role '{}' is not one of area_chief, "
                                          "director{}",
                                          value, did_you_mean(value, {"area_chief", "director"})));
        }
    }
}

void SettingsReader::read_roles(const YAML::Node& node) {
    if (node.IsNull()) return;  // `roles:` without entries: the defaults
    if (!node.IsMap()) {
        problem(where(node),
                "roles must be a mapping of role to title, e.g. "
                "{ area_chief: \"Børn og Unge-chef\" }");
        return;
    }
    Keys names;
    for (Role role : kAllRoles) names.push_back(role_name(role));
    std::vector<std::pair<Role, SourceLocation>> titled;  // in the order written
    std::vector<Role> keys;
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.Scalar();
        const auto role = parse_role(key);
        if (!role) {
            problem(where(it->first),
                    fmt::format("unknown role '{}' in roles{}; the roles are {}", key,
                                did_you_mean(key, names), fmt::join(names, ", ")));
            continue;
        }
        if (std::find(keys.begin(), keys.end(), *role) != keys.end()) {
            problem(where(it->first), fmt::format("duplicate key '{}' in roles", key));
            continue;
        }
        keys.push_back(*role);
        std::string title;
        if (!it->second.IsNull() && !scalar(it->second, fmt::format("roles.{}", key), title)) {
            continue;
        }
        const auto first = title.find_first_not_of(" \t");
        if (first == std::string::npos) {
            // `board:` with nothing after it has no place of its own: its key's.
            problem(where(it->second.IsNull() ? it->first : it->second),
                    fmt::format("roles.{}: the title must not be empty; write the title people "
                                "read, e.g. \"{}\", or leave the role out for that default",
                                key, default_role_title(*role)));
            continue;
        }
        config_.roles.set(*role, title.substr(first, title.find_last_not_of(" \t") - first + 1));
        titled.emplace_back(*role, where(it->second));
    }
    // Two roles with one title would make "only X may do this; you are X" possible.
    for (std::size_t i = 0; i < titled.size(); ++i) {
        const auto& [role, at] = titled[i];
        for (Role other : kAllRoles) {
            const bool other_first = std::any_of(titled.begin(), titled.begin() + i,
                                                 [&](const auto& t) { return t.first == other; });
            const bool other_later = std::any_of(titled.begin() + i + 1, titled.end(),
                                                 [&](const auto& t) { return t.first == other; });
            if (other == role || other_later || config_.roles.of(other) != config_.roles.of(role)) {
                continue;
            }
            problem(at, fmt::format("roles.{}: '{}' is already the title of {}{}; each role needs "
                                    "its own title",
                                    role_name(role), config_.roles.of(role), role_name(other),
                                    other_first ? "" : " (its default)"));
        }
    }
}

void SettingsReader::read_workload(const YAML::Node& node) {
    if (!check_map(node, "workload", {"max_conversations_per_week"},
                   {"max_conversations_per_week"})) {
        return;
    }
    const YAML::Node n = node["max_conversations_per_week"];
    std::string value;
    if (!scalar(n, "workload.max_conversations_per_week", value)) return;
    int number = 0;
    const bool digits = !value.empty() && value.size() <= 3 &&
                        value.find_first_not_of("0123456789") == std::string::npos;
    if (digits) number = std::stoi(value);
    if (!digits || number < 1 || number > 100) {
        problem(where(n), fmt::format("workload.max_conversations_per_week '{}' must be a whole "
                                      "number from 1 to 100",
                                      value));
        return;
    }
    config_.workload.max_conversations_per_week = number;
    config_.workload.where = where(n);
}

void SettingsReader::read_political_report(const YAML::Node& node) {
    auto& settings = config_.political_report;
    settings.where = where(node);
    if (node.IsNull()) return;  // `political_report:` without entries: the defaults
    if (!check_map(node, "political_report",
                   {"age_bands", "deadline", "cycles", "name_institutions"}, {}))
        return;
    if (auto bands = node["age_bands"]) {
        if (!bands.IsMap()) {
            problem(where(bands),
                    "political_report.age_bands skal være en tabel over lige og ulige år, fx "
                    "{ even: \"6-18\", odd: \"0-6\" }");
        } else if (check_map(bands, "political_report.age_bands", {"even", "odd"}, {})) {
            for (const auto& [key, into] :
                 {std::pair{"even", &settings.even_years}, std::pair{"odd", &settings.odd_years}}) {
                const auto value = bands[key];
                std::string band;
                if (!value ||
                    !scalar(value, fmt::format("political_report.age_bands.{}", key), band)) {
                    continue;
                }
                if (band != "6-18" && band != "0-6") {
                    problem(where(value),
                            fmt::format("political_report.age_bands.{}: '{}' er ikke en "
                                        "aldersgruppe; skriv \"6-18\" eller \"0-6\"",
                                        key, band));
                    continue;
                }
                *into = band;
            }
            if (settings.even_years == settings.odd_years) {
                problem(where(bands),
                        fmt::format("political_report.age_bands: lige og ulige år har begge "
                                    "aldersgruppen {}; hver aldersgruppe skal have sine år, "
                                    "fx {{ even: \"6-18\", odd: \"0-6\" }}",
                                    settings.even_years));
            }
        }
    }
    if (auto deadline = node["deadline"]) {
        settings.deadline_where = where(deadline);
        std::string value;
        if (scalar(deadline, "political_report.deadline", value)) {
            const bool shape = value.size() == 5 && value[2] == '-' &&
                               value.find_first_not_of("0123456789-") == std::string::npos &&
                               std::count(value.begin(), value.end(), '-') == 1;
            const int month = shape ? std::stoi(value.substr(0, 2)) : 0;
            const int day = shape ? std::stoi(value.substr(3, 2)) : 0;
            // A year without 29 February (2027) would have no deadline.
            const auto date = std::chrono::year{2027} / month / day;
            if (!shape || !date.ok()) {
                problem(where(deadline),
                        fmt::format("political_report.deadline: '{}' er ikke en dato i året på "
                                    "formen MM-DD, der findes hvert år; skriv fx \"03-31\"",
                                    value));
            } else {
                settings.deadline_month = month;
                settings.deadline_day = day;
            }
        }
    }
    if (auto cycles = node["cycles"]) {
        std::vector<std::string_view> ids;
        for (const auto& cycle : config_.cycles) ids.emplace_back(cycle.id);
        if (!cycles.IsSequence() || cycles.size() == 0) {
            problem(where(cycles),
                    "political_report.cycles skal være en liste over forløb (cycles' id), fx "
                    "[quality-report-6-18, learning-dialogue], eller udelades for alle forløb");
        } else {
            for (const auto& cycle : cycles) {
                std::string id;
                if (!scalar(cycle, "political_report.cycles", id)) continue;
                if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
                    const auto near = closest_match(id, ids);
                    problem(where(cycle),
                            fmt::format("political_report.cycles: ukendt forløb '{}'{}; "
                                        "forløbene er {}",
                                        id, near ? fmt::format(" (mente du '{}'?)", *near) : "",
                                        fmt::join(ids, ", ")));
                } else if (std::find(settings.cycles.begin(), settings.cycles.end(), id) !=
                           settings.cycles.end()) {
                    problem(where(cycle),
                            fmt::format("political_report.cycles: '{}' står der to gange", id));
                } else {
                    settings.cycles.push_back(id);
                }
            }
        }
    }
    if (auto names = node["name_institutions"]) {
        std::string value;
        if (scalar(names, "political_report.name_institutions", value)) {
            if (value == "true") {
                settings.name_institutions = true;
            } else if (value == "false") {
                settings.name_institutions = false;
            } else {
                problem(where(names),
                        fmt::format("political_report.name_institutions: '{}' skal være true "
                                    "(tilbud nævnes ved navn) eller false (kun områder)",
                                    value));
            }
        }
    }
}

void SettingsReader::read_documents(const YAML::Node& node) {
    if (!check_map(node, "documents", {"types", "max_file_mb", "max_event_mb", "max_files"}, {})) {
        return;
    }
    auto& docs = config_.documents;
    if (auto types = node["types"]) {
        if (!types.IsSequence() || types.size() == 0) {
            problem(where(types),
                    "documents.types skal være en liste af dokumenttyper, fx "
                    "[pdf, docx]");
        } else {
            docs.types.clear();
            std::vector<std::string_view> known;
            for (const auto& type : known_document_types()) known.push_back(type.id);
            for (const auto& item : types) {
                std::string id;
                if (!scalar(item, "documents.types", id)) continue;
                if (!find_document_type(id)) {
                    const auto near = closest_match(id, known);
                    problem(where(item),
                            fmt::format("documents.types: ukendt dokumenttype '{}'{}; brug {}", id,
                                        near ? fmt::format(" (mente du '{}'?)", *near) : "",
                                        fmt::join(known, ", ")));
                    continue;
                }
                docs.types.push_back(id);
            }
        }
    }
    // A whole number from 1 to `most` (megabytes, or files).
    auto number = [&](const char* key, long long most, long long& out, long long scale) {
        auto value = node[key];
        if (!value) return;
        std::string t;
        if (!scalar(value, fmt::format("documents.{}", key), t)) return;
        long long n = 0;
        const bool digits =
            !t.empty() && t.size() < 9 && t.find_first_not_of("0123456789") == std::string::npos;
        if (digits) n = std::stoll(t);
        if (!digits || n < 1 || n > most) {
            problem(where(value), fmt::format("documents.{}: '{}' skal være et helt tal fra 1 "
                                              "til {}",
                                              key, t, most));
            return;
        }
        out = n * scale;
    };
    number("max_file_mb", 1024, docs.max_file_bytes, kMebibyte);
    number("max_event_mb", 4096, docs.max_event_bytes, kMebibyte);
    long long files = docs.max_files_per_event;
    number("max_files", 1000, files, 1);
    docs.max_files_per_event = static_cast<int>(files);
    if (docs.max_event_bytes < docs.max_file_bytes) {
        problem(where(node),
                "documents.max_event_mb skal være mindst lige så stor som "
                "documents.max_file_mb (en handlings dokumenter tilsammen rummer "
                "mindst ét dokument)");
    }
}

void SettingsReader::read_publication(const YAML::Node& node) {
    if (!check_map(node, "publication", {"path", "title", "supervision_cases"}, {})) return;
    auto& pub = config_.publication;
    if (node["path"]) {
        std::string path = text(node, "path", "publication");
        const bool safe = path.size() > 1 && path.front() == '/' && path.back() != '/' &&
                          path.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_/") ==
                              std::string::npos &&
                          path.find("//") == std::string::npos;
        const std::string_view first =
            safe ? std::string_view(path).substr(1, path.find('/', 1) - 1) : std::string_view{};
        const bool taken = std::find(std::begin(kReservedPaths), std::end(kReservedPaths), first) !=
                           std::end(kReservedPaths);
        if (!safe) {
            problem(where(node["path"]),
                    fmt::format("publication.path: '{}' skal være en sti som /offentlig: små "
                                "bogstaver a-z, cifre, - og _, med / foran og ikke bagest",
                                path));
        } else if (taken) {
            problem(where(node["path"]),
                    fmt::format("publication.path: '{}' er optaget af Tilsyns egne sider; vælg "
                                "en sti, der ikke begynder med /{}",
                                path, first));
        } else {
            pub.path = std::move(path);
        }
    }
    if (node["title"]) pub.title = text(node, "title", "publication");
    if (auto cases = node["supervision_cases"]) {
        std::string value;
        if (scalar(cases, "publication.supervision_cases", value)) {
            if (value == "true" || value == "false") {
                pub.supervision_cases = value == "true";
            } else {
                problem(where(cases),
                        fmt::format("publication.supervision_cases: '{}' skal være true "
                                    "(afsluttede tilsynssager vises på den offentlige side) "
                                    "eller false",
                                    value));
            }
        }
    }
}

}  // namespace tilsyn::yaml_config
