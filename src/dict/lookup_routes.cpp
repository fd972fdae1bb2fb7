#include "dict/lookup_routes.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <memory>

#include "core/auth/principal.hpp"
#include "core/http/server.hpp"
#include "core/json/json.hpp"
#include "core/metrics.hpp"
#include "core/time.hpp"
#include "dict/routes.hpp"

namespace dictra::dict {
namespace {

http::Response Json(http::Status status, const boost::json::object& body) {
    return http::JsonText(status, json::Serialize(body));
}

void SetRateLimitHeaders(http::Response& response, const BucketView& view) {
    response.headers.Set("X-RateLimit-Limit", std::to_string(view.limit));
    response.headers.Set("X-RateLimit-Remaining", std::to_string(view.remaining));
    response.headers.Set("X-RateLimit-Reset", std::to_string(view.reset_unix_seconds));
}

http::Response RenderWithHeaders(const http::Request& request, const Error& error,
                                 const BucketView& view) {
    http::Response response = RenderError(http::StatusFor(error.code), error, request.request_id);
    SetRateLimitHeaders(response, view);
    return response;
}

http::Response TooManyRequests(const ChargeOutcome& charge, std::string error_text,
                               bool with_bucket) {
    boost::json::object body;
    body["code"] = "RATE_LIMITED";
    body["error"] = std::move(error_text);
    if (with_bucket) {
        body["bucket"] = charge.view.bucket;
        body["remaining"] = charge.view.remaining;
        body["retry_after"] = charge.retry_after_seconds;
    }
    http::Response response = Json(http::Status::kTooManyRequests, body);
    response.headers.Set("Retry-After", std::to_string(charge.retry_after_seconds));
    SetRateLimitHeaders(response, charge.view);
    return response;
}

Result<Ispb> Participant(const http::Request& request) {
    return ActingParticipant(*request.principal, request.Header("X-Participant-ISPB"));
}

Status RequireAdmin(const http::Request& request) {
    if (!request.principal->IsAdmin())
        return Error::PermissionDenied("the admin scope is required");
    return Ok();
}

Result<std::int64_t> IntParam(const http::Request& request, std::string_view name,
                              std::int64_t fallback) {
    auto text = request.QueryParam(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size())
        return Error::InvalidArgument(std::string(name) + " must be an integer", std::string(name));
    return value;
}

boost::json::object ToJson(const Institution& institution, const RateLimitConfig& config) {
    const BucketParams params = config.categories[static_cast<std::size_t>(institution.category)];
    boost::json::object object;
    object["ispb"] = institution.ispb;
    object["name"] = institution.name;
    object["category"] = ToString(institution.category);
    object["status"] = ToString(institution.status);
    object["bucket_capacity"] = params.capacity;
    object["bucket_refill_rate"] = params.refill_per_minute;
    if (institution.category_changed_at)
        object["category_changed_at"] = FormatRfc3339(*institution.category_changed_at);
    if (institution.category_changed_by)
        object["category_changed_by"] = *institution.category_changed_by;
    object["created_at"] = FormatRfc3339(institution.created_at);
    object["updated_at"] = FormatRfc3339(institution.updated_at);
    return object;
}

boost::json::object ToJson(const LookupMetrics& metrics) {
    boost::json::object object;
    object["ispb"] = metrics.ispb;
    object["queries_24h"] = metrics.queries_24h;
    object["not_found_24h"] = metrics.not_found_24h;
    object["not_found_ratio"] = metrics.not_found_ratio;
    object["alert_triggered"] = metrics.alert_triggered;
    object["threshold"] = metrics.threshold;
    return object;
}

// The lookup's answer; nullopt only when `may_read_store` is false and the existence cache
// does not know the key (nothing was charged then).
std::optional<Result<http::Response>> LookupResponse(const http::Request& request,
                                                     LookupService& lookups,
                                                     LookupCounters& counters,
                                                     bool may_read_store) {
    auto participant = Participant(request);
    if (!participant.ok()) return Result<http::Response>(std::move(participant).error());
    auto key_type = request.QueryParam("keyType");
    if (!key_type) {
        return RenderWithHeaders(
            request,
            Error::InvalidArgument("keyType query parameter is required", "keyType")
                .WithReason("INVALID_KEY_TYPE"),
            lookups.limiter().PeekParticipant(participant->str()));
    }
    const LookupQuery query{.key = request.PathParam("key"),
                            .key_type = *key_type,
                            .payer_id = request.Header("PI-PayerId"),
                            .payer_type = request.Header("PI-PayerType")};
    Result<std::optional<LookupAnswer>> answer = std::optional<LookupAnswer>();
    if (may_read_store) {
        auto full = lookups.Lookup(query, *participant);
        if (full.ok()) {
            answer = std::optional<LookupAnswer>(std::move(*full));
        } else {
            answer = std::move(full).error();
        }
    } else {
        answer = lookups.LookupCached(query, *participant);
    }
    if (!answer.ok()) {
        return RenderWithHeaders(request, answer.error(),
                                 lookups.limiter().PeekParticipant(participant->str()));
    }
    if (!answer->has_value()) return std::nullopt;
    LookupAnswer& found = **answer;
    if (!found.charge.allowed) {
        counters.rate_limited.Increment();
        return TooManyRequests(found.charge, "Rate limit exceeded", true);
    }
    if (!found.entry) {
        counters.not_found.Increment();
        return RenderWithHeaders(request, Error::NotFound("key not found"), found.charge.view);
    }
    counters.found.Increment();
    http::Response response = http::JsonText(http::Status::kOk, found.entry->json);
    response.headers.Set("PI-EndToEndId", std::move(found.end_to_end_id));
    SetRateLimitHeaders(response, found.charge.view);
    return Result<http::Response>(std::move(response));
}

void AddLookup(http::Router& router, LookupService& lookups, LookupCounters& counters) {
    // The hot path: a key the existence cache knows is answered on the I/O thread (no database,
    // no hand-off); a miss goes to the lookup's own threads, which read the store.
    router.AddAsync(
        http::Method::kGet, "/api/v2/entries/{key}",
        [&lookups, &counters](http::Request& request, http::Responder respond) {
            if (auto cached = LookupResponse(request, lookups, counters, false)) {
                return respond(std::move(*cached));
            }
            auto shared = std::make_shared<http::Responder>(std::move(respond));
            const bool taken = lookups.executor().Submit([&request, &lookups, &counters, shared] {
                (*shared)(std::move(*LookupResponse(request, lookups, counters, true)));
            });
            if (!taken) (*shared)(Error::Unavailable("lookup queue is full, retry shortly"));
        },
        http::RouteOptions{.execution = http::Execution::kInline});

    router.Add(
        http::Method::kPost, "/api/v2/keys/check",
        [&lookups](http::Request& request) -> Result<http::Response> {
            DICTRA_ASSIGN_OR_RETURN(Ispb participant, Participant(request));
            DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
            json::ObjectReader body(object);
            DICTRA_ASSIGN_OR_RETURN(const boost::json::array* items, body.RequiredArray("keys"));
            std::vector<std::string> keys;
            keys.reserve(items->size());
            for (const boost::json::value& item : *items) {
                if (!item.is_string())
                    return Error::InvalidArgument("keys must hold strings", "keys");
                keys.emplace_back(item.as_string());
            }
            ChargeOutcome charge;
            auto checks = lookups.CheckKeys(keys, participant, charge);
            if (!checks.ok() && checks.error().code == ErrorCode::kResourceExhausted)
                return TooManyRequests(charge, checks.error().message, false);
            if (!checks.ok()) return std::move(checks).error();
            boost::json::array out;
            out.reserve(checks->size());
            for (const KeyCheck& check : *checks) {
                boost::json::object item;
                item["key"] = check.key;
                item["hasEntry"] = check.has_entry;
                out.push_back(std::move(item));
            }
            boost::json::object response_body;
            response_body["keys"] = std::move(out);
            http::Response response = Json(http::Status::kOk, response_body);
            SetRateLimitHeaders(response, charge.view);
            return response;
        });

    // The SPI reports a settled payment that carried a lookup's EndToEndId.
    router.Add(
        http::Method::kPost, "/api/v2/internal/lookups/{endToEndId}/payment",
        [&lookups, &counters](http::Request& request) -> Result<http::Response> {
            const std::string_view end_to_end_id = request.PathParam("endToEndId");
            auto parts = ParseEndToEndId(end_to_end_id);
            if (!parts.ok()) {
                return Error::InvalidArgument("endToEndId is not an EndToEndId", "endToEndId");
            }
            const auth::Principal& principal = *request.principal;
            if (!principal.IsAdmin() &&
                (!principal.ispb || *principal.ispb != end_to_end_id.substr(1, 8))) {
                return Error::PermissionDenied(
                    "only the admin scope or the participant of the lookup may report it");
            }
            DICTRA_ASSIGN_OR_RETURN(RefundResult refund, lookups.ReportPayment(end_to_end_id));
            if (refund.refunded) counters.refunds.Increment();
            boost::json::object body;
            body["endToEndId"] = end_to_end_id;
            body["token_refunded"] = refund.refunded;
            return Json(http::Status::kOk, body);
        });
}

void AddAdmin(http::Router& router, LookupService& lookups, InstitutionService& institutions) {
    RateLimiter& limiter = lookups.limiter();
    router.Add(
        http::Method::kGet, "/api/v2/admin/institutions",
        [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
            DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
            InstitutionFilter filter;
            if (auto category = request.QueryParam("category")) {
                filter.category = CategoryFromString(*category);
                if (!filter.category)
                    return Error::InvalidArgument("category must be one of A to H", "category");
            }
            if (auto status = request.QueryParam("status")) {
                filter.status = InstitutionStatusFromString(*status);
                if (!filter.status)
                    return Error::InvalidArgument("status must be ACTIVE or INACTIVE", "status");
            }
            DICTRA_ASSIGN_OR_RETURN(filter.limit,
                                    IntParam(request, "limit", kInstitutionsPageDefault));
            DICTRA_ASSIGN_OR_RETURN(filter.offset, IntParam(request, "offset", 0));
            DICTRA_ASSIGN_OR_RETURN(InstitutionPage page, institutions.List(filter));
            boost::json::array items;
            for (const Institution& institution : page.institutions)
                items.push_back(ToJson(institution, limiter.config()));
            boost::json::object body;
            body["institutions"] = std::move(items);
            body["total_count"] = page.total_count;
            body["limit"] = filter.limit;
            body["offset"] = filter.offset;
            return Json(http::Status::kOk, body);
        });
    router.Add(http::Method::kPost, "/api/v2/admin/institutions",
               [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   DICTRA_ASSIGN_OR_RETURN(boost::json::object object,
                                           json::ParseObject(request.body));
                   json::ObjectReader body(object);
                   DICTRA_ASSIGN_OR_RETURN(std::string ispb, body.RequiredString("ispb"));
                   DICTRA_ASSIGN_OR_RETURN(std::string name, body.RequiredString("name"));
                   DICTRA_ASSIGN_OR_RETURN(std::optional<std::string> category,
                                           body.OptionalString("category"));
                   DICTRA_ASSIGN_OR_RETURN(
                       Institution institution,
                       institutions.Create(
                           ispb, name,
                           category ? std::optional<std::string_view>(*category) : std::nullopt));
                   return Json(http::Status::kCreated, ToJson(institution, limiter.config()));
               });
    // Before /{ispb}/...: the reset has no ISPB in its path (the document's), so it takes
    // `ispb` from the query or the body, else X-Participant-ISPB.
    router.Add(http::Method::kPost, "/api/v2/admin/institutions/bucket/reset",
               [&limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   std::optional<std::string> ispb;
                   if (auto param = request.QueryParam("ispb")) ispb = std::string(*param);
                   if (!ispb && !request.body.empty()) {
                       DICTRA_ASSIGN_OR_RETURN(boost::json::object object,
                                               json::ParseObject(request.body));
                       DICTRA_ASSIGN_OR_RETURN(ispb,
                                               json::ObjectReader(object).OptionalString("ispb"));
                   }
                   if (!ispb) {
                       if (auto header = request.Header("X-Participant-ISPB"))
                           ispb = std::string(*header);
                   }
                   if (!ispb) {
                       return Error::InvalidArgument(
                           "ispb is required (query, body or X-Participant-ISPB)", "ispb");
                   }
                   if (!IsIspb(*ispb))
                       return Error::InvalidArgument("ispb must be 8 digits", "ispb");
                   limiter.ResetBucket(*ispb);
                   return http::Empty(http::Status::kNoContent);
               });
    router.Add(http::Method::kGet, "/api/v2/admin/institutions/{ispb}",
               [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   DICTRA_ASSIGN_OR_RETURN(Institution institution,
                                           institutions.Get(request.PathParam("ispb")));
                   boost::json::object body = ToJson(institution, limiter.config());
                   if (auto bucket = limiter.BucketStatusOf(institution.ispb, true)) {
                       body["bucket_capacity"] = bucket->capacity;
                       body["bucket_refill_rate"] = bucket->refill_per_minute;
                       body["current_tokens"] = bucket->current_tokens;
                       body["last_refill"] = FormatRfc3339(bucket->last_refill);
                   }
                   body["metrics"] = ToJson(limiter.MetricsOf(institution.ispb));
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kPut, "/api/v2/admin/institutions/{ispb}",
               [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   DICTRA_ASSIGN_OR_RETURN(boost::json::object object,
                                           json::ParseObject(request.body));
                   json::ObjectReader body(object);
                   InstitutionUpdate update;
                   DICTRA_ASSIGN_OR_RETURN(update.name, body.OptionalString("name"));
                   DICTRA_ASSIGN_OR_RETURN(update.status, body.OptionalString("status"));
                   DICTRA_ASSIGN_OR_RETURN(Institution institution,
                                           institutions.Update(request.PathParam("ispb"), update));
                   return Json(http::Status::kOk, ToJson(institution, limiter.config()));
               });
    router.Add(http::Method::kDelete, "/api/v2/admin/institutions/{ispb}",
               [&institutions](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   DICTRA_RETURN_IF_ERROR(institutions.Delete(request.PathParam("ispb")));
                   return http::Empty(http::Status::kNoContent);
               });
    router.Add(
        http::Method::kPatch, "/api/v2/admin/institutions/{ispb}/category",
        [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
            DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
            DICTRA_ASSIGN_OR_RETURN(boost::json::object object, json::ParseObject(request.body));
            json::ObjectReader body(object);
            DICTRA_ASSIGN_OR_RETURN(std::string category, body.RequiredString("category"));
            DICTRA_ASSIGN_OR_RETURN(std::string changed_by, body.RequiredString("changed_by"));
            DICTRA_ASSIGN_OR_RETURN(
                Institution institution,
                institutions.ChangeCategory(request.PathParam("ispb"), category, changed_by));
            return Json(http::Status::kOk, ToJson(institution, limiter.config()));
        });
    router.Add(http::Method::kGet, "/api/v2/admin/institutions/{ispb}/bucket",
               [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   const std::string_view ispb = request.PathParam("ispb");
                   if (!IsIspb(ispb))
                       return Error::InvalidArgument("ispb must be 8 digits", "ispb");
                   auto bucket = limiter.BucketStatusOf(ispb, institutions.IsRegistered(ispb));
                   if (!bucket) return Error::NotFound("bucket not found");
                   boost::json::object body;
                   body["ispb"] = bucket->ispb;
                   body["category"] = ToString(bucket->category);
                   body["capacity"] = bucket->capacity;
                   body["current_tokens"] = bucket->current_tokens;
                   body["refill_rate"] = bucket->refill_per_minute;
                   body["last_refill"] = FormatRfc3339(bucket->last_refill);
                   body["next_refill"] = FormatRfc3339(bucket->next_refill);
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kGet, "/api/v2/admin/institutions/{ispb}/metrics",
               [&limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   const std::string_view ispb = request.PathParam("ispb");
                   if (!IsIspb(ispb))
                       return Error::InvalidArgument("ispb must be 8 digits", "ispb");
                   return Json(http::Status::kOk, ToJson(limiter.MetricsOf(ispb)));
               });
    router.Add(http::Method::kGet, "/api/v2/admin/metrics/summary",
               [&institutions, &limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   std::int64_t queries = 0;
                   double ratio_sum = 0;
                   std::int64_t with_queries = 0;
                   for (const LookupMetrics& metrics : limiter.AllMetrics()) {
                       queries += metrics.queries_24h;
                       if (metrics.queries_24h == 0) continue;
                       ratio_sum += metrics.not_found_ratio;
                       ++with_queries;
                   }
                   boost::json::object body;
                   body["total_institutions"] = institutions.Count();
                   body["total_queries_24h"] = queries;
                   body["average_not_found_ratio"] =
                       with_queries == 0 ? 0.0 : ratio_sum / static_cast<double>(with_queries);
                   body["active_alerts"] = static_cast<std::int64_t>(limiter.Alerts().size());
                   return Json(http::Status::kOk, body);
               });
    router.Add(http::Method::kGet, "/api/v2/admin/metrics/alerts",
               [&limiter](http::Request& request) -> Result<http::Response> {
                   DICTRA_RETURN_IF_ERROR(RequireAdmin(request));
                   boost::json::array alerts;
                   for (const RateLimitAlert& alert : limiter.Alerts()) {
                       boost::json::object item;
                       item["type"] = alert.type == RateLimitAlert::Type::kParticipant
                                          ? "PARTICIPANT_THRESHOLD"
                                          : "USER_THRESHOLD";
                       item["ispb"] = alert.ispb;
                       if (!alert.payer_id.empty()) item["payer_id"] = alert.payer_id;
                       item["queries_24h"] = alert.queries_24h;
                       item["not_found_ratio"] = alert.not_found_ratio;
                       item["threshold"] = alert.threshold;
                       item["triggered_at"] = FormatRfc3339(alert.triggered_at);
                       alerts.push_back(std::move(item));
                   }
                   boost::json::object body;
                   body["count"] = static_cast<std::int64_t>(alerts.size());
                   body["alerts"] = std::move(alerts);
                   return Json(http::Status::kOk, body);
               });
}

}  // namespace

namespace {
metrics::CounterFamily& LookupsFamily(metrics::Registry& registry) {
    return registry.AddCounter("dict_lookups_total",
                               "DICT key lookups charged or refused, by result", {"result"});
}
}  // namespace

LookupCounters::LookupCounters(metrics::Registry& registry)
    : found(LookupsFamily(registry).WithLabels({"found"})),
      not_found(LookupsFamily(registry).WithLabels({"not_found"})),
      rate_limited(LookupsFamily(registry).WithLabels({"rate_limited"})),
      refunds(registry
                  .AddCounter("dict_lookup_refunds_total",
                              "Lookup tokens given back after a payment report")
                  .WithLabels({})) {}

void AddLookupRoutes(http::Router& router, LookupService& lookups, InstitutionService& institutions,
                     LookupCounters& counters) {
    AddLookup(router, lookups, counters);
    AddAdmin(router, lookups, institutions);
}

}  // namespace dictra::dict
