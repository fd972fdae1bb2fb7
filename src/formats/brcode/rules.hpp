// The rules of each BR Code field, shared by the decoder and the encoder so that what one accepts
// the other can write. Internal to dictra_brcode; callers use brcode.hpp.
//
// Each check returns nullopt when the value is acceptable, else the problem and a message that
// starts with the tag and the field's name ("26-01 Pix key: 80 characters; at most 77").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/money.hpp"
#include "formats/brcode/brcode.hpp"

namespace dictra::formats::brcode::rules {

struct Issue {
    DecodeProblem problem = DecodeProblem::kInvalid;
    std::string message;
};

using Check = std::optional<Issue>;

// Free text (26-02, 59, 60): UTF-8 that folds to ASCII, at most `chars_max` characters as given
// (0: no limit of its own). Names and cities must not be empty.
Check CheckFreeText(std::string_view tag, std::string_view name, std::string_view value,
                    std::size_t chars_max);

Check CheckPixKey(std::string_view value);                     // 26-01
Check CheckFssIspb(std::string_view value);                    // 26-03
Check CheckUrl(std::string_view tag, std::string_view value);  // 26-25, 80-25
Check CheckMerchantCategoryCode(std::string_view value);       // 52
Check CheckPostalCode(std::string_view value);                 // 61
Check CheckTxId(std::string_view value);                       // 62-05 ("***" passes)

// 54: "150.00", "150.5", "150": digits, an optional '.' and at most 2 decimals, above zero, at
// most kAmountCharsMax characters. The amount, or the issue.
struct AmountOrIssue {
    std::optional<AmountCentavos> amount;
    Check issue;
};
AmountOrIssue ParseAmountField(std::string_view value);
Check CheckAmount(AmountCentavos amount);

// "br.gov.bcb.pix" in any letter case.
bool IsPixGui(std::string_view value);

}  // namespace dictra::formats::brcode::rules
