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

/// How an earlier point went, as an assessment writes it.
inline constexpr std::array<std::string_view, 3> kAssessmentResults = {"achieved", "partly",
                                                                       "not_achieved"};

/// What people read for an assessment's result ("Delvist opnået"); the id itself otherwise.
std::string_view result_title(std::string_view result);

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
    std::string goal;   // learning, communities, wellbeing
    std::string theme;  // a political theme's id, or empty
};

struct SupervisionPoint {
    std::string title;
    std::string reason;  // concern, law, guidelines
    std::string goal;
    std::string theme;
};

/// A plan's action for one point of the conversation it answers.
struct PlanAction {
    std::string point;  // "development:1", "supervision:2" (1-based, as the conversation listed)
    std::string action;
};

/// How an earlier point went, recorded at a later conversation.
struct Assessment {
    std::string point;   // "<seq>:<list>:<n>": the audit seq of the event that recorded it,
                         // development, supervision or focus, 1-based
    std::string result;  // kAssessmentResults
    std::string note;
};

/// A theme a payload names, with the field that names it ("focus_areas[0].theme"); a focus
/// area without one is listed with an empty theme (it needs one when its period has themes).
struct ThemeRef {
    std::string field;
    std::string theme;
    bool focus_area = false;
};

struct EventPayload {
    std::string json;  // the payload, re-serialized compactly (what the audit trail stores)
    std::vector<DevelopmentPoint> development_points;  // also a learning conversation's focus areas
    std::vector<SupervisionPoint> supervision_points;
    std::string observer_institution;  // its institution field (observer_assigned,
                                       // observation_feedback_submitted)
    std::vector<std::string> flags;    // the flag fields set to true
    std::vector<PlanAction> actions;
    bool has_actions = false;  // the event carries an actions field (even an empty one)
    std::vector<Assessment> assessments;
    std::vector<ThemeRef> themes;
};

struct PayloadError {
    ErrorCode code = ErrorCode::bad_value;
    std::string field;    // e.g. "development_points[0].goal"; empty for the whole payload
    std::string message;  // Danish, saying what to do ("Angiv mindst ét udviklingspunkt.")
};

/// {"title","reason","goal"[,"theme"]} as compact JSON.
std::string to_json(const SupervisionPoint& point);

/// A payload field as a form or a description of the API shows it.
struct PayloadFieldInfo {
    std::string_view name;
    std::string_view type;  // text, date, time, url, flag, development_points,
                            // supervision_points, focus_areas, institution (a tilbud's id),
                            // goal, theme, actions, assessments
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
