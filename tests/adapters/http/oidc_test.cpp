// ID token verification (adapters/http/oidc.cpp) with tokens signed here by libcjose under
// fresh RSA and EC keys: a good token of each algorithm, and each way a token must be refused
// (another audience, expired, issued in the future, a bad signature, another nonce, an unknown
// key, alg none or HS256), and the flow's state used once with the network stood in for.
#include "adapters/http/oidc.hpp"

#include <cjose/cjose.h>
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "engine/workflow_fixture.hpp"

using namespace tilsyn;
using namespace tilsyn::http;
using tilsyn::testing::at;

namespace {

constexpr const char* kIssuer = "http://127.0.0.1:9/oidc";
constexpr const char* kClient = "tilsyn";

struct Key {
    cjose_jwk_t* jwk = nullptr;
    std::string alg;
    Key(bool rsa, const std::string& kid) : alg(rsa ? "RS256" : "ES256") {
        cjose_err err;
        jwk = rsa ? cjose_jwk_create_RSA_random(2048, nullptr, 0, &err)
                  : cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &err);
        REQUIRE(jwk);
        cjose_jwk_set_kid(jwk, kid.data(), kid.size(), &err);
    }
    ~Key() { cjose_jwk_release(jwk); }
    std::string public_json() const {
        cjose_err err;
        char* text = cjose_jwk_to_json(jwk, false, &err);
        std::string out(text);
        free(text);
        return out;
    }
    /// A token signed by this key; with `alg_override` the header then claims another algorithm.
    std::string sign(const std::string& claims, const std::string& alg_override = {}) const {
        cjose_err err;
        cjose_header_t* header = cjose_header_new(&err);
        cjose_header_set(header, CJOSE_HDR_ALG, alg.c_str(), &err);
        cjose_header_set(header, CJOSE_HDR_KID, cjose_jwk_get_kid(jwk, &err), &err);
        cjose_jws_t* jws = cjose_jws_sign(
            jwk, header, reinterpret_cast<const uint8_t*>(claims.data()), claims.size(), &err);
        cjose_header_release(header);
        REQUIRE(jws);
        const char* compact = nullptr;
        REQUIRE(cjose_jws_export(jws, &compact, &err));
        std::string out(compact);
        cjose_jws_release(jws);
        if (!alg_override.empty()) {
            const std::string header_json = fmt::format(R"({{"alg":"{}","kid":"{}"}})",
                                                        alg_override, cjose_jwk_get_kid(jwk, &err));
            out = base64url(header_json) + out.substr(out.find('.'));
        }
        return out;
    }
};

std::string jwks(std::initializer_list<const Key*> keys) {
    std::string out = R"({"keys":[)";
    for (const Key* key : keys) out += (out.back() == '[' ? "" : ",") + key->public_json();
    return out + "]}";
}

std::string claims(long long iat, long long exp, const std::string& aud = kClient,
                   const std::string& nonce = "n-1", const std::string& email = "Lene@Example.dk") {
    return fmt::format(
        R"({{"iss":"{}","sub":"u1","aud":{},"iat":{},"exp":{},"nonce":"{}","email":"{}",
            "email_verified":true}})",
        kIssuer, aud.front() == '[' ? aud : "\"" + aud + "\"", iat, exp, nonce, email);
}

}  // namespace

TEST_CASE(
    "an ID token signed with RS256 or ES256 by a known key is accepted, and each bad one "
    "refused",
    "[http][oidc]") {
    const Key rsa(true, "rsa-1");
    const Key ec(false, "ec-1");
    const Key other(true, "rsa-1");  // same kid, another key: a forged signature
    const Jwks keys = Jwks::parse(jwks({&rsa, &ec}));
    REQUIRE(keys.size() == 2);
    const Instant now = at("2026-11-24", 9);
    const long long t = now.time_since_epoch().count();
    const IdTokenExpectation expected{kIssuer, kClient, "n-1", now};

    for (const Key* key : {&rsa, &ec}) {
        auto ok = verify_id_token(key->sign(claims(t - 5, t + 300)), keys, expected);
        INFO(ok.error);
        REQUIRE(ok.claims_json);
        CHECK(claim_value(*ok.claims_json, "email") == "lene@example.dk");
    }
    auto refused = [&](const std::string& token, std::string_view why) {
        auto result = verify_id_token(token, keys, expected);
        CHECK_FALSE(result.claims_json);
        CHECK_THAT(result.error, Catch::Contains(std::string(why)));
        return result;
    };
    refused(rsa.sign(claims(t, t + 300, "someone-else")), "another client");
    refused(rsa.sign(claims(t, t + 300, R"(["tilsyn","other"])")), "another client");  // no azp
    refused(rsa.sign(claims(t - 600, t - 61)), "expired");
    CHECK(verify_id_token(rsa.sign(claims(t - 600, t - 30)), keys, expected).claims_json);  // skew
    refused(rsa.sign(claims(t + 120, t + 600)), "future");
    refused(other.sign(claims(t, t + 300)), "signature");
    refused(rsa.sign(claims(t, t + 300, kClient, "n-2")), "nonce");
    CHECK(refused(Key(true, "rsa-2").sign(claims(t, t + 300)), "key id").unknown_key);
    refused(rsa.sign(claims(t, t + 300), "HS256"), "algorithm");
    // alg "none": header {"alg":"none"}, no signature.
    refused("eyJhbGciOiJub25lIn0." + base64url(claims(t, t + 300)) + ".", "");
    refused("not a token", "compact JWS");
    CHECK_FALSE(claim_value(R"({"email":"a@b.dk","email_verified":false})", "email"));
    CHECK(base64url("\xfb\xff") == "-_8");
}

TEST_CASE("a sign-in's state is used once, and keys are fetched again for an unknown key id",
          "[http][oidc]") {
    const Key first(true, "k1");
    const Key rotated(false, "k2");
    const Key* signer = &first;
    std::string published = jwks({&first});
    int jwks_fetches = 0;
    std::string sent_nonce;
    std::string posted;
    const std::string discovery = fmt::format(
        R"({{"issuer":"{0}","authorization_endpoint":"{0}/auth","token_endpoint":"{0}/token",
            "jwks_uri":"{0}/jwks"}})",
        kIssuer);
    Instant now = at("2026-11-24", 9);
    OidcSettings settings;
    settings.issuer = kIssuer;
    settings.client_id = kClient;
    OidcClient client(
        settings, "http://127.0.0.1:8080/login/oidc/callback", "s3cret",
        [&](const std::string& url) -> OidcClient::HttpReply {
            if (url.ends_with("/.well-known/openid-configuration")) return {200, discovery, {}};
            if (url.ends_with("/jwks")) {
                ++jwks_fetches;
                return {200, published, {}};
            }
            return {404, {}, {}};
        },
        [&](const std::string& url, const std::string& form) -> OidcClient::HttpReply {
            posted = form;
            CHECK(url == std::string(kIssuer) + "/token");
            const long long t = now.time_since_epoch().count();
            return {200,
                    fmt::format(R"({{"id_token":"{}"}})",
                                signer->sign(claims(t, t + 300, kClient, sent_nonce))),
                    {}};
        });
    auto begun = client.begin(now);
    CHECK_THAT(begun.url, Catch::StartsWith(std::string(kIssuer) + "/auth?response_type=code"));
    CHECK_THAT(begun.url, Catch::Contains("code_challenge_method=S256"));
    CHECK_THAT(begun.url, Catch::Contains("state=" + begun.state));
    const auto nonce_at = begun.url.find("nonce=") + 6;
    sent_nonce = begun.url.substr(nonce_at, 64);

    auto outcome = client.complete(begun.state, "code-1", now);
    INFO(outcome.error);
    CHECK(outcome.who == "lene@example.dk");
    CHECK_THAT(posted, Catch::Contains("code_verifier="));
    CHECK_THAT(posted, Catch::Contains("client_secret=s3cret"));
    CHECK(jwks_fetches == 1);
    // The same state again (a replay) is refused without asking the provider.
    posted.clear();
    CHECK_THAT(client.complete(begun.state, "code-1", now).error, Catch::Contains("state"));
    CHECK(posted.empty());

    // The provider rotates its key: the unknown key id makes the client fetch the keys again.
    signer = &rotated;
    published = jwks({&rotated});
    now += std::chrono::seconds{1};
    begun = client.begin(now);
    sent_nonce = begun.url.substr(begun.url.find("nonce=") + 6, 64);
    outcome = client.complete(begun.state, "code-2", now);
    INFO(outcome.error);
    CHECK(outcome.who == "lene@example.dk");
    CHECK(jwks_fetches == 2);

    // A state older than its lifetime is gone.
    begun = client.begin(now);
    CHECK_THAT(client.complete(begun.state, "code-3", now + kOidcPendingLifetime).error,
               Catch::Contains("state"));
}
