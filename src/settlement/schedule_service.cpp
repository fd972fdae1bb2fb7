// SettlementService: recurring schedules and the runner pass (spec "Schedules").
#include <charconv>

#include "core/check.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "settlement/rule_errors.hpp"
#include "settlement/service.hpp"

namespace dictra::settlement {
namespace {

Result<std::chrono::year_month_day> ParseDateField(const std::string& text,
                                                   const std::string& field) {
    auto date = ParseIsoDate(text);
    if (!date.ok()) return Invalid(field, "must be a date YYYY-MM-DD");
    return *date;
}

// The parts of a schedule a create or an update sets, still as the caller's values.
struct ScheduleFields {
    std::string type;
    std::string scheduled_date;
    std::optional<std::string> scheduled_time;
    std::optional<std::string> recurrence_end_date;
    std::optional<std::int64_t> max_occurrences;
    std::optional<std::int64_t> day_of_week;
    std::optional<std::int64_t> day_of_month;
};

// Validates `fields` into `schedule`'s recurrence and max_occurrences.
Status ApplyFields(const ScheduleFields& fields, Schedule& schedule) {
    std::optional<ScheduleType> type = ScheduleTypeFromString(fields.type);
    if (!type) return Invalid("type", "must be one of ONCE, DAILY, WEEKLY, MONTHLY");
    Recurrence recurrence{.type = *type};
    DICTRA_ASSIGN_OR_RETURN(recurrence.start_date,
                            ParseDateField(fields.scheduled_date, "scheduled_date"));
    if (fields.scheduled_time) {
        DICTRA_ASSIGN_OR_RETURN(recurrence.time_of_day, ParseTimeOfDay(*fields.scheduled_time));
    }
    if (fields.recurrence_end_date) {
        DICTRA_ASSIGN_OR_RETURN(recurrence.end_date,
                                ParseDateField(*fields.recurrence_end_date, "recurrence_end_date"));
    }
    if (fields.day_of_week) {
        if (*fields.day_of_week < 0 || *fields.day_of_week > 6)
            return Invalid("day_of_week", "must be 0 (Sunday) to 6 (Saturday)");
        recurrence.day_of_week = static_cast<unsigned>(*fields.day_of_week);
    }
    if (fields.day_of_month) {
        if (*fields.day_of_month < 1 || *fields.day_of_month > 31)
            return Invalid("day_of_month", "must be 1 to 31");
        recurrence.day_of_month = static_cast<unsigned>(*fields.day_of_month);
    }
    DICTRA_RETURN_IF_ERROR(CheckRecurrence(recurrence));
    if (fields.max_occurrences &&
        (*fields.max_occurrences < 1 || *fields.max_occurrences > kScheduleOccurrencesMax))
        return Invalid("max_occurrences",
                       "must be between 1 and " + std::to_string(kScheduleOccurrencesMax));
    schedule.recurrence = recurrence;
    schedule.max_occurrences = fields.max_occurrences;
    return Ok();
}

ScheduleFields FieldsOf(const Schedule& schedule) {
    const Recurrence& recurrence = schedule.recurrence;
    ScheduleFields fields{
        .type = std::string(ToString(recurrence.type)),
        .scheduled_date = FormatIsoDate(recurrence.start_date),
        .scheduled_time = FormatTimeOfDay(recurrence.time_of_day),
        .max_occurrences = schedule.max_occurrences,
    };
    if (recurrence.end_date) fields.recurrence_end_date = FormatIsoDate(*recurrence.end_date);
    if (recurrence.day_of_week) fields.day_of_week = *recurrence.day_of_week;
    if (recurrence.day_of_month) fields.day_of_month = *recurrence.day_of_month;
    return fields;
}

template <typename T>
void ApplyPatch(const Patch<T>& patch, std::optional<T>& field) {
    if (patch.present) field = patch.value;
}

bool OccurrencesExhausted(const Schedule& schedule) {
    return schedule.max_occurrences &&
           schedule.run_count + schedule.fail_count >= *schedule.max_occurrences;
}

// Sets next_run_at to the first slot at or after `from`, or COMPLETED when there is none left.
void PlanFrom(Schedule& schedule, SystemTimePoint from) {
    schedule.next_run_at = OccurrencesExhausted(schedule)
                               ? std::nullopt
                               : FirstSlotAtOrAfter(schedule.recurrence, from);
    if (!schedule.next_run_at) schedule.status = ScheduleStatus::kCompleted;
}

bool CanSeeSchedule(const auth::Principal& principal, const Schedule& schedule) {
    return !principal.ispb || principal.ispb == schedule.owner_ispb;
}

// A run's request: the template's payment fields, due now (so PENDING), without the template's
// identity (external_id, tx_id, qr_code_data belong to the template's own charge).
CreatePaymentCommand RunCommand(const PaymentRequest& template_request) {
    auto party = [](const Party& party) {
        return CreatePaymentCommand::PartyFields{
            .ispb = party.ispb,
            .document = party.document,
            .name = party.name,
            .account_no = party.account_no,
            .account_type = std::string(ToString(party.account_type)),
            .branch = party.branch};
    };
    CreatePaymentCommand command{.amount_centavos = template_request.amount_centavos,
                                 .currency = template_request.currency,
                                 .debtor = party(template_request.debtor),
                                 .creditor = party(template_request.creditor),
                                 .description = template_request.description,
                                 .additional_info = template_request.additional_info};
    for (const Discount& discount : template_request.discounts)
        command.discounts.push_back({FormatRfc3339(discount.date), discount.amount_centavos});
    return command;
}

}  // namespace

Result<Schedule> SettlementService::CreateSchedule(const CreateScheduleCommand& command,
                                                   const auth::Principal& principal) {
    if (command.payment_request_id < 1)
        return Invalid("payment_request_id", "must be a positive integer");
    Schedule schedule;
    DICTRA_RETURN_IF_ERROR(ApplyFields({.type = command.type,
                                        .scheduled_date = command.scheduled_date,
                                        .scheduled_time = command.scheduled_time,
                                        .recurrence_end_date = command.recurrence_end_date,
                                        .max_occurrences = command.max_occurrences,
                                        .day_of_week = command.day_of_week,
                                        .day_of_month = command.day_of_month},
                                       schedule));
    auto template_request = Get(command.payment_request_id, principal);
    if (!template_request.ok()) {
        if (template_request.error().code == ErrorCode::kNotFound)
            return Invalid(
                "payment_request_id",
                "names no payment request (" + std::to_string(command.payment_request_id) + ")");
        return std::move(template_request).error();
    }
    const SystemTimePoint now = clock_.Now();
    schedule.unique_id = NewUuidV7(now);
    schedule.payment_request_id = command.payment_request_id;
    schedule.status = ScheduleStatus::kActive;
    schedule.next_run_at = FirstSlot(schedule.recurrence);
    // CheckRecurrence guarantees a first slot: end_date is never before the start date, and
    // every type has a slot within a month of it... except MONTHLY/WEEKLY whose first eligible
    // date lies after end_date.
    if (!schedule.next_run_at)
        return Invalid("recurrence_end_date", "leaves no date on which the schedule could run");
    schedule.owner_ispb = principal.ispb;
    schedule.created_by = principal.sub;
    schedule.created_at = now;
    schedule.updated_at = now;
    return store_.InsertSchedule(schedule);
}

Result<Schedule> SettlementService::GetSchedule(std::int64_t id, const auth::Principal& principal) {
    DICTRA_ASSIGN_OR_RETURN(std::optional<Schedule> schedule, store_.GetSchedule(id));
    if (!schedule || !CanSeeSchedule(principal, *schedule))
        return Error::NotFound("schedule not found");
    return std::move(*schedule);
}

Result<SchedulePage> SettlementService::ListSchedules(const ScheduleListQuery& query,
                                                      const auth::Principal& principal) {
    ScheduleFilter filter;
    if (query.status) {
        filter.status = ScheduleStatusFromString(*query.status);
        if (!filter.status)
            return Invalid("status", "must be one of ACTIVE, PAUSED, COMPLETED, CANCELLED");
    }
    if (query.type) {
        filter.type = ScheduleTypeFromString(*query.type);
        if (!filter.type) return Invalid("type", "must be one of ONCE, DAILY, WEEKLY, MONTHLY");
    }
    if (query.is_due) {
        if (*query.is_due != "true" && *query.is_due != "false")
            return Invalid("is_due", "must be true or false");
        filter.is_due = *query.is_due == "true";
    }
    filter.due_at = clock_.Now();
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> limit,
                            ParseNonNegative(query.limit, "limit"));
    if (limit && (*limit < 1 || *limit > kListLimitMax))
        return Invalid("limit", "must be between 1 and " + std::to_string(kListLimitMax));
    filter.limit = limit.value_or(kListLimitDefault);
    DICTRA_ASSIGN_OR_RETURN(std::optional<std::int64_t> offset,
                            ParseNonNegative(query.offset, "offset"));
    filter.offset = offset.value_or(0);
    filter.owner_ispb = principal.ispb;
    return store_.ListSchedules(filter);
}

Result<Schedule> SettlementService::ChangeOwnSchedule(
    std::int64_t id, const auth::Principal& principal,
    const SettlementStore::DecideSchedule& decide) {
    return store_.ChangeSchedule(id, [&](const Schedule& current) -> Result<Schedule> {
        if (!CanSeeSchedule(principal, current)) return Error::NotFound("schedule not found");
        return decide(current);
    });
}

Result<Schedule> SettlementService::UpdateSchedule(std::int64_t id,
                                                   const UpdateScheduleCommand& command,
                                                   const auth::Principal& principal) {
    const SystemTimePoint now = clock_.Now();
    return ChangeOwnSchedule(id, principal, [&](const Schedule& current) -> Result<Schedule> {
        if (command.payment_request_id && *command.payment_request_id != current.payment_request_id)
            return Invalid("payment_request_id", "cannot be changed; create another schedule");
        if (current.status != ScheduleStatus::kActive && current.status != ScheduleStatus::kPaused)
            return InvalidTransition("cannot update schedule in " +
                                     std::string(ToString(current.status)) + " status");
        ScheduleFields fields = FieldsOf(current);
        if (command.type.present) {
            if (!command.type.value) return Invalid("type", "must not be null");
            fields.type = *command.type.value;
        }
        if (command.scheduled_date.present) {
            if (!command.scheduled_date.value) return Invalid("scheduled_date", "must not be null");
            fields.scheduled_date = *command.scheduled_date.value;
        }
        ApplyPatch(command.scheduled_time, fields.scheduled_time);
        ApplyPatch(command.recurrence_end_date, fields.recurrence_end_date);
        ApplyPatch(command.max_occurrences, fields.max_occurrences);
        ApplyPatch(command.day_of_week, fields.day_of_week);
        ApplyPatch(command.day_of_month, fields.day_of_month);
        // Changing the type drops the day field of the old type unless the caller set it.
        if (command.type.present && !command.day_of_week.present && *command.type.value != "WEEKLY")
            fields.day_of_week.reset();
        if (command.type.present && !command.day_of_month.present &&
            *command.type.value != "MONTHLY")
            fields.day_of_month.reset();
        Schedule next = current;
        DICTRA_RETURN_IF_ERROR(ApplyFields(fields, next));
        next.updated_at = now;
        PlanFrom(next, now);
        return next;
    });
}

Result<Schedule> SettlementService::PauseSchedule(std::int64_t id,
                                                  const auth::Principal& principal) {
    const SystemTimePoint now = clock_.Now();
    return ChangeOwnSchedule(id, principal, [&](const Schedule& current) -> Result<Schedule> {
        if (current.status != ScheduleStatus::kActive)
            return InvalidTransition("cannot pause schedule in " +
                                     std::string(ToString(current.status)) + " status");
        Schedule next = current;
        next.status = ScheduleStatus::kPaused;
        next.updated_at = now;
        return next;
    });
}

Result<Schedule> SettlementService::ResumeSchedule(std::int64_t id,
                                                   const auth::Principal& principal) {
    const SystemTimePoint now = clock_.Now();
    return ChangeOwnSchedule(id, principal, [&](const Schedule& current) -> Result<Schedule> {
        if (current.status != ScheduleStatus::kPaused)
            return InvalidTransition("cannot resume schedule in " +
                                     std::string(ToString(current.status)) + " status");
        Schedule next = current;
        next.status = ScheduleStatus::kActive;
        next.updated_at = now;
        PlanFrom(next, now);
        return next;
    });
}

Result<Schedule> SettlementService::CancelSchedule(std::int64_t id,
                                                   const auth::Principal& principal) {
    const SystemTimePoint now = clock_.Now();
    return ChangeOwnSchedule(id, principal, [&](const Schedule& current) -> Result<Schedule> {
        if (current.status != ScheduleStatus::kActive && current.status != ScheduleStatus::kPaused)
            return InvalidTransition("cannot cancel schedule in " +
                                     std::string(ToString(current.status)) + " status");
        Schedule next = current;
        next.status = ScheduleStatus::kCancelled;
        next.next_run_at.reset();
        next.updated_at = now;
        return next;
    });
}

Result<std::vector<ScheduleRun>> SettlementService::ScheduleRuns(std::int64_t id,
                                                                 const auth::Principal& principal) {
    DICTRA_RETURN_IF_ERROR(GetSchedule(id, principal));
    return store_.Runs(id);
}

Result<RunnerPass> SettlementService::RunDue(std::size_t batch_max) {
    const SystemTimePoint now = clock_.Now();
    RunnerPass pass;
    DICTRA_ASSIGN_OR_RETURN(pass.payments_released,
                            store_.ReleaseDuePayments(now, batch_max, std::string(kRunnerActor)));
    DICTRA_ASSIGN_OR_RETURN(std::vector<Schedule> due, store_.DueSchedules(now, batch_max));
    for (const Schedule& schedule : due) {
        DICTRA_ASSIGN_OR_RETURN(bool succeeded, RunSlot(schedule, now));
        ++(succeeded ? pass.schedules_run : pass.schedules_failed);
    }
    return pass;
}

// Returns whether the slot made a payment (false: it failed and counts in fail_count). A slot
// another runner took meanwhile counts as neither and returns true.
Result<bool> SettlementService::RunSlot(const Schedule& schedule, SystemTimePoint now) {
    DICTRA_CHECK(schedule.next_run_at.has_value());
    const SystemTimePoint slot = *schedule.next_run_at;
    Schedule next = schedule;
    next.last_run_at = now;
    next.updated_at = now;

    std::optional<PaymentRequest> payment;
    DICTRA_ASSIGN_OR_RETURN(std::optional<PaymentRequest> template_request,
                            store_.Get(schedule.payment_request_id));
    if (template_request) {
        auto validated = ValidatedPayment(RunCommand(*template_request), now);
        if (validated.ok()) {
            payment = std::move(*validated);
        } else {
            next.last_failure_reason = "template payment request " +
                                       std::to_string(schedule.payment_request_id) +
                                       " is not valid now: " + validated.error().message;
        }
    } else {
        next.last_failure_reason =
            "template payment request " + std::to_string(schedule.payment_request_id) + " is gone";
    }
    if (next.last_failure_reason && next.last_failure_reason->size() > kFailureReasonBytesMax)
        next.last_failure_reason->resize(kFailureReasonBytesMax);
    ++(payment ? next.run_count : next.fail_count);
    // Missed slots (the runner was down) are skipped: the next slot is after now, not after this
    // slot, so a late runner makes one catch-up run per schedule, never a burst.
    PlanFrom(next, std::max(slot, now) + std::chrono::microseconds(1));

    DICTRA_ASSIGN_OR_RETURN(std::optional<Schedule> committed,
                            store_.CommitRun(schedule, next, payment, std::string(kRunnerActor)));
    if (!committed) return true;
    auto line = log::Info("schedule_run");
    line.Int("schedule_id", schedule.id).Str("slot", FormatRfc3339(slot));
    if (committed->last_payment_request_id && payment)
        line.Int("payment_request_id", *committed->last_payment_request_id);
    else
        line.Str("failure_reason", committed->last_failure_reason.value_or(""));
    line.Str("next_run_at", committed->next_run_at ? FormatRfc3339(*committed->next_run_at) : "")
        .Str("status", ToString(committed->status));
    return payment.has_value();
}

}  // namespace dictra::settlement
