#include "core/bus/event_bus.hpp"

namespace dictra::bus {
namespace {

enum class Wildcards { kRejected, kAllowed };

bool IsTokenChar(char c) {
    return c > ' ' && c < 0x7F && c != '.' && c != '*' && c != '>';
}

bool IsValid(std::string_view text, Wildcards wildcards) {
    if (text.empty() || text.size() > kSubjectBytesMax) return false;
    std::size_t token_begin = 0;
    while (true) {
        const std::size_t dot = text.find('.', token_begin);
        const bool last = dot == std::string_view::npos;
        const std::string_view token =
            text.substr(token_begin, last ? std::string_view::npos : dot - token_begin);
        if (token.empty()) return false;
        const bool wildcard = token == "*" || (token == ">" && last);
        if (wildcard) {
            if (wildcards == Wildcards::kRejected) return false;
        } else {
            for (char c : token) {
                if (!IsTokenChar(c)) return false;
            }
        }
        if (last) return true;
        token_begin = dot + 1;
    }
}

// Splits off the next token; `rest` becomes what follows its dot (empty after the last one).
std::string_view NextToken(std::string_view& rest, bool& had_more) {
    const std::size_t dot = rest.find('.');
    std::string_view token = rest.substr(0, dot);
    had_more = dot != std::string_view::npos;
    rest = had_more ? rest.substr(dot + 1) : std::string_view();
    return token;
}

}  // namespace

bool IsValidSubject(std::string_view subject) {
    return IsValid(subject, Wildcards::kRejected);
}
bool IsValidSubjectPattern(std::string_view pattern) {
    return IsValid(pattern, Wildcards::kAllowed);
}

bool SubjectMatches(std::string_view pattern, std::string_view subject) {
    if (!IsValidSubjectPattern(pattern) || !IsValidSubject(subject)) return false;
    std::string_view pattern_rest = pattern;
    std::string_view subject_rest = subject;
    bool pattern_more = true;
    bool subject_more = true;
    while (pattern_more && subject_more) {
        const std::string_view pattern_token = NextToken(pattern_rest, pattern_more);
        const std::string_view subject_token = NextToken(subject_rest, subject_more);
        if (pattern_token == ">") return true;  // one or more tokens: this one and any after
        if (pattern_token != "*" && pattern_token != subject_token) return false;
    }
    return !pattern_more && !subject_more;
}

}  // namespace dictra::bus
