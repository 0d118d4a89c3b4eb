// Continuity from one conversation to the next (seed 002: "did we succeed with the focus areas
// agreed last time?"): the points a tilbud's earlier conversations gave, how they were assessed
// since, and the latest written observation feedback; and the checks that tie a new event to
// them: an assessment names a point of the same tilbud, a plan has an action for every point
// of its conversation, a theme is one of the cycle's period and age band.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/case_store.hpp"
#include "engine/event_payload.hpp"
#include "engine/theme.hpp"

namespace tilsyn {

/// A point an earlier conversation of a tilbud gave.
struct EarlierPoint {
    std::string key;   // "<seq>:<list>:<n>" (Assessment::point)
    std::string list;  // development, supervision, focus
    int number = 0;    // 1-based within its list
    std::string title;
    std::string goal;
    std::string reason;  // supervision points
    std::string theme;
    std::string cycle_id;
    std::string event;  // the conversation event that gave it
    Instant at{};
    std::optional<Assessment> assessment;  // the latest, if any
    Instant assessed_at{};
};

struct Continuity {
    std::vector<EarlierPoint> points;  // oldest first
    std::string feedback;              // the latest written observation feedback, or empty
    Instant feedback_at{};
};

/// What "udviklingspunkt 2" is called in a sentence, for a list of points.
std::string point_label(std::string_view list, int number);

/// The points of a tilbud's conversations so far (every cycle), their latest assessments, and
/// its latest observation feedback.
Continuity continuity_of(CaseStore& store, std::string_view institution_id);

/// The points of the last conversation recorded on a cycle (a plan answers them), as
/// EarlierPoint with keys "development:N" and "supervision:N" (PlanAction::point).
std::vector<EarlierPoint> conversation_points(CaseStore& store, std::string_view cycle_id);

/// Checks what a payload names against what is recorded: its themes (`band` and the cycle's
/// period), its plan actions (the cycle's last conversation) and its assessments (the tilbud's
/// earlier points). nullopt when all is well; else the Danish refusal naming the field.
std::optional<PayloadError> check_against_records(CaseStore& store,
                                                  const std::vector<ThemeRecord>& themes,
                                                  const CycleRecord& cycle,
                                                  std::string_view age_band,
                                                  const EventPayload& payload);

}  // namespace tilsyn
