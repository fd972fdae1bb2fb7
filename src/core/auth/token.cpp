#include "core/auth/token.hpp"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "core/ids.hpp"

namespace dictra::auth {
namespace {

// Key files are a few KiB; a bigger file is the wrong file.
constexpr std::size_t kKeyFileBytesMax = 64 * 1024;
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

Error Unauthenticated(std::string message) {
    return Error::Unauthenticated(std::move(message));
}

struct JwtDeleter {
    void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

jwt_alg_t ToLibjwt(JwtAlgorithm algorithm) {
    return algorithm == JwtAlgorithm::kHs256 ? JWT_ALG_HS256 : JWT_ALG_RS256;
}

Result<std::string> ReadKeyFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return Error::InvalidArgument("cannot read key file " + path);
    std::string content;
    std::array<char, 4096> chunk{};
    while (file.read(chunk.data(), chunk.size()) || file.gcount() > 0) {
        content.append(chunk.data(), static_cast<std::size_t>(file.gcount()));
        if (content.size() > kKeyFileBytesMax)
            return Error::InvalidArgument("key file " + path + " is too large");
    }
    return content;
}

enum class PemKind { kPublic, kPrivate };

// Checks that `pem` holds an RSA key of at least kRsaKeyBitsMin bits, so a bad key file stops
// start-up instead of failing every request.
Status CheckRsaPem(const std::string& pem, PemKind kind) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return Error::Internal("out of memory reading key");
    std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
        kind == PemKind::kPublic ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)
                                 : PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    const char* what = kind == PemKind::kPublic ? "public" : "private";
    if (!key) return Error::InvalidArgument(std::string("key is not a PEM ") + what + " key");
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
        return Error::InvalidArgument(std::string(what) + " key is not an RSA key");
    }
    if (EVP_PKEY_get_bits(key.get()) < kRsaKeyBitsMin) {
        return Error::InvalidArgument(std::string("RSA ") + what + " key is shorter than " +
                                      std::to_string(kRsaKeyBitsMin) + " bits");
    }
    return Ok();
}

Status CheckHs256Secret(const std::string& secret) {
    if (secret.size() < kHs256SecretBytesMin) {
        return Error::InvalidArgument("HS256 secret must be at least " +
                                      std::to_string(kHs256SecretBytesMin) + " bytes");
    }
    return Ok();
}

// Parses base64url-encoded JSON and requires an object.
Result<boost::json::object> DecodeJsonObject(std::string_view segment, std::string_view what) {
    auto bytes = Base64UrlDecode(segment);
    if (!bytes.ok()) return Unauthenticated("token " + std::string(what) + " is not base64url");
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(*bytes, ec);
    if (ec || !value.is_object())
        return Unauthenticated("token " + std::string(what) + " is not a JSON object");
    return std::move(value.as_object());
}

// A NumericDate claim as whole seconds (fractions are floored). nullopt when absent.
Result<std::optional<std::int64_t>> NumericDateClaim(const boost::json::object& claims,
                                                     std::string_view name) {
    const auto* found = claims.if_contains(name);
    if (found == nullptr) return std::optional<std::int64_t>();
    const std::string bad = "token claim '" + std::string(name) + "' is not a number";
    if (found->is_int64()) return std::optional<std::int64_t>(found->as_int64());
    if (found->is_uint64()) {
        const std::uint64_t value = found->as_uint64();
        return std::optional<std::int64_t>(static_cast<std::int64_t>(std::min<std::uint64_t>(
            value, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))));
    }
    if (found->is_double()) {
        const double value = found->as_double();
        // 1e15 s is 30 million years: far past any real token; clamping keeps the cast defined.
        constexpr double kSecondsAbsMax = 1e15;
        if (!std::isfinite(value)) return Unauthenticated(bad);
        return std::optional<std::int64_t>(static_cast<std::int64_t>(
            std::floor(std::clamp(value, -kSecondsAbsMax, kSecondsAbsMax))));
    }
    return Unauthenticated(bad);
}

bool EqualsIgnoreCase(std::string_view lhs, std::string_view rhs) {
    if (lhs.size() != rhs.size()) return false;
    for (std::size_t idx = 0; idx < lhs.size(); ++idx) {
        const auto lower = [](char c) {
            return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(lhs[idx]) != lower(rhs[idx])) return false;
    }
    return true;
}

bool IsSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
}

// HMAC-SHA256 over "header.payload" compared in constant time. libjwt 1.10 compares HMACs with
// strcmp, which leaks timing; checking first means libjwt only ever sees genuine signatures.
bool Hs256SignatureMatches(std::string_view signing_input, std::string_view signature_b64,
                           const std::string& secret) {
    auto signature = Base64UrlDecode(signature_b64);
    if (!signature.ok()) return false;
    std::array<unsigned char, EVP_MAX_MD_SIZE> expected{};
    unsigned int expected_length = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
             expected.data(), &expected_length) == nullptr) {
        return false;
    }
    return signature->size() == expected_length &&
           CRYPTO_memcmp(signature->data(), expected.data(), expected_length) == 0;
}

}  // namespace

std::string_view ToString(JwtAlgorithm algorithm) {
    switch (algorithm) {
        case JwtAlgorithm::kHs256: return "HS256";
        case JwtAlgorithm::kRs256: return "RS256";
    }
    return "HS256";
}

std::string Base64UrlEncode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t idx = 0;
    for (; idx + 3 <= bytes.size(); idx += 3) {
        const std::uint32_t group =
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[idx])) << 16) |
            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[idx + 1])) << 8) |
            static_cast<unsigned char>(bytes[idx + 2]);
        out.push_back(kBase64UrlAlphabet[(group >> 18) & 63]);
        out.push_back(kBase64UrlAlphabet[(group >> 12) & 63]);
        out.push_back(kBase64UrlAlphabet[(group >> 6) & 63]);
        out.push_back(kBase64UrlAlphabet[group & 63]);
    }
    const std::size_t rest = bytes.size() - idx;
    if (rest > 0) {
        std::uint32_t group = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[idx]))
                              << 16;
        if (rest == 2)
            group |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[idx + 1])) << 8;
        out.push_back(kBase64UrlAlphabet[(group >> 18) & 63]);
        out.push_back(kBase64UrlAlphabet[(group >> 12) & 63]);
        if (rest == 2) out.push_back(kBase64UrlAlphabet[(group >> 6) & 63]);
    }
    return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
    if (text.size() % 4 == 1)
        return Error::InvalidArgument("base64url text has an impossible length");
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int buffered_bits = 0;
    for (char c : text) {
        const std::size_t sextet = kBase64UrlAlphabet.find(c);
        if (sextet == std::string_view::npos)
            return Error::InvalidArgument("base64url text has a bad character");
        buffer = (buffer << 6) | static_cast<std::uint32_t>(sextet);
        buffered_bits += 6;
        if (buffered_bits >= 8) {
            buffered_bits -= 8;
            out.push_back(static_cast<char>((buffer >> buffered_bits) & 0xFF));
        }
    }
    // Leftover bits must be zero, so each byte string has exactly one encoding.
    if ((buffer & ((1u << buffered_bits) - 1)) != 0) {
        return Error::InvalidArgument("base64url text has non-zero padding bits");
    }
    return out;
}

Result<TokenVerifier> TokenVerifier::ForHs256(std::string secret, const Clock& clock) {
    DICTRA_RETURN_IF_ERROR(CheckHs256Secret(secret));
    return TokenVerifier(JwtAlgorithm::kHs256, std::move(secret), clock);
}

Result<TokenVerifier> TokenVerifier::ForRs256PublicKeyPem(std::string public_key_pem,
                                                          const Clock& clock) {
    DICTRA_RETURN_IF_ERROR(CheckRsaPem(public_key_pem, PemKind::kPublic));
    return TokenVerifier(JwtAlgorithm::kRs256, std::move(public_key_pem), clock);
}

Result<TokenVerifier> TokenVerifier::ForRs256PublicKeyFile(const std::string& pem_path,
                                                           const Clock& clock) {
    DICTRA_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(pem_path));
    auto verifier = ForRs256PublicKeyPem(std::move(pem), clock);
    if (!verifier.ok()) return Error::InvalidArgument(pem_path + ": " + verifier.error().message);
    return verifier;
}

Result<Principal> TokenVerifier::Verify(std::string_view authorization_header_value) const {
    std::string_view value = authorization_header_value;
    while (!value.empty() && IsSpaceOrTab(value.front())) value.remove_prefix(1);
    while (!value.empty() && IsSpaceOrTab(value.back())) value.remove_suffix(1);
    if (value.empty()) return Unauthenticated("missing Authorization header with a Bearer token");
    const std::size_t space = value.find_first_of(" \t");
    if (space == std::string_view::npos || !EqualsIgnoreCase(value.substr(0, space), "Bearer")) {
        return Unauthenticated("Authorization header must be 'Bearer <token>'");
    }
    std::string_view token = value.substr(space);
    while (!token.empty() && IsSpaceOrTab(token.front())) token.remove_prefix(1);
    if (token.empty() || token.find_first_of(" \t") != std::string_view::npos) {
        return Unauthenticated("Authorization header must be 'Bearer <token>'");
    }
    return VerifyToken(token);
}

Result<Principal> TokenVerifier::VerifyToken(std::string_view token) const {
    if (token.empty()) return Unauthenticated("missing bearer token");
    if (token.size() > kTokenBytesMax) return Unauthenticated("bearer token is too long");
    const std::int64_t now_s =
        std::chrono::floor<std::chrono::seconds>(clock_->Now()).time_since_epoch().count();
    const std::int64_t skew_s = kClockSkewAllowed.count();
    {
        // The same bytes verified before: only the time checks can have changed.
        std::lock_guard lock(cache_->mutex);
        auto found = cache_->entries.find(token);
        if (found != cache_->entries.end()) {
            const VerifiedToken& verified = found->second;
            if (verified.exp_s <= now_s - skew_s) return Unauthenticated("token has expired");
            if (verified.nbf_s && *verified.nbf_s > now_s + skew_s)
                return Unauthenticated("token is not valid yet ('nbf')");
            return verified.principal;
        }
    }
    const std::size_t first_dot = token.find('.');
    const std::size_t second_dot =
        first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos ||
        token.find('.', second_dot + 1) != std::string_view::npos) {
        return Unauthenticated("bearer token is not a JWT (header.payload.signature)");
    }
    const std::string_view header_b64 = token.substr(0, first_dot);
    const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
    const std::string_view signature_b64 = token.substr(second_dot + 1);

    // The header is checked before any signature work so the pinned algorithm, not the token,
    // decides how the signature is verified.
    DICTRA_ASSIGN_OR_RETURN(const boost::json::object header,
                            DecodeJsonObject(header_b64, "header"));
    const auto* alg = header.if_contains("alg");
    if (alg == nullptr || !alg->is_string()) return Unauthenticated("token header has no 'alg'");
    const std::string_view alg_name(alg->as_string());
    if (EqualsIgnoreCase(alg_name, "none"))
        return Unauthenticated("token algorithm 'none' is not accepted");
    if (alg_name != ToString(algorithm_)) {
        return Unauthenticated("token algorithm '" + std::string(alg_name.substr(0, 16)) +
                               "' is not accepted; expected " + std::string(ToString(algorithm_)));
    }
    // RFC 7515 4.1.11: extensions we do not understand must make the token invalid.
    if (header.contains("crit"))
        return Unauthenticated("token header has unsupported 'crit' extensions");
    if (signature_b64.empty()) return Unauthenticated("token has no signature");

    if (algorithm_ == JwtAlgorithm::kHs256 &&
        !Hs256SignatureMatches(token.substr(0, second_dot), signature_b64, key_)) {
        return Unauthenticated("token signature does not verify");
    }
    const std::string token_text(token);
    jwt_t* raw_jwt = nullptr;
    const int decode_error = jwt_decode(&raw_jwt, token_text.c_str(),
                                        reinterpret_cast<const unsigned char*>(key_.data()),
                                        static_cast<int>(key_.size()));
    JwtPtr jwt(raw_jwt);
    if (decode_error != 0 || !jwt) return Unauthenticated("token signature does not verify");
    if (jwt_get_alg(jwt.get()) != ToLibjwt(algorithm_))
        return Unauthenticated("token algorithm is not accepted");

    DICTRA_ASSIGN_OR_RETURN(const boost::json::object claims,
                            DecodeJsonObject(payload_b64, "payload"));

    DICTRA_ASSIGN_OR_RETURN(const std::optional<std::int64_t> exp, NumericDateClaim(claims, "exp"));
    if (!exp) return Unauthenticated("token has no 'exp' claim");
    // RFC 7519 4.1.4: not accepted on or after exp (plus skew). Written so no claim value can
    // overflow the arithmetic: only `now` is shifted.
    if (*exp <= now_s - skew_s) return Unauthenticated("token has expired");
    DICTRA_ASSIGN_OR_RETURN(const std::optional<std::int64_t> nbf, NumericDateClaim(claims, "nbf"));
    if (nbf && *nbf > now_s + skew_s) return Unauthenticated("token is not valid yet ('nbf')");
    DICTRA_ASSIGN_OR_RETURN(const std::optional<std::int64_t> iat, NumericDateClaim(claims, "iat"));
    static_cast<void>(iat);  // type-checked only: exp bounds the token's life

    Principal principal;
    const auto* sub = claims.if_contains("sub");
    if (sub == nullptr || !sub->is_string() || sub->as_string().empty()) {
        return Unauthenticated("token has no 'sub' claim");
    }
    principal.sub = std::string(sub->as_string());
    if (const auto* ispb = claims.if_contains("ispb"); ispb != nullptr) {
        if (!ispb->is_string() || !IsIspb(std::string_view(ispb->as_string()))) {
            return Unauthenticated("token claim 'ispb' must be 8 digits");
        }
        principal.ispb = std::string(ispb->as_string());
    }
    if (const auto* scope = claims.if_contains("scope"); scope != nullptr) {
        if (!scope->is_string())
            return Unauthenticated("token claim 'scope' must be a space-separated string");
        std::istringstream words{std::string(scope->as_string())};
        for (std::string word; words >> word;) principal.scopes.push_back(std::move(word));
    }
    {
        std::lock_guard lock(cache_->mutex);
        // Bounded: when full, start over (verifying again is only slower, never wrong).
        if (cache_->entries.size() >= kVerifiedTokensMax) cache_->entries.clear();
        cache_->entries.emplace(std::string(token), VerifiedToken{principal, *exp, nbf});
    }
    return principal;
}

Result<TokenMinter> TokenMinter::ForHs256(std::string secret, const Clock& clock) {
    DICTRA_RETURN_IF_ERROR(CheckHs256Secret(secret));
    return TokenMinter(JwtAlgorithm::kHs256, std::move(secret), clock);
}

Result<TokenMinter> TokenMinter::ForRs256PrivateKeyFile(const std::string& pem_path,
                                                        const Clock& clock) {
    DICTRA_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(pem_path));
    auto checked = CheckRsaPem(pem, PemKind::kPrivate);
    if (!checked.ok()) return Error::InvalidArgument(pem_path + ": " + checked.error().message);
    return TokenMinter(JwtAlgorithm::kRs256, std::move(pem), clock);
}

Result<std::string> TokenMinter::Mint(const TokenRequest& request) const {
    if (request.sub.empty()) return Error::InvalidArgument("token sub must not be empty", "sub");
    if (request.ispb && !IsIspb(*request.ispb))
        return Error::InvalidArgument("token ispb must be 8 digits", "ispb");
    if (request.ttl < std::chrono::seconds(1) || request.ttl > kTokenTtlMax) {
        return Error::InvalidArgument(
            "token ttl must be between 1 and " + std::to_string(kTokenTtlMax.count()) + " seconds",
            "ttl");
    }
    std::string scope;
    for (const std::string& word : request.scopes) {
        if (word.empty() || word.find_first_of(" \t\r\n") != std::string::npos) {
            return Error::InvalidArgument("token scopes must be single non-empty words", "scope");
        }
        if (!scope.empty()) scope.push_back(' ');
        scope += word;
    }

    jwt_t* raw_jwt = nullptr;
    if (jwt_new(&raw_jwt) != 0) return Error::Internal("jwt_new failed");
    JwtPtr jwt(raw_jwt);
    const long issued_at_s = static_cast<long>(
        std::chrono::floor<std::chrono::seconds>(clock_->Now()).time_since_epoch().count());
    int failed = jwt_add_grant(jwt.get(), "sub", request.sub.c_str());
    failed |= jwt_add_grant_int(jwt.get(), "iat", issued_at_s);
    failed |=
        jwt_add_grant_int(jwt.get(), "exp", issued_at_s + static_cast<long>(request.ttl.count()));
    if (request.ispb) failed |= jwt_add_grant(jwt.get(), "ispb", request.ispb->c_str());
    if (!scope.empty()) failed |= jwt_add_grant(jwt.get(), "scope", scope.c_str());
    failed |= jwt_set_alg(jwt.get(), ToLibjwt(algorithm_),
                          reinterpret_cast<const unsigned char*>(key_.data()),
                          static_cast<int>(key_.size()));
    if (failed != 0) return Error::Internal("building the token failed");
    char* encoded = jwt_encode_str(jwt.get());
    if (encoded == nullptr) return Error::Internal("signing the token failed");
    std::string token(encoded);
    std::free(encoded);  // libjwt 1.10 allocates with malloc and has no jwt_free_str
    return token;
}

}  // namespace dictra::auth
