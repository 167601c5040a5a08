/*
 * l2tp_svc.h - the L2TP service as ssod runs it: configuration commands,
 * show/clear/debug commands, the UDP socket owned by the active unit, and
 * the checkpoint client that keeps tunnels and sessions on the standby.
 */
#ifndef L2TP_SVC_H
#define L2TP_SVC_H

struct ev_loop;

int	l2tp_svc_init(struct ev_loop *);	/* register everything */
int	l2tp_svc_start(void);			/* after configuration */
/* the active stops with no standby to take over: 1 when done() follows
 * (Accounting-Off answered or given up), 0 when there is nothing to do */
int	l2tp_svc_stop(void (*done)(void));

#endif
