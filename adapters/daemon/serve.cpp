#include "adapters/daemon/serve.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "adapters/config/yaml_config_loader.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/http/web_app.hpp"
#include "adapters/mail/mailer_factory.hpp"
#include "adapters/storage/schema.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/access.hpp"
#include "engine/case_service.hpp"
#include "engine/metrics.hpp"
#include "engine/outbox_delivery.hpp"
#include "engine/scheduler.hpp"
#include "engine/sha256.hpp"

namespace tilsyn {

namespace {

namespace asio = boost::asio;

// Who the audit trail names for access changes made by a reload.
constexpr std::string_view kReloadActor = "tilsyn serve (SIGHUP)";

// A pass that queued this many mails has freed much working memory: hand it back.
constexpr int kTrimAfterMails = 1000;

std::string moment(Instant at, const TimeZone& zone) {
    return format_local_iso(at, zone.offset_at(at));
}

// After a failed database operation: connect again when the connection was lost (a restarted
// PostgreSQL server), so the next pass works.
void reconnect(Store& store, spdlog::logger& log) {
    try {
        if (store.reconnect_if_lost()) log.warn("the database connection was lost; reconnected");
    } catch (const std::exception& e) {
        log.error("{}", e.what());
    }
}

// The domain and the services built on it; replaced whole on SIGHUP.
struct Runtime {
    std::shared_ptr<const Domain> domain;
    std::unique_ptr<CaseService> cases;
    std::unique_ptr<Scheduler> scheduler;
};

std::unique_ptr<Runtime> make_runtime(std::shared_ptr<const Domain> domain, Store& store) {
    auto runtime = std::make_unique<Runtime>();
    runtime->domain = std::move(domain);
    runtime->cases = std::make_unique<CaseService>(store, runtime->domain);
    runtime->scheduler = std::make_unique<Scheduler>(store, *runtime->cases);
    return runtime;
}

// Delivers the outbox on its own thread and database connection. Woken after each scheduler
// pass; otherwise sleeps until the next retry is due.
class DeliveryThread {
  public:
    DeliveryThread(const ServeSettings& settings, const Config& config, const TimeZone& zone,
                   std::shared_ptr<spdlog::logger> log, Metrics& metrics)
        : log_(std::move(log)),
          metrics_(metrics),
          clock_(*settings.clock),
          store_(open_store(settings.db_url)),
          mailer_(make_mailer(config.mail.transport, config.base_dir)),
          zone_(zone),
          delivery_(*store_, *store_, *mailer_, config.mail.from, zone_, DeliveryPolicy{},
                    settings.node) {
        thread_ = std::thread([this] { run(); });
    }
    ~DeliveryThread() { stop(); }

    void wake() {
        {
            std::lock_guard lock(mutex_);
            woken_ = true;
        }
        cv_.notify_one();
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cv_.notify_one();
        if (thread_.joinable()) thread_.join();
    }

  private:
    void run() {
        log_->info("mail delivery through {}", mailer_->describe());
        while (!stopping_) {
            try {
                auto report = delivery_.deliver(clock_.now(), [this] { return !stopping_.load(); });
                metrics_.mails_delivered += report.sent;
                if (report.sent || report.retried || report.failed) {
                    log_->info("mail: {} sent, {} to retry, {} given up", report.sent,
                               report.retried, report.failed);
                }
            } catch (const std::exception& e) {
                log_->error("mail delivery: {}", e.what());
                reconnect(*store_, *log_);
            }
            std::unique_lock lock(mutex_);
            // Mail queued by other processes (CLI events) is noticed within this time.
            auto wait = std::chrono::seconds{15};
            try {
                if (auto next = store_->next_mail_attempt()) {
                    wait = std::clamp(*next - clock_.now(), std::chrono::seconds{1}, wait);
                }
            } catch (const std::exception& e) {
                log_->error("mail delivery: {}", e.what());
                wait = std::chrono::seconds{1};
            }
            cv_.wait_for(lock, wait, [this] { return woken_ || stopping_.load(); });
            woken_ = false;
        }
    }

    std::shared_ptr<spdlog::logger> log_;
    Metrics& metrics_;
    const Clock& clock_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Mailer> mailer_;
    TimeZone zone_;
    OutboxDelivery delivery_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool woken_ = false;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

class Daemon {
  public:
    Daemon(const ServeSettings& settings, std::shared_ptr<spdlog::logger> log,
           std::unique_ptr<Store> store, std::unique_ptr<Runtime> runtime)
        : settings_(settings),
          log_(std::move(log)),
          store_(std::move(store)),
          runtime_(std::move(runtime)),
          timer_(io_),
          signals_(io_, SIGINT, SIGTERM, SIGHUP) {}

    int run() {
        delivery_ = std::make_unique<DeliveryThread>(settings_, runtime_->domain->config,
                                                     runtime_->domain->zone, log_, metrics_);
        if (!settings_.listen.empty()) {
            try {
                start_http();
            } catch (const std::exception& e) {
                log_->error("{}", e.what());
                delivery_->stop();
                return 1;
            }
        }
        do_wait_signal();
        do_tick();
        io_.run();
        if (http_) http_->stop();
        delivery_->stop();
        log_->info("stopped");
        return 0;
    }

  private:
    void start_http() {
        const auto [host, port] = http::parse_listen(settings_.listen);
        http::WebAppSettings web;
        web.domain = runtime_->domain;
        web.log = log_;
        web.db_url = settings_.db_url;
        web.trust_proxy = settings_.trust_proxy;
        web.secret = [](const std::string& name) {
            const char* value = std::getenv(name.c_str());
            return std::string(value ? value : "");
        };
        web.clock = [clock = settings_.clock] { return clock->now(); };
        // Runs on the HTTP thread: wake the mail thread, and re-plan the scheduler's timer on
        // its own thread (the event may have armed a deadline earlier than the one it waits for).
        web.on_change = [this] {
            delivery_->wake();
            if (!replan_posted_.exchange(true)) {
                asio::post(io_, [this] {
                    replan_posted_ = false;
                    replan();
                });
            }
        };
        web_ = std::make_unique<http::WebApp>(std::move(web), metrics_);
        http_ = std::make_unique<http::Server>(
            host, port, [this](const http::Request& request) { return web_->handle(request); },
            [this](const http::Request& head) { return web_->open_stream(head); });
        log_->info("HTTP API and dashboard on http://{}:{}/",
                   host.find(':') == std::string::npos ? host : "[" + host + "]", http_->port());
    }

    void do_wait_signal() {
        signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                reload();
                do_wait_signal();
                return;
            }
            log_->info("signal {}: finishing", signal);
            timer_.cancel();
            signals_.cancel();
        });
    }

    void do_tick() {
        const Instant now = settings_.clock->now();
        const TimeZone& zone = runtime_->domain->zone;
        try {
            const TickReport report = runtime_->scheduler->tick(now);
            metrics_.cycles_opened += report.cycles_opened;
            metrics_.reminders_sent += report.reminders;
            metrics_.escalations_sent += report.escalations;
            if (web_ &&
                (report.cycles_opened || report.reminders || report.escalations || report.mails)) {
                web_->data_changed();
            }
            if (report.cycles_opened || report.reminders || report.escalations) {
                log_->info("tick {}: {} cycles opened, {} reminders, {} escalations, {} mails",
                           moment(now, zone), report.cycles_opened, report.reminders,
                           report.escalations, report.mails);
            }
            if (report.mails) delivery_->wake();
            if (report.mails > kTrimAfterMails) malloc_trim(0);
        } catch (const std::exception& e) {
            log_->error("tick {}: {}", moment(now, zone), e.what());
            reconnect(*store_, *log_);
        }
        Instant next = now + settings_.max_sleep;
        try {
            if (auto due = runtime_->scheduler->next_due_moment(now); due && *due < next) {
                next = std::max(*due, now + std::chrono::seconds{1});
            }
        } catch (const std::exception& e) {
            log_->error("next due moment: {}", e.what());
            next = now + std::chrono::seconds{30};
        }
        log_->debug("sleeping until {}", moment(next, zone));
        timer_.expires_at(std::chrono::system_clock::time_point(next));
        timer_.async_wait([this](const boost::system::error_code& ec) { on_timer(ec); });
    }

    // Re-arms the timer when something became due before the moment it waits for.
    void replan() {
        const Instant now = settings_.clock->now();
        try {
            auto due = runtime_->scheduler->next_due_moment(now);
            if (!due) return;
            const auto at = std::chrono::system_clock::time_point(
                std::max(*due, now + std::chrono::seconds{1}));
            if (at >= timer_.expiry()) return;
            timer_.expires_at(at);
            timer_.async_wait([this](const boost::system::error_code& ec) { on_timer(ec); });
        } catch (const std::exception& e) {
            log_->error("next due moment: {}", e.what());
        }
    }

    void on_timer(const boost::system::error_code& ec) {
        if (ec) return;  // cancelled: shutting down
        do_tick();
    }

    void reload() {
        LoadedConfig loaded = load_config(settings_.config_path);
        if (!loaded.ok()) {
            for (const auto& problem : loaded.problems) log_->error("{}", format_problem(problem));
            log_->error("SIGHUP: {} is not valid; keeping the configuration in use",
                        settings_.config_path);
            return;
        }
        runtime_ = make_runtime(make_domain(std::move(loaded)), *store_);
        malloc_trim(0);
        // Access follows the organisation: people gone from the new configuration lose it now.
        try {
            const DirectorySync sync = sync_organisation(*store_, runtime_->domain->config,
                                                         settings_.clock->now(), kReloadActor);
            for (const auto& user : sync.people_disabled) {
                log_->warn("SIGHUP: {} ({}) is gone from the configuration: disabled", user.email,
                           user.role);
            }
            for (const auto& user : sync.people_enabled) {
                log_->info("SIGHUP: {} ({}) is back in the configuration: enabled", user.email,
                           user.role);
            }
        } catch (const std::exception& e) {
            log_->error("SIGHUP: syncing the people of the configuration: {}", e.what());
            reconnect(*store_, *log_);
        }
        // The mail settings (transport, sender, zone) may have changed too: a new delivery
        // thread, after the old one has finished the message it is sending.
        delivery_->stop();
        delivery_ = std::make_unique<DeliveryThread>(settings_, runtime_->domain->config,
                                                     runtime_->domain->zone, log_, metrics_);
        if (http_) http_->post([this, domain = runtime_->domain] { web_->reload(domain); });
        log_->info("SIGHUP: configuration reloaded from {}", settings_.config_path);
        timer_.cancel();
        do_tick();
    }

    const ServeSettings& settings_;
    std::shared_ptr<spdlog::logger> log_;
    std::unique_ptr<Store> store_;
    std::unique_ptr<Runtime> runtime_;
    asio::io_context io_;
    asio::system_timer timer_;
    asio::signal_set signals_;
    Metrics metrics_;
    std::atomic<bool> replan_posted_{false};
    std::unique_ptr<DeliveryThread> delivery_;
    std::unique_ptr<http::WebApp> web_;   // used on the HTTP thread only
    std::unique_ptr<http::Server> http_;  // stopped (joined) before web_ goes
};

// First run: a database without an administrator gets one, and its token is printed once, so
// the dashboard can be opened right away.
void ensure_admin(Store& store, const ServeSettings& settings,
                  const std::shared_ptr<spdlog::logger>& log) {
    for (const auto& user : store.users()) {
        if (user.role == "admin") return;
    }
    StoredUser admin;
    admin.email = kFirstAdminEmail;
    admin.name = "Administrator";
    admin.role = "admin";
    admin.source = "manual";
    const std::string token = new_api_token();
    admin.token_hash = sha256_hex(token);
    if (!store.add_user(admin)) return;
    log->info("first run: created the administrator {}", admin.email);
    std::string where = "the API";
    if (!settings.listen.empty()) {
        where = fmt::format("the dashboard (http://{}/) and the API", settings.listen);
    }
    fmt::print(
        "\nFirst run: administrator {} created. Its token, shown only this once (a hash is "
        "kept),\nlogs in to {}:\n\n    {}\n\n",
        admin.email, where, token);
    std::fflush(stdout);
}

}  // namespace

int serve(const ServeSettings& settings, std::shared_ptr<spdlog::logger> log) {
    LoadedConfig loaded = load_config(settings.config_path);
    if (!loaded.ok()) {
        for (const auto& problem : loaded.problems) log->error("{}", format_problem(problem));
        return 2;
    }
    auto store = open_existing_store(settings.db_url);
    if (store->schema_version() < schema::kSchemaVersion) {
        log->error("the database is not migrated; run 'tilsyn migrate' first");
        return 1;
    }
    ensure_admin(*store, settings, log);
    auto runtime = make_runtime(make_domain(std::move(loaded)), *store);
    // Parsing a large configuration (YAML nodes, CSV cells) leaves freed memory in malloc's
    // arenas; give it back so the daemon's resident size is what it keeps.
    malloc_trim(0);
    log->info("tilsyn serving {} with {} (node {})", settings.config_path, settings.db_url,
              settings.node);
    Daemon daemon(settings, log, std::move(store), std::move(runtime));
    return daemon.run();
}

}  // namespace tilsyn
