#include "spi/store.hpp"

namespace dictra::spi {

std::span<const db::Migration> SpiStore::Migrations() {
    // Version 1 arrives with SPI payments (issue 6); the list is the service's whole history.
    return {};
}

}  // namespace dictra::spi
