#include "adapters/http/responses.hpp"

#include <boost/json/serialize.hpp>

namespace tilsyn::http {

Response json_response(int status, std::string body) {
    return {status, "application/json", {}, std::move(body)};
}

Response json_error(int status, ErrorCode code, std::string_view message, std::string_view field,
                    boost::json::object extra) {
    boost::json::object body;
    body["error"] = error_code_name(code);
    body["message"] = message;
    if (!field.empty()) body["field"] = field;
    for (auto& [key, value] : extra) body[key] = value;
    return json_response(status, boost::json::serialize(body));
}

Response html(int status, std::string body) {
    return {status,
            "text/html; charset=utf-8",
            {{"Content-Security-Policy",
              "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
              "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
             {"X-Frame-Options", "DENY"},
             {"Referrer-Policy", "same-origin"}},
            std::move(body)};
}

Response redirect(std::string location) {
    return {303, "text/plain; charset=utf-8", {{"Location", location}}, "See " + location};
}

}  // namespace tilsyn::http
