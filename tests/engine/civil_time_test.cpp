#include "engine/civil_time.hpp"

#include <catch2/catch.hpp>

using tilsyn::parse_date;

TEST_CASE("dates parse only in strict YYYY-MM-DD form and must exist", "[time]") {
    CHECK(parse_date("2026-08-03"));
    CHECK(parse_date("2028-02-29"));
    CHECK_FALSE(parse_date("2026-02-29"));
    CHECK_FALSE(parse_date("2026-02-30"));
    CHECK_FALSE(parse_date("2026-13-01"));
    CHECK_FALSE(parse_date("2026-8-3"));
    CHECK_FALSE(parse_date("2026/08/03"));
    CHECK_FALSE(parse_date(""));
    CHECK_FALSE(parse_date("2026-08-03x"));
    CHECK(tilsyn::format_date(*parse_date("2026-08-03")) == "2026-08-03");
}

TEST_CASE("clock times parse as minutes after midnight", "[time]") {
    CHECK(tilsyn::parse_clock_time("08:00") == 480);
    CHECK(tilsyn::parse_clock_time("23:59") == 1439);
    CHECK_FALSE(tilsyn::parse_clock_time("24:00"));
    CHECK_FALSE(tilsyn::parse_clock_time("8:00"));
    CHECK_FALSE(tilsyn::parse_clock_time("08:60"));
}

TEST_CASE("adding months clamps to the end of a shorter month", "[time]") {
    CHECK(tilsyn::format_date(tilsyn::add_months(*parse_date("2026-01-31"), 1)) == "2026-02-28");
    CHECK(tilsyn::format_date(tilsyn::add_months(*parse_date("2028-01-31"), 1)) == "2028-02-29");
    CHECK(tilsyn::format_date(tilsyn::add_months(*parse_date("2026-08-03"), 24)) == "2028-08-03");
    CHECK(tilsyn::format_date(tilsyn::add_months(*parse_date("2026-03-31"), -1)) == "2026-02-28");
}

TEST_CASE("instants format in ISO 8601 with the offset and in RFC 5545 UTC form", "[time]") {
    using namespace std::chrono;
    tilsyn::Instant at = sys_days{*parse_date("2027-03-01")} + hours{7};
    CHECK(tilsyn::format_local_iso(at, hours{1}) == "2027-03-01T08:00:00+01:00");
    CHECK(tilsyn::format_local_iso(at, -minutes{150}) == "2027-03-01T04:30:00-02:30");
    CHECK(tilsyn::format_utc_basic(at) == "20270301T070000Z");
}
