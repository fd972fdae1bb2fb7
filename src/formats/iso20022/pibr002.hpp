// pibr.002 (SPI catalog pibr.002.spi.1.3): EchoRpt, the answer to a pibr.001 echo request
// (pibr001.hpp), carrying the request's data back in OrgnlData. Same versions and contract as
// pibr.001.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"
#include "formats/iso20022/pibr001.hpp"

namespace dictra::formats::iso20022 {

// The Document of a pibr.002.
struct Pibr002 {
    std::string msg_id;          // EchoRpt/GrpHdr/MsgId: MsgIdType
    SystemTimePoint created_at;  // EchoRpt/GrpHdr/CreDtTm (milliseconds)
    std::string original_data;   // EchoRpt/EchoTxInf/OrgnlData: Max35Text
    EchoVersion version = EchoVersion::kV1_3;

    friend bool operator==(const Pibr002&, const Pibr002&) = default;
};

Result<std::string> BuildPibr002(const AppHeader& header, const Pibr002& pibr002);
Result<Envelope<Pibr002>> ParsePibr002(std::string_view xml);

}  // namespace dictra::formats::iso20022
