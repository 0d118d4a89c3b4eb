// The route table on its own: patterns with parameters (cycle ids hold slashes), the most
// specific pattern first, 405 with the allowed methods, 404 in the kind of its neighbours.
#include "adapters/http/route_table.hpp"

#include <catch2/catch.hpp>

using namespace tilsyn::http;

namespace {

/// A table whose handlers answer with the route's pattern.
RouteTable table() {
    RouteTable routes;
    auto add = [&](const char* method, const char* pattern, RouteKind kind) {
        routes.add(method, pattern, kind, [pattern](const Request&, const PathParams&) {
            return Response{200, "text/plain", {}, pattern};
        });
    };
    add("GET", "/", RouteKind::page);
    add("GET", "/api/v1/cycles", RouteKind::api);
    add("GET", "/api/v1/cycles/{id...}", RouteKind::api);
    add("POST", "/api/v1/cycles/{id...}/events", RouteKind::api);
    add("GET", "/feeds/{secret}.ics", RouteKind::api);
    add("GET", "/calendar", RouteKind::page);
    add("POST", "/calendar", RouteKind::page);
    add("GET", "/cycles/{id...}", RouteKind::page);
    add("GET", "/people/{name}/mail", RouteKind::page);
    return routes;
}

std::string pattern_of(const RouteMatch& match) {
    REQUIRE(match.outcome == RouteMatch::Outcome::found);
    return match.route->pattern;
}

}  // namespace

TEST_CASE("literal paths find their route and nothing else", "[web][routes]") {
    const RouteTable routes = table();
    CHECK(pattern_of(routes.match("GET", "/")) == "/");
    CHECK(pattern_of(routes.match("GET", "/api/v1/cycles")) == "/api/v1/cycles");
    CHECK(pattern_of(routes.match("GET", "/calendar")) == "/calendar");
    CHECK(routes.match("GET", "/api/v1/cycle").outcome == RouteMatch::Outcome::not_found);
    CHECK(routes.match("GET", "/calendar/x").outcome == RouteMatch::Outcome::not_found);
    CHECK(routes.match("GET", "").outcome == RouteMatch::Outcome::not_found);
}

TEST_CASE("a rest parameter takes a cycle id with its slashes", "[web][routes]") {
    const RouteTable routes = table();
    RouteMatch match = routes.match("GET", "/api/v1/cycles/qr/frydenlund skole/2026-08-03");
    CHECK(pattern_of(match) == "/api/v1/cycles/{id...}");
    CHECK(first_value(match.params, "id") == "qr/frydenlund skole/2026-08-03");

    match = routes.match("POST", "/api/v1/cycles/qr/frydenlund/2026-08-03/events");
    CHECK(pattern_of(match) == "/api/v1/cycles/{id...}/events");
    CHECK(first_value(match.params, "id") == "qr/frydenlund/2026-08-03");

    match = routes.match("GET", "/cycles/sv/frydenlund/2026-10-05/1");
    CHECK(first_value(match.params, "id") == "sv/frydenlund/2026-10-05/1");

    // At least one segment, and not an empty one.
    CHECK(routes.match("GET", "/api/v1/cycles/").outcome == RouteMatch::Outcome::not_found);
    CHECK(routes.match("POST", "/api/v1/cycles/events").outcome ==
          RouteMatch::Outcome::wrong_method);  // the cycle "events"
}

TEST_CASE("a one-segment parameter takes one segment, less its suffix", "[web][routes]") {
    const RouteTable routes = table();
    RouteMatch match = routes.match("GET", "/feeds/0123abcd.ics");
    CHECK(pattern_of(match) == "/feeds/{secret}.ics");
    CHECK(first_value(match.params, "secret") == "0123abcd");
    CHECK(routes.match("GET", "/feeds/.ics").outcome == RouteMatch::Outcome::not_found);
    CHECK(routes.match("GET", "/feeds/0123abcd").outcome == RouteMatch::Outcome::not_found);
    CHECK(routes.match("GET", "/feeds/a/b.ics").outcome == RouteMatch::Outcome::not_found);

    match = routes.match("GET", "/people/anne/mail");
    CHECK(first_value(match.params, "name") == "anne");
    CHECK(routes.match("GET", "/people//mail").outcome == RouteMatch::Outcome::not_found);
}

TEST_CASE("the pattern with more literal segments wins, whatever the method", "[web][routes]") {
    const RouteTable routes = table();
    // GET of an events path is not the detail of a cycle whose id ends in "/events".
    const RouteMatch match = routes.match("GET", "/api/v1/cycles/qr/x/2026-08-03/events");
    CHECK(match.outcome == RouteMatch::Outcome::wrong_method);
    CHECK(match.allow == "POST");
    CHECK(match.kind == RouteKind::api);
}

TEST_CASE("a known path with another method is 405 with the methods it has", "[web][routes]") {
    const RouteTable routes = table();
    RouteMatch match = routes.match("DELETE", "/calendar");
    CHECK(match.outcome == RouteMatch::Outcome::wrong_method);
    CHECK(match.allow == "GET, POST");
    CHECK(match.kind == RouteKind::page);
    match = routes.match("POST", "/api/v1/cycles");
    CHECK(match.allow == "GET");
    CHECK(match.kind == RouteKind::api);
    // HEAD is answered as GET.
    CHECK(pattern_of(routes.match("HEAD", "/calendar")) == "/calendar");
    CHECK(routes.match("HEAD", "/api/v1/cycles/x/events").allow == "POST");
}

TEST_CASE("an unknown path answers in the kind of the routes sharing its first segment",
          "[web][routes]") {
    const RouteTable routes = table();
    CHECK(routes.match("GET", "/api/v2/cycles").kind == RouteKind::api);
    CHECK(routes.match("GET", "/feeds/x").kind == RouteKind::api);
    CHECK(routes.match("GET", "/nothing").kind == RouteKind::page);
    CHECK(routes.match("GET", "/cycles").kind == RouteKind::page);
}

TEST_CASE("malformed patterns are refused when added", "[web][routes]") {
    RouteTable routes;
    const RouteHandler handler = [](const Request&, const PathParams&) { return Response{}; };
    for (const char* bad :
         {"no-slash", "/a/{}", "/a/{open", "/a/x{id}", "/{a...}/{b...}", "/{id...}.ics"}) {
        CHECK_THROWS_AS(routes.add("GET", bad, RouteKind::api, handler), std::invalid_argument);
    }
    CHECK(routes.routes().empty());
}
