// diff, workload, backup and restore through tilsyn::run_cli, on real SQLite files: exit codes,
// bad input refused in Danish, and the data left as it was.
#include <sqlite3.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "adapters/cli/commands.hpp"
#include "adapters/storage/schema.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

const tilsyn::Clock& test_clock() {
    static const tilsyn::FixedClock clock(std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} +
                                          std::chrono::hours{9});
    return clock;
}

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

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One school in one area, its quality report every second year from Monday 2026-08-03.
const std::string kConfig = R"(organisation:
  name: "Test Kommune"
  timezone: Europe/Copenhagen
  director: { name: "Dora", email: "director@example.dk" }
calendar: { holidays: denmark, closed_days: ["12-24", "12-31"], send_at: "08:00" }
mail: { from: "Tilsyn <tilsyn@example.dk>", transport: "file:mail" }
areas:
  - { id: syd, name: "Syd", chief: { name: "Carl", email: "chief.syd@example.dk" } }
institutions:
  - { id: alpha, name: "Alpha Skole", kind: school, area: syd, leader: { name: "Lea", email: "leader.alpha@example.dk" }, board: { email: "board.alpha@example.dk" } }
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

void exec_sql(const std::string& path, const std::string& statement) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

// A migrated database whose cycle of 2026-08-03 is running.
struct World : tilsyn::testing::TempDir {
    std::string config, db_path, db;
    World() : tilsyn::testing::TempDir("tilsyn-maintenance-test") {
        config = write("current.yaml", kConfig);
        db_path = (path() / "tilsyn.db").string();
        db = "sqlite:" + db_path;
        REQUIRE(run({"migrate", "--config", config, "--db", db}).code == 0);
        const Run tick =
            run({"tick", "--config", config, "--db", db, "--at", "2026-08-03T09:00", "--no-mail"});
        REQUIRE(tick.code == 0);
    }
    Run diff(const std::string& next, std::vector<std::string> extra = {}) {
        std::vector<std::string> args = {"diff", "--config", next, "--current", config, "--db", db};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    }
};

}  // namespace

TEST_CASE("diff of the running configuration against itself exits 0", "[cli][diff]") {
    World world;
    const Run r = world.diff(world.config);
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("qr: 1 forløb beholder deres tidsplan"));
    CHECK_THAT(r.out, Catch::Contains("intet flytter sig"));
    CHECK_THAT(r.out, Catch::Contains("Den nye konfiguration flytter intet."));
}

TEST_CASE("diff of a changed due expression exits 3, and its JSON gives the exact moves",
          "[cli][diff]") {
    World world;
    const std::string next = world.write(
        "next.yaml", replaced(kConfig, "quality_report + 4 weeks", "quality_report + 5 weeks"));
    const Run r = world.diff(next, {"--format", "json"});
    INFO(r.err);
    REQUIRE(r.code == 3);
    const auto json = boost::json::parse(r.out).as_object();
    CHECK(json.at("moves").as_bool());
    CHECK(json.at("from").as_string() == "2026-12-01");
    CHECK(json.at("to").as_string() == "2028-12-01");
    const auto& running = json.at("running").as_array();
    REQUIRE(running.size() == 1);
    CHECK(running[0].at("cycle").as_string() == "qr");
    CHECK(running[0].at("running").as_int64() == 1);
    CHECK(running[0].at("keep_timeline").as_bool());
    CHECK(running[0].at("on_other_timeline").as_int64() == 1);
    // The next period starts Thursday 2028-08-03: the statement 09.11 -> 16.11 (5 working
    // days), and every step after it a week later.
    std::map<std::string, std::string> due_moves;
    for (const auto& change : json.at("changes").as_array()) {
        CHECK(change.at("start").as_string() == "2028-08-03");
        if (change.at("kind").as_string() != "due") continue;
        due_moves[std::string(change.at("step").as_string())] =
            std::string(change.at("before").as_string()) + " " +
            std::string(change.at("after").as_string()) + " " +
            std::to_string(change.at("workdays").as_int64());
    }
    CHECK(due_moves ==
          std::map<std::string, std::string>{{"board_statement", "2028-11-09 2028-11-16 5"},
                                             {"quality_conversation", "2028-12-21 2028-12-28 3"},
                                             {"development_plan", "2029-02-15 2029-02-22 5"},
                                             {"plan_approval", "2029-03-01 2029-03-08 5"},
                                             {"publication", "2029-03-08 2029-03-15 5"}});
    CHECK(json.at("mail").as_array().empty());
    CHECK(json.at("institutions").as_array().empty());
}

TEST_CASE(
    "diff with an invalid new configuration exits 2 with located errors, and changes "
    "nothing",
    "[cli][diff]") {
    World world;
    const std::string next = world.write(
        "bad.yaml", replaced(kConfig, "quality_report + 4 weeks", "quality_report + 4 wekes"));
    const std::string before = read(world.db_path);
    const Run r = world.diff(next);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK(std::regex_search(r.err, std::regex("bad\\.yaml:[0-9]+:[0-9]+: .*wekes")));
    CHECK(read(world.db_path) == before);
}

TEST_CASE("diff names a tilbud that joins, and the people who gain mail", "[cli][diff]") {
    World world;
    const std::string next = world.write(
        "next.yaml",
        replaced(kConfig, "cycles:",
                 "  - { id: beta, name: \"Beta Skole\", kind: school, area: syd, leader: { name: "
                 "\"Bo\", email: \"leader.beta@example.dk\" }, board: { email: "
                 "\"board.beta@example.dk\" } }\ncycles:"));
    const Run r = world.diff(next);
    INFO(r.err);
    CHECK(r.code == 3);
    CHECK_THAT(r.out, Catch::Contains("Beta Skole (beta) kommer med i qr"));
    CHECK_THAT(r.out, Catch::Contains("Beta Skole (beta) kommer med i organisationen"));
    CHECK_THAT(r.out, Catch::Contains("leader.beta@example.dk"));
}

TEST_CASE("workload with a reversed period is refused", "[cli][workload]") {
    tilsyn::testing::TempDir dir("tilsyn-workload-test");
    const std::string config = dir.write("c.yaml", kConfig);
    const Run r =
        run({"workload", "--config", config, "--from", "2027-01-01", "--to", "2026-01-01"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("the period is reversed"));
    const Run role = run({"workload", "--config", config, "--from", "2026-01-01", "--to",
                          "2027-01-01", "--role", "chief"});
    CHECK(role.code == 2);
    CHECK_THAT(role.err, Catch::Contains("--role 'chief'"));
}

TEST_CASE("workload of one person as JSON lines", "[cli][workload]") {
    tilsyn::testing::TempDir dir("tilsyn-workload-test");
    const std::string config = dir.write("c.yaml", kConfig);
    const Run r = run({"workload", "--config", config, "--from", "2026-08-03", "--to", "2027-08-02",
                       "--person", "chief.syd@example.dk", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.code == 0);
    std::istringstream lines(r.out);
    std::vector<std::string> weeks;
    for (std::string line; std::getline(lines, line);) {
        const auto row = boost::json::parse(line).as_object();
        CHECK(row.at("email").as_string() == "chief.syd@example.dk");
        weeks.push_back(std::string(row.at("week").as_string()) + " " +
                        std::to_string(row.at("conversations").as_int64()));
    }
    CHECK(weeks == std::vector<std::string>{"2026-W52 1", "2027-W09 0"});
}

TEST_CASE("check warns of a week with more conversations than workload allows", "[cli][workload]") {
    tilsyn::testing::TempDir dir("tilsyn-workload-test");
    std::string text =
        replaced(kConfig, "cycles:",
                 "  - { id: beta, name: \"Beta Skole\", kind: school, area: syd, "
                 "leader: { name: \"Bo\", email: \"leader.beta@example.dk\" }, board: { email: "
                 "\"board.beta@example.dk\" } }\n"
                 "workload: { max_conversations_per_week: 1 }\ncycles:");
    const std::string config = dir.write("c.yaml", text);
    const Run r = run({"check", "--config", config});
    INFO(r.err);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("advarsel: chief.syd@example.dk (Carl) har 2 samtaler og 1:1 "
                                      "i uge 52 2026 (21.12.2026–27.12.2026); højst 1 pr. uge"));
    // The limit is a whole number from 1 to 100; anything else is a located problem.
    const std::string bad = dir.write("bad.yaml", replaced(text, "max_conversations_per_week: 1",
                                                           "max_conversations_per_week: 0"));
    const Run refused = run({"check", "--config", bad});
    CHECK(refused.code == 2);
    CHECK(std::regex_search(refused.err,
                            std::regex("bad\\.yaml:[0-9]+:[0-9]+: workload\\.max_conversations_per_"
                                       "week '0' must be a whole number from 1 to 100")));
}

TEST_CASE("backup then restore gives back the same events, and the audit trail verifies",
          "[cli][backup]") {
    World world;
    const std::string copy = (world.path() / "copy.db").string();
    const Run backup = run({"backup", "--db", world.db, "--to", copy});
    INFO(backup.err);
    REQUIRE(backup.code == 0);
    CHECK_THAT(backup.out, Catch::Contains("sikkerhedskopi i " + copy));
    const std::string restored_db = "sqlite:" + (world.path() / "restored.db").string();
    const Run restore = run({"restore", "--db", restored_db, "--from", copy});
    INFO(restore.err);
    REQUIRE(restore.code == 0);
    const Run audit = run({"audit", "verify", "--db", restored_db});
    CHECK(audit.code == 0);
    const Run original = run({"audit", "verify", "--db", world.db});
    CHECK(audit.out == original.out);  // "audit trail intact: N events", the same N
    // No hidden partial file is left beside the copy.
    for (const auto& entry : fs::directory_iterator(world.path())) {
        CHECK(entry.path().filename().string().find(".partial-") == std::string::npos);
    }
}

TEST_CASE("backup to a path that cannot be written fails and leaves no file", "[cli][backup]") {
    World world;
    const std::string target = (world.path() / "no-such-folder" / "copy.db").string();
    const Run r = run({"backup", "--db", world.db, "--to", target});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::StartsWith("tilsyn backup: "));
    CHECK_FALSE(fs::exists(target));
    CHECK_FALSE(fs::exists(world.path() / "no-such-folder"));
}

TEST_CASE("restore refuses a file that is not a Tilsyn database, and one from a newer schema",
          "[cli][backup]") {
    World world;
    const std::string before = read(world.db_path);
    SECTION("a text file") {
        const std::string text = world.write("notes.db", "Referat fra mødet\n");
        const Run r = run({"restore", "--db", world.db, "--from", text});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("er ikke en Tilsyn-database: filen er ikke en "
                                          "SQLite-database"));
    }
    SECTION("an SQLite database of something else") {
        const std::string other = (world.path() / "other.db").string();
        exec_sql(other, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
        const Run r = run({"restore", "--db", world.db, "--from", other});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("other.db er ikke en Tilsyn-database: den har ikke "
                                          "Tilsyns tabeller"));
    }
    SECTION("a newer schema") {
        const std::string copy = (world.path() / "copy.db").string();
        REQUIRE(run({"backup", "--db", world.db, "--to", copy}).code == 0);
        // Written as a newer Tilsyn would: one more migration recorded.
        const int newer = tilsyn::schema::kSchemaVersion + 1;
        exec_sql(copy, "INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                           std::to_string(newer) + ", '2030-01-01T00:00:00Z')");
        const Run r = run({"restore", "--db", world.db, "--from", copy});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("er fra en nyere version af Tilsyn (skemaversion " +
                                          std::to_string(newer)));
    }
    CHECK(read(world.db_path) == before);
}
