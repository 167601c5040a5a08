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
	int		 started, stopped;	/* timers set; Stop made */
	int		 start_made;	/* the Start is queued (ever) */
	unsigned	 cause;		/* Acct-Terminate-Cause, 0: derived */
	unsigned	 session_timeout, idle_timeout, interim;
	uint64_t	 idle_mark;
	ev_timer	 t_interim, t_session, t_idle;
};

static struct {
	uint64_t	 starts, interims, stops, sent_ok, failed, new_sessions;
	uint64_t	 ons, offs;
	uint32_t	 counter;
} st;

static void
new_sid(struct sub_acct *a)
{
	snprintf(a->sid, sizeof(a->sid), "%08X%04X%04X%08X",
	    (unsigned)(sso_wall_ms() / 1000), a->s->tid, a->s->sid,
	    ++st.counter);
}

static struct sub_acct *
acct_of(struct sub *s)
{
	struct sub_acct *a = s->acct;

	if (a != NULL)
		return a;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->s = s;
	new_sid(a);
	s->acct = a;
	return a;
}

const char *
sub_acct_session_id(struct sub *s)
{
	struct sub_acct *a = acct_of(s);

	return a != NULL ? a->sid : "";
}

/* show: the Acct-Session-Id, "" before it is made */
const char *
sub_acct_sid(const struct sub *s)
{
	return s->acct != NULL ? s->acct->sid : "";
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

/* the queue's sender (sub_acctq.c): librad's request for record r */
static void
acct_cb(void *arg, int result, const struct rad_pkt *pkt,
    struct rad_server *srv)
{
	struct acctq_rec *r = arg;

	if (result == RAD_R_ACCT_OK)
		st.sent_ok++;
	else {
		st.failed++;
		sso_log_rl(&svc_rl, SSO_WARNING, SUB_FAC, "ACCT_HELD",
		    "accounting record not answered (%s): held, probed every "
		    "%u s", rad_result_name(result), ACCTQ_PROBE_S);
	}
	sub_acctq_answer(r, result == RAD_R_ACCT_OK);
}

static int
q_send(struct acctq_rec *r)
{
	struct rad_group *g = sub_rad_group(sub_aaa_conf.acct_group);

	if (g == NULL || (r->req = rad_acct_send(g, &r->rec, acct_cb, r)) ==
	    NULL)
		return -1;
	return 0;
}

static void
q_cancel(struct acctq_rec *r)
{
	rad_req_cancel(r->req);
	r->req = NULL;
}

static const struct acctq_ops q_ops = { .send = q_send, .cancel = q_cancel };

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
	struct rad_acct_rec rec;
	struct ppp_info pi;
	struct in_addr in;
	unsigned i;

	if (sub_aaa_conf.acct_group[0] == '\0')
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
	if (sub_acctq_add(s->tid, s->sid, &rec) == -1)
		st.failed++;
	else if (status == RAD_ACCT_START)
		a->start_made = 1;
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

static void
timers_init(struct sub_acct *a)
{
	ev_timer_init(&a->t_interim, interim_cb, 0., 0.);
	ev_timer_init(&a->t_session, session_to_cb, 0., 0.);
	ev_timer_init(&a->t_idle, idle_cb, 0., 0.);
	a->t_interim.data = a->t_session.data = a->t_idle.data = a;
	a->started = 1;
}

/* RADIUS's interval is never below 60 s (RFC 2869 5.16 advice) */
static unsigned
interim_of(const struct sub_acct *a)
{
	if (a->has_az && a->az.interim_interval)
		return a->az.interim_interval < 60 ? 60 :
		    a->az.interim_interval;
	return sub_aaa_conf.interim_s;
}

static void
interim_start(struct sub_acct *a)
{
	if (a->interim) {
		ev_timer_set(&a->t_interim, a->interim + jitter(a->interim),
		    0.);
		ev_timer_start(svc.loop, &a->t_interim);
	}
}

/*
 * A restored session's Interim-Updates keep the old active's schedule:
 * the next is due one interval after the last, the session's up time
 * plus one interval per Interim made (each interval's jitter aside: the
 * old active's were a little longer, so this one comes a little early,
 * never late). One overdue at the takeover goes within the jitter, so
 * that a takeover of many sessions spreads them.
 */
static void
interim_resume(struct sub_acct *a)
{
	uint64_t now = sso_now_ms(), due;
	double d = 0.;

	if (!a->interim)
		return;
	due = a->s->up_ms + ((uint64_t)a->seq + 1) * a->interim * 1000;
	if (due > now)
		d = (double)(due - now) / 1000.;
	if (d > a->interim)
		d = a->interim;
	ev_timer_set(&a->t_interim, d + jitter(a->interim), 0.);
	ev_timer_start(svc.loop, &a->t_interim);
}

/* PPP_EV_UP */
void
sub_acct_up(struct sub *s)
{
	struct sub_acct *a = acct_of(s);

	if (a == NULL || a->started)
		return;
	timers_init(a);
	if (a->has_az) {
		a->session_timeout = a->az.session_timeout;
		a->idle_timeout = a->az.idle_timeout;
	}
	timers_apply(a);
	if (sub_aaa_conf.acct_group[0] == '\0')
		return;
	record(s, RAD_ACCT_START);
	a->interim = interim_of(a);
	interim_start(a);
}

/* what the standby keeps of the session's accounting (sub_ha.c) */
int
sub_acct_export(struct sub *s, struct sub_acct_id *id)
{
	struct sub_acct *a = acct_of(s);
	unsigned i;

	memset(id, 0, sizeof(*id));
	if (a == NULL)
		return -1;
	snprintf(id->sid, sizeof(id->sid), "%s", a->sid);
	id->started = a->start_made;
	id->stopped = a->stopped;
	id->seq = a->seq;
	id->authorized = a->has_az;
	for (i = 0; a->has_az && i < a->az.nclass && i < RAD_CLASS_MAX; i++) {
		id->class_len[i] = a->az.class_len[i];
		memcpy(id->class_val[i], a->az.class_val[i],
		    a->az.class_len[i]);
	}
	id->nclass = i;
	id->interim_s = a->started ? a->interim : interim_of(a);
	id->session_timeout = a->started ? a->session_timeout :
	    a->has_az ? a->az.session_timeout : 0;
	id->idle_timeout = a->started ? a->idle_timeout :
	    a->has_az ? a->az.idle_timeout : 0;
	return 0;
}

/*
 * Takeover: a restored session keeps its Acct-Session-Id, Class and
 * schedule. Its Start is made here only if the old active never made
 * it (a Start the old active made is in the queue's copies, resent).
 * `aaa accounting redundancy`: best-effort-reuse (default) sends
 * nothing more, with send-interim one Interim-Update; new-session a
 * Stop for the old id (Acct-Terminate-Cause NAS-Reboot) and a Start
 * with a new Acct-Session-Id, counting from zero, as IOS does.
 */
void
sub_acct_restore(struct sub *s, const struct sub_acct_id *id)
{
	struct sub_acct *a;
	unsigned i;

	if (id->sid[0] == '\0' || (a = acct_of(s)) == NULL)
		return;
	snprintf(a->sid, sizeof(a->sid), "%s", id->sid);
	a->seq = id->seq;
	a->has_az = id->authorized;
	for (i = 0; i < id->nclass && i < RAD_CLASS_MAX; i++) {
		a->az.class_len[i] = id->class_len[i];
		memcpy(a->az.class_val[i], id->class_val[i],
		    id->class_len[i]);
	}
	a->az.nclass = i;
	a->start_made = id->started;
	a->stopped = id->stopped;
	timers_init(a);
	a->session_timeout = id->session_timeout;
	a->idle_timeout = id->idle_timeout;
	timers_apply(a);
	if (sub_aaa_conf.acct_group[0] == '\0' || a->stopped)
		return;
	a->interim = id->interim_s;
	if (!a->start_made)
		record(s, RAD_ACCT_START);	/* the one Start, late */
	else if (sub_aaa_conf.acct_red == SUB_ACCT_RED_NEW_SESSION) {
		a->cause = 11;		/* NAS-Reboot */
		record(s, RAD_ACCT_STOP);
		a->cause = 0;
		new_sid(a);
		a->seq = 0;
		s->rx_pkts = s->rx_bytes = s->tx_pkts = s->tx_bytes = 0;
		s->up_ms = sso_now_ms();
		record(s, RAD_ACCT_START);
		st.new_sessions++;
	} else if (sub_aaa_conf.acct_red_interim)
		record(s, RAD_ACCT_INTERIM);
	interim_resume(a);
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
	if (sub_up.acct_changed != NULL)
		sub_up.acct_changed(s);	/* the standby keeps the new ones */
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

/* Accounting-On/Off: no session, identity (NAS time, status, 0) */
static const char *
system_record(uint8_t status)
{
	static char sid[24];
	struct rad_acct_rec rec;

	snprintf(sid, sizeof(sid), "%08X%08X", (unsigned)(sso_wall_ms() /
	    1000), st.counter++);
	if (rad_acct_rec_init(&rec, sid, status, 0, sso_wall_ms() / 1000) ==
	    -1)
		return NULL;
	(void)rad_av_put_str(&rec.attrs, RAD_NAS_IDENTIFIER, "ssod");
	(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_AUTHENTIC, 1);
	if (status == RAD_ACCT_OFF)
		(void)rad_av_put_u32(&rec.attrs, RAD_ACCT_TERMINATE_CAUSE,
		    7);	/* Admin-Reboot */
	SSO_DEBUG(&sub_rad_dbg, SUB_FAC, "RADIUS: Accounting-%s",
	    status == RAD_ACCT_ON ? "On" : "Off");
	if (sub_acctq_add(0, 0, &rec) == -1) {
		st.failed++;
		return NULL;
	}
	return sid;
}

/*
 * Accounting-On (RFC 2866 5.1: the server may close every session it
 * holds open for this NAS): once, when this unit becomes active without
 * a peer unit having been active before it (svc.was_standby: this
 * process was never a standby), that is, a real start of the service of
 * the pair. A unit that takes over (switchover, SIGKILL of the active,
 * even a cold takeover) never sends it. Off with `aaa accounting
 * redundancy suppress system-records`.
 */
void
sub_acct_on(void)
{
	static int sent;

	if (sent || svc.was_standby || sub_aaa_conf.acct_group[0] == '\0' ||
	    sub_aaa_conf.acct_red_suppress)
		return;
	sent = 1;
	if (system_record(RAD_ACCT_ON) != NULL)
		st.ons++;
}

/*
 * Accounting-Off: the active stops in order (SIGTERM) and no HOT standby
 * takes over (ssod.c asks only then). The stop waits for the answer, or
 * for the record to be held (no server answers), at most ACCT_OFF_WAIT_S.
 */
#define ACCT_OFF_WAIT_S	5
static struct {
	char		 sid[24];
	void		(*fn)(void);
	uint64_t	 deadline;
	ev_timer	 t;
} off;

static void
off_cb(struct ev_loop *l, ev_timer *w, int revents)
{
	struct acctq_rec *r = sub_acctq_find(off.sid, RAD_ACCT_OFF, 0);

	if (r != NULL && r->state != AQ_HELD && sso_now_ms() < off.deadline)
		return;
	ev_timer_stop(l, w);
	off.fn();
}

int
sub_acct_off(void (*fn)(void))
{
	const char *sid;

	if (!svc.listening || sub_aaa_conf.acct_group[0] == '\0' ||
	    sub_aaa_conf.acct_red_suppress ||
	    (sid = system_record(RAD_ACCT_OFF)) == NULL)
		return 0;
	st.offs++;
	snprintf(off.sid, sizeof(off.sid), "%s", sid);
	off.fn = fn;
	off.deadline = sso_now_ms() + ACCT_OFF_WAIT_S * 1000;
	ev_timer_init(&off.t, off_cb, 0.02, 0.02);
	ev_timer_start(svc.loop, &off.t);
	return 1;
}

void
sub_acct_init(void)
{
	sub_acctq_init(svc.loop);
	sub_acctq_set_ops(&q_ops);
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
		sso_json_key(rd->j, "accounting_on");
		sso_json_u64(rd->j, st.ons);
		sso_json_key(rd->j, "accounting_off");
		sso_json_u64(rd->j, st.offs);
		sso_json_key(rd->j, "new_sessions");
		sso_json_u64(rd->j, st.new_sessions);
		sso_json_obj_end(rd->j);
		return;
	}
	sso_wbuf_printf(b, "Accounting records: %llu Start, %llu "
	    "Interim-Update, %llu Stop; %llu answered, %llu failed; "
	    "%llu Accounting-On, %llu Accounting-Off\n",
	    (unsigned long long)st.starts, (unsigned long long)st.interims,
	    (unsigned long long)st.stops, (unsigned long long)st.sent_ok,
	    (unsigned long long)st.failed, (unsigned long long)st.ons,
	    (unsigned long long)st.offs);
}
