// A person's calendar feed (RFC 5545): the open deadlines that concern them, for Outlook and
// Google Calendar to subscribe to through a secret URL. Each deadline keeps one UID per
// (instance, step, round), so a subscribed calendar moves the event when the due date moves
// and drops it when the step is done.
#pragma once

#include <string>

#include "engine/case_service.hpp"
#include "engine/store.hpp"

namespace tilsyn {

/// Whether a step's deadline concerns a role: an area chief and an admin follow every step in
/// their reach; a leader, board or director the steps they act on (the
/// workflows' descriptions, or the cycle's config for an assignable step; nullptr: a cycle no
/// longer configured), which for the observed institution is not its observation.
bool step_concerns(Role role, const CycleConfig* cycle, std::string_view step);

/// The calendar of `user`'s open deadlines as of `now` (DTSTAMP).
std::string calendar_feed(Store& store, CaseService& cases, const StoredUser& user, Instant now);

/// The secret URL of a feed: "<dashboard_url>/feeds/<secret>.ics".
std::string feed_url(const Config& config, std::string_view secret);

}  // namespace tilsyn
