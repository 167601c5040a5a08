/*
 * l2tp-peer-lns.c - the LNS role of l2tp-peer (--listen ADDR[:PORT]):
 * accept a tunnel from any LAC (tunnel authentication with --secret),
 * answer every incoming call (or refuse every Nth, --refuse-every, to
 * test a LAC's handling of refusals), and with --reflect echo every frame
 * back on its session (the engine's reflect mode), so that ssod can be
 * tested as LAC against it.
 *
 * Strict, as the LAC role: an established tunnel that goes down with
 * its retransmissions exhausted or with a StopCCN other than "clear" (1)
 * or "shutting down" (6), in either direction, and a call cleared with a
 * general error (CDN result 2 or a non-zero error code), are failures.
 * A LAC hanging up (CDN 1, 3, ...) or clearing its tunnel is not.
 */
#include <stdio.h>
#include <string.h>

#include "l2tp-peer.h"

static int	counted;		/* user mark: tunnel/call in our books */

/* any LAC, any host name: our one group */
static const struct l2tp_group *
lns_lookup(void *arg, const char *name, const struct sockaddr *from,
    socklen_t fromlen)
{
	(void)arg;
	(void)name;
	(void)from;
	(void)fromlen;
	return &peer.group;
}

static int
stop_is_normal(uint16_t result)
{
	return result == L2TP_STOPCCN_CLEAR || result == L2TP_STOPCCN_SHUTDOWN;
}

static void
lns_tunnel_down(struct l2tp_tunnel *t)
{
	struct l2tp_tunnel_info ti;

	l2tp_tunnel_get_info(t, &ti);
	l2tp_tunnel_set_user(t, NULL);
	peer.tunnels_up--;
	if (peer.phase >= PEER_PH_CLOSE || stop_is_normal(ti.last_result))
		return;
	if (ti.last_result == 0)
		peer_fail(ti.local_tid, 0, "tunnel lost: no answer after %u "
		    "retransmissions", peer.o.retries);
	else
		peer_fail(ti.local_tid, 0, "tunnel torn down: StopCCN result "
		    "%u (%s) error %u", ti.last_result,
		    l2tp_stopccn_result_name(ti.last_result), ti.last_error);
}

static void
lns_tunnel_event(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	(void)arg;
	switch (ev) {
	case L2TP_EV_TUNNEL_UP:
		l2tp_tunnel_set_user(t, &counted);
		peer.tunnels_accepted++;
		peer.tunnels_up++;
		break;
	case L2TP_EV_TUNNEL_DOWN:
		if (l2tp_tunnel_get_user(t) == &counted)
			lns_tunnel_down(t);
		break;
	default:
		break;
	}
}

static void
lns_session_down(struct l2tp_session *s)
{
	struct l2tp_tunnel_info ti;
	struct l2tp_session_info si;

	l2tp_session_get_info(s, &si);
	l2tp_tunnel_get_info(l2tp_session_tunnel(s), &ti);
	l2tp_session_set_user(s, NULL);
	peer.sessions_up--;
	peer.calls_closed++;
	if (peer.phase >= PEER_PH_CLOSE || ti.state == L2TP_TS_CLOSING ||
	    ti.state == L2TP_TS_DEAD)
		return;		/* with its tunnel: the tunnel's verdict */
	if (si.last_result == L2TP_CDN_GENERAL || si.last_error != 0)
		peer_fail(si.local_tid, si.local_sid, "call cleared: CDN "
		    "result %u (%s) error %u", si.last_result,
		    l2tp_cdn_result_name(si.last_result), si.last_error);
}

static void
lns_session_event(void *arg, struct l2tp_session *s, enum l2tp_event ev)
{
	(void)arg;
	switch (ev) {
	case L2TP_EV_SESSION_UP:
		l2tp_session_set_user(s, &counted);
		peer.calls_accepted++;
		peer.sessions_up++;
		break;
	case L2TP_EV_SESSION_DOWN:
		if (l2tp_session_get_user(s) == &counted)
			lns_session_down(s);
		break;
	default:
		break;
	}
}

/* every call is answered, but every Nth with --refuse-every (CDN 4) */
static int
lns_session_request(void *arg, struct l2tp_session *s)
{
	(void)arg;
	(void)s;
	peer.calls_offered++;
	if (peer.o.refuse_every &&
	    peer.calls_offered % peer.o.refuse_every == 0) {
		peer.calls_refused++;
		return -1;
	}
	return 0;
}

/* without --reflect: frames are counted by the engine and dropped */
static void
lns_data(void *arg, struct l2tp_session *s, const uint8_t *buf, size_t len)
{
	(void)arg;
	(void)s;
	(void)buf;
	(void)len;
}

const struct l2tp_host_ops peer_lns_ops = {
	.group_lookup = lns_lookup,
	.tunnel_event = lns_tunnel_event,
	.session_event = lns_session_event,
	.session_request = lns_session_request,
	.data = lns_data,
};

/* StopCCN "shutting down" on every tunnel we still hold */
void
peer_lns_close(void)
{
	struct l2tp_tunnel *t, *next;

	for (t = l2tp_tunnel_next(peer.ctx, NULL); t != NULL; t = next) {
		next = l2tp_tunnel_next(peer.ctx, t);
		(void)l2tp_tunnel_clear(t, L2TP_STOPCCN_SHUTDOWN, 0, NULL);
	}
}
