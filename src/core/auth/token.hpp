// Bearer tokens: JWT verification and minting (contract: /work/shared/CONTRACT.md "Tokens").
//
// The verifier pins one algorithm (HS256 with a shared secret, or RS256 with a public key) and
// reads the token header itself before libjwt sees the token: libjwt 1.x trusts the header's
// `alg`, which lets an attacker pick `none`, or HS256 keyed with our RSA public key. Every failure
// is kUnauthenticated with a message that says which check failed (safe to show: it names the
// check, never the key).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/auth/principal.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace dictra::auth {

// Clocks of issuer and verifier drift; `exp` and `nbf` get this much grace.
inline constexpr std::chrono::seconds kClockSkewAllowed{60};
// Anything longer is refused unread; real tokens are a few hundred bytes.
inline constexpr std::size_t kTokenBytesMax = 8 * 1024;
// RFC 7518 3.2: an HS256 key must be at least as long as the hash output (256 bits).
inline constexpr std::size_t kHs256SecretBytesMin = 32;
// Shorter RSA keys are breakable; NIST retired them in 2013.
inline constexpr int kRsaKeyBitsMin = 2048;
// Minted tokens live at most this long; a leaked long-lived token is a standing credential.
inline constexpr std::chrono::seconds kTokenTtlMax{30 * 24 * 3600};

enum class JwtAlgorithm { kHs256, kRs256 };

std::string_view ToString(JwtAlgorithm algorithm);  // "HS256", "RS256"

class TokenVerifier {
 public:
    // An HS256 verifier. kInvalidArgument if the secret is shorter than kHs256SecretBytesMin.
    // `clock` must outlive the verifier.
    static Result<TokenVerifier> ForHs256(std::string secret, const Clock& clock);
    // An RS256 verifier from a PEM public key ("BEGIN PUBLIC KEY"), given as text or as a file
    // path. kInvalidArgument if the file cannot be read, is not an RSA public key, or the key is
    // shorter than kRsaKeyBitsMin bits.
    static Result<TokenVerifier> ForRs256PublicKeyPem(std::string public_key_pem,
                                                      const Clock& clock);
    static Result<TokenVerifier> ForRs256PublicKeyFile(const std::string& pem_path,
                                                       const Clock& clock);

    // Verifies an Authorization header value ("Bearer <jwt>", scheme case-insensitive) and returns
    // the caller. kUnauthenticated when: the header is empty or not a Bearer credential, the token
    // is malformed or over kTokenBytesMax, its `alg` is `none` or not the pinned algorithm, the
    // signature does not verify, `exp` is missing or passed (beyond kClockSkewAllowed), `nbf` is
    // in the future (beyond the skew), `sub` is missing or empty, or `ispb` is not 8 digits.
    // Thread-safe.
    Result<Principal> Verify(std::string_view authorization_header_value) const;
    // Same checks on a bare token (no "Bearer ").
    Result<Principal> VerifyToken(std::string_view token) const;

    JwtAlgorithm algorithm() const { return algorithm_; }

 private:
    TokenVerifier(JwtAlgorithm algorithm, std::string key, const Clock& clock)
        : algorithm_(algorithm),
          key_(std::move(key)),
          clock_(&clock),
          cache_(std::make_shared<VerifiedTokens>()) {}

    // A token whose signature and claims verified: a client sends the same token with every
    // request, so the signature check and JSON decoding are done once per token, and only the
    // time checks (exp, nbf) again. Keyed by the token's exact bytes.
    struct VerifiedToken {
        Principal principal;
        std::int64_t exp_s = 0;
        std::optional<std::int64_t> nbf_s;
    };
    struct TransparentHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    struct VerifiedTokens {
        std::mutex mutex;
        std::unordered_map<std::string, VerifiedToken, TransparentHash, std::equal_to<>>
            entries;  // guarded by mutex
    };
    static constexpr std::size_t kVerifiedTokensMax = 10'000;

    JwtAlgorithm algorithm_;
    std::string key_;  // HS256 secret or RS256 public key PEM
    const Clock* clock_;
    std::shared_ptr<VerifiedTokens> cache_;
};

// What `dictra token` puts in a token.
struct TokenRequest {
    std::string sub;                  // required, non-empty
    std::optional<std::string> ispb;  // 8 digits when present
    std::vector<std::string> scopes;  // each non-empty, no whitespace; joined with spaces
    std::chrono::seconds ttl{3600};   // 1 s .. kTokenTtlMax
};

class TokenMinter {
 public:
    // An HS256 minter. Same secret rule as TokenVerifier::ForHs256. `clock` must outlive it.
    static Result<TokenMinter> ForHs256(std::string secret, const Clock& clock);
    // An RS256 minter from a PEM private key file (PKCS#8 or traditional RSA). Mostly for tests
    // and tooling: production tokens come from the operator's identity provider.
    static Result<TokenMinter> ForRs256PrivateKeyFile(const std::string& pem_path,
                                                      const Clock& clock);

    // A signed compact JWT with claims sub, iat, exp (= iat + ttl), and ispb / scope when given.
    // kInvalidArgument when the request breaks the rules in TokenRequest; kInternal if signing
    // fails.
    Result<std::string> Mint(const TokenRequest& request) const;

 private:
    TokenMinter(JwtAlgorithm algorithm, std::string key, const Clock& clock)
        : algorithm_(algorithm), key_(std::move(key)), clock_(&clock) {}

    JwtAlgorithm algorithm_;
    std::string key_;  // HS256 secret or RS256 private key PEM
    const Clock* clock_;
};

// Base64url without padding (RFC 4648 section 5), as used by JWS. Decode rejects padding,
// whitespace and characters outside the alphabet with kInvalidArgument. Exposed for tests that
// forge tokens by hand.
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace dictra::auth
