#include "spi/store.hpp"

#include <array>

namespace dictra::spi {
namespace {

std::int64_t Micros(SystemTimePoint at) {
    return at.time_since_epoch().count();
}
SystemTimePoint FromMicros(std::int64_t micros) {
    return SystemTimePoint(std::chrono::microseconds(micros));
}

// Times are BIGINT microseconds since the epoch (UTC), money BIGINT centavos. An EndToEndId is
// unique per direction: a payment to ourselves is stored once as sent and once as received.
#define DICTRA_SPI_TABLES(ID)                                                                   \
    "CREATE TABLE spi_payments (\n"                                                             \
    "  id " ID                                                                                  \
    ",\n"                                                                                       \
    "  end_to_end_id TEXT NOT NULL,\n"                                                          \
    "  message_id TEXT NOT NULL,\n"                                                             \
    "  direction TEXT NOT NULL,\n"                                                              \
    "  local_instrument TEXT NOT NULL,\n"                                                       \
    "  priority_type TEXT NOT NULL,\n"                                                          \
    "  priority_id BIGINT NOT NULL,\n"                                                          \
    "  purpose TEXT NOT NULL,\n"                                                                \
    "  amount_centavos BIGINT NOT NULL CHECK (amount_centavos > 0),\n"                          \
    "  currency TEXT NOT NULL,\n"                                                               \
    "  debtor_ispb TEXT NOT NULL,\n"                                                            \
    "  debtor_name TEXT NOT NULL,\n"                                                            \
    "  debtor_document TEXT NOT NULL,\n"                                                        \
    "  debtor_account_no TEXT NOT NULL,\n"                                                      \
    "  debtor_account_type TEXT NOT NULL,\n"                                                    \
    "  debtor_branch TEXT NOT NULL,\n"                                                          \
    "  creditor_ispb TEXT NOT NULL,\n"                                                          \
    "  creditor_name TEXT NOT NULL,\n"                                                          \
    "  creditor_document TEXT NOT NULL,\n"                                                      \
    "  creditor_account_no TEXT NOT NULL,\n"                                                    \
    "  creditor_account_type TEXT NOT NULL,\n"                                                  \
    "  creditor_branch TEXT NOT NULL,\n"                                                        \
    "  creditor_proxy TEXT NOT NULL,\n"                                                         \
    "  tx_id TEXT NOT NULL,\n"                                                                  \
    "  initiating_party TEXT NOT NULL,\n"                                                       \
    "  description TEXT NOT NULL,\n"                                                            \
    "  dict_correlation_id TEXT NOT NULL,\n"                                                    \
    "  origin_system BIGINT NOT NULL,\n"                                                        \
    "  status TEXT NOT NULL,\n"                                                                 \
    "  reason_code TEXT NOT NULL,\n"                                                            \
    "  operation_at_us BIGINT NOT NULL,\n"                                                      \
    "  acceptance_at_us BIGINT,\n"                                                              \
    "  created_at_us BIGINT NOT NULL,\n"                                                        \
    "  updated_at_us BIGINT NOT NULL,\n"                                                        \
    "  token_refunded BIGINT NOT NULL,\n"                                                       \
    "  send_attempts BIGINT NOT NULL,\n"                                                        \
    "  next_attempt_at_us BIGINT NOT NULL\n"                                                    \
    ");\n"                                                                                      \
    "CREATE UNIQUE INDEX spi_payments_end_to_end ON spi_payments (end_to_end_id, direction);\n" \
    "CREATE INDEX spi_payments_status ON spi_payments (status, id);\n"                          \
    "CREATE INDEX spi_payments_due ON spi_payments (status, next_attempt_at_us);\n"             \
    "CREATE TABLE spi_payment_history (\n"                                                      \
    "  id " ID                                                                                  \
    ",\n"                                                                                       \
    "  payment_id BIGINT NOT NULL REFERENCES spi_payments (id),\n"                              \
    "  status TEXT NOT NULL,\n"                                                                 \
    "  reason_code TEXT NOT NULL,\n"                                                            \
    "  detail TEXT NOT NULL,\n"                                                                 \
    "  changed_at_us BIGINT NOT NULL\n"                                                         \
    ");\n"                                                                                      \
    "CREATE INDEX spi_payment_history_payment ON spi_payment_history (payment_id, id);\n"       \
    "CREATE TABLE spi_messages (\n"                                                             \
    "  id " ID                                                                                  \
    ",\n"                                                                                       \
    "  payment_id BIGINT REFERENCES spi_payments (id),\n"                                       \
    "  direction TEXT NOT NULL,\n"                                                              \
    "  message_type TEXT NOT NULL,\n"                                                           \
    "  business_message_id TEXT NOT NULL,\n"                                                    \
    "  resource_id TEXT NOT NULL,\n"                                                            \
    "  xml TEXT NOT NULL,\n"                                                                    \
    "  at_us BIGINT NOT NULL\n"                                                                 \
    ");\n"                                                                                      \
    "CREATE INDEX spi_messages_payment ON spi_messages (payment_id, id);\n"

constexpr std::string_view kSchemaSqlite = DICTRA_SPI_TABLES("INTEGER PRIMARY KEY");
constexpr std::string_view kSchemaPostgres =
    DICTRA_SPI_TABLES("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");

constexpr std::array<db::Migration, 1> kMigrations = {
    db::Migration{.version = 1,
                  .name = "payments, payment history, messages",
                  .sql = kSchemaSqlite,
                  .postgres_sql = kSchemaPostgres},
};

constexpr std::string_view kPaymentColumns =
    "id, end_to_end_id, message_id, direction, local_instrument, priority_type, priority_id, "
    "purpose, amount_centavos, currency, debtor_ispb, debtor_name, debtor_document, "
    "debtor_account_no, debtor_account_type, debtor_branch, creditor_ispb, creditor_name, "
    "creditor_document, creditor_account_no, creditor_account_type, creditor_branch, "
    "creditor_proxy, tx_id, initiating_party, description, dict_correlation_id, origin_system, "
    "status, reason_code, operation_at_us, acceptance_at_us, created_at_us, updated_at_us, "
    "token_refunded, send_attempts";

std::string Select(std::string_view tail) {
    return "SELECT " + std::string(kPaymentColumns) + " FROM spi_payments " + std::string(tail);
}

Party ToParty(const db::Row& row, const std::string& prefix) {
    Party party;
    party.ispb = row.GetText(prefix + "ispb");
    party.name = row.GetText(prefix + "name");
    party.document = row.GetText(prefix + "document");
    party.account_no = row.GetText(prefix + "account_no");
    party.account_type = row.GetText(prefix + "account_type");
    party.branch = row.GetText(prefix + "branch");
    return party;
}

Payment ToPayment(const db::Row& row) {
    Payment payment;
    payment.id = row.GetInt64("id");
    payment.end_to_end_id = row.GetText("end_to_end_id");
    payment.message_id = row.GetText("message_id");
    payment.direction = row.GetText("direction") == "INCOMING" ? PaymentDirection::kIncoming
                                                               : PaymentDirection::kOutgoing;
    NewPayment& request = payment.request;
    request.local_instrument = row.GetText("local_instrument");
    request.priority_type = row.GetText("priority_type");
    request.priority_id = row.GetInt64("priority_id");
    request.purpose = row.GetText("purpose");
    request.amount_centavos = row.GetInt64("amount_centavos");
    request.currency = row.GetText("currency");
    request.debtor = ToParty(row, "debtor_");
    request.creditor = ToParty(row, "creditor_");
    request.creditor.proxy = row.GetText("creditor_proxy");
    request.tx_id = row.GetText("tx_id");
    request.initiating_party = row.GetText("initiating_party");
    request.description = row.GetText("description");
    request.dict_correlation_id = row.GetText("dict_correlation_id");
    request.origin_system = row.GetInt64("origin_system");
    if (request.local_instrument == "DICT") request.dict_end_to_end_id = payment.end_to_end_id;
    // The stored text was written by ToString; an unknown value would be a bug.
    payment.status =
        ParsePaymentStatus(row.GetText("status")).value_or(PaymentStatus::kEntryReceived);
    payment.reason_code = row.GetText("reason_code");
    payment.operation_datetime = FromMicros(row.GetInt64("operation_at_us"));
    if (auto accepted = row.GetOptionalInt64("acceptance_at_us")) {
        payment.acceptance_datetime = FromMicros(*accepted);
    }
    payment.created_at = FromMicros(row.GetInt64("created_at_us"));
    payment.updated_at = FromMicros(row.GetInt64("updated_at_us"));
    payment.token_refunded = row.GetInt64("token_refunded") != 0;
    payment.send_attempts = row.GetInt64("send_attempts");
    return payment;
}

Result<std::optional<Payment>> FirstPayment(Result<std::optional<db::Row>> row) {
    if (!row.ok()) return std::move(row).error();
    if (!row->has_value()) return std::optional<Payment>();
    return std::optional<Payment>(ToPayment(**row));
}

db::Value OptionalMicros(std::optional<SystemTimePoint> at) {
    if (!at) return db::Null{};
    return Micros(*at);
}

}  // namespace

std::span<const db::Migration> SpiStore::Migrations() {
    return kMigrations;
}

Result<std::int64_t> SpiStore::InsertPayment(db::Transaction& tx, const Payment& payment,
                                             SystemTimePoint next_attempt_at) {
    const NewPayment& r = payment.request;
    const std::vector<db::Value> params = {
        db::Text(payment.end_to_end_id),
        db::Text(payment.message_id),
        db::Text(ToString(payment.direction)),
        db::Text(r.local_instrument),
        db::Text(r.priority_type),
        r.priority_id,
        db::Text(r.purpose),
        r.amount_centavos,
        db::Text(r.currency),
        db::Text(r.debtor.ispb),
        db::Text(r.debtor.name),
        db::Text(r.debtor.document),
        db::Text(r.debtor.account_no),
        db::Text(r.debtor.account_type),
        db::Text(r.debtor.branch),
        db::Text(r.creditor.ispb),
        db::Text(r.creditor.name),
        db::Text(r.creditor.document),
        db::Text(r.creditor.account_no),
        db::Text(r.creditor.account_type),
        db::Text(r.creditor.branch),
        db::Text(r.creditor.proxy),
        db::Text(r.tx_id),
        db::Text(r.initiating_party),
        db::Text(r.description),
        db::Text(r.dict_correlation_id),
        r.origin_system,
        db::Text(ToString(payment.status)),
        db::Text(payment.reason_code),
        Micros(payment.operation_datetime),
        OptionalMicros(payment.acceptance_datetime),
        Micros(payment.created_at),
        Micros(payment.updated_at),
        std::int64_t{payment.token_refunded ? 1 : 0},
        payment.send_attempts,
        Micros(next_attempt_at),
    };
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        tx.Query("INSERT INTO spi_payments (end_to_end_id, message_id, direction, "
                 "local_instrument, priority_type, priority_id, purpose, amount_centavos, "
                 "currency, debtor_ispb, debtor_name, debtor_document, debtor_account_no, "
                 "debtor_account_type, debtor_branch, creditor_ispb, creditor_name, "
                 "creditor_document, creditor_account_no, creditor_account_type, "
                 "creditor_branch, creditor_proxy, tx_id, initiating_party, description, "
                 "dict_correlation_id, origin_system, status, reason_code, operation_at_us, "
                 "acceptance_at_us, created_at_us, updated_at_us, token_refunded, send_attempts, "
                 "next_attempt_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 std::span<const db::Value>(params)));
    if (rows.size() != 1) return Error::Internal("INSERT ... RETURNING gave no id");
    return rows.front().GetInt64("id");
}

Status SpiStore::InsertHistory(db::Transaction& tx, std::int64_t payment_id,
                               const HistoryEntry& entry) {
    DICTRA_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO spi_payment_history (payment_id, status, reason_code, detail, "
                   "changed_at_us) VALUES (?, ?, ?, ?, ?)",
                   {payment_id, db::Text(ToString(entry.status)), db::Text(entry.reason_code),
                    db::Text(entry.detail), Micros(entry.changed_at)}));
    return Ok();
}

Status SpiStore::UpdateStatus(db::Transaction& tx, std::int64_t payment_id, PaymentStatus status,
                              std::string_view reason_code,
                              std::optional<SystemTimePoint> acceptance_at, SystemTimePoint now) {
    DICTRA_RETURN_IF_ERROR(
        tx.Execute("UPDATE spi_payments SET status = ?, reason_code = ?, acceptance_at_us = "
                   "COALESCE(?, acceptance_at_us), updated_at_us = ? WHERE id = ?",
                   {db::Text(ToString(status)), db::Text(reason_code),
                    OptionalMicros(acceptance_at), Micros(now), payment_id}));
    return Ok();
}

Status SpiStore::RecordSendFailure(db::Transaction& tx, std::int64_t payment_id,
                                   SystemTimePoint next_attempt_at, SystemTimePoint now) {
    DICTRA_RETURN_IF_ERROR(
        tx.Execute("UPDATE spi_payments SET send_attempts = send_attempts + 1, "
                   "next_attempt_at_us = ?, updated_at_us = ? WHERE id = ?",
                   {Micros(next_attempt_at), Micros(now), payment_id}));
    return Ok();
}

Result<std::optional<Payment>> SpiStore::FindById(db::Connection& connection, std::int64_t id) {
    return FirstPayment(connection.QueryFirst(Select("WHERE id = ?"), {id}));
}

Result<std::optional<Payment>> SpiStore::FindByEndToEndId(db::Connection& connection,
                                                          std::string_view end_to_end_id) {
    return FirstPayment(
        connection.QueryFirst(Select("WHERE end_to_end_id = ? ORDER BY direction DESC LIMIT 1"),
                              {db::Text(end_to_end_id)}));
}

Result<std::optional<Payment>> SpiStore::FindByEndToEndId(db::Connection& connection,
                                                          std::string_view end_to_end_id,
                                                          PaymentDirection direction) {
    return FirstPayment(
        connection.QueryFirst(Select("WHERE end_to_end_id = ? AND direction = ?"),
                              {db::Text(end_to_end_id), db::Text(ToString(direction))}));
}

Result<PaymentPage> SpiStore::List(db::Connection& connection, std::optional<PaymentStatus> status,
                                   std::optional<std::string> ispb, std::int64_t limit,
                                   std::int64_t offset) {
    std::string where = "WHERE 1 = 1";
    std::vector<db::Value> params;
    if (status) {
        where += " AND status = ?";
        params.push_back(db::Text(ToString(*status)));
    }
    if (ispb) {
        where += " AND (debtor_ispb = ? OR creditor_ispb = ?)";
        params.push_back(db::Text(*ispb));
        params.push_back(db::Text(*ispb));
    }
    DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> count_rows,
                            connection.Query("SELECT COUNT(*) AS total FROM spi_payments " + where,
                                             std::span<const db::Value>(params)));
    PaymentPage page;
    page.total = count_rows.empty() ? 0 : count_rows.front().GetInt64("total");
    page.limit = limit;
    page.offset = offset;
    params.push_back(limit);
    params.push_back(offset);
    DICTRA_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                            connection.Query(Select(where + " ORDER BY id DESC LIMIT ? OFFSET ?"),
                                             std::span<const db::Value>(params)));
    page.payments.reserve(rows.size());
    for (const db::Row& row : rows) page.payments.push_back(ToPayment(row));
    return page;
}

Result<std::vector<Payment>> SpiStore::DueForSending(db::Connection& connection,
                                                     SystemTimePoint now, std::int64_t limit) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        connection.Query(Select("WHERE status = ? AND next_attempt_at_us <= ? ORDER BY "
                                "next_attempt_at_us, id LIMIT ?"),
                         {db::Text(ToString(PaymentStatus::kPendingBacen)), Micros(now), limit}));
    std::vector<Payment> payments;
    payments.reserve(rows.size());
    for (const db::Row& row : rows) payments.push_back(ToPayment(row));
    return payments;
}

Result<std::vector<HistoryEntry>> SpiStore::History(db::Connection& connection,
                                                    std::int64_t payment_id) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        connection.Query("SELECT status, reason_code, detail, changed_at_us FROM "
                         "spi_payment_history WHERE payment_id = ? ORDER BY id",
                         {payment_id}));
    std::vector<HistoryEntry> history;
    history.reserve(rows.size());
    for (const db::Row& row : rows) {
        history.push_back(HistoryEntry{
            ParsePaymentStatus(row.GetText("status")).value_or(PaymentStatus::kEntryReceived),
            row.GetText("reason_code"), row.GetText("detail"),
            FromMicros(row.GetInt64("changed_at_us"))});
    }
    return history;
}

Status SpiStore::InsertMessage(db::Transaction& tx, std::optional<std::int64_t> payment_id,
                               const StoredMessage& message) {
    DICTRA_RETURN_IF_ERROR(tx.Execute(
        "INSERT INTO spi_messages (payment_id, direction, message_type, business_message_id, "
        "resource_id, xml, at_us) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {payment_id ? db::Value(*payment_id) : db::Value(db::Null{}),
         db::Text(ToString(message.direction)), db::Text(message.message_type),
         db::Text(message.business_message_id), db::Text(message.resource_id),
         db::Text(message.xml), Micros(message.at)}));
    return Ok();
}

Result<std::vector<StoredMessage>> SpiStore::Messages(db::Connection& connection,
                                                      std::int64_t payment_id) {
    DICTRA_ASSIGN_OR_RETURN(
        std::vector<db::Row> rows,
        // In the order they happened (a pacs.008's `at` is when it was sent), not the order they
        // were recorded: BACEN's pacs.002 can be applied before the sender records its round.
        connection.Query("SELECT id, direction, message_type, business_message_id, resource_id, "
                         "xml, at_us FROM spi_messages WHERE payment_id = ? ORDER BY at_us, id",
                         {payment_id}));
    std::vector<StoredMessage> messages;
    messages.reserve(rows.size());
    for (const db::Row& row : rows) {
        messages.push_back(StoredMessage{
            row.GetInt64("id"),
            row.GetText("direction") == "RECEIVED" ? MessageDirection::kReceived
                                                   : MessageDirection::kSent,
            row.GetText("message_type"), row.GetText("business_message_id"),
            row.GetText("resource_id"), row.GetText("xml"), FromMicros(row.GetInt64("at_us"))});
    }
    return messages;
}

}  // namespace dictra::spi
