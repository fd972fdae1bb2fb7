// Shared fixture for settlement's rule tests: a real store on sqlite::memory:, a FakeClock, and
// the document's create example as a command.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/auth/principal.hpp"
#include "core/time.hpp"
#include "settlement/service.hpp"

namespace dictra::settlement {

inline SystemTimePoint At(std::string_view text) {
    return *ParseRfc3339(text);
}

// The create example of the document, every field set.
inline CreatePaymentCommand ValidCommand() {
    CreatePaymentCommand command;
    command.external_id = "MERCHANT-12345";
    command.amount_centavos = 15000;
    command.currency = "BRL";
    command.debtor = {.ispb = "12345678",
                      .document = "12345678901",
                      .name = "João da Silva",
                      .account_no = "123456",
                      .account_type = "CACC",
                      .branch = "0001"};
    command.creditor = {.ispb = "87654321",
                        .document = "98765432100",
                        .name = "Maria Santos",
                        .account_no = "654321",
                        .account_type = "SVGS",
                        .branch = "0002"};
    command.description = "Payment for invoice #12345";
    command.discounts = {{.date = "2026-02-10T00:00:00Z", .amount_centavos = 500}};
    command.additional_info = {{.key = "invoice_number", .value = "INV-12345"}};
    return command;
}

class SettlementServiceTest : public ::testing::Test {
 protected:
    void SetUp() override {
        auto opened = db::OpenDatabase("sqlite::memory:", {});
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        database_ = std::move(*opened);
        auto migrated = database_->Migrate("settlement", SettlementStore::Migrations());
        ASSERT_TRUE(migrated.ok()) << migrated.error().message;
        store_ = std::make_unique<SettlementStore>(*database_);
        service_ = std::make_unique<SettlementService>(*store_, clock_);
    }

    // A new payment each call: the external id is dropped so that retries do not dedupe.
    PaymentRequest Create(CreatePaymentCommand command = ValidCommand()) {
        command.external_id.reset();
        auto created = service_->Create(command, operator_);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created->payment;
    }
    Result<PaymentRequest> Move(std::int64_t id, std::string to) {
        return service_->UpdateStatus(id, {.status = std::move(to)}, operator_);
    }
    // Move that must succeed.
    void MoveOk(std::int64_t id, std::string to) {
        auto moved = Move(id, std::move(to));
        ASSERT_TRUE(moved.ok()) << moved.error().message;
    }
    PaymentRequest Completed(CreatePaymentCommand command = ValidCommand()) {
        PaymentRequest payment = Create(std::move(command));
        MoveOk(payment.id, "PROCESSING");
        MoveOk(payment.id, "COMPLETED");
        return payment;
    }

    FakeClock clock_{At("2026-01-24T10:30:00Z")};
    std::unique_ptr<db::Database> database_;
    std::unique_ptr<SettlementStore> store_;
    std::unique_ptr<SettlementService> service_;
    auth::Principal operator_{.sub = "ops@dictra.test"};
};

}  // namespace dictra::settlement
