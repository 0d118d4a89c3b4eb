#include "engine/event_payload.hpp"

#include <catch2/catch.hpp>

namespace {

tilsyn::PayloadError error_of(std::string_view event, std::string_view json) {
    auto result = tilsyn::validate_payload(event, json);
    REQUIRE(std::holds_alternative<tilsyn::PayloadError>(result));
    return std::get<tilsyn::PayloadError>(result);
}

tilsyn::EventPayload ok(std::string_view event, std::string_view json) {
    auto result = tilsyn::validate_payload(event, json);
    if (auto* e = std::get_if<tilsyn::PayloadError>(&result)) FAIL(e->field << ": " << e->message);
    return std::get<tilsyn::EventPayload>(result);
}

}  // namespace

TEST_CASE("a conversation held needs a development point with a known goal", "[payload]") {
    auto payload = ok("conversation_held",
                      R"({"development_points":[{"title":"Læsning","goal":"learning"}],
                          "supervision_points":[{"title":"Fravær","reason":"law","goal":"wellbeing"}]})");
    REQUIRE(payload.development_points.size() == 1);
    CHECK(payload.development_points[0].title == "Læsning");
    REQUIRE(payload.supervision_points.size() == 1);
    CHECK(payload.supervision_points[0].reason == "law");

    auto e = error_of("conversation_held", R"({"development_points":[]})");
    CHECK(e.field == "development_points");
    CHECK(e.message == "needs at least one development point");

    e = error_of("conversation_held", R"({"development_points":[{"title":"x","goal":"fun"}]})");
    CHECK(e.field == "development_points[0].goal");
    CHECK(e.message == "'fun' is not one of learning, communities, wellbeing");

    e = error_of("conversation_held",
                 R"({"development_points":[{"title":"x","goal":"learning"}],
                     "supervision_points":[{"title":"y","goal":"learning"}]})");
    CHECK(e.field == "supervision_points[0].reason");
    CHECK(e.message == "is required");

    e = error_of("conversation_held",
                 R"({"development_points":[{"title":" ","goal":"learning"}]})");
    CHECK(e.field == "development_points[0].title");
}

TEST_CASE("a board statement needs at least one of its four texts", "[payload]") {
    CHECK(ok("board_statement_submitted", R"({"signals_political":"Mere tid"})").json ==
          R"({"signals_political":"Mere tid"})");
    auto e = error_of("board_statement_submitted", R"({"assessment":""})");
    CHECK(e.field.empty());
    CHECK(e.message.find("at least one of") != std::string::npos);
}

TEST_CASE("malformed, oversized, non-object payloads and unknown fields are refused", "[payload]") {
    CHECK(error_of("plan_approved", "{").message.find("not valid JSON") != std::string::npos);
    CHECK(error_of("plan_approved", "[]").message == "payload must be a JSON object");
    CHECK(error_of("plan_approved", R"({"x":1})").field == "x");
    const std::string big = R"({"comment":")" + std::string(tilsyn::kMaxPayloadBytes, 'a') + "\"}";
    CHECK(error_of("plan_returned", big).message.find("larger than") != std::string::npos);
    CHECK(error_of("no_such_event", "{}").message == "unknown event 'no_such_event'");
    CHECK(ok("plan_approved", "").json == "{}");
}

TEST_CASE("dates and addresses in payloads are checked", "[payload]") {
    CHECK(error_of("conversation_scheduled", R"({"date":"2026-02-30"})").message ==
          "must be a date YYYY-MM-DD");
    CHECK(error_of("conversation_scheduled", "{}").message == "is required");
    ok("conversation_scheduled", R"({"date":"2026-11-30"})");
    CHECK(error_of("plan_published", R"({"url":"ftp://x"})").field == "url");
    CHECK(error_of("plan_published", R"({"url":42})").message == "must be text");
    ok("plan_published", R"({"url":"https://skole.example.dk/plan.pdf"})");
    CHECK(error_of("plan_returned", R"({"comment":"   "})").message == "must not be empty");
}

TEST_CASE("effect goals and reasons read in full in Danish, as the glossary writes them",
          "[payload][words]") {
    CHECK(tilsyn::goal_title("learning") == "Læring og udvikling");
    CHECK(tilsyn::goal_title("communities") == "Fællesskaber");
    CHECK(tilsyn::goal_title("wellbeing") == "Sundhed og trivsel");
    CHECK(tilsyn::reason_title("concern") == "Bekymrende udvikling");
    CHECK(tilsyn::reason_title("law") == "Lovgivningen er ikke overholdt");
    CHECK(tilsyn::reason_title("guidelines") ==
          "Rammer og retningslinjer vedtaget af byrådet eller rådmanden er ikke overholdt");
    for (auto goal : tilsyn::kEffectGoals) CHECK(tilsyn::goal_title(goal) != goal);
    for (auto reason : tilsyn::kSupervisionReasons) CHECK(tilsyn::reason_title(reason) != reason);
    CHECK(tilsyn::goal_title("unknown") == "unknown");
}
