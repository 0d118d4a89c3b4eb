// Meeting invitations by mail: an RFC 5545 calendar with METHOD:REQUEST (RFC 5546 iTIP), for
// the text/calendar part of a message (RFC 6047 iMIP; engine/mail_message.hpp). A meeting
// keeps one UID; each new version of it (a moved date) carries a higher SEQUENCE, so the
// attendees' calendars replace the appointment instead of adding another. Times are local
// times of the organisation's zone (DTSTART;TZID=…) with the zone's VTIMEZONE.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/civil_time.hpp"
#include "engine/config.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn {

struct MeetingInvitation {
    std::string uid;         // the same for every version of the meeting
    int sequence = 0;        // 0 for the first version, higher for each later one
    Instant stamp{};         // DTSTAMP: when this version was made
    Date date{};             // local date
    int start_minutes = 0;   // local wall-clock time, minutes after midnight
    int length_minutes = 0;  // how long it lasts
    std::string summary;     // plain text; escaped here
    std::string description;
    std::string location;  // may be empty
    Person organizer;      // who invites; replies go to them
    std::string sent_by;   // the address that sends on the organiser's behalf, or empty
    std::vector<Person> attendees;
};

/// The invitation as an iCalendar object: VCALENDAR with METHOD:REQUEST, the zone's VTIMEZONE
/// and one VEVENT; lines folded at 75 octets, CRLF line ends.
std::string invitation_ics(const MeetingInvitation& invitation, const TimeZone& zone);

/// The VTIMEZONE of a zone for a meeting in `year`: its observances from the year before on
/// (with yearly rules where the zone's changes follow one, as Europe/Copenhagen's do: the last
/// Sunday of March and of October), or one fixed offset for a zone without changes.
std::string vtimezone_ics(const TimeZone& zone, int year);

/// "+0100", "-0330": an RFC 5545 UTC offset.
std::string ics_utc_offset(std::chrono::seconds offset);

/// The host of a URL ("http://tilsyn.aarhus.dk:8080/x" → "tilsyn.aarhus.dk"), or `fallback`
/// when there is none: the right-hand side of a UID.
std::string url_host(std::string_view url, std::string_view fallback);

}  // namespace tilsyn
