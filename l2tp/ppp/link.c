/*
 * link.c - what the protocols of a PPP session (fsm.c, lcp.c, ipcp.c,
 * pap.c, chap.c) use of it: logging and drop counts, the control-packet
 * header and output, the host's timers, randomness, events and
 * checkpoints, the state export, the names of the enums; and the calls
 * up to the session's phases (ppp.c), through the table ppp_create()
 * sets (STYLE.md 14: no file calls one above it by name).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ppp_local.h"

static const char *const drop_names[PPP_DROP_MAX] = {
	[PPP_DROP_SHORT] = "short_frame",
	[PPP_DROP_BAD_LENGTH] = "bad_length",
	[PPP_DROP_BAD_OPTION] = "bad_option",
	[PPP_DROP_BAD_ID] = "bad_id",
	[PPP_DROP_BAD_ACK] = "bad_ack",
	[PPP_DROP_UNKNOWN_CODE] = "unknown_code",
	[PPP_DROP_UNKNOWN_PROTO] = "unknown_protocol",
	[PPP_DROP_NOT_OPENED] = "not_opened",
	[PPP_DROP_ILLEGAL_EVENT] = "illegal_event",
	[PPP_DROP_LOOPED_ECHO] = "looped_echo",
	[PPP_DROP_BAD_MAGIC] = "bad_magic",
	[PPP_DROP_DISCARD] = "discard_request",
	[PPP_DROP_AUTH_BAD] = "auth_malformed",
	[PPP_DROP_AUTH_STATE] = "auth_unexpected",
	[PPP_DROP_STALE_TIMER] = "stale_timer",
	[PPP_DROP_DUPLICATE] = "duplicate",
};

const char *
ppp_drop_name(unsigned r)
{
	return r < PPP_DROP_MAX ? drop_names[r] : "?";
}

const char *
ppp_auth_name(unsigned a)
{
	static const char *const n[] = { "none", "pap", "chap" };

	return a < 3 ? n[a] : "?";
}

const char *
ppp_phase_name(unsigned p)
{
	static const char *const n[] = { "dead", "establish", "authenticate",
	    "network", "terminate" };

	return p < 5 ? n[p] : "?";
}

const char *
ppp_event_name(unsigned e)
{
	static const char *const n[] = { "layer-up", "layer-down",
	    "layer-started", "layer-finished", "auth-ok", "auth-fail", "up",
	    "dead" };

	return e < 8 ? n[e] : "?";
}

const char *
ppp_down_name(unsigned r)
{
	static const char *const n[PPP_DOWN_MAX] = { "none", "admin", "peer",
	    "authentication", "keepalive", "negotiation", "loopback",
	    "lower-layer" };

	return r < PPP_DOWN_MAX ? n[r] : "?";
}

void
ppp_log(struct ppp_session *s, enum ppp_log_cat cat, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (s->ops->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->ops->log(s->arg, cat, line);
}

int
ppp_hdr_get(struct ppp_session *s, uint16_t proto, struct sso_cur *c,
    uint8_t *code, uint8_t *id, struct sso_cur *data)
{
	uint16_t len;

	if (sso_cur_get_u8(c, code) == -1 || sso_cur_get_u8(c, id) == -1 ||
	    sso_cur_get_u16(c, &len) == -1 || len < 4 ||
	    sso_cur_sub(c, len - 4u, data) == -1) {
		PPP_DROP(s, PPP_DROP_BAD_LENGTH, proto, c->len);
		return -1;
	}
	return len;
}

void
ppp_drop(struct ppp_session *s, enum ppp_drop r, uint16_t proto,
    unsigned value)
{
	if ((unsigned)r >= PPP_DROP_MAX)
		return;
	s->cnt.drops[r]++;
	ppp_log(s, PPP_LOG_ERROR, "drop %s proto 0x%04x value %u",
	    drop_names[r], proto, value);
}

/* one control packet: FF 03, protocol, code, id, length, data */
int
ppp_send_cp(struct ppp_session *s, uint16_t proto, uint8_t code, uint8_t id,
    const void *data, size_t len)
{
	struct sso_wbuf *b = &s->out;
	int errs = 0;

	if (len > 65535 - 4)
		return -1;
	sso_wbuf_reset(b);
	errs += sso_wbuf_put_u8(b, 0xff);
	errs += sso_wbuf_put_u8(b, 0x03);
	errs += sso_wbuf_put_u16(b, proto);
	errs += sso_wbuf_put_u8(b, code);
	errs += sso_wbuf_put_u8(b, id);
	errs += sso_wbuf_put_u16(b, (uint16_t)(len + 4));
	if (len > 0)
		errs += sso_wbuf_put(b, data, len);
	if (errs != 0 || b->err)
		return -1;
	ppp_log(s, PPP_LOG_PACKET, "send proto 0x%04x code %u id %u len %zu",
	    proto, code, id, len + 4);
	s->cnt.tx_frames++;
	s->cnt.tx_bytes += b->len;
	return s->ops->send != NULL ? s->ops->send(s->arg, b->buf, b->len) : 0;
}

void
ppp_timer(struct ppp_session *s, uint16_t proto, uint32_t ms)
{
	if (s->ops->timer != NULL)
		s->ops->timer(s->arg, proto, ms);
}

uint32_t
ppp_random32(struct ppp_session *s)
{
	uint8_t b[4] = { 0 };
	uint32_t v;

	if (s->ops->random != NULL)
		s->ops->random(s->arg, b, sizeof(b));
	v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
	/* zero is no magic number (RFC 1661 6.4); never loop on the host */
	if (v == 0)
		v = 0x5a5a0001u + (uint32_t)s->cnt.tx_frames;
	return v;
}

void
ppp_host_event(struct ppp_session *s, enum ppp_event ev, uint16_t proto)
{
	if (s->ops->event != NULL)
		s->ops->event(s->arg, ev, proto);
}

void
ppp_ckpt(struct ppp_session *s)
{
	struct ppp_established e;

	if (s->ops->ckpt == NULL)
		return;
	ppp_export(s, &e);
	s->ops->ckpt(s->arg, &e);
}

void
ppp_auth_stop(struct ppp_session *s)
{
	if (s->auth_timer_on)
		ppp_timer(s, s->auth_in_use == PPP_AUTH_PAP ? PPP_PROTO_PAP :
		    PPP_PROTO_CHAP, 0);
	s->auth_timer_on = 0;
	s->auth_rechallenge = 0;
	s->as = PPP_AS_IDLE;
}

/* up to the session's phases (ppp.c) */
void
ppp_up_lcp_opened(struct ppp_session *s)
{
	s->up->lcp_opened(s);
}

void
ppp_up_lcp_closed(struct ppp_session *s)
{
	s->up->lcp_closed(s);
}

void
ppp_up_auth_done(struct ppp_session *s, int ok)
{
	s->up->auth_done(s, ok);
}

void
ppp_up_close(struct ppp_session *s, enum ppp_down_reason why)
{
	s->up->close(s, why);
}

/* --- export --- */

void
ppp_export(const struct ppp_session *s, struct ppp_established *e)
{
	memset(e, 0, sizeof(*e));
	e->role = (uint8_t)s->conf.role;
	e->phase = (uint8_t)s->phase;
	e->lcp_state = (uint8_t)s->lcp.state;
	e->ipcp_state = (uint8_t)s->ipcp.state;
	e->mru_ours = s->lcp_got.mru;
	e->mru_peer = s->lcp_his.mru;
	e->accm_ours = s->lcp_got.accm;
	e->accm_peer = s->lcp_his.accm;
	e->magic_ours = s->lcp_got.magic;
	e->magic_peer = s->lcp_his.magic;
	e->pfc_ours = s->lcp_got.pfc;
	e->pfc_peer = s->lcp_his.pfc;
	e->acfc_ours = s->lcp_got.acfc;
	e->acfc_peer = s->lcp_his.acfc;
	e->auth = (uint8_t)(s->authenticated ? s->auth_in_use : PPP_AUTH_NONE);
	e->lcp_id = s->lcp.id;
	e->ipcp_id = s->ipcp.id;
	e->auth_id = s->auth_id;
	e->echo_id = s->echo_id;
	memcpy(e->user, s->user, sizeof(e->user));
	e->addr_ours = s->ipcp_got.addr;
	e->addr_peer = s->ipcp_his.addr;
	e->dns[0] = s->conf.role == PPP_ROLE_LNS ? s->ipcp_his.dns[0] :
	    s->ipcp_got.dns[0];
	e->dns[1] = s->conf.role == PPP_ROLE_LNS ? s->ipcp_his.dns[1] :
	    s->ipcp_got.dns[1];
	e->rechallenge_s = s->auth_rechallenge ? s->conf.rechallenge_s : 0;
	e->echo_misses = s->echo_misses;
}
