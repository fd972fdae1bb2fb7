// Each service's OpenAPI document and its router describe the same endpoints: a route nobody
// documented, or a documented path nobody serves, fails here.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <random>

#include "app/openapi_documents.hpp"
#include "app/platform.hpp"

namespace dictra::app {
namespace {

std::vector<std::string> DocumentedRoutes(std::string_view service) {
    std::vector<std::string> routes;
    auto document = boost::json::parse(OpenApiDocument(service)).as_object();
    for (const auto& path : document.at("paths").as_object()) {
        for (const auto& operation : path.value().as_object()) {
            std::string method(operation.key());
            for (char& c : method)
                c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (method == "PARAMETERS" || method == "SUMMARY" || method == "DESCRIPTION") continue;
            routes.push_back(method + " " + std::string(path.key()));
        }
    }
    std::sort(routes.begin(), routes.end());
    return routes;
}

class OpenApiTest : public ::testing::TestWithParam<std::string> {};

TEST_P(OpenApiTest, DocumentAndRouterAgree) {
    const std::string service = GetParam();
    auto dir = std::filesystem::temp_directory_path() /
               ("dictra-openapi-" + std::to_string(std::random_device{}()));
    ServeConfig config;
    config.only = service;
    config.db_url = "sqlite:" + (dir / "dictra.db").string();
    config.jwt.secret = "openapi-test-secret-0123456789abcdef";
    auto platform = Platform::Create(config);
    ASSERT_TRUE(platform.ok()) << platform.error().message;
    EXPECT_EQ((*platform)->Routes(service), DocumentedRoutes(service));
    (*platform)->Shutdown();
    std::filesystem::remove_all(dir);
}

TEST_P(OpenApiTest, DocumentIsOpenApi31) {
    auto document = boost::json::parse(OpenApiDocument(GetParam())).as_object();
    EXPECT_EQ(document.at("openapi"), "3.1.0");
    EXPECT_TRUE(document.at("info").as_object().contains("title"));
}

INSTANTIATE_TEST_SUITE_P(Services, OpenApiTest,
                         ::testing::Values("settlement", "spi", "dict", "bacen"));

}  // namespace
}  // namespace dictra::app
