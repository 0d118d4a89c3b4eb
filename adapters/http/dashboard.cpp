#include "adapters/http/dashboard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <span>
#include <tuple>

#include "adapters/http/http_types.hpp"
#include "adapters/http/labels.hpp"
#include "adapters/http/timeline_svg.hpp"
#include "engine/event_payload.hpp"
#include "engine/html.hpp"
#include "engine/messages.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http::ui {

namespace json = boost::json;

namespace {

// Rows of a form for development and supervision points.
constexpr int kPointRows = 3;

/// "24.11.2026 09:15" in the page's zone.
std::string local_time(const Page& page, Instant at) {
    const auto offset = page.zone ? page.zone->offset_at(at) : std::chrono::seconds{0};
    const std::string iso = format_local_iso(at, offset);  // YYYY-MM-DDTHH:MM:SS+HH:MM
    const auto date = parse_date(iso.substr(0, 10));
    return (date ? danish_date(*date) : iso.substr(0, 10)) + " " + iso.substr(11, 5);
}

/// What a workflow's conversations call their development points: the label of the points
/// field of the event that records them ("Udviklingspunkter", "Fokusområder").
std::string_view points_label(const workflows::WorkflowDescription& workflow) {
    for (const auto& event : workflow.events) {
        if (!event.records_points) continue;
        for (const auto& field : event.fields) {
            if (field.type == workflows::FieldType::development_points ||
                field.type == workflows::FieldType::focus_areas) {
                return field_label(field.name);
            }
        }
    }
    return field_label("development_points");
}

std::string step_label(std::string_view step) { return std::string(workflows::step_title(step)); }

/// Whether the user follows other people's work (the report, the workload, what is late at
/// others): administrators, the director and area chiefs.
bool follows_others(const Page& page) {
    const std::string& role = page.user ? page.user->role : std::string{};
    return role == "admin" || role == "director" || role == "area_chief";
}

std::string layout(const Page* page, std::string_view title, std::string_view body) {
    std::string header;
    if (page && page->user) {
        const std::string& role = page->user->role;
        header += R"(<nav><a href="/">Afventer dig</a><a href="/forloeb">Alle forløb</a>)";
        if (follows_others(*page)) {
            header += R"(<a href="/report">Politisk rapport</a>)";
            header += R"(<a href="/workload">Arbejdsbyrde</a>)";
        }
        if (role == "admin") header += R"(<a href="/diff">Ny konfiguration</a>)";
        if (!page->many_title.empty()) {
            header += fmt::format(R"(<a href="/many">{}</a>)", escape(page->many_title));
        }
        header += R"(<a href="/themes">Temaer</a><a href="/calendar">Kalender</a></nav>)";
        header += fmt::format(
            R"(<div class="who">{} · {}{}<form method="post" action="/logout" class="inline">)"
            R"(<input type="hidden" name="csrf" value="{}"><button class="link">Log ud</button>)"
            R"(</form></div>)",
            escape(page->user_name.empty() ? page->user->email : page->user_name),
            escape(page->role_title),
            page->area_name.empty() ? "" : " · " + escape(page->area_name), escape(page->csrf));
    }
    const std::string org = page ? page->organisation : std::string{};
    return fmt::format(
        R"(<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{} · Tilsyn</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header><a class="brand" href="/">Tilsyn</a><span class="org">{}</span>{}</header>
<main>
{}
</main>
</body>
</html>
)",
        escape(title), escape(org), header, body);
}

std::string option(std::string_view value, std::string_view label, std::string_view selected) {
    return fmt::format(R"(<option value="{}"{}>{}</option>)", escape(value),
                       value == selected ? " selected" : "", escape(label));
}

std::string badges(const CycleSummary& s) {
    std::string flags;
    if (s.sharpened)
        flags += R"(<span class="badge sharp">Skærpet ledelsesmæssig opmærksomhed</span> )";
    if (s.overdue) flags += R"(<span class="badge overdue">Overskredet</span>)";
    if (s.final) flags += R"(<span class="badge done">Afsluttet</span>)";
    return flags;
}

// The overview's columns; on a narrow screen each row is a card, its cells labelled by these.
constexpr std::string_view kColumns[] = {"Tilbud",       "Forløb",    "Tilstand",
                                         "Aktuelt trin", "Ansvarlig", "Næste frist"};

/// A person as people read them: the name, or the address when the configuration has none.
std::string person_label(const Person& person) {
    return person.name.empty() ? person.email : person.name;
}

/// Who acts on the current step, by name ("–" when nobody: a final cycle).
std::string responsible_label(const CycleSummary& s) {
    std::vector<std::string> names;
    for (const auto& person : s.responsible) names.push_back(person_label(person));
    return names.empty() ? "–" : danish_list(names, "og");
}

std::string summary_row(const CycleSummary& s) {
    const auto& c = s.row.cycle;
    const std::string flags = badges(s);
    return fmt::format(
        R"(<tr class="{}"><td class="name"><a href="/cycles/{}">{}</a></td>)"
        R"(<td data-label="{}">{}</td><td data-label="{}">{}</td><td data-label="{}">{}</td>)"
        R"(<td data-label="{}">{}</td><td class="date" data-label="{}">{}</td><td{}>{}</td></tr>)"
        "\n",
        s.overdue ? "overdue" : "", escape(cycle_path(c.id)), escape(s.row.institution_name),
        kColumns[1], escape(workflow_label(c.workflow)), kColumns[2], escape(state_label(c.state)),
        kColumns[3], s.current_step.empty() ? "–" : escape(step_label(s.current_step)), kColumns[4],
        escape(responsible_label(s)), kColumns[5],
        s.row.next_due ? danish_date(*s.row.next_due) : "–",
        flags.empty() ? R"( class="empty")" : "", flags);
}

std::string table(const std::vector<const CycleSummary*>& rows) {
    std::string out = R"(<table class="cycles"><thead><tr>)";
    for (std::string_view column : kColumns) out += fmt::format("<th>{}</th>", column);
    out += "<th></th></tr></thead><tbody>\n";
    for (const auto* row : rows) out += summary_row(*row);
    out += "</tbody></table>\n";
    return out;
}

/// The step a workflow's observer does (StepDescription::observer_acts), or nullptr.
const workflows::StepDescription* observer_step(std::string_view workflow) {
    const auto* described = workflows::find_workflow(workflow);
    if (!described) return nullptr;
    for (const auto& step : described->steps) {
        if (step.observer_acts) return &step;
    }
    return nullptr;
}

/// "Læringsmiljøobservation hos Børnehaven Skovbrynet": an observer's task, by the step's title.
std::string observation_title(const CycleSummary& s) {
    const auto* step = observer_step(s.row.cycle.workflow);
    return fmt::format("{} hos {}", step ? step->title : workflow_label(s.row.cycle.workflow),
                       s.row.institution_name);
}

/// A leader's tasks at other tilbud: the observations its tilbud gives (CycleSummary::observing).
constexpr std::string_view kObserverTask =
    "Du er udpeget til at observere læringsmiljøet hos et andet tilbud og give tilbuddet "
    "skriftlig feedback, som indgår i dets læringssamtale.";

std::string observing_section(const std::vector<const CycleSummary*>& rows) {
    std::string out =
        fmt::format(R"(<section class="observing"><h2>{}</h2><p>{}</p><ul class="tasks">)",
                    rows.size() == 1 ? "Din observation" : "Dine observationer", kObserverTask);
    for (const auto* s : rows) {
        out += fmt::format(
            R"(<li class="{}"><a href="/cycles/{}">{}</a> <span class="due">Frist {}</span> {}</li>)",
            s->overdue ? "overdue" : "", escape(cycle_path(s->row.cycle.id)),
            escape(observation_title(*s)), s->row.next_due ? danish_date(*s->row.next_due) : "–",
            badges(*s));
    }
    out += "</ul></section>";
    return out;
}

std::string_view proxy_field(std::string_view event) {
    const auto* described = workflows::find_event(event);
    return described ? described->proxy_field : std::string_view{};
}

/// Whether the page's user sends `event` only on another's behalf (a leader for the board).
bool is_proxy(const Page& page, std::string_view event) {
    const auto* described = workflows::find_event(event);
    const auto role = page.user ? parse_role(page.user->role) : std::nullopt;
    return described && role &&
           std::find(described->proxies.begin(), described->proxies.end(), *role) !=
               described->proxies.end();
}

/// A refused form's notice, what the form held, and which input is at fault; empty for a
/// fresh form.
struct Refill {
    const Notice* notice = nullptr;

    std::string value(std::string_view name) const {
        return notice ? first_value(notice->values, name) : std::string{};
    }
    /// ` aria-invalid="true"` for the input the refusal names: "reason", or "dp_goal_0" for
    /// "development_points[0].goal".
    std::string invalid(std::string_view input) const {
        if (!notice || notice->field.empty()) return {};
        std::string wanted = notice->field;
        const auto open = wanted.find('['), close = wanted.find("].");
        if (open != std::string::npos && close != std::string::npos && close > open) {
            const std::string list = wanted.substr(0, open);
            const std::string prefix = list == "supervision_points" ? "sp"
                                       : list == "focus_areas"      ? "fa"
                                                                    : "dp";
            wanted = fmt::format("{}_{}_{}", prefix, wanted.substr(close + 2),
                                 wanted.substr(open + 1, close - open - 1));
        }
        return wanted == input ? R"( aria-invalid="true")" : "";
    }
};

std::string input_for(std::string_view name, std::string_view type, bool required,
                      const Refill& refill) {
    const std::string label = std::string(field_label(name));
    const std::string mark = required ? R"( <span class="req">*</span>)" : "";
    const std::string value = refill.value(name);
    const std::string invalid = refill.invalid(name);
    if (type == "date") {
        return fmt::format(R"(<label>{}{}<input type="date" name="{}" value="{}"{}{}></label>)",
                           escape(label), mark, escape(name), escape(value),
                           required ? " required" : "", invalid);
    }
    if (type == "time") {
        return fmt::format(R"(<label>{}{}<input type="time" name="{}" value="{}"{}{}></label>)",
                           escape(label), mark, escape(name), escape(value),
                           required ? " required" : "", invalid);
    }
    if (type == "flag") {
        return fmt::format(
            R"(<label class="check"><input type="checkbox" name="{}" value="ja"{}{}> {}</label>)",
            escape(name), value.empty() ? "" : " checked", invalid, escape(label));
    }
    if (type == "url") {
        return fmt::format(
            R"(<label>{}{}<input type="url" name="{}" value="{}" placeholder="https://…"{}{}>)"
            R"(</label>)",
            escape(label), mark, escape(name), escape(value), required ? " required" : "", invalid);
    }
    return fmt::format(R"(<label>{}{}<textarea name="{}" rows="3"{}{}>{}</textarea></label>)",
                       escape(label), mark, escape(name), required ? " required" : "", invalid,
                       escape(value));
}

/// ` aria-label="…"`: the accessible name of an input with no label of its own (a row of a
/// points table), or nothing.
std::string aria_label(std::string_view name) {
    return name.empty() ? std::string{} : fmt::format(R"( aria-label="{}")", escape(name));
}

std::string select(const std::string& name, std::span<const Label> choices, const Refill& refill,
                   std::string_view label = {}) {
    std::string out = fmt::format(R"(<select name="{}"{}{}>)", escape(name), refill.invalid(name),
                                  aria_label(label));
    for (const auto& [value, label] : choices) out += option(value, label, refill.value(name));
    out += "</select>";
    return out;
}

/// A select of `choices` with a first, empty choice `none` (nothing chosen).
std::string select_or_none(const std::string& name, const std::vector<InstitutionChoice>& choices,
                           std::string_view none, const Refill& refill,
                           std::string_view label = {}) {
    std::string out = fmt::format(R"(<select name="{}"{}{}>)", escape(name), refill.invalid(name),
                                  aria_label(label));
    out += option("", none, refill.value(name));
    for (const auto& choice : choices) out += option(choice.id, choice.name, refill.value(name));
    return out + "</select>";
}

/// Rows for points: "dp" development points, "fa" focus areas, "sp" supervision points; with
/// the period's themes to choose from, when it has any (a focus area must name one).
std::string points_inputs(std::string_view prefix, const Refill& refill,
                          const std::vector<InstitutionChoice>& themes) {
    const bool supervision = prefix == "sp";
    std::string out = fmt::format(R"(<fieldset><legend>{}</legend>)",
                                  supervision      ? "Tilsynspunkter (åbner en tilsynssag hver)"
                                  : prefix == "fa" ? "Fokusområder"
                                                   : "Udviklingspunkter");
    for (int i = 0; i < kPointRows; ++i) {
        const std::string title = fmt::format("{}_title_{}", prefix, i);
        // Each row's inputs named by what they hold and the row's number, for screen readers.
        auto named = [&](std::string_view what) { return fmt::format("{} {}", what, i + 1); };
        out += fmt::format(
            R"(<div class="point"><input name="{}" value="{}" placeholder="Titel"{}{}>)", title,
            escape(refill.value(title)), refill.invalid(title), aria_label(named("Titel")));
        if (supervision) {
            out += select(fmt::format("sp_reason_{}", i), reason_labels(), refill,
                          named("Begrundelse"));
        }
        out +=
            select(fmt::format("{}_goal_{}", prefix, i), goal_labels(), refill, named("Effektmål"));
        if (!themes.empty()) {
            out +=
                select_or_none(fmt::format("{}_theme_{}", prefix, i), themes,
                               prefix == "fa" ? "Vælg tema" : "Intet tema", refill, named("Tema"));
        }
        out += "</div>";
    }
    out += "</fieldset>";
    return out;
}

/// The tilbud's earlier points not assessed yet, each with how it went and a sentence
/// (leaving the result empty assesses it another time).
std::string assessments_inputs(const CycleDetail& detail, const Refill& refill) {
    std::vector<const EarlierPoint*> open;
    for (const auto& point : detail.continuity.points) {
        if (!point.assessment) open.push_back(&point);
    }
    if (open.empty()) return {};
    std::string out = fmt::format(R"(<fieldset class="assess"><legend>{}</legend>)",
                                  escape(field_label("assessments")));
    for (std::size_t i = 0; i < open.size(); ++i) {
        const EarlierPoint& point = *open[i];
        const std::string result = fmt::format("as_result_{}", i);
        const std::string note = fmt::format("as_note_{}", i);
        out += fmt::format(
            R"(<div class="point"><input type="hidden" name="as_point_{}" value="{}">)"
            R"(<span class="what">{} <span class="muted">({}, {})</span></span>)"
            R"(<label class="inline">Vurdering{}</label><label class="inline">Begrundelse)"
            R"(<input name="{}" value="{}"{}></label></div>)",
            i, escape(point.key), escape(point.title),
            escape(point_label(point.list, point.number)), escape(goal_label(point.goal)),
            select_or_none(
                result,
                [] {
                    std::vector<InstitutionChoice> choices;
                    for (const auto& [id, label] : result_labels()) {
                        choices.push_back({std::string(id), std::string(label)});
                    }
                    return choices;
                }(),
                "Ikke vurderet nu", refill),
            note, escape(refill.value(note)), refill.invalid(note));
    }
    return out + "</fieldset>";
}

/// An action for each point of the conversation a plan answers.
std::string actions_inputs(const CycleDetail& detail, const Refill& refill) {
    std::string out = fmt::format(R"(<fieldset class="plan-actions"><legend>{} )"
                                  R"(<span class="req">*</span></legend>)",
                                  escape(field_label("actions")));
    if (detail.plan_points.empty()) out += R"(<p class="muted">Samtalen gav ingen punkter.</p>)";
    for (const auto& point : detail.plan_points) {
        const std::string name = fmt::format("ac_{}_{}", point.list, point.number);
        std::string label = point_label(point.list, point.number);
        label[0] = static_cast<char>(label[0] - 'a' + 'A');
        out += fmt::format(
            R"(<label>{}: {} <span class="muted">({})</span><textarea name="{}" rows="2" )"
            R"(required{}>{}</textarea></label>)",
            escape(label), escape(point.title), escape(goal_label(point.goal)), name,
            refill.invalid("actions"), escape(refill.value(name)));
    }
    return out + "</fieldset>";
}

/// The notice on a cycle's page; a refusal names the payload field at fault, if any.
std::string notice_html(const Notice& notice) {
    if (notice.text.empty()) return {};
    const std::string field =
        notice.field.empty() ? "" : fmt::format(R"( data-field="{}")", escape(notice.field));
    return fmt::format(R"(<p class="{}" role="alert"{}>{}</p>)", notice.error ? "error" : "ok",
                       field, escape(notice.text));
}

/// A field naming a tilbud: the observer sends its own (a hidden input: the page is its
/// tilbud's task); whoever names one chooses it by name among the detail's choices.
std::string institution_input(const Page& page, const CycleDetail& detail, std::string_view event,
                              const PayloadFieldInfo& field, const Refill& refill) {
    const auto* described = workflows::find_event(event);
    if (described && described->from_observer) {
        return fmt::format(R"(<input type="hidden" name="{}" value="{}">)", escape(field.name),
                           escape(page.user ? page.user->institution_id : std::string{}));
    }
    const std::string chosen =
        refill.notice ? refill.value(field.name) : std::string(detail.observer.id);
    std::string out =
        fmt::format(R"(<label>{}{}<select name="{}"{}{}>)", escape(field_label(field.name)),
                    field.required ? R"( <span class="req">*</span>)" : "", escape(field.name),
                    field.required ? " required" : "", refill.invalid(field.name));
    if (chosen.empty()) out += option("", "Vælg et tilbud", chosen);
    for (const auto& choice : detail.observer_choices)
        out += option(choice.id, choice.name, chosen);
    out += "</select></label>";
    return out;
}

/// An event's form; when `notice` refused this event, with its message under the heading and
/// the fields as they were sent.
std::string event_form(const Page& page, const CycleDetail& detail, std::string_view event,
                       const Notice* notice) {
    const Refill refill{notice};
    std::string fields;
    for (const auto& field : event_fields(event)) {
        if (field.type == "institution") {
            fields += institution_input(page, detail, event, field, refill);
        } else if (field.type == "development_points") {
            fields += points_inputs("dp", refill, detail.theme_choices);
        } else if (field.type == "focus_areas") {
            fields += points_inputs("fa", refill, detail.theme_choices);
        } else if (field.type == "supervision_points") {
            fields += points_inputs("sp", refill, detail.theme_choices);
        } else if (field.type == "assessments") {
            fields += assessments_inputs(detail, refill);
        } else if (field.type == "actions") {
            fields += actions_inputs(detail, refill);
        } else if (field.type == "goal") {
            std::vector<InstitutionChoice> goals;
            for (const auto& [id, label] : goal_labels()) {
                goals.push_back({std::string(id), std::string(label)});
            }
            fields +=
                fmt::format("<label>{}{}</label>", escape(field_label(field.name)),
                            select_or_none(std::string(field.name), goals, "Intet valgt", refill));
        } else if (field.type == "theme") {
            if (detail.theme_choices.empty()) continue;
            fields += fmt::format("<label>{}{}</label>", escape(field_label(field.name)),
                                  select_or_none(std::string(field.name), detail.theme_choices,
                                                 "Intet tema", refill));
        } else if (field.name == proxy_field(event) && !is_proxy(page, event)) {
            continue;  // only those who send it on another's behalf say so
        } else {
            fields += input_for(field.name, field.type, field.required, refill);
        }
    }
    if (notice) fields = notice_html(*notice) + fields;
    const auto* described = workflows::find_event(event);
    const bool danger = described && described->destructive;
    const bool documents = described && described->carries_documents;
    if (documents) {
        // The browser offers the allowed types; the server decides by content whatever the
        // name says.
        const DocumentSettings& settings = detail.document_settings;
        std::string accept;
        for (const auto& id : settings.types) {
            if (const auto* type = find_document_type(id)) {
                accept += fmt::format("{}.{},{}", accept.empty() ? "" : ",", type->id, type->mime);
            }
        }
        fields +=
            fmt::format(R"(<label>Dokumenter <span class="muted">({}; du kan vælge flere)</span>)"
                        R"(<input type="file" name="dokument" multiple accept="{}"></label>)",
                        escape(type_titles(settings)), escape(accept));
        for (const auto& [pinned, by] : detail.published_by) {
            if (pinned != event) continue;
            fields += fmt::format(
                R"(<p class="muted published-note">Dokumenterne offentliggøres på kommunens )"
                R"(hjemmeside efter »{}«.</p>)",
                escape(event_label(by)));
        }
    }
    return fmt::format(
        R"(<form method="post" action="/event" class="action" data-event="{0}"{6}>)"
        R"(<h3>{1}</h3><input type="hidden" name="csrf" value="{2}">)"
        R"(<input type="hidden" name="cycle" value="{3}"><input type="hidden" name="event" )"
        R"(value="{0}">{4}<button type="submit" class="{5}">{1}</button></form>)"
        "\n",
        escape(event), escape(action_label(event)), escape(page.csrf),
        escape(detail.summary.row.cycle.id), fields, danger ? "danger" : "primary",
        documents ? R"( enctype="multipart/form-data")" : "");
}

/// The points of a JSON array as a list; `none` when there are none.
std::string points_list(const std::string& points_json, bool supervision,
                        std::string_view none = "Ingen.") {
    boost::system::error_code ec;
    auto value = json::parse(points_json, ec);
    if (ec || !value.is_array() || value.as_array().empty()) {
        return fmt::format(R"(<p class="muted">{}</p>)", none);
    }
    std::string out = "<ul>";
    for (const auto& item : value.as_array()) {
        if (!item.is_object()) continue;
        const auto& o = item.as_object();
        auto text = [&](std::string_view key) -> std::string {
            const auto* v = o.if_contains(key);
            return v && v->is_string() ? std::string(v->as_string()) : std::string{};
        };
        out +=
            fmt::format("<li>{} <span class=\"muted\">({}{})</span></li>", escape(text("title")),
                        escape(goal_label(text("goal"))),
                        supervision ? ", " + escape(reason_label(text("reason"))) : std::string{});
    }
    out += "</ul>";
    return out;
}

/// A tilbud's name in the configuration; its id for one no longer configured.
std::string institution_name(const Config& config, std::string_view id) {
    for (const auto& inst : config.institutions) {
        if (inst.id == id) return inst.name;
    }
    return std::string(id);
}

/// The type of an event's payload field ("url", "text", …), or "" for one it does not have.
std::string_view field_type(std::string_view event, std::string_view name) {
    for (const auto& field : event_fields(event)) {
        if (field.name == name) return field.type;
    }
    return {};
}

/// Whether `event`'s payload field `name` names a tilbud (FieldType::institution).
bool names_institution(std::string_view event, std::string_view name) {
    return field_type(event, name) == "institution";
}

/// An event's payload as people read it: each field by its title, a tilbud by its name.
std::string payload_text(const Config& config, std::string_view event, const std::string& payload,
                         const std::vector<ThemeRecord>& themes) {
    boost::system::error_code ec;
    auto value = json::parse(payload, ec);
    if (ec || !value.is_object()) return escape(payload);
    std::string out;
    for (const auto& [key, member] : value.as_object()) {
        std::string text;
        if (member.is_string()) {
            text = std::string(member.as_string());
            if (auto date = parse_date(text); date && text.size() == 10) text = danish_date(*date);
            if (names_institution(event, key)) text = institution_name(config, text);
            if (key == "goal" || key == "signals_goal") text = goal_label(text);
            if (key == "theme" || key == "signals_theme") {
                if (const ThemeRecord* theme = find_theme(themes, text)) text = theme->title;
            }
            if (key == "reason") text = reason_label(text);
        } else if (member.is_array()) {
            std::vector<std::string> titles;
            for (const auto& item : member.as_array()) {
                if (!item.is_object()) continue;
                const auto& o = item.as_object();
                auto get = [&](std::string_view k) {
                    const auto* v = o.if_contains(k);
                    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
                };
                if (o.contains("action")) {  // a plan's action for "development:1"
                    const std::string point = get("point");
                    const auto colon = point.find(':');
                    const int number =
                        colon == std::string::npos ? 0 : std::atoi(point.c_str() + colon + 1);
                    titles.push_back(fmt::format(
                        "{}: {}", point_label(point.substr(0, colon), number), get("action")));
                } else if (o.contains("result")) {  // an earlier point assessed
                    const std::string note = get("note");
                    titles.push_back(fmt::format("{}{}", result_title(get("result")),
                                                 note.empty() ? "" : ": " + note));
                } else {
                    titles.push_back(get("title"));
                }
            }
            text = fmt::format("{}", fmt::join(titles, "; "));
        } else if (member.is_bool()) {
            text = member.as_bool() ? "ja" : "nej";
        } else {
            text = json::serialize(member);
        }
        if (text.empty()) continue;
        // A link submitted is a link (http and https only; opened apart from the dashboard),
        // and a text keeps its line breaks (CSS white-space: pre-line).
        std::string shown = escape(text);
        const bool web = text.starts_with("https://") || text.starts_with("http://");
        if (member.is_string() && web && field_type(event, key) == "url") {
            shown = fmt::format(
                R"(<a href="{0}" rel="noopener noreferrer" target="_blank">{0}</a>)", escape(text));
        }
        out += fmt::format(R"(<div class="field"><span class="muted">{}:</span> {}</div>)",
                           escape(field_label(key)), shown);
    }
    return out;
}

}  // namespace

std::string escape(std::string_view text) { return html_escape(text); }

std::string cycle_path(std::string_view id) {
    std::string out;
    std::size_t start = 0;
    while (true) {
        const auto slash = id.find('/', start);
        out += percent_encode(id.substr(start, slash - start));
        if (slash == std::string_view::npos) break;
        out += '/';
        start = slash + 1;
    }
    return out;
}

std::string login_page(std::string_view organisation, std::string_view error, bool oidc) {
    Page page;
    page.organisation = std::string(organisation);
    const std::string message =
        error.empty() ? "" : fmt::format(R"(<p class="error" role="alert">{}</p>)", escape(error));
    const std::string account =
        oidc ? R"(<p><a class="button primary" href="/login/oidc">Log ind med din kommunale )"
               R"(konto</a></p><p class="muted">Eller med en personlig adgangskode:</p>)"
             : "";
    return layout(&page, "Log ind",
                  fmt::format(R"(<section class="login"><h1>Log ind</h1>{}{})"
                              R"(<form method="post" action="/login">)"
                              R"(<label>Din adgangskode<input type="password" name="token" )"
                              R"(autocomplete="current-password" required autofocus></label>)"
                              R"(<button type="submit" class="primary">Log ind</button></form>)"
                              R"(<p class="muted">Din personlige adgangskode får du af en )"
                              R"(administrator i forvaltningen.</p></section>)",
                              message, account));
}

std::string sign_in_refused_page(std::string_view organisation, std::string_view message) {
    Page page;
    page.organisation = std::string(organisation);
    return layout(&page, "Log ind",
                  fmt::format(R"(<section class="login"><h1>Log ind</h1>)"
                              R"(<p class="error" role="alert">{}</p>)"
                              R"(<p><a href="/login">Til log ind</a></p></section>)",
                              escape(message)));
}

std::string signed_in_page(std::string_view organisation) {
    Page page;
    page.organisation = std::string(organisation);
    return "<!DOCTYPE html>\n<html lang=\"da\"><head><meta charset=\"utf-8\">"
           "<meta http-equiv=\"refresh\" content=\"0;url=/\">" +
           fmt::format("<title>Logget ind – {}</title>", escape(organisation)) +
           "</head><body><p>Du er logget ind. <a href=\"/\">Fortsæt til oversigten</a>.</p>"
           "</body></html>\n";
}

std::string overview_query(const OverviewFilter& filter, int page_number) {
    std::string query;
    auto add = [&](std::string_view name, std::string_view value) {
        if (value.empty()) return;
        query += fmt::format("{}{}={}", query.empty() ? "?" : "&", name, percent_encode(value));
    };
    add("q", filter.q);
    add("area", filter.area);
    add("kind", filter.kind);
    add("state", filter.state);
    add("step", filter.step);
    add("sort", filter.sort);
    add("overdue", filter.overdue ? "1" : "");
    add("all", filter.all ? "1" : "");
    add("side", page_number > 1 ? std::to_string(page_number) : "");
    return "/forloeb" + query;
}

std::string overview_page(const Page& page, const Config& config,
                          std::vector<const CycleSummary*> rows, const OverviewFilter& filter,
                          const std::vector<std::string>& states,
                          const std::vector<std::string>& steps) {
    const std::string role = page.user ? page.user->role : "";
    const bool choose_area = role == "admin" || role == "director";
    std::string form =
        fmt::format(R"(<form method="get" action="/forloeb" class="filters"><label>Søg tilbud)"
                    R"(<input type="search" name="q" value="{}" placeholder="Navn"></label>)",
                    escape(filter.q));
    if (choose_area) {
        form += R"(<label>Område<select name="area">)" + option("", "Alle", filter.area);
        for (const auto& area : config.areas) form += option(area.id, area.name, filter.area);
        form += "</select></label>";
    }
    form += R"(<label>Type<select name="kind">)" + option("", "Alle", filter.kind);
    for (const auto& [value, label] : kind_labels()) form += option(value, label, filter.kind);
    form += R"(</select></label><label>Tilstand<select name="state">)" +
            option("", "Alle aktive", filter.state);
    for (const auto& state : states) form += option(state, state_label(state), filter.state);
    form += "</select></label>";
    if (!steps.empty()) {
        form += R"(<label>Aktuelt trin<select name="step">)" + option("", "Alle", filter.step);
        for (const auto& step : steps) form += option(step, step_label(step), filter.step);
        form += "</select></label>";
    }
    form += R"(<label>Sortér efter<select name="sort">)" + option("", "Næste frist", filter.sort) +
            option("navn", "Navn", filter.sort) +
            option("overskredet", "Flest dage over fristen", filter.sort) + "</select></label>";
    form += fmt::format(
        R"(<label class="check"><input type="checkbox" name="overdue" )"
        R"(value="1"{}> Kun overskredne</label><label class="check"><input type="checkbox" )"
        R"(name="all" value="1"{}> Vis afsluttede</label><button type="submit">Filtrér</button>)"
        R"(</form>)",
        filter.overdue ? " checked" : "", filter.all ? " checked" : "");

    std::vector<const CycleSummary*> observing;  // other tilbud's, where this leader observes
    std::vector<const CycleSummary*> sharpened;
    std::vector<const CycleSummary*> own;
    std::size_t overdue = 0;
    for (const auto* row : rows) {
        if (row->observing) {
            observing.push_back(row);
            continue;
        }
        own.push_back(row);
        if (row->overdue) ++overdue;
        if (row->sharpened) sharpened.push_back(row);
    }
    // The order chosen (the default is list_cycles': sharpened, overdue, by next deadline),
    // then one page of it, by area.
    if (filter.sort == "navn") {
        std::stable_sort(own.begin(), own.end(), [](const auto* a, const auto* b) {
            return search_folded(a->row.institution_name) < search_folded(b->row.institution_name);
        });
    } else if (filter.sort == "overskredet") {
        std::stable_sort(own.begin(), own.end(), [](const auto* a, const auto* b) {
            return std::make_tuple(!a->overdue, a->row.next_due.value_or(Date::max())) <
                   std::make_tuple(!b->overdue, b->row.next_due.value_or(Date::max()));
        });
    }
    const int pages = std::max<int>(1, static_cast<int>((own.size() + kPageRows - 1) / kPageRows));
    const int shown_page = std::clamp(filter.page, 1, pages);
    const std::size_t first = static_cast<std::size_t>(shown_page - 1) * kPageRows;
    const std::size_t last = std::min(own.size(), first + kPageRows);
    std::map<std::string, std::vector<const CycleSummary*>> by_area;
    for (std::size_t i = first; i < last; ++i) by_area[own[i]->row.area_id].push_back(own[i]);

    std::string body = fmt::format(
        R"(<h1>Alle forløb</h1><p class="counts"><strong>{}</strong> forløb · )"
        R"(<strong class="red">{}</strong> {} · <strong>{}</strong> under skærpet )"
        R"(ledelsesmæssig opmærksomhed</p>)",
        own.size(), overdue, overdue == 1 ? "overskredet" : "overskredne", sharpened.size());
    if (!observing.empty()) body += observing_section(observing);
    body += form;
    if (!sharpened.empty() && shown_page == 1) {
        if (sharpened.size() > kPageRows) sharpened.resize(kPageRows);
        body +=
            R"(<section class="sharpened"><h2>Skærpet ledelsesmæssig opmærksomhed (tilsynspunkt)</h2>)" +
            table(sharpened) + "</section>";
    }
    for (const auto& area : config.areas) {
        auto it = by_area.find(area.id);
        if (it == by_area.end()) continue;
        body += fmt::format(R"(<section class="area" data-area="{}"><h2>{}</h2>)", escape(area.id),
                            escape(area.name)) +
                table(it->second) + "</section>";
    }
    if (own.empty()) body += R"(<p class="muted">Ingen forløb matcher filtret.</p>)";
    if (pages > 1) {
        body += fmt::format(R"(<nav class="pages" aria-label="Sider"><span>Forløb {}–{} af {} · )"
                            R"(side {} af {}</span>)",
                            first + 1, last, own.size(), shown_page, pages);
        if (shown_page > 1) {
            body += fmt::format(R"(<a href="{}" rel="prev">← Forrige side</a>)",
                                escape(overview_query(filter, shown_page - 1)));
        }
        if (shown_page < pages) {
            body += fmt::format(R"(<a href="{}" rel="next">Næste side →</a>)",
                                escape(overview_query(filter, shown_page + 1)));
        }
        body += "</nav>";
    }
    return layout(&page, "Alle forløb", body);
}

namespace {

// At most this many tilbud of a late step on "Afventer dig"; the rest in "Alle forløb".
constexpr std::size_t kLateRows = 10;

/// "om 3 dage", "i dag", "2 dage over fristen": a due date against today.
std::string due_in_words(Date due, Date today) {
    const auto days = (due - today).count();
    if (days == 0) return "i dag";
    if (days == 1) return "i morgen";
    if (days > 0) return fmt::format("om {} dage", days);
    return days == -1 ? "1 dag over fristen" : fmt::format("{} dage over fristen", -days);
}

/// The step a task is about, as people read it: an observation names the tilbud observed; an
/// observer's step waits for someone else only while no observer is named, so naming one is
/// the task ("Læringsmiljøobservation – udpeg observatør").
std::string task_title(const CycleSummary& s) {
    if (s.observing) return observation_title(s);
    std::string title = step_label(s.current_step);
    const auto* step = workflows::find_step(s.current_step);
    const auto* workflow = workflows::find_workflow(s.row.cycle.workflow);
    if (!step || !step->observer_acts || !workflow) return title;
    for (const auto& event : workflow->events) {
        if (!event.assigns_observer || event.action.empty()) continue;
        std::string action(event.action);
        if (action[0] >= 'A' && action[0] <= 'Z')
            action[0] = static_cast<char>(action[0] - 'A' + 'a');
        title += " – " + action;
    }
    return title;
}

/// What waits for the user, by due date (none first: they have no deadline), each with the
/// step's forms one click away (the cycle page's #handling).
std::string own_tasks(const std::vector<const CycleSummary*>& rows, Date today) {
    std::string out = R"(<table class="cycles tasks"><thead><tr><th>Tilbud</th><th>Trin</th>)"
                      R"(<th>Frist</th><th></th></tr></thead><tbody>)";
    for (const auto* s : rows) {
        const std::string path = cycle_path(s->row.cycle.id);
        out += fmt::format(
            R"(<tr class="{}"><td class="name"><a href="/cycles/{}">{}</a></td>)"
            R"(<td data-label="Trin">{}</td><td class="date" data-label="Frist">{}</td>)"
            R"(<td><a class="button primary" href="/cycles/{}#handling">Gå til trinnet)"
            R"(<span class="visually-hidden"> for {}</span></a></td></tr>)"
            "\n",
            s->overdue ? "overdue" : "", escape(path), escape(s->row.institution_name),
            escape(task_title(*s)),
            s->row.next_due ? fmt::format("{} ({})", danish_date(*s->row.next_due),
                                          due_in_words(*s->row.next_due, today))
                            : "–",
            escape(path), escape(s->row.institution_name));
    }
    return out + "</tbody></table>\n";
}

/// What is late at others (chiefs, the director, administrators): per area in configuration
/// order, the number of tilbud and of tilbud with a step past its deadline on top, then each
/// late step with its tilbud, who is responsible and how many days over the deadline.
std::string late_at_others(const Config& config, const std::vector<const CycleSummary*>& rows,
                           Date today) {
    struct AreaCount {
        std::set<std::string> tilbud, late, sharpened;
    };
    std::map<std::string, AreaCount> counts;
    std::map<std::string, std::map<std::string, std::vector<const CycleSummary*>>> late;
    for (const auto* row : rows) {
        if (row->observing) continue;
        auto& count = counts[row->row.area_id];
        count.tilbud.insert(row->row.cycle.institution_id);
        if (row->sharpened) count.sharpened.insert(row->row.cycle.institution_id);
        if (!row->overdue) continue;
        count.late.insert(row->row.cycle.institution_id);
        if (!row->awaits_actor) late[row->row.area_id][row->current_step].push_back(row);
    }
    if (counts.empty()) return {};
    std::string out =
        R"(<section class="late"><h2>Overskredne frister hos andre</h2>)"
        R"(<table class="counts-by-area"><thead><tr><th>Område</th><th>Tilbud</th>)"
        R"(<th>Med overskreden frist</th><th>Under skærpet ledelsesmæssig opmærksomhed</th>)"
        R"(</tr></thead><tbody>)";
    for (const auto& area : config.areas) {
        auto it = counts.find(area.id);
        if (it == counts.end()) continue;
        out += fmt::format(
            R"(<tr><td><a href="#omraade-{}">{}</a></td><td>{}</td><td{}>{}</td><td>{}</td></tr>)",
            escape(area.id), escape(area.name), it->second.tilbud.size(),
            it->second.late.empty() ? "" : R"( class="red")", it->second.late.size(),
            it->second.sharpened.size());
    }
    out += "</tbody></table>";
    // Each area folds (open when it is the only one: an area chief's), its heading counting
    // the tilbud with a step late at others.
    for (const auto& area : config.areas) {
        auto it = late.find(area.id);
        if (it == late.end()) continue;
        std::set<std::string> tilbud;
        for (const auto& [step, list] : it->second) {
            for (const auto* s : list) tilbud.insert(s->row.cycle.institution_id);
        }
        out +=
            fmt::format(R"(<details class="area" id="omraade-{}" data-area="{}"{}><summary><h3>{} )"
                        R"(<span class="muted">({} tilbud)</span></h3></summary>)",
                        escape(area.id), escape(area.id), counts.size() == 1 ? " open" : "",
                        escape(area.name), tilbud.size());
        for (auto& [step, list] : it->second) {
            std::stable_sort(list.begin(), list.end(), [](const auto* a, const auto* b) {
                return a->row.next_due < b->row.next_due;  // the longest overdue first
            });
            out += fmt::format(R"(<h4>{} <span class="muted">({})</span></h4>)"
                               R"(<table class="cycles late-steps"><thead><tr><th>Tilbud</th>)"
                               R"(<th>Ansvarlig</th><th>Frist</th></tr></thead><tbody>)",
                               escape(step_label(step)), list.size());
            for (std::size_t i = 0; i < list.size() && i < kLateRows; ++i) {
                const CycleSummary* s = list[i];
                out += fmt::format(
                    R"(<tr class="overdue"><td class="name"><a href="/cycles/{}">{}</a>{}</td>)"
                    R"(<td data-label="Ansvarlig">{}</td>)"
                    R"(<td class="date" data-label="Frist">{} ({})</td></tr>)",
                    escape(cycle_path(s->row.cycle.id)), escape(s->row.institution_name),
                    s->sharpened ? R"( <span class="badge sharp">Skærpet ledelsesmæssig )"
                                   R"(opmærksomhed</span>)"
                                 : "",
                    escape(responsible_label(*s)), danish_date(*s->row.next_due),
                    due_in_words(*s->row.next_due, today));
            }
            out += "</tbody></table>";
            if (list.size() > kLateRows) {  // the rest in "Alle forløb", longest overdue first
                OverviewFilter rest;
                rest.area = area.id;
                rest.step = step;
                rest.sort = "overskredet";
                rest.overdue = true;
                out += fmt::format(
                    R"(<p><a href="{}">Se alle {} forløb, hvor fristen for »{}« er overskredet</a></p>)",
                    escape(overview_query(rest, 1)), list.size(), escape(step_label(step)));
            }
        }
        out += "</details>";
    }
    return out + "</section>";
}

}  // namespace

std::string waiting_page(const Page& page, const Config& config,
                         const std::vector<const CycleSummary*>& rows, Date today) {
    std::vector<const CycleSummary*> mine;
    for (const auto* row : rows) {
        if (row->awaits_actor) mine.push_back(row);
    }
    std::stable_sort(mine.begin(), mine.end(), [](const auto* a, const auto* b) {
        return std::make_tuple(!a->row.next_due.has_value(), a->row.next_due.value_or(Date{})) <
               std::make_tuple(!b->row.next_due.has_value(), b->row.next_due.value_or(Date{}));
    });
    const auto overdue =
        std::count_if(mine.begin(), mine.end(), [](auto* s) { return s->overdue; });
    std::string body = R"(<h1>Afventer dig</h1>)";
    if (mine.empty()) {
        body += R"(<p class="ok" role="status">Intet afventer dig lige nu.</p>)";
    } else {
        body += fmt::format(
            R"(<p class="counts"><strong>{}</strong> trin afventer dig{}.</p>)", mine.size(),
            overdue == 0 ? std::string{}
                         : fmt::format(R"(, heraf <strong class="red">{}</strong> {})", overdue,
                                       overdue == 1 ? "overskredet" : "overskredne"));
        body += own_tasks(mine, today);
        if (std::any_of(mine.begin(), mine.end(), [](auto* s) { return s->observing; })) {
            body += fmt::format(R"(<p class="muted">{}</p>)", kObserverTask);
        }
    }
    if (follows_others(page)) body += late_at_others(config, rows, today);
    body += R"(<p><a href="/forloeb">Se alle forløb</a></p>)";
    return layout(&page, "Afventer dig", body);
}

std::string actor_label(const Config& config, std::string_view actor) {
    if (actor == kSystemActor) return "Tilsyn (automatisk)";
    auto named = [&](const Person& person) {
        return !person.name.empty() && person.email == actor;
    };
    const auto& org = config.organisation;
    if (named(org.director)) return org.director.name;
    if (named(org.administration)) return org.administration.name;
    for (const auto& area : config.areas) {
        if (named(area.chief)) return area.chief.name;
    }
    for (const auto& inst : config.institutions) {
        if (named(inst.leader)) return inst.leader.name;
        if (named(inst.board)) return inst.board.name;
    }
    return std::string(actor);
}

namespace {

/// The notice and a form for each event the user may send now.
std::string actions_section(const Page& page, const CycleDetail& detail,
                            const std::vector<std::string>& events, const Notice& notice,
                            std::string_view heading) {
    // A refusal goes into the refused event's form, next to what it is about; a confirmation,
    // or a refusal of a form no longer offered, above the forms.
    const bool in_form = notice.error && !notice.event.empty() &&
                         std::find(events.begin(), events.end(), notice.event) != events.end();
    std::string out = in_form ? std::string{} : notice_html(notice);
    if (events.empty()) return out;
    out += fmt::format(R"(<section class="actions" id="handling"><h2>{}</h2>)", heading);
    for (const auto& event : events) {
        out +=
            event_form(page, detail, event, in_form && event == notice.event ? &notice : nullptr);
    }
    out += "</section>";
    return out;
}

/// The deadlines (in the workflow's step order by round, not by date: a step done early moves
/// the later ones forward), with reminders and escalations folded away.
std::string timeline_section(const Page& page, const CycleDetail& detail) {
    std::string out =
        R"(<section><h2>Tidslinje</h2><table class="timeline"><thead><tr><th>Trin</th>)"
        R"(<th>Frist</th><th>Status</th><th>Udført</th></tr></thead><tbody>)";
    std::string notices;
    std::vector<const DeadlineView*> ordered;
    for (const auto& view : detail.deadlines) ordered.push_back(&view);
    const auto* workflow = workflows::find_workflow(detail.summary.row.cycle.workflow);
    auto order = [&](const DeadlineView* v) {
        const int index = workflow ? workflow->step_index(v->deadline.step) : -1;
        return std::make_tuple(v->deadline.round, index, v->deadline.fire_at);
    };
    std::stable_sort(
        ordered.begin(), ordered.end(),
        [&](const DeadlineView* a, const DeadlineView* b) { return order(a) < order(b); });
    std::map<std::pair<std::string, int>, int> times;  // a step armed again: a new deadline
    for (const DeadlineView* view_ptr : ordered) {
        const DeadlineView& view = *view_ptr;
        const auto& d = view.deadline;
        if (d.kind == "due") {
            const int time = ++times[{d.step, d.round}];
            out += fmt::format(
                R"(<tr class="{0}"><td>{1}{2}{6}</td><td class="date">{3}</td>)"
                R"(<td><span class="badge {0}">{4}</span></td><td class="date">{5}</td></tr>)",
                escape(view.status), escape(step_label(d.step)),
                d.round ? fmt::format(" (runde {})", d.round) : "", danish_date(d.due_on),
                escape(status_label(view.status)),
                view.completed_on ? danish_date(*view.completed_on) : "–",
                time > 1 ? " – ny frist" : "");
        } else {
            notices += fmt::format(
                R"(<tr><td>{}{}</td><td>{}</td><td class="date">{}</td><td>{}</td></tr>)",
                escape(deadline_kind_label(d.kind)),
                d.kind == "escalation" ? fmt::format(" {}", d.level) : "",
                escape(step_label(d.step)), local_time(page, d.fire_at).substr(0, 10),
                escape(status_label(view.status)));
        }
    }
    out += "</tbody></table>";
    if (!notices.empty()) {
        out += R"(<details><summary>Påmindelser og eskaleringer</summary><table><thead><tr>)"
               R"(<th>Slags</th><th>Trin</th><th>Dato</th><th>Status</th></tr></thead><tbody>)" +
               notices + "</tbody></table></details>";
    }
    return out + "</section>";
}

/// The points of the last conversation; the supervision points only when `supervision`.
std::string points_section(const CycleDetail& detail, bool supervision) {
    const auto* workflow = workflows::find_workflow(detail.summary.row.cycle.workflow);
    if (!workflow || workflow->points_title.empty()) return {};
    std::string out = fmt::format(R"(<section class="points"><h2>{}</h2><h3>{}</h3>)",
                                  workflow->points_title, points_label(*workflow)) +
                      points_list(detail.development_points, false,
                                  "Ingen endnu: forløbet har ikke haft en samtale.");
    if (supervision) {
        out += "<h3>Tilsynspunkter</h3>" + points_list(detail.supervision_points, true);
    }
    return out + "</section>";
}

/// What the tilbud agreed before (seed 002: "lykkedes vi med det, vi aftalte sidst?"): the
/// points of its earlier conversations with how each went, and the latest written feedback
/// from the learning-environment observation. Not on supervision cases.
std::string continuity_section(const Page& page, const CycleDetail& detail) {
    const auto& c = detail.continuity;
    const auto* workflow = workflows::find_workflow(detail.summary.row.cycle.workflow);
    if (!workflow || workflow->is_case) return {};
    std::string out =
        R"(<section class="continuity" id="continuity"><h2>Fra tidligere samtaler</h2>)";
    if (c.points.empty()) {
        out += R"(<p class="muted">Tilbuddet har ingen punkter fra tidligere samtaler endnu.</p>)";
    } else {
        out += R"(<table class="earlier"><thead><tr><th>Punkt</th><th>Effektmål og tema</th>)"
               R"(<th>Givet</th><th>Vurdering</th></tr></thead><tbody>)";
        for (const auto& point : c.points) {
            std::string theme;
            if (const ThemeRecord* t = find_theme(detail.themes, point.theme)) {
                theme = " · " + escape(t->title);
            }
            std::string label = point_label(point.list, point.number);
            label[0] = static_cast<char>(label[0] - 'a' + 'A');
            std::string assessed = R"(<span class="muted">Ikke vurderet endnu</span>)";
            if (point.assessment) {
                assessed = fmt::format(
                    R"(<span class="badge result-{}">{}</span> {} <span class="muted">({})</span>)",
                    escape(point.assessment->result),
                    escape(result_title(point.assessment->result)), escape(point.assessment->note),
                    local_time(page, point.assessed_at).substr(0, 10));
            }
            out += fmt::format(
                R"(<tr data-point="{}"><td><strong>{}</strong><br><span class="muted">{}</span></td>)"
                R"(<td>{}{}</td><td class="date">{}<br><span class="muted">{}</span></td><td>{}</td></tr>)",
                escape(point.key), escape(point.title), escape(label),
                escape(goal_label(point.goal)), theme, local_time(page, point.at).substr(0, 10),
                escape(event_label(point.event)), assessed);
        }
        out += "</tbody></table>";
    }
    if (!c.feedback.empty()) {
        out += fmt::format(R"(<h3>Skriftlig feedback fra læringsmiljøobservationen</h3>)"
                           R"(<blockquote class="feedback">{}</blockquote><p class="muted">{}</p>)",
                           escape(c.feedback), local_time(page, c.feedback_at).substr(0, 10));
    }
    return out + "</section>";
}

/// The support agreed in a supervision case: what, from whom, by when.
std::string support_section(const CycleDetail& detail) {
    std::string rows;
    for (const auto& e : detail.history) {
        if (e.event != "support_agreed") continue;
        boost::system::error_code ec;
        auto value = json::parse(e.payload, ec);
        if (ec || !value.is_object()) continue;
        const auto& o = value.as_object();
        auto text = [&](std::string_view key) {
            const auto* v = o.if_contains(key);
            return v && v->is_string() ? std::string(v->as_string()) : std::string{};
        };
        const auto by = parse_date(text("by_date"));
        rows += fmt::format(R"(<tr><td>{}</td><td>{}</td><td class="date">{}</td></tr>)",
                            escape(text("support")), escape(text("provided_by")),
                            by ? danish_date(*by) : escape(text("by_date")));
    }
    if (rows.empty()) return {};
    return R"(<section id="support"><h2>Aftalt understøttelse</h2><table><thead><tr>)"
           R"(<th>Understøttelse</th><th>Hvem</th><th>Senest</th></tr></thead><tbody>)" +
           rows + "</tbody></table></section>";
}

/// The documents of the instance's events: name (a download), what it came with, type, size,
/// date.
/// What the event a document is attached to is called (its history entry), or "".
std::string attached_to(const CycleDetail& detail, const StoredDocument& document) {
    for (const auto& e : detail.history) {
        if (e.seq == document.event_seq) return std::string(event_label(e.event));
    }
    return {};
}

std::string documents_section(const Page& page, const CycleDetail& detail) {
    std::string out = R"(<section class="documents" id="documents"><h2>Dokumenter</h2>)";
    if (detail.documents.empty()) {
        return out + R"(<p class="muted">Ingen dokumenter endnu.</p></section>)";
    }
    out += R"(<table><thead><tr><th>Dokument</th><th>Vedhæftet</th><th>Type</th>)"
           R"(<th>Størrelse</th><th>Dato</th></tr></thead><tbody>)";
    for (const auto& document : detail.documents) {
        const std::string event = attached_to(detail, document);
        const auto* type = document_type_by_mime(document.info.type);
        out += fmt::format(
            R"(<tr data-document="{0}"><td><a href="/dokumenter/{0}" download>{1}</a></td>)"
            R"(<td>{2}</td><td>{3}</td><td>{4}</td><td class="date">{5}</td></tr>)",
            document.id, escape(document.info.name), escape(event),
            escape(type ? type->title : std::string_view("Dokument")),
            escape(size_text(document.info.size)),
            local_time(page, document.recorded_at).substr(0, 10));
    }
    return out + "</tbody></table></section>";
}

/// The full audit history of the instance.
std::string history_section(const Page& page, const Config& config, const CycleDetail& detail) {
    std::string out =
        R"(<section><h2>Historik</h2><table class="history" id="history"><thead><tr>)"
        R"(<th>Tidspunkt</th><th>Hændelse</th><th>Af</th><th>Tilstand</th><th>Indhold</th>)"
        R"(</tr></thead><tbody>)";
    for (const auto& e : detail.history) {
        out += fmt::format(
            R"(<tr data-event="{}"><td class="date">{}</td><td>{}</td><td>{}</td><td>{}</td>)"
            R"(<td>{}</td></tr>)",
            escape(e.event), local_time(page, e.at), escape(event_label(e.event)),
            escape(actor_label(config, e.actor)),
            e.state_before.empty()
                ? escape(state_label(e.state_after))
                : escape(state_label(e.state_before)) + " → " + escape(state_label(e.state_after)),
            payload_text(config, e.event, e.payload, detail.themes));
    }
    return out + "</tbody></table></section>";
}

/// What the observer's leader needs of another tilbud's dialogue (CycleSummary::observing):
/// whose learning environment, which round, by when, the focus areas of the last conversation
/// and the feedback form; not the tilbud's own history, timeline or supervision points.
std::string observation_page(const Page& page, const Config& config, const CycleDetail& detail,
                             const std::vector<std::string>& events, const Notice& notice) {
    const auto& s = detail.summary;
    const Area* area = config.find_area(s.row.area_id);
    const auto* step = observer_step(s.row.cycle.workflow);
    // The observation of the latest round: its due date and how it stands.
    const DeadlineView* due = nullptr;
    for (const auto& view : detail.deadlines) {
        if (view.deadline.kind == "due" && step && view.deadline.step == step->id &&
            (!due || view.deadline.round >= due->deadline.round)) {
            due = &view;
        }
    }
    std::string body = fmt::format(
        R"(<p><a href="/">← Afventer dig</a></p><h1>{}</h1><p class="sub">Du er udpeget til at )"
        R"(observere læringsmiljøet hos {} og give tilbuddet skriftlig feedback. Feedbacken )"
        R"(indgår i tilbuddets læringssamtale.</p>)",
        escape(observation_title(s)), escape(s.row.institution_name));
    body += fmt::format(R"(<dl class="facts"><dt>Tilbud</dt><dd>{}</dd><dt>Område</dt><dd>{}</dd>)"
                        R"(<dt>Forløb</dt><dd>{}</dd>)",
                        escape(s.row.institution_name), escape(area ? area->name : std::string{}),
                        escape(workflow_label(s.row.cycle.workflow)));
    if (due && due->deadline.round) {
        body += fmt::format("<dt>Runde</dt><dd>{}</dd>", due->deadline.round);
    }
    if (due) {
        body += fmt::format(R"(<dt>Frist</dt><dd>{} <span class="badge {}">{}</span></dd>)",
                            danish_date(due->deadline.due_on), escape(due->status),
                            escape(status_label(due->status)));
    }
    body += fmt::format(R"(<dt>Status</dt><dd id="state" data-state="{}">{}</dd></dl>)",
                        escape(s.row.cycle.state), escape(state_label(s.row.cycle.state)));
    // The focus areas before the form they inform; a confirmation (no form left) first.
    const std::string actions =
        actions_section(page, detail, events, notice, "Din skriftlige feedback");
    body += events.empty() ? actions + points_section(detail, false)
                           : points_section(detail, false) + actions;
    std::string sent;
    for (const auto& e : detail.history) {
        const auto* described = workflows::find_event(e.event);
        if (!described || !described->from_observer) continue;
        sent += fmt::format(
            R"(<div class="entry" data-event="{}"><p class="muted">{} · {} · {}</p>{}</div>)",
            escape(e.event), escape(event_label(e.event)), local_time(page, e.at),
            escape(actor_label(config, e.actor)),
            payload_text(config, e.event, e.payload, detail.themes));
    }
    if (!sent.empty()) {
        body += R"(<section class="sent" id="sent-feedback"><h2>Din feedback</h2>)" + sent +
                "</section>";
    }
    return layout(&page, observation_title(s), body);
}

}  // namespace

std::string cycle_page(const Page& page, const Config& config, const CycleDetail& detail,
                       const std::vector<std::string>& events, const Notice& notice) {
    if (detail.summary.observing) return observation_page(page, config, detail, events, notice);
    const auto& s = detail.summary;
    const auto& c = s.row.cycle;
    const Area* area = config.find_area(s.row.area_id);
    std::string body = fmt::format(
        R"(<p><a href="/">← Afventer dig</a> · <a href="/tilbud/{}">Alt om tilbuddet</a></p>)"
        R"(<h1>{}</h1><p class="sub">{} · {} · {} · startet {}</p>)",
        escape(c.institution_id), escape(s.row.institution_name),
        escape(workflow_label(c.workflow)), escape(area ? area->name : s.row.area_id),
        escape(kind_label(s.kind)), danish_date(c.started_on));
    std::string facts = fmt::format(
        R"(<dt>Tilstand</dt><dd id="state" data-state="{}">{}</dd>)"
        R"(<dt>Aktuelt trin</dt><dd>{}</dd><dt>Ansvarlig</dt><dd>{}</dd>)"
        R"(<dt>Næste frist</dt><dd>{}</dd>)",
        escape(c.state), escape(state_label(c.state)),
        s.current_step.empty() ? "–" : escape(step_label(s.current_step)),
        escape(responsible_label(s)), s.row.next_due ? danish_date(*s.row.next_due) : "–");
    if (detail.round) facts += fmt::format("<dt>Runde</dt><dd>{}</dd>", detail.round);
    if (observer_step(c.workflow)) {
        facts += fmt::format(
            "<dt>{}</dt><dd>{}</dd>", escape(field_label("observer_institution")),
            detail.observer.name.empty() ? "Ikke udpeget endnu" : escape(detail.observer.name));
    }
    body += fmt::format(R"(<dl class="facts">{}</dl>{})", facts, badges(s));
    if (!c.parent_id.empty()) {
        const CycleConfig* parent = config.find_cycle(c.cycle_config);
        body += fmt::format(
            R"(<p>Åbnet fra forløbet <a href="/cycles/{}">{}</a>.</p>)",
            escape(cycle_path(c.parent_id)),
            escape(parent ? workflow_label(parent->workflow) : std::string_view("forløbet")));
    }
    // What was agreed last time comes before the forms of the conversation that asks about it.
    body += continuity_section(page, detail);
    body += support_section(detail);
    body += actions_section(page, detail, events, notice, "Handlinger");
    body += documents_section(page, detail);
    body += timeline_section(page, detail);
    body += points_section(detail, true);
    if (!detail.cases.empty()) {
        body += R"(<section><h2>Tilsynssager</h2><ul>)";
        for (std::size_t i = 0; i < detail.cases.size(); ++i) {
            const auto& child = detail.cases[i];
            const std::string point =
                i < detail.case_points.size() ? detail.case_points[i] : std::string{};
            body += fmt::format(R"(<li><a href="/cycles/{}">{}</a> – {}</li>)",
                                escape(cycle_path(child.id)),
                                escape(point.empty() ? fmt::format("Tilsynssag {}", i + 1) : point),
                                escape(state_label(child.state)));
        }
        body += "</ul></section>";
    }
    body += history_section(page, config, detail);
    return layout(&page, s.row.institution_name, body);
}

namespace {

/// What the timeline's marks mean, each drawn as the chart draws it.
std::string timeline_legend() {
    auto item = [](std::string_view mark, std::string_view text) {
        return fmt::format(
            R"(<li><svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">{}</svg>{}</li>)",
            mark, text);
    };
    return R"(<ul class="legend">)" +
           item(
               R"(<path d="M11 1l6 6l-6 6l-6-6z" fill="#fff" stroke="#5b6875" stroke-width="1.5"/>)",
               "Frist") +
           item(R"(<circle cx="11" cy="7" r="5" fill="#1a7f37"/>)", "Udført") +
           item(R"(<line x1="1" y1="7" x2="15" y2="7" stroke="#8a5a00" stroke-width="3"/>)"
                R"(<circle cx="16" cy="7" r="5" fill="#8a5a00"/>)",
                "Udført efter fristen") +
           item(R"(<line x1="6" y1="7" x2="21" y2="7" stroke="#b42318" stroke-width="3"/>)"
                R"(<path d="M6 1l6 6l-6 6l-6-6z" fill="#b42318"/>)",
                "Overskredet") +
           item(R"(<path d="M11 3l4 7h-8z" fill="#0b5cad" stroke="#0b5cad"/>)",
                "Påmindelse eller eskalering sendt") +
           item(R"(<line x1="11" y1="0" x2="11" y2="14" stroke="#b42318" stroke-width="1.5" )"
                R"(stroke-dasharray="4 3"/>)",
                "I dag") +
           "</ul>";
}

}  // namespace

std::string institution_page(const Page& page, const Config& config, const InstitutionView& view,
                             Date today) {
    const Institution& inst = *view.institution;
    const Area* area = config.find_area(inst.area);
    std::string body = fmt::format(
        R"(<p><a href="/">← Afventer dig</a></p><h1>{}</h1><dl class="facts"><dt>Type</dt>)"
        R"(<dd>{}</dd><dt>Område</dt><dd>{}</dd><dt>Leder</dt><dd>{}</dd><dt>Bestyrelse</dt>)"
        R"(<dd>{}</dd></dl>)",
        escape(inst.name), escape(kind_label(kind_name(inst.kind))),
        escape(area ? area->name : inst.area), escape(person_label(inst.leader)),
        escape(person_label(inst.board)));

    const std::string chart = timeline_svg(view, today, page.zone);
    body += R"(<section class="institution-timeline"><h2>Tidslinje</h2>)";
    body += chart.empty() ? R"(<p class="muted">Ingen frister endnu.</p>)"
                          : timeline_legend() + R"(<div class="scroll")" +
                                scroll_region("Tidslinje") + ">" + chart + "</div>";
    body += "</section>";

    body += R"(<section><h2>Forløb og tilsynssager</h2><table class="cycles"><thead><tr>)"
            R"(<th>Forløb</th><th>Tilstand</th><th>Aktuelt trin</th><th>Ansvarlig</th>)"
            R"(<th>Næste frist</th><th></th></tr></thead><tbody>)";
    for (const auto& detail : view.cycles) {
        const auto& s = detail.summary;
        const auto& c = s.row.cycle;
        const std::string flags = badges(s);
        body += fmt::format(
            R"(<tr class="{}"><td class="name"><a href="/cycles/{}">{} · startet {}</a></td>)"
            R"(<td data-label="Tilstand">{}</td><td data-label="Aktuelt trin">{}</td>)"
            R"(<td data-label="Ansvarlig">{}</td><td class="date" data-label="Næste frist">{}</td>)"
            R"(<td{}>{}</td></tr>)",
            s.overdue ? "overdue" : "", escape(cycle_path(c.id)),
            escape(workflow_label(c.workflow)), danish_date(c.started_on),
            escape(state_label(c.state)),
            s.current_step.empty() ? "–" : escape(step_label(s.current_step)),
            escape(responsible_label(s)), s.row.next_due ? danish_date(*s.row.next_due) : "–",
            flags.empty() ? R"( class="empty")" : "", flags);
    }
    body += "</tbody></table></section>";

    // Every document and event of its cycles, the latest first.
    std::string documents;
    struct Entry {
        const EventRecord* event;
        const CycleDetail* detail;
    };
    std::vector<Entry> history;
    for (const auto& detail : view.cycles) {
        for (const auto& e : detail.history) history.push_back({&e, &detail});
        for (const auto& document : detail.documents) {
            const std::string event = attached_to(detail, document);
            documents += fmt::format(
                R"(<tr><td><a href="/dokumenter/{}" download>{}</a></td><td data-label="Vedhæftet">)"
                R"({}</td><td data-label="Forløb">{}</td><td class="date" data-label="Dato">{}</td></tr>)",
                document.id, escape(document.info.name), escape(event),
                escape(workflow_label(detail.summary.row.cycle.workflow)),
                local_time(page, document.recorded_at).substr(0, 10));
        }
    }
    body += R"(<section><h2>Dokumenter</h2>)";
    body += documents.empty()
                ? R"(<p class="muted">Ingen dokumenter endnu.</p>)"
                : R"(<table class="cycles"><thead><tr><th>Dokument</th><th>Vedhæftet</th>)"
                  R"(<th>Forløb</th><th>Dato</th></tr></thead><tbody>)" +
                      documents + "</tbody></table>";
    body += "</section>";
    std::stable_sort(history.begin(), history.end(),
                     [](const Entry& a, const Entry& b) { return a.event->seq > b.event->seq; });
    body +=
        R"(<section><h2>Historik</h2><table class="cycles history"><thead><tr><th>Hændelse</th>)"
        R"(<th>Forløb</th><th>Af</th><th>Tidspunkt</th></tr></thead><tbody>)";
    for (const auto& [e, detail] : history) {
        body += fmt::format(
            R"(<tr><td class="name">{}</td><td data-label="Forløb"><a href="/cycles/{}">{}</a></td>)"
            R"(<td data-label="Af">{}</td><td class="date" data-label="Tidspunkt">{}</td></tr>)",
            escape(event_label(e->event)), escape(cycle_path(detail->summary.row.cycle.id)),
            escape(workflow_label(detail->summary.row.cycle.workflow)),
            escape(actor_label(config, e->actor)), local_time(page, e->at));
    }
    body += "</tbody></table></section>";
    return layout(&page, inst.name, body);
}

std::string public_page(std::string_view organisation, std::string_view title,
                        std::string_view body) {
    Page page;
    page.organisation = std::string(organisation);
    return layout(&page, title, body);
}

std::string error_page(const Page* page, int status, std::string_view message) {
    return layout(page, "Fejl",
                  fmt::format(R"(<h1>Fejl {}</h1><p class="error" role="alert">{}</p>)"
                              R"(<p><a href="/">Til forsiden</a></p>)",
                              status, escape(message)));
}

std::string calendar_page(const Page& page, std::string_view url, std::string_view message) {
    std::string body =
        R"(<p><a href="/">← Afventer dig</a></p><h1>Dine frister i din kalender</h1>)"
        R"(<p>Et hemmeligt link til en kalender (ICS) med de frister, der vedrører dig. )"
        R"(Outlook og Google Kalender kan abonnere på det; det opdateres af sig selv. )"
        R"(Del det ikke: enhver med linket kan se fristerne.</p>)";
    if (!url.empty()) {
        body +=
            fmt::format(R"(<p class="ok" role="status">Dit nye kalender-link (vises kun nu):<br>)"
                        R"(<code id="feed-url">{}</code></p>)",
                        escape(url));
    }
    if (!message.empty()) {
        body += fmt::format(R"(<p class="ok" role="status">{}</p>)", escape(message));
    }
    body += fmt::format(
        R"(<form method="post" action="/calendar" class="action"><input type="hidden" )"
        R"(name="csrf" value="{0}"><input type="hidden" name="action" value="create">)"
        R"(<button type="submit" class="primary">Opret nyt kalender-link</button></form>)"
        R"(<form method="post" action="/calendar" class="action"><input type="hidden" )"
        R"(name="csrf" value="{0}"><input type="hidden" name="action" value="revoke">)"
        R"(<button type="submit" class="danger">Tilbagekald alle mine kalender-links</button>)"
        R"(</form>)",
        escape(page.csrf));
    return layout(&page, "Kalender", body);
}

std::string report_page(const Page& page, int year, const std::string& report_html) {
    return layout(
        &page, fmt::format("Politisk rapport {}", year),
        fmt::format(R"(<p class="report-tools"><a href="/">← Afventer dig</a> · )"
                    R"(<a href="/report?year={0}">{0}</a> · <a href="/report?year={1}">{1}</a> · )"
                    R"(<a href="/report.csv?year={2}">Hent som CSV (Excel)</a> · Udskriv siden )"
                    R"(for en A4-udgave</p>{3})",
                    year - 1, year + 1, year, report_html));
}

std::string many_page(const Page& page, const std::vector<ManyForm>& forms, const Notice& notice) {
    std::string body = "<h1>" + escape(page.many_title) + "</h1>";
    body += R"(<p class="lead">Registrér det én gang for alle tilbud af en type i en runde. )"
            R"(Tilbud, der allerede har det, bliver ikke ændret.</p>)";
    if (!notice.error) body += notice_html(notice);
    for (const auto& form : forms) {
        const std::string key = form.cycle->id + " " + form.event;
        const Notice* refused = notice.error && notice.event == key ? &notice : nullptr;
        const Refill refill{refused};
        std::string kinds;
        for (const auto kind : form.kinds) {
            const std::string name(kind_name(kind));
            kinds += option(name, kind_label(name), refill.value("kind"));
        }
        std::string rounds;
        for (int round = 1; round <= form.rounds; ++round) {
            const std::string value = std::to_string(round);
            rounds += option(value, "Runde " + value, refill.value("round"));
        }
        std::string fields;
        for (const auto& field : event_fields(form.event)) {
            fields += input_for(field.name, field.type, field.required, refill);
        }
        body += fmt::format(R"(<form method="post" action="/many" class="action" data-event="{0}">)"
                            R"(<h2>{1} · {2}</h2>{3}<input type="hidden" name="csrf" value="{4}">)"
                            R"(<input type="hidden" name="cycle" value="{5}">)"
                            R"(<input type="hidden" name="event" value="{0}">)"
                            R"(<label>Type tilbud<select name="kind"{6}>{7}</select></label>)"
                            R"(<label>Runde<select name="round"{8}>{9}</select></label>{10})"
                            R"(<button type="submit" class="primary">{1}</button></form>)"
                            "\n",
                            escape(form.event), escape(action_label(form.event)),
                            escape(workflows::workflow_title(form.cycle->workflow)),
                            refused ? notice_html(*refused) : "", escape(page.csrf),
                            escape(form.cycle->id), refill.invalid("kind"), kinds,
                            refill.invalid("round"), rounds, fields);
    }
    return layout(&page, page.many_title, body);
}

std::string themes_page(const Page& page, const std::vector<ThemeRecord>& themes, bool admin,
                        const Notice& notice) {
    std::string body =
        R"(<h1>Politisk besluttede temaer</h1><p class="sub">Børn og Unge-udvalget beslutter )"
        R"(temaerne for hver periode og aldersgruppe. I læringssamtalerne knytter tilbuddene )"
        R"(deres fokusområder til dem.</p>)";
    if (!notice.error) body += notice_html(notice);
    std::string rows;
    for (const auto& theme : themes) {
        if (!theme.published() && !admin) continue;
        rows += fmt::format(
            R"(<tr data-theme="{}"><td>{}</td><td>{} år</td><td><strong>{}</strong>{}</td>)"
            R"(<td>{}</td></tr>)",
            escape(theme.id), period_title(theme.period), escape(theme.age_band),
            escape(theme.title),
            theme.description.empty()
                ? ""
                : fmt::format(R"(<br><span class="muted">{}</span>)", escape(theme.description)),
            theme.published() ? "Offentliggjort" : "Ikke offentliggjort endnu");
    }
    body += rows.empty() ? R"(<p class="muted">Der er ingen offentliggjorte temaer endnu.</p>)"
                         : R"(<table id="themes"><thead><tr><th>Periode</th><th>Aldersgruppe</th>)"
                           R"(<th>Tema</th><th>Status</th></tr></thead><tbody>)" +
                               rows + "</tbody></table>";
    if (!admin) return layout(&page, "Temaer", body);
    const Refill add{notice.error && notice.event == "add" ? &notice : nullptr};
    const Refill publish{notice.error && notice.event == "publish" ? &notice : nullptr};
    auto bands = [&](const Refill& refill) {
        static constexpr Label kBands[] = {{"6-18", "6-18 år"}, {"0-6", "0-6 år"}};
        return fmt::format("<label>Aldersgruppe{}</label>", select("age_band", kBands, refill));
    };
    auto period_input = [&](const Refill& refill) {
        return fmt::format(
            R"(<label>Periode (det år, perioden begynder){}<input type="number" name="period" )"
            R"(min="2000" max="2100" required value="{}"{}></label>)",
            R"( <span class="req">*</span>)", escape(refill.value("period")),
            refill.invalid("period"));
    };
    body += fmt::format(
        R"(<section class="actions"><h2>Registrér et tema</h2>)"
        R"(<form method="post" action="/themes" class="action" data-form="add">{})"
        R"(<input type="hidden" name="csrf" value="{}"><input type="hidden" name="do" value="add">)"
        R"({}{}<label>Kortnavn (små bogstaver, tal og bindestreger) <span class="req">*</span>)"
        R"(<input name="id" required pattern="[a-z0-9][a-z0-9\-]*" value="{}"{}></label>)"
        R"(<label>Titel <span class="req">*</span><input name="title" required value="{}"{}>)"
        R"(</label><label>Beskrivelse<textarea name="description" rows="3"{}>{}</textarea>)"
        R"(</label><button type="submit" class="primary">Registrér tema</button></form>)"
        R"(<h2>Offentliggør en periodes temaer</h2><p class="muted">Lederne og )"
        R"(områdecheferne for tilbuddene i aldersgruppen får besked på mail.</p>)"
        R"(<form method="post" action="/themes" class="action" data-form="publish">{})"
        R"(<input type="hidden" name="csrf" value="{}"><input type="hidden" name="do" )"
        R"(value="publish">{}{}<button type="submit" class="primary">Offentliggør temaer)"
        R"(</button></form></section>)",
        add.notice ? notice_html(notice) : "", escape(page.csrf), period_input(add), bands(add),
        escape(add.value("id")), add.invalid("id"), escape(add.value("title")),
        add.invalid("title"), add.invalid("description"), escape(add.value("description")),
        publish.notice ? notice_html(notice) : "", escape(page.csrf), period_input(publish),
        bands(publish));
    return layout(&page, "Temaer", body);
}

std::string form_payload(std::string_view event, const Fields& form) {
    auto value = [&](const std::string& name) { return first_value(form, name); };
    auto blank = [](const std::string& text) {
        return text.find_first_not_of(" \t\r\n") == std::string::npos;
    };
    json::object payload;
    for (const auto& field : event_fields(event)) {
        const bool supervision = field.type == "supervision_points";
        if (field.type == "development_points" || field.type == "focus_areas" || supervision) {
            json::array points;
            const std::string prefix = supervision                   ? "sp"
                                       : field.type == "focus_areas" ? "fa"
                                                                     : "dp";
            for (int i = 0; i < kPointRows; ++i) {
                const std::string title = value(fmt::format("{}_title_{}", prefix, i));
                if (blank(title)) continue;
                json::object point{{"title", title},
                                   {"goal", value(fmt::format("{}_goal_{}", prefix, i))}};
                if (supervision) point["reason"] = value(fmt::format("sp_reason_{}", i));
                const std::string theme = value(fmt::format("{}_theme_{}", prefix, i));
                if (!blank(theme)) point["theme"] = theme;
                points.push_back(std::move(point));
            }
            if (!points.empty() || field.required) payload[field.name] = std::move(points);
            continue;
        }
        if (field.type == "assessments") {
            json::array assessments;
            for (int i = 0;; ++i) {
                const std::string name = fmt::format("as_point_{}", i);
                const bool sent = std::any_of(form.begin(), form.end(), [&](const auto& field) {
                    return field.first == name;
                });
                if (!sent) break;
                const std::string point = value(name);
                const std::string result = value(fmt::format("as_result_{}", i));
                if (blank(result)) continue;  // not assessed this time
                assessments.push_back(json::object{{"point", point},
                                                   {"result", result},
                                                   {"note", value(fmt::format("as_note_{}", i))}});
            }
            if (!assessments.empty()) payload[field.name] = std::move(assessments);
            continue;
        }
        if (field.type == "actions") {
            // ac_<list>_<n> (actions_inputs), in the order the form sent them.
            json::array actions;
            for (const auto& [name, text] : form) {
                if (name.rfind("ac_", 0) != 0 || blank(text)) continue;
                const auto under = name.find('_', 3);
                if (under == std::string::npos) continue;
                actions.push_back(json::object{
                    {"point",
                     fmt::format("{}:{}", name.substr(3, under - 3), name.substr(under + 1))},
                    {"action", text}});
            }
            payload[field.name] = std::move(actions);
            continue;
        }
        const std::string text = value(std::string(field.name));
        if (field.type == "flag") {
            if (!blank(text)) payload[field.name] = true;
        } else if (!blank(text)) {
            payload[field.name] = text;
        }
    }
    return json::serialize(payload);
}

std::string page_layout(const Page* page, std::string_view title, std::string_view body) {
    return layout(page, title, body);
}

}  // namespace tilsyn::http::ui
