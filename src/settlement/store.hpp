// Settlement's tables (prefix `settlement_`) and the SQL that reads and writes them.
#pragma once

#include <span>

#include "core/db/database.hpp"

namespace dictra::settlement {

class SettlementStore {
 public:
    explicit SettlementStore(db::Database& database) : database_(database) {}

    // The versioned schema of the settlement service, applied with Database::Migrate("settlement").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }

 private:
    db::Database& database_;
};

}  // namespace dictra::settlement
