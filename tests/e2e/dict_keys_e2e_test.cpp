// DICT "Core DICT - PIX Keys" against the real binary: every endpoint, the X-Participant-ISPB
// rules and the refusals, in the document's JSON.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "testing/dictra_process.hpp"
#include "testing/http_client.hpp"

namespace dictra::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kBankA = "12345678";
constexpr const char* kBankB = "87654321";
constexpr const char* kCpf = "52998224725";

boost::json::object Body(const ClientResponse& response) {
    return boost::json::parse(response.body).as_object();
}

// The document's create example with a CPF whose check digits are right.
boost::json::object CpfEntry() {
    return boost::json::parse(R"({
      "keyType": "CPF", "key": "52998224725", "ownerType": "NATURAL_PERSON",
      "ownerTaxId": "52998224725", "ownerName": "João Silva", "tradeName": "Silva LTDA",
      "branch": "0001", "accountNumber": "123456", "accountType": "CACC",
      "openingDate": "2024-01-15"
    })")
        .as_object();
}

boost::json::object EvpEntry() {
    boost::json::object body = CpfEntry();
    body["keyType"] = "EVP";
    body.erase("key");
    return body;
}

class DictKeysE2eTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto started = process_.Start({"--only", "dict"}, {}, 1);
        ASSERT_TRUE(started.ok()) << started.error().message;
        const std::string secret = " --jwt-secret " + std::string(kTestJwtSecret);
        bank_a_token_ = DictraProcess::Token("bank-a", std::string("--ispb ") + kBankA + secret);
        bank_b_token_ = DictraProcess::Token("bank-b", std::string("--ispb ") + kBankB + secret);
        admin_token_ = DictraProcess::Token("ops@dictra.test", "--scope admin" + secret);
        operator_token_ = DictraProcess::Token("ops@dictra.test", secret);
        ASSERT_FALSE(bank_a_token_.empty());
        ASSERT_FALSE(admin_token_.empty());
        client_ = std::make_unique<HttpClient>(process_.Port("dict"));
    }

    // `ispb` empty: no X-Participant-ISPB header.
    ClientResponse SendAs(const std::string& token, const std::string& ispb,
                          const std::string& method, const std::string& target,
                          const std::string& body = {}, Headers extra = {}) {
        if (!token.empty()) extra.emplace_back("Authorization", "Bearer " + token);
        if (!ispb.empty()) extra.emplace_back("X-Participant-ISPB", ispb);
        extra.emplace_back("Content-Type", "application/json");
        auto response = client_->Send(method, target, std::move(extra), body);
        EXPECT_TRUE(response.ok()) << response.error().message;
        return response.ok() ? *response : ClientResponse{};
    }
    ClientResponse Send(const std::string& method, const std::string& target,
                        const std::string& body = {}, Headers extra = {}) {
        return SendAs(bank_a_token_, kBankA, method, target, body, std::move(extra));
    }
    ClientResponse Create(const boost::json::object& body) {
        return Send("POST", "/api/v2/entries", boost::json::serialize(body));
    }
    boost::json::object CreateOk(const boost::json::object& body) {
        ClientResponse response = Create(body);
        EXPECT_EQ(response.status, 201) << response.body;
        return response.status == 201 ? Body(response) : boost::json::object{};
    }
    ClientResponse Lookup(const std::string& key, const std::string& key_type) {
        return Send("GET", "/api/v2/entries/" + key + "?keyType=" + key_type, {},
                    {{"PI-PayerId", "user@example.com"}, {"PI-PayerType", "NATURAL_PERSON"}});
    }
    void ExpectError(const ClientResponse& response, int status, const std::string& code,
                     const std::string& message_part) {
        EXPECT_EQ(response.status, status) << response.body;
        auto body = Body(response);
        ASSERT_TRUE(body.contains("code") && body.contains("error")) << response.body;
        EXPECT_EQ(std::string(body.at("code").as_string()), code) << response.body;
        EXPECT_NE(std::string(body.at("error").as_string()).find(message_part), std::string::npos)
            << response.body;
    }

    DictraProcess process_;
    std::string bank_a_token_;
    std::string bank_b_token_;
    std::string admin_token_;
    std::string operator_token_;
    std::unique_ptr<HttpClient> client_;
};

TEST_F(DictKeysE2eTest, CreateAnswersTheDocumentsEntry) {
    ClientResponse response = Create(CpfEntry());
    ASSERT_EQ(response.status, 201) << response.body;
    auto body = Body(response);
    EXPECT_TRUE(body.at("id").is_int64());
    EXPECT_EQ(body.at("keyType"), "CPF");
    EXPECT_EQ(body.at("key"), kCpf);
    EXPECT_EQ(body.at("cid").as_string().size(), 64u);
    EXPECT_EQ(body.at("ownerType"), "F");
    EXPECT_EQ(body.at("ownerTaxId"), kCpf);
    EXPECT_EQ(body.at("ownerName"), "João Silva");
    EXPECT_EQ(body.at("participantIspb"), kBankA);
    EXPECT_EQ(body.at("branch"), "0001");
    EXPECT_EQ(body.at("accountNumber"), "123456");
    EXPECT_EQ(body.at("accountType"), "CACC");
    EXPECT_EQ(body.at("status"), "ACTIVE");
    EXPECT_EQ(body.at("ownershipConfirmed"), true);
    EXPECT_TRUE(body.at("ownershipDate").is_string());
    EXPECT_TRUE(body.at("createdAt").is_string());
    EXPECT_FALSE(body.contains("tradeName"));  // natural person
}

TEST_F(DictKeysE2eTest, EvpIsMintedAndLegalPersonIsJ) {
    auto evp = CreateOk(EvpEntry());
    EXPECT_EQ(evp.at("key").as_string().size(), 36u);
    EXPECT_EQ(evp.at("key").as_string()[14], '4');

    boost::json::object legal = CpfEntry();
    legal["keyType"] = "CNPJ";
    legal["key"] = "12abc34501de35";
    legal["ownerType"] = "LEGAL_PERSON";
    legal["ownerTaxId"] = "12ABC34501DE35";
    auto entry = CreateOk(legal);
    EXPECT_EQ(entry.at("key"), "12ABC34501DE35");
    EXPECT_EQ(entry.at("ownerType"), "J");
    EXPECT_EQ(entry.at("tradeName"), "Silva LTDA");
}

TEST_F(DictKeysE2eTest, GetByCidAndLookup) {
    auto created = CreateOk(CpfEntry());
    const std::string cid(created.at("cid").as_string());

    ClientResponse by_cid = Send("GET", "/api/v2/entries/cid/" + cid);
    ASSERT_EQ(by_cid.status, 200) << by_cid.body;
    EXPECT_EQ(Body(by_cid), created);
    // Another participant does not see the entry by CID...
    ExpectError(SendAs(bank_b_token_, kBankB, "GET", "/api/v2/entries/cid/" + cid), 404,
                "NOT_FOUND", "key not found");
    ExpectError(Send("GET", "/api/v2/entries/cid/" + std::string(64, '0')), 404, "NOT_FOUND",
                "key not found");
    ExpectError(Send("GET", "/api/v2/entries/cid/E1234567890123456789012345678901"), 400,
                "INVALID_REQUEST", "cid");

    // ...but finds it in the directory, with an EndToEndId of its own.
    ClientResponse lookup = SendAs(bank_b_token_, kBankB, "GET",
                                   std::string("/api/v2/entries/") + kCpf + "?keyType=CPF", {},
                                   {{"PI-PayerId", "user@example.com"}});
    ASSERT_EQ(lookup.status, 200) << lookup.body;
    EXPECT_EQ(Body(lookup), created);
    EXPECT_EQ(lookup.Header("PI-EndToEndId").substr(0, 9), std::string("E") + kBankB);
    EXPECT_EQ(lookup.Header("PI-EndToEndId").size(), 32u);

    ExpectError(Lookup(kCpf, "EMAIL"), 404, "NOT_FOUND", "key not found");
    ExpectError(Lookup("12345678909", "CPF"), 404, "NOT_FOUND", "key not found");
    ExpectError(Lookup(kCpf, "SSN"), 400, "INVALID_KEY_TYPE", "keyType");
    ExpectError(Send("GET", std::string("/api/v2/entries/") + kCpf, {},
                     {{"PI-PayerId", "user@example.com"}}),
                400, "INVALID_KEY_TYPE", "keyType");
    ExpectError(Send("GET", std::string("/api/v2/entries/") + kCpf + "?keyType=CPF"), 400,
                "INVALID_REQUEST", "PI-PayerId");
}

TEST_F(DictKeysE2eTest, PhoneAndEmailKeysTravelInThePath) {
    boost::json::object phone = EvpEntry();
    phone["keyType"] = "PHONE";
    phone["key"] = "+5511987654321";
    CreateOk(phone);
    EXPECT_EQ(Lookup("%2B5511987654321", "PHONE").status, 200);
    EXPECT_EQ(Lookup("+5511987654321", "PHONE").status, 200);  // a raw + in a path is a +
    boost::json::object email = EvpEntry();
    email["keyType"] = "EMAIL";
    email["key"] = "joao@example.com";
    CreateOk(email);
    EXPECT_EQ(Lookup("joao@example.com", "EMAIL").status, 200);
    EXPECT_EQ(Send("DELETE", "/api/v2/entries/%2B5511987654321?keyType=PHONE").status, 204);
    EXPECT_EQ(Lookup("%2B5511987654321", "PHONE").status, 404);
}

TEST_F(DictKeysE2eTest, DeleteFollowsTheReasonRules) {
    auto cpf = CreateOk(CpfEntry());
    ClientResponse deleted = Send(
        "DELETE", std::string("/api/v2/entries/") + kCpf + "?keyType=CPF&reason=USER_REQUESTED");
    EXPECT_EQ(deleted.status, 204) << deleted.body;
    EXPECT_TRUE(deleted.body.empty());
    ExpectError(Send("GET", "/api/v2/entries/cid/" + std::string(cpf.at("cid").as_string())), 404,
                "NOT_FOUND", "key not found");
    ExpectError(Send("DELETE", std::string("/api/v2/entries/") + kCpf + "?keyType=CPF"), 404,
                "NOT_FOUND", "key not found");

    auto evp = CreateOk(EvpEntry());
    const std::string evp_path = "/api/v2/entries/" + std::string(evp.at("key").as_string());
    ExpectError(Send("DELETE", evp_path + "?keyType=EVP"), 400, "INVALID_DELETE_REASON",
                "EVP keys can only be deleted with BRANCH_TRANSFER, RECONCILIATION, or "
                "RFB_VALIDATION");
    ExpectError(Send("DELETE", evp_path + "?keyType=EVP&reason=USER_REQUESTED"), 400,
                "INVALID_DELETE_REASON", "EVP");
    ExpectError(Send("DELETE", evp_path + "?keyType=EVP&reason=WHATEVER"), 400,
                "INVALID_DELETE_REASON", "reason");
    ExpectError(Send("DELETE", evp_path), 400, "INVALID_KEY_TYPE", "keyType");
    // Not the holder: as if absent.
    ExpectError(
        SendAs(bank_b_token_, kBankB, "DELETE", evp_path + "?keyType=EVP&reason=RECONCILIATION"),
        404, "NOT_FOUND", "key not found");
    EXPECT_EQ(Send("DELETE", evp_path + "?keyType=EVP&reason=RFB_VALIDATION").status, 204);
}

TEST_F(DictKeysE2eTest, DuplicateAndLimit) {
    CreateOk(CpfEntry());
    ExpectError(Create(CpfEntry()), 409, "KEY_EXISTS", "Key already registered");
    for (int key_idx = 0; key_idx < 4; ++key_idx) CreateOk(EvpEntry());
    ExpectError(Create(EvpEntry()), 400, "KEY_LIMIT_EXCEEDED", "5");
}

TEST_F(DictKeysE2eTest, BadInputNamesTheField) {
    struct Case {
        const char* field;
        boost::json::value value;
        const char* code;
    };
    const std::vector<Case> cases = {
        {"keyType", "SSN", "INVALID_KEY_TYPE"},
        {"key", "12345678901", "INVALID_REQUEST"},
        {"ownerType", "F", "INVALID_REQUEST"},
        {"ownerTaxId", "123", "INVALID_REQUEST"},
        {"ownerName", "", "INVALID_REQUEST"},
        {"branch", "01", "INVALID_REQUEST"},
        {"accountNumber", "12-34", "INVALID_REQUEST"},
        {"accountType", "OTHR", "INVALID_REQUEST"},
        {"openingDate", "15/01/2024", "INVALID_REQUEST"},
        {"branch", 1, "INVALID_REQUEST"},
    };
    for (const Case& test_case : cases) {
        boost::json::object body = CpfEntry();
        body[test_case.field] = test_case.value;
        ExpectError(Create(body), 400, test_case.code, test_case.field);
    }
    for (const char* required : {"keyType", "ownerType", "ownerTaxId", "ownerName", "branch",
                                 "accountNumber", "accountType"}) {
        boost::json::object body = CpfEntry();
        body.erase(required);
        ExpectError(Create(body), 400, "INVALID_REQUEST", required);
    }
    boost::json::object other_cpf = CpfEntry();
    other_cpf["key"] = "12345678909";
    ExpectError(Create(other_cpf), 400, "INVALID_OWNERSHIP", "ownerTaxId");
    ExpectError(Send("POST", "/api/v2/entries", "{not json"), 400, "INVALID_REQUEST", "");
}

TEST_F(DictKeysE2eTest, ParticipantHeaderRules) {
    const std::string body = boost::json::serialize(CpfEntry());
    // Missing or malformed header.
    ExpectError(SendAs(bank_a_token_, "", "POST", "/api/v2/entries", body), 400, "INVALID_REQUEST",
                "X-Participant-ISPB");
    ExpectError(SendAs(bank_a_token_, "1234", "POST", "/api/v2/entries", body), 400,
                "INVALID_REQUEST", "X-Participant-ISPB");
    // Someone else's ISPB.
    ExpectError(SendAs(bank_a_token_, kBankB, "POST", "/api/v2/entries", body), 403, "FORBIDDEN",
                "X-Participant-ISPB");
    // A token without ispb and without admin acts for nobody.
    ExpectError(SendAs(operator_token_, kBankA, "POST", "/api/v2/entries", body), 403, "FORBIDDEN",
                "X-Participant-ISPB");
    // No token at all.
    EXPECT_EQ(SendAs("", kBankA, "POST", "/api/v2/entries", body).status, 401);
    EXPECT_EQ(SendAs("", kBankA, "GET", "/api/v2/entries/cid/" + std::string(64, '0')).status, 401);

    // admin may act for any participant: the entry is that participant's.
    ClientResponse created = SendAs(admin_token_, kBankB, "POST", "/api/v2/entries", body);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string cid(Body(created).at("cid").as_string());
    EXPECT_EQ(Body(created).at("participantIspb"), kBankB);
    EXPECT_EQ(SendAs(bank_b_token_, kBankB, "GET", "/api/v2/entries/cid/" + cid).status, 200);
    EXPECT_EQ(Send("GET", "/api/v2/entries/cid/" + cid).status, 404);
    ExpectError(SendAs(bank_a_token_, kBankB, "GET", "/api/v2/entries/cid/" + cid), 403,
                "FORBIDDEN", "X-Participant-ISPB");
    ExpectError(SendAs(bank_a_token_, "", "DELETE",
                       std::string("/api/v2/entries/") + kCpf + "?keyType=CPF"),
                400, "INVALID_REQUEST", "X-Participant-ISPB");
    EXPECT_EQ(SendAs(admin_token_, kBankB, "DELETE",
                     std::string("/api/v2/entries/") + kCpf + "?keyType=CPF")
                  .status,
              204);
}

}  // namespace
}  // namespace dictra::testing
