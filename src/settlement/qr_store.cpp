// SettlementStore's QR code methods: the table settlement_qr_codes (migration 4 in store.cpp).
#include <vector>

#include "core/check.hpp"
#include "settlement/store.hpp"

namespace dictra::settlement {
namespace {

constexpr std::string_view kSelectQrCodeColumns =
    "SELECT id, unique_id, type, payload, merchant_name, merchant_city, merchant_category_code, "
    "pix_key, tx_id, amount_centavos, currency, expires_at_us, description, status, used_count, "
    "used_at_us, validated_at_us, created_by, created_at_us, updated_at_us FROM "
    "settlement_qr_codes";

std::int64_t Micros(SystemTimePoint at) {
    return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}
SystemTimePoint FromMicros(std::int64_t us) {
    return SystemTimePoint(std::chrono::microseconds(us));
}
std::optional<SystemTimePoint> OptionalTime(const db::Row& row, std::string_view column) {
    if (auto us = row.GetOptionalInt64(column)) return FromMicros(*us);
    return std::nullopt;
}
db::Value OptionalText(const std::optional<std::string>& text) {
    return text ? db::Text(*text) : db::Value(db::Null{});
}
db::Value OptionalMicros(const std::optional<SystemTimePoint>& at) {
    return at ? db::Value(Micros(*at)) : db::Value(db::Null{});
}
db::Value OptionalInt(const std::optional<std::int64_t>& value) {
    return value ? db::Value(*value) : db::Value(db::Null{});
}

QrCode ReadQrCode(const db::Row& row) {
    QrCode code;
    code.id = row.GetInt64("id");
    code.unique_id = row.GetText("unique_id");
    auto type = QrCodeTypeFromString(row.GetText("type"));
    DICTRA_CHECK(type.has_value());  // only the service writes this column
    code.type = *type;
    code.payload = row.GetText("payload");
    code.merchant_name = row.GetText("merchant_name");
    code.merchant_city = row.GetText("merchant_city");
    code.merchant_category_code = row.GetText("merchant_category_code");
    code.pix_key = row.GetText("pix_key");
    code.tx_id = row.GetOptionalText("tx_id");
    code.amount_centavos = row.GetOptionalInt64("amount_centavos");
    code.currency = row.GetText("currency");
    code.expires_at = OptionalTime(row, "expires_at_us");
    code.description = row.GetOptionalText("description");
    auto status = QrCodeStatusFromString(row.GetText("status"));
    DICTRA_CHECK(status.has_value());
    code.status = *status;
    code.used_count = row.GetInt64("used_count");
    code.used_at = OptionalTime(row, "used_at_us");
    code.validated_at = OptionalTime(row, "validated_at_us");
    code.created_by = row.GetText("created_by");
    code.created_at = FromMicros(row.GetInt64("created_at_us"));
    code.updated_at = FromMicros(row.GetInt64("updated_at_us"));
    return code;
}

Result<std::optional<QrCode>> ReadOneQrCode(db::Database& database, std::string_view where,
                                            db::Value value) {
    return database.Read([&](db::Connection& connection) -> Result<std::optional<QrCode>> {
        std::string sql(kSelectQrCodeColumns);
        sql += " WHERE ";
        sql += where;
        sql += " ORDER BY id DESC LIMIT 1";
        DICTRA_ASSIGN_OR_RETURN(std::optional<db::Row> row, connection.QueryFirst(sql, {value}));
        if (!row) return std::optional<QrCode>();
        return std::optional<QrCode>(ReadQrCode(*row));
    });
}

}  // namespace

Result<QrCode> SettlementStore::InsertQrCode(const QrCode& code) {
    return database_.Write([&](db::Transaction& tx) -> Result<QrCode> {
        DICTRA_ASSIGN_OR_RETURN(
            std::vector<db::Row> rows,
            tx.Query(
                "INSERT INTO settlement_qr_codes (unique_id, type, payload, merchant_name, "
                "merchant_city, merchant_category_code, pix_key, tx_id, amount_centavos, "
                "currency, expires_at_us, description, status, used_count, used_at_us, "
                "validated_at_us, created_by, created_at_us, updated_at_us) VALUES (?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {db::Text(code.unique_id), db::Text(ToString(code.type)), db::Text(code.payload),
                 db::Text(code.merchant_name), db::Text(code.merchant_city),
                 db::Text(code.merchant_category_code), db::Text(code.pix_key),
                 OptionalText(code.tx_id), OptionalInt(code.amount_centavos),
                 db::Text(code.currency), OptionalMicros(code.expires_at),
                 OptionalText(code.description), db::Text(ToString(code.status)), code.used_count,
                 OptionalMicros(code.used_at), OptionalMicros(code.validated_at),
                 db::Text(code.created_by), Micros(code.created_at), Micros(code.updated_at)}));
        DICTRA_CHECK(rows.size() == 1);
        QrCode stored = code;
        stored.id = rows[0].GetInt64("id");
        return stored;
    });
}

Result<std::optional<QrCode>> SettlementStore::GetQrCode(std::int64_t id) {
    return ReadOneQrCode(database_, "id = ?", id);
}

Result<std::optional<QrCode>> SettlementStore::GetQrCodeByTxId(std::string_view tx_id) {
    return ReadOneQrCode(database_, "tx_id = ?", db::Text(tx_id));
}

Result<std::optional<QrCode>> SettlementStore::GetQrCodeByUniqueId(std::string_view unique_id) {
    return ReadOneQrCode(database_, "unique_id = ?", db::Text(unique_id));
}

Result<std::optional<QrCode>> SettlementStore::GetQrCodeByPayload(std::string_view payload) {
    return ReadOneQrCode(database_, "payload = ?", db::Text(payload));
}

Result<QrCode> SettlementStore::ChangeQrCode(std::int64_t id, const DecideQrCode& decide) {
    return database_.Write([&](db::Transaction& tx) -> Result<QrCode> {
        DICTRA_ASSIGN_OR_RETURN(
            std::optional<db::Row> row,
            tx.QueryFirst(std::string(kSelectQrCodeColumns) + " WHERE id = ?", {id}));
        if (!row) return Error::NotFound("QR code not found");
        DICTRA_ASSIGN_OR_RETURN(QrCode next, decide(ReadQrCode(*row)));
        // Only what a code's life changes; what the payload says is fixed at generation.
        DICTRA_ASSIGN_OR_RETURN(
            std::int64_t updated,
            tx.Execute(
                "UPDATE settlement_qr_codes SET status = ?, used_count = ?, used_at_us = ?, "
                "validated_at_us = ?, updated_at_us = ? WHERE id = ?",
                {db::Text(ToString(next.status)), next.used_count, OptionalMicros(next.used_at),
                 OptionalMicros(next.validated_at), Micros(next.updated_at), id}));
        DICTRA_CHECK(updated == 1);
        return next;
    });
}

}  // namespace dictra::settlement
