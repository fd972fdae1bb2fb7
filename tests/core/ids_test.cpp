#include "core/ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/time.hpp"

namespace dictra {
namespace {

SystemTimePoint At(std::string_view rfc3339) {
    return ParseRfc3339(rfc3339).value();
}

TEST(Uuid, NewIsCanonicalLowercaseV4AndUnique) {
    std::set<std::string> seen;
    for (int round = 0; round < 1000; ++round) {
        const std::string uuid = NewUuidV4();
        ASSERT_TRUE(IsUuid(uuid)) << uuid;
        EXPECT_EQ(uuid[14], '4');
        EXPECT_NE(std::string_view("89ab").find(uuid[19]), std::string_view::npos) << uuid;
        for (char c : uuid) EXPECT_FALSE(c >= 'A' && c <= 'Z') << uuid;
        EXPECT_TRUE(seen.insert(uuid).second);
    }
}

// Random bytes come from a per-thread pool refilled from OpenSSL: ids drawn on several threads
// at once, across many refills, never repeat (a pool handing out a byte twice would show here).
TEST(Uuid, IdsFromManyThreadsNeverRepeat) {
    constexpr int kThreads = 4;
    constexpr int kPerThread = 5000;
    std::vector<std::vector<std::string>> drawn(kThreads);
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < kThreads; ++thread_idx) {
        threads.emplace_back([&drawn, thread_idx] {
            for (int n = 0; n < kPerThread; ++n) {
                drawn[thread_idx].push_back(NewUuidV4());
                drawn[thread_idx].push_back(RandomAlphanumeric(23));
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    std::set<std::string> seen;
    for (const std::vector<std::string>& ids : drawn) {
        for (const std::string& id : ids) EXPECT_TRUE(seen.insert(id).second) << id;
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kPerThread * 2));
}

TEST(Uuid, IsUuidRejectsWrongShapes) {
    EXPECT_TRUE(IsUuid("123e4567-e89b-12d3-a456-426614174000"));
    EXPECT_TRUE(IsUuid("123E4567-E89B-12D3-A456-426614174000"));
    EXPECT_FALSE(IsUuid(""));
    EXPECT_FALSE(IsUuid("123e4567e89b12d3a456426614174000"));
    EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-42661417400"));
    EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456-4266141740000"));
    EXPECT_FALSE(IsUuid("g23e4567-e89b-12d3-a456-426614174000"));
    EXPECT_FALSE(IsUuid("123e4567-e89b-12d3-a456_426614174000"));
    EXPECT_FALSE(IsUuid("{23e4567-e89b-12d3-a456-426614174000}"));
}

TEST(Ispb, EightDigitsOnly) {
    EXPECT_TRUE(IsIspb("00000000"));
    EXPECT_TRUE(IsIspb("12345678"));
    EXPECT_FALSE(IsIspb("1234567"));
    EXPECT_FALSE(IsIspb("123456789"));
    EXPECT_FALSE(IsIspb("1234567a"));
    EXPECT_FALSE(IsIspb(" 1234567"));
    EXPECT_FALSE(IsIspb(""));
    EXPECT_EQ(Ispb::Parse("00000000")->str(), "00000000");
    auto bad = Ispb::Parse("abc");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(RandomAlphanumeric, LengthAndAlphabet) {
    const std::string text = RandomAlphanumeric(1000);
    ASSERT_EQ(text.size(), 1000u);
    for (char c : text) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
    EXPECT_EQ(RandomAlphanumeric(0), "");
}

TEST(EndToEndId, NewHasBcbShape) {
    const Ispb payer = Ispb::Parse("12345678").value();
    const std::string id = NewEndToEndId(payer, At("2026-01-24T10:30:59.999Z"));
    ASSERT_EQ(id.size(), 32u);
    EXPECT_EQ(id.substr(0, 21), "E12345678202601241030");
    ASSERT_TRUE(IsEndToEndId(id)) << id;
    auto parts = ParseEndToEndId(id);
    ASSERT_TRUE(parts.ok());
    EXPECT_EQ(parts->ispb, "12345678");
    EXPECT_EQ(parts->minute_utc, At("2026-01-24T10:30:00Z"));
    EXPECT_NE(NewEndToEndId(payer, At("2026-01-24T10:30:00Z")),
              NewEndToEndId(payer, At("2026-01-24T10:30:00Z")));
}

TEST(EndToEndId, RejectsWrongInput) {
    EXPECT_TRUE(IsEndToEndId("E9040088820210128000800123873170"));
    for (std::string_view bad : {
             "",
             "E904008882021012800080012387317",    // 31 chars
             "E90400888202101280008001238731700",  // 33 chars
             "D9040088820210128000800123873170",   // return id prefix
             "e9040088820210128000800123873170",   // lowercase prefix
             "E90400A8820210128000800123873170",   // letter in ISPB
             "E9040088820211328000800123873170",   // month 13
             "E9040088820210230000800123873170",   // 30 February
             "E9040088820210128240000123873170",   // hour 24
             "E9040088820210128006000123873170",   // minute 60
             "E904008882021012800080012387317-",   // not alphanumeric
             "E9040088820210128000800123 73170",
         }) {
        auto parsed = ParseEndToEndId(bad);
        ASSERT_FALSE(parsed.ok()) << bad;
        EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST(ReturnId, NewHasBcbShape) {
    const Ispb returner = Ispb::Parse("87654321").value();
    const std::string id = NewReturnId(returner, At("2025-12-31T23:59:00Z"));
    EXPECT_EQ(id.substr(0, 21), "D87654321202512312359");
    EXPECT_TRUE(IsReturnId(id)) << id;
    EXPECT_FALSE(IsEndToEndId(id));
    EXPECT_FALSE(IsReturnId("E" + id.substr(1)));
    EXPECT_FALSE(IsReturnId(id.substr(0, 31)));
}

TEST(MessageId, NewHasBcbShape) {
    const std::string id = NewMessageId(Ispb::Parse("12345678").value());
    ASSERT_EQ(id.size(), 32u);
    EXPECT_EQ(id.substr(0, 9), "M12345678");
    EXPECT_TRUE(IsMessageId(id));
    EXPECT_FALSE(IsMessageId(id.substr(0, 31)));
    EXPECT_FALSE(IsMessageId("X" + id.substr(1)));
    EXPECT_FALSE(IsMessageId("M1234567A" + id.substr(9)));
    EXPECT_FALSE(IsMessageId(id.substr(0, 31) + "_"));
}

}  // namespace
}  // namespace dictra

namespace dictra {
namespace {

TEST(UuidV7, CarriesTheMillisecondAndSortsByTime) {
    const SystemTimePoint at{std::chrono::milliseconds(1'769'250'600'123)};  // 2026-01-24...
    const std::string id = NewUuidV7(at);
    EXPECT_TRUE(IsUuid(id));
    EXPECT_EQ(id[14], '7');                                          // version
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);  // variant
    EXPECT_EQ(id.substr(0, 8) + id.substr(9, 4), "019bef8db4bb");    // 1769250600123 in hex
    std::string previous = NewUuidV7(at);
    for (int ms = 1; ms < 100; ++ms) {
        const std::string later = NewUuidV7(at + std::chrono::milliseconds(ms));
        EXPECT_LT(previous, later);
        previous = later;
    }
    EXPECT_NE(NewUuidV7(at), NewUuidV7(at));  // 74 random bits
}

}  // namespace
}  // namespace dictra
