// An uploaded document on its way into the database: written to an unlinked temporary file as
// it arrives (never held whole in memory), measured as it is written (size, SHA-256), its type
// decided by its content with libmagic, then read back in pieces while it is recorded. The
// file disappears with the object (or with the process: it has no name on disk).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/documents.hpp"

struct magic_set;      // libmagic's cookie (magic.h), kept out of this header
struct evp_md_ctx_st;  // OpenSSL's digest context (EVP_MD_CTX)

namespace tilsyn::documents {

class SpooledFile {
  public:
    /// Creates the temporary file in `dir` ($TMPDIR or /tmp when empty); throws
    /// std::runtime_error when it cannot.
    explicit SpooledFile(const std::string& dir = {});
    ~SpooledFile();
    SpooledFile(const SpooledFile&) = delete;
    SpooledFile& operator=(const SpooledFile&) = delete;

    /// Appends bytes; throws std::runtime_error when the disk refuses them.
    void append(std::string_view bytes);
    long long size() const { return size_; }
    /// Lower-case hex SHA-256 of everything appended (call after the last append).
    const std::string& sha256();
    /// The first `max` bytes (or fewer).
    std::string head(std::size_t max) const;
    /// A reader of the content from its start (the object must outlive it).
    std::unique_ptr<DocumentSource> source() const;

  private:
    int fd_ = -1;
    long long size_ = 0;
    // OpenSSL's SHA-256 (with the CPU's SHA instructions, ~10 times the engine's own): the
    // upload is hashed once, as it arrives.
    ::evp_md_ctx_st* hash_ = nullptr;
    std::string digest_;
};

/// libmagic's MIME type of content, opened once (loading its database takes a few MB and
/// milliseconds); not thread-safe: one per thread.
class ContentTypes {
  public:
    ContentTypes();
    ~ContentTypes();
    ContentTypes(const ContentTypes&) = delete;
    ContentTypes& operator=(const ContentTypes&) = delete;

    /// The MIME type of a file's content ("application/pdf"); it reads at most kMagicBytes.
    std::string of(const SpooledFile& file);
    std::string of(std::string_view content);

    static constexpr std::size_t kMagicBytes = 1024 * 1024;

  private:
    ::magic_set* cookie_ = nullptr;
};

}  // namespace tilsyn::documents
