#include "dict/store.hpp"

namespace dictra::dict {

std::span<const db::Migration> DictStore::Migrations() {
    // Version 1 arrives with PIX keys (issue 7); the list is the service's whole history.
    return {};
}

}  // namespace dictra::dict
