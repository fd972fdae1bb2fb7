// Schedules without HTTP: validation, the runner's passes under a FakeClock, pause/resume,
// updates, end conditions, failures, exactly-once slots and scheduled payments becoming due.
#include <gtest/gtest.h>

#include "settlement/settlement_fixture.hpp"

namespace dictra::settlement {
namespace {

class ScheduleServiceTest : public SettlementServiceTest {
 protected:
    void SetUp() override {
        SettlementServiceTest::SetUp();
        template_ = Create();
    }

    CreateScheduleCommand Monthly(std::string date = "2026-02-01", std::int64_t day = 1) {
        return {.payment_request_id = template_.id,
                .type = "MONTHLY",
                .scheduled_date = std::move(date),
                .scheduled_time = "10:00",
                .day_of_month = day};
    }
    Schedule CreateOk(const CreateScheduleCommand& command) {
        auto created = service_->CreateSchedule(command, operator_);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created.ok() ? *created : Schedule{};
    }
    Schedule Reload(std::int64_t id) { return *service_->GetSchedule(id, operator_); }
    RunnerPass RunAt(std::string_view at) {
        clock_.Set(At(at));
        auto pass = service_->RunDue(50);
        EXPECT_TRUE(pass.ok()) << pass.error().message;
        return pass.ok() ? *pass : RunnerPass{};
    }
    static std::string Next(const Schedule& schedule) {
        return schedule.next_run_at ? FormatRfc3339(*schedule.next_run_at) : "none";
    }
    std::int64_t PaymentsTotal() { return service_->List({}, operator_)->total; }
    void ExpectInvalid(const CreateScheduleCommand& command, const std::string& field) {
        auto created = service_->CreateSchedule(command, operator_);
        ASSERT_FALSE(created.ok()) << "expected " << field << " to be refused";
        EXPECT_EQ(created.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(created.error().field, field) << created.error().message;
        EXPECT_NE(created.error().message.find(field), std::string::npos);
    }

    PaymentRequest template_;
};

TEST_F(ScheduleServiceTest, CreateGivesTheDocumentsAnswer) {
    CreateScheduleCommand command = Monthly();
    command.recurrence_end_date = "2026-12-31";
    command.max_occurrences = 12;
    Schedule schedule = CreateOk(command);
    EXPECT_GT(schedule.id, 0);
    EXPECT_EQ(schedule.unique_id.size(), 36u);
    EXPECT_EQ(schedule.status, ScheduleStatus::kActive);
    EXPECT_EQ(Next(schedule), "2026-02-01T10:00:00Z");
    EXPECT_EQ(schedule.run_count, 0);
    EXPECT_EQ(schedule.fail_count, 0);
    EXPECT_EQ(FormatRfc3339(schedule.created_at), "2026-01-24T10:30:00Z");
    EXPECT_EQ(Reload(schedule.id).created_by, "ops@dictra.test");
}

TEST_F(ScheduleServiceTest, EveryRuleNamesItsField) {
    CreateScheduleCommand command = Monthly();
    command.payment_request_id = 0;
    ExpectInvalid(command, "payment_request_id");
    command.payment_request_id = 999;
    ExpectInvalid(command, "payment_request_id");
    command = Monthly();
    command.type = "YEARLY";
    ExpectInvalid(command, "type");
    command.type = "monthly";
    ExpectInvalid(command, "type");
    for (const char* date : {"2026-02-30", "2026-2-1", "01/02/2026", "2026-02-01T10:00:00Z", ""}) {
        command = Monthly(date);
        ExpectInvalid(command, "scheduled_date");
    }
    command = Monthly();
    command.scheduled_time = "25:00";
    ExpectInvalid(command, "scheduled_time");
    command = Monthly();
    command.recurrence_end_date = "2026-01-31";
    ExpectInvalid(command, "recurrence_end_date");
    command.recurrence_end_date = "31/12/2026";
    ExpectInvalid(command, "recurrence_end_date");
    command = Monthly();
    command.max_occurrences = 0;
    ExpectInvalid(command, "max_occurrences");
    command.max_occurrences = -3;
    ExpectInvalid(command, "max_occurrences");
    command = Monthly();
    command.day_of_month.reset();
    ExpectInvalid(command, "day_of_month");
    command.day_of_month = 32;
    ExpectInvalid(command, "day_of_month");
    command.day_of_month = 0;
    ExpectInvalid(command, "day_of_month");
    command = {
        .payment_request_id = template_.id, .type = "WEEKLY", .scheduled_date = "2026-02-01"};
    ExpectInvalid(command, "day_of_week");
    command.day_of_week = 7;
    ExpectInvalid(command, "day_of_week");
    command.day_of_week = -1;
    ExpectInvalid(command, "day_of_week");
    command = {.payment_request_id = template_.id,
               .type = "DAILY",
               .scheduled_date = "2026-02-01",
               .day_of_month = 3};
    ExpectInvalid(command, "day_of_month");
    // An end date before the only eligible day leaves nothing to run.
    command = Monthly("2026-02-02", 1);
    command.recurrence_end_date = "2026-02-28";
    ExpectInvalid(command, "recurrence_end_date");
}

TEST_F(ScheduleServiceTest, NothingRunsBeforeTheSlot) {
    Schedule schedule = CreateOk(Monthly());
    RunnerPass pass = RunAt("2026-02-01T09:59:59Z");
    EXPECT_EQ(pass.schedules_run, 0u);
    EXPECT_EQ(Reload(schedule.id).run_count, 0);
    EXPECT_EQ(PaymentsTotal(), 1);
}

TEST_F(ScheduleServiceTest, EachRunCreatesAPaymentFromTheTemplateAndMovesToTheNextSlot) {
    Schedule schedule = CreateOk(Monthly("2026-01-31", 31));
    EXPECT_EQ(RunAt("2026-01-31T10:00:00Z").schedules_run, 1u);
    Schedule after = Reload(schedule.id);
    EXPECT_EQ(after.run_count, 1);
    EXPECT_EQ(Next(after), "2026-02-28T10:00:00Z");
    ASSERT_TRUE(after.last_payment_request_id.has_value());
    PaymentRequest made = *service_->Get(*after.last_payment_request_id, operator_);
    EXPECT_EQ(made.status, PaymentStatus::kPending);
    EXPECT_EQ(made.amount_centavos, template_.amount_centavos);
    EXPECT_EQ(made.debtor.ispb, template_.debtor.ispb);
    EXPECT_EQ(made.creditor.account_no, template_.creditor.account_no);
    EXPECT_EQ(made.description, template_.description);
    EXPECT_FALSE(made.external_id.has_value());
    EXPECT_NE(made.unique_id, template_.unique_id);
    EXPECT_EQ(service_->History(made.id, operator_)->at(0).changed_by, kRunnerActor);

    // The same instant again: the slot is done, nothing more happens.
    EXPECT_EQ(RunAt("2026-01-31T10:00:00Z").schedules_run, 0u);
    EXPECT_EQ(RunAt("2026-02-28T10:00:00Z").schedules_run, 1u);
    EXPECT_EQ(Next(Reload(schedule.id)), "2026-03-31T10:00:00Z");
    EXPECT_EQ(PaymentsTotal(), 3);

    auto runs = service_->ScheduleRuns(schedule.id, operator_);
    ASSERT_TRUE(runs.ok());
    ASSERT_EQ(runs->size(), 2u);
    EXPECT_EQ(FormatRfc3339(runs->at(1).slot), "2026-02-28T10:00:00Z");
}

TEST_F(ScheduleServiceTest, MaxOccurrencesCompletesTheSchedule) {
    CreateScheduleCommand command = Monthly();
    command.max_occurrences = 2;
    Schedule schedule = CreateOk(command);
    RunAt("2026-02-01T10:00:00Z");
    EXPECT_EQ(Reload(schedule.id).status, ScheduleStatus::kActive);
    RunAt("2026-03-01T10:00:00Z");
    Schedule done = Reload(schedule.id);
    EXPECT_EQ(done.status, ScheduleStatus::kCompleted);
    EXPECT_EQ(done.run_count, 2);
    EXPECT_FALSE(done.next_run_at.has_value());
    EXPECT_EQ(RunAt("2026-04-01T10:00:00Z").schedules_run, 0u);
    EXPECT_EQ(PaymentsTotal(), 3);
}

TEST_F(ScheduleServiceTest, EndDateCompletesTheSchedule) {
    CreateScheduleCommand command{.payment_request_id = template_.id,
                                  .type = "DAILY",
                                  .scheduled_date = "2026-02-01",
                                  .scheduled_time = "23:00",
                                  .recurrence_end_date = "2026-02-02"};
    Schedule schedule = CreateOk(command);
    RunAt("2026-02-01T23:00:00Z");
    EXPECT_EQ(Next(Reload(schedule.id)), "2026-02-02T23:00:00Z");
    RunAt("2026-02-02T23:00:05Z");
    Schedule done = Reload(schedule.id);
    EXPECT_EQ(done.status, ScheduleStatus::kCompleted);
    EXPECT_EQ(done.run_count, 2);
}

TEST_F(ScheduleServiceTest, OnceRunsOnceAndCompletes) {
    Schedule schedule = CreateOk(
        {.payment_request_id = template_.id, .type = "ONCE", .scheduled_date = "2026-02-01"});
    EXPECT_EQ(Next(schedule), "2026-02-01T00:00:00Z");
    RunAt("2026-02-01T00:00:00Z");
    EXPECT_EQ(Reload(schedule.id).status, ScheduleStatus::kCompleted);
    EXPECT_EQ(Reload(schedule.id).run_count, 1);
}

TEST_F(ScheduleServiceTest, ALateRunnerCatchesUpOnceNotInABurst) {
    Schedule schedule = CreateOk({.payment_request_id = template_.id,
                                  .type = "DAILY",
                                  .scheduled_date = "2026-02-01",
                                  .scheduled_time = "10:00"});
    // Down for ten days: one run now, then the next future slot.
    EXPECT_EQ(RunAt("2026-02-11T12:00:00Z").schedules_run, 1u);
    Schedule after = Reload(schedule.id);
    EXPECT_EQ(after.run_count, 1);
    EXPECT_EQ(Next(after), "2026-02-12T10:00:00Z");
    EXPECT_EQ(RunAt("2026-02-11T12:00:01Z").schedules_run, 0u);
}

TEST_F(ScheduleServiceTest, PausedSchedulesDoNotRunAndResumeFromNow) {
    Schedule schedule = CreateOk({.payment_request_id = template_.id,
                                  .type = "WEEKLY",
                                  .scheduled_date = "2026-02-01",
                                  .scheduled_time = "08:00",
                                  .day_of_week = 1});  // Mondays: 2026-02-02 first
    auto paused = service_->PauseSchedule(schedule.id, operator_);
    ASSERT_TRUE(paused.ok());
    EXPECT_EQ(paused->status, ScheduleStatus::kPaused);
    EXPECT_EQ(RunAt("2026-02-20T00:00:00Z").schedules_run, 0u);
    // Paused twice is a refused transition, like resuming an active one.
    auto again = service_->PauseSchedule(schedule.id, operator_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().reason, "INVALID_TRANSITION");

    clock_.Set(At("2026-02-23T09:00:00Z"));  // a Monday, after 08:00
    auto resumed = service_->ResumeSchedule(schedule.id, operator_);
    ASSERT_TRUE(resumed.ok());
    EXPECT_EQ(resumed->status, ScheduleStatus::kActive);
    EXPECT_EQ(Next(*resumed), "2026-03-02T08:00:00Z");  // no runs for the missed Mondays
    EXPECT_EQ(RunAt("2026-02-23T09:00:01Z").schedules_run, 0u);
    EXPECT_EQ(RunAt("2026-03-02T08:00:00Z").schedules_run, 1u);
    EXPECT_EQ(Reload(schedule.id).run_count, 1);
    auto resumed_again = service_->ResumeSchedule(schedule.id, operator_);
    ASSERT_FALSE(resumed_again.ok());
    EXPECT_EQ(resumed_again.error().reason, "INVALID_TRANSITION");
}

TEST_F(ScheduleServiceTest, UpdateRecomputesNextRunAt) {
    Schedule schedule = CreateOk(Monthly());
    UpdateScheduleCommand update;
    update.scheduled_date = {true, "2026-02-15"};
    update.scheduled_time = {true, "14:00"};
    update.day_of_month = {true, 15};
    update.recurrence_end_date = {true, "2026-06-30"};
    update.max_occurrences = {true, 6};
    auto updated = service_->UpdateSchedule(schedule.id, update, operator_);
    ASSERT_TRUE(updated.ok()) << updated.error().message;
    EXPECT_EQ(Next(*updated), "2026-02-15T14:00:00Z");
    EXPECT_EQ(*updated->max_occurrences, 6);
    EXPECT_EQ(FormatIsoDate(*updated->recurrence.end_date), "2026-06-30");

    // Changing the type drops the old type's day field; WEEKLY then needs its own.
    UpdateScheduleCommand to_weekly;
    to_weekly.type = {true, "WEEKLY"};
    auto refused = service_->UpdateSchedule(schedule.id, to_weekly, operator_);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().field, "day_of_week");
    to_weekly.day_of_week = {true, 5};
    auto weekly = service_->UpdateSchedule(schedule.id, to_weekly, operator_);
    ASSERT_TRUE(weekly.ok()) << weekly.error().message;
    EXPECT_FALSE(weekly->recurrence.day_of_month.has_value());
    EXPECT_EQ(Next(*weekly), "2026-02-20T14:00:00Z");  // the first Friday from 02-15

    // Null clears an optional limit.
    UpdateScheduleCommand clear;
    clear.recurrence_end_date = {true, std::nullopt};
    clear.max_occurrences = {true, std::nullopt};
    auto cleared = service_->UpdateSchedule(schedule.id, clear, operator_);
    ASSERT_TRUE(cleared.ok());
    EXPECT_FALSE(cleared->max_occurrences.has_value());
    EXPECT_FALSE(cleared->recurrence.end_date.has_value());

    UpdateScheduleCommand other_template;
    other_template.payment_request_id = template_.id + 100;
    EXPECT_EQ(service_->UpdateSchedule(schedule.id, other_template, operator_).error().field,
              "payment_request_id");
    UpdateScheduleCommand bad_date;
    bad_date.scheduled_date = {true, "tomorrow"};
    EXPECT_EQ(service_->UpdateSchedule(schedule.id, bad_date, operator_).error().field,
              "scheduled_date");
    // A refused update changes nothing.
    EXPECT_EQ(Next(Reload(schedule.id)), "2026-02-20T14:00:00Z");
}

TEST_F(ScheduleServiceTest, UpdateFromThePastDoesNotRunMissedSlots) {
    Schedule schedule = CreateOk(Monthly("2026-03-01", 1));
    clock_.Set(At("2026-05-10T00:00:00Z"));
    UpdateScheduleCommand update;
    update.scheduled_date = {true, "2026-01-01"};
    auto updated = service_->UpdateSchedule(schedule.id, update, operator_);
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(Next(*updated), "2026-06-01T10:00:00Z");
}

TEST_F(ScheduleServiceTest, LoweringMaxOccurrencesBelowTheRunsCompletes) {
    Schedule schedule = CreateOk(Monthly());
    RunAt("2026-02-01T10:00:00Z");
    RunAt("2026-03-01T10:00:00Z");
    UpdateScheduleCommand update;
    update.max_occurrences = {true, 2};
    auto updated = service_->UpdateSchedule(schedule.id, update, operator_);
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->status, ScheduleStatus::kCompleted);
    EXPECT_FALSE(updated->next_run_at.has_value());
}

TEST_F(ScheduleServiceTest, CancelIsFinal) {
    Schedule schedule = CreateOk(Monthly());
    auto cancelled = service_->CancelSchedule(schedule.id, operator_);
    ASSERT_TRUE(cancelled.ok());
    EXPECT_EQ(cancelled->status, ScheduleStatus::kCancelled);
    EXPECT_FALSE(cancelled->next_run_at.has_value());
    EXPECT_EQ(RunAt("2026-03-01T10:00:00Z").schedules_run, 0u);
    EXPECT_EQ(service_->CancelSchedule(schedule.id, operator_).error().reason,
              "INVALID_TRANSITION");
    EXPECT_EQ(service_->ResumeSchedule(schedule.id, operator_).error().reason,
              "INVALID_TRANSITION");
    EXPECT_EQ(service_->PauseSchedule(schedule.id, operator_).error().reason, "INVALID_TRANSITION");
    UpdateScheduleCommand update;
    update.max_occurrences = {true, 3};
    EXPECT_EQ(service_->UpdateSchedule(schedule.id, update, operator_).error().reason,
              "INVALID_TRANSITION");
}

TEST_F(ScheduleServiceTest, ARunThatCannotMakeAValidPaymentCountsAsFailedWithTheReason) {
    Schedule schedule = CreateOk(Monthly());
    // The template was valid when the schedule was made; a rule it breaks now fails the run.
    ASSERT_TRUE(database_
                    ->Write([&](db::Transaction& tx) -> Status {
                        auto changed = tx.Execute(
                            "UPDATE settlement_payment_requests SET amount_centavos = 0 "
                            "WHERE id = ?",
                            {template_.id});
                        if (!changed.ok()) return std::move(changed).error();
                        return Ok();
                    })
                    .ok());
    RunnerPass pass = RunAt("2026-02-01T10:00:00Z");
    EXPECT_EQ(pass.schedules_failed, 1u);
    Schedule after = Reload(schedule.id);
    EXPECT_EQ(after.run_count, 0);
    EXPECT_EQ(after.fail_count, 1);
    ASSERT_TRUE(after.last_failure_reason.has_value());
    EXPECT_NE(after.last_failure_reason->find("amount"), std::string::npos);
    EXPECT_EQ(Next(after), "2026-03-01T10:00:00Z");  // a failed slot is not retried forever
    EXPECT_EQ(PaymentsTotal(), 1);
    auto runs = service_->ScheduleRuns(schedule.id, operator_);
    ASSERT_EQ(runs->size(), 1u);
    EXPECT_FALSE(runs->at(0).payment_request_id.has_value());
    EXPECT_TRUE(runs->at(0).failure_reason.has_value());
}

TEST_F(ScheduleServiceTest, ASlotCommitsOnlyOnceEvenWhenTwoRunnersRaceForIt) {
    Schedule schedule = CreateOk(Monthly());
    clock_.Set(At("2026-02-01T10:00:00Z"));
    // Both runners read the schedule due; the first commits, the second finds it moved on.
    Schedule seen = Reload(schedule.id);
    Schedule next = seen;
    next.run_count = 1;
    next.next_run_at = At("2026-03-01T10:00:00Z");
    PaymentRequest payment = template_;
    payment.unique_id = "5e1ad3c6-1c4b-4d5e-9f00-000000000001";
    auto first = store_->CommitRun(seen, next, payment, "runner-a");
    ASSERT_TRUE(first.ok());
    EXPECT_TRUE(first->has_value());
    payment.unique_id = "5e1ad3c6-1c4b-4d5e-9f00-000000000002";
    auto second = store_->CommitRun(seen, next, payment, "runner-b");
    ASSERT_TRUE(second.ok());
    EXPECT_FALSE(second->has_value());
    EXPECT_EQ(PaymentsTotal(), 2);  // the template and the one run
    EXPECT_EQ(service_->ScheduleRuns(schedule.id, operator_)->size(), 1u);
}

TEST_F(ScheduleServiceTest, DueScheduledPaymentsBecomePendingOnTime) {
    CreatePaymentCommand later = ValidCommand();
    later.scheduled_date = "2026-02-15T10:00:00Z";
    PaymentRequest scheduled = Create(later);
    EXPECT_EQ(scheduled.status, PaymentStatus::kScheduled);
    EXPECT_EQ(RunAt("2026-02-15T09:59:59Z").payments_released, 0u);
    EXPECT_EQ(service_->Get(scheduled.id, operator_)->status, PaymentStatus::kScheduled);
    EXPECT_EQ(RunAt("2026-02-15T10:00:00Z").payments_released, 1u);
    EXPECT_EQ(service_->Get(scheduled.id, operator_)->status, PaymentStatus::kPending);
    auto history = service_->History(scheduled.id, operator_);
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ(history->at(1).from, PaymentStatus::kScheduled);
    EXPECT_EQ(history->at(1).changed_by, kRunnerActor);
    EXPECT_EQ(RunAt("2026-02-15T10:00:01Z").payments_released, 0u);
}

TEST_F(ScheduleServiceTest, ListFiltersByStatusTypeAndDueness) {
    Schedule monthly = CreateOk(Monthly("2026-01-25", 25));  // due 2026-01-25 10:00
    Schedule daily = CreateOk(
        {.payment_request_id = template_.id, .type = "DAILY", .scheduled_date = "2026-03-01"});
    Schedule paused = CreateOk(Monthly("2026-01-01", 1));
    ASSERT_TRUE(service_->PauseSchedule(paused.id, operator_).ok());
    clock_.Set(At("2026-01-26T00:00:00Z"));
    auto ids = [&](ScheduleListQuery query) {
        std::vector<std::int64_t> found;
        auto page = service_->ListSchedules(query, operator_);
        EXPECT_TRUE(page.ok()) << page.error().message;
        for (const Schedule& schedule : page->data) found.push_back(schedule.id);
        return found;
    };
    EXPECT_EQ(ids({}), (std::vector<std::int64_t>{paused.id, daily.id, monthly.id}));
    EXPECT_EQ(ids({.status = "PAUSED"}), (std::vector<std::int64_t>{paused.id}));
    EXPECT_EQ(ids({.type = "DAILY"}), (std::vector<std::int64_t>{daily.id}));
    EXPECT_EQ(ids({.is_due = "true"}), (std::vector<std::int64_t>{monthly.id}));
    EXPECT_EQ(ids({.is_due = "false"}), (std::vector<std::int64_t>{paused.id, daily.id}));
    EXPECT_EQ(ids({.type = "MONTHLY", .limit = "1", .offset = "1"}),
              (std::vector<std::int64_t>{monthly.id}));
    for (ScheduleListQuery bad :
         {ScheduleListQuery{.status = "DONE"}, ScheduleListQuery{.type = "monthly"},
          ScheduleListQuery{.is_due = "yes"}, ScheduleListQuery{.limit = "0"},
          ScheduleListQuery{.limit = "101"}, ScheduleListQuery{.limit = "-1"},
          ScheduleListQuery{.limit = "x"}, ScheduleListQuery{.offset = "-5"}}) {
        auto page = service_->ListSchedules(bad, operator_);
        ASSERT_FALSE(page.ok());
        EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST_F(ScheduleServiceTest, ParticipantsSeeOnlyTheirOwnSchedules) {
    auth::Principal creditor{.sub = "bank-b", .ispb = "87654321"};
    auth::Principal stranger{.sub = "bank-c", .ispb = "11111111"};
    auto mine = service_->CreateSchedule(Monthly(), creditor);
    ASSERT_TRUE(mine.ok()) << mine.error().message;
    // A stranger cannot use a template it cannot see, nor see the schedule.
    EXPECT_EQ(service_->CreateSchedule(Monthly(), stranger).error().field, "payment_request_id");
    EXPECT_EQ(service_->GetSchedule(mine->id, stranger).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->PauseSchedule(mine->id, stranger).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->ListSchedules({}, stranger)->total, 0);
    EXPECT_EQ(service_->ListSchedules({}, creditor)->total, 1);
    EXPECT_TRUE(service_->GetSchedule(mine->id, operator_).ok());
}

}  // namespace
}  // namespace dictra::settlement
