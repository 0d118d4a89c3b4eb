// The web app's routes: (method, path pattern) -> handler. A request either finds its handler
// with the path's parameters, or is told that the path is known but not for its method (405,
// with the methods that are), or that the path is unknown (404).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_types.hpp"

namespace tilsyn::http {

/// How a route answers, its errors included: `api` in JSON (and described in openapi.json),
/// `page` in HTML for the dashboard.
enum class RouteKind { api, page };

/// The path parameters by name, e.g. {"id", "qr/frydenlund/2026-08-03"}; read with first_value.
using PathParams = Fields;

using RouteHandler = std::function<Response(const Request&, const PathParams&)>;

/// A pattern is a path of segments separated by '/'. A segment is a literal, a parameter
/// `{name}` (one non-empty segment), a parameter with a literal suffix `{name}.ics`, or a rest
/// parameter `{name...}`: one or more segments with the slashes between them (cycle ids hold
/// slashes), at most one per pattern.
struct Route {
    std::string method;  // GET routes also answer HEAD
    std::string pattern;
    RouteKind kind = RouteKind::api;
    RouteHandler handler;
};

struct RouteMatch {
    enum class Outcome { found, wrong_method, not_found };
    Outcome outcome = Outcome::not_found;
    const Route* route = nullptr;  // found
    PathParams params;             // found
    std::string allow;             // wrong_method: the methods the path has, e.g. "GET, POST"
    /// How to answer: the route's kind, or for an unknown path the kind of the routes that
    /// share its first segment (`page` when none does).
    RouteKind kind = RouteKind::page;
};

class RouteTable {
  public:
    /// Throws std::invalid_argument for a malformed pattern (a programming error).
    void add(std::string method, std::string pattern, RouteKind kind, RouteHandler handler);

    /// When several patterns match a path, the one with the most literal segments wins (so
    /// `/cycles/{id...}/events` before `/cycles/{id...}`), then the one added first.
    RouteMatch match(std::string_view method, std::string_view path) const;

    const std::vector<Route>& routes() const { return routes_; }

  private:
    struct Segment {
        enum class Type { literal, param, rest };
        Type type = Type::literal;
        std::string text;    // literal: the segment; param and rest: the name
        std::string suffix;  // param: literal text after the closing brace
    };
    struct Compiled {
        std::vector<Segment> segments;
        int literals = 0;
    };

    static Compiled compile(std::string_view pattern);
    static bool matches(const Compiled& pattern, const std::vector<std::string_view>& path,
                        PathParams& params);
    RouteKind kind_by_first_segment(std::string_view segment) const;

    std::vector<Route> routes_;
    std::vector<Compiled> compiled_;  // by index into routes_
};

}  // namespace tilsyn::http
