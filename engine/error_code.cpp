#include "engine/error_code.hpp"

namespace tilsyn {

std::string_view error_code_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::not_found:
            return "not_found";
        case ErrorCode::unknown_event:
            return "unknown_event";
        case ErrorCode::role_not_allowed:
            return "role_not_allowed";
        case ErrorCode::on_behalf_required:
            return "on_behalf_required";
        case ErrorCode::not_observer:
            return "not_observer";
        case ErrorCode::not_allowed_in_state:
            return "not_allowed_in_state";
        case ErrorCode::not_for_many:
            return "not_for_many";
        case ErrorCode::nothing_waiting:
            return "nothing_waiting";
        case ErrorCode::bad_json:
            return "bad_json";
        case ErrorCode::unknown_field:
            return "unknown_field";
        case ErrorCode::field_required:
            return "field_required";
        case ErrorCode::bad_value:
            return "bad_value";
        case ErrorCode::bad_date:
            return "bad_date";
        case ErrorCode::too_large:
            return "too_large";
        case ErrorCode::documents_not_allowed:
            return "documents_not_allowed";
        case ErrorCode::document_type:
            return "document_type";
        case ErrorCode::document_name:
            return "document_name";
        case ErrorCode::token_missing:
            return "token_missing";
        case ErrorCode::token_invalid:
            return "token_invalid";
        case ErrorCode::method_not_allowed:
            return "method_not_allowed";
        case ErrorCode::bad_request:
            return "bad_request";
        case ErrorCode::too_many_connections:
            return "too_many_connections";
        case ErrorCode::too_many_attempts:
            return "too_many_attempts";
        case ErrorCode::database_unavailable:
            return "database_unavailable";
        case ErrorCode::internal_error:
            return "internal_error";
    }
    return "internal_error";
}

}  // namespace tilsyn
