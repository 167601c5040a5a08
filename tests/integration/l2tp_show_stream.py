#!/usr/bin/env python3
"""Issue 15 acceptance 3: `show l2tp session` against 10,000 tunnels x 10
sessions (the l2tp_scale setup; SSO_SCALE_TUNNELS to change) streams.

- the reply is complete (text: one row per session; --json: one valid
  document whose "sessions" has every session, "total" the same), in more
  than one chunk (show control: chunks_sent);
- the active's RSS (VmRSS, sampled while the reply is read, against the
  value just before; after warm-up replies that allocate the control
  socket's own streaming working set) grows by no more than one chunk
  (show control: chunk_bytes) plus RSS_SLACK_KB: the reply is never built
  whole (the text reply is about 7 MB, the JSON one 19 MB;
  SSO_STREAM_RSS=0 skips this check for a sanitizer build, whose
  quarantine keeps freed memory). RSS before, at its peak during and
  after each reply is printed;
- no keepalive timeout on either unit during it, and the pair is still
  ACTIVE / STANDBY HOT after it. The standby's view of the active's
  keepalives is printed, not asserted (no timing assertions): how many it
  received, how many came late (keepalives_late: more than 1.5 intervals
  after the one before), the longest gap since the peer came up
  (peer_keepalive_max_gap_ms) before and after the replies, the longest
  peer_keepalive_last_gap_ms sampled during them, and the longest time
  its keepalives_received stood still as sampled;
- `-b` gives the same body and then `%END 0`;
- a tunnel cleared while the reply streams (the last one, not sent yet)
  is left out with its sessions, and no row is listed twice.
"""
import json
import os
import subprocess
import tempfile
import threading
import time

import ssotest
from ssotest import Pair, run, check, wait_for
from l2tphelp import lns_conf, free_udp_port


# The slack over one chunk: RSS counts 4 KiB pages, and a chunk's buffers
# are not page-aligned: the reply buffer being filled (one chunk plus the
# row that crosses the limit, < 1 KiB) and ZeroMQ's copy of the chunk
# before it (the next chunk is made once the previous one is handed to
# ZeroMQ, so two can exist) each touch up to one partly used page at
# either end. Their blocks are allocated by the warm-up replies and
# reused afterwards (same sizes, same glibc arenas), so only those edge
# pages can newly appear: 4 pages = 16 KiB. A reply built whole would be
# megabytes (7 MB text, 19 MB JSON here).
RSS_SLACK_KB = 16


rss_kb = ssotest.rss_kb


class KaWatch(threading.Thread):
    """Samples the standby's keepalives_received while a reply streams."""

    def __init__(self, p, u):
        super().__init__(daemon=True)
        self.p, self.u = p, u
        self.stop = False
        self.max_still_ms = 0.0
        self.max_step_ms = 0.0	# the longest time between two samples
        self.max_last_gap_ms = 0	# peer_keepalive_last_gap_ms seen
        self.samples = 0

    def run(self):
        last_v, since = None, time.monotonic()
        prev = since
        while not self.stop:
            c = self.p.ctl(self.u, "show", "redundancy", "counters")
            st = self.p.ctl(self.u, "show", "redundancy", "states")
            self.max_last_gap_ms = max(self.max_last_gap_ms,
                                       st["peer_keepalive_last_gap_ms"])
            now = time.monotonic()
            self.max_step_ms = max(self.max_step_ms, (now - prev) * 1e3)
            prev = now
            self.samples += 1
            if c["keepalives_received"] != last_v:
                last_v, since = c["keepalives_received"], now
            self.max_still_ms = max(self.max_still_ms, (now - since) * 1e3)


def stream(p, pid, json_mode, chunk_kb):
    """One `show l2tp session` read in pieces; RSS sampled meanwhile."""
    args = [os.path.join(ssotest.BIN, "ssoctl"), "-s", p.sock(0), "-t",
            "60000"] + (["--json"] if json_mode else []) + [
            "show", "l2tp", "session"]
    base = rss_kb(pid)
    peak = base
    proc = subprocess.Popen(args, stdout=subprocess.PIPE)
    ssotest.track(proc)
    parts = []
    while True:
        b = proc.stdout.read(16384)
        peak = max(peak, rss_kb(pid))
        if not b:
            break
        parts.append(b)
    check(proc.wait(timeout=120) == 0, "ssoctl rc %r" % proc.returncode)
    after = rss_kb(pid)
    grow = peak - base
    print("json=%d: active RSS before %d KiB, peak during the reply %d KiB "
          "(+%d), after %d KiB; bound: chunk %d KiB + slack %d KiB"
          % (json_mode, base, peak, grow, after, chunk_kb, RSS_SLACK_KB),
          flush=True)
    if os.environ.get("SSO_STREAM_RSS") == "0":
        return b"".join(parts).decode(), grow
    check(grow <= chunk_kb + RSS_SLACK_KB, "active RSS grew by %d KiB "
          "while streaming (chunk %d KiB + slack %d KiB)"
          % (grow, chunk_kb, RSS_SLACK_KB))
    return b"".join(parts).decode(), grow


def main(pairs):
    tunnels = int(os.environ.get("SSO_SCALE_TUNNELS", 10000))
    sessions = 10
    total = tunnels * sessions
    port = free_udp_port()
    p = Pair(name="stream", keepalive=(100, 3),
             extra_top=lns_conf(port).replace(" l2tp tunnel hello 1\n",
                                              " l2tp tunnel hello 60\n"))
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    errf = tempfile.TemporaryFile("w+")
    peer = subprocess.Popen(
        [os.path.join(ssotest.BIN, "l2tp-peer"), "--server",
         "127.0.0.1:%d" % port, "--tunnels", str(tunnels), "--sessions",
         str(sessions), "--duration", "0", "--hello", "60", "--json"],
        stdout=subprocess.PIPE, stderr=errf, text=True)
    ssotest.track(peer)
    wait_for(lambda: (lambda a, b: a["sessions_total"] == total and
                      b["sessions_ha_established"] == total)(
        p.ctl(0, "show", "l2tp", "redundancy"),
        p.ctl(1, "show", "l2tp", "redundancy")), 600,
        "%d sessions on the active and the standby" % total)
    pid = p.procs[0].pid
    # the control socket's own working set for streaming (a chunk being
    # made, the chunks queued to ZeroMQ, the session table walk) is
    # allocated by first streamed replies; what must not grow after it
    # is anything the size of a reply
    for words in (["show", "l2tp", "tunnel"], ["show", "l2tp", "session"],
                  ["--json", "show", "l2tp", "tunnel"],
                  ["--json", "show", "l2tp", "session"]):
        r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                            p.sock(0), "-t", "60000"] + words,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=120)
        check(r.returncode == 0, r.stderr)
    ctl0 = p.ctl(0, "show", "control")
    chunk_kb = ctl0["chunk_bytes"] // 1024
    ka0 = [p.ctl(u, "show", "redundancy", "counters") for u in (0, 1)]
    gap0 = p.ctl(1, "show", "redundancy", "states")
    watch = KaWatch(p, 1)
    t0 = time.monotonic()
    watch.start()

    text, grow_text = stream(p, pid, False, chunk_kb)
    lines = text.splitlines()
    check(lines[0] == "L2TP Session Information Total sessions %d" % total,
          lines[:3])
    check(lines[2].split()[:3] == ["LocID", "RemID", "TunID"], lines[:3])
    rows = [x for x in lines[3:] if x.strip()]
    check(len(rows) == total, "%d rows for %d sessions" % (len(rows), total))
    check(len(set((r.split()[2], r.split()[0]) for r in rows)) == total,
          "duplicate rows")
    ctl1 = p.ctl(0, "show", "control")
    text_chunks = ctl1["chunks_sent"] - ctl0["chunks_sent"]
    check(text_chunks > 1, "text reply in %d chunks" % text_chunks)

    doc, grow_json = stream(p, pid, True, chunk_kb)
    j = json.loads(doc)
    check(j["total"] == total and len(j["sessions"]) == total,
          (j["total"], len(j["sessions"])))
    ctl2 = p.ctl(0, "show", "control")
    json_chunks = ctl2["chunks_sent"] - ctl1["chunks_sent"]
    check(json_chunks > 1, "JSON reply in %d chunks" % json_chunks)

    # -b: the same body, then the end marker
    r = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                        p.sock(0), "-t", "60000", "-b"],
                       input="show l2tp session\n", capture_output=True,
                       text=True, timeout=120)
    check(r.returncode == 0 and r.stdout == text + "%END 0\n",
          "-b: rc %d, %d bytes, ends %r" % (r.returncode, len(r.stdout),
                                            r.stdout[-40:]))

    # a tunnel deleted while the reply streams: its sessions, not yet sent
    # (rows go in tunnel id order), are left out; nothing is listed twice
    last_tid = max(int(x.split()[2]) for x in rows)
    proc = subprocess.Popen([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                             p.sock(0), "-t", "60000", "show", "l2tp",
                             "session"], stdout=subprocess.PIPE)
    ssotest.track(proc)
    head = proc.stdout.read(65536)
    p.ctl(0, "clear", "l2tp", "tunnel", "id", last_tid)
    rest = proc.stdout.read()
    check(proc.wait(timeout=120) == 0, "ssoctl rc %r" % proc.returncode)
    rows2 = [x for x in (head + rest).decode().splitlines()[3:] if x.strip()]
    keys = [(int(x.split()[2]), int(x.split()[0])) for x in rows2]
    check(len(keys) == len(set(keys)) == total - sessions and
          all(k[0] != last_tid for k in keys) and keys == sorted(keys),
          "%d rows (%d distinct) after clearing tunnel %d"
          % (len(keys), len(set(keys)), last_tid))

    watch.stop = True
    watch.join()
    elapsed_ms = (time.monotonic() - t0) * 1e3
    ka1 = [p.ctl(u, "show", "redundancy", "counters") for u in (0, 1)]
    gap1 = p.ctl(1, "show", "redundancy", "states")
    for u in (0, 1):
        check(ka1[u]["keepalive_timeouts"] == ka0[u]["keepalive_timeouts"],
              "unit %d: keepalive timeout during the reply" % u)
    check(p.state(0) == "ACTIVE" and p.state(1) == "STANDBY HOT",
          (p.state(0), p.state(1)))
    peer.send_signal(15)
    peer.wait(timeout=120)
    print("ok: %d sessions; text %d B in %d chunks, JSON %d B in %d chunks "
          "(chunk %d B); active RSS growth while streaming: text %d KiB, "
          "JSON %d KiB; keepalives: the standby received %d in %.0f ms "
          "(interval 100 ms), its count stood still at most %.0f ms as "
          "sampled (%d samples, up to %.0f ms apart), timeouts 0/0"
          % (total, len(text), text_chunks, len(doc), json_chunks,
             ctl0["chunk_bytes"], grow_text, grow_json,
             ka1[1]["keepalives_received"] - ka0[1]["keepalives_received"],
             elapsed_ms, watch.max_still_ms, watch.samples,
             watch.max_step_ms))
    print("standby's view of the active's keepalives during the replies: "
          "%d late (> 1.5 intervals), longest sampled gap %d ms; longest "
          "gap since the peer came up %d ms before the replies, %d ms "
          "after (peer_keepalive_max_gap_ms)"
          % (ka1[1]["keepalives_late"] - ka0[1]["keepalives_late"],
             watch.max_last_gap_ms, gap0["peer_keepalive_max_gap_ms"],
             gap1["peer_keepalive_max_gap_ms"]))


run(main)
