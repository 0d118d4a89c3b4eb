// The scheduler: one pass as of a moment. It opens the cycles whose start has come (exactly one
// per institution and period, however often it runs) and fires the reminders and escalations
// that are due, queueing their mails in the same transaction that marks them fired. Missed
// reminders are coalesced: after downtime only the latest per deadline goes out, and none for a
// deadline already met (meeting it closed them).
#pragma once

#include <optional>

#include "engine/case_service.hpp"

namespace tilsyn {

struct TickReport {
    int cycles_opened = 0;
    int reminders = 0;   // reminders fired (one per deadline, however many were missed)
    int superseded = 0;  // missed earlier reminders closed without a mail
    int escalations = 0;
    int mails = 0;    // messages queued
    int digests = 0;  // daily digests queued
};

/// A digest lists what falls due within this many days.
constexpr int kDigestHorizonDays = 14;

/// Work is committed in batches of this many deadlines or cycles: a crash loses at most the
/// uncommitted batch, which the next tick does again.
constexpr int kTickBatch = 500;

class Scheduler {
  public:
    Scheduler(Store& store, CaseService& cases);

    TickReport tick(Instant at);

    /// The next moment something is due: a deadline to fire or a cycle start to open.
    std::optional<Instant> next_due_moment(Instant after);

  private:
    void open_cycles(Instant at, TickReport& report);
    void fire_deadlines(Instant at, TickReport& report);
    void queue_digests(Instant at, TickReport& report);
    /// The people with `roles` for an institution, less the roles that get a digest instead.
    /// Who a reminder or escalation of `step` goes to: the people holding `roles` for the
    /// institution, except that a step the observer acts on (its description says so) goes to
    /// the observing institution's leader instead of the observed one's leader and board.
    std::vector<Person> step_recipients(const std::string& cycle_id,
                                        const std::string& cycle_config,
                                        const Institution& institution, std::string_view step,
                                        const std::vector<Role>& roles);
    std::vector<Person> individual_recipients(const Institution& institution,
                                              const std::vector<Role>& roles) const;

    Store& store_;
    CaseService& cases_;
};

}  // namespace tilsyn
