/*
 * sub_acct.c - what RADIUS authorised for a session and its accounting
 * (RFC 2866/2869): Start when PPP is up, Interim-Update every interval
 * (Acct-Interim-Interval from the Access-Accept, else `aaa accounting
 * update periodic`; a random jitter of up to a tenth is added), Stop with
 * the session's time, octets with Gigawords, packets and cause.
 *
 * Each record is a librad rad_acct_rec with an identity (Acct-Session-Id,
 * status, sequence): issue 12 checkpoints it before rad_acct_send().
 * Acct-Session-Id is "%08X%04X%04X%08X": the wall-clock second of the
 * session's creation, its tunnel and session ids and a per-process
 * counter; it never changes for the session's life.
 *
 * Also here: Session-Timeout and Idle-Timeout (idle = no IP packet either
 * way for that long, checked at that interval: ends between 1x and 2x),
 * Framed-Pool, the DNS servers (Framed-IP-Address: sub_framed.c).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sub_local.h"
#include "render.h"

struct sub_acct {
	struct sub	*s;
	struct rad_authz az;
	int		 has_az;
	char		 sid[40];
	uint32_t	 seq;
	int		 started, stopped;
	unsigned	 cause;		/* Acct-Terminate-Cause, 0: derived */
	unsigned	 session_timeout, idle_timeout, interim;
	uint64_t	 idle_mark;
	ev_timer	 t_interim, t_session, t_idle;
};

static struct {
	uint64_t	 starts, interims, stops, sent_ok, failed;
	uint32_t	 counter;
} st;

static struct sub_acct *
acct_of(struct sub *s)
{
	struct sub_acct *a = s->acct;

	if (a != NULL)
		return a;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->s = s;
	snprintf(a->sid, sizeof(a->sid), "%08X%04X%04X%08X",
	    (unsigned)(sso_wall_ms() / 1000), s->tid, s->sid, ++st.counter);
	s->acct = a;
	return a;
}

const char *
sub_acct_session_id(struct sub *s)
{
	struct sub_acct *a = acct_of(s);

	return a != NULL ? a->sid : "";
}

/* auth_done PASS: keep what the Access-Accept authorised */
void
sub_acct_authorized(struct sub *s)
{
	const struct rad_authz *az = sub_aaa_authz();
	struct sub_acct *a;

	if (az == NULL || (a = acct_of(s)) == NULL)
		return;
	a->az = *az;
	a->has_az = 1;
	if (az->framed_pool[0])
		snprintf(s->pool, sizeof(s->pool), "%s", az->framed_pool);
	/* Cisco-AVPair ip:dns-servers= or MS-Primary/Secondary-DNS-Server */
	if (az->dns[0].s_addr != 0)
		ppp_set_dns(s->ppp, ntohl(az->dns[0].s_addr),
		    ntohl(az->dns[1].s_addr));
}

static void
acct_cb(void *arg, int result, const struct rad_pkt *pkt,
    struct rad_server *srv)
{
	if (result == RAD_R_ACCT_OK)
		st.sent_ok++;
	else {
		st.failed++;
		sso_log_rl(&svc_rl, SSO_WARNING, SUB_FAC, "ACCT_LOST",
		    "accounting record not answered (%s)",
		    rad_result_name(result));
	}
}

static unsigned
terminate_cause(const struct sub *s)
{
	if (s->acct->cause)
		return s->acct->cause;
	switch (s->down_reason) {
	case PPP_DOWN_PEER:
		return 1;	/* User-Request */
	case PPP_DOWN_KEEPALIVE:
		return 2;	/* Lost-Carrier */
	case PPP_DOWN_ADMIN:
		return 6;	/* Admin-Reset */
	case PPP_DOWN_LOWER:
	case PPP_DOWN_NONE:	/* the L2TP session or tunnel went */
		return 3;	/* Lost-Service */
	default:
		return 9;	/* NAS-Error */
	}
}

static void
put64(struct rad_avlist *av, uint8_t lo, uint8_t hi, uint64_t v)
{
	(void)rad_av_put_u32(av, lo, (uint32_t)v);
	if (v >> 32)
		(void)rad_av_put_u32(av, hi, (uint32_t)(v >> 32));
}

static void
record(struct sub *s, uint8_t status)
{
	struct sub_acct *a = s->acct;
	struct rad_group *g = sub_rad_group(sub_aaa_conf.acct_group);
	struct rad_acct_rec rec;
	struct ppp_info pi;
	struct in_addr in;
	unsigned i;

	if (g == NULL)
		return;
	ppp_get_info(s->ppp, &pi);
	if (rad_acct_rec_init(&rec, a->sid, status, status ==
	    RAD_ACCT_START ? 0 : status == RAD_ACCT_STOP ? UINT32_MAX :
	    ++a->seq, sso_wall_ms() / 1000) == -1)
		return;
	(void)rad_av_put_str(&rec.attrs, RAD_USER_NAME, pi.user);
	(void)rad_av_put_str(&rec.attrs, RAD_NAS_IDENTIFIER, "ssod");
	(void)rad_av_put_u32(&rec.attrs, RAD_NAS_PORT, (uint32_t)s->tid << 16 |
	    s->sid);
	(void)rad_av_put_u32(&rec.attrs, RAD_NAS_PORT_TYPE, 5);
	(void)rad_av_put_u32(&rec.attrs, RAD_SERVICE_TYPE, 2);
	(void)rad_av_put_u32(&rec.attrs, RAD_FRAMED_PROTOCOL, 1);
	(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_AUTHENTIC, a->has_az ? 1 :
	    2);
	in.s_addr = htonl(s->addr);
	if (s->addr)
		(void)rad_av_put_ip(&rec.attrs, RAD_FRAMED_IP_ADDRESS, in);
	for (i = 0; a->has_az && i < a->az.nclass; i++)
		(void)rad_av_put(&rec.attrs, RAD_CLASS, a->az.class_val[i],
		    a->az.class_len[i]);
	if (status != RAD_ACCT_START) {
		(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_SESSION_TIME,
		    (uint32_t)((sso_now_ms() - s->up_ms) / 1000));
		put64(&rec.attrs, RAD_ACCT_INPUT_OCTETS,
		    RAD_ACCT_INPUT_GIGAWORDS, s->rx_bytes);
		put64(&rec.attrs, RAD_ACCT_OUTPUT_OCTETS,
		    RAD_ACCT_OUTPUT_GIGAWORDS, s->tx_bytes);
		(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_INPUT_PACKETS,
		    (uint32_t)s->rx_pkts);
		(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_OUTPUT_PACKETS,
		    (uint32_t)s->tx_pkts);
	}
	if (status == RAD_ACCT_STOP)
		(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_TERMINATE_CAUSE,
		    terminate_cause(s));
	if (rec.attrs.err)
		return;
	if (status == RAD_ACCT_START)
		st.starts++;
	else if (status == RAD_ACCT_STOP)
		st.stops++;
	else
		st.interims++;
	SSO_DEBUG(&sub_rad_dbg, SUB_FAC, "RADIUS: Accounting-Request %s "
	    "session %s", status == RAD_ACCT_START ? "Start" : status ==
	    RAD_ACCT_STOP ? "Stop" : "Interim-Update", a->sid);
	if (rad_acct_send(g, &rec, acct_cb, NULL) == NULL)
		st.failed++;
}

static double
jitter(unsigned sec)
{
	uint32_t r = 0;

	(void)rad_random(&r, sizeof(r));
	return sec / 10 ? (double)(r % (sec / 10 + 1)) : 0.;
}

static void
interim_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct sub_acct *a = w->data;

	record(a->s, RAD_ACCT_INTERIM);
	ev_timer_set(w, a->interim + jitter(a->interim), 0.);
	ev_timer_start(l, w);
}

static void
session_to_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct sub_acct *a = w->data;

	a->cause = 5;	/* Session-Timeout */
	(void)sub_up.clear(a->s);
}

static void
idle_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct sub_acct *a = w->data;
	uint64_t mark = a->s->rx_pkts + a->s->tx_pkts;

	if (mark == a->idle_mark) {
		a->cause = 4;	/* Idle-Timeout */
		(void)sub_up.clear(a->s);
		return;
	}
	a->idle_mark = mark;
}

static void
timers_apply(struct sub_acct *a)
{
	struct ev_loop *l = svc.loop;
	uint64_t up_s = (sso_now_ms() - a->s->up_ms) / 1000;

	ev_timer_stop(l, &a->t_session);
	ev_timer_stop(l, &a->t_idle);
	if (a->session_timeout) {
		ev_timer_set(&a->t_session, a->session_timeout > up_s ?
		    (double)(a->session_timeout - up_s) : 0., 0.);
		ev_timer_start(l, &a->t_session);
	}
	if (a->idle_timeout) {
		a->idle_mark = a->s->rx_pkts + a->s->tx_pkts;
		ev_timer_set(&a->t_idle, a->idle_timeout, a->idle_timeout);
		ev_timer_start(l, &a->t_idle);
	}
}

/* PPP_EV_UP */
void
sub_acct_up(struct sub *s)
{
	struct sub_acct *a = acct_of(s);

	if (a == NULL || a->started)
		return;
	a->started = 1;
	ev_timer_init(&a->t_interim, interim_cb, 0., 0.);
	ev_timer_init(&a->t_session, session_to_cb, 0., 0.);
	ev_timer_init(&a->t_idle, idle_cb, 0., 0.);
	a->t_interim.data = a->t_session.data = a->t_idle.data = a;
	if (a->has_az) {
		a->session_timeout = a->az.session_timeout;
		a->idle_timeout = a->az.idle_timeout;
	}
	timers_apply(a);
	if (sub_aaa_conf.acct_group[0] == '\0')
		return;
	record(s, RAD_ACCT_START);
	/* RADIUS's interval is never below 60 s (RFC 2869 5.16 advice) */
	a->interim = a->has_az && a->az.interim_interval ?
	    (a->az.interim_interval < 60 ? 60 : a->az.interim_interval) :
	    sub_aaa_conf.interim_s;
	if (a->interim) {
		ev_timer_set(&a->t_interim, a->interim + jitter(a->interim),
		    0.);
		ev_timer_start(svc.loop, &a->t_interim);
	}
}

/* the session is freed: Stop once if Start went out */
void
sub_acct_down(struct sub *s)
{
	struct sub_acct *a = s->acct;

	if (a == NULL)
		return;
	if (a->started) {
		ev_timer_stop(svc.loop, &a->t_interim);
		ev_timer_stop(svc.loop, &a->t_session);
		ev_timer_stop(svc.loop, &a->t_idle);
		if (!a->stopped && sub_aaa_conf.acct_group[0])
			record(s, RAD_ACCT_STOP);
		a->stopped = 1;
	}
}

void
sub_acct_free(struct sub *s)
{
	if (s->acct == NULL)
		return;
	sub_acct_down(s);
	explicit_bzero(s->acct, sizeof(*s->acct));
	free(s->acct);
	s->acct = NULL;
}

/* a Disconnect-Request: cause Admin-Reset */
void
sub_acct_set_cause(struct sub *s, unsigned cause)
{
	struct sub_acct *a = acct_of(s);

	if (a != NULL)
		a->cause = cause;
}

/* a CoA-Request: new timeouts (0 in the request: off) */
void
sub_acct_coa(struct sub *s, int has_st, uint32_t st_s, int has_it,
    uint32_t it_s)
{
	struct sub_acct *a = acct_of(s);

	if (a == NULL)
		return;
	if (has_st)
		a->session_timeout = st_s;
	if (has_it)
		a->idle_timeout = it_s;
	if (a->started)
		timers_apply(a);
}

int
sub_acct_match(struct sub *s, const char *sid, const char *user,
    uint32_t ip)
{
	struct ppp_info pi;

	if (sid != NULL && (s->acct == NULL || strcmp(s->acct->sid, sid) != 0))
		return 0;
	if (ip != 0 && s->addr != ip)
		return 0;
	if (user != NULL) {
		ppp_get_info(s->ppp, &pi);
		if (strcmp(pi.user, user) != 0)
			return 0;
	}
	return 1;
}

/*
 * Accounting-On (RFC 2866 5.1: the server may close every session it
 * holds open for this NAS): at the first bind of the service socket in
 * this process, and only while no subscriber session exists, so that a
 * switchover, whose new active holds the surviving sessions, never
 * sends it. Accounting-Off is not sent (an orderly stop of the pair is
 * not known here yet).
 */
void
sub_acct_on(void)
{
	static int sent;
	struct rad_group *g;
	struct rad_acct_rec rec;
	char sid[24];

	if (sent || sub_count > 0 ||
	    (g = sub_rad_group(sub_aaa_conf.acct_group)) == NULL)
		return;
	sent = 1;
	snprintf(sid, sizeof(sid), "%08X", (unsigned)(sso_wall_ms() / 1000));
	if (rad_acct_rec_init(&rec, sid, RAD_ACCT_ON, 0, sso_wall_ms() /
	    1000) == -1)
		return;
	(void)rad_av_put_str(&rec.attrs, RAD_NAS_IDENTIFIER, "ssod");
	(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_AUTHENTIC, 1);
	SSO_DEBUG(&sub_rad_dbg, SUB_FAC, "RADIUS: Accounting-On");
	if (rad_acct_send(g, &rec, acct_cb, NULL) == NULL)
		st.failed++;
}

void
sub_acct_stats_print(struct sso_render *rd)
{
	struct sso_wbuf *b = rd->b;

	if (rd->j) {
		sso_json_key(rd->j, "accounting");
		sso_json_obj(rd->j);
		sso_json_key(rd->j, "starts");
		sso_json_u64(rd->j, st.starts);
		sso_json_key(rd->j, "interims");
		sso_json_u64(rd->j, st.interims);
		sso_json_key(rd->j, "stops");
		sso_json_u64(rd->j, st.stops);
		sso_json_key(rd->j, "answered");
		sso_json_u64(rd->j, st.sent_ok);
		sso_json_key(rd->j, "failed");
		sso_json_u64(rd->j, st.failed);
		sso_json_obj_end(rd->j);
		return;
	}
	sso_wbuf_printf(b, "Accounting records: %llu Start, %llu "
	    "Interim-Update, %llu Stop; %llu answered, %llu failed\n",
	    (unsigned long long)st.starts, (unsigned long long)st.interims,
	    (unsigned long long)st.stops, (unsigned long long)st.sent_ok,
	    (unsigned long long)st.failed);
}
