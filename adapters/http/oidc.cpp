#include "adapters/http/oidc.hpp"

#include <cjose/cjose.h>
#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>

#include "adapters/http/http_types.hpp"
#include "engine/sha256.hpp"

namespace tilsyn::http {

namespace json = boost::json;

// ---- Keys ------------------------------------------------------------------------------------

struct Jwks::Keys {
    std::map<std::string, cjose_jwk_t*, std::less<>> by_kid;
    ~Keys() {
        for (auto& [kid, key] : by_kid) cjose_jwk_release(key);
    }
};

Jwks::Jwks() : keys(std::make_unique<Keys>()) {}
Jwks::~Jwks() = default;
Jwks::Jwks(Jwks&&) noexcept = default;
Jwks& Jwks::operator=(Jwks&&) noexcept = default;

Jwks Jwks::parse(std::string_view text) {
    Jwks out;
    boost::system::error_code ec;
    const json::value doc = json::parse(text, ec);
    if (ec || !doc.is_object()) return out;
    const auto* list = doc.as_object().if_contains("keys");
    if (!list || !list->is_array()) return out;
    for (const auto& item : list->as_array()) {
        if (!item.is_object()) continue;
        const auto& key = item.as_object();
        const auto* kty = key.if_contains("kty");
        const auto* use = key.if_contains("use");
        if (!kty || !kty->is_string() || (*kty != "RSA" && *kty != "EC")) continue;
        if (use && use->is_string() && *use != "sig") continue;
        const std::string serialized = json::serialize(key);
        cjose_err err;
        cjose_jwk_t* jwk = cjose_jwk_import(serialized.data(), serialized.size(), &err);
        if (!jwk) continue;
        std::string kid;
        if (const auto* k = key.if_contains("kid"); k && k->is_string()) kid = k->as_string();
        auto [it, inserted] = out.keys->by_kid.emplace(kid, jwk);
        if (!inserted) cjose_jwk_release(jwk);
    }
    return out;
}

bool Jwks::has(std::string_view kid) const { return keys->by_kid.contains(kid); }
std::size_t Jwks::size() const { return keys->by_kid.size(); }

// ---- ID tokens -------------------------------------------------------------------------------

namespace {

struct JwsHandle {
    cjose_jws_t* jws = nullptr;
    ~JwsHandle() {
        if (jws) cjose_jws_release(jws);
    }
};

std::optional<long long> number(const json::object& claims, std::string_view name) {
    const auto* v = claims.if_contains(name);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<long long>(v->as_uint64());
    if (v->is_double()) return static_cast<long long>(v->as_double());
    return std::nullopt;
}

std::string text_of(const json::object& claims, std::string_view name) {
    const auto* v = claims.if_contains(name);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

IdTokenResult verify_id_token(std::string_view token, const Jwks& keys,
                              const IdTokenExpectation& expected) {
    IdTokenResult result;
    cjose_err err;
    JwsHandle handle{cjose_jws_import(token.data(), token.size(), &err)};
    if (!handle.jws) {
        result.error = "the ID token is not a compact JWS";
        return result;
    }
    cjose_header_t* header = cjose_jws_get_protected(handle.jws);
    const char* alg = header ? cjose_header_get(header, CJOSE_HDR_ALG, &err) : nullptr;
    const char* kid = header ? cjose_header_get(header, CJOSE_HDR_KID, &err) : nullptr;
    const std::string_view algorithm = alg ? alg : "";
    if (algorithm != "RS256" && algorithm != "ES256") {
        result.error =
            fmt::format("the ID token's algorithm '{}' is not RS256 or ES256", algorithm);
        return result;
    }
    const cjose_jwk_t* key = nullptr;
    if (kid) {
        auto it = keys.keys->by_kid.find(std::string_view(kid));
        if (it != keys.keys->by_kid.end()) key = it->second;
    } else if (keys.size() == 1) {
        key = keys.keys->by_kid.begin()->second;
    }
    if (!key) {
        result.unknown_key = true;
        result.error = fmt::format("the ID token's key id '{}' is not among the provider's keys",
                                   kid ? kid : "");
        return result;
    }
    const auto kty = cjose_jwk_get_kty(key, &err);
    if ((algorithm == "RS256") != (kty == CJOSE_JWK_KTY_RSA) ||
        (algorithm == "ES256" && kty != CJOSE_JWK_KTY_EC)) {
        result.error = "the ID token's algorithm does not fit its key";
        return result;
    }
    if (!cjose_jws_verify(handle.jws, key, &err)) {
        result.error = "the ID token's signature is not valid";
        return result;
    }
    uint8_t* plain = nullptr;
    size_t plain_len = 0;
    if (!cjose_jws_get_plaintext(handle.jws, &plain, &plain_len, &err)) {
        result.error = "the ID token has no claims";
        return result;
    }
    const std::string claims_text(reinterpret_cast<const char*>(plain), plain_len);
    boost::system::error_code ec;
    const json::value parsed = json::parse(claims_text, ec);
    if (ec || !parsed.is_object()) {
        result.error = "the ID token's claims are not a JSON object";
        return result;
    }
    const json::object& claims = parsed.as_object();
    if (text_of(claims, "iss") != expected.issuer) {
        result.error = fmt::format("the ID token's issuer '{}' is not '{}'", text_of(claims, "iss"),
                                   expected.issuer);
        return result;
    }
    bool audience = false;
    bool several = false;
    if (const auto* aud = claims.if_contains("aud")) {
        if (aud->is_string()) {
            audience = aud->as_string() == expected.client_id;
        } else if (aud->is_array()) {
            several = aud->as_array().size() > 1;
            for (const auto& a : aud->as_array()) {
                audience = audience || (a.is_string() && a.as_string() == expected.client_id);
            }
        }
    }
    if (!audience || (several && text_of(claims, "azp") != expected.client_id)) {
        result.error = "the ID token is meant for another client (aud)";
        return result;
    }
    const long long now = expected.now.time_since_epoch().count();
    const long long skew = kOidcClockSkew.count();
    const auto exp = number(claims, "exp");
    const auto iat = number(claims, "iat");
    if (!exp || *exp + skew <= now) {
        result.error = "the ID token has expired (exp)";
        return result;
    }
    if (!iat || *iat - skew > now) {
        result.error = "the ID token was issued in the future (iat)";
        return result;
    }
    if (expected.nonce.empty() || !constant_time_equal(text_of(claims, "nonce"), expected.nonce)) {
        result.error = "the ID token's nonce is not the one this sign-in sent";
        return result;
    }
    result.claims_json = claims_text;
    return result;
}

std::optional<std::string> claim_value(std::string_view claims_json, std::string_view claim) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(claims_json, ec);
    if (ec || !parsed.is_object()) return std::nullopt;
    const auto& claims = parsed.as_object();
    const auto* v = claims.if_contains(claim);
    if (!v || !v->is_string() || v->as_string().empty()) return std::nullopt;
    if (claim == "email") {
        if (const auto* verified = claims.if_contains("email_verified");
            verified && verified->is_bool() && !verified->as_bool()) {
            return std::nullopt;
        }
    }
    std::string value(v->as_string());
    if (claim == "email" || claim == "preferred_username" || claim == "upn") {
        for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return value;
}

// ---- The flow --------------------------------------------------------------------------------

std::string base64url(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = at(i) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
        for (int shift : {18, 12, 6}) out += kAlphabet[(v >> shift) & 63];
    }
    return out;
}

OidcClient::OidcClient(OidcSettings settings, std::string redirect_uri, std::string client_secret,
                       Get get, PostForm post)
    : settings_(std::move(settings)),
      redirect_uri_(std::move(redirect_uri)),
      client_secret_(std::move(client_secret)),
      get_(std::move(get)),
      post_(std::move(post)) {}

OidcClient::~OidcClient() = default;

const OidcClient::Provider& OidcClient::provider() {
    if (provider_) return *provider_;
    std::string issuer = settings_.issuer;
    while (!issuer.empty() && issuer.back() == '/') issuer.pop_back();
    const HttpReply reply = get_(issuer + "/.well-known/openid-configuration");
    if (reply.status != 200) {
        throw std::runtime_error(
            fmt::format("OpenID discovery at {}: {}", issuer,
                        reply.error.empty() ? fmt::format("HTTP {}", reply.status) : reply.error));
    }
    boost::system::error_code ec;
    const json::value doc = json::parse(reply.body, ec);
    if (ec || !doc.is_object()) {
        throw std::runtime_error("OpenID discovery: the answer is not a JSON object");
    }
    const auto& o = doc.as_object();
    Provider p{text_of(o, "issuer"), text_of(o, "authorization_endpoint"),
               text_of(o, "token_endpoint"), text_of(o, "jwks_uri")};
    if (p.issuer != settings_.issuer && p.issuer != issuer) {
        throw std::runtime_error(fmt::format(
            "OpenID discovery: the provider calls itself '{}', not '{}'", p.issuer, issuer));
    }
    if (p.authorization_endpoint.empty() || p.token_endpoint.empty() || p.jwks_uri.empty()) {
        throw std::runtime_error("OpenID discovery: an endpoint is missing");
    }
    provider_ = std::move(p);
    return *provider_;
}

void OidcClient::fetch_keys(Instant now) {
    const HttpReply reply = get_(provider().jwks_uri);
    keys_fetched_ = now;
    if (reply.status != 200) return;
    Jwks fresh = Jwks::parse(reply.body);
    if (fresh.size() > 0) keys_ = std::move(fresh);
}

OidcClient::Begun OidcClient::begin(Instant now) {
    const Provider& p = provider();
    std::erase_if(pending_, [&](const auto& entry) {
        return now - entry.second.started >= kOidcPendingLifetime;
    });
    if (pending_.size() >= kOidcMaxPending) {
        auto oldest = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
            return a.second.started < b.second.started;
        });
        pending_.erase(oldest);
    }
    Begun begun;
    begun.state = random_hex_256();
    Pending pending{random_hex_256() + random_hex_256().substr(0, 32), random_hex_256(), now};
    Sha256 digest;
    digest.update(pending.verifier);
    const auto hash = digest.finish();
    const std::string challenge =
        base64url(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
    std::string scopes;
    for (const auto& scope : settings_.scopes) scopes += (scopes.empty() ? "" : " ") + scope;
    begun.url = fmt::format(
        "{}{}response_type=code&client_id={}&redirect_uri={}&scope={}&state={}&nonce={}"
        "&code_challenge={}&code_challenge_method=S256",
        p.authorization_endpoint,
        p.authorization_endpoint.find('?') == std::string::npos ? "?" : "&",
        percent_encode(settings_.client_id), percent_encode(redirect_uri_), percent_encode(scopes),
        begun.state, pending.nonce, challenge);
    pending_.emplace(begun.state, std::move(pending));
    return begun;
}

OidcClient::Outcome OidcClient::complete(std::string_view state, std::string_view code,
                                         Instant now) {
    Outcome outcome;
    auto it = pending_.find(std::string(state));
    if (it == pending_.end() || now - it->second.started >= kOidcPendingLifetime) {
        if (it != pending_.end()) pending_.erase(it);
        outcome.error = "unknown, used or expired state";
        return outcome;
    }
    const Pending pending = it->second;
    pending_.erase(it);  // a state is used once: a replay finds nothing
    if (code.empty()) {
        outcome.error = "the provider sent no code";
        return outcome;
    }
    const Provider& p = provider();
    std::string form = fmt::format(
        "grant_type=authorization_code&code={}&redirect_uri={}&client_id={}&code_verifier={}",
        percent_encode(code), percent_encode(redirect_uri_), percent_encode(settings_.client_id),
        pending.verifier);
    if (!client_secret_.empty()) form += "&client_secret=" + percent_encode(client_secret_);
    const HttpReply reply = post_(p.token_endpoint, form);
    if (reply.status != 200) {
        outcome.error = fmt::format("the token endpoint answered {}{}", reply.status,
                                    reply.error.empty() ? "" : ": " + reply.error);
        return outcome;
    }
    boost::system::error_code ec;
    const json::value doc = json::parse(reply.body, ec);
    const json::object* tokens = !ec && doc.is_object() ? &doc.as_object() : nullptr;
    const std::string id_token = tokens ? text_of(*tokens, "id_token") : std::string();
    if (id_token.empty()) {
        outcome.error = "the token endpoint sent no ID token";
        return outcome;
    }
    const IdTokenExpectation expected{p.issuer, settings_.client_id, pending.nonce, now};
    if (!keys_fetched_) fetch_keys(now);
    IdTokenResult verified = verify_id_token(id_token, keys_, expected);
    if (verified.unknown_key) {
        // The provider rotated its keys. Only the provider's own token answer, fetched by us,
        // names a key id, so nobody else can make us fetch them again.
        fetch_keys(now);
        verified = verify_id_token(id_token, keys_, expected);
    }
    if (!verified.claims_json) {
        outcome.error = verified.error;
        return outcome;
    }
    outcome.who = claim_value(*verified.claims_json, settings_.claim);
    if (!outcome.who) {
        outcome.error = fmt::format("the ID token has no usable claim '{}'", settings_.claim);
    }
    return outcome;
}

// ---- libcurl ---------------------------------------------------------------------------------

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* out) {
    auto* body = static_cast<std::string*>(out);
    if (body->size() + size * count > (4u << 20)) return 0;  // a provider's answer is small
    body->append(data, size * count);
    return size * count;
}

OidcClient::HttpReply perform(const std::string& url, const std::string* form) {
    OidcClient::HttpReply reply;
    CURL* curl = curl_easy_init();
    if (!curl) {
        reply.error = "curl_easy_init failed";
        return reply;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    struct curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (form) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form->c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form->size()));
    }
    const CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        reply.error = curl_easy_strerror(rc);
    } else {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return reply;
}

}  // namespace

OidcClient::HttpReply curl_http_get(const std::string& url) { return perform(url, nullptr); }

OidcClient::HttpReply curl_http_post_form(const std::string& url, const std::string& form) {
    return perform(url, &form);
}

}  // namespace tilsyn::http
