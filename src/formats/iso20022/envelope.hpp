// The SPI envelope shared by every catalog message: <Envelope> = <AppHdr> + <Document>.
//
// Every SPI message (BCB "Catálogo de Mensagens e Serviços do SPI") is one XML document whose root
// is `Envelope` in the message's own namespace, `https://www.bcb.gov.br/pi/<msg>/<version>`
// (`https://www.bcb.gov.br/pi/pacs.008/1.16`). The envelope holds the business application header
// `AppHdr` (head.001: Fr, To, BizMsgIdr, MsgDefIdr, CreDt, Sgntr) and the ISO 20022 `Document`.
// This header names the message definitions the module knows, the header fields every message
// shares, and the limits every parser here applies to untrusted XML.
//
// Each message type lives in its own file (pacs008.hpp, pacs002.hpp, pibr001.hpp, pibr002.hpp)
// with `BuildX(header, x)` and `ParseX(xml)`; message.hpp parses any of them. Adding a message
// (pacs.004, camt.060) is one more such file plus one row in the definitions table.
//
// Nothing here does I/O. Build and parse functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace dictra::formats::iso20022 {

// Untrusted XML larger than this is refused before any parser sees it, and Build refuses to make a
// message that a peer with the same limit would refuse. The SPI messages we build are a few KiB
// (a pacs.008 transaction is about 2.7 KiB indented); 1 MiB leaves room for large batches.
inline constexpr std::size_t kXmlBytesMax = 1024 * 1024;
// Element nesting deeper than this is refused (the message readers' parse checks it without
// recursion; the tree of a deep document costs memory in proportion to its size, which
// kXmlBytesMax bounds). The deepest path in our messages is 9 elements
// (Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf/RmtInf/Strd/RfrdDocAmt/AdjstmntAmtAndRsn/Amt),
// an XMLDSig signature inside AppHdr/Sgntr reaches about 10.
inline constexpr std::size_t kXmlDepthMax = 32;
static_assert(kXmlDepthMax >= 16, "the signature inside AppHdr/Sgntr must fit");

// The XMLDSig namespace required inside AppHdr/Sgntr.
inline constexpr std::string_view kXmlDsigNamespace = "http://www.w3.org/2000/09/xmldsig#";

enum class MessageType {
    kPacs008,  // FIToFICstmrCdtTrf: credit transfer
    kPacs002,  // FIToFIPmtStsRpt: payment status report
    kPibr001,  // EchoReq: connectivity test request
    kPibr002,  // EchoRpt: connectivity test report
};

// "pacs.008", "pacs.002", "pibr.001", "pibr.002".
std::string_view ToString(MessageType type);

// One message definition of the SPI catalog: the pair (MsgDefIdr, namespace) identifies it.
struct MessageDefinition {
    MessageType type;
    std::string_view msg_def_idr;    // AppHdr/MsgDefIdr: "pacs.008.spi.1.16"
    std::string_view namespace_uri;  // "https://www.bcb.gov.br/pi/pacs.008/1.16"
    // Catalog 1.0 era (pibr *.spi.1.0 XSDs only): a non-URL namespace, an optional AppHdr/CharSet,
    // ISPB and MsgId with digits only ("[0-9]{8}"), and CreDt of the pattern ".*Z".
    bool legacy_header = false;
};

// Every definition this module builds and parses, current catalog (5.13.1) first.
std::span<const MessageDefinition> KnownMessageDefinitions();
// The definition with this namespace, or null.
const MessageDefinition* FindDefinitionByNamespace(std::string_view namespace_uri);

// The head.001 fields every message carries, except MsgDefIdr (fixed by the message type) and
// Sgntr (see BuildX: an unsigned XMLDSig template that the signing step fills in).
struct AppHeader {
    std::string from_ispb;            // Fr/FIId/FinInstnId/Othr/Id: sender, ISPBType [0-9A-Z]{8}
    std::string to_ispb;              // To/FIId/FinInstnId/Othr/Id: addressee
    std::string business_message_id;  // BizMsgIdr: MsgIdType M + ISPB + 23 [a-zA-Z0-9]
    // CreDt, written "YYYY-MM-DDThh:mm:ss.sssZ": sub-millisecond parts are truncated.
    SystemTimePoint created_at;

    friend bool operator==(const AppHeader&, const AppHeader&) = default;
};

// A parsed message: its header and its document.
template <typename Document>
struct Envelope {
    AppHeader header;
    Document document;

    friend bool operator==(const Envelope&, const Envelope&) = default;
};

}  // namespace dictra::formats::iso20022
