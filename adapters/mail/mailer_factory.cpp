#include "adapters/mail/mailer_factory.hpp"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "adapters/mail/file_mailer.hpp"
#include "adapters/mail/smtp_mailer.hpp"

namespace tilsyn {

namespace {

constexpr const char* kAccepted = "file:DIR, smtp://host[:port] or smtps://host[:port]";

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// The transport as it may be shown: anything between "//" and '@' could be a password.
std::string masked(const std::string& transport) {
    const auto start = transport.find("//");
    const auto at = transport.find('@');
    if (start == std::string::npos || at == std::string::npos || at < start) return transport;
    return transport.substr(0, start + 2) + "***" + transport.substr(at);
}

}  // namespace

std::unique_ptr<Mailer> make_mailer(const std::string& transport, const std::string& base_dir) {
    if (transport.starts_with("file:")) {
        std::filesystem::path dir = transport.substr(5);
        if (dir.empty()) {
            throw std::invalid_argument("mail transport \"file:\" names no folder (expected " +
                                        std::string(kAccepted) + ")");
        }
        if (dir.is_relative()) dir = std::filesystem::path(base_dir) / dir;
        return std::make_unique<FileMailer>(dir.lexically_normal());
    }
    if (transport.starts_with("smtp://") || transport.starts_with("smtps://")) {
        SmtpOptions options;
        options.url = transport;
        options.user = env("TILSYN_SMTP_USER");
        options.password = env("TILSYN_SMTP_PASSWORD");
        options.ca_file = env("TILSYN_SMTP_CA_FILE");
        if (options.user.empty() != options.password.empty()) {
            throw std::invalid_argument(
                "set both TILSYN_SMTP_USER and TILSYN_SMTP_PASSWORD for SMTP AUTH, or neither");
        }
        return std::make_unique<SmtpMailer>(std::move(options));
    }
    throw std::invalid_argument("mail transport \"" + masked(transport) + "\" is not one of " +
                                kAccepted);
}

}  // namespace tilsyn
