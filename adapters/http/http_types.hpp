// HTTP requests and responses as plain values, so the application (routes, JSON, HTML) never
// includes Boost.Beast; only http_server.cpp does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tilsyn::http {

/// Name-value pairs as they came (query parameters, form fields, headers).
using Fields = std::vector<std::pair<std::string, std::string>>;

/// The first value named `name`, or "".
std::string first_value(const Fields& fields, std::string_view name);

struct Request {
    std::string method;  // GET, POST, ...
    std::string target;  // as sent: path and query
    std::string path;    // percent-decoded path without the query
    Fields query;        // decoded, in order
    Fields headers;      // names in lower case
    std::string body;
    std::string remote;  // the peer's IP address

    /// The first value of a header (name in lower case), or "".
    std::string header(std::string_view name) const;
    /// The first value of a query parameter, or "".
    std::string param(std::string_view name) const;
    bool has_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Set-Cookie, ...)
    std::string body;
};

/// Decodes %XX escapes (and '+' as space when `form` is true); nullopt for a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool form = false);

/// Splits "a=1&b=2" (query string or form body) into decoded pairs; bad escapes are kept
/// as sent.
Fields parse_form(std::string_view text);

/// Percent-encodes a path segment or form value.
std::string percent_encode(std::string_view text);

}  // namespace tilsyn::http
