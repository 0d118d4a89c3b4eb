#include "engine/mail_template.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <tuple>

#include "engine/suggest.hpp"

namespace tilsyn {

namespace {

constexpr std::string_view kReminder[] = {
    "name", "greeting", "institution", "step", "due_date", "due_date_long", "link", "organisation"};
constexpr std::string_view kEscalation[] = {"name",  "greeting", "institution",
                                            "step",  "due_date", "due_date_long",
                                            "level", "link",     "organisation"};
constexpr std::string_view kCaseOpened[] = {"name",  "greeting",        "institution",
                                            "title", "action_plan_due", "action_plan_due_long",
                                            "link",  "organisation"};
constexpr std::string_view kCaseResolved[] = {"name", "greeting", "institution",
                                              "note", "link",     "organisation"};
constexpr std::string_view kPlanApproved[] = {"name",      "greeting",    "institution",
                                              "next_step", "next_due",    "next_due_long",
                                              "link",      "organisation"};
constexpr std::string_view kPlanReturned[] = {"name",          "greeting",  "institution",
                                              "comment",       "next_step", "next_due",
                                              "next_due_long", "link",      "organisation"};
constexpr std::string_view kConversationScheduled[] = {
    "name",     "greeting", "institution", "date", "date_long",   "time",
    "end_time", "place",    "organiser",   "link", "organisation"};
constexpr std::string_view kObserverAssigned[] = {
    "name",     "greeting",      "institution", "observer_institution", "round",
    "due_date", "due_date_long", "link",        "organisation"};
constexpr std::string_view kSupportAgreed[] = {"name",         "greeting",    "institution",
                                               "support",      "provided_by", "by_date",
                                               "by_date_long", "link",        "organisation"};
constexpr std::string_view kThemesPublished[] = {
    "name", "greeting", "period", "age_band", "theme_list", "link", "organisation"};
constexpr std::string_view kDigest[] = {"name",          "greeting", "area",        "overdue_list",
                                        "upcoming_list", "link",     "organisation"};

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t n;
    unsigned min;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > text.size()) return 0;
    unsigned code = b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        if (!is_continuation(text[i + k])) return 0;
        code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return n;
}

// Whether `text` starts with the lower-case ASCII `prefix`, ignoring case.
bool starts_with_any_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char p, char t) {
        return p == std::tolower(static_cast<unsigned char>(t));
    });
}

void append_literal(TextTemplate& out, std::string_view text) {
    if (text.empty()) return;
    if (!out.segments.empty() && !out.segments.back().placeholder) {
        out.segments.back().text += text;
    } else {
        out.segments.push_back({std::string(text), false});
    }
}

std::string placeholder_list(MailKind kind) {
    std::string list;
    for (auto name : template_placeholders(kind)) {
        if (!list.empty()) list += ", ";
        list += fmt::format("{{{}}}", name);
    }
    return list;
}

class Parser {
  public:
    Parser(MailKind kind, std::string_view text) : kind_(kind) {
        if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // a byte-order mark
        text_.reserve(text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
            text_ += text[i];
        }
    }

    TemplateParse run() {
        check_utf8();
        skip_comments();
        const std::string_view first = current_line();
        if (first.starts_with("Emne:")) {
            subject_line();
        } else {
            std::string hint;
            if (starts_with_any_case(first, "emne:")) {
                hint = " (write 'Emne:' with a capital E)";
            } else if (starts_with_any_case(first, "subject:")) {
                hint = " (the subject line is 'Emne:')";
            }
            problem(line_, column_,
                    fmt::format("missing 'Emne:' line: a template starts with the subject, "
                                "'Emne: …', then a blank line and the body{}",
                                hint));
            // Still read the rest as body so every placeholder problem is reported at once.
            parse_text(text_.size(), result_.mail.body);
        }
        finish_body();
        std::stable_sort(result_.problems.begin(), result_.problems.end(),
                         [](const TemplateProblem& a, const TemplateProblem& b) {
                             return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                         });
        return std::move(result_);
    }

  private:
    void problem(int line, int column, std::string message) {
        result_.problems.push_back({line, column, std::move(message)});
    }

    std::string_view current_line() const {
        std::string_view rest = std::string_view(text_).substr(pos_);
        return rest.substr(0, rest.find('\n'));
    }

    void advance() {
        const char c = text_[pos_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if (!is_continuation(c)) {
            ++column_;
        }
    }

    void advance_to(std::size_t end) {
        while (pos_ < end) advance();
    }

    void skip_line() {
        while (pos_ < text_.size() && text_[pos_] != '\n') advance();
        if (pos_ < text_.size()) advance();
    }

    void check_utf8() {
        int line = 1, column = 1;
        for (std::size_t i = 0; i < text_.size();) {
            const std::size_t n = utf8_length(text_, i);
            if (n == 0) {
                problem(line, column,
                        "the template is not valid UTF-8 text; save it with the UTF-8 encoding");
                return;
            }
            if (text_[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
            i += n;
        }
    }

    // Comment lines ('#') and blank lines before the subject.
    void skip_comments() {
        while (pos_ < text_.size()) {
            const std::string_view line = current_line();
            if (!line.starts_with('#') && !is_blank(line)) return;
            skip_line();
        }
    }

    void subject_line() {
        const int emne_line = line_;
        advance_to(pos_ + 5);  // "Emne:"
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) advance();
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string::npos) end = text_.size();
        std::size_t trimmed = end;
        while (trimmed > pos_ && (text_[trimmed - 1] == ' ' || text_[trimmed - 1] == '\t'))
            --trimmed;
        if (trimmed == pos_) problem(line_, column_, "the subject after 'Emne:' is empty");
        parse_text(trimmed, result_.mail.subject);
        advance_to(end);
        if (pos_ >= text_.size()) {
            problem(emne_line + 1, 1, "missing the blank line and the body after the 'Emne:' line");
            return;
        }
        advance();  // the subject's newline
        if (is_blank(current_line())) {
            skip_line();
        } else {
            problem(line_, 1, "expected a blank line between the 'Emne:' line and the body");
        }
        body_line_ = line_;
        body_blank_ = std::string_view(text_).substr(pos_).find_first_not_of(" \t\n") ==
                      std::string_view::npos;
        parse_text(text_.size(), result_.mail.body);
    }

    // Parses text_[pos_, end) into `out`; placeholders do not span lines.
    void parse_text(std::size_t end, TextTemplate& out) {
        std::size_t literal_start = pos_;
        auto flush = [&](std::size_t upto) {
            append_literal(out,
                           std::string_view(text_).substr(literal_start, upto - literal_start));
        };
        while (pos_ < end) {
            const char c = text_[pos_];
            if (c != '{' && c != '}') {
                advance();
                continue;
            }
            flush(pos_);
            const bool doubled = pos_ + 1 < end && text_[pos_ + 1] == c;
            if (doubled) {
                append_literal(out, std::string_view(&c, 1));
                advance_to(pos_ + 2);
            } else if (c == '}') {
                problem(line_, column_, "unmatched '}' (write '}}' for a literal '}')");
                append_literal(out, "}");
                advance();
            } else {
                placeholder(end, out);
            }
            literal_start = pos_;
        }
        flush(pos_);
    }

    // At a single '{'.
    void placeholder(std::size_t end, TextTemplate& out) {
        const int line = line_, column = column_;
        std::size_t close = pos_ + 1;
        while (close < end && text_[close] != '}' && text_[close] != '{' && text_[close] != '\n')
            ++close;
        if (close >= end || text_[close] != '}') {
            problem(line, column,
                    "unclosed '{': a placeholder is '{name}' on one line (write '{{' for a "
                    "literal '{')");
            append_literal(out, "{");
            advance();
            return;
        }
        const std::string name = text_.substr(pos_ + 1, close - pos_ - 1);
        advance_to(close + 1);
        const auto allowed = template_placeholders(kind_);
        if (name.empty()) {
            problem(line, column, "empty placeholder '{}' (write '{{' for a literal '{')");
            return;
        }
        if (!std::all_of(name.begin(), name.end(), is_name_char)) {
            // The likely intended name: lower-case, no surrounding spaces, '_' for '-' or ' '.
            std::string guess;
            for (char ch : name) {
                if (ch == ' ' || ch == '\t') {
                    if (!guess.empty()) guess += '_';
                } else if (ch == '-') {
                    guess += '_';
                } else {
                    guess += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                }
            }
            while (!guess.empty() && guess.back() == '_') guess.pop_back();
            problem(line, column,
                    fmt::format("invalid placeholder '{{{}}}': names use lower-case letters, "
                                "digits and '_'{} (write '{{{{' for a literal '{{')",
                                name, did_you_mean(guess, allowed)));
            return;
        }
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            problem(line, column,
                    fmt::format("unknown placeholder '{{{}}}'{}; a {} template can use {}", name,
                                did_you_mean(name, allowed), mail_kind_name(kind_),
                                placeholder_list(kind_)));
            return;
        }
        out.segments.push_back({name, true});
    }

    // The body starts after blank lines and ends with exactly one newline.
    void finish_body() {
        auto& segments = result_.mail.body.segments;
        while (!segments.empty() && !segments.front().placeholder) {
            auto& text = segments.front().text;
            const auto first = text.find_first_not_of(" \t\n");
            if (first == std::string::npos) {
                segments.erase(segments.begin());
                continue;
            }
            // Keep the indentation of the first line; drop only whole blank lines.
            const auto line_start = text.rfind('\n', first);
            text.erase(0, line_start == std::string::npos ? 0 : line_start + 1);
            break;
        }
        while (!segments.empty() && !segments.back().placeholder) {
            auto& text = segments.back().text;
            const auto last = text.find_last_not_of(" \t\n");
            if (last == std::string::npos) {
                segments.pop_back();
                continue;
            }
            text.erase(last + 1);
            break;
        }
        if (segments.empty()) {
            // (A body whose only text was a bad placeholder has that problem already.)
            if (body_line_ > 0 && body_blank_)
                problem(body_line_, 1, "the mail has no body after the 'Emne:' line");
            return;
        }
        append_literal(result_.mail.body, "\n");
    }

    MailKind kind_;
    std::string text_;
    std::size_t pos_ = 0;
    int line_ = 1;
    int column_ = 1;
    int body_line_ = 0;
    bool body_blank_ = false;
    TemplateParse result_;
};

}  // namespace

std::string_view mail_kind_name(MailKind kind) {
    switch (kind) {
        case MailKind::reminder:
            return "reminder";
        case MailKind::escalation:
            return "escalation";
        case MailKind::case_opened:
            return "case_opened";
        case MailKind::case_resolved:
            return "case_resolved";
        case MailKind::plan_approved:
            return "plan_approved";
        case MailKind::plan_returned:
            return "plan_returned";
        case MailKind::conversation_scheduled:
            return "conversation_scheduled";
        case MailKind::observer_assigned:
            return "observer_assigned";
        case MailKind::support_agreed:
            return "support_agreed";
        case MailKind::themes_published:
            return "themes_published";
        case MailKind::digest:
            return "digest";
    }
    return "?";
}

std::optional<MailKind> parse_mail_kind(std::string_view name) {
    for (MailKind kind : kAllMailKinds) {
        if (mail_kind_name(kind) == name) return kind;
    }
    return std::nullopt;
}

std::string template_file_name(MailKind kind) {
    return fmt::format("{}.txt", mail_kind_name(kind));
}

std::span<const std::string_view> template_placeholders(MailKind kind) {
    switch (kind) {
        case MailKind::reminder:
            return kReminder;
        case MailKind::escalation:
            return kEscalation;
        case MailKind::case_opened:
            return kCaseOpened;
        case MailKind::case_resolved:
            return kCaseResolved;
        case MailKind::plan_approved:
            return kPlanApproved;
        case MailKind::plan_returned:
            return kPlanReturned;
        case MailKind::conversation_scheduled:
            return kConversationScheduled;
        case MailKind::observer_assigned:
            return kObserverAssigned;
        case MailKind::support_agreed:
            return kSupportAgreed;
        case MailKind::themes_published:
            return kThemesPublished;
        case MailKind::digest:
            return kDigest;
    }
    return {};
}

std::string TextTemplate::render(const TemplateValues& values) const {
    std::string out;
    for (const auto& segment : segments) {
        if (!segment.placeholder) {
            out += segment.text;
        } else if (auto it = values.find(segment.text); it != values.end()) {
            out += it->second;
        }
    }
    return out;
}

bool TextTemplate::uses(std::string_view placeholder) const {
    return std::any_of(segments.begin(), segments.end(), [&](const TemplateSegment& s) {
        return s.placeholder && s.text == placeholder;
    });
}

MailText MailTemplate::render(const TemplateValues& values) const {
    return {subject.render(values), body.render(values)};
}

TemplateParse parse_mail_template(MailKind kind, std::string_view text) {
    return Parser(kind, text).run();
}

const MailTemplate* MailTemplates::find(MailKind kind) const {
    const auto& slot = by_kind[static_cast<std::size_t>(kind)];
    return slot ? &*slot : nullptr;
}

void MailTemplates::set(MailKind kind, MailTemplate mail) {
    by_kind[static_cast<std::size_t>(kind)] = std::move(mail);
}

}  // namespace tilsyn
