/*
 * metrics.h - Prometheus text exposition (format 0.0.4) for ssod.
 *
 * A module registers a collector (const struct sso_metrics_ops) once at
 * start-up; a scrape of `metrics listen ADDRESS PORT` calls every
 * collector, in registration order, with a writer. The core never knows
 * a module's metrics: L2TP registers its own.
 *
 * Scrapes are answered on the libev loop thread (libmicrohttpd without a
 * thread of its own), so a collector reads the daemon's state directly,
 * exactly as a show command does, and never needs a lock.
 *
 * Writer rules (what Prometheus requires of the text format):
 *  - a family is opened once with sso_mw_family(); its # HELP and # TYPE
 *    lines are written then, and all its samples follow it. Opening the
 *    same family again later, a bad name or label name, or a counter whose
 *    name does not end in _total is an error: the samples are dropped
 *    (the scrape stays valid) and counted in sso_mw_errors();
 *  - label values are escaped (backslash, double quote, newline);
 *  - the writer's constant label (unit="0") goes on every sample.
 */
#ifndef SSO_METRICS_H
#define SSO_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct sso_json;

enum sso_metric_type { SSO_METRIC_COUNTER, SSO_METRIC_GAUGE };

struct sso_mw {
	struct sso_wbuf	*b;
	char		 cl[96];	/* constant labels, rendered */
	char		 cur[128];	/* open family, "" = none */
	int		 cur_ok;	/* samples of cur are written */
	char		**seen;		/* families opened so far */
	size_t		 nseen, capseen;
	unsigned	 errors;
};

/* label_name/label_value: the constant label (NULL: none) */
void	sso_mw_init(struct sso_mw *, struct sso_wbuf *, const char *label_name,
	    const char *label_value);
void	sso_mw_free(struct sso_mw *);
unsigned sso_mw_errors(const struct sso_mw *);
/* open a family: 0, or -1 (bad or repeated name; its samples dropped) */
int	sso_mw_family(struct sso_mw *, const char *name, enum sso_metric_type,
	    const char *help);
/*
 * One sample of the open family: labels as name, value pairs ended by
 * NULL, e.g. sso_mw_sample(w, 13, "state", "ACTIVE", NULL).
 */
int	sso_mw_sample(struct sso_mw *, uint64_t v, ...)
	    __attribute__((sentinel));
/* a family with a single unlabelled sample */
int	sso_mw_gauge(struct sso_mw *, const char *name, const char *help,
	    uint64_t v);
int	sso_mw_counter(struct sso_mw *, const char *name, const char *help,
	    uint64_t v);

/* the registry */
struct sso_metrics_ops {
	const char	*name;		/* for logs */
	void		(*collect)(void *arg, struct sso_mw *);
};
int	sso_metrics_register(const struct sso_metrics_ops *, void *arg);
/* one whole scrape into b (tests and the HTTP handler) */
void	sso_metrics_render(struct sso_wbuf *b);

/* core start-up (sso.c): configuration commands, then the listener */
void	sso_metrics_conf_register(void);
int	sso_metrics_start(void);
void	sso_metrics_stop(void);

/*
 * Snapshots cf.c gives the core's collector (read-only accessors, kept
 * at the end of cf.c).
 */
struct sso_cf_stats {
	uint64_t	 history, last_seq, acked, applied;
	uint64_t	 backlog_records, backlog_bytes;
	uint64_t	 records_tx, records_rx, acks_tx, acks_rx;
	uint64_t	 initial_bulks, partial_resyncs, full_resyncs;
	uint64_t	 retransmits, dup_records, gaps, overflows;
	uint64_t	 sync_timeouts, eagain, rehellos;
	uint64_t	 waits, waits_now, flush_held;
	int		 session_up;
	/* for show checkpoint statistics (cf_show.c) */
	uint64_t	 backlog_limit, hellos_tx, hellos_rx, ignored;
	int		 link_stalled;
};
struct sso_cf_client_stats {
	const char	*name;
	uint32_t	 id, version, ver_min, ver_max;
	uint32_t	 peer_min, peer_max;	/* 0: not negotiated */
	int		 optional;	/* ISSU: not needed for SSO */
	int		 streaming;
	uint64_t	 tx_msgs, tx_bytes, rx_msgs, rx_bytes, errors, pending;
	uint64_t	 bulks;
	/* for show checkpoint clients (cf_show.c) */
	int		 priority;
	void		(*show)(void *, struct sso_json *, struct sso_wbuf *);
	void		*show_arg;
};
struct sso_client;
void	sso_cf_get_stats(struct sso_cf_stats *);
/* iterate the registered clients: first with NULL */
const struct sso_client *sso_cf_client_next(const struct sso_client *);
void	sso_cf_client_get_stats(const struct sso_client *,
	    struct sso_cf_client_stats *);

#endif
