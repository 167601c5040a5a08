"""Helpers of the ISSU tests (issu_*.py): a pair driven through the
`issu` commands, and the checks of `show issu state` on both units."""
import os

import ssotest
from ssotest import Pair, check, wait_for


def image(name):
    return os.path.realpath(os.path.join(ssotest.BIN, name))


class IssuPair(Pair):
    def issu(self, u):
        return self.ctl(u, "show", "issu", "state", "detail")

    def build(self, u):
        return self.ctl(u, "show", "version")["version"]

    def pid(self, u):
        return self.ctl(u, "show", "version")["pid"]

    def refused(self, u, *words):
        r = self.ctl(u, *words, ok=False)
        check("error" in r, "%s accepted on unit %d: %r" % (words, u, r))
        return r["error"]

    def wait_issu(self, state, images, active, timeout=60):
        """both units in `state`, unit u running images[u], `active`
        ACTIVE and the other STANDBY HOT, each unit showing the other's
        image: what `show issu state` must say at every step"""
        self.wait_pair(active, timeout)

        def right():
            for u in (0, 1):
                s = self.issu(u)
                if s["issu_state"] != state or \
                        s["current_version"] != images[u]:
                    return False
                peer = s["units"][1]
                if peer["issu_state"] != state or \
                        peer["current_version"] != images[1 - u] or \
                        peer["unit"] != 1 - u:
                    return False
            return [self.issu(0), self.issu(1)]
        return wait_for(right, timeout, "ISSU %s with images %s, unit %d "
                        "active" % (state, images, active),
                        last=lambda: [self.issu(u) for u in (0, 1)])
