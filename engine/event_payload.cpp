#include "engine/event_payload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "engine/messages.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace json = boost::json;

namespace {

using workflows::FieldDescription;
using workflows::FieldType;

// Each event's senders and fields are written once, in its workflow's description.
using EventRule = workflows::EventDescription;

/// An event people send (not one the engine records itself), or nullptr.
const EventRule* find_rule(std::string_view event) {
    const EventRule* rule = workflows::find_event(event);
    return rule && !rule->by_system ? rule : nullptr;
}

struct Invalid {
    PayloadError error;
};

[[noreturn]] void fail(std::string field, ErrorCode code, std::string message) {
    throw Invalid{{code, std::move(field), std::move(message)}};
}

/// A field's title in quotes, as messages name it: »Begrundelse«.
std::string quoted_title(std::string_view field) { return fmt::format("»{}«", field_title(field)); }

/// "»A«, »B« og »C«".
template <class Range, class Title>
std::string quoted_list(const Range& items, Title title, std::string_view conjunction) {
    std::vector<std::string> quoted;
    for (const auto& item : items) quoted.push_back(fmt::format("»{}«", title(item)));
    return danish_list(quoted, conjunction);
}

/// A text value; `what` names it in a message ("»Begrundelse«", "titlen på udviklingspunkt 1").
/// No control characters but line breaks and tabs, and none of those in a `one_line` text (a
/// title: it goes into mail subjects and calendars).
std::string text_value(const json::value& v, const std::string& field, std::string_view what,
                       bool non_empty, bool one_line = false) {
    if (!v.is_string()) fail(field, ErrorCode::bad_value, fmt::format("{} skal være tekst.", what));
    std::string text(v.as_string());
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool spacing = c == '\n' || c == '\r' || c == '\t';
        if ((byte < 0x20 && !spacing) || byte == 0x7f) {
            fail(field, ErrorCode::bad_value,
                 fmt::format("{} indeholder et styretegn. Skriv almindelig tekst.", what));
        }
        if (one_line && spacing) {
            fail(field, ErrorCode::bad_value,
                 fmt::format("Skriv {} på én linje uden tabulatorer.", what));
        }
    }
    if (non_empty && text.find_first_not_of(" \t\r\n") == std::string::npos) {
        fail(field, ErrorCode::field_required, fmt::format("Udfyld {}.", what));
    }
    return text;
}

/// What one item of a list of points is called: "udviklingspunkt", "fokusområde",
/// "tilsynspunkt".
std::string_view point_noun(std::string_view list) {
    if (list == "supervision_points") return "tilsynspunkt";
    if (list == "focus_areas") return "fokusområde";
    return "udviklingspunkt";
}

template <std::size_t N>
std::string one_of(const json::object& o, std::string_view key, const std::string& where,
                   std::string_view what, const std::array<std::string_view, N>& allowed,
                   std::string_view (*title)(std::string_view)) {
    const std::string field = fmt::format("{}.{}", where, key);
    const auto* v = o.if_contains(key);
    if (!v) fail(field, ErrorCode::field_required, fmt::format("Vælg {}.", what));
    std::string value = text_value(*v, field, what, true);
    if (std::find(std::begin(allowed), std::end(allowed), value) == std::end(allowed)) {
        fail(field, ErrorCode::bad_value,
             fmt::format("Vælg {} blandt {}.", what, quoted_list(allowed, title, "og")));
    }
    return value;
}

void read_points(const json::value& v, const std::string& name, bool supervision,
                 EventPayload& out) {
    if (!v.is_array()) {
        fail(name, ErrorCode::bad_value, fmt::format("{} skal være en liste.", quoted_title(name)));
    }
    const auto& list = v.as_array();
    const std::string_view noun = point_noun(name);
    const std::string_view parts =
        supervision ? "en titel, en begrundelse og et effektmål" : "en titel og et effektmål";
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = fmt::format("{}[{}]", name, i);
        const std::string which = fmt::format("{} {}", noun, i + 1);  // "udviklingspunkt 1"
        if (!list[i].is_object()) {
            std::string sentence = which;
            sentence[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(which[0])));
            fail(where, ErrorCode::bad_value, fmt::format("{} skal have {}.", sentence, parts));
        }
        const auto& point = list[i].as_object();
        for (const auto& [key, value] : point) {
            const bool known = key == "title" || key == "goal" || key == "theme" ||
                               (supervision && key == "reason");
            if (!known) {
                fail(fmt::format("{}.{}", where, std::string_view(key)), ErrorCode::unknown_field,
                     fmt::format("Fjern feltet »{}« fra {}: et {} har {}.", std::string_view(key),
                                 which, noun, parts));
            }
        }
        const auto* title = point.if_contains("title");
        const std::string title_what = fmt::format("titlen på {}", which);
        if (!title) {
            fail(where + ".title", ErrorCode::field_required,
                 fmt::format("Udfyld {}.", title_what));
        }
        std::string title_text = text_value(*title, where + ".title", title_what, true, true);
        std::string goal = one_of(point, "goal", where, fmt::format("effektmål for {}", which),
                                  kEffectGoals, &goal_title);
        std::string theme;
        if (const auto* t = point.if_contains("theme")) {
            theme = text_value(*t, where + ".theme", fmt::format("temaet for {}", which), false);
        }
        if (!theme.empty() || name == "focus_areas") {
            out.themes.push_back({where + ".theme", theme, name == "focus_areas"});
        }
        if (supervision) {
            out.supervision_points.push_back(
                {std::move(title_text),
                 one_of(point, "reason", where, fmt::format("begrundelse for {}", which),
                        kSupervisionReasons, &reason_title),
                 goal, std::move(theme)});
        } else {
            out.development_points.push_back({std::move(title_text), goal, std::move(theme)});
        }
    }
}

/// The object at `where` of a list, with only the `keys` it may have.
const json::object& list_item(const json::value& v, const std::string& where,
                              std::string_view which, std::initializer_list<std::string_view> keys,
                              std::string_view parts) {
    if (!v.is_object())
        fail(where, ErrorCode::bad_value, fmt::format("{} skal have {}.", which, parts));
    for (const auto& [key, value] : v.as_object()) {
        if (std::find(keys.begin(), keys.end(), std::string_view(key)) == keys.end()) {
            fail(fmt::format("{}.{}", where, std::string_view(key)), ErrorCode::unknown_field,
                 fmt::format("Fjern feltet »{}« fra {}: den har {}.", std::string_view(key), which,
                             parts));
        }
    }
    return v.as_object();
}

const json::array& list_of(const json::value& v, const std::string& name) {
    if (!v.is_array()) {
        fail(name, ErrorCode::bad_value, fmt::format("{} skal være en liste.", quoted_title(name)));
    }
    return v.as_array();
}

/// A required text member of a list item.
std::string item_text(const json::object& o, std::string_view key, const std::string& where,
                      std::string_view what) {
    const std::string field = fmt::format("{}.{}", where, key);
    const auto* v = o.if_contains(key);
    if (!v) fail(field, ErrorCode::field_required, fmt::format("Udfyld {}.", what));
    return text_value(*v, field, what, true);
}

/// "development:1" or "supervision:2": a point of the conversation a plan answers.
bool plan_point_key(std::string_view key) {
    const auto colon = key.find(':');
    if (colon == std::string_view::npos) return false;
    const auto list = key.substr(0, colon), number = key.substr(colon + 1);
    return (list == "development" || list == "supervision") && !number.empty() &&
           number.size() <= 3 && number.find_first_not_of("0123456789") == std::string_view::npos &&
           number[0] != '0';
}

void read_actions(const json::value& v, const std::string& name, EventPayload& out) {
    const auto& list = list_of(v, name);
    out.has_actions = true;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = fmt::format("{}[{}]", name, i);
        const std::string which = fmt::format("handling {}", i + 1);
        const auto& item =
            list_item(list[i], where, which, {"point", "action"}, "et punkt og en handling");
        std::string point = item_text(item, "point", where, fmt::format("punktet for {}", which));
        if (!plan_point_key(point)) {
            fail(where + ".point", ErrorCode::bad_value,
                 fmt::format("Angiv punktet for {} som development:N eller supervision:N (N er "
                             "punktets nummer fra samtalen).",
                             which));
        }
        out.actions.push_back({std::move(point), item_text(item, "action", where,
                                                           fmt::format("teksten i {}", which))});
    }
}

/// "<seq>:<list>:<n>": a point recorded earlier (see Assessment).
bool earlier_point_key(std::string_view key) {
    const auto first = key.find(':');
    const auto second = first == std::string_view::npos ? first : key.find(':', first + 1);
    if (second == std::string_view::npos) return false;
    auto digits = [](std::string_view text) {
        return !text.empty() && text.size() <= 18 &&
               text.find_first_not_of("0123456789") == std::string_view::npos;
    };
    const auto list = key.substr(first + 1, second - first - 1);
    return digits(key.substr(0, first)) && digits(key.substr(second + 1)) &&
           (list == "development" || list == "supervision" || list == "focus");
}

void read_assessments(const json::value& v, const std::string& name, EventPayload& out) {
    const auto& list = list_of(v, name);
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = fmt::format("{}[{}]", name, i);
        const std::string which = fmt::format("vurdering {}", i + 1);
        const auto& item = list_item(list[i], where, which, {"point", "result", "note"},
                                     "et punkt, en vurdering og en begrundelse");
        std::string point = item_text(item, "point", where, fmt::format("punktet i {}", which));
        if (!earlier_point_key(point)) {
            fail(where + ".point", ErrorCode::bad_value,
                 fmt::format("Punktet i {} findes ikke. Vælg et af punkterne fra sidst.", which));
        }
        for (const auto& earlier : out.assessments) {
            if (earlier.point == point) {
                fail(where + ".point", ErrorCode::bad_value,
                     fmt::format("Punktet i {} er allerede vurderet i samme samtale.", which));
            }
        }
        std::string result = one_of(item, "result", where, fmt::format("vurderingen i {}", which),
                                    kAssessmentResults, &result_title);
        std::string note = "";
        if (const auto* n = item.if_contains("note")) {
            note = text_value(*n, where + ".note", fmt::format("begrundelsen i {}", which), false);
        }
        out.assessments.push_back({std::move(point), std::move(result), std::move(note)});
    }
}

constexpr std::pair<std::string_view, std::string_view> kFieldTitles[] = {
    {"url", "Link (URL)"},
    {"text", "Tekst"},
    {"assessment", "Samlet vurdering"},
    {"interpretation", "Fortolkning"},
    {"signals_local", "Signaler til det lokale niveau"},
    {"signals_political", "Signaler til det politiske niveau"},
    {"date", "Dato"},
    {"time", "Klokkeslæt"},
    {"place", "Sted"},
    {"comment", "Kommentar til lederen"},
    {"reason", "Begrundelse"},
    {"note", "Notat"},
    {"development_points", "Udviklingspunkter"},
    {"supervision_points", "Tilsynspunkter"},
    {"start", "Startdato"},
    {"title", "Titel"},
    {"goal", "Effektmål"},
    {"focus_areas", "Fokusområder"},
    {"observer_institution", "Observerende tilbud"},
    {"feedback", "Skriftlig feedback"},
    {"on_behalf_of_board", "Registreret af lederen på bestyrelsens vegne"},
    {"theme", "Tema"},
    {"signals_goal", "Effektmål for signalerne til det politiske niveau"},
    {"signals_theme", "Tema for signalerne til det politiske niveau"},
    {"board_representative", "Bestyrelsens repræsentant (navn)"},
    {"participants", "Øvrige deltagere"},
    {"minutes_status", "Referat: Hvordan står det til med kvaliteten?"},
    {"minutes_development", "Referat: Hvordan har udviklingen været siden sidste samtale?"},
    {"minutes_goals", "Referat: Hvordan klarer vi os i forhold til de fælles mål?"},
    {"minutes_focus", "Referat: Lykkedes vi med de fokusområder, vi aftalte sidst?"},
    {"assessments", "Vurdering af punkterne fra sidst"},
    {"actions", "Handlinger for samtalens punkter"},
    {"involvement", "Sådan er medarbejdere og bestyrelse inddraget"},
    {"support", "Aftalt understøttelse"},
    {"provided_by", "Hvem giver understøttelsen"},
    {"by_date", "Senest"},
};

}  // namespace

std::string_view goal_title(std::string_view goal) {
    if (goal == kEffectGoals[0]) return "Læring og udvikling";
    if (goal == kEffectGoals[1]) return "Fællesskaber";
    if (goal == kEffectGoals[2]) return "Sundhed og trivsel";
    return goal;
}

std::string_view result_title(std::string_view result) {
    if (result == kAssessmentResults[0]) return "Opnået";
    if (result == kAssessmentResults[1]) return "Delvist opnået";
    if (result == kAssessmentResults[2]) return "Ikke opnået";
    return result;
}

std::string_view reason_title(std::string_view reason) {
    if (reason == kSupervisionReasons[0]) return "Bekymrende udvikling";
    if (reason == kSupervisionReasons[1]) return "Lovgivningen er ikke overholdt";
    if (reason == kSupervisionReasons[2]) {
        return "Rammer og retningslinjer vedtaget af byrådet eller rådmanden er ikke overholdt";
    }
    return reason;
}

std::string_view field_title(std::string_view field) {
    for (const auto& [name, title] : kFieldTitles) {
        if (name == field) return title;
    }
    return field;
}

std::string to_json(const SupervisionPoint& point) {
    json::object o{{"title", point.title}, {"reason", point.reason}, {"goal", point.goal}};
    if (!point.theme.empty()) o["theme"] = point.theme;
    return json::serialize(o);
}

std::vector<PayloadFieldInfo> event_fields(std::string_view event) {
    std::vector<PayloadFieldInfo> out;
    const EventRule* rule = find_rule(event);
    if (!rule) return out;
    for (const auto& field : rule->fields) {
        std::string_view type = "text";
        switch (field.type) {
            case FieldType::text:
                type = "text";
                break;
            case FieldType::date:
                type = "date";
                break;
            case FieldType::clock_time:
                type = "time";
                break;
            case FieldType::url:
                type = "url";
                break;
            case FieldType::flag:
                type = "flag";
                break;
            case FieldType::development_points:
                type = "development_points";
                break;
            case FieldType::supervision_points:
                type = "supervision_points";
                break;
            case FieldType::focus_areas:
                type = "focus_areas";
                break;
            case FieldType::institution:
                type = "institution";
                break;
            case FieldType::goal:
                type = "goal";
                break;
            case FieldType::theme:
                type = "theme";
                break;
            case FieldType::actions:
                type = "actions";
                break;
            case FieldType::assessments:
                type = "assessments";
                break;
        }
        out.push_back({field.name, type, field.required});
    }
    return out;
}

std::vector<std::string> known_events() {
    std::vector<std::string> names;
    for (const auto* workflow : workflows::all_workflows()) {
        for (const auto& event : workflow->events) {
            if (event.by_system || find_rule(event.id) != &event) continue;  // shared: once
            names.emplace_back(event.id);
        }
    }
    return names;
}

std::variant<EventPayload, PayloadError> validate_payload(std::string_view event,
                                                          std::string_view text) {
    const EventRule* rule = find_rule(event);
    if (!rule) {
        return PayloadError{
            ErrorCode::unknown_event, "event",
            "Den handling findes ikke. Vælg en af de handlinger, der er mulige nu."};
    }
    if (text.size() > kMaxPayloadBytes) {
        return PayloadError{
            ErrorCode::too_large, "",
            fmt::format("Indholdet er for stort: højst {} byte.", kMaxPayloadBytes)};
    }
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) text = "{}";
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) {
        return PayloadError{ErrorCode::bad_json, "",
                            "Indholdet er ikke gyldig JSON. Ret det, og prøv igen."};
    }
    if (!value.is_object()) {
        return PayloadError{ErrorCode::bad_value, "",
                            "Indholdet skal være et JSON-objekt med handlingens felter, fx {}."};
    }
    const auto& object = value.as_object();
    EventPayload out;
    try {
        for (const auto& member : object) {
            const std::string_view key = member.key();
            auto known = std::find_if(rule->fields.begin(), rule->fields.end(),
                                      [&](const FieldDescription& f) { return f.name == key; });
            if (known == rule->fields.end()) {
                fail(std::string(key), ErrorCode::unknown_field,
                     fmt::format("Handlingen har ikke feltet »{}«. Fjern det.", key));
            }
        }
        bool any_text = false;
        for (const auto& field : rule->fields) {
            const std::string name(field.name);
            const std::string what = quoted_title(name);
            const auto* v = object.if_contains(field.name);
            if (!v) {
                if (!field.required) continue;
                switch (field.type) {
                    case FieldType::development_points:
                    case FieldType::focus_areas:
                        fail(name, ErrorCode::field_required,
                             fmt::format("Angiv mindst ét {}.", point_noun(name)));
                    default:
                        fail(name, ErrorCode::field_required, fmt::format("Udfyld {}.", what));
                }
            }
            switch (field.type) {
                case FieldType::text: {
                    std::string text = text_value(*v, name, what, field.required);
                    if (!text.empty()) any_text = true;
                    break;
                }
                case FieldType::institution:
                    out.observer_institution = text_value(*v, name, what, true);
                    break;
                case FieldType::date:
                    if (!parse_date(text_value(*v, name, what, true))) {
                        fail(name, ErrorCode::bad_date,
                             fmt::format("Skriv {} som en dato, der findes, på formen ÅÅÅÅ-MM-DD "
                                         "(fx 2026-10-12).",
                                         what));
                    }
                    break;
                case FieldType::clock_time:
                    if (!v->is_string() || !parse_clock_time(v->as_string())) {
                        fail(name, ErrorCode::bad_value,
                             fmt::format("Skriv {} som et klokkeslæt på formen TT:MM (fx 09:30).",
                                         what));
                    }
                    break;
                case FieldType::url: {
                    std::string url = text_value(*v, name, what, field.required);
                    if (!url.empty() && url.rfind("http://", 0) != 0 &&
                        url.rfind("https://", 0) != 0) {
                        fail(name, ErrorCode::bad_value,
                             fmt::format("Skriv {} som en webadresse, der begynder med http:// "
                                         "eller https://.",
                                         what));
                    }
                    break;
                }
                case FieldType::flag:
                    if (!v->is_bool()) {
                        fail(name, ErrorCode::bad_value,
                             fmt::format("{} skal være true (ja) eller false (nej).", what));
                    }
                    if (v->as_bool()) out.flags.push_back(name);
                    break;
                case FieldType::development_points:
                case FieldType::focus_areas:
                    // Focus areas are tied to the political themes (effect goals), like
                    // development points, and are counted as such.
                    read_points(*v, name, false, out);
                    if (out.development_points.empty()) {
                        fail(name, ErrorCode::field_required,
                             fmt::format("Angiv mindst ét {}.", point_noun(name)));
                    }
                    break;
                case FieldType::supervision_points:
                    read_points(*v, name, true, out);
                    break;
                case FieldType::goal: {
                    std::string goal = text_value(*v, name, what, false);
                    if (!goal.empty() && std::find(kEffectGoals.begin(), kEffectGoals.end(),
                                                   goal) == kEffectGoals.end()) {
                        fail(name, ErrorCode::bad_value,
                             fmt::format("Vælg {} blandt {}.", what,
                                         quoted_list(kEffectGoals, &goal_title, "og")));
                    }
                    break;
                }
                case FieldType::theme: {
                    std::string theme = text_value(*v, name, what, false);
                    if (!theme.empty()) out.themes.push_back({name, std::move(theme), false});
                    break;
                }
                case FieldType::actions:
                    read_actions(*v, name, out);
                    break;
                case FieldType::assessments:
                    read_assessments(*v, name, out);
                    break;
            }
        }
        if (rule->needs_one_text && !any_text) {
            std::vector<std::string_view> texts;
            for (const auto& field : rule->fields) {
                if (field.type == FieldType::text) texts.push_back(field.name);
            }
            fail("", ErrorCode::field_required,
                 fmt::format("Udfyld mindst ét af felterne {}.",
                             quoted_list(texts, &field_title, "og")));
        }
    } catch (const Invalid& invalid) {
        return invalid.error;
    }
    out.json = json::serialize(value);
    return out;
}

}  // namespace tilsyn
