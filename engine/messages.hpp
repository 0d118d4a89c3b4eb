// The Danish e-mails the engine queues: reminders, escalations and supervision-case notices.
// (Administrator-editable templates replace these texts with the mail issue.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/config.hpp"

namespace tilsyn {

struct MailText {
    std::string subject;
    std::string body;
};

/// "mandag den 12. oktober 2026".
std::string danish_long_date(Date date);

/// The Danish title of a step of any workflow ("Kvalitetsrapport"), or the name itself.
std::string_view step_title(std::string_view step);

/// The people holding some roles for an institution, each once, in role order.
std::vector<Person> people_for(const Config& config, const Institution& institution,
                               const std::vector<Role>& roles);

/// A stable Message-ID for one notice to one recipient: the same however often it is retried.
std::string message_id(std::string_view cycle_id, std::string_view step, int round,
                       std::string_view kind, int level, std::string_view recipient);

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

}  // namespace tilsyn
