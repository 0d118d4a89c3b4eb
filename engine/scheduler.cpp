#include "engine/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "engine/messages.hpp"
#include "engine/planner.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn {

namespace {

// Who a step's reminders go to (its workflow's description says, or the cycle's config for an
// assignable step).
std::vector<Role> reminded_for(const Config& config, std::string_view cycle_config,
                               std::string_view step) {
    const workflows::StepDescription* description = workflows::find_step(step);
    return description ? step_reminded(config.find_cycle(cycle_config), *description)
                       : std::vector<Role>{};
}

}  // namespace

Scheduler::Scheduler(Store& store, CaseService& cases) : store_(store), cases_(cases) {}

void Scheduler::open_cycles(Instant at, TickReport& report) {
    const Config& config = cases_.config();
    const Date today = local_date(at, cases_.zone());
    for (const auto& cycle : config.cycles) {
        if (workflows::initial_state(cycle.workflow).empty()) continue;  // no machine yet
        // Only the latest period that has started: a first run long after a start does not
        // open every past period.
        auto starts = cycle_starts(cycle, today, today + std::chrono::days{1});
        if (starts.empty()) continue;
        const Date start = starts.back();
        if (store_.period_opened(cycle.id, start)) continue;
        std::vector<const Institution*> covered;
        for (const auto& inst : config.institutions) {
            if (selects(cycle.institutions, inst)) covered.push_back(&inst);
        }
        for (std::size_t begin = 0; begin < covered.size(); begin += kTickBatch) {
            const std::size_t end = std::min(covered.size(), begin + kTickBatch);
            store_.in_transaction([&] {
                for (std::size_t i = begin; i < end; ++i) {
                    report.cycles_opened += cases_.open_cycle(cycle, *covered[i], start, at);
                }
            });
        }
        store_.in_transaction([&] { store_.mark_period_opened(cycle.id, start, at); });
    }
}

void Scheduler::fire_deadlines(Instant at, TickReport& report) {
    const Config& config = cases_.config();
    // Reminder groups already fired in this tick: their earlier reminders are closed in the
    // database but may still be in a batch read before.
    std::set<std::tuple<std::string, std::string, int>> fired_groups;
    // What firing needs of each instance, looked up once per tick. Not the whole record: its
    // timeline text would make a tick over many cycles hold megabytes per thousand.
    struct Instance {
        std::string id;
        std::string workflow;
        std::string cycle_config;
        std::string institution_id;
        std::shared_ptr<const Timeline> timeline;
    };
    std::map<std::string, Instance> instances;
    const Date today = local_date(at, cases_.zone());
    for (bool more = true; more;) {
        // Read and fire in one transaction: on PostgreSQL the batch stays locked, and other
        // nodes ticking at the same time skip it, so each deadline fires once.
        store_.in_transaction([&] {
            auto batch = store_.due_deadlines(at, kTickBatch);
            more = !batch.empty();
            for (const auto& deadline : batch) {
                auto it = instances.find(deadline.cycle_id);
                if (it == instances.end()) {
                    auto record = store_.find_cycle(deadline.cycle_id);
                    if (!record) {
                        store_.mark_deadline_done(deadline.id);
                        continue;
                    }
                    it = instances
                             .emplace(deadline.cycle_id,
                                      Instance{record->id, record->workflow, record->cycle_config,
                                               record->institution_id,
                                               cases_.timeline_for(record->timeline)})
                             .first;
                }
                const Instance& instance = it->second;
                const Timeline& timeline = *instance.timeline;
                const Institution* inst = cases_.institution(instance.institution_id);
                std::vector<Person> people;
                if (deadline.kind == "reminder") {
                    auto group = std::make_tuple(deadline.cycle_id, deadline.step, deadline.round);
                    if (!fired_groups.insert(group).second) continue;  // superseded
                    const int closed = store_.close_reminders_up_to(
                        deadline.cycle_id, deadline.step, deadline.round, deadline.fire_at);
                    // A reminder missed until after its deadline would only confuse: the
                    // escalations speak for an overdue step.
                    if (today > deadline.due_on) {
                        report.superseded += closed;
                        continue;
                    }
                    report.superseded += std::max(0, closed - 1);
                    ++report.reminders;
                    if (inst) {
                        people = step_recipients(
                            instance.id, instance.cycle_config, *inst, deadline.step,
                            reminded_for(config, instance.cycle_config, deadline.step));
                    }
                } else {
                    store_.mark_deadline_done(deadline.id);
                    ++report.escalations;
                    const auto level = static_cast<std::size_t>(deadline.level);
                    if (inst && level >= 1 && level <= timeline.escalation.size()) {
                        people = step_recipients(instance.id, instance.cycle_config, *inst,
                                                 deadline.step, timeline.escalation[level - 1].to);
                    }
                }
                for (const auto& person : people) {
                    const MailText text =
                        deadline.kind == "reminder"
                            ? reminder_mail(config, *inst, instance.id, deadline.step,
                                            deadline.due_on, person)
                            : escalation_mail(config, *inst, instance.id, deadline.step,
                                              deadline.due_on, deadline.level, person);
                    report.mails += cases_.queue_mail(
                        person, text,
                        deadline_message_id(instance.id, deadline.step, deadline.round,
                                            deadline.due_on, deadline.kind, deadline.level,
                                            person.email),
                        at);
                }
            }
        });
    }
}

std::vector<Person> Scheduler::individual_recipients(const Institution& institution,
                                                     const std::vector<Role>& roles) const {
    const auto& digest = cases_.config().mail.digest_roles;
    std::vector<Role> individual;
    for (Role role : roles) {
        if (std::find(digest.begin(), digest.end(), role) == digest.end()) {
            individual.push_back(role);
        }
    }
    return people_for(cases_.config(), institution, individual);
}

std::vector<Person> Scheduler::step_recipients(const std::string& cycle_id,
                                               const std::string& cycle_config,
                                               const Institution& institution,
                                               std::string_view step,
                                               const std::vector<Role>& roles) {
    const workflows::StepDescription* description = workflows::find_step(step);
    if (!description || !description->observer_acts) {
        return individual_recipients(institution, roles);
    }
    // The observing institution's leader does this step: the observed institution's leader and
    // board are never reminded of it. The observer is looked up only when the roles name a
    // leader or board (it reads the dialogue's events).
    const Institution* observer = nullptr;
    if (std::any_of(roles.begin(), roles.end(),
                    [](Role role) { return role == Role::leader || role == Role::board; })) {
        CycleRecord cycle;
        cycle.id = cycle_id;
        cycle.cycle_config = cycle_config;
        cycle.institution_id = institution.id;
        observer = cases_.institution(cases_.observer_of(cycle));
    }
    std::vector<Person> people;
    for (const auto& addressed : observer_addressing(institution, observer, roles)) {
        for (auto& person : individual_recipients(*addressed.institution, addressed.roles)) {
            const bool known = std::any_of(people.begin(), people.end(), [&](const Person& p) {
                return p.email == person.email;
            });
            if (!known) people.push_back(std::move(person));
        }
    }
    return people;
}

void Scheduler::queue_digests(Instant at, TickReport& report) {
    const Config& config = cases_.config();
    if (config.mail.digest_roles.empty()) return;
    const Date today = local_date(at, cases_.zone());
    // Once a working day, from send time on; a day missed during downtime is not caught up
    // (the next digest lists everything still open).
    if (!cases_.calendar().is_working_day(today) ||
        at < cases_.zone().to_instant(today,
                                      std::chrono::minutes{config.calendar.send_at_minutes})) {
        return;
    }
    const Date horizon = today + std::chrono::days{kDigestHorizonDays};
    auto items_of = [&](std::string_view area) {
        std::pair<std::vector<DigestItem>, std::vector<DigestItem>> lists;
        for (const auto& row : store_.cycle_status(area, "")) {
            if (!row.next_due || *row.next_due > horizon) continue;
            auto machine = workflows::make_machine(row.cycle.workflow, row.cycle.state);
            if (!machine || machine->is_final()) continue;
            DigestItem item{row.institution_name, row.next_due_step, *row.next_due, row.cycle.id};
            (*row.next_due < today ? lists.first : lists.second).push_back(std::move(item));
        }
        return lists;
    };
    store_.in_transaction([&] {
        for (Role role : config.mail.digest_roles) {
            if (role == Role::area_chief) {
                for (const auto& area : config.areas) {
                    auto [overdue, upcoming] = items_of(area.id);
                    if (overdue.empty() && upcoming.empty()) continue;
                    const std::string id = fmt::format("<digest-area_chief-{}-{}@tilsyn>", area.id,
                                                       format_date(today));
                    if (cases_.queue_mail(area.chief,
                                          digest_mail(config, area, overdue, upcoming, area.chief),
                                          id, at)) {
                        ++report.digests;
                        ++report.mails;
                    }
                }
            } else if (role == Role::director) {
                auto [overdue, upcoming] = items_of("");
                if (overdue.empty() && upcoming.empty()) continue;
                const Area everything{"", "alle områder", {}, {}};
                const Person& director = config.organisation.director;
                const std::string id =
                    fmt::format("<digest-director-{}@tilsyn>", format_date(today));
                if (cases_.queue_mail(director,
                                      digest_mail(config, everything, overdue, upcoming, director),
                                      id, at)) {
                    ++report.digests;
                    ++report.mails;
                }
            }
        }
    });
}

TickReport Scheduler::tick(Instant at) {
    TickReport report;
    open_cycles(at, report);
    fire_deadlines(at, report);
    queue_digests(at, report);
    return report;
}

std::optional<Instant> Scheduler::next_due_moment(Instant after) {
    std::optional<Instant> next = store_.next_fire_time();
    const Config& config = cases_.config();
    const Date today = local_date(after, cases_.zone());
    if (!config.mail.digest_roles.empty()) {
        // The next working day's send time (today's, if it is still to come).
        const auto send_at = std::chrono::minutes{config.calendar.send_at_minutes};
        Date day = cases_.calendar().next_working_day(today);
        Instant moment = cases_.zone().to_instant(day, send_at);
        if (moment <= after) {
            day = cases_.calendar().next_working_day(day + std::chrono::days{1});
            moment = cases_.zone().to_instant(day, send_at);
        }
        if (!next || moment < *next) next = moment;
    }
    for (const auto& cycle : config.cycles) {
        if (workflows::initial_state(cycle.workflow).empty()) continue;
        // The next start after today (a start today is opened by the tick at `after`).
        auto starts = cycle_starts(cycle, today + std::chrono::days{1}, add_months(today, 12 * 10));
        for (Date start : starts) {
            if (start <= today) continue;
            Instant moment = cases_.zone().to_instant(start, std::chrono::seconds{0});
            if (!next || moment < *next) next = moment;
            break;
        }
    }
    return next;
}

}  // namespace tilsyn
