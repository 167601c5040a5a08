/*
 * hist.c - what a unit records about itself for `show redundancy
 * history`, the DROP counters of peer frames, and the RF state names.
 * Below rf.c, cf.c, chan.c, notify.c and metrics.c, which all use it, so
 * that none of them has to call another to do so.
 */
#include <stdarg.h>
#include <stdio.h>

#include "sso_local.h"

static const char *const state_names[SSO_RF_NSTATES] = {
	"UNKNOWN", "DISABLED", "INITIALIZATION", "NEGOTIATION",
	"STANDBY COLD", "STANDBY COLD-CONFIG", "STANDBY COLD-FILESYS",
	"STANDBY COLD-BULK", "STANDBY HOT", "ACTIVE FAST", "ACTIVE DRAIN",
	"ACTIVE PRECONFIG", "ACTIVE POSTCONFIG", "ACTIVE"
};

const char *
sso_rf_state_name(enum sso_rf_state s)
{
	return (unsigned)s < SSO_RF_NSTATES ? state_names[s] : "INVALID";
}


void
sso_hist_add(const char *fmt, ...)
{
	struct sso_hist *h = &sso.hist[sso.nhist++ % SSO_HIST];
	va_list ap;

	h->wall_ms = sso_wall_ms();
	va_start(ap, fmt);
	vsnprintf(h->text, sizeof(h->text), fmt, ap);
	va_end(ap);
	sso_event("RF", "HISTORY", "%s", h->text);
}

void
sso_chan_bad(enum sso_bad why, const char *detail)
{
	sso.chan.bad[why]++;
	sso_log_rl(&sso.chan.rl, SSO_WARNING, "CHAN", "BADFRAME",
	    "dropped frame from peer: %s%s%s", sso_bad_names[why],
	    detail ? ": " : "", detail ? detail : "");
}
