// BR Codes against another implementation, the npm package pix-utils: payloads we generate parse
// without error in pix-utils and give back the fields we put in; payloads pix-utils generates
// decode in ours without error and give back the fields it was given. A few hundred generated
// cases each way, through tests/interop/pix_utils_bridge.js (JSON lines). pix-utils is installed
// with npm under the build tree on first use; the tests skip only when node or npm is missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/json/json.hpp"
#include "formats/brcode/brcode.hpp"
#include "formats/brcode/text.hpp"

namespace dictra::formats::brcode {
namespace {

// Pinned so that a new pix-utils release cannot change what this test means.
constexpr const char* kPixUtilsPackage = "pix-utils@2.8.2";
constexpr int kCasesPerDirection = 300;
constexpr std::size_t kFailuresShownMax = 10;

std::filesystem::path NodeDir() {
    return DICTRA_INTEROP_NODE_DIR;
}

std::filesystem::path BridgeScript() {
    return std::filesystem::path(DICTRA_SOURCE_DIR) / "tests" / "interop" / "pix_utils_bridge.js";
}

bool CommandExists(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::string Quoted(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

// Installs pix-utils under the build tree unless it is there. ctest runs each test in its own
// process, possibly two at once, so the check and the install happen under a file lock.
Status EnsurePixUtils() {
    std::filesystem::create_directories(NodeDir());
    const int lock_fd = ::open((NodeDir() / "install.lock").c_str(), O_CREAT | O_RDWR, 0644);
    if (lock_fd < 0)
        return Error::Internal("cannot open the install lock in " + NodeDir().string());
    ::flock(lock_fd, LOCK_EX);
    Status status;
    if (!std::filesystem::exists(NodeDir() / "node_modules" / "pix-utils" / "package.json")) {
        const std::filesystem::path log = NodeDir() / "npm-install.log";
        const std::string command = "npm install --prefix " + Quoted(NodeDir()) +
                                    " --no-audit --no-fund --loglevel=error " + kPixUtilsPackage +
                                    " >" + Quoted(log) + " 2>&1";
        const int exit_code = std::system(command.c_str());
        if (exit_code != 0) {
            status = Error::Unavailable("`" + command + "` failed (" + std::to_string(exit_code) +
                                        "):\n" + ReadFile(log));
        }
    }
    ::close(lock_fd);  // releases the lock
    return status;
}

// Runs the bridge over `requests`; the responses by id.
Result<std::map<std::int64_t, boost::json::object>> RunBridge(
    const std::vector<boost::json::object>& requests) {
    static int run_counter = 0;
    const std::string stem =
        "run-" + std::to_string(::getpid()) + "-" + std::to_string(++run_counter);
    const std::filesystem::path in = NodeDir() / (stem + ".in.jsonl");
    const std::filesystem::path out = NodeDir() / (stem + ".out.jsonl");
    const std::filesystem::path err = NodeDir() / (stem + ".err.txt");
    {
        std::ofstream file(in, std::ios::binary);
        for (const auto& request : requests) file << boost::json::serialize(request) << "\n";
    }
    const std::string command = "node " + Quoted(BridgeScript()) + " " + Quoted(NodeDir()) + " <" +
                                Quoted(in) + " >" + Quoted(out) + " 2>" + Quoted(err);
    const int exit_code = std::system(command.c_str());
    const std::string output = ReadFile(out);
    const std::string errors = ReadFile(err);
    std::filesystem::remove(in);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    if (exit_code != 0) {
        return Error::Internal("`" + command + "` failed (" + std::to_string(exit_code) + "):\n" +
                               errors);
    }
    std::map<std::int64_t, boost::json::object> responses;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        DICTRA_ASSIGN_OR_RETURN(boost::json::object response, json::ParseObject(line));
        const std::int64_t id = response.at("id").as_int64();
        responses.emplace(id, std::move(response));
    }
    if (responses.size() != requests.size()) {
        return Error::Internal("the bridge answered " + std::to_string(responses.size()) + " of " +
                               std::to_string(requests.size()) + " requests:\n" + errors);
    }
    return responses;
}

std::string String(const boost::json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    return value != nullptr && value->is_string() ? std::string(value->as_string()) : "";
}

// Random but reproducible BR Code material: keys of every DICT type, Portuguese text with
// accents, URLs without scheme, amounts in centavos.
class CaseMaker {
 public:
    explicit CaseMaker(std::uint32_t seed) : random_(seed) {}

    std::size_t Below(std::size_t bound) {
        return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_);
    }
    bool OneIn(std::size_t n) { return Below(n) == 0; }

    std::string Chars(std::string_view alphabet, std::size_t count) {
        std::string text;
        for (std::size_t char_idx = 0; char_idx < count; ++char_idx) {
            text.push_back(alphabet[Below(alphabet.size())]);
        }
        return text;
    }

    std::string PixKey() {
        static constexpr std::string_view kDigits = "0123456789";
        static constexpr std::string_view kHex = "0123456789abcdef";
        switch (Below(5)) {
            case 0: return Chars(kDigits, 11);  // CPF
            case 1: return Chars(kDigits, 14);  // CNPJ
            case 2: return "+55" + Chars(kDigits, 11);
            case 3:
                return Chars("abcdefghijklmnopqrstuvwxyz0123456789.", 1 + Below(20)) + "@" +
                       Chars("abcdefghijklmnopqrstuvwxyz", 3 + Below(8)) + ".com.br";
            default:
                return Chars(kHex, 8) + "-" + Chars(kHex, 4) + "-" + Chars(kHex, 4) + "-" +
                       Chars(kHex, 4) + "-" + Chars(kHex, 12);
        }
    }

    // Words joined by spaces, at most `chars_max` characters; accented words when `accents`.
    std::string Text(std::size_t chars_max, bool accents) {
        static const std::vector<std::string> kPlain = {
            "PADARIA", "Loja",    "de",  "Fulano", "Tal", "Mercado", "Silva", "LTDA", "Pedido",
            "123",     "Oficina", "Bar", "do",     "Ze",  "Casa",    "Feira", "ME"};
        static const std::vector<std::string> kAccented = {"P\xC3\xA3o",
                                                           "A\xC3\xA7\xC3\xBA"
                                                           "car",
                                                           "Jos\xC3\xA9",
                                                           "Concei\xC3\xA7\xC3\xA3o",
                                                           "S\xC3\xA3o",
                                                           "Jo\xC3\xA3o",
                                                           "Caf\xC3\xA9",
                                                           "\xC3\x93tica",
                                                           "Irm\xC3\xA3os",
                                                           "Ip\xC3\xAA",
                                                           "Bel\xC3\xA9m",
                                                           "Ma\xC3\xA7"
                                                           "ai\xC3\xB4",
                                                           "Pel\xC3\xA9",
                                                           "B\xC3\xA1rbara",
                                                           "\xC3\x82ngela",
                                                           "Gon\xC3\xA7"
                                                           "alves",
                                                           "Ant\xC3\xB4nio",
                                                           "F\xC3\xA1"
                                                           "bio",
                                                           "M\xC3\xBCller"};
        std::string text;
        const std::size_t words = 1 + Below(4);
        for (std::size_t word_idx = 0; word_idx < words; ++word_idx) {
            const auto& pool = accents && OneIn(2) ? kAccented : kPlain;
            const std::string& word = pool[Below(pool.size())];
            const std::string candidate = text.empty() ? word : text + " " + word;
            if (CountCharacters(candidate) > chars_max) break;
            text = candidate;
        }
        return text.empty() ? "X" : text;
    }

    std::string TxId() {
        return Chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                     1 + Below(kTxIdCharsMax));
    }

    std::string Url(std::string_view kind) {
        static constexpr std::string_view kHex = "0123456789abcdef";
        if (OneIn(2)) {
            return "qr-h.sandbox.pix.bcb.gov.br/rest/api/" + std::string(kind) + "/" +
                   Chars(kHex, 32);
        }
        return "pix." + Chars("abcdefghijklmnopqrstuvwxyz", 3 + Below(10)) + ".com.br/" +
               std::string(kind) + "/" + Chars(kHex, 8 + Below(30));
    }

    AmountCentavos Amount() {
        return AmountCentavos(1 + static_cast<std::int64_t>(Below(1000000000)));
    }

    std::mt19937 random_;
};

// The space template 26 leaves for info (26-02) once the GUI, key or URL and FSS are in.
std::size_t InfoRoom(std::size_t key_or_url_chars, bool fss) {
    const std::size_t used = 18 + 4 + key_or_url_chars + (fss ? 12 : 0) + 4;
    return used >= 99 ? 0 : 99 - used;
}

std::string ToUpperAscii(std::string text) {
    for (char& c : text) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return text;
}

class PixUtilsInterop : public ::testing::Test {
 protected:
    void SetUp() override {
        if (!CommandExists("node") || !CommandExists("npm")) {
            GTEST_SKIP() << "node and npm are needed to compare with pix-utils; install Node.js "
                            "(e.g. apt-get install nodejs npm) to run these tests";
        }
        const Status installed = EnsurePixUtils();
        ASSERT_TRUE(installed.ok()) << installed.error().message;
    }

    // Counts a mismatch; shows the first few in full.
    void Mismatch(const std::string& what) {
        ++failures_;
        if (failures_ <= kFailuresShownMax) ADD_FAILURE() << what;
    }
    void TearDown() override {
        if (failures_ > kFailuresShownMax) {
            ADD_FAILURE() << failures_ << " mismatches in all; the first " << kFailuresShownMax
                          << " are shown";
        }
    }

    std::size_t failures_ = 0;
};

TEST_F(PixUtilsInterop, OurPayloadsParseInPixUtilsWithTheSameFields) {
    CaseMaker maker(20260101);
    std::vector<BrCode> codes;
    std::vector<boost::json::object> requests;
    for (int case_idx = 0; case_idx < kCasesPerDirection; ++case_idx) {
        BrCode code;
        const std::size_t shape = maker.Below(10);
        if (shape < 6) {
            code.pix_key = maker.PixKey();
            code.fss_ispb = maker.OneIn(5) ? "99999008" : "";
            const std::size_t room = InfoRoom(code.pix_key.size(), !code.fss_ispb.empty());
            if (room > 0 && maker.OneIn(2)) code.info = maker.Text(room, true);
            if (maker.OneIn(2)) code.txid = maker.TxId();
        } else if (shape < 9) {
            code.url = maker.Url("v2");
            code.single_use = maker.OneIn(2);
        }
        if (shape == 9 || maker.OneIn(6)) code.recurrence_url = maker.Url("rec");
        if (maker.OneIn(3) || shape < 6) code.amount = maker.Amount();
        if (maker.OneIn(4)) code.amount.reset();
        code.merchant_name = maker.Text(kMerchantNameCharsMax, true);
        code.merchant_city = maker.Text(kMerchantCityCharsMax, true);

        auto canonical = Canonicalize(code);
        ASSERT_TRUE(canonical.ok()) << canonical.error().message;
        auto payload = Encode(code);
        ASSERT_TRUE(payload.ok()) << payload.error().message;
        codes.push_back(*canonical);
        requests.push_back({{"id", case_idx}, {"op", "parse"}, {"payload", *payload}});
    }
    auto responses = RunBridge(requests);
    ASSERT_TRUE(responses.ok()) << responses.error().message;

    for (std::size_t case_idx = 0; case_idx < codes.size(); ++case_idx) {
        const BrCode& code = codes[case_idx];
        const boost::json::object& parsed = responses->at(static_cast<std::int64_t>(case_idx));
        const std::string payload(requests[case_idx].at("payload").as_string());
        const std::string context =
            "payload " + payload + "\npix-utils: " + boost::json::serialize(parsed);
        if (!parsed.at("error").is_null()) {
            Mismatch("pix-utils refused our payload: " + context);
            continue;
        }
        const BrCodeKind kind = KindOf(code);
        const std::string expected_type = kind == BrCodeKind::kStatic    ? "STATIC"
                                          : kind == BrCodeKind::kDynamic ? "DYNAMIC"
                                                                         : "RECURRENCE";
        std::vector<std::pair<std::string, std::pair<std::string, std::string>>> checks = {
            {"type", {expected_type, String(parsed, "type")}},
            {"merchantName", {code.merchant_name, String(parsed, "merchantName")}},
            {"merchantCity", {code.merchant_city, String(parsed, "merchantCity")}},
            {"merchantCategoryCode", {"0000", String(parsed, "merchantCategoryCode")}},
            {"transactionCurrency", {"986", String(parsed, "transactionCurrency")}},
            {"countryCode", {"BR", String(parsed, "countryCode")}},
            {"urlRec", {code.recurrence_url, String(parsed, "urlRec")}},
        };
        if (kind == BrCodeKind::kStatic) {
            const auto& amount = parsed.at("amountCentavos");
            checks.push_back({"pixKey", {code.pix_key, String(parsed, "pixKey")}});
            checks.push_back({"infoAdicional", {code.info, String(parsed, "infoAdicional")}});
            checks.push_back({"fss", {code.fss_ispb, String(parsed, "fss")}});
            checks.push_back(
                {"txid", {code.txid.empty() ? "***" : code.txid, String(parsed, "txid")}});
            checks.push_back(
                {"amount",
                 {code.amount ? std::to_string(code.amount->centavos()) : "none",
                  amount.is_null() ? "none" : std::to_string(amount.to_number<std::int64_t>())}});
        }
        if (kind == BrCodeKind::kDynamic) {
            checks.push_back({"url", {code.url, String(parsed, "url")}});
        }
        for (const auto& [field, values] : checks) {
            if (values.first != values.second) {
                Mismatch(field + ": ours '" + values.first + "', pix-utils '" + values.second +
                         "'\n" + context);
            }
        }
    }
}

TEST_F(PixUtilsInterop, PixUtilsPayloadsDecodeInOursWithTheSameFields) {
    CaseMaker maker(20260202);
    std::vector<BrCode> expected;
    std::vector<boost::json::object> requests;
    for (int case_idx = 0; case_idx < kCasesPerDirection; ++case_idx) {
        const std::string name = maker.Text(kMerchantNameCharsMax, true);
        const std::string city = maker.Text(kMerchantCityCharsMax, true);
        boost::json::object params = {{"merchantName", name}, {"merchantCity", city}};
        BrCode code;
        // pix-utils writes names and cities without accents, in uppercase.
        code.merchant_name = ToUpperAscii(FoldToAscii(name));
        code.merchant_city = ToUpperAscii(FoldToAscii(city));
        std::string op;
        if (maker.Below(10) < 6) {
            op = "create_static";
            code.pix_key = maker.PixKey();
            params["pixKey"] = code.pix_key;
            if (maker.OneIn(5)) {
                code.fss_ispb = "99999008";
                params["fss"] = code.fss_ispb;
            }
            const std::size_t room = InfoRoom(code.pix_key.size(), !code.fss_ispb.empty());
            if (room > 0 && maker.OneIn(2)) {
                code.info = maker.Text(room, true);  // pix-utils keeps the accents here
                params["infoAdicional"] = code.info;
            }
            if (maker.OneIn(2)) {
                code.txid = maker.TxId();
                params["txid"] = code.txid;
            }
            params["transactionAmount"] = 0;
            if (!maker.OneIn(4)) {
                code.amount = maker.Amount();
                // centavos / 100 as a double, as a JavaScript caller would pass it; pix-utils
                // writes it with toFixed(2), exact for these magnitudes.
                params["transactionAmount"] = static_cast<double>(code.amount->centavos()) / 100;
            }
        } else {
            op = "create_dynamic";
            code.url = maker.Url("v2");
            params["url"] = code.url;
            code.single_use = maker.OneIn(2);
            params["oneTime"] = code.single_use;
        }
        if (maker.OneIn(6)) {
            code.recurrence_url = maker.Url("rec");
            params["urlRec"] = code.recurrence_url;
        }
        expected.push_back(code);
        requests.push_back({{"id", case_idx}, {"op", op}, {"params", params}});
    }
    auto responses = RunBridge(requests);
    ASSERT_TRUE(responses.ok()) << responses.error().message;

    for (std::size_t case_idx = 0; case_idx < expected.size(); ++case_idx) {
        const boost::json::object& created = responses->at(static_cast<std::int64_t>(case_idx));
        const std::string context = "pix-utils " + boost::json::serialize(requests[case_idx]) +
                                    "\ngave " + boost::json::serialize(created);
        if (!created.at("error").is_null()) {
            Mismatch("pix-utils refused to create: " + context);
            continue;
        }
        const std::string payload = String(created, "payload");
        const Decoded decoded = Decode(payload);
        if (!decoded.ok()) {
            std::string errors;
            for (const DecodeError& error : decoded.errors) errors += "\n  " + error.message;
            Mismatch("we refused pix-utils' payload " + payload + ":" + errors + "\n" + context);
            continue;
        }
        if (decoded.fields != expected[case_idx]) {
            const BrCode& got = decoded.fields;
            const BrCode& want = expected[case_idx];
            Mismatch("fields differ for " + payload + "\n  name '" + got.merchant_name +
                     "' want '" + want.merchant_name + "'\n  city '" + got.merchant_city +
                     "' want '" + want.merchant_city + "'\n  key '" + got.pix_key + "' want '" +
                     want.pix_key + "'\n  info '" + got.info + "' want '" + want.info +
                     "'\n  txid '" + got.txid + "' want '" + want.txid + "'\n  amount " +
                     (got.amount ? FormatAmount(*got.amount) : "none") + " want " +
                     (want.amount ? FormatAmount(*want.amount) : "none") + "\n  url '" + got.url +
                     "' want '" + want.url + "'\n  rec '" + got.recurrence_url + "' want '" +
                     want.recurrence_url + "'\n" + context);
        }
    }
}

TEST_F(PixUtilsInterop, ReferenceVectorsParseInPixUtilsToo) {
    const std::filesystem::path valid =
        std::filesystem::path(DICTRA_SOURCE_DIR) / "tests" / "data" / "brcode" / "valid";
    std::vector<boost::json::object> requests;
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(valid)) {
        const std::string name = entry.path().filename().string();
        // pix-utils counts lengths in characters only, and has no byte-length leniency.
        if (name.rfind("vector_", 0) != 0) continue;
        names.push_back(name);
        requests.push_back({{"id", static_cast<std::int64_t>(requests.size())},
                            {"op", "parse"},
                            {"payload", ReadFile(entry.path())}});
    }
    ASSERT_FALSE(requests.empty());
    auto responses = RunBridge(requests);
    ASSERT_TRUE(responses.ok()) << responses.error().message;
    for (std::size_t idx = 0; idx < requests.size(); ++idx) {
        const auto& parsed = responses->at(static_cast<std::int64_t>(idx));
        EXPECT_TRUE(parsed.at("error").is_null())
            << names[idx] << ": " << boost::json::serialize(parsed);
    }
}

}  // namespace
}  // namespace dictra::formats::brcode
