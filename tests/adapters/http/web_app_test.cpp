// The web app without a server: requests as values through its route table into a real SQLite
// database with the shipped configuration: the route table against openapi.json, errors by
// kind of route, the dashboard's forms answered from the case service's result, and 5xx
// answers to stored rows the engine cannot read, with the log of them.
#include "adapters/http/web_app.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/http/dashboard.hpp"
#include "adapters/http/web_context.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/calendar.hpp"
#include "engine/case_service.hpp"
#include "engine/scheduler.hpp"
#include "engine/sha256.hpp"
#include "temp_dir.hpp"
#include "tests/engine/danish_words.hpp"

using namespace tilsyn;
using namespace tilsyn::http;

namespace {

constexpr const char* kAdminToken = "web-test-admin-token";

std::string header_of(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return {};
}

/// The shipped configuration's cycles opened on 2026-09-07 in a new SQLite database, an admin
/// with a token, and a web app over them whose log goes to `log_text`.
struct WebWorld {
    testing::TempDir dir{"tilsyn-web"};
    std::string config = std::string(TILSYN_SOURCE_DIR) + "/config/aarhus.yaml";
    std::string db_path = (dir.path() / "web.db").string();
    Instant now{};
    std::ostringstream log_text;
    Metrics metrics;
    std::unique_ptr<Store> store;  // our own connection, to look at and to spoil rows
    std::string cycle;             // a quality report cycle
    std::unique_ptr<WebApp> app;

    WebWorld() {
        store = open_store("sqlite:" + db_path);
        store->migrate();
        LoadedConfig loaded = load_config(config);
        REQUIRE(loaded.ok());
        const auto domain = make_domain(std::move(loaded));
        now = domain->zone.to_instant(*parse_date("2026-09-07"), std::chrono::hours{9});
        store->sync_directory(domain->config);
        CaseService cases(*store, domain);
        Scheduler(*store, cases).tick(now);
        StoredUser admin;
        admin.email = "admin@tilsyn.local";
        admin.role = "admin";
        admin.token_hash = sha256_hex(kAdminToken);
        admin.source = "manual";
        REQUIRE(store->add_user(admin));
        for (const auto& row : store->cycle_status("", "")) {
            if (row.cycle.workflow == "quality_report") cycle = row.cycle.id;
        }
        REQUIRE_FALSE(cycle.empty());

        WebAppSettings settings;
        settings.domain = domain;
        settings.db_url = "sqlite:" + db_path;
        settings.clock = [this] { return now; };
        settings.log = std::make_shared<spdlog::logger>(
            "web-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text));
        app = std::make_unique<WebApp>(std::move(settings), metrics);
    }

    Response send(std::string method, const std::string& target, Fields headers = {},
                  std::string body = {}) {
        Request request;
        request.method = std::move(method);
        request.target = target;
        const auto question = target.find('?');
        request.path = percent_decode(target.substr(0, question)).value();
        if (question != std::string::npos) request.query = parse_form(target.substr(question + 1));
        request.headers = std::move(headers);
        request.body = std::move(body);
        return app->handle(request);
    }

    Response api(const std::string& target) {
        return send("GET", target, {{"authorization", std::string("Bearer ") + kAdminToken}});
    }

    /// The session cookie ("tilsyn_session=…") of the admin logged in to the dashboard.
    std::string login() {
        const Response response = send("POST", "/login", {}, std::string("token=") + kAdminToken);
        REQUIRE(response.status == 303);
        const std::string cookie = header_of(response, "Set-Cookie");
        return cookie.substr(0, cookie.find(';'));
    }

    /// Rewrites rows with SQL the store would never run.
    void spoil(const std::string& sql) {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
        char* error = nullptr;
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
        const std::string message = error ? error : "";
        sqlite3_free(error);
        sqlite3_close(db);
        REQUIRE(message.empty());
        REQUIRE(rc == SQLITE_OK);
    }
};

/// The request id a 5xx answer names, checked to be the same in header and body.
std::string request_id_of(const Response& response) {
    const std::string id = header_of(response, "X-Request-Id");
    CHECK(std::regex_match(id, std::regex("[0-9a-f]{16}")));
    CHECK(id.size() == kRequestIdLength);
    CHECK(response.body.find(id) != std::string::npos);
    return id;
}

std::string openapi_path(std::string pattern) {
    for (auto at = pattern.find("...}"); at != std::string::npos; at = pattern.find("...}")) {
        pattern.erase(at, 3);
    }
    return pattern;
}

}  // namespace

TEST_CASE("openapi.json describes exactly the routes that answer in JSON", "[web][openapi]") {
    Metrics metrics;
    WebContext context({}, metrics);
    RouteTable routes;
    add_api_routes(routes, context);
    add_dashboard_routes(routes, context);
    std::set<std::pair<std::string, std::string>> real;
    for (const Route& route : routes.routes()) {
        if (route.kind != RouteKind::api) continue;
        std::string method = route.method;
        std::transform(method.begin(), method.end(), method.begin(), ::tolower);
        real.emplace(openapi_path(route.pattern), method);
    }
    std::set<std::pair<std::string, std::string>> documented;
    const auto doc = boost::json::parse(kOpenApiJson).as_object();
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [method, operation] : item.as_object()) {
            documented.emplace(std::string(path), std::string(method));
        }
    }
    CHECK(real == documented);
    CHECK(real.count({"/api/v1/cycles/{id}/events", "post"}) == 1);
}

TEST_CASE("publication.path's reserved first segments are exactly those of Tilsyn's own routes",
          "[web][publication]") {
    Metrics metrics;
    WebContext context({}, metrics);
    RouteTable routes;
    add_api_routes(routes, context);
    add_dashboard_routes(routes, context);
    std::set<std::string> used;
    for (const Route& route : routes.routes()) {
        const std::string first = route.pattern.substr(1, route.pattern.find('/', 1) - 1);
        if (!first.empty()) used.insert(first);  // "/" (the overview) takes no segment
    }
    const std::set<std::string> reserved(std::begin(kReservedPaths), std::end(kReservedPaths));
    CHECK(used == reserved);
}

TEST_CASE("an internal error answers 500 with a request id and logs the error under it", "[web]") {
    WebWorld w;
    REQUIRE(w.api("/api/v1/cycles/" + w.cycle).status == 200);
    const std::string cookie = w.login();
    auto cycle = *w.store->find_cycle(w.cycle);
    cycle.anchors = "{not json";  // what the engine reads the cycle's dates from
    w.store->update_cycle(cycle);

    SECTION("the API answers in JSON") {
        const Response response = w.api("/api/v1/cycles/" + w.cycle);
        CHECK(response.status == 500);
        CHECK(response.content_type == "application/json");
        const std::string id = request_id_of(response);
        const auto body = boost::json::parse(response.body).as_object();
        CHECK(body.at("error").as_string() == "internal_error");
        CHECK(body.at("message").as_string() ==
              "Der opstod en intern fejl. Hvis fejlen bliver ved, så oplys fejlkoden " + id +
                  " til en administrator.");
        CHECK(body.at("request_id").as_string() == id);
        CHECK(body.size() == 3);
        const std::string log = w.log_text.str();
        CHECK(log.find("request " + id) != std::string::npos);
        CHECK(log.find("GET /api/v1/cycles/{id...}") != std::string::npos);
        CHECK(log.find("stored anchors are not a JSON object") != std::string::npos);
    }
    SECTION("the dashboard answers with a page in Danish") {
        const Response response = w.send("GET", "/cycles/" + w.cycle, {{"cookie", cookie}});
        CHECK(response.status == 500);
        CHECK(response.content_type == "text/html; charset=utf-8");
        const std::string id = request_id_of(response);
        CHECK(response.body.find("Der opstod en intern fejl.") != std::string::npos);
        for (const char* internal : {"anchors", "JSON", "stored", "timeline", "exception"}) {
            CHECK(response.body.find(internal) == std::string::npos);
        }
        const std::string log = w.log_text.str();
        CHECK(log.find("request " + id) != std::string::npos);
        CHECK(log.find("stored anchors are not a JSON object") != std::string::npos);
    }
}

TEST_CASE("a database failure on the dashboard is 503 with a request id and nothing more",
          "[web]") {
    WebWorld w;
    const std::string cookie = w.login();
    w.spoil("UPDATE deadlines SET due_on = 'soon'");
    const Response response = w.send("GET", "/cycles/" + w.cycle, {{"cookie", cookie}});
    CHECK(response.status == 503);
    const std::string id = request_id_of(response);
    CHECK(response.body.find("Databasen svarer ikke lige nu.") != std::string::npos);
    CHECK(response.body.find("soon") == std::string::npos);
    CHECK(response.body.find("due_on") == std::string::npos);
    const std::string log = w.log_text.str();
    CHECK(log.find("request " + id) != std::string::npos);
    CHECK(log.find("soon") != std::string::npos);

    // The API: the code and the Danish message for people, the store's reason in `detail`.
    const Response api = w.api("/api/v1/cycles/" + w.cycle);
    CHECK(api.status == 503);
    const std::string api_id = request_id_of(api);
    const auto body = boost::json::parse(api.body).as_object();
    CHECK(body.at("error").as_string() == "database_unavailable");
    CHECK(std::string(body.at("message").as_string())
              .starts_with("Databasen svarer ikke lige nu. Prøv igen om lidt."));
    CHECK_FALSE(body.at("detail").as_string().empty());
    CHECK(body.at("request_id").as_string() == api_id);
}

TEST_CASE("a refused dashboard form shows the case service's reason, field and status",
          "[web][dashboard]") {
    WebWorld w;
    const std::string cookie = w.login();
    const Response page = w.send("GET", "/cycles/" + w.cycle, {{"cookie", cookie}});
    REQUIRE(page.status == 200);
    std::smatch csrf;
    const std::regex csrf_field(R"re(name="csrf" value="([0-9a-f]{64})")re");
    REQUIRE(std::regex_search(page.body, csrf, csrf_field));
    auto post = [&](const std::string& event, const std::string& fields) {
        return w.send("POST", "/event",
                      {{"cookie", cookie}, {"content-type", "application/x-www-form-urlencoded"}},
                      "csrf=" + csrf[1].str() + "&cycle=" + percent_encode(w.cycle) +
                          "&event=" + event + fields);
    };

    // In the refused form: the Danish message beside the field at fault, what was sent kept.
    Response response = post("cycle_cancelled", "&reason=+");
    CHECK(response.status == 400);
    const std::regex refused_form(
        R"re(<form [^>]*data-event="cycle_cancelled"><h3>[^<]*</h3>)re"
        R"re(<input type="hidden" name="csrf" value="[0-9a-f]{64}">)re"
        R"re(<input type="hidden" name="cycle" value="[^"]*"><input type="hidden" name="event" )re"
        R"re(value="cycle_cancelled"><p class="error" role="alert" data-field="reason">)re"
        R"re(Udfyld »Begrundelse«\.</p><label>Begrundelse <span class="req">\*</span>)re"
        R"re(<textarea name="reason" rows="3" required aria-invalid="true"> </textarea>)re");
    CHECK(std::regex_search(response.body, refused_form));
    response = post("report_submitted", "");
    CHECK(response.status == 403);
    // Not offered to the administrator, so above the forms; in the configuration's titles.
    const std::string role_refusal =
        "»Indsend kvalitetsrapport« er en opgave for Leder, og du er logget ind som "
        "Administrator. Du kan nu vælge »Annullér forløbet«.";
    CHECK(response.body.find(R"(<p class="error" role="alert" data-field="event">)" +
                             ui::escape(role_refusal) + "</p>") != std::string::npos);
    CHECK_DANISH(role_refusal);
    CHECK(w.store->find_cycle(w.cycle)->state == "ReportInPreparation");

    response = post("cycle_cancelled", "&reason=Lukket");
    CHECK(response.status == 303);
    CHECK(header_of(response, "Location").find("?ok=cycle_cancelled") != std::string::npos);
    CHECK(w.store->find_cycle(w.cycle)->state == "Cancelled");
    response = post("cycle_cancelled", "&reason=Igen");
    CHECK(response.status == 409);
    CHECK(response.body.find("»Annullér forløbet« er ikke muligt nu, hvor forløbet står i "
                             "»Annulleret«. Lige nu er der ingen handlinger for dig i forløbet.") !=
          std::string::npos);
}

TEST_CASE("openapi.json lists every error code, and only those", "[web]") {
    const auto doc = boost::json::parse(kOpenApiJson).as_object();
    const auto& error = doc.at("components").at("schemas").at("Error").as_object();
    std::set<std::string> documented;
    for (const auto& code : error.at("properties").at("error").at("enum").as_array()) {
        documented.emplace(code.as_string());
    }
    std::set<std::string> codes;
    for (int i = 0; i <= static_cast<int>(ErrorCode::internal_error); ++i) {
        codes.emplace(error_code_name(static_cast<ErrorCode>(i)));
    }
    CHECK(documented == codes);
    CHECK(boost::json::serialize(error.at("required")) == R"(["error","message"])");
}

TEST_CASE("every API error carries a stable code and a Danish message", "[web]") {
    WebWorld w;
    const std::string auth = std::string("Bearer ") + kAdminToken;
    auto body_of = [](const Response& response) {
        CHECK(response.content_type == "application/json");
        const auto body = boost::json::parse(response.body).as_object();
        CHECK_DANISH(std::string(body.at("message").as_string()));
        return body;
    };
    auto post = [&](const std::string& json) {
        return w.send("POST", "/api/v1/cycles/" + w.cycle + "/events",
                      {{"authorization", auth}, {"content-type", "application/json"}}, json);
    };
    struct Case {
        Response response;
        int status;
        const char* code;
        const char* field;
    };
    const std::vector<Case> cases = {
        {w.send("GET", "/api/v1/me"), 401, "token_missing", "Authorization"},
        {w.send("GET", "/api/v1/me", {{"authorization", "Bearer nope"}}), 401, "token_invalid",
         "Authorization"},
        {w.api("/api/v1/cycles/no/such/cycle"), 404, "not_found", "id"},
        {w.api("/api/v1/nothing"), 404, "not_found", ""},
        {w.send("DELETE", "/api/v1/cycles", {{"authorization", auth}}), 405, "method_not_allowed",
         ""},
        {w.api("/api/v1/cycles?areaa=syd"), 400, "unknown_field", "areaa"},
        {w.api("/api/v1/cycles?kind=zoo"), 400, "bad_value", "kind"},
        {post(R"({"event":"report_submitted","data":{"url":}})"), 400, "bad_json", "body"},
        {post(R"({"data":{}})"), 400, "field_required", "event"},
        {post(R"({"event":"frobnicate"})"), 400, "unknown_event", "event"},
        {post(R"({"event":"cycle_cancelled","data":{}})"), 400, "field_required", "data.reason"},
        {post(R"({"event":"report_submitted"})"), 403, "role_not_allowed", "event"},
    };
    for (const auto& c : cases) {
        INFO(c.code << ": " << c.response.body);
        CHECK(c.response.status == c.status);
        const auto body = body_of(c.response);
        CHECK(body.at("error").as_string() == c.code);
        if (*c.field) {
            CHECK(body.at("field").as_string() == c.field);
        } else {
            CHECK_FALSE(body.contains("field"));
        }
    }
    const auto kinds = body_of(cases[6].response);
    CHECK(boost::json::serialize(kinds.at("allowed")) == R"(["school","daycare","youth"])");
    CHECK(w.store->find_cycle(w.cycle)->state == "ReportInPreparation");

    REQUIRE(post(R"({"event":"cycle_cancelled","data":{"reason":"Lukket"}})").status == 200);
    const Response again = post(R"({"event":"cycle_cancelled","data":{"reason":"Igen"}})");
    CHECK(again.status == 409);
    const auto conflict = body_of(again);
    CHECK(conflict.at("error").as_string() == "not_allowed_in_state");
    CHECK(conflict.at("field").as_string() == "event");
    CHECK(conflict.at("state").as_string() == "Cancelled");
    CHECK(conflict.at("allowed_events").as_array().empty());
}

TEST_CASE("unknown paths are 404 and known ones with another method 405, in their kind", "[web]") {
    WebWorld w;
    Response response = w.api("/api/v1/nothing");
    CHECK(response.status == 404);
    CHECK(response.content_type == "application/json");
    response = w.send("DELETE", "/api/v1/cycles");
    CHECK(response.status == 405);
    CHECK(header_of(response, "Allow") == "GET");
    CHECK(response.content_type == "application/json");
    response = w.send("PUT", "/calendar");
    CHECK(response.status == 405);
    CHECK(header_of(response, "Allow") == "GET, POST");
    CHECK(response.body.find("Metoden er ikke tilladt.") != std::string::npos);
    response = w.send("GET", "/nothing", {{"cookie", w.login()}});
    CHECK(response.status == 404);
    CHECK(response.body.find("Siden findes ikke.") != std::string::npos);
    CHECK(response.body.find("Log ud") != std::string::npos);  // with the session's header
}

TEST_CASE(
    "the data package is recorded for every daycare of a round at once, through the API "
    "and the dashboard",
    "[web][many]") {
    WebWorld w;
    const Fields json_post{{"authorization", std::string("Bearer ") + kAdminToken},
                           {"content-type", "application/json"}};
    auto post = [&](const std::string& body) {
        return w.send("POST", "/api/v1/events", json_post, body);
    };
    auto daycare_states = [&] {
        std::set<std::string> states;
        for (const auto& row : w.store->cycle_status("", "")) {
            if (row.cycle.workflow == "learning_dialogue" &&
                row.cycle.institution_id.find("boern") != std::string::npos) {
                states.insert(row.cycle.state);
            }
        }
        return states;
    };
    REQUIRE(daycare_states() == std::set<std::string>{"AwaitingDataPackage"});
    // Bad requests: a stable code, a Danish message, the field, nothing changed.
    auto refused = [&](const std::string& body, int status, const char* code, const char* field) {
        const Response response = post(body);
        INFO(body << " -> " << response.body);
        CHECK(response.status == status);
        const auto answer = boost::json::parse(response.body).as_object();
        CHECK(answer.at("error").as_string() == code);
        CHECK(answer.at("field").as_string() == field);
        CHECK_DANISH(std::string(answer.at("message").as_string()));
    };
    refused(R"({"cycle":"learning-dialogue","kind":"hospital","round":1,)"
            R"("event":"data_package_published"})",
            400, "bad_value", "kind");
    refused(R"({"cycle":"learning-dialogue","kind":"daycare","round":9,)"
            R"("event":"data_package_published"})",
            400, "bad_value", "round");
    refused(R"({"cycle":"ukendt","kind":"daycare","round":1,"event":"data_package_published"})",
            404, "not_found", "cycle");
    refused(R"({"cycle":"learning-dialogue","kind":"daycare","round":1,)"
            R"("event":"observation_not_held","data":{"reason":"x"}})",
            400, "not_for_many", "event");
    refused(R"({"cycle":"learning-dialogue","kind":"daycare","round":1,)"
            R"("event":"data_package_published","data":{"url":"ftp://x"}})",
            400, "bad_value", "data.url");
    refused(R"({"cycle":"learning-dialogue","kind":"daycare","round":1,"event":"x","extra":1})",
            400, "unknown_field", "extra");
    CHECK(daycare_states() == std::set<std::string>{"AwaitingDataPackage"});

    const Response done = post(
        R"({"cycle":"learning-dialogue","kind":"daycare","round":1,)"
        R"("event":"data_package_published","data":{"url":"https://lis.example.dk/dagtilbud"}})");
    REQUIRE(done.status == 200);
    const auto answer = boost::json::parse(done.body).as_object();
    CHECK(answer.at("recorded").as_array().size() == 25);
    CHECK(answer.at("already").as_int64() == 0);
    CHECK(daycare_states() == std::set<std::string>{"AwaitingObservation"});
    refused(R"({"cycle":"learning-dialogue","kind":"daycare","round":1,)"
            R"("event":"data_package_published"})",
            409, "nothing_waiting", "round");

    // The dashboard: the administrator's nav links to the form, which records it for schools.
    const std::string cookie = w.login();
    const Response overview = w.send("GET", "/", {{"cookie", cookie}});
    CHECK(overview.body.find(R"(<a href="/many">Datapakke</a>)") != std::string::npos);
    const Response page = w.send("GET", "/many", {{"cookie", cookie}});
    REQUIRE(page.status == 200);
    CHECK(page.body.find(R"(<option value="school">Skole</option>)") != std::string::npos);
    CHECK(page.body.find(R"(<option value="4">Runde 4</option>)") != std::string::npos);
    std::smatch csrf;
    REQUIRE(std::regex_search(page.body, csrf,
                              std::regex(R"re(name="csrf" value="([0-9a-f]{64})")re")));
    auto form = [&](const std::string& fields) {
        return w.send("POST", "/many",
                      {{"cookie", cookie}, {"content-type", "application/x-www-form-urlencoded"}},
                      "csrf=" + csrf[1].str() +
                          "&cycle=learning-dialogue&event=data_package_published" + fields);
    };
    Response response = form("&kind=daycare&round=1&url=");
    CHECK(response.status == 409);
    CHECK(response.body.find("er allerede registreret for alle dagtilbud i runde 1") !=
          std::string::npos);
    response = form("&kind=school&round=1&url=https%3A%2F%2Flis.example.dk%2Fskoler");
    CHECK(response.status == 200);
    CHECK(response.body.find("Datapakke klar registreret for 49 skoler i runde 1.") !=
          std::string::npos);
}

TEST_CASE("a cycle's page leads to its tilbud's page; an unknown tilbud is a Danish 404",
          "[web][dashboard]") {
    WebWorld w;
    const std::string cookie = w.login();
    const auto cycle = w.store->find_cycle(w.cycle);
    REQUIRE(cycle);
    const Response page = w.send("GET", "/cycles/" + w.cycle, {{"cookie", cookie}});
    REQUIRE(page.status == 200);
    const std::string link = "/tilbud/" + cycle->institution_id;
    CHECK(page.body.find(R"(<a href=")" + link + R"(">Alt om tilbuddet</a>)") != std::string::npos);
    const Response institution = w.send("GET", link, {{"cookie", cookie}});
    REQUIRE(institution.status == 200);
    CHECK(institution.body.find(R"(class="timeline-chart")") != std::string::npos);
    CHECK(institution.body.find(R"(<a href="/cycles/)" + w.cycle) != std::string::npos);
    const Response unknown = w.send("GET", "/tilbud/ingen", {{"cookie", cookie}});
    CHECK(unknown.status == 404);
    CHECK(unknown.body.find(ui::escape(kInstitutionNotFoundMessage)) != std::string::npos);
    CHECK(w.send("GET", link).status == 303);  // no session: to the login page
}
