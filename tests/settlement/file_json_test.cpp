// JSON payment files: the streaming reader and the writer (no database).
#include "settlement/file_json.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json/json.hpp"
#include "settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

std::vector<JsonFileElement> ReadAll(const std::string& text) {
    std::istringstream input(text);
    JsonPaymentFileReader reader(input);
    std::vector<JsonFileElement> elements;
    while (auto element = reader.Next()) elements.push_back(std::move(*element));
    return elements;
}

std::string Element(const CreatePaymentCommand& command) {
    return json::Serialize(CreatePaymentCommandToJson(command));
}

TEST(JsonPaymentFileTest, ReadsEveryElementWithItsLine) {
    const std::string text =
        "[\n  " + Element(ValidCommand()) + ",\n\n  " + Element(ValidCommand()) + "\n]\n";
    auto elements = ReadAll(text);
    ASSERT_EQ(elements.size(), 2u);
    EXPECT_EQ(elements[0].line_number, 2u);
    EXPECT_EQ(elements[1].line_number, 4u);
    for (const auto& element : elements) {
        ASSERT_TRUE(element.command.has_value()) << element.error->message;
        EXPECT_EQ(element.command->amount_centavos, 15000);
        EXPECT_EQ(element.command->debtor.name, "João da Silva");
        EXPECT_EQ(element.command->discounts.size(), 1u);
        EXPECT_EQ(element.command->additional_info.size(), 1u);
        EXPECT_EQ(element.raw_data, Element(ValidCommand()));
    }
}

TEST(JsonPaymentFileTest, CommandRoundTripsThroughItsJson) {
    CreatePaymentCommand command = ValidCommand();
    command.scheduled_date = "2026-02-15T10:00:00Z";
    command.tx_id = "ABC123XYZ";
    auto read = CreatePaymentCommandFromJson(CreatePaymentCommandToJson(command));
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(Element(*read), Element(command));
}

TEST(JsonPaymentFileTest, ReadOnlyFieldsOfAnExportAreIgnored) {
    PaymentRequest payment;
    payment.id = 7;
    payment.unique_id = "0190-x";
    payment.status = PaymentStatus::kCompleted;
    payment.amount_centavos = 250;
    payment.debtor = {.ispb = "12345678",
                      .document = "12345678901",
                      .account_no = "1",
                      .account_type = AccountType::kCacc};
    payment.creditor = {.ispb = "87654321",
                        .document = "98765432100",
                        .account_no = "2",
                        .account_type = AccountType::kSvgs};
    payment.end_to_end_id = "E1234567820260124103000000001";
    auto elements = ReadAll("[" + json::Serialize(PaymentRequestJson(payment)) + "]");
    ASSERT_EQ(elements.size(), 1u);
    ASSERT_TRUE(elements[0].command.has_value()) << elements[0].error->message;
    EXPECT_EQ(elements[0].command->amount_centavos, 250);
    EXPECT_EQ(elements[0].command->creditor.account_type, "SVGS");
}

TEST(JsonPaymentFileTest, FileLevelFaultsNameTheLine) {
    auto not_array = ReadAll("\n{\"amount\": 1}");
    ASSERT_EQ(not_array.size(), 1u);
    ASSERT_TRUE(not_array[0].error.has_value());
    EXPECT_EQ(not_array[0].error->message,
              "line 2: expected '[' (a JSON payment file is an array of payment requests), "
              "found '{'");
    EXPECT_FALSE(not_array[0].command.has_value());

    auto empty = ReadAll("  \n ");
    ASSERT_EQ(empty.size(), 1u);
    EXPECT_EQ(empty[0].error->message, "line 2: the file is empty (expected a JSON array)");

    auto trailing = ReadAll("[]\nx");
    ASSERT_EQ(trailing.size(), 1u);
    EXPECT_EQ(trailing[0].error->message, "line 2: unexpected 'x' after ']'");

    auto unclosed = ReadAll("[\n" + Element(ValidCommand()));
    ASSERT_EQ(unclosed.size(), 2u);
    EXPECT_TRUE(unclosed[0].command.has_value());
    EXPECT_EQ(unclosed[1].error->message,
              "line 2: expected ',' or ']' after an element, found the end of the file");

    auto open_element = ReadAll("[\n{\"amount\": 1,\n");
    ASSERT_EQ(open_element.size(), 1u);
    EXPECT_EQ(open_element[0].error->message,
              "line 3: the element starting on line 2 is not closed before the end of the file");

    EXPECT_TRUE(ReadAll("[ ]").empty());
    EXPECT_TRUE(ReadAll("\xEF\xBB\xBF[]").empty());
}

TEST(JsonPaymentFileTest, ABadElementIsAnErrorOfItsOwnAndReadingGoesOn) {
    auto elements = ReadAll("[\n 42,\n {\"amount\": \"15000\"},\n {\"amount\": 1,}\n," +
                            Element(ValidCommand()) + "]");
    ASSERT_EQ(elements.size(), 4u);
    EXPECT_EQ(elements[0].error->message,
              "line 2: expected a payment request object, found number");
    EXPECT_NE(elements[1].error->message.find("line 3: amount"), std::string::npos)
        << elements[1].error->message;
    EXPECT_EQ(elements[1].error->field, "amount");
    EXPECT_NE(elements[2].error->message.find("line 4: malformed JSON"), std::string::npos)
        << elements[2].error->message;
    EXPECT_TRUE(elements[3].command.has_value());
}

TEST(JsonPaymentFileTest, AnOversizedElementStopsTheFile) {
    auto elements =
        ReadAll("[{\"description\": \"" + std::string(kJsonElementBytesMax, 'x') + "\"}]");
    ASSERT_EQ(elements.size(), 1u);
    EXPECT_NE(elements[0].error->message.find("is over 65536 bytes"), std::string::npos);
}

// The golden files of tests/data/payment_json (also the fuzz target's seeds).
TEST(JsonPaymentFileTest, GoldenFiles) {
    auto read_file = [](const std::string& name) {
        std::ifstream in(std::string(DICTRA_SOURCE_DIR) + "/tests/data/payment_json/" + name,
                         std::ios::binary);
        return ReadAll(std::string((std::istreambuf_iterator<char>(in)), {}));
    };
    auto valid = read_file("valid_two_payments.json");
    ASSERT_EQ(valid.size(), 2u);
    EXPECT_TRUE(valid[0].command && valid[1].command);
    EXPECT_EQ(valid[1].line_number, 10u);
    EXPECT_EQ(valid[1].command->amount_centavos, 25000);
    auto first_error = [&](const std::string& name) {
        for (const auto& element : read_file(name))
            if (element.error) return element.error->message;
        return std::string("no error");
    };
    EXPECT_EQ(first_error("invalid_not_array.json"),
              "line 1: expected '[' (a JSON payment file is an array of payment requests), "
              "found '{'");
    EXPECT_EQ(first_error("invalid_elements.json"),
              "line 2: amount must be an integer, got string");
    EXPECT_EQ(first_error("invalid_unterminated.json"),
              "line 3: the element starting on line 2 is not closed before the end of the file");
    EXPECT_EQ(first_error("invalid_empty.json"),
              "line 1: the file is empty (expected a JSON array)");
    EXPECT_EQ(first_error("invalid_trailing.json"), "line 2: unexpected ']' after ']'");
}

TEST(JsonPaymentFileTest, WriterWritesAnArrayTheReaderReads) {
    std::ostringstream out;
    JsonPaymentFileWriter writer(out);
    ASSERT_TRUE(writer.Add(CreatePaymentCommandToJson(ValidCommand())).ok());
    ASSERT_TRUE(writer.Add(CreatePaymentCommandToJson(ValidCommand())).ok());
    ASSERT_TRUE(writer.Finish().ok());
    auto elements = ReadAll(out.str());
    ASSERT_EQ(elements.size(), 2u);
    EXPECT_TRUE(elements[1].command.has_value());

    std::ostringstream empty;
    JsonPaymentFileWriter none(empty);
    ASSERT_TRUE(none.Finish().ok());
    EXPECT_EQ(empty.str(), "[]\n");
}

}  // namespace
}  // namespace dictra::settlement
