// SPI's tables (prefix `spi_`) and the SQL that reads and writes them.
#pragma once

#include <span>

#include "core/db/database.hpp"

namespace dictra::spi {

class SpiStore {
 public:
    explicit SpiStore(db::Database& database) : database_(database) {}

    // The versioned schema of the SPI service, applied with Database::Migrate("spi").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }

 private:
    db::Database& database_;
};

}  // namespace dictra::spi
