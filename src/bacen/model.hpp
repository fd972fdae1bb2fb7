// The BACEN simulator's plain data: participants and their reserve accounts, the outcome of
// settling one credit transfer, and what a stream pull hands back.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/money.hpp"

namespace dictra::bacen {

inline constexpr std::string_view kServiceName = "bacen-simulator";

// The ISPB of the Central Bank itself: the sender (AppHdr/Fr) of everything the simulator
// delivers and the addressee (AppHdr/To) every inbound message must name.
inline constexpr std::string_view kBacenIspb = "00038166";

// ICOM accepts at most this many messages in one POST (multipart/mixed) and hands out at most
// this many in one pull.
inline constexpr std::size_t kMessagesPerRequestMax = 10;
inline constexpr std::size_t kMessagesPerPullMax = 10;
// One ICOM POST body (one XML or a multipart of up to kMessagesPerRequestMax): 10 MiB.
inline constexpr std::size_t kInboundBodyBytesMax = 10 * 1024 * 1024;
// Pulls waiting for messages at once (all participants); more are refused with 429 rather
// than holding unbounded memory.
inline constexpr std::size_t kWaitingPullsMax = 1024;

struct Readiness {
    bool database_connected = false;
};

// A participant of the SPI and the balance of its reserve account (conta PI), in centavos.
struct Account {
    std::string ispb;
    AmountCentavos balance;
    SystemTimePoint updated_at;
};

// A participant known at start-up and the balance it starts with (only when its account does
// not exist yet: a restart keeps the balances it finds).
struct ParticipantSeed {
    std::string ispb;
    AmountCentavos initial_balance;
};

// How the simulator behaves; app/ fills it from flags.
struct BacenOptions {
    std::vector<ParticipantSeed> participants;
    // A pacs.008 transaction whose AccptncDtTm is older than this when it reaches the simulator
    // is rejected with AB03 (settlement deadline passed).
    std::chrono::microseconds settlement_deadline = std::chrono::seconds(60);
    // How long a stream pull waits for a message before answering 204.
    std::chrono::milliseconds long_poll = std::chrono::seconds(10);
};

// What one POST to the inbox produced.
struct InboundReceipt {
    std::string resource_id;  // PI-ResourceId: a UUIDv4 naming the POST
    std::size_t messages = 0;
};

// The rejection reasons the simulator gives (pacs.002 StsRsnInf/Rsn/Cd).
inline constexpr std::string_view kReasonInsufficientBalance = "AM04";
inline constexpr std::string_view kReasonInvalidCreditorAccount = "AC03";
inline constexpr std::string_view kReasonUnknownPayer = "RC09";
inline constexpr std::string_view kReasonUnknownPayee = "RC10";
inline constexpr std::string_view kReasonDuplicate = "DUPL";
inline constexpr std::string_view kReasonDeadlinePassed = "AB03";

// One message delivered through a stream.
struct OutboundMessage {
    std::int64_t id = 0;
    std::string message_type;  // "pacs.002", "pacs.008", "pibr.002"
    std::string xml;
};

// What one pull of a stream returns; empty means 204.
struct PullResult {
    std::string stream_id;
    std::vector<OutboundMessage> messages;
};

}  // namespace dictra::bacen
