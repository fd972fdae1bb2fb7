// multipart/mixed (RFC 2046 section 5.1) as ICOM uses it: a POST of several XML messages, and a
// pull answer of several messages. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace dictra::bacen {

// The boundary parameter of a multipart Content-Type ("multipart/mixed; boundary=abc",
// optionally quoted). kInvalidArgument when the type is not multipart/mixed or has no valid
// boundary (1 to 70 characters, RFC 2046).
Result<std::string> MultipartBoundary(std::string_view content_type);

// The bodies of the parts, in order (views into `body`). Part headers are skipped; a part whose
// Content-Type is present and not XML (application/xml or text/xml) is refused. Lines may end in
// CRLF or LF. kInvalidArgument for a body without the opening delimiter or the closing
// "--boundary--", or with more than `parts_max` parts; nothing is returned then.
Result<std::vector<std::string_view>> SplitMultipart(std::string_view body,
                                                     std::string_view boundary,
                                                     std::size_t parts_max);

// A multipart/mixed body with one application/xml part per message, delimited by `boundary`.
// REQUIRES: `boundary` does not occur in any message.
std::string BuildMultipart(const std::vector<std::string_view>& messages,
                           std::string_view boundary);

// True for "application/xml" and "text/xml", with or without parameters (charset), any case.
bool IsXmlContentType(std::string_view content_type);

}  // namespace dictra::bacen
