#include "engine/time_zone.hpp"

#include <catch2/catch.hpp>

#include "adapters/config/yaml_config_loader.hpp"

namespace {

using namespace std::chrono;
using tilsyn::Date;

Date d(const char* text) { return *tilsyn::parse_date(text); }

const tilsyn::TimeZone& copenhagen() {
    static const tilsyn::TimeZone zone = [] {
        std::string error;
        auto z = tilsyn::load_time_zone("Europe/Copenhagen", &error);
        REQUIRE(z);
        return *z;
    }();
    return zone;
}

// Local date of the last Sunday of a month.
Date last_sunday(int year, unsigned month) {
    return Date{std::chrono::year{year} / std::chrono::month{month} / Sunday[last]};
}

}  // namespace

TEST_CASE("08:00 in Copenhagen is 07:00 UTC in winter and 06:00 UTC in summer", "[tz][dst]") {
    const auto& zone = copenhagen();
    CHECK(zone.to_instant(d("2027-01-15"), hours{8}) == sys_days{d("2027-01-15")} + hours{7});
    CHECK(zone.to_instant(d("2027-07-15"), hours{8}) == sys_days{d("2027-07-15")} + hours{6});
}

TEST_CASE("send times stay at 08:00 local across the last Sundays of March and October 2026-2030",
          "[tz][dst]") {
    const auto& zone = copenhagen();
    for (int year = 2026; year <= 2030; ++year) {
        INFO(year);
        const Date spring = last_sunday(year, 3), autumn = last_sunday(year, 10);
        // The day before each change is on the old offset, the change day on the new one.
        CHECK(zone.offset_at(zone.to_instant(spring - days{1}, hours{8})) == hours{1});
        CHECK(zone.offset_at(zone.to_instant(spring, hours{8})) == hours{2});
        CHECK(zone.offset_at(zone.to_instant(autumn - days{1}, hours{8})) == hours{2});
        CHECK(zone.offset_at(zone.to_instant(autumn, hours{8})) == hours{1});
        // The changes happen at 01:00 UTC.
        const auto spring_switch = sys_days{spring} + hours{1};
        CHECK(zone.offset_at(spring_switch - seconds{1}) == hours{1});
        CHECK(zone.offset_at(spring_switch) == hours{2});
        const auto autumn_switch = sys_days{autumn} + hours{1};
        CHECK(zone.offset_at(autumn_switch - seconds{1}) == hours{2});
        CHECK(zone.offset_at(autumn_switch) == hours{1});
        // A wall time in the spring gap moves forward by the gap; an ambiguous autumn time
        // takes its first (summer-time) occurrence.
        CHECK(zone.to_instant(spring, hours{2} + minutes{30}) ==
              sys_days{spring} + hours{1} + minutes{30});
        CHECK(zone.to_instant(autumn, hours{2} + minutes{30}) == sys_days{autumn} + minutes{30});
    }
}

TEST_CASE("offsets after the zone file's last transition follow its POSIX rule", "[tz]") {
    const auto& zone = copenhagen();
    // Beyond 2037 the TZif v2+ footer rule decides.
    CHECK(zone.offset_at(zone.to_instant(d("2045-07-01"), hours{12})) == hours{2});
    CHECK(zone.offset_at(zone.to_instant(d("2045-12-01"), hours{12})) == hours{1});
    const Date spring = last_sunday(2045, 3);
    CHECK(zone.offset_at(sys_days{spring} + hours{1}) == hours{2});
    CHECK(zone.offset_at(sys_days{spring} + hours{1} - seconds{1}) == hours{1});
}

TEST_CASE("unknown or unsafe zone names are refused with a clear error", "[tz]") {
    std::string error;
    CHECK_FALSE(tilsyn::load_time_zone("Europe/Kopenhagen", &error));
    CHECK(error.find("unknown time zone 'Europe/Kopenhagen'") != std::string::npos);
    CHECK_FALSE(tilsyn::load_time_zone("../../etc/passwd", &error));
    CHECK_FALSE(tilsyn::load_time_zone("", &error));
    CHECK(tilsyn::load_time_zone("UTC", &error));
}

TEST_CASE("bytes that are not TZif are refused", "[tz]") {
    std::string error;
    CHECK_FALSE(tilsyn::TimeZone::from_tzif("x", "not a zone file at all, really not", &error));
    CHECK(error == "not a TZif time zone file");
    CHECK_FALSE(tilsyn::TimeZone::from_tzif("x", "", &error));
}
