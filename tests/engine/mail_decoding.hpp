// Test-side decoders for what engine/mail_message.cpp encodes, written independently of it: base64
// (RFC 4648), RFC 2047 "B" encoded words, and a minimal RFC 5322 header/body split.
#pragma once

#include <cctype>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tilsyn::test {

inline constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decodes standard base64, skipping CR and LF; throws on any other character or bad padding.
inline std::string base64_decode(std::string_view text) {
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    std::size_t padding = 0;
    for (char c : text) {
        if (c == '\r' || c == '\n') continue;
        if (c == '=') {
            ++padding;
            continue;
        }
        const auto value = kBase64Alphabet.find(c);
        if (value == std::string_view::npos) {
            throw std::invalid_argument("not base64: " + std::string(text));
        }
        if (padding) throw std::invalid_argument("data after padding");
        buffer = (buffer << 6) | static_cast<unsigned>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (padding > 2) throw std::invalid_argument("too much padding");
    return out;
}

/// True when `text` is well-formed UTF-8 (no truncated or stray continuation bytes).
inline bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80           ? 1
                             : (c >> 5) == 0x6  ? 2
                             : (c >> 4) == 0xE  ? 3
                             : (c >> 3) == 0x1E ? 4
                                                : 0;
        if (length == 0 || i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        }
        i += length;
    }
    return true;
}

/// The "=?UTF-8?B?...?=" words of an unfolded header value, in order (empty when none).
inline std::vector<std::string> encoded_words(std::string_view value) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while ((at = value.find("=?", at)) != std::string_view::npos) {
        const auto end = value.find("?=", value.find('?', value.find('?', at + 2) + 1) + 1);
        if (end == std::string_view::npos) break;
        words.emplace_back(value.substr(at, end + 2 - at));
        at = end + 2;
    }
    return words;
}

/// Decodes one "=?UTF-8?B?...?=" word; throws when it is not one.
inline std::string decode_encoded_word(std::string_view word) {
    constexpr std::string_view kPrefix = "=?UTF-8?B?";
    if (word.size() < kPrefix.size() + 2 || word.substr(0, kPrefix.size()) != kPrefix ||
        word.substr(word.size() - 2) != "?=") {
        throw std::invalid_argument("not a UTF-8 B encoded word: " + std::string(word));
    }
    return base64_decode(word.substr(kPrefix.size(), word.size() - kPrefix.size() - 2));
}

/// Decodes an unfolded header value per RFC 2047: encoded words become their text, and the white
/// space between two adjacent encoded words disappears.
inline std::string decode_header(std::string_view value) {
    std::string out;
    std::size_t i = 0;
    bool previous_was_word = false;
    while (i < value.size()) {
        const auto start = value.find("=?", i);
        std::string_view gap =
            value.substr(i, start == std::string_view::npos ? value.npos : start - i);
        if (start == std::string_view::npos) {
            out += gap;
            break;
        }
        const auto end = value.find("?=", value.find('?', value.find('?', start + 2) + 1) + 1);
        if (end == std::string_view::npos) {
            out += value.substr(i);
            break;
        }
        const bool blank = gap.find_first_not_of(" \t") == std::string_view::npos;
        if (!(previous_was_word && blank)) out += gap;
        out += decode_encoded_word(value.substr(start, end + 2 - start));
        previous_was_word = true;
        i = end + 2;
    }
    return out;
}

/// A message split into unfolded headers (name as written → value) and its raw body; accepts CRLF
/// or LF line ends (a Maildir on disk has LF).
struct ParsedMail {
    std::vector<std::pair<std::string, std::string>> headers;  // in order
    std::vector<std::string> header_lines;  // folded lines as they appeared, without line ends
    std::string body;

    /// The first header of that name (case-insensitive); throws when there is none.
    std::string header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (same_name(key, name)) return value;
        }
        throw std::out_of_range("no header " + std::string(name));
    }
    std::size_t count(std::string_view name) const {
        std::size_t n = 0;
        for (const auto& header : headers) n += same_name(header.first, name) ? 1 : 0;
        return n;
    }

  private:
    static bool same_name(std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(a[i])) !=
                std::tolower(static_cast<unsigned char>(b[i]))) {
                return false;
            }
        }
        return true;
    }
};

inline ParsedMail parse_mail(std::string_view raw) {
    ParsedMail mail;
    std::size_t at = 0;
    while (at < raw.size()) {
        auto eol = raw.find('\n', at);
        if (eol == std::string_view::npos) eol = raw.size();
        std::string_view line = raw.substr(at, eol - at);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        at = eol + 1;
        if (line.empty()) break;
        mail.header_lines.emplace_back(line);
        if (line.front() == ' ' || line.front() == '\t') {
            if (mail.headers.empty()) throw std::invalid_argument("continuation before any header");
            mail.headers.back().second += std::string(line);  // unfolding keeps the white space
            continue;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) throw std::invalid_argument("not a header line");
        std::string name(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        mail.headers.emplace_back(name, std::string(value));
    }
    if (at < raw.size()) mail.body = std::string(raw.substr(at));
    return mail;
}

}  // namespace tilsyn::test
