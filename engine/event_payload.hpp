// Workflow events as users send them (interface.md §4): who may send each event and what its
// JSON payload must hold. Validation names the field and what is wrong with it.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/config.hpp"
#include "engine/error_code.hpp"

namespace tilsyn {

/// Larger payloads are refused before parsing.
constexpr std::size_t kMaxPayloadBytes = 1 << 20;

/// The effect goals (effektmål) a point is tied to, as payloads write them.
inline constexpr std::array<std::string_view, 3> kEffectGoals = {"learning", "communities",
                                                                 "wellbeing"};
/// Why a supervision point is given, as payloads write it.
inline constexpr std::array<std::string_view, 3> kSupervisionReasons = {"concern", "law",
                                                                        "guidelines"};

/// What people read for an effect goal, always in full (glossary.md: "Sundhed og trivsel");
/// the id itself for an unknown one.
std::string_view goal_title(std::string_view goal);

/// What people read for a supervision point's reason ("Lovgivningen er ikke overholdt"); the
/// id itself for an unknown one.
std::string_view reason_title(std::string_view reason);

/// What people read for a payload field ("Begrundelse"), on forms, in the history and in the
/// errors that name it; the name itself for an unknown one.
std::string_view field_title(std::string_view field);

struct DevelopmentPoint {
    std::string title;
    std::string goal;  // learning, communities, wellbeing
};

struct SupervisionPoint {
    std::string title;
    std::string reason;  // concern, law, guidelines
    std::string goal;
};

struct EventPayload {
    std::string json;  // the payload, re-serialized compactly (what the audit trail stores)
    std::vector<DevelopmentPoint> development_points;  // also a learning conversation's focus areas
    std::vector<SupervisionPoint> supervision_points;
    std::string observer_institution;  // its institution field (observer_assigned,
                                       // observation_feedback_submitted)
    std::vector<std::string> flags;    // the flag fields set to true
};

struct PayloadError {
    ErrorCode code = ErrorCode::bad_value;
    std::string field;    // e.g. "development_points[0].goal"; empty for the whole payload
    std::string message;  // Danish, saying what to do ("Angiv mindst ét udviklingspunkt.")
};

/// {"title","reason","goal"} as compact JSON.
std::string to_json(const SupervisionPoint& point);

/// A payload field as a form or a description of the API shows it.
struct PayloadFieldInfo {
    std::string_view name;
    std::string_view type;  // text, date, time, url, flag, development_points,
                            // supervision_points, focus_areas, institution (a tilbud's id)
    bool required = false;
};

/// The payload fields of an event, in order; empty for an unknown event or one without payload.
std::vector<PayloadFieldInfo> event_fields(std::string_view event);

/// Every event name of a workflow's events as users send them.
std::vector<std::string> known_events();

/// Validates `json` (empty means `{}`) for an event. Unknown fields are refused.
std::variant<EventPayload, PayloadError> validate_payload(std::string_view event,
                                                          std::string_view json);

}  // namespace tilsyn
