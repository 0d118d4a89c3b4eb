// Meeting invitations (engine/invitation.hpp): the VTIMEZONE of the configured zone, the
// VEVENT of an RFC 5546 REQUEST, and RFC 5545's line folding and escaping.
#include "engine/invitation.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "adapters/config/yaml_config_loader.hpp"

namespace {

using namespace tilsyn;
using namespace std::chrono_literals;

const TimeZone& copenhagen() {
    static const TimeZone zone = [] {
        std::string error;
        return *load_time_zone("Europe/Copenhagen", &error);
    }();
    return zone;
}

// The content lines of an iCalendar text, unfolded (RFC 5545 §3.1).
std::vector<std::string> unfolded_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto end = text.find("\r\n", at);
        REQUIRE(end != std::string::npos);  // every line ends in CRLF
        const std::string line = text.substr(at, end - at);
        if (line.starts_with(' ')) {
            REQUIRE_FALSE(lines.empty());
            lines.back() += line.substr(1);
        } else {
            lines.push_back(line);
        }
        at = end + 2;
    }
    return lines;
}

bool has_line(const std::vector<std::string>& lines, std::string_view line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

MeetingInvitation conversation() {
    MeetingInvitation invitation;
    invitation.uid =
        "quality-report-6-18/frydenlund/2026-08-03/quality_conversation@tilsyn.aarhus.dk";
    invitation.sequence = 2;
    invitation.stamp = std::chrono::sys_days{2026y / 10 / 20} + 8h + 15min;
    invitation.date = std::chrono::sys_days{2026y / 11 / 20};
    invitation.start_minutes = 13 * 60 + 30;
    invitation.length_minutes = 120;
    invitation.summary = "Kvalitetssamtale: Børnehuset Solsikken, afd. Øst; Syd\\Nord";
    invitation.location = "Mødelokale 2, Rådhuset";
    invitation.description =
        "http://127.0.0.1:8080/cycles/quality-report-6-18/frydenlund/2026-08-03";
    invitation.organizer = {"Søren \"Chef\" Ærø", "chef.syd@example.dk", {}};
    invitation.sent_by = "tilsyn@example.dk";
    invitation.attendees = {{"Lene Leder", "leder@frydenlund.example.dk", {}},
                            {"", "bestyrelse@frydenlund.example.dk", {}}};
    return invitation;
}

}  // namespace

TEST_CASE("Copenhagen's VTIMEZONE has yearly rules: last Sunday of March and of October",
          "[invitation]") {
    CHECK(vtimezone_ics(copenhagen(), 2026) ==
          "BEGIN:VTIMEZONE\r\n"
          "TZID:Europe/Copenhagen\r\n"
          "BEGIN:DAYLIGHT\r\n"
          "DTSTART:20250330T020000\r\n"
          "TZOFFSETFROM:+0100\r\n"
          "TZOFFSETTO:+0200\r\n"
          "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
          "END:DAYLIGHT\r\n"
          "BEGIN:STANDARD\r\n"
          "DTSTART:20251026T030000\r\n"
          "TZOFFSETFROM:+0200\r\n"
          "TZOFFSETTO:+0100\r\n"
          "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
          "END:STANDARD\r\n"
          "END:VTIMEZONE\r\n");
}

TEST_CASE("a zone without changes has one fixed observance", "[invitation]") {
    CHECK(vtimezone_ics(TimeZone::utc(), 2026) ==
          "BEGIN:VTIMEZONE\r\n"
          "TZID:UTC\r\n"
          "BEGIN:STANDARD\r\n"
          "DTSTART:19700101T000000\r\n"
          "TZOFFSETFROM:+0000\r\n"
          "TZOFFSETTO:+0000\r\n"
          "END:STANDARD\r\n"
          "END:VTIMEZONE\r\n");
}

TEST_CASE("UTC offsets and the host of a UID", "[invitation]") {
    CHECK(ics_utc_offset(3600s) == "+0100");
    CHECK(ics_utc_offset(-12600s) == "-0330");
    CHECK(ics_utc_offset(0s) == "+0000");
    CHECK(ics_utc_offset(3600s + 30s) == "+010030");
    CHECK(url_host("http://127.0.0.1:8080", "tilsyn") == "127.0.0.1");
    CHECK(url_host("https://tilsyn.aarhus.dk/dashboard?x=1", "tilsyn") == "tilsyn.aarhus.dk");
    CHECK(url_host("https://user@tilsyn.aarhus.dk:443/", "tilsyn") == "tilsyn.aarhus.dk");
    CHECK(url_host("http://[::1]:8080/", "tilsyn") == "[::1]");
    CHECK(url_host("", "tilsyn") == "tilsyn");
}

TEST_CASE("an invitation is a REQUEST with organiser, attendees and local times in the zone",
          "[invitation]") {
    const std::string ics = invitation_ics(conversation(), copenhagen());
    const auto lines = unfolded_lines(ics);
    REQUIRE(lines.front() == "BEGIN:VCALENDAR");
    REQUIRE(lines.back() == "END:VCALENDAR");
    CHECK(has_line(lines, "VERSION:2.0"));
    CHECK(has_line(lines, "METHOD:REQUEST"));
    CHECK(has_line(lines, "TZID:Europe/Copenhagen"));
    CHECK(has_line(lines,
                   "UID:quality-report-6-18/frydenlund/2026-08-03/"
                   "quality_conversation@tilsyn.aarhus.dk"));
    CHECK(has_line(lines, "SEQUENCE:2"));
    CHECK(has_line(lines, "DTSTAMP:20261020T081500Z"));
    CHECK(has_line(lines, "DTSTART;TZID=Europe/Copenhagen:20261120T133000"));
    CHECK(has_line(lines, "DTEND;TZID=Europe/Copenhagen:20261120T153000"));
    // TEXT values escape backslash, semicolon and comma (RFC 5545 §3.3.11).
    CHECK(has_line(lines,
                   "SUMMARY;LANGUAGE=da:Kvalitetssamtale: Børnehuset Solsikken\\, afd. "
                   "Øst\\; Syd\\\\Nord"));
    CHECK(has_line(lines, "LOCATION;LANGUAGE=da:Mødelokale 2\\, Rådhuset"));
    // A quoted parameter value cannot hold a double quote: it is left out.
    CHECK(has_line(lines,
                   "ORGANIZER;CN=\"Søren Chef Ærø\";SENT-BY=\"mailto:tilsyn@example.dk\":"
                   "mailto:chef.syd@example.dk"));
    CHECK(has_line(lines,
                   "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
                   "RSVP=TRUE;CN=\"Lene Leder\":mailto:leder@frydenlund.example.dk"));
    CHECK(has_line(lines,
                   "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;"
                   "RSVP=TRUE:mailto:bestyrelse@frydenlund.example.dk"));
    // The VTIMEZONE comes before the event that names it.
    CHECK(ics.find("BEGIN:VTIMEZONE") < ics.find("BEGIN:VEVENT"));
}

TEST_CASE("an invitation's lines are folded at 75 octets without splitting a character",
          "[invitation]") {
    MeetingInvitation invitation = conversation();
    invitation.location =
        std::string(40, 'x') + "æøå" + std::string(30, 'y') + "ÆØÅ" + std::string(100, 'z');
    const std::string ics = invitation_ics(invitation, copenhagen());
    std::size_t at = 0;
    while (at < ics.size()) {
        const auto end = ics.find("\r\n", at);
        REQUIRE(end != std::string::npos);
        INFO(ics.substr(at, end - at));
        CHECK(end - at <= 75);
        // A continuation never starts inside a UTF-8 sequence.
        if (end + 2 < ics.size() && ics[end + 2] == ' ' && end + 3 < ics.size()) {
            CHECK((static_cast<unsigned char>(ics[end + 3]) & 0xC0) != 0x80);
        }
        at = end + 2;
    }
    CHECK(has_line(unfolded_lines(ics), "LOCATION;LANGUAGE=da:" + invitation.location));
    // No bare CR or LF inside a line.
    std::size_t crlf = 0;
    for (std::size_t i = 0; i + 1 < ics.size(); ++i) crlf += ics.compare(i, 2, "\r\n") == 0;
    CHECK(static_cast<std::size_t>(std::count(ics.begin(), ics.end(), '\n')) == crlf);
    CHECK(static_cast<std::size_t>(std::count(ics.begin(), ics.end(), '\r')) == crlf);
}

TEST_CASE("a meeting that runs past midnight ends the next day", "[invitation]") {
    MeetingInvitation invitation = conversation();
    invitation.start_minutes = 23 * 60;
    const auto lines = unfolded_lines(invitation_ics(invitation, copenhagen()));
    CHECK(has_line(lines, "DTEND;TZID=Europe/Copenhagen:20261121T010000"));
}
