// The mail template language (engine/mail_template.hpp): parsing into segments, rendering,
// and every kind of problem with its line and column inside the template text.
#include "engine/mail_template.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

namespace {

using tilsyn::MailKind;
using tilsyn::parse_mail_template;
using tilsyn::TemplateParse;
using tilsyn::TemplateProblem;
using tilsyn::TemplateValues;

std::string dump(const TemplateParse& parsed) {
    std::string text;
    for (const auto& p : parsed.problems) {
        text += std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message + "\n";
    }
    return text.empty() ? "(no problems)" : text;
}

void check_problem(const TemplateProblem& problem, int line, int column,
                   const std::string& fragment) {
    INFO(problem.line << ":" << problem.column << ": " << problem.message);
    CHECK(problem.line == line);
    CHECK(problem.column == column);
    CHECK_THAT(problem.message, Catch::Contains(fragment));
}

// Parses `text` as a `kind` template and requires exactly one problem.
void expect_single_problem(MailKind kind, const std::string& text, int line, int column,
                           const std::string& fragment) {
    const auto parsed = parse_mail_template(kind, text);
    INFO(dump(parsed));
    REQUIRE(parsed.problems.size() == 1);
    check_problem(parsed.problems[0], line, column, fragment);
}

const TemplateValues kValues = {
    {"name", "Søren Ærø"},
    {"greeting", "Kære Søren Ærø,"},
    {"institution", "Frydenlund Skole"},
    {"step", "Kvalitetsrapport"},
    {"due_date", "2026-10-12"},
    {"due_date_long", "mandag den 12. oktober 2026"},
    {"link", "http://127.0.0.1:8080/cycles/qr-frydenlund"},
    {"organisation", "Aarhus Kommune, Børn og Unge"},
};

}  // namespace

TEST_CASE("a template parses into a subject and a body and renders Danish text",
          "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::reminder,
                                            "Emne: Påmindelse: {step} for {institution} – frist "
                                            "{due_date}\n"
                                            "\n"
                                            "{greeting}\n"
                                            "\n"
                                            "Trinnet »{step}« har frist {due_date_long}.\n"
                                            "Se {link}\n"
                                            "\n"
                                            "Venlig hilsen\n"
                                            "{organisation}\n");
    INFO(dump(parsed));
    REQUIRE(parsed.ok());
    const auto mail = parsed.mail.render(kValues);
    CHECK(mail.subject == "Påmindelse: Kvalitetsrapport for Frydenlund Skole – frist 2026-10-12");
    CHECK(mail.body ==
          "Kære Søren Ærø,\n\nTrinnet »Kvalitetsrapport« har frist mandag den 12. oktober 2026.\n"
          "Se http://127.0.0.1:8080/cycles/qr-frydenlund\n\nVenlig hilsen\n"
          "Aarhus Kommune, Børn og Unge\n");
    CHECK(parsed.mail.subject.uses("step"));
    CHECK_FALSE(parsed.mail.subject.uses("link"));
    CHECK(parsed.mail.body.uses("link"));
}

TEST_CASE("a template is parsed once into literal and placeholder segments", "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::reminder, "Emne: {step}: x\n\nA{name}B\n");
    INFO(dump(parsed));
    REQUIRE(parsed.ok());
    const auto& subject = parsed.mail.subject.segments;
    REQUIRE(subject.size() == 2);
    CHECK(subject[0].placeholder);
    CHECK(subject[0].text == "step");
    CHECK_FALSE(subject[1].placeholder);
    CHECK(subject[1].text == ": x");
    const auto& body = parsed.mail.body.segments;
    REQUIRE(body.size() == 3);
    CHECK(body[0].text == "A");
    CHECK(body[1].placeholder);
    CHECK(body[1].text == "name");
    CHECK(body[2].text == "B\n");
}

TEST_CASE("doubled braces are literal braces, in the subject and the body", "[mail_template]") {
    const auto parsed = parse_mail_template(
        MailKind::reminder,
        "Emne: {{{step}}} og }}{{\n\nSkabelonen bruger {{navn}} og {{{name}}}.\n");
    INFO(dump(parsed));
    REQUIRE(parsed.ok());
    const auto mail = parsed.mail.render(kValues);
    CHECK(mail.subject == "{Kvalitetsrapport} og }{");
    CHECK(mail.body == "Skabelonen bruger {navn} og {Søren Ærø}.\n");
}

TEST_CASE("comment lines, blank lines, a byte-order mark and CRLF line ends are accepted",
          "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::reminder,
                                            "\xEF\xBB\xBF# En kommentar om {ukendt}\r\n"
                                            "\r\n"
                                            "# endnu en\r\n"
                                            "Emne:   Påmindelse om {step}  \r\n"
                                            "\r\n"
                                            "\r\n"
                                            "Hej {name}\r\n"
                                            "Linje to\r\n"
                                            "\r\n\r\n");
    INFO(dump(parsed));
    REQUIRE(parsed.ok());
    const auto mail = parsed.mail.render(kValues);
    CHECK(mail.subject == "Påmindelse om Kvalitetsrapport");
    // Blank lines before the body and after it go; the body ends with one newline.
    CHECK(mail.body == "Hej Søren Ærø\nLinje to\n");
}

TEST_CASE("a body without a final newline gets one; indentation of its first line stays",
          "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::reminder, "Emne: x\n\n  indrykket\nslut");
    INFO(dump(parsed));
    REQUIRE(parsed.ok());
    CHECK(parsed.mail.render(kValues).body == "  indrykket\nslut\n");
}

TEST_CASE("a placeholder without a value renders as nothing", "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::reminder, "Emne: [{step}]\n\n[{name}]\n");
    REQUIRE(parsed.ok());
    const auto mail = parsed.mail.render({});
    CHECK(mail.subject == "[]");
    CHECK(mail.body == "[]\n");
}

TEST_CASE("each kind has its fixed set of placeholders", "[mail_template]") {
    auto has = [](MailKind kind, std::string_view name) {
        auto names = tilsyn::template_placeholders(kind);
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    for (MailKind kind : tilsyn::kAllMailKinds) {
        INFO(tilsyn::mail_kind_name(kind));
        CHECK(has(kind, "name"));
        CHECK(has(kind, "greeting"));
        CHECK(has(kind, "link"));
        CHECK(has(kind, "organisation"));
    }
    for (auto name : {"institution", "step", "due_date", "due_date_long"}) {
        CHECK(has(MailKind::reminder, name));
        CHECK(has(MailKind::escalation, name));
    }
    CHECK(has(MailKind::escalation, "level"));
    CHECK_FALSE(has(MailKind::reminder, "level"));
    CHECK(has(MailKind::case_opened, "title"));
    CHECK(has(MailKind::case_opened, "action_plan_due"));
    CHECK(has(MailKind::case_opened, "action_plan_due_long"));
    CHECK(has(MailKind::plan_returned, "comment"));
    CHECK_FALSE(has(MailKind::plan_approved, "comment"));
    for (auto name : {"area", "overdue_list", "upcoming_list"}) CHECK(has(MailKind::digest, name));
    CHECK_FALSE(has(MailKind::digest, "institution"));
    CHECK(tilsyn::template_file_name(MailKind::case_opened) == "case_opened.txt");
    CHECK(tilsyn::template_file_name(MailKind::plan_returned) == "plan_returned.txt");
}

// ---- problems -----------------------------------------------------------------------------

TEST_CASE("an unknown placeholder is reported at its brace with a suggestion and the known ones",
          "[mail_template]") {
    // "Kære »" is 6 characters (8 bytes): the column counts characters.
    const std::string text = "Emne: x\n\nKære »{instituion}«\n";
    const auto parsed = parse_mail_template(MailKind::reminder, text);
    INFO(dump(parsed));
    REQUIRE(parsed.problems.size() == 1);
    check_problem(parsed.problems[0], 3, 7,
                  "unknown placeholder '{instituion}' (did you mean 'institution'?)");
    CHECK_THAT(parsed.problems[0].message,
               Catch::Contains("a reminder template can use {name}, {greeting}, {institution}"));
}

TEST_CASE("an unknown placeholder in the subject is located on the Emne line", "[mail_template]") {
    expect_single_problem(MailKind::reminder, "Emne: Påmindelse: {stepp}\n\nx\n", 1, 19,
                          "unknown placeholder '{stepp}' (did you mean 'step'?)");
}

TEST_CASE("a placeholder of another kind is unknown in this one", "[mail_template]") {
    expect_single_problem(MailKind::reminder, "Emne: x\n\nNiveau {level}\n", 3, 8,
                          "unknown placeholder '{level}'");
    expect_single_problem(MailKind::plan_approved, "Emne: x\n\n{comment}\n", 3, 1,
                          "a plan_approved template can use");
    CHECK(parse_mail_template(MailKind::escalation, "Emne: x\n\nNiveau {level}\n").ok());
    CHECK(parse_mail_template(MailKind::plan_returned, "Emne: x\n\n{comment}\n").ok());
}

TEST_CASE("a far-off unknown placeholder has no suggestion", "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::digest, "Emne: x\n\n{skole}\n");
    REQUIRE(parsed.problems.size() == 1);
    CHECK_THAT(parsed.problems[0].message, !Catch::Contains("did you mean"));
}

TEST_CASE("an unclosed brace is reported where it opens", "[mail_template]") {
    expect_single_problem(MailKind::reminder, "Emne: x\n\nFrist {due_date\nnæste linje\n", 3, 7,
                          "unclosed '{'");
    expect_single_problem(MailKind::reminder, "Emne: x {step\n\nx\n", 1, 9, "unclosed '{'");
    expect_single_problem(MailKind::reminder, "Emne: x\n\nslut {", 3, 6, "unclosed '{'");
}

TEST_CASE("an unclosed brace before a placeholder on the same line leaves that placeholder intact",
          "[mail_template]") {
    const auto parsed = parse_mail_template(MailKind::reminder, "Emne: x\n\nå {name og {step}\n");
    INFO(dump(parsed));
    REQUIRE(parsed.problems.size() == 1);
    check_problem(parsed.problems[0], 3, 3, "unclosed '{'");
}

TEST_CASE("a lone closing brace is reported", "[mail_template]") {
    expect_single_problem(MailKind::reminder, "Emne: x\n\nø} og {name}\n", 3, 2,
                          "unmatched '}' (write '}}' for a literal '}')");
}

TEST_CASE("an empty or malformed placeholder name is reported with the likely name",
          "[mail_template]") {
    expect_single_problem(MailKind::reminder, "Emne: x\n\n{}\n", 3, 1, "empty placeholder");
    expect_single_problem(MailKind::reminder, "Emne: x\n\n{Name}\n", 3, 1,
                          "invalid placeholder '{Name}': names use lower-case letters, digits "
                          "and '_' (did you mean 'name'?)");
    expect_single_problem(MailKind::reminder, "Emne: x\n\n{ due date }\n", 3, 1,
                          "(did you mean 'due_date'?)");
    expect_single_problem(MailKind::reminder, "Emne: x\n\n{due-date-long}\n", 3, 1,
                          "(did you mean 'due_date_long'?)");
}

TEST_CASE("a template without an Emne line is reported, and its placeholders still are",
          "[mail_template]") {
    const auto parsed =
        parse_mail_template(MailKind::reminder, "# kommentar\nSubject: {step}\n\n{instituton}\n");
    INFO(dump(parsed));
    REQUIRE(parsed.problems.size() == 2);
    check_problem(parsed.problems[0], 2, 1, "missing 'Emne:' line");
    CHECK_THAT(parsed.problems[0].message, Catch::Contains("the subject line is 'Emne:'"));
    check_problem(parsed.problems[1], 4, 1, "unknown placeholder '{instituton}'");
}

TEST_CASE("a lower-case emne line is a missing Emne line with a hint", "[mail_template]") {
    expect_single_problem(MailKind::reminder, "emne: x\n\ny\n", 1, 1,
                          "write 'Emne:' with a capital E");
}

TEST_CASE("an empty template is a missing Emne line at 1:1", "[mail_template]") {
    expect_single_problem(MailKind::digest, "", 1, 1, "missing 'Emne:' line");
    expect_single_problem(MailKind::digest, "# kun kommentarer\n", 2, 1, "missing 'Emne:' line");
}

TEST_CASE("the Emne line needs a subject, a blank line and a body after it", "[mail_template]") {
    expect_single_problem(MailKind::reminder, "Emne:   \n\nx\n", 1, 9,
                          "the subject after 'Emne:' is empty");
    expect_single_problem(MailKind::reminder, "Emne: x\nKære {name}\n", 2, 1,
                          "expected a blank line between the 'Emne:' line and the body");
    expect_single_problem(MailKind::reminder, "Emne: x", 2, 1,
                          "missing the blank line and the body");
    expect_single_problem(MailKind::reminder, "Emne: x\n\n\n  \n", 3, 1, "no body");
}

TEST_CASE("text that is not UTF-8 is reported where it stops being UTF-8", "[mail_template]") {
    // "K\xE6re" is "Kære" in Latin-1.
    expect_single_problem(MailKind::reminder, "Emne: x\n\nK\xE6re {name}\n", 3, 2,
                          "not valid UTF-8");
}

TEST_CASE("every problem of a template is reported, in text order", "[mail_template]") {
    const std::string text =
        "Emne: Påmindelse {stepp} – {due_date\n"  // 1: unknown at 18, unclosed at 28
        "\n"
        "Kære {Name},\n"             // 3: invalid at 6
        "frist } {due_date_long}\n"  // 4: lone '}' at 7
        "{link} {lnk}\n";            // 5: unknown at 8
    const auto parsed = parse_mail_template(MailKind::reminder, text);
    INFO(dump(parsed));
    REQUIRE(parsed.problems.size() == 5);
    check_problem(parsed.problems[0], 1, 18, "unknown placeholder '{stepp}'");
    check_problem(parsed.problems[1], 1, 28, "unclosed '{'");
    check_problem(parsed.problems[2], 3, 6, "invalid placeholder '{Name}'");
    check_problem(parsed.problems[3], 4, 7, "unmatched '}'");
    check_problem(parsed.problems[4], 5, 8, "unknown placeholder '{lnk}' (did you mean 'link'?)");
}

TEST_CASE("a config's templates are found by kind", "[mail_template]") {
    tilsyn::MailTemplates templates;
    CHECK(templates.find(MailKind::digest) == nullptr);
    auto parsed = parse_mail_template(MailKind::digest, "Emne: Overblik: {area}\n\n{greeting}\n");
    REQUIRE(parsed.ok());
    templates.set(MailKind::digest, parsed.mail);
    REQUIRE(templates.find(MailKind::digest) != nullptr);
    CHECK(templates.find(MailKind::reminder) == nullptr);
    CHECK(templates.find(MailKind::digest)->render({{"area", "Område Syd"}}).subject ==
          "Overblik: Område Syd");
}
