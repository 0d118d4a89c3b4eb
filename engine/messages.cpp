#include "engine/messages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "engine/sha256.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

namespace {

constexpr std::string_view kWeekdays[] = {"søndag",  "mandag", "tirsdag", "onsdag",
                                          "torsdag", "fredag", "lørdag"};
constexpr std::string_view kMonths[] = {"januar",    "februar", "marts",    "april",
                                        "maj",       "juni",    "juli",     "august",
                                        "september", "oktober", "november", "december"};

std::string greeting(const Person& to) {
    return to.name.empty() ? "Hej," : fmt::format("Kære {},", to.name);
}

// The built-in texts; config/templates/*.txt ship with the same (a test keeps them in step).
constexpr std::string_view kReminderText =
    R"TXT(Emne: Påmindelse: {step} for {institution} – frist {due_date}

{greeting}

Vi vil gerne minde om, at trinnet »{step}« for {institution} har frist {due_date_long}.

Du kan se forløbet på dashboardet:
{link}

Er trinnet allerede afsluttet, kan du se bort fra denne påmindelse.

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kEscalationText =
    R"TXT(Emne: Overskredet frist: {step} for {institution} (frist {due_date})

{greeting}

Fristen for trinnet »{step}« for {institution} var {due_date_long}, og trinnet er endnu ikke afsluttet.

Sagen er derfor eskaleret (niveau {level}). Vi beder dig følge op, så trinnet kan blive afsluttet hurtigst muligt.

Du kan se forløbet på dashboardet:
{link}

Er trinnet afsluttet i mellemtiden, kan du se bort fra denne mail.

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kCaseOpenedText = R"TXT(Emne: Tilsynspunkt givet: {institution} – {title}

{greeting}

{institution} har fået et tilsynspunkt: »{title}«.

Tilbuddet er derfor under skærpet ledelsesmæssig opmærksomhed og får styrket opfølgning og understøttelse, indtil tilsynssagen er afsluttet. Som første skridt udarbejder lederen en handleplan med frist {action_plan_due_long}.

Du kan se tilsynssagen på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kCaseResolvedText = R"TXT(Emne: Tilsynssag afsluttet: {institution}

{greeting}

Tilsynssagen for {institution} er afsluttet. Områdechefen skriver:

{note}

Tilbuddet er ikke længere under skærpet ledelsesmæssig opmærksomhed for dette tilsynspunkt.

Du kan se tilsynssagen på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kPlanApprovedText = R"TXT(Emne: Udviklingsplan godkendt: {institution}

{greeting}

Udviklingsplanen for {institution} er godkendt.

Næste trin: {next_step}. Planen offentliggøres på tilbuddets hjemmeside senest {next_due}, og linket til den registreres i Tilsyn.

Du kan se forløbet på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kPlanReturnedText = R"TXT(Emne: Udviklingsplan sendt retur: {institution}

{greeting}

Udviklingsplanen for {institution} er sendt retur med følgende kommentar:

{comment}

Vi beder dig tilrette planen ud fra kommentaren og indsende den igen senest {next_due}.

Du kan se forløbet på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kConversationScheduledText =
    R"TXT(Emne: Kvalitetssamtale: {institution} – {date} kl. {time}

{greeting}

Kvalitetssamtalen for {institution} er planlagt til {date_long} fra kl. {time} til {end_time}.

Sted: {place}

Samtalen holdes med {organiser}, og bestyrelsen er repræsenteret. Du kan tage imod invitationen i din kalender. Bliver samtalen flyttet, får du en ny mail, og aftalen i kalenderen flytter med.

Du kan se forløbet på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kObserverAssignedText =
    R"TXT(Emne: Læringsmiljøobservation i {institution} (runde {round}) – frist {due_date}

{greeting}

{observer_institution} er udpeget til at observere læringsmiljøet i {institution} i runde {round} af læringsdialogen.

Efter observationen giver du mundtlig og skriftlig feedback. Den skriftlige feedback er data til læringssamtalen. Fristen er efter planen {due_date_long}, og du får en påmindelse, inden den udløber.

Du afgiver den skriftlige feedback på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kSupportAgreedText = R"TXT(Emne: Aftalt understøttelse: {institution}

{greeting}

Som en del af den styrkede opfølgning og understøttelse efter tilsynspunktet er der aftalt denne understøttelse af {institution}:

{support}

Understøttelsen gives af {provided_by} senest {by_date_long}.

Du kan se tilsynssagen på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kThemesPublishedText =
    R"TXT(Emne: Politisk besluttede temaer for {period} ({age_band} år)

{greeting}

Børn og Unge-udvalget har besluttet disse temaer for perioden {period} for tilbud til de {age_band}-årige:

{theme_list}

Drøft temaerne lokalt. I læringssamtalerne vælger I fokusområder, der knytter sig til dem, og det, I gør, indgår i den politiske rapport.

Du kan se temaerne på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

constexpr std::string_view kDigestText = R"TXT(Emne: Overblik over frister: {area}

{greeting}

Her er et overblik over fristerne for institutionerne i {area}.

Overskredne frister:
{overdue_list}

Kommende frister:
{upcoming_list}

Du kan se det samlede overblik på dashboardet:
{link}

Med venlig hilsen
Tilsyn
{organisation}
)TXT";

// The placeholders every kind has.
TemplateValues common_values(const Config& config, const Person& to) {
    return {
        {"name", to.name}, {"greeting", greeting(to)}, {"organisation", config.organisation.name}};
}

}  // namespace

std::string dashboard_base(const Config& config) {
    std::string base = config.organisation.dashboard_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

std::string danish_date(Date date) {
    const std::string iso = format_date(date);  // YYYY-MM-DD
    return fmt::format("{}.{}.{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::string danish_list(const std::vector<std::string>& items, std::string_view conjunction) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += i + 1 == items.size() ? fmt::format(" {} ", conjunction) : ", ";
        out += items[i];
    }
    return out;
}

std::string danish_long_date(Date date) {
    std::chrono::year_month_day ymd{date};
    std::chrono::weekday wd{date};
    return fmt::format(
        "{} den {}. {} {}", kWeekdays[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
        kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()));
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
    for (Role role : {Role::leader, Role::board, Role::area_chief, Role::director, Role::admin}) {
        if (std::find(roles.begin(), roles.end(), role) == roles.end()) continue;
        switch (role) {
            case Role::leader:
                add(institution.leader);
                break;
            case Role::board:
                add(institution.board);
                break;
            case Role::area_chief:
                if (const Area* area = config.find_area(institution.area)) add(area->chief);
                break;
            case Role::director:
                add(config.organisation.director);
                break;
            case Role::admin:
                add(config.organisation.administration);
                break;
        }
    }
    return people;
}

std::string message_id(std::string_view cycle_id, std::string_view step, int round,
                       std::string_view kind, int level, std::string_view recipient) {
    std::string key =
        fmt::format("{}\n{}\n{}\n{}\n{}\n{}", cycle_id, step, round, kind, level, recipient);
    return fmt::format("<{}@tilsyn>", sha256_hex(key).substr(0, 40));
}

std::string deadline_message_id(std::string_view cycle_id, std::string_view step, int round,
                                Date due, std::string_view kind, int level,
                                std::string_view recipient) {
    return message_id(cycle_id, step, round, fmt::format("{}\n{}", kind, format_date(due)), level,
                      recipient);
}

std::string cycle_link(const Config& config, std::string_view cycle_id) {
    return fmt::format("{}/cycles/{}", dashboard_base(config), cycle_id);
}

std::string_view builtin_template_text(MailKind kind) {
    switch (kind) {
        case MailKind::reminder:
            return kReminderText;
        case MailKind::escalation:
            return kEscalationText;
        case MailKind::case_opened:
            return kCaseOpenedText;
        case MailKind::case_resolved:
            return kCaseResolvedText;
        case MailKind::plan_approved:
            return kPlanApprovedText;
        case MailKind::plan_returned:
            return kPlanReturnedText;
        case MailKind::conversation_scheduled:
            return kConversationScheduledText;
        case MailKind::observer_assigned:
            return kObserverAssignedText;
        case MailKind::support_agreed:
            return kSupportAgreedText;
        case MailKind::themes_published:
            return kThemesPublishedText;
        case MailKind::digest:
            return kDigestText;
    }
    return {};
}

const MailTemplate& builtin_template(MailKind kind) {
    static const auto parsed = [] {
        std::array<MailTemplate, kAllMailKinds.size()> all;
        for (MailKind k : kAllMailKinds) {
            auto result = parse_mail_template(k, builtin_template_text(k));
            if (!result.ok()) {
                throw std::logic_error(fmt::format(
                    "built-in {} template: {}:{}: {}", mail_kind_name(k), result.problems[0].line,
                    result.problems[0].column, result.problems[0].message));
            }
            all[static_cast<std::size_t>(k)] = std::move(result.mail);
        }
        return all;
    }();
    return parsed[static_cast<std::size_t>(kind)];
}

const MailTemplate& mail_template_for(const Config& config, MailKind kind) {
    if (const MailTemplate* configured = config.mail.templates.find(kind)) return *configured;
    return builtin_template(kind);
}

MailText reminder_mail(const Config& config, const Institution& institution,
                       std::string_view cycle_id, std::string_view step, Date due,
                       const Person& to) {
    auto values = common_values(config, to);
    values["institution"] = institution.name;
    values["step"] = std::string(workflows::step_title(step));
    values["due_date"] = danish_date(due);
    values["due_date_long"] = danish_long_date(due);
    values["link"] = cycle_link(config, cycle_id);
    return mail_template_for(config, MailKind::reminder).render(values);
}

MailText escalation_mail(const Config& config, const Institution& institution,
                         std::string_view cycle_id, std::string_view step, Date due, int level,
                         const Person& to) {
    auto values = common_values(config, to);
    values["institution"] = institution.name;
    values["step"] = std::string(workflows::step_title(step));
    values["due_date"] = danish_date(due);
    values["due_date_long"] = danish_long_date(due);
    values["level"] = std::to_string(level);
    values["link"] = cycle_link(config, cycle_id);
    return mail_template_for(config, MailKind::escalation).render(values);
}

MailText case_opened_mail(const Config& config, const Institution& institution,
                          std::string_view case_id, std::string_view title, Date action_plan_due,
                          const Person& to) {
    auto values = common_values(config, to);
    values["institution"] = institution.name;
    values["title"] = std::string(title);
    values["action_plan_due"] = danish_date(action_plan_due);
    values["action_plan_due_long"] = danish_long_date(action_plan_due);
    values["link"] = cycle_link(config, case_id);
    return mail_template_for(config, MailKind::case_opened).render(values);
}

MailText decision_mail(const Config& config, MailKind kind, const Institution& institution,
                       std::string_view cycle_id, const TemplateValues& payload_texts,
                       const Person& to) {
    TemplateValues values = payload_texts;
    for (auto& [key, value] : common_values(config, to)) values[key] = std::move(value);
    values["institution"] = institution.name;
    values["link"] = cycle_link(config, cycle_id);
    return mail_template_for(config, kind).render(values);
}

std::string mail_recipient(const Person& to) {
    return to.name.empty() ? to.email : fmt::format("{} <{}>", to.name, to.email);
}

MailText themes_mail(const Config& config, const TemplateValues& values, const Person& to) {
    TemplateValues all = values;
    for (auto& [key, value] : common_values(config, to)) all[key] = std::move(value);
    all["link"] = fmt::format("{}/themes", dashboard_base(config));
    return mail_template_for(config, MailKind::themes_published).render(all);
}

std::string digest_list(const Config& config, const std::vector<DigestItem>& items) {
    if (items.empty()) return "Ingen.";
    std::string text;
    for (const auto& item : items) {
        if (!text.empty()) text += '\n';
        text += fmt::format("- {}: {}, frist {}", item.institution,
                            workflows::step_title(item.step), danish_long_date(item.due));
        if (!item.cycle_id.empty())
            text += fmt::format("\n  {}", cycle_link(config, item.cycle_id));
    }
    return text;
}

MailText digest_mail(const Config& config, const Area& area, const std::vector<DigestItem>& overdue,
                     const std::vector<DigestItem>& upcoming, const Person& to) {
    auto values = common_values(config, to);
    values["area"] = area.name;
    values["overdue_list"] = digest_list(config, overdue);
    values["upcoming_list"] = digest_list(config, upcoming);
    values["link"] = dashboard_base(config);
    return mail_template_for(config, MailKind::digest).render(values);
}

}  // namespace tilsyn
