/*
 * l2tp-peer - a strict L2TP (RFC 2661) peer and load generator on
 * libl2tp, the engine ssod runs; see usage() and README "l2tp-peer".
 *
 * LAC role (--server): N tunnels x M incoming calls to an LNS, optional
 * churn (calls torn down and replaced), and a constant stream of data
 * frames, each with a sequence number and its CLOCK_MONOTONIC send time,
 * that the LNS (ssod with `l2tp data reflect`) echoes back.
 * LNS role (--listen): accepts any tunnel and every call, reflects data
 * (--reflect), so that ssod can be tested as LAC.
 *
 * Strict: anything the peer did not ask for (a StopCCN, a CDN, a
 * retransmission budget exhausted, a call refused or unanswered, a
 * datagram the engine drops as a protocol violation) is a failure: one
 * line on stderr when it happens ("failure T: tunnel X session Y:
 * reason"), listed in the report, exit status 1.
 *
 * Phases: setup -> "ready ..." on stderr -> data/churn for --duration
 * seconds (0: until SIGINT/SIGTERM) -> drain (500 ms for reflected
 * frames; replacements of churned calls complete) -> report (text, or
 * one JSON object with --json) -> StopCCN on every tunnel -> exit.
 * SIGUSR1: quiesce (no new churn; once nothing is outstanding and every
 * control message is acknowledged: --sessions-file, "quiet sessions=K");
 * SIGUSR2: resume. SIGINT/SIGTERM: drain and report now (twice: at once).
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "l2tp-peer.h"
#include "log.h"
#include "ppp.h"

#define SOCKBUF		(16 << 20)	/* asked for; the kernel doubles it */
#define SOCKBUF_LOW	(1 << 20)	/* below this: say so */

struct peer peer;

static ev_timer		tick_timer, phase_timer;
static ev_signal	sigs[4];
static int		exit_status;

/*
 * Drops that an RFC 2661 peer never causes, whatever the path does
 * (loss, duplication, reordering): each one is a failure. Not bad_nr:
 * the engine counts a stale Nr (a duplicate or reordered message) there
 * too, so it is not proof of a violation.
 */
static const enum l2tp_drop violations[] = {
	L2TP_DROP_SHORT, L2TP_DROP_VERSION, L2TP_DROP_LENGTH,
	L2TP_DROP_CTRL_FLAGS, L2TP_DROP_NOT_SCCRQ, L2TP_DROP_MALFORMED,
	L2TP_DROP_WINDOW
};

/* ---- time, failures, names ---- */

double
peer_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t
peer_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
peer_oom(void)
{
	fprintf(stderr, "l2tp-peer: out of memory\n");
	exit(1);
}

void
peer_fail(unsigned tid, unsigned sid, const char *fmt, ...)
{
	struct peer_failure *f;
	char reason[PEER_REASON_MAX];
	double at = peer_mono() - peer.t_start;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	fprintf(stderr, "failure %.3f: tunnel %u session %u: %s\n", at, tid,
	    sid, reason);
	peer.nfail_total++;
	if (peer.nfail == PEER_MAX_FAILURES)
		return;
	f = &peer.fail[peer.nfail++];
	f->tunnel = tid;
	f->session = sid;
	f->at = at;
	snprintf(f->reason, sizeof(f->reason), "%s", reason);
}

static void
violations_check(void)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(peer.ctx);
	size_t i;
	enum l2tp_drop v;

	for (i = 0; i < sizeof(violations) / sizeof(violations[0]); i++) {
		v = violations[i];
		if (st->drops[v] == peer.violations[v])
			continue;
		peer_fail(0, 0, "%" PRIu64 " datagram(s) dropped as protocol "
		    "violations: %s", st->drops[v] - peer.violations[v],
		    l2tp_drop_names[v]);
		peer.violations[v] = st->drops[v];
	}
}

/* ---- the sessions file: established calls, far end's ids first ---- */

static int
cmp_line(const void *a, const void *b)
{
	const uint16_t *x = a, *y = b;
	int i;

	for (i = 0; i < 4; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* (remote tid, remote sid, local tid, local sid) of every call up */
static size_t
collect_sessions(uint16_t (**out)[4])
{
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct l2tp_session_info si;
	uint16_t (*v)[4];
	size_t n = 0, cap = 1024;

	if ((v = malloc(cap * sizeof(*v))) == NULL)
		peer_oom();
	for (t = l2tp_tunnel_next(peer.ctx, NULL); t != NULL;
	    t = l2tp_tunnel_next(peer.ctx, t))
		for (s = l2tp_session_next(t, NULL); s != NULL;
		    s = l2tp_session_next(t, s)) {
			l2tp_session_get_info(s, &si);
			if (si.state != L2TP_SS_ESTABLISHED)
				continue;
			if (n == cap && (v = realloc(v, (cap *= 2) *
			    sizeof(*v))) == NULL)
				peer_oom();
			v[n][0] = si.remote_tid;
			v[n][1] = si.remote_sid;
			v[n][2] = si.local_tid;
			v[n][3] = si.local_sid;
			n++;
		}
	qsort(v, n, sizeof(*v), cmp_line);
	*out = v;
	return n;
}

static void
write_sessions(void)
{
	const char *path = peer.o.sessions_file;
	uint16_t (*v)[4];
	size_t i, n;
	char *tmp;
	FILE *f;

	if (path == NULL)
		return;
	n = collect_sessions(&v);
	if ((tmp = malloc(strlen(path) + 5)) == NULL)
		peer_oom();
	snprintf(tmp, strlen(path) + 5, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "l2tp-peer: %s: %s\n", tmp, strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%u %u %u %u\n", v[i][0], v[i][1], v[i][2],
		    v[i][3]);
	/* renamed into place: a reader never sees half a file */
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		fprintf(stderr, "l2tp-peer: %s: %s\n", path, strerror(errno));
out:
	free(tmp);
	free(v);
}

/* every control message we sent is acknowledged (live tunnels) */
static int
all_acked(void)
{
	struct l2tp_tunnel *t;
	struct l2tp_tunnel_info ti;
	struct l2tp_ctrl_state cs;

	for (t = l2tp_tunnel_next(peer.ctx, NULL); t != NULL;
	    t = l2tp_tunnel_next(peer.ctx, t)) {
		l2tp_ctrl_export(t, &cs);
		if (cs.unacked == 0)
			continue;
		l2tp_tunnel_get_info(t, &ti);
		if (ti.state != L2TP_TS_CLOSING && ti.state != L2TP_TS_DEAD)
			return 0;
	}
	return 1;
}

static void
quiet_check(double now)
{
	if (!peer.quiesce || peer.quiet_reported)
		return;
	if (peer.o.role == PEER_LAC && !peer_lac_settled(now))
		return;
	if (!all_acked())
		return;
	write_sessions();
	fprintf(stderr, "quiet sessions=%u\n", peer.sessions_up);
	fflush(stderr);
	peer.quiet_reported = 1;
}

/* ---- the report ---- */

struct jw {
	FILE	*f;
	int	 first;
};

static void
j_key(struct jw *j, const char *k)
{
	fprintf(j->f, "%s\"%s\":", j->first ? "" : ",", k);
	j->first = 0;
}

static void
j_u(struct jw *j, const char *k, uint64_t v)
{
	j_key(j, k);
	fprintf(j->f, "%" PRIu64, v);
}

static void
j_d(struct jw *j, const char *k, double v, int prec)
{
	j_key(j, k);
	fprintf(j->f, "%.*f", prec, v);
}

static void
j_s(struct jw *j, const char *k, const char *s)
{
	j_key(j, k);
	putc('"', j->f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(j->f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(j->f, "\\u%04x", *s);
		else
			putc(*s, j->f);
	}
	putc('"', j->f);
}

static void
j_drops_failures(struct jw *j)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(peer.ctx);
	struct jw in = { j->f, 1 };
	unsigned i;

	j_key(j, "drops");
	putc('{', j->f);
	for (i = 0; i < L2TP_DROP_MAX; i++)
		if (st->drops[i])
			j_u(&in, l2tp_drop_names[i], st->drops[i]);
	putc('}', j->f);
	j_u(j, "failures_total", peer.nfail_total);
	j_key(j, "failures");
	putc('[', j->f);
	for (i = 0; i < peer.nfail; i++) {
		in.first = 1;
		fprintf(j->f, "%s{", i ? "," : "");
		j_u(&in, "tunnel", peer.fail[i].tunnel);
		j_u(&in, "session", peer.fail[i].session);
		j_s(&in, "reason", peer.fail[i].reason);
		j_d(&in, "time_s", peer.fail[i].at, 3);
		putc('}', j->f);
	}
	putc(']', j->f);
}

static double
setup_s(void)
{
	return peer.t_ready - peer.t_start;
}

static double
run_s(void)
{
	double s = peer.o.role == PEER_LAC ? peer.t_end - peer.data.t_start :
	    peer.t_end - peer.t_start;

	return peer.ran && s > 0 ? s : 0;
}

static uint64_t
data_lost(void)
{
	const struct peer_data *d = &peer.data;

	return d->sent > d->received ? d->sent - d->received : 0;
}

static void
json_ppp(struct jw *j)
{
	const struct peer_ppp_stats *p = &peer_ppp_stats;
	struct jw in = { j->f, 1 };

	j_key(j, "ppp");
	putc('{', j->f);
	j_s(&in, "auth", peer.o.auth ? ppp_auth_name(peer.o.auth) : "any");
	j_u(&in, "links_started", p->started);
	j_u(&in, "sessions_up", peer.sessions_up);
	j_u(&in, "ipcp_up", p->ipcp_up);
	j_u(&in, "auth_ok", p->auth_ok);
	j_u(&in, "auth_failures", p->auth_fail);
	j_u(&in, "refused_rfc", p->refused_rfc);
	j_u(&in, "refused_bare_cdn", p->refused_bare);
	j_u(&in, "addresses_got", p->addresses);
	j_u(&in, "addresses_distinct", p->distinct);
	j_u(&in, "dns_got", p->dns);
	j_u(&in, "terminate_requests_rx", p->term_rx);
	if (peer.o.lcp_echo > 0) {
		j_u(&in, "lcp_echo_sent", p->echo_tx);
		j_u(&in, "lcp_echo_answered", p->echo_ok);
		j_u(&in, "lcp_echo_bad_magic", p->echo_bad);
		j_u(&in, "lcp_echo_gap_max_ms",
		    (uint64_t)(p->echo_gap_max * 1000));
	}
	j_u(&in, "frames_rx", p->frames_rx);
	j_u(&in, "frames_tx", p->frames_tx);
	j_u(&in, "ip_rx", p->ip_rx);
	j_u(&in, "ip_tx", p->ip_tx);
	j_u(&in, "ip_bad", p->ip_bad);
	if (peer.o.tun) {
		j_u(&in, "tun_devices", p->tuns);
		j_u(&in, "tun_rx", p->tun_rx);
		j_u(&in, "tun_tx", p->tun_tx);
		j_u(&in, "tun_drops", p->tun_drops);
	}
	putc('}', j->f);
}

static void
text_ppp(FILE *f)
{
	const struct peer_ppp_stats *p = &peer_ppp_stats;

	fprintf(f, "ppp links         %" PRIu64 " started, %" PRIu64 " IPCP "
	    "up, %" PRIu64 " addresses got (%" PRIu64 " distinct held), %"
	    PRIu64 " with DNS\n", p->started, p->ipcp_up, p->addresses,
	    p->distinct, p->dns);
	fprintf(f, "ppp auth          %s: %" PRIu64 " ok, %" PRIu64 " failed (%"
	    PRIu64 " refused the RFC way, %" PRIu64 " by a bare CDN)\n",
	    peer.o.auth ? ppp_auth_name(peer.o.auth) : "any", p->auth_ok,
	    p->auth_fail, p->refused_rfc, p->refused_bare);
	fprintf(f, "ppp frames        %" PRIu64 " received, %" PRIu64 " sent; "
	    "IP %" PRIu64 " received (%" PRIu64 " bad), %" PRIu64 " sent\n",
	    p->frames_rx, p->frames_tx, p->ip_rx, p->ip_bad, p->ip_tx);
	if (peer.o.tun)
		fprintf(f, "tun devices       %u, %" PRIu64 " packets read, %"
		    PRIu64 " written, %" PRIu64 " dropped\n", p->tuns,
		    p->tun_rx, p->tun_tx, p->tun_drops);
}

static void
json_lac(struct jw *j)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(peer.ctx);
	const struct peer_data *d = &peer.data;

	j_u(j, "tunnels_up", peer.tunnels_up);
	j_u(j, "sessions_up", peer.sessions_up);
	j_u(j, "setups", peer.setups);
	j_d(j, "setups_per_sec", setup_s() > 0 ?
	    (double)peer.setups_at_ready / setup_s() : 0, 1);
	j_d(j, "setup_ms", setup_s() * 1000, 0);
	j_u(j, "teardowns", peer.teardowns);
	j_u(j, "abandoned", peer.abandoned);
	j_u(j, "redials", peer.redials);
	j_u(j, "ctrl_sent", st->tx_ctrl);
	j_u(j, "ctrl_retransmits", st->retransmits);
	j_u(j, "data_sent", d->sent);
	j_u(j, "data_received", d->received);
	j_u(j, "data_lost", data_lost());
	j_u(j, "data_bad", d->bad);
	j_u(j, "data_duplicates", d->duplicates);
	j_u(j, "data_send_errors", d->send_errors);
	j_d(j, "longest_gap_ms", d->longest_gap * 1000, 1);
	j_d(j, "rtt_avg_ms", d->received ? d->rtt_sum * 1000 /
	    (double)d->received : 0, 3);
	j_d(j, "rtt_max_ms", d->rtt_max * 1000, 3);
	j_u(j, "offered_rate", peer.o.data_rate);
	j_u(j, "frame_size", peer.o.frame_size);
	j_u(j, "data_start_mono_ns", d->start_ns);
	if (peer.o.ppp)
		json_ppp(j);
}

static void
json_lns(struct jw *j)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(peer.ctx);

	j_u(j, "tunnels_up", peer.tunnels_up);
	j_u(j, "sessions_up", peer.sessions_up);
	j_u(j, "tunnels_accepted", peer.tunnels_accepted);
	j_u(j, "calls_accepted", peer.calls_accepted);
	j_u(j, "calls_closed", peer.calls_closed);
	j_u(j, "calls_refused", peer.calls_refused);
	j_u(j, "ctrl_sent", st->tx_ctrl);
	j_u(j, "ctrl_retransmits", st->retransmits);
	j_u(j, "data_received", st->rx_data);
	j_u(j, "data_sent", st->tx_data);
}

static void
report_json(FILE *f)
{
	struct jw j = { f, 1 };

	putc('{', f);
	j_s(&j, "role", peer.o.role == PEER_LAC ? "lac" : "lns");
	if (peer.o.role == PEER_LAC)
		json_lac(&j);
	else
		json_lns(&j);
	j_d(&j, "duration_s", run_s(), 3);
	j_u(&j, "socket_buffer", (uint64_t)peer.sockbuf);
	j_drops_failures(&j);
	fprintf(f, "}\n");
}

static void
text_tail(FILE *f)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(peer.ctx);
	unsigned i, n = 0;

	fprintf(f, "control messages  %" PRIu64 " sent (retransmissions "
	    "included), %" PRIu64 " retransmitted\n", st->tx_ctrl,
	    st->retransmits);
	fprintf(f, "run               %.3f s\n", run_s());
	fprintf(f, "engine drops     ");
	for (i = 0; i < L2TP_DROP_MAX; i++)
		if (st->drops[i])
			fprintf(f, "%s %s %" PRIu64, n++ ? "," : "",
			    l2tp_drop_names[i], st->drops[i]);
	fprintf(f, "%s\n", n ? "" : " none");
	fprintf(f, "failures          %u\n", peer.nfail_total);
	for (i = 0; i < peer.nfail; i++)
		fprintf(f, "  %.3f s tunnel %u session %u: %s\n",
		    peer.fail[i].at, peer.fail[i].tunnel,
		    peer.fail[i].session, peer.fail[i].reason);
}

static void
report_text(FILE *f)
{
	const struct peer_data *d = &peer.data;

	if (peer.o.role == PEER_LNS) {
		fprintf(f, "tunnels up        %u (%" PRIu64 " accepted)\n",
		    peer.tunnels_up, peer.tunnels_accepted);
		fprintf(f, "sessions up       %u (%" PRIu64 " accepted, %"
		    PRIu64 " closed, %" PRIu64 " refused)\n", peer.sessions_up,
		    peer.calls_accepted, peer.calls_closed, peer.calls_refused);
		fprintf(f, "data frames       %" PRIu64 " received, %" PRIu64
		    " sent\n", l2tp_ctx_stats(peer.ctx)->rx_data,
		    l2tp_ctx_stats(peer.ctx)->tx_data);
		text_tail(f);
		return;
	}
	fprintf(f, "tunnels up        %u of %u\n", peer.tunnels_up,
	    peer.o.tunnels);
	fprintf(f, "sessions up       %u of %u\n", peer.sessions_up,
	    peer.o.tunnels * peer.o.sessions);
	fprintf(f, "setups            %" PRIu64 " in %.0f ms (%.0f/s) during "
	    "setup, %" PRIu64 " in all\n", peer.setups_at_ready,
	    setup_s() * 1000, setup_s() > 0 ? (double)peer.setups_at_ready /
	    setup_s() : 0, peer.setups);
	fprintf(f, "teardowns         %" PRIu64 " (and %" PRIu64 " calls "
	    "abandoned in setup)\n", peer.teardowns, peer.abandoned);
	fprintf(f, "data frames       %" PRIu64 " sent, %" PRIu64 " received, "
	    "%" PRIu64 " lost, %" PRIu64 " duplicated, %" PRIu64 " bad\n",
	    d->sent, d->received, data_lost(), d->duplicates, d->bad);
	fprintf(f, "longest gap       %.1f ms (round trip avg %.3f ms, max "
	    "%.3f ms)\n", d->longest_gap * 1000, d->received ? d->rtt_sum *
	    1000 / (double)d->received : 0, d->rtt_max * 1000);
	if (peer.o.ppp)
		text_ppp(f);
	text_tail(f);
}

/* ---- phases ---- */

static void
phase_timer_cb(struct ev_loop *loop, ev_timer *w, int revents);

void
peer_start_run(double now)
{
	peer.phase = PEER_PH_RUN;
	peer.ran = 1;
	peer.t_ready = now;
	peer.setups_at_ready = peer.setups;
	if (peer.o.role == PEER_LAC) {
		fprintf(stderr, "ready tunnels=%u sessions=%u setup_ms=%.0f\n",
		    peer.tunnels_up, peer.sessions_up, setup_s() * 1000);
		fflush(stderr);
		peer_data_start(now);
	}
	if (peer.o.duration > 0) {
		ev_timer_init(&phase_timer, phase_timer_cb, peer.o.duration,
		    0);
		ev_timer_start(peer.loop, &phase_timer);
	}
}

static void
begin_drain(double now)
{
	if (peer.phase == PEER_PH_SETUP)
		peer.t_ready = now;
	peer.phase = PEER_PH_DRAIN;
	peer.t_end = now;
	peer_data_stop(now);
	ev_timer_stop(peer.loop, &phase_timer);
}

/* report, then StopCCN on every tunnel; the loop ends when they are gone */
static void
finish(double now)
{
	peer.phase = PEER_PH_CLOSE;
	peer.t_close = now;
	violations_check();
	if (peer.o.role == PEER_LAC)
		peer_lac_check_addresses();
	write_sessions();
	if (peer.o.timeline != NULL && peer.data.t_start > 0 &&
	    peer_data_timeline(peer.o.timeline, now) == -1)
		fprintf(stderr, "l2tp-peer: %s: %s\n", peer.o.timeline,
		    strerror(errno));
	if (peer.o.json)
		report_json(stdout);
	else
		report_text(stdout);
	fflush(stdout);
	exit_status = peer.nfail_total ? 1 : 0;
	if (peer.o.role == PEER_LAC)
		peer_lac_close();
	else
		peer_lns_close();
}

static void
setup_phase(double now)
{
	if (now - peer.t_start > peer.o.setup_timeout) {
		peer_fail(0, 0, "setup incomplete after %u s: %u of %u calls "
		    "up", peer.o.setup_timeout, peer.sessions_up,
		    peer.o.tunnels * peer.o.sessions);
		begin_drain(now);
		return;
	}
	if (!peer_lac_settled(now))
		return;
	if (peer.sessions_up > 0) {
		peer_start_run(now);
		return;
	}
	if (peer.o.expect_auth_fail) {	/* every call refused: done */
		fprintf(stderr, "ready refused=%" PRIu64 "\n",
		    peer_ppp_stats.refused_rfc + peer_ppp_stats.refused_bare);
		fflush(stderr);
		begin_drain(now);
		return;
	}
	if (peer.nfail_total == 0)
		peer_fail(0, 0, "no call came up");
	begin_drain(now);
}

static int
drained(double now)
{
	double t = now - peer.t_end;

	if (t < PEER_DRAIN_S)
		return 0;
	if (peer.o.role == PEER_LNS || !peer.ran || t >= PEER_DRAIN_S +
	    PEER_REFILL_S)
		return 1;
	return peer_lac_settled(now);
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	static double last;
	double now = peer_mono(), dt = last > 0 ? now - last : 0;

	(void)w;
	(void)revents;
	last = now;
	if (peer.phase == PEER_PH_CLOSE) {
		if (l2tp_tunnel_count(peer.ctx) == 0 ||
		    now - peer.t_close >= PEER_CLOSE_S)
			ev_break(loop, EVBREAK_ALL);
		return;
	}
	violations_check();
	if (peer.o.role == PEER_LAC)
		peer_lac_tick(now, dt);
	if (peer.phase == PEER_PH_SETUP)
		setup_phase(now);
	else if (peer.phase == PEER_PH_RUN && peer.o.role == PEER_LAC)
		peer_data_send(now);
	quiet_check(now);
	if (peer.phase == PEER_PH_DRAIN && drained(now))
		finish(now);
}

static void
phase_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (peer.phase == PEER_PH_RUN)
		begin_drain(peer_mono());
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	switch (w->signum) {
	case SIGUSR1:
		peer.quiesce = 1;
		peer.quiet_reported = 0;
		break;
	case SIGUSR2:
		peer.quiesce = 0;
		break;
	default:		/* SIGINT, SIGTERM */
		if (peer.phase <= PEER_PH_RUN)
			begin_drain(peer_mono());
		else if (peer.phase == PEER_PH_DRAIN)
			finish(peer_mono());
		else
			ev_break(loop, EVBREAK_ALL);
		break;
	}
}

/* ---- options ---- */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: l2tp-peer --server ADDR[:PORT] --tunnels N --sessions M [options]\n"
"       l2tp-peer --listen ADDR[:PORT] [--reflect] [options]\n"
"       l2tp-peer --echo ADDR:PORT\n"
"LAC role (--server; ADDR is IPv4, or IPv6 as [ADDR]:PORT):\n"
"  --server ADDR[:PORT]  the LNS (port 1701 by default)\n"
"  --tunnels N           tunnels to open, one UDP socket (1-65535)\n"
"  --sessions M          incoming calls per tunnel (1-65535)\n"
"  --setup-rate R        call setups per second, all tunnels (default 0:\n"
"                        as fast as the setups in flight allow)\n"
"  --max-inflight N      call (and tunnel) setups in flight at most, as a\n"
"                        LAC paces its ICRQs (1-65535, default %d)\n"
"  --churn R             after setup, tear down R calls per second (CDN,\n"
"                        result 3) and set up a replacement for each\n"
"  --data-rate PPS       data frames per second over all calls (def 0)\n"
"  --frame-size B        data payload bytes (16-65000, default 64)\n"
"  --timeline FILE       per ms of the data phase: ms received sent\n"
"  --setup-timeout S     setup not complete after S s: a failure (600)\n"
"  --redial              reopen a tunnel the LNS lost (still a failure)\n"
"  --abandon-every N     hang up every Nth call right after its ICRQ\n"
"                        (CDN result 3 before the ICRP), then place another\n"
"  --bind ADDR[:PORT]    local address (default any, any port)\n"
"LNS role:\n"
"  --listen ADDR[:PORT]  accept tunnels and calls here (port 1701 by\n"
"                        default; 0: any, shown in the ready line)\n"
"  --reflect             echo every data frame back on its session\n"
"  --refuse-every N      refuse every Nth call (CDN result 4), a test of\n"
"                        the LAC's handling of refusals\n"
"PPP client (LAC role, each call after its ICCN; libppp, client side):\n"
"  --ppp                 LCP, authentication, IPCP (asks 0.0.0.0 and DNS,\n"
"                        takes the address the LNS Naks with); a call is\n"
"                        up once IPCP is. Strict: an LCP Terminate-Request\n"
"                        from the LNS, more than 4 Configure-Naks in one\n"
"                        negotiation, an address change not asked for, a\n"
"                        refused authentication are failures\n"
"  --user U              PPP user name (default l2tp-peer)\n"
"  --password P          PAP password / CHAP secret (never printed)\n"
"  --auth pap|chap       the one we accept (Nak'd towards it); default any\n"
"  --reflector ADDR:PORT data frames as IPv4/UDP from the call's address\n"
"                        to ADDR:PORT (an --echo reflector); with --ppp,\n"
"                        --data-rate needs it\n"
"  --expect-auth-fail rfc|cdn  every call must be refused: rfc: PAP Nak\n"
"                        or CHAP Failure, then LCP Terminate-Request, then\n"
"                        CDN from the LNS; cdn: a bare CDN is accepted too\n"
"                        (l2tpns); \"ready refused=N\" when all are done\n"
"  --tun                 each call's IP to/from a TUN device pppN (our\n"
"                        namespace, the call's address, point-to-point to\n"
"                        the LNS's; needs root); for ping, iperf3\n"
"  --default-route       --tun: a default route through the first call\n"
"  --ppp-debug           the engines' logs on stderr\n"
"  --lcp-echo S          every S seconds an LCP Echo-Request on each call\n"
"                        that is up; a reply with another magic than the\n"
"                        LNS negotiated is a failure; the longest time\n"
"                        between two answers is reported (lcp_echo_*)\n"
"Reflector:\n"
"  --echo ADDR:PORT      a UDP echo service (recvmmsg/sendmmsg batches):\n"
"                        every datagram goes back to its sender; stderr\n"
"                        \"ready echo=ADDR:PORT\"; SIGINT/SIGTERM: stop,\n"
"                        \"echoed N\" on stdout\n"
"Both roles:\n"
"  --duration S          seconds of data/churn after setup (LAC default\n"
"                        10, LNS default 0); 0: until SIGINT/SIGTERM\n"
"  --hello S             Hello interval, seconds (default 60, 0: off)\n"
"  --retries N           control retransmissions before giving up (5)\n"
"  --rtx-min MS          first retransmission timeout (default 1000)\n"
"  --secret S            tunnel secret (tunnel authentication)\n"
"  --hostname NAME       our Host Name AVP (default l2tp-peer)\n"
"  --json                one JSON object on stdout, not the text report\n"
"  --sessions-file FILE  calls up at quiesce and exit, one a line:\n"
"                        far_tid far_sid our_tid our_sid, sorted\n"
"  --help                this text\n"
"stderr: \"ready ...\" once set up, \"failure T: tunnel X session Y: ...\"\n"
"as each happens, \"quiet sessions=K\" after SIGUSR1.\n"
"Signals: SIGUSR1 quiesce, SIGUSR2 resume, SIGINT/SIGTERM report now.\n"
"Exit status: 0 no failure, 1 failures, 2 bad usage.\n",
	    PEER_MAX_OUTSTANDING);
}

__attribute__((format(printf, 1, 2), noreturn)) static void
bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "l2tp-peer: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(l2tp-peer --help for usage)\n");
	exit(2);
}

static unsigned
num(const char *opt, const char *s, unsigned lo, unsigned hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *s == '-' || *end != '\0' || v < lo ||
	    v > hi)
		bad("--%s %s: expected a number from %u to %u", opt, s, lo,
		    hi);
	return (unsigned)v;
}

static double
seconds(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *s == '\0' || *end != '\0' || !(v >= 0 && v <= 86400))
		bad("--%s %s: expected seconds, 0-86400", opt, s);
	return v;
}

/* "A.B.C.D[:PORT]", "[V6]:PORT" or a bare IPv6 address */
static void
addr(const char *opt, const char *s, struct sockaddr_storage *ss,
    socklen_t *len, unsigned defport, unsigned minport)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	const char *h = s, *end, *port = NULL;
	char host[INET6_ADDRSTRLEN];
	unsigned p = defport;

	if (*s == '[') {
		h = s + 1;
		if ((end = strchr(h, ']')) == NULL || (end[1] != '\0' &&
		    end[1] != ':'))
			bad("--%s %s: expected [IPV6]:PORT", opt, s);
		port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strchr(s, ':')) != NULL && strchr(end + 1, ':') ==
	    NULL)
		port = end + 1;
	else
		end = s + strlen(s);
	if (end == h || (size_t)(end - h) >= sizeof(host))
		bad("--%s %s: not an IP address", opt, s);
	memcpy(host, h, (size_t)(end - h));
	host[end - h] = '\0';
	if (port != NULL) {
		char *e;
		unsigned long v = strtoul(port, &e, 10);

		if (*port < '0' || *port > '9' || *e != '\0' || v < minport ||
		    v > 65535)
			bad("--%s %s: port must be %u-65535", opt, s, minport);
		p = (unsigned)v;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*sin6);
	} else
		bad("--%s %s: not an IP address", opt, s);
}

static const struct option longopts[] = {
	{ "server", 1, NULL, 's' }, { "tunnels", 1, NULL, 't' },
	{ "sessions", 1, NULL, 'm' }, { "setup-rate", 1, NULL, 'r' },
	{ "churn", 1, NULL, 'c' }, { "hello", 1, NULL, 'H' },
	{ "retries", 1, NULL, 'R' }, { "data-rate", 1, NULL, 'd' },
	{ "frame-size", 1, NULL, 'f' }, { "duration", 1, NULL, 'D' },
	{ "secret", 1, NULL, 'S' }, { "hostname", 1, NULL, 'n' },
	{ "bind", 1, NULL, 'b' }, { "redial", 0, NULL, 'x' },
	{ "json", 0, NULL, 'j' }, { "timeline", 1, NULL, 'T' },
	{ "sessions-file", 1, NULL, 'F' }, { "help", 0, NULL, 'h' },
	{ "setup-timeout", 1, NULL, 'U' }, { "rtx-min", 1, NULL, 'M' },
	{ "listen", 1, NULL, 'l' }, { "reflect", 0, NULL, 'e' },
	{ "refuse-every", 1, NULL, 'X' }, { "abandon-every", 1, NULL, 'A' },
	{ "ppp", 0, NULL, 'P' }, { "user", 1, NULL, 'u' },
	{ "password", 1, NULL, 'p' }, { "auth", 1, NULL, 'a' },
	{ "reflector", 1, NULL, 'y' }, { "expect-auth-fail", 1, NULL, 'E' },
	{ "tun", 0, NULL, 'N' }, { "default-route", 0, NULL, 'G' },
	{ "ppp-debug", 0, NULL, 'L' }, { "echo", 1, NULL, 'o' },
	{ "lcp-echo", 1, NULL, 'K' }, { "max-inflight", 1, NULL, 'I' },
	{ NULL, 0, NULL, 0 }
};

/* the PPP client's options: only with --ppp, and consistent */
static void
ppp_options(const unsigned char *given)
{
	static const char ppp_only[] = "upayENGLK";
	struct peer_opts *o = &peer.o;
	const struct option *opt;
	const char *c;

	for (c = ppp_only; !o->ppp && *c; c++) {
		if (!given[(unsigned char)*c])
			continue;
		for (opt = longopts; opt->val != *c; opt++)
			;
		bad("--%s needs --ppp", opt->name);
	}
	if (!o->ppp)
		return;
	if (o->user == NULL)
		o->user = "l2tp-peer";
	if (o->password == NULL)
		o->password = "";
	if (*o->user == '\0' || strlen(o->user) >= PPP_NAME_MAX)
		bad("--user: 1 to %d characters", PPP_NAME_MAX - 1);
	if (strlen(o->password) >= PPP_SECRET_MAX)
		bad("--password: at most %d characters", PPP_SECRET_MAX - 1);
	if (o->data_rate && !o->reflector_addr && !o->tun)
		bad("--data-rate with --ppp needs --reflector ADDR:PORT");
	if (o->default_route && !o->tun)
		bad("--default-route needs --tun");
	if (o->tun && o->data_rate)
		bad("--tun carries the TUN devices' traffic: no --data-rate");
	if (o->tun && (o->tunnels * o->sessions > 64 || o->churn))
		bad("--tun: at most 64 calls, no --churn");
	if (o->expect_auth_fail && (o->data_rate || o->churn || o->tun))
		bad("--expect-auth-fail: no --data-rate, --churn or --tun");
	if (o->frame_size + 28 > 1500 && o->reflector_addr)
		bad("--frame-size with --reflector: at most %d (one IPv4 "
		    "packet in a 1500-byte MRU)", 1500 - 28);
}

/* options of one role given for the other */
static void
check_role(const unsigned char *given)
{
	static const char lac_only[] = "tmrcdfTUxbAPupayENGLI";
	const struct option *o;
	const char *c;

	if (!given['s'] && !given['l'])
		bad("--server ADDR (LAC role) or --listen ADDR (LNS role) is "
		    "required");
	if (given['s'] && given['l'])
		bad("--server and --listen exclude each other");
	for (c = given['l'] ? lac_only : "eX"; *c; c++) {
		if (!given[(unsigned char)*c])
			continue;
		for (o = longopts; o->val != *c; o++)
			;
		bad("--%s applies to the %s role only", o->name,
		    given['l'] ? "LAC (--server)" : "LNS (--listen)");
	}
	if (given['s'] && (!given['t'] || !given['m']))
		bad("--tunnels N and --sessions M are required with --server");
}

static int echo_mode;

/* --reflector A.B.C.D:PORT (IPv4: the PPP client has IPv4 only) */
static void
reflector(const char *arg)
{
	struct sockaddr_storage ss;
	socklen_t len;

	addr("reflector", arg, &ss, &len, 0, 1);
	if (ss.ss_family != AF_INET || strchr(arg, ':') == NULL)
		bad("--reflector %s: expected A.B.C.D:PORT", arg);
	peer.o.reflector_addr = ntohl(((struct sockaddr_in *)&ss)->
	    sin_addr.s_addr);
	peer.o.reflector_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void
option(int ch, const char *arg)
{
	struct peer_opts *o = &peer.o;

	switch (ch) {
	case 's': addr("server", arg, &o->server, &o->server_len, L2TP_PORT,
	    1); break;
	case 'l': addr("listen", arg, &o->bind, &o->bind_len, L2TP_PORT, 0);
		o->role = PEER_LNS; break;
	case 'b': addr("bind", arg, &o->bind, &o->bind_len, 0, 0); break;
	case 't': o->tunnels = num("tunnels", arg, 1, 65535); break;
	case 'm': o->sessions = num("sessions", arg, 1, 65535); break;
	case 'r': o->setup_rate = num("setup-rate", arg, 0, 1000000); break;
	case 'I': o->max_inflight = num("max-inflight", arg, 1, 65535);
		break;
	case 'c': o->churn = num("churn", arg, 0, 1000000); break;
	case 'H': o->hello = num("hello", arg, 0, 3600); break;
	case 'R': o->retries = num("retries", arg, 1, 100); break;
	case 'M': o->rtx_min = num("rtx-min", arg, 50, 60000); break;
	case 'U': o->setup_timeout = num("setup-timeout", arg, 1, 86400);
		break;
	case 'd': o->data_rate = num("data-rate", arg, 0, 10000000); break;
	case 'f': o->frame_size = num("frame-size", arg, 16, 65000); break;
	case 'D': o->duration = seconds("duration", arg); break;
	case 'K': o->lcp_echo = seconds("lcp-echo", arg); break;
	case 'S': o->secret = arg; break;
	case 'n': o->hostname = arg; break;
	case 'x': o->redial = 1; break;
	case 'e': o->reflect = 1; break;
	case 'X': o->refuse_every = num("refuse-every", arg, 1, 1000000);
		break;
	case 'A': o->abandon_every = num("abandon-every", arg, 1, 1000000);
		break;
	case 'P': o->ppp = 1; break;
	case 'u': o->user = arg; break;
	case 'p': o->password = arg; break;
	case 'a': if (strcmp(arg, "pap") == 0)
			o->auth = PPP_AUTH_PAP;
		else if (strcmp(arg, "chap") == 0)
			o->auth = PPP_AUTH_CHAP;
		else
			bad("--auth %s: expected pap or chap", arg);
		break;
	case 'y': reflector(arg); break;
	case 'E': if (strcmp(arg, "rfc") == 0)
			o->expect_auth_fail = PEER_AUTHFAIL_RFC;
		else if (strcmp(arg, "cdn") == 0)
			o->expect_auth_fail = PEER_AUTHFAIL_CDN;
		else
			bad("--expect-auth-fail %s: expected rfc or cdn", arg);
		break;
	case 'N': o->tun = 1; break;
	case 'G': o->default_route = 1; break;
	case 'L': o->ppp_debug = 1; break;
	case 'o': addr("echo", arg, &o->bind, &o->bind_len, 0, 1);
		echo_mode = 1; break;
	case 'j': o->json = 1; break;
	case 'T': o->timeline = arg; break;
	case 'F': o->sessions_file = arg; break;
	case 'h': usage(stdout); exit(0);
	default: bad("unknown option (see --help)");
	}
}

static void
parse(int argc, char **argv)
{
	struct peer_opts *o = &peer.o;
	unsigned char given[128] = { 0 };
	int ch;

	o->hello = 60;
	o->retries = 5;
	o->max_inflight = PEER_MAX_OUTSTANDING;
	o->setup_timeout = 600;
	o->rtx_min = 1000;
	o->frame_size = 64;
	o->duration = -1;
	o->hostname = "l2tp-peer";
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (ch == ':')
			bad("%s needs a value", argv[optind - 1]);
		if (ch == '?')
			bad("unknown option %s", argv[optind - 1]);
		option(ch, optarg);
		given[ch & 0x7f] = 1;
	}
	if (optind != argc)
		bad("unexpected argument %s", argv[optind]);
	if (echo_mode) {
		for (ch = 0; ch < 128; ch++)
			if (given[ch] && ch != 'o')
				bad("--echo takes no other option");
		return;
	}
	check_role(given);
	ppp_options(given);
	if (o->duration < 0)
		o->duration = o->role == PEER_LAC ? 10 : 0;
	if (o->secret && strlen(o->secret) >= L2TP_SECRET_MAX)
		bad("--secret: at most %d characters", L2TP_SECRET_MAX - 1);
	if (*o->hostname == '\0' || strlen(o->hostname) >= L2TP_NAME_MAX)
		bad("--hostname: 1 to %d characters", L2TP_NAME_MAX - 1);
	if (o->role == PEER_LAC && given['b'] &&
	    o->bind.ss_family != o->server.ss_family)
		bad("--bind and --server: not the same address family");
	if (o->role == PEER_LAC && !given['b']) {
		o->bind.ss_family = o->server.ss_family;
		o->bind_len = o->server_len;
	}
}

/* ---- start-up ---- */

static void
group_setup(void)
{
	struct l2tp_group *g = &peer.group;
	const struct peer_opts *o = &peer.o;

	l2tp_group_defaults(g);
	snprintf(g->name, sizeof(g->name), "peer");
	snprintf(g->local_name, sizeof(g->local_name), "%s", o->hostname);
	if (o->secret)
		snprintf(g->password, sizeof(g->password), "%s", o->secret);
	g->hello_interval = o->hello;
	g->retries = o->retries;
	g->rtx_min_ms = o->rtx_min;
	if (g->rtx_max_ms < o->rtx_min)
		g->rtx_max_ms = o->rtx_min;
	g->rx_window = 16;
	if (o->role == PEER_LAC) {
		g->request_dialin = 1;
		memcpy(&g->initiate_to, &o->server, sizeof(o->server));
		g->initiate_to_len = o->server_len;
	} else {
		g->accept_dialin = 1;
		g->data_reflect = o->reflect;
	}
}

/*
 * One socket carries every tunnel (the LNS tells them apart by tunnel
 * id). l2tp_ctx_listen() already asks for 8 MiB; ask for more with the
 * FORCE options (root) and never with the plain ones, which the kernel
 * caps at net.core.rmem_max and would shrink what we have.
 */
static void
socket_buffers(int fd)
{
	int sz = SOCKBUF;
	socklen_t len = sizeof(sz);

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, &len) == 0)
		peer.sockbuf = sz;
	if (peer.sockbuf < SOCKBUF_LOW)
		fprintf(stderr, "l2tp-peer: receive buffer only %d bytes "
		    "(raise net.core.rmem_max or run as root)\n", peer.sockbuf);
}

static int
open_socket(void)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char a[INET6_ADDRSTRLEN];
	int fd, port;

	if ((fd = l2tp_ctx_listen(peer.ctx, (struct sockaddr *)&peer.o.bind,
	    peer.o.bind_len)) == -1) {
		fprintf(stderr, "l2tp-peer: cannot bind the UDP socket: %s\n",
		    strerror(errno));
		return -1;
	}
	socket_buffers(fd);
	if (peer.o.role == PEER_LAC)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    a, sizeof(a));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		fprintf(stderr, "ready listening=[%s]:%d\n", a, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a,
		    sizeof(a));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		fprintf(stderr, "ready listening=%s:%d\n", a, port);
	}
	fflush(stderr);
	return 0;
}

static void
start_clock(void)
{
	static const int signum[4] = { SIGINT, SIGTERM, SIGUSR1, SIGUSR2 };
	int i;

	ev_timer_init(&tick_timer, tick_cb, PEER_TICK_S, PEER_TICK_S);
	ev_timer_start(peer.loop, &tick_timer);
	ev_init(&phase_timer, phase_timer_cb);
	for (i = 0; i < 4; i++) {
		ev_signal_init(&sigs[i], signal_cb, signum[i]);
		ev_signal_start(peer.loop, &sigs[i]);
	}
}

int
main(int argc, char **argv)
{
	parse(argc, argv);
	if (echo_mode)
		return peer_echo_run(&peer.o.bind, peer.o.bind_len);
	signal(SIGPIPE, SIG_IGN);
	/* the engine's warnings (timeouts, bad messages) on stderr */
	sso_log_init("l2tp-peer", 1);
	sso_log_set_level(SSO_WARNING);
	srandom((unsigned)peer_mono_ns());
	group_setup();
	peer.loop = ev_default_loop(EVFLAG_AUTO);
	peer.ctx = l2tp_ctx_create(peer.loop, peer.o.role == PEER_LAC ?
	    &peer_lac_ops : &peer_lns_ops, NULL);
	if (peer.loop == NULL || peer.ctx == NULL) {
		fprintf(stderr, "l2tp-peer: cannot create the L2TP context\n");
		return 1;
	}
	/* piggy-back acks when we can, but do not sit on them */
	l2tp_ctx_set_ack_delay(peer.ctx, 5);
	if (open_socket() == -1)
		return 1;
	peer.t_start = peer_mono();
	if (peer.o.role == PEER_LAC) {
		if (peer_lac_init() == -1)
			peer_oom();
	} else
		peer_start_run(peer.t_start);	/* "ready listening=" said */
	start_clock();
	ev_run(peer.loop, 0);
	if (peer.o.role == PEER_LAC)
		peer_lac_free();
	l2tp_ctx_destroy(peer.ctx);
	peer_data_free();
	return exit_status;
}
