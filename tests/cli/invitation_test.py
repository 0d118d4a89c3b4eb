"""A scheduled quality conversation reaches the leader and the board as an invitation that
calendars accept, through the real `tilsyn` binary: the area chief schedules it, then moves it;
`tick` delivers the mail through the file transport; Python's `email` reads each message and
python3-icalendar the calendar in it. A malformed time is refused, in Danish, changing nothing.

usage: invitation_test.py PATH/TO/tilsyn sqlite|postgres

`postgres` takes the server URL from TILSYN_TEST_PG_URL; when that is unset the test exits 77
(skipped), or fails when TILSYN_REQUIRE_POSTGRES=1. Time is an input (every command has --at);
nothing sleeps. Prints "ok - …" / "not ok - …" per check; exits 1 when one fails.
"""
import datetime
import email
import email.policy
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/
from support.check import Checks  # noqa: E402
from support.cli import Tilsyn  # noqa: E402
from support.config import small_config  # noqa: E402
from support.database import Database, backend_url  # noqa: E402

import icalendar  # noqa: E402  (python3-icalendar, scripts/install-deps)

CYCLE = "qr/frydenlund/2026-08-03"
CHIEF = "chief.syd@example.dk"
LEADER = "leder.frydenlund@example.dk"
BOARD = "bestyrelse.frydenlund@example.dk"
SUBJECT = "Kvalitetssamtale: Frydenlund Skole"


def invitations(folder):
    """The delivered messages about Frydenlund's conversation, by file name (the Message-ID)."""
    found = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".eml"):
            continue
        with open(os.path.join(folder, name), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        if str(message["Subject"]).startswith(SUBJECT):
            found.append(message)
    return found


def parts(message):
    """(text, calendar part, attachment part) of an invitation; None for what is missing."""
    text = calendar = attachment = None
    for part in message.walk():
        if part.get_content_disposition() == "attachment":
            attachment = part
        elif part.get_content_type() == "text/plain":
            text = part.get_content()
        elif part.get_content_type() == "text/calendar":
            calendar = part
    return text, calendar, attachment


def event_of(calendar_bytes):
    """The calendar parsed by icalendar, and its one VEVENT."""
    calendar = icalendar.Calendar.from_ical(calendar_bytes)
    events = calendar.walk("VEVENT")
    assert len(events) == 1, f"{len(events)} events"
    return calendar, events[0]


def main():
    binary, backend = sys.argv[1], backend_url(sys.argv[2])
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="tilsyn-invitation.") as tmp:
        config = os.path.join(tmp, "tilsyn.yaml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(small_config(datetime.date(2026, 8, 3), transport="file:mail"))
        mail = os.path.join(tmp, "mail")
        db = Database(backend, tmp)
        try:
            run(Tilsyn(binary, config, db.url), mail, checks)
        finally:
            db.drop()
    return checks.exit_code()


def run(tilsyn, mail, checks):
    tilsyn.run("migrate")
    tilsyn.run("tick", "--at", "2026-08-03T09:00", "--no-mail")

    def event(name, data, who, at, check=True):
        return tilsyn.run("event", CYCLE, name, "--data", data, "--as", who, "--at", at,
                          check=check)

    event("report_submitted", "{}", LEADER, "2026-10-01T10:00")
    event("board_statement_submitted", '{"assessment":"Retvisende."}', BOARD, "2026-10-02T10:00")
    event("conversation_scheduled",
          '{"date":"2026-11-20","time":"13:30","place":"Frydenlund Skole, personalerummet"}',
          CHIEF, "2026-10-20T10:00")
    tilsyn.run("tick", "--at", "2026-10-20T10:05")

    # A malformed time: refused in Danish, exit 2, nothing queued, nothing recorded.
    before = (tilsyn.run("outbox", "list").stdout, tilsyn.run("audit", "verify").stdout,
              tilsyn.run("status", "--format", "json", "--at", "2026-10-21T10:00").stdout)
    bad = event("conversation_scheduled", '{"date":"2026-11-27","time":"9.30"}', CHIEF,
                "2026-10-21T10:00", check=False)
    checks.check(bad.returncode == 2 and
                 "Skriv »Klokkeslæt« som et klokkeslæt på formen TT:MM (fx 09:30)." in bad.stderr,
                 "a time of 9.30 is refused with exit 2 and a Danish message naming the field",
                 f"exit {bad.returncode}: {bad.stderr}")
    after = (tilsyn.run("outbox", "list").stdout, tilsyn.run("audit", "verify").stdout,
             tilsyn.run("status", "--format", "json", "--at", "2026-10-21T10:00").stdout)
    checks.check(after == before, "the refused event queued no mail and recorded nothing",
                 "\n".join(a for a, b in zip(after, before) if a != b))

    # Moved, without a time: 09:00.
    event("conversation_scheduled", '{"date":"2026-11-27"}', CHIEF, "2026-10-22T10:00")
    tilsyn.run("tick", "--at", "2026-10-22T10:05")

    messages = invitations(mail)
    checks.require(len(messages) == 4,
                   "four invitations delivered: the first and the moved one, to leader and board",
                   [str(m["Subject"]) + " → " + str(m["To"]) for m in messages])
    first = [m for m in messages if "20.11.2026" in str(m["Subject"])]
    moved = [m for m in messages if "27.11.2026" in str(m["Subject"])]
    checks.require(len(first) == 2 and len(moved) == 2, "two of each date",
                   [str(m["Subject"]) for m in messages])
    ids = {str(m["Message-ID"]) for m in messages}
    checks.check(len(ids) == 4, "each message has its own Message-ID", ids)

    uids, sequences = {}, {}
    for version, group in (("first", first), ("moved", moved)):
        recipients = sorted(m["To"].addresses[0].addr_spec for m in group)
        checks.check(recipients == sorted([LEADER, BOARD]),
                     f"{version}: to the leader and the board", recipients)
        for message in group:
            to = message["To"].addresses[0].addr_spec
            where = f"{version} to {to}"
            checks.check(message.get_content_type() == "multipart/mixed", f"{where}: multipart/mixed",
                         message.get_content_type())
            text, calendar, attachment = parts(message)
            checks.check(text is not None and "Frydenlund Skole" in text,
                         f"{where}: a Danish text part", text)
            checks.require(calendar is not None, f"{where}: a text/calendar part")
            checks.check(calendar.get_param("method") == "REQUEST" and
                         (calendar.get_content_charset() or "").lower() == "utf-8",
                         f"{where}: text/calendar; charset=UTF-8; method=REQUEST",
                         calendar["Content-Type"])
            checks.check(calendar.get_content_type() == "text/calendar" and
                         message.get_body(("plain",)) is not None and
                         calendar in list(message.iter_parts())[0].iter_parts(),
                         f"{where}: the calendar is an alternative to the text")
            ics = calendar.get_payload(decode=True)
            checks.check(attachment is not None and attachment.get_filename() == "invite.ics" and
                         attachment.get_payload(decode=True) == ics,
                         f"{where}: the same calendar attached as invite.ics",
                         attachment and attachment["Content-Type"])
            cal, ev = event_of(ics)
            checks.check(str(cal.get("METHOD")) == "REQUEST", f"{where}: METHOD:REQUEST",
                         cal.get("METHOD"))
            organizer = ev.get("ORGANIZER")
            checks.check(str(organizer).lower() == f"mailto:{CHIEF}" and
                         organizer.params.get("CN") == "Sara Syd",
                         f"{where}: ORGANIZER is the area chief with CN",
                         f"{organizer} {dict(organizer.params) if organizer else ''}")
            attendees = ev.get("ATTENDEE")
            attendees = attendees if isinstance(attendees, list) else [attendees]
            addresses = sorted(str(a).lower() for a in attendees)
            checks.check(addresses == sorted([f"mailto:{LEADER}", f"mailto:{BOARD}"]),
                         f"{where}: ATTENDEEs are the leader and the board", addresses)
            checks.check(all(a.params.get("ROLE") == "REQ-PARTICIPANT" and
                             a.params.get("PARTSTAT") == "NEEDS-ACTION" and
                             a.params.get("RSVP") == "TRUE" for a in attendees),
                         f"{where}: each attendee REQ-PARTICIPANT, NEEDS-ACTION, RSVP",
                         [dict(a.params) for a in attendees])
            checks.check(str(ev.get("SUMMARY")) == "Kvalitetssamtale: Frydenlund Skole",
                         f"{where}: SUMMARY in Danish", ev.get("SUMMARY"))
            start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
            expected = (datetime.datetime(2026, 11, 20, 13, 30) if version == "first"
                        else datetime.datetime(2026, 11, 27, 9, 0))
            checks.check(str(start.tzinfo) == "Europe/Copenhagen" and
                         start.replace(tzinfo=None) == expected and
                         start.utcoffset() == datetime.timedelta(hours=1) and
                         end - start == datetime.timedelta(hours=2),
                         f"{where}: DTSTART {expected:%d.%m %H:%M} in Europe/Copenhagen, 2 hours",
                         f"{start!r} – {end!r}")
            # The calendar's own VTIMEZONE says the same as the zone database.
            zones = cal.walk("VTIMEZONE")
            checks.require(len(zones) == 1 and str(zones[0]["TZID"]) == "Europe/Copenhagen",
                           f"{where}: one VTIMEZONE for Europe/Copenhagen")
            tz = zones[0].to_tz()
            winter = tz.utcoffset(expected)
            summer = tz.utcoffset(datetime.datetime(2027, 6, 1, 12, 0))
            checks.check(winter == datetime.timedelta(hours=1) and
                         summer == datetime.timedelta(hours=2),
                         f"{where}: the VTIMEZONE gives +01:00 in winter, +02:00 in summer",
                         f"{winter} {summer}")
            lines = ics.split(b"\r\n")
            checks.check(ics.endswith(b"\r\n") and ics.count(b"\n") == ics.count(b"\r\n") and
                         all(len(line) <= 75 for line in lines),
                         f"{where}: CRLF lines of at most 75 octets")
            uids.setdefault(version, set()).add(str(ev.get("UID")))
            sequences.setdefault(version, set()).add(int(ev.get("SEQUENCE")))
    checks.check(len(uids["first"] | uids["moved"]) == 1,
                 "the moved conversation keeps the UID", uids)
    checks.check(sequences == {"first": {0}, "moved": {1}},
                 "SEQUENCE is 0 for the first invitation and 1 for the update", sequences)


if __name__ == "__main__":
    sys.exit(main())
