/*
 * fsm.c - the one RFC 1661 option-negotiation automaton, shared by LCP and
 * IPCP through struct ppp_cp_ops. The state transition table below is RFC
 * 1661 4.1 cell by cell; ppp_fsm_change_state() is the only assigner of
 * f->state. The packet header is checked once here and every option is
 * cut into a bounded sub-cursor before a handler sees it.
 */
#include <string.h>

#include "ppp_local.h"

const char *const ppp_fsm_event_names[PPP_FE_MAX] = {
	[PPP_FE_UP] = "Up", [PPP_FE_DOWN] = "Down", [PPP_FE_OPEN] = "Open",
	[PPP_FE_CLOSE] = "Close", [PPP_FE_TO_P] = "TO+", [PPP_FE_TO_M] = "TO-",
	[PPP_FE_RCR_P] = "RCR+", [PPP_FE_RCR_M] = "RCR-", [PPP_FE_RCA] = "RCA",
	[PPP_FE_RCN] = "RCN", [PPP_FE_RTR] = "RTR", [PPP_FE_RTA] = "RTA",
	[PPP_FE_RUC] = "RUC", [PPP_FE_RXJ_P] = "RXJ+", [PPP_FE_RXJ_M] = "RXJ-",
	[PPP_FE_RXR] = "RXR"
};

static const char *const state_names[PPP_ST_MAX] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing", "Stopping",
	"Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened"
};

const char *
ppp_state_name(unsigned st)
{
	return st < PPP_ST_MAX ? state_names[st] : "?";
}

#define X	{ PPP_A_ILLEGAL, 0 }
#define C(a, n)	{ (a), PPP_ST_##n }
#define TLU	PPP_A_TLU
#define TLD	PPP_A_TLD
#define TLS	PPP_A_TLS
#define TLF	PPP_A_TLF
#define IRC	PPP_A_IRC
#define ZRC	PPP_A_ZRC
#define SCR	PPP_A_SCR
#define SCA	PPP_A_SCA
#define SCN	PPP_A_SCN
#define STR	PPP_A_STR
#define STA	PPP_A_STA
#define SCJ	PPP_A_SCJ
#define SER	PPP_A_SER

/*
 * RFC 1661 4.1, [event][state]. The 'r' (restart) cells are taken without
 * the optional Down/Up; the 'x' and 'p' footnotes need no extra action.
 */
const struct ppp_fsm_cell ppp_fsm_table[PPP_FE_MAX][PPP_ST_MAX] = {
	/*           Initial      Starting         Closed          Stopped
	 *           Closing      Stopping         Req-Sent        Ack-Rcvd
	 *           Ack-Sent     Opened */
	[PPP_FE_UP] = { C(0, CLOSED), C(IRC | SCR, REQSENT), X, X,
	    X, X, X, X, X, X },
	[PPP_FE_DOWN] = { X, X, C(0, INITIAL), C(TLS, STARTING),
	    C(0, INITIAL), C(0, STARTING), C(0, STARTING), C(0, STARTING),
	    C(0, STARTING), C(TLD, STARTING) },
	[PPP_FE_OPEN] = { C(TLS, STARTING), C(0, STARTING),
	    C(IRC | SCR, REQSENT), C(0, STOPPED), C(0, STOPPING),
	    C(0, STOPPING), C(0, REQSENT), C(0, ACKRCVD), C(0, ACKSENT),
	    C(0, OPENED) },
	[PPP_FE_CLOSE] = { C(0, INITIAL), C(TLF, INITIAL), C(0, CLOSED),
	    C(0, CLOSED), C(0, CLOSING), C(0, CLOSING),
	    C(IRC | STR, CLOSING), C(IRC | STR, CLOSING),
	    C(IRC | STR, CLOSING), C(TLD | IRC | STR, CLOSING) },
	[PPP_FE_TO_P] = { X, X, X, X, C(STR, CLOSING), C(STR, STOPPING),
	    C(SCR, REQSENT), C(SCR, REQSENT), C(SCR, ACKSENT), X },
	[PPP_FE_TO_M] = { X, X, X, X, C(TLF, CLOSED), C(TLF, STOPPED),
	    C(TLF, STOPPED), C(TLF, STOPPED), C(TLF, STOPPED), X },
	[PPP_FE_RCR_P] = { X, X, C(STA, CLOSED), C(IRC | SCR | SCA, ACKSENT),
	    C(0, CLOSING), C(0, STOPPING), C(SCA, ACKSENT),
	    C(SCA | TLU, OPENED), C(SCA, ACKSENT),
	    C(TLD | SCR | SCA, ACKSENT) },
	[PPP_FE_RCR_M] = { X, X, C(STA, CLOSED), C(IRC | SCR | SCN, REQSENT),
	    C(0, CLOSING), C(0, STOPPING), C(SCN, REQSENT), C(SCN, ACKRCVD),
	    C(SCN, REQSENT), C(TLD | SCR | SCN, REQSENT) },
	[PPP_FE_RCA] = { X, X, C(STA, CLOSED), C(STA, STOPPED),
	    C(0, CLOSING), C(0, STOPPING), C(IRC, ACKRCVD), C(SCR, REQSENT),
	    C(IRC | TLU, OPENED), C(TLD | SCR, REQSENT) },
	[PPP_FE_RCN] = { X, X, C(STA, CLOSED), C(STA, STOPPED),
	    C(0, CLOSING), C(0, STOPPING), C(IRC | SCR, REQSENT),
	    C(SCR, REQSENT), C(IRC | SCR, ACKSENT), C(TLD | SCR, REQSENT) },
	[PPP_FE_RTR] = { X, X, C(STA, CLOSED), C(STA, STOPPED),
	    C(STA, CLOSING), C(STA, STOPPING), C(STA, REQSENT),
	    C(STA, REQSENT), C(STA, REQSENT), C(TLD | ZRC | STA, STOPPING) },
	[PPP_FE_RTA] = { X, X, C(0, CLOSED), C(0, STOPPED), C(TLF, CLOSED),
	    C(TLF, STOPPED), C(0, REQSENT), C(0, REQSENT), C(0, ACKSENT),
	    C(TLD | SCR, REQSENT) },
	[PPP_FE_RUC] = { X, X, C(SCJ, CLOSED), C(SCJ, STOPPED),
	    C(SCJ, CLOSING), C(SCJ, STOPPING), C(SCJ, REQSENT),
	    C(SCJ, ACKRCVD), C(SCJ, ACKSENT), C(SCJ, OPENED) },
	[PPP_FE_RXJ_P] = { X, X, C(0, CLOSED), C(0, STOPPED), C(0, CLOSING),
	    C(0, STOPPING), C(0, REQSENT), C(0, REQSENT), C(0, ACKSENT),
	    C(0, OPENED) },
	[PPP_FE_RXJ_M] = { X, X, C(TLF, CLOSED), C(TLF, STOPPED),
	    C(TLF, CLOSED), C(TLF, STOPPED), C(TLF, STOPPED),
	    C(TLF, STOPPED), C(TLF, STOPPED),
	    C(TLD | IRC | STR, STOPPING) },
	[PPP_FE_RXR] = { X, X, C(0, CLOSED), C(0, STOPPED), C(0, CLOSING),
	    C(0, STOPPING), C(0, REQSENT), C(0, ACKRCVD), C(0, ACKSENT),
	    C(SER, OPENED) },
};

void
ppp_fsm_init(struct ppp_fsm *f, struct ppp_session *s,
    const struct ppp_cp_ops *ops)
{
	memset(f, 0, sizeof(*f));
	f->s = s;
	f->ops = ops;
	f->state = PPP_ST_INITIAL;
	f->id = 1;
}

static void
ppp_fsm_change_state(struct ppp_fsm *f, enum ppp_fsm_state st,
    const char *ev)
{
	if (f->state != st)
		ppp_log(f->s, PPP_LOG_NEGOTIATION, "%s: %s -> %s (%s)",
		    f->ops->name, state_names[f->state], state_names[st], ev);
	f->state = st;
}

/* RFC 1661 4.6: the restart timer runs in these states only */
static int
timer_state(enum ppp_fsm_state st)
{
	switch (st) {
	case PPP_ST_CLOSING:
	case PPP_ST_STOPPING:
	case PPP_ST_REQSENT:
	case PPP_ST_ACKRCVD:
	case PPP_ST_ACKSENT:
		return 1;
	default:
		return 0;
	}
}

static void
fsm_timer_start(struct ppp_fsm *f)
{
	f->timer_on = 1;
	ppp_timer(f->s, f->ops->proto, f->s->conf.restart_ms);
}

static void
fsm_timer_stop(struct ppp_fsm *f)
{
	if (!f->timer_on)
		return;
	f->timer_on = 0;
	ppp_timer(f->s, f->ops->proto, 0);
}

static void
fsm_scr(struct ppp_fsm *f, int retransmit)
{
	struct sso_wbuf b;
	int errs = 0;
	size_t i;

	sso_wbuf_init(&b, PPP_REQ_MAX);
	for (i = 0; i < f->ops->nopts; i++)
		if (f->ops->opts[i].build != NULL)
			errs += f->ops->opts[i].build(f, &b);
	if (errs != 0 || b.err) {
		/* our own options never exceed PPP_REQ_MAX: a broken table */
		ppp_log(f->s, PPP_LOG_ERROR, "%s: request too long",
		    f->ops->name);
		b.len = 0;
	}
	f->req_len = b.len;
	if (b.len > 0)
		memcpy(f->req, b.buf, b.len);
	sso_wbuf_free(&b);
	/*
	 * RFC 1661 5.1: a retransmission may keep its Identifier, so a peer
	 * that acked it already knows it for a duplicate; a new request, or
	 * one after a valid reply, takes a new one.
	 */
	if (!retransmit || f->seen_ack)
		f->req_id = f->id++;
	f->seen_ack = 0;
	f->restart--;
	(void)ppp_send_cp(f->s, f->ops->proto, PPP_CONFREQ, f->req_id, f->req,
	    f->req_len);
	fsm_timer_start(f);
}

static void
fsm_str(struct ppp_fsm *f)
{
	f->term_id = f->id++;
	f->restart--;
	(void)ppp_send_cp(f->s, f->ops->proto, PPP_TERMREQ, f->term_id,
	    NULL, 0);
	fsm_timer_start(f);
}

/* scj: the rejected packet, cut to what the peer's MRU takes */
static void
fsm_scj(struct ppp_fsm *f)
{
	size_t max = f->s->lcp_his.mru > 8 ? f->s->lcp_his.mru - 8u : 0;
	size_t n = f->rxpkt.len < max ? f->rxpkt.len : max;

	(void)ppp_send_cp(f->s, f->ops->proto, PPP_CODEREJ, f->id++,
	    f->rxpkt.p, n);
}

static void
fsm_send_actions(struct ppp_fsm *f, unsigned a, enum ppp_fsm_state from,
    int retransmit)
{
	struct ppp_session *s = f->s;

	if (a & PPP_A_IRC)
		f->restart = (a & PPP_A_STR) ? s->conf.max_terminate :
		    s->conf.max_configure;
	if (a & PPP_A_ZRC) {
		f->restart = 0;
		fsm_timer_start(f);
	}
	if (a & PPP_A_SCR) {
		/* a new negotiation starts from the configured wishes */
		if (from != PPP_ST_REQSENT && from != PPP_ST_ACKRCVD &&
		    from != PPP_ST_ACKSENT && f->ops->reset_ours != NULL)
			f->ops->reset_ours(f);
		fsm_scr(f, from == PPP_ST_REQSENT || from == PPP_ST_ACKSENT ?
		    retransmit : 0);
	}
	if (a & PPP_A_SCA) {
		f->naks_sent = 0;
		f->acked_valid = f->rx.len <= sizeof(f->acked);
		if (f->acked_valid) {
			f->acked_id = f->rx_id;
			f->acked_len = f->rx.len;
			if (f->rx.len > 0)
				memcpy(f->acked, f->rx.p, f->rx.len);
		}
		(void)ppp_send_cp(s, f->ops->proto, PPP_CONFACK, f->rx_id,
		    f->rx.p, f->rx.len);
		if (f->ops->commit_peer != NULL)
			f->ops->commit_peer(f);
	}
	if (a & PPP_A_SCN) {
		if (f->rx_verdict == PPP_OPT_REJ)
			(void)ppp_send_cp(s, f->ops->proto, PPP_CONFREJ,
			    f->rx_id, s->rej.buf, s->rej.len);
		else {
			f->naks_sent++;
			(void)ppp_send_cp(s, f->ops->proto, PPP_CONFNAK,
			    f->rx_id, s->nak.buf, s->nak.len);
		}
	}
	if (a & PPP_A_STR)
		fsm_str(f);
	if (a & PPP_A_STA)
		(void)ppp_send_cp(s, f->ops->proto, PPP_TERMACK, f->rx_id,
		    NULL, 0);
	if (a & PPP_A_SCJ)
		fsm_scj(f);
	if ((a & PPP_A_SER) && f->ops->ser != NULL)
		f->ops->ser(f);
}

/* the only entry into the automaton for every RFC 1661 event */
void
ppp_fsm_event(struct ppp_fsm *f, enum ppp_fsm_event ev)
{
	const struct ppp_fsm_cell *c;
	enum ppp_fsm_state from = f->state;
	unsigned a;

	if ((unsigned)ev >= PPP_FE_MAX)
		return;
	c = &ppp_fsm_table[ev][from];
	a = c->actions;
	if (a & PPP_A_ILLEGAL) {
		PPP_DROP(f->s, PPP_DROP_ILLEGAL_EVENT, f->ops->proto, ev);
		ppp_log(f->s, PPP_LOG_ERROR, "%s: illegal event %s in %s",
		    f->ops->name, ppp_fsm_event_names[ev], state_names[from]);
		return;
	}
	/* this-layer-down first: the layers above go before we renegotiate */
	if ((a & PPP_A_TLD) && f->ops->down != NULL)
		f->ops->down(f);
	fsm_send_actions(f, a, from, ev == PPP_FE_TO_P);
	ppp_fsm_change_state(f, c->next, ppp_fsm_event_names[ev]);
	if (!timer_state(f->state))
		fsm_timer_stop(f);
	if ((a & PPP_A_TLS) && f->ops->started != NULL)
		f->ops->started(f);
	if ((a & PPP_A_TLU) && f->ops->up != NULL)
		f->ops->up(f);
	if ((a & PPP_A_TLF) && f->ops->finished != NULL)
		f->ops->finished(f);
}

void
ppp_fsm_force_opened(struct ppp_fsm *f, const char *why)
{
	fsm_timer_stop(f);
	f->restart = 0;
	ppp_fsm_change_state(f, PPP_ST_OPENED, why);
}

void
ppp_fsm_timeout(struct ppp_fsm *f)
{
	if (!f->timer_on) {
		PPP_DROP(f->s, PPP_DROP_STALE_TIMER, f->ops->proto, f->state);
		return;
	}
	f->timer_on = 0;
	ppp_fsm_event(f, f->restart > 0 ? PPP_FE_TO_P : PPP_FE_TO_M);
}

static const struct ppp_opt *
opt_find(const struct ppp_cp_ops *ops, uint8_t type)
{
	size_t i;

	for (i = 0; i < ops->nopts; i++)
		if (ops->opts[i].type == type)
			return &ops->opts[i];
	return NULL;
}

static void
put_raw(struct sso_wbuf *b, uint8_t type, uint8_t len,
    const struct sso_cur *val)
{
	int errs = 0;

	errs += sso_wbuf_put_u8(b, type);
	errs += sso_wbuf_put_u8(b, len);
	errs += sso_wbuf_put(b, val->p, val->len);
	(void)errs;	/* sticky b->err, checked by the caller */
}

/* judge one option of a peer's CONFREQ */
static enum ppp_optv
judge_one(struct ppp_fsm *f, uint8_t type, uint8_t len, struct sso_cur *val)
{
	struct ppp_session *s = f->s;
	const struct ppp_opt *o = opt_find(f->ops, type);
	struct sso_cur copy = *val;
	size_t mark = s->nak.len;
	enum ppp_optv v;

	if (o == NULL || o->request == NULL || len < o->min_len ||
	    len > o->max_len) {
		ppp_log(s, PPP_LOG_NEGOTIATION, "%s: reject option %u len %u",
		    f->ops->name, type, len);
		put_raw(&s->rej, type, len, &copy);
		return PPP_OPT_REJ;
	}
	v = o->request(f, val, &s->nak);
	/* RFC 1661 4.6 Max-Failure: not converging, reject what we would nak */
	if (v == PPP_OPT_NAK &&
	    f->naks_sent >= (unsigned)s->conf.max_failure) {
		s->nak.len = mark;
		put_raw(&s->rej, type, len, &copy);
		v = PPP_OPT_REJ;
	}
	if (v != PPP_OPT_ACK)
		ppp_log(s, PPP_LOG_NEGOTIATION, "%s: %s %s", f->ops->name,
		    v == PPP_OPT_NAK ? "nak" : "reject", o->name);
	return v;
}

/*
 * The one option walk. REQUEST: judge a peer's CONFREQ into s->nak /
 * s->rej and return the worst verdict; NAK / REJECT: hand the peer's
 * answer to our options to their handlers. -1: the list does not parse.
 */
enum walk_mode { WALK_REQUEST, WALK_NAK, WALK_REJECT, WALK_ACK };

static int
opt_walk(struct ppp_fsm *f, struct sso_cur c, enum walk_mode mode,
    enum ppp_optv *worst)
{
	uint8_t type, len;
	struct sso_cur val;
	const struct ppp_opt *o;
	enum ppp_optv v;

	*worst = PPP_OPT_ACK;
	while (c.len > 0) {
		if (sso_cur_get_u8(&c, &type) == -1 ||
		    sso_cur_get_u8(&c, &len) == -1 || len < 2 ||
		    sso_cur_sub(&c, len - 2u, &val) == -1)
			return -1;
		if (mode == WALK_REQUEST) {
			v = judge_one(f, type, len, &val);
			if (v > *worst)
				*worst = v;
			continue;
		}
		o = opt_find(f->ops, type);
		if (mode == WALK_ACK) {
			/* an acked list holds only what we can take */
			if (o == NULL || o->ack == NULL || len < o->min_len ||
			    len > o->max_len || o->ack(f, &val) == -1)
				return -1;
			continue;
		}
		if (o == NULL || len < o->min_len || len > o->max_len)
			continue;	/* not ours to take: ignore it */
		if (mode == WALK_NAK && o->nak != NULL)
			o->nak(f, &val);
		else if (mode == WALK_REJECT && o->reject != NULL)
			o->reject(f);
	}
	return 0;
}

enum ppp_optv
ppp_fsm_judge(struct ppp_fsm *f, struct sso_cur *c)
{
	enum ppp_optv v;

	sso_wbuf_reset(&f->s->nak);
	sso_wbuf_reset(&f->s->rej);
	if (f->ops->reset_peer != NULL)
		f->ops->reset_peer(f);
	if (opt_walk(f, *c, WALK_REQUEST, &v) == -1 || f->s->nak.err ||
	    f->s->rej.err)
		return PPP_OPT_REJ + 1;
	return v;
}

int
ppp_fsm_take_acked(struct ppp_fsm *f, struct sso_cur *c)
{
	enum ppp_optv dummy;

	if (f->ops->reset_got != NULL)
		f->ops->reset_got(f);
	return opt_walk(f, *c, WALK_ACK, &dummy);
}

/* a reply to our request: our request is outstanding and ids match */
static int
answers_us(struct ppp_fsm *f, uint8_t id)
{
	switch (f->state) {
	case PPP_ST_REQSENT:
	case PPP_ST_ACKRCVD:
	case PPP_ST_ACKSENT:
	case PPP_ST_OPENED:
		if (id != f->req_id) {
			PPP_DROP(f->s, PPP_DROP_BAD_ID, f->ops->proto, id);
			return 0;
		}
		return 1;
	default:
		return 1;	/* the table answers with sta or nothing */
	}
}

static void
rx_confreq(struct ppp_fsm *f)
{
	enum ppp_optv v;

	if (f->state == PPP_ST_OPENED && f->acked_valid &&
	    f->rx_id == f->acked_id && f->rx.len == f->acked_len &&
	    (f->rx.len == 0 || memcmp(f->rx.p, f->acked, f->rx.len) == 0)) {
		/*
		 * RFC 1661 5.1: a retransmission keeps its Identifier. The
		 * request we acked, again: the peer lost our Ack or the wire
		 * duplicated it; a fresh Ack serves both without tearing the
		 * open link down (RCR+ would renegotiate from scratch).
		 */
		PPP_DROP(f->s, PPP_DROP_DUPLICATE, f->ops->proto, f->rx_id);
		(void)ppp_send_cp(f->s, f->ops->proto, PPP_CONFACK, f->rx_id,
		    f->rx.p, f->rx.len);
		return;
	}
	v = ppp_fsm_judge(f, &f->rx);

	if (v > PPP_OPT_REJ) {
		PPP_DROP(f->s, PPP_DROP_BAD_OPTION, f->ops->proto, f->rx.len);
		return;
	}
	f->rx_verdict = v;
	ppp_fsm_event(f, v == PPP_OPT_ACK ? PPP_FE_RCR_P : PPP_FE_RCR_M);
}

static void
rx_confack(struct ppp_fsm *f)
{
	if (!answers_us(f, f->rx_id))
		return;
	if (f->state >= PPP_ST_REQSENT && f->seen_ack) {
		/*
		 * A second Ack of one request is a duplicate from the wire,
		 * not news: taking it as RCA would renegotiate an open link
		 * (pppd drops it too). The 4.1 cells RCA/Ack-Rcvd and
		 * RCA/Opened are then reached by an Ack of a new request.
		 */
		PPP_DROP(f->s, PPP_DROP_DUPLICATE, f->ops->proto, f->rx_id);
		return;
	}
	if (f->state >= PPP_ST_REQSENT && (f->rx.len != f->req_len ||
	    (f->req_len > 0 && memcmp(f->rx.p, f->req, f->req_len) != 0))) {
		/* RFC 1661 5.2: the options must match the request exactly */
		PPP_DROP(f->s, PPP_DROP_BAD_ACK, f->ops->proto, f->rx.len);
		return;
	}
	if (f->state >= PPP_ST_REQSENT && ppp_fsm_take_acked(f, &f->rx) == -1) {
		PPP_DROP(f->s, PPP_DROP_BAD_ACK, f->ops->proto, f->rx.len);
		return;
	}
	if (f->state >= PPP_ST_REQSENT)
		f->seen_ack = 1;
	ppp_fsm_event(f, PPP_FE_RCA);
}

static void
rx_confnak(struct ppp_fsm *f, int reject)
{
	enum ppp_optv dummy;

	if (!answers_us(f, f->rx_id))
		return;
	if (f->state >= PPP_ST_REQSENT && opt_walk(f, f->rx,
	    reject ? WALK_REJECT : WALK_NAK, &dummy) == -1) {
		PPP_DROP(f->s, PPP_DROP_BAD_OPTION, f->ops->proto, f->rx.len);
		return;
	}
	ppp_fsm_event(f, PPP_FE_RCN);
	if (f->fail_closed) {
		/* an option we cannot do without was refused */
		f->fail_closed = 0;
		ppp_fsm_event(f, PPP_FE_CLOSE);
	}
}

static void
rx_coderej(struct ppp_fsm *f)
{
	uint8_t code;

	if (sso_cur_get_u8(&f->rx, &code) == -1) {
		PPP_DROP(f->s, PPP_DROP_BAD_LENGTH, f->ops->proto, 0);
		return;
	}
	ppp_log(f->s, PPP_LOG_ERROR, "%s: peer rejected code %u",
	    f->ops->name, code);
	/* RFC 1661 5.6: rejecting a code of the automaton is catastrophic */
	if (f->ops->rxj_ok != NULL ? f->ops->rxj_ok(f, code) : code > 7)
		ppp_fsm_event(f, PPP_FE_RXJ_P);
	else
		ppp_fsm_event(f, PPP_FE_RXJ_M);
}

/* one control packet, from its Code field on */
void
ppp_fsm_input(struct ppp_fsm *f, struct sso_cur *c)
{
	uint8_t code, id;
	int len;
	struct sso_cur pkt = *c;

	if ((len = ppp_hdr_get(f->s, f->ops->proto, c, &code, &id,
	    &f->rx)) == -1)
		return;
	/* RFC 1661 5: octets past Length are padding */
	(void)sso_cur_sub(&pkt, (size_t)len, &f->rxpkt);
	f->rx_code = code;
	f->rx_id = id;
	ppp_log(f->s, PPP_LOG_PACKET, "%s: rcvd code %u id %u len %d",
	    f->ops->name, code, id, len);
	if (f->state == PPP_ST_INITIAL || f->state == PPP_ST_STARTING) {
		/* RFC 1661 4.1: the lower layer is not up for this protocol */
		PPP_DROP(f->s, PPP_DROP_NOT_OPENED, f->ops->proto, code);
		return;
	}
	switch (code) {
	case PPP_CONFREQ:
		rx_confreq(f);
		break;
	case PPP_CONFACK:
		rx_confack(f);
		break;
	case PPP_CONFNAK:
	case PPP_CONFREJ:
		rx_confnak(f, code == PPP_CONFREJ);
		break;
	case PPP_TERMREQ:
		/* the link ends because the peer asked (LCP only) */
		if (f->ops->proto == PPP_PROTO_LCP && f->state ==
		    PPP_ST_OPENED && f->s->down_reason == PPP_DOWN_NONE)
			f->s->down_reason = PPP_DOWN_PEER;
		ppp_fsm_event(f, PPP_FE_RTR);
		break;
	case PPP_TERMACK:
		ppp_fsm_event(f, PPP_FE_RTA);
		break;
	case PPP_CODEREJ:
		rx_coderej(f);
		break;
	default:
		if (f->ops->extra_code != NULL &&
		    f->ops->extra_code(f, code, id, &f->rx) == 0)
			break;
		PPP_DROP(f->s, PPP_DROP_UNKNOWN_CODE, f->ops->proto, code);
		ppp_fsm_event(f, PPP_FE_RUC);
		break;
	}
}
