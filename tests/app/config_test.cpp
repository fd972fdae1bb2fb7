#include "app/config.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

namespace dictra::app {
namespace {

TEST(ServeConfigTest, OnlyPicksAValidatedSubset) {
    ServeConfig config;
    std::string error;
    EXPECT_EQ(config.Services(error).size(), 4u);
    config.only = "dict,spi";
    EXPECT_EQ(config.Services(error), (std::set<std::string>{"dict", "spi"}));
    EXPECT_TRUE(error.empty());
    config.only = "dict,,bacen,";
    EXPECT_EQ(config.Services(error), (std::set<std::string>{"bacen", "dict"}));
    config.only = "dict,ledger";
    EXPECT_TRUE(config.Services(error).empty());
    EXPECT_EQ(error, "unknown service 'ledger' in --only (expected settlement, spi, dict, bacen)");
    error.clear();
    config.only = ",";
    EXPECT_TRUE(config.Services(error).empty());
    EXPECT_EQ(error, "--only names no service");
}

TEST(ServeConfigTest, FlagsWinOverEnvironmentWhichWinsOverDefaults) {
    ::setenv("DICTRA_SPI_PORT", "9999", 1);
    ::setenv("DICTRA_DB", "sqlite:/tmp/from-env.db", 1);
    ServeConfig config;
    CLI::App app;
    AddServeFlags(app, config);
    const char* argv[] = {"serve", "--db", "sqlite:/tmp/from-flag.db"};
    app.parse(3, const_cast<char**>(argv));
    ::unsetenv("DICTRA_SPI_PORT");
    ::unsetenv("DICTRA_DB");
    EXPECT_EQ(config.spi_port, 9999);
    EXPECT_EQ(config.db_url, "sqlite:/tmp/from-flag.db");
    EXPECT_EQ(config.settlement_port, 8081);
    EXPECT_EQ(config.PortOf("dict"), 8083);
    EXPECT_EQ(config.PortOf("bacen"), 8090);
}

}  // namespace
}  // namespace dictra::app
