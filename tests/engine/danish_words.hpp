// What a message for people must be (glossary.md): Danish, and free of the ids code uses for
// events, states, steps, workflows, roles and payload fields. For the tests of every room that
// shows the case service's refusals.
#pragma once

#include <catch2/catch.hpp>
#include <regex>
#include <set>
#include <string>
#include <string_view>

#include "engine/role_titles.hpp"
#include "workflows/description.hpp"
#include "workflows/workflow.hpp"

namespace tilsyn::testing {

/// Every id a person must never read: events, states, steps, workflows, roles and payload
/// fields (but those that are Danish words too, such as "feedback").
inline const std::set<std::string>& raw_ids() {
    static const std::set<std::string> ids = [] {
        std::set<std::string> out;
        for (const auto* workflow : workflows::all_workflows()) {
            out.emplace(workflow->id);
            for (const auto& step : workflow->steps) out.emplace(step.id);
            for (const auto& event : workflow->events) {
                out.emplace(event.id);
                for (const auto& field : event.fields) out.emplace(field.name);
            }
            for (const auto& state : workflows::state_names(workflow->id)) out.insert(state);
        }
        for (Role role : kAllRoles) out.emplace(role_name(role));
        for (const char* danish_too : {"feedback", "start"}) out.erase(danish_too);
        return out;
    }();
    return ids;
}

/// Why `message` is not a Danish sentence free of raw ids; empty when it is.
inline std::string not_danish(std::string_view message) {
    const std::string text(message);
    if (text.empty()) return "the message is empty";
    for (const auto& id : raw_ids()) {
        const std::regex word("(^|[^A-Za-z0-9_])" + id + "($|[^A-Za-z0-9_])");
        if (std::regex_search(text, word)) return "it names the raw id '" + id + "'";
    }
    for (const char* english : {" not ", " is ", " must ", " may ", "allowed", "required",
                                "unknown", " the ", " only", "payload", "state"}) {
        if (text.find(english) != std::string::npos) {
            return std::string("it has the English '") + english + "'";
        }
    }
    for (const char* danish :
         {" er ", "ikke", " skal ", " kan ", "Udfyld", "Angiv", "Vælg", "Skriv", "Fjern", "findes",
          " du ", " på ", " med ", " eller ", "Prøv", "Send "}) {
        if (text.find(danish) != std::string::npos) return {};
    }
    return "it has none of the Danish words expected";
}

}  // namespace tilsyn::testing

/// CHECK that a message for people is Danish and names no raw id.
#define CHECK_DANISH(message)                                                   \
    do {                                                                        \
        const std::string tilsyn_message_(message);                             \
        INFO("message: " << tilsyn_message_);                                   \
        CHECK(::tilsyn::testing::not_danish(tilsyn_message_) == std::string{}); \
    } while (false)
