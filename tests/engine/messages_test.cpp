// The Danish mails (engine/messages.hpp): built-in texts, the shipped config/templates/*.txt
// (which must say the same) and configured templates taking their place.
#include "engine/messages.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "config_fixture.hpp"

namespace {

using tilsyn::Config;
using tilsyn::DigestItem;
using tilsyn::MailKind;
using tilsyn::MailText;
using tilsyn::Person;

tilsyn::Date date(std::string_view text) { return *tilsyn::parse_date(text); }

const Person kLeader{"Lene Leder", "leder@frydenlund.example.dk", {}};
const Person kBoard{"", "bestyrelse@frydenlund.example.dk", {}};
constexpr std::string_view kCycle = "quality-report-6-18/frydenlund/2026-08-03";
constexpr std::string_view kLink =
    "http://127.0.0.1:8080/cycles/quality-report-6-18/frydenlund/2026-08-03";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

// Every kind's mail, for comparing the built-in texts with other templates.
std::vector<MailText> all_mails(const Config& config) {
    const auto& school = config.institutions[0];
    const auto& area = config.areas[0];
    return {
        tilsyn::reminder_mail(config, school, kCycle, "quality_report", date("2026-10-12"),
                              kLeader),
        tilsyn::escalation_mail(config, school, kCycle, "board_statement", date("2026-11-09"), 2,
                                kBoard),
        tilsyn::case_opened_mail(config, school, "case-1", "Fravær", date("2026-12-01"), kLeader),
        tilsyn::decision_mail(config, MailKind::plan_approved, school, kCycle, {}, kLeader),
        tilsyn::decision_mail(config, MailKind::plan_returned, school, kCycle,
                              {{"comment", "Målene mangler."}}, kLeader),
        tilsyn::decision_mail(config, MailKind::conversation_scheduled, school, kCycle,
                              {{"date", "20.11.2026"},
                               {"date_long", "fredag den 20. november 2026"},
                               {"time", "13:30"},
                               {"end_time", "15:30"},
                               {"place", "Rådhuset"},
                               {"organiser", "Søren Chef"}},
                              kBoard),
        tilsyn::decision_mail(config, MailKind::observer_assigned, config.institutions[1], kCycle,
                              {{"observer_institution", "Frydenlund Skole"},
                               {"round", "2"},
                               {"due_date", "02.11.2026"},
                               {"due_date_long", "mandag den 2. november 2026"}},
                              kLeader),
        tilsyn::digest_mail(config, area,
                            {{"Frydenlund Skole", "quality_report", date("2026-10-12"), "c-1"}}, {},
                            area.chief),
    };
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the built-in templates parse", "[messages]") {
    for (MailKind kind : tilsyn::kAllMailKinds) {
        INFO(tilsyn::mail_kind_name(kind));
        const auto parsed = tilsyn::parse_mail_template(kind, tilsyn::builtin_template_text(kind));
        CHECK(parsed.ok());
        CHECK_NOTHROW(tilsyn::builtin_template(kind));
    }
}

TEST_CASE("the shipped template files parse and say exactly what the built-in texts say",
          "[messages]") {
    const Config builtin = tilsyn::testing::small_config();
    Config shipped = builtin;
    for (MailKind kind : tilsyn::kAllMailKinds) {
        const std::string path = std::string(TILSYN_SOURCE_DIR) + "/config/templates/" +
                                 tilsyn::template_file_name(kind);
        INFO(path);
        auto parsed = tilsyn::parse_mail_template(kind, read_text(path));
        for (const auto& p : parsed.problems)
            UNSCOPED_INFO(p.line << ":" << p.column << ": " << p.message);
        REQUIRE(parsed.ok());
        shipped.mail.templates.set(kind, parsed.mail);
    }
    const auto expected = all_mails(builtin);
    const auto actual = all_mails(shipped);
    REQUIRE(actual.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(actual[i].subject == expected[i].subject);
        CHECK(actual[i].body == expected[i].body);
    }
}

TEST_CASE("a reminder says the step, institution, due date and link in Danish", "[messages]") {
    const Config config = tilsyn::testing::small_config();
    const auto mail = tilsyn::reminder_mail(config, config.institutions[0], kCycle,
                                            "quality_report", date("2026-10-12"), kLeader);
    CHECK(mail.subject == "Påmindelse: Kvalitetsrapport for Frydenlund Skole – frist 12.10.2026");
    CHECK(mail.body.starts_with("Kære Lene Leder,\n\n"));
    CHECK(contains(mail.body,
                   "trinnet »Kvalitetsrapport« for Frydenlund Skole har frist mandag "
                   "den 12. oktober 2026."));
    CHECK(contains(mail.body, std::string(kLink) + "\n"));
    CHECK(mail.body.ends_with("Med venlig hilsen\nTilsyn\nTestkommune\n"));
}

TEST_CASE("a recipient without a name is greeted with Hej", "[messages]") {
    const Config config = tilsyn::testing::small_config();
    const auto mail = tilsyn::reminder_mail(config, config.institutions[0], kCycle,
                                            "board_statement", date("2026-11-09"), kBoard);
    CHECK(mail.body.starts_with("Hej,\n\n"));
    CHECK(mail.subject ==
          "Påmindelse: Bestyrelsens udtalelse for Frydenlund Skole – frist "
          "09.11.2026");
}

TEST_CASE("an escalation names the missed due date and the level", "[messages]") {
    const Config config = tilsyn::testing::small_config();
    const auto mail = tilsyn::escalation_mail(config, config.institutions[0], kCycle,
                                              "quality_report", date("2026-10-12"), 2, kLeader);
    CHECK(mail.subject ==
          "Overskredet frist: Kvalitetsrapport for Frydenlund Skole (frist 12.10.2026)");
    CHECK(contains(mail.body,
                   "var mandag den 12. oktober 2026, og trinnet er endnu ikke "
                   "afsluttet."));
    CHECK(contains(mail.body, "eskaleret (niveau 2)"));
    CHECK(contains(mail.body, kLink));
}

TEST_CASE("a supervision case notice names the point and the action plan's due date",
          "[messages]") {
    const Config config = tilsyn::testing::small_config();
    const auto mail = tilsyn::case_opened_mail(config, config.institutions[0], "case-7", "Fravær",
                                               date("2026-12-01"), kLeader);
    CHECK(mail.subject == "Tilsynspunkt givet: Frydenlund Skole – Fravær");
    CHECK(contains(mail.body, "Frydenlund Skole har fået et tilsynspunkt: »Fravær«."));
    // Read by the board too: the framework's words, never "skærpet tilsyn" (glossary.md).
    CHECK(contains(mail.body, "skærpet ledelsesmæssig opmærksomhed"));
    CHECK_FALSE(contains(mail.body, "skærpet tilsyn"));
    CHECK(contains(mail.body, "lederen en handleplan"));
    CHECK(contains(mail.body, "frist tirsdag den 1. december 2026"));
    CHECK(contains(mail.body, "http://127.0.0.1:8080/cycles/case-7"));
}

TEST_CASE("plan approved and plan returned mails", "[messages]") {
    const Config config = tilsyn::testing::small_config();
    const auto approved = tilsyn::decision_mail(config, MailKind::plan_approved,
                                                config.institutions[0], kCycle, {}, kLeader);
    CHECK(approved.subject == "Udviklingsplan godkendt: Frydenlund Skole");
    CHECK(contains(approved.body, "Udviklingsplanen for Frydenlund Skole er godkendt."));
    CHECK(contains(approved.body, kLink));
    const auto returned =
        tilsyn::decision_mail(config, MailKind::plan_returned, config.institutions[0], kCycle,
                              {{"comment", "Målene mangler.\nSe afsnit 2."}}, kLeader);
    CHECK(returned.subject == "Udviklingsplan sendt retur: Frydenlund Skole");
    CHECK(contains(returned.body, "følgende kommentar:\n\nMålene mangler.\nSe afsnit 2.\n\n"));
    CHECK(contains(returned.body, kLink));
}

TEST_CASE("a digest lists overdue and upcoming deadlines, or says there are none", "[messages]") {
    const Config config = tilsyn::testing::small_config();
    const std::vector<DigestItem> overdue = {
        {"Frydenlund Skole", "quality_report", date("2026-10-12"), "qr-1"},
        {"Børnehuset Solsikken", "board_statement", date("2026-11-09"), ""},
    };
    const auto mail =
        tilsyn::digest_mail(config, config.areas[0], overdue, {}, config.areas[0].chief);
    CHECK(mail.subject == "Overblik over frister: Område Syd");
    CHECK(mail.body.starts_with("Kære Søren Chef,\n\n"));
    CHECK(contains(mail.body,
                   "Overskredne frister:\n"
                   "- Frydenlund Skole: Kvalitetsrapport, frist mandag den 12. oktober 2026\n"
                   "  http://127.0.0.1:8080/cycles/qr-1\n"
                   "- Børnehuset Solsikken: Bestyrelsens udtalelse, frist mandag den 9. "
                   "november 2026\n\n"
                   "Kommende frister:\nIngen.\n"));
    CHECK(contains(mail.body, "http://127.0.0.1:8080\n"));
}

TEST_CASE("a configured template replaces the built-in text for its kind only", "[messages]") {
    Config config = tilsyn::testing::small_config();
    auto parsed = tilsyn::parse_mail_template(
        MailKind::reminder,
        "Emne: Husk {step} ({due_date})\n\nHej {name} fra {institution}: {due_date_long}.\n"
        "{link}\n");
    REQUIRE(parsed.ok());
    config.mail.templates.set(MailKind::reminder, parsed.mail);
    const auto mail = tilsyn::reminder_mail(config, config.institutions[0], kCycle,
                                            "quality_report", date("2026-10-12"), kLeader);
    CHECK(mail.subject == "Husk Kvalitetsrapport (12.10.2026)");
    CHECK(mail.body == "Hej Lene Leder fra Frydenlund Skole: mandag den 12. oktober 2026.\n" +
                           std::string(kLink) + "\n");
    // Escalations still use the built-in text.
    const auto escalation = tilsyn::escalation_mail(
        config, config.institutions[0], kCycle, "quality_report", date("2026-10-12"), 1, kLeader);
    CHECK(escalation.subject.starts_with("Overskredet frist: Kvalitetsrapport"));
}
