/*
 * pair.h - two units of the core in one process for test_rf.c and
 * test_cf.c: each a struct sso_core of its own (sso_unit_new), wired back
 * to back through an in-memory transport (struct sso_tx_ops) instead of
 * chan.c, on a private libev loop. Frames are packed on send and queue on
 * a wire; pair_run() delivers them (decoded again, as chan.c would) and
 * runs the loop until a condition holds or a deadline passes. A filter can
 * lose, duplicate or hold back (reorder) frames; a link can be cut; a
 * capacity limit on the checkpoint link makes sends fail with EAGAIN.
 */
#ifndef SSO_TEST_PAIR_H
#define SSO_TEST_PAIR_H

#include "sso_local.h"

/* what a filter decides for one frame */
enum pair_verdict { PAIR_PASS, PAIR_DROP, PAIR_DUP, PAIR_HOLD };
typedef enum pair_verdict (*pair_filter_fn)(int to, enum sso_link,
    const Sso__Frame *);

/* the test client on each unit: its state is an array of values */
#define TC_ID		4242
#define TC_MAX		4096
struct tside {
	struct sso_core	*u;
	struct sso_client *cl;
	struct sso_client_ops ops;
	uint32_t	 val[TC_MAX];	/* the client's objects */
	unsigned	 nval;		/* active: objects to bulk */
	unsigned	 bulk_pos;
	unsigned	 applied, resets, bulks, flow_on, apply_errors;
	unsigned	 ev[8];		/* rf events seen, by enum sso_rf_event */
	int		 restarted;	/* sso_rf_restart() was called */
	int		 dead;		/* ... so the unit is gone */
	char		 restart_why[128];
	/* transport side */
	int		 want_write;
	unsigned	 tx_frames[SSO_LINK_MAX];
};

extern struct tside T[2];
extern pair_filter_fn pair_filter;
extern int pair_cut[SSO_LINK_MAX];	/* 1: frames on that link are lost */
extern unsigned pair_cf_cap;		/* CF frames in flight at most (0: any) */
extern struct ev_loop *pair_loop;

/* both units, configured for the tests (fast keepalives); ver: the test
 * client's version range on each unit; not started */
void	pair_setup(uint32_t ver_min0, uint32_t ver_max0, uint32_t ver_min1,
	    uint32_t ver_max1);
void	pair_start(int which);		/* sso_rf_start on unit which */
void	pair_start_both(void);
/* unit which is gone (process killed): timers off, frames to it lost */
void	pair_kill(int which);
/* unit which is started again as a fresh process */
void	pair_restart(int which);
void	pair_teardown(void);
#define PAIR_SETTLE_MS	5000
/* both started; unit 0 active with nval objects, unit 1 HOT with a copy */
void	pair_settle(unsigned nval);
/* deliver and run until cond(arg) or ms passed; returns cond's value */
int	pair_run(int (*cond)(void *), void *arg, unsigned ms);
void	pair_run_for(unsigned ms);	/* deliver and run for ms */
void	pair_step(void);		/* one round, no waiting */
/* the CF link (re)connects on both units, as a ZMTP reconnect does */
void	pair_cf_reconnect(void);
enum sso_rf_state pair_state(int which);
/* conditions */
int	pair_both_settled(void *);	/* one ACTIVE, other STANDBY HOT */
int	pair_is_active(void *which);
int	pair_synced(void *);		/* standby's objects == active's */	/* (void *)(intptr_t)unit */
/* active side: one more object changed, sent as a record */
int	pair_send(int which, uint32_t value, int flags, sso_cf_done_fn,
	    void *cbarg);

#endif
