#include "engine/workload.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "config_fixture.hpp"

namespace {

using tilsyn::Date;
using tilsyn::IsoWeek;
using tilsyn::testing::small_config;

Date d(const char* text) { return *tilsyn::parse_date(text); }

std::shared_ptr<const tilsyn::Domain> domain_of(tilsyn::Config config) {
    return tilsyn::make_domain(std::move(config), tilsyn::TimeZone::utc());
}

// Each person's weeks with anything due: "2026-W42 d1 c0" (deadlines, conversations).
std::map<std::string, std::vector<std::string>> busy_weeks(const tilsyn::Workload& workload) {
    std::map<std::string, std::vector<std::string>> result;
    for (const auto& person : workload.people) {
        for (std::size_t w = 0; w < workload.weeks.size(); ++w) {
            const auto& c = person.weeks[w];
            if (c.deadlines == 0) continue;
            result[person.email].push_back(tilsyn::format_iso_week(workload.weeks[w]) + " d" +
                                           std::to_string(c.deadlines) + " c" +
                                           std::to_string(c.conversations));
        }
    }
    return result;
}

}  // namespace

TEST_CASE("ISO weeks start on Monday and week 1 holds the year's first Thursday", "[workload]") {
    CHECK(tilsyn::iso_week(d("2026-10-12")) == IsoWeek{2026, 42});
    CHECK(tilsyn::iso_week(d("2025-12-29")) == IsoWeek{2026, 1});   // Monday before 1 January
    CHECK(tilsyn::iso_week(d("2027-01-03")) == IsoWeek{2026, 53});  // Sunday; 2026 has 53 weeks
    CHECK(tilsyn::iso_week(d("2027-01-04")) == IsoWeek{2027, 1});
    CHECK(tilsyn::iso_week_monday({2026, 53}) == d("2026-12-28"));
    CHECK(tilsyn::iso_week_monday({2027, 1}) == d("2027-01-04"));
    CHECK(tilsyn::format_iso_week({2027, 7}) == "2027-W07");
}

TEST_CASE("workload counts each person's deadlines and conversations per ISO week, by hand",
          "[workload]") {
    // The school's cycle starts Monday 2026-08-03: the report is due 12.10 (week 42), the
    // board's statement 09.11 (week 46), the quality conversation 21.12 (week 52), the plan
    // 15.02.2027 (week 7), its approval 10 working days later 01.03 (week 9) and the
    // publication 5 working days after that 08.03 (week 10). Who is reminded counts: the
    // leader the report, the statement, the plan and the publication; the board the
    // statement; the area chief the conversation and the approval.
    const auto domain = domain_of(small_config());
    const auto workload = tilsyn::compute_workload(*domain, d("2026-08-03"), d("2027-08-02"), {});
    CHECK(workload.weeks.size() == 52);
    const auto busy = busy_weeks(workload);
    CHECK(busy.at("leder@frydenlund.example.dk") ==
          std::vector<std::string>{"2026-W42 d1 c0", "2026-W46 d1 c0", "2027-W07 d1 c0",
                                   "2027-W10 d1 c0"});
    CHECK(busy.at("bestyrelse@frydenlund.example.dk") ==
          std::vector<std::string>{"2026-W46 d1 c0"});
    CHECK(busy.at("chef.syd@example.dk") ==
          std::vector<std::string>{"2026-W52 d1 c1", "2027-W09 d1 c0"});
    CHECK(busy.size() == 3);  // the daycare is in no cycle; the director is reminded of nothing

    tilsyn::WorkloadFilter chiefs;
    chiefs.role = tilsyn::Role::area_chief;
    const auto only_chiefs =
        tilsyn::compute_workload(*domain, d("2026-08-03"), d("2027-08-02"), chiefs);
    REQUIRE(only_chiefs.people.size() == 1);
    CHECK(only_chiefs.people[0].email == "chef.syd@example.dk");
    CHECK(only_chiefs.people[0].name == "Søren Chef");

    tilsyn::WorkloadFilter board;
    board.email = "bestyrelse@frydenlund.example.dk";
    const auto only_board =
        tilsyn::compute_workload(*domain, d("2026-08-03"), d("2027-08-02"), board);
    REQUIRE(only_board.people.size() == 1);
    CHECK(only_board.people[0].email == board.email);
}

TEST_CASE("ten schools of one area give its chief ten conversations in one week: a peak",
          "[workload]") {
    tilsyn::Config config = small_config();
    const tilsyn::Institution school = config.institutions.front();
    config.institutions.clear();
    for (int i = 0; i < 10; ++i) {
        tilsyn::Institution copy = school;
        copy.id = "skole-" + std::to_string(i);
        copy.leader.email = "leder" + std::to_string(i) + "@example.dk";
        config.institutions.push_back(copy);
    }
    const auto domain = domain_of(config);
    const auto [from, to] = tilsyn::workload_check_period(domain->config);
    CHECK(from == d("2026-08-03"));
    CHECK(to == d("2028-08-03"));
    const auto workload = tilsyn::compute_workload(*domain, from, to, {});
    const auto peaks = tilsyn::workload_peaks(workload, 8);
    REQUIRE(peaks.size() == 1);
    CHECK(peaks[0].email == "chef.syd@example.dk");
    CHECK(peaks[0].week == IsoWeek{2026, 52});
    CHECK(peaks[0].meetings == 10);
    CHECK(tilsyn::workload_peaks(workload, 10).empty());

    const std::string svg = tilsyn::workload_svg(workload, 8);
    CHECK_THAT(svg, Catch::StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    CHECK_THAT(svg, Catch::Contains("<title>Søren Chef, uge 52 2026: 10 frister, 10 samtaler, 0 "
                                    "observationer, 0 1:1</title>"));
    CHECK_THAT(svg, Catch::Contains("stroke=\"#000\""));  // the peak is outlined
    CHECK_THAT(svg, Catch::EndsWith("</svg>"));
}

TEST_CASE("workload as JSON lines and as a table", "[workload]") {
    const auto domain = domain_of(small_config());
    const auto workload = tilsyn::compute_workload(*domain, d("2026-12-01"), d("2027-01-01"), {});
    std::ostringstream json, table;
    tilsyn::write_workload_json(json, workload);
    tilsyn::write_workload_table(table, workload);
    CHECK(
        json.str() ==
        R"({"email":"chef.syd@example.dk","name":"Søren Chef","week":"2026-W52","monday":"2026-12-21","deadlines":1,"conversations":1,"observations":0,"one_to_ones":0})"
        "\n");
    CHECK_THAT(table.str(), Catch::Contains("chef.syd@example.dk"));
    CHECK_THAT(table.str(), Catch::Contains("2026-W52  21.12.2026"));
}
