#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "formats/csv/csv_reader.hpp"
#include "formats/csv/csv_writer.hpp"

namespace dictra::formats::csv {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> ReadAll(const std::string& bytes, CsvOptions options = {}) {
    std::istringstream input(bytes);
    CsvReader reader(input, options);
    std::vector<CsvRecord> records;
    while (auto record = reader.Next()) records.push_back(std::move(*record));
    return records;
}

std::vector<Fields> FieldsOf(const std::vector<CsvRecord>& records) {
    std::vector<Fields> fields;
    for (const auto& record : records) {
        EXPECT_FALSE(record.fault.has_value()) << record.fault->message;
        fields.push_back(record.fields);
    }
    return fields;
}

TEST(CsvReaderTest, ReadsPlainRecordsWithCrlfOrLf) {
    EXPECT_EQ(FieldsOf(ReadAll("a,b,c\r\n1,2,3\n4,5,6")),
              (std::vector<Fields>{{"a", "b", "c"}, {"1", "2", "3"}, {"4", "5", "6"}}));
    EXPECT_EQ(FieldsOf(ReadAll("a,,\n")), (std::vector<Fields>{{"a", "", ""}}));
    EXPECT_TRUE(ReadAll("").empty());
}

TEST(CsvReaderTest, QuotedFieldsHoldDelimitersQuotesAndLineBreaks) {
    const auto records = ReadAll("\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\nnext,row\r\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fields, (Fields{"a,b", "say \"hi\"", "two\r\nlines"}));
    EXPECT_EQ(records[0].line_number, 1u);
    EXPECT_EQ(records[0].line_count, 2u);
    EXPECT_EQ(records[1].line_number, 3u);
    EXPECT_EQ(records[1].fields, (Fields{"next", "row"}));
}

TEST(CsvReaderTest, SkipsAByteOrderMarkAndTellsBlankLinesFromEmptyFields) {
    EXPECT_EQ(FieldsOf(ReadAll("\xEF\xBB\xBF"
                               "a,b\n")),
              (std::vector<Fields>{{"a", "b"}}));
    // A lone EF is data, not half a byte order mark.
    EXPECT_EQ(FieldsOf(ReadAll("\xEF\xBB"
                               "x\n",
                               {.require_utf8 = false})),
              (std::vector<Fields>{{"\xEF\xBB"
                                    "x"}}));
    EXPECT_EQ(FieldsOf(ReadAll("a\n\n\"\"\n")), (std::vector<Fields>{{"a"}, {}, {""}}));
}

TEST(CsvReaderTest, FaultsSayWhereAndTheNextRecordIsStillRead) {
    const auto records = ReadAll("ok,1\nab\"c,2\n\"x\"y,3\nfine,4\n\"never closed\n");
    ASSERT_EQ(records.size(), 5u);
    ASSERT_TRUE(records[1].fault.has_value());
    EXPECT_EQ(records[1].fault->line_number, 2u);
    EXPECT_EQ(records[1].fault->column, 1u);
    EXPECT_NE(records[1].fault->message.find("a quote inside an unquoted field"),
              std::string::npos);
    ASSERT_TRUE(records[2].fault.has_value());
    EXPECT_EQ(records[2].fault->message, "characters after the closing quote");
    EXPECT_EQ(records[3].fields, (Fields{"fine", "4"}));
    ASSERT_TRUE(records[4].fault.has_value());
    EXPECT_EQ(records[4].fault->message, "a quoted field opened on line 5 is never closed");
}

TEST(CsvReaderTest, RefusesBareCrAndInvalidUtf8) {
    auto records = ReadAll("a\rb\nc\n");
    ASSERT_EQ(records.size(), 2u);
    ASSERT_TRUE(records[0].fault.has_value());
    EXPECT_EQ(records[0].fault->message, "a CR not followed by LF (records end in CRLF or LF)");
    EXPECT_EQ(records[1].fields, Fields{"c"});

    records = ReadAll("ok,\xC3\x28\n");
    ASSERT_TRUE(records[0].fault.has_value());
    EXPECT_EQ(records[0].fault->column, 2u);
    EXPECT_EQ(records[0].fault->message, "the field is not valid UTF-8");
}

TEST(CsvReaderTest, EnforcesItsLimits) {
    CsvOptions options{.limits = {.field_bytes_max = 4,
                                  .record_bytes_max = 10,
                                  .fields_per_record_max = 3,
                                  .records_max = 3}};
    auto records = ReadAll("abcde,1\nok\n", options);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fault->message, "the field is longer than 4 bytes");
    EXPECT_EQ(records[1].fields, Fields{"ok"});

    records = ReadAll("abcd,abcd,abcd\n", options);
    EXPECT_EQ(records[0].fault->message, "the record is longer than 10 bytes");

    records = ReadAll("a,b,c,d\n", options);
    EXPECT_EQ(records[0].fault->message, "the record has more than 3 fields");

    records = ReadAll("1\n2\n3\n4\n5\n", options);
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[3].fault->message, "more than 3 records; the rest of the file was not read");
}

TEST(CsvWriterTest, QuotesOnlyWhatNeedsIt) {
    std::ostringstream output;
    CsvWriter writer(output);
    ASSERT_TRUE(writer.WriteRecord({"plain", "a,b", "say \"hi\"", "two\nlines", ""}).ok());
    ASSERT_TRUE(writer.WriteRecord({""}).ok());
    ASSERT_TRUE(writer.WriteRecord({}).ok());
    EXPECT_EQ(output.str(), "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n\"\"\r\n\r\n");
}

TEST(CsvRoundTripTest, WhatIsWrittenReadsBackTheSame) {
    const std::vector<Fields> records = {{"a", "b"},
                                         {""},
                                         {},
                                         {"", ""},
                                         {"\"", ",", "\r\n"},
                                         {"\xEF\xBB\xBF"
                                          "bom",
                                          "x"},
                                         {"ação", "ÇÃO"}};
    std::ostringstream output;
    CsvWriter writer(output);
    for (const auto& record : records) ASSERT_TRUE(writer.WriteRecord(record).ok());
    EXPECT_EQ(FieldsOf(ReadAll(output.str())), records);
}

}  // namespace
}  // namespace dictra::formats::csv
