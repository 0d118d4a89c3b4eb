#include "engine/messages.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/sha256.hpp"
#include "engine/workflow_catalog.hpp"

namespace tilsyn {

namespace {

constexpr std::string_view kWeekdays[] = {"søndag", "mandag", "tirsdag", "onsdag",
                                          "torsdag", "fredag", "lørdag"};
constexpr std::string_view kMonths[] = {"januar", "februar", "marts",     "april",
                                        "maj",    "juni",    "juli",      "august",
                                        "september", "oktober", "november", "december"};

std::string greeting(const Person& to) {
    return to.name.empty() ? "Hej," : fmt::format("Kære {},", to.name);
}

std::string signature(const Config& config) {
    return fmt::format("Venlig hilsen\nTilsyn, {}\n", config.organisation.name);
}

}  // namespace

std::string danish_long_date(Date date) {
    std::chrono::year_month_day ymd{date};
    std::chrono::weekday wd{date};
    return fmt::format("{} den {}. {} {}", kWeekdays[wd.c_encoding()],
                       static_cast<unsigned>(ymd.day()),
                       kMonths[static_cast<unsigned>(ymd.month()) - 1],
                       static_cast<int>(ymd.year()));
}

std::string_view step_title(std::string_view step) {
    for (const auto& workflow : all_workflows()) {
        for (const auto* steps : {&workflow.steps, &workflow.supervision_steps}) {
            for (const auto& s : *steps) {
                if (s.name == step) return s.danish_title;
            }
        }
    }
    if (step == "follow_up") return "Opfølgning i tilsynssag";
    return step;
}

std::vector<Person> people_for(const Config& config, const Institution& institution,
                               const std::vector<Role>& roles) {
    std::vector<Person> people;
    auto add = [&](const Person& p) {
        if (p.email.empty()) return;
        for (const auto& q : people) {
            if (q.email == p.email) return;
        }
        people.push_back(p);
    };
    for (Role role : {Role::leader, Role::board, Role::area_chief, Role::director}) {
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) continue;
        switch (role) {
            case Role::leader: add(institution.leader); break;
            case Role::board: add(institution.board); break;
            case Role::area_chief:
                if (const Area* area = config.find_area(institution.area)) add(area->chief);
                break;
            case Role::director: add(config.organisation.director); break;
            case Role::admin: break;
        }
    }
    return people;
}

std::string message_id(std::string_view cycle_id, std::string_view step, int round,
                       std::string_view kind, int level, std::string_view recipient) {
    std::string key = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", cycle_id, step, round, kind, level,
                                  recipient);
    return fmt::format("<{}@tilsyn>", sha256_hex(key).substr(0, 40));
}

std::string cycle_link(const Config& config, std::string_view cycle_id) {
    std::string base = config.organisation.dashboard_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return fmt::format("{}/cycles/{}", base, cycle_id);
}

MailText reminder_mail(const Config& config, const Institution& institution,
                       std::string_view cycle_id, std::string_view step, Date due,
                       const Person& to) {
    MailText mail;
    mail.subject = fmt::format("Påmindelse: {} for {} – frist {}", step_title(step),
                               institution.name, format_date(due));
    mail.body = fmt::format(
        "{}\n\nDette er en påmindelse om, at trinnet »{}« for {} har frist {}.\n\n"
        "Se forløbet på dashboardet:\n{}\n\n{}",
        greeting(to), step_title(step), institution.name, danish_long_date(due),
        cycle_link(config, cycle_id), signature(config));
    return mail;
}

MailText escalation_mail(const Config& config, const Institution& institution,
                         std::string_view cycle_id, std::string_view step, Date due, int level,
                         const Person& to) {
    MailText mail;
    mail.subject = fmt::format("Overskredet frist: {} for {} (frist {})", step_title(step),
                               institution.name, format_date(due));
    mail.body = fmt::format(
        "{}\n\nFristen for trinnet »{}« for {} var {}, og trinnet er endnu ikke afsluttet.\n"
        "Sagen er eskaleret (niveau {}).\n\nSe forløbet på dashboardet:\n{}\n\n{}",
        greeting(to), step_title(step), institution.name, danish_long_date(due), level,
        cycle_link(config, cycle_id), signature(config));
    return mail;
}

MailText case_opened_mail(const Config& config, const Institution& institution,
                          std::string_view case_id, std::string_view title, Date action_plan_due,
                          const Person& to) {
    MailText mail;
    mail.subject = fmt::format("Tilsynspunkt givet: {} – {}", institution.name, title);
    mail.body = fmt::format(
        "{}\n\nDer er givet et tilsynspunkt til {}: »{}«.\n"
        "Institutionen er nu under skærpet ledelsesmæssig opmærksomhed og styrket opfølgning "
        "og understøttelse.\nHandleplanen har frist {}.\n\nSe tilsynssagen på dashboardet:\n"
        "{}\n\n{}",
        greeting(to), institution.name, title, danish_long_date(action_plan_due),
        cycle_link(config, case_id), signature(config));
    return mail;
}

}  // namespace tilsyn
