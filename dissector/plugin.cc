// The four symbols Wireshark 4.0's plugin loader looks up with
// g_module_symbol(). WS_BUILD_DLL must precede wireshark.h so that
// WS_DLL_PUBLIC_DEF means "exported"; everything else stays hidden
// (-fvisibility=hidden plus the version script in BUILD).
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/proto.h>

#include "dissector/packet_mcxmikey.h"

#ifndef MCXMIKEY_PLUGIN_VERSION
#define MCXMIKEY_PLUGIN_VERSION "0.1.0"
#endif

extern "C" {

// `extern`: a namespace-scope const would otherwise have internal linkage.
extern WS_DLL_PUBLIC_DEF const gchar plugin_version[] = MCXMIKEY_PLUGIN_VERSION;
extern WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
extern WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void plugin_register(void) {
  static proto_plugin plugin;
  plugin.register_protoinfo = proto_register_mcxmikey;
  plugin.register_handoff = proto_reg_handoff_mcxmikey;
  proto_register_plugin(&plugin);
}

}  // extern "C"
