#include "adapters/mail/smtp_mailer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <utility>

namespace tilsyn {

namespace {

constexpr long kConnectTimeoutSeconds = 10;
constexpr long kTransactionTimeoutSeconds = 60;
constexpr int kSmtpDefaultPort = 25;
constexpr int kSmtpsDefaultPort = 465;
// How much of the server's last reply goes into an error message.
constexpr std::size_t kReplyExcerpt = 200;

// curl_global_init once per process, before any handle; a function-local static is initialised
// exactly once even when several threads get here together.
CURLcode curl_initialised() {
    struct Global {
        CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        ~Global() {
            if (code == CURLE_OK) curl_global_cleanup();
        }
    };
    static const Global global;
    return global.code;
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// A bare envelope address: no space, control character or angle bracket that could end the
// SMTP command early or start another one.
bool is_envelope_address(std::string_view address) {
    if (address.empty()) return false;
    for (char c : address) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '<' || c == '>') return false;
    }
    return true;
}

// What the server said last, and to which command, as seen on the wire. The reply to QUIT
// (sent when curl closes a failed connection) is ignored: it would hide the one that matters.
struct Transfer {
    std::string_view message;
    std::size_t offset = 0;
    std::string command;  // verb of the last command sent: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA
    bool message_sent = false;  // the message itself went out after DATA's 354
    int reply_code = 0;         // of the last reply before any QUIT
    std::string reply;
    bool quitting = false;
};

bool is_smtp_verb(std::string_view verb) {
    for (std::string_view known : {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA",
                                   "RSET", "NOOP", "VRFY", "EXPN", "HELP"}) {
        if (verb == known) return true;
    }
    return false;
}

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    const std::size_t n = std::min(size * count, transfer->message.size() - transfer->offset);
    transfer->message.copy(buffer, n, transfer->offset);
    transfer->offset += n;
    return n;
}

int on_debug(CURL* /*curl*/, curl_infotype type, char* data, std::size_t size, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    if (transfer->quitting) return 0;
    std::string_view text(data, size);
    if (type == CURLINFO_HEADER_OUT) {
        // Only a known verb is kept: the lines answering an AUTH challenge are credentials.
        std::string verb;
        for (char c : text.substr(0, text.find_first_of(" \r\n"))) {
            verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        if (verb == "QUIT") {
            transfer->quitting = true;
        } else if (is_smtp_verb(verb)) {
            transfer->command = verb;
            transfer->message_sent = false;
        }
    } else if (type == CURLINFO_DATA_OUT) {
        if (transfer->command == "DATA") transfer->message_sent = true;
    } else if (type == CURLINFO_HEADER_IN) {
        while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
        int code = 0;
        if (text.size() >= 3 &&
            std::from_chars(text.data(), text.data() + 3, code).ec == std::errc{}) {
            transfer->reply_code = code;
            transfer->reply = std::string(text.substr(0, kReplyExcerpt));
        }
    }
    return 0;
}

bool rejects_message(const Transfer& transfer, long code) {
    if (code < 500 || code > 599) return false;
    const std::string& command = transfer.command;
    return command == "RCPT" || command == "DATA" || (command == "MAIL" && code == 552);
}

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using CurlList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

SmtpUrl parse_smtp_url(std::string_view url) {
    const auto fail = [](const std::string& why) {
        return std::invalid_argument("mail URL: " + why +
                                     " (expected smtp://host[:port] or smtps://host[:port])");
    };
    SmtpUrl out;
    std::string_view rest;
    if (url.starts_with("smtp://")) {
        rest = url.substr(7);
    } else if (url.starts_with("smtps://")) {
        out.implicit_tls = true;
        rest = url.substr(8);
    } else {
        throw fail("unknown scheme");
    }
    const std::string_view scheme = out.implicit_tls ? "smtps" : "smtp";
    out.port = out.implicit_tls ? kSmtpsDefaultPort : kSmtpDefaultPort;

    const auto path_at = rest.find('/');
    std::string_view authority = rest.substr(0, path_at);
    if (authority.find('@') != std::string_view::npos) {
        throw fail(
            "credentials do not belong in the URL; set TILSYN_SMTP_USER and "
            "TILSYN_SMTP_PASSWORD");
    }
    if (path_at != std::string_view::npos) {
        out.ehlo_name = std::string(rest.substr(path_at + 1));
        for (char c : out.ehlo_name) {
            if (!is_host_char(c)) throw fail("the path may only hold a host name for EHLO");
        }
    }

    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) throw fail("unterminated IPv6 address");
        out.host = std::string(authority.substr(0, close + 1));
        for (char c : authority.substr(1, close - 1)) {
            if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
                throw fail("bad IPv6 address");
            }
        }
        authority.remove_prefix(close + 1);
        if (!authority.empty() && !authority.starts_with(':')) throw fail("bad port");
        if (!authority.empty()) port = authority.substr(1);
    } else {
        const auto colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        for (char c : out.host) {
            if (!is_host_char(c)) throw fail("bad host name");
        }
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
        if (colon != std::string_view::npos && port.empty()) throw fail("empty port");
    }
    if (out.host.empty() || out.host == "[]") throw fail("no host");
    if (!port.empty()) {
        int value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (ec != std::errc{} || end != port.data() + port.size() || value < 1 || value > 65535) {
            throw fail("bad port");
        }
        out.port = value;
    }
    out.display = std::string(scheme) + "://" + out.host + ":" + std::to_string(out.port);
    return out;
}

SmtpMailer::SmtpMailer(SmtpOptions options)
    : options_(std::move(options)), url_(parse_smtp_url(options_.url)) {
    curl_url_ = url_.display + "/" + url_.ehlo_name;
    if (curl_initialised() != CURLE_OK) {
        throw std::runtime_error(std::string("libcurl initialisation failed: ") +
                                 curl_easy_strerror(curl_initialised()));
    }
}

struct SmtpMailer::Session {
    CurlHandle handle{curl_easy_init(), &curl_easy_cleanup};
    int sent = 0;  // messages delivered on its connection
};

SmtpMailer::~SmtpMailer() = default;

std::string SmtpMailer::describe() const { return url_.display; }

void SmtpMailer::send(const std::string& from, const std::string& to, const std::string& message,
                      const std::string& message_id) {
    const std::string where = url_.display + ": " + message_id + " to " + to + ": ";
    if (!is_envelope_address(from)) {
        // The configured sender, not this message, is wrong.
        throw MailError(where + "bad sender address \"" + from + "\"", false);
    }
    if (!is_envelope_address(to)) throw MailError(where + "bad recipient address", true);

    const std::lock_guard lock(mutex_);
    if (!session_ || session_->sent >= kMessagesPerSession) {
        session_.reset();  // curl_easy_cleanup ends the old session (QUIT)
        session_ = std::make_unique<Session>();
    }
    if (!session_->handle) {
        session_.reset();
        throw MailError(where + "curl_easy_init failed", false);
    }
    const std::string recipient = "<" + to + ">";
    CurlList recipients(curl_slist_append(nullptr, recipient.c_str()), &curl_slist_free_all);
    if (!recipients) throw MailError(where + "out of memory", false);

    Transfer transfer;
    transfer.message = message;
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* h = session_->handle.get();
    // Every option set anew for this message; the handle keeps its open connection, which
    // libcurl reuses (a new MAIL FROM on it) when it is still alive.
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, curl_url_.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, kTransactionTimeoutSeconds);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    if (!url_.implicit_tls) {
        // Opportunistic STARTTLS, but never AUTH in the clear.
        curl_easy_setopt(h, CURLOPT_USE_SSL,
                         options_.user.empty() ? static_cast<long>(CURLUSESSL_TRY)
                                               : static_cast<long>(CURLUSESSL_ALL));
    }
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (!options_.user.empty()) {
        curl_easy_setopt(h, CURLOPT_USERNAME, options_.user.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    }
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, ("<" + from + ">").c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_message);
    curl_easy_setopt(h, CURLOPT_READDATA, &transfer);
    // The debug callback is how we learn which command a 5xx answered; it prints nothing.
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &on_debug);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &transfer);

    const CURLcode result = curl_easy_perform(h);
    if (result == CURLE_OK) {
        ++session_->sent;
        return;
    }

    long code = transfer.reply_code;
    if (code == 0) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    std::string what = error_buffer[0] ? error_buffer : curl_easy_strerror(result);
    while (!what.empty() && (what.back() == '.' || what.back() == '\n')) what.pop_back();
    what = where + what;
    if (!transfer.reply.empty()) {
        const std::string step = transfer.message_sent      ? "the message"
                                 : transfer.command.empty() ? "connecting"
                                                            : transfer.command;
        what += " (after " + step + " the server said \"" + transfer.reply + "\")";
    }
    const bool permanent = rejects_message(transfer, code);
    session_.reset();  // whatever failed, the next message starts on a new connection
    throw MailError(what, permanent);
}

}  // namespace tilsyn
