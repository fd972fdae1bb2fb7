#include "app/cnab_command.hpp"

#include <fstream>
#include <memory>
#include <optional>

#include "core/ids.hpp"
#include "core/money.hpp"
#include "core/time.hpp"
#include "formats/cnab/cnab400_reader.hpp"

namespace dictra::app {
namespace {

using formats::Diagnostic;
using formats::PaymentRecord;
using formats::RecordOutcome;

std::string Lines(const RecordOutcome& outcome) {
    if (outcome.line_number == 0) return "end";
    if (outcome.line_count <= 1) return std::to_string(outcome.line_number);
    return std::to_string(outcome.line_number) + "-" +
           std::to_string(outcome.line_number + outcome.line_count - 1);
}

std::string Padded(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

std::string PartyText(const formats::Party& party) {
    std::string text;
    auto add = [&](std::string_view label, const std::string& value) {
        if (value.empty()) return;
        if (!text.empty()) text += " ";
        text += std::string(label) + " " + value;
    };
    add("ispb", party.ispb);
    add("bank", party.bank_code);
    add("branch", party.branch);
    add("account", party.account);
    if (party.account_type) add("type", std::string(formats::ToString(*party.account_type)));
    add("tax_id", party.tax_id);
    if (!party.name.empty()) add("name", "\"" + party.name + "\"");
    return text.empty() ? "-" : text;
}

std::string PaymentText(const PaymentRecord& payment) {
    std::string text = "amount " + FormatAmount(AmountCentavos(payment.amount_centavos));
    if (payment.payment_date) text += ", date " + FormatIsoDate(*payment.payment_date);
    if (payment.initiation) text += ", " + std::string(formats::ToString(*payment.initiation));
    if (!payment.pix_key.empty()) text += " key " + payment.pix_key;
    text += "; debtor " + PartyText(payment.debtor);
    text += "; creditor " + PartyText(payment.creditor);
    if (!payment.external_id.empty()) text += "; external_id " + payment.external_id;
    if (!payment.tx_id.empty()) text += "; tx_id " + payment.tx_id;
    if (!payment.description.empty()) text += "; description \"" + payment.description + "\"";
    return text;
}

void Print(const RecordOutcome& outcome, std::ostream& out) {
    out << Padded(Lines(outcome), 12) << " " << Padded(outcome.kind, 5) << " "
        << Padded(std::string(formats::ToString(outcome.status)), 8) << " ";
    if (outcome.payment) {
        out << PaymentText(*outcome.payment);
    } else {
        out << outcome.detail;
    }
    out << "\n";
    for (const Diagnostic& error : outcome.errors) {
        out << Padded("", 12) << "   error: " << formats::Describe(error) << "\n";
    }
    for (const Diagnostic& warning : outcome.warnings) {
        out << Padded("", 12) << "   warning: " << formats::Describe(warning) << "\n";
    }
}

template <typename Reader>
int Report(Reader& reader, std::string_view layout_name, std::ostream& out) {
    out << layout_name << "\n";
    while (std::optional<RecordOutcome> outcome = reader.Next()) Print(*outcome, out);
    const formats::ReadSummary& summary = reader.summary();
    out << "summary: " << summary.lines << " lines, " << summary.payments << " payments ("
        << FormatAmount(AmountCentavos(summary.payments_amount_centavos))
        << (summary.amount_overflowed ? "+" : "") << "), " << summary.skipped << " skipped, "
        << summary.controls << " control, " << summary.errors << " errors, " << summary.warnings
        << " warnings\n";
    return summary.clean() ? 0 : 1;
}

}  // namespace

CLI::App* AddCnabCommand(CLI::App& app, CnabCommandOptions& options) {
    CLI::App* cnab = app.add_subcommand("cnab", "CNAB240 / CNAB400 bank files");
    cnab->require_subcommand(1);
    CLI::App* inspect =
        cnab->add_subcommand("inspect", "print the records of a file and its errors (exit 1)");
    inspect->add_option("FILE", options.file, "the CNAB file")->required();
    inspect->add_option("--layout", options.layout, "auto (by line length), 240 or 400")
        ->check(CLI::IsMember({"auto", "240", "400"}));
    inspect->add_option("--debtor-ispb", options.debtor_ispb,
                        "CNAB240: the ISPB of the participant that sent the file");
    return cnab;
}

int RunCnabCommand(const CnabCommandOptions& options, std::ostream& out, std::ostream& err) {
    if (!options.debtor_ispb.empty() && !IsIspb(options.debtor_ispb)) {
        err << "dictra: --debtor-ispb must be 8 digits\n";
        return 1;
    }
    std::ifstream file(options.file, std::ios::binary);
    if (!file) {
        err << "dictra: cannot open " << options.file << "\n";
        return 1;
    }
    formats::cnab::Layout layout = formats::cnab::Layout::kCnab240;
    if (options.layout == "400") {
        layout = formats::cnab::Layout::kCnab400;
    } else if (options.layout == "auto") {
        auto detected = formats::cnab::DetectLayout(file);
        if (!detected.ok()) {
            err << "dictra: " << options.file << ": " << detected.error().message << "\n";
            return 1;
        }
        layout = *detected;
        file.clear();
        file.seekg(0);
    }
    return InspectCnab(file, layout, {.debtor_ispb = options.debtor_ispb}, out);
}

int InspectCnab(std::istream& input, formats::cnab::Layout layout,
                const formats::cnab::Cnab240ReaderOptions& options, std::ostream& out) {
    if (layout == formats::cnab::Layout::kCnab400) {
        formats::cnab::Cnab400Reader reader(input);
        return Report(reader, "CNAB400", out);
    }
    formats::cnab::Cnab240Reader reader(input, options);
    return Report(reader, "CNAB240", out);
}

}  // namespace dictra::app
