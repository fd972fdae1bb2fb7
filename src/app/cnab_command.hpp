// `dictra cnab inspect FILE`: what a CNAB240 or CNAB400 file holds, record by record.
//
// Prints one line per outcome of the reader (line numbers, record kind, status, what it says or
// why it is skipped, the key fields of a payment), each error and warning under it with its
// positions and field, and a summary. The layout is detected from the line lengths unless
// --layout says it. Exit code 0 when the file has no error, 1 when it has errors or cannot be
// opened or recognised. The report goes to `out`, problems with the command itself to `err`.
#pragma once

#include <CLI/CLI.hpp>
#include <istream>
#include <ostream>
#include <string>

#include "formats/cnab/cnab240_reader.hpp"
#include "formats/cnab/detect.hpp"

namespace dictra::app {

struct CnabCommandOptions {
    std::string file;
    std::string layout = "auto";  // auto, 240, 400
    std::string debtor_ispb;      // CNAB240 only: the ISPB to report as every payment's debtor
};

// Adds `cnab` and its `inspect` subcommand to `app`. Returns `cnab`, which is parsed() when the
// command line chose it. REQUIRES: `options` outlives the parse.
CLI::App* AddCnabCommand(CLI::App& app, CnabCommandOptions& options);

// Runs the parsed command; returns the exit code.
int RunCnabCommand(const CnabCommandOptions& options, std::ostream& out, std::ostream& err);

// The report for `input` read as `layout`; returns the exit code (1 when the file has errors).
int InspectCnab(std::istream& input, formats::cnab::Layout layout,
                const formats::cnab::Cnab240ReaderOptions& options, std::ostream& out);

}  // namespace dictra::app
