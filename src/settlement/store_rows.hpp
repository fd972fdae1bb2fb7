// Internal to the settlement store: the payment-row helpers of store.cpp that the other store
// files (file_store.cpp) share, so one INSERT and one row reader exist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/db/database.hpp"
#include "settlement/model.hpp"

namespace dictra::settlement::store_rows {

// "SELECT <every payment column> FROM settlement_payment_requests"
std::string_view SelectPaymentColumns();
PaymentRequest ReadPaymentRow(const db::Row& row);
// Inserts the request and its creation history row; returns its id. kAlreadyExists when the
// idempotency key (or unique_id) is taken.
Result<std::int64_t> InsertPayment(db::Transaction& tx, const PaymentRequest& payment,
                                   const std::optional<std::string>& idempotency_key,
                                   const std::string& fingerprint, const std::string& changed_by);

}  // namespace dictra::settlement::store_rows
