#include "app/brcode_command.hpp"

#include <CLI/CLI.hpp>
#include <iomanip>
#include <istream>
#include <ostream>

#include "core/money.hpp"
#include "formats/brcode/brcode.hpp"

namespace dictra::app {
namespace {

namespace brcode = formats::brcode;

// Standard input beyond this is not read: anything over the payload limit is refused anyway.
constexpr std::size_t kStdinBytesMax = 4 * brcode::kPayloadBytesMax;

std::string_view TrimWhitespace(std::string_view text) {
    constexpr std::string_view kWhitespace = " \t\r\n";
    const std::size_t begin = text.find_first_not_of(kWhitespace);
    if (begin == std::string_view::npos) return {};
    const std::size_t end = text.find_last_not_of(kWhitespace);
    return text.substr(begin, end - begin + 1);
}

// Terminal-safe: printable ASCII and UTF-8 as is, control bytes as \xNN.
std::string Printable(std::string_view text) {
    static constexpr std::string_view kHexDigits = "0123456789ABCDEF";
    std::string printable;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7F) {
            printable += "\\x";
            printable.push_back(kHexDigits[byte >> 4]);
            printable.push_back(kHexDigits[byte & 0xF]);
        } else {
            printable.push_back(c);
        }
    }
    return printable;
}

void Line(std::ostream& out, std::string_view label, std::string_view value) {
    out << "  " << std::left << std::setw(16) << label << Printable(value) << "\n";
}

void PrintFields(const brcode::Decoded& decoded, std::ostream& out) {
    const brcode::BrCode& fields = decoded.fields;
    out << "fields\n";
    Line(out, "kind", brcode::ToString(decoded.kind));
    Line(out, "single use", fields.single_use ? "yes (01 = 12)" : "no");
    if (!fields.pix_key.empty()) Line(out, "pix key", fields.pix_key);
    if (!fields.url.empty()) Line(out, "url", fields.url);
    if (!fields.info.empty()) Line(out, "info", fields.info);
    if (!fields.fss_ispb.empty()) Line(out, "fss ispb", fields.fss_ispb);
    Line(out, "amount", fields.amount ? FormatAmount(*fields.amount) : "(payer types it)");
    Line(out, "merchant name", fields.merchant_name);
    Line(out, "merchant city", fields.merchant_city);
    if (!fields.postal_code.empty()) Line(out, "postal code", fields.postal_code);
    Line(out, "category code", fields.merchant_category_code);
    Line(out, "txid", fields.txid.empty() ? "*** (none)" : fields.txid);
    if (!fields.recurrence_url.empty()) Line(out, "recurrence url", fields.recurrence_url);
    Line(out, "crc",
         decoded.crc.empty()
             ? "(none)"
             : decoded.crc + " (computed " +
                   (decoded.crc_computed.empty() ? "-" : decoded.crc_computed) + ")");
}

}  // namespace

int RunBrcodeDecode(std::string_view payload, std::ostream& out) {
    const brcode::Decoded decoded = brcode::Decode(TrimWhitespace(payload));
    if (decoded.ok()) {
        out << "valid " << brcode::ToString(decoded.kind) << " BR Code\n";
    } else {
        out << "invalid BR Code: " << decoded.errors.size()
            << (decoded.errors.size() == 1 ? " error\n" : " errors\n");
        for (const brcode::DecodeError& error : decoded.errors) {
            out << "  " << std::left << std::setw(7) << (error.tag.empty() ? "-" : error.tag)
                << std::setw(16) << brcode::ToString(error.problem) << Printable(error.message)
                << "\n";
        }
    }
    PrintFields(decoded, out);
    out << "data objects\n";
    for (const brcode::RawField& raw : decoded.raw) {
        out << "  " << std::left << std::setw(7) << raw.tag << Printable(raw.value) << "\n";
    }
    return decoded.ok() ? 0 : 1;
}

int RunBrcodeEncode(const BrcodeEncodeOptions& options, std::ostream& out, std::ostream& err) {
    brcode::BrCode code;
    code.pix_key = options.pix_key;
    code.url = options.url;
    code.recurrence_url = options.recurrence_url;
    code.merchant_name = options.merchant_name;
    code.merchant_city = options.merchant_city;
    code.txid = options.txid;
    code.info = options.info;
    code.fss_ispb = options.fss_ispb;
    code.merchant_category_code = options.merchant_category_code;
    code.postal_code = options.postal_code;
    code.single_use = options.single_use;
    if (!options.amount.empty()) {
        auto amount = ParseAmount(options.amount);
        if (!amount.ok()) {
            err << "dictra brcode encode: --amount '" << options.amount
                << "': " << amount.error().message << " (write it like 10.00)\n";
            return 1;
        }
        code.amount = *amount;
    }
    auto payload = brcode::Encode(code);
    if (!payload.ok()) {
        err << "dictra brcode encode: " << payload.error().message << "\n";
        return 1;
    }
    out << *payload << "\n";
    return 0;
}

BrcodeCommand::BrcodeCommand(CLI::App& app) {
    brcode_ = app.add_subcommand("brcode", "decode or encode a BR Code (Pix QR payload)");
    brcode_->require_subcommand(1);

    decode_ = brcode_->add_subcommand(
        "decode", "print the fields, raw data objects and errors; exit 1 when invalid");
    decode_->add_option("payload", payload_, "the BR Code text (\"-\": read standard input)")
        ->required();

    BrcodeEncodeOptions& options = encode_options_;
    CLI::App* encode = brcode_->add_subcommand("encode", "print the BR Code for the given fields");
    CLI::Option* key = encode->add_option("--key", options.pix_key, "Pix key (static code)");
    CLI::Option* url =
        encode->add_option("--url", options.url, "charge location without https:// (dynamic)");
    key->excludes(url);
    encode->add_option("--name", options.merchant_name, "merchant name, at most 25 characters")
        ->required();
    encode->add_option("--city", options.merchant_city, "merchant city, at most 15 characters")
        ->required();
    encode->add_option("--amount", options.amount,
                       "amount like 10.00; omit to let the payer type it");
    encode->add_option("--txid", options.txid, "up to 25 letters and digits (static only)");
    encode->add_option("--info", options.info, "additional information for the payer (26-02)");
    encode->add_flag("--single-use", options.single_use, "point of initiation 12: pay once");
    encode->add_option("--fss", options.fss_ispb, "ISPB of the withdrawal/change facilitator");
    encode->add_option("--mcc", options.merchant_category_code, "merchant category code");
    encode->add_option("--postal-code", options.postal_code, "postal code (61)");
    encode->add_option("--recurrence-url", options.recurrence_url,
                       "Pix Automatico recurrence location without https:// (80-25)");
}

bool BrcodeCommand::parsed() const {
    return brcode_->parsed();
}

int BrcodeCommand::Run(std::istream& in, std::ostream& out, std::ostream& err) const {
    if (decode_->parsed()) {
        if (payload_ != "-") return RunBrcodeDecode(payload_, out);
        std::string text(kStdinBytesMax, '\0');
        in.read(text.data(), static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(in.gcount()));
        return RunBrcodeDecode(text, out);
    }
    return RunBrcodeEncode(encode_options_, out, err);
}

}  // namespace dictra::app
