// Administrator-editable mail templates (config/templates/*.txt): a tiny template language.
//
//   # Lines starting with '#' before the subject are comments.
//   Emne: Påmindelse: {step} for {institution} – frist {due_date}
//
//   {greeting}
//   …the body, with {placeholders}…
//
// The first (non-comment) line is `Emne: ` and the subject template, then one blank line,
// then the body template. `{name}` is a placeholder (lower-case letters, digits and '_'); each
// kind of message has a fixed set of them. `{{` and `}}` are literal braces. A template is
// parsed once into segments; rendering only concatenates.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tilsyn {

struct MailText {
    std::string subject;
    std::string body;
};

/// The kinds of message that have a template; each is one file `<name>.txt`.
enum class MailKind {
    reminder,
    escalation,
    case_opened,
    case_resolved,
    plan_approved,
    plan_returned,
    conversation_scheduled,
    observer_assigned,
    support_agreed,
    themes_published,
    digest
};
inline constexpr std::array kAllMailKinds = {MailKind::reminder,
                                             MailKind::escalation,
                                             MailKind::case_opened,
                                             MailKind::case_resolved,
                                             MailKind::plan_approved,
                                             MailKind::plan_returned,
                                             MailKind::conversation_scheduled,
                                             MailKind::observer_assigned,
                                             MailKind::support_agreed,
                                             MailKind::themes_published,
                                             MailKind::digest};

/// "reminder", "case_opened", …
std::string_view mail_kind_name(MailKind kind);
/// The kind a template name ("plan_returned") stands for, or nullopt.
std::optional<MailKind> parse_mail_kind(std::string_view name);
/// "reminder.txt", …: the file in the templates folder.
std::string template_file_name(MailKind kind);
/// The placeholders a template of this kind may use.
std::span<const std::string_view> template_placeholders(MailKind kind);

/// Placeholder name → text. A placeholder without a value renders as nothing.
using TemplateValues = std::map<std::string, std::string, std::less<>>;

struct TemplateSegment {
    std::string text;  // literal text, or the placeholder's name
    bool placeholder = false;
};

/// One parsed text (the subject or the body).
struct TextTemplate {
    std::vector<TemplateSegment> segments;

    std::string render(const TemplateValues& values) const;
    bool uses(std::string_view placeholder) const;
};

struct MailTemplate {
    TextTemplate subject;  // one line
    TextTemplate body;     // ends with exactly one newline

    MailText render(const TemplateValues& values) const;
};

/// A problem inside a template text; line and column are 1-based, the column counts
/// characters (not bytes).
struct TemplateProblem {
    int line = 0;
    int column = 0;
    std::string message;
};

struct TemplateParse {
    MailTemplate mail;  // meaningful only when `problems` is empty
    std::vector<TemplateProblem> problems;
    bool ok() const { return problems.empty(); }
};

/// Parses a template of `kind`, reporting every problem (unknown or malformed placeholders with
/// a suggestion, an unclosed '{', a lone '}', a missing `Emne:` line or blank line, text that
/// is not UTF-8), in text order.
TemplateParse parse_mail_template(MailKind kind, std::string_view text);

/// The templates a configuration supplies; a kind without one uses the built-in text.
struct MailTemplates {
    std::array<std::optional<MailTemplate>, kAllMailKinds.size()> by_kind;

    const MailTemplate* find(MailKind kind) const;
    void set(MailKind kind, MailTemplate mail);
};

}  // namespace tilsyn
