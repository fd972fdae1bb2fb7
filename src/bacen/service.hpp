// The simulator's rules: reserve accounts, settlement of pacs.008 between them with the SPI's
// reason codes, the pibr.001 echo, and delivery through per-participant streams with long poll.
// No HTTP here (routes.cpp speaks ICOM); the rules are unit-tested against an in-memory database.
//
// Settling one pacs.008 is one Database::Write (the messages of one POST are queued together, so
// they share one commit, each in its own savepoint): the inbound log row, for each transaction the
// checks, the debit (a conditional UPDATE that never takes a balance below zero), the credit and
// the transfer row, the pacs.002 for the payer and the pacs.008 for each payee queued on their
// streams. Either all of it commits or none of it does.
//
// Thread-safe. Start() before use, Stop() (or the destructor) before the store goes away.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bacen/model.hpp"
#include "bacen/store.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "formats/iso20022/message.hpp"

namespace dictra::bacen {

class BacenService {
 public:
    // REQUIRES: `store` and `clock` outlive the service; every seed's ISPB is 8 digits and its
    // balance is not negative.
    BacenService(BacenStore& store, const Clock& clock, BacenOptions options);
    ~BacenService();

    BacenService(const BacenService&) = delete;
    BacenService& operator=(const BacenService&) = delete;

    // Creates the accounts of the configured participants that do not exist yet (existing
    // balances are kept across restarts) and starts the thread that answers waiting pulls.
    Status Start();
    // Answers every waiting pull with an empty result and stops the thread. Idempotent.
    void Stop();

    Readiness CheckReadiness() { return Readiness{store_.Ping().ok()}; }
    const BacenOptions& options() const { return options_; }

    // The ICOM inbox: `messages` (1 to kMessagesPerRequestMax XML documents) sent by
    // `sender_ispb`. Every message is parsed first; if any fails, nothing is processed and the
    // error (kInvalidArgument, reason INVALID_MESSAGE, naming the message's position, line and
    // XML path; kPayloadTooLarge over kXmlBytesMax) is returned. Each message must name
    // `sender_ispb` in AppHdr/Fr and kBacenIspb in AppHdr/To (reason INVALID_HEADER).
    // Then each message is processed in order, each atomically (one write per message, the
    // writes of one POST committed together when the database allows):
    //   pacs.008: settled transaction by transaction (see SettlementRules in docs/bacen.md);
    //             the payer gets one pacs.002 (ACCC or RJCT with its reason per transaction) and
    //             each settled transaction's payee a pacs.008 holding that transaction.
    //   pibr.001: the sender gets a pibr.002 echoing the data.
    //   pacs.002, pibr.002: logged only.
    // kUnavailable when the database is busy; the messages that were stored stay stored (a
    // retry of a settled pacs.008 is then answered DUPL), whatever their place in the POST.
    Result<InboundReceipt> Receive(std::string_view sender_ispb,
                                   const std::vector<std::string_view>& messages);

    // Adds `amount` (> 0) to the account of `ispb`, creating the account (a new participant)
    // when it does not exist. kInvalidArgument for a bad ISPB, a non-positive amount or a
    // balance that would overflow; nothing changes then.
    Result<Account> Fund(std::string_view ispb, AmountCentavos amount);
    // kNotFound when `ispb` has no account.
    Result<Account> GetAccount(std::string_view ispb);
    Result<std::vector<Account>> ListAccounts();

    // Opens a stream on `ispb`'s outbox and returns its id (a UUIDv4).
    Result<std::string> OpenStream(std::string_view ispb);
    // Closes it; kNotFound when no open stream of that id belongs to `ispb`. Messages already
    // handed out stay delivered; a pull waiting on it is answered kNotFound.
    Status CloseStream(std::string_view ispb, std::string_view stream_id);

    // Hands out (and marks delivered) up to kMessagesPerPullMax queued messages of `ispb`,
    // oldest first, without waiting; empty when there are none. kNotFound for a stream that is
    // not open for `ispb`.
    Result<PullResult> PullNow(std::string_view ispb, std::string_view stream_id);

    using PullDone = std::function<void(Result<PullResult>)>;
    // Long poll: like PullNow, but when nothing is queued it waits up to options().long_poll
    // for a message and calls `done` once, from the service's thread (or from the caller's
    // thread when it answers at once). It never blocks the caller. kResourceExhausted (at once)
    // past kWaitingPullsMax waiting pulls; an empty result at the deadline or on Stop().
    void Pull(std::string ispb, std::string stream_id, PullDone done);

 private:
    struct Waiter {
        std::string ispb;
        std::string stream_id;
        std::chrono::steady_clock::time_point deadline;
        PullDone done;
        bool check = true;  // a message may have arrived since the last look
    };

    // Each runs inside the Write of one inbound message and adds to `touched` the ISPBs whose
    // streams got a message.
    Status Process(db::Transaction& tx, std::string_view resource_id, std::string_view sender_ispb,
                   std::string_view xml, const formats::iso20022::Message& message,
                   std::set<std::string>& touched);
    Status SettlePacs008(db::Transaction& tx, std::string_view resource_id,
                         std::string_view sender_ispb, std::string_view xml,
                         const formats::iso20022::Envelope<formats::iso20022::Pacs008>& message,
                         std::set<std::string>& touched);
    Status Echo(db::Transaction& tx, std::string_view resource_id, std::string_view sender_ispb,
                std::string_view xml,
                const formats::iso20022::Envelope<formats::iso20022::Pibr001>& message,
                std::set<std::string>& touched);
    void Notify(const std::set<std::string>& ispbs);
    void RunWaiters();

    BacenStore& store_;
    const Clock& clock_;
    const BacenOptions options_;
    const Ispb bacen_ispb_;

    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::uint64_t, Waiter> waiters_;  // guarded by mutex_
    std::uint64_t next_waiter_id_ = 1;         // guarded by mutex_
    bool stopping_ = false;                    // guarded by mutex_
    bool started_ = false;                     // guarded by mutex_
    std::thread waiter_thread_;
};

}  // namespace dictra::bacen
