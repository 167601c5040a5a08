#!/usr/bin/env python3
"""linkrelay - the test bed's inter-RP link as two TAP devices joined by
this process, for kernels without sch_netem (tc netem is the first choice;
see netbed.py). Frames read from one TAP are written to the other; each
direction can lose, duplicate, delay and reorder them the way
`tc qdisc ... netem loss L% duplicate D% delay MS reorder R%` does on
egress (without netem's correlation parameters):

  loss       a frame is dropped with probability L
  duplicate  a frame that was not dropped is sent twice with probability D
  delay      every copy is held MS milliseconds ...
  reorder    ... except, with probability R, when it is sent at once,
             overtaking the delayed ones (netem's "reorder": needs delay)

    linkrelay.py [--seed N] TAP_A TAP_B

creates both TAPs in the current network namespace (the caller moves them
into the units' namespaces; the file descriptors follow) and prints
"ready SEED". Commands on stdin, one per line, each answered with one JSON
line on stdout:

    impair [dir=both|0|1] loss=P duplicate=P delay=MS reorder=P
                                (P in percent; dir 0 is TAP_A -> TAP_B,
                                 1 the other way; parameters not given
                                 keep their value)
    clear                       (a plain link again, both directions)
    stats                                           (counters)

EOF on stdin ends the relay (its parent, the test, is gone), and the TAPs
disappear with it.
"""
import argparse
import fcntl
import heapq
import json
import os
import random
import selectors
import struct
import time

TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(),
                                           IFF_TAP | IFF_NO_PI))
    os.set_blocking(fd, False)
    return fd


class Relay:
    def __init__(self, names, seed):
        self.fds = [open_tap(n) for n in names]
        self.rnd = random.Random(seed)
        # per direction: [A -> B, B -> A]
        self.imp = [dict.fromkeys(("loss", "duplicate", "delay",
                                   "reorder"), 0.0) for _ in (0, 1)]
        self.held = []          # heap of (due, n, fd, frame)
        self.n = 0
        self.st = dict.fromkeys(("frames", "forwarded", "dropped",
                                 "duplicated", "delayed", "reordered",
                                 "write_errors"), 0)

    def command(self, line):
        w = line.split()
        if not w:
            return {}
        if w[0] == "impair":
            dirs = (0, 1)
            for kv in w[1:]:
                k, _, v = kv.partition("=")
                if k == "dir":
                    dirs = (0, 1) if v == "both" else (int(v),)
                    continue
                if k not in self.imp[0]:
                    return {"error": "unknown parameter %s" % k}
                for d in dirs:
                    self.imp[d][k] = float(v)
            return {"ok": True, "impair": self.imp}
        if w[0] == "clear":
            for d in (0, 1):
                self.imp[d] = dict.fromkeys(self.imp[d], 0.0)
            return {"ok": True}
        if w[0] == "stats":
            return dict(self.st, held=len(self.held))
        return {"error": "unknown command %s" % w[0]}

    def write(self, fd, frame):
        try:
            os.write(fd, frame)
            self.st["forwarded"] += 1
        except OSError:         # EIO: that end is down (the cable cut)
            self.st["write_errors"] += 1

    def frame(self, d, out, frame, now):
        imp, rnd = self.imp[d], self.rnd.random
        self.st["frames"] += 1
        if imp["loss"] and rnd() * 100 < imp["loss"]:
            self.st["dropped"] += 1
            return
        copies = 1
        if imp["duplicate"] and rnd() * 100 < imp["duplicate"]:
            copies = 2
            self.st["duplicated"] += 1
        for _ in range(copies):
            if imp["delay"] and not (imp["reorder"] and
                                     rnd() * 100 < imp["reorder"]):
                self.n += 1
                heapq.heappush(self.held, (now + imp["delay"] / 1000.0,
                                           self.n, out, frame))
                self.st["delayed"] += 1
                continue
            if imp["delay"]:
                self.st["reordered"] += 1
            self.write(out, frame)

    def drain(self, fd, now):
        d = 0 if fd == self.fds[0] else 1
        out = self.fds[1 - d]
        for _ in range(256):            # bounded: the other side runs too
            try:
                f = os.read(fd, 65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            self.frame(d, out, f, now)

    def release(self, now):
        while self.held and self.held[0][0] <= now:
            _, _, out, f = heapq.heappop(self.held)
            self.write(out, f)

    def run(self):
        sel = selectors.DefaultSelector()
        for fd in self.fds:
            sel.register(fd, selectors.EVENT_READ)
        sel.register(0, selectors.EVENT_READ)
        pending = b""
        while True:
            now = time.monotonic()
            self.release(now)
            timeout = max(0.0, self.held[0][0] - now) if self.held else None
            for key, _ in sel.select(timeout):
                if key.fileobj != 0:
                    self.drain(key.fileobj, time.monotonic())
                    continue
                data = os.read(0, 4096)
                if not data:
                    return
                pending += data
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    print(json.dumps(self.command(line.decode())),
                          flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("taps", nargs=2)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    r = Relay(a.taps, seed)
    print("ready %d" % seed, flush=True)
    r.run()


if __name__ == "__main__":
    main()
