#include "engine/calendar_feed.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/case_view.hpp"
#include "engine/messages.hpp"
#include "engine/plan_format.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

bool step_concerns(Role role, const CycleConfig* cycle, std::string_view step) {
    if (role == Role::admin || role == Role::area_chief) return true;
    const workflows::StepDescription* description = workflows::find_step(step);
    if (!description) return false;
    // The observing institution's leader does such a step, never the observed one's.
    if (description->observer_acts && (role == Role::leader || role == Role::board)) return false;
    const auto actors = step_actors(cycle, *description);
    return std::find(actors.begin(), actors.end(), role) != actors.end();
}

std::string feed_url(const Config& config, std::string_view secret) {
    return fmt::format("{}/feeds/{}.ics", dashboard_base(config), secret);
}

std::string calendar_feed(Store& store, CaseService& cases, const StoredUser& user, Instant now) {
    const Role role = parse_role(user.role).value_or(Role::board);
    const Actor actor{user.email, role, user.area_id, user.institution_id};
    const Date today = local_date(now, cases.zone());
    std::string out;
    append_ics_calendar_begin(out, "Tilsyn frister",
                              fmt::format("Tilsyn – frister for {}", user.email));
    out += fold_ics_line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    out += fold_ics_line("X-PUBLISHED-TTL:PT1H");
    const std::string stamp = format_utc_basic(now);
    for (const auto& summary : list_cycles(store, cases, {}, &actor, today)) {
        const auto& cycle = summary.row.cycle;
        const std::string link = cycle_link(cases.config(), cycle.id);
        const CycleConfig* cycle_config = cases.config().find_cycle(cycle.cycle_config);
        for (const auto& d : store.deadlines(cycle.id)) {
            if (d.kind != "due" || d.done) continue;
            if (summary.observing ? d.step != summary.current_step
                                  : !step_concerns(role, cycle_config, d.step)) {
                continue;
            }
            const std::string_view title = workflows::step_title(d.step);
            const std::string round = d.round ? fmt::format(" (runde {})", d.round) : "";
            const std::string uid = fmt::format("{}/{}/r{}@tilsyn", cycle.id, d.step, d.round);
            const std::string text =
                fmt::format("Frist: {}{} – {}", title, round, summary.row.institution_name);
            append_ics_day_event(out, {uid, d.due_on, text, link}, stamp);
        }
    }
    out += fold_ics_line("END:VCALENDAR");
    return out;
}

}  // namespace tilsyn
