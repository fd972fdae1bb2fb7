#include "core/auth/token.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace dictra::auth {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kSecret = "a-test-secret-that-is-at-least-32-bytes-long";
constexpr std::int64_t kNowS = 1769250600;  // 2026-01-24T10:30:00Z

SystemTimePoint AtSeconds(std::int64_t seconds) {
    return SystemTimePoint(std::chrono::seconds(seconds));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &length);
    return std::string(reinterpret_cast<const char*>(mac.data()), length);
}

// A token built by hand, so tests control every byte of header and payload.
std::string HandSignedHs256(std::string_view header_json, std::string_view payload_json,
                            std::string_view key = kSecret) {
    const std::string signing_input =
        Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
    return signing_input + "." + Base64UrlEncode(HmacSha256(key, signing_input));
}

std::string Payload(std::string_view extra = R"("sub":"ops@dictra")") {
    return "{\"exp\":" + std::to_string(kNowS + 3600) + "," + std::string(extra) + "}";
}

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

struct RsaKeyFiles {
    std::string public_pem;
    std::filesystem::path public_path;
    std::filesystem::path private_path;
};

// Writes a fresh RSA key pair of `bits` into a temp dir (PEM: SPKI public, PKCS#8 private).
RsaKeyFiles MakeRsaKey(int bits, std::string_view name) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        EVP_RSA_gen(static_cast<unsigned>(bits)), EVP_PKEY_free);
    EXPECT_NE(key, nullptr);
    const auto dir =
        std::filesystem::temp_directory_path() / ("dictra_auth_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    RsaKeyFiles files{
        {}, dir / (std::string(name) + "_public.pem"), dir / (std::string(name) + "_private.pem")};
    {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
        PEM_write_bio_PUBKEY(bio.get(), key.get());
        char* data = nullptr;
        const long length = BIO_get_mem_data(bio.get(), &data);
        files.public_pem.assign(data, static_cast<std::size_t>(length));
        std::ofstream(files.public_path) << files.public_pem;
    }
    {
        std::unique_ptr<FILE, decltype(&std::fclose)> file(
            std::fopen(files.private_path.c_str(), "w"), std::fclose);
        PEM_write_PrivateKey(file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    }
    return files;
}

class TokenTest : public ::testing::Test {
 protected:
    static void SetUpTestSuite() {
        rsa_ = new RsaKeyFiles(MakeRsaKey(2048, "main"));
        other_rsa_ = new RsaKeyFiles(MakeRsaKey(2048, "other"));
    }
    static void TearDownTestSuite() {
        std::filesystem::remove_all(rsa_->public_path.parent_path());
        delete rsa_;
        delete other_rsa_;
    }

    TokenVerifier Hs256Verifier() const {
        return TokenVerifier::ForHs256(std::string(kSecret), clock_).value();
    }
    TokenVerifier Rs256Verifier() const {
        return TokenVerifier::ForRs256PublicKeyFile(rsa_->public_path.string(), clock_).value();
    }

    void ExpectUnauthenticated(const TokenVerifier& verifier, std::string_view header,
                               std::string_view message_part) {
        auto result = verifier.Verify(header);
        ASSERT_FALSE(result.ok()) << "accepted: " << header;
        EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
        EXPECT_NE(result.error().message.find(message_part), std::string::npos)
            << "message: " << result.error().message << " (wanted '" << message_part << "')";
    }

    static RsaKeyFiles* rsa_;
    static RsaKeyFiles* other_rsa_;
    FakeClock clock_{AtSeconds(kNowS)};
};

RsaKeyFiles* TokenTest::rsa_ = nullptr;
RsaKeyFiles* TokenTest::other_rsa_ = nullptr;

TEST_F(TokenTest, Hs256MintThenVerify) {
    auto minter = TokenMinter::ForHs256(std::string(kSecret), clock_);
    ASSERT_TRUE(minter.ok());
    auto token = minter->Mint({"ops@dictra", "12345678", {"admin", "read"}, 3600s});
    ASSERT_TRUE(token.ok()) << token.error().message;
    auto principal = Hs256Verifier().Verify("Bearer " + *token);
    ASSERT_TRUE(principal.ok()) << principal.error().message;
    EXPECT_EQ(principal->sub, "ops@dictra");
    EXPECT_EQ(principal->ispb, "12345678");
    EXPECT_EQ(principal->scopes, (std::vector<std::string>{"admin", "read"}));
    EXPECT_TRUE(principal->IsAdmin());
    EXPECT_TRUE(principal->HasScope("read"));
    EXPECT_FALSE(principal->HasScope("write"));
    // Scheme is case-insensitive and surrounding whitespace is tolerated.
    EXPECT_TRUE(Hs256Verifier().Verify("  bearer   " + *token + " ").ok());
    EXPECT_TRUE(Hs256Verifier().VerifyToken(*token).ok());
}

TEST_F(TokenTest, ARememberedTokenStillExpiresAndATamperedCopyStillFails) {
    const auto verifier = Hs256Verifier();
    auto token = TokenMinter::ForHs256(std::string(kSecret), clock_)
                     ->Mint({"psp-a", "87654321", {}, 600s})
                     .value();
    for (int round = 0; round < 3; ++round)  // verified once, then served from memory
        ASSERT_TRUE(verifier.Verify("Bearer " + token).ok());
    // One byte of the signature changed: other bytes, so a full check, which fails.
    std::string tampered = token;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    ExpectUnauthenticated(verifier, "Bearer " + tampered, "signature");
    // Copies of a verifier share what they verified; time still counts for every one.
    const TokenVerifier copy = verifier;
    clock_.Advance(600s + kClockSkewAllowed);
    ExpectUnauthenticated(verifier, "Bearer " + token, "expired");
    ExpectUnauthenticated(copy, "Bearer " + token, "expired");
}

TEST_F(TokenTest, OperatorTokenHasNoIspbOrScopes) {
    auto token = TokenMinter::ForHs256(std::string(kSecret), clock_)
                     ->Mint({"settlement", std::nullopt, {}, 60s});
    auto principal = Hs256Verifier().Verify("Bearer " + token.value());
    ASSERT_TRUE(principal.ok());
    EXPECT_FALSE(principal->ispb.has_value());
    EXPECT_TRUE(principal->scopes.empty());
    EXPECT_FALSE(principal->IsAdmin());
}

TEST_F(TokenTest, Rs256MintThenVerify) {
    auto minter = TokenMinter::ForRs256PrivateKeyFile(rsa_->private_path.string(), clock_);
    ASSERT_TRUE(minter.ok()) << minter.error().message;
    auto token = minter->Mint({"psp-a", "87654321", {}, 600s});
    ASSERT_TRUE(token.ok());
    auto principal = Rs256Verifier().Verify("Bearer " + *token);
    ASSERT_TRUE(principal.ok()) << principal.error().message;
    EXPECT_EQ(principal->ispb, "87654321");
    // Same token against another RSA key: bad signature.
    auto other = TokenVerifier::ForRs256PublicKeyPem(other_rsa_->public_pem, clock_).value();
    ExpectUnauthenticated(other, "Bearer " + *token, "signature");
}

TEST_F(TokenTest, MissingOrMalformedHeader) {
    const auto verifier = Hs256Verifier();
    ExpectUnauthenticated(verifier, "", "missing");
    ExpectUnauthenticated(verifier, "   ", "missing");
    ExpectUnauthenticated(verifier, "Bearer", "Bearer");
    ExpectUnauthenticated(verifier, "Bearer ", "Bearer");
    ExpectUnauthenticated(verifier, "Basic dXNlcjpwYXNz", "Bearer");
    ExpectUnauthenticated(verifier, "Token abc.def.ghi", "Bearer");
    ExpectUnauthenticated(verifier, "Bearer abc def", "Bearer");
    ExpectUnauthenticated(verifier, "Bearer abc", "not a JWT");
    ExpectUnauthenticated(verifier, "Bearer a.b", "not a JWT");
    ExpectUnauthenticated(verifier, "Bearer a.b.c.d", "not a JWT");
    ExpectUnauthenticated(verifier, "Bearer ..", "header");
    ExpectUnauthenticated(verifier, "Bearer !!!.e30.sig", "base64url");
    ExpectUnauthenticated(verifier, "Bearer " + Base64UrlEncode("[1]") + ".e30.sig", "JSON object");
    ExpectUnauthenticated(verifier, "Bearer " + std::string(kTokenBytesMax + 1, 'a'), "too long");
}

TEST_F(TokenTest, BadSignature) {
    const auto verifier = Hs256Verifier();
    std::string token = HandSignedHs256(kHs256Header, Payload());
    ASSERT_TRUE(verifier.VerifyToken(token).ok());
    std::string tampered = token;
    tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'A' ? 'B' : 'A';
    ExpectUnauthenticated(verifier, "Bearer " + tampered, "signature");
    ExpectUnauthenticated(verifier,
                          "Bearer " + HandSignedHs256(kHs256Header, Payload(),
                                                      "another-secret-that-is-32-bytes-long!!"),
                          "signature");
    // Payload swapped under a valid signature.
    const std::string forged_payload = Base64UrlEncode(Payload(R"("sub":"root","scope":"admin")"));
    const std::size_t first_dot = token.find('.');
    const std::size_t second_dot = token.find('.', first_dot + 1);
    ExpectUnauthenticated(
        verifier,
        "Bearer " + token.substr(0, first_dot + 1) + forged_payload + token.substr(second_dot),
        "signature");
    ExpectUnauthenticated(verifier, "Bearer " + token.substr(0, second_dot + 1), "no signature");
}

TEST_F(TokenTest, AlgNoneForgedByHandIsRejected) {
    const std::string unsigned_token = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                                       Base64UrlEncode(Payload(R"("sub":"x","scope":"admin")")) +
                                       ".";
    ExpectUnauthenticated(Hs256Verifier(), "Bearer " + unsigned_token, "'none'");
    ExpectUnauthenticated(Rs256Verifier(), "Bearer " + unsigned_token, "'none'");
    ExpectUnauthenticated(Hs256Verifier(), "Bearer " + unsigned_token + "c2ln", "'none'");
    const std::string upper_none =
        Base64UrlEncode(R"({"alg":"NONE"})") + "." + Base64UrlEncode(Payload()) + ".";
    ExpectUnauthenticated(Hs256Verifier(), "Bearer " + upper_none, "'none'");
    const std::string no_alg =
        Base64UrlEncode(R"({"typ":"JWT"})") + "." + Base64UrlEncode(Payload()) + ".c2ln";
    ExpectUnauthenticated(Hs256Verifier(), "Bearer " + no_alg, "no 'alg'");
}

TEST_F(TokenTest, Hs256SignedWithRsaPublicKeyFailsWhenRs256Pinned) {
    // The classic confusion attack: the public key is public, so an attacker can HMAC with it.
    const std::string forged =
        HandSignedHs256(kHs256Header, Payload(R"("sub":"x","scope":"admin")"), rsa_->public_pem);
    ExpectUnauthenticated(Rs256Verifier(), "Bearer " + forged,
                          "'HS256' is not accepted; expected RS256");
    // And via libjwt, which would happily use the PEM bytes as an HMAC key.
    auto minter = TokenMinter::ForHs256(rsa_->public_pem, clock_);
    ASSERT_TRUE(minter.ok());
    ExpectUnauthenticated(Rs256Verifier(),
                          "Bearer " + minter->Mint({"x", std::nullopt, {"admin"}, 60s}).value(),
                          "expected RS256");
}

TEST_F(TokenTest, WrongAlgorithmIsRejected) {
    auto rs256 = TokenMinter::ForRs256PrivateKeyFile(rsa_->private_path.string(), clock_)
                     ->Mint({"x", {}, {}, 60s});
    ExpectUnauthenticated(Hs256Verifier(), "Bearer " + rs256.value(),
                          "'RS256' is not accepted; expected HS256");
    ExpectUnauthenticated(Hs256Verifier(),
                          "Bearer " + HandSignedHs256(R"({"alg":"HS512"})", Payload()),
                          "'HS512' is not accepted");
    ExpectUnauthenticated(Hs256Verifier(),
                          "Bearer " + HandSignedHs256(R"({"alg":"hs256"})", Payload()),
                          "is not accepted");
    ExpectUnauthenticated(Hs256Verifier(), "Bearer " + HandSignedHs256(R"({"alg":256})", Payload()),
                          "no 'alg'");
    ExpectUnauthenticated(
        Hs256Verifier(),
        "Bearer " + HandSignedHs256(R"({"alg":"HS256","crit":["exp"]})", Payload()), "crit");
}

TEST_F(TokenTest, ExpiryAndNotBefore) {
    const auto verifier = Hs256Verifier();
    const auto token_with = [](std::string claims) {
        return "Bearer " + HandSignedHs256(kHs256Header, "{\"sub\":\"x\"," + claims + "}");
    };
    const auto exp_at = [&](std::int64_t offset_s) {
        return token_with("\"exp\":" + std::to_string(kNowS + offset_s));
    };
    ExpectUnauthenticated(verifier, token_with("\"iat\":1"), "no 'exp'");
    ExpectUnauthenticated(verifier, token_with("\"exp\":\"tomorrow\""), "not a number");
    ExpectUnauthenticated(verifier, token_with("\"exp\":null"), "not a number");
    ExpectUnauthenticated(verifier, exp_at(-61), "expired");
    ExpectUnauthenticated(verifier, exp_at(-60), "expired");
    ExpectUnauthenticated(verifier, token_with("\"exp\":-9223372036854775808"), "expired");
    EXPECT_TRUE(verifier.Verify(exp_at(-59)).ok()) << "within the clock skew";
    EXPECT_TRUE(verifier.Verify(exp_at(1)).ok());
    EXPECT_TRUE(verifier.Verify(token_with("\"exp\":" + std::to_string(kNowS + 10) + ".5")).ok());
    // libjwt's JSON parser (jansson) refuses integers beyond int64, so such a token never verifies.
    ExpectUnauthenticated(verifier, token_with("\"exp\":18446744073709551615"), "");

    const std::string exp_ok = "\"exp\":" + std::to_string(kNowS + 3600) + ",";
    ExpectUnauthenticated(verifier, token_with(exp_ok + "\"nbf\":" + std::to_string(kNowS + 61)),
                          "not valid yet");
    EXPECT_TRUE(verifier.Verify(token_with(exp_ok + "\"nbf\":" + std::to_string(kNowS + 59))).ok());
    ExpectUnauthenticated(verifier, token_with(exp_ok + "\"nbf\":\"now\""), "not a number");
    ExpectUnauthenticated(verifier, token_with(exp_ok + "\"iat\":\"now\""), "not a number");

    // The injected clock decides: the same token expires when time moves on.
    const std::string token = exp_at(600);
    EXPECT_TRUE(verifier.Verify(token).ok());
    clock_.Advance(std::chrono::seconds(660));
    ExpectUnauthenticated(verifier, token, "expired");
}

TEST_F(TokenTest, SubjectIspbAndScopeClaims) {
    const auto verifier = Hs256Verifier();
    const auto token_with = [](std::string_view claims) {
        return "Bearer " + HandSignedHs256(kHs256Header, Payload(claims));
    };
    ExpectUnauthenticated(verifier, token_with(R"("iat":1)"), "no 'sub'");
    ExpectUnauthenticated(verifier, token_with(R"("sub":"")"), "no 'sub'");
    ExpectUnauthenticated(verifier, token_with(R"("sub":42)"), "no 'sub'");
    ExpectUnauthenticated(verifier, token_with(R"("sub":"x","ispb":"1234")"), "ispb");
    ExpectUnauthenticated(verifier, token_with(R"("sub":"x","ispb":"1234567a")"), "ispb");
    ExpectUnauthenticated(verifier, token_with(R"("sub":"x","ispb":12345678)"), "ispb");
    ExpectUnauthenticated(verifier, token_with(R"("sub":"x","ispb":null)"), "ispb");
    ExpectUnauthenticated(verifier, token_with(R"("sub":"x","scope":["admin"])"), "scope");
    auto principal = verifier.Verify(token_with(R"("sub":"x","scope":"  admin   dict.read ")"));
    ASSERT_TRUE(principal.ok());
    EXPECT_EQ(principal->scopes, (std::vector<std::string>{"admin", "dict.read"}));
    ExpectUnauthenticated(verifier, "Bearer " + HandSignedHs256(kHs256Header, "[]"),
                          "payload is not a JSON object");
}

TEST_F(TokenTest, VerifierConstructionRejectsWeakOrWrongKeys) {
    auto short_secret = TokenVerifier::ForHs256("short", clock_);
    ASSERT_FALSE(short_secret.ok());
    EXPECT_EQ(short_secret.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(TokenMinter::ForHs256(std::string(kHs256SecretBytesMin - 1, 'x'), clock_).ok());
    EXPECT_TRUE(TokenVerifier::ForHs256(std::string(kHs256SecretBytesMin, 'x'), clock_).ok());

    EXPECT_FALSE(TokenVerifier::ForRs256PublicKeyFile("/nonexistent/key.pem", clock_).ok());
    EXPECT_FALSE(TokenVerifier::ForRs256PublicKeyPem("not a pem", clock_).ok());
    // A private key where a public one is expected, and the other way round.
    EXPECT_FALSE(TokenVerifier::ForRs256PublicKeyFile(rsa_->private_path.string(), clock_).ok());
    EXPECT_FALSE(TokenMinter::ForRs256PrivateKeyFile(rsa_->public_path.string(), clock_).ok());
    const RsaKeyFiles weak = MakeRsaKey(1024, "weak");
    auto weak_verifier = TokenVerifier::ForRs256PublicKeyFile(weak.public_path.string(), clock_);
    ASSERT_FALSE(weak_verifier.ok());
    EXPECT_NE(weak_verifier.error().message.find("2048"), std::string::npos);
    EXPECT_EQ(TokenVerifier::ForRs256PublicKeyPem(rsa_->public_pem, clock_)->algorithm(),
              JwtAlgorithm::kRs256);
}

TEST_F(TokenTest, MintRejectsBadRequests) {
    const auto minter = TokenMinter::ForHs256(std::string(kSecret), clock_).value();
    EXPECT_FALSE(minter.Mint({"", {}, {}, 60s}).ok());
    EXPECT_FALSE(minter.Mint({"x", "123", {}, 60s}).ok());
    EXPECT_FALSE(minter.Mint({"x", {}, {"two words"}, 60s}).ok());
    EXPECT_FALSE(minter.Mint({"x", {}, {""}, 60s}).ok());
    EXPECT_FALSE(minter.Mint({"x", {}, {}, 0s}).ok());
    EXPECT_FALSE(minter.Mint({"x", {}, {}, kTokenTtlMax + 1s}).ok());
    auto bad = minter.Mint({"x", "123", {}, 60s});
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(bad.error().field, "ispb");
}

TEST(Base64Url, RoundTripAndStrictDecode) {
    for (std::string_view bytes :
         {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd"}) {
        EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)).value(), bytes);
    }
    EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
    EXPECT_FALSE(Base64UrlDecode("Zm9v=").ok());
    EXPECT_FALSE(Base64UrlDecode("Zm9v+").ok());
    EXPECT_FALSE(Base64UrlDecode("Z").ok());
    EXPECT_FALSE(Base64UrlDecode("Zh").ok());  // non-zero leftover bits
    EXPECT_FALSE(Base64UrlDecode("Zm 9v").ok());
}

}  // namespace
}  // namespace dictra::auth
