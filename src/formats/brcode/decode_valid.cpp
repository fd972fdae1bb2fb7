// DecodeValid(): Decode()'s verdict without its words, for the hot path. It applies the same
// rules in one pass over the payload and stops at the first problem without saying what it is;
// whoever needs the reason calls Decode(). The fuzz target `brcode` and fast_path_test hold the
// two to the same verdict and the same fields.
//
// A payload of printable ASCII (every code we write, and nearly every code in the wild) takes the
// fast lane: one 8-bytes-at-a-time pass rules out control characters for every leaf at once,
// lengths count bytes, and the field rules are the predicates of ascii.hpp. Anything else goes
// through the worded rules of rules.hpp, character by character, as Decode() does.
#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

#include "formats/brcode/ascii.hpp"
#include "formats/brcode/brcode.hpp"
#include "formats/brcode/crc16.hpp"
#include "formats/brcode/rules.hpp"
#include "formats/brcode/text.hpp"
#include "formats/brcode/tlv.hpp"

namespace dictra::formats::brcode {
namespace {

// Broken: a data object did not parse (Decode() then tries byte lengths for accented text).
enum class Verdict { kValid, kInvalid, kBroken };

// A set of data object IDs 00..99.
class IdSet {
 public:
    void Add(int id) { bits_[id / 64] |= std::uint64_t{1} << (id % 64); }
    bool Has(int id) const { return (bits_[id / 64] >> (id % 64)) & 1U; }

 private:
    std::uint64_t bits_[2] = {0, 0};
};

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}

// Reads data objects one at a time, as ReadTlv() does, without building a list.
class TlvCursor {
 public:
    TlvCursor(std::string_view text, TlvLengthUnit unit) : text_(text), unit_(unit) {}

    bool done() const { return pos_ >= text_.size(); }
    std::size_t position() const { return pos_; }

    // The next data object, or false when it is malformed.
    bool Next(int& id, std::string_view& value) {
        const std::string_view rest = text_.substr(pos_);
        if (rest.size() < kTlvIdDigits + kTlvLengthDigits) return false;
        if (!IsDigit(rest[0]) || !IsDigit(rest[1]) || !IsDigit(rest[2]) || !IsDigit(rest[3])) {
            return false;
        }
        id = (rest[0] - '0') * 10 + (rest[1] - '0');
        const auto length = static_cast<std::size_t>((rest[2] - '0') * 10 + (rest[3] - '0'));
        const std::size_t value_begin = kTlvIdDigits + kTlvLengthDigits;
        std::size_t value_end = value_begin;
        if (unit_ == TlvLengthUnit::kBytes) {
            if (rest.size() - value_begin < length) return false;
            value_end += length;
        } else {
            for (std::size_t char_idx = 0; char_idx < length; ++char_idx) {
                if (value_end >= rest.size()) return false;
                ++value_end;
                while (value_end < rest.size() &&
                       (static_cast<unsigned char>(rest[value_end]) & 0xC0) == 0x80) {
                    ++value_end;
                }
            }
        }
        value = rest.substr(value_begin, value_end - value_begin);
        pos_ += value_end;
        return true;
    }

 private:
    std::string_view text_;
    TlvLengthUnit unit_;
    std::size_t pos_ = 0;
};

bool IsOurTemplate(int id) {
    return id == 26 || id == 62 || id == 80;
}

// A leaf value that Decode() would report before looking at its field: empty, or text with a
// malformed or control character (a merely unrepresentable one is the field's business).
bool LeafBroken(std::string_view value) {
    if (value.empty()) return true;
    const auto issue = FindFreeTextIssue(value);
    return issue && issue->kind != TextIssue::Kind::kUnrepresentable;
}

// The top-level IDs the rules look at, each with a slot in Collected::top_values.
constexpr int kTopIds[] = {0, 1, 52, 53, 54, 58, 59, 60, 61, 63};
constexpr int kNoSlot = -1;
constexpr auto kTopSlot = [] {
    std::array<int, 100> slots{};
    slots.fill(kNoSlot);
    for (int slot = 0; slot < static_cast<int>(std::size(kTopIds)); ++slot) {
        slots[kTopIds[slot]] = slot;
    }
    return slots;
}();

// What one pass collects: the first value of each ID the rules look at.
struct Collected {
    IdSet top;
    std::string_view top_values[std::size(kTopIds)];
    IdSet account;  // 26-xx
    std::string_view account_gui, account_key, account_info, account_fss, account_url;
    IdSet additional;  // 62-xx
    std::string_view txid;
    IdSet recurrence;  // 80-xx
    std::string_view recurrence_gui;
    std::string_view recurrence_url;
    std::size_t crc_offset = 0;  // where "63" starts

    // REQUIRES: `id` is one of kTopIds and top.Has(id).
    std::string_view Top(int id) const { return top_values[kTopSlot[id]]; }
};

// Reads a template's data objects: ascending IDs, every value a sound leaf. `keep` stores the
// ones the rules need. Returns kBroken when a data object does not parse.
// `check_text`: whether leaves still need their characters checked (not in the ASCII lane,
// where one pass over the payload did it); emptiness is checked either way.
template <bool check_text, typename Keep>
Verdict ReadTemplate(std::string_view value, TlvLengthUnit unit, IdSet& ids, bool first,
                     Keep keep) {
    TlvCursor cursor(value, unit);
    Verdict verdict = Verdict::kValid;
    int previous = -1;
    while (!cursor.done()) {
        int id = 0;
        std::string_view child;
        if (!cursor.Next(id, child)) return Verdict::kBroken;
        if (id <= previous || child.empty() || (check_text && LeafBroken(child))) {
            verdict = Verdict::kInvalid;
        }
        previous = std::max(previous, id);
        if (first && !ids.Has(id)) {
            ids.Add(id);
            keep(id, child);
        }
    }
    return verdict;
}

// The structure: every data object parses, IDs ascend with 63 last, leaves are sound.
template <bool check_text>
Verdict ReadStructure(std::string_view payload, TlvLengthUnit unit, Collected& got) {
    TlvCursor cursor(payload, unit);
    Verdict verdict = Verdict::kValid;
    int previous = -1;
    bool crc_seen = false;
    while (!cursor.done()) {
        const std::size_t offset = cursor.position();
        int id = 0;
        std::string_view value;
        if (!cursor.Next(id, value)) return Verdict::kBroken;
        const bool first = !got.top.Has(id);
        if (crc_seen) verdict = Verdict::kInvalid;  // 63 must be last, and appear once
        if (id == 63) {
            crc_seen = true;
            got.crc_offset = offset;
        } else {
            if (id <= previous) verdict = Verdict::kInvalid;
            previous = std::max(previous, id);
        }
        if (first) {
            got.top.Add(id);
            if (kTopSlot[id] != kNoSlot) got.top_values[kTopSlot[id]] = value;
        }
        if (IsOurTemplate(id)) {
            if (value.empty()) verdict = Verdict::kInvalid;
            Verdict inner = Verdict::kValid;
            if (id == 26) {
                inner = ReadTemplate<check_text>(value, unit, got.account, first,
                                                 [&got](int child, std::string_view v) {
                                                     if (child == 0) got.account_gui = v;
                                                     if (child == 1) got.account_key = v;
                                                     if (child == 2) got.account_info = v;
                                                     if (child == 3) got.account_fss = v;
                                                     if (child == 25) got.account_url = v;
                                                 });
            } else if (id == 62) {
                inner = ReadTemplate<check_text>(value, unit, got.additional, first,
                                                 [&got](int child, std::string_view child_value) {
                                                     if (child == 5) got.txid = child_value;
                                                 });
            } else {
                inner = ReadTemplate<check_text>(value, unit, got.recurrence, first,
                                                 [&got](int child, std::string_view child_value) {
                                                     if (child == 0)
                                                         got.recurrence_gui = child_value;
                                                     if (child == 25)
                                                         got.recurrence_url = child_value;
                                                 });
            }
            if (inner == Verdict::kBroken) return Verdict::kBroken;
            if (inner == Verdict::kInvalid) verdict = Verdict::kInvalid;
        } else if (value.empty() || (check_text && id != 63 && LeafBroken(value))) {
            verdict = Verdict::kInvalid;
        }
    }
    return verdict;
}

bool IsUpperHex(char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'F');
}

// The field rules as the worded checks of rules.hpp decide them: any text.
struct WordedRules {
    static bool PixKey(std::string_view v) { return !rules::CheckPixKey(v); }
    static bool Url(std::string_view tag, std::string_view v) { return !rules::CheckUrl(tag, v); }
    static bool FssIspb(std::string_view v) { return !rules::CheckFssIspb(v); }
    static bool MerchantCategoryCode(std::string_view v) {
        return !rules::CheckMerchantCategoryCode(v);
    }
    static bool FreeText(std::string_view tag, std::string_view v, std::size_t chars_max) {
        return !rules::CheckFreeText(tag, "", v, chars_max);
    }
    static bool PostalCode(std::string_view v) { return !rules::CheckPostalCode(v); }
    static bool TxId(std::string_view v) { return !rules::CheckTxId(v); }
};

// The same rules for printable ASCII (ascii.hpp), which they decide alike.
struct AsciiRules {
    static bool PixKey(std::string_view v) { return ascii::PixKeyOk(v); }
    static bool Url(std::string_view, std::string_view v) { return ascii::UrlOk(v); }
    static bool FssIspb(std::string_view v) { return ascii::DigitsOk(v, kIspbDigits); }
    static bool MerchantCategoryCode(std::string_view v) { return ascii::DigitsOk(v, 4); }
    static bool FreeText(std::string_view, std::string_view v, std::size_t chars_max) {
        return ascii::FreeTextOk(v, chars_max);
    }
    static bool PostalCode(std::string_view v) { return ascii::PostalCodeOk(v); }
    static bool TxId(std::string_view v) { return ascii::TxIdOk(v); }
};

// The field rules, on a sound structure.
template <typename Rules>
bool CheckFields(std::string_view payload, const Collected& got, BrCodeView& out) {
    for (const int id : {0, 26, 52, 53, 58, 59, 60, 63}) {
        if (!got.top.Has(id)) return false;
    }
    for (const int id : {55, 56, 57}) {
        if (got.top.Has(id)) return false;
    }
    if (got.Top(0) != "01" || got.Top(53) != "986" || got.Top(58) != "BR") return false;
    out.single_use = false;
    if (got.top.Has(1)) {
        if (got.Top(1) == "12") {
            out.single_use = true;
        } else if (got.Top(1) != "11") {
            return false;
        }
    }

    const IdSet& account = got.account;
    if (!account.Has(0) || !rules::IsPixGui(got.account_gui)) return false;
    const bool has_key = account.Has(1);
    const bool has_url = account.Has(25);
    out.pix_key = has_key ? got.account_key : std::string_view();
    if (has_key && !Rules::PixKey(out.pix_key)) return false;
    out.info = account.Has(2) ? got.account_info : std::string_view();
    if (account.Has(2) && !Rules::FreeText("26-02", out.info, 0)) return false;
    out.fss_ispb = account.Has(3) ? got.account_fss : std::string_view();
    if (account.Has(3) && !Rules::FssIspb(out.fss_ispb)) return false;
    out.url = has_url ? got.account_url : std::string_view();
    if (has_url && !Rules::Url("26-25", out.url)) return false;
    if (has_key && has_url) return false;
    if (!has_key && !has_url && !got.top.Has(80)) return false;
    out.kind =
        has_url ? BrCodeKind::kDynamic : (has_key ? BrCodeKind::kStatic : BrCodeKind::kRecurrence);

    out.merchant_category_code = got.Top(52);
    if (!Rules::MerchantCategoryCode(out.merchant_category_code)) return false;
    out.amount.reset();
    if (got.top.Has(54)) {
        const rules::AmountOrIssue amount = rules::ParseAmountField(got.Top(54));
        if (amount.issue) return false;
        out.amount = amount.amount;
    }
    out.merchant_name = got.Top(59);
    if (!Rules::FreeText("59", out.merchant_name, kMerchantNameCharsMax)) return false;
    out.merchant_city = got.Top(60);
    if (!Rules::FreeText("60", out.merchant_city, kMerchantCityCharsMax)) return false;
    out.postal_code = got.top.Has(61) ? got.Top(61) : std::string_view();
    if (got.top.Has(61) && !Rules::PostalCode(out.postal_code)) return false;
    out.txid = {};
    if (got.top.Has(62) && got.additional.Has(5)) {
        if (!Rules::TxId(got.txid)) return false;
        if (got.txid != kNoTxId) {
            if (out.kind == BrCodeKind::kDynamic) return false;
            out.txid = got.txid;
        }
    }
    out.recurrence_url = {};
    if (got.top.Has(80)) {
        if (!got.recurrence.Has(0) || !rules::IsPixGui(got.recurrence_gui)) return false;
        if (!got.recurrence.Has(25)) return false;
        out.recurrence_url = got.recurrence_url;
        if (!Rules::Url("80-25", out.recurrence_url)) return false;
    }

    const std::string_view crc = got.Top(63);
    if (crc.size() != 4) return false;
    for (const char c : crc) {
        if (!IsUpperHex(c)) return false;
    }
    char computed[4];
    WriteCrc16(Crc16CcittFalse(payload.substr(0, got.crc_offset + 4)), computed);
    if (crc != std::string_view(computed, 4)) return false;
    out.crc = crc;
    return true;
}

// Any text: leaves checked character by character, lengths in `unit`.
Verdict RunWorded(std::string_view payload, TlvLengthUnit unit, BrCodeView& out) {
    Collected got;
    const Verdict structure = ReadStructure</*check_text=*/true>(payload, unit, got);
    if (structure != Verdict::kValid) return structure;
    return CheckFields<WordedRules>(payload, got, out) ? Verdict::kValid : Verdict::kInvalid;
}

// REQUIRES: ascii::IsPrintable(payload).
bool RunAscii(std::string_view payload, BrCodeView& out) {
    Collected got;
    if (ReadStructure</*check_text=*/false>(payload, TlvLengthUnit::kBytes, got) !=
        Verdict::kValid) {
        return false;
    }
    return CheckFields<AsciiRules>(payload, got, out);
}

}  // namespace

BrCode BrCodeView::ToBrCode() const {
    BrCode code;
    code.single_use = single_use;
    code.pix_key = pix_key;
    code.info = info;
    code.fss_ispb = fss_ispb;
    code.url = url;
    code.merchant_category_code = merchant_category_code;
    code.amount = amount;
    code.merchant_name = merchant_name;
    code.merchant_city = merchant_city;
    code.postal_code = postal_code;
    code.txid = txid;
    code.recurrence_url = recurrence_url;
    return code;
}

bool DecodeValid(std::string_view payload, BrCodeView& out) {
    if (payload.empty() || payload.size() > kPayloadBytesMax) return false;
    if (ascii::IsPrintable(payload)) return RunAscii(payload, out);
    if (FindInvalidUtf8(payload)) return false;
    const Verdict by_characters = RunWorded(payload, TlvLengthUnit::kCharacters, out);
    if (by_characters == Verdict::kValid) return true;
    // As Decode(): byte lengths are the reading of last resort for accented text. (A payload
    // that is ASCII with a control character has no other reading: it fails either way.)
    if (by_characters == Verdict::kBroken) {
        return RunWorded(payload, TlvLengthUnit::kBytes, out) == Verdict::kValid;
    }
    return false;
}

}  // namespace dictra::formats::brcode
