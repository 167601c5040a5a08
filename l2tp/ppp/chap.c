/*
 * chap.c - RFC 1994 CHAP with MD5 (algorithm 5), both ends. The LNS sends
 * a 16-octet random challenge and hands (name, id, challenge, response)
 * to its host, which verifies with a local secret (ppp_chap_md5_verify())
 * or a RADIUS server; optional periodic re-challenge on the CHAP timer.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "md5.h"
#include "ppp_local.h"

static void chap_send_response(struct ppp_session *);

enum { CHAP_CHALLENGE = 1, CHAP_RESPONSE = 2, CHAP_SUCCESS = 3,
    CHAP_FAILURE = 4 };

int
ppp_chap_md5(uint8_t id, const char *secret, const uint8_t *chal,
    size_t clen, uint8_t out[16])
{
	/* RFC 1994 4.1: MD5 over Identifier || secret || Challenge */
	return sso_md5(out, &id, 1, secret, strlen(secret), chal, clen, NULL,
	    0);
}

int
ppp_chap_md5_verify(uint8_t id, const char *secret, const uint8_t *chal,
    size_t clen, const uint8_t *resp, size_t rlen)
{
	uint8_t want[16];
	int ok;

	if (rlen != 16 || ppp_chap_md5(id, secret, chal, clen, want) == -1)
		return 0;	/* fails closed */
	ok = CRYPTO_memcmp(want, resp, 16) == 0;
	explicit_bzero(want, sizeof(want));
	return ok;
}

static const char *
our_name(const struct ppp_session *s)
{
	return s->conf.name[0] != '\0' ? s->conf.name : "ssod";
}

static void
chap_send_challenge(struct ppp_session *s)
{
	uint8_t buf[1 + 16 + PPP_NAME_MAX];
	const char *name = our_name(s);
	size_t nl = strlen(name);

	buf[0] = 16;
	memcpy(buf + 1, s->chal, 16);
	memcpy(buf + 17, name, nl);
	(void)ppp_send_cp(s, PPP_PROTO_CHAP, CHAP_CHALLENGE, s->auth_id, buf,
	    17 + nl);
	s->auth_restart--;
	s->auth_timer_on = 1;
	s->auth_rechallenge = 0;
	ppp_timer(s, PPP_PROTO_CHAP, s->conf.restart_ms);
}

/* a fresh challenge: new identifier, new random value */
static void
chap_new_challenge(struct ppp_session *s)
{
	s->auth_id++;
	if (s->ops->random != NULL)
		s->ops->random(s->arg, s->chal, sizeof(s->chal));
	s->auth_restart = s->conf.max_configure;
	s->as = PPP_AS_WAIT_PEER;
	chap_send_challenge(s);
}

void
ppp_chap_start(struct ppp_session *s)
{
	if (s->conf.role == PPP_ROLE_CLIENT) {
		s->as = PPP_AS_CLIENT_WAIT;	/* the challenge comes to us */
		return;
	}
	chap_new_challenge(s);
}

void
ppp_chap_timeout(struct ppp_session *s)
{
	if (!s->auth_timer_on) {
		PPP_DROP(s, PPP_DROP_STALE_TIMER, PPP_PROTO_CHAP, s->as);
		return;
	}
	s->auth_timer_on = 0;
	if (s->as == PPP_AS_DONE && s->auth_rechallenge) {
		/* RFC 1994 2.1: challenges may repeat during the link */
		s->cnt.rechallenges++;
		chap_new_challenge(s);
		return;
	}
	if (s->as == PPP_AS_CLIENT_WAIT && s->auth_restart > 0) {
		chap_send_response(s);
		return;
	}
	if (s->as == PPP_AS_CLIENT_WAIT) {
		ppp_log(s, PPP_LOG_AUTH, "CHAP: no verdict");
		s->as = PPP_AS_FAILED;
		ppp_up_auth_done(s, 0);
		return;
	}
	if (s->as != PPP_AS_WAIT_PEER)
		return;
	if (s->auth_restart > 0) {
		chap_send_challenge(s);	/* same id, same value */
		return;
	}
	ppp_log(s, PPP_LOG_AUTH, "CHAP: no response");
	s->as = PPP_AS_FAILED;
	ppp_up_auth_done(s, 0);
}

static void
chap_send_verdict(struct ppp_session *s, int ok)
{
	(void)ppp_send_cp(s, PPP_PROTO_CHAP, ok ? CHAP_SUCCESS : CHAP_FAILURE,
	    s->auth_id, s->auth_msg, strlen(s->auth_msg));
}

static void
chap_rx_response(struct ppp_session *s, uint8_t id, struct sso_cur *d)
{
	uint8_t vl, val[PPP_CHAL_MAX];
	char name[PPP_NAME_MAX];
	size_t nl;

	if (s->conf.role != PPP_ROLE_LNS || id != s->auth_id) {
		PPP_DROP(s, PPP_DROP_BAD_ID, PPP_PROTO_CHAP, id);
		return;
	}
	if (s->as == PPP_AS_DONE) {
		chap_send_verdict(s, 1);	/* RFC 1994 4.2: resend */
		return;
	}
	if (s->as != PPP_AS_WAIT_PEER) {
		PPP_DROP(s, PPP_DROP_AUTH_STATE, PPP_PROTO_CHAP, s->as);
		return;
	}
	if (sso_cur_get_u8(d, &vl) == -1 || vl == 0 || vl > sizeof(val) ||
	    sso_cur_get_bytes(d, val, vl) == -1 || d->len >= sizeof(name)) {
		PPP_DROP(s, PPP_DROP_AUTH_BAD, PPP_PROTO_CHAP, d->len);
		return;
	}
	nl = d->len;
	(void)sso_cur_get_bytes(d, name, nl);
	name[nl] = '\0';
	/* a re-challenge answers for the user already authenticated */
	if (s->authenticated && strcmp(name, s->user) != 0) {
		s->as = PPP_AS_PENDING;
		ppp_chap_result(s, 0, "Authentication failed");
		return;
	}
	s->as = PPP_AS_PENDING;
	s->auth_timer_on = 0;
	ppp_timer(s, PPP_PROTO_CHAP, 0);
	snprintf(s->user, sizeof(s->user), "%s", name);
	ppp_log(s, PPP_LOG_AUTH, "CHAP: response from \"%s\"", name);
	if (s->ops->auth_chap != NULL)
		s->ops->auth_chap(s->arg, name, id, s->chal, sizeof(s->chal),
		    val, vl);
	else
		ppp_chap_result(s, 0, "no authentication service");
}

/*
 * The client resends its response on the restart timer until a verdict
 * comes: a lost Success would otherwise leave it waiting for ever (the
 * authenticator answers a repeated response with the same verdict).
 */
static void
chap_send_response(struct ppp_session *s)
{
	(void)ppp_send_cp(s, PPP_PROTO_CHAP, CHAP_RESPONSE, s->auth_id,
	    s->resp, s->resp_len);
	if (s->as == PPP_AS_CLIENT_WAIT) {
		s->auth_restart--;
		s->auth_timer_on = 1;
		ppp_timer(s, PPP_PROTO_CHAP, s->conf.restart_ms);
	}
}

static void
chap_rx_challenge(struct ppp_session *s, uint8_t id, struct sso_cur *d)
{
	uint8_t vl, chal[PPP_CHAL_MAX], buf[1 + 16 + PPP_NAME_MAX];
	size_t ul = strlen(s->conf.user);

	if (s->conf.role != PPP_ROLE_CLIENT) {
		PPP_DROP(s, PPP_DROP_AUTH_STATE, PPP_PROTO_CHAP, CHAP_CHALLENGE);
		return;
	}
	if (sso_cur_get_u8(d, &vl) == -1 || vl == 0 || vl > sizeof(chal) ||
	    sso_cur_get_bytes(d, chal, vl) == -1) {
		PPP_DROP(s, PPP_DROP_AUTH_BAD, PPP_PROTO_CHAP, d->len);
		return;
	}
	buf[0] = 16;
	if (ppp_chap_md5(id, s->conf.password, chal, vl, buf + 1) == -1)
		return;
	memcpy(buf + 17, s->conf.user, ul);
	s->auth_id = id;
	if (s->as != PPP_AS_DONE)
		s->as = PPP_AS_CLIENT_WAIT;
	memcpy(s->resp, buf, 17 + ul);
	s->resp_len = 17 + ul;
	s->auth_restart = s->conf.max_configure;
	chap_send_response(s);
}

void
ppp_chap_input(struct ppp_session *s, struct sso_cur *c)
{
	uint8_t code, id;
	struct sso_cur d;

	if (ppp_hdr_get(s, PPP_PROTO_CHAP, c, &code, &id, &d) == -1)
		return;
	switch (code) {
	case CHAP_CHALLENGE:
		chap_rx_challenge(s, id, &d);
		break;
	case CHAP_RESPONSE:
		chap_rx_response(s, id, &d);
		break;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		if (s->conf.role != PPP_ROLE_CLIENT || id != s->auth_id ||
		    (s->as != PPP_AS_CLIENT_WAIT && s->as != PPP_AS_DONE)) {
			PPP_DROP(s, PPP_DROP_AUTH_STATE, PPP_PROTO_CHAP, id);
			break;
		}
		if (s->auth_timer_on) {
			s->auth_timer_on = 0;
			ppp_timer(s, PPP_PROTO_CHAP, 0);
		}
		if (code == CHAP_SUCCESS && s->as == PPP_AS_DONE)
			break;	/* a re-challenge passed, or a duplicate */
		s->as = code == CHAP_SUCCESS ? PPP_AS_DONE : PPP_AS_FAILED;
		ppp_up_auth_done(s, code == CHAP_SUCCESS);
		break;
	default:
		PPP_DROP(s, PPP_DROP_AUTH_BAD, PPP_PROTO_CHAP, code);
		break;
	}
}

void
ppp_chap_result(struct ppp_session *s, int ok, const char *msg)
{
	int first = !s->authenticated;

	if (s->as != PPP_AS_PENDING)
		return;	/* late verdict for a link that moved on */
	snprintf(s->auth_msg, sizeof(s->auth_msg), "%s",
	    msg != NULL ? msg : ok ? "Welcome" : "Authentication failed");
	s->as = ok ? PPP_AS_DONE : PPP_AS_FAILED;
	chap_send_verdict(s, ok);
	if (ok && s->conf.rechallenge_s > 0) {
		s->auth_rechallenge = 1;
		s->auth_timer_on = 1;
		ppp_timer(s, PPP_PROTO_CHAP, s->conf.rechallenge_s * 1000u);
	}
	if (ok && !first) {
		ppp_ckpt(s);	/* the re-challenge schedule moved on */
		return;
	}
	ppp_up_auth_done(s, ok);
}

/* RFC 2661 4.4.5: verify the LAC's CHAP exchange (AVPs 30-33) */
int
ppp_chap_proxy(struct ppp_session *s, const struct ppp_proxy *p)
{
	if (p->auth_chal_len == 0 || p->auth_chal_len > sizeof(s->chal) ||
	    p->auth_resp_len == 0 || p->auth_name[0] == '\0')
		return -1;
	memset(s->chal, 0, sizeof(s->chal));
	memcpy(s->chal, p->auth_chal, p->auth_chal_len);
	snprintf(s->user, sizeof(s->user), "%s", p->auth_name);
	s->auth_id = p->auth_id;
	s->as = PPP_AS_PENDING;
	ppp_log(s, PPP_LOG_AUTH, "CHAP: proxied response from \"%s\"",
	    s->user);
	if (s->ops->auth_chap != NULL)
		s->ops->auth_chap(s->arg, s->user, p->auth_id, p->auth_chal,
		    p->auth_chal_len, p->auth_resp, p->auth_resp_len);
	else
		ppp_chap_result(s, 0, "no authentication service");
	return 0;
}
