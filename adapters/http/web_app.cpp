#include "adapters/http/web_app.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <limits>
#include <stdexcept>

#include "adapters/http/dashboard.hpp"
#include "adapters/http/multipart.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/upload.hpp"
#include "adapters/http/web_context.hpp"
#include "adapters/storage/soci_store.hpp"
#include "engine/messages.hpp"
#include "engine/sha256.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"

namespace tilsyn::http {

// ---- What the routes share -------------------------------------------------------------

Date WebContext::today() const { return local_date(now(), domain->zone); }

void WebContext::install(std::shared_ptr<const Domain> next) {
    domain = std::move(next);
    cases = std::make_unique<CaseService>(*store, domain);
    const auto& wanted = domain->config.auth.oidc;
    if (!wanted) {
        oidc.reset();
        return;
    }
    const auto& current = oidc ? &oidc->settings() : nullptr;
    if (current && current->issuer == wanted->issuer && current->client_id == wanted->client_id &&
        current->client_secret_env == wanted->client_secret_env &&
        current->scopes == wanted->scopes && current->claim == wanted->claim) {
        return;  // the same provider: keep its pending sign-ins and cached keys
    }
    const std::string base = dashboard_base(domain->config);
    const std::string secret = wanted->client_secret_env.empty() || !settings.secret
                                   ? std::string()
                                   : settings.secret(wanted->client_secret_env);
    oidc = std::make_unique<OidcClient>(*wanted, base + "/login/oidc/callback", secret,
                                        curl_http_get, curl_http_post_form);
}

std::optional<StoredUser> WebContext::user_for_token(std::string_view token) {
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty() || token.size() > 200) return std::nullopt;
    const std::string hash = sha256_hex(token);
    auto user = store->find_user_by_token_hash(hash);
    // The index finds the row; the comparison that decides runs in constant time.
    if (!user || !constant_time_equal(user->token_hash, hash)) return std::nullopt;
    if (!parse_role(user->role)) return std::nullopt;
    return user;
}

WebContext::SignIn WebContext::sign_in(const Request& request, std::string_view token,
                                       std::string_view where) {
    const std::string client = client_of(request);
    const Instant at = now();
    auto& log = settings.log ? *settings.log : *spdlog::default_logger();
    if (const auto wait = attempts.wait(client, at); wait.count() > 0) {
        metrics.sign_ins_slowed++;
        log.warn("sign-in from {} at {} not tried: too many failures, {} s to wait", client, where,
                 wait.count());
        return SignIn{std::nullopt, wait};
    }
    auto user = user_for_token(token);
    if (!user) {
        metrics.sign_ins_failed++;
        attempts.failed(client, at);
        // The address and where, never the token (not even a part of it).
        log.warn(
            "sign-in refused from {} at {}: unknown, replaced or disabled token ({} "
            "characters)",
            client, where, token.size());
        return SignIn{};
    }
    attempts.succeeded(client);
    return SignIn{std::move(user), {}};
}

bool WebContext::secure_cookies() const {
    return config().organisation.dashboard_url.rfind("https://", 0) == 0;
}

std::string WebContext::scheme_of(const Request& request) const {
    if (settings.trust_proxy) {
        const std::string proto = request.header("x-forwarded-proto");
        if (proto == "https" || proto == "http") return proto;
    }
    return "http";
}

std::string WebContext::client_of(const Request& request) const {
    if (settings.trust_proxy) {
        std::string_view forwarded = request.header("x-forwarded-for");
        const auto comma = forwarded.rfind(',');
        if (comma != std::string_view::npos) forwarded.remove_prefix(comma + 1);
        while (!forwarded.empty() && forwarded.front() == ' ') forwarded.remove_prefix(1);
        while (!forwarded.empty() && forwarded.back() == ' ') forwarded.remove_suffix(1);
        if (!forwarded.empty() && forwarded.size() <= 64) return std::string(forwarded);
    }
    return request.remote;
}

ApplyResult WebContext::apply_event(const std::string& id, const std::string& event,
                                    const Actor& actor, const std::string& data,
                                    std::span<const DocumentUpload> documents) {
    ApplyResult result = cases->apply(id, event, actor, data, now(), documents);
    if (result.status != ApplyStatus::ok) {
        metrics.events_refused++;
        return result;
    }
    metrics.events_applied++;
    generation++;
    if (settings.on_change) settings.on_change();
    return result;
}

ManyResult WebContext::apply_to_many(const std::string& cycle, InstitutionKind kind, int round,
                                     const std::string& event, const Actor& actor,
                                     const std::string& data) {
    ManyResult result = cases->apply_to_many(cycle, kind, round, event, actor, data, now());
    if (result.recorded.empty()) {
        metrics.events_refused++;
        return result;
    }
    metrics.events_applied += result.recorded.size();
    generation++;
    if (settings.on_change) settings.on_change();
    return result;
}

std::vector<ui::ManyForm> WebContext::many_forms(Role role) const {
    std::vector<ui::ManyForm> forms;
    const Config& config = domain->config;
    for (const auto& cycle : config.cycles) {
        const auto* workflow = workflows::find_workflow(cycle.workflow);
        if (!workflow) continue;
        for (const auto& event : workflow->events) {
            if (!event.for_many) continue;
            const auto senders = event_senders(&cycle, event);
            if (std::find(senders.begin(), senders.end(), role) == senders.end()) continue;
            ui::ManyForm form{
                &cycle, std::string(event.id), {}, cycle.rounds ? cycle.rounds->count : 1};
            for (const auto kind :
                 {InstitutionKind::school, InstitutionKind::daycare, InstitutionKind::youth}) {
                const bool covered =
                    std::any_of(config.institutions.begin(), config.institutions.end(),
                                [&](const Institution& inst) {
                                    return inst.kind == kind && selects(cycle.institutions, inst);
                                });
                if (covered) form.kinds.push_back(kind);
            }
            if (!form.kinds.empty()) forms.push_back(std::move(form));
        }
    }
    return forms;
}

Response WebContext::cached_listing(const std::string& key, const std::function<Response()>& make) {
    const auto now_steady = std::chrono::steady_clock::now();
    const long long current = generation.load();
    auto fresh = [&](const CachedListing& entry) {
        return entry.generation == current && now_steady - entry.made < kListingCacheTtl;
    };
    auto size_of = [&](const std::string& name, const CachedListing& entry) {
        return name.size() + entry.response.body.size();
    };
    if (auto it = listings_.find(key); it != listings_.end()) {
        if (fresh(it->second)) return it->second.response;
        cached_bytes_ -= size_of(it->first, it->second);
        listings_.erase(it);
    }
    Response response = make();
    if (response.status != 200) return response;
    const std::size_t bytes = key.size() + response.body.size();
    if (bytes > kMaxCachedListingBytes) return response;
    if (cached_bytes_ + bytes > kMaxCachedListingBytes) {
        std::erase_if(listings_, [&](const auto& entry) {
            if (fresh(entry.second)) return false;
            cached_bytes_ -= size_of(entry.first, entry.second);
            return true;
        });
        if (cached_bytes_ + bytes > kMaxCachedListingBytes) {
            listings_.clear();
            cached_bytes_ = 0;
        }
    }
    listings_.emplace(key, CachedListing{response, current, now_steady});
    cached_bytes_ += bytes;
    return response;
}

std::shared_ptr<const std::vector<CycleSummary>> WebContext::visible_cycles(const Actor& actor) {
    const auto now_steady = std::chrono::steady_clock::now();
    const long long current = generation.load();
    const Date day = today();
    auto fresh = [&](const CachedCycles& entry) {
        return entry.generation == current && entry.today == day &&
               now_steady - entry.made < kListingCacheTtl;
    };
    const std::string key = fmt::format("{}\n{}\n{}\n{}", role_name(actor.role), actor.email,
                                        actor.area_id, actor.institution_id);
    if (auto it = visible_.find(key); it != visible_.end() && fresh(it->second)) {
        return it->second.rows;
    }
    CycleFilter all;
    all.include_final = true;
    auto rows = std::make_shared<const std::vector<CycleSummary>>(
        list_cycles(*store, *cases, all, &actor, day));
    if (visible_.size() >= kMaxCachedPeople) {
        std::erase_if(visible_, [&](const auto& entry) { return !fresh(entry.second); });
        if (visible_.size() >= kMaxCachedPeople) visible_.clear();
    }
    // Fresh from when it was made: a listing that took a while is still worth keeping.
    visible_[key] = CachedCycles{rows, current, day, std::chrono::steady_clock::now()};
    return rows;
}

std::optional<StoredDocument> WebContext::document_by_id(std::string_view id) {
    if (id.empty() || id.size() > 18 ||
        id.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    return store->find_document(std::stoll(std::string(id)));
}

std::optional<StoredDocument> WebContext::visible_document(std::string_view id,
                                                           const Actor& actor) {
    auto document = document_by_id(id);
    if (!document) return std::nullopt;
    auto cycle = store->find_cycle(document->cycle_id);
    auto inst = cycle ? store->find_institution(cycle->institution_id) : std::nullopt;
    if (!inst) return std::nullopt;
    if (can_see(actor, inst->area_id, inst->id)) return document;
    // The observing tilbud's leader reaches the observed dialogue for its feedback only: the
    // documents of the feedback events, nothing else of the observed tilbud.
    if (!cases->observes(*cycle, actor)) return std::nullopt;
    for (const auto& event : store->events(cycle->id)) {
        const auto* described = workflows::find_event(event.event);
        if (event.seq == document->event_seq && described && described->from_observer) {
            return document;
        }
    }
    return std::nullopt;
}

Actor actor_of(const StoredUser& user) {
    return Actor{user.email, parse_role(user.role).value_or(Role::board), user.area_id,
                 user.institution_id};
}

int http_status(ApplyStatus status) {
    switch (status) {
        case ApplyStatus::ok:
            return 200;
        case ApplyStatus::bad_payload:
            return 400;
        case ApplyStatus::forbidden:
            return 403;
        case ApplyStatus::not_found:
            return 404;
        case ApplyStatus::conflict:
            return 409;
    }
    throw std::logic_error("http_status: unknown ApplyStatus");
}

int http_status(const ApplyResult& result) {
    if (result.status == ApplyStatus::bad_payload && result.code == ErrorCode::too_large) {
        return 413;
    }
    if (result.status == ApplyStatus::bad_payload && result.code == ErrorCode::document_type) {
        return 415;
    }
    return http_status(result.status);
}

Response document_download(DocumentStore& store, const StoredDocument& document) {
    const std::string name = safe_download_name(document.info.name);
    std::string ascii;  // the fallback for clients without RFC 6266's filename*
    for (char c : name) ascii += static_cast<unsigned char>(c) < 0x80 ? c : '_';
    Response response;
    response.content_type =
        document.info.type.empty() ? "application/octet-stream" : document.info.type;
    response.headers.emplace_back("Content-Disposition",
                                  fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}",
                                              ascii, percent_encode(name)));
    response.headers.emplace_back("Content-Security-Policy", "sandbox");
    response.stream_size = static_cast<std::uint64_t>(document.info.size);
    const long long id = document.id;
    const int chunks = store.document_chunks(id);
    response.stream = [&store, id, chunks, next = 0](std::string& out) mutable {
        if (next >= chunks) return false;
        auto bytes = store.document_chunk(id, next++);
        if (!bytes) throw StoreError("a document's chunk is missing");
        out = std::move(*bytes);
        return true;
    };
    return response;
}

// ---- The app -------------------------------------------------------------------------------

namespace {

/// Names a failed request in the answer and in the log, so a report of one finds the other.
std::string new_request_id() { return random_hex_256().substr(0, kRequestIdLength); }

/// A 5xx answer naming the request id, with `message` in Danish for people; the log has the
/// details under the same id. The API adds `detail` when given (the store's reason, which
/// operators and clients act on: "database is locked").
Response failure(RouteKind kind, int status, ErrorCode code, std::string_view message,
                 const std::string& request_id, std::string_view detail = {}) {
    const std::string text =
        fmt::format("{} Hvis fejlen bliver ved, så oplys fejlkoden {} til en administrator.",
                    message, request_id);
    Response response;
    if (kind == RouteKind::api) {
        boost::json::object extra{{"request_id", request_id}};
        if (!detail.empty()) extra["detail"] = detail;
        response = json_error(status, code, text, {}, std::move(extra));
    } else {
        response = html(status, ui::error_page(nullptr, status, text));
    }
    response.headers.emplace_back("X-Request-Id", request_id);
    return response;
}

}  // namespace

struct WebApp::Impl {
    WebContext context;
    RouteTable routes;
    std::shared_ptr<spdlog::logger> log;

    Impl(WebAppSettings settings, Metrics& metrics)
        : context(std::move(settings), metrics),
          log(context.settings.log ? context.settings.log : spdlog::default_logger()) {
        add_api_routes(routes, context);
        add_dashboard_routes(routes, context);
        add_public_routes(routes, context);
    }

    Response answer(const Request& request) {
        const RouteMatch match = routes.match(request.method, request.path);
        switch (match.outcome) {
            case RouteMatch::Outcome::found:
                return run(*match.route, request, match.params);
            case RouteMatch::Outcome::wrong_method:
                return not_allowed(match, request);
            case RouteMatch::Outcome::not_found:
                return not_found(match, request);
        }
        throw std::logic_error("WebApp: unknown route match outcome");
    }

    /// Runs a route's handler. Its exceptions become a 5xx answer with a request id, and the
    /// log says what went wrong under that id. The route's pattern is logged, not the path,
    /// which may hold a secret (a calendar feed's).
    Response run(const Route& route, const Request& request, const PathParams& params) {
        try {
            return route.handler(request, params);
        } catch (const StoreError& e) {
            return store_failure(route, request, e);
        } catch (const std::exception& e) {
            return internal_error(route, request, e.what());
        } catch (...) {
            return internal_error(route, request, "an exception that is not a std::exception");
        }
    }

    Response store_failure(const Route& route, const Request& request, const StoreError& e) {
        const std::string id = new_request_id();
        log->warn("request {}: {} {}: 503 the database failed: {}", id, request.method,
                  route.pattern, e.what());
        reconnect();
        // The API keeps the store's reason in `detail`, which clients act on ("database is
        // locked": README, tests/reliability); the store leaves statements and values out of
        // it. The page has the Danish message only.
        return failure(route.kind, 503, ErrorCode::database_unavailable,
                       kDatabaseUnavailableMessage, id, e.what());
    }

    Response internal_error(const Route& route, const Request& request, std::string_view what) {
        const std::string id = new_request_id();
        log->error("request {}: {} {}: 500 internal error: {}", id, request.method, route.pattern,
                   what);
        return failure(route.kind, 500, ErrorCode::internal_error, "Der opstod en intern fejl.",
                       id);
    }

    /// After a database failure: a restarted PostgreSQL is connected again, so the next
    /// request works.
    void reconnect() {
        try {
            if (context.store->reconnect_if_lost()) {
                log->warn("the database connection was lost; reconnected");
            }
        } catch (const std::exception& e) {
            log->error("reconnecting to the database: {}", e.what());
        }
    }

    Response not_allowed(const RouteMatch& match, const Request& request) {
        Response response =
            match.kind == RouteKind::api
                ? json_error(405, ErrorCode::method_not_allowed,
                             fmt::format("Metoden er ikke tilladt her. Brug {}.", match.allow))
                : dashboard_error(context, request, 405, "Metoden er ikke tilladt.");
        response.headers.emplace_back("Allow", match.allow);
        return response;
    }

    Response not_found(const RouteMatch& match, const Request& request) {
        if (match.kind == RouteKind::api) {
            return json_error(404, ErrorCode::not_found,
                              "Adressen findes ikke i API'et. Se /api/v1/openapi.json.");
        }
        return dashboard_error(context, request, 404, "Siden findes ikke.");
    }
};

WebApp::WebApp(WebAppSettings settings, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(settings), metrics)) {
    WebContext& context = impl_->context;
    if (!context.settings.domain) throw std::logic_error("WebApp needs a domain");
    context.store = open_store(context.settings.db_url);
    context.install(context.settings.domain);
    context.content_types = std::make_unique<documents::ContentTypes>();
}

WebApp::~WebApp() = default;

void WebApp::reload(std::shared_ptr<const Domain> domain) {
    impl_->context.install(std::move(domain));
    data_changed();
}

void WebApp::data_changed() { impl_->context.generation++; }

namespace {

/// The body of an upload from someone not signed in: not read, whatever its length. The route
/// answers the head alone (401, or the way to the login page), at once.
class AnswerAtOnce : public BodySink {
  public:
    explicit AnswerAtOnce(Response answer) : answer_(std::move(answer)) {}
    std::uint64_t max_body() const override { return std::numeric_limits<std::uint64_t>::max(); }
    Response too_large() override { return answer_; }
    std::optional<Response> write(std::string_view) override { return answer_; }
    Response finish() override { return answer_; }

  private:
    Response answer_;
};

}  // namespace

std::unique_ptr<BodySink> WebApp::open_stream(const Request& head) {
    WebContext& context = impl_->context;
    const auto boundary = multipart_boundary(head.header("content-type"));
    if (head.method != "POST" || !boundary) return nullptr;
    const RouteMatch match = impl_->routes.match(head.method, head.path);
    if (match.outcome != RouteMatch::Outcome::found ||
        std::find(context.upload_patterns.begin(), context.upload_patterns.end(),
                  match.route->pattern) == context.upload_patterns.end()) {
        return nullptr;
    }
    // Only a known sender's body is spooled; anyone else is answered by the route from the
    // head alone (401, or the login page), and the body is dropped unread. A database that
    // fails while the sender is looked up is answered like any route's failure (503, logged).
    const bool api = match.route->kind == RouteKind::api;
    bool known = false;
    try {
        if (api) {
            const std::string token = head.bearer_token();
            known = !token.empty() && context.user_for_token(token);
        } else {
            known = has_session(context, head);
        }
    } catch (const StoreError& e) {
        return std::make_unique<AnswerAtOnce>(impl_->store_failure(*match.route, head, e));
    }
    if (!known) return std::make_unique<AnswerAtOnce>(handle(head));
    Refuse refuse = [this, api, head](int status, ErrorCode code, const std::string& message) {
        if (api) return json_error(status, code, message, "documents");
        return dashboard_error(impl_->context, head, status, message);
    };
    return multipart_upload(head, *boundary, context.config().documents, *context.content_types,
                            std::move(refuse),
                            [this](const Request& request) { return handle(request); });
}

Response WebApp::handle(const Request& request) {
    const auto started = std::chrono::steady_clock::now();
    Response response = impl_->answer(request);
    impl_->context.metrics.observe_request(std::chrono::steady_clock::now() - started);
    return response;
}

}  // namespace tilsyn::http
