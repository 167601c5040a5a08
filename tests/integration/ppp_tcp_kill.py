#!/usr/bin/env python3
"""Issue 12 acceptance 3: a TCP connection through a PPP subscriber
survives a SIGKILL of the active. The LNS pair of lns_ppp_pair.py in the
namespaces of lns_ppp.py; `l2tp-peer --ppp --tun` brings one subscriber
up with its device ppp0 in the lac namespace; iperf3 runs TCP from it to
the core namespace through the active's TUN; 2 s in, the active is
SIGKILLed. iperf3 ends normally (no error: the connection was never
reset), bytes arrive after the kill through the new active, the
subscriber is the same (ids, address) on the new active; the stall (the
longest run of 0.1 s intervals without a byte at the receiver) is
printed, not asserted.
Prints SKIP with the reason where namespaces cannot be made."""
import json
import os
import shutil
import subprocess
import time

import ssotest
from ssotest import check, track, wait_for
import lns_ppp as L
import lns_ppp_pair as LP
import lns_peer

PORT = 43011
SECONDS = 6
KILL_AT = 2.0


def main(_pairs):
    L.prologue()
    if shutil.which("iperf3") is None:
        raise ssotest.TestFailure("iperf3 not installed (tools/install-deps)")
    u0 = LP.Unit(0)
    u1 = LP.Unit(1, u0.dir)
    errf = open(os.path.join(u0.dir, "tun.err"), "w+")

    def err():
        errf.seek(0)
        return errf.read()
    try:
        LP.start_pair(u0, u1)
        track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["lac"], os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
            "10.81.0.1", "--bind", "10.81.0.2", "--ppp", "--json", "--hello",
            "0", "--user", "alice", "--password", "alicepw", "--tunnels", "1",
            "--sessions", "1", "--tun", "--duration", "0"),
            stdout=subprocess.PIPE, stderr=errf, stdin=subprocess.DEVNULL,
            text=True))
        wait_for(lambda: "tun ppp0 " in err(), 60, "l2tp-peer --tun to "
                 "bring ppp0 up", err)
        L.nsx("lac", "ip", "route", "replace", "10.82.0.0/24", "dev", "ppp0")
        wait_for(lambda: u1.ctl("show", "subscriber", "redundancy")[
            "standby_established"] == 1, 30, "the subscriber on the standby")
        before = [(x["tunnel_id"], x["session_id"], x["ipv4"]) for x in
                  u0.ctl("show", "subscriber", "session")["sessions"]]
        track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["core"], "iperf3", "-s", "-1", "-J", "-i", "0.1", "-B",
            "10.82.0.2", "-p", PORT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(lambda: str(PORT) in L.nsx("core", "ss", "-ltn").stdout, 10,
                 "iperf3 to listen")
        cli = track(subprocess.Popen(lns_peer.NsBed().cmd(
            L.NS["lac"], "iperf3", "-c", "10.82.0.2", "-p", PORT, "-t",
            SECONDS, "-i", "0.1", "-J", "--get-server-output"), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True))
        # the stimulus: the kill 2 s into the transfer (nothing is
        # asserted on time)
        time.sleep(KILL_AT)
        check(cli.poll() is None, "iperf3 ended before the kill")
        u0.proc.kill()
        u0.proc.wait(timeout=10)
        wait_for(lambda: u1.state() == "ACTIVE", 30, "unit 1 ACTIVE")
        out, e = cli.communicate(timeout=SECONDS + 60)
        j = json.loads(out)
        check(cli.returncode == 0 and "error" not in j,
              "iperf3 did not end normally (rc %d): %s %s" % (
                  cli.returncode, j.get("error"), e[-500:]))
        after = [(x["tunnel_id"], x["session_id"], x["ipv4"]) for x in
                 u1.ctl("show", "subscriber", "session")["sessions"]]
        check(after == before, "the subscriber changed: %s -> %s"
              % (before, after))
        check(u1.ctl("show", "subscriber", "session")["sessions"][0][
            "rx_bytes"] > 0, "no byte through the new active")
        # the receiver's intervals (the server's): bytes that arrived
        iv = [x["sum"] for x in j["server_output_json"]["intervals"]]
        if os.environ.get("TCPK_DUMP"):
            print([(round(x["start"], 1), x["bytes"]) for x in iv])
        # the longest run of intervals without a byte: the stall
        run = best = 0
        for x in iv:
            run = run + x["seconds"] if x["bytes"] == 0 else 0
            best = max(best, run)
        tail = sum(x["bytes"] for x in iv[-10:])
        check(tail > 0, "no byte in the last second: the connection did "
              "not resume")
        recv = j["end"]["sum_received"]
        print("iperf3 TCP %d s through the subscriber, SIGKILL of the "
              "active at ~%.0f s: ended normally, %.1f Mbit/s received on "
              "average, %d retransmits; stall %.1f s (longest run of 0.1 s "
              "intervals without a byte at the receiver); the subscriber %s kept" % (
                  SECONDS, KILL_AT, recv["bits_per_second"] / 1e6,
                  j["end"]["sum_sent"].get("retransmits", 0), best, after))
    except Exception:
        u0.dump()
        u1.dump()
        print("l2tp-peer stderr: %s" % err()[-1500:])
        raise
    finally:
        L.teardown()


if __name__ == "__main__":
    ssotest.run(main)
