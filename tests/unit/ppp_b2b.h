/*
 * ppp_b2b.h - two libppp engines back to back (ppp_b2b.c): the host side
 * of each, the wire between them and b2b_run(), which brings a session
 * up between them (LNS SD[0], client SD[1]) and checks that it is.
 */
#ifndef SSO_TEST_PPP_B2B_H
#define SSO_TEST_PPP_B2B_H

#include "runner.h"
#include "ppp_local.h"

struct side {
	struct ppp_session *s;
	uint32_t	 rnd;
	uint32_t	 timer[4];	/* LCP, IPCP, PAP, CHAP: ms, 0 = off */
	uint64_t	 due[4];	/* simulated time it fires */
	int		 up, dead, auth_ok, auth_fail;
	int		 async_auth, pending_auth, auth_calls;
	int		 released;
	/* addr_alloc answered later */
	int		 async_addr, addr_asked;
	uint8_t		 last[1600];
	size_t		 last_len;
	unsigned	 sent;
	unsigned	 ckpts;
};

extern struct side SD[2];
extern int lossy;	/* every 3rd frame lost, every 4th duplicated */
extern const struct ppp_host_ops b2b_ops;	/* ops->arg is &SD[i] */

struct ppp_conf b2b_lns_conf(enum ppp_auth, enum ppp_auth);
struct ppp_conf b2b_client_conf(const char *pw);
void	b2b_setup(const struct ppp_conf *lns, const struct ppp_conf *cli);
void	b2b_teardown(void);
/* deliver the wire; when it is quiet, fire the earliest restart timer */
void	b2b_pump(int rounds);
/* deliver the wire only: no timer fires */
void	b2b_pump_wire(void);
void	b2b_wire_clear(void);
void	b2b_input(int side, const uint8_t *, size_t);
/* a session up between the two, authenticated with a */
void	b2b_run(enum ppp_auth a, int loss);

#endif
