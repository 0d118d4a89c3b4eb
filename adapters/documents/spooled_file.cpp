#include "adapters/documents/spooled_file.hpp"

#include <fcntl.h>
#include <magic.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace tilsyn::documents {

namespace {

std::string system_error(std::string_view what) {
    return std::string(what) + ": " + std::strerror(errno);
}

class FileSource : public DocumentSource {
  public:
    explicit FileSource(int fd) : fd_(fd) {}
    bool read(std::string& out, std::size_t max) override {
        out.resize(max);
        std::size_t got = 0;
        while (got < max) {
            const ssize_t n = ::pread(fd_, out.data() + got, max - got, offset_);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::runtime_error(system_error("reading an uploaded document"));
            if (n == 0) break;
            got += static_cast<std::size_t>(n);
            offset_ += n;
        }
        out.resize(got);
        return got > 0;
    }

  private:
    int fd_;
    off_t offset_ = 0;
};

}  // namespace

SpooledFile::SpooledFile(const std::string& dir) {
    std::string base = dir;
    if (base.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        base = tmp && *tmp ? tmp : "/tmp";
    }
    std::string path = base + "/tilsyn-upload-XXXXXX";
    hash_ = EVP_MD_CTX_new();
    if (!hash_ || EVP_DigestInit_ex(hash_, EVP_sha256(), nullptr) != 1) {
        EVP_MD_CTX_free(hash_);
        throw std::runtime_error("OpenSSL: cannot start a SHA-256");
    }
    fd_ = ::mkstemp(path.data());
    if (fd_ < 0) {
        EVP_MD_CTX_free(hash_);
        throw std::runtime_error(system_error("creating a temporary file in " + base));
    }
    ::unlink(path.c_str());  // gone from the disk once closed, even after a crash
}

SpooledFile::~SpooledFile() {
    EVP_MD_CTX_free(hash_);
    if (fd_ >= 0) ::close(fd_);
}

void SpooledFile::append(std::string_view bytes) {
    if (!digest_.empty()) throw std::logic_error("SpooledFile: append after sha256()");
    EVP_DigestUpdate(hash_, bytes.data(), bytes.size());
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(system_error("writing an uploaded document"));
        bytes.remove_prefix(static_cast<std::size_t>(n));
        size_ += n;
    }
}

const std::string& SpooledFile::sha256() {
    if (digest_.empty()) {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(hash_, digest, &length);
        static constexpr char kHex[] = "0123456789abcdef";
        for (unsigned int i = 0; i < length; ++i) {
            digest_ += kHex[digest[i] >> 4];
            digest_ += kHex[digest[i] & 15];
        }
    }
    return digest_;
}

std::string SpooledFile::head(std::size_t max) const {
    std::string out;
    FileSource(fd_).read(out, max);
    return out;
}

std::unique_ptr<DocumentSource> SpooledFile::source() const {
    return std::make_unique<FileSource>(fd_);
}

ContentTypes::ContentTypes() : cookie_(magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS)) {
    if (!cookie_) throw std::runtime_error("libmagic: cannot open");
    std::size_t bytes = kMagicBytes;
    magic_setparam(cookie_, MAGIC_PARAM_BYTES_MAX, &bytes);
    if (magic_load(cookie_, nullptr) != 0) {
        const std::string why = magic_error(cookie_) ? magic_error(cookie_) : "unknown";
        magic_close(cookie_);
        throw std::runtime_error("libmagic: cannot load its database: " + why);
    }
}

ContentTypes::~ContentTypes() { magic_close(cookie_); }

std::string ContentTypes::of(std::string_view content) {
    const char* type = magic_buffer(cookie_, content.data(), content.size());
    return type ? std::string(type) : std::string("application/octet-stream");
}

std::string ContentTypes::of(const SpooledFile& file) { return of(file.head(kMagicBytes)); }

}  // namespace tilsyn::documents
