#!/usr/bin/env python3
"""The role-change hook (`redundancy / notify PATH`, core/notify.c) on a
loopback pair; needs no namespaces, so it runs wherever the other
integration tests run.

- configuration: relative path, missing file, directory and
  non-executable file are refused with file:line; `no notify`; print-back
- arguments: `active|standby|stop UNIT EPOCH`, EPOCH the unit's epoch
- negotiation: the active runs `active`, the standby `standby`
- force-switchover: the new active runs `active` with the new epoch; the
  old one runs `stop` before it re-executes, then `standby`, in order
- the hook never blocks the loop: a standby reaches STANDBY HOT while its
  `standby` run is still going
- serialised: a takeover during a slow `standby` run queues `active`,
  which starts only after that run ended
- a run over 5 s is killed with its process group (a background child of
  the script dies too) and logged as a failure
- SIGTERM of an active runs `stop` before the process exits
- a non-zero exit is a failure (%RF-3-NOTIFY_FAIL); runs and failures in
  `show redundancy counters`, JSON and text
- the script runs with stdin /dev/null, in its own process group, with
  SIGPIPE not ignored (ssod ignores it)
"""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
import ssotest  # noqa: E402
from ssotest import Pair, run, check, wait_for  # noqa: E402

HOOK = r"""#!/bin/sh
# records every run; behaviour (slow role, background child, failing role)
# comes from the file "behaviour" beside it
d=$(dirname "$0")
SLOW_ROLE= SLOW_SECS=0 BG= FAIL_ROLE=
[ -r "$d/behaviour" ] && . "$d/behaviour"
rec="$d/rec.u$2"
pgid=$(cut -d' ' -f5 /proc/$$/stat)
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/$$/status)
in=$(readlink /proc/$$/fd/0)
echo "start $1 $2 $3 $$ $(date +%s%N) pgid=$pgid ign=$ign in=$in" >>"$rec"
if [ "$1" = "$SLOW_ROLE" ]; then
	if [ -n "$BG" ]; then
		sleep 300 &
		echo "bg $!" >>"$rec"
	fi
	sleep "$SLOW_SECS"
fi
echo "end $1 $2 $3 $$ $(date +%s%N)" >>"$rec"
[ "$1" = "$FAIL_ROLE" ] && exit 3
exit 0
"""


class Runs:
    """The hook's records for one unit: a list of dicts, one per run."""

    def __init__(self, d, u):
        self.path = os.path.join(d, "rec.u%d" % u)

    def read(self):
        runs, by_pid = [], {}
        try:
            with open(self.path) as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            return []
        for ln in lines:
            w = ln.split()
            if w[0] == "start":
                r = {"role": w[1], "unit": int(w[2]), "epoch": int(w[3]),
                     "pid": int(w[4]), "t0": int(w[5]), "t1": None}
                r.update(x.split("=", 1) for x in w[6:])
                runs.append(r)
                by_pid[r["pid"]] = r
            elif w[0] == "end":
                by_pid[int(w[4])]["t1"] = int(w[5])
            elif w[0] == "bg":
                runs[-1]["bg"] = int(w[1])
        return runs

    def roles(self):
        return [r["role"] for r in self.read()]

    def wait(self, roles, what, timeout=20, finished=True):
        def ok():
            r = self.read()
            return [x["role"] for x in r] == roles and \
                (not finished or r[-1]["t1"]) and r
        return wait_for(ok, timeout, what)


def behave(d, **kw):
    with open(os.path.join(d, "behaviour"), "w") as f:
        for k, v in kw.items():
            f.write("%s=%s\n" % (k, v))


def no_overlap(runs):
    """Each run started after the previous one ended (a killed run has
    no end record: then only the order is checked)."""
    for a, b in zip(runs, runs[1:]):
        check(b["t0"] >= (a["t1"] or a["t0"]), "runs overlap: %r then %r"
              % (a, b))


def dead(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            return "\nState:\tZ" in f.read()
    except FileNotFoundError:
        return True


def log_of(p, u):
    with open(p.logs[u]) as f:
        return f.read()


def config_errors(hook, tmp):
    base = ("hostname T\nredundancy\n mode sso\n"
            " unit 0 address tcp://127.0.0.1:7400\n"
            " unit 1 address tcp://127.0.0.1:7401\n"
            " key secret /k/u%u.key peer-public /k/u%p.pub\n")
    plain = os.path.join(tmp, "not-executable")
    with open(plain, "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(plain, 0o644)
    cases = [(" notify hooks/vip\n", "not an absolute path"),
             (" notify %s/missing\n" % tmp, "No such file"),
             (" notify %s\n" % tmp, "not a regular file"),
             (" notify %s\n" % plain, "Permission denied"),
             (" notify\n", "expected the path")]
    for line, what in cases:
        f = os.path.join(tmp, "bad.conf")
        with open(f, "w") as fp:
            fp.write(base + line)
        r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c",
                            f, "-u", "0"], capture_output=True, text=True)
        out = r.stdout + r.stderr
        check(r.returncode == 1 and "bad.conf:7:" in out and what in out,
              "%r: rc %d, %r" % (line, r.returncode, out))
    # -n also checks key files as start-up does (none here); a setting is
    # given once per file
    f = os.path.join(tmp, "good.conf")
    good = base.replace(" key secret /k/u%u.key peer-public /k/u%p.pub\n",
                        " security none\n")
    for line in (" notify %s\n" % hook, " no notify\n"):
        with open(f, "w") as fp:
            fp.write(good + line)
        r = subprocess.run([os.path.join(ssotest.BIN, "ssod"), "-n", "-c",
                            f, "-u", "0"], capture_output=True, text=True)
        check(r.returncode == 0, r.stdout + r.stderr)


def main(pairs):
    p = Pair(name="notify")
    pairs.append(p)
    hook = os.path.join(p.dir, "hook")
    with open(hook, "w") as f:
        f.write(HOOK)
    os.chmod(hook, 0o755)
    p.write_conf(extra_redundancy=" notify %s\n" % hook)
    config_errors(hook, tempfile.mkdtemp(dir=p.dir))
    r0, r1 = Runs(p.dir, 0), Runs(p.dir, 1)

    # negotiation; print-back round trip
    p.start(0)
    p.start(1)
    p.wait_pair(0)
    a = r0.wait(["active"], "unit 0's active run")[0]
    s = r1.wait(["standby"], "unit 1's standby run")[0]
    check(a["unit"] == 0 and s["unit"] == 1, (a, s))
    check(a["pgid"] == str(a["pid"]) and a["in"] == "/dev/null" and
          not int(a["ign"], 16) & 1 << (signal.SIGPIPE - 1),
          "spawn attributes: %r" % a)
    rc = p.ctl(0, "show", "running-config")["running_config"]
    check(" notify %s\n" % hook in rc, rc)
    c = p.ctl(0, "show", "redundancy", "counters")
    check(c["notify_runs"] == 1 and c["notify_failures"] == 0, c)
    txt = subprocess.run([os.path.join(ssotest.BIN, "ssoctl"), "-s",
                          p.sock(0), "show", "redundancy", "counters"],
                         capture_output=True, text=True, timeout=20).stdout
    check("notify_runs" in txt and "notify_failures" in txt, txt)
    check("%RF-5-NOTIFY: notify " + hook + " active 0 " in log_of(p, 0),
          "no NOTIFY log line")

    # force-switchover: stop (old active), active (new), standby (old)
    e = p.states(0)["epoch"]
    p.ctl(0, "redundancy", "force-switchover")
    p.wait_pair(1, timeout=40)
    runs0 = r0.wait(["active", "stop", "standby"], "stop, then standby on "
                    "unit 0")
    runs1 = r1.wait(["standby", "active"], "active on unit 1")
    check(runs0[1]["epoch"] == e and runs1[1]["epoch"] == e + 1 and
          runs0[2]["epoch"] == e + 1, "epochs: %r %r" % (runs0, runs1))
    no_overlap(runs0)

    # a standby hook that hangs, with a background child: killed at 5 s
    # with its process group; the loop did not wait for it
    behave(p.dir, SLOW_ROLE="standby", SLOW_SECS=30, BG=1)
    p.ctl(1, "redundancy", "reload", "peer")
    r0.wait(["active", "stop", "standby", "standby"], "the re-executed "
            "unit's standby run", finished=False)
    p.wait_state(0, "STANDBY HOT")
    check(r0.read()[-1]["t1"] is None, "STANDBY HOT only after the hook")
    hung = r0.read()[-1]
    wait_for(lambda: "still running after" in log_of(p, 0), 15,
             "the hung run to be killed")
    wait_for(lambda: dead(hung["pid"]) and dead(hung["bg"]), 5,
             "the script and its background child gone")
    c = p.ctl(0, "show", "redundancy", "counters")
    check(c["notify_runs"] == 1 and c["notify_failures"] == 1, c)

    # serialised: a takeover during a slow standby run queues active
    behave(p.dir, SLOW_ROLE="standby", SLOW_SECS=4)
    p.ctl(1, "redundancy", "reload", "peer")
    r0.wait(["active", "stop", "standby", "standby", "standby"],
            "the slow standby run", finished=False)
    p.wait_state(0, "STANDBY HOT")
    p.kill(1)
    p.wait_state(0, "ACTIVE")
    check(r0.roles()[-1] == "standby" and r0.read()[-1]["t1"] is None,
          "the takeover did not happen during the standby run: %r"
          % r0.read()[-2:])
    runs0 = r0.wait(["active", "stop", "standby", "standby", "standby",
                     "active"], "active after the slow standby run")
    check(runs0[-1]["t0"] >= runs0[-2]["t1"], "active started before "
          "standby ended: %r" % runs0[-2:])
    check(runs0[-1]["epoch"] == p.states(0)["epoch"], runs0[-1])

    # a failing script is a failure with its status
    behave(p.dir, FAIL_ROLE="active")
    p.start(1)                      # comes up standby
    p.wait_pair(0, timeout=40)
    p.kill(0)
    p.wait_state(1, "ACTIVE")
    wait_for(lambda: "active 1 %d: exit 3" % p.states(1)["epoch"]
             in log_of(p, 1), 10, "the failure logged with its status")
    c = p.ctl(1, "show", "redundancy", "counters")
    check(c["notify_failures"] == 1, c)

    # SIGTERM of an active with no standby: stop runs before the exit
    behave(p.dir)
    n = len(r1.read())
    p.procs[1].send_signal(signal.SIGTERM)
    check(p.procs[1].wait(timeout=10) == 0, "exit status")
    runs1 = r1.read()
    check([r["role"] for r in runs1[n:]] == ["stop"] and runs1[-1]["t1"],
          "stop at SIGTERM: %r" % runs1[n - 1:])
    no_overlap(runs1)
    print("ok: notify hook - %d + %d runs recorded" % (len(r0.read()),
                                                        len(runs1)))


run(main)
