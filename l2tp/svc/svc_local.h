/*
 * svc_local.h - private to the L2TP service (svc.c, conf.c, show.c,
 * l2tp_svc.c and the checkpoint client ha*.c).
 */
#ifndef L2TP_SVC_LOCAL_H
#define L2TP_SVC_LOCAL_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <ev.h>

#include "sso.h"
#include "log.h"
#include "l2tp.h"
#include "l2tp_svc.h"

#define SVC_FAC		"VPDN"
#define SVC_RESYNC_DEFAULT	20	/* see README: l2tp tunnel resync */

struct svc_group {
	TAILQ_ENTRY(svc_group) entry;
	struct l2tp_group g;
	int		 protocol_l2tp;
	int		 sso;		/* sso enable (default on) */
	unsigned	 resync;	/* l2tp tunnel resync N */
	uint16_t	 rx_window_cfg;	/* as configured; g.rx_window is
					 * what we advertise (reduced by HA) */
	char		 initiate_text[80];
	unsigned	 initiate_port;
	int		 has_initiate;
	int		 reflect_cfg;
	unsigned	 vtemplate;	/* virtual-template N, 0: none */
	int		 lcp_reneg_always;	/* lcp renegotiation always */
	int		 lcp_reneg_set;
	/* file lines, for the cross-line checks of the configuration */
	int		 line, line_accept, line_request, line_protocol;
	int		 line_timeout, line_vt;
};
TAILQ_HEAD(svc_groups, svc_group);

/* `show vpdn history failure` */
#define SVC_FAILHIST	64
struct svc_failure {
	uint64_t	 wall_ms;
	uint16_t	 tid, sid;
	char		 peer[64];
	char		 reason[96];
};

struct svc {
	struct ev_loop	*loop;
	struct l2tp_ctx	*ctx;
	int		 vpdn_enabled;
	int		 sso_enabled;		/* l2tp sso enable */
	unsigned	 ack_delay_ms;		/* l2tp ack-delay */
	int		 have_listen;
	struct sockaddr_storage listen;
	socklen_t	 listen_len;
	char		 listen_text[80];
	unsigned	 listen_port;
	int		 listening;
	/* this process was a standby once: a peer unit was active, so
	 * becoming active is a switchover, not a start of the service */
	int		 was_standby;
	ev_timer	 bind_timer;
	uint64_t	 bind_failures;
	int		 bind_logged;
	struct svc_groups groups;
	struct svc_failure fail[SVC_FAILHIST];
	unsigned	 nfail;
	uint64_t	 calls_refused_resync;
};
extern struct svc svc;
extern struct sso_ratelimit svc_rl;

struct svc_group *svc_group_find(const char *name);
struct svc_group *svc_group_default(void);
void	svc_failure(uint16_t tid, uint16_t sid, const char *peer,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *svc_sockaddr_text(const struct sockaddr *, char *, size_t,
	    unsigned *port);
int	svc_listen(void);		/* active: bind the service socket */
void	svc_unlisten(void);
void	svc_handover(int on);	/* old active: the successor takes the socket */

void	svc_conf_register(void);
void	sub_register(void);		/* sub.c: the subscriber part */
void	svc_show_register(void);

/*
 * What the service reports upward, through the hooks the checkpoint
 * client registers (ha.c): svc.c never calls it by name, so the calls go
 * one way (ha -> svc). Unset hooks do nothing (no checkpoint: not held).
 */
enum svc_event {
	SVC_EV_SOCKET_BOUND,		/* the service socket is ours now */
	SVC_EV_SOCKET_RELEASED,		/* handed over (manual switchover) */
	SVC_EV_MAX
};
struct svc_hooks {
	void	(*event)(void *, enum svc_event);
	/* the subscriber part (sub.c): LNS sessions up/down, PPP payload */
	void	(*session_event)(void *, struct l2tp_session *,
		    enum l2tp_event);
	void	(*data)(void *, struct l2tp_session *, const uint8_t *, size_t);
	void	(*tunnel_event)(void *, struct l2tp_tunnel *, enum l2tp_event);
	void	(*session_changed)(void *, struct l2tp_session *);
	int	(*ckpt_send)(void *, struct l2tp_tunnel *, uint16_t, int,
		    const uint8_t *, size_t);
	int	(*ckpt_ack)(void *, struct l2tp_tunnel *, uint16_t, int);
};
#define SVC_HOOKS_MAX	4	/* the checkpoint client, subscribers */
int	svc_hooks_register(const struct svc_hooks *, void *arg);
int	svc_init(struct ev_loop *);	/* the service alone (l2tp_svc.c) */
void	svc_cmds_register(void);

/* the checkpoint client (ha*.c): entry, and what show.c reads */
void	ha_init(void);
int	ha_tunnel_protected(const struct l2tp_tunnel *);
void	ha_show_register(void);

#endif
