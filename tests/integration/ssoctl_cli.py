#!/usr/bin/env python3
"""ssoctl and the command language (issue 9 items 5, 10, 22, 25, 26):
-b framing of multi-line replies, one error reply for an over-long line
and a failing exit status, clear messages for a dead daemon, a directory
and a regular file, -t usage errors, keygen refusals and --force, "?"
help, a quoted single argument, case-insensitive keywords, show
debugging, debug redundancy chan, and every documented debug category
accepted (and every accepted one documented)."""
import json
import os
import re
import socket
import subprocess
from ssotest import Pair, run, check, wait_for, read_framed
import ssotest

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                      "README.md")


def ssoctl(*args, sock=None, stdin=None):
    cmd = [os.path.join(ssotest.BIN, "ssoctl")]
    if sock:
        cmd += ["-s", sock]
    r = subprocess.run(cmd + [str(a) for a in args], input=stdin,
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def framed(text):
    """All replies of an ssoctl -b output: [(rc, body)]."""
    class F:
        def __init__(self, t):
            self.lines = t.splitlines(True)

        def readline(self):
            return self.lines.pop(0) if self.lines else ""
    f, out = F(text), []
    while f.lines:
        out.append(read_framed(f))
    return out


def batch_checks(p):
    s = p.sock(0)
    # a multi-line reply keeps its lines, then "%END RC"
    rc, single, _ = ssoctl("show", "running-config", sock=s)
    check(rc == 0 and single.count("\n") > 5, single)
    rc, out, err = ssoctl("-b", sock=s, stdin="show running-config\n"
                          "show redundancy states\n")
    check(rc == 0, "all commands OK, exit %d: %s" % (rc, err))
    replies = framed(out)
    check(len(replies) == 2, "two replies: %r" % out)
    check(replies[0] == (0, single), "framing kept the lines: %r vs %r"
          % (replies[0], single))
    check(out.startswith(single + "%END 0\n"), out[:300])
    # an over-long line is one error reply, never a second command
    long_line = "show " + "x" * (1 << 20)
    rc, out, err = ssoctl("-b", sock=s, stdin="show redundancy states\n" +
                          long_line + "\nshow redundancy\nshow bogus\n")
    replies = framed(out)
    check([r[0] for r in replies] == [0, 5, 0, 2],
          "four replies, the long line one error: %r" % [
              (r[0], r[1][:80]) for r in replies])
    check("Line too long" in replies[1][1], replies[1][1])
    check(rc == 5, "-b exit status = the first failure's rc: %d" % rc)
    rc, out, _ = ssoctl("--json", "-b", sock=s, stdin=long_line + "\n")
    check(rc == 5 and json.loads(framed(out)[0][1])["rc"] == 5, out)


def unreachable_checks(p):
    d = p.dir
    dead = os.path.join(d, "dead.ctl")
    so = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    so.bind(dead)           # a socket file nobody accepts on
    cases = [(dead, "connection refused"), (d, "not a socket"),
             (p.conf, "not a socket"),
             (os.path.join(d, "nothing.ctl"), "no such file")]
    for path, why in cases:
        for extra in ([], ["-b"]):
            rc, out, err = ssoctl(*(extra + ([] if extra else
                                  ["show", "redundancy"])), sock=path,
                                  stdin="show redundancy\n")
            want = "no ssod listening on %s (%s)" % (path, why)
            check(rc == 10 and want in err,
                  "%s %s: rc %d, %r" % (path, extra, rc, err))
    so.close()
    # a unit that died leaves its socket file behind
    p.kill(1)
    rc, _, err = ssoctl("show", "redundancy", sock=p.sock(1))
    check(rc == 10 and "no ssod listening on %s (connection refused)"
          % p.sock(1) in err, err)
    for t in ("abc", "0", "-5", "10x", ""):
        rc, _, err = ssoctl("-t", t, "show", "redundancy", sock=p.sock(0))
        check(rc == 2 and "usage:" in err, "-t %r: rc %d %r" % (t, rc, err))


def keygen_checks(p):
    base = os.path.join(p.dir, "kg")
    rc, _, err = ssoctl("keygen")
    check(rc == 2 and "usage:" in err, "keygen alone: %d %r" % (rc, err))
    rc, out, err = ssoctl("keygen", base)
    check(rc == 0 and "wrote %s.key" % base in out, err)
    key = open(base + ".key").read()
    check(os.stat(base + ".key").st_mode & 0o777 == 0o600, "mode")
    rc, _, err = ssoctl("keygen", base)
    check(rc == 1 and "exists" in err and "--force" in err, err)
    check(open(base + ".key").read() == key, "the secret key was replaced")
    os.unlink(base + ".key")      # one of the two is enough to refuse
    rc, _, err = ssoctl("keygen", base)
    check(rc == 1 and "kg.pub exists" in err, err)
    rc, out, err = ssoctl("keygen", "--force", base)
    check(rc == 0 and open(base + ".key").read() != key, err)
    rc, _, err = ssoctl("keygen", "--bogus", base)
    check(rc == 2 and "usage:" in err, err)


def help_checks(p):
    s = p.sock(0)
    rc, out, _ = ssoctl("show", "redundancy", "?", sock=s)
    toks = [ln.split()[0] for ln in out.splitlines()]
    check(rc == 0 and {"states", "history", "counters"} <= set(toks) and
          toks[-1] == "<cr>", out)
    check(re.search(r"^  states +show redundancy states$", out, re.M), out)
    rc, out, _ = ssoctl("--json", "show", "redundancy", "s?", sock=s)
    check(rc == 0 and [c["token"] for c in json.loads(out)["completions"]]
          == ["states"], out)
    for top in (["?"], ["help"], ["HELP"]):
        rc, out, _ = ssoctl(*top, sock=s)
        toks = [ln.split()[0] for ln in out.splitlines()]
        check(rc == 0 and {"show", "debug", "undebug"} <= set(toks), out)
    rc, out, _ = ssoctl("show", "bogus", "?", sock=s)
    check(rc == 2, "help after invalid input: %d %s" % (rc, out))
    # a quoted single argument; keywords in any case
    for words in (["show redundancy states"], ["SHOW", "Redundancy", "ST"],
                  ["  sh  RED states "]):
        rc, out, err = ssoctl("--json", *words, sock=s)
        check(rc == 0 and json.loads(out)["my_state"] == "ACTIVE",
              "%r: %d %s %s" % (words, rc, out, err))
    # ambiguity still right whatever the case
    rc, _, _ = ssoctl("SH", "R", sock=s)
    check(rc == 3, "sh r ambiguous: %d" % rc)


def debugging_checks(p):
    s = p.sock(0)
    rc, out, _ = ssoctl("--json", "show", "debugging", sock=s)
    check(rc == 0 and json.loads(out) == {"debugging": {}}, out)
    for words in (["debug", "redundancy", "rf"], ["debug", "l2tp", "pack"],
                  ["DEBUG", "VPDN", "REDUNDANCY", "Resync"]):
        rc, out, err = ssoctl(*words, sock=s)
        check(rc == 0, "%r: %d %s %s" % (words, rc, out, err))
    rc, out, _ = ssoctl("--json", "show", "debugging", sock=s)
    check(json.loads(out) == {"debugging": {
        "l2tp": ["packets", "redundancy resync"], "redundancy": ["rf"]}}, out)
    rc, out, _ = ssoctl("show", "debugging", sock=s)
    check(out == "L2TP:\n  L2TP packets debugging is on\n"
          "  L2TP redundancy resync debugging is on\n"
          "Redundancy:\n  Redundancy rf debugging is on\n", out)
    rc, out, _ = ssoctl("undebug", "all", sock=s)
    rc, out, _ = ssoctl("show", "debugging", sock=s)
    check(rc == 0 and out == "", out)
    # debug redundancy chan: accepted, and it logs frames
    rc, out, err = ssoctl("debug", "redundancy", "chan", sock=s)
    check(rc == 0 and out == "Redundancy chan debugging is true\n",
          "%d %s %s" % (rc, out, err))

    def logged():
        with open(p.logs[0]) as f:
            t = f.read()
        return "%CHAN-7-DEBUG: rx keepalive (keepalive link) from unit 1" \
            in t and "%CHAN-7-DEBUG: tx keepalive (keepalive link)" in t
    wait_for(logged, 20, "debug redundancy chan frame lines in the log")
    ssoctl("undebug", "redundancy", "chan", sock=s)


def expand(pattern):
    """'debug {l2tp|vpdn} redundancy {a|b}' -> every word list."""
    out = [[]]
    for w in pattern.split():
        alts = w[1:-1].split("|") if w.startswith("{") else [w]
        out = [o + [a] for o in out for a in alts]
    return out


def documented_debug_checks(p):
    text = open(README).read().replace("\\|", "|")
    pats = set(re.findall(r"`(debug [a-z0-9{}| ]+)`", text))
    check(len(pats) >= 3, "debug commands documented: %r" % pats)
    documented = set()
    for pat in pats:
        for words in expand(pat):
            documented.add(" ".join(words[1:]))
    lines = []
    for cat in sorted(documented):
        lines += ["debug " + cat, "undebug " + cat]
    rc, out, err = ssoctl("-b", sock=p.sock(0), stdin="\n".join(lines) + "\n")
    replies = framed(out)
    check(len(replies) == len(lines), out)
    bad = [(ln, r) for ln, r in zip(lines, replies) if r[0] != 0]
    check(rc == 0 and not bad, "documented but rejected: %r" % bad)
    # and every accepted category is documented (the same table)
    accepted = set()
    groups = (["redundancy"], ["l2tp"], ["l2tp", "redundancy"],
              ["vpdn", "redundancy"], ["ppp"])
    # a category of its own at the top (debug radius): every token of
    # `debug ?` that is not the first word of a group above
    rc, out, _ = ssoctl("--json", "debug", "?", sock=p.sock(0))
    heads = {g[0] for g in groups}
    for c in json.loads(out)["completions"]:
        if c["token"] not in heads and c["token"] != "all":
            accepted.add(c["token"])
    for prefix in groups:
        rc, out, _ = ssoctl("--json", "debug", *prefix, "?", sock=p.sock(0))
        for c in json.loads(out)["completions"]:
            if c["token"] != "redundancy":
                accepted.add(" ".join(prefix + [c["token"]]))
    check(accepted == documented, "accepted %r, documented %r"
          % (sorted(accepted - documented), sorted(documented - accepted)))


def main(pairs):
    p = Pair(name="ssoctl")
    pairs.append(p)
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    batch_checks(p)
    help_checks(p)
    debugging_checks(p)
    documented_debug_checks(p)
    keygen_checks(p)
    unreachable_checks(p)


run(main)
