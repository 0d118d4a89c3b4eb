#include "adapters/mail/file_mailer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "engine/sha256.hpp"

namespace tilsyn {

namespace {

// Enough of the hash to make collisions between Message-IDs practically impossible (128 bits).
constexpr std::size_t kNameHexDigits = 32;
// Attempts at a fresh temporary name before giving up (one clash needs a stale file left by a
// crashed process with the same pid).
constexpr int kTempNameAttempts = 16;

MailError file_error(const std::string& what, const std::filesystem::path& path, int error) {
    return MailError(what + " " + path.string() + ": " + std::strerror(error), false);
}

// Closes the descriptor and removes the temporary file unless released; never throws.
class TempFile {
  public:
    TempFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        if (fd_ >= 0) ::close(fd_);
        if (!released_) ::unlink(path_.c_str());
    }
    int fd() const { return fd_; }
    const std::filesystem::path& path() const { return path_; }
    // Closes now, reporting the error close() may carry (NFS reports write errors there).
    int close() {
        int result = ::close(fd_);
        fd_ = -1;
        return result;
    }
    void release() { released_ = true; }

  private:
    int fd_;
    std::filesystem::path path_;
    bool released_ = false;
};

TempFile create_temp(const std::filesystem::path& directory, const std::string& stem) {
    static std::atomic<unsigned long> counter{0};
    for (int attempt = 0; attempt < kTempNameAttempts; ++attempt) {
        // Hidden, and not ending in .eml, so readers of the folder never pick up a partial file.
        auto path = directory / ("." + stem + "." + std::to_string(::getpid()) + "." +
                                 std::to_string(counter++) + ".tmp");
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return TempFile(fd, path);
        const int error = errno;
        if (error != EEXIST) throw file_error("cannot create", path, error);
    }
    throw MailError("cannot find a free temporary file name in " + directory.string(), false);
}

void write_all(const TempFile& file, const std::string& data) {
    std::size_t written = 0;
    while (written < data.size()) {
        ssize_t n = ::write(file.fd(), data.data() + written, data.size() - written);
        if (n < 0) {
            const int error = errno;
            if (error == EINTR) continue;
            throw file_error("cannot write", file.path(), error);
        }
        written += static_cast<std::size_t>(n);
    }
}

// Makes the rename itself durable; a folder that cannot be opened or synced (some network
// file systems) is not worth failing a delivery that has already happened.
void sync_directory(const std::filesystem::path& directory) {
    int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

FileMailer::FileMailer(std::filesystem::path directory) : directory_(std::move(directory)) {}

std::filesystem::path FileMailer::path_for(const std::string& message_id) const {
    return directory_ / (sha256_hex(message_id).substr(0, kNameHexDigits) + ".eml");
}

void FileMailer::send(const std::string& /*from*/, const std::string& /*to*/,
                      const std::string& message, const std::string& message_id) {
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) throw file_error("cannot create the mail folder", directory_, ec.value());

    const auto target = path_for(message_id);
    TempFile temp = create_temp(directory_, target.stem().string());
    write_all(temp, message);
    if (::fsync(temp.fd()) != 0) {
        const int error = errno;
        throw file_error("cannot sync", temp.path(), error);
    }
    if (temp.close() != 0) {
        const int error = errno;
        throw file_error("cannot close", temp.path(), error);
    }
    if (::rename(temp.path().c_str(), target.c_str()) != 0) {
        const int error = errno;
        throw file_error("cannot rename a temporary file to", target, error);
    }
    temp.release();
    sync_directory(directory_);
}

std::string FileMailer::describe() const { return "file:" + directory_.string(); }

}  // namespace tilsyn
