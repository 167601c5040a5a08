/*
 * metrics.c - the Prometheus endpoint: `metrics listen ADDRESS PORT`, the
 * collector registry, the text-format writer and the core's collector
 * (RF, CF, channel, checkpoint clients).
 *
 * HTTP is libmicrohttpd's, run without a thread of its own: its epoll fd
 * is watched by an ev_io and its timeout by an ev_timer, and MHD_run() is
 * called from those callbacks, so every request is answered on the loop
 * thread from the same state the show commands read. Connections are
 * bounded (a scraper needs one; a flood cannot hold the loop), idle ones
 * time out, and only GET (or HEAD) /metrics is served.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "sso_local.h"
#include "metrics.h"

#define MX_CONN_LIMIT		16	/* concurrent connections */
#define MX_CONN_TIMEOUT		10	/* s without progress: closed */
#define MX_MAX_COLLECTORS	16
#define MX_CONTENT_TYPE		"text/plain; version=0.0.4; charset=utf-8"


/* `metrics listen ADDR PORT [unit N]`: slot 0/1 per unit, 2 for both */
#define MX_BOTH		2
struct mx_listen {
	int		 on;
	int		 conf_line;
	char		 addr_text[64];
	unsigned	 port;
	struct sockaddr_storage sa;
	socklen_t	 salen;
};

static struct {
	struct mx_listen conf[3];
	const struct mx_listen *l;	/* the one this unit serves */
	/* run time */
	struct MHD_Daemon *d;
	ev_io		 io;
	ev_timer	 timer;
	uint64_t	 scrapes, not_found, bad_method;
	struct {
		const struct sso_metrics_ops *ops;
		void	*arg;
	}		 coll[MX_MAX_COLLECTORS];
	unsigned	 ncoll;
	struct sso_ratelimit rl;
} mx;

/* ---- writer ---- */

static int
valid_name(const char *s, int colon)
{
	const char *p;

	if (s == NULL || *s == '\0' || (*s >= '0' && *s <= '9'))
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' ||
		    (colon && *p == ':')))
			return 0;
	return 1;
}

/* exposition format: label values escape \ " and newline, HELP \ and nl */
static void
put_escaped(struct sso_wbuf *b, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			sso_wbuf_put(b, "\\\\", 2);
		else if (*s == '\n')
			sso_wbuf_put(b, "\\n", 2);
		else if (quote && *s == '"')
			sso_wbuf_put(b, "\\\"", 2);
		else
			sso_wbuf_put(b, s, 1);
	}
}

void
sso_mw_init(struct sso_mw *w, struct sso_wbuf *b, const char *lname,
    const char *lvalue)
{
	struct sso_wbuf tmp;

	memset(w, 0, sizeof(*w));
	w->b = b;
	if (lname == NULL || !valid_name(lname, 0) || lvalue == NULL)
		return;
	sso_wbuf_init(&tmp, sizeof(w->cl) - 1);
	sso_wbuf_printf(&tmp, "%s=\"", lname);
	put_escaped(&tmp, lvalue, 1);
	sso_wbuf_put(&tmp, "\"", 1);
	if (!tmp.err)
		snprintf(w->cl, sizeof(w->cl), "%s", sso_wbuf_str(&tmp));
	sso_wbuf_free(&tmp);
}

void
sso_mw_free(struct sso_mw *w)
{
	size_t i;

	for (i = 0; i < w->nseen; i++)
		free(w->seen[i]);
	free(w->seen);
	w->seen = NULL;
	w->nseen = w->capseen = 0;
}

unsigned
sso_mw_errors(const struct sso_mw *w)
{
	return w->errors;
}

static int
seen_add(struct sso_mw *w, const char *name)
{
	size_t i;
	char **n;

	for (i = 0; i < w->nseen; i++)
		if (strcmp(w->seen[i], name) == 0)
			return -1;
	if (w->nseen == w->capseen) {
		size_t cap = w->capseen ? w->capseen * 2 : 64;

		if ((n = realloc(w->seen, cap * sizeof(*n))) == NULL)
			return -1;
		w->seen = n;
		w->capseen = cap;
	}
	if ((w->seen[w->nseen] = strdup(name)) == NULL)
		return -1;
	w->nseen++;
	return 0;
}

static int
family_err(struct sso_mw *w)
{
	w->errors++;
	w->cur[0] = '\0';
	w->cur_ok = 0;
	return -1;
}

int
sso_mw_family(struct sso_mw *w, const char *name, enum sso_metric_type t,
    const char *help)
{
	size_t n = name ? strlen(name) : 0;

	if (!valid_name(name, 1) || n >= sizeof(w->cur))
		return family_err(w);
	/* 0.0.4: a counter's samples carry the family name, *_total */
	if (t == SSO_METRIC_COUNTER && (n < 7 ||
	    strcmp(name + n - 6, "_total") != 0))
		return family_err(w);
	if (seen_add(w, name) == -1)
		return family_err(w);
	snprintf(w->cur, sizeof(w->cur), "%s", name);
	w->cur_ok = 1;
	sso_wbuf_printf(w->b, "# HELP %s ", name);
	put_escaped(w->b, help ? help : "", 0);
	sso_wbuf_printf(w->b, "\n# TYPE %s %s\n", name,
	    t == SSO_METRIC_COUNTER ? "counter" : "gauge");
	return 0;
}

int
sso_mw_sample(struct sso_mw *w, uint64_t v, ...)
{
	const char *k, *val;
	size_t mark = w->b->len;
	int nlab = 0;
	va_list ap;

	if (!w->cur_ok) {
		w->errors++;
		return -1;
	}
	sso_wbuf_printf(w->b, "%s", w->cur);
	if (w->cl[0]) {
		sso_wbuf_printf(w->b, "{%s", w->cl);
		nlab++;
	}
	va_start(ap, v);
	while ((k = va_arg(ap, const char *)) != NULL) {
		val = va_arg(ap, const char *);
		if (!valid_name(k, 0) || val == NULL) {
			va_end(ap);
			w->b->len = mark;	/* the line is not written */
			w->errors++;
			return -1;
		}
		sso_wbuf_printf(w->b, "%s%s=\"", nlab++ ? "," : "{", k);
		put_escaped(w->b, val, 1);
		sso_wbuf_put(w->b, "\"", 1);
	}
	va_end(ap);
	sso_wbuf_printf(w->b, "%s %llu\n", nlab ? "}" : "",
	    (unsigned long long)v);
	return 0;
}

int
sso_mw_gauge(struct sso_mw *w, const char *name, const char *help,
    uint64_t v)
{
	if (sso_mw_family(w, name, SSO_METRIC_GAUGE, help) == -1)
		return -1;
	return sso_mw_sample(w, v, NULL);
}

int
sso_mw_counter(struct sso_mw *w, const char *name, const char *help,
    uint64_t v)
{
	if (sso_mw_family(w, name, SSO_METRIC_COUNTER, help) == -1)
		return -1;
	return sso_mw_sample(w, v, NULL);
}

/* ---- registry ---- */

int
sso_metrics_register(const struct sso_metrics_ops *ops, void *arg)
{
	if (mx.ncoll == MX_MAX_COLLECTORS)
		return -1;
	mx.coll[mx.ncoll].ops = ops;
	mx.coll[mx.ncoll].arg = arg;
	mx.ncoll++;
	return 0;
}

void
sso_metrics_render(struct sso_wbuf *b)
{
	struct sso_mw w;
	char unit[8];
	unsigned i;

	snprintf(unit, sizeof(unit), "%u", sso.conf.unit);
	sso_mw_init(&w, b, "unit", unit);
	for (i = 0; i < mx.ncoll; i++)
		mx.coll[i].ops->collect(mx.coll[i].arg, &w);
	/* a collector's mistake is ours to see, not the scraper's */
	if (w.errors)
		sso_log_rl(&mx.rl, SSO_WARNING, "METRICS", "WRITER", "%u "
		    "samples dropped by the writer (bad or repeated family)",
		    w.errors);
	sso_mw_free(&w);
}

/* ---- the core's collector ---- */

static void
rf_state_family(struct sso_mw *w, const char *name, const char *help,
    enum sso_rf_state s)
{
	sso_mw_family(w, name, SSO_METRIC_GAUGE, help);
	sso_mw_sample(w, (uint64_t)s, "state", sso_rf_state_name(s), NULL);
}

static void
collect_rf(struct sso_mw *w)
{
	const struct sso_rf *rf = &sso.rf;
	int comm_up = rf->peer_up && !rf->comm_interrupted &&
	    sso_cf_session_up();

	rf_state_family(w, "ssod_rf_state", "RF state of this unit "
	    "(IOS numbering: 13 ACTIVE, 8 STANDBY HOT)", rf->state);
	rf_state_family(w, "ssod_rf_peer_state", "RF state of the peer unit "
	    "as last heard (1 DISABLED when the peer is down)", rf->peer_up ?
	    rf->peer_state : SSO_RF_DISABLED);
	sso_mw_gauge(w, "ssod_rf_peer_up", "1 while the peer unit's "
	    "keepalives arrive", (uint64_t)(rf->peer_up != 0));
	sso_mw_gauge(w, "ssod_rf_communications_up", "1 when keepalives and "
	    "the checkpoint session are both up", (uint64_t)comm_up);
	sso_mw_gauge(w, "ssod_rf_epoch", "switchover epoch carried in every "
	    "frame", rf->epoch);
	sso_mw_gauge(w, "ssod_rf_quiesced", "1 during a manual switchover",
	    (uint64_t)(rf->quiesced != 0));
	sso_mw_gauge(w, "ssod_rf_state_seconds", "seconds in the current RF "
	    "state", (sso_now_ms() - rf->state_since_ms) / 1000);
	sso_mw_gauge(w, "ssod_uptime_seconds", "seconds since this process "
	    "started", (sso_now_ms() - rf->boot_ms) / 1000);
	sso_mw_counter(w, "ssod_rf_switchovers_total", "switchovers this unit "
	    "took part in", rf->switchovers);
	sso_mw_counter(w, "ssod_rf_standby_not_ready_total", "times this unit "
	    "became active from a standby state that was not HOT",
	    rf->standby_not_ready);
	sso_mw_counter(w, "ssod_rf_keepalives_sent_total", "RF keepalives "
	    "sent", rf->ka_tx);
	sso_mw_counter(w, "ssod_rf_keepalives_received_total", "RF keepalives "
	    "received", rf->ka_rx);
	sso_mw_counter(w, "ssod_rf_keepalive_timeouts_total", "keepalive "
	    "intervals that passed without one from the peer", rf->ka_missed);
	sso_mw_counter(w, "ssod_rf_peer_down_total", "times the peer unit was "
	    "declared down", rf->peer_downs);
	sso_mw_counter(w, "ssod_rf_dual_active_total", "dual-active "
	    "situations resolved", rf->dual_active);
	sso_mw_counter(w, "ssod_rf_stale_epoch_dropped_total", "frames of an "
	    "older epoch dropped (fencing)", rf->stale_epoch);
	sso_mw_counter(w, "ssod_rf_comm_interruptions_total", "keepalive "
	    "losses while the witness still heard the peer",
	    rf->comm_interruptions);
}

static void
collect_cf(struct sso_mw *w)
{
	struct sso_cf_stats s;
	int i;

	sso_cf_get_stats(&s);
	const struct { const char *name, *help; uint64_t v; } g[] = {
		{ "ssod_cf_session_up", "1 while the checkpoint session with "
		    "the peer is established", (uint64_t)(s.session_up != 0) },
		{ "ssod_cf_last_seq", "sequence number of the last record "
		    "queued (active)", s.last_seq },
		{ "ssod_cf_acked_seq", "highest sequence number the standby "
		    "acknowledged as applied (active)", s.acked },
		{ "ssod_cf_applied_seq", "highest sequence number applied "
		    "(standby)", s.applied },
		{ "ssod_cf_backlog_depth", "records queued and not yet "
		    "acknowledged", s.last_seq - s.acked },
		{ "ssod_cf_backlog_records", "records in the retransmit buffer "
		    "(unacknowledged, kept for partial resync)",
		    s.backlog_records },
		{ "ssod_cf_backlog_bytes", "bytes in the retransmit buffer",
		    s.backlog_bytes },
		{ "ssod_cf_backlog_limit_records", "configured checkpoint "
		    "backlog", sso.conf.backlog },
	};
	const struct { const char *name, *help; uint64_t v; } c[] = {
		{ "ssod_cf_records_sent_total", "checkpoint records sent",
		    s.records_tx },
		{ "ssod_cf_records_received_total", "checkpoint records "
		    "received", s.records_rx },
		{ "ssod_cf_acks_sent_total", "applied acks sent (standby)",
		    s.acks_tx },
		{ "ssod_cf_acks_received_total", "applied acks received "
		    "(active)", s.acks_rx },
		{ "ssod_cf_initial_bulks_total", "bulk syncs of a new standby",
		    s.initial_bulks },
		{ "ssod_cf_partial_resyncs_total", "reconnects healed by "
		    "resending the gap from the backlog", s.partial_resyncs },
		{ "ssod_cf_full_resyncs_total", "reconnects that needed a full "
		    "re-bulk", s.full_resyncs },
		{ "ssod_cf_retransmits_total", "unacknowledged records resent",
		    s.retransmits },
		{ "ssod_cf_duplicate_records_total", "duplicate records "
		    "ignored (standby)", s.dup_records },
		{ "ssod_cf_sequence_gaps_total", "sequence gaps detected "
		    "(standby)", s.gaps },
		{ "ssod_cf_backlog_overflows_total", "times the backlog "
		    "overflowed", s.overflows },
		{ "ssod_cf_sync_timeouts_total", "SYNC sends whose deadline "
		    "passed", s.sync_timeouts },
		{ "ssod_cf_flow_control_refusals_total", "sends refused with "
		    "EAGAIN (retransmit buffer full)", s.eagain },
		{ "ssod_cf_session_rehandshakes_total", "checkpoint session "
		    "handshakes repeated", s.rehellos },
	};

	for (i = 0; i < (int)(sizeof(g) / sizeof(g[0])); i++)
		sso_mw_gauge(w, g[i].name, g[i].help, g[i].v);
	for (i = 0; i < (int)(sizeof(c) / sizeof(c[0])); i++)
		sso_mw_counter(w, c[i].name, c[i].help, c[i].v);
	sso_mw_family(w, "ssod_chan_bad_frames_total", SSO_METRIC_COUNTER,
	    "inter-RP frames dropped, by reason");
	for (i = 0; i < SSO_BAD_MAX; i++)
		sso_mw_sample(w, sso.chan.bad[i], "reason", sso_bad_names[i],
		    NULL);
}

/* per checkpoint client: one family each, a sample per client */
static void
collect_clients(struct sso_mw *w)
{
	const struct sso_client *c;
	struct sso_cf_client_stats s;
	size_t i;
	static const struct {
		const char	*name, *help;
		enum sso_metric_type t;
		size_t		 off;
	} f[] = {
#define CS(m)	offsetof(struct sso_cf_client_stats, m)
		{ "ssod_cf_client_msgs_sent_total", "checkpoint messages sent "
		    "by the client", SSO_METRIC_COUNTER, CS(tx_msgs) },
		{ "ssod_cf_client_bytes_sent_total", "checkpoint bytes sent by "
		    "the client", SSO_METRIC_COUNTER, CS(tx_bytes) },
		{ "ssod_cf_client_msgs_received_total", "checkpoint messages "
		    "applied for the client", SSO_METRIC_COUNTER, CS(rx_msgs) },
		{ "ssod_cf_client_bytes_received_total", "checkpoint bytes "
		    "applied for the client", SSO_METRIC_COUNTER, CS(rx_bytes) },
		{ "ssod_cf_client_errors_total", "records the client failed to "
		    "apply", SSO_METRIC_COUNTER, CS(errors) },
		{ "ssod_cf_client_bulks_total", "bulk syncs of the client",
		    SSO_METRIC_COUNTER, CS(bulks) },
		{ "ssod_cf_client_pending", "SYNC sends waiting for the "
		    "standby", SSO_METRIC_GAUGE, CS(pending) },
#undef CS
	};

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		sso_mw_family(w, f[i].name, f[i].t, f[i].help);
		for (c = sso_cf_client_next(NULL); c;
		    c = sso_cf_client_next(c)) {
			sso_cf_client_get_stats(c, &s);
			sso_mw_sample(w, *(const uint64_t *)(const void *)
			    ((const char *)&s + f[i].off), "client", s.name,
			    NULL);
		}
	}
	sso_mw_family(w, "ssod_cf_client_version", SSO_METRIC_GAUGE,
	    "negotiated message version (0: none yet)");
	for (c = sso_cf_client_next(NULL); c; c = sso_cf_client_next(c)) {
		sso_cf_client_get_stats(c, &s);
		sso_mw_sample(w, s.version, "client", s.name, NULL);
	}
}

static void
collect_core(void *arg, struct sso_mw *w)
{
	sso_mw_family(w, "ssod_build_info", SSO_METRIC_GAUGE, "build of this "
	    "ssod (always 1)");
	sso_mw_sample(w, 1, "version", sso_version_string(), "commit",
	    sso_version_commit(), "compiler", sso_version_compiler(), NULL);
	collect_rf(w);
	collect_cf(w);
	collect_clients(w);
	sso_mw_counter(w, "ssod_metrics_scrapes_total", "scrapes of this "
	    "endpoint answered", mx.scrapes);
	sso_mw_counter(w, "ssod_metrics_not_found_total", "requests for "
	    "another path or method refused", mx.not_found + mx.bad_method);
}

static const struct sso_metrics_ops core_ops = {
	.name = "core",
	.collect = collect_core,
};

/* ---- HTTP ---- */

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned code, const char *type,
    const void *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
handler(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **con_cls)
{
	static const char nf[] = "404 not found: the metrics are at "
	    "/metrics\n";
	static const char na[] = "405 method not allowed: GET /metrics\n";
	struct sso_wbuf b;
	enum MHD_Result rc;

	if (strcmp(url, "/metrics") != 0) {
		mx.not_found++;
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", nf,
		    sizeof(nf) - 1);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		mx.bad_method++;
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", na,
		    sizeof(na) - 1);
	}
	mx.scrapes++;
	sso_wbuf_init(&b, 0);
	sso_metrics_render(&b);
	rc = b.err ? MHD_NO : reply(c, MHD_HTTP_OK, MX_CONTENT_TYPE, b.buf,
	    b.len);
	sso_wbuf_free(&b);
	return rc;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	sso_log_rl(&mx.rl, SSO_WARNING, "METRICS", "HTTP", "%s", msg);
}

/* after every MHD_run: when MHD wants to run again without I/O */
static void
rearm(void)
{
	MHD_UNSIGNED_LONG_LONG ms;

	ev_timer_stop(sso.loop, &mx.timer);
	if (MHD_get_timeout(mx.d, &ms) == MHD_YES) {
		ev_timer_set(&mx.timer, (double)ms / 1000.0, 0.);
		ev_timer_start(sso.loop, &mx.timer);
	}
}

static void
run_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	MHD_run(mx.d);
	rearm();
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	MHD_run(mx.d);
	rearm();
}

int
sso_metrics_start(void)
{
	const union MHD_DaemonInfo *di;
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	const struct mx_listen *l;

	if (mx.d != NULL)
		return 0;
	l = mx.conf[sso.conf.unit & 1].on ? &mx.conf[sso.conf.unit & 1] :
	    &mx.conf[MX_BOTH];
	if (!l->on)
		return 0;		/* off by default */
	mx.l = l;
	if (l->sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* the logger first, so that MHD reports nothing on its own stderr */
	mx.d = MHD_start_daemon(flags, (uint16_t)l->port, NULL, NULL,
	    handler, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&l->sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)MX_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)MX_CONN_TIMEOUT,
	    MHD_OPTION_END);
	if (mx.d == NULL) {
		/* observability must not cost availability: a unit whose
		 * metrics port is taken still serves, and says so */
		sso_log(SSO_ERR, "METRICS", "LISTEN", "cannot serve metrics on "
		    "%s port %u: %s; running without metrics", l->addr_text,
		    l->port, strerror(errno));
		return 0;
	}
	if ((di = MHD_get_daemon_info(mx.d, MHD_DAEMON_INFO_EPOLL_FD)) ==
	    NULL) {
		sso_log(SSO_ERR, "METRICS", "LISTEN", "libmicrohttpd has no "
		    "epoll fd; running without metrics");
		MHD_stop_daemon(mx.d);
		mx.d = NULL;
		return 0;
	}
	ev_io_init(&mx.io, run_cb, di->epoll_fd, EV_READ);
	ev_io_start(sso.loop, &mx.io);
	ev_init(&mx.timer, timer_cb);
	rearm();
	sso_log(SSO_NOTICE, "METRICS", "LISTEN", "Prometheus metrics on "
	    "http://%s%s%s:%u/metrics", l->sa.ss_family == AF_INET6 ? "[" :
	    "", l->addr_text, l->sa.ss_family == AF_INET6 ? "]" : "",
	    l->port);
	return 0;
}

void
sso_metrics_stop(void)
{
	if (mx.d == NULL)
		return;
	ev_io_stop(sso.loop, &mx.io);
	ev_timer_stop(sso.loop, &mx.timer);
	MHD_stop_daemon(mx.d);
	mx.d = NULL;
}

/* ---- configuration: metrics listen ADDRESS PORT ---- */

/*
 * metrics listen ADDRESS PORT [unit {0|1}]: both units read one file, and
 * the configuration-sync client compares it, so a pair on one host gives
 * each unit its own port with the unit form; a unit uses its own line
 * if there is one, else the line without a unit.
 */
static int
c_listen(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct mx_listen *l = &mx.conf[a->n > 2 ? a->u[2] : MX_BOTH];
	struct sockaddr_in *s4 = (struct sockaddr_in *)&l->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&l->sa;

	if (no) {
		memset(l, 0, sizeof(*l));
		return 0;
	}
	if (l->on)
		return sso_conf_err(ctx, "metrics listen%s given twice (first "
		    "at line %d)", a->n > 2 ? " for this unit" : "",
		    l->conf_line);
	memset(&l->sa, 0, sizeof(l->sa));
	if (inet_pton(AF_INET, a->s[0], &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)a->u[1]);
		l->salen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, a->s[0], &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)a->u[1]);
		l->salen = sizeof(*s6);
	} else
		return sso_conf_err(ctx, "metrics listen %s: not an IPv4 or "
		    "IPv6 address", a->s[0]);
	snprintf(l->addr_text, sizeof(l->addr_text), "%s", a->s[0]);
	l->port = a->u[1];
	l->on = 1;
	l->conf_line = ctx->line;
	return 0;
}

static void
print_metrics(void *arg, struct sso_wbuf *b)
{
	unsigned i, n = 0;

	for (i = 0; i < 3; i++) {
		const struct mx_listen *l = &mx.conf[i == 0 ? MX_BOTH : i - 1];

		if (!l->on)
			continue;
		sso_wbuf_printf(b, "metrics listen %s %u", l->addr_text,
		    l->port);
		if (i > 0)
			sso_wbuf_printf(b, " unit %u", i - 1);
		sso_wbuf_printf(b, "\n");
		n++;
	}
	if (n)
		sso_wbuf_printf(b, "!\n");
}

/*
 * Reload: the listener is bound once at start-up, so a changed "metrics
 * listen" needs a restart; reload keeps the running lines and names them.
 */
static void *
mx_save(void *arg)
{
	struct mx_listen *old;

	if ((old = malloc(sizeof(mx.conf))) == NULL)
		sso_fatal("out of memory");
	memcpy(old, mx.conf, sizeof(mx.conf));
	memset(mx.conf, 0, sizeof(mx.conf));
	return old;
}

static void
mx_keep(void *arg, void *saved, struct sso_conf_reload *rl)
{
	const struct mx_listen *o = saved;
	unsigned i;

	for (i = 0; i < 3; i++) {
		const struct mx_listen *n = &mx.conf[i];

		if (n->on == o[i].on && (!n->on || (n->port == o[i].port &&
		    strcmp(n->addr_text, o[i].addr_text) == 0)))
			continue;
		sso_conf_refuse(rl, "metrics listen", "cannot change at run "
		    "time (restart needed), keeping the running value");
		memcpy(mx.conf, o, sizeof(mx.conf));
		return;
	}
}

static void
mx_commit(void *arg, void *saved)
{
	free(saved);
}

static void
mx_rollback(void *arg, void *saved)
{
	memcpy(mx.conf, saved, sizeof(mx.conf));
	free(saved);
}

static const struct sso_conf_module mx_module = {
	.name = "metrics",
	.save = mx_save,
	.keep = mx_keep,
	.commit = mx_commit,
	.rollback = mx_rollback,
};

void
sso_metrics_conf_register(void)
{
	static int core_registered;

	memset(mx.conf, 0, sizeof(mx.conf));
	sso_conf_register(NULL, "metrics listen <word> <uint:1-65535>",
	    SSO_CONF_NO, c_listen, NULL);
	sso_conf_register(NULL, "metrics listen <word> <uint:1-65535> unit "
	    "<uint:0-1>", SSO_CONF_NO, c_listen, NULL);
	sso_conf_printer(5, print_metrics, NULL);
	sso_conf_module(&mx_module, NULL);
	if (!core_registered++)
		sso_metrics_register(&core_ops, NULL);
}
