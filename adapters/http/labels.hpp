// The Danish words the dashboard shows: for events, states and workflows from the workflows'
// descriptions (workflows/description.hpp), for form fields, goals and reasons from
// engine/event_payload, for roles from the configuration (Config::roles), and for kinds and
// statuses here; and the workflow names the API's filters accept.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tilsyn::http {

/// Every state name of the workflows, without repeats, in the order the filters list them.
std::vector<std::string> all_state_names();

/// The values the API's `workflow` filter accepts, in the order its error message names them.
std::vector<std::string_view> workflow_filter_names();
bool is_workflow_filter(std::string_view workflow);

namespace ui {

/// A name and its Danish label.
using Label = std::pair<std::string_view, std::string_view>;

/// Danish names shown to users; a name without a label is shown as it is.
std::string_view event_label(std::string_view event);   // what happened (history)
std::string_view action_label(std::string_view event);  // what to do (a form's button)
std::string_view state_label(std::string_view state);
std::string_view workflow_label(std::string_view workflow);
std::string_view kind_label(std::string_view kind);
std::string_view field_label(std::string_view field);    // a payload field
std::string_view goal_label(std::string_view goal);      // an effect goal
std::string_view reason_label(std::string_view reason);  // of a supervision point
std::string_view status_label(std::string_view status);  // of a deadline (case_view.hpp)
std::string_view deadline_kind_label(std::string_view kind);

/// The choices of the forms' select boxes, in the order shown.
std::span<const Label> kind_labels();
std::span<const Label> goal_labels();
std::span<const Label> reason_labels();
std::span<const Label> result_labels();  // how an earlier point went

}  // namespace ui

}  // namespace tilsyn::http
