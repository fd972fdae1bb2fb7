// Internal to the settlement store: the payment-row helpers of store.cpp that the other store
// files (file_store.cpp) share, so one INSERT and one row reader exist.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// Appends " AND ..." to `where` and its parameters to `params` for every condition `filter` sets
// (status, ISPBs, amounts, participant); paging is the caller's.
void AppendPaymentConditions(const PaymentFilter& filter, std::string& where,
                             std::vector<db::Value>& params);

}  // namespace dictra::settlement::store_rows
