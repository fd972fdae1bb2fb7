// The allocation-free path: DecodeValid() gives Decode()'s verdict and fields, EncodeTo() writes
// Encode()'s payload, and neither touches the heap for a valid code. The fuzz target brcode_fuzz
// holds the same properties over arbitrary input.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "brcode_testing.hpp"
#include "formats/brcode/ascii.hpp"
#include "formats/brcode/brcode.hpp"

// Counts heap allocations made on this thread while a test asks for it. Replacing the global
// operator new is the only way to see allocations made inside the library.
namespace {
thread_local bool counting = false;
thread_local std::size_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
    if (counting) ++allocations;
    if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
    throw std::bad_alloc();
}
void operator delete(void* memory) noexcept {
    std::free(memory);
}
void operator delete(void* memory, std::size_t) noexcept {
    std::free(memory);
}

namespace dictra::formats::brcode {
namespace {

// Every payload the other tests know: the golden files, valid and invalid.
std::vector<std::string> KnownPayloads() {
    std::vector<std::string> payloads;
    for (const char* sub : {"valid", "invalid"}) {
        for (const auto& path : testing::TextFiles(testing::DataDir(sub))) {
            payloads.push_back(testing::ReadFile(path));
        }
    }
    return payloads;
}

void ExpectSameVerdict(const std::string& payload) {
    const Decoded decoded = Decode(payload);
    BrCodeView view;
    const bool valid = DecodeValid(payload, view);
    ASSERT_EQ(valid, decoded.ok()) << payload << "\n" << testing::Describe(decoded);
    if (!valid) return;
    EXPECT_EQ(view.ToBrCode(), decoded.fields) << payload;
    EXPECT_EQ(view.kind, decoded.kind) << payload;
    EXPECT_EQ(view.crc, decoded.crc) << payload;
}

TEST(DecodeValid, AgreesWithDecodeOnEveryGoldenInput) {
    const auto payloads = KnownPayloads();
    ASSERT_GE(payloads.size(), 20u);
    for (const std::string& payload : payloads) ExpectSameVerdict(payload);
}

TEST(DecodeValid, AgreesWithDecodeOnEverySingleByteChangeOfValidCodes) {
    // Each byte of each valid golden replaced by a handful of others, or dropped: structure,
    // order, leaf, field and CRC failures all come up, and a few changes stay valid.
    // Three files keep it quick under the sanitizers; the fuzz target goes further.
    const std::string replacements = "09A \x7F\xC3";
    const auto files = testing::TextFiles(testing::DataDir("valid"));
    ASSERT_GE(files.size(), 3u);
    for (const auto& path : {files[0], files[files.size() / 2], files.back()}) {
        const std::string original = testing::ReadFile(path);
        for (std::size_t idx = 0; idx < original.size(); ++idx) {
            for (const char replacement : replacements) {
                std::string changed = original;
                changed[idx] = replacement;
                ExpectSameVerdict(changed);
            }
            std::string dropped = original;
            dropped.erase(idx, 1);
            ExpectSameVerdict(dropped);
        }
    }
}

TEST(DecodeValid, DoesNotAllocateForAValidCode) {
    // (A refused code may allocate once: the rule that refuses it words its reason.)
    const auto files = testing::TextFiles(testing::DataDir("valid"));
    ASSERT_GE(files.size(), 10u);
    for (const auto& path : files) {
        const std::string payload = testing::ReadFile(path);
        BrCodeView view;
        allocations = 0;
        counting = true;
        const bool valid = DecodeValid(payload, view);
        counting = false;
        EXPECT_TRUE(valid) << payload;
        EXPECT_EQ(allocations, 0u) << payload;
    }
}

BrCode Sample() {
    BrCode code;
    code.pix_key = "fulano@example.com";
    code.info = "Pedido 123 São Paulo";
    code.amount = AmountCentavos(15000);
    code.merchant_name = "Fulano de Tal Comércio";
    code.merchant_city = "SÃO PAULO";
    code.txid = "PEDIDO123";
    return code;
}

TEST(EncodeTo, WritesWhatEncodeWritesWithoutAllocating) {
    const BrCode code = Sample();
    PayloadBuffer buffer;
    allocations = 0;
    counting = true;
    const Status status = EncodeTo(code, buffer);
    counting = false;
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(allocations, 0u);
    EXPECT_EQ(std::string(buffer.view()), Encode(code).value());
    EXPECT_TRUE(Decode(buffer.view()).ok());
}

TEST(EncodeTo, RefusesWhatEncodeRefusesWithTheSameField) {
    BrCode code = Sample();
    code.merchant_city = "A city far too long to fit";
    PayloadBuffer buffer;
    const Status status = EncodeTo(code, buffer);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().field, "60");
    EXPECT_EQ(status.error().message, Encode(code).error().message);
}

TEST(EncodeTo, ReportsATemplateOverItsLimitWhateverTheBufferHolds) {
    BrCode code = Sample();
    code.info = std::string(90, 'x');  // key 18 + info 90 > 99 in template 26
    PayloadBuffer buffer;
    const Status status = EncodeTo(code, buffer);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().field, "26");
}

TEST(AsciiIsPrintable, MatchesTheBytewiseDefinitionForEveryByteAtEveryPosition) {
    // Lengths around the 8- and 16-byte steps, each byte value at each position.
    for (const std::size_t length : {1u, 7u, 8u, 15u, 16u, 17u, 33u}) {
        for (std::size_t position = 0; position < length; ++position) {
            for (int byte_value = 0; byte_value < 256; ++byte_value) {
                std::string text(length, 'a');
                text[position] = static_cast<char>(byte_value);
                const bool expected = byte_value >= 0x20 && byte_value <= 0x7E;
                ASSERT_EQ(ascii::IsPrintable(text), expected)
                    << "length " << length << " position " << position << " byte " << byte_value;
            }
        }
    }
    EXPECT_TRUE(ascii::IsPrintable(""));
}

TEST(PayloadBuffer, CountsBytesPastItsCapacityWithoutKeepingThem) {
    PayloadBuffer buffer;
    buffer.Append(std::string(kPayloadBytesMax, 'a'));
    EXPECT_FALSE(buffer.overflowed());
    EXPECT_EQ(buffer.view().size(), kPayloadBytesMax);
    EXPECT_EQ(buffer.Extend(1), nullptr);
    EXPECT_TRUE(buffer.overflowed());
    EXPECT_EQ(buffer.size(), kPayloadBytesMax + 1);
    EXPECT_TRUE(buffer.view().empty());
}

}  // namespace
}  // namespace dictra::formats::brcode
