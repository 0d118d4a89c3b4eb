// Builds the configured Mailer from its transport string (config `mail.transport`).
#pragma once

#include <memory>
#include <string>

#include "engine/mailer.hpp"

namespace tilsyn {

/// `transport` is one of
///   file:DIR                   a FileMailer; DIR relative to `base_dir` (the config file's
///                              folder) unless absolute
///   smtp://host[:port]         an SmtpMailer, STARTTLS when offered (required with AUTH)
///   smtps://host[:port]        an SmtpMailer over implicit TLS
/// SMTP credentials come from the environment, never the config: TILSYN_SMTP_USER and
/// TILSYN_SMTP_PASSWORD (both or neither); TILSYN_SMTP_CA_FILE names a PEM file of CAs to
/// trust instead of the system's. Anything else throws std::invalid_argument saying what is
/// accepted (never echoing a password).
std::unique_ptr<Mailer> make_mailer(const std::string& transport, const std::string& base_dir);

}  // namespace tilsyn
