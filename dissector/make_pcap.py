#!/usr/bin/env python3
"""Wraps the Streamwide MIKEY-SAKKE messages into UDP datagrams (stdlib only).

Usage: make_pcap.py VECTORS.json OUT.pcap EXPECTED.tsv EMBEDDED.tsv

Frames (Ethernet/IPv4/UDP on loopback):
  1..4  the four I_MESSAGEs of the vector file, on ports the plugin does not
        own (found by the heuristic);
  5     message 1 cut short, on MALFORMED_PORT (tshark is told "Decode As");
  6     a datagram that starts 01 1a but is not MIKEY (the heuristic must
        leave it alone);
  7     message 1 with the V bit set (expert info "V bit on a GMK");
  8     message 1 in a TCP segment between ports nobody owns (TCP heuristic);
  9     a SIP INVITE over UDP whose SDP carries message 2 in
        `a=key-mgmt:mikey` (base64);
  10    an HTTP POST over TCP whose 3GPP XML body carries message 3 in an
        element (base64);
  11    a SIP MESSAGE with a media type nobody registers whose XML body
        carries message 4 (found by the heuristic on SIP bodies);
  12    a SIP MESSAGE whose application/xml body carries frame 5's
        truncated message (malformed, still found and marked).

EXPECTED.tsv holds, per vector message, the frame number and the values
`tshark -T fields` should print, derived from the JSON at run time.
EMBEDDED.tsv holds frame number and CSB-ID of frames 8-11.
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


def tcp_frame(src_last_octet: int, sport: int, dport: int, data: bytes) -> bytes:
    # Sequence 1, ack 1, PSH|ACK, 20-octet header; checksums are not checked
    # by tshark by default.
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x18, 65535, 0, 0) + data
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     bytes([127, 0, 0, src_last_octet]), bytes([127, 0, 0, 1]))
    ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
    eth = b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00"
    return eth + ip + tcp


def sip_invite_with_sdp(b64: str) -> bytes:
    sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n"
           "a=key-mgmt:mikey " + b64 + "\r\n"
           "m=audio 49170 RTP/SAVP 0\r\n")
    head = ("INVITE sip:alice@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-sdp\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:gms@example.com>;tag=1\r\n"
            "To: <sip:alice@example.com>\r\n"
            "Call-ID: sdp-1@example.com\r\n"
            "CSeq: 1 INVITE\r\n"
            "Contact: <sip:gms@127.0.0.9>\r\n"
            "Content-Type: application/sdp\r\n"
            "Content-Length: %d\r\n\r\n" % len(sdp))
    return (head + sdp).encode()


def sip_message_with_xml(b64: str, content_type: str) -> bytes:
    body = "<gktp><mikey-message>" + b64 + "</mikey-message></gktp>\r\n"
    head = ("MESSAGE sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.9:5060;branch=z9hG4bK-msg\r\n"
            "Max-Forwards: 70\r\n"
            "From: <sip:gms@example.com>;tag=2\r\n"
            "To: <sip:bob@example.com>\r\n"
            "Call-ID: msg-1@example.com\r\n"
            "CSeq: 1 MESSAGE\r\n"
            "Content-Type: " + content_type + "\r\n"
            "Content-Length: %d\r\n\r\n" % len(body))
    return (head + body).encode()


def http_post_with_xml(b64: str) -> bytes:
    body = ('<?xml version="1.0" encoding="UTF-8"?>\r\n'
            '<mcpttinfo xmlns="urn:3gpp:ns:mcpttInfo:1.0">\r\n'
            "  <mikey-message>" + b64 + "</mikey-message>\r\n"
            "</mcpttinfo>\r\n")
    head = ("POST /gktp HTTP/1.1\r\n"
            "Host: gms.example.com\r\n"
            "Content-Type: application/vnd.3gpp.mcptt-info+xml\r\n"
            "Content-Length: %d\r\n\r\n" % len(body))
    return (head + body).encode()


def hex_field(value: str) -> str:
    """How tshark prints a BASE_HEX FT_UINT32 field."""
    return "0x%08x" % int(value, 16)


def main() -> None:
    vectors_path, pcap_path, expected_path, embedded_path = sys.argv[1:5]
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

    msgs = vectors["messages"]
    embedded = []
    packets.append(tcp_frame(9, 40200, 50200, first))
    embedded.append((len(packets), msgs[0]["csb_id"]))
    packets.append(frame(9, 5060, 5060, sip_invite_with_sdp(msgs[1]["i_message_b64"])))
    embedded.append((len(packets), msgs[1]["csb_id"]))
    packets.append(tcp_frame(9, 40300, 80, http_post_with_xml(msgs[2]["i_message_b64"])))
    embedded.append((len(packets), msgs[2]["csb_id"]))
    packets.append(frame(9, 5060, 5060,
                         sip_message_with_xml(msgs[3]["i_message_b64"], "application/x-unregistered")))
    embedded.append((len(packets), msgs[3]["csb_id"]))
    truncated_b64 = base64.b64encode(first[:TRUNCATED_LENGTH]).decode()
    packets.append(frame(9, 5060, 5060, sip_message_with_xml(truncated_b64, "application/xml")))

    with open(pcap_path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        for n, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1700000000 + n, 0, len(p), len(p)))
            f.write(p)
    with open(expected_path, "w") as f:
        f.write("\n".join(expected) + "\n")
    with open(embedded_path, "w") as f:
        f.write("".join("%d\t%s\n" % (n, hex_field(c)) for n, c in embedded))


if __name__ == "__main__":
    main()
