// The SMTP mailer: one SMTP transaction per message over libcurl, on a kept connection. curl's
// headers stay in the .cpp, so including this costs little.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/mailer.hpp"

namespace tilsyn {

/// Where and how to reach the SMTP server.
struct SmtpOptions {
    /// smtp://host[:port][/ehlo-name] (STARTTLS when offered) or smtps://host[:port][/ehlo-name]
    /// (TLS from the first byte); ports default to 25 and 465. No credentials in the URL.
    std::string url;
    /// AUTH user; empty for none. With a user over smtp:// STARTTLS becomes required, so the
    /// password never crosses the network in the clear.
    std::string user;
    std::string password;
    /// PEM file of the certificate authorities to trust instead of the system's (a private CA);
    /// empty for the system store. Peer and host name are always verified.
    std::string ca_file;
};

/// An SMTP URL taken apart; throws std::invalid_argument (never echoing credentials).
struct SmtpUrl {
    bool implicit_tls = false;  // smtps://
    std::string host;           // as written, IPv6 literals in brackets
    int port = 0;               // the default for the scheme when the URL has none
    std::string ehlo_name;      // the URL's path without its '/', may be empty
    std::string display;        // scheme://host:port, for describe() and messages
};
SmtpUrl parse_smtp_url(std::string_view url);

/// The Mailer port over SMTP. Each send() delivers one message (MAIL FROM, one RCPT TO, DATA)
/// over a connection kept for the next: one SMTP session carries up to kMessagesPerSession
/// messages, and a failure of any kind ends it (the next message opens a new one). libcurl
/// closes a connection idle for two minutes. Connect timeout 10 s, per-message timeout 60 s.
/// Thread-safe: sends take turns on the one session.
///
/// A MailError is permanent when the server answered 5xx to RCPT TO, to DATA or to the message
/// itself, or 552 (too large) to MAIL FROM: that message will never be accepted. Everything
/// else (refused or timed-out connection, 4xx, TLS or AUTH failures, a sender address the
/// server rejects) is temporary: it concerns the server or the configuration, not the message.
class SmtpMailer : public Mailer {
  public:
    /// Throws std::invalid_argument for a bad URL, std::runtime_error when libcurl cannot be
    /// initialised.
    explicit SmtpMailer(SmtpOptions options);

    ~SmtpMailer() override;

    /// Messages one connection carries before it is closed and a new one opened.
    static constexpr int kMessagesPerSession = 100;

    void send(const std::string& from, const std::string& to, const std::string& message,
              const std::string& message_id) override;
    std::string describe() const override;

  private:
    struct Session;  // a libcurl handle, whose connection it keeps for the next message
    SmtpOptions options_;
    SmtpUrl url_;
    std::string curl_url_;
    std::mutex mutex_;
    std::unique_ptr<Session> session_;
};

}  // namespace tilsyn
