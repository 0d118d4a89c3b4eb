// The mail adapters against the real thing: a folder on disk, and aiosmtpd (Debian's
// python3-aiosmtpd, run by /usr/bin/python3) as the SMTP server, delivering into a Maildir that the
// tests read back.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/mail/file_mailer.hpp"
#include "adapters/mail/mailer_factory.hpp"
#include "adapters/mail/smtp_mailer.hpp"
#include "engine/mail_message.hpp"
#include "tests/engine/mail_decoding.hpp"

extern char** environ;

namespace {

using namespace tilsyn;
using namespace std::chrono_literals;
using tilsyn::test::base64_decode;
using tilsyn::test::decode_header;
using tilsyn::test::parse_mail;
namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, which has aiosmtpd
constexpr auto kServerStartLimit = 5s;
constexpr auto kServerStopLimit = 3s;
constexpr const char* kFrom = "tilsyn@example.dk";

// A fresh folder under the system temp folder, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "tilsyn-mail-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// A port nothing listens on right now (the kernel's pick for port 0).
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

// An SMTP server in a child process on 127.0.0.1:port, delivering into `maildir`; started in the
// constructor (which returns once the port accepts connections) and stopped in the destructor.
// `argv` follows the python executable; "{port}" and "{maildir}" are filled in.
class SmtpServer {
  public:
    SmtpServer(const fs::path& work, std::vector<std::string> argv,
               std::optional<fs::path> python_path = std::nullopt)
        : port_(free_port()), maildir_(work / "maildir"), log_(work / "smtp-server.log") {
        std::vector<std::string> args{kPython, "-u"};
        for (auto& arg : argv) {
            replace(arg, "{port}", std::to_string(port_));
            replace(arg, "{maildir}", maildir_.string());
            args.push_back(arg);
        }
        std::vector<std::string> env;
        for (char** e = environ; *e; ++e) {
            if (std::string_view(*e).starts_with("PYTHONPATH=")) continue;
            env.emplace_back(*e);
        }
        if (python_path) env.push_back("PYTHONPATH=" + python_path->string());

        std::vector<char*> c_args, c_env;
        for (auto& a : args) c_args.push_back(a.data());
        c_args.push_back(nullptr);
        for (auto& e : env) c_env.push_back(e.data());
        c_env.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        const int error =
            ::posix_spawn(&pid_, kPython, &actions, nullptr, c_args.data(), c_env.data());
        posix_spawn_file_actions_destroy(&actions);
        if (error != 0) throw std::runtime_error("cannot start " + std::string(kPython));

        const auto deadline = std::chrono::steady_clock::now() + kServerStartLimit;
        while (!accepts_connections(port_)) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("the SMTP server exited: " + read_file(log_));
            }
            if (std::chrono::steady_clock::now() > deadline) {
                stop();
                throw std::runtime_error("the SMTP server did not listen within 5 s: " +
                                         read_file(log_));
            }
            std::this_thread::sleep_for(20ms);
        }
    }
    SmtpServer(const SmtpServer&) = delete;
    SmtpServer& operator=(const SmtpServer&) = delete;
    ~SmtpServer() { stop(); }

    int port() const { return port_; }
    std::string url(const char* scheme = "smtp") const {
        return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
    }
    const fs::path& maildir() const { return maildir_; }
    std::string log() const { return read_file(log_); }

    // Every message delivered so far, as stored (LF line ends, the server's X- headers added).
    std::vector<std::string> messages() const {
        std::vector<std::string> out;
        if (!fs::exists(maildir_ / "new")) return out;
        for (const auto& entry : fs::directory_iterator(maildir_ / "new")) {
            out.push_back(read_file(entry.path()));
        }
        return out;
    }

  private:
    static void replace(std::string& text, const std::string& from, const std::string& to) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
            text.replace(at, from.size(), to);
            at += to.size();
        }
    }

    void stop() noexcept {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + kServerStopLimit;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            std::this_thread::sleep_for(20ms);
        }
        pid_ = -1;
    }

    int port_;
    fs::path maildir_;
    fs::path log_;
    pid_t pid_ = -1;
};

// aiosmtpd's own command line with its Maildir handler.
std::vector<std::string> mailbox_server() {
    return {
        "-m",       "aiosmtpd", "-n", "-l", "127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox",
        "{maildir}"};
}

// A Maildir handler that refuses some recipients: permanently, temporarily, or only once the
// message has been sent (at the end of DATA).
constexpr const char* kPickyHandler = R"(from aiosmtpd.handlers import Mailbox


class Picky(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "nobody@example.dk":
            return "550 5.1.1 no such user"
        if address == "busy@example.dk":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if "spam@example.dk" in envelope.rcpt_tos:
            return "554 5.7.1 message refused"
        if "full@example.dk" in envelope.rcpt_tos:
            return "452 4.2.2 mailbox full"
        return await super().handle_DATA(server, session, envelope)
)";

// A Maildir handler that writes, for each message it accepts, the number of the SMTP session
// (connection) it came on to sessions.txt; with a file drop_after.txt holding N it closes the
// connection once its N-th message is accepted (after the 250 is on its way).
constexpr const char* kSessionHandler = R"(import asyncio
import os

from aiosmtpd.handlers import Mailbox

HERE = os.path.dirname(os.path.abspath(__file__))


class Sessions(Mailbox):
    opened = 0
    accepted = 0

    async def handle_DATA(self, server, session, envelope):
        if not hasattr(session, "number"):
            Sessions.opened += 1
            session.number = Sessions.opened
        answer = await super().handle_DATA(server, session, envelope)
        Sessions.accepted += 1
        with open(os.path.join(HERE, "sessions.txt"), "a") as f:
            f.write(f"{session.number}\n")
        drop = os.path.join(HERE, "drop_after.txt")
        if os.path.exists(drop) and Sessions.accepted == int(open(drop).read()):
            asyncio.get_running_loop().call_soon(server.transport.close)
        return answer
)";

// A server with TLS and AUTH, which aiosmtpd's command line cannot set up:
// STARTTLS required before MAIL and AUTH (mode "starttls"), or TLS from the first byte (mode
// "implicit").
constexpr const char* kTlsServer = R"(import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

mode, port, maildir, cert, key, user, password = sys.argv[1:8]


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
          and auth_data.password == password.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
if mode == "starttls":
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port),
                            tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_required=True,
                            auth_require_tls=True)
else:
    controller = Controller(Mailbox(maildir), hostname="127.0.0.1", port=int(port),
                            ssl_context=context)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
controller.start()
signal.sigwait({signal.SIGTERM, signal.SIGINT})
controller.stop()
)";

// A self-signed certificate for 127.0.0.1, in `dir`; false when openssl cannot make one.
bool make_certificate(const fs::path& dir) {
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        (dir / "key.pem").string() + "' -out '" + (dir / "cert.pem").string() + "' >'" +
        (dir / "openssl.log").string() + "' 2>&1";
    return std::system(command.c_str()) == 0;
}

// Sets an environment variable for one scope (tests run on one thread).
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }

  private:
    const char* name_;
    std::optional<std::string> old_;
};

SmtpOptions smtp_options(std::string url, std::string user = "", std::string password = "",
                         std::string ca_file = "") {
    SmtpOptions options;
    options.url = std::move(url);
    options.user = std::move(user);
    options.password = std::move(password);
    options.ca_file = std::move(ca_file);
    return options;
}

struct Letter {
    OutboxMessage outbox;
    std::string raw;
};

const Instant kDate = std::chrono::sys_days{2026y / 10 / 5} + 7h;

Letter letter(int n, const std::string& to, const std::string& subject, const std::string& body) {
    Letter out;
    out.outbox.message_id = "<reminder." + std::to_string(n) + ".report_due@tilsyn.example.dk>";
    out.outbox.recipient = "Søren Ærø <" + to + ">";
    out.outbox.subject = subject;
    out.outbox.body = body;
    out.raw = format_mail(out.outbox, "Tilsyn <tilsyn@example.dk>", kDate, 2h);
    return out;
}

Letter danish_letter(int n, const std::string& to = "soeren@example.dk") {
    return letter(n, to,
                  "Påmindelse " + std::to_string(n) +
                      ": Kvalitetsrapport for Bakkegårdsskolen – frist 2026-10-12",
                  "Kære Søren Ærø\n\nKvalitetsrapporten for Bakkegårdsskolen (nr. " +
                      std::to_string(n) +
                      ") skal være indsendt senest 2026-10-12.\nSe "
                      "https://tilsyn.example.dk/dashboard/cycles/" +
                      std::to_string(n) + "\n\nMed venlig hilsen\nTilsyn — æøå ÆØÅ\n");
}

void send_letter(Mailer& mailer, const Letter& l, const std::string& to = "soeren@example.dk") {
    mailer.send(kFrom, to, l.raw, l.outbox.message_id);
}

std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
    return out;
}

// Runs `action`, which must throw MailError; returns it.
template <typename Action>
MailError mail_error(Action action) {
    try {
        action();
    } catch (const MailError& e) {
        return e;
    }
    FAIL("no MailError");
    throw std::logic_error("unreachable");
}

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// File mailer

TEST_CASE(
    "the file mailer writes the message as a parseable .eml named after "
    "its Message-ID",
    "[mail]") {
    TempDir temp;
    const fs::path dir = temp.path() / "outbox" / "nested";  // created on first send
    FileMailer mailer(dir);
    CHECK(mailer.describe() == "file:" + dir.string());

    const Letter l = danish_letter(1);
    send_letter(mailer, l);

    const auto files = files_in(dir);
    REQUIRE(files.size() == 1);
    CHECK(files[0] == mailer.path_for(l.outbox.message_id));
    CHECK(files[0].extension() == ".eml");
    CHECK(files[0].stem().string().size() == 32);
    CHECK(read_file(files[0]) == l.raw);

    const auto mail = parse_mail(read_file(files[0]));
    CHECK(mail.header("From") == "Tilsyn <tilsyn@example.dk>");
    CHECK(decode_header(mail.header("To")) == "Søren Ærø <soeren@example.dk>");
    CHECK(decode_header(mail.header("Subject")) ==
          "Påmindelse 1: Kvalitetsrapport for Bakkegårdsskolen – frist 2026-10-12");
    CHECK(mail.header("Message-ID") == l.outbox.message_id);
    CHECK(base64_decode(mail.body) == crlf(l.outbox.body));
}

TEST_CASE(
    "the file mailer keeps one file for a message sent twice and one per "
    "Message-ID",
    "[mail]") {
    TempDir temp;
    FileMailer mailer(temp.path());
    const Letter first = danish_letter(1);
    send_letter(mailer, first);
    send_letter(mailer, first);  // a retry after a crash between send and "mark sent"
    CHECK(files_in(temp.path()).size() == 1);

    // A retry with a newer Date header replaces the file rather than adding one.
    Letter retried = first;
    retried.raw = format_mail(first.outbox, "Tilsyn <tilsyn@example.dk>", kDate + 1h, 2h);
    send_letter(mailer, retried);
    REQUIRE(files_in(temp.path()).size() == 1);
    CHECK(read_file(mailer.path_for(first.outbox.message_id)) == retried.raw);

    send_letter(mailer, danish_letter(2));
    const auto files = files_in(temp.path());
    CHECK(files.size() == 2);
    for (const auto& file : files) CHECK(file.extension() == ".eml");  // no temporary left
}

TEST_CASE("the file mailer reports a folder it cannot create as a MailError to retry", "[mail]") {
    TempDir temp;
    write_file(temp.path() / "not-a-folder",
               "x");  // fails even for root, unlike chmod
    FileMailer mailer(temp.path() / "not-a-folder" / "outbox");
    const MailError e = mail_error([&] { send_letter(mailer, danish_letter(1)); });
    CHECK_FALSE(e.permanent());
    CHECK_THAT(e.what(), Catch::Contains("not-a-folder"));
}

TEST_CASE(
    "the file mailer reports a folder it cannot write into as a "
    "MailError to retry",
    "[mail]") {
    TempDir temp;
    const fs::path dir = temp.path() / "outbox";
    fs::create_directory(dir);
    // The target name taken by a folder: the rename fails, and the temporary file goes.
    FileMailer mailer(dir);
    const Letter l = danish_letter(1);
    fs::create_directory(mailer.path_for(l.outbox.message_id));
    fs::create_directory(mailer.path_for(l.outbox.message_id) / "occupied");
    const MailError e = mail_error([&] { send_letter(mailer, l); });
    CHECK_FALSE(e.permanent());
    CHECK(files_in(dir).size() == 1);
}

// ---------------------------------------------------------------------------------------------
// SMTP mailer against aiosmtpd

TEST_CASE(
    "the SMTP mailer delivers each Danish message once with its headers "
    "and body",
    "[mail]") {
    TempDir temp;
    SmtpServer server(temp.path(), mailbox_server());
    SmtpMailer mailer(smtp_options(server.url()));
    CHECK(mailer.describe() == server.url());

    std::map<std::string, Letter> sent;  // by Message-ID
    for (int n = 1; n <= 3; ++n) {
        const Letter l = danish_letter(n, "person" + std::to_string(n) + "@example.dk");
        mailer.send(kFrom, "person" + std::to_string(n) + "@example.dk", l.raw,
                    l.outbox.message_id);
        sent.emplace(l.outbox.message_id, l);
    }

    const auto delivered = server.messages();
    REQUIRE(delivered.size() == 3);
    std::map<std::string, int> seen;
    for (const auto& raw : delivered) {
        const auto mail = parse_mail(raw);
        const std::string id = mail.header("Message-ID");
        ++seen[id];
        const auto it = sent.find(id);
        REQUIRE(it != sent.end());
        const Letter& l = it->second;
        INFO(id);
        CHECK(decode_header(mail.header("Subject")) == l.outbox.subject);
        CHECK(decode_header(mail.header("Subject")).find("Bakkegårdsskolen") != std::string::npos);
        CHECK(decode_header(mail.header("To")) == l.outbox.recipient);
        CHECK(mail.header("X-MailFrom") == kFrom);
        CHECK(mail.header("X-RcptTo") == tilsyn::mail_address(l.outbox.recipient));
        CHECK(base64_decode(mail.body) == crlf(l.outbox.body));
    }
    CHECK(seen.size() == 3);
    for (const auto& [id, count] : seen) CHECK(count == 1);
}

TEST_CASE("the SMTP mailer sends many messages on one connection and opens a new one when needed",
          "[mail]") {
    TempDir temp;
    write_file(temp.path() / "session_handler.py", kSessionHandler);
    auto sessions = [&] {
        std::vector<int> out;
        std::istringstream in(read_file(temp.path() / "sessions.txt"));
        for (int n = 0; in >> n;) out.push_back(n);
        return out;
    };
    // What the outbox does: a message that failed with a temporary error is sent again.
    auto deliver = [](SmtpMailer& mailer, const Letter& l) {
        try {
            send_letter(mailer, l);
        } catch (const MailError& e) {
            REQUIRE_FALSE(e.permanent());
            send_letter(mailer, l);
        }
    };

    SECTION("a session carries kMessagesPerSession messages, then a new one starts") {
        SmtpServer server(temp.path(),
                          {"-m", "aiosmtpd", "-n", "-l", "127.0.0.1:{port}", "-c",
                           "session_handler.Sessions", "{maildir}"},
                          temp.path());
        SmtpMailer mailer(smtp_options(server.url()));
        const int total = SmtpMailer::kMessagesPerSession + 2;
        for (int n = 1; n <= total; ++n) send_letter(mailer, danish_letter(n));
        const auto seen = sessions();
        REQUIRE(seen.size() == static_cast<std::size_t>(total));
        CHECK(std::count(seen.begin(), seen.end(), 1) == SmtpMailer::kMessagesPerSession);
        CHECK(std::count(seen.begin(), seen.end(), 2) == 2);
        CHECK(server.messages().size() == static_cast<std::size_t>(total));
    }
    SECTION("a connection the server closed is replaced, and every message arrives once") {
        write_file(temp.path() / "drop_after.txt", "2");
        SmtpServer server(temp.path(),
                          {"-m", "aiosmtpd", "-n", "-l", "127.0.0.1:{port}", "-c",
                           "session_handler.Sessions", "{maildir}"},
                          temp.path());
        SmtpMailer mailer(smtp_options(server.url()));
        std::map<std::string, int> sent;
        for (int n = 1; n <= 5; ++n) {
            const Letter l = danish_letter(n);
            deliver(mailer, l);
            sent[l.outbox.message_id] = 0;
        }
        CHECK(sessions() == std::vector<int>{1, 1, 2, 2, 2});
        for (const auto& raw : server.messages()) ++sent[parse_mail(raw).header("Message-ID")];
        CHECK(sent.size() == 5);
        for (const auto& [id, count] : sent) CHECK(count == 1);
    }
}

TEST_CASE("the SMTP mailer reports a port nobody listens on as a MailError to retry", "[mail]") {
    const int port = free_port();
    SmtpMailer mailer(smtp_options("smtp://127.0.0.1:" + std::to_string(port)));
    const auto started = std::chrono::steady_clock::now();
    const MailError e = mail_error([&] { send_letter(mailer, danish_letter(1)); });
    CHECK_FALSE(e.permanent());
    CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(port)));
    CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("the SMTP mailer tells a refusal (permanent) from a deferral (temporary)", "[mail]") {
    TempDir temp;
    write_file(temp.path() / "picky_handler.py", kPickyHandler);
    SmtpServer server(temp.path(),
                      {"-m", "aiosmtpd", "-n", "-l", "127.0.0.1:{port}", "-c",
                       "picky_handler.Picky", "{maildir}"},
                      temp.path());
    SmtpMailer mailer(smtp_options(server.url()));

    SECTION("550 to RCPT TO is permanent") {
        const MailError e =
            mail_error([&] { send_letter(mailer, danish_letter(1), "nobody@example.dk"); });
        CHECK(e.permanent());
        CHECK_THAT(e.what(), Catch::Contains("550") && Catch::Contains("no such user"));
    }
    SECTION("554 at the end of DATA is permanent") {
        const MailError e =
            mail_error([&] { send_letter(mailer, danish_letter(2), "spam@example.dk"); });
        CHECK(e.permanent());
        CHECK_THAT(e.what(), Catch::Contains("554"));
    }
    SECTION("451 to RCPT TO is temporary") {
        const MailError e =
            mail_error([&] { send_letter(mailer, danish_letter(3), "busy@example.dk"); });
        CHECK_FALSE(e.permanent());
        CHECK_THAT(e.what(), Catch::Contains("451"));
    }
    SECTION("452 at the end of DATA is temporary") {
        const MailError e =
            mail_error([&] { send_letter(mailer, danish_letter(4), "full@example.dk"); });
        CHECK_FALSE(e.permanent());
    }
    SECTION("a good recipient still gets the message") {
        send_letter(mailer, danish_letter(5));
        CHECK(server.messages().size() == 1);
    }
}

TEST_CASE("the SMTP mailer refuses an envelope address that could inject a command", "[mail]") {
    SmtpMailer mailer(smtp_options("smtp://127.0.0.1:1"));  // never reached
    const Letter l = danish_letter(1);
    CHECK(mail_error([&] {
              mailer.send(kFrom, "a@b.dk>\r\nRCPT TO:<c@d.dk", l.raw, "x");
          }).permanent());
    CHECK(mail_error([&] { mailer.send(kFrom, "", l.raw, "x"); }).permanent());
    CHECK_FALSE(
        mail_error([&] { mailer.send("me@x.dk\r\nDATA", "a@b.dk", l.raw, "x"); }).permanent());
}

TEST_CASE("the SMTP mailer uses STARTTLS when offered and authenticates over it", "[mail]") {
    TempDir temp;
    if (!make_certificate(temp.path())) {
        WARN("openssl could not make a certificate; STARTTLS not tested");
        return;
    }
    write_file(temp.path() / "tls_server.py", kTlsServer);
    const std::string cert = (temp.path() / "cert.pem").string();
    SmtpServer server(temp.path(),
                      {(temp.path() / "tls_server.py").string(), "starttls", "{port}", "{maildir}",
                       cert, (temp.path() / "key.pem").string(), "tilsyn", "hemmeligt"});
    const Letter l = danish_letter(1);

    SECTION(
        "the right password delivers (the server refuses MAIL before "
        "STARTTLS and AUTH)") {
        SmtpMailer mailer(smtp_options(server.url(), "tilsyn", "hemmeligt", cert));
        send_letter(mailer, l);
        REQUIRE(server.messages().size() == 1);
        CHECK(parse_mail(server.messages()[0]).header("Message-ID") == l.outbox.message_id);
    }
    SECTION(
        "a wrong password is a MailError to retry (fix the configuration, "
        "keep the mail)") {
        SmtpMailer mailer(smtp_options(server.url(), "tilsyn", "forkert", cert));
        const MailError e = mail_error([&] { send_letter(mailer, l); });
        CHECK_FALSE(e.permanent());
        CHECK_THAT(e.what(), Catch::Contains("535"));
        // Neither the password nor the base64 AUTH line that carries it.
        CHECK_THAT(e.what(), !Catch::Contains("forkert") &&
                                 !Catch::Contains(base64(std::string("\0tilsyn\0forkert", 15))));
        CHECK(server.messages().empty());
    }
    SECTION(
        "an untrusted certificate is a MailError to retry, never a fallback "
        "to plain text") {
        SmtpMailer mailer(smtp_options(server.url(), "tilsyn", "hemmeligt"));
        const MailError e = mail_error([&] { send_letter(mailer, l); });
        CHECK_FALSE(e.permanent());
        CHECK_THAT(e.what(), Catch::Contains("certificate"));
        CHECK(server.messages().empty());
    }
}

TEST_CASE("the SMTP mailer will not send a password to a server without STARTTLS", "[mail]") {
    TempDir temp;
    SmtpServer server(temp.path(), mailbox_server());
    SmtpMailer mailer(smtp_options(server.url(), "tilsyn", "hemmeligt"));
    const MailError e = mail_error([&] { send_letter(mailer, danish_letter(1)); });
    CHECK_FALSE(e.permanent());
    CHECK_THAT(e.what(), Catch::Contains("STARTTLS"));
    CHECK(server.messages().empty());
}

TEST_CASE("the SMTP mailer delivers over implicit TLS to an smtps:// URL", "[mail]") {
    TempDir temp;
    if (!make_certificate(temp.path())) {
        WARN("openssl could not make a certificate; smtps not tested");
        return;
    }
    write_file(temp.path() / "tls_server.py", kTlsServer);
    const std::string cert = (temp.path() / "cert.pem").string();
    SmtpServer server(temp.path(),
                      {(temp.path() / "tls_server.py").string(), "implicit", "{port}", "{maildir}",
                       cert, (temp.path() / "key.pem").string(), "-", "-"});
    SmtpMailer mailer(smtp_options(server.url("smtps"), "", "", cert));
    CHECK(mailer.describe() == server.url("smtps"));
    const Letter l = danish_letter(1);
    send_letter(mailer, l);
    REQUIRE(server.messages().size() == 1);
    CHECK(decode_header(parse_mail(server.messages()[0]).header("Subject")) == l.outbox.subject);
}

TEST_CASE(
    "the SMTP mailer reports TLS spoken to a plain-text server as a "
    "MailError to retry",
    "[mail]") {
    TempDir temp;
    SmtpServer server(temp.path(), mailbox_server());
    SmtpMailer mailer(smtp_options(server.url("smtps")));
    CHECK_FALSE(mail_error([&] { send_letter(mailer, danish_letter(1)); }).permanent());
    CHECK(server.messages().empty());
}

// ---------------------------------------------------------------------------------------------
// SMTP URLs and the factory

TEST_CASE("SMTP URLs default the port by scheme and keep an EHLO name", "[mail]") {
    CHECK(parse_smtp_url("smtp://mail.example.dk").display == "smtp://mail.example.dk:25");
    CHECK(parse_smtp_url("smtps://mail.example.dk").display == "smtps://mail.example.dk:465");
    CHECK(parse_smtp_url("smtps://mail.example.dk").implicit_tls);
    const SmtpUrl url = parse_smtp_url("smtp://mail.example.dk:587/tilsyn.example.dk");
    CHECK(url.port == 587);
    CHECK(url.host == "mail.example.dk");
    CHECK(url.ehlo_name == "tilsyn.example.dk");
    CHECK(parse_smtp_url("smtp://[::1]:2525").display == "smtp://[::1]:2525");
}

TEST_CASE("SMTP URLs with credentials or a bad host or port are refused", "[mail]") {
    for (const char* bad :
         {"smtp://", "smtp://:25", "smtp://host:", "smtp://host:0", "smtp://host:65536",
          "smtp://host:25x", "smtp://ho st", "smtp://[::1", "smtp://host/a/b", "http://host"}) {
        INFO(bad);
        CHECK_THROWS_AS(parse_smtp_url(bad), std::invalid_argument);
    }
    try {
        parse_smtp_url("smtp://tilsyn:hemmeligt@mail.example.dk");
        FAIL("accepted credentials");
    } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), !Catch::Contains("hemmeligt") && Catch::Contains("TILSYN_SMTP_USER"));
    }
}

TEST_CASE("make_mailer builds a file mailer relative to the config folder", "[mail]") {
    CHECK(make_mailer("file:outbox", "/srv/tilsyn")->describe() == "file:/srv/tilsyn/outbox");
    CHECK(make_mailer("file:../mail/out", "/srv/tilsyn/config")->describe() ==
          "file:/srv/tilsyn/mail/out");
    CHECK(make_mailer("file:/var/spool/tilsyn", "/srv/tilsyn")->describe() ==
          "file:/var/spool/tilsyn");
}

TEST_CASE("make_mailer builds an SMTP mailer with credentials from the environment", "[mail]") {
    {
        ScopedEnv user("TILSYN_SMTP_USER", nullptr);
        ScopedEnv password("TILSYN_SMTP_PASSWORD", nullptr);
        CHECK(make_mailer("smtp://mail.example.dk:587", "/srv")->describe() ==
              "smtp://mail.example.dk:587");
        CHECK(make_mailer("smtps://mail.example.dk", "/srv")->describe() ==
              "smtps://mail.example.dk:465");
    }
    {
        ScopedEnv user("TILSYN_SMTP_USER", "tilsyn");
        ScopedEnv password("TILSYN_SMTP_PASSWORD", "hemmeligt");
        const auto mailer = make_mailer("smtp://mail.example.dk:587", "/srv");
        CHECK_THAT(mailer->describe(), !Catch::Contains("hemmeligt"));
    }
    {
        ScopedEnv user("TILSYN_SMTP_USER", "tilsyn");
        ScopedEnv password("TILSYN_SMTP_PASSWORD", nullptr);
        CHECK_THROWS_AS(make_mailer("smtp://mail.example.dk", "/srv"), std::invalid_argument);
    }
}

TEST_CASE("make_mailer refuses other transports and says which are accepted", "[mail]") {
    for (const char* bad : {"", "file:", "sendmail", "http://mail.example.dk", "smtp:/host",
                            "SMTP://mail.example.dk"}) {
        INFO(bad);
        CHECK_THROWS_AS(make_mailer(bad, "/srv"), std::invalid_argument);
    }
    try {
        make_mailer("smtpx://tilsyn:hemmeligt@mail.example.dk", "/srv");
        FAIL("accepted smtpx");
    } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), Catch::Contains("smtp://") && !Catch::Contains("hemmeligt"));
    }
}
