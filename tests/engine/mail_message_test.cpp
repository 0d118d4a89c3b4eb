// RFC 5322 / RFC 2047 formatting, checked by decoding what was encoded with the independent
// decoders in mail_decoding.hpp.
#include "engine/mail_message.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "tests/engine/mail_decoding.hpp"

namespace {

using namespace tilsyn;
using namespace std::chrono_literals;
using tilsyn::test::base64_decode;
using tilsyn::test::decode_encoded_word;
using tilsyn::test::decode_header;
using tilsyn::test::encoded_words;
using tilsyn::test::is_valid_utf8;
using tilsyn::test::parse_mail;
using tilsyn::test::ParsedMail;

constexpr std::string_view kDanishSubject =
    "Påmindelse: Kvalitetsrapport for Bakkegårdsskolen – frist 2026-10-12";

// Folded header lines joined as a reader unfolds them (CRLF removed, the space kept).
std::string unfold(const std::string& value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value.compare(i, 2, "\r\n") == 0) {
            ++i;
            continue;
        }
        out += value[i];
    }
    return out;
}

// Checks every encoded word of `encoded` and that together they decode to `text`.
void check_encoded(const std::string& encoded, std::string_view text) {
    const auto words = encoded_words(unfold(encoded));
    REQUIRE_FALSE(words.empty());
    std::string joined;
    for (const auto& word : words) {
        INFO(word);
        CHECK(word.size() <= 75);
        const std::string decoded = decode_encoded_word(word);
        CHECK(is_valid_utf8(decoded));  // no character split across two words
        joined += decoded;
    }
    CHECK(joined == text);
    CHECK(decode_header(unfold(encoded)) == text);
}

OutboxMessage danish_message() {
    OutboxMessage message;
    message.message_id = "<reminder.42.report_due.2026-10-12@tilsyn.example.dk>";
    message.recipient = "Søren Ærø <soeren@example.dk>";
    message.subject = std::string(kDanishSubject);
    message.body =
        "Kære Søren Ærø\n"
        "\n"
        "Kvalitetsrapporten for Bakkegårdsskolen skal være indsendt "
        "senest 2026-10-12.\n"
        "Trin: Kvalitetsrapport – udarbejdelse. Se mere på "
        "https://tilsyn.example.dk/dashboard/cycles/42 hvor også "
        "øvrige frister står.\n"
        "\n"
        "Med venlig hilsen\nTilsyn\n";
    return message;
}

const Instant kWinter = std::chrono::sys_days{2026y / 11 / 24} + 8h;  // 09:00 in Copenhagen

}  // namespace

TEST_CASE("base64 encodes the RFC 4648 test vectors", "[mail]") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foob") == "Zm9vYg==");
    CHECK(base64("fooba") == "Zm9vYmE=");
    CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 round-trips every byte value", "[mail]") {
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    for (std::size_t length = 0; length <= all.size(); length += 37) {
        CHECK(base64_decode(base64(all.substr(0, length))) == all.substr(0, length));
    }
}

TEST_CASE("ASCII header text is left as it is", "[mail]") {
    CHECK(encode_header_text("Reminder: quality report due 2026-10-12") ==
          "Reminder: quality report due 2026-10-12");
    CHECK(encode_header_text("") == "");
}

TEST_CASE("a Danish subject becomes UTF-8 encoded words that decode to the same text", "[mail]") {
    const std::string encoded = encode_header_text(kDanishSubject);
    CHECK(encoded.starts_with("=?UTF-8?B?"));
    CHECK(encoded.find_first_of("æøåÆØÅ") == std::string::npos);
    check_encoded(encoded, kDanishSubject);
    CHECK(encoded_words(unfold(encoded)).size() > 1);  // long enough to need several words
}

TEST_CASE("encoded words never split a UTF-8 character, whatever the alignment", "[mail]") {
    // 2-, 3- and 4-byte characters, shifted by 0 to 5 ASCII bytes so that every kind of character
    // eventually straddles a word boundary.
    const std::string tail =
        "æøå ÆØÅ – € 🙂 blåbærgrød på Ærø, Øresund og "
        "Åbenrå " +
        std::string(kDanishSubject) + " 🙂🙂🙂 ååå –––";
    for (int shift = 0; shift <= 5; ++shift) {
        const std::string text = std::string(static_cast<std::size_t>(shift), 'a') + tail;
        INFO("shift " << shift);
        check_encoded(encode_header_text(text), text);
    }
}

TEST_CASE("line breaks in header text become spaces, so no header can be injected", "[mail]") {
    CHECK(encode_header_text("Hej\r\nBcc: evil@example.com") == "Hej  Bcc: evil@example.com");
    CHECK(encode_header_text("Hej\nBcc: evil@example.com") == "Hej Bcc: evil@example.com");

    OutboxMessage message = danish_message();
    message.subject = "Påmindelse\r\nBcc: evil@example.com\r\n\r\nfake body";
    const auto mail = parse_mail(format_mail(message, "tilsyn@example.dk", kWinter, 1h));
    CHECK(mail.count("Bcc") == 0);
    CHECK(mail.count("Subject") == 1);
    CHECK(decode_header(mail.header("Subject")) ==
          "Påmindelse  Bcc: evil@example.com    fake body");
    CHECK(base64_decode(mail.body).starts_with("Kære Søren Ærø\r\n"));
}

TEST_CASE("a mailbox keeps a plain ASCII name and quotes one with specials", "[mail]") {
    CHECK(encode_mailbox("tilsyn@example.dk") == "tilsyn@example.dk");
    CHECK(encode_mailbox("Tilsyn <tilsyn@example.dk>") == "Tilsyn <tilsyn@example.dk>");
    CHECK(encode_mailbox("<tilsyn@example.dk>") == "<tilsyn@example.dk>");
    CHECK(encode_mailbox("Jensen, Hans <hans@example.dk>") == "\"Jensen, Hans\" <hans@example.dk>");
    CHECK(encode_mailbox("Tilsyn (Aarhus) <tilsyn@example.dk>") ==
          "\"Tilsyn (Aarhus)\" <tilsyn@example.dk>");
    CHECK(mail_address("Jensen, Hans <hans@example.dk>") == "hans@example.dk");
    CHECK(mail_address("hans@example.dk") == "hans@example.dk");
}

TEST_CASE("a name with quotes, a backslash or '<' stays one quoted phrase before the address",
          "[mail]") {
    // Issue 15: a '"' in a person's name broke the To: header, and the person got no mail.
    CHECK(encode_mailbox(R"(Anna "Bo" Hansen <anna@example.dk>)") ==
          R"("Anna \"Bo\" Hansen" <anna@example.dk>)");
    CHECK(encode_mailbox(R"(C:\dir <c@example.dk>)") == R"("C:\\dir" <c@example.dk>)");
    CHECK(encode_mailbox("Ib <ib@evil.dk> <ib@example.dk>") ==
          R"("Ib <ib@evil.dk>" <ib@example.dk>)");
    CHECK(mail_address("Ib <ib@evil.dk> <ib@example.dk>") == "ib@example.dk");
    CHECK(mail_address(R"(Anna "Bo" Hansen <anna@example.dk>)") == "anna@example.dk");
    CHECK(encode_mailbox("H. C. Andersen <hca@example.dk>") ==
          R"("H. C. Andersen" <hca@example.dk>)");
}

TEST_CASE("a mailbox with a Danish name encodes the name and keeps the address", "[mail]") {
    const std::string encoded = encode_mailbox("Søren Ærø <soeren@example.dk>");
    CHECK(encoded.ends_with(" <soeren@example.dk>"));
    const std::string name = encoded.substr(0, encoded.size() - 20);
    check_encoded(name, "Søren Ærø");
}

TEST_CASE("the date header shows local time with the summer or winter offset", "[mail]") {
    const Instant summer = std::chrono::sys_days{2026y / 7 / 1} + 10h;
    CHECK(rfc5322_date(summer, 2h) == "Wed, 1 Jul 2026 12:00:00 +0200");
    CHECK(rfc5322_date(kWinter, 1h) == "Tue, 24 Nov 2026 09:00:00 +0100");
    CHECK(rfc5322_date(kWinter, 0s) == "Tue, 24 Nov 2026 08:00:00 +0000");
}

TEST_CASE("the date header rolls over to the local day and year", "[mail]") {
    const Instant new_years_eve = std::chrono::sys_days{2026y / 12 / 31} + 23h + 30min;
    CHECK(rfc5322_date(new_years_eve, 1h) == "Fri, 1 Jan 2027 00:30:00 +0100");
    CHECK(rfc5322_date(new_years_eve, -(3h + 30min)) == "Thu, 31 Dec 2026 20:00:00 -0330");
}

TEST_CASE("a formatted mail uses CRLF for every line end", "[mail]") {
    const std::string raw =
        format_mail(danish_message(), "Tilsyn <tilsyn@example.dk>", kWinter, 1h);
    REQUIRE(raw.ends_with("\r\n"));
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n') {
            INFO("byte " << i);
            REQUIRE(i > 0);
            CHECK(raw[i - 1] == '\r');
        }
        if (raw[i] == '\r') {
            INFO("byte " << i);
            REQUIRE(i + 1 < raw.size());
            CHECK(raw[i + 1] == '\n');
        }
    }
}

TEST_CASE(
    "a formatted mail has the headers a reader needs, decoding to the "
    "Danish text",
    "[mail]") {
    const OutboxMessage message = danish_message();
    const auto mail =
        parse_mail(format_mail(message, "Tilsyn Aarhus <tilsyn@example.dk>", kWinter, 1h));
    CHECK(mail.header("From") == "Tilsyn Aarhus <tilsyn@example.dk>");
    CHECK(decode_header(mail.header("To")) == "Søren Ærø <soeren@example.dk>");
    CHECK(decode_header(mail.header("Subject")) == kDanishSubject);
    CHECK(mail.header("Date") == "Tue, 24 Nov 2026 09:00:00 +0100");
    CHECK(mail.header("Message-ID") == message.message_id);
    CHECK(mail.header("MIME-Version") == "1.0");
    CHECK(mail.header("Content-Type") == "text/plain; charset=UTF-8");
    CHECK(mail.header("Content-Transfer-Encoding") == "base64");
    for (const auto& line : mail.header_lines) {
        INFO(line);
        CHECK(line.size() <= 998);  // RFC 5322's hard limit
        for (char c : line) CHECK(static_cast<unsigned char>(c) < 0x80);
    }
}

TEST_CASE("the body is base64 in lines of at most 76 characters", "[mail]") {
    OutboxMessage message = danish_message();
    message.body += std::string(500, 'x');  // several full lines
    const std::string raw = format_mail(message, "tilsyn@example.dk", kWinter, 1h);
    const std::string body = raw.substr(raw.find("\r\n\r\n") + 4);
    std::size_t at = 0;
    int lines = 0;
    while (at < body.size()) {
        const auto eol = body.find("\r\n", at);
        REQUIRE(eol != std::string::npos);
        CHECK(eol - at <= 76);
        CHECK(eol > at);
        at = eol + 2;
        ++lines;
    }
    CHECK(lines > 5);
}

TEST_CASE("the body decodes to the text with CRLF line ends", "[mail]") {
    OutboxMessage message = danish_message();
    const auto expected = [](const std::string& lf) {
        std::string out;
        for (char c : lf) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
        return out;
    };
    const auto body_of = [](const OutboxMessage& m) {
        return base64_decode(parse_mail(format_mail(m, "tilsyn@example.dk", kWinter, 1h)).body);
    };
    CHECK(body_of(message) == expected(message.body));

    // Already CRLF stays CRLF (not CRCRLF), mixed input ends up all CRLF.
    const std::string crlf = expected(message.body);
    message.body = crlf;
    CHECK(body_of(message) == crlf);
    message.body = "første\r\nanden\ntredje";
    CHECK(body_of(message) == "første\r\nanden\r\ntredje");
    message.body = "\nførste linje var tom";
    CHECK(body_of(message) == "\r\nførste linje var tom");
}

namespace {

constexpr std::string_view kInvitation =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tilsyn//Tilsyn//DA\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:c/quality_conversation@tilsyn\r\nSEQUENCE:1\r\n"
    "SUMMARY;LANGUAGE=da:Kvalitetssamtale: Bakkegårdsskolen\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

// The parts of a multipart body: each part's headers and raw body, split at `boundary`.
std::vector<ParsedMail> parts_of(const ParsedMail& mail) {
    const std::string type = mail.header("Content-Type");
    const auto at = type.find("boundary=\"");
    REQUIRE(at != std::string::npos);
    const std::string boundary = type.substr(at + 10, type.find('"', at + 10) - at - 10);
    const std::string delimiter = "--" + boundary + "\r\n";
    const std::string close = "--" + boundary + "--\r\n";
    REQUIRE(mail.body.starts_with(delimiter));
    REQUIRE(mail.body.ends_with(close));
    std::vector<ParsedMail> parts;
    std::size_t from = delimiter.size();
    for (;;) {
        auto next = mail.body.find("\r\n--" + boundary, from);
        REQUIRE(next != std::string::npos);
        parts.push_back(parse_mail(mail.body.substr(from, next + 2 - from)));
        from = next + 2 + delimiter.size();
        if (mail.body.compare(next + 2, close.size(), close) == 0) break;
    }
    return parts;
}

}  // namespace

TEST_CASE("a mail with an invitation carries it as text/calendar and as invite.ics",
          "[mail][invitation]") {
    OutboxMessage message = danish_message();
    message.calendar = std::string(kInvitation);
    const std::string raw = format_mail(message, "Tilsyn <tilsyn@example.dk>", kWinter, 1h);
    const auto mail = parse_mail(raw);
    CHECK(mail.header("MIME-Version") == "1.0");
    CHECK(mail.header("Content-Type").starts_with("multipart/mixed; boundary=\"=_tilsyn_"));
    CHECK(mail.count("Content-Transfer-Encoding") == 0);

    const auto outer = parts_of(mail);
    REQUIRE(outer.size() == 2);
    CHECK(outer[0].header("Content-Type").starts_with("multipart/alternative; boundary="));
    const auto alternatives = parts_of(outer[0]);
    REQUIRE(alternatives.size() == 2);
    CHECK(alternatives[0].header("Content-Type") == "text/plain; charset=UTF-8");
    CHECK(alternatives[0].header("Content-Transfer-Encoding") == "base64");
    std::string crlf_body;
    for (char c : message.body) crlf_body += c == '\n' ? std::string("\r\n") : std::string(1, c);
    CHECK(base64_decode(alternatives[0].body) == crlf_body);
    // RFC 6047 §2.4: the method parameter is the calendar's METHOD.
    CHECK(alternatives[1].header("Content-Type") == "text/calendar; charset=UTF-8; method=REQUEST");
    CHECK(alternatives[1].header("Content-Transfer-Encoding") == "base64");
    CHECK(base64_decode(alternatives[1].body) == kInvitation);
    CHECK(outer[1].header("Content-Type") == "application/ics; name=\"invite.ics\"");
    CHECK(outer[1].header("Content-Disposition") == "attachment; filename=\"invite.ics\"");
    CHECK(base64_decode(outer[1].body) == kInvitation);

    // A retry is the same message byte for byte; another message has other boundaries.
    CHECK(format_mail(message, "Tilsyn <tilsyn@example.dk>", kWinter, 1h) == raw);
    OutboxMessage other = message;
    other.message_id = "<other@tilsyn>";
    CHECK(parse_mail(format_mail(other, "Tilsyn <tilsyn@example.dk>", kWinter, 1h))
              .header("Content-Type") != mail.header("Content-Type"));
    // Every line ends in CRLF and fits in 76 characters below the headers.
    const std::string body = raw.substr(raw.find("\r\n\r\n") + 4);
    for (std::size_t at = 0; at < body.size();) {
        const auto eol = body.find("\r\n", at);
        REQUIRE(eol != std::string::npos);
        CHECK(eol - at <= 76);
        CHECK(body.substr(at, eol - at).find('\n') == std::string::npos);
        at = eol + 2;
    }
}

TEST_CASE("a mail without a calendar stays a single text/plain part", "[mail][invitation]") {
    const auto mail = parse_mail(format_mail(danish_message(), "tilsyn@example.dk", kWinter, 1h));
    CHECK(mail.header("Content-Type") == "text/plain; charset=UTF-8");
    CHECK(mail.body.find("--=_tilsyn") == std::string::npos);
}

TEST_CASE("the METHOD of a calendar is read from the calendar itself", "[mail][invitation]") {
    CHECK(calendar_method(kInvitation) == "REQUEST");
    CHECK(calendar_method("BEGIN:VCALENDAR\nMETHOD:CANCEL\nEND:VCALENDAR\n") == "CANCEL");
    CHECK(calendar_method("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nMETHOD:REQUEST\r\n") == "");
    CHECK(calendar_method("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nX: \"; injected\r\n") == "REQUEST");
    CHECK(calendar_method("BEGIN:VCALENDAR\r\nMETHOD:RE\"Q; x=y\r\n") == "REQxy");
    CHECK(calendar_method("") == "");
}
