// JSON payment files: an array of payment-request objects, the same fields as the body of
// POST /api/v1/payments (spec "Payment Requests").
//
// JsonPaymentFileReader streams: it holds one element at a time (at most
// kJsonElementBytesMax bytes), never the whole array, so a 100 MB file costs a few KiB. Each
// element becomes one JsonFileElement: the create command it describes, or the errors that
// make it unusable (malformed JSON, not an object, a field of the wrong type), with the line
// the element starts on. Fields the API only ever writes (id, unique_id, status,
// end_to_end_id, processed_at, created_at, updated_at) are ignored, so a JSON export imports
// back. Whether the payment is allowed (amount > 0, ISPBs, ...) is the service's business, not
// the reader's. A file that is not an array (or is empty, or has text after the closing ']') is
// one file-level error with the line.
//
// JsonPaymentFileWriter writes the array one payment at a time, each element the resource as
// GET /payments/{id} shows it.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

#include "core/result.hpp"
#include "settlement/file_model.hpp"
#include "settlement/model.hpp"

namespace dictra::settlement {

inline constexpr std::size_t kJsonElementBytesMax = 64 * 1024;
inline constexpr std::size_t kJsonElementsMax = 1'000'000;

// The fields of a create body, read as POST /payments reads them: kInvalidArgument naming the
// field for a missing required field or a wrong JSON type. Unknown fields are ignored.
Result<CreatePaymentCommand> CreatePaymentCommandFromJson(const boost::json::object& object);

// The body POST /payments would take for `command` (absent optional fields left out); reads
// back with CreatePaymentCommandFromJson to an equal command.
boost::json::object CreatePaymentCommandToJson(const CreatePaymentCommand& command);

// A stored payment request as GET /payments/{id} shows it (the elements of a JSON export).
boost::json::object PaymentRequestJson(const PaymentRequest& payment);

struct JsonFileElement {
    std::size_t line_number = 0;  // where the element starts; 0 = about the whole file
    std::string raw_data;         // the element as written (cut at kRawDataBytesMax)
    std::optional<CreatePaymentCommand> command;  // set when usable
    std::optional<Error> error;                   // set when not (the message names the line)
};

class JsonPaymentFileReader {
 public:
    // REQUIRES: `input` outlives the reader.
    explicit JsonPaymentFileReader(std::istream& input);

    // The next element, a file-level error (line_number of the fault, no command), or nullopt
    // at the end. After a file-level error the reader stops.
    std::optional<JsonFileElement> Next();

 private:
    int Peek();
    int Bump();
    void SkipSpace();
    JsonFileElement FileError(std::string message);
    std::optional<JsonFileElement> ReadElement();

    std::streambuf* buffer_;
    std::size_t line_ = 1;
    std::size_t elements_ = 0;
    enum class State {
        kStart,
        kFirstElement,
        kAfterElement,
        kNextElement,
        kDone
    } state_ = State::kStart;
};

class JsonPaymentFileWriter {
 public:
    // REQUIRES: `output` outlives the writer. Writes nothing before the first Add/Finish.
    explicit JsonPaymentFileWriter(std::ostream& output) : output_(&output) {}

    // kUnavailable when the stream fails.
    Status Add(const boost::json::object& element);
    // Closes the array (an empty one when nothing was added).
    Status Finish();

 private:
    std::ostream* output_;
    std::size_t written_ = 0;
};

}  // namespace dictra::settlement
