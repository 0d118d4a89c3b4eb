// The institution page's timeline, drawn on the server as SVG (no script, no outside
// resource): the period of a tilbud's cycles on one axis with a line per deadline (each step of
// each round, and a step armed again, such as a plan sent back, on a line of its own), its due
// date, the day it was done (on time or late), how long an open one is overdue, the reminders
// and escalations sent and planned, and today's line.
#pragma once

#include <string>

#include "engine/case_view.hpp"
#include "engine/time_zone.hpp"

namespace tilsyn::http::ui {

/// The timeline of `view`'s cycles and cases as of `today`, reminders on their day in `zone`
/// (UTC when null); empty when they have no deadline.
std::string timeline_svg(const InstitutionView& view, Date today, const TimeZone* zone);

}  // namespace tilsyn::http::ui
