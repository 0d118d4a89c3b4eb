// The case service: applies workflow events to cycles and supervision cases. One call checks
// the actor's reach and role, validates the payload, runs the state machine and, in ONE
// transaction, writes the new state, the audit event, the deadlines the new state arms (and
// closes the ones it meets) and the mails it causes.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/calendar.hpp"
#include "engine/config.hpp"
#include "engine/documents.hpp"
#include "engine/domain.hpp"
#include "engine/error_code.hpp"
#include "engine/event_payload.hpp"
#include "engine/messages.hpp"
#include "engine/store.hpp"
#include "engine/time_zone.hpp"
#include "engine/timeline.hpp"
#include "workflows/description.hpp"

namespace tilsyn {

/// Who sends an event: a user with one role and that role's scope.
struct Actor {
    std::string email;
    Role role = Role::leader;
    std::string area_id;         // for area_chief
    std::string institution_id;  // for leader and board
};

/// Visibility (interface.md §5): admin and director see everything, an area chief its area,
/// a leader and a board their institution.
bool can_see(const Actor& actor, std::string_view area_id, std::string_view institution_id);

enum class ApplyStatus { ok, bad_payload, forbidden, not_found, conflict };

/// What a person reads when a cycle or case does not exist or is outside their reach (the
/// same answer for both, so nothing leaks).
inline constexpr std::string_view kNotFoundMessage =
    "Forløbet findes ikke, eller du har ikke adgang til det.";

struct ApplyResult {
    ApplyStatus status = ApplyStatus::ok;
    ErrorCode code = ErrorCode::internal_error;  // why, for every status but ok
    std::string message;  // for people, in Danish, saying what to do (every status but ok)
    std::string field;    // the payload field at fault, or "event"
    std::string state_before;
    std::string state_after;
    std::vector<std::string>
        allowed_events;  // ok: of the new state; conflict, unknown events: of the current one
    std::vector<std::string> opened_cases;
    int mails_queued = 0;
    long long seq = 0;  // ok: the event's place in the audit trail (an assessment names the
                        // points it recorded by it, see engine/continuity.hpp; documents are
                        // attached to it)
};

/// A plan returned for revision is due again this many working days after the return (or on
/// its original due date, if that is later).
constexpr int kRevisionWorkdays = 10;

/// An event recorded once for every tilbud of a kind in a round (CaseService::apply_to_many).
struct ManyResult {
    ApplyStatus status = ApplyStatus::ok;
    ErrorCode code = ErrorCode::internal_error;  // why, when refused (engine/error_code.hpp)
    std::string message;                // Danish, what is wrong and what to do; empty when ok
    std::string field;                  // the request field at fault
    std::vector<std::string> recorded;  // the instances it was recorded on
    int already = 0;  // instances of that kind and round past the step already (left as they are)
};

/// The local calendar date of an instant in a zone.
Date local_date(Instant at, const TimeZone& zone);

class CaseService {
  public:
    /// `store` must outlive the service; the service keeps the domain it was built with (a
    /// reloaded configuration gets a new service). The domain supplies people, the calendar
    /// and the zone; running instances keep the timeline snapshotted when they started.
    CaseService(Store& store, std::shared_ptr<const Domain> domain);

    /// `documents` are recorded with the event, in the same transaction, when its description
    /// says it carries documents and they meet the configuration's `documents:` rules (else
    /// the event is refused, and nothing is stored). An event that pins documents (a plan's
    /// approval) records the latest documents of the event it pins, by their hashes.
    ApplyResult apply(std::string_view instance_id, std::string_view event, const Actor& actor,
                      std::string_view payload_json, Instant now,
                      std::span<const DocumentUpload> documents = {});

    /// Records `event` (one its description marks for_many) on every running instance of the
    /// configured cycle `cycle_config` whose tilbud is of `kind`, that is in `round` and waits
    /// for it, each as `apply` would (its own transaction, its own audit entry and mail).
    /// Refused as a whole, with nothing changed, for an unknown cycle, an event not meant for
    /// many, a kind the cycle does not cover, a round it does not have, a sender whose role may
    /// not send it, a bad payload, or when no instance waits for it.
    ManyResult apply_to_many(std::string_view cycle_config, InstitutionKind kind, int round,
                             std::string_view event, const Actor& actor,
                             std::string_view payload_json, Instant now);

    /// Opens the cycle of `cycle` for `institution` starting on `start` (idempotent: false when
    /// it exists). Call inside a transaction.
    bool open_cycle(const CycleConfig& cycle, const Institution& institution, Date start,
                    Instant now);

    /// The id of a cycle instance: "<cycle config>/<institution>/<start date>".
    static std::string cycle_id(std::string_view cycle_config, std::string_view institution,
                                Date start);

    const Institution* institution(std::string_view id) const;
    const Domain& domain() const { return *domain_; }
    const Config& config() const { return config_; }
    const Calendar& calendar() const { return calendar_; }
    const TimeZone& zone() const { return zone_; }

    /// Deadlines (due row, reminders, escalations) for a step of an instance.
    std::vector<DeadlineRecord> deadlines_for(const CycleRecord& instance, const Timeline& timeline,
                                              std::string_view step, const Anchors& anchors,
                                              Date today,
                                              std::optional<Date> due_override = {}) const;

    /// The parsed form of a stored timeline snapshot. Many instances share one snapshot text,
    /// so parses are cached (a bounded number of distinct snapshots). Throws TimelineError.
    std::shared_ptr<const Timeline> timeline_for(const std::string& snapshot);

    /// Queues one mail, with the iCalendar object it carries (an invitation) if any; returns
    /// false when its Message-ID was already queued.
    bool queue_mail(const Person& to, const MailText& text, const std::string& id, Instant now,
                    const std::string& calendar = {});

    /// The institution observing a learning dialogue's institution: the last
    /// `observer_assigned` event, else the cycle config's `observers`; empty when none.
    std::string observer_of(const CycleRecord& cycle) const;

    /// Whether `actor` is the leader of the institution observing this dialogue (another
    /// institution than the observed one): it reaches the dialogue for its observation.
    bool observes(const CycleRecord& cycle, const Actor& actor) const;

    /// The tilbud an area chief may choose as this dialogue's observer: the others of the
    /// observed tilbud's kind (a daycare's leader observes a daycare), by name, with the
    /// current observer kept among them whatever its kind.
    std::vector<const Institution*> observer_choices(const CycleRecord& cycle) const;

    /// The events of `allowed` (the current state's) that `actor` may send on this cycle: its
    /// role is among the event's senders, an observer's event only by the observer, and a
    /// leader's or board's other events only on their own institution.
    std::vector<std::string> events_for(const CycleRecord& cycle,
                                        const std::vector<std::string>& allowed,
                                        const Actor& actor) const;

  private:
    /// "Du kan nu vælge »A« eller »B«." for the events of `allowed` that `actor` may send, or
    /// that there are none: the end of a refusal, saying what to do instead.
    std::string what_you_can_do(const CycleRecord& cycle, const std::vector<std::string>& allowed,
                                const Actor& actor) const;

    /// Queues the notices the workflow's description attaches to `event` (the decision's mail
    /// to the people it concerns); `seq` is the event's place in the audit trail, so a second
    /// decision of the same kind gets its own Message-ID. Returns the mails queued.
    int notify(const CycleRecord& cycle, std::string_view event, const EventPayload& payload,
               long long seq, Instant now);

    /// The due date of a step of the instance's current round: its open deadline, or, for a
    /// step not armed yet, the day it falls due if the steps before it are done on their due
    /// dates (as `plan` assumes). nullopt when the timeline does not date it.
    std::optional<Date> planned_due(const CycleRecord& cycle, std::string_view step, Date today);

    /// The invitation of a notice with a meeting (RFC 5546 REQUEST) to `attendees`, and the
    /// meeting's values for its mail ({date}, {time}, {place}, …) in `values`.
    std::string meeting_invitation(const CycleRecord& cycle, const Institution& institution,
                                   std::string_view event,
                                   const workflows::MeetingDescription& meeting, long long seq,
                                   Instant now, const std::vector<Person>& attendees,
                                   TemplateValues& values);

    int open_cases(const CycleRecord& cycle, const Timeline& timeline, const EventPayload& payload,
                   const Actor& actor, Date today, Instant now, std::vector<std::string>& opened);

    Store& store_;
    std::shared_ptr<const Domain> domain_;
    const Config& config_;
    const Calendar& calendar_;
    const TimeZone& zone_;
    std::unordered_map<std::string, const Institution*> institutions_;
    std::unordered_map<std::string, std::shared_ptr<const Timeline>> timelines_;
};

}  // namespace tilsyn
