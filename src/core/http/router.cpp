#include "core/http/router.hpp"

#include <algorithm>

#include "core/check.hpp"

namespace dictra::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t start = 1;  // skip the leading '/'
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        segments.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

bool IsParameter(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool Matches(const Route& route, const std::vector<std::string_view>& segments,
             std::vector<std::pair<std::string, std::string>>* params) {
    if (route.segments.size() != segments.size()) return false;
    for (std::size_t segment_idx = 0; segment_idx < segments.size(); ++segment_idx) {
        const std::string& expected = route.segments[segment_idx];
        if (IsParameter(expected)) {
            // An empty parameter ("/payments//cancel") never matches.
            if (segments[segment_idx].empty()) return false;
            continue;
        }
        if (expected != segments[segment_idx]) return false;
    }
    if (params != nullptr) {
        params->clear();
        for (std::size_t segment_idx = 0; segment_idx < segments.size(); ++segment_idx) {
            const std::string& expected = route.segments[segment_idx];
            if (IsParameter(expected)) {
                params->emplace_back(expected.substr(1, expected.size() - 2),
                                     std::string(segments[segment_idx]));
            }
        }
    }
    return true;
}

}  // namespace

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
    DICTRA_CHECK(handler != nullptr);
    AddRoute(Route{method, std::move(pattern), std::move(handler), {}, options, {}});
}

void Router::AddAsync(Method method, std::string pattern, AsyncHandler handler,
                      RouteOptions options) {
    DICTRA_CHECK(handler != nullptr);
    AddRoute(Route{method, std::move(pattern), {}, std::move(handler), options, {}});
}

void Router::AddRoute(Route route) {
    DICTRA_CHECK(!route.pattern.empty() && route.pattern.front() == '/');
    for (const Route& existing : routes_)
        DICTRA_CHECK(!(existing.method == route.method && existing.pattern == route.pattern));
    for (std::string_view segment : SplitPath(route.pattern)) route.segments.emplace_back(segment);
    // Literal routes win over parameter routes at the same depth ("/schedules/due" before
    // "/schedules/{id}"): keep routes ordered by how many literal segments lead.
    routes_.push_back(std::move(route));
    std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
        auto literal_prefix = [](const Route& r) {
            std::size_t count = 0;
            while (count < r.segments.size() && !IsParameter(r.segments[count])) ++count;
            return count;
        };
        return literal_prefix(a) > literal_prefix(b);
    });
}

Router::Match Router::Find(Method method, std::string_view path,
                           std::vector<std::pair<std::string, std::string>>& params) const {
    Match match;
    if (path.empty() || path.front() != '/') return match;
    const std::vector<std::string_view> segments = SplitPath(path);
    // HEAD is served by the GET route; the server drops the body.
    const Method wanted = method == Method::kHead ? Method::kGet : method;
    std::vector<Method> allowed;
    for (const Route& route : routes_) {
        if (!Matches(route, segments, nullptr)) continue;
        match.path_known = true;
        if (route.method == wanted && match.route == nullptr) {
            Matches(route, segments, &params);
            match.route = &route;
        }
        if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
            allowed.push_back(route.method);
        }
    }
    if (match.route == nullptr && match.path_known) {
        if (std::find(allowed.begin(), allowed.end(), Method::kGet) != allowed.end()) {
            allowed.push_back(Method::kHead);
        }
        for (Method allowed_method : allowed) {
            if (!match.allow.empty()) match.allow += ", ";
            match.allow += ToString(allowed_method);
        }
    }
    return match;
}

}  // namespace dictra::http
