// DICT claims and event notifications over HTTP (spec "Core DICT - Claims" and "Event
// Notifications"): parse, call ClaimService, render. Errors use dict/routes.hpp's body
// {"code":"CLAIM_EXISTS","error":"..."}.
//
//   POST  /api/v2/entries/{key}/claims                  201 claim
//   GET   /api/v2/entries/{key}/claims?keyType=         200 {"claims":[...]}
//   PATCH /api/v2/entries/{key}/claims/{claimId}        200 claim
//   GET   /api/v2/claims?role=&status=&page=&pageSize=  200
//   {"claims","totalCount","page","pageSize"} GET   /api/v2/claims/{claimId} 200 claim GET
//   /api/v2/event-notifications                   200 [notification, ...] POST
//   /api/v2/event-notifications/acknowledge       200 {"acknowledged": n}
#pragma once

#include "core/http/router.hpp"
#include "dict/claim_service.hpp"

namespace dictra::dict {

// REQUIRES: `service` outlives the router.
void AddClaimRoutes(http::Router& router, ClaimService& service);

}  // namespace dictra::dict
