#include "app/platform.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/openapi_documents.hpp"
#include "bacen/routes.hpp"
#include "core/auth/principal.hpp"
#include "core/auth/token.hpp"
#include "core/bus/in_process_bus.hpp"
#include "core/db/database.hpp"
#include "core/http/server.hpp"
#include "core/ids.hpp"
#include "core/jobs/scheduler.hpp"
#include "core/json/json.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "dict/claim_routes.hpp"
#include "dict/institution.hpp"
#include "dict/lookup.hpp"
#include "dict/lookup_routes.hpp"
#include "dict/rate_limit.hpp"
#include "dict/routes.hpp"
#include "settlement/routes.hpp"
#include "settlement/runner.hpp"
#include "spi/routes.hpp"

namespace dictra::app {

Result<std::string> ResolveJwtSecret(const JwtConfig& config) {
    if (!config.secret.empty()) return config.secret;
    std::ifstream existing(config.secret_file);
    if (existing) {
        std::string secret;
        std::getline(existing, secret);
        if (secret.empty())
            return Error::InvalidArgument("JWT secret file " + config.secret_file.string() +
                                          " is empty");
        return secret;
    }
    std::error_code ec;
    if (config.secret_file.has_parent_path())
        std::filesystem::create_directories(config.secret_file.parent_path(), ec);
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1)
        return Error::Internal("no randomness for the JWT secret");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string secret;
    for (unsigned char byte : random) {
        secret += kHex[byte >> 4];
        secret += kHex[byte & 0xF];
    }
    // O_EXCL: if two processes race to create it, the loser reads the winner's secret.
    int fd = ::open(config.secret_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return ResolveJwtSecret(config);
        return Error::Unavailable("cannot create JWT secret file " + config.secret_file.string());
    }
    std::string line = secret + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::fsync(fd);
    ::close(fd);
    if (!written)
        return Error::Unavailable("cannot write JWT secret file " + config.secret_file.string());
    return secret;
}

namespace {

// One service as the process runs it: its rules object, router hooks and server.
struct RunningService {
    std::string name;
    std::unique_ptr<http::Server> server;
};

void AddCommonRoutes(http::Router& router, const std::string& service,
                     metrics::Registry& registry) {
    http::RouteOptions open{.is_public = true};
    router.Add(
        http::Method::kGet, "/metrics",
        [&registry](http::Request&) -> Result<http::Response> {
            return http::Text(http::Status::kOk, std::string(metrics::kTextContentType),
                              registry.RenderText());
        },
        open);
    // Who the platform thinks the caller is: lets an operator check a token against any service.
    router.Add(http::Method::kGet, "/whoami", [](http::Request& request) -> Result<http::Response> {
        const auth::Principal& principal = *request.principal;
        boost::json::object body;
        body["sub"] = principal.sub;
        body["ispb"] =
            principal.ispb ? boost::json::value(*principal.ispb) : boost::json::value(nullptr);
        boost::json::array scopes;
        for (const std::string& scope : principal.scopes) scopes.emplace_back(scope);
        body["scopes"] = std::move(scopes);
        return http::JsonText(http::Status::kOk, json::Serialize(body));
    });
    std::string_view document = OpenApiDocument(service);
    router.Add(
        http::Method::kGet, "/openapi.json",
        [document](http::Request&) -> Result<http::Response> {
            return http::JsonText(http::Status::kOk, std::string(document));
        },
        http::RouteOptions{.is_public = true, .execution = http::Execution::kInline});
}

}  // namespace

struct Platform::Impl {
    ServeConfig config;
    std::set<std::string> services;
    SystemClock clock;
    metrics::Registry registry;
    std::unique_ptr<metrics::HttpMetrics> http_metrics;
    std::optional<auth::TokenVerifier> verifier;
    std::unique_ptr<db::Database> database;
    std::unique_ptr<bus::InProcessBus> bus;
    std::unique_ptr<jobs::Scheduler> scheduler;
    std::unique_ptr<http::Runtime> runtime;

    std::unique_ptr<settlement::SettlementStore> settlement_store;
    std::unique_ptr<settlement::SettlementService> settlement_service;
    std::unique_ptr<settlement::ScheduleRunner> schedule_runner;
    std::unique_ptr<spi::SpiStore> spi_store;
    std::unique_ptr<spi::SpiService> spi_service;
    std::unique_ptr<spi::BacenLink> spi_link;  // before the service in destruction order
    std::unique_ptr<dict::DictStore> dict_store;
    std::unique_ptr<dict::DictService> dict_service;
    std::unique_ptr<dict::ClaimStore> claim_store;
    std::unique_ptr<dict::ClaimService> claim_service;
    std::unique_ptr<dict::RateLimiter> dict_rate_limiter;
    std::unique_ptr<dict::InstitutionStore> dict_institution_store;
    std::unique_ptr<dict::InstitutionService> dict_institutions;
    std::unique_ptr<dict::LookupService> dict_lookups;
    std::unique_ptr<dict::LookupCounters> dict_lookup_counters;
    std::unique_ptr<bacen::BacenStore> bacen_store;
    std::unique_ptr<bacen::BacenService> bacen_service;

    std::vector<RunningService> running;
    bool shut_down = false;

    http::ServerHooks HooksFor(
        const std::string& service,
        std::function<http::Response(http::Status, const Error&, std::string_view)> render) {
        http::ServerHooks hooks;
        hooks.format_error = std::move(render);
        hooks.authenticate =
            [this](const http::Request& request) -> Result<std::shared_ptr<const auth::Principal>> {
            DICTRA_ASSIGN_OR_RETURN(auth::Principal principal,
                                    verifier->Verify(request.Header("Authorization").value_or("")));
            return std::shared_ptr<const auth::Principal>(
                std::make_shared<auth::Principal>(std::move(principal)));
        };
        hooks.on_exchange = [this, service](const http::Exchange& exchange) {
            http_metrics->Record(exchange.service, exchange.method, exchange.route, exchange.status,
                                 std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::duration<double>(exchange.duration_seconds)));
            log::Info("access")
                .Str("service", exchange.service)
                .Str("method", exchange.method)
                .Str("route", exchange.route)
                .Str("target", exchange.target)
                .Int("status", exchange.status)
                .Num("duration_ms", exchange.duration_seconds * 1000.0)
                .Int("bytes_in", static_cast<std::int64_t>(exchange.bytes_in))
                .Int("bytes_out", static_cast<std::int64_t>(exchange.bytes_out))
                .Str("request_id", exchange.request_id)
                .Str("remote", exchange.remote_address);
        };
        return hooks;
    }
};

Platform::Platform(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Platform::~Platform() {
    Shutdown();
}

Result<std::unique_ptr<Platform>> Platform::Create(const ServeConfig& config) {
    auto impl = std::make_unique<Impl>();
    impl->config = config;
    std::string services_error;
    impl->services = config.Services(services_error);
    if (!services_error.empty()) return Error::InvalidArgument(services_error);
    if (!config.nats_url.empty()) {
        return Error::InvalidArgument(
            "--nats is not supported yet: run without it to use the in-process bus");
    }

    if (!config.jwt.public_key.empty()) {
        DICTRA_ASSIGN_OR_RETURN(
            auth::TokenVerifier verifier,
            auth::TokenVerifier::ForRs256PublicKeyFile(config.jwt.public_key, impl->clock));
        impl->verifier.emplace(std::move(verifier));
    } else {
        DICTRA_ASSIGN_OR_RETURN(std::string secret, ResolveJwtSecret(config.jwt));
        DICTRA_ASSIGN_OR_RETURN(auth::TokenVerifier verifier,
                                auth::TokenVerifier::ForHs256(secret, impl->clock));
        impl->verifier.emplace(std::move(verifier));
    }

    db::DatabaseOptions database_options;
    database_options.clock = &impl->clock;
    DICTRA_ASSIGN_OR_RETURN(impl->database, db::OpenDatabase(config.db_url, database_options));
    db::Database& database = *impl->database;
    DICTRA_RETURN_IF_ERROR(jobs::Scheduler::Migrate(database));
    impl->http_metrics = std::make_unique<metrics::HttpMetrics>(impl->registry);
    impl->bus = std::make_unique<bus::InProcessBus>();
    impl->scheduler = std::make_unique<jobs::Scheduler>(database, impl->clock);
    impl->runtime = std::make_unique<http::Runtime>(http::RuntimeOptions{
        .io_threads = config.io_threads, .worker_threads = config.worker_threads});

    auto build =
        [&](const std::string& name, http::Router router,
            std::function<http::Response(http::Status, const Error&, std::string_view)> render) {
            AddCommonRoutes(router, name, impl->registry);
            http::ServerOptions options;
            options.service = name;
            options.host = config.host;
            options.port = config.PortOf(name);
            // Uploads land next to where imported files are kept, not in a small /tmp.
            if (name == "settlement") options.upload_dir = config.FilesDir();
            impl->running.push_back(RunningService{
                name, std::make_unique<http::Server>(*impl->runtime, options, std::move(router),
                                                     impl->HooksFor(name, std::move(render)))});
        };

    if (impl->services.contains("settlement")) {
        DICTRA_RETURN_IF_ERROR(
            database.Migrate("settlement", settlement::SettlementStore::Migrations()));
        impl->settlement_store = std::make_unique<settlement::SettlementStore>(database);
        impl->settlement_service =
            std::make_unique<settlement::SettlementService>(*impl->settlement_store, impl->clock);
        DICTRA_RETURN_IF_ERROR(
            impl->settlement_service->SetQrLocationBase(config.qr_location_base));
        DICTRA_RETURN_IF_ERROR(impl->settlement_service->SetFileOptions(settlement::FileOptions{
            .files_dir = config.FilesDir(), .import_bytes_max = config.import_max_bytes}));
        impl->settlement_service->EnableFileProcessing(*impl->scheduler);
        http::Router router;
        settlement::AddRoutes(router, *impl->settlement_service);
        build("settlement", std::move(router), settlement::RenderError);
        if (config.schedule_poll_ms > 0) {
            impl->schedule_runner = std::make_unique<settlement::ScheduleRunner>(
                *impl->settlement_service,
                settlement::RunnerOptions{.poll_interval =
                                              std::chrono::milliseconds(config.schedule_poll_ms)});
        }
    }
    if (impl->services.contains("spi")) {
        if (!IsIspb(config.spi_ispb)) {
            return Error::InvalidArgument("--spi-ispb must be 8 digits");
        }
        if (!config.bacen_url.empty()) {
            DICTRA_RETURN_IF_ERROR(spi::ParseHttpUrl(config.bacen_url));
        }
        DICTRA_RETURN_IF_ERROR(database.Migrate("spi", spi::SpiStore::Migrations()));
        impl->spi_store = std::make_unique<spi::SpiStore>(database);
        Impl* raw = impl.get();
        spi::Probes probes{
            // A real request to --bacen-url (or the listener next door).
            .bacen_reachable = [raw] { return raw->spi_link && raw->spi_link->Probe(); },
            .bus_connected = [] { return true; },
        };
        impl->spi_service = std::make_unique<spi::SpiService>(
            *impl->spi_store, impl->clock, std::move(probes),
            spi::SpiOptions{.ispb = config.spi_ispb, .registry = &impl->registry});
        // The SPI's credentials at BACEN: a configured token, else one minted with our own
        // HS256 secret (the simulator accepts the platform's tokens).
        std::function<std::string()> token_source;
        if (!config.bacen_token.empty()) {
            token_source = [token = config.bacen_token] { return token; };
        } else if (config.jwt.public_key.empty()) {
            DICTRA_ASSIGN_OR_RETURN(std::string secret, ResolveJwtSecret(config.jwt));
            DICTRA_ASSIGN_OR_RETURN(auth::TokenMinter minter,
                                    auth::TokenMinter::ForHs256(secret, impl->clock));
            // One token serves every call for four of its five minutes: minting (and BACEN
            // verifying) a fresh one per POST and pull cost both sides an HMAC and a JSON parse.
            struct MintedToken {
                std::mutex mutex;
                std::string token;          // guarded by mutex
                SystemTimePoint minted_at;  // guarded by mutex
            };
            token_source = [minter = std::move(minter), ispb = config.spi_ispb,
                            clock = &impl->clock, cached = std::make_shared<MintedToken>()] {
                constexpr auto kTtl = std::chrono::seconds(300);
                constexpr auto kRenewAfter = std::chrono::seconds(240);
                const SystemTimePoint now = clock->Now();
                std::lock_guard lock(cached->mutex);
                if (!cached->token.empty() && now >= cached->minted_at &&
                    now - cached->minted_at < kRenewAfter)
                    return cached->token;
                auto token = minter.Mint(
                    auth::TokenRequest{.sub = "spi", .ispb = ispb, .scopes = {}, .ttl = kTtl});
                if (!token.ok()) return std::string();
                cached->token = *token;
                cached->minted_at = now;
                return cached->token;
            };
        }
        impl->spi_link = std::make_unique<spi::BacenLink>(
            *impl->spi_service,
            spi::BacenLinkOptions{
                .ispb = config.spi_ispb,
                .token_source = std::move(token_source),
                // A pull may wait BACEN's whole long poll; a client that gave up earlier would
                // lose what BACEN hands out meanwhile (delivery is at most once).
                .pull_timeout = std::chrono::milliseconds(config.bacen_long_poll_ms) +
                                std::chrono::seconds(20)});
        http::Router router;
        spi::AddRoutes(router, *impl->spi_service, impl->spi_link.get());
        build("spi", std::move(router), spi::RenderError);
    }
    if (impl->services.contains("dict")) {
        DICTRA_RETURN_IF_ERROR(database.Migrate("dict", dict::DictStore::Migrations()));
        impl->dict_store = std::make_unique<dict::DictStore>(database);
        impl->dict_service = std::make_unique<dict::DictService>(*impl->dict_store, impl->clock);
        dict::RateLimitConfig rate_limits;
        if (!config.dict_rate_limits.empty()) {
            auto overridden = dict::ApplyRateLimitOverrides(rate_limits, config.dict_rate_limits);
            if (!overridden.ok())
                return Error::InvalidArgument("--dict-rate-limits: " + overridden.error().message);
            rate_limits = std::move(*overridden);
        }
        DICTRA_ASSIGN_OR_RETURN(std::vector<dict::InstitutionSeed> seeds,
                                dict::ParseInstitutionSeeds(config.dict_institutions));
        impl->dict_rate_limiter =
            std::make_unique<dict::RateLimiter>(std::move(rate_limits), impl->clock);
        impl->dict_institution_store = std::make_unique<dict::InstitutionStore>(database);
        impl->dict_institutions = std::make_unique<dict::InstitutionService>(
            *impl->dict_institution_store, *impl->dict_rate_limiter, impl->clock);
        DICTRA_RETURN_IF_ERROR(impl->dict_institutions->Load());
        for (const dict::InstitutionSeed& seed : seeds) {
            DICTRA_RETURN_IF_ERROR(
                impl->dict_institutions->Seed(seed.ispb, seed.name, seed.category));
        }
        impl->dict_lookups = std::make_unique<dict::LookupService>(
            *impl->dict_service, *impl->dict_rate_limiter, impl->clock, dict::RenderEntryJson);
        http::Router router;
        dict::AddRoutes(router, *impl->dict_service);
        impl->claim_store = std::make_unique<dict::ClaimStore>(database, *impl->scheduler);
        impl->claim_service = std::make_unique<dict::ClaimService>(*impl->dict_store,
                                                                   *impl->claim_store, impl->clock);
        impl->claim_service->SetKeyChangeListener(
            [dict_service = impl->dict_service.get()](std::string_view key) {
                dict_service->KeyChanged(key);
            });
        impl->claim_service->RegisterJobHandlers(*impl->scheduler);
        dict::AddClaimRoutes(router, *impl->claim_service);
        impl->dict_lookup_counters = std::make_unique<dict::LookupCounters>(impl->registry);
        dict::AddLookupRoutes(router, *impl->dict_lookups, *impl->dict_institutions,
                              *impl->dict_lookup_counters);
        build("dict", std::move(router), dict::RenderError);
    }
    if (impl->services.contains("bacen")) {
        DICTRA_RETURN_IF_ERROR(database.Migrate("bacen", bacen::BacenStore::Migrations()));
        impl->bacen_store = std::make_unique<bacen::BacenStore>(database);
        DICTRA_ASSIGN_OR_RETURN(std::vector<bacen::ParticipantSeed> participants,
                                ParseBacenParticipants(config.bacen_participants));
        bacen::BacenOptions bacen_options;
        bacen_options.participants = std::move(participants);
        bacen_options.long_poll = std::chrono::milliseconds(config.bacen_long_poll_ms);
        bacen_options.settlement_deadline =
            std::chrono::milliseconds(config.bacen_settlement_deadline_ms);
        impl->bacen_service = std::make_unique<bacen::BacenService>(*impl->bacen_store, impl->clock,
                                                                    std::move(bacen_options));
        DICTRA_RETURN_IF_ERROR(impl->bacen_service->Start());
        http::Router router;
        bacen::AddRoutes(router, *impl->bacen_service);
        build("bacen", std::move(router), bacen::RenderError);
    }
    return std::unique_ptr<Platform>(new Platform(std::move(impl)));
}

std::vector<std::string> Platform::Routes(const std::string& service) const {
    std::vector<std::string> routes;
    for (const RunningService& running : impl_->running) {
        if (running.name != service) continue;
        for (const http::Route& route : running.server->router().routes()) {
            routes.push_back(std::string(http::ToString(route.method)) + " " + route.pattern);
        }
    }
    std::sort(routes.begin(), routes.end());
    return routes;
}

Status Platform::Start() {
    for (RunningService& service : impl_->running) {
        DICTRA_ASSIGN_OR_RETURN(std::uint16_t port, service.server->Listen());
        log::Info("listening")
            .Str("service", service.name)
            .Int("port", port)
            .Str("host", impl_->config.host);
    }
    log::Flush();
    impl_->runtime->Start();
    if (impl_->spi_link) {
        std::string url = impl_->config.bacen_url;
        if (url.empty()) {
            // The listener of this process, else a simulator on --bacen-port of this host; a
            // wildcard address is reached on loopback.
            std::string host = impl_->config.host;
            if (host == "0.0.0.0" || host == "::" || host.empty()) host = "127.0.0.1";
            url = "http://" + host + ":" + std::to_string(impl_->config.bacen_port);
            for (RunningService& service : impl_->running) {
                if (service.name == "bacen") {
                    url = "http://" + host + ":" + std::to_string(service.server->port());
                }
            }
        }
        DICTRA_ASSIGN_OR_RETURN(spi::HttpEndpoint endpoint, spi::ParseHttpUrl(url));
        impl_->spi_link->Start(std::move(endpoint));
    }
    impl_->scheduler->Start();
    if (impl_->schedule_runner) impl_->schedule_runner->Start();
    return Ok();
}

void Platform::Shutdown() {
    if (impl_->shut_down) return;
    impl_->shut_down = true;
    log::Info("shutdown").Str("phase", "draining");
    log::Flush();
    for (RunningService& service : impl_->running) service.server->BeginShutdown();
    // Waiting stream pulls are answered (204) now rather than at their long-poll deadline.
    // The SPI stops pulling before the simulator answers the waiting pulls.
    if (impl_->spi_link) impl_->spi_link->RequestStop();
    if (impl_->bacen_service) impl_->bacen_service->Stop();
    if (impl_->spi_link) impl_->spi_link->Stop();
    const auto grace = std::chrono::milliseconds(impl_->config.shutdown_grace_ms);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    bool drained = true;
    for (RunningService& service : impl_->running) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        drained = service.server->WaitIdle(std::max(left, std::chrono::milliseconds(0))) && drained;
    }
    impl_->scheduler->Stop();
    if (impl_->schedule_runner) impl_->schedule_runner->Stop();
    // Lookups still reading the store finish (and answer) while the connections exist.
    if (impl_->dict_lookups) impl_->dict_lookups->executor().Stop();
    impl_->runtime->Stop();
    impl_->running.clear();
    impl_->bus->Shutdown();
    impl_->database->Close();
    log::Info("shutdown").Str("phase", "done").Bool("drained", drained);
    log::Flush();
}

}  // namespace dictra::app
