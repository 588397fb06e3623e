// Registration entry points of the "MCX MIKEY-SAKKE" protocol, called from
// plugin.cc through Wireshark's proto_plugin table.
#ifndef MCXTEST_DISSECTOR_PACKET_MCXMIKEY_H_
#define MCXTEST_DISSECTOR_PACKET_MCXMIKEY_H_

#ifdef __cplusplus
extern "C" {
#endif

void proto_register_mcxmikey(void);
void proto_reg_handoff_mcxmikey(void);

#ifdef __cplusplus
}
#endif

#endif  // MCXTEST_DISSECTOR_PACKET_MCXMIKEY_H_
