#!/bin/bash
# Copies the plugin where this user's tshark/Wireshark 4.0 will load it.
# Root's tshark only scans the global folder (it ignores the personal one and
# WIRESHARK_PLUGIN_DIR when run with special privileges).
set -euo pipefail
PLUGIN="$1"
if [ "$(id -u)" = 0 ]; then
  dest="/usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan"
else
  dest="${HOME}/.local/lib/wireshark/plugins/4.0/epan"
fi
mkdir -p "$dest"
install -m 0644 "$PLUGIN" "$dest/mcxmikey.so"
echo "Installed mcxmikey.so into $dest"
echo "Check with: tshark -G plugins | grep mcxmikey"
