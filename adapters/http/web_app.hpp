// The web application inside `serve`: the JSON API of interface.md §5, the area chiefs'
// dashboard, /healthz, /metrics and the OpenAPI description. It owns its own database
// connection and case service and runs on the HTTP server's thread only. Requests find their
// handler in one route table (api_routes.cpp, dashboard_routes.cpp).
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "adapters/http/http_types.hpp"
#include "engine/civil_time.hpp"
#include "engine/domain.hpp"
#include "engine/metrics.hpp"

namespace tilsyn::http {

/// Listings (GET /api/v1/cycles and /cases) are answered from a cache for at most this long.
/// Events applied here and scheduler passes in this process clear it at once; this bounds how
/// long a change made by another process (the CLI, another node) may go unseen.
constexpr std::chrono::milliseconds kListingCacheTtl{1000};

/// A 5xx answer names the request with this many hex digits, in the body and in the
/// X-Request-Id header; the log has the error under the same id.
constexpr std::size_t kRequestIdLength = 16;

struct WebAppSettings {
    /// The configuration, parsed once by the composition root and shared with the scheduler.
    std::shared_ptr<const Domain> domain;
    std::string db_url;
    std::function<Instant()> clock;
    /// Called after an event was applied: new deadlines may be due earlier than the scheduler
    /// planned, and mail may be queued.
    std::function<void()> on_change;
    /// Where failed requests are logged with their request id; spdlog's default logger when
    /// not set.
    std::shared_ptr<spdlog::logger> log;
    /// Behind a reverse proxy (`serve --trust-proxy`): X-Forwarded-Proto and X-Forwarded-For
    /// say the client's scheme and address. Never set without one: a client could claim any.
    bool trust_proxy = false;
    /// Reads a secret from the environment by its variable's name (auth.oidc.client_secret_env);
    /// "" when unset. Set by the composition root (getenv there).
    std::function<std::string(const std::string&)> secret;
};

class WebApp {
  public:
    /// Loads the configuration and opens the database; throws std::runtime_error when either
    /// fails.
    WebApp(WebAppSettings settings, Metrics& metrics);
    ~WebApp();

    /// Answers a request. An exception in a handler becomes a 500 ("internal error"), or a
    /// 503 for a database failure, naming a request id under which the log has the details.
    /// No answer has the exception's text, but the API's 503 gives the store's reason (e.g.
    /// "database is locked").
    Response handle(const Request& request);

    /// For the server's StreamOpener: a sink that streams an upload (a multipart/form-data POST
    /// to a route that takes documents, from a logged-in user) to disk and then answers it
    /// through handle(); nullptr for any other request.
    std::unique_ptr<BodySink> open_stream(const Request& head);

    /// Uses a new domain (a reloaded configuration, parsed once by the daemon) from now on.
    void reload(std::shared_ptr<const Domain> domain);

    /// Something changed the data outside this app (a scheduler pass): cached listings are
    /// stale. Thread-safe.
    void data_changed();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// The OpenAPI 3 description served at /api/v1/openapi.json (adapters/http/openapi.json).
extern const char* const kOpenApiJson;

}  // namespace tilsyn::http
