"""Helpers of the ISSU tests (issu_*.py): the checks of `show issu state`
on both units of any ssotest.Pair, and IssuPair with them as methods."""
import os

import ssotest
from ssotest import Pair, check, wait_for


def image(name):
    return os.path.realpath(os.path.join(ssotest.BIN, name))


def base():
    """the image of release N: SSO_ISSU_BASE, else the path the ctest
    fixture it_issu_base wrote (tools/issu-base builds the commit
    tests/integration/issu_base names), else this tree's ssod-v1 (the
    stand-in: HEAD with the L2TP client at 1-1)"""
    path = os.environ.get("SSO_ISSU_BASE")
    f = os.environ.get("SSO_ISSU_BASE_FILE")
    if not path and f and os.path.exists(f):
        with open(f) as fh:
            path = fh.read().strip()
    if not path:
        path = os.path.join(ssotest.BIN, "ssod-v1")
    return os.path.realpath(path)


# the newest L2TP checkpoint message version this tree's ssod speaks
# (l2tp/svc/ha_local.h HA_VER_MAX; release N, ssod-v1, speaks 1 only)
L2TP_VERSION = 3


def next_image():
    """the image of release N+1: this tree's ssod (L2TP client
    1-L2TP_VERSION)"""
    return image("ssod")


def client_range(p, u, name="l2tp"):
    """(min, max) message versions unit u's running binary speaks for
    client `name`, from `show issu clients`"""
    for c in p.ctl(u, "show", "issu", "clients")["clients"]:
        if c["name"] == name:
            return c["version_min"], c["version_max"]
    raise ssotest.TestFailure("no client %s on unit %d" % (name, u))


def negotiated(p, u, name="l2tp"):
    return {c["name"]: c for c in p.ctl(u, "show", "issu",
                                         "negotiated")["clients"]}[name]


def issu(p, u):
    # polled: a request sent just as the unit re-executes is lost and
    # costs ssoctl's whole timeout; 1 s, so that a step's duration says
    # when the pair got there, not when a lost poll gave up
    if isinstance(p, Pair):
        return p.ctl(u, "show", "issu", "state", "detail", timeout_ms=1000)
    return p.ctl(u, "show", "issu", "state", "detail")


def wait_issu(p, state, images, active, timeout=60):
    """both units in `state`, unit u running images[u], `active` ACTIVE
    and the other STANDBY HOT, each unit showing the other's state and
    image: what `show issu state` must say at every step"""
    p.wait_pair(active, timeout)

    def rf(u):
        return "ACTIVE" if u == active else "STANDBY HOT"

    def right():
        got = []
        for u in (0, 1):
            s = issu(p, u)
            me, peer = s["units"]
            if s["issu_state"] != state or s["current_version"] != images[u] \
                    or me["rf_state"] != rf(u):
                return False
            if peer["issu_state"] != state or peer["rf_state"] != rf(1 - u) \
                    or peer["current_version"] != images[1 - u] or \
                    peer["unit"] != 1 - u:
                return False
            got.append(s)
        return got
    return wait_for(right, timeout, "ISSU %s with images %s, unit %d active"
                    % (state, images, active),
                    last=lambda: [issu(p, u) for u in (0, 1)])


class IssuPair(Pair):
    def __init__(self, name, binaries=None):
        # 2 s of silence before a switchover: the ISSU tests are about the
        # procedure, not detection time, and a host stall of half a
        # second (ASan on a loaded machine) must not switch over
        Pair.__init__(self, name=name, keepalive=(100, 20),
                      binaries=binaries or (base(), base()))

    def up(self, records=100):
        """both units started, unit 0 active, the other HOT, kv filled"""
        self.start(0)
        self.start(1)
        self.wait_pair(0)
        self.ctl(0, "kv", "fill", records, "a")
        self.wait_same_kv()
        return self

    def issu(self, u):
        return issu(self, u)

    def wait_issu(self, state, images, active, timeout=60):
        return wait_issu(self, state, images, active, timeout)

    def build(self, u):
        return self.ctl(u, "show", "version")["version"]

    def pid(self, u):
        return self.ctl(u, "show", "version")["pid"]

    def refused(self, u, *words):
        r = self.ctl(u, *words, ok=False)
        check("error" in r, "%s accepted on unit %d: %r" % (words, u, r))
        return r["error"]
