/*
 * pap.c - RFC 1334 PAP, both ends. The LNS waits for an
 * Authenticate-Request and asks its host to verify it (the verdict may
 * come later, ppp_auth_result()); the client sends its credentials and
 * retransmits on the restart timer.
 */
#include <stdio.h>
#include <string.h>

#include "ppp_local.h"

enum { PAP_REQ = 1, PAP_ACK = 2, PAP_NAK = 3 };

static void
pap_send_req(struct ppp_session *s)
{
	uint8_t buf[2 + PPP_NAME_MAX + PPP_SECRET_MAX];
	size_t ul = strlen(s->conf.user), pl = strlen(s->conf.password);

	buf[0] = (uint8_t)ul;
	memcpy(buf + 1, s->conf.user, ul);
	buf[1 + ul] = (uint8_t)pl;
	memcpy(buf + 2 + ul, s->conf.password, pl);
	(void)ppp_send_cp(s, PPP_PROTO_PAP, PAP_REQ, s->auth_id, buf,
	    2 + ul + pl);
	explicit_bzero(buf, sizeof(buf));
	s->auth_restart--;
	s->auth_timer_on = 1;
	ppp_timer(s, PPP_PROTO_PAP, s->conf.restart_ms);
}

void
ppp_pap_start(struct ppp_session *s)
{
	s->auth_restart = s->conf.max_configure;
	if (s->conf.role == PPP_ROLE_CLIENT) {
		s->as = PPP_AS_CLIENT_WAIT;
		s->auth_id++;
		pap_send_req(s);
		return;
	}
	/* RFC 1334 2.1: the authenticator waits, bounded by our timer */
	s->as = PPP_AS_WAIT_PEER;
	s->auth_timer_on = 1;
	ppp_timer(s, PPP_PROTO_PAP, s->conf.restart_ms *
	    (uint32_t)s->conf.max_configure);
}

void
ppp_pap_timeout(struct ppp_session *s)
{
	if (!s->auth_timer_on) {
		PPP_DROP(s, PPP_DROP_STALE_TIMER, PPP_PROTO_PAP, s->as);
		return;
	}
	s->auth_timer_on = 0;
	if (s->as == PPP_AS_CLIENT_WAIT && s->auth_restart > 0) {
		pap_send_req(s);
		return;
	}
	if (s->as == PPP_AS_CLIENT_WAIT || s->as == PPP_AS_WAIT_PEER) {
		ppp_log(s, PPP_LOG_AUTH, "PAP: timed out");
		ppp_up_auth_done(s, 0);
	}
}

static void
pap_send_verdict(struct ppp_session *s, int ok)
{
	uint8_t buf[1 + PPP_MSG_MAX];
	size_t ml = strlen(s->auth_msg);

	buf[0] = (uint8_t)ml;
	memcpy(buf + 1, s->auth_msg, ml);
	(void)ppp_send_cp(s, PPP_PROTO_PAP, ok ? PAP_ACK : PAP_NAK, s->auth_id,
	    buf, ml + 1);
}

/* a length-prefixed string of at most max-1 octets, NUL-terminated */
static int
get_lstring(struct sso_cur *c, char *out, size_t max)
{
	uint8_t l;

	if (sso_cur_get_u8(c, &l) == -1 || l >= max ||
	    sso_cur_get_bytes(c, out, l) == -1)
		return -1;
	out[l] = '\0';
	return 0;
}

static void
pap_rx_request(struct ppp_session *s, uint8_t id, struct sso_cur *d)
{
	char user[PPP_NAME_MAX], pass[PPP_SECRET_MAX];

	if (s->conf.role != PPP_ROLE_LNS) {
		PPP_DROP(s, PPP_DROP_AUTH_STATE, PPP_PROTO_PAP, PAP_REQ);
		return;
	}
	if (s->as == PPP_AS_DONE && id == s->auth_id) {
		/* RFC 1334 2.2.1: a retransmitted request gets the same Ack */
		pap_send_verdict(s, 1);
		return;
	}
	if (s->as != PPP_AS_WAIT_PEER) {
		PPP_DROP(s, PPP_DROP_AUTH_STATE, PPP_PROTO_PAP, s->as);
		return;
	}
	if (get_lstring(d, user, sizeof(user)) == -1 ||
	    get_lstring(d, pass, sizeof(pass)) == -1) {
		PPP_DROP(s, PPP_DROP_AUTH_BAD, PPP_PROTO_PAP, d->len);
		explicit_bzero(pass, sizeof(pass));
		return;
	}
	s->auth_id = id;
	s->as = PPP_AS_PENDING;
	s->auth_timer_on = 0;
	ppp_timer(s, PPP_PROTO_PAP, 0);
	snprintf(s->user, sizeof(s->user), "%s", user);
	ppp_log(s, PPP_LOG_AUTH, "PAP: request from \"%s\"", user);
	if (s->ops->auth_pap != NULL)
		s->ops->auth_pap(s->arg, user, pass);
	else
		ppp_pap_result(s, 0, "no authentication service");
	explicit_bzero(pass, sizeof(pass));
}

void
ppp_pap_input(struct ppp_session *s, struct sso_cur *c)
{
	uint8_t code, id;
	struct sso_cur d;

	if (ppp_hdr_get(s, PPP_PROTO_PAP, c, &code, &id, &d) == -1)
		return;
	switch (code) {
	case PAP_REQ:
		pap_rx_request(s, id, &d);
		break;
	case PAP_ACK:
	case PAP_NAK:
		if (s->as != PPP_AS_CLIENT_WAIT || id != s->auth_id) {
			PPP_DROP(s, PPP_DROP_AUTH_STATE, PPP_PROTO_PAP, id);
			break;
		}
		s->auth_timer_on = 0;
		ppp_timer(s, PPP_PROTO_PAP, 0);
		s->as = code == PAP_ACK ? PPP_AS_DONE : PPP_AS_FAILED;
		ppp_up_auth_done(s, code == PAP_ACK);
		break;
	default:
		PPP_DROP(s, PPP_DROP_AUTH_BAD, PPP_PROTO_PAP, code);
		break;
	}
}

void
ppp_pap_result(struct ppp_session *s, int ok, const char *msg)
{
	if (s->as != PPP_AS_PENDING)
		return;	/* late verdict for a link that moved on */
	snprintf(s->auth_msg, sizeof(s->auth_msg), "%s",
	    msg != NULL ? msg : ok ? "Authentication succeeded" :
	    "Authentication failed");
	s->as = ok ? PPP_AS_DONE : PPP_AS_FAILED;
	pap_send_verdict(s, ok);
	ppp_up_auth_done(s, ok);
}

/* RFC 2661 4.4.5: the LAC's PAP exchange (name, password in AVP 33) */
int
ppp_pap_proxy(struct ppp_session *s, const struct ppp_proxy *p)
{
	char pass[PPP_SECRET_MAX];

	if (p->auth_resp_len >= sizeof(pass) || p->auth_name[0] == '\0')
		return -1;
	memcpy(pass, p->auth_resp, p->auth_resp_len);
	pass[p->auth_resp_len] = '\0';
	snprintf(s->user, sizeof(s->user), "%s", p->auth_name);
	s->auth_id = p->auth_id;
	s->as = PPP_AS_PENDING;
	ppp_log(s, PPP_LOG_AUTH, "PAP: proxied request from \"%s\"", s->user);
	if (s->ops->auth_pap != NULL)
		s->ops->auth_pap(s->arg, s->user, pass);
	else
		ppp_pap_result(s, 0, "no authentication service");
	explicit_bzero(pass, sizeof(pass));
	return 0;
}
