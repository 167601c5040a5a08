/*
 * rad_local.h - librad internals shared by its files.
 */
#ifndef SSO_RAD_LOCAL_H
#define SSO_RAD_LOCAL_H

#include <sys/queue.h>

#include <ev.h>

#include "log.h"
#include "md5.h"
#include "radius.h"

int	rad_hmac_md5(uint8_t out[16], const char *key, const void *buf,
	    size_t len);
int	rad_ct_equal(const void *a, const void *b, size_t n);

/* read up to a burst of IPv4 datagrams from a non-blocking socket, one
 * call of fn each (the loop's fairness: the rest waits for the next
 * wake-up) */
typedef void (*rad_dgram_fn)(void *arg, const uint8_t *, size_t,
    const struct sockaddr_in *from);
void	rad_udp_drain(int fd, rad_dgram_fn, void *arg);

/* ---- client state (client.c: requests; server.c: servers, groups,
 * sockets, identifiers) ---- */

#define RAD_GROUP_MAX	16

struct rad_sock {
	struct rad_server *srv;
	int		 fd;
	ev_io		 io;
	struct rad_req	*ids[256];
	unsigned	 next_id;
	unsigned	 used;
	struct rad_sock	*next;
};

struct rad_server {
	struct rad_client *cl;
	struct rad_server_conf conf;
	struct rad_sock	*socks;
	unsigned	 nsocks;
	int		 state;
	uint64_t	 dead_until_ms;
	uint64_t	 last_answer_us;
	TAILQ_HEAD(, rad_req) queue;	/* waiting for the window */
	ev_timer	 kick;		/* drains the queue from the loop */
	struct rad_server_stats st;
	struct sso_ratelimit rl;	/* one per server: a noisy one
					   does not mute the others */
	struct rad_server *next;
};

struct rad_group {
	char		 name[32];
	struct rad_client *cl;
	struct rad_server *srv[RAD_GROUP_MAX];
	unsigned	 n;
	struct rad_group *next;
};

struct rad_client {
	struct ev_loop	*loop;
	struct rad_server *servers;
	struct rad_group *groups;
	TAILQ_HEAD(, rad_req) reqs;
	unsigned	 max_socks;
	unsigned	 in_flight;
	struct sockaddr_in src;
	int		 has_src;
	void		(*sock_cb)(struct ev_loop *, ev_io *, int);
};

struct rad_req {
	struct rad_client *cl;
	struct rad_group *grp;
	uint32_t	 tried;		/* bitmap of group indexes tried */
	unsigned	 gidx;
	struct rad_server *srv;
	struct rad_sock	*sock;
	uint8_t		 id;
	uint8_t		 code;
	unsigned	 tries;		/* transmissions to this server */
	int		 on_srv;	/* counted in srv->st.in_flight */
	int		 queued;	/* in srv's queue */
	TAILQ_ENTRY(rad_req) qlink;
	uint64_t	 first_sent_us;	/* to this server */
	char		*pw;		/* PAP, wiped on free */
	uint8_t		*attrs;		/* without Acct-Delay-Time */
	size_t		 alen;
	uint64_t	 event_time;	/* accounting: wall seconds */
	uint8_t		 wire[RAD_PKT_MAX];
	size_t		 wlen;
	uint8_t		 ra[RAD_AUTH_LEN];
	uint64_t	 sent_us;
	ev_timer	 tm;
	rad_done_cb	 cb;
	void		*arg;
	TAILQ_ENTRY(rad_req) link;
};

int	rad_srv_alive(struct rad_server *);
void	rad_srv_dead(struct rad_server *);
void	rad_srv_queue_add(struct rad_server *, struct rad_req *);
void	rad_srv_queue_del(struct rad_server *, struct rad_req *);
int	rad_srv_window_full(const struct rad_server *);
int	rad_srv_id_alloc(struct rad_req *, struct rad_server *);
void	rad_srv_id_free(struct rad_req *);
void	rad_srv_free_all(struct rad_client *);

#endif
