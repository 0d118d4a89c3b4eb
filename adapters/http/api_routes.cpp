// The JSON API of interface.md §5 (described in openapi.json), /healthz, /metrics and the
// calendar feeds.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <span>
#include <variant>

#include "adapters/http/responses.hpp"
#include "adapters/http/upload.hpp"
#include "adapters/http/web_context.hpp"
#include "engine/calendar_feed.hpp"
#include "engine/case_view.hpp"
#include "engine/plan_format.hpp"
#include "engine/sha256.hpp"
#include "engine/theme.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http {

namespace json = boost::json;

namespace {

// ---- JSON helpers ----------------------------------------------------------------------

std::string quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

json::array string_array(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return out;
}

/// Parses a JSON request body; on a syntax error says where (line and column).
std::variant<json::value, std::string> parse_body(std::string_view body) {
    json::stream_parser parser;
    boost::system::error_code ec;
    const std::size_t used = parser.write_some(body.data(), body.size(), ec);
    if (!ec) parser.finish(ec);
    if (!ec) return parser.release();
    const std::size_t at = std::min(used, body.size());
    int line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (body[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return fmt::format(
        "Indholdet er ikke gyldig JSON (fejl i linje {}, kolonne {}). Ret det, og "
        "prøv igen.",
        line, column);
}

std::string date_or_null(const std::optional<Date>& date) {
    return date ? quoted(format_date(*date)) : "null";
}

void append_summary(std::string& out, const CycleSummary& s) {
    const auto& c = s.row.cycle;
    out += fmt::format(
        R"({{"id":{},"workflow":{},"cycle":{},"institution":{},"institution_name":{},"area":{},)"
        R"("kind":{},"state":{},"step":{},"next_due":{},"next_step":{},"overdue":{},)"
        R"("sharpened":{},"final":{},"observing":{})",
        quoted(c.id), quoted(c.workflow), quoted(c.cycle_config), quoted(c.institution_id),
        quoted(s.row.institution_name), quoted(s.row.area_id), quoted(s.kind), quoted(c.state),
        s.current_step.empty() ? "null" : quoted(s.current_step), date_or_null(s.row.next_due),
        s.row.next_due ? quoted(s.row.next_due_step) : "null", s.overdue ? "true" : "false",
        s.sharpened ? "true" : "false", s.final ? "true" : "false", s.observing ? "true" : "false");
    if (!c.parent_id.empty()) out += fmt::format(R"(,"parent":{})", quoted(c.parent_id));
    out += '}';
}

json::value payload_value(const std::string& payload) {
    boost::system::error_code ec;
    auto value = json::parse(payload, ec);
    if (ec) return json::value(payload);
    return value;
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

// ---- Authentication ----------------------------------------------------------------------

using TokenHandler = std::function<Response(const Request&, const PathParams&, const StoredUser&)>;

/// A route for callers with a valid API token; 401 for the others (logged and counted), 429
/// while their address must wait after too many failures.
RouteHandler with_token(WebContext& context, std::string_view pattern, TokenHandler handler) {
    return [&context, pattern, handler = std::move(handler)](const Request& request,
                                                             const PathParams& params) {
        const std::string header = request.header("authorization");
        const std::string token = request.bearer_token();
        WebContext::SignIn signed_in;
        if (!token.empty()) {
            signed_in = context.sign_in(request, token, pattern);
        } else if (!header.empty()) {
            signed_in = context.sign_in(request, {}, pattern);
        }
        if (signed_in.wait.count() > 0) {
            Response response = json_error(
                429, ErrorCode::too_many_attempts,
                fmt::format("For mange forkerte forsøg fra din adresse. Vent {} sekunder, "
                            "og prøv igen.",
                            signed_in.wait.count()),
                "Authorization");
            response.headers.emplace_back("Retry-After", std::to_string(signed_in.wait.count()));
            return response;
        }
        auto& user = signed_in.user;
        if (!user) {
            const bool missing = header.empty();
            Response response = json_error(
                401, missing ? ErrorCode::token_missing : ErrorCode::token_invalid,
                missing ? "Der mangler et token. Send det i headeren 'Authorization: Bearer "
                          "TOKEN'; en administrator kan give dig et."
                        : "Tokenet er ikke gyldigt. Bed en administrator om et nyt.",
                "Authorization");
            response.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="tilsyn")");
            return response;
        }
        return handler(request, params, *user);
    };
}

// ---- Routes --------------------------------------------------------------------------------

Response healthz(WebContext& context) {
    try {
        const int version = context.store->schema_version();
        return json_response(200, fmt::format(R"({{"status":"ok","schema":{}}})", version));
    } catch (const std::exception& e) {
        return json_error(503, ErrorCode::database_unavailable, kDatabaseUnavailableMessage, {},
                          json::object{{"detail", e.what()}});
    }
}

Response metrics_text(WebContext& context) {
    Store& store = *context.store;
    std::string text =
        context.metrics.render(store.outbox_count("pending"), store.outbox_count("failed"));
    text += fmt::format(
        "# HELP tilsyn_listing_cache_bytes Bytes of listing answers this process keeps (at most "
        "{}).\n# TYPE tilsyn_listing_cache_bytes gauge\ntilsyn_listing_cache_bytes {}\n",
        WebContext::kMaxCachedListingBytes, context.cached_listing_bytes());
    return {200, "text/plain; version=0.0.4; charset=utf-8", {}, std::move(text)};
}

Response me(const StoredUser& user) {
    json::object body{{"email", user.email},
                      {"name", user.name},
                      {"role", user.role},
                      {"area", user.area_id},
                      {"institution", user.institution_id}};
    return json_response(200, json::serialize(body));
}

json::array text_array(std::span<const std::string_view> items) {
    json::array out;
    for (auto item : items) out.emplace_back(item);
    return out;
}

/// A 400 for a query parameter: `allowed` (when given) lists the values it takes.
Response bad_query(ErrorCode code, std::string_view message, std::string_view parameter,
                   json::array allowed = {}) {
    json::object extra;
    if (!allowed.empty()) extra["allowed"] = std::move(allowed);
    return json_error(400, code, message, parameter, std::move(extra));
}

/// Checks the query against the allowed parameters; a 400 response when something is off.
std::optional<Response> check_query(WebContext& context, const Request& request,
                                    std::initializer_list<std::string_view> allowed) {
    for (std::size_t i = 0; i < request.query.size(); ++i) {
        const std::string& key = request.query[i].first;
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            return bad_query(ErrorCode::unknown_field,
                             fmt::format("Forespørgslen kender ikke parameteren »{}«.", key), key,
                             text_array({allowed.begin(), allowed.size()}));
        }
        // One value each: which of two would count is a guess a proxy may make otherwise.
        for (std::size_t j = 0; j < i; ++j) {
            if (request.query[j].first == key) {
                return bad_query(ErrorCode::bad_value,
                                 fmt::format("Parameteren »{}« må kun angives én gang.", key), key);
            }
        }
    }
    const Config& config = context.config();
    if (request.has_param("area") && !request.param("area").empty() &&
        !config.find_area(request.param("area"))) {
        return bad_query(ErrorCode::bad_value, "Området findes ikke. Brug et områdes id.", "area");
    }
    if (request.has_param("institution") && !request.param("institution").empty() &&
        !context.cases->institution(request.param("institution"))) {
        return bad_query(ErrorCode::bad_value,
                         "Tilbuddet findes ikke. Brug et tilbuds id fra /api/v1/institutions.",
                         "institution");
    }
    static constexpr std::string_view kBooleans[] = {"true", "false"};
    for (std::string_view flag : {"overdue", "all"}) {
        if (request.has_param(flag) && request.param(flag) != "true" &&
            request.param(flag) != "false") {
            return bad_query(ErrorCode::bad_value,
                             fmt::format("»{}« skal være true eller false.", flag), flag,
                             text_array(kBooleans));
        }
    }
    if (request.has_param("state") && !contains(context.state_names, request.param("state"))) {
        return bad_query(ErrorCode::bad_value, "Den tilstand findes ikke.", "state",
                         string_array(context.state_names));
    }
    if (request.has_param("kind") && !parse_kind(request.param("kind"))) {
        json::array kinds;
        for (const auto& [kind, label] : ui::kind_labels()) kinds.emplace_back(kind);
        return bad_query(ErrorCode::bad_value, "Den type tilbud findes ikke.", "kind",
                         std::move(kinds));
    }
    if (request.has_param("workflow") && !is_workflow_filter(request.param("workflow"))) {
        return bad_query(ErrorCode::bad_value, "Den slags forløb findes ikke.", "workflow",
                         text_array(workflow_filter_names()));
    }
    const std::string status = request.param("status");
    if (request.has_param("status") && status != "open" && status != "closed" && status != "all") {
        static constexpr std::string_view kStatuses[] = {"open", "closed", "all"};
        return bad_query(ErrorCode::bad_value, "Den status findes ikke.", "status",
                         text_array(kStatuses));
    }
    return std::nullopt;
}

/// The listing's JSON answer for a checked filter (what the cache keeps).
Response listing(WebContext& context, const CycleFilter& filter, const Actor& actor,
                 bool supervision_cases, const std::string& closed_only);

/// GET /api/v1/cycles and /cases: checked, then cached by the caller's scope and the filters
/// as parsed (so `?a=1&b=2`, `?b=2&a=1` and `?a=%31&b=2` share one entry).
Response list(WebContext& context, const Request& request, const StoredUser& user,
              bool supervision_cases) {
    if (auto bad = supervision_cases
                       ? check_query(context, request, {"area", "institution", "status"})
                       : check_query(context, request,
                                     {"area", "institution", "state", "overdue", "kind", "workflow",
                                      "all"})) {
        return *bad;
    }
    const Actor actor = actor_of(user);
    CycleFilter filter;
    filter.area = request.param("area");
    filter.institution = request.param("institution");
    filter.state = request.param("state");
    filter.kind = request.param("kind");
    filter.overdue_only = request.param("overdue") == "true";
    filter.include_final = request.param("all") == "true";
    std::string closed_only;
    if (supervision_cases) {
        filter.workflow = std::string(workflows::case_workflow().id);
        const std::string status =
            request.param("status").empty() ? "open" : request.param("status");
        filter.include_final = status != "open";
        closed_only = status == "closed" ? "closed" : "";
    } else {
        filter.workflow = request.param("workflow");
    }
    // \x1f cannot occur in a valid filter value (check_query accepted only known ones).
    const std::string key = fmt::format(
        "{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}",
        supervision_cases ? "cases" : "cycles", role_name(actor.role), actor.area_id,
        actor.institution_id, filter.area, filter.institution, filter.state, filter.kind,
        filter.workflow, filter.overdue_only, filter.include_final, closed_only);
    return context.cached_listing(
        key, [&] { return listing(context, filter, actor, supervision_cases, closed_only); });
}

Response listing(WebContext& context, const CycleFilter& filter, const Actor& actor,
                 bool supervision_cases, const std::string& closed_only) {
    const auto rows = list_cycles(*context.store, *context.cases, filter, &actor, context.today());
    std::string body = supervision_cases ? R"({"cases":[)" : R"({"cycles":[)";
    body.reserve(rows.size() * 380 + 64);
    std::size_t count = 0;
    for (const auto& row : rows) {
        if (!closed_only.empty() && !row.final) continue;
        if (count++) body += ',';
        append_summary(body, row);
    }
    body += fmt::format(R"(],"count":{}}})", count);
    return json_response(200, std::move(body));
}

Response institutions(WebContext& context, const StoredUser& user) {
    const Actor actor = actor_of(user);
    json::array items;
    for (const auto& inst : context.store->institutions()) {
        if (!can_see(actor, inst.area_id, inst.id)) continue;
        items.push_back(json::object{{"id", inst.id},
                                     {"name", inst.name},
                                     {"kind", inst.kind},
                                     {"area", inst.area_id},
                                     {"active", inst.active}});
    }
    const auto count = items.size();
    return json_response(
        200, json::serialize(json::object{{"institutions", std::move(items)}, {"count", count}}));
}

json::array deadlines_json(const CycleDetail& d, const TimeZone& zone) {
    json::array deadlines;
    for (const auto& view : d.deadlines) {
        const auto& dl = view.deadline;
        json::object item{{"step", dl.step},
                          {"kind", dl.kind},
                          {"due_on", format_date(dl.due_on)},
                          {"fire_at", format_local_iso(dl.fire_at, zone.offset_at(dl.fire_at))},
                          {"status", view.status}};
        if (dl.round) item["round"] = dl.round;
        if (dl.kind == "escalation") item["level"] = dl.level;
        if (view.completed_on) item["completed_on"] = format_date(*view.completed_on);
        deadlines.push_back(std::move(item));
    }
    return deadlines;
}

json::array history_json(const CycleDetail& d, const TimeZone& zone) {
    json::array history;
    for (const auto& e : d.history) {
        history.push_back(json::object{{"seq", e.seq},
                                       {"event", e.event},
                                       {"actor", e.actor},
                                       {"at", format_local_iso(e.at, zone.offset_at(e.at))},
                                       {"state_before", e.state_before},
                                       {"state_after", e.state_after},
                                       {"data", payload_value(e.payload)}});
    }
    return history;
}

/// A stored document as the API lists it, with where to download it.
json::object document_json(const StoredDocument& document, const TimeZone& zone) {
    return json::object{{"id", document.id},
                        {"event_seq", document.event_seq},
                        {"name", document.info.name},
                        {"type", document.info.type},
                        {"size", document.info.size},
                        {"sha256", document.info.sha256},
                        {"recorded_at", format_local_iso(document.recorded_at,
                                                         zone.offset_at(document.recorded_at))},
                        {"url", fmt::format("/api/v1/documents/{}", document.id)}};
}

Response detail(WebContext& context, const std::string& id, const StoredUser& user) {
    const Actor actor = actor_of(user);
    auto found = cycle_detail(*context.store, *context.cases, id, &actor, context.today());
    if (!found) return json_error(404, ErrorCode::not_found, kNotFoundMessage, "id");
    const CycleDetail& d = *found;
    const TimeZone& zone = context.zone();
    std::string summary;
    append_summary(summary, d.summary);
    json::object body = json::parse(summary).as_object();
    body["started_on"] = format_date(d.summary.row.cycle.started_on);
    if (d.round) body["round"] = d.round;
    if (!d.observer.id.empty()) body["observer"] = d.observer.id;
    body["allowed_events"] = string_array(d.allowed_events);
    body["your_events"] = string_array(d.actor_events);
    body["deadlines"] = deadlines_json(d, zone);
    body["points"] = json::object{{"development", json::parse(d.development_points)},
                                  {"supervision", json::parse(d.supervision_points)}};
    json::array children;
    for (const auto& c : d.cases)
        children.push_back(json::object{{"id", c.id}, {"state", c.state}});
    body["cases"] = std::move(children);
    body["history"] = history_json(d, zone);
    if (!d.summary.observing) {
        // What a conversation assesses (Assessment::point) and the themes its points may name.
        json::array earlier;
        for (const auto& p : d.continuity.points) {
            json::object point{{"point", p.key},  {"list", p.list},   {"title", p.title},
                               {"goal", p.goal},  {"theme", p.theme}, {"cycle", p.cycle_id},
                               {"event", p.event}};
            if (p.assessment) {
                point["assessment"] =
                    json::object{{"result", p.assessment->result}, {"note", p.assessment->note}};
            }
            earlier.push_back(std::move(point));
        }
        body["earlier_points"] = std::move(earlier);
        json::array themes;
        for (const auto& t : d.theme_choices) {
            themes.push_back(json::object{{"id", t.id}, {"title", t.name}});
        }
        body["themes"] = std::move(themes);
    }
    json::array documents;
    for (const auto& document : d.documents) documents.push_back(document_json(document, zone));
    body["documents"] = std::move(documents);
    return json_response(200, json::serialize(body));
}

/// The API's answer to an event the case service applied or refused.
Response apply_answer(WebContext& context, const std::string& id, const std::string& event,
                      const ApplyResult& result) {
    const int status = http_status(result);
    switch (result.status) {
        case ApplyStatus::ok: {
            json::array documents;
            for (const auto& document : context.store->documents_of_event(result.seq)) {
                documents.push_back(document_json(document, context.zone()));
            }
            return json_response(
                status, json::serialize(
                            json::object{{"id", id},
                                         {"event", event},
                                         {"state_before", result.state_before},
                                         {"state", result.state_after},
                                         {"allowed_events", string_array(result.allowed_events)},
                                         {"opened_cases", string_array(result.opened_cases)},
                                         {"mails_queued", result.mails_queued},
                                         {"seq", result.seq},
                                         {"documents", std::move(documents)}}));
        }
        case ApplyStatus::bad_payload: {
            json::object extra;
            if (result.field == "event") {
                extra["allowed_events"] = string_array(result.allowed_events);
            }
            const std::string field =
                result.field.empty() || result.field == "event" || result.field == "documents"
                    ? result.field
                    : "data." + result.field;
            return json_error(status, result.code, result.message, field.empty() ? "data" : field,
                              std::move(extra));
        }
        case ApplyStatus::forbidden: {
            const std::string field =
                result.field.empty() || result.field == "event" ? "event" : "data." + result.field;
            return json_error(status, result.code, result.message, field);
        }
        case ApplyStatus::not_found:
            return json_error(status, result.code, result.message, "id");
        case ApplyStatus::conflict:
            return json_error(
                status, result.code, result.message, "event",
                json::object{{"state", result.state_before},
                             {"allowed_events", string_array(result.allowed_events)}});
    }
    throw std::logic_error("apply_answer: unknown ApplyStatus");
}

/// What is wrong with an event body, or the event and its data (JSON text).
std::variant<std::pair<std::string, std::string>, Response> read_event_body(
    const std::string& body) {
    auto parsed = parse_body(body);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        return json_error(400, ErrorCode::bad_json, *error, "body");
    }
    const json::value& value = std::get<json::value>(parsed);
    if (!value.is_object()) {
        return json_error(400, ErrorCode::bad_value,
                          R"(Indholdet skal være et JSON-objekt: {"event":"…","data":{…}}.)",
                          "body");
    }
    const json::object& object = value.as_object();
    for (const auto& [key, member] : object) {
        if (key != "event" && key != "data") {
            return json_error(400, ErrorCode::unknown_field,
                              fmt::format("Indholdet har kun »event« og »data«. Fjern »{}«.",
                                          std::string_view(key)),
                              std::string(key));
        }
    }
    const auto* event = object.if_contains("event");
    if (!event || !event->is_string() || event->as_string().empty()) {
        return json_error(400, ErrorCode::field_required, "Angiv handlingen som tekst i »event«.",
                          "event");
    }
    std::string data = "{}";
    if (const auto* member = object.if_contains("data")) {
        if (!member->is_object()) {
            return json_error(400, ErrorCode::bad_value,
                              "»data« skal være et JSON-objekt med handlingens felter.", "data");
        }
        data = json::serialize(*member);
    }
    return std::pair{std::string(event->as_string()), std::move(data)};
}

/// A multipart/form-data event (with documents): the fields `event` and `data` (the payload
/// as JSON text, {} when left out) and the files, each a document.
Response post_event_with_documents(WebContext& context, const Request& request,
                                   const std::string& id, const StoredUser& user) {
    const std::string event = first_value(request.form, "event");
    std::string data = first_value(request.form, "data");
    if (event.empty()) {
        context.metrics.events_refused++;
        return json_error(400, ErrorCode::field_required,
                          "Angiv handlingen som tekst i formularfeltet »event«.", "event");
    }
    if (data.empty()) data = "{}";
    const Uploads uploads = uploads_of(request);
    return apply_answer(context, id, event,
                        context.apply_event(id, event, actor_of(user), data, uploads.documents));
}

Response post_event(WebContext& context, const Request& request, const std::string& id,
                    const StoredUser& user) {
    if (request.multipart) return post_event_with_documents(context, request, id, user);
    auto read = read_event_body(request.body);
    if (auto* refused = std::get_if<Response>(&read)) {
        context.metrics.events_refused++;
        return std::move(*refused);
    }
    const auto& [event, data] = std::get<std::pair<std::string, std::string>>(read);
    return apply_answer(context, id, event, context.apply_event(id, event, actor_of(user), data));
}

/// POST /api/v1/events: an event meant for many (the data package) for every tilbud of a kind
/// in a round: {"cycle","kind","round","event","data"} -> the instances it was recorded on.
Response post_many(WebContext& context, const Request& request, const StoredUser& user) {
    auto parsed = parse_body(request.body);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        return json_error(400, ErrorCode::bad_json, *error, "body");
    }
    const json::value& value = std::get<json::value>(parsed);
    const json::object* object = value.if_object();
    if (!object) {
        return json_error(400, ErrorCode::bad_value,
                          R"(Indholdet skal være et JSON-objekt: {"cycle":"…","kind":"…",)"
                          R"("round":1,"event":"…","data":{…}}.)",
                          "body");
    }
    for (const auto& [key, member] : *object) {
        if (key != "cycle" && key != "kind" && key != "round" && key != "event" && key != "data") {
            return json_error(400, ErrorCode::unknown_field,
                              fmt::format("Indholdet har kun »cycle«, »kind«, »round«, »event« og "
                                          "»data«. Fjern »{}«.",
                                          std::string_view(key)),
                              std::string(key));
        }
    }
    auto text = [&](const char* key) -> std::optional<std::string> {
        const auto* member = object->if_contains(key);
        if (!member || !member->is_string() || member->as_string().empty()) return std::nullopt;
        return std::string(member->as_string());
    };
    const auto cycle = text("cycle");
    const auto event = text("event");
    if (!cycle) {
        return json_error(400, ErrorCode::field_required, "Angiv forløbet som tekst i »cycle«.",
                          "cycle");
    }
    if (!event) {
        return json_error(400, ErrorCode::field_required, "Angiv handlingen som tekst i »event«.",
                          "event");
    }
    const auto kind = text("kind") ? parse_kind(*text("kind")) : std::nullopt;
    if (!kind) {
        return json_error(400, ErrorCode::bad_value,
                          "Angiv typen af tilbud i »kind«: school, daycare eller youth.", "kind",
                          json::object{{"allowed", json::array{"school", "daycare", "youth"}}});
    }
    const auto* round = object->if_contains("round");
    if (!round || !round->is_int64()) {
        return json_error(400, ErrorCode::bad_value, "Angiv runden som et tal i »round«.", "round");
    }
    std::string data = "{}";
    if (const auto* member = object->if_contains("data")) {
        if (!member->is_object()) {
            return json_error(400, ErrorCode::bad_value,
                              "»data« skal være et JSON-objekt med handlingens felter.", "data");
        }
        data = json::serialize(*member);
    }
    const ManyResult result = context.apply_to_many(
        *cycle, *kind, static_cast<int>(round->as_int64()), *event, actor_of(user), data);
    if (result.status != ApplyStatus::ok) {
        const bool payload = result.field != "cycle" && result.field != "kind" &&
                             result.field != "round" && result.field != "event" &&
                             !result.field.empty();
        return json_error(http_status(result.status), result.code, result.message,
                          payload ? "data." + result.field : result.field);
    }
    return json_response(200,
                         json::serialize(json::object{{"cycle", *cycle},
                                                      {"event", *event},
                                                      {"kind", std::string(kind_name(*kind))},
                                                      {"round", round->as_int64()},
                                                      {"recorded", string_array(result.recorded)},
                                                      {"already", result.already}}));
}

json::object theme_json(const ThemeRecord& theme) {
    json::object o{{"id", theme.id},
                   {"period", theme.period},
                   {"age_band", theme.age_band},
                   {"title", theme.title},
                   {"description", theme.description},
                   {"published", theme.published()}};
    return o;
}

/// GET /api/v1/themes: the published themes (the administrator also sees those not yet
/// published).
Response themes_list(WebContext& context, const StoredUser& user) {
    json::array items;
    const bool admin = user.role == role_name(Role::admin);
    for (const auto& theme : context.store->themes()) {
        if (theme.published() || admin) items.push_back(theme_json(theme));
    }
    return json_response(200, json::serialize(json::object{{"themes", std::move(items)}}));
}

/// The object body of a themes request with only `allowed` members, or the 400 answer.
std::variant<json::object, Response> theme_body(const Request& request,
                                                std::initializer_list<std::string_view> allowed) {
    auto parsed = parse_body(request.body);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        return json_error(400, ErrorCode::bad_json, *error, "body");
    }
    const json::value& value = std::get<json::value>(parsed);
    if (!value.is_object()) {
        return json_error(400, ErrorCode::bad_value, "Indholdet skal være et JSON-objekt.", "body");
    }
    for (const auto& [key, member] : value.as_object()) {
        if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
            return json_error(
                400, ErrorCode::unknown_field,
                fmt::format("Feltet »{}« findes ikke. Fjern det.", std::string_view(key)),
                std::string(key));
        }
    }
    return value.as_object();
}

std::optional<Response> admin_only(const StoredUser& user) {
    if (user.role == role_name(Role::admin)) return std::nullopt;
    return json_error(403, ErrorCode::role_not_allowed,
                      "Kun forvaltningen (administrator) registrerer og offentliggør de politisk "
                      "besluttede temaer.",
                      "");
}

/// POST /api/v1/themes: {"id","period","age_band","title","description"} records a theme.
Response themes_add(WebContext& context, const Request& request, const StoredUser& user) {
    if (auto refused = admin_only(user)) return std::move(*refused);
    auto body = theme_body(request, {"id", "period", "age_band", "title", "description"});
    if (auto* refused = std::get_if<Response>(&body)) return std::move(*refused);
    const auto& o = std::get<json::object>(body);
    auto text = [&](const char* key) {
        const auto* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    ThemeRecord theme;
    theme.id = text("id");
    theme.age_band = text("age_band");
    theme.title = text("title");
    theme.description = text("description");
    if (const auto* p = o.if_contains("period"); p && p->is_int64()) {
        theme.period = static_cast<int>(p->as_int64());
    }
    if (const auto problem = record_theme(*context.store, theme)) {
        return json_error(400, ErrorCode::bad_value, problem->message, problem->field);
    }
    return json_response(201, json::serialize(theme_json(theme)));
}

/// POST /api/v1/themes/publish: {"period","age_band"} publishes the recorded themes and tells
/// the leaders and area chiefs of that band.
Response themes_publish(WebContext& context, const Request& request, const StoredUser& user) {
    if (auto refused = admin_only(user)) return std::move(*refused);
    auto body = theme_body(request, {"period", "age_band"});
    if (auto* refused = std::get_if<Response>(&body)) return std::move(*refused);
    const auto& o = std::get<json::object>(body);
    const auto* period = o.if_contains("period");
    const auto* band = o.if_contains("age_band");
    if (!period || !period->is_int64()) {
        return json_error(400, ErrorCode::bad_value,
                          "Angiv perioden som det årstal, den begynder i (fx 2026), i »period«.",
                          "period");
    }
    if (!band || !band->is_string() ||
        (band->as_string() != "0-6" && band->as_string() != "6-18")) {
        return json_error(400, ErrorCode::bad_value,
                          "Angiv aldersgruppen 0-6 eller 6-18 i »age_band«.", "age_band");
    }
    const auto published =
        publish_themes(*context.store, context.config(), static_cast<int>(period->as_int64()),
                       std::string(band->as_string()), context.now());
    if (published.themes == 0) {
        return json_error(409, ErrorCode::nothing_waiting,
                          "Der er ingen temaer at offentliggøre for den periode og aldersgruppe. "
                          "Registrér dem først.",
                          "period");
    }
    context.generation++;
    return json_response(200, json::serialize(json::object{{"published", published.themes},
                                                           {"mails_queued", published.mails}}));
}

/// A calendar feed by its secret (the URL is the credential; no session or token).
Response feed(WebContext& context, std::string_view secret) {
    std::optional<StoredUser> user;
    if (secret.size() == 64 &&
        secret.find_first_not_of("0123456789abcdef") == std::string_view::npos) {
        user = context.store->find_feed_user(sha256_hex(secret));
    }
    if (!user) {
        return json_error(404, ErrorCode::not_found,
                          "Kalender-linket findes ikke: det er tilbagekaldt eller aldrig oprettet. "
                          "Opret et nyt under Kalender på oversigten.");
    }
    return {200,
            "text/calendar; charset=utf-8",
            {},
            calendar_feed(*context.store, *context.cases, *user, context.now())};
}

}  // namespace

void add_api_routes(RouteTable& routes, WebContext& context) {
    auto add = [&](const char* method, const char* pattern, RouteHandler handler) {
        routes.add(method, pattern, RouteKind::api, std::move(handler));
    };
    auto add_with_token = [&](const char* method, const char* pattern, TokenHandler handler) {
        add(method, pattern, with_token(context, pattern, std::move(handler)));
    };
    add("GET", "/healthz", [&](const Request&, const PathParams&) { return healthz(context); });
    add("GET", "/metrics",
        [&](const Request&, const PathParams&) { return metrics_text(context); });
    add("GET", "/api/v1/openapi.json",
        [](const Request&, const PathParams&) { return json_response(200, kOpenApiJson); });
    add_with_token(
        "GET", "/api/v1/me",
        [](const Request&, const PathParams&, const StoredUser& user) { return me(user); });
    add_with_token("GET", "/api/v1/cycles",
                   [&](const Request& request, const PathParams&, const StoredUser& user) {
                       return list(context, request, user, false);
                   });
    add_with_token("GET", "/api/v1/cases",
                   [&](const Request& request, const PathParams&, const StoredUser& user) {
                       return list(context, request, user, true);
                   });
    add_with_token("GET", "/api/v1/institutions",
                   [&](const Request&, const PathParams&, const StoredUser& user) {
                       return institutions(context, user);
                   });
    add_with_token("GET", "/api/v1/cycles/{id...}",
                   [&](const Request&, const PathParams& params, const StoredUser& user) {
                       return detail(context, first_value(params, "id"), user);
                   });
    add_with_token("POST", "/api/v1/cycles/{id...}/events",
                   [&](const Request& request, const PathParams& params, const StoredUser& user) {
                       return post_event(context, request, first_value(params, "id"), user);
                   });
    context.upload_patterns.emplace_back("/api/v1/cycles/{id...}/events");
    add_with_token(
        "GET", "/api/v1/documents/{id}",
        [&](const Request&, const PathParams& params, const StoredUser& user) {
            auto document = context.visible_document(first_value(params, "id"), actor_of(user));
            if (!document) {
                return json_error(404, ErrorCode::not_found, kDocumentNotFoundMessage, "id");
            }
            return document_download(*context.store, *document);
        });
    add_with_token("POST", "/api/v1/events",
                   [&](const Request& request, const PathParams&, const StoredUser& user) {
                       return post_many(context, request, user);
                   });
    add_with_token("GET", "/api/v1/themes",
                   [&](const Request&, const PathParams&, const StoredUser& user) {
                       return themes_list(context, user);
                   });
    add_with_token("POST", "/api/v1/themes",
                   [&](const Request& request, const PathParams&, const StoredUser& user) {
                       return themes_add(context, request, user);
                   });
    add_with_token("POST", "/api/v1/themes/publish",
                   [&](const Request& request, const PathParams&, const StoredUser& user) {
                       return themes_publish(context, request, user);
                   });
    add("GET", "/feeds/{secret}.ics", [&](const Request&, const PathParams& params) {
        return feed(context, first_value(params, "secret"));
    });
}

}  // namespace tilsyn::http
