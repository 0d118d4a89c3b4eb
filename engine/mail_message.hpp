// RFC 5322 messages from outbox rows: headers with RFC 2047 encoded words for non-ASCII text,
// a stable Message-ID, and a UTF-8 plain-text body. Pure functions; transports live in
// adapters/mail.
#pragma once

#include <string>
#include <string_view>

#include "engine/civil_time.hpp"
#include "engine/store.hpp"

namespace tilsyn {

/// The address part of "Name <addr>" or a bare address.
std::string mail_address(std::string_view mailbox);

/// An RFC 2047 "B" encoded word sequence for non-ASCII text (each word at most 75 octets,
/// never splitting a UTF-8 character); ASCII text is returned as it is.
std::string encode_header_text(std::string_view text);

/// "Name <addr>" with the display name encoded when it is not ASCII.
std::string encode_mailbox(std::string_view mailbox);

/// RFC 5322 date: "Tue, 24 Nov 2026 09:00:00 +0100".
std::string rfc5322_date(Instant at, std::chrono::seconds utc_offset);

/// The whole message, CRLF line ends, body base64-encoded UTF-8 (lines of 76 characters), so
/// it passes any 7-bit relay. A message with a calendar (an invitation, RFC 6047) is
/// multipart/mixed: multipart/alternative of the text and `text/calendar; method=…` (the
/// calendar's METHOD), then the calendar again as the attachment invite.ics.
std::string format_mail(const OutboxMessage& message, std::string_view from, Instant date,
                        std::chrono::seconds utc_offset);

/// Standard base64.
std::string base64(std::string_view data);

/// Base64 in lines of 76 characters, each ending in CRLF.
std::string base64_lines(std::string_view data);

/// The METHOD of an iCalendar object ("REQUEST"), or empty when it has none.
std::string calendar_method(std::string_view calendar);

}  // namespace tilsyn
