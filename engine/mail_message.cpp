#include "engine/mail_message.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "engine/sha256.hpp"

namespace tilsyn {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool is_ascii(std::string_view text) {
    for (char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n') return false;
    }
    return true;
}

// Header values must not carry line breaks (header injection).
std::string one_line(std::string_view text) {
    std::string out;
    for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
    return out;
}

// Line ends as CRLF, so readers show the same lines everywhere.
std::string crlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

}  // namespace

std::string base64_lines(std::string_view data) {
    const std::string encoded = base64(data);
    std::string out;
    for (std::size_t i = 0; i < encoded.size(); i += 76) {
        out += encoded.substr(i, 76);
        out += "\r\n";
    }
    return out;
}

std::string calendar_method(std::string_view calendar) {
    // METHOD is a property of the VCALENDAR itself, before its first component.
    for (std::size_t at = 0; at < calendar.size();) {
        std::size_t end = calendar.find('\n', at);
        if (end == std::string_view::npos) end = calendar.size();
        std::string_view line = calendar.substr(at, end - at);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (line.starts_with("METHOD:")) {
            std::string method;
            for (char c : line.substr(7)) {
                if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') method += c;
            }
            return method;
        }
        if (line.starts_with("BEGIN:") && line != "BEGIN:VCALENDAR") break;
        at = end + 1;
    }
    return {};
}

std::string base64(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (i < data.size()) {
        unsigned v = static_cast<unsigned char>(data[i]) << 16;
        if (i + 1 < data.size()) v |= static_cast<unsigned char>(data[i + 1]) << 8;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string mail_address(std::string_view mailbox) {
    auto lt = mailbox.rfind('<');
    auto gt = mailbox.rfind('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
        return std::string(mailbox.substr(lt + 1, gt - lt - 1));
    }
    return std::string(mailbox);
}

std::string encode_header_text(std::string_view raw) {
    const std::string text = one_line(raw);
    if (is_ascii(text)) return text;
    // "=?UTF-8?B?" + base64 + "?=" is at most 75 octets: 12 octets of overhead leave 63 for
    // base64, i.e. 45 input octets (15 groups of 3), cut back to a character boundary. The
    // first word shares its line with the field name ("Subject: "), so it takes 36 octets and
    // the line stays within 76 characters.
    constexpr std::size_t kFirstChunk = 36;
    constexpr std::size_t kChunk = 45;
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = std::min(text.size(), i + (out.empty() ? kFirstChunk : kChunk));
        while (end < text.size() && end > i &&
               (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
            --end;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(std::string_view(text).substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

std::string encode_mailbox(std::string_view mailbox) {
    // The address is the last <...>: a name may hold '<' itself.
    auto lt = mailbox.rfind('<');
    if (lt == std::string_view::npos) return one_line(mailbox);
    std::string name = one_line(mailbox.substr(0, lt));
    while (!name.empty() && name.back() == ' ') name.pop_back();
    const std::string address = one_line(mail_address(mailbox.substr(lt)));
    if (name.empty()) return "<" + address + ">";
    if (is_ascii(name)) {
        // RFC 5322 3.2.4: a phrase with specials is a quoted-string, in which '"' and '\\'
        // are escaped with a backslash.
        if (name.find_first_of("\",;:<>@()[]\\.") == std::string::npos) {
            return fmt::format("{} <{}>", name, address);
        }
        std::string quoted = "\"";
        for (char c : name) {
            if (c == '"' || c == '\\') quoted += '\\';
            quoted += c;
        }
        return fmt::format("{}\" <{}>", quoted, address);
    }
    return fmt::format("{} <{}>", encode_header_text(name), address);
}

std::string rfc5322_date(Instant at, std::chrono::seconds utc_offset) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto local = at + utc_offset;
    const auto day = std::chrono::floor<std::chrono::days>(local);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{local - day};
    const long minutes = utc_offset.count() / 60;
    return fmt::format(
        "{}, {} {} {} {:02}:{:02}:{:02} {}{:02}{:02}",
        kDays[std::chrono::weekday{day}.c_encoding()], static_cast<unsigned>(ymd.day()),
        kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
        hms.hours().count(), hms.minutes().count(), hms.seconds().count(), minutes < 0 ? '-' : '+',
        std::labs(minutes) / 60, std::labs(minutes) % 60);
}

std::string format_mail(const OutboxMessage& message, std::string_view from, Instant date,
                        std::chrono::seconds utc_offset) {
    std::string out;
    out += "From: " + encode_mailbox(from) + "\r\n";
    out += "To: " + encode_mailbox(message.recipient) + "\r\n";
    out += "Subject: " + encode_header_text(message.subject) + "\r\n";
    out += "Date: " + rfc5322_date(date, utc_offset) + "\r\n";
    out += "Message-ID: " + one_line(message.message_id) + "\r\n";
    out += "MIME-Version: 1.0\r\n";
    const std::string text = base64_lines(crlf(message.body));
    if (message.calendar.empty()) {
        out += "Content-Type: text/plain; charset=UTF-8\r\n";
        out += "Content-Transfer-Encoding: base64\r\n\r\n";
        return out + text;
    }
    // An invitation (RFC 6047): the text and the calendar as alternatives, which is what
    // Outlook reads as a meeting request, and the calendar again as invite.ics for programs
    // that only offer attachments. Boundaries come from the Message-ID, so a retry is the same
    // message byte for byte; they start "=_", which base64 never does.
    const std::string key = sha256_hex(message.message_id).substr(0, 24);
    const std::string mixed = "=_tilsyn_mixed_" + key, alternative = "=_tilsyn_alt_" + key;
    const std::string method = calendar_method(message.calendar);
    const std::string calendar = base64_lines(crlf(message.calendar));
    out += "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n";
    out += "--" + mixed + "\r\n";
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + alternative + "\"\r\n\r\n";
    out += "--" + alternative + "\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += text;
    out += "--" + alternative + "\r\n";
    out += "Content-Type: text/calendar; charset=UTF-8";
    if (!method.empty()) out += "; method=" + method;
    out += "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    out += calendar;
    out += "--" + alternative + "--\r\n";
    out += "--" + mixed + "\r\n";
    out += "Content-Type: application/ics; name=\"invite.ics\"\r\n";
    out += "Content-Disposition: attachment; filename=\"invite.ics\"\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += calendar;
    out += "--" + mixed + "--\r\n";
    return out;
}

}  // namespace tilsyn
