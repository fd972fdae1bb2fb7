// dictra: the one binary of the platform. Subcommands: serve, token, brcode, cnab.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app/brcode_command.hpp"
#include "app/cnab_command.hpp"
#include "app/config.hpp"
#include "app/platform.hpp"
#include "core/auth/token.hpp"
#include "core/log.hpp"

namespace {

int Fail(const std::string& message) {
    std::cerr << "dictra: " << message << "\n";
    return 1;
}

int Serve(const dictra::app::ServeConfig& config) {
    // Block the stop signals in every thread (threads inherit the mask); main waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    dictra::log::Init();
    auto platform = dictra::app::Platform::Create(config);
    if (!platform.ok()) {
        dictra::log::Shutdown();
        return Fail(platform.error().message);
    }
    if (auto started = (*platform)->Start(); !started.ok()) {
        (*platform)->Shutdown();
        dictra::log::Shutdown();
        return Fail(started.error().message);
    }
    int received = 0;
    sigwait(&stop_signals, &received);
    dictra::log::Info("signal").Str("name", received == SIGINT ? "SIGINT" : "SIGTERM");
    (*platform)->Shutdown();
    dictra::log::Shutdown();
    return 0;
}

int Token(const dictra::app::JwtConfig& jwt, const std::string& private_key,
          const dictra::auth::TokenRequest& request) {
    dictra::SystemClock clock;
    auto minter = [&]() -> dictra::Result<dictra::auth::TokenMinter> {
        if (!private_key.empty())
            return dictra::auth::TokenMinter::ForRs256PrivateKeyFile(private_key, clock);
        DICTRA_ASSIGN_OR_RETURN(std::string secret, dictra::app::ResolveJwtSecret(jwt));
        return dictra::auth::TokenMinter::ForHs256(secret, clock);
    }();
    if (!minter.ok()) return Fail(minter.error().message);
    auto token = minter->Mint(request);
    if (!token.ok()) return Fail(token.error().message);
    std::cout << *token << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"DICTRA: the PIX platform (settlement, SPI, DICT, BACEN simulator)", "dictra"};
    app.require_subcommand(1);

    dictra::app::ServeConfig serve_config;
    CLI::App* serve = app.add_subcommand("serve", "run the services");
    dictra::app::AddServeFlags(*serve, serve_config);

    dictra::app::JwtConfig token_jwt;
    dictra::auth::TokenRequest token_request;
    std::string scope_text;
    std::optional<std::string> ispb;
    std::int64_t ttl_seconds = 3600;
    std::string private_key;
    CLI::App* token = app.add_subcommand("token", "print a signed bearer token");
    token->add_option("--sub", token_request.sub, "who: operator e-mail or system name")
        ->required();
    token->add_option("--ispb", ispb, "the participant the caller acts for (8 digits)");
    token->add_option("--scope", scope_text, "space-separated scopes, e.g. \"admin\"");
    token->add_option("--ttl", ttl_seconds, "lifetime in seconds");
    token->add_option("--private-key", private_key, "PEM private key: sign RS256 instead of HS256");
    dictra::app::AddJwtFlags(*token, token_jwt);

    dictra::app::BrcodeCommand brcode(app);
    dictra::app::CnabCommandOptions cnab_options;
    CLI::App* cnab = dictra::app::AddCnabCommand(app, cnab_options);

    CLI11_PARSE(app, argc, argv);

    if (serve->parsed()) return Serve(serve_config);
    if (brcode.parsed()) return brcode.Run(std::cin, std::cout, std::cerr);
    if (cnab->parsed()) return dictra::app::RunCnabCommand(cnab_options, std::cout, std::cerr);
    token_request.ispb = ispb;
    token_request.ttl = std::chrono::seconds(ttl_seconds);
    std::istringstream scopes(scope_text);
    for (std::string scope; scopes >> scope;) token_request.scopes.push_back(scope);
    return Token(token_jwt, private_key, token_request);
}
