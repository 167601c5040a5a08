/*
 * l2tp-peer.h - state shared by the modules of l2tp-peer, a strict L2TP
 * peer and load generator on libl2tp (see l2tp-peer.c for the whole).
 *
 *   l2tp-peer.c       options, phases, signals, failures, the report
 *   l2tp-peer-lac.c   LAC role: tunnels x calls, churn, quiet instants
 *   l2tp-peer-data.c  data frames: pacing, reflection check, timeline
 *   l2tp-peer-lns.c   LNS role (--listen): accept, answer, reflect
 *   l2tp-peer-ppp.c   PPP client per call (--ppp), IPv4/UDP data frames
 *   l2tp-peer-tun.c   a TUN device per call (--tun)
 *   l2tp-peer-echo.c  the UDP reflector (--echo)
 *
 * One process, one libev loop, one UDP socket, one global state (peer).
 * Time is CLOCK_MONOTONIC everywhere, in seconds (double) for pacing and
 * in nanoseconds where it goes into a frame.
 */
#ifndef L2TP_PEER_H
#define L2TP_PEER_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include <ev.h>

#include "l2tp.h"

#define PEER_MAX_OUTSTANDING	256	/* call (and tunnel) setups in flight:
					 * --max-inflight's default */
#define PEER_MAX_FAILURES	1000	/* kept for the report; all counted */
#define PEER_TICK_S		0.001	/* the clock of pacing and churn */
#define PEER_DRAIN_S		0.5	/* reflected frames still in flight */
#define PEER_REFILL_S		5.0	/* drain: replacements may take this */
#define PEER_CLOSE_S		1.0	/* exit: StopCCNs acknowledged within */
#define PEER_HOLDOFF_S		1.0	/* a tunnel whose call failed rests */
#define PEER_CALL_STUCK_S	60.0	/* a call unanswered this long fails */
#define PEER_REASON_MAX		160

enum peer_role {
	PEER_LAC,
	PEER_LNS
};

enum peer_phase {
	PEER_PH_SETUP,		/* LAC: tunnels and calls coming up */
	PEER_PH_RUN,		/* data and churn (LNS: serving) */
	PEER_PH_DRAIN,		/* no new load; in-flight frames return */
	PEER_PH_CLOSE,		/* reported; StopCCNs on their way */
	PEER_PH_MAX
};

struct peer_failure {
	unsigned	tunnel, session;
	double		at;			/* seconds since start */
	char		reason[PEER_REASON_MAX];
};

struct peer_opts {
	enum peer_role	role;
	struct sockaddr_storage server, bind;	/* bind: --bind or --listen */
	socklen_t	server_len, bind_len;
	unsigned	tunnels, sessions, setup_rate, churn;
	unsigned	max_inflight;		/* setups in flight at most */
	unsigned	hello, retries, rtx_min, setup_timeout;
	unsigned	data_rate, frame_size;
	double		duration;		/* 0: until a signal */
	double		lcp_echo;		/* --lcp-echo S, 0: none */
	const char	*secret, *hostname, *timeline, *sessions_file;
	unsigned	refuse_every;		/* LNS: refuse every Nth call */
	unsigned	abandon_every;		/* LAC: hang up every Nth in
						 * setup */
	int		json, redial, reflect;
	/* PPP client (--ppp) */
	int		ppp, tun, ppp_debug;
	int		expect_auth_fail;	/* PEER_AUTHFAIL_* */
	unsigned	auth;			/* enum ppp_auth, 0: any */
	const char	*user, *password;
	uint32_t	reflector_addr;		/* host order, 0: none */
	uint16_t	reflector_port;
	int		default_route;		/* --tun: via the first */
};

enum {
	PEER_AUTHFAIL_NONE = 0,
	PEER_AUTHFAIL_RFC,	/* verdict, Terminate-Request, CDN */
	PEER_AUTHFAIL_CDN	/* ... or a bare CDN (l2tpns) */
};

/* PPP figures for the report (l2tp-peer-ppp.c) */
struct peer_ppp_stats {
	uint64_t	started, auth_ok, auth_fail, ipcp_up, addresses;
	uint64_t	dns, refused_rfc, refused_bare, term_rx;
	uint64_t	echo_tx, echo_ok, echo_bad;	/* --lcp-echo */
	double		echo_gap_max;		/* seconds between answers */
	uint64_t	frames_rx, frames_tx, ip_rx, ip_tx, ip_bad;
	uint64_t	tun_rx, tun_tx, tun_drops;
	unsigned	tuns;
	uint64_t	distinct;		/* addresses held at the end */
};
extern struct peer_ppp_stats peer_ppp_stats;
struct peer_ppp;

/* data frames (l2tp-peer-data.c); counters read by the report */
struct peer_data {
	uint64_t	sent, received, bad, duplicates, send_errors;
	uint64_t	start_ns;		/* CLOCK_MONOTONIC at data start */
	double		t_start;		/* the same, in seconds */
	double		last_rx, longest_gap;	/* seconds */
	double		rtt_sum, rtt_max;	/* seconds */
	int		offering;		/* frames are being sent */
};

struct peer {
	struct peer_opts o;
	struct ev_loop	*loop;
	struct l2tp_ctx	*ctx;
	struct l2tp_group group;
	enum peer_phase	phase;
	int		ran;			/* reached the run phase */
	int		quiesce, quiet_reported;
	double		t_start, t_ready, t_end, t_close;
	int		sockbuf;		/* receive buffer obtained */

	/* LAC counters */
	uint64_t	setups, setups_at_ready, teardowns, redials;
	uint64_t	calls_placed, abandoned;
	unsigned	tunnels_up, sessions_up;
	/* LNS counters */
	uint64_t	tunnels_accepted, calls_accepted, calls_closed;
	uint64_t	calls_offered, calls_refused;

	struct peer_data data;
	uint64_t	violations[L2TP_DROP_MAX];	/* already failed */

	struct peer_failure fail[PEER_MAX_FAILURES];
	unsigned	nfail, nfail_total;
};
extern struct peer peer;

/* l2tp-peer.c */
double	peer_mono(void);
uint64_t peer_mono_ns(void);
void	peer_fail(unsigned tid, unsigned sid, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	peer_start_run(double now);
void	peer_oom(void) __attribute__((noreturn));

/* l2tp-peer-lac.c */
extern const struct l2tp_host_ops peer_lac_ops;
int	peer_lac_init(void);
void	peer_lac_tick(double now, double dt);
int	peer_lac_settled(double now);	/* nothing outstanding, all filled */
void	peer_lac_close(void);		/* StopCCN on every tunnel */
/* round-robin over established calls, for the data; NULL: none */
struct l2tp_session *peer_lac_next_session(void);
void	peer_lac_free(void);

/* the calls' PPP links (LAC side of l2tp-peer-lac.c) */
void	peer_lac_ppp_up(void *call);
void	peer_lac_ppp_down(void *call, int unused);
struct peer_ppp *peer_lac_session_ppp(struct l2tp_session *);
void	peer_lac_check_addresses(void);

/* l2tp-peer-ppp.c */
struct peer_ppp *peer_ppp_start(struct l2tp_session *, void *call,
	    uint16_t tid, uint16_t sid);
void	peer_ppp_input(struct peer_ppp *, const uint8_t *, size_t);
void	peer_ppp_end(struct peer_ppp *);
void	peer_ppp_reap(void);
int	peer_ppp_refused_ok(struct peer_ppp *);
int	peer_ppp_overdue(const struct peer_ppp *, double now);
int	peer_ppp_failed(const struct peer_ppp *);
int	peer_ppp_is_up(const struct peer_ppp *);
uint32_t peer_ppp_addr(const struct peer_ppp *);
uint32_t peer_ppp_peer_addr(const struct peer_ppp *);
int	peer_ppp_send_udp(struct peer_ppp *, const uint8_t *, size_t);
int	peer_ppp_send_ip(struct peer_ppp *, const uint8_t *, size_t);
int	peer_ppp_tun(const struct peer_ppp *);
void	peer_ppp_set_tun(struct peer_ppp *, int idx);

/* l2tp-peer-tun.c */
int	peer_tun_attach(struct peer_ppp *);
void	peer_tun_detach(struct peer_ppp *);
void	peer_tun_write(struct peer_ppp *, const uint8_t *, size_t);

/* l2tp-peer-echo.c: --echo ADDR:PORT, runs until SIGINT/SIGTERM */
int	peer_echo_run(const struct sockaddr_storage *, socklen_t);

/* l2tp-peer-lns.c */
extern const struct l2tp_host_ops peer_lns_ops;
void	peer_lns_close(void);

/* l2tp-peer-data.c */
void	peer_data_start(double now);
void	peer_data_send(double now);
void	peer_data_stop(double now);
void	peer_data_input(void *, struct l2tp_session *, const uint8_t *,
	    size_t);
void	peer_data_frame(const uint8_t *, size_t);	/* payload back */
int	peer_data_timeline(const char *path, double now);
void	peer_data_free(void);

#endif
