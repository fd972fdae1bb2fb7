// Money as an exact integer of centavos.
//
// Every amount in DICTRA is an int64 count of centavos (1/100 BRL). Decimal text ("100.00") is
// parsed and printed digit by digit; no floating point ever touches an amount, because a double
// cannot hold 0.10 exactly and a rounding slip here moves real money.
//
// Text forms accepted by ParseAmount (strict, the form our APIs document):
//   digits [ "." 1*2digits ]      e.g. "100", "100.5", "100.50", "0.01"
// Rejected: empty text, signs ("+1", "-1.00"; see ParseSignedAmount), whitespace, exponents,
// a comma decimal separator, more than two decimals ("1.005", and also "1.500": the strict form
// has a single spelling per precision), a dangling point ("1.", ".5"), leading zeros ("01.00",
// "00"; a lone "0" before the point is fine: "0.50"). Leading zeros are refused because JSON
// refuses them too, and one amount should not have many spellings in logs and idempotency keys.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace dictra {

// Longer amount text is rejected before any digit is looked at. The largest int64 amount,
// "-92233720368547758.08", is 21 bytes; JSON numbers may add an exponent and trailing zeros.
inline constexpr std::size_t kAmountTextBytesMax = 64;

// An exact amount in centavos. May be negative (balances, deltas); amounts that come from
// outside are non-negative unless a caller opts into ParseSignedAmount.
class AmountCentavos {
 public:
    constexpr AmountCentavos() = default;
    constexpr explicit AmountCentavos(std::int64_t centavos) : centavos_(centavos) {}

    constexpr std::int64_t centavos() const { return centavos_; }
    constexpr bool IsNegative() const { return centavos_ < 0; }
    constexpr bool IsZero() const { return centavos_ == 0; }

    friend constexpr auto operator<=>(AmountCentavos, AmountCentavos) = default;

 private:
    std::int64_t centavos_ = 0;
};

// Parses a non-negative decimal amount in the strict form above. Errors are kInvalidArgument,
// including amounts beyond int64 centavos.
Result<AmountCentavos> ParseAmount(std::string_view text);

// Like ParseAmount, but an optional leading '-' is allowed ("-1.50"). "-0" parses as zero.
Result<AmountCentavos> ParseSignedAmount(std::string_view text);

// Parses the raw text of a JSON number (RFC 8259 grammar: "150.5", "150", "1.5e2", "150.500")
// as a non-negative amount. The value must be an exact number of centavos: "1.005" and "1e-3"
// are rejected, while "1.500" and "1.5E2" are accepted because JSON gives the writer no say over
// trailing zeros or exponents. The JSON layer hands over the token's text so no double is made.
Result<AmountCentavos> ParseAmountJsonNumber(std::string_view raw_number);

// "100.00", "0.05", "-1.50": always two decimals, no thousands separator. Parses back with
// ParseSignedAmount (and with ParseAmount when not negative) to the same value.
std::string FormatAmount(AmountCentavos amount);

// Sum and difference that report int64 overflow as kInvalidArgument instead of wrapping.
Result<AmountCentavos> CheckedAdd(AmountCentavos lhs, AmountCentavos rhs);
Result<AmountCentavos> CheckedSubtract(AmountCentavos lhs, AmountCentavos rhs);

}  // namespace dictra
