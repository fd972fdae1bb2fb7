#include "core/auth/principal.hpp"

#include <algorithm>

namespace dictra::auth {

bool Principal::HasScope(std::string_view scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

}  // namespace dictra::auth
