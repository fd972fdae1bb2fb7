// Any SPI message this module knows, for code that receives XML without knowing its type (the
// BACEN simulator's inbox, the SPI service's receiver).
//
// ParseAny reads the root Envelope's namespace, picks the message definition
// (envelope.hpp: KnownMessageDefinitions), checks that AppHdr/MsgDefIdr agrees with it, and parses
// the document with that message's rules. An unknown namespace is an error naming it. Build turns
// any parsed message back into XML; for every message ParseAny accepts, ParseAny(Build(m)) == m.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/result.hpp"
#include "formats/iso20022/envelope.hpp"
#include "formats/iso20022/pacs002.hpp"
#include "formats/iso20022/pacs008.hpp"
#include "formats/iso20022/pibr001.hpp"
#include "formats/iso20022/pibr002.hpp"

namespace dictra::formats::iso20022 {

using Message =
    std::variant<Envelope<Pacs008>, Envelope<Pacs002>, Envelope<Pibr001>, Envelope<Pibr002>>;

// The type of a parsed message.
MessageType TypeOf(const Message& message);

// Parses any known message. Errors as in ParsePacs008.
Result<Message> ParseAny(std::string_view xml);

// Builds the XML of any message (BuildPacs008, BuildPacs002, ...).
Result<std::string> Build(const Message& message);

}  // namespace dictra::formats::iso20022
