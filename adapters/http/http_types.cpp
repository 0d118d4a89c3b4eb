#include "adapters/http/http_types.hpp"

#include <cctype>

namespace tilsyn::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string first_value(const Fields& fields, std::string_view name) {
    for (const auto& [key, value] : fields) {
        if (key == name) return value;
    }
    return {};
}

std::string Request::header(std::string_view name) const { return first_value(headers, name); }
std::string Request::bearer_token() const {
    constexpr std::string_view scheme = "Bearer ";
    const std::string value = header("authorization");
    return value.starts_with(scheme) ? value.substr(scheme.size()) : std::string{};
}
std::string Request::param(std::string_view name) const { return first_value(query, name); }
bool Request::has_param(std::string_view name) const {
    for (const auto& entry : query) {
        if (entry.first == name) return true;
    }
    return false;
}

std::optional<std::string> percent_decode(std::string_view text, bool form) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && form) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

Fields parse_form(std::string_view text) {
    Fields out;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view part = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (part.empty()) continue;
        const auto eq = part.find('=');
        const std::string_view key = part.substr(0, eq);
        const std::string_view value =
            eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
        out.emplace_back(percent_decode(key, true).value_or(std::string(key)),
                         percent_decode(value, true).value_or(std::string(value)));
    }
    return out;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

}  // namespace tilsyn::http
