#!/usr/bin/env python3
"""Issue 3 acceptance 3: what ssod puts on the wire is valid L2TP for
Wireshark's dissector. tshark captures on lo (capture filter: ssod's two
L2TP ports) while l2tp_xl2tpd's cases run with tunnel authentication on:
xl2tpd as LAC against the ssod pair as LNS, then xl2tpd as LNS against the
pair as LAC. Every packet whose source port is one of ssod's decodes as
L2TP, none is malformed or carries an expert error, and ssod sent every
message type the cases exercise (with the Challenge / Challenge Response
AVPs). A deliberately truncated L2TP packet, sent from another port at the
end, must be flagged by the same filter: the check can see a bad packet.
"""
import os
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "xl2tpd"))
from ssotest import run, check, wait_for, track, TestFailure  # noqa: E402
import xl2tpdpeer  # noqa: E402
from xl2tpdpeer import free_udp_port  # noqa: E402
import l2tp_xl2tpd  # noqa: E402

TSHARK = shutil.which("tshark")

# RFC 2661 message types
SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO = 1, 2, 3, 4, 6
ICRQ, ICRP, ICCN, CDN = 10, 11, 12, 14
AVP_CHALLENGE, AVP_CHALLENGE_RESPONSE = 11, 13


class Capture:
    def __init__(self, ports):
        self.dir = tempfile.mkdtemp(prefix="ssot-tshark-")
        self.pcap = os.path.join(self.dir, "l2tp.pcapng")
        self.err = os.path.join(self.dir, "tshark.err")
        self.ports = ports
        filt = " or ".join("udp port %d" % p for p in ports)
        self.proc = track(subprocess.Popen(
            [TSHARK, "-n", "-i", "lo", "-f", filt, "-w", self.pcap],
            stdout=subprocess.DEVNULL, stderr=open(self.err, "w"),
            stdin=subprocess.DEVNULL))
        wait_for(lambda: self._alive() and "Capturing on" in self._err(), 20,
                 "tshark to start capturing")

    def _err(self):
        with open(self.err, errors="replace") as f:
            return f.read()

    def _alive(self):
        if self.proc.poll() is not None:
            raise TestFailure("tshark exited: %s" % self._err())
        return True

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def read(self, dfilter, *fields):
        cmd = [TSHARK, "-n", "-r", self.pcap]
        for p in self.ports:
            cmd += ["-d", "udp.port==%d,l2tp" % p]
        cmd += ["-Y", dfilter, "-T", "fields", "-E", "occurrence=a",
                "-E", "aggregator=,"]
        for f in ("frame.number",) + fields:
            cmd += ["-e", f]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise TestFailure("tshark -r %r: %s" % (dfilter, r.stderr))
        return [ln.split("\t") for ln in r.stdout.splitlines() if ln]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def main(pairs):
    if TSHARK is None:
        print("SKIP: tshark is not installed (apt-get install tshark)")
        return
    if not xl2tpdpeer.available():
        print("SKIP: xl2tpd (and pppd) not installed, or not root")
        return
    lns_port, lac_port = free_udp_port(), free_udp_port()
    cap = Capture([lns_port, lac_port])
    try:
        l2tp_xl2tpd.lns_case(pairs, l2tp_xl2tpd.SECRET, challenge=True,
                             port=lns_port)
        l2tp_xl2tpd.lac_case(pairs, l2tp_xl2tpd.SECRET, port=lac_port)
        # the check must be able to fail: a truncated L2TP control
        # header (T, L, S, version 2, length 64, 8 bytes sent) to ssod's
        # port from another one, ssod no longer runs
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"\xc8\x02\x00\x40\x00\x01\x00\x00",
                 ("127.0.0.1", lns_port))
        s.close()
        time.sleep(0.5)  # let dumpcap write the last packet before SIGINT
    finally:
        cap.stop()
    try:
        analyse(cap, lns_port, lac_port)
    except TestFailure as e:
        raise TestFailure("%s (capture kept: %s)" % (e, cap.pcap))
    cap.cleanup()


def analyse(cap, lns_port, lac_port):
    ours = "(udp.srcport == %d || udp.srcport == %d)" % (lns_port, lac_port)
    bad = "_ws.malformed || _ws.expert.severity >= \"Error\""
    sent = cap.read(ours, "l2tp.type", "l2tp.avp.message_type",
                    "l2tp.avp.type")
    check(len(sent) >= 25, "only %d packets from ssod captured" % len(sent))
    not_l2tp = cap.read(ours + " && !l2tp")
    check(not not_l2tp, "packets from ssod not decoded as L2TP: %r"
          % not_l2tp[:10])
    broken = cap.read("(%s) && (%s)" % (ours, bad), "_ws.expert.message",
                      "_ws.col.info")
    check(not broken, "malformed / expert error in ssod's packets: %r"
          % broken[:10])
    probe = cap.read("!(%s) && (%s)" % (ours, bad), "_ws.col.info")
    check(len(probe) == 1, "the truncated probe was not flagged by the "
          "filter (so it cannot see a bad packet): %r" % probe)
    types = {int(t) for row in sent if len(row) > 2 and row[2]
             for t in row[2].split(",")}
    want = {SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO, ICRQ, ICRP, ICCN, CDN}
    check(want <= types, "ssod sent message types %r, missing %r"
          % (sorted(types), sorted(want - types)))
    zlbs = [r for r in sent if len(r) > 2 and not r[2]]
    check(zlbs, "no ZLB from ssod captured")
    avps = {int(t) for row in sent if len(row) > 3 and row[3]
            for t in row[3].split(",")}
    check({AVP_CHALLENGE, AVP_CHALLENGE_RESPONSE} <= avps,
          "no Challenge / Challenge Response AVP from ssod: %r"
          % sorted(avps))
    warn = cap.read("(%s) && _ws.expert.severity >= \"Warning\"" % ours,
                    "_ws.expert.message")
    print("tshark: %d packets from ssod, message types %r, %d ZLBs, "
          "%d expert warnings%s" % (len(sent), sorted(types), len(zlbs),
                                    len(warn), (": %r" % warn[:5])
                                    if warn else ""))


if __name__ == "__main__":
    run(main)
