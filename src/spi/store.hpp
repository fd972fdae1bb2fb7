// SPI's tables (prefix `spi_`) and the SQL that reads and writes them: payments, their status
// history and the ISO 20022 messages exchanged with BACEN. No rules here; the functions that take a
// Transaction run inside the service's Database::Write, so one status change (payment row,
// history row, message row) is one atomic write.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"
#include "spi/model.hpp"

namespace dictra::spi {

class SpiStore {
 public:
    explicit SpiStore(db::Database& database) : database_(database) {}

    // The versioned schema of the SPI service, applied with Database::Migrate("spi").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }
    db::Database& database() { return database_; }

    // Inserts the payment (its id is ignored) and returns the new id. kAlreadyExists when the
    // EndToEndId is already stored for that direction.
    static Result<std::int64_t> InsertPayment(db::Transaction& tx, const Payment& payment,
                                              SystemTimePoint next_attempt_at);
    static Status InsertHistory(db::Transaction& tx, std::int64_t payment_id,
                                const HistoryEntry& entry);
    // Sets status, reason code, acceptance time (when given) and updated_at.
    static Status UpdateStatus(db::Transaction& tx, std::int64_t payment_id, PaymentStatus status,
                               std::string_view reason_code,
                               std::optional<SystemTimePoint> acceptance_at, SystemTimePoint now);
    // Counts a failed send and sets when to try again.
    static Status RecordSendFailure(db::Transaction& tx, std::int64_t payment_id,
                                    SystemTimePoint next_attempt_at, SystemTimePoint now);

    static Result<std::optional<Payment>> FindById(db::Connection& connection, std::int64_t id);
    // The outgoing payment of that EndToEndId, else the incoming one.
    static Result<std::optional<Payment>> FindByEndToEndId(db::Connection& connection,
                                                           std::string_view end_to_end_id);
    static Result<std::optional<Payment>> FindByEndToEndId(db::Connection& connection,
                                                           std::string_view end_to_end_id,
                                                           PaymentDirection direction);
    // Newest first. `ispb`, when set, keeps the payments where it is payer or payee.
    static Result<PaymentPage> List(db::Connection& connection, std::optional<PaymentStatus> status,
                                    std::optional<std::string> ispb, std::int64_t limit,
                                    std::int64_t offset);
    // Outgoing payments waiting for BACEN whose next attempt is due, oldest first.
    static Result<std::vector<Payment>> DueForSending(db::Connection& connection,
                                                      SystemTimePoint now, std::int64_t limit);
    static Result<std::vector<HistoryEntry>> History(db::Connection& connection,
                                                     std::int64_t payment_id);

    // Keeps a message; `payment_id` absent for messages that name no payment of ours.
    static Status InsertMessage(db::Transaction& tx, std::optional<std::int64_t> payment_id,
                                const StoredMessage& message);
    static Result<std::vector<StoredMessage>> Messages(db::Connection& connection,
                                                       std::int64_t payment_id);

 private:
    db::Database& database_;
};

}  // namespace dictra::spi
