#include "settlement/file_json.hpp"

#include <boost/json/array.hpp>
#include <cstdio>

#include "core/json/json.hpp"
#include "core/time.hpp"

namespace dictra::settlement {
namespace {

Result<CreatePaymentCommand::PartyFields> ReadParty(const json::ObjectReader& body,
                                                    const std::string& side) {
    CreatePaymentCommand::PartyFields party;
    DICTRA_ASSIGN_OR_RETURN(party.ispb, body.RequiredString(side + "_ispb"));
    DICTRA_ASSIGN_OR_RETURN(party.document, body.RequiredString(side + "_document"));
    DICTRA_ASSIGN_OR_RETURN(party.name, body.OptionalString(side + "_name"));
    DICTRA_ASSIGN_OR_RETURN(party.account_no, body.RequiredString(side + "_account_no"));
    DICTRA_ASSIGN_OR_RETURN(party.account_type, body.RequiredString(side + "_account_type"));
    DICTRA_ASSIGN_OR_RETURN(party.branch, body.OptionalString(side + "_branch"));
    return party;
}

void PutOptional(boost::json::object& object, std::string_view key,
                 const std::optional<std::string>& text) {
    if (text) object[key] = *text;
}

void PutParty(boost::json::object& object, const std::string& side,
              const CreatePaymentCommand::PartyFields& party) {
    object[side + "_ispb"] = party.ispb;
    object[side + "_document"] = party.document;
    PutOptional(object, side + "_name", party.name);
    object[side + "_account_no"] = party.account_no;
    object[side + "_account_type"] = party.account_type;
    PutOptional(object, side + "_branch", party.branch);
}

void PutOptionalTime(boost::json::object& object, std::string_view key,
                     const std::optional<SystemTimePoint>& at) {
    if (at) object[key] = FormatRfc3339(*at);
}

void PutStoredParty(boost::json::object& object, const std::string& side, const Party& party) {
    object[side + "_ispb"] = party.ispb;
    object[side + "_document"] = party.document;
    PutOptional(object, side + "_name", party.name);
    object[side + "_account_no"] = party.account_no;
    object[side + "_account_type"] = ToString(party.account_type);
    PutOptional(object, side + "_branch", party.branch);
}

bool IsJsonSpace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string Found(int c) {
    if (c == std::char_traits<char>::eof()) return "the end of the file";
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", c & 0xFF);
    return std::string("byte ") + hex;
}

}  // namespace

Result<CreatePaymentCommand> CreatePaymentCommandFromJson(const boost::json::object& object) {
    json::ObjectReader body(object);
    CreatePaymentCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.external_id, body.OptionalString("external_id"));
    DICTRA_ASSIGN_OR_RETURN(command.amount_centavos, body.RequiredInt("amount"));
    DICTRA_ASSIGN_OR_RETURN(command.currency, body.OptionalString("currency"));
    DICTRA_ASSIGN_OR_RETURN(command.debtor, ReadParty(body, "debtor"));
    DICTRA_ASSIGN_OR_RETURN(command.creditor, ReadParty(body, "creditor"));
    DICTRA_ASSIGN_OR_RETURN(command.description, body.OptionalString("description"));
    DICTRA_ASSIGN_OR_RETURN(command.qr_code_data, body.OptionalString("qr_code_data"));
    DICTRA_ASSIGN_OR_RETURN(command.tx_id, body.OptionalString("tx_id"));
    DICTRA_ASSIGN_OR_RETURN(command.scheduled_date, body.OptionalString("scheduled_date"));
    DICTRA_ASSIGN_OR_RETURN(const boost::json::array* discounts, body.OptionalArray("discounts"));
    if (discounts) {
        for (std::size_t discount_idx = 0; discount_idx < discounts->size(); ++discount_idx) {
            DICTRA_ASSIGN_OR_RETURN(json::ObjectReader item,
                                    json::ElementObject(*discounts, discount_idx, "discounts"));
            CreatePaymentCommand::DiscountFields discount;
            DICTRA_ASSIGN_OR_RETURN(discount.date, item.RequiredString("date"));
            DICTRA_ASSIGN_OR_RETURN(discount.amount_centavos, item.RequiredInt("amount"));
            command.discounts.push_back(std::move(discount));
        }
    }
    DICTRA_ASSIGN_OR_RETURN(const boost::json::array* additional_info,
                            body.OptionalArray("additional_info"));
    if (additional_info) {
        for (std::size_t item_idx = 0; item_idx < additional_info->size(); ++item_idx) {
            DICTRA_ASSIGN_OR_RETURN(
                json::ObjectReader item,
                json::ElementObject(*additional_info, item_idx, "additional_info"));
            AdditionalInfo info;
            DICTRA_ASSIGN_OR_RETURN(info.key, item.RequiredString("key"));
            DICTRA_ASSIGN_OR_RETURN(info.value, item.RequiredString("value"));
            command.additional_info.push_back(std::move(info));
        }
    }
    return command;
}

boost::json::object CreatePaymentCommandToJson(const CreatePaymentCommand& command) {
    boost::json::object object;
    PutOptional(object, "external_id", command.external_id);
    object["amount"] = command.amount_centavos;
    PutOptional(object, "currency", command.currency);
    PutParty(object, "debtor", command.debtor);
    PutParty(object, "creditor", command.creditor);
    PutOptional(object, "description", command.description);
    PutOptional(object, "qr_code_data", command.qr_code_data);
    PutOptional(object, "tx_id", command.tx_id);
    PutOptional(object, "scheduled_date", command.scheduled_date);
    if (!command.discounts.empty()) {
        boost::json::array discounts;
        for (const auto& discount : command.discounts)
            discounts.push_back(
                boost::json::object{{"date", discount.date}, {"amount", discount.amount_centavos}});
        object["discounts"] = std::move(discounts);
    }
    if (!command.additional_info.empty()) {
        boost::json::array items;
        for (const auto& item : command.additional_info)
            items.push_back(boost::json::object{{"key", item.key}, {"value", item.value}});
        object["additional_info"] = std::move(items);
    }
    return object;
}

// The full resource (create, get). Absent optional fields are left out, as the document does.
boost::json::object PaymentRequestJson(const PaymentRequest& payment) {
    boost::json::object object;
    object["id"] = payment.id;
    object["unique_id"] = payment.unique_id;
    PutOptional(object, "external_id", payment.external_id);
    object["status"] = ToString(payment.status);
    object["amount"] = payment.amount_centavos;
    object["currency"] = payment.currency;
    PutStoredParty(object, "debtor", payment.debtor);
    PutStoredParty(object, "creditor", payment.creditor);
    PutOptional(object, "description", payment.description);
    PutOptional(object, "qr_code_data", payment.qr_code_data);
    PutOptional(object, "tx_id", payment.tx_id);
    PutOptionalTime(object, "scheduled_date", payment.scheduled_date);
    boost::json::array discounts;
    for (const Discount& discount : payment.discounts)
        discounts.push_back(boost::json::object{{"date", FormatRfc3339(discount.date)},
                                                {"amount", discount.amount_centavos}});
    object["discounts"] = std::move(discounts);
    boost::json::array additional_info;
    for (const AdditionalInfo& item : payment.additional_info)
        additional_info.push_back(boost::json::object{{"key", item.key}, {"value", item.value}});
    object["additional_info"] = std::move(additional_info);
    PutOptional(object, "end_to_end_id", payment.end_to_end_id);
    PutOptionalTime(object, "processed_at", payment.processed_at);
    object["created_at"] = FormatRfc3339(payment.created_at);
    object["updated_at"] = FormatRfc3339(payment.updated_at);
    return object;
}

// ---- reader ----

JsonPaymentFileReader::JsonPaymentFileReader(std::istream& input) : buffer_(input.rdbuf()) {}

int JsonPaymentFileReader::Peek() {
    return buffer_ ? buffer_->sgetc() : std::char_traits<char>::eof();
}

int JsonPaymentFileReader::Bump() {
    if (!buffer_) return std::char_traits<char>::eof();
    const int c = buffer_->sbumpc();
    if (c == '\n') ++line_;
    return c;
}

void JsonPaymentFileReader::SkipSpace() {
    while (IsJsonSpace(Peek())) Bump();
}

JsonFileElement JsonPaymentFileReader::FileError(std::string message) {
    state_ = State::kDone;
    JsonFileElement element;
    element.line_number = line_;
    element.error = Error::InvalidArgument("line " + std::to_string(line_) + ": " + message);
    return element;
}

std::optional<JsonFileElement> JsonPaymentFileReader::Next() {
    constexpr int kEof = std::char_traits<char>::eof();
    switch (state_) {
        case State::kDone: return std::nullopt;
        case State::kStart: {
            // A UTF-8 byte order mark is tolerated, as in CSV files.
            if (Peek() == 0xEF) {
                Bump();
                if (Bump() != 0xBB || Bump() != 0xBF)
                    return FileError(
                        "expected '[' (a JSON payment file is an array of payment "
                        "requests), found a broken byte order mark");
            }
            SkipSpace();
            const int c = Peek();
            if (c == kEof) return FileError("the file is empty (expected a JSON array)");
            if (c != '[')
                return FileError(
                    "expected '[' (a JSON payment file is an array of payment "
                    "requests), found " +
                    Found(c));
            Bump();
            SkipSpace();
            if (Peek() == ']') {
                Bump();
                state_ = State::kAfterElement;  // checks that nothing follows
                SkipSpace();
                if (Peek() != kEof) return FileError("unexpected " + Found(Peek()) + " after ']'");
                state_ = State::kDone;
                return std::nullopt;
            }
            state_ = State::kFirstElement;
            return ReadElement();
        }
        case State::kFirstElement:
        case State::kNextElement: return ReadElement();
        case State::kAfterElement: {
            SkipSpace();
            const int c = Peek();
            if (c == ',') {
                Bump();
                SkipSpace();
                return ReadElement();
            }
            if (c == ']') {
                Bump();
                SkipSpace();
                if (Peek() != kEof) return FileError("unexpected " + Found(Peek()) + " after ']'");
                state_ = State::kDone;
                return std::nullopt;
            }
            return FileError("expected ',' or ']' after an element, found " + Found(c));
        }
    }
    return std::nullopt;
}

// Reads one element: its bytes up to the matching end (strings and escapes respected), then
// parses them strictly. The bytes are bounded by kJsonElementBytesMax.
std::optional<JsonFileElement> JsonPaymentFileReader::ReadElement() {
    constexpr int kEof = std::char_traits<char>::eof();
    if (++elements_ > kJsonElementsMax)
        return FileError("more than " + std::to_string(kJsonElementsMax) + " elements");
    JsonFileElement element;
    element.line_number = line_;
    const int first = Peek();
    if (first == kEof) return FileError("the array is not closed (expected an element or ']')");
    if (first == ']' || first == ',')
        return FileError("expected an element, found " + Found(first));
    std::string bytes;
    std::size_t depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (;;) {
        const int c = Peek();
        if (c == kEof) {
            if (depth > 0 || in_string)
                return FileError("the element starting on line " +
                                 std::to_string(element.line_number) +
                                 " is not closed before the end of the file");
            break;
        }
        if (!in_string && depth == 0 && !bytes.empty() && (c == ',' || c == ']' || IsJsonSpace(c)))
            break;
        Bump();
        if (bytes.size() >= kJsonElementBytesMax)
            return FileError("the element starting on line " + std::to_string(element.line_number) +
                             " is over " + std::to_string(kJsonElementBytesMax) + " bytes");
        bytes.push_back(static_cast<char>(c));
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) break;
            if (--depth == 0) break;
        }
    }
    state_ = State::kAfterElement;
    element.raw_data = bytes.size() > kRawDataBytesMax ? bytes.substr(0, kRawDataBytesMax) : bytes;
    const std::string where = "line " + std::to_string(element.line_number) + ": ";
    auto parsed = json::Parse(bytes);
    if (!parsed.ok()) {
        element.error = Error::InvalidArgument(where + parsed.error().message);
        return element;
    }
    if (!parsed->is_object()) {
        element.error = Error::InvalidArgument(where + "expected a payment request object, found " +
                                               std::string(json::TypeName(*parsed)));
        return element;
    }
    auto command = CreatePaymentCommandFromJson(parsed->as_object());
    if (!command.ok()) {
        element.error =
            Error::InvalidArgument(where + command.error().message, command.error().field);
        return element;
    }
    element.raw_data = json::Serialize(*parsed);
    if (element.raw_data.size() > kRawDataBytesMax) element.raw_data.resize(kRawDataBytesMax);
    element.command = std::move(*command);
    return element;
}

// ---- writer ----

Status JsonPaymentFileWriter::Add(const boost::json::object& element) {
    *output_ << (written_ == 0 ? "[\n  " : ",\n  ") << json::Serialize(element);
    ++written_;
    if (!*output_) return Error::Unavailable("cannot write the JSON file");
    return Ok();
}

Status JsonPaymentFileWriter::Finish() {
    *output_ << (written_ == 0 ? "[]\n" : "\n]\n");
    output_->flush();
    if (!*output_) return Error::Unavailable("cannot write the JSON file");
    return Ok();
}

}  // namespace dictra::settlement
