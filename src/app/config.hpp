// `dictra serve` configuration: flags, each also read from its DICTRA_* environment variable
// (CONTRACT.md). Only app/ reads configuration; everything below takes typed values.
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bacen/model.hpp"
#include "core/result.hpp"

namespace CLI {
class App;
}

namespace dictra::app {

inline constexpr const char* kServices[] = {"settlement", "spi", "dict", "bacen"};

struct JwtConfig {
    std::string secret;                                    // DICTRA_JWT_SECRET (HS256)
    std::filesystem::path secret_file = "var/jwt.secret";  // used when `secret` is empty
    std::filesystem::path public_key;                      // DICTRA_JWT_PUBLIC_KEY: PEM, pins RS256
};

struct ServeConfig {
    std::string only;  // comma-separated subset of kServices; empty: all
    std::string host = "127.0.0.1";
    std::string db_url = "sqlite:var/dictra.db";
    std::string nats_url;  // empty: the in-process bus
    std::uint16_t settlement_port = 8081;
    std::uint16_t spi_port = 8082;
    std::uint16_t dict_port = 8083;
    std::uint16_t bacen_port = 8090;
    unsigned io_threads = 0;
    unsigned worker_threads = 32;
    unsigned shutdown_grace_ms = 10'000;
    // How often settlement's runner looks for due schedules and scheduled payments; 0 turns the
    // runner off in this process (e.g. when another instance runs it).
    unsigned schedule_poll_ms = 1'000;
    // Host and path (no scheme: BR Code 26-25) where dynamic QR codes point; settlement serves
    // GET /qr/{unique_id} under it. Must reach this service's port from the payer's PSP.
    std::string qr_location_base = "localhost:8081/qr";
    // Where settlement keeps imported payment files; empty: "files" next to the SQLite
    // database (var/files for PostgreSQL).
    std::filesystem::path files_dir;
    // The largest payment file an import takes (the document says 100 MB).
    std::uint64_t import_max_bytes = 100 * 1024 * 1024;
    JwtConfig jwt;
    // The BACEN simulator's participants, "ISPB:centavos,..." (initial reserve balances; an
    // account that already exists keeps its balance). The default lets `make run` work end to
    // end with two demo participants of R$ 1,000,000.00 each.
    std::string bacen_participants = "12345678:100000000,87654321:100000000";
    // How long a simulator stream pull waits for a message before answering 204.
    unsigned bacen_long_poll_ms = 10'000;
    // A pacs.008 accepted (AccptncDtTm) longer ago than this is rejected with AB03.
    unsigned bacen_settlement_deadline_ms = 60'000;
    // Where the SPI service sends its ISO 20022 messages (ICOM paths). Empty: the BACEN listener
    // of this process, else http://<host>:<--bacen-port> (a simulator in another process).
    std::string bacen_url;
    // The participant the SPI service serves (payer of its payments, owner of its stream).
    std::string spi_ispb = "12345678";
    // Bearer token the SPI presents to BACEN. Empty: minted with the HS256 secret.
    std::string bacen_token;

    // DICT: overrides of the lookup rate limits as a JSON object (dict/rate_limit.hpp,
    // ApplyRateLimitOverrides); empty: the document's numbers.
    std::string dict_rate_limits;
    // DICT institutions created at start-up when absent, "ISPB:CATEGORY:Name,...". The default
    // registers the BACEN simulator's two demo participants so lookups work at once.
    std::string dict_institutions = "12345678:C:Demo Bank A,87654321:C:Demo Bank B";

    // The services to run, validated. Empty set with an error message on a bad --only.
    std::set<std::string> Services(std::string& error) const;
    std::uint16_t PortOf(const std::string& service) const;
    // files_dir, or its default for db_url.
    std::filesystem::path FilesDir() const;
};

// "12345678:100000000,87654321:50000000" -> participants with initial balances in centavos.
// kInvalidArgument naming the bad entry (ISPB not 8 digits, balance not a non-negative integer,
// an ISPB twice). An empty text is no participant.
Result<std::vector<bacen::ParticipantSeed>> ParseBacenParticipants(std::string_view text);

void AddJwtFlags(CLI::App& command, JwtConfig& config);
void AddServeFlags(CLI::App& command, ServeConfig& config);

}  // namespace dictra::app
