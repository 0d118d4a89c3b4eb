#include "engine/plan_format.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "adapters/config/yaml_config_loader.hpp"
#include "config_fixture.hpp"

namespace {

using tilsyn::Date;
using tilsyn::testing::small_config;

Date d(const char* text) { return *tilsyn::parse_date(text); }

const tilsyn::Calendar kDenmark(true, {{12, 24, std::nullopt}, {12, 31, std::nullopt}});

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
}

tilsyn::TimeZone copenhagen() {
    std::string error;
    return *tilsyn::load_time_zone("Europe/Copenhagen", &error);
}

}  // namespace

TEST_CASE("plan JSON has one object per line with local time, recipients and level",
          "[plan][json]") {
    auto config = small_config();
    auto zone = copenhagen();
    auto items = tilsyn::make_plan(config, kDenmark, zone, d("2026-10-12"), d("2026-10-14"));
    std::ostringstream out;
    tilsyn::write_plan_json(out, config, zone, items);
    CHECK(
        lines(out.str()) ==
        std::vector<std::string>{
            R"({"at":"2026-10-12T08:00:00+02:00","date":"2026-10-12","institution":"frydenlund","cycle":"quality-report-6-18","step":"quality_report","kind":"due","to":["leder@frydenlund.example.dk"]})",
            R"({"at":"2026-10-13T08:00:00+02:00","date":"2026-10-13","institution":"frydenlund","cycle":"quality-report-6-18","step":"quality_report","kind":"escalation","to":["leder@frydenlund.example.dk","chef.syd@example.dk"],"level":1})",
        });
}

TEST_CASE("plan JSON switches offset at the end of summer time", "[plan][json][dst]") {
    auto config = small_config();
    auto zone = copenhagen();
    // Escalation 2 of quality_report on Mon Oct 26, the day after DST ends (Oct 25).
    auto items = tilsyn::make_plan(config, kDenmark, zone, d("2026-10-26"), d("2026-10-27"));
    std::ostringstream out;
    tilsyn::write_plan_json(out, config, zone, items);
    auto text = lines(out.str());
    REQUIRE(text.size() == 2);
    CHECK(text[0].rfind(R"({"at":"2026-10-26T08:00:00+01:00")", 0) == 0);
    CHECK(text[0].find(R"("to":["direktoer@example.dk"],"level":2)") != std::string::npos);
    CHECK(
        text[1].find(
            R"("step":"board_statement","kind":"reminder","to":["leder@frydenlund.example.dk","bestyrelse@frydenlund.example.dk"])") !=
        std::string::npos);
}

TEST_CASE("the plan table has a header and one row per item", "[plan][table]") {
    auto config = small_config();
    auto zone = copenhagen();
    auto items = tilsyn::make_plan(config, kDenmark, zone, d("2026-10-12"), d("2026-10-13"));
    std::ostringstream out;
    tilsyn::write_plan_table(out, config, zone, items);
    auto text = lines(out.str());
    REQUIRE(text.size() == 2);
    CHECK(text[0].rfind("AT", 0) == 0);
    CHECK(text[1].find("2026-10-12T08:00:00+02:00 due") == 0);
    CHECK(text[1].find("frydenlund") != std::string::npos);
}

TEST_CASE("ICS lines are folded at 75 octets without splitting UTF-8", "[plan][ics]") {
    std::string long_line = "SUMMARY:" + std::string(100, 'a');
    auto folded = tilsyn::fold_ics_line(long_line);
    CHECK(folded == "SUMMARY:" + std::string(67, 'a') + "\r\n " + std::string(33, 'a') + "\r\n");
    // 'ø' is two octets: 74 + 2 would make 76, so the fold comes before it, not inside it.
    std::string danish = "SUMMARY:" + std::string(66, 'a') + "øøø";
    auto parts = tilsyn::fold_ics_line(danish);
    CHECK(parts == "SUMMARY:" + std::string(66, 'a') + "\r\n øøø\r\n");
    std::istringstream in(parts);
    for (std::string line; std::getline(in, line);) CHECK(line.size() <= 76);  // + '\r'
    CHECK(tilsyn::escape_ics_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne");
}

TEST_CASE("the ICS calendar has one all-day event per deadline", "[plan][ics]") {
    auto config = small_config();
    auto items = tilsyn::make_plan(config, kDenmark, tilsyn::TimeZone::utc(), d("2026-10-01"),
                                   d("2026-10-31"));
    std::ostringstream out;
    tilsyn::write_plan_ics(out, config, items,
                           std::chrono::sys_days{d("2026-11-24")} + std::chrono::hours{9});
    const std::string text = out.str();
    CHECK(text.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0) == 0);
    CHECK(text.find("END:VCALENDAR\r\n") == text.size() - 15);
    CHECK(text.find("DTSTART;VALUE=DATE:20261012\r\n") != std::string::npos);
    CHECK(text.find("DTEND;VALUE=DATE:20261013\r\n") != std::string::npos);
    CHECK(text.find("DTSTAMP:20261124T090000Z\r\n") != std::string::npos);
    CHECK(text.find("UID:quality-report-6-18-frydenlund-quality_report-20261012@tilsyn\r\n") !=
          std::string::npos);
    // Only deadlines: one VEVENT for the single due item in October.
    std::size_t events = 0;
    for (auto at = text.find("BEGIN:VEVENT"); at != std::string::npos;
         at = text.find("BEGIN:VEVENT", at + 1))
        ++events;
    CHECK(events == 1);
    for (std::size_t at = 0, next; (next = text.find("\r\n", at)) != std::string::npos;
         at = next + 2) {
        CHECK(next - at <= 75);
    }
}
