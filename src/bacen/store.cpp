#include "bacen/store.hpp"

#include <array>
#include <limits>

namespace dictra::bacen {
namespace {

std::int64_t Micros(SystemTimePoint at) {
    return at.time_since_epoch().count();
}
SystemTimePoint FromMicros(std::int64_t micros) {
    return SystemTimePoint(std::chrono::microseconds(micros));
}

// Times are BIGINT microseconds since the epoch (UTC), money BIGINT centavos. The CHECK on the
// balance is the last line of defence: the settlement debits with a conditional UPDATE, so a
// balance below zero would be a bug, and the database refuses it rather than storing it.
#define DICTRA_BACEN_TABLES(ID)                                                                    \
    "CREATE TABLE bacen_accounts (\n"                                                              \
    "  ispb TEXT PRIMARY KEY,\n"                                                                   \
    "  balance_centavos BIGINT NOT NULL CHECK (balance_centavos >= 0),\n"                          \
    "  created_at_us BIGINT NOT NULL,\n"                                                           \
    "  updated_at_us BIGINT NOT NULL\n"                                                            \
    ");\n"                                                                                         \
    "CREATE TABLE bacen_transfers (\n"                                                             \
    "  end_to_end_id TEXT PRIMARY KEY,\n"                                                          \
    "  resource_id TEXT NOT NULL,\n"                                                               \
    "  payer_ispb TEXT NOT NULL,\n"                                                                \
    "  payee_ispb TEXT NOT NULL,\n"                                                                \
    "  amount_centavos BIGINT NOT NULL,\n"                                                         \
    "  settled_at_us BIGINT NOT NULL\n"                                                            \
    ");\n"                                                                                         \
    "CREATE TABLE bacen_messages (\n"                                                              \
    "  id " ID                                                                                     \
    ",\n"                                                                                          \
    "  resource_id TEXT NOT NULL,\n"                                                               \
    "  sender_ispb TEXT NOT NULL,\n"                                                               \
    "  message_type TEXT NOT NULL,\n"                                                              \
    "  business_message_id TEXT NOT NULL,\n"                                                       \
    "  xml TEXT NOT NULL,\n"                                                                       \
    "  received_at_us BIGINT NOT NULL\n"                                                           \
    ");\n"                                                                                         \
    "CREATE INDEX bacen_messages_resource ON bacen_messages (resource_id);\n"                      \
    "CREATE TABLE bacen_streams (\n"                                                               \
    "  stream_id TEXT PRIMARY KEY,\n"                                                              \
    "  ispb TEXT NOT NULL,\n"                                                                      \
    "  opened_at_us BIGINT NOT NULL,\n"                                                            \
    "  closed_at_us BIGINT\n"                                                                      \
    ");\n"                                                                                         \
    "CREATE TABLE bacen_stream_messages (\n"                                                       \
    "  id " ID                                                                                     \
    ",\n"                                                                                          \
    "  ispb TEXT NOT NULL,\n"                                                                      \
    "  message_type TEXT NOT NULL,\n"                                                              \
    "  xml TEXT NOT NULL,\n"                                                                       \
    "  queued_at_us BIGINT NOT NULL,\n"                                                            \
    "  stream_id TEXT,\n"                                                                          \
    "  delivered_at_us BIGINT\n"                                                                   \
    ");\n"                                                                                         \
    "CREATE INDEX bacen_stream_messages_pending ON bacen_stream_messages (ispb, delivered_at_us, " \
    "id);\n"

constexpr std::string_view kSchemaSqlite = DICTRA_BACEN_TABLES("INTEGER PRIMARY KEY");
constexpr std::string_view kSchemaPostgres =
    DICTRA_BACEN_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");

constexpr std::array<db::Migration, 1> kMigrations = {
    db::Migration{.version = 1,
                  .name = "reserve accounts, transfers, message log, streams",
                  .sql = kSchemaSqlite,
                  .postgres_sql = kSchemaPostgres},
};

Account ToAccount(const db::Row& row) {
    return Account{row.GetText("ispb"), AmountCentavos(row.GetInt64("balance_centavos")),
                   FromMicros(row.GetInt64("updated_at_us"))};
}

}  // namespace

std::span<const db::Migration> BacenStore::Migrations() {
    return kMigrations;
}

Status BacenStore::InsertAccountIfMissing(db::Transaction& tx, std::string_view ispb,
                                          AmountCentavos balance, SystemTimePoint now) {
    DICTRA_RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO bacen_accounts (ispb, balance_centavos, created_at_us, updated_at_us) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (ispb) DO NOTHING",
        {db::Text(ispb), balance.centavos(), Micros(now), Micros(now)}));
    return Ok();
}

Result<std::optional<Account>> BacenStore::FindAccount(db::Connection& connection,
                                                       std::string_view ispb) {
    DICTRA_ASSIGN_OR_RETURN(
        std::optional<db::Row> row,
        connection.QueryFirst(
            "SELECT ispb, balance_centavos, updated_at_us FROM bacen_accounts WHERE ispb = ?",
            {db::Text(ispb)}));
    if (!row) return std::optional<Account>();
    return std::optional<Account>(ToAccount(*row));
}

Result<std::vector<Account>> BacenStore::ListAccounts(db::Connection& connection) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        connection.Query(
            "SELECT ispb, balance_centavos, updated_at_us FROM bacen_accounts ORDER BY ispb"));
    std::vector<Account> accounts;
    accounts.reserve(rows.size());
    for (const db::Row& row : rows) accounts.push_back(ToAccount(row));
    return accounts;
}

Result<bool> BacenStore::DebitIfCovered(db::Transaction& tx, std::string_view ispb,
                                        AmountCentavos amount, SystemTimePoint now) {
    DICTRA_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Execute("UPDATE bacen_accounts SET balance_centavos = balance_centavos - ?, "
                   "updated_at_us = ? WHERE ispb = ? AND balance_centavos >= ?",
                   {amount.centavos(), Micros(now), db::Text(ispb), amount.centavos()}));
    return changed == 1;
}

Result<bool> BacenStore::Credit(db::Transaction& tx, std::string_view ispb, AmountCentavos amount,
                                SystemTimePoint now) {
    DICTRA_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Execute("UPDATE bacen_accounts SET balance_centavos = balance_centavos + ?, "
                   "updated_at_us = ? WHERE ispb = ? AND balance_centavos <= ?",
                   {amount.centavos(), Micros(now), db::Text(ispb),
                    std::numeric_limits<std::int64_t>::max() - amount.centavos()}));
    return changed == 1;
}

Result<bool> BacenStore::TransferExists(db::Connection& connection,
                                        std::string_view end_to_end_id) {
    DICTRA_ASSIGN_OR_RETURN(
        std::optional<db::Row> row,
        connection.QueryFirst("SELECT 1 AS found FROM bacen_transfers WHERE end_to_end_id = ?",
                              {db::Text(end_to_end_id)}));
    return row.has_value();
}

Status BacenStore::InsertTransfer(db::Transaction& tx, std::string_view end_to_end_id,
                                  std::string_view resource_id, std::string_view payer_ispb,
                                  std::string_view payee_ispb, AmountCentavos amount,
                                  SystemTimePoint settled_at) {
    DICTRA_RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO bacen_transfers (end_to_end_id, resource_id, payer_ispb, payee_ispb, "
        "amount_centavos, settled_at_us) VALUES (?, ?, ?, ?, ?, ?)",
        {db::Text(end_to_end_id), db::Text(resource_id), db::Text(payer_ispb), db::Text(payee_ispb),
         amount.centavos(), Micros(settled_at)}));
    return Ok();
}

Status BacenStore::LogInbound(db::Transaction& tx, std::string_view resource_id,
                              std::string_view sender_ispb, std::string_view message_type,
                              std::string_view business_message_id, std::string_view xml,
                              SystemTimePoint now) {
    DICTRA_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO bacen_messages (resource_id, sender_ispb, message_type, "
                   "business_message_id, xml, received_at_us) VALUES (?, ?, ?, ?, ?, ?)",
                   {db::Text(resource_id), db::Text(sender_ispb), db::Text(message_type),
                    db::Text(business_message_id), db::Text(xml), Micros(now)}));
    return Ok();
}

Status BacenStore::QueueOutbound(db::Transaction& tx, std::string_view ispb,
                                 std::string_view message_type, std::string_view xml,
                                 SystemTimePoint now) {
    DICTRA_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO bacen_stream_messages (ispb, message_type, xml, queued_at_us) "
                   "VALUES (?, ?, ?, ?)",
                   {db::Text(ispb), db::Text(message_type), db::Text(xml), Micros(now)}));
    return Ok();
}

Result<bool> BacenStore::HasUndelivered(db::Connection& connection, std::string_view ispb) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<db::Row> row,
                            connection.QueryFirst("SELECT id FROM bacen_stream_messages WHERE "
                                                  "ispb = ? AND delivered_at_us IS NULL LIMIT 1",
                                                  {db::Text(ispb)}));
    return row.has_value();
}

Result<std::vector<OutboundMessage>> BacenStore::ClaimUndelivered(db::Transaction& tx,
                                                                  std::string_view ispb,
                                                                  std::string_view stream_id,
                                                                  std::size_t limit,
                                                                  SystemTimePoint now) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        tx.Query("SELECT id, message_type, xml FROM bacen_stream_messages WHERE ispb = ? AND "
                 "delivered_at_us IS NULL ORDER BY id LIMIT ?",
                 {db::Text(ispb), static_cast<std::int64_t>(limit)}));
    std::vector<OutboundMessage> messages;
    messages.reserve(rows.size());
    for (const db::Row& row : rows) {
        OutboundMessage message{row.GetInt64("id"), row.GetText("message_type"),
                                row.GetText("xml")};
        DICTRA_RETURN_IF_ERROR(
            tx.Execute("UPDATE bacen_stream_messages SET delivered_at_us = ?, stream_id = ? "
                       "WHERE id = ?",
                       {Micros(now), db::Text(stream_id), message.id}));
        messages.push_back(std::move(message));
    }
    return messages;
}

Status BacenStore::InsertStream(db::Transaction& tx, std::string_view stream_id,
                                std::string_view ispb, SystemTimePoint now) {
    DICTRA_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO bacen_streams (stream_id, ispb, opened_at_us) VALUES (?, ?, ?)",
                   {db::Text(stream_id), db::Text(ispb), Micros(now)}));
    return Ok();
}

Result<bool> BacenStore::StreamIsOpen(db::Connection& connection, std::string_view stream_id,
                                      std::string_view ispb) {
    DICTRA_ASSIGN_OR_RETURN(
        std::optional<db::Row> row,
        connection.QueryFirst("SELECT stream_id FROM bacen_streams WHERE stream_id = ? AND "
                              "ispb = ? AND closed_at_us IS NULL",
                              {db::Text(stream_id), db::Text(ispb)}));
    return row.has_value();
}

Result<bool> BacenStore::CloseStream(db::Transaction& tx, std::string_view stream_id,
                                     std::string_view ispb, SystemTimePoint now) {
    DICTRA_ASSIGN_OR_RETURN(
        std::int64_t changed,
        tx.Execute("UPDATE bacen_streams SET closed_at_us = ? WHERE stream_id = ? AND ispb = ? "
                   "AND closed_at_us IS NULL",
                   {Micros(now), db::Text(stream_id), db::Text(ispb)}));
    return changed == 1;
}

}  // namespace dictra::bacen
