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
            const bool known = key == "title" || key == "goal" || (supervision && key == "reason");
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
        if (supervision) {
            out.supervision_points.push_back(
                {std::move(title_text),
                 one_of(point, "reason", where, fmt::format("begrundelse for {}", which),
                        kSupervisionReasons, &reason_title),
                 goal});
        } else {
            out.development_points.push_back({std::move(title_text), goal});
        }
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
};

}  // namespace

std::string_view goal_title(std::string_view goal) {
    if (goal == kEffectGoals[0]) return "Læring og udvikling";
    if (goal == kEffectGoals[1]) return "Fællesskaber";
    if (goal == kEffectGoals[2]) return "Sundhed og trivsel";
    return goal;
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
    return json::serialize(
        json::object{{"title", point.title}, {"reason", point.reason}, {"goal", point.goal}});
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
