// The running platform: what `dictra serve` wires together in one process.
//
// Create() opens and migrates the database and builds every chosen service; Start() binds the
// listeners (printing one `listening` line each) and starts the threads; Shutdown() stops
// accepting, lets in-flight requests finish within the grace period, stops background work, and
// closes the database. Only this file and main.cpp read configuration.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "core/result.hpp"

namespace dictra::app {

class Platform {
 public:
    static Result<std::unique_ptr<Platform>> Create(const ServeConfig& config);
    ~Platform();

    Status Start();
    void Shutdown();

    // "GET /health", "POST /api/v1/payments", ... as registered for `service` (empty if it does
    // not run here). For the check that the OpenAPI documents match the routers.
    std::vector<std::string> Routes(const std::string& service) const;

    struct Impl;

 private:
    explicit Platform(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The HS256 secret: the configured one, else the secret file (created with 32 random bytes,
// mode 0600, when missing) so that `make run` and `dictra token` agree without setup.
Result<std::string> ResolveJwtSecret(const JwtConfig& config);

}  // namespace dictra::app
