/*
 * ssod_modules.h - modules beyond the core that ssod links (L2TP).
 * Kept apart so the core never includes a client.
 */
#ifndef SSOD_MODULES_H
#define SSOD_MODULES_H

struct ev_loop;
int	ssod_modules_init(struct ev_loop *);	/* register config/commands */
int	ssod_modules_start(struct ev_loop *);	/* after the core started */
/* an orderly stop with nothing to hand over: 1 when done() will be called
 * once the modules have said goodbye (RADIUS Accounting-Off), 0: stop now */
int	ssod_modules_stop(void (*done)(void));

#endif
