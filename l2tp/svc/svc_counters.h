/*
 * svc_counters.h - the L2TP service's counters as one table, read by
 * `show l2tp counters` (show.c) and by the Prometheus collector
 * (metrics.c), so both always list the same ones; and why tunnels were
 * refused (svc.c).
 */
#ifndef L2TP_SVC_COUNTERS_H
#define L2TP_SVC_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

struct svc_counter {
	const char	*name;		/* show l2tp counters name */
	const char	*help;		/* one line, for the metrics */
	uint64_t	 v;
};
#define SVC_NCOUNTERS	24
/* fill c (room for SVC_NCOUNTERS), return how many */
size_t	svc_counters(struct svc_counter *c);

/* why an SCCRQ was refused by the service's rules (svc.c) */
enum svc_refusal {
	SVC_REFUSE_NO_GROUP,		/* no accept-dialin group matches */
	SVC_REFUSE_TERMINATE_FROM,	/* the one group names another host */
	SVC_REFUSE_NO_PROTOCOL,		/* group lacks protocol l2tp */
	SVC_REFUSE_NOT_ACTIVE,		/* standby, or manual switchover */
	SVC_REFUSE_VPDN_DISABLED,	/* no vpdn enable */
	SVC_REFUSE_MAX
};
extern const char *const svc_refusal_names[SVC_REFUSE_MAX];
extern uint64_t svc_refusals[SVC_REFUSE_MAX];

/* HA resync statistics (read-only accessor at the end of ha.c) */
struct svc_ha_stats {
	uint64_t	 rx_records, tx_records, sync_waits, deferred;
	uint64_t	 apply_errors, restore_fail, unprotected;
	uint64_t	 rs_success, rs_fail, fo_success, fo_fail;
	uint64_t	 rs_duration_ms;
	unsigned	 rs_outstanding, sb_tunnels;
	int		 rs_running;
};
void	ha_get_stats(struct svc_ha_stats *);

/* metrics.c: register the L2TP collector (from l2tp_svc_init) */
void	svc_metrics_register(void);

#endif
