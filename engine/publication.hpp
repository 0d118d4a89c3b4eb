// What is published: the development plans the area chief approved, per tilbud, with the
// approval date, the points the plan answers with their effect goals and political themes, and
// the documents the approval pinned by their hashes: exactly those files, and nothing that was
// not approved (a draft, a returned plan, a report). Resolved supervision cases with their
// action plans only when `publication.supervision_cases` is true. The public page, its JSON and
// its Atom feed are made from this one read model.
#pragma once

#include <string>
#include <vector>

#include "engine/config.hpp"
#include "engine/documents.hpp"
#include "engine/store.hpp"

namespace tilsyn {

/// A point the published plan answers: a development point or focus area of the conversation,
/// or a supervision case's point.
struct PublishedPoint {
    std::string title;
    std::string goal;      // learning, communities, wellbeing
    std::string theme_id;  // the political theme it serves, or empty
    std::string theme;     // that theme's title (empty when the theme is unknown)
};

/// A political theme a published plan serves.
struct PublishedTheme {
    std::string id;
    std::string title;
};

struct PublishedPlan {
    std::string cycle_id;
    std::string cycle_config;
    bool supervision_case = false;  // a resolved supervision case's action plan
    const Institution* institution = nullptr;
    Instant approved_at{};  // approved (a plan) or resolved (a case)
    long long approval_seq = 0;
    std::vector<PublishedPoint> points;
    std::vector<std::string> goals;         // the points' distinct goals, in effect-goal order
    std::vector<PublishedTheme> themes;     // the points' distinct themes, in order of mention
    std::vector<StoredDocument> documents;  // the pinned files, as stored
};

/// The latest approved plan of each tilbud of the configuration, by tilbud name; then, when
/// `publication.supervision_cases` is set, every resolved supervision case, by tilbud name and
/// resolution.
/// `institution_id`: only that tilbud's (a document's own, to decide whether it is public).
std::vector<PublishedPlan> published_plans(Store& store, const Config& config,
                                           std::string_view institution_id = {});

/// Whether `document_id` is one of the published plans' documents.
bool is_published_document(const std::vector<PublishedPlan>& plans, long long document_id);

}  // namespace tilsyn
