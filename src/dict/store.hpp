// DICT's tables (prefix `dict_`) and the SQL that reads and writes them.
#pragma once

#include <span>

#include "core/db/database.hpp"

namespace dictra::dict {

class DictStore {
 public:
    explicit DictStore(db::Database& database) : database_(database) {}

    // The versioned schema of the DICT service, applied with Database::Migrate("dict").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }

 private:
    db::Database& database_;
};

}  // namespace dictra::dict
