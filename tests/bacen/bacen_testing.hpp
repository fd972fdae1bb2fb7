// SPI messages for the BACEN simulator's tests (unit and end-to-end): a participant's pacs.008
// and pibr.001 built with formats/iso20022, as a PSP would send them to ICOM.
#pragma once

#include <string>
#include <vector>

#include "core/ids.hpp"
#include "formats/iso20022/message.hpp"

namespace dictra::bacen::testing {

namespace iso = formats::iso20022;

inline constexpr const char* kPayer = "12345678";
inline constexpr const char* kPayee = "87654321";
inline constexpr const char* kSpi = "00038166";

// A credit transfer from `payer` to `payee`, accepted by the payer at `accepted_at`.
inline iso::CreditTransfer Transfer(const std::string& payer, const std::string& payee,
                                    std::int64_t centavos, SystemTimePoint accepted_at) {
    iso::CreditTransfer tx;
    tx.end_to_end_id = NewEndToEndId(Ispb::Parse(payer).value(), accepted_at);
    tx.amount = AmountCentavos(centavos);
    tx.accepted_at = accepted_at;
    tx.local_instrument = iso::LocalInstrument::kManu;
    tx.debtor_name = "João da Silva";
    tx.debtor_tax_id = "12345678901";
    tx.debtor_account = iso::Account{"123456", "0001", iso::AccountType::kCacc};
    tx.debtor_agent_ispb = payer;
    tx.creditor_agent_ispb = payee;
    tx.creditor_tax_id = "98765432100";
    tx.creditor_account = iso::Account{"654321", "0002", iso::AccountType::kCacc};
    tx.purpose = iso::Purpose::kIpay;
    return tx;
}

inline iso::AppHeader HeaderFrom(const std::string& sender, SystemTimePoint now) {
    return iso::AppHeader{sender, kSpi, NewMessageId(Ispb::Parse(sender).value()), now};
}

// A pacs.008 sent by `sender` holding `transfers`.
inline std::string Pacs008Xml(const std::string& sender, std::vector<iso::CreditTransfer> transfers,
                              SystemTimePoint now) {
    iso::Pacs008 pacs008;
    pacs008.msg_id = NewMessageId(Ispb::Parse(sender).value());
    pacs008.created_at = now;
    pacs008.transactions = std::move(transfers);
    return iso::BuildPacs008(HeaderFrom(sender, now), pacs008).value();
}

inline std::string Pibr001Xml(const std::string& sender, const std::string& data,
                              SystemTimePoint now) {
    iso::Pibr001 pibr001{NewMessageId(Ispb::Parse(sender).value()), now, data,
                         iso::EchoVersion::kV1_3};
    return iso::BuildPibr001(HeaderFrom(sender, now), pibr001).value();
}

}  // namespace dictra::bacen::testing
