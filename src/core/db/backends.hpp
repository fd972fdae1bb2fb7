// Constructors of the concrete backends (internal to dictra_db; use OpenDatabase).
#pragma once

#include <memory>
#include <string_view>

#include "core/db/database.hpp"

namespace dictra::db::internal {

// `path` is a file path or ":memory:".
Result<std::unique_ptr<Database>> OpenSqlite(std::string_view path, const DatabaseOptions& options);
// `url` is a libpq connection URI.
Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url,
                                               const DatabaseOptions& options);

}  // namespace dictra::db::internal
