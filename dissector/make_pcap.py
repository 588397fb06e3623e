#!/usr/bin/env python3
"""Wraps the Streamwide MIKEY-SAKKE messages into UDP datagrams (stdlib only).

Usage: make_pcap.py VECTORS.json OUT.pcap EXPECTED.tsv

Frames (Ethernet/IPv4/UDP on loopback):
  1..4  the four I_MESSAGEs of the vector file, on ports the plugin does not
        own (found by the heuristic);
  5     message 1 cut short, on MALFORMED_PORT (tshark is told "Decode As");
  6     a datagram that starts 01 1a but is not MIKEY (the heuristic must
        leave it alone);
  7     message 1 with the V bit set (expert info "V bit on a GMK").

EXPECTED.tsv holds, per vector message, the frame number and the values
`tshark -T fields` should print, derived from the JSON at run time.
"""
import base64
import json
import struct
import sys

MALFORMED_PORT = 47998
NOT_MIKEY_PORT = 47997
V_BIT_PORT = 47996
TRUNCATED_LENGTH = 100


def ip_checksum(hdr: bytes) -> int:
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src_last_octet: int, sport: int, dport: int, data: bytes) -> bytes:
    udp = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([127, 0, 0, src_last_octet]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    eth = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + udp


def hex_field(value: str) -> str:
    """How tshark prints a BASE_HEX FT_UINT32 field."""
    return "0x%08x" % int(value, 16)


def main() -> None:
    vectors_path, pcap_path, expected_path = sys.argv[1:4]
    with open(vectors_path) as f:
        vectors = json.load(f)

    packets = []
    expected = []
    for i, msg in enumerate(vectors["messages"]):
        wire = base64.b64decode(msg["i_message_b64"])
        assert len(wire) == msg["length"], msg["name"]
        packets.append(frame(2 + i, 40000 + i, 50000 + i, wire))
        csb_id = int(msg["csb_id"], 16)
        generic_id = msg["cs_id_map_type"] == 2
        expected.append("\t".join([
            str(len(packets)),
            hex_field(msg["csb_id"]),
            # GENERIC-ID SPI: key ID, then the GUK-ID for GMK messages.
            hex_field(msg["key_id"]) if generic_id else "",
            hex_field(msg["guk_id"]) if generic_id and msg["guk_id"] else "",
            str(csb_id >> 28),
            msg["rand"],
            str(int(msg["t_ntp64"], 16) >> 32),
        ]))

    first = base64.b64decode(vectors["messages"][0]["i_message_b64"])
    packets.append(frame(9, 40100, MALFORMED_PORT, first[:TRUNCATED_LENGTH]))
    packets.append(frame(9, 40101, NOT_MIKEY_PORT, b"\x01\x1a" + b"not a mikey message"))
    v_bit = bytearray(first)
    v_bit[3] |= 0x80
    packets.append(frame(9, 40102, V_BIT_PORT, bytes(v_bit)))

    with open(pcap_path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for n, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + n, 0, len(p), len(p)))
            f.write(p)
    with open(expected_path, "w") as f:
        f.write("\n".join(expected) + "\n")


if __name__ == "__main__":
    main()
