#include "app/config.hpp"

#include <CLI/CLI.hpp>

#include "core/ids.hpp"

namespace dictra::app {

std::set<std::string> ServeConfig::Services(std::string& error) const {
    std::set<std::string> chosen;
    if (only.empty()) {
        for (const char* service : kServices) chosen.insert(service);
        return chosen;
    }
    std::size_t start = 0;
    while (start <= only.size()) {
        std::size_t comma = only.find(',', start);
        if (comma == std::string::npos) comma = only.size();
        std::string name = only.substr(start, comma - start);
        start = comma + 1;
        if (name.empty()) continue;
        bool known = false;
        for (const char* service : kServices) known = known || name == service;
        if (!known) {
            error =
                "unknown service '" + name + "' in --only (expected settlement, spi, dict, bacen)";
            return {};
        }
        chosen.insert(name);
    }
    if (chosen.empty()) error = "--only names no service";
    return chosen;
}

std::uint16_t ServeConfig::PortOf(const std::string& service) const {
    if (service == "settlement") return settlement_port;
    if (service == "spi") return spi_port;
    if (service == "dict") return dict_port;
    return bacen_port;
}

std::filesystem::path ServeConfig::FilesDir() const {
    if (!files_dir.empty()) return files_dir;
    constexpr std::string_view kSqlite = "sqlite:";
    if (db_url.rfind(kSqlite, 0) == 0) {
        const std::filesystem::path database = db_url.substr(kSqlite.size());
        if (!database.empty() && database != ":memory:") return database.parent_path() / "files";
    }
    return std::filesystem::path("var") / "files";
}

void AddJwtFlags(CLI::App& command, JwtConfig& config) {
    command.add_option("--jwt-secret", config.secret, "HS256 secret for bearer tokens")
        ->envname("DICTRA_JWT_SECRET");
    command
        .add_option("--jwt-secret-file", config.secret_file,
                    "HS256 secret file, created with a random secret if missing "
                    "(used when no secret is given)")
        ->envname("DICTRA_JWT_SECRET_FILE");
    command.add_option("--jwt-public-key", config.public_key, "PEM public key; pins RS256")
        ->envname("DICTRA_JWT_PUBLIC_KEY");
}

void AddServeFlags(CLI::App& command, ServeConfig& config) {
    command
        .add_option("--only", config.only,
                    "comma-separated services to run: settlement,spi,dict,bacen")
        ->envname("DICTRA_ONLY");
    command.add_option("--host", config.host, "listen address")->envname("DICTRA_HOST");
    command.add_option("--db", config.db_url, "sqlite:PATH or postgresql://...")
        ->envname("DICTRA_DB");
    command.add_option("--nats", config.nats_url, "NATS URL (empty: in-process bus)")
        ->envname("DICTRA_NATS");
    command.add_option("--settlement-port", config.settlement_port)
        ->envname("DICTRA_SETTLEMENT_PORT");
    command.add_option("--spi-port", config.spi_port)->envname("DICTRA_SPI_PORT");
    command.add_option("--dict-port", config.dict_port)->envname("DICTRA_DICT_PORT");
    command.add_option("--bacen-port", config.bacen_port)->envname("DICTRA_BACEN_PORT");
    command.add_option("--io-threads", config.io_threads, "I/O threads (0: one per core)")
        ->envname("DICTRA_IO_THREADS");
    command.add_option("--worker-threads", config.worker_threads, "handler threads")
        ->envname("DICTRA_WORKER_THREADS")
        ->check(CLI::Range(1u, 1024u));
    command
        .add_option("--shutdown-grace-ms", config.shutdown_grace_ms,
                    "how long in-flight requests may finish after SIGTERM")
        ->envname("DICTRA_SHUTDOWN_GRACE_MS");
    command
        .add_option("--schedule-poll-ms", config.schedule_poll_ms,
                    "how often due schedules are run (0: no schedule runner here)")
        ->envname("DICTRA_SCHEDULE_POLL_MS");
    command
        .add_option("--qr-location-base", config.qr_location_base,
                    "host/path (no scheme) of dynamic QR code locations")
        ->envname("DICTRA_QR_LOCATION_BASE");
    command
        .add_option("--files-dir", config.files_dir,
                    "where imported payment files are kept (default: files/ next to the "
                    "SQLite database)")
        ->envname("DICTRA_FILES_DIR");
    command
        .add_option("--import-max-bytes", config.import_max_bytes,
                    "largest payment file an import takes (default 100 MB)")
        ->envname("DICTRA_IMPORT_MAX_BYTES")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    command
        .add_option("--bacen-participants", config.bacen_participants,
                    "BACEN simulator participants and initial balances: ISPB:centavos,...")
        ->envname("DICTRA_BACEN_PARTICIPANTS");
    command
        .add_option("--bacen-long-poll-ms", config.bacen_long_poll_ms,
                    "how long a BACEN stream pull waits for messages before 204")
        ->envname("DICTRA_BACEN_LONG_POLL_MS")
        ->check(CLI::Range(0u, 120'000u));
    command
        .add_option("--bacen-settlement-deadline-ms", config.bacen_settlement_deadline_ms,
                    "pacs.008 older than this (AccptncDtTm) is rejected with AB03")
        ->envname("DICTRA_BACEN_SETTLEMENT_DEADLINE_MS");
    command
        .add_option("--dict-rate-limits", config.dict_rate_limits,
                    "DICT lookup rate limit overrides, a JSON object (see docs/dict.md)")
        ->envname("DICTRA_DICT_RATE_LIMITS");
    command
        .add_option("--dict-institutions", config.dict_institutions,
                    "DICT institutions created when absent: ISPB:CATEGORY:Name,...")
        ->envname("DICTRA_DICT_INSTITUTIONS");
    command
        .add_option("--bacen-url", config.bacen_url,
                    "BACEN ICOM base URL for the SPI service (default: this process's listener)")
        ->envname("DICTRA_BACEN_URL");
    command.add_option("--spi-ispb", config.spi_ispb, "ISPB of the participant the SPI serves")
        ->envname("DICTRA_SPI_ISPB");
    command
        .add_option("--bacen-token", config.bacen_token,
                    "bearer token the SPI presents to BACEN (default: minted, HS256 only)")
        ->envname("DICTRA_BACEN_TOKEN");
    AddJwtFlags(command, config.jwt);
}

Result<std::vector<bacen::ParticipantSeed>> ParseBacenParticipants(std::string_view text) {
    std::vector<bacen::ParticipantSeed> seeds;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        const std::string_view entry = text.substr(start, comma - start);
        start = comma + 1;
        const std::string bad = "--bacen-participants: bad entry '" + std::string(entry) +
                                "' (expected ISPB:centavos, e.g. 12345678:100000000)";
        const std::size_t colon = entry.find(':');
        if (colon == std::string_view::npos) return Error::InvalidArgument(bad);
        const std::string_view ispb = entry.substr(0, colon);
        const std::string_view centavos = entry.substr(colon + 1);
        if (!IsIspb(ispb) || centavos.empty() || centavos.size() > 18 ||
            centavos.find_first_not_of("0123456789") != std::string_view::npos) {
            return Error::InvalidArgument(bad);
        }
        for (const bacen::ParticipantSeed& seed : seeds) {
            if (seed.ispb == ispb) {
                return Error::InvalidArgument("--bacen-participants: ISPB " + std::string(ispb) +
                                              " appears twice");
            }
        }
        seeds.push_back(bacen::ParticipantSeed{std::string(ispb),
                                               AmountCentavos(std::stoll(std::string(centavos)))});
    }
    return seeds;
}

}  // namespace dictra::app
