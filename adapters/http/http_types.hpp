// HTTP requests and responses as plain values, so the application (routes, JSON, HTML) never
// includes Boost.Beast; only http_server.cpp does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tilsyn::documents {
class SpooledFile;
}

namespace tilsyn::http {

/// Name-value pairs as they came (query parameters, form fields, headers).
using Fields = std::vector<std::pair<std::string, std::string>>;

/// The first value named `name`, or "".
std::string first_value(const Fields& fields, std::string_view name);

/// A file of a multipart/form-data body, spooled to disk as it arrived (upload.hpp).
struct UploadedFile {
    std::string field;   // the form field it came in
    std::string name;    // the file name as sent
    std::string type;    // MIME type decided by its content (libmagic), never by its name
    long long size = 0;  // bytes
    std::string sha256;  // lower-case hex
    std::shared_ptr<documents::SpooledFile> content;
};

struct Request {
    std::string method;  // GET, POST, ...
    std::string target;  // as sent: path and query
    std::string path;    // percent-decoded path without the query
    Fields query;        // decoded, in order
    Fields headers;      // names in lower case
    std::string body;
    std::string remote;  // the peer's IP address
    /// A multipart/form-data body, received as a stream (upload.hpp): its text fields in
    /// `form` and its files in `files`; `body` is then empty.
    bool multipart = false;
    Fields form;
    std::vector<UploadedFile> files;

    /// The first value of a header (name in lower case), or "".
    std::string header(std::string_view name) const;
    /// The token of an `Authorization: Bearer TOKEN` header; "" when there is none.
    std::string bearer_token() const;
    /// The first value of a query parameter, or "".
    std::string param(std::string_view name) const;
    bool has_param(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra ones (Set-Cookie, ...)
    std::string body;
    /// A body too large to hold (a document's download): when set, the server sends
    /// `stream_size` bytes that it asks for piece by piece (false at the end), not `body`.
    std::function<bool(std::string&)> stream = {};
    std::uint64_t stream_size = 0;
};

/// Receives a request body piece by piece as it arrives, instead of the server holding it
/// whole (an upload of documents). The server asks the web app for one once it has read a
/// request's headers (Server's StreamOpener).
class BodySink {
  public:
    virtual ~BodySink() = default;
    /// The largest body it takes; a longer one is refused by the server (413).
    virtual std::uint64_t max_body() const = 0;
    /// The answer to a body longer than max_body() (413, saying its own limit).
    virtual Response too_large() = 0;
    /// The next piece; an answer refuses the request (sent at once, the rest is dropped).
    virtual std::optional<Response> write(std::string_view bytes) = 0;
    /// The whole body has arrived: the answer.
    virtual Response finish() = 0;
};

/// Decodes %XX escapes (and '+' as space when `form` is true); nullopt for a bad escape.
std::optional<std::string> percent_decode(std::string_view text, bool form = false);

/// Splits "a=1&b=2" (query string or form body) into decoded pairs; bad escapes are kept
/// as sent.
Fields parse_form(std::string_view text);

/// Percent-encodes a path segment or form value.
std::string percent_encode(std::string_view text);

}  // namespace tilsyn::http
