// Who is calling: the verified claims of a bearer token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dictra::auth {

inline constexpr std::string_view kAdminScope = "admin";

struct Principal {
    // Operator e-mail or system name (the token's `sub`); never empty.
    std::string sub;
    // The participant the caller acts for; absent when the caller acts for the platform operator.
    // When present it is exactly 8 digits.
    std::optional<std::string> ispb;
    // The token's space-separated `scope` claim, split; may be empty.
    std::vector<std::string> scopes;

    bool HasScope(std::string_view scope) const;
    bool IsAdmin() const { return HasScope(kAdminScope); }
};

}  // namespace dictra::auth
