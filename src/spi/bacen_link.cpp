#include "spi/bacen_link.hpp"

#include <algorithm>
#include <string_view>
#include <thread>
#include <vector>

#include "bacen/multipart.hpp"
#include "core/check.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "formats/iso20022/pibr001.hpp"

namespace dictra::spi {
namespace {

namespace iso = formats::iso20022;

std::string ShortBody(const std::string& body) {
    return body.size() > 300 ? body.substr(0, 300) + "..." : body;
}

}  // namespace

BacenLink::BacenLink(SpiService& service, BacenLinkOptions options)
    : service_(service), options_(std::move(options)) {}

BacenLink::~BacenLink() {
    Stop();
}

void BacenLink::Start(HttpEndpoint endpoint) {
    for (std::size_t lane = 0; lane < std::max<std::size_t>(options_.send_posts_in_flight, 1);
         ++lane) {
        send_clients_.push_back(std::make_unique<HttpClient>(endpoint));
    }
    const std::size_t puller_count = std::max<std::size_t>(options_.pullers, 1);
    for (std::size_t lane = 0; lane < puller_count; ++lane) {
        pull_clients_.push_back(std::make_unique<HttpClient>(endpoint));
    }
    stream_paths_.assign(puller_count, "");
    {
        std::lock_guard lock(echo_client_mutex_);
        echo_client_ = std::make_unique<HttpClient>(endpoint);
    }
    {
        std::lock_guard lock(probe_client_mutex_);
        probe_client_ = std::make_unique<HttpClient>(
            endpoint, HttpClientOptions{.connect_timeout = options_.probe_timeout,
                                        .request_timeout = options_.probe_timeout});
    }
    started_ = true;
    sender_ = std::thread([this] { SenderLoop(); });
    for (std::size_t lane = 0; lane < puller_count; ++lane) {
        pullers_.emplace_back([this, lane] { PullerLoop(lane); });
    }
}

void BacenLink::RequestStop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

void BacenLink::Stop() {
    RequestStop();
    // The puller may be inside a long poll that would hold shutdown for its whole length.
    for (std::size_t lane = 0; lane < pullers_.size(); ++lane) {
        if (pullers_[lane].joinable()) pull_clients_[lane]->Abort();
    }
    if (sender_.joinable()) sender_.join();
    for (std::thread& puller : pullers_) {
        if (puller.joinable()) puller.join();
    }
    {
        // Echoes end within echo_timeout (sooner: they see stopping_).
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return echoes_in_flight_ == 0; });
    }
    for (std::size_t lane = 0; lane < stream_paths_.size(); ++lane) {
        if (stream_paths_[lane].empty()) continue;
        // Best effort: the stream would otherwise stay open on BACEN's side.
        auto closed = pull_clients_[lane]->Send("DELETE", stream_paths_[lane], AuthHeaders(), {},
                                                std::chrono::milliseconds(500));
        (void)closed;
        stream_paths_[lane].clear();
    }
}

void BacenLink::Notify() {
    {
        std::lock_guard lock(mutex_);
        notified_ = true;
    }
    wake_.notify_all();
}

bool BacenLink::Pause(std::chrono::milliseconds duration) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, duration, [this] { return stopping_; });
    return !stopping_;
}

HeaderList BacenLink::AuthHeaders() const {
    HeaderList headers;
    if (options_.token_source) {
        std::string token = options_.token_source();
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    }
    return headers;
}

Result<SendReceipt> BacenLink::Post(HttpClient& client, const std::vector<std::string>& messages,
                                    std::chrono::milliseconds timeout) {
    DICTRA_CHECK(!messages.empty() && messages.size() <= kMessagesPerPostMax);
    HeaderList headers = AuthHeaders();
    std::string multipart;
    std::string_view body = messages.front();
    if (messages.size() == 1) {
        headers.emplace_back("Content-Type", "application/xml; charset=utf-8");
    } else {
        // 24 random letters and digits: an XML message never contains the delimiter by chance.
        const std::string boundary = "dictra-" + RandomAlphanumeric(24);
        multipart = bacen::BuildMultipart({messages.begin(), messages.end()}, boundary);
        body = multipart;
        headers.emplace_back("Content-Type", "multipart/mixed; boundary=" + boundary);
    }
    DICTRA_ASSIGN_OR_RETURN(
        HttpClientResponse response,
        client.Send("POST", "/api/v1/in/" + options_.ispb + "/msgs", headers, body, timeout));
    if (response.status == 201) return SendReceipt{response.Header("PI-ResourceId")};
    const std::string what =
        "BACEN answered " + std::to_string(response.status) + ": " + ShortBody(response.body);
    // 400/413/415: the request itself is wrong. Anything else (401/403 credentials, 429, 5xx)
    // may pass later.
    if (response.status == 400 || response.status == 413 || response.status == 415) {
        return Error::InvalidArgument(what);
    }
    return Error::Unavailable(what);
}

Result<SendReceipt> BacenLink::Send(const std::vector<std::string>& messages) {
    return Post(*send_clients_.front(), messages, options_.send_timeout);
}

std::vector<Result<SendReceipt>> BacenLink::SendEach(
    const std::vector<std::vector<std::string>>& batches) {
    std::vector<std::optional<Result<SendReceipt>>> answers(batches.size());
    const std::size_t lanes = std::min(send_clients_.size(), batches.size());
    // Lane i sends batches i, i + lanes, ... one after the other on its own connection.
    auto run_lane = [&](std::size_t lane) {
        for (std::size_t batch_idx = lane; batch_idx < batches.size(); batch_idx += lanes) {
            answers[batch_idx] =
                Post(*send_clients_[lane], batches[batch_idx], options_.send_timeout);
        }
    };
    std::vector<std::thread> helpers;
    for (std::size_t lane = 1; lane < lanes; ++lane) helpers.emplace_back(run_lane, lane);
    if (lanes > 0) run_lane(0);
    for (std::thread& helper : helpers) helper.join();
    std::vector<Result<SendReceipt>> result;
    result.reserve(answers.size());
    for (std::optional<Result<SendReceipt>>& answer : answers) result.push_back(std::move(*answer));
    return result;
}

void BacenLink::SenderLoop() {
    while (true) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, options_.sender_poll, [this] { return stopping_ || notified_; });
            if (stopping_) return;
            notified_ = false;
        }
        // Keep going while full batches come back: a backlog after an outage drains at once.
        while (true) {
            Result<std::size_t> sent = service_.SendDue(*this, options_.send_batch_max);
            if (!sent.ok()) {
                log::Warn("spi_sender_error").Str("error", sent.error().message);
                break;
            }
            if (*sent < static_cast<std::size_t>(options_.send_batch_max)) break;
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
    }
}

void BacenLink::PullerLoop(std::size_t lane) {
    HttpClient& pull_client = *pull_clients_[lane];
    std::string& stream_path = stream_paths_[lane];
    std::chrono::milliseconds backoff = options_.reconnect_first;
    bool reported_down = false;
    while (true) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
        }
        const std::string target =
            stream_path.empty() ? "/api/v1/out/" + options_.ispb + "/stream/start" : stream_path;
        Result<HttpClientResponse> response =
            pull_client.Send("GET", target, AuthHeaders(), {}, options_.pull_timeout);
        if (!response.ok() || (response->status != 200 && response->status != 204)) {
            {
                // Stop() cancels the long poll: that is the shutdown, not BACEN going down.
                std::lock_guard lock(mutex_);
                if (stopping_) return;
            }
            const std::string error = response.ok()
                                          ? "BACEN answered " + std::to_string(response->status)
                                          : response.error().message;
            if (!reported_down) {
                log::Warn("spi_bacen_stream_down").Str("error", error);
                reported_down = true;
            }
            stream_path.clear();
            if (!Pause(backoff)) return;
            backoff = std::min(backoff * 2, options_.reconnect_max);
            continue;
        }
        if (reported_down) {
            log::Info("spi_bacen_stream_up").Str("ispb", options_.ispb);
            reported_down = false;
        }
        backoff = options_.reconnect_first;
        stream_path = response->Header("PI-Pull-Next");
        if (response->status != 200) continue;

        std::vector<std::string_view> bodies;
        const std::string content_type = response->Header("Content-Type");
        if (content_type.rfind("multipart/", 0) == 0) {
            auto boundary = bacen::MultipartBoundary(content_type);
            auto parts = boundary.ok() ? bacen::SplitMultipart(response->body, *boundary, 100)
                                       : Result<std::vector<std::string_view>>(boundary.error());
            if (!parts.ok()) {
                log::Warn("spi_bacen_pull_refused").Str("error", parts.error().message);
                continue;
            }
            bodies = std::move(*parts);
        } else {
            bodies.push_back(response->body);
        }
        for (Result<IncomingOutcome>& outcome : service_.HandleIncoming(bodies)) {
            if (!outcome.ok()) {
                log::Error("spi_bacen_message_lost").Str("error", outcome.error().message);
                continue;
            }
            if (outcome->echo_data) {
                std::lock_guard lock(mutex_);
                auto waiter = echo_waiters_.find(*outcome->echo_data);
                if (waiter != echo_waiters_.end()) {
                    waiter->second = std::chrono::steady_clock::now();
                }
            }
        }
        wake_.notify_all();
    }
}

Result<EchoResult> BacenLink::Echo() {
    DICTRA_ASSIGN_OR_RETURN(Ispb ispb, Ispb::Parse(options_.ispb));
    const std::string data = RandomAlphanumeric(32);
    const SystemTimePoint now = service_.clock().Now();
    EchoResult result;
    result.message_id = NewMessageId(ispb);
    iso::AppHeader header{options_.ispb, std::string(kSpiIspb), result.message_id, now};
    DICTRA_ASSIGN_OR_RETURN(std::string xml,
                            iso::BuildPibr001(header, iso::Pibr001{result.message_id, now, data,
                                                                   iso::EchoVersion::kV1_3}));
    {
        std::lock_guard lock(mutex_);
        echo_waiters_.emplace(data, std::nullopt);
    }
    const auto started = std::chrono::steady_clock::now();
    Result<SendReceipt> receipt = [&] {
        std::lock_guard lock(echo_client_mutex_);
        if (!echo_client_) return Result<SendReceipt>(Error::Unavailable("not connected"));
        return Post(*echo_client_, {xml}, options_.echo_timeout);
    }();
    std::optional<std::chrono::steady_clock::time_point> answered;
    {
        std::unique_lock lock(mutex_);
        if (receipt.ok()) {
            wake_.wait_until(lock, started + options_.echo_timeout,
                             [&] { return stopping_ || echo_waiters_[data].has_value(); });
        }
        answered = echo_waiters_[data];
        echo_waiters_.erase(data);
    }
    if (!receipt.ok()) return Error::Unavailable(receipt.error().message);
    if (!answered) return Error::Unavailable("no pibr.002 from BACEN in time");
    result.resource_id = receipt->resource_id;
    result.latency_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(*answered - started).count();
    return result;
}

bool BacenLink::RunDetached(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || echoes_in_flight_ >= kEchoesInFlightMax) return false;
        ++echoes_in_flight_;
    }
    std::thread([this, task = std::move(task)] {
        task();
        {
            std::lock_guard lock(mutex_);
            --echoes_in_flight_;
        }
        wake_.notify_all();
    }).detach();
    return true;
}

void BacenLink::EchoAsync(std::function<void(Result<EchoResult>)> done) {
    auto shared = std::make_shared<std::function<void(Result<EchoResult>)>>(std::move(done));
    if (!RunDetached([this, shared] { (*shared)(Echo()); })) {
        (*shared)(Error::Unavailable("too many echoes in flight"));
    }
}

void BacenLink::ProbeAsync(std::function<void(bool)> done) {
    auto shared = std::make_shared<std::function<void(bool)>>(std::move(done));
    if (!RunDetached([this, shared] { (*shared)(Probe()); })) (*shared)(false);
}

bool BacenLink::Probe() {
    std::lock_guard lock(probe_client_mutex_);
    if (!probe_client_) return false;
    auto response = probe_client_->Send("GET", "/health", {}, {}, options_.probe_timeout);
    return response.ok() && response->status >= 200 && response->status < 300;
}

}  // namespace dictra::spi
