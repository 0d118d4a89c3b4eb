#include "adapters/http/http_server.hpp"

#include <fmt/format.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/http/responses.hpp"

namespace tilsyn::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

// How long a refused request's remaining bytes are read and dropped before closing.
constexpr std::chrono::seconds kLingerTime{5};

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

template <class Body>
Request head_of(const bhttp::request<Body>& in) {
    Request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    const auto question = out.target.find('?');
    const std::string raw_path = out.target.substr(0, question);
    out.path = percent_decode(raw_path).value_or(raw_path);
    if (question != std::string::npos) out.query = parse_form(out.target.substr(question + 1));
    for (const auto& field : in) {
        out.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
    }
    return out;
}

/// The headers every answer has (never sniffed, never cached) and the response's own.
template <class Body>
void set_headers(bhttp::response<Body>& res, const Response& response) {
    res.set(bhttp::field::server, "tilsyn");
    res.set(bhttp::field::content_type, response.content_type);
    res.set(bhttp::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : response.headers) res.insert(name, value);
}

Request to_request(const bhttp::request<bhttp::string_body>& in) {
    Request out = head_of(in);
    out.body = in.body();
    return out;
}

}  // namespace

namespace {
class Connection;
}

struct Server::Impl {
    // Declared before the io_context: destroying it destroys pending handlers, whose
    // connections still count themselves out.
    Handler handler;
    StreamOpener open_stream;
    int connections = 0;
    /// Open connections per peer address.
    std::unordered_map<std::string, int> per_address;
    /// Connections waiting for (or reading) a request's header, longest waiting first: the
    /// ones closed to make room for a new connection at a cap.
    std::list<Connection*> waiting;
    bool stopped = false;
    asio::io_context io;
    tcp::acceptor acceptor{io};
    std::thread thread;

    void accept();
    /// At a cap (connections in all or of `fresh`'s address), closes the connection waiting
    /// longest for a request; false when none waits and `fresh` must be refused.
    bool make_room(const Connection& fresh);
};

namespace {

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(tcp::socket socket, Server::Impl& server)
        : stream_(std::move(socket)), server_(server) {
        beast::error_code ec;
        const auto peer = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = peer.address().to_string();
        ++server_.connections;
        ++server_.per_address[remote_];
    }
    ~Connection() {
        stop_waiting();
        --server_.connections;
        if (auto it = server_.per_address.find(remote_);
            it != server_.per_address.end() && --it->second == 0) {
            server_.per_address.erase(it);
        }
    }

    const std::string& remote() const { return remote_; }

    void start() { read_header(); }

    /// Closes a connection that waits for a request, to make room for a new one.
    void evict() {
        stop_waiting();
        close();
    }

    /// Answers 503 and closes (too many connections).
    void refuse() {
        Response busy = json_error(503, ErrorCode::too_many_connections,
                                   "Serveren har for mange forbindelser lige nu. Prøv igen om "
                                   "et øjeblik.");
        busy.headers.emplace_back("Retry-After", "1");
        send(std::move(busy), false);
    }

  private:
    void read_header() {
        parser_.emplace();
        // The limit is set once the headers are read: a streamed body has its own
        // (choose_body).
        parser_->body_limit(boost::none);
        parser_->header_limit(kMaxHeaderBytes);
        // A new connection has kHeaderTimeout to send its header; a kept-alive one that sends
        // nothing for kKeepAliveTimeout is closed.
        stream_.expires_after(served_ == 0 ? kHeaderTimeout : kKeepAliveTimeout);
        start_waiting();
        bhttp::async_read_header(stream_, buffer_, *parser_,
                                 [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                     self->stop_waiting();
                                     self->on_header(ec);
                                 });
    }

    void start_waiting() {
        if (waiting_) return;
        waiting_ = server_.waiting.insert(server_.waiting.end(), this);
    }
    void stop_waiting() {
        if (!waiting_) return;
        server_.waiting.erase(*waiting_);
        waiting_.reset();
    }

    /// Only `Transfer-Encoding: chunked` frames a body here; any other coding, a list, a
    /// repeated header or one beside Content-Length could frame it differently in a proxy in
    /// front (a hidden second request), so such a request is refused and the connection closed.
    bool framing_is_clear(const bhttp::request<bhttp::string_body>& req) const {
        const auto codings = req.count(bhttp::field::transfer_encoding);
        if (codings == 0) return true;
        return codings == 1 && req.count(bhttp::field::content_length) == 0 &&
               beast::iequals(req[bhttp::field::transfer_encoding], "chunked");
    }

    void on_header(beast::error_code ec) {
        if (ec) return fail(ec);
        const auto& req = parser_->get();
        if (!framing_is_clear(req)) {
            version_ = req.version();
            return send(json_error(400, ErrorCode::bad_request,
                                   "Forespørgslens Transfer-Encoding er ikke tilladt; send "
                                   "indholdet med Content-Length eller 'chunked'."),
                        false);
        }
        // The body (when there is one) is read under the read timeout.
        stream_.expires_after(kReadTimeout);
        // How the body is taken is decided before it is invited (100 Continue): a body that is
        // refused (too long) is refused before the client sends it.
        if (!choose_body()) return;
        if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
            auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(
                bhttp::status::continue_, req.version());
            bhttp::async_write(
                stream_, *cont,
                [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
                    if (ec) return self->close();
                    self->start_body();
                });
            return;
        }
        start_body();
    }

    /// A body the web app takes as a stream (an upload: sink_), or one read whole within the
    /// limit. False when it is refused (the answer is on its way).
    bool choose_body() {
        if (server_.open_stream) {
            try {
                Request head = head_of(parser_->get());
                head.remote = remote_;
                sink_ = server_.open_stream(head);
            } catch (const std::exception&) {
                send(json_error(500, ErrorCode::internal_error, "Der opstod en intern fejl."),
                     false, true);
                return false;
            }
            if (sink_) {
                version_ = parser_->get().version();
                keep_alive_ = parser_->get().keep_alive();
                head_only_ = false;
                const auto length = parser_->content_length();
                if (length && *length > sink_->max_body()) {
                    refuse_stream(sink_->too_large());
                    return false;
                }
                return true;
            }
        }
        const auto length = parser_->content_length();
        if (length && *length > kMaxBodyBytes) {
            fail(bhttp::error::body_limit);
            return false;
        }
        parser_->body_limit(kMaxBodyBytes);
        return true;
    }

    void start_body() {
        if (sink_) return stream_body();
        read_body();
    }

    void read_body() {
        bhttp::async_read(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->fail(ec);
                              self->handle();
                          });
    }

    // ---- A streamed request body (documents uploaded): piece by piece into a BodySink ----

    void stream_body() {
        stream_parser_.emplace(std::move(*parser_));
        stream_parser_->body_limit(sink_->max_body());
        piece_.resize(kStreamPieceBytes);
        // Beast reads at most the buffer's free capacity (at least 512 bytes) per call: room for
        // a whole piece, or a 25 MB upload takes 50,000 reads.
        buffer_.reserve(kStreamPieceBytes);
        read_piece();
    }

    void read_piece() {
        auto& body = stream_parser_->get().body();
        body.data = piece_.data();
        body.size = piece_.size();
        stream_.expires_after(kReadTimeout);
        bhttp::async_read(
            stream_, buffer_, *stream_parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_piece(ec); });
    }

    void on_piece(beast::error_code ec) {
        if (ec == bhttp::error::need_buffer) ec = {};
        if (ec == bhttp::error::body_limit) return refuse_stream(sink_->too_large());
        if (ec) {
            sink_.reset();  // a body cut short: nothing of it is kept
            stream_parser_.reset();
            return fail(ec);
        }
        const std::size_t got = piece_.size() - stream_parser_->get().body().size;
        std::optional<Response> refused;
        Response answer;
        bool done = false;
        try {
            if (got > 0) refused = sink_->write(std::string_view(piece_.data(), got));
            if (!refused && stream_parser_->is_done()) {
                answer = sink_->finish();
                done = true;
            }
        } catch (const std::exception&) {
            refused = json_error(500, ErrorCode::internal_error, "Der opstod en intern fejl.");
        }
        if (refused) return refuse_stream(std::move(*refused));
        if (!done) return read_piece();
        ++served_;
        sink_.reset();
        stream_parser_.reset();
        send(std::move(answer), keep_alive_ && !server_.stopped);
    }

    /// Ends a streamed body early: nothing of it is kept, the answer is sent and the rest of the
    /// body is read and dropped.
    void refuse_stream(Response answer) {
        ++served_;
        sink_.reset();
        stream_parser_.reset();
        send(std::move(answer), false, true);
    }

    // ---- A streamed answer (a document downloaded): pieces asked for as they are sent ----

    void send_stream(Response response, bool keep_alive) {
        auto res = std::make_shared<bhttp::response<bhttp::buffer_body>>(
            static_cast<bhttp::status>(response.status), version_);
        set_headers(*res, response);
        res->content_length(response.stream_size);
        stream_left_ = response.stream_size;
        res->keep_alive(keep_alive);
        res->body().data = nullptr;
        res->body().more = true;
        auto serializer = std::make_shared<bhttp::response_serializer<bhttp::buffer_body>>(*res);
        auto produce =
            std::make_shared<std::function<bool(std::string&)>>(std::move(response.stream));
        bhttp::async_write_header(stream_, *serializer,
                                  [self = shared_from_this(), res, serializer, produce, keep_alive](
                                      beast::error_code ec, std::size_t) {
                                      if (ec) return self->close();
                                      self->write_piece(res, serializer, produce, keep_alive);
                                  });
    }

    void write_piece(std::shared_ptr<bhttp::response<bhttp::buffer_body>> res,
                     std::shared_ptr<bhttp::response_serializer<bhttp::buffer_body>> serializer,
                     std::shared_ptr<std::function<bool(std::string&)>> produce, bool keep_alive) {
        bool more = false;
        try {
            out_piece_.clear();
            more = (*produce)(out_piece_);
        } catch (const std::exception&) {
            return close();  // the headers are out: all we can do is end the connection
        }
        // The producer must give exactly the length announced: more, or less before it ends,
        // and the connection is ended (never kept alive out of step with the client).
        const auto piece = static_cast<std::uint64_t>(more ? out_piece_.size() : 0);
        if (piece > stream_left_ || (!more && stream_left_ != 0)) return close();
        stream_left_ -= piece;
        res->body().data = more ? out_piece_.data() : nullptr;
        res->body().size = more ? out_piece_.size() : 0;
        res->body().more = more;
        stream_.expires_after(kReadTimeout);
        bhttp::async_write(stream_, *serializer,
                           [self = shared_from_this(), res, serializer, produce, keep_alive](
                               beast::error_code ec, std::size_t) {
                               if (ec == bhttp::error::need_buffer) ec = {};
                               if (ec) return self->close();
                               if (!serializer->is_done()) {
                                   return self->write_piece(res, serializer, produce, keep_alive);
                               }
                               if (!keep_alive) return self->close();
                               self->read_header();
                           });
    }

    void fail(beast::error_code ec) {
        if (ec == bhttp::error::body_limit) {
            return send(json_error(413, ErrorCode::too_large,
                                   fmt::format("Indholdet er større end grænsen på {} byte. Send "
                                               "mindre.",
                                               kMaxBodyBytes)),
                        false, true);
        }
        if (ec == bhttp::error::header_limit) {
            return send(json_error(431, ErrorCode::too_large,
                                   fmt::format("Forespørgslens headere fylder mere end {} byte. "
                                               "Send færre eller kortere.",
                                               kMaxHeaderBytes)),
                        false, true);
        }
        if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof) {
            return close();
        }
        send(json_error(400, ErrorCode::bad_request, "Forespørgslen er ikke gyldig HTTP/1.1."),
             false, true);
    }

    void handle() {
        ++served_;
        auto request = parser_->release();
        const bool keep_alive = request.keep_alive() && !server_.stopped;
        version_ = request.version();
        Response response;
        try {
            Request plain = to_request(request);
            plain.remote = remote_;
            response = server_.handler(plain);
        } catch (const std::exception& e) {
            response = json_error(500, ErrorCode::internal_error, "Der opstod en intern fejl.");
        }
        if (request.method() == bhttp::verb::head) {
            head_only_ = true;
        }
        send(std::move(response), keep_alive);
    }

    /// `drain`: the client may still be sending what we refused; read and drop it after the
    /// answer (a lingering close), so the client sees the answer instead of a reset.
    void send(Response response, bool keep_alive, bool drain = false) {
        if (response.stream && !head_only_ && !drain)
            return send_stream(std::move(response), keep_alive);
        auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
            static_cast<bhttp::status>(response.status), version_);
        set_headers(*res, response);
        res->body() = std::move(response.body);
        res->keep_alive(keep_alive);
        res->prepare_payload();
        // HEAD on a streamed answer (a document): its length, without producing it.
        if (response.stream && head_only_) res->content_length(response.stream_size);
        if (head_only_) res->body().clear();
        head_only_ = false;
        bhttp::async_write(
            stream_, *res,
            [self = shared_from_this(), res, keep_alive, drain](beast::error_code ec, std::size_t) {
                if (!ec && drain) return self->linger();
                if (ec || !keep_alive) return self->close();
                self->read_header();
            });
    }

    void linger() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(kLingerTime);
        discard();
    }

    void discard() {
        stream_.async_read_some(asio::buffer(scratch_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->discard();
                                });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.socket().close(ignored);
    }

    beast::tcp_stream stream_;
    Server::Impl& server_;
    std::string remote_;                                       // the peer's address
    std::optional<std::list<Connection*>::iterator> waiting_;  // in server_.waiting
    long long served_ = 0;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    // A streamed body: its sink and parser, the piece being read, and the request's
    // keep-alive (the parser is gone when the answer is sent).
    std::unique_ptr<BodySink> sink_;
    std::optional<bhttp::request_parser<bhttp::buffer_body>> stream_parser_;
    std::vector<char> piece_;
    std::string out_piece_;
    std::uint64_t stream_left_ = 0;  // a streamed answer's bytes still to come
    bool keep_alive_ = false;
    unsigned version_ = 11;
    std::array<char, 16384> scratch_{};
    bool head_only_ = false;
};

}  // namespace

void Server::Impl::accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec) {
            if (ec == asio::error::operation_aborted || stopped) return;
            return accept();  // e.g. out of file descriptors for a moment
        }
        socket.set_option(tcp::no_delay(true));
        auto connection = std::make_shared<Connection>(std::move(socket), *this);
        if (make_room(*connection)) {
            connection->start();
        } else {
            connection->refuse();
        }
        accept();
    });
}

bool Server::Impl::make_room(const Connection& fresh) {
    const bool address_full = per_address[fresh.remote()] > kMaxConnectionsPerAddress;
    const bool server_full = connections > kMaxConnections;
    if (!address_full && !server_full) return true;
    // The connection that has waited longest for a request makes room: of the same address
    // when that address is over its cap, else any.
    for (Connection* candidate : waiting) {
        if (address_full && candidate->remote() != fresh.remote()) continue;
        candidate->evict();
        return true;
    }
    return false;
}

Server::Server(const std::string& host, unsigned short port, Handler handler,
               StreamOpener open_stream)
    : impl_(std::make_unique<Impl>()) {
    impl_->handler = std::move(handler);
    impl_->open_stream = std::move(open_stream);
    beast::error_code ec;
    tcp::resolver resolver(impl_->io);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve '" + host + "': " + ec.message());
    }
    const tcp::endpoint endpoint = results.begin()->endpoint();
    impl_->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl_->acceptor.bind(endpoint, ec);
    if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                                 ec.message());
    }
    impl_->accept();
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

Server::~Server() { stop(); }

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::post(std::function<void()> work) { asio::post(impl_->io, std::move(work)); }

void Server::stop() {
    if (!impl_->thread.joinable()) return;
    asio::post(impl_->io, [impl = impl_.get()] {
        impl->stopped = true;
        beast::error_code ignored;
        impl->acceptor.close(ignored);
    });
    // Connections waiting for a request end at the read timeout at the latest; stop now.
    asio::post(impl_->io, [impl = impl_.get()] { impl->io.stop(); });
    impl_->thread.join();
}

std::optional<Request> parse_request(std::string_view raw) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    parser.header_limit(kMaxHeaderBytes);
    parser.eager(true);
    beast::error_code ec;
    std::size_t used = 0;
    while (used < raw.size() && !parser.is_done()) {
        const std::size_t n = parser.put(asio::buffer(raw.data() + used, raw.size() - used), ec);
        if (ec == bhttp::error::need_more) break;
        if (ec) return std::nullopt;
        if (n == 0) break;
        used += n;
    }
    if (!parser.is_done()) {
        parser.put_eof(ec);
        if (ec || !parser.is_done()) return std::nullopt;
    }
    return to_request(parser.get());
}

std::pair<std::string, unsigned short> parse_listen(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
        throw std::invalid_argument("'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
    }
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string port_text = text.substr(colon + 1);
    int port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) {
            throw std::invalid_argument("'" + text + "': the port is not a number 0-65535");
        }
        port = port * 10 + (c - '0');
    }
    if (port > 65535) throw std::invalid_argument("'" + text + "': the port is above 65535");
    return {host, static_cast<unsigned short>(port)};
}

}  // namespace tilsyn::http
