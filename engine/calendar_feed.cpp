#include "engine/calendar_feed.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/case_view.hpp"
#include "engine/plan_format.hpp"
#include "engine/workflow_catalog.hpp"

namespace tilsyn {

namespace {

std::string compact(Date date) {
    std::string text = format_date(date);
    text.erase(std::remove(text.begin(), text.end(), '-'), text.end());
    return text;
}

std::string dashboard_base(const Config& config) {
    std::string base = config.organisation.dashboard_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

}  // namespace

bool step_concerns(Role role, std::string_view step) {
    if (role == Role::admin || role == Role::area_chief) return true;
    const StepDefinition* definition = find_step_definition(step);
    if (!definition) return false;  // follow_up: the area chief's
    return std::find(definition->responsible.begin(), definition->responsible.end(), role) !=
           definition->responsible.end();
}

std::string feed_url(const Config& config, std::string_view secret) {
    return fmt::format("{}/feeds/{}.ics", dashboard_base(config), secret);
}

std::string calendar_feed(Store& store, CaseService& cases, const StoredUser& user, Instant now) {
    const Role role = parse_role(user.role).value_or(Role::board);
    const Actor actor{user.email, role, user.area_id, user.institution_id};
    const Date today = local_date(now, cases.zone());
    std::string out;
    auto line = [&](std::string_view content) { out += fold_ics_line(content); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Tilsyn//Tilsyn frister//DA");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:" + escape_ics_text(fmt::format("Tilsyn – frister for {}", user.email)));
    line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    line("X-PUBLISHED-TTL:PT1H");
    const std::string stamp = format_utc_basic(now);
    for (const auto& summary : list_cycles(store, cases, {}, &actor, today)) {
        const auto& cycle = summary.row.cycle;
        for (const auto& d : store.deadlines(cycle.id)) {
            if (d.kind != "due" || d.done || !step_concerns(role, d.step)) continue;
            const StepDefinition* step = find_step_definition(d.step);
            const std::string title = step ? std::string(step->danish_title)
                                           : d.step == "follow_up" ? "Opfølgning på tilsynssag"
                                                                   : d.step;
            const std::string round = d.round ? fmt::format(" (runde {})", d.round) : "";
            line("BEGIN:VEVENT");
            line(fmt::format("UID:{}/{}/r{}@tilsyn", cycle.id, d.step, d.round));
            line("DTSTAMP:" + stamp);
            line("DTSTART;VALUE=DATE:" + compact(d.due_on));
            line("DTEND;VALUE=DATE:" + compact(d.due_on + std::chrono::days{1}));
            line("SUMMARY:" + escape_ics_text(fmt::format("Frist: {}{} – {}", title, round,
                                                          summary.row.institution_name)));
            line("DESCRIPTION:" +
                 escape_ics_text(fmt::format("{}/cycles/{}", dashboard_base(cases.config()),
                                             cycle.id)));
            line("TRANSP:TRANSPARENT");
            line("END:VEVENT");
        }
    }
    line("END:VCALENDAR");
    return out;
}

}  // namespace tilsyn
