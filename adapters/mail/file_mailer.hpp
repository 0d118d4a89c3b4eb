// The file mailer: one .eml file per message in a directory, for development and for sites
// that hand mail to another system by folder.
#pragma once

#include <filesystem>
#include <string>

#include "engine/mailer.hpp"

namespace tilsyn {

/// Writes each message, exactly as it would go over SMTP, to `<dir>/<id>.eml`, where `<id>` is
/// the first 32 hex digits of the SHA-256 of the Message-ID: a retry of the same message
/// rewrites the same file and never adds a second one. The file appears whole or not at all
/// (written to a hidden temporary file in the same folder, fsync'ed, then renamed). The folder
/// is created on each send when missing. Thread-safe.
///
/// Every failure is a MailError that is not permanent: a file system problem (no space, no
/// permission, a missing mount) says nothing about the message and may be fixed.
class FileMailer : public Mailer {
  public:
    explicit FileMailer(std::filesystem::path directory);

    void send(const std::string& from, const std::string& to, const std::string& message,
              const std::string& message_id) override;
    std::string describe() const override;

    /// The file a message with this Message-ID is written to.
    std::filesystem::path path_for(const std::string& message_id) const;

  private:
    std::filesystem::path directory_;
};

}  // namespace tilsyn
