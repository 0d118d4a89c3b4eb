#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>

#include "adapters/cli/cli_support.hpp"
#include "adapters/cli/commands.hpp"
#include "adapters/storage/soci_store.hpp"

namespace {

// The time commands run at when no --at is given: fixed, so runs repeat.
const tilsyn::Clock& test_clock() {
    static const tilsyn::FixedClock clock(std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} +
                                          std::chrono::hours{9});
    return clock;
}

struct Run {
    int code;
    std::string out;
    std::string err;
};

Run run(std::vector<std::string> args) {
    std::ostringstream out, err;
    int code = tilsyn::run_cli(args, out, err, test_clock());
    return {code, out.str(), err.str()};
}

struct TempDb {
    std::filesystem::path dir;
    std::string url;
    std::string config = std::string(TILSYN_SOURCE_DIR) + "/config/aarhus.yaml";
    TempDb() {
        std::random_device random;
        dir = std::filesystem::temp_directory_path() / ("tilsyn-cli-" + std::to_string(random()));
        std::filesystem::create_directories(dir);
        url = "sqlite:" + (dir / "t.db").string();
    }
    ~TempDb() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    Run operator()(std::vector<std::string> args) {
        args.insert(args.end(), {"--config", config, "--db", url});
        return run(args);
    }
};

tilsyn::TimeZone copenhagen() {
    std::string error;
    return *tilsyn::load_time_zone("Europe/Copenhagen", &error);
}

}  // namespace

TEST_CASE("moments parse with an offset, in UTC, or as local time in the zone", "[cli]") {
    using namespace std::chrono;
    const auto zone = copenhagen();
    const auto oct13 = sys_days{*tilsyn::parse_date("2026-10-13")};
    CHECK(tilsyn::cli::parse_moment("2026-10-13T08:00:00+02:00", zone, "--at") == oct13 + hours{6});
    CHECK(tilsyn::cli::parse_moment("2026-10-13T06:00:00Z", zone, "--at") == oct13 + hours{6});
    CHECK(tilsyn::cli::parse_moment("2026-10-13T08:00", zone, "--at") == oct13 + hours{6});
    CHECK(tilsyn::cli::parse_moment("2026-10-13 08:00:30", zone, "--at") ==
          oct13 + hours{6} + seconds{30});
    // Winter time: UTC+1.
    CHECK(tilsyn::cli::parse_moment("2026-12-01T08:00", zone, "--at") ==
          sys_days{*tilsyn::parse_date("2026-12-01")} + hours{7});
    for (const char* bad : {"2026-10-13", "2026-02-30T08:00", "2026-10-13T25:00", "tomorrow",
                            "2026-10-13T08:00+2", "2026-10-13T08:00:61"}) {
        INFO(bad);
        CHECK_THROWS_AS(tilsyn::cli::parse_moment(bad, zone, "--at"), tilsyn::cli::UsageError);
    }
}

TEST_CASE("workflow verbs refuse bad arguments with exit code 2", "[cli]") {
    TempDb db;
    REQUIRE(db({"migrate"}).code == 0);
    CHECK(db({"tick", "--at", "next week"}).code == 2);
    CHECK(db({"event", "x/y/z", "report_submitted"}).err.find("--as EMAIL") != std::string::npos);
    CHECK(db({"event", "x/y/z"}).code == 2);
    CHECK(db({"status", "--format", "xml"}).code == 2);
    CHECK(db({"status", "--area", "atlantis"}).err.find("unknown area 'atlantis'") !=
          std::string::npos);
    CHECK(db({"status", "--overdue=yes"}).code == 2);
    CHECK(db({"user", "remove"}).code == 2);
    CHECK(db({"audit", "check"}).code == 2);
    auto r = db({"event", "x/y/z", "report_submitted", "--as", "ghost@example.dk"});
    CHECK(r.code == 2);
    CHECK(r.err.find("der er ingen bruger med e-mailen 'ghost@example.dk'") != std::string::npos);
}

TEST_CASE("a refused event is told in Danish with the configured role titles, and a code",
          "[cli]") {
    TempDb db;
    REQUIRE(db({"migrate"}).code == 0);
    REQUIRE(db({"tick", "--at", "2026-08-03T09:00", "--no-mail"}).code == 0);
    const std::string cycle = "quality-report-6-18/beder-skole/2026-08-03";
    auto r = db({"event", cycle, "report_submitted", "--as", "chief.syd@example.dk"});
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    // config/aarhus.yaml titles the area chief "Børn og Unge-chef".
    CHECK(r.err ==
          "tilsyn: »Indsend kvalitetsrapport« er en opgave for Leder, og du er logget ind som "
          "Børn og Unge-chef. Lige nu er der ingen handlinger for dig i forløbet. "
          "[role_not_allowed event]\n");
    r = db({"event", cycle, "plan_approved", "--as", "chief.syd@example.dk"});
    CHECK(r.code == 2);
    CHECK(r.err ==
          "tilsyn: »Godkend udviklingsplan« er ikke muligt nu, hvor forløbet står i "
          "»Kvalitetsrapport under udarbejdelse«. Lige nu er der ingen handlinger for dig i "
          "forløbet. [not_allowed_in_state event; hændelser nu: report_submitted, "
          "cycle_cancelled]\n");
    r = db({"event", cycle, "report_submitted", "--as", "leder.beder-skole@example.dk", "--data",
            R"({"url":"ftp://x"})"});
    CHECK(r.code == 2);
    CHECK(r.err.find("tilsyn: Skriv »Link (URL)« som en webadresse") == 0);
    CHECK(r.err.find("[bad_value url]") != std::string::npos);
    r = db({"event", "quality-report-6-18/nowhere/2026-08-03", "report_submitted", "--as",
            "leder.beder-skole@example.dk"});
    CHECK(r.err ==
          "tilsyn: Forløbet findes ikke, eller du har ikke adgang til det. "
          "[not_found id]\n");
}

TEST_CASE("a configuration with a bad roles: stops every verb, and nothing changes", "[cli]") {
    TempDb db;
    REQUIRE(db({"migrate"}).code == 0);
    REQUIRE(db({"tick", "--at", "2026-08-03T09:00", "--no-mail"}).code == 0);
    std::ifstream in(db.config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string templates = "templates: \"templates\"";
    REQUIRE(text.find(templates) != std::string::npos);
    text.replace(text.find(templates), templates.size(),
                 fmt::format("templates: \"{}/config/templates\"", TILSYN_SOURCE_DIR));
    const std::string chief = "  area_chief: \"Børn og Unge-chef\"";
    REQUIRE(text.find(chief) != std::string::npos);
    text.replace(text.find(chief), chief.size(),
                 "  area_chef: \"Børn og Unge-chef\"\n  leader: \"\"");
    const auto bad = (db.dir / "bad.yaml").string();
    std::ofstream(bad) << text;
    db.config = bad;
    const std::string cycle = "quality-report-6-18/beder-skole/2026-08-03";
    auto r = db({"event", cycle, "report_submitted", "--as", "leder.beder-skole@example.dk"});
    CHECK(r.code == 2);
    INFO(r.err);
    const auto line = 1 + std::count(text.begin(), text.begin() + text.find("area_chef"), '\n');
    CHECK(r.err.find(fmt::format("{}:{}:3: unknown role 'area_chef' in roles (did you mean "
                                 "'area_chief'?)",
                                 bad, line)) != std::string::npos);
    CHECK(r.err.find(fmt::format("{}:{}:11: roles.leader: the title must not be empty", bad,
                                 line + 1)) != std::string::npos);
    db.config = std::string(TILSYN_SOURCE_DIR) + "/config/aarhus.yaml";
    auto status = db({"status", "--format", "json"});
    REQUIRE(status.code == 0);
    CHECK(status.out.find(R"("id":")" + cycle +
                          R"(","institution":"beder-skole",)"
                          R"("institution_name":"Beder Skole","area":"syd",)"
                          R"("workflow":"quality_report","state":"ReportInPreparation")") !=
          std::string::npos);
}

TEST_CASE(
    "user add checks role, scope and address, stores only a token hash and refuses "
    "duplicates",
    "[cli]") {
    TempDb db;
    REQUIRE(db({"migrate"}).code == 0);
    CHECK(db({"user", "add", "--email", "a@example.dk", "--role", "chief"}).code == 2);
    CHECK(db({"user", "add", "--email", "not-an-address", "--role", "admin"}).code == 2);
    CHECK(db({"user", "add", "--email", "c@example.dk", "--role", "area_chief"})
              .err.find("needs --area") != std::string::npos);
    CHECK(
        db({"user", "add", "--email", "c@example.dk", "--role", "area_chief", "--area", "atlantis"})
            .code == 2);
    CHECK(db({"user", "add", "--email", "l@example.dk", "--role", "leader", "--institution",
              "nowhere"})
              .code == 2);
    CHECK(db({"user", "add", "--email", "a@example.dk", "--role", "admin", "--area", "syd"}).code ==
          2);
    auto added = db({"user", "add", "--email", "a@example.dk", "--role", "admin"});
    REQUIRE(added.code == 0);
    const auto token_at = added.out.find("tls_");
    REQUIRE(token_at != std::string::npos);
    const std::string token = added.out.substr(token_at, 4 + 64);
    CHECK(token.size() == 68);
    auto again = db({"user", "add", "--email", "a@example.dk", "--role", "admin"});
    CHECK(again.code == 2);
    CHECK(again.err.find("already exists") != std::string::npos);
}

TEST_CASE("workflow verbs on a database that was never migrated ask for migrate", "[cli]") {
    TempDb db;
    auto r = db({"tick", "--at", "2026-08-03T09:00"});
    CHECK(r.code == 1);
    // A missing file is not created (issue 15): "… does not exist; create it with 'tilsyn
    // migrate'"; an empty one says "run 'tilsyn migrate' first".
    CHECK(r.err.find("'tilsyn migrate'") != std::string::npos);
}

TEST_CASE("tick, event and status work together on the default configuration", "[cli]") {
    TempDb db;
    REQUIRE(db({"migrate"}).code == 0);
    auto tick = db({"tick", "--at", "2026-08-03T09:00"});
    REQUIRE(tick.code == 0);
    CHECK(tick.out.find("64 cycles opened") != std::string::npos);
    CHECK(db({"tick", "--at", "2026-08-03T09:00"}).out.find("0 cycles opened, 0 reminders") !=
          std::string::npos);
    const std::string cycle = "quality-report-6-18/beder-skole/2026-08-03";
    auto status = db(
        {"status", "--institution", "beder-skole", "--format", "json", "--at", "2026-08-04T09:00"});
    CHECK(
        status.out ==
        R"({"id":"quality-report-6-18/beder-skole/2026-08-03","institution":"beder-skole","institution_name":"Beder Skole","area":"syd","workflow":"quality_report","state":"ReportInPreparation","next_due":"2026-10-12","next_step":"quality_report","overdue":false,"sharpened":false})"
        "\n");
    auto event = db({"event", cycle, "report_submitted", "--as", "leder.beder-skole@example.dk",
                     "--at", "2026-09-01T10:00"});
    INFO(event.err);
    CHECK(event.code == 0);
    // The audit seq names the event's points in a later assessment ("<seq>:development:1").
    CHECK_THAT(event.out, Catch::Matches(cycle + ": ReportInPreparation -> AwaitingBoardStatement "
                                                 "\\(audit seq [0-9]+\\)\n"));
    auto refused = db({"event", cycle, "report_submitted", "--as", "leder.beder-skole@example.dk",
                       "--at", "2026-09-01T10:05"});
    CHECK(refused.code == 2);
    CHECK(refused.err ==
          "tilsyn: »Indsend kvalitetsrapport« er ikke muligt nu, hvor forløbet står i »Afventer "
          "bestyrelsens udtalelse«. Du kan nu vælge »Indsend bestyrelsens udtalelse«. "
          "[not_allowed_in_state event; hændelser nu: board_statement_submitted, "
          "board_statement_missing, cycle_cancelled]\n");
    CHECK(db({"audit", "verify"}).out == "audit trail intact: 65 events\n");
}

TEST_CASE("report, feed and user token refuse bad arguments with exit code 2 and write nothing",
          "[cli]") {
    TempDb db;
    REQUIRE(db({"migrate"}).code == 0);
    REQUIRE(db({"tick", "--at", "2026-08-03T09:00"}).code == 0);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"report", "political"},                  // no --year
             {"report", "political", "--year", "26"},  // not four digits
             {"report", "political", "--year", "20x6"},
             {"report", "political", "--year", "1999"},  // out of range
             {"report", "political", "--year", "2026", "--format", "pdf"},
             {"report", "political", "--year", "2026", "--area", "atlantis"},
             {"report", "economic", "--year", "2026"},
             {"feed", "subscribe", "--email", "chief.syd@example.dk"},
             {"feed", "create"},  // no --email
             {"feed", "create", "--email", "nobody@example.dk"},
             {"feed", "create", "--email", "chief.syd@example.dk", "--role", "leader"},
             {"user", "token"},
             {"user", "token", "--email", "nobody@example.dk"},
             {"user", "token", "--email", "chief.syd@example.dk", "--area", "syd"}}) {
        INFO(fmt::format("{}", fmt::join(args, " ")));
        const auto run = db(args);
        CHECK(run.code == 2);
        CHECK_FALSE(run.err.empty());
    }
    CHECK(db({"report", "political", "--year", "1999"}).err.find("2000 to 2100") !=
          std::string::npos);
    CHECK(db({"feed", "create", "--email", "nobody@example.dk"}).err.find("no user") !=
          std::string::npos);
    // Nothing was written: no feed works, no token was set.
    auto store = tilsyn::open_store(db.url);
    for (const auto& user : store->users()) CHECK(user.token_hash.empty());
    const auto created = db({"feed", "create", "--email", "chief.syd@example.dk"});
    REQUIRE(created.code == 0);
    CHECK(created.out.find("/feeds/") != std::string::npos);
    const auto revoked = db({"feed", "revoke", "--email", "chief.syd@example.dk"});
    CHECK(revoked.out.find("1 calendar feed of chief.syd@example.dk revoked") != std::string::npos);
}
