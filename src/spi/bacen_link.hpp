// The SPI's connection to BACEN over the ICOM HTTP interface (docs/bacen.md, docs/spi.md).
//
// Background threads:
//   sender  sends due payments (SpiService::SendDue) as pacs.008: POST /api/v1/in/{ispb}/msgs,
//           up to kMessagesPerPostMax to a POST (multipart/mixed), up to send_posts_in_flight
//           POSTs at once (a helper thread and a connection each), so BACEN's writes for them
//           share commits. Woken at once by Notify() after a payment is created, else every poll
//           interval.
//   pullers (`pullers` of them, each with its own stream: BACEN hands every message to one stream
//           only, and a pull carries at most 10, so one stream would cap settlement at 10
//           messages per round trip) each
//           open a stream (GET /api/v1/out/{ispb}/stream/start) and follow PI-Pull-Next for
//           as long as it runs, handing every message to SpiService::HandleIncoming. When BACEN
//           is away it backs off and opens a new stream. The messages of one pull are applied
//           together (SpiService::HandleIncoming of a batch: one commit for all of them).
// Echo() and Probe() use their own connections, so neither waits behind a long poll.
//
// Authentication: every request carries `Authorization: Bearer <token_source()>` (the
// simulator's stand-in for ICOM's mutual TLS).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/clock.hpp"
#include "spi/http_client.hpp"
#include "spi/service.hpp"

namespace dictra::spi {

struct BacenLinkOptions {
    std::string ispb;
    std::function<std::string()> token_source;
    // How long one pull may take (BACEN's long poll plus the network). Also bounds shutdown.
    std::chrono::milliseconds pull_timeout{30'000};
    std::chrono::milliseconds send_timeout{5'000};
    std::chrono::milliseconds sender_poll{200};
    std::chrono::milliseconds reconnect_first{100};
    std::chrono::milliseconds reconnect_max{5'000};
    std::chrono::milliseconds echo_timeout{5'000};
    std::chrono::milliseconds probe_timeout{1'000};
    // Payments one sending round takes; sent kMessagesPerPostMax to a POST.
    std::int64_t send_batch_max = 200;
    // POSTs of a round sent at once.
    std::size_t send_posts_in_flight = 4;
    // Streams pulled at once. Messages of different streams may be applied in any order; that
    // is safe because a final status (ACCC, RJCT) is never changed by a later report and a
    // repeated credit is recognised by its EndToEndId.
    std::size_t pullers = 4;
};

struct EchoResult {
    std::string message_id;
    std::string resource_id;
    std::int64_t latency_ms = 0;
};

class BacenLink : public BacenGateway {
 public:
    BacenLink(SpiService& service, BacenLinkOptions options);
    ~BacenLink() override;

    // Connects to `endpoint` and starts both threads. Call once. Before Start, Echo answers
    // kUnavailable and Probe false.
    void Start(HttpEndpoint endpoint);
    // Asks the threads to stop; they finish their current request first.
    void RequestStop();
    // RequestStop, then waits for both threads and closes our stream (best effort).
    void Stop();

    // Wakes the sender (a payment was created).
    void Notify();

    // pibr.001 to BACEN as `ispb` and waits for the pibr.002 on our stream. kUnavailable when
    // BACEN does not take the request or its answer does not come within echo_timeout.
    // REQUIRES: ispb is the ISPB this link pulls for (else the answer goes to another stream).
    Result<EchoResult> Echo();
    // Echo on a thread of its own, then `done(result)` there. The HTTP server's handlers must not
    // wait 5 s for BACEN on an I/O thread. At most kEchoesInFlightMax at once (more answer
    // kUnavailable at once); Stop() waits for those in flight.
    void EchoAsync(std::function<void(Result<EchoResult>)> done);
    // Runs `task` on a new thread unless stopping or kEchoesInFlightMax tasks run; false then.
    bool RunDetached(std::function<void()> task);
    static constexpr int kEchoesInFlightMax = 16;

    // True when BACEN answers GET /health with 2xx within probe_timeout.
    bool Probe();
    // Probe on a thread of its own, then `done(reachable)` there (same limits as EchoAsync). In
    // the embedded process BACEN may be served by the very I/O thread that would wait.
    void ProbeAsync(std::function<void(bool)> done);

    // BacenGateway: one POST (one message as application/xml, more as multipart/mixed) on the
    // sender's connection.
    Result<SendReceipt> Send(const std::vector<std::string>& messages) override;
    // BacenGateway: up to send_posts_in_flight POSTs at once; every batch is sent.
    std::vector<Result<SendReceipt>> SendEach(
        const std::vector<std::vector<std::string>>& batches) override;

 private:
    Result<SendReceipt> Post(HttpClient& client, const std::vector<std::string>& messages,
                             std::chrono::milliseconds timeout);
    HeaderList AuthHeaders() const;
    void SenderLoop();
    void PullerLoop(std::size_t lane);
    // Sleeps up to `duration` unless stopping; false when stopping.
    bool Pause(std::chrono::milliseconds duration);

    SpiService& service_;
    BacenLinkOptions options_;
    // Created by Start, before the threads; never replaced.
    // One per POST in flight; client i is used by one thread at a time (the sender, or its
    // helper for lane i while the sender waits for it).
    std::vector<std::unique_ptr<HttpClient>> send_clients_;
    // One per puller; pull_clients_[i] and stream_paths_[i] belong to puller i (Stop uses them
    // once it has joined).
    std::vector<std::unique_ptr<HttpClient>> pull_clients_;
    std::vector<std::string> stream_paths_;
    std::mutex echo_client_mutex_;
    std::unique_ptr<HttpClient> echo_client_;  // guarded by echo_client_mutex_
    std::mutex probe_client_mutex_;
    std::unique_ptr<HttpClient> probe_client_;  // guarded by probe_client_mutex_
    std::atomic<bool> started_{false};

    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;     // guarded by mutex_
    bool notified_ = false;     // guarded by mutex_
    int echoes_in_flight_ = 0;  // guarded by mutex_
    // Echo requests waiting for their pibr.002, by data; the value is set on arrival.
    std::map<std::string, std::optional<std::chrono::steady_clock::time_point>>
        echo_waiters_;  // guarded by mutex_

    std::thread sender_;
    std::vector<std::thread> pullers_;
};

}  // namespace dictra::spi
