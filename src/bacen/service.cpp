#include "bacen/service.hpp"

#include <algorithm>
#include <utility>

#include "core/check.hpp"
#include "core/db/write_each.hpp"

namespace dictra::bacen {
namespace iso = formats::iso20022;
namespace {

// AC03 rule: the creditor account must name a real account. The XSD already demands an account
// number of 1 to 20 [0-9A-Z] and an optional 1-4 digit branch; the simulator also refuses an
// account number or a branch made only of zeros (no PSP issues account 0).
bool AllZeros(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}
bool ValidCreditorAccount(const iso::Account& account) {
    if (AllZeros(account.number)) return false;
    if (account.branch && AllZeros(*account.branch)) return false;
    return true;
}

iso::StatusReason Reason(std::string_view code, std::string info) {
    iso::StatusReason reason;
    reason.code = std::string(code);
    if (!info.empty()) reason.additional_info.push_back(std::move(info));
    return reason;
}

}  // namespace

BacenService::BacenService(BacenStore& store, const Clock& clock, BacenOptions options)
    : store_(store),
      clock_(clock),
      options_(std::move(options)),
      bacen_ispb_(Ispb::Parse(kBacenIspb).value()) {
    for (const ParticipantSeed& seed : options_.participants) {
        DICTRA_CHECK(IsIspb(seed.ispb));
        DICTRA_CHECK(!seed.initial_balance.IsNegative());
    }
}

BacenService::~BacenService() {
    Stop();
}

Status BacenService::Start() {
    const SystemTimePoint now = clock_.Now();
    DICTRA_RETURN_IF_ERROR(store_.database().Write([&](db::Transaction& tx) -> Status {
        for (const ParticipantSeed& seed : options_.participants) {
            DICTRA_RETURN_IF_ERROR(
                BacenStore::InsertAccountIfMissing(tx, seed.ispb, seed.initial_balance, now));
        }
        return Ok();
    }));
    std::lock_guard lock(mutex_);
    if (!started_ && !stopping_) {
        started_ = true;
        waiter_thread_ = std::thread([this] { RunWaiters(); });
    }
    return Ok();
}

void BacenService::Stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (waiter_thread_.joinable()) waiter_thread_.join();
    // Pulls that arrived without a running thread (never started) are answered here.
    std::map<std::uint64_t, Waiter> left;
    {
        std::lock_guard lock(mutex_);
        left.swap(waiters_);
    }
    for (auto& [id, waiter] : left) waiter.done(PullResult{waiter.stream_id, {}});
}

Result<InboundReceipt> BacenService::Receive(std::string_view sender_ispb,
                                             const std::vector<std::string_view>& messages) {
    if (!IsIspb(sender_ispb)) {
        return Error::InvalidArgument("the ISPB must be 8 digits", "ispb");
    }
    if (messages.empty() || messages.size() > kMessagesPerRequestMax) {
        return Error::InvalidArgument("a request carries 1 to " +
                                      std::to_string(kMessagesPerRequestMax) + " messages")
            .WithReason("INVALID_MESSAGE");
    }
    std::vector<iso::Message> parsed;
    parsed.reserve(messages.size());
    for (std::size_t message_idx = 0; message_idx < messages.size(); ++message_idx) {
        const std::string where = "message " + std::to_string(message_idx + 1) + ": ";
        Result<iso::Message> message = iso::ParseAny(messages[message_idx]);
        if (!message.ok()) {
            Error error = std::move(message).error();
            error.message = where + error.message;
            if (error.code == ErrorCode::kInvalidArgument) error.reason = "INVALID_MESSAGE";
            return error;
        }
        const iso::AppHeader& header = std::visit(
            [](const auto& envelope) -> const iso::AppHeader& { return envelope.header; },
            *message);
        if (header.from_ispb != sender_ispb) {
            return Error::InvalidArgument(where + "AppHdr/Fr " + header.from_ispb +
                                          " is not the ISPB of the path " +
                                          std::string(sender_ispb))
                .WithReason("INVALID_HEADER");
        }
        if (header.to_ispb != kBacenIspb) {
            return Error::InvalidArgument(where + "AppHdr/To must be " + std::string(kBacenIspb) +
                                          " (the SPI), not " + header.to_ispb)
                .WithReason("INVALID_HEADER");
        }
        parsed.push_back(std::move(message).value());
    }

    InboundReceipt receipt{NewUuidV4(), parsed.size()};
    // One write per message, all queued at once: the messages of a POST share one commit (one
    // fsync) while each keeps its own savepoint, so a message that fails to be stored does not
    // undo its neighbours, and a rejected transaction (RJCT) is an outcome, not a failure.
    std::vector<std::set<std::string>> touched_by_message(parsed.size());
    std::vector<db::Database::WriteFunction> writes;
    writes.reserve(parsed.size());
    for (std::size_t message_idx = 0; message_idx < parsed.size(); ++message_idx) {
        writes.push_back([&, message_idx, resource_id = std::string_view(receipt.resource_id)](
                             db::Transaction& tx) -> Status {
            std::set<std::string>& touched = touched_by_message[message_idx];
            touched.clear();
            return Process(tx, resource_id, sender_ispb, messages[message_idx], parsed[message_idx],
                           touched);
        });
    }
    std::vector<Status> statuses = db::WriteEach(store_.database(), std::move(writes));
    std::set<std::string> touched;
    Status first_failure = Ok();
    for (std::size_t message_idx = 0; message_idx < parsed.size(); ++message_idx) {
        if (statuses[message_idx].ok()) {
            touched.insert(touched_by_message[message_idx].begin(),
                           touched_by_message[message_idx].end());
        } else if (first_failure.ok()) {
            first_failure = std::move(statuses[message_idx]);
        }
    }
    Notify(touched);
    if (!first_failure.ok()) return std::move(first_failure).error();
    return receipt;
}

Status BacenService::Process(db::Transaction& tx, std::string_view resource_id,
                             std::string_view sender_ispb, std::string_view xml,
                             const iso::Message& message, std::set<std::string>& touched) {
    if (const auto* pacs008 = std::get_if<iso::Envelope<iso::Pacs008>>(&message)) {
        return SettlePacs008(tx, resource_id, sender_ispb, xml, *pacs008, touched);
    }
    if (const auto* pibr001 = std::get_if<iso::Envelope<iso::Pibr001>>(&message)) {
        return Echo(tx, resource_id, sender_ispb, xml, *pibr001, touched);
    }
    const iso::AppHeader& header = std::visit(
        [](const auto& envelope) -> const iso::AppHeader& { return envelope.header; }, message);
    return BacenStore::LogInbound(tx, resource_id, sender_ispb, iso::ToString(iso::TypeOf(message)),
                                  header.business_message_id, xml, clock_.Now());
}

Status BacenService::SettlePacs008(db::Transaction& tx, std::string_view resource_id,
                                   std::string_view sender_ispb, std::string_view xml,
                                   const iso::Envelope<iso::Pacs008>& message,
                                   std::set<std::string>& touched) {
    const SystemTimePoint now = clock_.Now();
    DICTRA_RETURN_IF_ERROR(BacenStore::LogInbound(tx, resource_id, sender_ispb, "pacs.008",
                                                  message.header.business_message_id, xml, now));
    DICTRA_ASSIGN_OR_RETURN(std::optional<Account> payer_account,
                            BacenStore::FindAccount(tx, sender_ispb));
    iso::Pacs002 report{NewMessageId(bacen_ispb_), now, {}};
    for (const iso::CreditTransfer& transfer : message.document.transactions) {
        iso::PaymentStatus payment_status;
        payment_status.original_instruction_id =
            transfer.instruction_id.value_or(transfer.end_to_end_id);
        payment_status.original_end_to_end_id = transfer.end_to_end_id;
        payment_status.status = iso::TransactionStatus::kRjct;
        DICTRA_ASSIGN_OR_RETURN(bool duplicate,
                                BacenStore::TransferExists(tx, transfer.end_to_end_id));
        DICTRA_ASSIGN_OR_RETURN(std::optional<Account> payee_account,
                                BacenStore::FindAccount(tx, transfer.creditor_agent_ispb));
        if (!payer_account || transfer.debtor_agent_ispb != sender_ispb) {
            payment_status.reasons.push_back(Reason(
                kReasonUnknownPayer, payer_account ? "DbtrAgt is not the sending participant"
                                                   : "the payer ISPB is not an SPI participant"));
        } else if (duplicate) {
            payment_status.reasons.push_back(
                Reason(kReasonDuplicate, "EndToEndId already settled"));
        } else if (now - transfer.accepted_at > options_.settlement_deadline) {
            payment_status.reasons.push_back(
                Reason(kReasonDeadlinePassed, "settlement deadline passed"));
        } else if (!payee_account) {
            payment_status.reasons.push_back(
                Reason(kReasonUnknownPayee, "the payee ISPB is not an SPI participant"));
        } else if (!ValidCreditorAccount(transfer.creditor_account)) {
            payment_status.reasons.push_back(
                Reason(kReasonInvalidCreditorAccount, "invalid creditor account"));
        } else {
            DICTRA_ASSIGN_OR_RETURN(
                bool debited, BacenStore::DebitIfCovered(tx, sender_ispb, transfer.amount, now));
            if (!debited) {
                payment_status.reasons.push_back(
                    Reason(kReasonInsufficientBalance, "insufficient balance"));
            } else {
                DICTRA_ASSIGN_OR_RETURN(
                    bool credited,
                    BacenStore::Credit(tx, transfer.creditor_agent_ispb, transfer.amount, now));
                if (!credited) {
                    return Error::Internal("the payee's balance would overflow");
                }
                DICTRA_RETURN_IF_ERROR(
                    BacenStore::InsertTransfer(tx, transfer.end_to_end_id, resource_id, sender_ispb,
                                               transfer.creditor_agent_ispb, transfer.amount, now));
                payment_status.status = iso::TransactionStatus::kAccc;
                payment_status.settled_at = now;
                iso::Pacs008 forward = message.document;
                forward.transactions = {transfer};
                iso::AppHeader header{std::string(kBacenIspb), transfer.creditor_agent_ispb,
                                      NewMessageId(bacen_ispb_), now};
                DICTRA_ASSIGN_OR_RETURN(std::string forward_xml,
                                        iso::BuildPacs008(header, forward));
                DICTRA_RETURN_IF_ERROR(BacenStore::QueueOutbound(tx, transfer.creditor_agent_ispb,
                                                                 "pacs.008", forward_xml, now));
                touched.insert(transfer.creditor_agent_ispb);
            }
        }
        report.statuses.push_back(std::move(payment_status));
    }
    iso::AppHeader header{std::string(kBacenIspb), std::string(sender_ispb),
                          NewMessageId(bacen_ispb_), now};
    DICTRA_ASSIGN_OR_RETURN(std::string report_xml, iso::BuildPacs002(header, report));
    touched.insert(std::string(sender_ispb));
    return BacenStore::QueueOutbound(tx, sender_ispb, "pacs.002", report_xml, now);
}

Status BacenService::Echo(db::Transaction& tx, std::string_view resource_id,
                          std::string_view sender_ispb, std::string_view xml,
                          const iso::Envelope<iso::Pibr001>& message,
                          std::set<std::string>& touched) {
    const SystemTimePoint now = clock_.Now();
    DICTRA_RETURN_IF_ERROR(BacenStore::LogInbound(tx, resource_id, sender_ispb, "pibr.001",
                                                  message.header.business_message_id, xml, now));
    iso::Pibr002 report{NewMessageId(bacen_ispb_), now, message.document.data,
                        message.document.version};
    iso::AppHeader header{std::string(kBacenIspb), std::string(sender_ispb),
                          NewMessageId(bacen_ispb_), now};
    DICTRA_ASSIGN_OR_RETURN(std::string report_xml, iso::BuildPibr002(header, report));
    touched.insert(std::string(sender_ispb));
    return BacenStore::QueueOutbound(tx, sender_ispb, "pibr.002", report_xml, now);
}

Result<Account> BacenService::Fund(std::string_view ispb, AmountCentavos amount) {
    if (!IsIspb(ispb)) return Error::InvalidArgument("the ISPB must be 8 digits", "ispb");
    if (amount.IsNegative() || amount.IsZero()) {
        return Error::InvalidArgument("the amount must be positive", "amount_centavos");
    }
    return store_.database().Write([&](db::Transaction& tx) -> Result<Account> {
        const SystemTimePoint now = clock_.Now();
        DICTRA_RETURN_IF_ERROR(
            BacenStore::InsertAccountIfMissing(tx, ispb, AmountCentavos(0), now));
        DICTRA_ASSIGN_OR_RETURN(bool credited, BacenStore::Credit(tx, ispb, amount, now));
        if (!credited) {
            return Error::InvalidArgument("the balance would pass the largest amount",
                                          "amount_centavos");
        }
        DICTRA_ASSIGN_OR_RETURN(std::optional<Account> account, BacenStore::FindAccount(tx, ispb));
        if (!account) return Error::Internal("the account vanished");
        return *account;
    });
}

Result<Account> BacenService::GetAccount(std::string_view ispb) {
    if (!IsIspb(ispb)) return Error::InvalidArgument("the ISPB must be 8 digits", "ispb");
    DICTRA_ASSIGN_OR_RETURN(std::optional<Account> account,
                            store_.database().Read([&](db::Connection& connection) {
                                return BacenStore::FindAccount(connection, ispb);
                            }));
    if (!account) return Error::NotFound("no reserve account for ISPB " + std::string(ispb));
    return *account;
}

Result<std::vector<Account>> BacenService::ListAccounts() {
    return store_.database().Read(
        [](db::Connection& connection) { return BacenStore::ListAccounts(connection); });
}

Result<std::string> BacenService::OpenStream(std::string_view ispb) {
    if (!IsIspb(ispb)) return Error::InvalidArgument("the ISPB must be 8 digits", "ispb");
    std::string stream_id = NewUuidV4();
    DICTRA_RETURN_IF_ERROR(store_.database().Write([&](db::Transaction& tx) -> Status {
        return BacenStore::InsertStream(tx, stream_id, ispb, clock_.Now());
    }));
    return stream_id;
}

Status BacenService::CloseStream(std::string_view ispb, std::string_view stream_id) {
    DICTRA_ASSIGN_OR_RETURN(bool closed,
                            store_.database().Write([&](db::Transaction& tx) -> Result<bool> {
                                return BacenStore::CloseStream(tx, stream_id, ispb, clock_.Now());
                            }));
    if (!closed) return Error::NotFound("no open stream " + std::string(stream_id));
    Notify({std::string(ispb)});
    return Ok();
}

Result<PullResult> BacenService::PullNow(std::string_view ispb, std::string_view stream_id) {
    // A cheap read first: an idle poll should not cost a write (and an fsync).
    DICTRA_ASSIGN_OR_RETURN(bool open, store_.database().Read([&](db::Connection& connection) {
        return BacenStore::StreamIsOpen(connection, stream_id, ispb);
    }));
    if (!open) return Error::NotFound("no open stream " + std::string(stream_id));
    DICTRA_ASSIGN_OR_RETURN(bool pending, store_.database().Read([&](db::Connection& connection) {
        return BacenStore::HasUndelivered(connection, ispb);
    }));
    PullResult result{std::string(stream_id), {}};
    if (!pending) return result;
    DICTRA_ASSIGN_OR_RETURN(
        result.messages,
        store_.database().Write([&](db::Transaction& tx) -> Result<std::vector<OutboundMessage>> {
            // The stream may have been closed between the read and this write.
            DICTRA_ASSIGN_OR_RETURN(bool still_open, BacenStore::StreamIsOpen(tx, stream_id, ispb));
            if (!still_open) return Error::NotFound("no open stream " + std::string(stream_id));
            return BacenStore::ClaimUndelivered(tx, ispb, stream_id, kMessagesPerPullMax,
                                                clock_.Now());
        }));
    return result;
}

void BacenService::Pull(std::string ispb, std::string stream_id, PullDone done) {
    Result<PullResult> now = PullNow(ispb, stream_id);
    if (!now.ok() || !now->messages.empty() || options_.long_poll.count() <= 0) {
        done(std::move(now));
        return;
    }
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        stopping = stopping_;
        if (!stopping_ && waiters_.size() < kWaitingPullsMax) {
            // check = true: a message queued between PullNow and here is looked for at once.
            waiters_.emplace(next_waiter_id_++,
                             Waiter{std::move(ispb), std::move(stream_id),
                                    std::chrono::steady_clock::now() + options_.long_poll,
                                    std::move(done), true});
            wake_.notify_all();
            return;
        }
    }
    if (stopping) {
        done(std::move(now));  // shutting down: answer empty (204) instead of waiting
    } else {
        done(Error::ResourceExhausted("too many pulls waiting; retry later"));
    }
}

void BacenService::Notify(const std::set<std::string>& ispbs) {
    if (ispbs.empty()) return;
    bool any = false;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, waiter] : waiters_) {
            if (ispbs.contains(waiter.ispb)) {
                waiter.check = true;
                any = true;
            }
        }
    }
    if (any) wake_.notify_all();
}

void BacenService::RunWaiters() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const auto now = std::chrono::steady_clock::now();
        std::vector<std::uint64_t> due;
        auto earliest = std::chrono::steady_clock::time_point::max();
        for (auto& [id, waiter] : waiters_) {
            if (waiter.check || waiter.deadline <= now) {
                waiter.check = false;
                due.push_back(id);
            } else {
                earliest = std::min(earliest, waiter.deadline);
            }
        }
        if (due.empty()) {
            if (earliest == std::chrono::steady_clock::time_point::max()) {
                wake_.wait(lock);
            } else {
                wake_.wait_until(lock, earliest);
            }
            continue;
        }
        for (std::uint64_t id : due) {
            auto found = waiters_.find(id);
            if (found == waiters_.end()) continue;
            const std::string ispb = found->second.ispb;
            const std::string stream_id = found->second.stream_id;
            const bool expired = found->second.deadline <= now;
            lock.unlock();
            Result<PullResult> result = PullNow(ispb, stream_id);
            lock.lock();
            found = waiters_.find(id);
            if (found == waiters_.end()) continue;
            if (!result.ok() || !result->messages.empty() || expired) {
                PullDone done = std::move(found->second.done);
                waiters_.erase(found);
                lock.unlock();
                done(std::move(result));
                lock.lock();
            }
        }
    }
    // Stopping: everyone still waiting gets an empty answer (204).
    std::map<std::uint64_t, Waiter> left;
    left.swap(waiters_);
    lock.unlock();
    for (auto& [id, waiter] : left) waiter.done(PullResult{waiter.stream_id, {}});
}

}  // namespace dictra::bacen
