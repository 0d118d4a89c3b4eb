#include "adapters/http/route_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace tilsyn::http {

namespace {

/// "/a/b" -> {"a", "b"}; "/" -> {""}. `path` starts with '/'.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

[[noreturn]] void bad_pattern(std::string_view pattern, std::string_view why) {
    throw std::invalid_argument(fmt::format("route pattern '{}': {}", pattern, why));
}

}  // namespace

RouteTable::Compiled RouteTable::compile(std::string_view pattern) {
    if (pattern.empty() || pattern.front() != '/') bad_pattern(pattern, "must start with '/'");
    Compiled out;
    bool has_rest = false;
    for (std::string_view text : split_path(pattern)) {
        Segment segment;
        if (text.empty() || text.front() != '{') {
            if (text.find_first_of("{}") != std::string_view::npos) {
                bad_pattern(pattern, "a parameter must start its segment");
            }
            segment.text = std::string(text);
            out.literals++;
            out.segments.push_back(std::move(segment));
            continue;
        }
        const auto close = text.find('}');
        if (close == std::string_view::npos || close == 1) bad_pattern(pattern, "bad parameter");
        std::string_view name = text.substr(1, close - 1);
        segment.suffix = std::string(text.substr(close + 1));
        constexpr std::string_view kEllipsis = "...";
        if (name.size() > kEllipsis.size() &&
            name.substr(name.size() - kEllipsis.size()) == kEllipsis) {
            if (has_rest || !segment.suffix.empty()) {
                bad_pattern(pattern, "one rest parameter at most, with no suffix");
            }
            has_rest = true;
            name.remove_suffix(kEllipsis.size());
            segment.type = Segment::Type::rest;
        } else {
            segment.type = Segment::Type::param;
        }
        segment.text = std::string(name);
        out.segments.push_back(std::move(segment));
    }
    return out;
}

void RouteTable::add(std::string method, std::string pattern, RouteKind kind,
                     RouteHandler handler) {
    compiled_.push_back(compile(pattern));
    routes_.push_back(Route{std::move(method), std::move(pattern), kind, std::move(handler)});
}

bool RouteTable::matches(const Compiled& pattern, const std::vector<std::string_view>& path,
                         PathParams& params) {
    auto one = [&](const Segment& segment, std::string_view text) {
        if (segment.type == Segment::Type::literal) return text == segment.text;
        const std::string& suffix = segment.suffix;
        if (text.size() <= suffix.size() || text.substr(text.size() - suffix.size()) != suffix) {
            return false;
        }
        params.emplace_back(segment.text, std::string(text.substr(0, text.size() - suffix.size())));
        return true;
    };
    const auto& segments = pattern.segments;
    const auto rest = std::find_if(segments.begin(), segments.end(),
                                   [](const Segment& s) { return s.type == Segment::Type::rest; });
    if (rest == segments.end()) {
        if (segments.size() != path.size()) return false;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (!one(segments[i], path[i])) return false;
        }
        return true;
    }
    // The rest parameter takes what the segments before and after it leave.
    const std::size_t before = static_cast<std::size_t>(rest - segments.begin());
    const std::size_t after = segments.size() - before - 1;
    if (path.size() < before + 1 + after) return false;
    for (std::size_t i = 0; i < before; ++i) {
        if (!one(segments[i], path[i])) return false;
    }
    for (std::size_t i = 0; i < after; ++i) {
        if (!one(segments[before + 1 + i], path[path.size() - after + i])) return false;
    }
    const std::string value =
        fmt::format("{}", fmt::join(path.begin() + static_cast<std::ptrdiff_t>(before),
                                    path.end() - static_cast<std::ptrdiff_t>(after), "/"));
    if (value.empty()) return false;
    params.emplace_back(rest->text, value);
    return true;
}

RouteKind RouteTable::kind_by_first_segment(std::string_view segment) const {
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const Segment& first = compiled_[i].segments.front();
        if (first.type == Segment::Type::literal && first.text == segment) return routes_[i].kind;
    }
    return RouteKind::page;
}

RouteMatch RouteTable::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    if (path.empty() || path.front() != '/') return result;
    const auto segments = split_path(path);
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        PathParams ignored;
        if ((!best || compiled_[i].literals > compiled_[*best].literals) &&
            matches(compiled_[i], segments, ignored)) {
            best = i;
        }
    }
    if (!best) {
        result.kind = kind_by_first_segment(segments.front());
        return result;
    }
    const std::string& pattern = routes_[*best].pattern;
    result.kind = routes_[*best].kind;
    const std::string_view wanted = method == "HEAD" ? "GET" : method;
    std::vector<std::string_view> allowed;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        if (routes_[i].pattern != pattern) continue;
        if (routes_[i].method == wanted) {
            result.outcome = RouteMatch::Outcome::found;
            result.route = &routes_[i];
            matches(compiled_[i], segments, result.params);
            return result;
        }
        allowed.push_back(routes_[i].method);
    }
    result.outcome = RouteMatch::Outcome::wrong_method;
    result.allow = fmt::format("{}", fmt::join(allowed, ", "));
    return result;
}

}  // namespace tilsyn::http
