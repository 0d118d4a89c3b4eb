// The mail port: delivers one formatted message (engine/mail_message.hpp) to one recipient.
// Adapters in adapters/mail: a directory of .eml files for development, SMTP over libcurl.
#pragma once

#include <stdexcept>
#include <string>

namespace tilsyn {

/// A failed delivery; `permanent` when retrying cannot help (e.g. a 5xx rejected recipient),
/// so the outbox marks the message failed instead of trying again later. Anything that may
/// heal by itself or by fixing the configuration (server down, disk full, bad password) is
/// not permanent, so no message is lost to it.
class MailError : public std::runtime_error {
  public:
    MailError(const std::string& what, bool permanent)
        : std::runtime_error(what), permanent_(permanent) {}
    bool permanent() const noexcept { return permanent_; }

  private:
    bool permanent_;
};

/// Implementations say whether they are thread-safe.
class Mailer {
  public:
    virtual ~Mailer() = default;

    /// Delivers one RFC 5322 message (CRLF line ends) from `from` to `to` (bare addresses,
    /// the SMTP envelope). Throws MailError. Must be safe to call again with the same message
    /// (same Message-ID) after a failure or crash: a transport that can deliver twice (SMTP,
    /// when the connection drops after the server accepted the message) delivers the same
    /// Message-ID, which mail clients show once.
    virtual void send(const std::string& from, const std::string& to, const std::string& message,
                      const std::string& message_id) = 0;

    /// Where mail goes, for logs: "file:/path" or "smtp://host:port" (never a password).
    virtual std::string describe() const = 0;
};

}  // namespace tilsyn
