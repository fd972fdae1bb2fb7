#include "settlement/store.hpp"

namespace dictra::settlement {

std::span<const db::Migration> SettlementStore::Migrations() {
    // Version 1 arrives with payment requests (issue 3); the list is the service's whole history.
    return {};
}

}  // namespace dictra::settlement
