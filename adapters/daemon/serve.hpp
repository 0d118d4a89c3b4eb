// `tilsyn serve`: the daemon. A Boost.Asio io_context runs the scheduler on one timer armed for
// the next due moment (re-armed after every pass), while a separate thread delivers the mail
// outbox so a slow SMTP server never delays a deadline, and another serves HTTP (API and
// dashboard) on its own database connection. SIGTERM and SIGINT finish the work in
// flight and exit 0; SIGHUP reloads the configuration after checking it (a bad one is reported
// and the old one kept) and syncs its people into the directory, disabling those gone from it.
#pragma once

#include <spdlog/fwd.h>

#include <chrono>
#include <memory>
#include <string>

#include "engine/clock.hpp"

namespace tilsyn {

struct ServeSettings {
    std::string config_path;
    std::string db_url;
    std::string node;  // names this process in outbox claims
    /// HOST:PORT of the HTTP API and dashboard (port 0: a free one, logged); empty: none.
    std::string listen = "127.0.0.1:8080";
    /// The longest sleep between scheduler passes. Events sent by other processes (the CLI)
    /// can arm deadlines the daemon was not told about; this bounds how late it notices.
    std::chrono::seconds max_sleep{15 * 60};
    /// Behind a reverse proxy: take the client's scheme and address from X-Forwarded-Proto
    /// and X-Forwarded-For (`--trust-proxy`).
    bool trust_proxy = false;
    /// The real time (main's system clock); must outlive serve().
    const Clock* clock = nullptr;
};

/// The administrator `serve` creates on first run (when the database has none).
constexpr const char* kFirstAdminEmail = "admin@tilsyn.local";

/// Runs until SIGTERM or SIGINT; returns the process exit code.
int serve(const ServeSettings& settings, std::shared_ptr<spdlog::logger> log);

}  // namespace tilsyn
