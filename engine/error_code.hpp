// The stable, machine-readable codes of refused input (interface.md §5: an error body carries a
// stable `error` and a Danish `message` for people). The case service and payload validation
// give one with every refusal; the web layer uses the rest for what it refuses itself. The
// list is documented in README.md ("Errors"); a code is never renamed, only added.
#pragma once

#include <string_view>

namespace tilsyn {

enum class ErrorCode {
    // The case service and payload validation (ApplyResult, PayloadError).
    not_found,             // 404: no such cycle or case, route or feed, or outside one's reach
    unknown_event,         // 400: the workflow has no such event
    role_not_allowed,      // 403: the event is for other roles
    on_behalf_required,    // 403: this role sends it only on another's behalf, and must say so
    not_observer,          // 403/400: only the observing institution's leader sends it
    not_allowed_in_state,  // 409: the current state does not allow the event
    not_for_many,          // 400: event-all with an event recorded per instance only
    nothing_waiting,       // 409: event-all where no instance of the kind and round waits
    bad_json,              // 400: a body or payload that is not JSON
    unknown_field,         // 400: a payload field, body member or query parameter not known
    field_required,        // 400: a required field is missing or empty
    bad_value,             // 400: a field of the wrong kind, or a value not among the choices
    bad_date,              // 400: a date that is not YYYY-MM-DD or does not exist
    too_large,             // 413, 431, or a payload over kMaxPayloadBytes
    // Documents (engine/documents.hpp).
    documents_not_allowed,  // 400: documents sent with an event that carries none
    document_type,          // 415: a document's content is not of an allowed type
    document_name,          // 400: a document's name is empty, too long, or has path
                            // separators or control characters
    // The web layer.
    token_missing,         // 401: no bearer token
    token_invalid,         // 401: a token that is unknown or was replaced
    method_not_allowed,    // 405
    bad_request,           // 400: malformed HTTP
    too_many_connections,  // 503
    too_many_attempts,     // 429: too many failed sign-ins from this address; Retry-After
    database_unavailable,  // 503: the database failed or does not answer; `detail` says why
    internal_error,        // 500: with a request id (the last: tests iterate up to it)
};

/// The code as the API writes it ("role_not_allowed").
std::string_view error_code_name(ErrorCode code);

}  // namespace tilsyn
