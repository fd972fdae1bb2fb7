#include "dict/pix_key.hpp"

#include <array>

#include "core/ids.hpp"

namespace dictra::dict {
namespace {

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsUpperAlnum(char c) {
    return IsDigit(c) || (c >= 'A' && c <= 'Z');
}
bool AllSame(std::string_view text) {
    return text.find_first_not_of(text.front()) == std::string_view::npos;
}

// Mod 11 check digit over `text` with `weights` (RFB's rule for CPF and CNPJ): remainder < 2
// gives 0, else 11 - remainder. Characters count as their ASCII code minus '0'.
template <std::size_t N>
int CheckDigit(std::string_view text, const std::array<int, N>& weights) {
    int sum = 0;
    for (std::size_t char_idx = 0; char_idx < N; ++char_idx)
        sum += (text[char_idx] - '0') * weights[char_idx];
    const int remainder = sum % 11;
    return remainder < 2 ? 0 : 11 - remainder;
}

bool IsEmailLocalChar(char c) {
    if ((c >= 'a' && c <= 'z') || IsDigit(c)) return true;
    return std::string_view(".!#$'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

// One DNS label of DICT's pattern: [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?
bool IsDomainLabel(std::string_view label) {
    constexpr std::size_t kLabelCharsMax = 63;
    if (label.empty() || label.size() > kLabelCharsMax) return false;
    for (char c : label)
        if (!((c >= 'a' && c <= 'z') || IsDigit(c) || c == '-')) return false;
    return label.front() != '-' && label.back() != '-';
}

}  // namespace

std::string_view ToString(KeyType type) {
    switch (type) {
        case KeyType::kCpf: return "CPF";
        case KeyType::kCnpj: return "CNPJ";
        case KeyType::kPhone: return "PHONE";
        case KeyType::kEmail: return "EMAIL";
        case KeyType::kEvp: return "EVP";
    }
    return "EVP";
}

std::optional<KeyType> KeyTypeFromString(std::string_view text) {
    for (KeyType type :
         {KeyType::kCpf, KeyType::kCnpj, KeyType::kPhone, KeyType::kEmail, KeyType::kEvp}) {
        if (text == ToString(type)) return type;
    }
    return std::nullopt;
}

bool IsValidCpf(std::string_view text) {
    if (text.size() != kCpfLength) return false;
    for (char c : text)
        if (!IsDigit(c)) return false;
    if (AllSame(text)) return false;
    constexpr std::array<int, 9> kFirst = {10, 9, 8, 7, 6, 5, 4, 3, 2};
    constexpr std::array<int, 10> kSecond = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};
    return CheckDigit(text, kFirst) == text[9] - '0' && CheckDigit(text, kSecond) == text[10] - '0';
}

bool IsValidCnpj(std::string_view text) {
    if (text.size() != kCnpjLength) return false;
    for (std::size_t char_idx = 0; char_idx < 12; ++char_idx)
        if (!IsUpperAlnum(text[char_idx])) return false;
    if (!IsDigit(text[12]) || !IsDigit(text[13])) return false;
    if (AllSame(text)) return false;
    constexpr std::array<int, 12> kFirst = {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    constexpr std::array<int, 13> kSecond = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    return CheckDigit(text, kFirst) == text[12] - '0' &&
           CheckDigit(text, kSecond) == text[13] - '0';
}

bool IsValidPhoneKey(std::string_view text) {
    // "+55" + area code (2) + subscriber number (8 landline or 9 mobile).
    constexpr std::size_t kLengthLandline = 3 + 2 + 8;
    constexpr std::size_t kLengthMobile = 3 + 2 + 9;
    if (text.size() != kLengthLandline && text.size() != kLengthMobile) return false;
    if (!text.starts_with("+55")) return false;
    for (char c : text.substr(1))
        if (!IsDigit(c)) return false;
    return text[3] != '0' && text[4] != '0';
}

bool IsValidEmailKey(std::string_view text) {
    if (text.empty() || text.size() > kEmailKeyCharsMax) return false;
    const std::size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    for (char c : text.substr(0, at))
        if (!IsEmailLocalChar(c)) return false;
    std::string_view domain = text.substr(at + 1);
    while (true) {
        const std::size_t dot = domain.find('.');
        if (!IsDomainLabel(domain.substr(0, dot))) return false;
        if (dot == std::string_view::npos) return true;
        domain.remove_prefix(dot + 1);
    }
}

bool IsValidEvp(std::string_view text) {
    if (text.size() != kEvpLength || !IsUuid(text)) return false;
    for (char c : text)
        if (c >= 'A' && c <= 'F') return false;
    // Version nibble 4, variant bits 10 (8, 9, a or b).
    return text[14] == '4' && std::string_view("89ab").find(text[19]) != std::string_view::npos;
}

std::string NormalizeCnpj(std::string_view text) {
    std::string upper(text);
    for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return upper;
}

Result<std::string> NormalizeKey(KeyType type, std::string_view key) {
    auto invalid = [](std::string message) {
        return Error::InvalidArgument("key: " + std::move(message), "key");
    };
    switch (type) {
        case KeyType::kCpf:
            if (!IsValidCpf(key)) return invalid("not a valid CPF (11 digits, check digits)");
            return std::string(key);
        case KeyType::kCnpj: {
            std::string cnpj = NormalizeCnpj(key);
            if (!IsValidCnpj(cnpj))
                return invalid("not a valid CNPJ (14 characters, check digits)");
            return cnpj;
        }
        case KeyType::kPhone:
            if (!IsValidPhoneKey(key))
                return invalid("not a valid phone (E.164 +55, area code, 8 or 9 digits)");
            return std::string(key);
        case KeyType::kEmail:
            if (!IsValidEmailKey(key))
                return invalid("not a valid e-mail (lower case, at most 77 characters)");
            return std::string(key);
        case KeyType::kEvp:
            if (!IsValidEvp(key)) return invalid("not a valid EVP (lower-case UUID version 4)");
            return std::string(key);
    }
    return invalid("unknown key type");
}

std::string NewEvp() {
    return NewUuidV4();
}

}  // namespace dictra::dict
