#!/usr/bin/env bash
# check-proptext.sh - property texts against tshark (issue 13 §3): nmhost --dump N prints
# each property's text (GetPropertyText); on frames of data/sample.cap picked by kind (DNS
# query and response, TCP SYN / SYN-ACK / PSH-ACK / FIN-ACK, ICMPv6, ARP) the texts of
# IP/IPV6 addresses, TCP/UDP ports and flags, DNS names and ARP addresses must say what
# tshark -T fields says (tests/check-proptext.py compares).
#   tests/check-proptext.sh BIN_DIR ARCH
# Exit: 0 ok, 1 mismatch, 2 bad usage, 77 skipped (reason printed).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/check-lib.sh"
nm_check_init check-proptext "$@"
nm_check_tools tshark python3
nm_check_built nmhost.exe
nm_check_sample
nm_check_wine
python3 "$here/check-proptext.py" "$cap" "$tmp" "$run" "$bin/nmhost.exe"
