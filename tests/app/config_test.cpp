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

TEST(ServeConfigTest, BacenParticipantsParse) {
    auto seeds = ParseBacenParticipants("12345678:100000000,00000000:0");
    ASSERT_TRUE(seeds.ok()) << seeds.error().message;
    ASSERT_EQ(seeds->size(), 2u);
    EXPECT_EQ((*seeds)[0].ispb, "12345678");
    EXPECT_EQ((*seeds)[0].initial_balance.centavos(), 100000000);
    EXPECT_EQ((*seeds)[1].ispb, "00000000");
    EXPECT_TRUE(ParseBacenParticipants("").value().empty());
    EXPECT_TRUE(ParseBacenParticipants(ServeConfig{}.bacen_participants).ok());
    for (const char* bad : {"1234567:1", "12345678", "12345678:-1", "12345678:1.5",
                            "12345678:", "12345678:1,12345678:2", "12345678:1999999999999999999"}) {
        EXPECT_FALSE(ParseBacenParticipants(bad).ok()) << bad;
    }
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

TEST(ServeConfigTest, SpiBacenFlagsAndTheirEnvironment) {
    ::setenv("DICTRA_BACEN_URL", "http://bacen.local:9000", 1);
    ServeConfig config;
    CLI::App app;
    AddServeFlags(app, config);
    const char* argv[] = {"serve", "--spi-ispb", "87654321", "--bacen-token", "abc"};
    app.parse(5, const_cast<char**>(argv));
    ::unsetenv("DICTRA_BACEN_URL");
    EXPECT_EQ(config.bacen_url, "http://bacen.local:9000");
    EXPECT_EQ(config.spi_ispb, "87654321");
    EXPECT_EQ(config.bacen_token, "abc");
    EXPECT_EQ(ServeConfig{}.spi_ispb, "12345678");
    EXPECT_TRUE(ServeConfig{}.bacen_url.empty());
}

}  // namespace
}  // namespace dictra::app
