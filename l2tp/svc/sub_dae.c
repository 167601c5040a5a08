/*
 * sub_dae.c - RFC 5176 dynamic authorization for the LNS: `aaa server
 * radius dynamic-author` (clients, port). Only the active unit listens
 * (the socket opens when the L2TP socket is bound, closes when it is
 * released), from the configured clients only (librad's rad_dae checks
 * the source and its key, and answers duplicates from its cache).
 *
 * Disconnect-Request: the sessions matching every identifying attribute
 * given (Acct-Session-Id, User-Name, Framed-IP-Address) are cleared
 * (LCP Terminate-Request, CDN, Stop with Admin-Reset); none: NAK 503.
 * CoA-Request: Session-Timeout and/or Idle-Timeout replace the session's;
 * any other authorisation attribute: NAK 401 (Unsupported-Attribute).
 *
 * Subscriber SSO rule 2: every answer is an object keyed as librad's
 * duplicate cache keys it (client address and port, Identifier, Request
 * Authenticator, which covers Event-Timestamp) and goes to the standby
 * (SYNC, through the hook sub_ha.c sets) before it is sent; the standby
 * keeps the last SUB_DAE_COPIES, and a new active puts them in its
 * duplicate cache, so that a request retransmitted to it after a
 * switchover is answered identically and clears the session only once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sub_local.h"

#define SUB_DAE_COPIES	64	/* librad's duplicate cache holds as many */

static struct {
	struct rad_dae	*dae;
	int		 fd;
	int		 want;		/* the unit is active */
	int		(*ckpt)(const struct rad_dae_answer *);
	struct rad_dae_answer copies[SUB_DAE_COPIES];
	unsigned	 ncopies, next;
} d = { .fd = -1 };

/* the standby: one answer the active gave (oldest overwritten) */
void
sub_dae_copy(const struct rad_dae_answer *a)
{
	d.copies[d.next] = *a;
	d.next = (d.next + 1) % SUB_DAE_COPIES;
	if (d.ncopies < SUB_DAE_COPIES)
		d.ncopies++;
}

void
sub_dae_copies_reset(void)
{
	explicit_bzero(d.copies, sizeof(d.copies));
	d.ncopies = d.next = 0;
}

/* the bulk: every answer this unit keeps, oldest first */
void
sub_dae_copies_foreach(void (*fn)(const struct rad_dae_answer *))
{
	unsigned i;

	for (i = 0; i < d.ncopies; i++)
		fn(&d.copies[(d.next + SUB_DAE_COPIES - d.ncopies + i) %
		    SUB_DAE_COPIES]);
}

void
sub_dae_set_ckpt(int (*fn)(const struct rad_dae_answer *))
{
	d.ckpt = fn;
}

/* the checkpoint is applied: the held answer goes */
void
sub_dae_release(const struct rad_dae_answer *a)
{
	if (d.dae != NULL)
		rad_dae_release(d.dae, a);
}

static int
dae_ckpt(void *arg, const struct rad_dae_answer *a)
{
	sub_dae_copy(a);	/* ours too: a reopened server keeps them */
	return d.ckpt != NULL ? d.ckpt(a) : 0;
}

static int
identify(const struct rad_pkt *p, char *sid, size_t sl, char *user,
    size_t ul, uint32_t *ip)
{
	struct in_addr in;
	int n = 0;

	sid[0] = user[0] = '\0';
	*ip = 0;
	if (rad_pkt_get_str(p, RAD_ACCT_SESSION_ID, sid, sl) == 0)
		n++;
	if (rad_pkt_get_str(p, RAD_USER_NAME, user, ul) == 0)
		n++;
	if (rad_pkt_get_ip(p, RAD_FRAMED_IP_ADDRESS, &in) == 0) {
		*ip = ntohl(in.s_addr);
		n++;
	}
	return n;
}

static int
action(void *arg, uint8_t code, const struct rad_pkt *p)
{
	char sid[64], user[AAA_NAME_MAX];
	struct sub *s, *next;
	uint32_t ip, st, it;
	int has_st, has_it, found = 0;
	struct sso_cur v;

	if (identify(p, sid, sizeof(sid), user, sizeof(user), &ip) == 0)
		return RAD_EC_MISSING_ATTRIBUTE;
	if (code == RAD_COA_REQUEST) {
		if (rad_pkt_find(p, RAD_FRAMED_POOL, 0, &v) == 0 ||
		    rad_pkt_find(p, RAD_FILTER_ID, 0, &v) == 0)
			return RAD_EC_UNSUPPORTED_ATTRIBUTE;
	}
	has_st = rad_pkt_get_u32(p, RAD_SESSION_TIMEOUT, &st) == 0;
	has_it = rad_pkt_get_u32(p, RAD_IDLE_TIMEOUT, &it) == 0;
	for (s = TAILQ_FIRST(&sub_list); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (s->dying || !sub_acct_match(s, sid[0] ? sid : NULL,
		    user[0] ? user : NULL, ip))
			continue;
		found++;
		if (code == RAD_DISCONNECT_REQUEST) {
			sub_acct_set_cause(s, 6);	/* Admin-Reset */
			sso_log(SSO_NOTICE, SUB_FAC, "DISCONNECT", "session "
			    "%u/%u cleared by a RADIUS Disconnect-Request",
			    s->tid, s->sid);
			(void)sub_up.clear(s);
		} else
			sub_acct_coa(s, has_st, st, has_it, it);
	}
	return found ? 0 : RAD_EC_SESSION_NOT_FOUND;
}

static void
dae_close(void)
{
	rad_dae_free(d.dae);
	d.dae = NULL;
	if (d.fd != -1)
		close(d.fd);
	d.fd = -1;
}

static void
dae_open(void)
{
	struct sockaddr_in sin;
	size_t i;
	int one = 1;

	if (!sub_aaa_conf.dae_on || d.dae != NULL)
		return;
	if ((d.dae = rad_dae_new(action, NULL)) == NULL)
		return;
	rad_dae_set_ckpt(d.dae, dae_ckpt, NULL);
	/* the answers the old active gave, oldest first */
	for (i = 0; i < d.ncopies; i++)
		(void)rad_dae_restore(d.dae, &d.copies[(d.next +
		    SUB_DAE_COPIES - d.ncopies + i) % SUB_DAE_COPIES]);
	for (i = 0; i < sub_aaa_conf.ndae; i++)
		(void)rad_dae_client_add(d.dae, sub_aaa_conf.dae[i].addr,
		    sub_aaa_conf.dae[i].key);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(sub_aaa_conf.dae_port);
	if ((d.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 || setsockopt(d.fd, SOL_SOCKET,
	    SO_REUSEADDR, &one, sizeof(one)) == -1 || bind(d.fd,
	    (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    rad_dae_start(d.dae, svc.loop, d.fd) == -1) {
		sso_log(SSO_ERR, SUB_FAC, "DYNAMIC_AUTHOR", "cannot listen on "
		    "UDP port %u: %s", sub_aaa_conf.dae_port, strerror(errno));
		dae_close();
		return;
	}
	sso_log(SSO_NOTICE, SUB_FAC, "DYNAMIC_AUTHOR", "listening on UDP port "
	    "%u", sub_aaa_conf.dae_port);
}

void
sub_dae_active(int on)
{
	d.want = on;
	if (on)
		dae_open();
	else
		dae_close();
}

void
sub_dae_restart(void)
{
	dae_close();
	if (d.want)
		dae_open();
}

void
sub_dae_stats(struct rad_dae_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (d.dae != NULL)
		rad_dae_get_stats(d.dae, out);
}
