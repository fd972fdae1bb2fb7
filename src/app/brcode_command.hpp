// `dictra brcode decode PAYLOAD` and `dictra brcode encode --key ... --name ... --city ...`: the
// BR Code library (formats/brcode) on the command line.
//
// decode prints whether the payload is valid, its errors (tag, problem, message), the fields it
// could read and every raw data object; exit code 0 when valid, 1 when not. PAYLOAD "-" reads
// standard input. Surrounding whitespace (a copy-paste's trailing newline) is ignored.
// encode prints the payload and exits 0, or prints the refusal (naming the tag) on stderr and
// exits 1. Both only read their arguments: no file, network or database.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace dictra::app {

struct BrcodeEncodeOptions {
    std::string pix_key;  // static
    std::string url;      // dynamic, without https://
    std::string recurrence_url;
    std::string merchant_name;
    std::string merchant_city;
    std::string amount;  // "10.00"; empty: the payer types the amount
    std::string txid;
    std::string info;
    std::string fss_ispb;
    std::string merchant_category_code = "0000";
    std::string postal_code;
    bool single_use = false;
};

// Decodes `payload` and writes the report to `out`. Returns the exit code.
int RunBrcodeDecode(std::string_view payload, std::ostream& out);

// Encodes and writes the payload and a newline to `out`, or the error to `err`. Returns the exit
// code.
int RunBrcodeEncode(const BrcodeEncodeOptions& options, std::ostream& out, std::ostream& err);

// The `brcode` subcommand of `dictra`. Holds the parsed options, so it must outlive the parse.
class BrcodeCommand {
 public:
    explicit BrcodeCommand(CLI::App& app);
    BrcodeCommand(const BrcodeCommand&) = delete;
    BrcodeCommand& operator=(const BrcodeCommand&) = delete;

    // True after a parse that selected `brcode`.
    bool parsed() const;
    // Runs the selected subcommand (decode reads `in` for PAYLOAD "-"); returns the exit code.
    int Run(std::istream& in, std::ostream& out, std::ostream& err) const;

 private:
    CLI::App* brcode_ = nullptr;
    CLI::App* decode_ = nullptr;
    std::string payload_;
    BrcodeEncodeOptions encode_options_;
};

}  // namespace dictra::app
