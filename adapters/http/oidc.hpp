// Sign-in with the municipality's accounts: OpenID Connect's authorization code flow with
// PKCE (S256), `state` and `nonce`, against the provider the configuration names (auth.oidc).
// Discovery and the provider's keys (JWKS) are fetched over HTTPS with libcurl and cached; the
// keys are fetched again when a token names a key id the cache does not hold (a rotated key).
// ID tokens are verified with libcjose (RS256 and ES256 only), and `iss`, `aud`, `azp`, `exp`,
// `iat` and `nonce` are checked with a small clock skew. Used on the HTTP server's thread only.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"

namespace tilsyn::http {

/// Tolerated difference between our clock and the provider's.
constexpr std::chrono::seconds kOidcClockSkew{60};
/// A sign-in that has not come back from the provider within this long is forgotten.
constexpr std::chrono::minutes kOidcPendingLifetime{10};
/// At most this many sign-ins wait for the provider at once (the oldest is dropped beyond).
constexpr std::size_t kOidcMaxPending = 10000;

/// The provider's public keys by key id (a JWKS), parsed with libcjose.
class Jwks {
  public:
    Jwks();
    ~Jwks();
    Jwks(Jwks&&) noexcept;
    Jwks& operator=(Jwks&&) noexcept;
    /// Parses a JWKS document; keys of other kinds or uses are skipped. Empty on bad JSON.
    static Jwks parse(std::string_view json);
    bool has(std::string_view kid) const;
    std::size_t size() const;

    struct Keys;
    std::unique_ptr<Keys> keys;
};

/// What an ID token must say.
struct IdTokenExpectation {
    std::string issuer;
    std::string client_id;
    std::string nonce;
    Instant now{};
};

/// A verified ID token's claims (JSON object text), or why it is refused (for the log).
struct IdTokenResult {
    std::optional<std::string> claims_json;
    std::string error;
    bool unknown_key = false;  // the token names a key id the JWKS does not hold
};

/// Verifies a compact JWS ID token: alg RS256 or ES256 with a key of `keys` (by `kid`, or the
/// only key when the token names none), then iss, aud (and azp when several audiences), exp,
/// iat (with kOidcClockSkew) and nonce.
IdTokenResult verify_id_token(std::string_view token, const Jwks& keys,
                              const IdTokenExpectation& expected);

/// A string claim of a verified token's claims; nullopt when absent or not a string (also
/// for `email` when `email_verified` is false).
std::optional<std::string> claim_value(std::string_view claims_json, std::string_view claim);

/// The provider as the flow needs it. HTTP is injected so a unit test can stand in for the
/// network; `serve` uses libcurl (curl_http_get / curl_http_post_form).
class OidcClient {
  public:
    struct HttpReply {
        long status = 0;
        std::string body;
        std::string error;  // transport failure
    };
    using Get = std::function<HttpReply(const std::string& url)>;
    using PostForm = std::function<HttpReply(const std::string& url, const std::string& form)>;

    /// `redirect_uri`: this dashboard's callback (dashboard_url + /login/oidc/callback).
    OidcClient(OidcSettings settings, std::string redirect_uri, std::string client_secret, Get get,
               PostForm post);
    ~OidcClient();

    struct Begun {
        std::string url;    // the provider's authorization endpoint with the request
        std::string state;  // also bound to the browser in a cookie
    };
    /// Starts a sign-in: a fresh state, nonce and PKCE verifier kept until the callback.
    /// Throws std::runtime_error when the provider's discovery cannot be read.
    Begun begin(Instant now);

    struct Outcome {
        std::optional<std::string> who;  // the configured claim's value (lower case for email)
        std::string error;               // why not, for the log (never a token)
    };
    /// Completes a sign-in from the callback's `state` and `code`: the state must be pending
    /// (each is used once), the code is exchanged, the ID token verified.
    Outcome complete(std::string_view state, std::string_view code, Instant now);

    const OidcSettings& settings() const { return settings_; }

  private:
    struct Pending {
        std::string verifier;
        std::string nonce;
        Instant started{};
    };
    struct Provider {
        std::string issuer, authorization_endpoint, token_endpoint, jwks_uri;
    };
    const Provider& provider();
    void fetch_keys(Instant now);

    OidcSettings settings_;
    std::string redirect_uri_;
    std::string client_secret_;
    Get get_;
    PostForm post_;
    std::optional<Provider> provider_;
    Jwks keys_;
    std::optional<Instant> keys_fetched_;
    std::unordered_map<std::string, Pending> pending_;
};

/// libcurl: a GET and a form POST with 10 s timeouts, following no redirects.
OidcClient::HttpReply curl_http_get(const std::string& url);
OidcClient::HttpReply curl_http_post_form(const std::string& url, const std::string& form);

/// base64url without padding (RFC 4648 §5), as PKCE's S256 challenge uses it.
std::string base64url(std::string_view bytes);

}  // namespace tilsyn::http
