/*
 * issu_local.h - private to issu.c (the procedure) and issu_show.c (its
 * show commands, above it): the record and the unit's ISSU state.
 */
#ifndef SSO_ISSU_LOCAL_H
#define SSO_ISSU_LOCAL_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <ev.h>

#include "log.h"

enum issu_state { ISSU_INIT, ISSU_LOAD, ISSU_RUN, ISSU_NSTATES };
enum issu_compat { COMPAT_OK, COMPAT_BASE, COMPAT_NONE, COMPAT_UNKNOWN };

#define ISSU_ROLLBACK_DEFAULT	2700	/* s, as IOS (45 minutes) */
#define ISSU_ROLLBACK_MAX	7200
#define ISSU_BUILD_LEN		160

/* what is persisted and carried in the keepalives */
struct issu_rec {
	unsigned	 state;
	int		 accepted;	/* acceptversion: timer stopped */
	int		 autorun;	/* changeversion: go on by itself */
	uint64_t	 gen;
	unsigned	 last_ev;	/* enum issu_event of the last change */
	unsigned	 new_unit;	/* the unit on the secondary version */
	unsigned	 rollback_s;	/* configured */
	uint64_t	 deadline_ms;	/* CLOCK_MONOTONIC; 0: timer stopped */
	char		 primary[PATH_MAX];	/* old image ("": none yet) */
	char		 secondary[PATH_MAX];	/* new image */
};

struct issu_unit {
	int		 on;		/* the daemon's unit (not unit tests) */
	struct issu_rec	 r;
	char		 file[PATH_MAX];
	char		 image[PATH_MAX];	/* this process's image */
	char		 build[ISSU_BUILD_LEN];
	/* the peer, from its keepalives */
	int		 peer_known;
	unsigned	 peer_state;
	char		 peer_image[PATH_MAX];
	char		 peer_build[ISSU_BUILD_LEN];
	ev_timer	 timer;		/* rollback, changeversion steps */
	/* loadversion's verdict on the new image (from PATH -V) */
	enum issu_compat load_compat;
	char		 load_why[600];
	uint64_t	 aborts, rollbacks, reloads;
	/* loadversion's `PATH -V`, read by the loop */
	struct {
		pid_t		 pid;
		int		 fd, status, change;
		size_t		 got;
		ev_io		 io;
		ev_timer	 tmo;
		struct sso_reply *r;	/* waiting for the answer */
		char		 path[PATH_MAX];
		char		 out[16384];
	} probe;
	uint64_t	 auto_since_ms;	/* changeversion: this step since */
	char		 auto_failed[600];	/* why it stopped, "" */
	struct sso_ratelimit rl;
};
extern struct issu_unit sso_issu;

const char *issu_state_name(unsigned);
const char *issu_compat_name(enum issu_compat);
const char *issu_event_name(unsigned);
/* with the running peer, from what cf.c negotiated; why: the reason */
enum issu_compat issu_peer_verdict(char *why, size_t len);
/* the action commands and the hooks into rf.c (issu_show.c: the rest) */
void	issu_core_init(void);

#endif
