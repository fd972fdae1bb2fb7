// pibr.001 (SPI catalog pibr.001.spi.1.3): EchoReq, the connectivity test a participant sends to
// the SPI; the SPI answers with a pibr.002 (pibr002.hpp) that echoes the data.
//
// The structure (GrpHdr MsgId/CreDtTm, EchoTxInf/Data Max35Text) is the same in the current
// catalog (1.3, namespace https://www.bcb.gov.br/pi/pibr.001/1.3) and in catalog 1.0 (namespace
// "pibr.001.spi.1.0.xsd"), whose XSD is the only pibr XSD we hold; `version` picks one.
// Build refuses what the XSD would refuse, naming the XML path; Parse accepts either version.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"

namespace dictra::formats::iso20022 {

enum class EchoVersion {
    kV1_3,  // pibr.00x.spi.1.3, the SPI catalog in force
    kV1_0,  // pibr.00x.spi.1.0: digit-only ISPB and MsgId, optional AppHdr/CharSet
};

// The Document of a pibr.001.
struct Pibr001 {
    std::string msg_id;          // EchoReq/GrpHdr/MsgId: MsgIdType
    SystemTimePoint created_at;  // EchoReq/GrpHdr/CreDtTm (milliseconds)
    std::string data;            // EchoReq/EchoTxInf/Data: Max35Text
    EchoVersion version = EchoVersion::kV1_3;

    friend bool operator==(const Pibr001&, const Pibr001&) = default;
};

Result<std::string> BuildPibr001(const AppHeader& header, const Pibr001& pibr001);
Result<Envelope<Pibr001>> ParsePibr001(std::string_view xml);

}  // namespace dictra::formats::iso20022
