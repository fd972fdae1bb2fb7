#include "dict/claim_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/auth/principal.hpp"
#include "core/json/json.hpp"
#include "core/time.hpp"
#include "dict/service.hpp"

namespace dictra::dict {
namespace {

Result<Ispb> Participant(const http::Request& request) {
    return ActingParticipant(*request.principal, request.Header("X-Participant-ISPB"));
}

std::optional<std::string> Query(const http::Request& request, std::string_view name) {
    auto value = request.QueryParam(name);
    if (!value) return std::nullopt;
    return std::string(*value);
}

http::Response Json(http::Status status, const boost::json::value& body) {
    return http::JsonText(status, json::Serialize(body));
}

// ---- JSON -> command ----

Result<CreateClaimCommand> ParseCreateClaim(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    CreateClaimCommand command;
    command.key = std::string(request.PathParam("key"));
    DICTRA_ASSIGN_OR_RETURN(command.key_type, body.RequiredString("keyType"));
    DICTRA_ASSIGN_OR_RETURN(command.claimer_tax_id, body.RequiredString("claimerTaxId"));
    DICTRA_ASSIGN_OR_RETURN(command.claimer_account, body.RequiredString("claimerAccount"));
    DICTRA_ASSIGN_OR_RETURN(command.claimer_branch, body.RequiredString("claimerBranch"));
    DICTRA_ASSIGN_OR_RETURN(command.claimer_account_type,
                            body.RequiredString("claimerAccountType"));
    DICTRA_ASSIGN_OR_RETURN(command.claimer_name, body.RequiredString("claimerName"));
    DICTRA_ASSIGN_OR_RETURN(command.claimer_owner_type, body.RequiredString("claimerOwnerType"));
    // The document also lists keyType as a query parameter: when both are sent they must agree.
    if (auto query_type = request.QueryParam("keyType");
        query_type && *query_type != command.key_type) {
        return Error::InvalidArgument("keyType query parameter and body differ", "keyType")
            .WithReason("INVALID_KEY_TYPE");
    }
    return command;
}

Result<UpdateClaimCommand> ParseUpdateClaim(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    UpdateClaimCommand command;
    command.key = std::string(request.PathParam("key"));
    command.claim_id = std::string(request.PathParam("claimId"));
    // Any action that is not one of the three strings gets the documented message, whatever
    // its JSON type.
    if (const boost::json::value* action = object.if_contains("action");
        action != nullptr && action->is_string()) {
        command.action = std::string(action->as_string());
    }
    DICTRA_ASSIGN_OR_RETURN(command.reason, body.OptionalString("reason"));
    return command;
}

Result<std::vector<std::string>> ParseAcknowledge(const http::Request& request) {
    DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
    json::ObjectReader body(object);
    DICTRA_ASSIGN_OR_RETURN(const boost::json::array* ids, body.RequiredArray("notification_ids"));
    if (ids->size() > kAcknowledgeIdsMax) {
        return Error::InvalidArgument("notification_ids must hold at most 200 ids",
                                      "notification_ids");
    }
    std::vector<std::string> notification_ids;
    for (std::size_t id_idx = 0; id_idx < ids->size(); ++id_idx) {
        const boost::json::value& id = (*ids)[id_idx];
        if (!id.is_string()) {
            const std::string field = "notification_ids[" + std::to_string(id_idx) + "]";
            return Error::InvalidArgument(field + " must be a string", field);
        }
        notification_ids.emplace_back(id.as_string());
    }
    return notification_ids;
}

// ---- model -> JSON ----

// The document's claim object (the union of its examples) plus the claimer's account, the D+7
// date, the times of each step and the free-text reasons.
boost::json::object ToJson(const Claim& claim) {
    boost::json::object object;
    object["id"] = claim.id;
    object["claimId"] = claim.claim_id;
    object["type"] = ToString(claim.type);
    object["status"] = ToString(claim.status);
    object["keyType"] = ToString(claim.key_type);
    object["keyValue"] = claim.key;
    object["donorIspb"] = claim.donor_ispb;
    object["donorTaxId"] = claim.donor_tax_id;
    object["donorAccount"] = claim.donor_account;
    object["claimerIspb"] = claim.claimer_ispb;
    object["claimerTaxId"] = claim.claimer_tax_id;
    object["claimerName"] = claim.claimer_name;
    object["claimerOwnerType"] = ToLetter(claim.claimer_owner_type);
    object["claimerBranch"] = claim.claimer_branch;
    object["claimerAccount"] = claim.claimer_account;
    object["claimerAccountType"] = ToString(claim.claimer_account_type);
    object["donorNotificationDate"] = FormatRfc3339(claim.donor_notification_at);
    object["donorDeadline"] = FormatRfc3339(claim.donor_deadline);
    object["claimerDeadline"] = FormatRfc3339(claim.claimer_deadline);
    if (claim.confirm_reason) object["confirmReason"] = ToString(*claim.confirm_reason);
    if (claim.confirm_note) object["confirmNote"] = *claim.confirm_note;
    if (claim.confirmed_at) object["confirmedAt"] = FormatRfc3339(*claim.confirmed_at);
    if (claim.cancelled_by) object["cancelledBy"] = ToString(*claim.cancelled_by);
    if (claim.cancel_reason) object["cancelReason"] = *claim.cancel_reason;
    if (claim.cancelled_at) object["cancelledAt"] = FormatRfc3339(*claim.cancelled_at);
    if (claim.completed_at) object["completedAt"] = FormatRfc3339(*claim.completed_at);
    object["autoResolved"] = claim.auto_resolved;
    object["createdAt"] = FormatRfc3339(claim.created_at);
    object["updatedAt"] = FormatRfc3339(claim.updated_at);
    return object;
}

boost::json::array ToJson(const std::vector<Claim>& claims) {
    boost::json::array array;
    for (const Claim& claim : claims) array.emplace_back(ToJson(claim));
    return array;
}

// The document's notification object (snake_case, as the document writes it).
boost::json::object ToJson(const EventNotification& notification) {
    boost::json::object object;
    object["id"] = notification.notification_id;
    object["event_type"] = ToString(notification.event_type);
    object["claim_id"] = notification.claim_id;
    object["claim_status"] = ToString(notification.claim_status);
    object["scheduled_at"] = FormatRfc3339(notification.scheduled_at);
    object["created_at"] = FormatRfc3339(notification.created_at);
    object["acknowledged"] = notification.acknowledged;
    if (notification.acknowledged_at)
        object["acknowledged_at"] = FormatRfc3339(*notification.acknowledged_at);
    return object;
}

}  // namespace

void AddClaimRoutes(http::Router& router, ClaimService& service) {
    router.Add(http::Method::kPost, "/api/v2/entries/{key}/claims",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(CreateClaimCommand command, ParseCreateClaim(request));
                   DICTRA_ASSIGN_OR_RETURN(Claim claim, service.Create(command, participant));
                   return Json(http::Status::kCreated, ToJson(claim));
               });
    router.Add(http::Method::kGet, "/api/v2/entries/{key}/claims",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(
                       std::vector<Claim> claims,
                       service.ListForKey(request.PathParam("key"), request.QueryParam("keyType"),
                                          participant));
                   boost::json::object body;
                   body["claims"] = ToJson(claims);
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kPatch, "/api/v2/entries/{key}/claims/{claimId}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(UpdateClaimCommand command, ParseUpdateClaim(request));
                   DICTRA_ASSIGN_OR_RETURN(Claim claim, service.Update(command, participant));
                   return Json(http::Status::kOk, ToJson(claim));
               });
    router.Add(http::Method::kGet, "/api/v2/claims",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   ListClaimsQuery query{.role = Query(request, "role"),
                                         .status = Query(request, "status"),
                                         .page = Query(request, "page"),
                                         .page_size = Query(request, "pageSize")};
                   DICTRA_ASSIGN_OR_RETURN(ClaimPage page, service.List(query, participant));
                   boost::json::object body;
                   body["claims"] = ToJson(page.claims);
                   body["totalCount"] = page.total_count;
                   body["page"] = page.page;
                   body["pageSize"] = page.page_size;
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kGet, "/api/v2/claims/{claimId}",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(Claim claim,
                                           service.Get(request.PathParam("claimId"), participant));
                   return Json(http::Status::kOk, ToJson(claim));
               });

    router.Add(http::Method::kGet, "/api/v2/event-notifications",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   ListNotificationsQuery query{.acknowledged = Query(request, "acknowledged"),
                                                .limit = Query(request, "limit"),
                                                .offset = Query(request, "offset")};
                   DICTRA_ASSIGN_OR_RETURN(std::vector<EventNotification> notifications,
                                           service.ListNotifications(query, participant));
                   boost::json::array body;
                   for (const EventNotification& notification : notifications)
                       body.emplace_back(ToJson(notification));
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kPost, "/api/v2/event-notifications/acknowledge",
               [&service](http::Request& request) -> Result<http::Response> {
                   DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
                   DICTRA_ASSIGN_OR_RETURN(std::vector<std::string> ids, ParseAcknowledge(request));
                   DICTRA_ASSIGN_OR_RETURN(std::int64_t acknowledged,
                                           service.Acknowledge(ids, participant));
                   boost::json::object body;
                   body["acknowledged"] = acknowledged;
                   return Json(http::Status::kOk, body);
               });
}

}  // namespace dictra::dict
