// What the API routes and the dashboard routes share inside the web app: the configuration and
// the case service built on it, the store, the dashboard's sessions, the listings cache and the
// metrics. Internal to adapters/http; used on the HTTP server's thread only (but
// `generation`, which data_changed() bumps from the scheduler's thread).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "adapters/documents/spooled_file.hpp"
#include "adapters/http/attempts.hpp"
#include "adapters/http/dashboard.hpp"
#include "adapters/http/http_types.hpp"
#include "adapters/http/labels.hpp"
#include "adapters/http/oidc.hpp"
#include "adapters/http/route_table.hpp"
#include "adapters/http/sessions.hpp"
#include "adapters/http/web_app.hpp"
#include "engine/calendar.hpp"
#include "engine/case_service.hpp"
#include "engine/case_view.hpp"
#include "engine/domain.hpp"
#include "engine/metrics.hpp"
#include "engine/store.hpp"

namespace tilsyn::http {

struct WebContext {
    WebAppSettings settings;
    Metrics& metrics;
    std::shared_ptr<const Domain> domain;  // replaced whole by a reload
    std::unique_ptr<Store> store;
    std::unique_ptr<CaseService> cases;
    /// libmagic, loaded once: the types of uploaded documents.
    std::unique_ptr<documents::ContentTypes> content_types;
    /// The route patterns (POST) whose multipart/form-data bodies are streamed (uploads).
    std::vector<std::string> upload_patterns;
    const std::vector<std::string> state_names = all_state_names();
    /// Failed sign-ins per client address (slowing a guesser down).
    Attempts attempts;
    /// Sign-in with the municipality's accounts, when the configuration has `auth.oidc`.
    std::unique_ptr<OidcClient> oidc;
    /// Bumped by every change of the data; cached listings of an older generation are stale.
    std::atomic<long long> generation{0};

    WebContext(WebAppSettings s, Metrics& m) : settings(std::move(s)), metrics(m) {}

    Instant now() const { return settings.clock(); }
    Date today() const;

    const Config& config() const { return domain->config; }
    const TimeZone& zone() const { return domain->zone; }

    /// Uses `domain` from now on (at start and on reload), with a case service built on it.
    void install(std::shared_ptr<const Domain> domain);

    /// The user an API token belongs to; nullopt for an unknown token, a disabled person or
    /// one with no valid role.
    std::optional<StoredUser> user_for_token(std::string_view token);

    /// A sign-in with a token (`where`: "/login" or the API route's pattern): the user, or a
    /// refusal that is logged (the address, never the token) and counted in the metrics.
    /// `wait` is set instead when the client's address failed too often and must wait first.
    struct SignIn {
        std::optional<StoredUser> user;
        std::chrono::seconds wait{0};
    };
    SignIn sign_in(const Request& request, std::string_view token, std::string_view where);

    /// Whether the dashboard is served over https (organisation.dashboard_url): its cookies
    /// are then Secure.
    bool secure_cookies() const;
    /// The scheme the client used: X-Forwarded-Proto behind a trusted proxy (--trust-proxy),
    /// else http.
    std::string scheme_of(const Request& request) const;
    /// The client's address: the last X-Forwarded-For entry behind a trusted proxy (the one
    /// the proxy added), else the peer's address.
    std::string client_of(const Request& request) const;

    /// Applies an event through the case service, counts it in the metrics and, when applied,
    /// marks cached listings stale and calls settings.on_change.
    ApplyResult apply_event(const std::string& id, const std::string& event, const Actor& actor,
                            const std::string& data,
                            std::span<const DocumentUpload> documents = {});

    /// The stored document whose id a path gives (digits only), else nullopt.
    std::optional<StoredDocument> document_by_id(std::string_view id);
    /// A stored document that `actor` may see (its instance is in reach), else nullopt.
    std::optional<StoredDocument> visible_document(std::string_view id, const Actor& actor);

    /// Records an event meant for many (CaseService::apply_to_many), counted like apply_event;
    /// when it recorded any, cached listings go stale and settings.on_change is called.
    ManyResult apply_to_many(const std::string& cycle, InstitutionKind kind, int round,
                             const std::string& event, const Actor& actor, const std::string& data);

    /// The events meant for many that `role` may record, per configured cycle (for the
    /// dashboard's form and nav link).
    std::vector<ui::ManyForm> many_forms(Role role) const;

    /// A listing answer from the cache when fresh (same generation, younger than
    /// kListingCacheTtl), else made by `make` and kept when it is a 200. `key` names what was
    /// asked in a normal form (the caller's scope and the parsed filters, never the raw
    /// query), so spellings of one question share one entry. The cache holds at most
    /// kMaxCachedListingBytes of answers: stale ones go first, then all.
    Response cached_listing(const std::string& key, const std::function<Response()>& make);
    std::size_t cached_listing_bytes() const { return cached_bytes_; }

    static constexpr std::size_t kMaxCachedListingBytes = 16 << 20;

    /// Every instance `actor` may see, finished ones too (list_cycles), for the dashboard's
    /// lists to filter, sort and page: kept per person while fresh as cached_listing's
    /// answers are (same generation, younger than kListingCacheTtl), at most
    /// kMaxCachedPeople people.
    std::shared_ptr<const std::vector<CycleSummary>> visible_cycles(const Actor& actor);
    static constexpr std::size_t kMaxCachedPeople = 32;

  private:
    struct CachedCycles {
        std::shared_ptr<const std::vector<CycleSummary>> rows;
        long long generation = 0;
        Date today{};
        std::chrono::steady_clock::time_point made;
    };
    std::unordered_map<std::string, CachedCycles> visible_;
    struct CachedListing {
        Response response;
        long long generation = 0;
        std::chrono::steady_clock::time_point made;
    };
    std::unordered_map<std::string, CachedListing> listings_;
    std::size_t cached_bytes_ = 0;
};

/// The case service's actor for a stored user.
Actor actor_of(const StoredUser& user);

/// The HTTP status that answers a case service result: 200, 400, 403, 404 or 409.
int http_status(ApplyStatus status);
/// The same for a whole result: 413 for documents over a limit, 415 for a document of a type
/// not allowed, else http_status(result.status).
int http_status(const ApplyResult& result);

/// A stored document as a download: its bytes streamed chunk by chunk, always as an
/// attachment with a safe file name (never shown inline), sandboxed.
Response document_download(DocumentStore& store, const StoredDocument& document);

/// The public page of published development plans at the configuration's
/// `publication.path`, with its JSON and Atom feed and the published documents (no login).
void add_public_routes(RouteTable& routes, WebContext& context);

/// /healthz, /metrics, the JSON API under /api/v1/ and the calendar feeds.
void add_api_routes(RouteTable& routes, WebContext& context);

/// The dashboard's pages and forms, its login and its stylesheet.
void add_dashboard_routes(RouteTable& routes, WebContext& context);

/// Whether the request carries a live dashboard session (its cookie).
bool has_session(WebContext& context, const Request& request);

/// A dashboard error page, with the navigation of the caller's session when there is one.
Response dashboard_error(WebContext& context, const Request& request, int status,
                         std::string_view message);

}  // namespace tilsyn::http
