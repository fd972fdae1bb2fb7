// Decode(): reads a payload into fields, raw data objects and a list of errors.
#include <map>
#include <set>

#include "formats/brcode/brcode.hpp"
#include "formats/brcode/crc16.hpp"
#include "formats/brcode/rules.hpp"
#include "formats/brcode/text.hpp"
#include "formats/brcode/tlv.hpp"

namespace dictra::formats::brcode {
namespace {

// Top-level fields a payload must have; 63 is checked with the CRC.
struct Mandatory {
    std::string_view id;
    std::string_view name;
};
constexpr Mandatory kMandatory[] = {
    {"00", "payload format indicator"},
    {"26", "merchant account information (Pix)"},
    {"52", "merchant category code"},
    {"53", "currency"},
    {"58", "country"},
    {"59", "merchant name"},
    {"60", "merchant city"},
};

// Templates we read into their own data objects.
bool IsOurTemplate(std::string_view id) {
    return id == "26" || id == "62" || id == "80";
}

std::string_view TemplateName(std::string_view id) {
    if (id == "26") return "merchant account information";
    if (id == "62") return "additional data";
    return "Pix Automatico";
}

DecodeProblem FromTlv(TlvProblem problem) {
    switch (problem) {
        case TlvProblem::kTruncated: return DecodeProblem::kTruncated;
        case TlvProblem::kBadId: return DecodeProblem::kBadId;
        case TlvProblem::kBadLength: return DecodeProblem::kBadLength;
        case TlvProblem::kLengthOverrun: return DecodeProblem::kLengthOverrun;
    }
    return DecodeProblem::kTruncated;
}

bool IsHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

char ToUpper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

bool HasNonAscii(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return true;
    }
    return false;
}

// The data objects of one list (the payload or a template), by ID; the first occurrence wins.
using FieldsById = std::map<std::string_view, std::string_view>;

class Decoder {
 public:
    Decoder(std::string_view payload, TlvLengthUnit unit) : payload_(payload), unit_(unit) {}

    bool structure_broken() const { return structure_broken_; }

    // Reads the payload once. REQUIRES: called once per Decoder.
    Decoded Run() {
        const TlvReading top = ReadTlv(payload_, unit_);
        if (top.error) {
            structure_broken_ = true;
            Add(top.error->id, FromTlv(top.error->problem), top.error->message);
        }
        FieldsById by_id;
        for (const TlvField& field : top.fields) {
            by_id.emplace(field.id, field.value);
            AddRaw(std::string(field.id), field.value);
            if (IsOurTemplate(field.id)) ReadTemplate(field);
        }
        if (!top.error) CheckOrder(top.fields, "", /*crc_last=*/true);
        CheckLeaves();
        DecodeFields(by_id);
        if (!top.error) {
            CheckMandatory(by_id);
            CheckCrc(top.fields);
        }
        return std::move(out_);
    }

 private:
    void Add(std::string tag, DecodeProblem problem, std::string message) {
        out_.errors.push_back(DecodeError{std::move(tag), problem, std::move(message)});
    }
    void Add(std::string_view tag, const rules::Check& check) {
        if (check) Add(std::string(tag), check->problem, check->message);
    }

    void AddRaw(std::string tag, std::string_view value) {
        out_.raw.push_back(RawField{std::move(tag), std::string(value)});
    }

    void ReadTemplate(const TlvField& field) {
        const std::size_t value_offset = field.offset_bytes + kTlvIdDigits + kTlvLengthDigits;
        const TlvReading inner = ReadTlv(field.value, unit_, value_offset);
        FieldsById& children = templates_[std::string(field.id)];
        const std::string prefix = std::string(field.id) + "-";
        for (const TlvField& child : inner.fields) {
            children.emplace(child.id, child.value);
            AddRaw(prefix + std::string(child.id), child.value);
        }
        if (inner.error) {
            structure_broken_ = true;
            broken_templates_.insert(std::string(field.id));
            const std::string where =
                " (in the " + std::string(TemplateName(field.id)) + " template)";
            if (inner.error->id.empty()) {
                Add(std::string(field.id), FromTlv(inner.error->problem),
                    std::string(field.id) + ": " + inner.error->message + where);
            } else {
                Add(prefix + inner.error->id, FromTlv(inner.error->problem),
                    prefix + inner.error->message + where);
            }
            return;
        }
        CheckOrder(inner.fields, prefix, /*crc_last=*/false);
    }

    // IDs ascend, each once; at the top level 63 comes last, after everything (80 included).
    void CheckOrder(const std::vector<TlvField>& fields, const std::string& prefix, bool crc_last) {
        std::map<std::string_view, std::size_t> first_offset;
        std::string_view previous;
        for (std::size_t field_idx = 0; field_idx < fields.size(); ++field_idx) {
            const TlvField& field = fields[field_idx];
            const std::string tag = prefix + std::string(field.id);
            const auto [seen, inserted] = first_offset.emplace(field.id, field.offset_bytes);
            if (!inserted) {
                Add(tag, DecodeProblem::kDuplicate,
                    tag + ": appears twice (at bytes " + std::to_string(seen->second) + " and " +
                        std::to_string(field.offset_bytes) + "); each ID may appear once");
                continue;
            }
            if (crc_last && field.id == "63") {
                if (field_idx + 1 != fields.size()) {
                    Add(tag, DecodeProblem::kOutOfOrder,
                        tag + " CRC: must be the last field, but " +
                            std::string(fields[field_idx + 1].id) + " follows it");
                }
                continue;
            }
            if (!previous.empty() && field.id < previous) {
                Add(tag, DecodeProblem::kOutOfOrder,
                    tag + ": comes after " + prefix + std::string(previous) +
                        "; fields must be in ascending ID order");
            }
            previous = field.id;
        }
    }

    // Every leaf value: not empty (EMV lengths are 01..99) and free of control characters.
    void CheckLeaves() {
        for (const RawField& raw : out_.raw) {
            const bool is_template = raw.tag.size() == 2 && IsOurTemplate(raw.tag);
            if (raw.value.empty()) {
                Add(raw.tag, DecodeProblem::kEmpty,
                    raw.tag + ": length 00; a data object holds 1 to 99 characters");
                skip_.insert(raw.tag);
                continue;
            }
            if (is_template || raw.tag == "63") continue;
            if (auto issue = FindFreeTextIssue(raw.value);
                issue && issue->kind != TextIssue::Kind::kUnrepresentable) {
                Add(raw.tag, DecodeProblem::kNotPrintable, raw.tag + ": " + Describe(*issue));
                skip_.insert(raw.tag);
            }
        }
    }

    // The value to check for `tag`, or nullopt if absent or already reported by CheckLeaves.
    std::optional<std::string_view> Value(const FieldsById& fields, std::string_view id,
                                          std::string_view tag) const {
        const auto found = fields.find(id);
        if (found == fields.end() || skip_.contains(std::string(tag))) return std::nullopt;
        return found->second;
    }

    void DecodeFields(const FieldsById& top) {
        if (auto value = Value(top, "00", "00"); value && *value != "01") {
            Add("00", DecodeProblem::kInvalid,
                "00 payload format indicator: '" + std::string(*value) + "'; expected '01'");
        }
        if (auto value = Value(top, "01", "01")) {
            if (*value == "12") {
                out_.fields.single_use = true;
            } else if (*value != "11") {
                Add("01", DecodeProblem::kInvalid,
                    "01 point of initiation method: '" + std::string(*value) +
                        "'; expected '11' (reusable) or '12' (single use)");
            }
        }
        DecodeMerchantAccount(top);
        if (auto value = Value(top, "52", "52")) {
            const auto check = rules::CheckMerchantCategoryCode(*value);
            Add("52", check);
            if (!check) out_.fields.merchant_category_code = std::string(*value);
        }
        if (auto value = Value(top, "53", "53"); value && *value != "986") {
            Add("53", DecodeProblem::kInvalid,
                "53 currency: '" + std::string(*value) + "'; expected '986' (BRL)");
        }
        if (auto value = Value(top, "54", "54")) {
            auto parsed = rules::ParseAmountField(*value);
            Add("54", parsed.issue);
            out_.fields.amount = parsed.amount;
        }
        for (std::string_view id : {"55", "56", "57"}) {
            if (top.contains(id)) {
                Add(std::string(id), DecodeProblem::kNotAllowed,
                    std::string(id) +
                        ": tip or convenience fee (EMV 55-57) is not part of Pix; the payer "
                        "would pay another amount than the one shown");
            }
        }
        if (auto value = Value(top, "58", "58"); value && *value != "BR") {
            Add("58", DecodeProblem::kInvalid,
                "58 country: '" + std::string(*value) + "'; expected 'BR'");
        }
        DecodeText(top, "59", "59", "merchant name", kMerchantNameCharsMax,
                   out_.fields.merchant_name);
        DecodeText(top, "60", "60", "merchant city", kMerchantCityCharsMax,
                   out_.fields.merchant_city);
        if (auto value = Value(top, "61", "61")) {
            const auto check = rules::CheckPostalCode(*value);
            Add("61", check);
            if (!check) out_.fields.postal_code = std::string(*value);
        }
        DecodeAdditionalData();
        DecodeRecurrence(top);
        out_.kind = kind_;
    }

    void DecodeText(const FieldsById& fields, std::string_view id, std::string_view tag,
                    std::string_view name, std::size_t chars_max, std::string& target) {
        if (auto value = Value(fields, id, tag)) {
            const auto check = rules::CheckFreeText(tag, name, *value, chars_max);
            Add(tag, check);
            if (!check) target = std::string(*value);
        }
    }

    void DecodeMerchantAccount(const FieldsById& top) {
        if (!top.contains("26") || skip_.contains("26")) return;
        const FieldsById& mai = templates_["26"];
        if (!mai.contains("00")) {
            Add("26-00", DecodeProblem::kMissing,
                "26-00 GUI: missing; expected " + std::string(kPixGui));
        } else if (auto gui = Value(mai, "00", "26-00"); gui && !rules::IsPixGui(*gui)) {
            Add("26-00", DecodeProblem::kInvalid,
                "26-00 GUI: '" + std::string(*gui) + "'; expected " + std::string(kPixGui) +
                    " (any letter case)");
        }
        if (auto key = Value(mai, "01", "26-01")) {
            const auto check = rules::CheckPixKey(*key);
            Add("26-01", check);
            if (!check) out_.fields.pix_key = std::string(*key);
        }
        DecodeText(mai, "02", "26-02", "info", 0, out_.fields.info);
        if (auto fss = Value(mai, "03", "26-03")) {
            const auto check = rules::CheckFssIspb(*fss);
            Add("26-03", check);
            if (!check) out_.fields.fss_ispb = std::string(*fss);
        }
        if (auto url = Value(mai, "25", "26-25")) {
            const auto check = rules::CheckUrl("26-25", *url);
            Add("26-25", check);
            if (!check) out_.fields.url = std::string(*url);
        }
        const bool has_key = mai.contains("01");
        const bool has_url = mai.contains("25");
        kind_ = has_url ? BrCodeKind::kDynamic
                        : (has_key ? BrCodeKind::kStatic : BrCodeKind::kRecurrence);
        if (has_key && has_url) {
            Add("26-25", DecodeProblem::kInvalid,
                "26-25 URL: a BR Code carries a Pix key (26-01) or a URL (26-25), not both");
        }
        const bool has_recurrence = top.contains("80");
        // A template that broke off may have held the key; its error says enough.
        if (!has_key && !has_url && !has_recurrence && !broken_templates_.contains("26")) {
            Add("26-01", DecodeProblem::kMissing,
                "26-01 Pix key: missing; a BR Code needs a Pix key (static), a URL in 26-25 "
                "(dynamic) or a Pix Automatico template (80)");
        }
    }

    void DecodeAdditionalData() {
        const auto found = templates_.find("62");
        if (found == templates_.end()) return;
        if (auto txid = Value(found->second, "05", "62-05")) {
            const auto check = rules::CheckTxId(*txid);
            Add("62-05", check);
            if (check) return;
            if (*txid != kNoTxId) {
                if (kind_ == BrCodeKind::kDynamic) {
                    Add("62-05", DecodeProblem::kInvalid,
                        "62-05 txid: '" + std::string(*txid) +
                            "' in a dynamic BR Code; expected *** (the charge at 26-25 carries "
                            "the txid)");
                    return;
                }
                out_.fields.txid = std::string(*txid);
            }
        }
    }

    void DecodeRecurrence(const FieldsById& top) {
        if (!top.contains("80") || skip_.contains("80")) return;
        const FieldsById& recurrence = templates_["80"];
        if (!recurrence.contains("00")) {
            Add("80-00", DecodeProblem::kMissing,
                "80-00 GUI: missing; expected " + std::string(kPixGui));
        } else if (auto gui = Value(recurrence, "00", "80-00"); gui && !rules::IsPixGui(*gui)) {
            Add("80-00", DecodeProblem::kInvalid,
                "80-00 GUI: '" + std::string(*gui) + "'; expected " + std::string(kPixGui) +
                    " (any letter case)");
        }
        if (!recurrence.contains("25")) {
            Add("80-25", DecodeProblem::kMissing,
                "80-25 recurrence URL: missing; the Pix Automatico template needs one");
        } else if (auto url = Value(recurrence, "25", "80-25")) {
            const auto check = rules::CheckUrl("80-25", *url);
            Add("80-25", check);
            if (!check) out_.fields.recurrence_url = std::string(*url);
        }
    }

    void CheckMandatory(const FieldsById& top) {
        for (const Mandatory& mandatory : kMandatory) {
            if (!top.contains(mandatory.id)) {
                Add(std::string(mandatory.id), DecodeProblem::kMissing,
                    std::string(mandatory.id) + " " + std::string(mandatory.name) + ": missing");
            }
        }
    }

    void CheckCrc(const std::vector<TlvField>& fields) {
        if (fields.empty() || fields.back().id != "63") {
            bool present = false;
            for (const TlvField& field : fields) present = present || field.id == "63";
            // A 63 that is not last was reported by CheckOrder.
            if (!present) {
                Add("63", DecodeProblem::kMissing,
                    "63 CRC: missing; a BR Code ends with 6304 and 4 hex digits");
            }
            return;
        }
        const TlvField& crc_field = fields.back();
        const std::string_view crc = crc_field.value;
        out_.crc = std::string(crc);
        if (CountCharacters(crc) != 4) {
            Add("63", DecodeProblem::kInvalid,
                "63 CRC: '" + std::string(crc) + "' is " + std::to_string(CountCharacters(crc)) +
                    " characters; expected 4 uppercase hex digits");
            return;
        }
        bool hex = true;
        bool lowercase = false;
        std::string upper;
        for (const char c : crc) {
            hex = hex && IsHexDigit(c);
            lowercase = lowercase || (c >= 'a' && c <= 'f');
            upper.push_back(ToUpper(c));
        }
        if (!hex) {
            Add("63", DecodeProblem::kInvalid,
                "63 CRC: '" + std::string(crc) + "' is not 4 hex digits");
            return;
        }
        const std::size_t covered_bytes = crc_field.offset_bytes + 4;  // through "6304"
        out_.crc_computed = FormatCrc16(Crc16CcittFalse(payload_.substr(0, covered_bytes)));
        if (lowercase) {
            Add("63", DecodeProblem::kInvalid,
                "63 CRC: '" + std::string(crc) +
                    "' has lowercase hex digits; a BR Code writes its CRC in uppercase" +
                    (upper == out_.crc_computed ? " (it would match as " + upper + ")" : ""));
        }
        if (upper != out_.crc_computed) {
            Add("63", DecodeProblem::kCrcMismatch,
                "63 CRC: the payload says " + std::string(crc) + " but its CRC16 is " +
                    out_.crc_computed);
        }
    }

    std::string_view payload_;
    TlvLengthUnit unit_;
    Decoded out_;
    std::map<std::string, FieldsById> templates_;  // "26" -> its data objects
    std::set<std::string> skip_;  // tags whose value was already reported by CheckLeaves
    std::set<std::string> broken_templates_;  // "26" when its data objects did not parse
    BrCodeKind kind_ = BrCodeKind::kRecurrence;
    bool structure_broken_ = false;
};

// For a payload that is not UTF-8: the tag whose value holds byte `offset`, read byte-wise.
std::string TagAt(std::string_view payload, std::size_t offset) {
    const TlvReading reading = ReadTlv(payload, TlvLengthUnit::kBytes);
    for (const TlvField& field : reading.fields) {
        const std::size_t value_begin =
            static_cast<std::size_t>(field.value.data() - payload.data());
        if (offset >= value_begin && offset < value_begin + field.value.size()) {
            if (!IsOurTemplate(field.id)) return std::string(field.id);
            const TlvReading inner = ReadTlv(field.value, TlvLengthUnit::kBytes);
            for (const TlvField& child : inner.fields) {
                const std::size_t child_begin =
                    static_cast<std::size_t>(child.value.data() - payload.data());
                if (offset >= child_begin && offset < child_begin + child.value.size()) {
                    return std::string(field.id) + "-" + std::string(child.id);
                }
            }
            return std::string(field.id);
        }
    }
    return "";
}

}  // namespace

Decoded Decode(std::string_view payload) {
    Decoded decoded;
    if (payload.size() > kPayloadBytesMax) {
        decoded.errors.push_back(DecodeError{"", DecodeProblem::kTooLarge,
                                             "payload is " + std::to_string(payload.size()) +
                                                 " bytes; at most " +
                                                 std::to_string(kPayloadBytesMax)});
        return decoded;
    }
    if (payload.empty()) {
        decoded.errors.push_back(DecodeError{"", DecodeProblem::kTruncated, "payload is empty"});
        return decoded;
    }
    if (auto bad_byte = FindInvalidUtf8(payload)) {
        std::string tag = TagAt(payload, *bad_byte);
        std::string message = (tag.empty() ? "payload" : tag) + ": malformed UTF-8 at byte " +
                              std::to_string(*bad_byte);
        decoded.errors.push_back(
            DecodeError{std::move(tag), DecodeProblem::kNotPrintable, std::move(message)});
        return decoded;
    }
    Decoder by_characters(payload, TlvLengthUnit::kCharacters);
    decoded = by_characters.Run();
    // EMV lengths count characters; some generators count the UTF-8 bytes of accented text. When
    // that reading is the only one that holds together, it is the one the writer meant.
    if (by_characters.structure_broken() && HasNonAscii(payload)) {
        Decoder by_bytes(payload, TlvLengthUnit::kBytes);
        Decoded bytewise = by_bytes.Run();
        if (!by_bytes.structure_broken()) return bytewise;
    }
    return decoded;
}

}  // namespace dictra::formats::brcode
