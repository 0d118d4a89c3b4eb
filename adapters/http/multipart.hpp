// A streaming parser of multipart/form-data (RFC 7578): the body is fed in pieces as it
// arrives, and each part's content is handed on in pieces too, so a 25 MB document is never
// held whole in memory. Only the delimiter's length is kept back between pieces.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace tilsyn::http {

/// The boundary of a `multipart/form-data; boundary=…` Content-Type; nullopt for another type
/// or a missing or over-long boundary.
std::optional<std::string> multipart_boundary(std::string_view content_type);

struct MultipartPart {
    std::string name;           // the form field
    std::string filename;       // as sent (filename*=UTF-8'' decoded), when has_filename
    bool has_filename = false;  // a file input, even with an empty name (none chosen)
    std::string content_type;   // as the client claims it (never trusted)
};

class MultipartParser {
  public:
    /// Each callback returns false to stop (the parser then fails with `error()` empty).
    struct Callbacks {
        std::function<bool(const MultipartPart&)> begin;
        std::function<bool(std::string_view)> data;
        std::function<bool()> end;
    };

    /// A part's headers may take at most this many bytes.
    static constexpr std::size_t kMaxPartHeaderBytes = 8 * 1024;

    MultipartParser(std::string boundary, Callbacks callbacks);

    /// Feeds the next piece of the body; false when the body is malformed (error() says how,
    /// in Danish) or a callback stopped it. After the closing delimiter the rest is ignored.
    bool feed(std::string_view bytes);
    /// Whether the closing delimiter has been seen: a body without it was cut short.
    bool complete() const { return state_ == State::epilogue; }
    const std::string& error() const { return error_; }

  private:
    enum class State { preamble, after_delimiter, headers, body, epilogue, failed };
    bool fail(std::string message);
    bool parse_headers(std::string_view headers);

    std::string delimiter_;  // "\r\n--" + boundary
    Callbacks callbacks_;
    State state_ = State::preamble;
    std::string buffer_;  // unconsumed bytes
    MultipartPart part_;
    std::string error_;
};

}  // namespace tilsyn::http
