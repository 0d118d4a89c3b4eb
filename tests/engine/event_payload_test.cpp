#include "engine/event_payload.hpp"

#include <catch2/catch.hpp>

#include "danish_words.hpp"

using tilsyn::ErrorCode;

namespace {

/// The refusal of a payload; its message must be Danish and free of raw ids.
tilsyn::PayloadError error_of(std::string_view event, std::string_view json) {
    auto result = tilsyn::validate_payload(event, json);
    REQUIRE(std::holds_alternative<tilsyn::PayloadError>(result));
    auto error = std::get<tilsyn::PayloadError>(result);
    CHECK_DANISH(error.message);
    return error;
}

tilsyn::EventPayload ok(std::string_view event, std::string_view json) {
    auto result = tilsyn::validate_payload(event, json);
    if (auto* e = std::get_if<tilsyn::PayloadError>(&result)) FAIL(e->field << ": " << e->message);
    return std::get<tilsyn::EventPayload>(result);
}

}  // namespace

TEST_CASE("a conversation held needs a development point with a known goal", "[payload]") {
    auto payload = ok(
        "conversation_held",
        R"({"board_representative":"Maja","development_points":[{"title":"Læsning","goal":"learning"}],
                          "supervision_points":[{"title":"Fravær","reason":"law","goal":"wellbeing"}]})");
    REQUIRE(payload.development_points.size() == 1);
    CHECK(payload.development_points[0].title == "Læsning");
    REQUIRE(payload.supervision_points.size() == 1);
    CHECK(payload.supervision_points[0].reason == "law");

    auto e =
        error_of("conversation_held", R"({"board_representative":"Maja","development_points":[]})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.field == "development_points");
    CHECK(e.message == "Angiv mindst ét udviklingspunkt.");  // glossary.md's own example
    e = error_of("conversation_held", R"({"board_representative":"Maja"})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.message == "Angiv mindst ét udviklingspunkt.");

    e = error_of(
        "conversation_held",
        R"({"board_representative":"Maja","development_points":[{"title":"x","goal":"fun"}]})");
    CHECK(e.code == ErrorCode::bad_value);
    CHECK(e.field == "development_points[0].goal");
    CHECK(e.message ==
          "Vælg effektmål for udviklingspunkt 1 blandt »Læring og udvikling«, »Fællesskaber« og "
          "»Sundhed og trivsel«.");

    e = error_of(
        "conversation_held",
        R"({"board_representative":"Maja","development_points":[{"title":"x","goal":"learning"}],
                     "supervision_points":[{"title":"y","goal":"learning"}]})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.field == "supervision_points[0].reason");
    CHECK(e.message == "Vælg begrundelse for tilsynspunkt 1.");

    e = error_of(
        "conversation_held",
        R"({"board_representative":"Maja","development_points":[{"title":" ","goal":"learning"}]})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.field == "development_points[0].title");
    CHECK(e.message == "Udfyld titlen på udviklingspunkt 1.");

    e = error_of(
        "conversation_held",
        R"({"board_representative":"Maja","development_points":[{"title":"x","goal":"learning",
                                           "owner":"Bo"}]})");
    CHECK(e.code == ErrorCode::unknown_field);
    CHECK(e.field == "development_points[0].owner");
    e = error_of("conversation_held",
                 R"({"board_representative":"Maja","development_points":["Læsning"]})");
    CHECK(e.code == ErrorCode::bad_value);
    CHECK(e.message == "Udviklingspunkt 1 skal have en titel og et effektmål.");
}

TEST_CASE("a learning conversation needs a focus area, named as such", "[payload]") {
    auto e = error_of("learning_conversation_held", R"({"focus_areas":[]})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.message == "Angiv mindst ét fokusområde.");
    e = error_of("learning_conversation_held", R"({"focus_areas":[{"goal":"learning"}]})");
    CHECK(e.message == "Udfyld titlen på fokusområde 1.");
}

TEST_CASE("a board statement needs at least one of its four texts", "[payload]") {
    CHECK(ok("board_statement_submitted", R"({"signals_political":"Mere tid"})").json ==
          R"({"signals_political":"Mere tid"})");
    auto e = error_of("board_statement_submitted", R"({"assessment":""})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.field.empty());
    CHECK(e.message ==
          "Udfyld mindst ét af felterne »Samlet vurdering«, »Fortolkning«, »Signaler til det "
          "lokale niveau« og »Signaler til det politiske niveau«.");
}

TEST_CASE("malformed, oversized, non-object payloads and unknown fields are refused", "[payload]") {
    CHECK(error_of("plan_approved", "{").code == ErrorCode::bad_json);
    CHECK(error_of("plan_approved", "[]").code == ErrorCode::bad_value);
    const auto unknown = error_of("plan_approved", R"({"x":1})");
    CHECK(unknown.code == ErrorCode::unknown_field);
    CHECK(unknown.field == "x");
    CHECK(unknown.message == "Handlingen har ikke feltet »x«. Fjern det.");
    const std::string big = R"({"comment":")" + std::string(tilsyn::kMaxPayloadBytes, 'a') + "\"}";
    CHECK(error_of("plan_returned", big).code == ErrorCode::too_large);
    const auto no_event = error_of("no_such_event", "{}");
    CHECK(no_event.code == ErrorCode::unknown_event);
    CHECK(no_event.field == "event");
    CHECK(ok("plan_approved", "").json == "{}");
}

TEST_CASE("dates and addresses in payloads are checked", "[payload]") {
    auto e = error_of("conversation_scheduled", R"({"date":"2026-02-30"})");
    CHECK(e.code == ErrorCode::bad_date);
    CHECK(e.field == "date");
    CHECK(e.message ==
          "Skriv »Dato« som en dato, der findes, på formen ÅÅÅÅ-MM-DD (fx 2026-10-12).");
    e = error_of("conversation_scheduled", "{}");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.message == "Udfyld »Dato«.");
    ok("conversation_scheduled", R"({"date":"2026-11-30"})");
    e = error_of("plan_published", R"({"url":"ftp://x"})");
    CHECK(e.code == ErrorCode::bad_value);
    CHECK(e.field == "url");
    e = error_of("plan_published", R"({"url":42})");
    CHECK(e.code == ErrorCode::bad_value);
    CHECK(e.message == "»Link (URL)« skal være tekst.");
    ok("plan_published", R"({"url":"https://skole.example.dk/plan.pdf"})");
    e = error_of("plan_returned", R"({"comment":"   "})");
    CHECK(e.code == ErrorCode::field_required);
    CHECK(e.message == "Udfyld »Kommentar til lederen«.");
    e = error_of("board_statement_submitted", R"({"assessment":"x","on_behalf_of_board":"ja"})");
    CHECK(e.code == ErrorCode::bad_value);
    CHECK(e.field == "on_behalf_of_board");
}

TEST_CASE("a conversation's time is HH:MM, refused in Danish otherwise", "[payload]") {
    ok("conversation_scheduled", R"({"date":"2026-11-30","time":"13:30","place":"Rådhuset"})");
    ok("conversation_scheduled", R"({"date":"2026-11-30","time":"00:00"})");
    ok("conversation_scheduled", R"({"date":"2026-11-30","time":"23:59"})");
    for (const char* bad : {R"("9:30")", R"("09.30")", R"("24:00")", R"("12:60")", R"(" 09:30")",
                            R"("")", "930", "null"}) {
        INFO(bad);
        const auto e = error_of("conversation_scheduled",
                                std::string(R"({"date":"2026-11-30","time":)") + bad + "}");
        CHECK(e.code == ErrorCode::bad_value);
        CHECK(e.field == "time");
        CHECK(e.message == "Skriv »Klokkeslæt« som et klokkeslæt på formen TT:MM (fx 09:30).");
    }
    const auto fields = tilsyn::event_fields("conversation_scheduled");
    REQUIRE(fields.size() == 3);
    CHECK(fields[1].name == "time");
    CHECK(fields[1].type == "time");
    CHECK_FALSE(fields[1].required);
    CHECK(fields[2].name == "place");
    CHECK(tilsyn::field_title("time") == "Klokkeslæt");
    CHECK(tilsyn::field_title("place") == "Sted");
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

TEST_CASE("control characters are refused in texts, and line breaks in titles", "[payload]") {
    auto title =
        error_of("conversation_held",
                 R"({"development_points":[{"title":"Læsning\r\nBCC: x","goal":"learning"}]})");
    CHECK(title.code == ErrorCode::bad_value);
    CHECK(title.field == "development_points[0].title");
    CHECK(title.message == "Skriv titlen på udviklingspunkt 1 på én linje uden tabulatorer.");
    auto bell = error_of("plan_returned", R"({"comment":"Se \u0007 her"})");
    CHECK(bell.code == ErrorCode::bad_value);
    CHECK(bell.field == "comment");
    // A longer text keeps its paragraphs.
    ok("plan_returned", R"({"comment":"Første afsnit.\n\nAndet afsnit.\tMed tabulator."})");
}
