// The HTTP/1.1 server (Boost.Beast) on its own thread and io_context: keep-alive, limits on
// headers, body, idle time and connections (in all and per address), unambiguous body framing,
// and `Expect: 100-continue`. Requests are handed
// to one handler on that thread, one at a time, as plain values (http_types.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"

namespace tilsyn::http {

/// A larger body is answered 413 before it is read.
constexpr std::size_t kMaxBodyBytes = 1 << 20;
/// Request line plus headers; more is answered 431.
constexpr std::size_t kMaxHeaderBytes = 8 * 1024;
/// A request's body must arrive within this long (from its header's end).
constexpr std::chrono::seconds kReadTimeout{30};
/// A new connection must send its request's header within this long.
constexpr std::chrono::seconds kHeaderTimeout{10};
/// A kept-alive connection that sends no next request for this long is closed.
constexpr std::chrono::seconds kKeepAliveTimeout{5};
/// At most this many connections; and at most kMaxConnectionsPerAddress from one address.
/// Beyond either, the connection that has waited longest for a request (idle, or still
/// sending its header) is closed to make room; when none waits, the new one is answered 503.
constexpr int kMaxConnections = 512;
constexpr int kMaxConnectionsPerAddress = 64;

using Handler = std::function<Response(const Request&)>;

/// Asked once a request's headers are read: a sink to stream its body into (an upload of
/// documents), or nullptr to read the body whole (up to kMaxBodyBytes) and call the Handler.
/// The request it gets has no body.
using StreamOpener = std::function<std::unique_ptr<BodySink>(const Request& head)>;

/// A streamed body (and a streamed answer) moves in pieces of this size.
constexpr std::size_t kStreamPieceBytes = 64 * 1024;

class Server {
  public:
    /// Binds `host:port` (port 0 picks a free one) and starts serving on a new thread.
    /// Throws std::runtime_error when the address cannot be bound.
    /// `open_stream`, when set, may take over a request's body (StreamOpener).
    Server(const std::string& host, unsigned short port, Handler handler,
           StreamOpener open_stream = {});
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    unsigned short port() const;
    /// Runs `work` on the server's thread, between requests.
    void post(std::function<void()> work);
    /// Stops accepting, closes the connections after the response in flight, joins the thread.
    void stop();

    struct Impl;  // the Beast side, in http_server.cpp

  private:
    std::unique_ptr<Impl> impl_;
};

/// Parses one raw HTTP/1.1 request with the server's parser and limits; nullopt when the
/// server would refuse it (malformed, headers or body over the limits, incomplete). For the
/// fuzz target of the request path.
std::optional<Request> parse_request(std::string_view raw);

/// Splits "HOST:PORT" (IPv4, [IPv6] or a name); throws std::invalid_argument when malformed.
std::pair<std::string, unsigned short> parse_listen(const std::string& text);

}  // namespace tilsyn::http
