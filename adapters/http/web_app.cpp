#include "adapters/http/web_app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <unordered_map>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <stdexcept>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/http/dashboard.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/http/labels.hpp"
#include "adapters/http/sessions.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/calendar.hpp"
#include "engine/case_service.hpp"
#include "engine/calendar_feed.hpp"
#include "engine/case_view.hpp"
#include "engine/plan_format.hpp"
#include "engine/political_report.hpp"
#include "engine/sha256.hpp"

namespace tilsyn::http {

namespace json = boost::json;

namespace {

constexpr std::string_view kSessionCookie = "tilsyn_session";
constexpr std::string_view kApiPrefix = "/api/v1/";

// ---- JSON helpers ----------------------------------------------------------------------

std::string quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text);
    return out;
}

Response json_response(int status, std::string body) {
    return {status, "application/json", {}, std::move(body)};
}

/// {"error": message, "field": field} (field left out when empty) plus extra members.
Response json_error(int status, std::string_view message, std::string_view field = {},
                    json::object extra = {}) {
    json::object body;
    body["error"] = message;
    if (!field.empty()) body["field"] = field;
    for (auto& [key, value] : extra) body[key] = value;
    return json_response(status, json::serialize(body));
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
    return fmt::format("the body is not valid JSON: {} at line {}, column {}", ec.message(), line,
                       column);
}

std::string date_or_null(const std::optional<Date>& date) {
    return date ? quoted(format_date(*date)) : "null";
}

void append_summary(std::string& out, const CycleSummary& s) {
    const auto& c = s.row.cycle;
    out += fmt::format(
        R"({{"id":{},"workflow":{},"cycle":{},"institution":{},"institution_name":{},"area":{},)"
        R"("kind":{},"state":{},"step":{},"next_due":{},"next_step":{},"overdue":{},)"
        R"("sharpened":{},"final":{})",
        quoted(c.id), quoted(c.workflow), quoted(c.cycle_config), quoted(c.institution_id),
        quoted(s.row.institution_name), quoted(s.row.area_id), quoted(s.kind), quoted(c.state),
        s.current_step.empty() ? "null" : quoted(s.current_step), date_or_null(s.row.next_due),
        s.row.next_due ? quoted(s.row.next_due_step) : "null", s.overdue ? "true" : "false",
        s.sharpened ? "true" : "false", s.final ? "true" : "false");
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

std::optional<std::string> cookie(const Request& request, std::string_view name) {
    const std::string header = request.header("cookie");
    std::string_view rest = header;
    while (!rest.empty()) {
        const auto semi = rest.find(';');
        std::string_view part = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        const auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) {
            return std::string(part.substr(eq + 1));
        }
    }
    return std::nullopt;
}

Response redirect(std::string location) {
    Response response{303, "text/plain; charset=utf-8", {{"Location", location}}, "See " + location};
    return response;
}

Response html(int status, std::string body) {
    return {status,
            "text/html; charset=utf-8",
            {{"Content-Security-Policy",
              "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
             {"X-Frame-Options", "DENY"},
             {"Referrer-Policy", "same-origin"}},
            std::move(body)};
}

Actor actor_of(const StoredUser& user) {
    return Actor{user.email, parse_role(user.role).value_or(Role::board), user.area_id,
                 user.institution_id};
}

}  // namespace

struct WebApp::Impl {
    WebAppSettings settings;
    Metrics& metrics;
    LoadedConfig loaded;
    Calendar calendar;
    std::unique_ptr<Store> store;
    std::unique_ptr<CaseService> cases;
    SessionStore sessions;
    const std::vector<std::string> state_names = all_state_names();

    // Listing answers by caller scope and query; valid while the generation is unchanged and
    // for kListingCacheTtl.
    struct CachedListing {
        std::string body;
        long long generation = 0;
        std::chrono::steady_clock::time_point made;
    };
    static constexpr std::size_t kMaxCachedListings = 1000;
    std::unordered_map<std::string, CachedListing> listings;
    std::atomic<long long> generation{0};

    Impl(WebAppSettings s, Metrics& m) : settings(std::move(s)), metrics(m) {}

    Instant now() const { return settings.clock(); }
    Date today() const { return local_date(now(), *loaded.zone); }

    void install(LoadedConfig config) {
        loaded = std::move(config);
        calendar = Calendar(loaded.config.calendar.danish_holidays,
                            loaded.config.calendar.closed_days);
        cases = std::make_unique<CaseService>(*store, loaded.config, calendar, *loaded.zone);
    }

    Response route(const Request& request);

    // ---- API -----------------------------------------------------------------------------

    std::optional<StoredUser> bearer_user(const Request& request) {
        const std::string header = request.header("authorization");
        constexpr std::string_view scheme = "Bearer ";
        if (header.size() <= scheme.size() || header.compare(0, scheme.size(), scheme) != 0) {
            return std::nullopt;
        }
        return user_for_token(std::string_view(header).substr(scheme.size()));
    }

    std::optional<StoredUser> user_for_token(std::string_view token) {
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        if (token.empty() || token.size() > 200) return std::nullopt;
        const std::string hash = sha256_hex(token);
        auto user = store->find_user_by_token_hash(hash);
        // The index finds the row; the comparison that decides runs in constant time.
        if (!user || !constant_time_equal(user->token_hash, hash)) return std::nullopt;
        if (!parse_role(user->role)) return std::nullopt;
        return user;
    }

    Response api(const Request& request) {
        const std::string_view rest = std::string_view(request.path).substr(kApiPrefix.size());
        if (rest == "openapi.json") {
            if (request.method != "GET" && request.method != "HEAD") return not_allowed("GET");
            return json_response(200, kOpenApiJson);
        }
        auto user = bearer_user(request);
        if (!user) {
            Response response = json_error(
                401,
                request.header("authorization").empty()
                    ? "no token: send 'Authorization: Bearer TOKEN' (see 'tilsyn user add')"
                    : "the token is not valid",
                "Authorization");
            response.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="tilsyn")");
            return response;
        }
        const Actor actor = actor_of(*user);
        const bool get = request.method == "GET" || request.method == "HEAD";
        if (rest == "me") return get ? me(*user) : not_allowed("GET");
        if (rest == "cycles") return get ? list(request, actor, false) : not_allowed("GET");
        if (rest == "cases") return get ? list(request, actor, true) : not_allowed("GET");
        if (rest == "institutions") return get ? institutions(actor) : not_allowed("GET");
        constexpr std::string_view cycles = "cycles/";
        constexpr std::string_view events = "/events";
        if (rest.substr(0, cycles.size()) == cycles && rest.size() > cycles.size()) {
            std::string_view id = rest.substr(cycles.size());
            if (id.size() > events.size() && id.substr(id.size() - events.size()) == events) {
                id.remove_suffix(events.size());
                if (request.method != "POST") return not_allowed("POST");
                return post_event(request, std::string(id), actor);
            }
            return get ? detail(std::string(id), actor) : not_allowed("GET");
        }
        return json_error(404, fmt::format("no such route: {}", request.path));
    }

    static Response not_allowed(std::string_view allow) {
        Response response = json_error(405, fmt::format("method not allowed; use {}", allow));
        response.headers.emplace_back("Allow", std::string(allow));
        return response;
    }

    Response me(const StoredUser& user) {
        json::object body{{"email", user.email},
                          {"name", user.name},
                          {"role", user.role},
                          {"area", user.area_id},
                          {"institution", user.institution_id}};
        return json_response(200, json::serialize(body));
    }

    /// Checks the query against the allowed parameters; a 400 response when something is off.
    std::optional<Response> check_query(const Request& request,
                                        std::initializer_list<std::string_view> allowed) {
        for (const auto& [key, value] : request.query) {
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                return json_error(400,
                                  fmt::format("unknown query parameter '{}'; known: {}", key,
                                              fmt::join(allowed, ", ")),
                                  key);
            }
        }
        const Config& config = loaded.config;
        if (request.has_param("area") && !request.param("area").empty() &&
            !config.find_area(request.param("area"))) {
            return json_error(400, fmt::format("unknown area '{}'", request.param("area")), "area");
        }
        if (request.has_param("institution") && !request.param("institution").empty() &&
            !cases->institution(request.param("institution"))) {
            return json_error(400,
                              fmt::format("unknown institution '{}'", request.param("institution")),
                              "institution");
        }
        for (std::string_view flag : {"overdue", "all"}) {
            if (request.has_param(flag) && request.param(flag) != "true" &&
                request.param(flag) != "false") {
                return json_error(400, fmt::format("{} must be true or false", flag), flag);
            }
        }
        if (request.has_param("state") && !contains(state_names, request.param("state"))) {
            return json_error(400,
                              fmt::format("unknown state '{}'; known: {}", request.param("state"),
                                          fmt::join(state_names, ", ")),
                              "state");
        }
        if (request.has_param("kind") && !parse_kind(request.param("kind"))) {
            return json_error(400,
                              fmt::format("kind '{}' is not one of school, daycare, youth",
                                          request.param("kind")),
                              "kind");
        }
        if (request.has_param("workflow") && !is_workflow_filter(request.param("workflow"))) {
            return json_error(400,
                              fmt::format("workflow '{}' is not one of {}",
                                          request.param("workflow"),
                                          fmt::join(workflow_filter_names(), ", ")),
                              "workflow");
        }
        const std::string status = request.param("status");
        if (request.has_param("status") && status != "open" && status != "closed" &&
            status != "all") {
            return json_error(400, fmt::format("status '{}' is not one of open, closed, all", status),
                              "status");
        }
        return std::nullopt;
    }

    Response list(const Request& request, const Actor& actor, bool supervision_cases) {
        const auto question = request.target.find('?');
        const std::string key =
            fmt::format("{}|{}|{}|{}|{}", supervision_cases ? "cases" : "cycles",
                        role_name(actor.role), actor.area_id, actor.institution_id,
                        question == std::string::npos ? "" : request.target.substr(question));
        const auto now_steady = std::chrono::steady_clock::now();
        const long long current = generation.load();
        if (auto it = listings.find(key); it != listings.end()) {
            if (it->second.generation == current && now_steady - it->second.made < kListingCacheTtl) {
                return json_response(200, it->second.body);
            }
        }
        Response response = list_uncached(request, actor, supervision_cases);
        if (response.status == 200) {
            if (listings.size() >= kMaxCachedListings) listings.clear();
            listings[key] = CachedListing{response.body, current, now_steady};
        }
        return response;
    }

    Response list_uncached(const Request& request, const Actor& actor, bool supervision_cases) {
        if (auto bad = supervision_cases
                           ? check_query(request, {"area", "institution", "status"})
                           : check_query(request, {"area", "institution", "state", "overdue",
                                                   "kind", "workflow", "all"})) {
            return *bad;
        }
        CycleFilter filter;
        filter.area = request.param("area");
        filter.institution = request.param("institution");
        filter.state = request.param("state");
        filter.kind = request.param("kind");
        filter.overdue_only = request.param("overdue") == "true";
        filter.include_final = request.param("all") == "true";
        std::string closed_only;
        if (supervision_cases) {
            filter.workflow = "supervision";
            const std::string status = request.param("status").empty() ? "open"
                                                                        : request.param("status");
            filter.include_final = status != "open";
            closed_only = status == "closed" ? "closed" : "";
        } else {
            filter.workflow = request.param("workflow");
        }
        const auto rows = list_cycles(*store, *cases, filter, &actor, today());
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

    Response institutions(const Actor& actor) {
        json::array items;
        for (const auto& inst : store->institutions()) {
            if (!can_see(actor, inst.area_id, inst.id)) continue;
            items.push_back(json::object{{"id", inst.id},
                                         {"name", inst.name},
                                         {"kind", inst.kind},
                                         {"area", inst.area_id},
                                         {"active", inst.active}});
        }
        const auto count = items.size();
        return json_response(200, json::serialize(json::object{{"institutions", std::move(items)},
                                                               {"count", count}}));
    }

    Response detail(const std::string& id, const Actor& actor) {
        auto found = cycle_detail(*store, *cases, id, &actor, today());
        if (!found) return json_error(404, fmt::format("no cycle or case '{}'", id), "id");
        const CycleDetail& d = *found;
        std::string summary;
        append_summary(summary, d.summary);
        json::object body = json::parse(summary).as_object();
        body["started_on"] = format_date(d.summary.row.cycle.started_on);
        body["allowed_events"] = string_array(d.allowed_events);
        body["your_events"] = string_array(events_for_role(d.allowed_events, actor.role));
        json::array deadlines;
        for (const auto& view : d.deadlines) {
            const auto& dl = view.deadline;
            json::object item{{"step", dl.step},
                              {"kind", dl.kind},
                              {"due_on", format_date(dl.due_on)},
                              {"fire_at", format_local_iso(dl.fire_at,
                                                           loaded.zone->offset_at(dl.fire_at))},
                              {"status", view.status}};
            if (dl.round) item["round"] = dl.round;
            if (dl.kind == "escalation") item["level"] = dl.level;
            if (view.completed_on) item["completed_on"] = format_date(*view.completed_on);
            deadlines.push_back(std::move(item));
        }
        body["deadlines"] = std::move(deadlines);
        body["points"] = json::object{{"development", json::parse(d.development_points)},
                                      {"supervision", json::parse(d.supervision_points)}};
        json::array children;
        for (const auto& c : d.cases) {
            children.push_back(json::object{{"id", c.id}, {"state", c.state}});
        }
        body["cases"] = std::move(children);
        json::array history;
        for (const auto& e : d.history) {
            history.push_back(json::object{
                {"seq", e.seq},
                {"event", e.event},
                {"actor", e.actor},
                {"at", format_local_iso(e.at, loaded.zone->offset_at(e.at))},
                {"state_before", e.state_before},
                {"state_after", e.state_after},
                {"data", payload_value(e.payload)}});
        }
        body["history"] = std::move(history);
        return json_response(200, json::serialize(body));
    }

    Response post_event(const Request& request, const std::string& id, const Actor& actor) {
        auto parsed = parse_body(request.body);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            metrics.events_refused++;
            return json_error(400, *error, "body");
        }
        const json::value& value = std::get<json::value>(parsed);
        if (!value.is_object()) {
            metrics.events_refused++;
            return json_error(400, R"(the body must be an object: {"event":"…","data":{…}})",
                              "body");
        }
        const json::object& object = value.as_object();
        for (const auto& [key, member] : object) {
            if (key != "event" && key != "data") {
                metrics.events_refused++;
                return json_error(400,
                                  fmt::format("'{}' is not a known field; send event and data",
                                              std::string_view(key)),
                                  std::string(key));
            }
        }
        const auto* event = object.if_contains("event");
        if (!event || !event->is_string() || event->as_string().empty()) {
            metrics.events_refused++;
            return json_error(400, "event is required and must be a text", "event");
        }
        std::string data = "{}";
        if (const auto* member = object.if_contains("data")) {
            if (!member->is_object()) {
                metrics.events_refused++;
                return json_error(400, "data must be an object", "data");
            }
            data = json::serialize(*member);
        }
        Response response = apply(id, std::string(event->as_string()), actor, data);
        return response;
    }

    /// Applies an event and answers as the API does.
    Response apply(const std::string& id, const std::string& event, const Actor& actor,
                   const std::string& data) {
        const ApplyResult result = cases->apply(id, event, actor, data, now());
        if (result.status != ApplyStatus::ok) metrics.events_refused++;
        switch (result.status) {
            case ApplyStatus::ok: {
                metrics.events_applied++;
                generation++;
                if (settings.on_change) settings.on_change();
                return json_response(
                    200, json::serialize(json::object{
                             {"id", id},
                             {"event", event},
                             {"state_before", result.state_before},
                             {"state", result.state_after},
                             {"allowed_events", string_array(result.allowed_events)},
                             {"opened_cases", string_array(result.opened_cases)},
                             {"mails_queued", result.mails_queued}}));
            }
            case ApplyStatus::bad_payload: {
                json::object extra;
                if (result.field == "event") {
                    extra["allowed_events"] = string_array(result.allowed_events);
                }
                const std::string field =
                    result.field.empty() || result.field == "event" ? result.field
                                                                    : "data." + result.field;
                return json_error(400, result.message, field.empty() ? "data" : field,
                                  std::move(extra));
            }
            case ApplyStatus::forbidden:
                return json_error(403, result.message, "event");
            case ApplyStatus::not_found:
                return json_error(404, result.message, "id");
            case ApplyStatus::conflict:
                return json_error(409, result.message, "event",
                                  json::object{{"state", result.state_before},
                                               {"allowed_events",
                                                string_array(result.allowed_events)}});
        }
        return json_error(500, "internal error");
    }

    // ---- Dashboard -----------------------------------------------------------------------

    const Session* session_of(const Request& request) {
        auto id = cookie(request, kSessionCookie);
        return id ? sessions.find(*id, now()) : nullptr;
    }

    ui::Page page_of(const Session& session) const {
        const Area* area = loaded.config.find_area(session.user.area_id);
        return ui::Page{loaded.config.organisation.name, &session.user, session.csrf,
                        &*loaded.zone, area ? area->name : std::string{}};
    }

    /// POST forms must come from our own pages: the CSRF token of the session, and an Origin
    /// (when the browser sends one) naming this host.
    bool same_origin(const Request& request) const {
        const std::string origin = request.header("origin");
        return origin.empty() || origin == "http://" + request.header("host") ||
               origin == "https://" + request.header("host");
    }

    Response dashboard(const Request& request) {
        const bool get = request.method == "GET" || request.method == "HEAD";
        const std::string& path = request.path;
        if (path == "/assets/app.css") {
            if (!get) return html(405, ui::error_page(nullptr, 405, "Metoden er ikke tilladt."));
            Response response{200, "text/css; charset=utf-8", {}, std::string(ui::kStylesheet)};
            return response;
        }
        if (path == "/login") {
            if (get) return html(200, ui::login_page(loaded.config.organisation.name, {}));
            if (request.method == "POST") return login(request);
            return html(405, ui::error_page(nullptr, 405, "Metoden er ikke tilladt."));
        }
        const Session* session = session_of(request);
        if (!session) {
            if (get) return redirect("/login");
            return html(401, ui::login_page(loaded.config.organisation.name,
                                            "Din session er udløbet. Log ind igen."));
        }
        const ui::Page page = page_of(*session);
        if (request.method == "POST") {
            auto form = parse_form(request.body);
            if (!same_origin(request) ||
                !constant_time_equal(first_value(form, "csrf"), session->csrf)) {
                return html(403, ui::error_page(&page, 403,
                                                "Formularen mangler et gyldigt sikkerhedstegn "
                                                "(CSRF). Genindlæs siden og prøv igen."));
            }
            if (path == "/logout") {
                sessions.remove(session->id);
                Response response = redirect("/login");
                response.headers.emplace_back(
                    "Set-Cookie", fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                                              kSessionCookie));
                return response;
            }
            if (path == "/event") return form_event(page, form);
            if (path == "/calendar") return calendar_page(page, first_value(form, "action"));
            return html(404, ui::error_page(&page, 404, "Siden findes ikke."));
        }
        if (!get) return html(405, ui::error_page(&page, 405, "Metoden er ikke tilladt."));
        if (path == "/") return overview(request, page);
        if (path == "/calendar") return calendar_page(page, {});
        if (path == "/report" || path == "/report.csv") {
            return political(request, page, path == "/report.csv");
        }
        constexpr std::string_view prefix = "/cycles/";
        if (path.compare(0, prefix.size(), prefix) == 0 && path.size() > prefix.size()) {
            const std::string done = request.param("ok");
            return cycle_page(page, path.substr(prefix.size()),
                              done.empty() ? std::string{}
                                           : fmt::format("Registreret: {}.", ui::event_label(done)),
                              false, 200);
        }
        return html(404, ui::error_page(&page, 404, "Siden findes ikke."));
    }

    Response login(const Request& request) {
        auto form = parse_form(request.body);
        auto user = user_for_token(first_value(form, "token"));
        if (!user) {
            return html(401, ui::login_page(loaded.config.organisation.name,
                                            "Tokenet er ikke gyldigt."));
        }
        const Session& session = sessions.create(*user, now());
        Response response = redirect("/");
        response.headers.emplace_back(
            "Set-Cookie",
            fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", kSessionCookie,
                        session.id,
                        std::chrono::duration_cast<std::chrono::seconds>(kSessionLifetime).count()));
        return response;
    }

    Response overview(const Request& request, const ui::Page& page) {
        const Actor actor = actor_of(*page.user);
        ui::OverviewFilter shown;
        shown.area = request.param("area");
        shown.kind = request.param("kind");
        shown.state = request.param("state");
        shown.overdue = request.param("overdue") == "1";
        shown.all = request.param("all") == "1";
        CycleFilter filter;
        if (loaded.config.find_area(shown.area)) filter.area = shown.area;
        if (parse_kind(shown.kind)) filter.kind = shown.kind;
        if (contains(state_names, shown.state)) filter.state = shown.state;
        filter.overdue_only = shown.overdue;
        filter.include_final = shown.all;
        const auto rows = list_cycles(*store, *cases, filter, &actor, today());
        return html(200, ui::overview_page(page, loaded.config, rows, shown, state_names));
    }

    /// A calendar feed by its secret (the URL is the credential; no session or token).
    Response feed(std::string_view file) {
        constexpr std::string_view suffix = ".ics";
        std::optional<StoredUser> user;
        if (file.size() == 64 + suffix.size() && file.substr(64) == suffix &&
            file.substr(0, 64).find_first_not_of("0123456789abcdef") == std::string_view::npos) {
            user = store->find_feed_user(sha256_hex(file.substr(0, 64)));
        }
        if (!user) return json_error(404, "no such calendar feed (revoked, or never made)");
        Response response{200, "text/calendar; charset=utf-8", {},
                          calendar_feed(*store, *cases, *user, now())};
        return response;
    }

    /// The user's own calendar feeds: make a new secret URL (shown once) or revoke them all.
    Response calendar_page(const ui::Page& page, const std::string& action) {
        std::string url;
        std::string message;
        if (action == "create") {
            const std::string secret = random_hex_256();
            store->add_feed(page.user->id, sha256_hex(secret), now());
            url = feed_url(loaded.config, secret);
        } else if (action == "revoke") {
            const int revoked = store->revoke_feeds(page.user->id, now());
            message = fmt::format("{} kalender-link{} tilbagekaldt.", revoked,
                                  revoked == 1 ? "" : "s");
        }
        return html(200, ui::calendar_page(page, url, message));
    }

    /// The political report for admin and director (every area) and an area chief (its own).
    Response political(const Request& request, const ui::Page& page, bool csv) {
        const Actor actor = actor_of(*page.user);
        if (actor.role == Role::leader || actor.role == Role::board) {
            return html(403, ui::error_page(&page, 403,
                                            "Den politiske rapport er for administration, "
                                            "direktion og områdechefer."));
        }
        int year = static_cast<int>(std::chrono::year_month_day{today()}.year());
        if (request.has_param("year")) {
            const auto asked = parse_report_year(request.param("year"));
            if (!asked) {
                return html(400, ui::error_page(&page, 400, "Året skal være fra 2000 til 2100."));
            }
            year = *asked;
        }
        std::vector<std::string> areas;
        if (actor.role == Role::area_chief) areas.push_back(actor.area_id);
        const PoliticalReport report = build_political_report(*store, loaded.config, year, areas);
        if (csv) {
            Response response{200, "text/csv; charset=utf-8", {}, political_report_csv(report)};
            response.headers.emplace_back(
                "Content-Disposition",
                fmt::format("attachment; filename=\"politisk-rapport-{}.csv\"", year));
            return response;
        }
        return html(200, ui::report_page(page, year, political_report_html(report, loaded.config)));
    }

    Response cycle_page(const ui::Page& page, const std::string& id, std::string message,
                        bool error, int status) {
        const Actor actor = actor_of(*page.user);
        auto found = cycle_detail(*store, *cases, id, &actor, today());
        if (!found) return html(404, ui::error_page(&page, 404, "Forløbet findes ikke."));
        const auto mine = events_for_role(found->allowed_events, actor.role);
        return html(status, ui::cycle_page(page, loaded.config, *found, mine, message, error));
    }

    Response form_event(const ui::Page& page, const Fields& form) {
        const std::string id = first_value(form, "cycle");
        const std::string event = first_value(form, "event");
        const std::string data = ui::form_payload(event, form);
        Response api_answer = apply(id, event, actor_of(*page.user), data);
        if (api_answer.status == 200) {
            return redirect("/cycles/" + ui::cycle_path(id) + "?ok=" + percent_encode(event));
        }
        if (api_answer.status == 404) {
            return html(404, ui::error_page(&page, 404, "Forløbet findes ikke."));
        }
        std::string message = api_answer.body;
        boost::system::error_code ec;
        auto value = json::parse(api_answer.body, ec);
        if (!ec && value.is_object() && value.as_object().if_contains("error")) {
            message = std::string(value.as_object().at("error").as_string());
        }
        return cycle_page(page, id, message, true, api_answer.status);
    }
};

Response WebApp::Impl::route(const Request& request) {
    const std::string& path = request.path;
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (path == "/healthz") {
        if (!get) return not_allowed("GET");
        try {
            const int version = store->schema_version();
            return json_response(200, fmt::format(R"({{"status":"ok","schema":{}}})", version));
        } catch (const std::exception& e) {
            return json_error(503, fmt::format("the database does not answer: {}", e.what()));
        }
    }
    if (path == "/metrics") {
        if (!get) return not_allowed("GET");
        Response response{200, "text/plain; version=0.0.4; charset=utf-8", {},
                          metrics.render(store->outbox_count("pending"),
                                         store->outbox_count("failed"))};
        return response;
    }
    if (path.compare(0, kApiPrefix.size(), kApiPrefix) == 0) return api(request);
    constexpr std::string_view feeds = "/feeds/";
    if (path.compare(0, feeds.size(), feeds) == 0) {
        if (!get) return not_allowed("GET");
        return feed(path.substr(feeds.size()));
    }
    return dashboard(request);
}

WebApp::WebApp(WebAppSettings settings, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(settings), metrics)) {
    LoadedConfig loaded = load_config(impl_->settings.config_path);
    if (!loaded.ok()) {
        throw std::runtime_error(fmt::format("{} is not valid: {}", impl_->settings.config_path,
                                             format_problem(loaded.problems.front())));
    }
    impl_->store = open_store(impl_->settings.db_url);
    impl_->install(std::move(loaded));
}

WebApp::~WebApp() = default;

bool WebApp::reload() {
    LoadedConfig loaded = load_config(impl_->settings.config_path);
    if (!loaded.ok()) return false;
    impl_->install(std::move(loaded));
    data_changed();
    return true;
}

void WebApp::data_changed() { impl_->generation++; }

Response WebApp::handle(const Request& request) {
    const auto started = std::chrono::steady_clock::now();
    Response response;
    try {
        response = impl_->route(request);
    } catch (const StoreError& e) {
        response = json_error(503, fmt::format("the database failed: {}", e.what()));
        try {
            impl_->store->reconnect_if_lost();  // a restarted PostgreSQL: the next request works
        } catch (const std::exception&) {
        }
    } catch (const std::exception& e) {
        response = json_error(500, fmt::format("internal error: {}", e.what()));
    }
    impl_->metrics.observe_request(std::chrono::steady_clock::now() - started);
    return response;
}

}  // namespace tilsyn::http
