#include "core/http/router.hpp"

#include <gtest/gtest.h>

namespace dictra::http {
namespace {

Handler Named(std::string name) {
    return [name](Request&) -> Result<Response> { return Text(Status::kOk, "text/plain", name); };
}

class RouterTest : public ::testing::Test {
 protected:
    void SetUp() override {
        router_.Add(Method::kGet, "/payments", Named("list"));
        router_.Add(Method::kPost, "/payments", Named("create"));
        router_.Add(Method::kGet, "/payments/{id}", Named("get"));
        router_.Add(Method::kPost, "/payments/{id}/cancel", Named("cancel"));
        router_.Add(Method::kGet, "/schedules/{id}", Named("schedule"));
        router_.Add(Method::kGet, "/schedules/due", Named("due"));
    }
    std::string Run(Method method, std::string_view path) {
        Router::Match match = router_.Find(method, path, params_);
        if (match.route == nullptr) return match.path_known ? "405:" + match.allow : "404";
        Request request;
        return match.route->handler(request)->body;
    }
    Router router_;
    std::vector<std::pair<std::string, std::string>> params_;
};

TEST_F(RouterTest, MatchesLiteralAndParameterRoutes) {
    EXPECT_EQ(Run(Method::kGet, "/payments"), "list");
    EXPECT_EQ(Run(Method::kPost, "/payments"), "create");
    EXPECT_EQ(Run(Method::kGet, "/payments/abc"), "get");
    ASSERT_EQ(params_.size(), 1u);
    EXPECT_EQ(params_[0].first, "id");
    EXPECT_EQ(params_[0].second, "abc");
    EXPECT_EQ(Run(Method::kPost, "/payments/abc/cancel"), "cancel");
}

TEST_F(RouterTest, LiteralSegmentWinsOverParameter) {
    EXPECT_EQ(Run(Method::kGet, "/schedules/due"), "due");
    EXPECT_EQ(Run(Method::kGet, "/schedules/42"), "schedule");
}

TEST_F(RouterTest, UnknownPathIs404) {
    EXPECT_EQ(Run(Method::kGet, "/nothing"), "404");
    EXPECT_EQ(Run(Method::kGet, "/payments/abc/cancel/more"), "404");
    EXPECT_EQ(Run(Method::kGet, "/payments//cancel"), "404");
    EXPECT_EQ(Run(Method::kGet, ""), "404");
    EXPECT_EQ(Run(Method::kGet, "payments"), "404");
}

TEST_F(RouterTest, KnownPathWithOtherMethodIs405WithAllow) {
    EXPECT_EQ(Run(Method::kDelete, "/payments"), "405:GET, POST, HEAD");
    EXPECT_EQ(Run(Method::kGet, "/payments/abc/cancel"), "405:POST");
}

TEST_F(RouterTest, HeadIsServedByGet) {
    EXPECT_EQ(Run(Method::kHead, "/payments"), "list");
}

TEST(RouterDeathTest, DuplicateRouteIsAProgrammerError) {
    Router router;
    router.Add(Method::kGet, "/x", Named("a"));
    EXPECT_DEATH(router.Add(Method::kGet, "/x", Named("b")), "check_failed");
}

}  // namespace
}  // namespace dictra::http
