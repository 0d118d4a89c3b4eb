#include "engine/case_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>

#include "engine/audit.hpp"
#include "engine/continuity.hpp"
#include "engine/deadlines.hpp"
#include "engine/invitation.hpp"
#include "engine/mail_message.hpp"
#include "engine/messages.hpp"
#include "engine/who_acts.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn {

namespace {

bool contains_role(const std::vector<Role>& roles, Role role) {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

/// An event as a refusal names it: its button's words in quotes, »Godkend udviklingsplan«.
std::string quoted_action(std::string_view event) {
    const auto* described = workflows::find_event(event);
    return fmt::format("»{}«", described && !described->action.empty()
                                   ? described->action
                                   : workflows::event_title(event));
}

}  // namespace

bool can_see(const Actor& actor, std::string_view area_id, std::string_view institution_id) {
    switch (actor.role) {
        case Role::admin:
        case Role::director:
            return true;
        case Role::area_chief:
            return !actor.area_id.empty() && actor.area_id == area_id;
        case Role::leader:
        case Role::board:
            return !actor.institution_id.empty() && actor.institution_id == institution_id;
    }
    return false;
}

Date local_date(Instant at, const TimeZone& zone) {
    return std::chrono::floor<std::chrono::days>(at + zone.offset_at(at));
}

CaseService::CaseService(Store& store, std::shared_ptr<const Domain> domain)
    : store_(store),
      domain_(std::move(domain)),
      config_(domain_->config),
      calendar_(domain_->calendar),
      zone_(domain_->zone) {
    institutions_.reserve(config_.institutions.size());
    for (const auto& inst : config_.institutions) institutions_[inst.id] = &inst;
}

const Institution* CaseService::institution(std::string_view id) const {
    auto it = institutions_.find(std::string(id));
    return it == institutions_.end() ? nullptr : it->second;
}

std::string CaseService::cycle_id(std::string_view cycle_config, std::string_view institution,
                                  Date start) {
    return fmt::format("{}/{}/{}", cycle_config, institution, format_date(start));
}

std::vector<DeadlineRecord> CaseService::deadlines_for(const CycleRecord& instance,
                                                       const Timeline& timeline,
                                                       std::string_view step,
                                                       const Anchors& anchors, Date today,
                                                       std::optional<Date> due_override) const {
    std::vector<DeadlineRecord> rows;
    auto due = due_override ? due_override : step_due(timeline, step, anchors, today, calendar_);
    if (!due) return rows;
    const auto send_at = std::chrono::minutes{config_.calendar.send_at_minutes};
    DeadlineRecord base;
    base.cycle_id = instance.id;
    base.step = std::string(step);
    base.due_on = *due;
    base.round = current_round(timeline, anchors, calendar_);

    DeadlineRecord marker = base;  // overdue from the start of the day after the due date
    marker.kind = "due";
    marker.fire_at = zone_.to_instant(*due + std::chrono::days{1}, std::chrono::seconds{0});
    rows.push_back(marker);
    for (const Notice& notice : reminder_notices(timeline, *due, today, calendar_)) {
        DeadlineRecord reminder = base;
        reminder.kind = "reminder";
        reminder.level = notice.level;
        reminder.fire_at = zone_.to_instant(notice.date, send_at);
        rows.push_back(reminder);
    }
    for (const Notice& notice : escalation_notices(timeline, *due, calendar_)) {
        DeadlineRecord escalation = base;
        escalation.kind = "escalation";
        escalation.level = notice.level;
        escalation.fire_at = zone_.to_instant(notice.date, send_at);
        rows.push_back(escalation);
    }
    return rows;
}

std::shared_ptr<const Timeline> CaseService::timeline_for(const std::string& snapshot) {
    // Distinct snapshots are few (one per cycle config and config version); the bound only
    // guards against an unexpected variety.
    constexpr std::size_t kMaxCachedTimelines = 256;
    auto it = timelines_.find(snapshot);
    if (it != timelines_.end()) return it->second;
    if (timelines_.size() >= kMaxCachedTimelines) timelines_.clear();
    auto parsed = std::make_shared<const Timeline>(timeline_from_json(snapshot));
    timelines_.emplace(snapshot, parsed);
    return parsed;
}

bool CaseService::queue_mail(const Person& to, const MailText& text, const std::string& id,
                             Instant now, const std::string& calendar) {
    OutboxMessage message;
    message.message_id = id;
    message.recipient = mail_recipient(to);
    message.subject = text.subject;
    message.body = text.body;
    message.calendar = calendar;
    message.queued_at = now;
    message.next_attempt_at = now;
    return store_.enqueue(message);
}

bool CaseService::open_cycle(const CycleConfig& cycle, const Institution& institution, Date start,
                             Instant now) {
    const std::string initial = workflows::initial_state(cycle.workflow);
    if (initial.empty()) return false;  // no state machine for this workflow yet
    CycleRecord record;
    record.id = cycle_id(cycle.id, institution.id, start);
    record.workflow = cycle.workflow;
    record.cycle_config = cycle.id;
    record.institution_id = institution.id;
    record.state = initial;
    const Timeline timeline = timeline_of(cycle);
    record.timeline = timeline_to_json(timeline);
    Anchors anchors{{"start", start}};
    if (timeline.rounds) anchors.emplace_back("round", start);
    record.anchors = anchors_to_json(anchors);
    record.started_on = start;
    record.updated_at = now;
    if (!store_.insert_cycle(record)) return false;
    auto machine = workflows::make_machine(cycle.workflow, initial);
    store_.add_deadlines(
        deadlines_for(record, timeline, machine->current_step(), anchors, local_date(now, zone_)));
    EventRecord event;
    event.cycle_id = record.id;
    event.event = std::string(workflows::kCycleOpenedEvent);
    event.actor = std::string(kSystemActor);
    event.payload = fmt::format(R"({{"start":"{}"}})", format_date(start));
    event.state_after = initial;
    event.at = now;
    append_audit(store_, event);
    return true;
}

int CaseService::open_cases(const CycleRecord& cycle, const Timeline& timeline,
                            const EventPayload& payload, const Actor& actor, Date today,
                            Instant now, std::vector<std::string>& opened) {
    const Institution* inst = institution(cycle.institution_id);
    const std::size_t existing = store_.child_cases(cycle.id).size();
    int mails = 0;
    const auto* parent = workflows::find_workflow(cycle.workflow);
    const auto* cases = parent ? workflows::find_workflow(parent->opens_cases) : nullptr;
    if (!cases) {
        throw StoreError(
            fmt::format("{}: workflow '{}' opens no supervision cases", cycle.id, cycle.workflow));
    }
    Timeline case_timeline;
    case_timeline.workflow = std::string(cases->id);
    if (timeline.supervision) case_timeline = *timeline.supervision;
    for (std::size_t i = 0; i < payload.supervision_points.size(); ++i) {
        const auto& point = payload.supervision_points[i];
        CycleRecord record;
        record.id = fmt::format("{}/tilsyn-{}", cycle.id, existing + i + 1);
        record.workflow = case_timeline.workflow;
        record.cycle_config = cycle.cycle_config;
        record.institution_id = cycle.institution_id;
        record.parent_id = cycle.id;
        record.state = workflows::initial_state(record.workflow);
        record.timeline = timeline_to_json(case_timeline);
        Anchors anchors{{"given", today}};
        record.anchors = anchors_to_json(anchors);
        record.started_on = today;
        record.updated_at = now;
        store_.insert_cycle(record);
        // A case runs its dated steps side by side from the day the point was given; its
        // recurring step is armed when the step before it is done.
        for (const auto& step : cases->steps) {
            if (step.recurring) continue;
            store_.add_deadlines(deadlines_for(record, case_timeline, step.id, anchors, today));
        }
        EventRecord event;
        event.cycle_id = record.id;
        event.event = std::string(workflows::kCaseOpenedEvent);
        event.actor = actor.email;
        event.payload = to_json(point);
        event.state_after = record.state;
        event.at = now;
        append_audit(store_, event);
        opened.push_back(record.id);
        if (!inst) continue;
        // The case_opened mail names the case's first step (its action plan) and due date.
        const Date first_due =
            step_due(case_timeline, cases->steps.front().id, anchors, today, calendar_)
                .value_or(today);
        for (const auto* notice :
             workflows::notifications_of(cases->id, workflows::kCaseOpenedEvent)) {
            for (const auto& person : people_for(config_, *inst, notice->to)) {
                mails += queue_mail(
                    person,
                    case_opened_mail(config_, *inst, record.id, point.title, first_due, person),
                    message_id(record.id, "", 0, "opened", 0, person.email), now);
            }
        }
    }
    return mails;
}

std::optional<Date> CaseService::planned_due(const CycleRecord& cycle, std::string_view step,
                                             Date today) {
    const auto deadlines = store_.deadlines(cycle.id);
    auto open_due = [&](std::string_view of) -> std::optional<Date> {
        for (const auto& d : deadlines) {
            if (d.kind == "due" && !d.done && d.step == of) return d.due_on;
        }
        return std::nullopt;
    };
    if (auto due = open_due(step)) return due;
    const auto timeline = timeline_for(cycle.timeline);
    Anchors anchors = anchors_from_json(cycle.anchors);
    const auto* workflow = workflows::find_workflow(cycle.workflow);
    auto machine = workflows::make_machine(cycle.workflow, cycle.state);
    if (workflow && machine) {
        const int target = workflow->step_index(step);
        for (int i = workflow->step_index(machine->current_step()); i >= 0 && i < target; ++i) {
            const std::string_view before = workflow->steps[static_cast<std::size_t>(i)].id;
            auto due = open_due(before);
            if (!due) due = step_due(*timeline, before, anchors, today, calendar_);
            if (due) set_anchor(anchors, before, *due);
        }
    }
    return step_due(*timeline, step, anchors, today, calendar_);
}

std::string CaseService::meeting_invitation(const CycleRecord& cycle,
                                            const Institution& institution, std::string_view event,
                                            const workflows::MeetingDescription& meeting,
                                            long long seq, Instant now,
                                            const std::vector<Person>& attendees,
                                            TemplateValues& values) {
    // The payload was validated: a date, and a time when given.
    MeetingInvitation invitation;
    invitation.date = parse_date(values["date"]).value_or(local_date(now, zone_));
    invitation.start_minutes = parse_clock_time(values["time"]).value_or(meeting.default_start);
    invitation.length_minutes = meeting.length_minutes;
    invitation.stamp = now;
    // One UID per instance and meeting; each time the event is sent again, the next version.
    invitation.uid = fmt::format("{}/{}@{}", cycle.id, meeting.step,
                                 url_host(config_.organisation.dashboard_url, "tilsyn"));
    for (const auto& earlier : store_.events(cycle.id)) {
        if (earlier.event == event && earlier.seq < seq) ++invitation.sequence;
    }
    invitation.summary =
        fmt::format("{}: {}", workflows::step_title(meeting.step), institution.name);
    invitation.location = values["place"];
    invitation.description = cycle_link(config_, cycle.id);
    const auto organizers = people_for(config_, institution, {meeting.organizer});
    const std::string sender = mail_address(config_.mail.from);
    invitation.organizer = organizers.empty() ? Person{"", sender, {}} : organizers.front();
    if (invitation.organizer.email != sender) invitation.sent_by = sender;
    invitation.attendees = attendees;

    auto clock = [](int minutes) {
        minutes = ((minutes % 1440) + 1440) % 1440;
        return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
    };
    values["date"] = danish_date(invitation.date);
    values["date_long"] = danish_long_date(invitation.date);
    values["time"] = clock(invitation.start_minutes);
    values["end_time"] = clock(invitation.start_minutes + invitation.length_minutes);
    if (values["place"].find_first_not_of(" \t\r\n") == std::string::npos) {
        values["place"] = "aftales nærmere";
    }
    values["organiser"] =
        invitation.organizer.name.empty() ? invitation.organizer.email : invitation.organizer.name;
    return invitation_ics(invitation, zone_);
}

int CaseService::notify(const CycleRecord& cycle, std::string_view event,
                        const EventPayload& payload, long long seq, Instant now) {
    const auto notices = workflows::notifications_of(cycle.workflow, event);
    const Institution* inst = institution(cycle.institution_id);
    if (notices.empty() || !inst) return 0;
    TemplateValues texts;  // the payload's text fields: {comment} of a returned plan
    boost::system::error_code ec;
    const auto value = boost::json::parse(payload.json.empty() ? "{}" : payload.json, ec);
    if (!ec && value.is_object()) {
        for (const auto& [key, field] : value.as_object()) {
            if (field.is_string()) texts[std::string(key)] = std::string(field.as_string());
        }
    }
    // Dates people read as 12.10.2026 (and »mandag den 12. oktober 2026« as <field>_long); a
    // meeting's `date` is read by the invitation, which words it itself.
    if (const auto* described = workflows::find_event(event)) {
        for (const auto& field : described->fields) {
            if (field.type != workflows::FieldType::date || field.name == "date") continue;
            const std::string name(field.name);
            if (auto date = parse_date(texts[name])) {
                texts[name] = danish_date(*date);
                texts[name + "_long"] = danish_long_date(*date);
            }
        }
    }
    const Date today = local_date(now, zone_);
    // The step the decision leaves open first, and its due date: a decision's mail says by
    // when the next step is due (a reminder armed too late to be sent would not).
    std::optional<DeadlineRecord> next;
    for (const auto& d : store_.deadlines(cycle.id)) {
        if (d.kind == "due" && !d.done && (!next || d.due_on < next->due_on)) next = d;
    }
    if (next) {
        texts["next_step"] = std::string(workflows::step_title(next->step));
        texts["next_due"] = danish_date(next->due_on);
        texts["next_due_long"] = danish_long_date(next->due_on);
    }
    int mails = 0;
    for (const auto* notice : notices) {
        const auto kind = parse_mail_kind(notice->mail);
        if (!kind) {
            throw std::logic_error(fmt::format("{}: notice of {} names no mail template '{}'",
                                               cycle.workflow, event, notice->mail));
        }
        TemplateValues values = texts;
        auto people = people_for(config_, *inst, notice->to);
        if (notice->to_observer) {
            // The observing institution's leader, told what to observe, in which round and by
            // when (the step its leader acts on).
            const Institution* observer = institution(observer_of(cycle));
            if (observer) {
                for (auto& person : people_for(config_, *observer, {Role::leader})) {
                    const bool known = std::any_of(people.begin(), people.end(), [&](auto& p) {
                        return p.email == person.email;
                    });
                    if (!known) people.push_back(std::move(person));
                }
                values["observer_institution"] = observer->name;
            }
            const auto timeline = timeline_for(cycle.timeline);
            const int round = current_round(*timeline, anchors_from_json(cycle.anchors), calendar_);
            if (round > 0) values["round"] = std::to_string(round);
            const auto* workflow = workflows::find_workflow(cycle.workflow);
            for (const auto& step : workflow->steps) {
                if (!step.observer_acts) continue;
                if (auto due = planned_due(cycle, step.id, today)) {
                    values["due_date"] = danish_date(*due);
                    values["due_date_long"] = danish_long_date(*due);
                }
            }
        }
        std::string calendar;
        if (notice->meeting) {
            calendar =
                meeting_invitation(cycle, *inst, event, *notice->meeting, seq, now, people, values);
        }
        for (const auto& person : people) {
            mails += queue_mail(
                person, decision_mail(config_, *kind, *inst, cycle.id, values, person),
                message_id(cycle.id, "", 0, notice->mail, static_cast<int>(seq), person.email), now,
                calendar);
        }
    }
    return mails;
}

std::string CaseService::what_you_can_do(const CycleRecord& cycle,
                                         const std::vector<std::string>& allowed,
                                         const Actor& actor) const {
    std::vector<std::string> actions;
    for (const auto& event : events_for(cycle, allowed, actor)) {
        actions.push_back(quoted_action(event));
    }
    if (actions.empty()) return "Lige nu er der ingen handlinger for dig i forløbet.";
    return fmt::format("Du kan nu vælge {}.", danish_list(actions, "eller"));
}

bool CaseService::observes(const CycleRecord& cycle, const Actor& actor) const {
    return actor.role == Role::leader && !actor.institution_id.empty() &&
           actor.institution_id != cycle.institution_id &&
           observer_of(cycle) == actor.institution_id;
}

std::vector<const Institution*> CaseService::observer_choices(const CycleRecord& cycle) const {
    const Institution* observed = institution(cycle.institution_id);
    const std::string current = observer_of(cycle);
    std::vector<const Institution*> choices;
    for (const auto& inst : config_.institutions) {
        if (inst.id == cycle.institution_id) continue;
        if (inst.id == current || (observed && inst.kind == observed->kind)) {
            choices.push_back(&inst);
        }
    }
    std::stable_sort(choices.begin(), choices.end(),
                     [](const Institution* a, const Institution* b) { return a->name < b->name; });
    return choices;
}

std::vector<std::string> CaseService::events_for(const CycleRecord& cycle,
                                                 const std::vector<std::string>& allowed,
                                                 const Actor& actor) const {
    std::vector<std::string> mine;
    const bool own = actor.institution_id == cycle.institution_id;
    for (const auto& event : allowed) {
        const auto* described = workflows::find_event(event);
        if (!described ||
            !contains_role(event_senders(config_.find_cycle(cycle.cycle_config), *described),
                           actor.role)) {
            continue;
        }
        if (described->from_observer
                ? !observes(cycle, actor)
                : (actor.role == Role::leader || actor.role == Role::board) && !own) {
            continue;
        }
        mine.push_back(event);
    }
    return mine;
}

std::string CaseService::observer_of(const CycleRecord& cycle) const {
    std::string observer;
    for (const auto& c : config_.cycles) {
        if (c.id != cycle.cycle_config) continue;
        for (const auto& [observed, by] : c.observers) {
            if (observed == cycle.institution_id) observer = by;
        }
    }
    for (const auto& event : store_.events(cycle.id)) {
        const auto* described = workflows::find_event(event.event);
        if (!described || !described->assigns_observer) continue;
        auto validated = validate_payload(event.event, event.payload);
        if (auto* payload = std::get_if<EventPayload>(&validated)) {
            observer = payload->observer_institution;
        }
    }
    return observer;
}

ApplyResult CaseService::apply(std::string_view instance_id, std::string_view event,
                               const Actor& actor, std::string_view payload_json, Instant now,
                               std::span<const DocumentUpload> documents) {
    ApplyResult result;
    auto refuse = [&](ApplyStatus status, ErrorCode code, std::string message) {
        result.status = status;
        result.code = code;
        result.message = std::move(message);
    };
    const Date today = local_date(now, zone_);
    const RoleTitles& titles = config_.roles;
    store_.in_transaction([&] {
        auto cycle = store_.find_cycle(instance_id);
        const auto inst = cycle ? store_.find_institution(cycle->institution_id) : std::nullopt;
        const auto* described = workflows::find_event(event);
        // The observer's leader reaches the observed institution's dialogue for its feedback.
        const bool observer_reach =
            cycle && inst && described && described->from_observer && observes(*cycle, actor);
        if (!cycle || !inst || (!can_see(actor, inst->area_id, inst->id) && !observer_reach)) {
            result.field = "id";
            return refuse(ApplyStatus::not_found, ErrorCode::not_found,
                          std::string(kNotFoundMessage));
        }
        auto machine = workflows::make_machine(cycle->workflow, cycle->state);
        if (!machine) {
            throw StoreError(fmt::format("{}: stored state '{}' of workflow '{}' is unknown",
                                         cycle->id, cycle->state, cycle->workflow));
        }
        result.state_before = cycle->state;
        result.allowed_events = machine->allowed_events();
        const auto roles = event_senders(config_, cycle->cycle_config, event);
        if (!contains(workflows::event_names(cycle->workflow), event) || roles.empty()) {
            result.field = "event";
            return refuse(ApplyStatus::bad_payload, ErrorCode::unknown_event,
                          fmt::format("Den handling findes ikke for »{}«. {}",
                                      workflows::workflow_title(cycle->workflow),
                                      what_you_can_do(*cycle, result.allowed_events, actor)));
        }
        if (!contains_role(roles, actor.role)) {
            result.field = "event";
            return refuse(ApplyStatus::forbidden, ErrorCode::role_not_allowed,
                          fmt::format("{} er en opgave for {}, og du er logget ind som {}. {}",
                                      quoted_action(event), titles.join(roles, "eller"),
                                      titles.of(actor.role),
                                      what_you_can_do(*cycle, result.allowed_events, actor)));
        }
        auto validated = validate_payload(event, payload_json);
        if (auto* error = std::get_if<PayloadError>(&validated)) {
            result.field = error->field;
            return refuse(ApplyStatus::bad_payload, error->code, error->message);
        }
        const EventPayload& payload = std::get<EventPayload>(validated);
        std::vector<DocumentInfo> infos;
        for (const auto& document : documents) infos.push_back(document.info);
        if (!infos.empty() && !described->carries_documents) {
            result.field = "documents";
            return refuse(ApplyStatus::bad_payload, ErrorCode::documents_not_allowed,
                          fmt::format("{} kan ikke have dokumenter vedhæftet. Send handlingen "
                                      "uden dokumenter.",
                                      quoted_action(event)));
        }
        if (auto refused = check_documents(config_.documents, infos)) {
            result.field = "documents";
            return refuse(ApplyStatus::bad_payload, refused->code, refused->message);
        }
        if (contains_role(described->proxies, actor.role) &&
            std::find(payload.flags.begin(), payload.flags.end(), described->proxy_field) ==
                payload.flags.end()) {
            std::vector<Role> principals;  // on whose behalf
            for (Role role : described->senders) {
                if (!contains_role(described->proxies, role)) principals.push_back(role);
            }
            result.field = std::string(described->proxy_field);
            return refuse(ApplyStatus::forbidden, ErrorCode::on_behalf_required,
                          fmt::format("Som {} kan du kun gøre dette på vegne af {}, og det skal "
                                      "fremgå: sæt flueben ved »{}«.",
                                      titles.of(actor.role), titles.join(principals, "eller"),
                                      field_title(described->proxy_field)));
        }
        if (described->assigns_observer) {
            const std::string& observer = payload.observer_institution;
            if (!institution(observer)) {
                result.field = "observer_institution";
                return refuse(ApplyStatus::bad_payload, ErrorCode::bad_value,
                              fmt::format("Der findes intet tilbud med det id. Skriv id'et på det "
                                          "tilbud, hvis leder skal observere, i »{}«.",
                                          field_title("observer_institution")));
            }
            if (observer == inst->id) {
                result.field = "observer_institution";
                return refuse(ApplyStatus::bad_payload, ErrorCode::bad_value,
                              fmt::format("Et tilbud kan ikke observere sig selv. Vælg et andet "
                                          "tilbud end {} som observatør.",
                                          inst->name));
            }
        }
        if (described->from_observer) {
            if (actor.institution_id == inst->id) {
                return refuse(ApplyStatus::forbidden, ErrorCode::not_observer,
                              fmt::format("Du kan ikke give feedback på dit eget tilbud: "
                                          "feedbacken på {} gives af lederen af det tilbud, "
                                          "der observerer.",
                                          inst->name));
            }
            if (payload.observer_institution != actor.institution_id) {
                result.field = "observer_institution";
                return refuse(ApplyStatus::bad_payload, ErrorCode::not_observer,
                              fmt::format("Skriv dit eget tilbuds id i »{}«: feedbacken gives af "
                                          "lederen af det tilbud, der observerer.",
                                          field_title("observer_institution")));
            }
        }
        const auto timeline_ptr = timeline_for(cycle->timeline);
        const Timeline& timeline = *timeline_ptr;
        Anchors anchors = anchors_from_json(cycle->anchors);
        workflows::EventFacts facts;
        facts.development_points = static_cast<int>(payload.development_points.size());
        facts.supervision_points = static_cast<int>(payload.supervision_points.size());
        const int round = current_round(timeline, anchors, calendar_);
        facts.last_round = timeline.rounds && round >= timeline.rounds->count;
        if (!described->acts_on.empty()) {
            for (const auto& deadline : store_.deadlines(cycle->id)) {
                if (deadline.kind == "due" && !deadline.done &&
                    deadline.step == described->acts_on) {
                    facts.step_open = true;
                }
            }
        }
        const auto transition = machine->fire(event, facts);
        if (!transition.accepted) {
            result.field = "event";
            return refuse(ApplyStatus::conflict, ErrorCode::not_allowed_in_state,
                          fmt::format("{} er ikke muligt nu, hvor forløbet står i »{}«. {}",
                                      quoted_action(event),
                                      workflows::state_title(cycle->workflow, cycle->state),
                                      what_you_can_do(*cycle, result.allowed_events, actor)));
        }
        // What the payload names (themes, the points a plan answers, earlier points assessed)
        // is checked against the records once the state allows the event.
        if (!payload.themes.empty() || payload.has_actions || !payload.assessments.empty()) {
            const auto kind = parse_kind(inst->kind);
            const std::string band = kind ? std::string(age_band(*kind)) : std::string{};
            if (auto error =
                    check_against_records(store_, store_.themes(), *cycle, band, payload)) {
                result.field = error->field;
                return refuse(ApplyStatus::bad_payload, error->code, error->message);
            }
        }
        using Kind = workflows::Effect::Kind;
        for (const auto& effect : transition.effects) {
            switch (effect.kind) {
                case Kind::complete:
                    store_.close_deadlines(cycle->id, effect.step);
                    set_anchor(anchors, effect.step, today);
                    break;
                case Kind::close:
                    store_.close_deadlines(cycle->id, effect.step);
                    break;
                case Kind::arm:
                    store_.add_deadlines(
                        deadlines_for(*cycle, timeline, effect.step, anchors, today));
                    break;
                case Kind::revise: {
                    Date revised = calendar_.add_workdays(today, kRevisionWorkdays);
                    auto original = step_due(timeline, effect.step, anchors, today, calendar_);
                    if (original && *original > revised) revised = *original;
                    store_.add_deadlines(
                        deadlines_for(*cycle, timeline, effect.step, anchors, today, revised));
                    break;
                }
                case Kind::open_cases:
                    result.mails_queued += open_cases(*cycle, timeline, payload, actor, today, now,
                                                      result.opened_cases);
                    break;
                case Kind::close_all:
                    store_.close_all_deadlines(cycle->id);
                    break;
                case Kind::next_round: {
                    const Date start = find_anchor(anchors, "start").value_or(cycle->started_on);
                    set_anchor(anchors, "round",
                               round_start(timeline, start, round + 1, calendar_));
                    break;
                }
            }
        }
        cycle->state = transition.to;
        cycle->anchors = anchors_to_json(anchors);
        cycle->updated_at = now;
        store_.update_cycle(*cycle);
        EventRecord audit;
        audit.cycle_id = cycle->id;
        audit.event = std::string(event);
        audit.actor = actor.email;
        audit.payload = payload.json;
        audit.state_before = transition.from;
        audit.state_after = transition.to;
        audit.at = now;
        if (!described->pins_documents_of.empty()) {
            // The latest documents of the pinned event (the plan as last submitted).
            for (const auto& earlier : store_.events(cycle->id)) {
                if (earlier.event != described->pins_documents_of) continue;
                infos.clear();
                for (auto& info :
                     documents_from_json(earlier.documents).value_or(std::vector<DocumentInfo>{})) {
                    info.pinned_from = info.pinned_from > 0 ? info.pinned_from : earlier.seq;
                    infos.push_back(std::move(info));
                }
            }
        }
        audit.documents = documents_json(infos);
        append_audit(store_, audit);
        record_documents(store_, cycle->id, audit.seq, documents, now);
        result.seq = audit.seq;
        result.mails_queued += notify(*cycle, event, payload, audit.seq, now);
        result.state_after = transition.to;
        result.allowed_events = machine->allowed_events();
    });
    if (result.status != ApplyStatus::ok) result.state_after = result.state_before;
    return result;
}

ManyResult CaseService::apply_to_many(std::string_view cycle_config, InstitutionKind kind,
                                      int round, std::string_view event, const Actor& actor,
                                      std::string_view payload_json, Instant now) {
    ManyResult result;
    auto refuse = [&](ApplyStatus status, ErrorCode code, std::string_view field,
                      std::string message) {
        result.status = status;
        result.code = code;
        result.field = field;
        result.message = std::move(message);
        return result;
    };
    const CycleConfig* cycle = config_.find_cycle(cycle_config);
    const auto* described = workflows::find_event(event);
    if (!cycle) {
        return refuse(ApplyStatus::not_found, ErrorCode::not_found, "cycle",
                      fmt::format("Forløbet »{}« findes ikke i konfigurationen. Vælg et af de "
                                  "konfigurerede forløb.",
                                  cycle_config));
    }
    const auto events = workflows::event_names(cycle->workflow);
    if (!described || !described->for_many || !contains(events, event)) {
        return refuse(ApplyStatus::bad_payload, ErrorCode::not_for_many, "event",
                      fmt::format("»{}« kan ikke registreres for mange tilbud på én gang; "
                                  "registrér det på det enkelte forløb.",
                                  workflows::event_title(event)));
    }
    const bool covered = std::any_of(
        config_.institutions.begin(), config_.institutions.end(), [&](const Institution& inst) {
            return inst.kind == kind && selects(cycle->institutions, inst);
        });
    if (!covered) {
        return refuse(ApplyStatus::bad_payload, ErrorCode::bad_value, "kind",
                      fmt::format("»{}« omfatter ingen {}. Vælg en type tilbud, forløbet "
                                  "omfatter.",
                                  workflows::workflow_title(cycle->workflow), kind_plural(kind)));
    }
    const int rounds = cycle->rounds ? cycle->rounds->count : 1;
    if (round < 1 || round > rounds) {
        return refuse(ApplyStatus::bad_payload, ErrorCode::bad_value, "round",
                      fmt::format("Runde {} findes ikke: »{}« har runde 1 til {}.", round,
                                  workflows::workflow_title(cycle->workflow), rounds));
    }
    const auto senders = event_senders(cycle, *described);
    if (!contains_role(senders, actor.role)) {
        return refuse(
            ApplyStatus::forbidden, ErrorCode::role_not_allowed, "event",
            fmt::format("{} er en opgave for {}, og du er logget ind som {}.", quoted_action(event),
                        config_.roles.join(senders, "eller"), config_.roles.of(actor.role)));
    }
    const auto validated = validate_payload(event, payload_json);
    if (const auto* error = std::get_if<PayloadError>(&validated)) {
        return refuse(ApplyStatus::bad_payload, error->code, error->field, error->message);
    }
    // Which instances wait for it: running, of the kind, in the round, in a state that takes
    // the event. Read first, then recorded one by one.
    std::vector<std::string> waiting;
    int in_round = 0;
    store_.in_transaction([&] {
        for (const auto& row : store_.cycle_status("", "")) {
            if (row.cycle.cycle_config != cycle->id) continue;
            const Institution* inst = institution(row.cycle.institution_id);
            if (!inst || inst->kind != kind || !can_see(actor, inst->area, inst->id)) continue;
            auto machine = workflows::make_machine(row.cycle.workflow, row.cycle.state);
            if (!machine || machine->is_final()) continue;
            const auto record = store_.find_cycle(row.cycle.id);
            if (!record) continue;
            const auto timeline = timeline_for(record->timeline);
            if (current_round(*timeline, anchors_from_json(record->anchors), calendar_) != round) {
                continue;
            }
            ++in_round;
            if (contains(machine->allowed_events(), event)) {
                waiting.push_back(record->id);
            } else {
                ++result.already;
            }
        }
    });
    if (waiting.empty()) {
        return refuse(ApplyStatus::conflict, ErrorCode::nothing_waiting, "round",
                      in_round == 0
                          ? fmt::format("Ingen {} er i runde {} af »{}« endnu.", kind_plural(kind),
                                        round, workflows::workflow_title(cycle->workflow))
                          : fmt::format("»{}« er allerede registreret for alle {} i runde {}.",
                                        workflows::event_title(event), kind_plural(kind), round));
    }
    for (const auto& id : waiting) {
        const auto applied = apply(id, event, actor, payload_json, now);
        if (applied.status == ApplyStatus::ok) {
            result.recorded.push_back(id);
        } else {
            ++result.already;  // moved on meanwhile (another node recorded it)
        }
    }
    return result;
}

}  // namespace tilsyn
