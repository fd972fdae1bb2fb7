#include "bacen/store.hpp"

namespace dictra::bacen {

std::span<const db::Migration> BacenStore::Migrations() {
    // Version 1 arrives with reserve accounts (issue 6); the list is the simulator's whole history.
    return {};
}

}  // namespace dictra::bacen
