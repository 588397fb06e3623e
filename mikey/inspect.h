// Inspection model of a parsed MIKEY message: every wire field with its
// value, registered name, and position, as JSON (field order as on the wire)
// and as readable multi-line text rendered from that same JSON.
//
// Conventions of the JSON: octet strings are lowercase hex; enumerations
// are {"value": n, "name": "..."} ("name" empty when unregistered); key IDs
// (CSB-ID, SPI key IDs, DPPK-ID) come with their TS 33.180 purpose tag;
// every payload carries "offset" and "length" in the message, and variable
// data fields their own "*_offset".
#ifndef MCXTEST_MIKEY_INSPECT_H_
#define MCXTEST_MIKEY_INSPECT_H_

#include <string>

#include <nlohmann/json.hpp>

#include "mikey/message.h"

namespace mcx::mikey {

nlohmann::ordered_json InspectJson(const Message& message);
std::string InspectText(const Message& message);

// The Key Parameters content fields (also used for decrypted payloads).
nlohmann::ordered_json KeyParametersJson(const KeyParameters& params);

// How InspectText shows a leaf of the InspectJson model, so other views (the
// HTML report) show fields the same way: a named value as "6 (AES-GCM)", a
// string, yes/no, a list joined by ", ", anything else as JSON text.
std::string InspectLeafText(const nlohmann::ordered_json& leaf);
// Whether InspectText shows `node` on one line: a leaf or a list of leaves.
bool InspectIsLeaf(const nlohmann::ordered_json& node);

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_INSPECT_H_
