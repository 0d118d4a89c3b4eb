#include "adapters/storage/database_url.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tilsyn {

namespace {

constexpr std::string_view accepted_forms =
    "expected sqlite:PATH or postgresql://user[:password]@host[:port]/database";

[[noreturn]] void bad_url(std::string_view shown, std::string_view why) {
    throw BadStoreUrl(fmt::format("bad database URL \"{}\": {}; {}", shown, why, accepted_forms));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view text, std::string_view shown, std::string_view what) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) bad_url(shown, fmt::format("bad %-escape in the {}", what));
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

/// A libpq connection-string value: single-quoted, with ' and \ escaped.
std::string conninfo_value(std::string_view value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

bool is_conninfo_key(std::string_view key) {
    if (key.empty()) return false;
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
    }
    return true;
}

/// The URL with the password of its user-info part replaced by "***".
std::string mask_password(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string{url};
    auto authority_begin = scheme_end + 3;
    auto authority_end = url.find_first_of("/?", authority_begin);
    if (authority_end == std::string_view::npos) authority_end = url.size();
    auto authority = url.substr(authority_begin, authority_end - authority_begin);
    auto at = authority.rfind('@');
    if (at == std::string_view::npos) return std::string{url};
    auto colon = authority.find(':');
    if (colon == std::string_view::npos || colon > at) return std::string{url};
    return fmt::format("{}***{}", url.substr(0, authority_begin + colon + 1),
                       url.substr(authority_begin + at));
}

StoreUrl parse_sqlite_url(std::string_view url) {
    StoreUrl result;
    result.backend = StoreUrl::Backend::sqlite;
    result.display = std::string{url};
    auto path = url.substr(std::string_view{"sqlite:"}.size());
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) bad_url(url, "no file path after \"sqlite:\"");
    // SOCI reads a connection string holding '=' as key=value pairs split at spaces.
    if (path.find('=') != std::string_view::npos &&
        path.find_first_of(" \"") != std::string_view::npos) {
        bad_url(url, "a path holding both '=' and a space or quote is not supported");
    }
    result.sqlite_path = std::string{path};
    return result;
}

StoreUrl parse_postgresql_url(std::string_view url) {
    StoreUrl result;
    result.backend = StoreUrl::Backend::postgresql;
    result.display = mask_password(url);
    const std::string_view shown = result.display;

    auto rest = url.substr(url.find("://") + 3);
    auto authority_end = rest.find_first_of("/?");
    auto authority = rest.substr(0, authority_end);
    std::string_view path, query;
    if (authority_end != std::string_view::npos) {
        auto after = rest.substr(authority_end);
        auto question = after.find('?');
        path = after.substr(0, question);
        if (question != std::string_view::npos) query = after.substr(question + 1);
    }

    std::string user, password;
    bool has_password = false;
    auto at = authority.rfind('@');
    std::string_view host_port = authority;
    if (at != std::string_view::npos) {
        auto user_info = authority.substr(0, at);
        host_port = authority.substr(at + 1);
        auto colon = user_info.find(':');
        user = percent_decode(user_info.substr(0, colon), shown, "user name");
        if (colon != std::string_view::npos) {
            password = percent_decode(user_info.substr(colon + 1), shown, "password");
            has_password = true;
        }
        if (user.empty()) bad_url(shown, "empty user name before '@'");
    }

    std::string_view host, port;
    if (host_port.starts_with('[')) {
        auto close = host_port.find(']');
        if (close == std::string_view::npos) bad_url(shown, "unclosed '[' in the host");
        host = host_port.substr(1, close - 1);
        auto after = host_port.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':') bad_url(shown, "unexpected text after the host");
            port = after.substr(1);
            if (port.empty()) bad_url(shown, "empty port after ':'");
        }
    } else {
        auto colon = host_port.find(':');
        host = host_port.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = host_port.substr(colon + 1);
            if (port.empty()) bad_url(shown, "empty port after ':'");
        }
    }
    if (host.empty()) bad_url(shown, "no host");
    if (!port.empty()) {
        long value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || value > 65535) bad_url(shown, "the port is not a number");
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535) bad_url(shown, "the port is not in 1-65535");
    }

    if (path.size() <= 1) bad_url(shown, "no database name after the host");
    auto database = percent_decode(path.substr(1), shown, "database name");
    if (database.find('/') != std::string::npos) bad_url(shown, "a '/' in the database name");

    std::string connection = fmt::format("host={}", conninfo_value(host));
    if (!port.empty()) connection += fmt::format(" port={}", conninfo_value(port));
    connection += fmt::format(" dbname={}", conninfo_value(database));
    if (!user.empty()) connection += fmt::format(" user={}", conninfo_value(user));
    if (has_password) connection += fmt::format(" password={}", conninfo_value(password));

    std::unordered_map<std::string, std::string> options;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto equals = pair.find('=');
        if (equals == std::string_view::npos) bad_url(shown, "a query parameter without '='");
        std::string key{pair.substr(0, equals)};
        if (!is_conninfo_key(key)) bad_url(shown, fmt::format("bad parameter name \"{}\"", key));
        if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" ||
            key == "user" || key == "password") {
            bad_url(shown, fmt::format("\"{}\" belongs in the URL itself, not the query", key));
        }
        options[key] = percent_decode(pair.substr(equals + 1), shown, "query");
    }
    // Text is UTF-8 whatever the server's locale; a dead server fails fast; NOTICEs (such as
    // "relation already exists, skipping") would go to stderr through libpq.
    options.try_emplace("client_encoding", "UTF8");
    options.try_emplace("options", "-c client_min_messages=warning");
    options.try_emplace("application_name", "tilsyn");
    options.try_emplace("connect_timeout", "10");
    std::vector<std::pair<std::string, std::string>> sorted(options.begin(), options.end());
    std::sort(sorted.begin(), sorted.end());
    for (const auto& [key, value] : sorted) {
        connection += fmt::format(" {}={}", key, conninfo_value(value));
    }
    result.connection = std::move(connection);
    return result;
}

}  // namespace

StoreUrl parse_store_url(std::string_view url) {
    if (url.starts_with("sqlite:")) return parse_sqlite_url(url);
    if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        return parse_postgresql_url(url);
    }
    if (url.empty()) bad_url(url, "empty");
    bad_url(mask_password(url), "unknown scheme");
}

}  // namespace tilsyn
