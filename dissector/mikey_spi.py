#!/usr/bin/env python3
"""Prints, per raw MIKEY-SAKKE file, what tshark should show (stdlib only).

Usage: mikey_spi.py FILE...

One line per file: GUK-ID and GMK-ID (last and first 4 SPI octets of the
first GENERIC-ID crypto session) and the purpose tag of the CSB-ID, formatted
like `tshark -T fields -e mcxmikey.guk_id -e mcxmikey.gmk_id -e
mcxmikey.purpose_tag`.
Independent of the plugin: it reads the header octets itself (RFC 6043
6.1.1 layout).
"""
import struct
import sys


def main() -> None:
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            wire = f.read()
        csb_id = struct.unpack("!I", wire[4:8])[0]
        map_type = wire[9]
        gmk_id = ""
        guk_id = ""
        if map_type == 2:
            at = 10 + 2  # CS ID, protocol type
            policies = wire[at] & 0x7F
            at += 1 + policies
            session_len = struct.unpack("!H", wire[at:at + 2])[0]
            at += 2 + session_len
            spi_len = wire[at]
            spi = wire[at + 1:at + 1 + spi_len]
            if spi_len in (4, 8):
                gmk_id = "0x%08x" % struct.unpack("!I", spi[:4])[0]
            if spi_len == 8:
                guk_id = "0x%08x" % struct.unpack("!I", spi[4:])[0]
        print("%s\t%s\t%d" % (guk_id, gmk_id, csb_id >> 28))


if __name__ == "__main__":
    main()
