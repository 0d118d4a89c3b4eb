#include "adapters/config/yaml_config_loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <sstream>

#include "adapters/config/csv_reader.hpp"
#include "engine/config_rules.hpp"
#include "engine/mail_message.hpp"
#include "engine/mail_template.hpp"
#include "engine/suggest.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo";
constexpr std::size_t kMaxConfigBytes = 64 << 20;

using Keys = std::vector<std::string_view>;

std::string node_type_name(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return fmt::format("'{}'", node.Scalar());
        case YAML::NodeType::Null:
            return "nothing";
        default:
            return "nothing";
    }
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open file";
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    if (out.size() > kMaxConfigBytes) {
        error = fmt::format("file is larger than {} MiB", kMaxConfigBytes >> 20);
        return false;
    }
    return true;
}

class Loader {
  public:
    Loader(std::string path) : path_(std::move(path)) {}

    LoadedConfig run() {
        std::string text, error;
        if (!read_file(path_, text, error)) {
            LoadedConfig result;
            result.config.path = path_;
            problem({path_, 1, 1}, error);
            result.problems = std::move(problems_);
            return result;
        }
        return run_text(text);
    }

    LoadedConfig run_text(const std::string& text) {
        LoadedConfig result;
        result.config.path = path_;
        auto parent = std::filesystem::path(path_).parent_path();
        result.config.base_dir = parent.empty() ? "." : parent.string();
        YAML::Node root;
        try {
            root = YAML::Load(text);
        } catch (const YAML::Exception& e) {
            problem({path_, e.mark.line + 1, e.mark.column + 1},
                    fmt::format("YAML syntax error: {}", e.msg));
            result.problems = std::move(problems_);
            return result;
        }
        config_ = &result.config;
        if (!root.IsMap()) {
            problem({path_, 1, 1},
                    "the configuration must be a mapping of sections "
                    "(organisation, calendar, mail, areas, institutions, cycles)");
        } else {
            read_root(root);
        }
        if (!config_->organisation.timezone.empty()) {
            std::string zone_error;
            result.zone = load_time_zone(config_->organisation.timezone, &zone_error);
            if (!result.zone) problem(timezone_where_, zone_error);
        }
        // Semantic rules run even after schema problems so one run reports everything; the
        // loader keeps placeholders for bad values so rules do not repeat them.
        auto semantic = check_config_rules(result.config);
        problems_.insert(problems_.end(), semantic.begin(), semantic.end());
        std::stable_sort(problems_.begin(), problems_.end(),
                         [](const ConfigProblem& a, const ConfigProblem& b) {
                             return std::tie(a.where.file, a.where.line, a.where.column) <
                                    std::tie(b.where.file, b.where.line, b.where.column);
                         });
        result.problems = std::move(problems_);
        return result;
    }

  private:
    SourceLocation where(const YAML::Node& node) const {
        auto mark = node.Mark();
        if (mark.line < 0) return {path_, 0, 0};
        return {path_, mark.line + 1, mark.column + 1};
    }

    // The location of a character inside a scalar (0-based), past an opening quote.
    SourceLocation where_in(const YAML::Node& node, std::size_t position) const {
        SourceLocation loc = where(node);
        bool quoted = node.Tag() == "!";
        loc.column += static_cast<int>(position) + (quoted ? 1 : 0);
        return loc;
    }

    void problem(SourceLocation where, std::string message) {
        problems_.push_back({std::move(where), std::move(message)});
    }

    // Checks a mapping's keys: reports unknown and duplicate keys and missing required ones.
    // Returns false when the node is not a mapping.
    bool check_map(const YAML::Node& node, std::string_view what, const Keys& allowed,
                   const Keys& required) {
        if (!node.IsMap()) {
            problem(where(node),
                    fmt::format("{} must be a mapping, found {}", what, node_type_name(node)));
            return false;
        }
        std::set<std::string> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (!seen.insert(key).second) {
                problem(where(it->first), fmt::format("duplicate key '{}' in {}", key, what));
            }
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                problem(where(it->first), fmt::format("unknown key '{}' in {}{}", key, what,
                                                      did_you_mean(key, allowed)));
            }
        }
        for (auto key : required) {
            if (!node[std::string(key)]) {
                problem(where(node), fmt::format("{} is missing required key '{}'", what, key));
            }
        }
        return true;
    }

    bool scalar(const YAML::Node& node, std::string_view what, std::string& out) {
        if (!node) return false;
        if (!node.IsScalar()) {
            problem(where(node),
                    fmt::format("{} must be a text value, found {}", what, node_type_name(node)));
            return false;
        }
        out = node.Scalar();
        return true;
    }

    std::string text(const YAML::Node& map, std::string_view key, std::string_view what) {
        std::string value;
        scalar(map[std::string(key)], fmt::format("{}.{}", what, key), value);
        return value;
    }

    void read_root(const YAML::Node& root) {
        check_map(root, "the configuration",
                  {"organisation", "calendar", "mail", "areas", "institutions", "institutions_csv",
                   "cycles"},
                  {"organisation", "areas", "cycles"});
        if (auto n = root["organisation"]) read_organisation(n);
        if (auto n = root["calendar"]) read_calendar(n);
        if (auto n = root["mail"]) read_mail(n);
        if (auto n = root["areas"]) read_areas(n);
        if (auto n = root["institutions"]) read_institutions(n);
        if (auto n = root["institutions_csv"]) read_institutions_csv(n);
        if (!root["institutions"] && !root["institutions_csv"] && root.IsMap()) {
            problem(where(root), "the configuration needs 'institutions' or 'institutions_csv'");
        }
        if (auto n = root["cycles"]) read_cycles(n);
    }

    Person read_person(const YAML::Node& node, std::string_view what, bool name_required) {
        Person person;
        person.where = where(node);
        Keys required{"email"};
        if (name_required) required.push_back("name");
        if (!check_map(node, what, {"name", "email"}, required)) return person;
        person.name = text(node, "name", what);
        person.email = text(node, "email", what);
        if (auto email = node["email"]) person.where = where_in(email, 0);
        return person;
    }

    void read_organisation(const YAML::Node& node) {
        if (!check_map(node, "organisation", {"name", "timezone", "dashboard_url", "director"},
                       {"name", "timezone", "director"}))
            return;
        auto& org = config_->organisation;
        org.name = text(node, "name", "organisation");
        org.timezone = text(node, "timezone", "organisation");
        timezone_where_ = where(node["timezone"] ? node["timezone"] : node);
        org.dashboard_url = text(node, "dashboard_url", "organisation");
        if (org.dashboard_url.empty()) org.dashboard_url = "http://127.0.0.1:8080";
        if (org.dashboard_url.rfind("http://", 0) != 0 &&
            org.dashboard_url.rfind("https://", 0) != 0) {
            problem(where(node["dashboard_url"]), fmt::format("dashboard_url '{}' must start with "
                                                              "http:// or https://",
                                                              org.dashboard_url));
        }
        if (auto d = node["director"]) org.director = read_person(d, "organisation.director", true);
    }

    void read_calendar(const YAML::Node& node) {
        if (!check_map(node, "calendar", {"holidays", "closed_days", "send_at"}, {})) return;
        auto& cal = config_->calendar;
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

    void read_closed_day(const YAML::Node& node) {
        std::string value;
        if (!scalar(node, "a closed day", value)) return;
        if (value.size() == 10) {
            if (auto date = parse_date(value)) {
                std::chrono::year_month_day ymd{*date};
                config_->calendar.closed_days.push_back(
                    {static_cast<int>(static_cast<unsigned>(ymd.month())),
                     static_cast<int>(static_cast<unsigned>(ymd.day())),
                     static_cast<int>(ymd.year())});
                return;
            }
        } else if (value.size() == 5) {
            // A leap year accepts every MM-DD that exists in some year (02-29 included).
            if (auto date = parse_date("2024-" + value)) {
                std::chrono::year_month_day ymd{*date};
                config_->calendar.closed_days.push_back(
                    {static_cast<int>(static_cast<unsigned>(ymd.month())),
                     static_cast<int>(static_cast<unsigned>(ymd.day())), std::nullopt});
                return;
            }
        }
        problem(where(node), fmt::format("closed day '{}' is not a valid \"MM-DD\" or "
                                         "\"YYYY-MM-DD\" date",
                                         value));
    }

    void read_mail(const YAML::Node& node) {
        if (!check_map(node, "mail", {"from", "transport", "templates", "digest"},
                       {"from", "transport"}))
            return;
        auto& mail = config_->mail;
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
    void read_templates(const YAML::Node& node) {
        auto& mail = config_->mail;
        if (!scalar(node, "mail.templates", mail.templates_dir)) return;
        if (mail.templates_dir.empty()) {
            problem(where(node), "mail.templates must name a folder of mail templates");
            return;
        }
        std::filesystem::path dir(mail.templates_dir);
        if (dir.is_relative()) dir = std::filesystem::path(config_->base_dir) / dir;
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

    void read_digest(const YAML::Node& node) {
        if (!check_map(node, "mail.digest", {"roles"}, {"roles"})) return;
        const auto roles = node["roles"];
        if (!roles.IsSequence()) {
            problem(where(roles), "mail.digest.roles must be a list, e.g. [area_chief]");
            return;
        }
        for (const auto& r : roles) {
            std::string value;
            if (!scalar(r, "a digest role", value)) continue;
            auto role = parse_role(value);
            if (role == Role::area_chief || role == Role::director) {
                config_->mail.digest_roles.push_back(*role);
            } else {
                problem(where(r),
                        fmt::format("digest role '{}' is not one of area_chief, "
                                    "director{}",
                                    value, did_you_mean(value, {"area_chief", "director"})));
            }
        }
    }

    void read_areas(const YAML::Node& node) {
        if (!node.IsSequence()) {
            problem(where(node), "areas must be a list");
            return;
        }
        for (const auto& a : node) {
            Area area;
            area.where = where(a);
            if (!check_map(a, "an area", {"id", "name", "chief"}, {"id", "name", "chief"}))
                continue;
            area.id = text(a, "id", "area");
            area.name = text(a, "name", "area");
            if (a["id"]) area.where = where(a["id"]);
            if (auto c = a["chief"]) {
                area.chief = read_person(c, fmt::format("chief of area '{}'", area.id), true);
            }
            config_->areas.push_back(std::move(area));
        }
    }

    void read_institutions(const YAML::Node& node) {
        if (!node.IsSequence()) {
            problem(where(node), "institutions must be a list");
            return;
        }
        config_->institutions.reserve(config_->institutions.size() + node.size());
        for (const auto& i : node) {
            Institution inst;
            inst.where = where(i);
            if (!check_map(i, "an institution", {"id", "name", "kind", "area", "leader", "board"},
                           {"id", "name", "kind", "area", "leader"}))
                continue;
            inst.id = text(i, "id", "institution");
            if (i["id"]) inst.where = where(i["id"]);
            inst.name = text(i, "name", "institution");
            std::string kind = text(i, "kind", "institution");
            if (i["kind"]) read_kind(i["kind"], kind, inst.kind);
            inst.area = text(i, "area", "institution");
            inst.area_where = where(i["area"] ? i["area"] : i);
            if (auto l = i["leader"]) inst.leader = read_person(l, "leader", false);
            if (auto b = i["board"]) inst.board = read_person(b, "board", false);
            config_->institutions.push_back(std::move(inst));
        }
    }

    bool read_kind(const YAML::Node& node, const std::string& value, InstitutionKind& out) {
        if (auto kind = parse_kind(value)) {
            out = *kind;
            return true;
        }
        problem(where(node),
                fmt::format("unknown institution kind '{}'{}; use school, daycare or "
                            "youth",
                            value, did_you_mean(value, {"school", "daycare", "youth"})));
        return false;
    }

    void read_institutions_csv(const YAML::Node& node) {
        std::string name;
        if (!scalar(node, "institutions_csv", name)) return;
        std::filesystem::path path(name);
        if (path.is_relative()) path = std::filesystem::path(config_->base_dir) / path;
        const std::string file = path.string();
        std::string content, error;
        if (!read_file(file, content, error)) {
            problem(where(node), fmt::format("institutions_csv '{}': {}", file, error));
            return;
        }
        CsvTable table = parse_csv(content);
        if (!table.error.empty()) {
            problem({file, 0, 0}, table.error);  // formatted below with the CSV's position
            problems_.back().where.line = std::stoi(table.error);
            auto colon = table.error.find(':');
            problems_.back().where.column = std::stoi(table.error.substr(colon + 1));
            problems_.back().message = table.error.substr(table.error.find(": ") + 2);
            return;
        }
        static const Keys kColumns = {"id",          "name",         "kind",       "area",
                                      "leader_name", "leader_email", "board_name", "board_email"};
        std::map<std::string, std::size_t> column;
        for (std::size_t c = 0; c < table.header.size(); ++c) {
            const auto& h = table.header[c];
            if (std::find(kColumns.begin(), kColumns.end(), h) == kColumns.end()) {
                problem({file, 1, 1},
                        fmt::format("unknown column '{}'{}", h, did_you_mean(h, kColumns)));
            }
            column[h] = c;
        }
        for (auto required : {"id", "name", "kind", "area", "leader_email"}) {
            if (!column.count(required)) {
                problem({file, 1, 1}, fmt::format("missing column '{}'", required));
                return;
            }
        }
        for (const auto& row : table.rows) {
            if (row.fields.size() != table.header.size()) {
                problem({file, row.line, 1}, fmt::format("row has {} fields, the header has {}",
                                                         row.fields.size(), table.header.size()));
                continue;
            }
            auto field = [&](std::string_view col) -> const CsvField* {
                auto it = column.find(std::string(col));
                return it == column.end() ? nullptr : &row.fields[it->second];
            };
            Institution inst;
            inst.where = {file, row.line, 1};
            bool ok = true;
            for (auto required : {"id", "name", "kind", "area", "leader_email"}) {
                const CsvField* f = field(required);
                if (f->value.empty()) {
                    problem({file, f->line, f->column}, fmt::format("empty {}", required));
                    ok = false;
                }
            }
            if (!ok) continue;
            inst.id = field("id")->value;
            inst.name = field("name")->value;
            const CsvField* kind = field("kind");
            if (auto k = parse_kind(kind->value)) {
                inst.kind = *k;
            } else {
                problem({file, kind->line, kind->column},
                        fmt::format("unknown institution kind '{}'{}; use school, daycare or "
                                    "youth",
                                    kind->value,
                                    did_you_mean(kind->value, {"school", "daycare", "youth"})));
            }
            inst.area = field("area")->value;
            inst.where = {file, field("id")->line, field("id")->column};
            inst.area_where = {file, field("area")->line, field("area")->column};
            auto person = [&](std::string_view name_col, std::string_view email_col) {
                Person p;
                if (const CsvField* n = field(name_col)) p.name = n->value;
                if (const CsvField* e = field(email_col)) {
                    p.email = e->value;
                    p.where = {file, e->line, e->column};
                }
                return p;
            };
            inst.leader = person("leader_name", "leader_email");
            inst.board = person("board_name", "board_email");
            config_->institutions.push_back(std::move(inst));
        }
    }

    std::optional<Offset> duration(const YAML::Node& node, std::string_view what,
                                   bool calendar_units_only) {
        std::string value;
        if (!scalar(node, what, value)) return std::nullopt;
        auto parsed = parse_duration(value);
        if (auto* e = std::get_if<SyntaxError>(&parsed)) {
            problem(where_in(node, e->position), fmt::format("{}: {}", what, e->message));
            return std::nullopt;
        }
        Offset offset = std::get<Offset>(parsed);
        if (calendar_units_only && offset.unit == Unit::workday) {
            problem(where(node), fmt::format("{}: a period repeats in days, weeks, months or "
                                             "years, not workdays",
                                             what));
            return std::nullopt;
        }
        return offset;
    }

    std::vector<Offset> reminders(const YAML::Node& node) {
        std::vector<Offset> result;
        if (!node.IsSequence()) {
            problem(where(node),
                    "reminders must be a list such as [\"-14 days\", \"-3 workdays\"]");
            return result;
        }
        for (const auto& r : node) {
            std::string value;
            if (!scalar(r, "a reminder", value)) continue;
            auto parsed = parse_signed_offset(value);
            if (auto* e = std::get_if<SyntaxError>(&parsed)) {
                problem(where_in(r, e->position), fmt::format("reminder: {}", e->message));
            } else if (std::get<Offset>(parsed).amount > 0) {
                problem(where(r), fmt::format("reminder '{}' comes after its deadline; reminders "
                                              "are '-N unit' before it (escalations handle after)",
                                              value));
            } else {
                result.push_back(std::get<Offset>(parsed));
            }
        }
        return result;
    }

    std::vector<EscalationLevel> escalation(const YAML::Node& node) {
        std::vector<EscalationLevel> result;
        if (!node.IsSequence()) {
            problem(where(node), "escalation must be a list of { after, to } levels");
            return result;
        }
        for (const auto& l : node) {
            if (!check_map(l, "an escalation level", {"after", "to"}, {"after", "to"})) continue;
            EscalationLevel level;
            level.where = where(l);
            if (auto after = duration(l["after"], "escalation.after", false)) level.after = *after;
            if (auto to = l["to"]) {
                if (!to.IsSequence() || to.size() == 0) {
                    problem(where(to), "escalation.to must be a list of roles, e.g. [director]");
                } else {
                    for (const auto& r : to) {
                        std::string value;
                        if (!scalar(r, "a role", value)) continue;
                        if (auto role = parse_role(value)) {
                            level.to.push_back(*role);
                        } else {
                            problem(where(r),
                                    fmt::format("unknown role '{}'{}; use leader, board, "
                                                "area_chief or director",
                                                value,
                                                did_you_mean(value, {"leader", "board",
                                                                     "area_chief", "director"})));
                        }
                    }
                }
            }
            result.push_back(std::move(level));
        }
        return result;
    }

    // A step whose due expression is unusable still yields a placeholder timeline (anchored
    // where the rules accept it), so the rules do not also report the step as missing.
    std::optional<StepTimeline> step_due(const std::string& step, const YAML::Node& node,
                                         const YAML::Node& key, bool supervision) {
        StepTimeline timeline;
        if (supervision) timeline.due.anchor.kind = Anchor::Kind::given;
        timeline.step = step;
        timeline.where = where(key);
        if (!check_map(node, fmt::format("step '{}'", step), {"due"}, {"due"})) return timeline;
        std::string value;
        if (!scalar(node["due"], fmt::format("step '{}' due", step), value)) return timeline;
        timeline.where = where_in(node["due"], 0);
        auto parsed = parse_due_expression(value);
        if (auto* e = std::get_if<SyntaxError>(&parsed)) {
            problem(where_in(node["due"], e->position),
                    fmt::format("due expression of '{}': {}", step, e->message));
            return timeline;
        }
        timeline.due = std::get<DueExpression>(parsed);
        return timeline;
    }

    void read_cycles(const YAML::Node& node) {
        if (!node.IsSequence()) {
            problem(where(node), "cycles must be a list");
            return;
        }
        for (const auto& c : node) {
            if (!check_map(c, "a cycle",
                           {"id", "workflow", "institutions", "starts", "rounds", "observers",
                            "steps", "reminders", "escalation", "supervision"},
                           {"id", "workflow", "starts", "steps"}))
                continue;
            CycleConfig cycle;
            cycle.id = text(c, "id", "cycle");
            cycle.where = where(c["id"] ? c["id"] : c);
            cycle.workflow = text(c, "workflow", "cycle");
            cycle.workflow_where = where(c["workflow"] ? c["workflow"] : c);
            const workflows::WorkflowDescription* workflow =
                workflows::find_workflow(cycle.workflow);
            if (auto sel = c["institutions"]) read_selector(sel, cycle.institutions);
            if (auto s = c["starts"]) {
                if (check_map(s, "starts", {"first", "every"}, {"first"})) {
                    std::string first;
                    if (scalar(s["first"], "starts.first", first)) {
                        if (auto date = parse_date(first)) {
                            cycle.starts.first = *date;
                        } else {
                            problem(where(s["first"]), fmt::format("starts.first '{}' is not a "
                                                                   "valid date (YYYY-MM-DD)",
                                                                   first));
                        }
                    }
                    if (auto every = s["every"]) {
                        if (auto o = duration(every, "starts.every", true)) cycle.starts.every = *o;
                    }
                }
            }
            if (auto r = c["rounds"]) {
                if (check_map(r, "rounds", {"count", "every"}, {"count", "every"})) {
                    Rounds rounds;
                    std::string count;
                    if (scalar(r["count"], "rounds.count", count)) {
                        try {
                            rounds.count = std::stoi(count);
                        } catch (const std::exception&) {
                            rounds.count = 0;
                        }
                        if (rounds.count < 1 || rounds.count > 12 ||
                            count.find_first_not_of("0123456789") != std::string::npos) {
                            problem(where(r["count"]), fmt::format("rounds.count '{}' must be a "
                                                                   "whole number from 1 to 12",
                                                                   count));
                        }
                    }
                    if (auto o = duration(r["every"], "rounds.every", true)) rounds.every = *o;
                    cycle.rounds = rounds;
                }
            }
            if (auto o = c["observers"]) {
                cycle.observers_where = where(o);
                if (!o.IsMap()) {
                    problem(where(o), "observers must be a mapping: { institution: observer }");
                } else {
                    for (auto it = o.begin(); it != o.end(); ++it) {
                        std::string observed, observer;
                        if (scalar(it->first, "an observed institution", observed) &&
                            scalar(it->second, "an observer institution", observer)) {
                            cycle.observers.emplace_back(observed, observer);
                        }
                    }
                }
            }
            if (auto steps = c["steps"]) {
                // With an unknown workflow the rules report that once; its steps are not
                // checked against anything.
                bool is_map = workflow ? check_map(steps, "steps", step_names(&workflow->steps), {})
                                       : steps.IsMap();
                if (is_map) {
                    for (auto it = steps.begin(); it != steps.end(); ++it) {
                        if (auto t = step_due(it->first.Scalar(), it->second, it->first, false))
                            cycle.steps.push_back(std::move(*t));
                    }
                }
                // check_map already reported unknown steps; keep rules from repeating them.
                if (workflow) {
                    std::erase_if(cycle.steps, [&](const StepTimeline& s) {
                        return workflow->step_index(s.step) < 0;
                    });
                }
            }
            if (auto r = c["reminders"]) cycle.reminders = reminders(r);
            if (auto e = c["escalation"]) cycle.escalation = escalation(e);
            if (auto s = c["supervision"]) cycle.supervision = read_supervision(s, workflow);
            config_->cycles.push_back(std::move(cycle));
        }
    }

    Keys step_names(const std::vector<workflows::StepDescription>* steps) {
        if (!steps) return {};
        Keys names;
        for (const auto& s : *steps) names.push_back(s.id);
        return names;
    }

    void read_selector(const YAML::Node& node, InstitutionSelector& selector) {
        selector.where = where(node);
        if (!check_map(node, "institutions", {"kinds", "areas", "ids"}, {})) return;
        auto list = [&](std::string_view key, auto&& each) {
            auto n = node[std::string(key)];
            if (!n) return;
            if (!n.IsSequence()) {
                problem(where(n), fmt::format("institutions.{} must be a list", key));
                return;
            }
            for (const auto& item : n) {
                std::string value;
                if (scalar(item, fmt::format("institutions.{}", key), value)) each(item, value);
            }
        };
        list("kinds", [&](const YAML::Node& item, const std::string& value) {
            InstitutionKind kind;
            if (read_kind(item, value, kind)) selector.kinds.push_back(kind);
        });
        list("areas",
             [&](const YAML::Node&, const std::string& value) { selector.areas.push_back(value); });
        list("ids",
             [&](const YAML::Node&, const std::string& value) { selector.ids.push_back(value); });
    }

    /// The `supervision:` block: a due expression per step of the supervision case, and
    /// `{ every: … }` for its recurring step (the steps come from the case's description).
    std::optional<SupervisionTimeline> read_supervision(
        const YAML::Node& node, const workflows::WorkflowDescription* workflow) {
        const auto* cases = workflow ? workflows::find_workflow(workflow->opens_cases) : nullptr;
        if (!cases) return std::nullopt;  // an unknown workflow: check_config_rules says so
        SupervisionTimeline sup;
        sup.where = where(node);
        Keys allowed, required;
        for (const auto& step : cases->steps) {
            allowed.push_back(step.id);
            if (!step.recurring) required.push_back(step.id);
        }
        allowed.insert(allowed.end(), {"reminders", "escalation"});
        if (!check_map(node, "supervision", allowed, required)) return std::nullopt;
        for (const auto& step : cases->steps) {
            const YAML::Node value = node[std::string(step.id)];
            if (!value) continue;
            if (!step.recurring) {
                if (auto t = step_due(std::string(step.id), value, value, true)) {
                    sup.steps.push_back(std::move(*t));
                }
            } else {
                const std::string what = fmt::format("supervision.{}", step.id);
                if (check_map(value, what, {"every"}, {"every"})) {
                    sup.follow_up_every =
                        duration(value["every"], fmt::format("{}.every", step.id), true);
                }
            }
        }
        if (auto r = node["reminders"]) sup.reminders = reminders(r);
        if (auto e = node["escalation"]) sup.escalation = escalation(e);
        return sup;
    }

    std::string path_;
    Config* config_ = nullptr;
    SourceLocation timezone_where_;
    std::vector<ConfigProblem> problems_;
};

}  // namespace

std::optional<TimeZone> load_time_zone(const std::string& name, std::string* error) {
    auto fail = [&](std::string why) -> std::optional<TimeZone> {
        if (error) *error = std::move(why);
        return std::nullopt;
    };
    if (name == "UTC" || name == "Etc/UTC") return TimeZone::utc();
    const bool safe = !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
    std::string bytes, read_error;
    if (!safe || !read_file(std::string(kZoneInfoDir) + "/" + name, bytes, read_error)) {
        return fail(
            fmt::format("unknown time zone '{}'; use an IANA name such as "
                        "Europe/Copenhagen",
                        name));
    }
    std::string why;
    auto zone = TimeZone::from_tzif(name, bytes, &why);
    if (!zone) return fail(fmt::format("time zone '{}': {}", name, why));
    return zone;
}

LoadedConfig load_config(const std::string& path) { return Loader(path).run(); }

std::shared_ptr<const Domain> make_domain(LoadedConfig loaded) {
    if (!loaded.ok() || !loaded.zone) {
        throw std::logic_error("make_domain: the configuration did not load");
    }
    return make_domain(std::move(loaded.config), std::move(*loaded.zone));
}

LoadedConfig load_config_text(const std::string& yaml, const std::string& path) {
    return Loader(path).run_text(yaml);
}

}  // namespace tilsyn
