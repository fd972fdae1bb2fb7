// The simulator's tables (prefix `bacen_`): reserve accounts, settled transfers, message log.
#pragma once

#include <span>

#include "core/db/database.hpp"

namespace dictra::bacen {

class BacenStore {
 public:
    explicit BacenStore(db::Database& database) : database_(database) {}

    // The versioned schema of the simulator, applied with Database::Migrate("bacen").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }

 private:
    db::Database& database_;
};

}  // namespace dictra::bacen
