// tilsyn::run_cli driven in-process: exit codes, usage errors, `check`, `plan` and `migrate`.
#include "adapters/cli/commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace {

// The time commands run at when no --at is given: fixed, so runs repeat.
const tilsyn::Clock& test_clock() {
    static const tilsyn::FixedClock clock(std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} +
                                          std::chrono::hours{9});
    return clock;
}

namespace fs = std::filesystem;

// Each test's files in a folder of its own, removed afterwards.
struct TempDir : tilsyn::testing::TempDir {
    TempDir() : tilsyn::testing::TempDir("tilsyn-cli-test") {}
};

struct Run {
    int code = -1;
    std::string out, err;
};

Run run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    Run r;
    r.code = tilsyn::run_cli(args, out, err, test_clock());
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

const std::string kAarhus = std::string(TILSYN_SOURCE_DIR) + "/config/aarhus.yaml";

// One school (alpha) and one daycare (beta) in one area; a quality_report cycle for schools
// and youth clubs only, starting Monday 2026-08-03.
const std::string kSmall = R"(organisation:
  name: "Test Kommune"
  timezone: Europe/Copenhagen
  director: { name: "Dora", email: "director@example.dk" }
calendar:
  holidays: denmark
  closed_days: ["12-24", "12-31"]
  send_at: "08:00"
mail:
  from: "Tilsyn <tilsyn@example.dk>"
  transport: "file:mail"
areas:
  - { id: syd, name: "Syd", chief: { name: "Carl", email: "chief.syd@example.dk" } }
institutions:
  - { id: alpha, name: "Alpha Skole", kind: school, area: syd, leader: { name: "Lea", email: "leader.alpha@example.dk" }, board: { email: "board.alpha@example.dk" } }
  - { id: beta, name: "Beta Boernehus", kind: daycare, area: syd, leader: { name: "Lis", email: "leader.beta@example.dk" }, board: { email: "board.beta@example.dk" } }
cycles:
  - id: qr
    workflow: quality_report
    institutions: { kinds: [school, youth] }
    starts: { first: 2026-08-03, every: 2 years }
    steps:
      quality_report:       { due: "start + 10 weeks" }
      board_statement:      { due: "quality_report + 4 weeks" }
      quality_conversation: { due: "board_statement + 6 weeks" }
      development_plan:     { due: "quality_conversation + 8 weeks" }
      plan_approval:        { due: "development_plan + 10 workdays" }
      publication:          { due: "plan_approval + 5 workdays" }
    reminders: ["-14 days", "-3 workdays"]
    escalation:
      - { after: "1 workday", to: [leader, area_chief] }
      - { after: "10 workdays", to: [director] }
)";

// A deliberately small JSON reader for the flat objects `plan --format json` writes: string,
// integer and list-of-string values.
struct JsonValue {
    std::string text;               // a string or the digits of an integer
    std::vector<std::string> list;  // for lists
    bool is_list = false;
    bool is_string = false;
};
using JsonObject = std::map<std::string, JsonValue>;

class FlatJson {
  public:
    explicit FlatJson(const std::string& text) : s_(text) {}

    JsonObject object() {
        JsonObject obj;
        expect('{');
        if (peek() == '}') {
            ++i_;
        } else {
            for (;;) {
                std::string key = string();
                expect(':');
                REQUIRE(obj.count(key) == 0);
                obj[key] = value();
                if (peek() == ',') {
                    ++i_;
                    continue;
                }
                expect('}');
                break;
            }
        }
        REQUIRE(i_ == s_.size());
        return obj;
    }

  private:
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void expect(char c) {
        INFO("in: " << s_ << " at " << i_);
        REQUIRE(peek() == c);
        ++i_;
    }
    std::string string() {
        expect('"');
        std::string out;
        while (peek() != '"') {
            REQUIRE(i_ < s_.size());
            char c = s_[i_++];
            if (c == '\\') {
                char e = s_[i_++];
                REQUIRE((e == '"' || e == '\\' || e == 'n' || e == 't' || e == 'r'));
                out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
            } else {
                out += c;
            }
        }
        ++i_;
        return out;
    }
    JsonValue value() {
        JsonValue v;
        if (peek() == '"') {
            v.is_string = true;
            v.text = string();
        } else if (peek() == '[') {
            ++i_;
            v.is_list = true;
            while (peek() != ']') {
                v.list.push_back(string());
                if (peek() == ',') ++i_;
            }
            ++i_;
        } else {
            while (std::isdigit(static_cast<unsigned char>(peek()))) v.text += s_[i_++];
            REQUIRE_FALSE(v.text.empty());
        }
        return v;
    }

    const std::string& s_;
    std::size_t i_ = 0;
};

}  // namespace

TEST_CASE("--help prints the usage and exits 0", "[cli][commands]") {
    auto r = run({"--help"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("usage: tilsyn"));
    CHECK_THAT(r.out, Catch::Contains("check"));
    CHECK_THAT(r.out, Catch::Contains("plan --from DATE --to DATE"));
    CHECK(r.err.empty());
    CHECK(run({"plan", "--help"}).code == 0);
}

TEST_CASE("no verb is a usage error with exit code 2", "[cli][commands]") {
    auto r = run({});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("missing verb"));
    CHECK(r.out.empty());
}

TEST_CASE("an unknown verb exits 2 and names the verb", "[cli][commands]") {
    auto r = run({"frobnicate"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("unknown verb 'frobnicate'"));
    CHECK_THAT(r.err, Catch::Contains("tilsyn --help"));
    CHECK(r.out.empty());
}

TEST_CASE("an unknown option exits 2 and names the option", "[cli][commands]") {
    auto r = run({"check", "--config", kAarhus, "--verbose"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("unknown option '--verbose' for 'check'"));
    CHECK(r.out.empty());
    // An option of another verb is unknown too.
    CHECK(run({"check", "--from", "2026-01-01"}).code == 2);
}

TEST_CASE("an option without its value exits 2", "[cli][commands]") {
    auto r = run({"check", "--config"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--config needs a value"));
}

TEST_CASE("check on the shipped Aarhus configuration exits 0 with a one-line summary",
          "[cli][commands]") {
    auto r = run({"check", "--config", kAarhus});
    INFO(r.err);
    CHECK(r.code == 0);
    // Only warnings: the learning dialogue's last rounds fall after the reports that cover it.
    for (const auto& line : lines_of(r.err)) CHECK_THAT(line, Catch::Contains(": advarsel: "));
    CHECK(r.out == kAarhus +
                       ": ok: 5 areas, 89 institutions (49 school, 25 daycare, 15 youth), "
                       "3 cycles\n");
    // --config=FILE works as well.
    CHECK(run({"check", "--config=" + kAarhus}).code == 0);
}

TEST_CASE("check on a broken configuration exits 2 with FILE:LINE:COLUMN: lines",
          "[cli][commands]") {
    TempDir dir;
    std::string text = kSmall;
    text.replace(text.find("timezone: Europe/Copenhagen"), 27, "timezone: Mars/Olympus");
    text.replace(text.find("kind: school"), 12, "kind: scool");
    text.replace(text.find("to: [leader, area_chief]"), 24, "to: [leader, area_chef]");
    const auto file = dir.write("broken.yaml", text);
    auto r = run({"check", "--config", file});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    const auto lines = lines_of(r.err);
    INFO(r.err);
    REQUIRE(lines.size() == 4);
    const std::regex located("^[^:]+:[0-9]+:[0-9]+: .+$");
    for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
        CHECK(std::regex_match(lines[i], located));
        CHECK(lines[i].rfind(file + ":", 0) == 0);
    }
    CHECK_THAT(lines[0], Catch::StartsWith(file + ":3:13: unknown time zone 'Mars/Olympus'"));
    CHECK_THAT(lines[1], Catch::StartsWith(file + ":15:45: unknown institution kind 'scool'"));
    CHECK_THAT(lines[2], Catch::StartsWith(file + ":31:44: unknown role 'area_chef'"));
    CHECK(lines[3] == file + ": 3 problems");
}

TEST_CASE("check on a missing configuration file exits 2 with a located message",
          "[cli][commands]") {
    TempDir dir;
    const auto file = (dir.path() / "nope.yaml").string();
    auto r = run({"check", "--config", file});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::StartsWith(file + ":1:1: cannot open file"));
}

TEST_CASE("plan refuses an impossible --from date with exit code 2", "[cli][commands]") {
    auto r = run({"plan", "--config", kAarhus, "--from", "2026-02-30", "--to", "2026-12-01"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--from '2026-02-30' is not a valid date"));
    CHECK(r.out.empty());
}

TEST_CASE("plan needs both --from and --to", "[cli][commands]") {
    CHECK(run({"plan", "--config", kAarhus, "--from", "2026-08-01"}).code == 2);
    CHECK(run({"plan", "--config", kAarhus, "--to", "2026-08-01"}).code == 2);
}

TEST_CASE("plan refuses --to before --from with exit code 2", "[cli][commands]") {
    auto r = run({"plan", "--config", kAarhus, "--from", "2026-09-01", "--to", "2026-08-01"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--to must be after --from"));
    CHECK(r.out.empty());
}

TEST_CASE("plan refuses a period over 50 years with exit code 2", "[cli][commands]") {
    // Issue 15: a plan over 1,000 years wrote until it was killed.
    auto r = run({"plan", "--config", kAarhus, "--from", "2026-01-01", "--to", "3026-01-01"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--to is more than 50 years after --from"));
    CHECK(r.out.empty());
}

TEST_CASE("verbs other than migrate never create a database", "[cli][commands]") {
    // Issue 15: `status` against a missing path created its folders and a database.
    TempDir dir;
    const auto file = dir.write("small.yaml", kSmall);
    const auto missing = dir.path() / "nope" / "x.db";
    for (std::vector<std::string> verb : {std::vector<std::string>{"status"},
                                          {"audit", "verify"},
                                          {"outbox", "list"},
                                          {"tick"},
                                          {"user", "token", "--email", "a@example.dk"}}) {
        verb.insert(verb.end(), {"--config", file, "--db", "sqlite:" + missing.string()});
        auto r = run(verb);
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::Contains("does not exist; create it with 'tilsyn migrate'"));
        CHECK_FALSE(fs::exists(dir.path() / "nope"));
    }
}

TEST_CASE("plan refuses an unknown --format with exit code 2", "[cli][commands]") {
    auto r = run({"plan", "--config", kAarhus, "--from", "2026-08-01", "--to", "2026-09-01",
                  "--format", "xml"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("--format 'xml' is not one of table, json, ics"));
    CHECK(r.out.empty());
}

TEST_CASE("plan on a broken configuration exits 2 and prints its problems", "[cli][commands]") {
    TempDir dir;
    std::string text = kSmall;
    text.replace(text.find("kind: school"), 12, "kind: scool");
    const auto file = dir.write("broken.yaml", text);
    auto r = run({"plan", "--config", file, "--from", "2026-08-01", "--to", "2026-09-01"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith(file + ":15:45: "));
}

TEST_CASE("plan --format json on a small config gives the hand-computed timeline",
          "[cli][commands][plan]") {
    TempDir dir;
    const auto file = dir.write("small.yaml", kSmall);
    auto r = run({"plan", "--config", file, "--from", "2026-08-01", "--to", "2027-01-01",
                  "--format", "json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.err.empty());
    const auto lines = lines_of(r.out);
    INFO(r.out);

    const std::string leader = "leader.alpha@example.dk", board = "board.alpha@example.dk",
                      chief = "chief.syd@example.dk", director = "director@example.dk";
    using V = std::vector<std::string>;
    struct Expected {
        const char* at;
        const char* step;
        const char* kind;
        V to;
        int level;  // escalation level, 0 for none
    };
    // Only alpha (the school) is covered; beta is a daycare. Danish autumn 2026 has no public
    // holidays before Christmas; summer time ends Sunday 2026-10-25, so from 10-26 the offset
    // is +01:00.
    const std::vector<Expected> expected = {
        // The cycle opens on its start date; the first step's leader is told.
        {"2026-08-03T08:00:00+02:00", "start", "start", {leader}, 0},
        // quality_report due start + 10 weeks = Monday 2026-10-12; reminders 14 days before
        // (Monday 09-28) and 3 workdays before (Fri 10-09, Thu 10-08, Wed 10-07).
        {"2026-09-28T08:00:00+02:00", "quality_report", "reminder", {leader}, 0},
        {"2026-10-07T08:00:00+02:00", "quality_report", "reminder", {leader}, 0},
        {"2026-10-12T08:00:00+02:00", "quality_report", "due", {leader}, 0},
        // Escalation 1: 1 workday after, Tuesday 10-13; escalation 2: 10 workdays after,
        // 13,14,15,16,19,20,21,22,23,26 -> Monday 10-26 (winter time).
        {"2026-10-13T08:00:00+02:00", "quality_report", "escalation", {leader, chief}, 1},
        {"2026-10-26T08:00:00+01:00", "quality_report", "escalation", {director}, 2},
        // board_statement due quality_report + 4 weeks = Monday 11-09; reminders 10-26 and
        // Wednesday 11-04; escalations Tuesday 11-10 and (10,11,12,13,16,17,18,19,20,23)
        // Monday 11-23. Responsible: board and leader.
        {"2026-10-26T08:00:00+01:00", "board_statement", "reminder", {board, leader}, 0},
        {"2026-11-04T08:00:00+01:00", "board_statement", "reminder", {board, leader}, 0},
        {"2026-11-09T08:00:00+01:00", "board_statement", "due", {board, leader}, 0},
        {"2026-11-10T08:00:00+01:00", "board_statement", "escalation", {leader, chief}, 1},
        {"2026-11-23T08:00:00+01:00", "board_statement", "escalation", {director}, 2},
        // quality_conversation due board_statement + 6 weeks = Monday 12-21; reminders 12-07
        // and Wednesday 12-16; escalation 1 Tuesday 12-22; escalation 2 skips 12-24 (closed),
        // 12-25/26 (Christmas), 12-31 (closed) and 01-01 and lands in January 2027, outside.
        {"2026-12-07T08:00:00+01:00", "quality_conversation", "reminder", {chief}, 0},
        {"2026-12-16T08:00:00+01:00", "quality_conversation", "reminder", {chief}, 0},
        {"2026-12-21T08:00:00+01:00", "quality_conversation", "due", {chief}, 0},
        {"2026-12-22T08:00:00+01:00", "quality_conversation", "escalation", {leader, chief}, 1},
        // development_plan is due quality_conversation + 8 weeks = 2027-02-15, and its first
        // reminder (2027-02-01) is outside the period too.
    };
    REQUIRE(lines.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("line " << i + 1 << ": " << lines[i]);
        const auto obj = FlatJson(lines[i]).object();
        const auto& e = expected[i];
        REQUIRE(obj.count("at"));
        CHECK(obj.at("at").text == e.at);
        CHECK(obj.at("date").text == std::string(e.at).substr(0, 10));
        CHECK(obj.at("institution").text == "alpha");
        CHECK(obj.at("cycle").text == "qr");
        CHECK(obj.at("step").text == e.step);
        CHECK(obj.at("kind").text == e.kind);
        CHECK(obj.at("to").is_list);
        // Recipients as a set: the order of two roles is not part of the format.
        auto to = obj.at("to").list, want = e.to;
        std::sort(to.begin(), to.end());
        std::sort(want.begin(), want.end());
        CHECK(to == want);
        CHECK(obj.count("round") == 0);
        if (e.level) {
            REQUIRE(obj.count("level"));
            CHECK(obj.at("level").text == std::to_string(e.level));
            CHECK(obj.size() == 8);
        } else {
            CHECK(obj.count("level") == 0);
            CHECK(obj.size() == 7);
        }
    }
    // The exact bytes of the first lines.
    REQUIRE(lines.size() >= 5);
    CHECK(
        lines[0] ==
        R"({"at":"2026-08-03T08:00:00+02:00","date":"2026-08-03","institution":"alpha","cycle":"qr","step":"start","kind":"start","to":["leader.alpha@example.dk"]})");
    CHECK(
        lines[3] ==
        R"({"at":"2026-10-12T08:00:00+02:00","date":"2026-10-12","institution":"alpha","cycle":"qr","step":"quality_report","kind":"due","to":["leader.alpha@example.dk"]})");
    CHECK(
        lines[4] ==
        R"({"at":"2026-10-13T08:00:00+02:00","date":"2026-10-13","institution":"alpha","cycle":"qr","step":"quality_report","kind":"escalation","to":["leader.alpha@example.dk","chief.syd@example.dk"],"level":1})");
}

TEST_CASE("plan --format ics on a small config has one event per deadline",
          "[cli][commands][plan]") {
    TempDir dir;
    const auto file = dir.write("small.yaml", kSmall);
    auto r = run({"plan", "--config", file, "--from", "2026-08-01", "--to", "2027-01-01",
                  "--format", "ics"});
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::StartsWith("BEGIN:VCALENDAR\r\n"));
    CHECK_THAT(r.out, Catch::EndsWith("END:VCALENDAR\r\n"));
    std::vector<std::string> starts;
    std::size_t at = 0;
    while ((at = r.out.find("DTSTART;VALUE=DATE:", at)) != std::string::npos) {
        at += 19;
        starts.push_back(r.out.substr(at, 8));
    }
    CHECK(starts == std::vector<std::string>{"20261012", "20261109", "20261221"});
    CHECK_THAT(r.out, Catch::Contains("UID:qr-alpha-quality_report-20261012@tilsyn\r\n"));
}

TEST_CASE("plan in the default table format has a header and one row per item",
          "[cli][commands][plan]") {
    TempDir dir;
    const auto file = dir.write("small.yaml", kSmall);
    auto r = run({"plan", "--config", file, "--from", "2026-08-01", "--to", "2026-10-13"});
    REQUIRE(r.code == 0);
    const auto lines = lines_of(r.out);
    REQUIRE(lines.size() == 5);  // header, start, two reminders, the due date
    CHECK_THAT(lines[0], Catch::StartsWith("AT"));
    CHECK_THAT(lines[1], Catch::StartsWith("2026-08-03T08:00:00+02:00"));
    CHECK_THAT(lines[4], Catch::StartsWith("2026-10-12T08:00:00+02:00"));
    CHECK_THAT(lines[4], Catch::Contains("quality_report"));
}

TEST_CASE("migrate creates the schema once and a second run is up to date",
          "[cli][commands][migrate]") {
    TempDir dir;
    const auto file = dir.write("small.yaml", kSmall);
    const auto db = "sqlite:" + (dir.path() / "x.db").string();

    auto first = run({"migrate", "--config", file, "--db", db});
    INFO(first.err);
    REQUIRE(first.code == 0);
    CHECK(first.err.empty());
    CHECK(fs::exists(dir.path() / "x.db"));
    CHECK_THAT(first.out, Catch::Contains("(was 0)"));
    CHECK_THAT(first.out, Catch::Contains("areas: 1 added"));
    CHECK_THAT(first.out, Catch::Contains("institutions: 2 added"));

    auto second = run({"migrate", "--config", file, "--db", db});
    INFO(second.err);
    REQUIRE(second.code == 0);
    CHECK_THAT(second.out, Catch::Contains("up to date"));
    CHECK_THAT(second.out, Catch::Contains("areas: 0 added, 0 updated"));
    CHECK_THAT(second.out, Catch::Contains("institutions: 0 added, 0 updated, 0 deactivated"));
    CHECK_THAT(second.out, Catch::Contains("people: 0 added, 0 updated"));
}

TEST_CASE("migrate with a malformed database URL fails without a crash",
          "[cli][commands][migrate]") {
    TempDir dir;
    const auto file = dir.write("small.yaml", kSmall);
    auto r = run({"migrate", "--config", file, "--db", "mysql://nobody@localhost/x"});
    CHECK(r.code != 0);
    CHECK_FALSE(r.err.empty());
}
