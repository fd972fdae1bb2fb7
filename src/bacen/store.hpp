// The simulator's tables (prefix `bacen_`) and their SQL: reserve accounts, settled transfers,
// the inbound message log, streams and the messages queued for each participant's stream.
//
// The functions that take a Transaction run inside the caller's Database::Write, so the service
// composes one settlement (both legs, the log, the queued answers) into one atomic write. Nothing
// here decides a rule; it only reads and writes rows.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bacen/model.hpp"
#include "core/db/database.hpp"

namespace dictra::bacen {

class BacenStore {
 public:
    explicit BacenStore(db::Database& database) : database_(database) {}

    // The versioned schema of the simulator, applied with Database::Migrate("bacen").
    static std::span<const db::Migration> Migrations();

    Status Ping() { return database_.Ping(); }
    db::Database& database() { return database_; }

    // Creates the account with `balance_centavos` unless it exists (then unchanged).
    static Status InsertAccountIfMissing(db::Transaction& tx, std::string_view ispb,
                                         AmountCentavos balance, SystemTimePoint now);
    static Result<std::optional<Account>> FindAccount(db::Connection& connection,
                                                      std::string_view ispb);
    static Result<std::vector<Account>> ListAccounts(db::Connection& connection);
    // Takes `amount` from the account only if the balance covers it. False (and
    // nothing changed) when it does not, or when there is no such account.
    static Result<bool> DebitIfCovered(db::Transaction& tx, std::string_view ispb,
                                       AmountCentavos amount, SystemTimePoint now);
    // Adds to an existing account; false (nothing changed) when there is none or the balance
    // would pass the largest int64.
    static Result<bool> Credit(db::Transaction& tx, std::string_view ispb, AmountCentavos amount,
                               SystemTimePoint now);

    static Result<bool> TransferExists(db::Connection& connection, std::string_view end_to_end_id);
    static Status InsertTransfer(db::Transaction& tx, std::string_view end_to_end_id,
                                 std::string_view resource_id, std::string_view payer_ispb,
                                 std::string_view payee_ispb, AmountCentavos amount,
                                 SystemTimePoint settled_at);

    // The inbound message log: every message accepted by the inbox, with its outcome summary.
    static Status LogInbound(db::Transaction& tx, std::string_view resource_id,
                             std::string_view sender_ispb, std::string_view message_type,
                             std::string_view business_message_id, std::string_view xml,
                             SystemTimePoint now);

    // Queues a message for `ispb`'s stream.
    static Status QueueOutbound(db::Transaction& tx, std::string_view ispb,
                                std::string_view message_type, std::string_view xml,
                                SystemTimePoint now);
    static Result<bool> HasUndelivered(db::Connection& connection, std::string_view ispb);
    // Marks at most `limit` undelivered messages of `ispb` as delivered on `stream_id` and
    // returns them, oldest first.
    static Result<std::vector<OutboundMessage>> ClaimUndelivered(db::Transaction& tx,
                                                                 std::string_view ispb,
                                                                 std::string_view stream_id,
                                                                 std::size_t limit,
                                                                 SystemTimePoint now);

    static Status InsertStream(db::Transaction& tx, std::string_view stream_id,
                               std::string_view ispb, SystemTimePoint now);
    // True when `stream_id` exists for `ispb` and is not closed.
    static Result<bool> StreamIsOpen(db::Connection& connection, std::string_view stream_id,
                                     std::string_view ispb);
    // Closes an open stream; false when there was no open stream of that id for `ispb`.
    static Result<bool> CloseStream(db::Transaction& tx, std::string_view stream_id,
                                    std::string_view ispb, SystemTimePoint now);

 private:
    db::Database& database_;
};

}  // namespace dictra::bacen
