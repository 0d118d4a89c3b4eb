// The Danish e-mails the engine queues: reminders, escalations and supervision-case notices.
// The texts come from the configured templates (config/templates/*.txt, engine/mail_template.hpp)
// and, for a config without templates, from the built-in ones below (the same texts as shipped).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config.hpp"
#include "engine/mail_template.hpp"

namespace tilsyn {

/// The built-in template text of a kind (what config/templates/<kind>.txt ships with).
std::string_view builtin_template_text(MailKind kind);
/// The built-in template, parsed once.
const MailTemplate& builtin_template(MailKind kind);
/// The config's template of a kind, else the built-in one.
const MailTemplate& mail_template_for(const Config& config, MailKind kind);

/// "mandag den 12. oktober 2026": a date in running text.
std::string danish_long_date(Date date);

/// "12.10.2026": a date on screen, in tables and in mail subjects (glossary.md).
std::string danish_date(Date date);

/// Items joined the Danish way, with no comma before the last: "A", "A og B", "A, B og C"
/// (`conjunction` "og" or "eller").
std::string danish_list(const std::vector<std::string>& items, std::string_view conjunction);

/// The people holding some roles for an institution, each once, in role order.
std::vector<Person> people_for(const Config& config, const Institution& institution,
                               const std::vector<Role>& roles);

/// A stable Message-ID for one notice to one recipient: the same however often it is retried.
std::string message_id(std::string_view cycle_id, std::string_view step, int round,
                       std::string_view kind, int level, std::string_view recipient);

/// The Message-ID of a reminder or escalation to one recipient: one per occurrence of the
/// deadline, told apart by its due date. A retry of the same mail keeps it, while a recurring
/// step's next occurrence (the next follow-up of a supervision case) or a step armed again with
/// a new due date (a plan returned after its deadline) gets mail of its own: the outbox keeps
/// one message per Message-ID, so a shared one would be dropped.
std::string deadline_message_id(std::string_view cycle_id, std::string_view step, int round,
                                Date due, std::string_view kind, int level,
                                std::string_view recipient);

/// The configured dashboard_url without trailing slashes.
std::string dashboard_base(const Config& config);

/// The dashboard page of a cycle or case.
std::string cycle_link(const Config& config, std::string_view cycle_id);

MailText reminder_mail(const Config& config, const Institution& institution,
                       std::string_view cycle_id, std::string_view step, Date due,
                       const Person& to);

MailText escalation_mail(const Config& config, const Institution& institution,
                         std::string_view cycle_id, std::string_view step, Date due, int level,
                         const Person& to);

MailText case_opened_mail(const Config& config, const Institution& institution,
                          std::string_view case_id, std::string_view title, Date action_plan_due,
                          const Person& to);

/// A decision's notice (a workflow's notification, e.g. plan_approved or plan_returned): the
/// template of `kind` with the common values, the institution, the cycle's link and the text
/// fields of the event's payload (`{comment}` of a returned plan).
MailText decision_mail(const Config& config, MailKind kind, const Institution& institution,
                       std::string_view cycle_id, const TemplateValues& payload_texts,
                       const Person& to);

/// A person as a mail's recipient: "Name <address>", or the address alone.
std::string mail_recipient(const Person& to);

/// The themes of a period published (`values`: period, age_band, theme_list), to a leader or an
/// area chief of that age band, with the link to the themes' page.
MailText themes_mail(const Config& config, const TemplateValues& values, const Person& to);

/// One line of a digest: a step of an institution's cycle or case and its due date.
struct DigestItem {
    std::string institution;  // its name
    std::string step;         // the step's name (rendered with its Danish title)
    Date due{};
    std::string cycle_id;  // for a link; may be empty
};

/// The text of a digest list: one "- Institution: Trin, frist …" line (and its link) per
/// item, or "Ingen." when empty.
std::string digest_list(const Config& config, const std::vector<DigestItem>& items);

/// An overview for an area chief (or the director): overdue and upcoming deadlines in an area.
MailText digest_mail(const Config& config, const Area& area, const std::vector<DigestItem>& overdue,
                     const std::vector<DigestItem>& upcoming, const Person& to);

}  // namespace tilsyn
