/*
 * sso.h - public API of libssocore for checkpoint clients.
 *
 * A client registers a const ops table with a stable id, a name, a
 * priority (lower runs first in bulk and in RF event delivery) and the
 * message-version range it speaks. The core never switches on a client.
 *
 * Active side: the client changes its state, then sso_cf_send()s a record
 * describing the change. ASYNC returns at once; SYNC calls done() when the
 * standby has *applied* the record, or on deadline / standby loss.
 * Standby side: apply() gets every record in order; reset() drops all state
 * before a full re-bulk; bulk() is asked, on the active, to re-send the
 * client's whole state page by page.
 */
#ifndef SSO_H
#define SSO_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

enum sso_rf_state {
	SSO_RF_UNKNOWN = 0,
	SSO_RF_DISABLED = 1,
	SSO_RF_INITIALIZATION = 2,
	SSO_RF_NEGOTIATION = 3,
	SSO_RF_STANDBY_COLD = 4,
	SSO_RF_STANDBY_COLD_CONFIG = 5,
	SSO_RF_STANDBY_COLD_FILESYS = 6,
	SSO_RF_STANDBY_COLD_BULK = 7,
	SSO_RF_STANDBY_HOT = 8,
	SSO_RF_ACTIVE_FAST = 9,
	SSO_RF_ACTIVE_DRAIN = 10,
	SSO_RF_ACTIVE_PRECONFIG = 11,
	SSO_RF_ACTIVE_POSTCONFIG = 12,
	SSO_RF_ACTIVE = 13,
	SSO_RF_NSTATES
};
const char	*sso_rf_state_name(enum sso_rf_state);
#define SSO_RF_IS_ACTIVE(s)	((s) >= SSO_RF_ACTIVE_FAST)
#define SSO_RF_IS_STANDBY(s)	((s) >= SSO_RF_STANDBY_COLD && \
				 (s) <= SSO_RF_STANDBY_HOT)

/* RF events delivered to clients, in priority order */
enum sso_rf_event {
	SSO_EV_STATE,		/* our RF state changed (see new/old) */
	SSO_EV_PEER_UP,		/* peer unit reachable */
	SSO_EV_PEER_DOWN,	/* peer unit lost */
	SSO_EV_QUIESCE,		/* manual switchover: stop taking new work */
	SSO_EV_UNQUIESCE,	/* manual switchover aborted */
	SSO_EV_COLD_TAKEOVER,	/* became active with no checkpointed state */
	SSO_EV_HANDOVER,	/* manual switchover: the peer takes over now;
				 * release what it must own (addresses) */
	SSO_EV_HANDED_OVER	/* the peer is active now (after a
				 * handover): release the rest before this
				 * unit restarts or stops */
};

/* which standby progression step a client's bulk belongs to */
enum sso_phase {
	SSO_PHASE_CONFIG,	/* STANDBY COLD-CONFIG */
	SSO_PHASE_FILESYS,	/* STANDBY COLD-FILESYS */
	SSO_PHASE_BULK		/* STANDBY COLD-BULK */
};

struct sso_client;
struct sso_json;

struct sso_client_ops {
	uint32_t	 id;		/* stable, unique, never reused */
	const char	*name;
	int		 priority;	/* lower first */
	uint32_t	 ver_min, ver_max;
	enum sso_phase	 phase;
	/*
	 * Active: send (with sso_cf_send) up to budget records of the
	 * client's state, continuing from where the last call stopped;
	 * first=1 starts from the beginning. Return 1 when everything has
	 * been sent, 0 to be called again, -1 on error (bulk fails).
	 */
	int	(*bulk)(void *arg, int first, unsigned budget);
	/* Standby: apply one record; -1 counts an apply error */
	int	(*apply)(void *arg, uint32_t version, uint32_t type,
		    const uint8_t *data, size_t len);
	/* Standby: forget every checkpointed object (before a re-bulk) */
	void	(*reset)(void *arg);
	void	(*rf_event)(void *arg, enum sso_rf_event,
		    enum sso_rf_state new_state, enum sso_rf_state old_state);
	/* back-pressure released: sso_cf_send accepts records again */
	void	(*flow_on)(void *arg);
	/* extra fields for `show redundancy clients` (may be NULL) */
	void	(*show)(void *arg, struct sso_json *, struct sso_wbuf *);
	/*
	 * ISSU: 0 for a base client (SSO is impossible without it: no common
	 * message version keeps the pair out of STANDBY HOT), 1 for an
	 * optional one (no common version: not synced, the pair goes on,
	 * `show issu comp-matrix` says Base-level)
	 */
	int		 optional;
	/*
	 * Active, quiesced for a manual switchover (or an orderly stop):
	 * nonzero while the client has work under way it would rather finish
	 * than leave to the successor (accounting answers in flight: the
	 * successor would send those records again). The handover waits for
	 * it, at most SSO_HANDOVER_BUSY_MS. May be NULL.
	 */
	int	(*handover_busy)(void *arg);
};
#define SSO_HANDOVER_BUSY_MS	2000

struct sso_client *sso_cf_register(const struct sso_client_ops *, void *arg);

enum sso_cf_status {
	SSO_CF_APPLIED = 0,	/* the standby applied the record */
	SSO_CF_NO_STANDBY,	/* no standby in sync: nothing to wait for */
	SSO_CF_TIMEOUT,		/* deadline passed (record stays queued) */
	SSO_CF_PEER_DOWN	/* standby lost while waiting */
};
typedef void (*sso_cf_done_fn)(void *cbarg, enum sso_cf_status);

#define SSO_SEND_ASYNC	0
#define SSO_SEND_SYNC	1
/*
 * Queue one record. Returns 0 when queued (or when no standby needs it);
 * -1 with errno EAGAIN when the retransmit buffer is full (flow_on() is
 * called once room is back), EMSGSIZE for an oversized record. done() is
 * called exactly once for SYNC sends that returned 0, possibly before
 * sso_cf_send returns (SSO_CF_NO_STANDBY). deadline_ms 0 = default.
 */
int	sso_cf_send(struct sso_client *, uint32_t type, const void *data,
	    size_t len, int flags, sso_cf_done_fn done, void *cbarg,
	    uint32_t deadline_ms);
/*
 * A wait on the stream, no record of its own: done() once the standby
 * has applied every record queued so far (by any client), with the same
 * statuses and deadline as a SYNC send. For a client whose last record
 * already carries what it needs to wait for (L2TP: an ack whose Nr went
 * in the message it answers). Called at once (0 returned) when nothing is
 * unacked or no standby is in sync; -1 EPERM on a standby, ENOMEM.
 */
int	sso_cf_wait(struct sso_client *, sso_cf_done_fn done, void *cbarg,
	    uint32_t deadline_ms);
/*
 * Standby, inside an apply hook: the allocator of the frame being applied
 * (a per-frame arena, core/arena.c), or NULL (malloc). What a client
 * unpacks with it lives until the hook returns; free it with the same
 * allocator (a no-op) or not at all.
 */
struct ProtobufCAllocator *sso_cf_rx_allocator(void);
/*
 * Standby: this client cannot hold a faithful copy (e.g. configuration
 * differs from the active's). Keeps the standby out of HOT, shown on both
 * units, until the next full re-bulk.
 */
void	sso_cf_standby_fault(struct sso_client *, const char *reason);
/* negotiated message version for the client (0 = none yet) */
uint32_t sso_cf_version(const struct sso_client *);
/* is the standby receiving this client's records right now? */
int	sso_cf_streaming(const struct sso_client *);

struct ev_loop *sso_loop(void);
enum sso_rf_state sso_rf_state(void);
int	sso_rf_quiesced(void);		/* manual switchover under way */
/* active because the peer handed over (manual switchover, orderly stop):
 * the old active is alive and lets go of what it holds */
int	sso_rf_via_handover(void);
unsigned sso_rf_unit(void);
uint32_t sso_rf_epoch(void);

/*
 * A client's own crash points (tests, `service internal`; README "Fault
 * injection"): where a service answers its peer with something a SYNC
 * checkpoint made safe. `test crash before-answer` / `after-answer`
 * SIGKILLs the unit there; elsewhere these calls cost one comparison.
 */
void	sso_crash_answer(int after);

/* publish an event on the PUB stream (ssoctl monitor) */
void	sso_event(const char *facility, const char *event, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/*
 * ISSU message evolution (msgver.c): the one way a client's records
 * change between message versions. A client's code holds every record in
 * one native form, the newest version it knows (`native`, which may be
 * above the ver_max it advertises: a build that stands in for an older
 * release). For each record type whose form changed at version v it
 * declares one step: down() takes a decoded record of version v to v-1
 * (drops what v added), up() takes one of v-1 to v (fills what v adds:
 * computed, or the documented default). The active encodes the native
 * form after sso_msgver_down() to the negotiated version; the standby
 * decodes and calls sso_msgver_up() from the version it was given before
 * applying. The older side never needs to know: it only ever sees its
 * own version. A type without steps is the same in every version.
 */
#define SSO_MSGVER_ANY	0	/* a step for every record type */
struct sso_msgver_step {
	uint32_t	 type;		/* record type, or SSO_MSGVER_ANY */
	uint32_t	 version;	/* the form this step leads to (>= 2) */
	int		(*down)(void *rec);	/* version -> version - 1 */
	int		(*up)(void *rec);	/* version - 1 -> version */
};
struct sso_msgver {
	uint32_t	 native;
	const struct sso_msgver_step *steps;
	size_t		 nsteps;
};
/* rec (native form) to version `to`: 0, or -1 (to not in 1..native, a
 * step refused: the record cannot be said in that version) */
int	sso_msgver_down(const struct sso_msgver *, uint32_t type, uint32_t to,
	    void *rec);
/* rec (version `from`) to the native form, what later versions add taken
 * out first (a version-`from` sender cannot have meant it): 0, or -1 */
int	sso_msgver_up(const struct sso_msgver *, uint32_t type, uint32_t from,
	    void *rec);
/* the version to encode for when the client's negotiated one is v: 1 while
 * nothing is negotiated (no standby, or an optional client left out) */
uint32_t sso_msgver_target(const struct sso_msgver *, uint32_t v);

#endif
