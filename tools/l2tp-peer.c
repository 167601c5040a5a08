/*
 * l2tp-peer - a strict L2TP LAC emulator and load generator on libl2tp.
 *
 * Opens N tunnels x M incoming calls to an LNS, optionally churns calls
 * (teardown + setup per second) and offers a constant stream of data
 * frames, each carrying a sequence number and its CLOCK_MONOTONIC send
 * time, spread round-robin over the sessions; the LNS (ssod with `l2tp
 * data reflect`) echoes them back. Anything the peer did not ask for (a
 * StopCCN, a CDN, a retransmission exhausted, a setup that fails) is a
 * failure, reported with the tunnel and session ids. See usage().
 *
 * Phases: setup -> "ready" (stderr) -> data/churn for --duration seconds
 * -> 500 ms drain -> report (text, or one JSON object with --json).
 * SIGUSR1: quiesce (no new churn; once nothing is outstanding and every
 * control message is acknowledged, write --sessions-file and print
 * "quiet sessions=K" on stderr); SIGUSR2: resume. SIGINT/SIGTERM: report
 * now.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ev.h>

#include "l2tp.h"
#include "log.h"

#define MAX_OUTSTANDING	256		/* setups in flight, all tunnels */
#define MAX_FAILURES	1000		/* kept for the report */
#define DRAIN_S		0.5
#define TICK_S		0.001

struct ptun;

struct psess {
	struct ptun		*pt;
	struct l2tp_session	*s;
	size_t			 idx;		/* in up[], when up */
	int			 up;
	double			 started;	/* setup start (mono s) */
	struct psess		*next_pending;
	uint16_t		 tid, sid;	/* ours, for the pending check */
};

struct ptun {
	struct l2tp_tunnel	*t;
	unsigned		 have;		/* sessions up */
	unsigned		 pending;	/* setups in flight */
	int			 up;
	int			 closing;	/* we cleared it */
};

struct failure {
	unsigned	tunnel, session;
	char		reason[96];
};

static struct {
	/* options */
	struct sockaddr_storage server, bind;
	socklen_t	server_len, bind_len;
	unsigned	tunnels, sessions, setup_rate, churn, hello, retries;
	unsigned	setup_timeout, rtx_min;
	unsigned	data_rate, frame_size;
	double		duration;
	const char	*secret, *hostname, *timeline, *sessions_file;
	int		json, redial;

	struct ev_loop	*loop;
	struct l2tp_ctx	*ctx;
	struct l2tp_group group;
	struct ptun	*pt;

	/* established sessions, for data and churn */
	struct psess	**up;
	size_t		 nup, upcap;
	struct psess	*pending;		/* setups in flight */
	unsigned	 outstanding;

	enum { PH_SETUP, PH_RUN, PH_DRAIN, PH_DONE } phase;
	int		 quiesce, quiet_reported;
	double		 t_start, t_ready, t_data, t_end;
	double		 setup_tokens, churn_tokens;
	double		 last_tick;

	/* counters */
	uint64_t	 setups, setups_started, teardowns, redials;
	uint64_t	 setups_at_ready;
	unsigned	 next_tunnel;		/* tunnels opened so far */
	unsigned	 opening;		/* tunnel setups in flight */
	uint64_t	 data_sent, data_rx, data_bad;
	double		 last_rx, longest_gap;
	uint64_t	 data_start_ns;
	uint32_t	*tl_rx, *tl_tx;
	size_t		 tl_len;

	struct failure	 fail[MAX_FAILURES];
	unsigned	 nfail, nfail_total;

	ev_timer	 tick, phase_timer;
	ev_signal	 sig_int, sig_term, sig_usr1, sig_usr2;
} P;

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
failure(unsigned tid, unsigned sid, const char *fmt, ...)
{
	struct failure *f;
	va_list ap;
	char buf[96];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "failure %.3f: tunnel %u session %u: %s\n",
	    mono() - P.t_start, tid, sid, buf);
	P.nfail_total++;
	if (P.nfail == MAX_FAILURES)
		return;
	f = &P.fail[P.nfail++];
	f->tunnel = tid;
	f->session = sid;
	snprintf(f->reason, sizeof(f->reason), "%s", buf);
}

/* ---- session bookkeeping ---- */

static void
up_add(struct psess *ps)
{
	if (P.nup == P.upcap) {
		size_t n = P.upcap ? P.upcap * 2 : 1024;
		struct psess **u = realloc(P.up, n * sizeof(*u));

		if (u == NULL) {
			fprintf(stderr, "l2tp-peer: out of memory\n");
			exit(1);
		}
		P.up = u;
		P.upcap = n;
	}
	ps->idx = P.nup;
	P.up[P.nup++] = ps;
	ps->up = 1;
}

static void
up_del(struct psess *ps)
{
	struct psess *last = P.up[--P.nup];

	P.up[ps->idx] = last;
	last->idx = ps->idx;
	ps->up = 0;
}

static void
pending_del(struct psess *ps)
{
	struct psess **pp;

	for (pp = &P.pending; *pp != NULL; pp = &(*pp)->next_pending)
		if (*pp == ps) {
			*pp = ps->next_pending;
			ps->pt->pending--;
			P.outstanding--;
			return;
		}
}

static int
start_session(struct ptun *pt)
{
	struct psess *ps;
	struct l2tp_session_info si;

	if ((ps = calloc(1, sizeof(*ps))) == NULL)
		return -1;
	if ((ps->s = l2tp_session_open(pt->t)) == NULL) {
		free(ps);
		failure(l2tp_tunnel_local_id(pt->t), 0, "cannot open a call: %s",
		    strerror(errno));
		return -1;
	}
	l2tp_session_get_info(ps->s, &si);
	ps->pt = pt;
	ps->tid = si.local_tid;
	ps->sid = si.local_sid;
	ps->started = mono();
	ps->next_pending = P.pending;
	P.pending = ps;
	l2tp_session_set_user(ps->s, ps);
	pt->pending++;
	P.outstanding++;
	P.setups_started++;
	return 0;
}

/* we tear a session down: it leaves our books now, no event follows */
static void
clear_session(struct psess *ps)
{
	struct l2tp_session *s = ps->s;

	if (ps->up) {
		up_del(ps);
		ps->pt->have--;
	} else
		pending_del(ps);
	l2tp_session_set_user(s, NULL);
	free(ps);
	P.teardowns++;
	(void)l2tp_session_clear(s, 0, 0, NULL);
}

/* setups that died before they came up report no event: look for them */
static void
check_pending(double now)
{
	struct psess **pp = &P.pending, *ps;

	while ((ps = *pp) != NULL) {
		struct l2tp_session *s = l2tp_session_find(P.ctx, ps->tid,
		    ps->sid);

		if (s == ps->s && now - ps->started < 60) {
			pp = &ps->next_pending;
			continue;
		}
		*pp = ps->next_pending;
		ps->pt->pending--;
		P.outstanding--;
		failure(ps->tid, ps->sid, s == ps->s ? "call setup timed out" :
		    "call refused or torn down during setup");
		if (s == ps->s) {
			l2tp_session_set_user(s, NULL);
			(void)l2tp_session_clear(s, 0, 0, NULL);
		}
		free(ps);
	}
}

/* ---- engine hooks ---- */

static void tunnel_open(struct ptun *);

/*
 * Tunnels are opened MAX_OUTSTANDING at a time, as a real LAC paces its
 * SCCRQs: 10,000 at once only measure the LNS's socket buffer.
 */
static void
open_tunnels(void)
{
	while (P.next_tunnel < P.tunnels && P.opening < MAX_OUTSTANDING)
		tunnel_open(&P.pt[P.next_tunnel++]);
}

static void
tunnel_open(struct ptun *pt)
{
	pt->up = 0;
	if ((pt->t = l2tp_tunnel_open(P.ctx, &P.group)) == NULL) {
		failure(0, 0, "cannot open a tunnel: %s", strerror(errno));
		return;
	}
	P.opening++;
	l2tp_tunnel_set_user(pt->t, pt);
}

static void
tunnel_event(void *arg, struct l2tp_tunnel *t, enum l2tp_event ev)
{
	struct ptun *pt = l2tp_tunnel_get_user(t);
	struct l2tp_tunnel_info ti;

	(void)arg;
	if (pt == NULL)
		return;
	if (ev == L2TP_EV_TUNNEL_UP) {
		pt->up = 1;
		P.opening--;
		open_tunnels();
		return;
	}
	if (ev != L2TP_EV_TUNNEL_DOWN)
		return;
	if (!pt->up)
		P.opening--;		/* its setup failed */
	l2tp_tunnel_get_info(t, &ti);
	l2tp_tunnel_set_user(t, NULL);
	if (!pt->closing)
		failure(ti.local_tid, 0, "tunnel %s (result %u error %u)",
		    pt->up ? "torn down" : "setup failed", ti.last_result,
		    ti.last_error);
	pt->t = NULL;
	pt->up = 0;
	open_tunnels();
	if (pt->closing)
		return;
	if (P.redial && P.phase <= PH_RUN) {
		P.redials++;
		tunnel_open(pt);
	}
}

static void
session_event(void *arg, struct l2tp_session *s, enum l2tp_event ev)
{
	struct psess *ps = l2tp_session_get_user(s);
	struct l2tp_session_info si;
	struct ptun *pt;

	(void)arg;
	if (ps == NULL)
		return;
	if (ev == L2TP_EV_SESSION_UP) {
		pending_del(ps);
		up_add(ps);
		ps->pt->have++;
		P.setups++;
		return;
	}
	if (ev != L2TP_EV_SESSION_DOWN)
		return;
	l2tp_session_get_info(s, &si);
	pt = ps->pt;
	if (ps->up) {
		up_del(ps);
		pt->have--;
	} else
		pending_del(ps);
	l2tp_session_set_user(s, NULL);
	free(ps);
	if (!pt->closing)
		failure(si.local_tid, si.local_sid, "call torn down by the peer "
		    "or the tunnel (result %u error %u)", si.last_result,
		    si.last_error);
}

static void
data_in(void *arg, struct l2tp_session *s, const uint8_t *buf, size_t len)
{
	uint64_t seq, ts;
	double now = mono();
	size_t ms;

	(void)arg;
	(void)s;
	if (len < 16 || P.phase < PH_RUN) {
		P.data_bad++;
		return;
	}
	memcpy(&seq, buf, 8);
	memcpy(&ts, buf + 8, 8);
	if (ts < P.data_start_ns || seq >= P.data_sent) {
		P.data_bad++;
		return;
	}
	P.data_rx++;
	if (P.last_rx > 0 && P.phase == PH_RUN && now - P.last_rx >
	    P.longest_gap)
		P.longest_gap = now - P.last_rx;
	P.last_rx = now;
	ms = (size_t)((now - P.t_data) * 1000);
	if (ms < P.tl_len)
		P.tl_rx[ms]++;
}

static const struct l2tp_host_ops ops = {
	.tunnel_event = tunnel_event,
	.session_event = session_event,
	.data = data_in,
};

/* ---- the clock: setups, churn, data, phases ---- */

static int
all_acked(void)
{
	unsigned i;
	struct l2tp_ctrl_state cs;

	for (i = 0; i < P.tunnels; i++) {
		if (P.pt[i].t == NULL)
			continue;
		l2tp_ctrl_export(P.pt[i].t, &cs);
		if (cs.unacked)
			return 0;
	}
	return 1;
}

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

static void
write_sessions(void)
{
	uint16_t (*v)[4];
	size_t i;
	FILE *f;
	char tmp[4200];

	if (P.sessions_file == NULL)
		return;
	if ((v = calloc(P.nup + 1, sizeof(*v))) == NULL)
		return;
	for (i = 0; i < P.nup; i++) {
		struct l2tp_session_info si;

		l2tp_session_get_info(P.up[i]->s, &si);
		v[i][0] = si.remote_tid;
		v[i][1] = si.remote_sid;
		v[i][2] = si.local_tid;
		v[i][3] = si.local_sid;
	}
	qsort(v, P.nup, sizeof(*v), cmp_line);
	snprintf(tmp, sizeof(tmp), "%s.tmp", P.sessions_file);
	if ((f = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "l2tp-peer: %s: %s\n", tmp, strerror(errno));
		free(v);
		return;
	}
	for (i = 0; i < P.nup; i++)
		fprintf(f, "%u %u %u %u\n", v[i][0], v[i][1], v[i][2],
		    v[i][3]);
	if (fclose(f) != 0 || rename(tmp, P.sessions_file) != 0)
		fprintf(stderr, "l2tp-peer: %s: %s\n", P.sessions_file,
		    strerror(errno));
	free(v);
}

static void
timeline_grow(size_t ms)
{
	size_t n = P.tl_len ? P.tl_len : 1024;
	uint32_t *rx, *tx;

	while (n <= ms)
		n *= 2;
	if ((rx = realloc(P.tl_rx, n * sizeof(*rx))) == NULL ||
	    (P.tl_rx = rx, (tx = realloc(P.tl_tx, n * sizeof(*tx))) == NULL)) {
		fprintf(stderr, "l2tp-peer: out of memory\n");
		exit(1);
	}
	P.tl_tx = tx;
	memset(rx + P.tl_len, 0, (n - P.tl_len) * sizeof(*rx));
	memset(tx + P.tl_len, 0, (n - P.tl_len) * sizeof(*tx));
	P.tl_len = n;
}

static void
send_data(double now)
{
	uint64_t due = (uint64_t)((now - P.t_data) * P.data_rate);
	uint8_t buf[65536];
	size_t ms = (size_t)((now - P.t_data) * 1000);
	static size_t rr;

	if (ms + 1 >= P.tl_len)
		timeline_grow(ms + 1);
	memset(buf, 0xa5, P.frame_size);
	while (P.data_sent < due) {
		uint64_t ts = mono_ns();

		if (P.nup == 0) {	/* nothing to carry it: lost */
			P.data_sent++;
			P.tl_tx[ms]++;
			continue;
		}
		memcpy(buf, &P.data_sent, 8);
		memcpy(buf + 8, &ts, 8);
		rr = (rr + 1) % P.nup;
		(void)l2tp_session_send(P.up[rr]->s, buf, P.frame_size);
		P.data_sent++;
		P.tl_tx[ms]++;
	}
}

static int
no_tunnel_left(void)
{
	unsigned i;

	if (P.next_tunnel < P.tunnels)
		return 0;
	for (i = 0; i < P.tunnels; i++)
		if (P.pt[i].t != NULL)
			return 0;
	return 1;
}

static void start_run(void);
static void finish(void);

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	double now = mono(), dt = now - P.last_tick;
	unsigned i;

	(void)loop;
	(void)w;
	(void)revents;
	P.last_tick = now;
	check_pending(now);
	if (P.phase >= PH_DRAIN)
		return;
	/* setups: fill every tunnel up to M sessions */
	P.setup_tokens += P.setup_rate ? dt * P.setup_rate : 1e9;
	if (P.setup_tokens > (P.setup_rate ? P.setup_rate : 1e9))
		P.setup_tokens = P.setup_rate ? P.setup_rate : 1e9;
	for (i = 0; i < P.tunnels && !P.quiesce &&
	    P.outstanding < MAX_OUTSTANDING && P.setup_tokens >= 1; i++) {
		struct ptun *pt = &P.pt[(i + (unsigned)(now * 1000)) %
		    P.tunnels];

		while (pt->t != NULL && pt->up && pt->have + pt->pending <
		    P.sessions && P.outstanding < MAX_OUTSTANDING &&
		    P.setup_tokens >= 1) {
			if (start_session(pt) == -1)
				break;
			P.setup_tokens--;
		}
	}
	if (P.phase == PH_SETUP && (now - P.t_start > P.setup_timeout ||
	    (!P.redial && no_tunnel_left()))) {
		if (now - P.t_start > P.setup_timeout)
			failure(0, 0, "setup incomplete after %u s: %zu of %u "
			    "sessions up", P.setup_timeout, P.nup,
			    P.tunnels * P.sessions);
		P.t_ready = P.t_end = P.t_data = now;
		P.phase = PH_DONE;
		finish();
		return;
	}
	if (P.phase == PH_SETUP) {
		if (P.setups >= (uint64_t)P.tunnels * P.sessions &&
		    P.nup == (size_t)P.tunnels * P.sessions)
			start_run();
		return;
	}
	/* churn: tear a random session down; the filler replaces it */
	if (P.churn && !P.quiesce) {
		P.churn_tokens += dt * P.churn;
		while (P.churn_tokens >= 1 && P.nup > 0) {
			clear_session(P.up[(size_t)random() % P.nup]);
			P.churn_tokens--;
		}
	}
	if (P.data_rate)
		send_data(now);
	if (P.quiesce && !P.quiet_reported && P.outstanding == 0 &&
	    all_acked()) {
		write_sessions();
		fprintf(stderr, "quiet sessions=%zu\n", P.nup);
		P.quiet_reported = 1;
	}
}

static void
phase_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)w;
	(void)revents;
	if (P.phase == PH_RUN) {
		P.phase = PH_DRAIN;
		P.t_end = mono();
		ev_timer_set(&P.phase_timer, DRAIN_S, 0);
		ev_timer_start(loop, &P.phase_timer);
		return;
	}
	finish();
}

static void
start_run(void)
{
	P.phase = PH_RUN;
	P.setups_at_ready = P.setups;
	P.t_ready = P.t_data = mono();
	P.data_start_ns = mono_ns();
	P.last_tick = P.t_data;
	fprintf(stderr, "ready tunnels=%u sessions=%zu setup_ms=%.0f\n",
	    P.tunnels, P.nup, (P.t_ready - P.t_start) * 1000);
	timeline_grow((size_t)(P.duration * 1000) + 1000);
	if (P.duration > 0) {
		ev_timer_init(&P.phase_timer, phase_cb, P.duration, 0);
		ev_timer_start(P.loop, &P.phase_timer);
	}
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)revents;
	if (w->signum == SIGUSR1) {
		P.quiesce = 1;
		P.quiet_reported = 0;
		return;
	}
	if (w->signum == SIGUSR2) {
		P.quiesce = 0;
		return;
	}
	/* SIGINT/SIGTERM: drain now, then report */
	if (P.phase <= PH_RUN) {
		if (P.phase == PH_SETUP)
			P.t_ready = mono();
		P.phase = PH_DRAIN;
		P.t_end = mono();
		ev_timer_stop(loop, &P.phase_timer);
		ev_timer_init(&P.phase_timer, phase_cb, DRAIN_S, 0);
		ev_timer_start(loop, &P.phase_timer);
	} else
		finish();
}

/* ---- report ---- */

static void
json_str(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			putc(*s, f);
	}
	putc('"', f);
}

static void
write_timeline(void)
{
	FILE *f;
	size_t i, n;

	if (P.timeline == NULL || P.tl_len == 0)
		return;
	if ((f = fopen(P.timeline, "w")) == NULL) {
		fprintf(stderr, "l2tp-peer: %s: %s\n", P.timeline,
		    strerror(errno));
		return;
	}
	n = (size_t)((mono() - P.t_data) * 1000) + 1;
	for (i = 0; i < n && i < P.tl_len; i++)
		fprintf(f, "%zu %u %u\n", i, P.tl_rx[i], P.tl_tx[i]);
	fclose(f);
}

static void
finish(void)
{
	const struct l2tp_stats *st = l2tp_ctx_stats(P.ctx);
	unsigned i, tup = 0;
	int first;
	double setup_s = P.t_ready - P.t_start, run_s = P.t_end - P.t_data;
	uint64_t lost = P.data_sent > P.data_rx ? P.data_sent - P.data_rx : 0;
	FILE *o = stdout;

	P.phase = PH_DONE;
	for (i = 0; i < P.tunnels; i++)
		tup += P.pt[i].t != NULL && P.pt[i].up;
	write_sessions();
	write_timeline();
	if (P.json) {
		fprintf(o, "{\"tunnels_up\":%u,\"sessions_up\":%zu,"
		    "\"setups\":%" PRIu64 ",\"setups_per_sec\":%.1f,"
		    "\"setup_ms\":%.0f,\"teardowns\":%" PRIu64 ","
		    "\"redials\":%" PRIu64 ",\"ctrl_sent\":%" PRIu64 ","
		    "\"ctrl_retransmits\":%" PRIu64 ",\"data_sent\":%" PRIu64
		    ",\"data_received\":%" PRIu64 ",\"data_lost\":%" PRIu64
		    ",\"data_bad\":%" PRIu64 ",\"longest_gap_ms\":%.1f,"
		    "\"offered_rate\":%u,\"frame_size\":%u,"
		    "\"data_start_mono_ns\":%" PRIu64 ",\"duration_s\":%.3f,"
		    "\"drops\":{", tup, P.nup, P.setups,
		    setup_s > 0 ? (double)P.setups_at_ready / setup_s : 0,
		    setup_s * 1000, P.teardowns, P.redials, st->tx_ctrl,
		    st->retransmits, P.data_sent, P.data_rx, lost, P.data_bad,
		    P.longest_gap * 1000, P.data_rate, P.frame_size,
		    P.data_start_ns, run_s > 0 ? run_s : 0);
		for (i = 0, first = 1; i < L2TP_DROP_MAX; i++)
			if (st->drops[i]) {
				fprintf(o, "%s\"%s\":%" PRIu64, first ? "" :
				    ",", l2tp_drop_names[i], st->drops[i]);
				first = 0;
			}
		fprintf(o, "},\"failures_total\":%u,\"failures\":[",
		    P.nfail_total);
		for (i = 0; i < P.nfail; i++) {
			fprintf(o, "%s{\"tunnel\":%u,\"session\":%u,\"reason\":",
			    i ? "," : "", P.fail[i].tunnel, P.fail[i].session);
			json_str(o, P.fail[i].reason);
			putc('}', o);
		}
		fprintf(o, "]}\n");
	} else {
		fprintf(o, "tunnels up        %u of %u\n", tup, P.tunnels);
		fprintf(o, "sessions up       %zu of %u\n", P.nup,
		    P.tunnels * P.sessions);
		fprintf(o, "setups            %" PRIu64 " in %.0f ms (%.0f/s), "
		    "%" PRIu64 " in all\n", P.setups_at_ready, setup_s * 1000,
		    setup_s > 0 ? (double)P.setups_at_ready / setup_s : 0,
		    P.setups);
		fprintf(o, "teardowns         %" PRIu64 "\n", P.teardowns);
		fprintf(o, "control messages  %" PRIu64 " sent, %" PRIu64
		    " retransmitted\n", st->tx_ctrl, st->retransmits);
		fprintf(o, "data frames       %" PRIu64 " sent, %" PRIu64
		    " received, %" PRIu64 " lost, longest gap %.1f ms\n",
		    P.data_sent, P.data_rx, lost, P.longest_gap * 1000);
		fprintf(o, "failures          %u\n", P.nfail_total);
		for (i = 0; i < P.nfail; i++)
			fprintf(o, "  tunnel %u session %u: %s\n",
			    P.fail[i].tunnel, P.fail[i].session,
			    P.fail[i].reason);
	}
	fflush(o);
	/* leave politely: StopCCN on every tunnel, expected */
	for (i = 0; i < P.tunnels; i++)
		if (P.pt[i].t != NULL) {
			P.pt[i].closing = 1;
			(void)l2tp_tunnel_clear(P.pt[i].t, 1, 0, NULL);
		}
	ev_break(P.loop, EVBREAK_ALL);
}

/* ---- options ---- */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: l2tp-peer --server ADDR[:PORT] --tunnels N --sessions M [options]\n"
"  --server ADDR[:PORT]  the LNS (port 1701 by default)\n"
"  --tunnels N           tunnels to open (1-65535)\n"
"  --sessions M          incoming calls per tunnel (1-65535)\n"
"  --setup-rate R        call setups per second, all tunnels (0: as fast\n"
"                        as %d setups in flight allow)\n"
"  --churn R             after setup, tear down R calls per second and set\n"
"                        up a replacement for each\n"
"  --hello S             Hello interval, seconds (default 60)\n"
"  --retries N           control retransmissions before giving up (def 5)\n"
"  --rtx-min MS          first retransmission timeout (default 1000)\n"
"  --setup-timeout S     give up (a failure) if setup is not complete\n"
"                        after S seconds (default 600)\n"
"  --data-rate PPS       data frames per second over all sessions\n"
"  --frame-size B        data payload bytes (16-65000, default 64)\n"
"  --duration S          seconds of data/churn after setup (default 10;\n"
"                        0: until SIGINT/SIGTERM)\n"
"  --secret S            tunnel secret (tunnel authentication)\n"
"  --hostname NAME       our Host Name AVP (default l2tp-peer)\n"
"  --bind ADDR[:PORT]    local address (default 0.0.0.0, any port)\n"
"  --redial              reopen a tunnel the LNS lost (still a failure)\n"
"  --json                one JSON object instead of the text report\n"
"  --timeline FILE       per ms of the data phase: ms received sent\n"
"  --sessions-file FILE  established sessions at quiesce and exit:\n"
"                        lns_tid lns_sid our_tid our_sid, sorted\n"
"Signals: SIGUSR1 quiesce (stderr \"quiet sessions=K\"), SIGUSR2 resume,\n"
"SIGINT/SIGTERM report now. Exit: 0 no failure, 1 failures, 2 usage.\n",
	    MAX_OUTSTANDING);
}

static void
bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "l2tp-peer: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	usage(stderr);
	exit(2);
}

static unsigned
num(const char *opt, const char *s, unsigned lo, unsigned hi)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		char msg[128];

		snprintf(msg, sizeof(msg), "--%s %%s: expected %u-%u", opt, lo,
		    hi);
		bad(msg, s);
	}
	return (unsigned)v;
}

static double
seconds(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *s == '\0' || *end != '\0' || !(v >= 0 && v <= 86400)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "--%s %%s: expected seconds, "
		    "0-86400", opt);
		bad(msg, s);
	}
	return v;
}

static void
addr(const char *opt, const char *s, struct sockaddr_storage *ss,
    socklen_t *len, unsigned defport)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : strlen(s);
	unsigned port = defport;

	if (hl == 0 || hl >= sizeof(host))
		bad("bad address %s", s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (colon)
		port = num(opt, colon + 1, defport ? 1 : 0, 65535);
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		bad("not an IPv4 address: %s", s);
	*len = sizeof(*sin);
}

static void
parse(int argc, char **argv)
{
	static const struct option lo[] = {
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
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	P.hello = 60;
	P.retries = 5;
	P.setup_timeout = 600;
	P.rtx_min = 1000;
	P.frame_size = 64;
	P.duration = 10;
	P.hostname = "l2tp-peer";
	addr("bind", "0.0.0.0:0", &P.bind, &P.bind_len, 0);
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's': addr("server", optarg, &P.server, &P.server_len,
		    1701); break;
		case 't': P.tunnels = num("tunnels", optarg, 1, 65535); break;
		case 'm': P.sessions = num("sessions", optarg, 1, 65535); break;
		case 'r': P.setup_rate = num("setup-rate", optarg, 0, 1000000);
			break;
		case 'c': P.churn = num("churn", optarg, 0, 1000000); break;
		case 'H': P.hello = num("hello", optarg, 0, 3600); break;
		case 'R': P.retries = num("retries", optarg, 1, 100); break;
		case 'M': P.rtx_min = num("rtx-min", optarg, 50, 60000); break;
		case 'U': P.setup_timeout = num("setup-timeout", optarg, 1,
		    86400); break;
		case 'd': P.data_rate = num("data-rate", optarg, 0, 10000000);
			break;
		case 'f': P.frame_size = num("frame-size", optarg, 16, 65000);
			break;
		case 'D': P.duration = seconds("duration", optarg); break;
		case 'S': P.secret = optarg; break;
		case 'n': P.hostname = optarg; break;
		case 'b': addr("bind", optarg, &P.bind, &P.bind_len, 0); break;
		case 'x': P.redial = 1; break;
		case 'j': P.json = 1; break;
		case 'T': P.timeline = optarg; break;
		case 'F': P.sessions_file = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc)
		bad("unexpected argument %s", argv[optind]);
	if (P.server_len == 0)
		bad("%s", "--server is required");
	if (P.tunnels == 0 || P.sessions == 0)
		bad("%s", "--tunnels and --sessions are required");
	if (P.secret && strlen(P.secret) >= L2TP_SECRET_MAX)
		bad("%s", "--secret too long");
	if (strlen(P.hostname) >= L2TP_NAME_MAX)
		bad("%s", "--hostname too long");
}

int
main(int argc, char **argv)
{
	int sz = 8 << 20;
	int fd;

	parse(argc, argv);
	signal(SIGPIPE, SIG_IGN);
	/* the engine's warnings (timeouts, drops) on stderr, no state log */
	sso_log_init("l2tp-peer", 1);
	sso_log_set_level(SSO_WARNING);
	srandom((unsigned)mono_ns());
	P.loop = ev_default_loop(EVFLAG_AUTO);
	if ((P.ctx = l2tp_ctx_create(P.loop, &ops, NULL)) == NULL) {
		fprintf(stderr, "l2tp-peer: cannot create the L2TP context\n");
		return 1;
	}
	if ((fd = l2tp_ctx_listen(P.ctx, (struct sockaddr *)&P.bind,
	    P.bind_len)) == -1) {
		fprintf(stderr, "l2tp-peer: bind: %s\n", strerror(errno));
		return 1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	l2tp_group_defaults(&P.group);
	snprintf(P.group.name, sizeof(P.group.name), "peer");
	P.group.request_dialin = 1;
	snprintf(P.group.local_name, sizeof(P.group.local_name), "%s",
	    P.hostname);
	memcpy(&P.group.initiate_to, &P.server, sizeof(P.server));
	P.group.initiate_to_len = P.server_len;
	if (P.secret)
		snprintf(P.group.password, sizeof(P.group.password), "%s",
		    P.secret);
	P.group.hello_interval = P.hello;
	P.group.retries = P.retries;
	P.group.rtx_min_ms = P.rtx_min;
	if (P.group.rtx_max_ms < P.rtx_min)
		P.group.rtx_max_ms = P.rtx_min;
	P.group.rx_window = 16;
	l2tp_ctx_set_ack_delay(P.ctx, 5);
	if ((P.pt = calloc(P.tunnels, sizeof(*P.pt))) == NULL)
		return 1;
	P.t_start = P.last_tick = mono();
	open_tunnels();
	ev_timer_init(&P.tick, tick_cb, TICK_S, TICK_S);
	ev_timer_start(P.loop, &P.tick);
	ev_signal_init(&P.sig_int, signal_cb, SIGINT);
	ev_signal_init(&P.sig_term, signal_cb, SIGTERM);
	ev_signal_init(&P.sig_usr1, signal_cb, SIGUSR1);
	ev_signal_init(&P.sig_usr2, signal_cb, SIGUSR2);
	ev_signal_start(P.loop, &P.sig_int);
	ev_signal_start(P.loop, &P.sig_term);
	ev_signal_start(P.loop, &P.sig_usr1);
	ev_signal_start(P.loop, &P.sig_usr2);
	ev_run(P.loop, 0);
	/* let the StopCCNs go out (their acks are not waited for) */
	ev_run(P.loop, EVRUN_NOWAIT);
	return P.nfail_total ? 1 : 0;
}
