#include "bacen/multipart.hpp"

#include <algorithm>
#include <cctype>

namespace dictra::bacen {
namespace {

constexpr std::size_t kBoundaryLengthMax = 70;  // RFC 2046 section 5.1.1

std::string Lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower;
}

std::string_view Trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

// The media type of a Content-Type value, lowercased, without parameters.
std::string MediaType(std::string_view content_type) {
    return Lower(Trim(content_type.substr(0, content_type.find(';'))));
}

}  // namespace

bool IsXmlContentType(std::string_view content_type) {
    const std::string type = MediaType(content_type);
    return type == "application/xml" || type == "text/xml";
}

Result<std::string> MultipartBoundary(std::string_view content_type) {
    if (MediaType(content_type) != "multipart/mixed") {
        return Error::InvalidArgument("not multipart/mixed");
    }
    std::string_view rest = content_type;
    while (true) {
        const std::size_t semicolon = rest.find(';');
        if (semicolon == std::string_view::npos) break;
        rest.remove_prefix(semicolon + 1);
        std::string_view parameter = Trim(rest.substr(0, rest.find(';')));
        const std::size_t equals = parameter.find('=');
        if (equals == std::string_view::npos) continue;
        if (Lower(Trim(parameter.substr(0, equals))) != "boundary") continue;
        std::string_view value = Trim(parameter.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (value.empty() || value.size() > kBoundaryLengthMax) break;
        return std::string(value);
    }
    return Error::InvalidArgument("multipart/mixed needs a boundary of 1 to 70 characters");
}

Result<std::vector<std::string_view>> SplitMultipart(std::string_view body,
                                                     std::string_view boundary,
                                                     std::size_t parts_max) {
    const std::string delimiter = "--" + std::string(boundary);
    // Find each delimiter line: at the start of the body or after a line break.
    auto find_delimiter = [&](std::size_t from) -> std::size_t {
        while (true) {
            const std::size_t at = body.find(delimiter, from);
            if (at == std::string_view::npos) return at;
            if (at == 0 || body[at - 1] == '\n') return at;
            from = at + 1;
        }
    };
    std::size_t at = find_delimiter(0);
    if (at == std::string_view::npos) {
        return Error::InvalidArgument("the multipart body has no --" + std::string(boundary));
    }
    std::vector<std::string_view> parts;
    while (true) {
        std::size_t after = at + delimiter.size();
        if (body.substr(after, 2) == "--") return parts;  // the closing delimiter
        const std::size_t line_end = body.find('\n', after);
        if (line_end == std::string_view::npos) {
            return Error::InvalidArgument("the multipart body ends inside a delimiter line");
        }
        const std::size_t part_start = line_end + 1;
        const std::size_t next = find_delimiter(part_start);
        if (next == std::string_view::npos) {
            return Error::InvalidArgument("the multipart body has no closing --" +
                                          std::string(boundary) + "--");
        }
        // The line break before the delimiter belongs to the delimiter.
        std::size_t part_end = next;
        if (part_end > part_start && body[part_end - 1] == '\n') --part_end;
        if (part_end > part_start && body[part_end - 1] == '\r') --part_end;
        std::string_view part = body.substr(part_start, part_end - part_start);
        // Headers end at the first empty line.
        std::size_t headers_end = std::string_view::npos;
        std::size_t body_start = 0;
        for (std::size_t line_start = 0; line_start <= part.size();) {
            const std::size_t eol = part.find('\n', line_start);
            std::string_view line =
                part.substr(line_start, eol == std::string_view::npos ? std::string_view::npos
                                                                      : eol - line_start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) {
                headers_end = line_start;
                body_start = eol == std::string_view::npos ? part.size() : eol + 1;
                break;
            }
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos) {
                return Error::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                              " has a header line without ':'");
            }
            if (Lower(Trim(line.substr(0, colon))) == "content-type" &&
                !IsXmlContentType(line.substr(colon + 1))) {
                return Error::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                              " is not application/xml");
            }
            if (eol == std::string_view::npos) break;
            line_start = eol + 1;
        }
        if (headers_end == std::string_view::npos) {
            return Error::InvalidArgument("multipart part " + std::to_string(parts.size() + 1) +
                                          " has no empty line after its headers");
        }
        if (parts.size() == parts_max) {
            return Error::InvalidArgument("a multipart body carries at most " +
                                          std::to_string(parts_max) + " messages");
        }
        parts.push_back(part.substr(body_start));
        at = next;
    }
}

std::string BuildMultipart(const std::vector<std::string_view>& messages,
                           std::string_view boundary) {
    std::string body;
    for (std::string_view message : messages) {
        body += "--";
        body += boundary;
        body += "\r\nContent-Type: application/xml\r\n\r\n";
        body += message;
        body += "\r\n";
    }
    body += "--";
    body += boundary;
    body += "--\r\n";
    return body;
}

}  // namespace dictra::bacen
