/*
 * fault.c - fault injection for the reliability tests (issue: torture
 * suite). Off unless a `test ...` command turns it on at run time.
 *
 *   test checkpoint fault drop PCT        drop PCT% of checkpoint frames
 *   test checkpoint fault duplicate PCT   send PCT% of them twice
 *   test checkpoint fault delay PCT MS    hold PCT% for MS ms (reorders)
 *   test checkpoint fault off
 *   test crash POINT [after N]            SIGKILL this process the Nth
 *                                         time it passes POINT
 * POINT: the checkpoint path's (before-ckpt-send, after-ckpt-send,
 * before-ack, after-ack, mid-bulk) or a client's answer to its peer
 * (before-answer, after-answer: sso_crash_answer()).
 * Frames are damaged on the sending side, after encoding, so the peer
 * sees exactly what a lossy, duplicating, reordering link would give it.
 *
 * Every test hook of the daemon (these, `test link cut`, `test checkpoint
 * link break`, `test l2tp hello-burst`, `kv fill`/`kv bench`,
 * SSOD_TEST_CRASH) needs `service internal` in the configuration, as on
 * IOS: a production unit cannot be crashed or degraded by a stray command.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "sso_local.h"

struct held {
	struct held	*next;
	uint64_t	 due_ms;
	size_t		 len;
	uint8_t		 buf[];
};

static struct {
	unsigned	 drop, dup, delay, delay_ms;
	enum sso_crash	 crash;
	unsigned	 crash_after;
	uint64_t	 dropped, duplicated, delayed;
	struct held	*held;
	ev_timer	 timer;
	unsigned	 seed;
	int		 internal;	/* `service internal` */
	int		 env_armed;	/* SSOD_TEST_CRASH seen */
} flt;

static const char *const crash_names[SSO_CRASH_MAX] = {
	[SSO_CRASH_NONE] = "none",
	[SSO_CRASH_BEFORE_CKPT_SEND] = "before-ckpt-send",
	[SSO_CRASH_AFTER_CKPT_SEND] = "after-ckpt-send",
	[SSO_CRASH_BEFORE_ACK] = "before-ack",
	[SSO_CRASH_AFTER_ACK] = "after-ack",
	[SSO_CRASH_MID_BULK] = "mid-bulk",
	[SSO_CRASH_BEFORE_ANSWER] = "before-answer",
	[SSO_CRASH_AFTER_ANSWER] = "after-answer",
};

int
sso_service_internal(void)
{
	return flt.internal;
}

int
sso_test_refused(struct sso_reply *r)
{
	if (flt.internal)
		return 0;
	return sso_reply_err(r, SSO_RC_ERROR, "%% Test commands need "
	    "'service internal' in the configuration");
}

static int
c_service(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	flt.internal = !no;
	return 0;
}

static void
print_service(void *arg, struct sso_wbuf *b)
{
	if (flt.internal)
		sso_wbuf_printf(b, "service internal\n!\n");
}

/* the file is read: an armed SSOD_TEST_CRASH needs service internal too */
void
sso_fault_check(void)
{
	if (!flt.env_armed || flt.internal)
		return;
	flt.crash = SSO_CRASH_NONE;
	sso_log(SSO_WARNING, "TEST", "CRASH", "SSOD_TEST_CRASH ignored: test "
	    "hooks need 'service internal' in the configuration");
}

void
sso_crash_point(enum sso_crash cp)
{
	if (flt.crash != cp || flt.crash == SSO_CRASH_NONE || !flt.internal)
		return;
	if (flt.crash_after > 1) {
		flt.crash_after--;
		return;
	}
	sso_log(SSO_CRIT, "TEST", "CRASH", "crash point %s reached: SIGKILL",
	    crash_names[cp]);
	raise(SIGKILL);
}

void
sso_crash_answer(int after)
{
	sso_crash_point(after ? SSO_CRASH_AFTER_ANSWER :
	    SSO_CRASH_BEFORE_ANSWER);
}

static int
chance(unsigned pct)
{
	return pct > 0 && (unsigned)(rand_r(&flt.seed) % 100) < pct;
}

/* how held frames go out: chan.c's raw send, given at start-up so that
 * this module never names the transport that calls it */
static int (*raw_send)(enum sso_link, const uint8_t *, size_t);

static void
held_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	uint64_t now = sso_now_ms();
	struct held **pp = &flt.held, *h;

	while ((h = *pp) != NULL) {
		if (h->due_ms <= now) {
			*pp = h->next;
			(void)raw_send(SSO_LINK_CF, h->buf, h->len);
			free(h);
		} else
			pp = &h->next;
	}
	if (flt.held == NULL)
		ev_timer_stop(loop, w);
}

/* 0: send as is; 1: consumed (dropped or held); 2: send twice */
int
sso_fault_frame(enum sso_link l, const uint8_t *buf, size_t len)
{
	struct held *h;

	if (l != SSO_LINK_CF || (flt.drop | flt.dup | flt.delay) == 0)
		return 0;
	if (chance(flt.drop)) {
		flt.dropped++;
		return 1;
	}
	if (chance(flt.delay) && (h = malloc(sizeof(*h) + len)) != NULL) {
		h->due_ms = sso_now_ms() + flt.delay_ms;
		h->len = len;
		memcpy(h->buf, buf, len);
		h->next = flt.held;
		flt.held = h;
		flt.delayed++;
		if (!ev_is_active(&flt.timer)) {
			ev_timer_init(&flt.timer, held_cb, 0.001, 0.001);
			ev_timer_start(sso.loop, &flt.timer);
		}
		return 1;
	}
	if (chance(flt.dup)) {
		flt.duplicated++;
		return 2;
	}
	return 0;
}

static int
reply_state(struct sso_reply *r)
{
	if (r->json)
		sso_wbuf_printf(&r->out, "{\"drop\":%u,\"duplicate\":%u,"
		    "\"delay\":%u,\"delay_ms\":%u,\"crash\":\"%s\","
		    "\"dropped\":%llu,\"duplicated\":%llu,\"delayed\":%llu}",
		    flt.drop, flt.dup, flt.delay, flt.delay_ms,
		    crash_names[flt.crash], (unsigned long long)flt.dropped,
		    (unsigned long long)flt.duplicated,
		    (unsigned long long)flt.delayed);
	else
		sso_wbuf_printf(&r->out, "checkpoint faults: drop %u%%, "
		    "duplicate %u%%, delay %u%% by %u ms; crash point %s\n",
		    flt.drop, flt.dup, flt.delay, flt.delay_ms,
		    crash_names[flt.crash]);
	return SSO_RC_OK;
}

enum { F_DROP, F_DUP, F_DELAY, F_OFF, F_SHOW };

static int
cmd_fault(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	switch ((int)(intptr_t)arg) {
	case F_DROP:
		flt.drop = a->u[0];
		break;
	case F_DUP:
		flt.dup = a->u[0];
		break;
	case F_DELAY:
		flt.delay = a->u[0];
		flt.delay_ms = a->u[1];
		break;
	case F_OFF:
		flt.drop = flt.dup = flt.delay = 0;
		break;
	default:
		break;
	}
	if ((int)(intptr_t)arg != F_SHOW)
		sso_log(SSO_WARNING, "TEST", "FAULT", "checkpoint fault "
		    "injection: drop %u%% duplicate %u%% delay %u%%/%u ms",
		    flt.drop, flt.dup, flt.delay, flt.delay_ms);
	return reply_state(r);
}

static int
cmd_crash(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	flt.crash = (enum sso_crash)(a->u[0] + 1);
	flt.crash_after = a->n > 1 ? a->u[1] : 1;
	sso_log(SSO_WARNING, "TEST", "CRASH", "armed: crash at %s (pass %u)",
	    crash_names[flt.crash], flt.crash_after);
	return reply_state(r);
}

/*
 * SSOD_TEST_CRASH=POINT[:N] arms a crash point from the first instruction
 * (tests: a standby that must die in its very first bulk cannot be armed
 * over the control socket in time).
 */
static void
crash_from_env(void)
{
	const char *e = getenv("SSOD_TEST_CRASH");
	size_t n;
	int i;

	if (e == NULL || *e == '\0')
		return;
	n = strcspn(e, ":");
	for (i = SSO_CRASH_NONE + 1; i < SSO_CRASH_MAX; i++)
		if (strlen(crash_names[i]) == n &&
		    strncmp(crash_names[i], e, n) == 0)
			break;
	if (i == SSO_CRASH_MAX)
		sso_fatal("SSOD_TEST_CRASH=%s: unknown crash point", e);
	flt.crash = (enum sso_crash)i;
	flt.crash_after = e[n] == ':' ? (unsigned)strtoul(e + n + 1, NULL,
	    10) : 1;
	if (flt.crash_after == 0)
		flt.crash_after = 1;
	flt.env_armed = 1;
	sso_log(SSO_WARNING, "TEST", "CRASH", "armed from the environment: "
	    "crash at %s (pass %u)", crash_names[flt.crash], flt.crash_after);
}

void
sso_fault_init(int (*raw)(enum sso_link, const uint8_t *, size_t))
{
	raw_send = raw;
	flt.seed = (unsigned)sso.rf.boot_id;
	flt.internal = 0;
	crash_from_env();
	sso_conf_register(NULL, "service internal", SSO_CONF_NO, c_service,
	    NULL);
	sso_conf_printer(1, print_service, NULL);
	sso_cmd_set_gate(SSO_CMD_TEST, sso_test_refused);
	sso_cmd_register("test checkpoint fault drop <uint:0-100>", cmd_fault,
	    (void *)F_DROP);
	sso_cmd_register("test checkpoint fault duplicate <uint:0-100>",
	    cmd_fault, (void *)F_DUP);
	sso_cmd_register("test checkpoint fault delay <uint:0-100> "
	    "<uint:1-10000>", cmd_fault, (void *)F_DELAY);
	sso_cmd_register("test checkpoint fault off", cmd_fault,
	    (void *)F_OFF);
	sso_cmd_register("show test faults", cmd_fault, (void *)F_SHOW);
	sso_cmd_register("test crash {before-ckpt-send|after-ckpt-send|"
	    "before-ack|after-ack|mid-bulk|before-answer|after-answer}",
	    cmd_crash, NULL);
	sso_cmd_register("test crash {before-ckpt-send|after-ckpt-send|"
	    "before-ack|after-ack|mid-bulk|before-answer|after-answer} "
	    "after <uint:1-1000000>", cmd_crash, NULL);
}
