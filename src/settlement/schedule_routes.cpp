// Settlement over HTTP, section "Schedules": /api/v1/schedules and its sub-resources.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/auth/principal.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "settlement/routes.hpp"

namespace dictra::settlement {
namespace {

std::optional<std::string> Query(const http::Request& request, std::string_view name) {
    auto value = request.QueryParam(name);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

Result<CreateScheduleCommand> ParseCreateSchedule(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    CreateScheduleCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.payment_request_id, body.RequiredInt("payment_request_id"));
    DICTRA_ASSIGN_OR_RETURN(command.type, body.RequiredString("type"));
    DICTRA_ASSIGN_OR_RETURN(command.scheduled_date, body.RequiredString("scheduled_date"));
    DICTRA_ASSIGN_OR_RETURN(command.scheduled_time, body.OptionalString("scheduled_time"));
    DICTRA_ASSIGN_OR_RETURN(command.recurrence_end_date,
                            body.OptionalString("recurrence_end_date"));
    DICTRA_ASSIGN_OR_RETURN(command.max_occurrences, body.OptionalInt("max_occurrences"));
    DICTRA_ASSIGN_OR_RETURN(command.day_of_week, body.OptionalInt("day_of_week"));
    DICTRA_ASSIGN_OR_RETURN(command.day_of_month, body.OptionalInt("day_of_month"));
    return command;
}

// A field that is absent keeps its value, null clears it, anything else sets it.
Result<Patch<std::string>> StringPatch(const json::ObjectReader& body, std::string_view field) {
    Patch<std::string> patch{.present = body.object().contains(field)};
    DICTRA_ASSIGN_OR_RETURN(patch.value, body.OptionalString(field));
    return patch;
}

Result<Patch<std::int64_t>> IntPatch(const json::ObjectReader& body, std::string_view field) {
    Patch<std::int64_t> patch{.present = body.object().contains(field)};
    DICTRA_ASSIGN_OR_RETURN(patch.value, body.OptionalInt(field));
    return patch;
}

Result<UpdateScheduleCommand> ParseUpdateSchedule(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    UpdateScheduleCommand command;
    DICTRA_ASSIGN_OR_RETURN(command.type, StringPatch(body, "type"));
    DICTRA_ASSIGN_OR_RETURN(command.scheduled_date, StringPatch(body, "scheduled_date"));
    DICTRA_ASSIGN_OR_RETURN(command.scheduled_time, StringPatch(body, "scheduled_time"));
    DICTRA_ASSIGN_OR_RETURN(command.recurrence_end_date, StringPatch(body, "recurrence_end_date"));
    DICTRA_ASSIGN_OR_RETURN(command.max_occurrences, IntPatch(body, "max_occurrences"));
    DICTRA_ASSIGN_OR_RETURN(command.day_of_week, IntPatch(body, "day_of_week"));
    DICTRA_ASSIGN_OR_RETURN(command.day_of_month, IntPatch(body, "day_of_month"));
    DICTRA_ASSIGN_OR_RETURN(command.payment_request_id, body.OptionalInt("payment_request_id"));
    return command;
}

boost::json::object ToJson(const Schedule& schedule) {
    const Recurrence& recurrence = schedule.recurrence;
    boost::json::object object;
    object["id"] = schedule.id;
    object["unique_id"] = schedule.unique_id;
    object["payment_request_id"] = schedule.payment_request_id;
    object["type"] = ToString(recurrence.type);
    object["scheduled_date"] = FormatIsoDate(recurrence.start_date);
    object["scheduled_time"] = FormatTimeOfDay(recurrence.time_of_day);
    if (recurrence.end_date) object["recurrence_end_date"] = FormatIsoDate(*recurrence.end_date);
    if (schedule.max_occurrences) object["max_occurrences"] = *schedule.max_occurrences;
    if (recurrence.day_of_week) object["day_of_week"] = *recurrence.day_of_week;
    if (recurrence.day_of_month) object["day_of_month"] = *recurrence.day_of_month;
    object["status"] = ToString(schedule.status);
    object["next_run_at"] =
        schedule.next_run_at ? boost::json::value(FormatRfc3339(*schedule.next_run_at)) : nullptr;
    object["run_count"] = schedule.run_count;
    object["fail_count"] = schedule.fail_count;
    if (schedule.last_run_at) object["last_run_at"] = FormatRfc3339(*schedule.last_run_at);
    if (schedule.last_payment_request_id)
        object["last_payment_request_id"] = *schedule.last_payment_request_id;
    if (schedule.last_failure_reason) object["last_failure_reason"] = *schedule.last_failure_reason;
    object["created_at"] = FormatRfc3339(schedule.created_at);
    object["updated_at"] = FormatRfc3339(schedule.updated_at);
    return object;
}

boost::json::object ToPageJson(const SchedulePage& page) {
    boost::json::array data;
    for (const Schedule& schedule : page.data) data.push_back(ToJson(schedule));
    return {{"data", std::move(data)},
            {"pagination", PaginationJson(page.total, page.limit, page.offset)}};
}

http::Response Json(http::Status status, const boost::json::object& body) {
    return http::JsonText(status, json::Serialize(body));
}

// PUT /schedules/{id}/pause and /resume: the same shape around a different service call.
using ScheduleAction = Result<Schedule> (SettlementService::*)(std::int64_t,
                                                               const auth::Principal&);

http::Handler ActionHandler(SettlementService& service, ScheduleAction action) {
    return [&service, action](http::Request& request) -> Result<http::Response> {
        DICTRA_ASSIGN_OR_RETURN(std::int64_t id, ParsePaymentId(request.PathParam("id")));
        DICTRA_ASSIGN_OR_RETURN(Schedule schedule, (service.*action)(id, *request.principal));
        return Json(http::Status::kOk, ToJson(schedule));
    };
}

}  // namespace

void AddScheduleRoutes(http::Router& router, SettlementService& service) {
    router.Add(http::Method::kPost, "/api/v1/schedules",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(CreateScheduleCommand command,
                                           ParseCreateSchedule(request));
                   DICTRA_ASSIGN_OR_RETURN(Schedule schedule,
                                           service.CreateSchedule(command, *request.principal));
                   return Json(http::Status::kCreated, ToJson(schedule));
               });
    router.Add(http::Method::kGet, "/api/v1/schedules",
               [&service](http::Request& request) -> Result<http::Response> {
                   ScheduleListQuery query{.status = Query(request, "status"),
                                           .type = Query(request, "type"),
                                           .is_due = Query(request, "is_due"),
                                           .limit = Query(request, "limit"),
                                           .offset = Query(request, "offset")};
                   DICTRA_ASSIGN_OR_RETURN(SchedulePage page,
                                           service.ListSchedules(query, *request.principal));
                   return Json(http::Status::kOk, ToPageJson(page));
               });
    router.Add(http::Method::kGet, "/api/v1/schedules/{id}",
               ActionHandler(service, &SettlementService::GetSchedule));
    router.Add(
        http::Method::kPut, "/api/v1/schedules/{id}",
        [&service](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(std::int64_t id, ParsePaymentId(request.PathParam("id")));
            DICTRA_ASSIGN_OR_RETURN(UpdateScheduleCommand command, ParseUpdateSchedule(request));
            DICTRA_ASSIGN_OR_RETURN(Schedule schedule,
                                    service.UpdateSchedule(id, command, *request.principal));
            return Json(http::Status::kOk, ToJson(schedule));
        });
    router.Add(http::Method::kDelete, "/api/v1/schedules/{id}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t id,
                                           ParsePaymentId(request.PathParam("id")));
                   DICTRA_RETURN_IF_ERROR(service.CancelSchedule(id, *request.principal));
                   return http::Empty(http::Status::kNoContent);
               });
    router.Add(http::Method::kPut, "/api/v1/schedules/{id}/pause",
               ActionHandler(service, &SettlementService::PauseSchedule));
    router.Add(http::Method::kPut, "/api/v1/schedules/{id}/resume",
               ActionHandler(service, &SettlementService::ResumeSchedule));
}

}  // namespace dictra::settlement
