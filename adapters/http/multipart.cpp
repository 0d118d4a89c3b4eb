#include "adapters/http/multipart.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "adapters/http/http_types.hpp"

namespace tilsyn::http {

namespace {

constexpr std::size_t kMaxBoundary = 70;  // RFC 2046

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

/// `type; a=1; b="x;y"` -> the parameters, names in lower case, quoted values unquoted.
std::vector<std::pair<std::string, std::string>> parameters(std::string_view header) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t i = header.find(';');
    while (i != std::string_view::npos && i < header.size()) {
        ++i;
        while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
        const std::size_t eq = header.find('=', i);
        if (eq == std::string_view::npos) break;
        std::string name = lower(trim(header.substr(i, eq - i)));
        std::string value;
        std::size_t j = eq + 1;
        if (j < header.size() && header[j] == '"') {
            for (++j; j < header.size() && header[j] != '"'; ++j) {
                // A backslash escapes a quote or a backslash only: a Windows path's "C:\x"
                // keeps its backslash (and is refused as a name with a path).
                if (header[j] == '\\' && j + 1 < header.size() &&
                    (header[j + 1] == '"' || header[j + 1] == '\\')) {
                    ++j;
                }
                value += header[j];
            }
            i = header.find(';', j);
        } else {
            const std::size_t end = header.find(';', j);
            value = std::string(trim(header.substr(
                j, end == std::string_view::npos ? std::string_view::npos : end - j)));
            i = end;
        }
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    const auto semi = content_type.find(';');
    if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data") return std::nullopt;
    for (auto& [name, value] : parameters(content_type)) {
        if (name == "boundary" && !value.empty() && value.size() <= kMaxBoundary) return value;
    }
    return std::nullopt;
}

MultipartParser::MultipartParser(std::string boundary, Callbacks callbacks)
    : delimiter_("\r\n--" + boundary), callbacks_(std::move(callbacks)), buffer_("\r\n") {}

bool MultipartParser::fail(std::string message) {
    state_ = State::failed;
    error_ = std::move(message);
    return false;
}

bool MultipartParser::parse_headers(std::string_view headers) {
    part_ = MultipartPart{};
    bool disposition = false;
    while (!headers.empty()) {
        const auto end = headers.find("\r\n");
        const std::string_view line = headers.substr(0, end);
        headers = end == std::string_view::npos ? std::string_view{} : headers.substr(end + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            return fail("En del af formularen har en ugyldig overskrift. Send formularen igen.");
        }
        const std::string name = lower(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
            disposition = lower(trim(value.substr(0, value.find(';')))) == "form-data";
            std::optional<std::string> extended;
            for (auto& [key, text] : parameters(value)) {
                if (key == "name") part_.name = text;
                if (key == "filename") {
                    part_.filename = text;
                    part_.has_filename = true;
                }
                if (key == "filename*") {
                    // RFC 5987: UTF-8''percent-encoded
                    const auto quote = text.find("''");
                    if (quote != std::string::npos && lower(text.substr(0, quote)) == "utf-8") {
                        extended = percent_decode(text.substr(quote + 2));
                    }
                }
            }
            if (extended) {
                part_.filename = *extended;
                part_.has_filename = true;
            }
        } else if (name == "content-type") {
            part_.content_type = std::string(value);
        }
    }
    if (!disposition || part_.name.empty()) {
        return fail(
            "En del af formularen mangler sit feltnavn (Content-Disposition: form-data). "
            "Send formularen igen.");
    }
    return true;
}

bool MultipartParser::feed(std::string_view bytes) {
    if (state_ == State::failed) return false;
    if (state_ == State::epilogue) return true;
    buffer_.append(bytes);
    std::size_t at = 0;  // consumed
    const std::size_t keep = delimiter_.size() - 1;
    for (;;) {
        const std::string_view rest = std::string_view(buffer_).substr(at);
        if (state_ == State::preamble) {
            const auto found = rest.find(delimiter_);
            if (found == std::string_view::npos) {
                if (rest.size() > keep) at += rest.size() - keep;
                break;
            }
            at += found + delimiter_.size();
            state_ = State::after_delimiter;
        } else if (state_ == State::after_delimiter) {
            if (rest.size() < 2) break;
            if (rest.substr(0, 2) == "--") {
                state_ = State::epilogue;
                at = buffer_.size();
                break;
            }
            const auto eol = rest.find("\r\n");
            if (eol == std::string_view::npos) {
                if (rest.size() > 256)
                    return fail("Formularens opdeling er ugyldig. Send formularen igen.");
                break;
            }
            if (trim(rest.substr(0, eol)).size() != 0) {
                return fail("Formularens opdeling er ugyldig. Send formularen igen.");
            }
            at += eol + 2;
            state_ = State::headers;
        } else if (state_ == State::headers) {
            std::size_t end = 0;
            std::size_t skip = 0;
            if (rest.substr(0, 2) == "\r\n") {
                skip = 2;  // no headers
            } else {
                end = rest.find("\r\n\r\n");
                if (end == std::string_view::npos) {
                    if (rest.size() > kMaxPartHeaderBytes) {
                        return fail(
                            "En del af formularen har for lange overskrifter. Send formularen "
                            "igen.");
                    }
                    if (rest.size() < 2) break;
                    break;
                }
                if (end > kMaxPartHeaderBytes) {
                    return fail(
                        "En del af formularen har for lange overskrifter. Send formularen igen.");
                }
                skip = end + 4;
            }
            if (!parse_headers(rest.substr(0, end))) return false;
            at += skip;
            state_ = State::body;
            if (callbacks_.begin && !callbacks_.begin(part_)) {
                state_ = State::failed;
                return false;
            }
        } else if (state_ == State::body) {
            const auto found = rest.find(delimiter_);
            if (found == std::string_view::npos) {
                if (rest.size() > keep) {
                    const std::size_t n = rest.size() - keep;
                    if (callbacks_.data && !callbacks_.data(rest.substr(0, n))) {
                        state_ = State::failed;
                        return false;
                    }
                    at += n;
                }
                break;
            }
            if (found > 0 && callbacks_.data && !callbacks_.data(rest.substr(0, found))) {
                state_ = State::failed;
                return false;
            }
            if (callbacks_.end && !callbacks_.end()) {
                state_ = State::failed;
                return false;
            }
            at += found + delimiter_.size();
            state_ = State::after_delimiter;
        } else {
            break;
        }
    }
    buffer_.erase(0, at);
    return true;
}

}  // namespace tilsyn::http
