/*
 * issu.c - In-Service Software Upgrade: IOS's procedure over the pair.
 *
 *   Init --loadversion--> Load Version --runversion--> Run Version
 *     ^                     |  (the standby re-executes      | acceptversion
 *     |                     |   from the new image)          | (timer stops)
 *     +----abortversion-----+                                |
 *     +----abortversion, rollback timer, commitversion-------+
 *
 * The unit that is active at loadversion (the primary) stays on the old
 * image (the primary version); the other one runs the new image (the
 * secondary version) from loadversion until commitversion or an abort.
 * So in every state each unit's image is known from the record alone
 * (want_image()): a unit that runs another image than the one the record
 * names for it re-executes itself from the right one when it is standby
 * (sso_rf_restart asks issu_exec_image(), registered with rf.c).
 *
 * Who decides: the active. It changes the record (each change bumps gen)
 * and carries it in its keepalives (fields 17-27); the standby adopts
 * what the active says. Each unit writes the record to a state file
 * beside its control socket (tmp + fsync + rename), so a unit restarted
 * after a SIGKILL finds where the procedure stood. Two rules cover a
 * switchover nobody asked for (tested with SIGKILL in every state):
 * - in Load Version the unit on the new image takes over: Run Version,
 *   rollback timer started (as runversion would have);
 * - in Run Version the unit on the old image takes over: the procedure
 *   is aborted (Init, both units back on the old image).
 *
 * Compatibility (show issu comp-matrix): per checkpoint client the highest
 * common message version (cf.c negotiates it); a base client without one
 * makes the pair Incompatible (the standby stays out of STANDBY HOT, our
 * RPR: it runs, takes no state; runversion is refused); an optional one
 * makes it Base-level (that client is not synced; runversion allowed).
 * loadversion computes the same verdict first from what `PATH -V` lists.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sso_local.h"
#include "metrics.h"
#include "issu_local.h"

static const char *const state_names[ISSU_NSTATES] = {
	"Init", "Load Version", "Run Version"
};
/* as IOS writes them in its refusals: "[ init ]" */
static const char *const state_words[ISSU_NSTATES] = {
	"init", "load version", "run version"
};

enum issu_event {
	IEV_LOAD, IEV_RUN, IEV_ACCEPT, IEV_COMMIT, IEV_ABORT, IEV_ROLLBACK,
	IEV_TAKEOVER, IEV_FAILBACK, IEV_TIMER_SET, IEV_ADOPT, IEV_MAX
};
static const char *const event_names[IEV_MAX] = {
	"loadversion", "runversion", "acceptversion", "commitversion",
	"abortversion", "rollback timer expired",
	"the new image took over", "the old image took over",
	"rollback-timer set", "from the active"
};

static const char *const compat_names[] = {
	"Compatible", "Base-level", "Incompatible", "Unknown"
};



struct issu_unit sso_issu = { .r = { .rollback_s = ISSU_ROLLBACK_DEFAULT },
	.load_compat = COMPAT_UNKNOWN, .probe = { .fd = -1 } };
#define issu	sso_issu

static void issu_timer_arm(void);
static int do_run(struct sso_reply *);
static int do_commit(struct sso_reply *);

const char *
issu_state_name(unsigned s)
{
	return s < ISSU_NSTATES ? state_names[s] : "invalid";
}

const char *
issu_event_name(unsigned e)
{
	return e < IEV_MAX ? event_names[e] : "invalid";
}

const char *
issu_compat_name(enum issu_compat c)
{
	return compat_names[c];
}
#define state_name	issu_state_name

/* the image unit u runs in the current state (NULL: any) */
static const char *
want_image(unsigned u)
{
	if (issu.r.state == ISSU_INIT)
		return issu.r.primary[0] ? issu.r.primary : NULL;
	return u == issu.r.new_unit ? issu.r.secondary : issu.r.primary;
}

static int
i_am_active(void)
{
	return SSO_RF_IS_ACTIVE(sso.rf.state);
}

static int
peer_hot(void)
{
	return sso.rf.peer_up && sso.rf.peer_state == SSO_RF_STANDBY_HOT;
}

/* --- the state file: one "key value" line per field */

static void
state_file(void)
{
	const char *ctl = sso.conf.ctl_path;
	size_t n = strlen(ctl);

	if (n > 4 && strcmp(ctl + n - 4, ".ctl") == 0)
		n -= 4;
	snprintf(issu.file, sizeof(issu.file), "%.*s.issu", (int)n, ctl);
}

/* the rename itself reaches the disk: fsync the directory */
static void
sync_dir(void)
{
	char dir[PATH_MAX], *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", issu.file);
	if ((slash = strrchr(dir, '/')) == NULL)
		return;
	*slash = '\0';
	if ((fd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

static void
issu_save(void)
{
	char tmp[PATH_MAX + 8], buf[3 * PATH_MAX];
	int fd, n, rc = -1;

	if (!issu.on || issu.file[0] == '\0')
		return;
	n = snprintf(buf, sizeof(buf), "state %u\naccepted %d\nauto %d\n"
	    "gen %llu\nevent %u\nnew_unit %u\nrollback %u\ndeadline %llu\n"
	    "primary %s\nsecondary %s\n", issu.r.state, issu.r.accepted,
	    issu.r.autorun, (unsigned long long)issu.r.gen, issu.r.last_ev,
	    issu.r.new_unit,
	    issu.r.rollback_s, (unsigned long long)issu.r.deadline_ms,
	    issu.r.primary, issu.r.secondary);
	snprintf(tmp, sizeof(tmp), "%s.tmp", issu.file);
	if (n > 0 && (size_t)n < sizeof(buf) && (fd = open(tmp, O_WRONLY |
	    O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) != -1) {
		if (write(fd, buf, (size_t)n) == n && fsync(fd) == 0)
			rc = 0;
		if (close(fd) == -1)
			rc = -1;
		if (rc == 0 && rename(tmp, issu.file) == -1)
			rc = -1;
		if (rc == 0)
			sync_dir();
	}
	if (rc == -1)
		sso_log(SSO_ERR, "ISSU", "SAVE", "cannot write %s: %s",
		    issu.file, strerror(errno));
}

/* one line of the state file; -1 when malformed */
static int
load_line(struct issu_rec *r, const char *k, const char *v)
{
	char *end;
	unsigned long long x = 0;
	int num = strcmp(k, "primary") != 0 && strcmp(k, "secondary") != 0;

	if (num) {
		errno = 0;
		x = strtoull(v, &end, 10);
		if (errno || end == v || *end != '\0')
			return -1;
	}
	if (strcmp(k, "state") == 0 && x < ISSU_NSTATES)
		r->state = (unsigned)x;
	else if (strcmp(k, "accepted") == 0 && x <= 1)
		r->accepted = (int)x;
	else if (strcmp(k, "auto") == 0 && x <= 1)
		r->autorun = (int)x;
	else if (strcmp(k, "gen") == 0)
		r->gen = x;
	else if (strcmp(k, "event") == 0 && x < IEV_MAX)
		r->last_ev = (unsigned)x;
	else if (strcmp(k, "new_unit") == 0 && x <= 1)
		r->new_unit = (unsigned)x;
	else if (strcmp(k, "rollback") == 0 && x <= ISSU_ROLLBACK_MAX)
		r->rollback_s = (unsigned)x;
	else if (strcmp(k, "deadline") == 0)
		r->deadline_ms = x;
	else if (strcmp(k, "primary") == 0 && strlen(v) < PATH_MAX)
		snprintf(r->primary, sizeof(r->primary), "%s", v);
	else if (strcmp(k, "secondary") == 0 && strlen(v) < PATH_MAX)
		snprintf(r->secondary, sizeof(r->secondary), "%s", v);
	else
		return -1;
	return 0;
}

static void
issu_load(void)
{
	struct issu_rec r = issu.r;
	char line[PATH_MAX + 32], *sp;
	int n = 0, bad = 0;
	FILE *f;

	if ((f = fopen(issu.file, "re")) == NULL) {
		if (errno != ENOENT)
			sso_log(SSO_ERR, "ISSU", "LOAD", "cannot read %s: %s",
			    issu.file, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL) {
			bad = n;
			break;
		}
		*sp++ = '\0';
		if (load_line(&r, line, sp) == -1) {
			bad = n;
			break;
		}
	}
	fclose(f);
	if (bad) {
		sso_log(SSO_ERR, "ISSU", "LOAD", "%s:%d: malformed: ISSU state "
		    "not restored", issu.file, bad);
		return;
	}
	issu.r = r;
	if (r.state != ISSU_INIT || r.primary[0])
		sso_log(SSO_NOTICE, "ISSU", "RESTORE", "ISSU state %s restored "
		    "from %s (primary %s, secondary %s)", state_name(r.state),
		    issu.file, r.primary[0] ? r.primary : "-",
		    r.secondary[0] ? r.secondary : "-");
}

/* --- the state machine: every change of the record goes through here */

static void
issu_change(const struct issu_rec *nr, enum issu_event ev)
{
	unsigned old = issu.r.state;

	issu.r = *nr;
	issu.r.gen++;
	issu.r.last_ev = ev;
	if (old != issu.r.state) {
		sso_log(SSO_NOTICE, "ISSU", "STATE", "%s -> %s (%s)",
		    state_name(old), state_name(issu.r.state),
		    event_names[ev]);
		sso_hist_add("ISSU %s -> %s (%s)", state_name(old),
		    state_name(issu.r.state), event_names[ev]);
	} else
		sso_log(SSO_NOTICE, "ISSU", "STATE", "%s (%s)",
		    state_name(old), event_names[ev]);
	sso_event("ISSU", "STATE", "%s (%s)", state_name(issu.r.state),
	    event_names[ev]);
	issu_save();
	issu_timer_arm();
}

/* back to Init on the old image: abortversion, rollback, fail-back */
static void
to_init_old(enum issu_event ev)
{
	struct issu_rec r = issu.r;

	r.state = ISSU_INIT;
	r.secondary[0] = '\0';
	r.accepted = r.autorun = 0;
	r.deadline_ms = 0;
	issu.aborts++;
	issu_change(&r, ev);
}

/*
 * Run Version on the new image, the old one standby: hand the active role
 * back to the old image (its restart as standby execs the old image:
 * want_image). -1 when the standby is not ready (nothing changed).
 */
static int
abort_run(enum issu_event ev)
{
	struct issu_rec saved = issu.r;

	/* what sso_rf_handover() requires, so that it does not refuse */
	if (sso.rf.state != SSO_RF_ACTIVE || !peer_hot() || sso.rf.quiesced)
		return -1;
	to_init_old(ev);
	if (sso_rf_handover(ev == IEV_ROLLBACK ? "ISSU rollback timer "
	    "expired" : "issu abortversion") == -1) {
		issu.r = saved;		/* still Run Version */
		issu.aborts--;
		issu_save();
		issu_timer_arm();
		return -1;
	}
	return 0;
}

/*
 * changeversion: load, run, accept and commit in order, each step once
 * the pair is ready for it (the unit active at that step takes it; the
 * record's autorun flag travels with the keepalives across the
 * switchover). A step not ready within ISSU_AUTO_WAIT_MS, or refused,
 * stops the procedure and aborts it.
 */
#define ISSU_AUTO_WAIT_MS	120000

static void
auto_fail(const char *why)
{
	snprintf(issu.auto_failed, sizeof(issu.auto_failed), "%s", why);
	sso_log(SSO_ERR, "ISSU", "CHANGEVERSION", "issu changeversion "
	    "stopped: %s: aborting", why);
	sso_hist_add("ISSU changeversion stopped: %.80s", why);
}

static void
auto_step(void)
{
	struct sso_reply r = { 0 };
	uint64_t now = sso_now_ms();
	int late, rc;

	if (issu.auto_since_ms == 0)
		issu.auto_since_ms = now;
	late = now - issu.auto_since_ms > ISSU_AUTO_WAIT_MS;
	sso_wbuf_init(&r.out, 0);
	if (issu.r.state == ISSU_LOAD && sso.rf.state == SSO_RF_ACTIVE &&
	    !sso.rf.quiesced) {
		if (peer_hot() && issu.peer_known &&
		    strcmp(issu.peer_image, issu.r.secondary) == 0) {
			if ((rc = do_run(&r)) != 0) {
				auto_fail(sso_wbuf_str(&r.out));
				to_init_old(IEV_ABORT);
			}
		} else if (late || (sso.rf.not_hot_reason[0] &&
		    now - issu.auto_since_ms > 5000)) {
			auto_fail(sso.rf.not_hot_reason[0] ?
			    sso.rf.not_hot_reason : "the standby did not reach "
			    "STANDBY HOT on the new image");
			to_init_old(IEV_ABORT);
		}
	} else if (issu.r.state == ISSU_RUN && sso.rf.state == SSO_RF_ACTIVE &&
	    peer_hot() && issu.peer_known &&
	    strcmp(issu.peer_image, issu.r.primary) == 0) {
		/* acceptversion and commitversion in one: commit stops the
		 * timer as well */
		if (do_commit(&r) != 0) {
			auto_fail(sso_wbuf_str(&r.out));
			abort_run(IEV_ABORT);
		}
	}
	sso_wbuf_free(&r.out);
}

/* the rollback timer, and the steps of changeversion */
static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	uint64_t now = sso_now_ms();

	if (!i_am_active() || issu.r.state == ISSU_INIT)
		return;
	if (issu.r.state == ISSU_RUN && issu.r.deadline_ms &&
	    !issu.r.accepted && now >= issu.r.deadline_ms) {
		if (abort_run(IEV_ROLLBACK) == 0) {
			issu.rollbacks++;
			sso_log(SSO_WARNING, "ISSU", "ROLLBACK", "rollback timer "
			    "expired before acceptversion: back to %s",
			    issu.r.primary);
			return;
		}
		sso_log_rl(&issu.rl, SSO_WARNING, "ISSU", "ROLLBACK",
		    "rollback timer expired: waiting for the standby to be "
		    "STANDBY HOT");
	} else if (issu.r.autorun)
		auto_step();
	issu_timer_arm();
}

static void
issu_timer_arm(void)
{
	uint64_t now = sso_now_ms();
	double after = 1.0;
	int rollback;

	ev_timer_stop(sso_loop(), &issu.timer);
	rollback = issu.r.state == ISSU_RUN && !issu.r.accepted &&
	    issu.r.deadline_ms != 0;
	if (!i_am_active() || (!rollback && !issu.r.autorun))
		return;
	if (issu.r.autorun)
		after = 0.2;	/* changeversion: look at the pair again */
	if (rollback && issu.r.deadline_ms <= now)
		after = 0.;
	else if (rollback && (double)(issu.r.deadline_ms - now) / 1000. <
	    after)
		after = (double)(issu.r.deadline_ms - now) / 1000.;
	ev_timer_set(&issu.timer, after, 0.);
	ev_timer_start(sso_loop(), &issu.timer);
}

/* RF: our state changed (rf_change_state) */
static void
issu_rf_state(enum sso_rf_state new, enum sso_rf_state old)
{
	struct issu_rec r;

	if (!issu.on)
		return;
	if (SSO_RF_IS_ACTIVE(new) && !SSO_RF_IS_ACTIVE(old)) {
		r = issu.r;
		if (r.state == ISSU_LOAD && sso.conf.unit == r.new_unit) {
			r.state = ISSU_RUN;
			r.accepted = 0;
			r.deadline_ms = r.rollback_s ? sso_now_ms() +
			    r.rollback_s * 1000ull : 0;
			issu.auto_since_ms = sso_now_ms();
			issu_change(&r, IEV_TAKEOVER);
			return;
		}
		if (r.state == ISSU_RUN && sso.conf.unit != r.new_unit) {
			sso_log(SSO_WARNING, "ISSU", "ABORT", "the unit on the "
			    "old image took over in Run Version (abortversion, "
			    "rollback timer or a failure of the new one): Init "
			    "on the old image");
			to_init_old(IEV_FAILBACK);
			return;
		}
	}
	issu_timer_arm();
}

/* --- keepalives: the record goes with every one */

static void
issu_ka_fill(Sso__Frame *f)
{
	uint64_t now = sso_now_ms();

	if (!issu.on)
		return;
	f->issu_state = issu.r.state;
	f->has_issu_state = 1;
	f->issu_gen = issu.r.gen;
	f->has_issu_gen = 1;
	f->issu_primary = issu.r.primary;
	f->issu_secondary = issu.r.secondary;
	f->issu_new_unit = issu.r.new_unit;
	f->has_issu_new_unit = 1;
	f->issu_rollback_ms = issu.r.deadline_ms == 0 ? 0 :
	    issu.r.deadline_ms > now ? issu.r.deadline_ms - now : 1;
	f->has_issu_rollback_ms = 1;
	f->issu_accepted = issu.r.accepted;
	f->has_issu_accepted = 1;
	f->issu_auto = issu.r.autorun;
	f->has_issu_auto = 1;
	f->issu_event = issu.r.last_ev;
	f->has_issu_event = 1;
	f->issu_rollback_s = issu.r.rollback_s;
	f->has_issu_rollback_s = 1;
	f->issu_image = issu.image;
	f->issu_build = issu.build;
}

/* the active's record, validated; 0 when it differs from ours */
static int
same_rec(const Sso__Frame *f, struct issu_rec *r)
{
	*r = issu.r;
	r->state = f->issu_state;
	r->gen = f->issu_gen;
	r->new_unit = f->issu_new_unit;
	r->accepted = f->issu_accepted;
	r->autorun = f->issu_auto;
	r->last_ev = f->issu_event < IEV_MAX ? f->issu_event : IEV_ADOPT;
	r->rollback_s = f->issu_rollback_s;
	snprintf(r->primary, sizeof(r->primary), "%s", f->issu_primary);
	snprintf(r->secondary, sizeof(r->secondary), "%s",
	    f->issu_secondary);
	return r->state == issu.r.state && r->gen == issu.r.gen &&
	    r->new_unit == issu.r.new_unit && r->accepted == issu.r.accepted &&
	    r->autorun == issu.r.autorun &&
	    r->rollback_s == issu.r.rollback_s &&
	    strcmp(r->primary, issu.r.primary) == 0 &&
	    strcmp(r->secondary, issu.r.secondary) == 0;
}

/*
 * An image this unit may execute: a regular, executable file, owned by
 * root or by us and writable by nobody else (the path came from the
 * operator, or from the authenticated peer: still, never a file another
 * user could have put there). 0, or -1 with the reason in err.
 */
static int
image_ok(const char *path, char *err, size_t len)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0 ||
	    access(path, X_OK) == -1) {
		snprintf(err, len, "%s is not an executable file", path);
		return -1;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & 0022) != 0) {
		snprintf(err, len, "%s is writable by others or owned by "
		    "another user", path);
		return -1;
	}
	return 0;
}

/* a standby on another image than the record names for it reloads */
static void
reconcile(void)
{
	const char *w = want_image(sso.conf.unit);
	char err[PATH_MAX + 64];

	if (!SSO_RF_IS_STANDBY(sso.rf.state) || w == NULL ||
	    strcmp(w, issu.image) == 0)
		return;
	if (image_ok(w, err, sizeof(err)) == -1) {
		sso_log_rl(&issu.rl, SSO_ERR, "ISSU", "IMAGE", "cannot run "
		    "%s: staying on %s", err, issu.image);
		return;
	}
	issu.reloads++;
	sso_log(SSO_NOTICE, "ISSU", "RELOAD", "ISSU %s: this unit runs %s, "
	    "reloading from %s", state_name(issu.r.state), issu.image, w);
	sso_rf_restart("ISSU: loading the image the procedure names");
}

static void
issu_ka_rx(const Sso__Frame *f)
{
	struct issu_rec r;

	if (!issu.on || !f->has_issu_state || !f->has_issu_gen) {
		issu.peer_known = 0;
		return;
	}
	/* bounds: a peer's strings are its own, never a crash here */
	if (f->issu_state >= ISSU_NSTATES || f->issu_new_unit > 1 ||
	    f->issu_rollback_s > ISSU_ROLLBACK_MAX ||
	    !f->issu_primary || !f->issu_secondary || !f->issu_image ||
	    !f->issu_build || strlen(f->issu_primary) >= PATH_MAX ||
	    strlen(f->issu_secondary) >= PATH_MAX) {
		sso_chan_bad(SSO_BAD_FIELD, "keepalive ISSU fields");
		return;
	}
	issu.peer_known = 1;
	issu.peer_state = f->issu_state;
	snprintf(issu.peer_image, sizeof(issu.peer_image), "%s",
	    f->issu_image);
	snprintf(issu.peer_build, sizeof(issu.peer_build), "%s",
	    f->issu_build);
	if (!SSO_RF_IS_ACTIVE(f->rf_state) || i_am_active())
		return;
	if (!same_rec(f, &r)) {
		r.deadline_ms = f->issu_rollback_ms ? sso_now_ms() +
		    f->issu_rollback_ms : 0;
		if (r.state != issu.r.state)
			sso_log(SSO_NOTICE, "ISSU", "STATE", "%s -> %s (%s)",
			    state_name(issu.r.state), state_name(r.state),
			    event_names[IEV_ADOPT]);
		issu.r = r;
		issu_save();
	} else if (f->issu_rollback_ms)	/* follow the active's clock */
		issu.r.deadline_ms = sso_now_ms() + f->issu_rollback_ms;
	reconcile();
}

/* sso_rf_restart: the image to execute (NULL: this one) */
static const char *
issu_exec_image(void)
{
	const char *w;
	char err[PATH_MAX + 64];

	if (!issu.on || (w = want_image(sso.conf.unit)) == NULL ||
	    image_ok(w, err, sizeof(err)) == -1)
		return NULL;
	return w;
}

/* --- compatibility: one verdict for the peer and for a new image */

struct issu_cl {
	uint32_t	 id, min, max;		/* the other side; max 0: none */
	char		 name[64];
};

/* the verdict on the other side's client list against ours */
static enum issu_compat
verdict(const struct issu_cl *o, size_t n, char *why, size_t len)
{
	const struct sso_client *c;
	struct sso_cf_client_stats s;
	enum issu_compat v = COMPAT_OK;
	size_t i;

	why[0] = '\0';
	for (c = sso_cf_client_next(NULL); c; c = sso_cf_client_next(c)) {
		const struct issu_cl *p = NULL;

		sso_cf_client_get_stats(c, &s);
		for (i = 0; i < n; i++)
			if (o[i].id == s.id)
				p = &o[i];
		if (p != NULL && p->max != 0 && (p->min > s.ver_min ? p->min :
		    s.ver_min) <= (p->max < s.ver_max ? p->max : s.ver_max))
			continue;
		if (s.optional && v == COMPAT_OK) {
			v = COMPAT_BASE;
			snprintf(why, len, "optional client %s (id %u): no "
			    "common message version: not synced", s.name,
			    s.id);
		} else if (!s.optional) {
			v = COMPAT_NONE;
			if (p == NULL || p->max == 0)
				snprintf(why, len, "base client %s (id %u) is "
				    "missing on the other side", s.name, s.id);
			else
				snprintf(why, len, "base client %s (id %u): no "
				    "common message version (here %u-%u, other "
				    "%u-%u)", s.name, s.id, s.ver_min,
				    s.ver_max, p->min, p->max);
			break;
		}
	}
	return v;
}

/* with the running peer, from what cf.c negotiated */
enum issu_compat
issu_peer_verdict(char *why, size_t len)
{
	struct issu_cl o[64];
	const struct sso_client *c;
	struct sso_cf_client_stats s;
	size_t n = 0;

	if (!sso.rf.peer_up || !sso_cf_session_up()) {
		snprintf(why, len, "%s", !sso.rf.peer_up ? "no peer" :
		    sso.rf.not_hot_reason[0] ? sso.rf.not_hot_reason :
		    "checkpoint session not established");
		return sso.rf.not_hot_reason[0] && sso.rf.peer_up ?
		    COMPAT_NONE : COMPAT_UNKNOWN;
	}
	for (c = sso_cf_client_next(NULL); c && n < 64;
	    c = sso_cf_client_next(c), n++) {
		sso_cf_client_get_stats(c, &s);
		o[n].id = s.id;
		o[n].min = s.peer_min;
		o[n].max = s.peer_max;
		snprintf(o[n].name, sizeof(o[n].name), "%s", s.name);
	}
	return verdict(o, n, why, len);
}

/* the lines "  ID NAME MIN-MAX ..." after "Checkpoint clients:" */
static size_t
parse_clients(char *text, struct issu_cl *o, size_t max)
{
	char *line, *save = NULL;
	size_t n = 0;
	int in = 0;

	for (line = strtok_r(text, "\n", &save); line && n < max;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "Checkpoint clients:", 19) == 0) {
			in = 1;
			continue;
		}
		if (in && sscanf(line, " %u %63s %u-%u", &o[n].id, o[n].name,
		    &o[n].min, &o[n].max) == 4 && o[n].min <= o[n].max)
			n++;
	}
	return n;
}

/* --- commands */

static int
wrong_state(struct sso_reply *r, unsigned want, const char *what)
{
	return sso_reply_err(r, SSO_RC_ERROR, "%% ISSU state should be [ %s ] "
	    "to %s", state_words[want], what);
}

static int
not_active(struct sso_reply *r)
{
	return sso_reply_err(r, SSO_RC_ERROR, "%% ISSU commands run on the "
	    "active unit (this unit is %s)", sso_rf_state_name(sso.rf.state));
}

static int
standby_not_hot(struct sso_reply *r)
{
	return sso_reply_err(r, SSO_RC_ERROR, "%% Standby unit is not in "
	    "STANDBY HOT state (peer %s)", sso.rf.peer_up ?
	    sso_rf_state_name(sso.rf.peer_state) : "down");
}

static int
done(struct sso_reply *r, const char *result, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
done(struct sso_reply *r, const char *result, const char *fmt, ...)
{
	struct sso_json j;
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!r->json) {
		sso_wbuf_printf(&r->out, "%s\n", text);
		return SSO_RC_OK;
	}
	sso_json_init(&j, &r->out);
	sso_json_obj(&j);
	sso_json_kstr(&j, "result", result);
	sso_json_kstr(&j, "message", text);
	sso_json_kstr(&j, "issu_state", state_name(issu.r.state));
	sso_json_obj_end(&j);
	return SSO_RC_OK;
}

/*
 * loadversion and changeversion: PATH is checked at once (a real path,
 * image_ok), then `PATH -V` runs as a child whose answer the loop reads
 * (ev_io, 10 s deadline): a slow or hanging image never stalls the
 * keepalives. The reply waits (SSO_RC_PENDING) for that answer; the state
 * and the standby are checked again before the standby is told to load.
 */
#define ISSU_PROBE_MS	10000

static int
load_checks(struct sso_reply *r)
{
	if (issu.r.state != ISSU_INIT)
		return wrong_state(r, ISSU_INIT, "load a new version");
	if (!i_am_active())
		return not_active(r);
	if (!peer_hot())
		return standby_not_hot(r);
	return 0;
}

static void
probe_end(void)
{
	ev_io_stop(sso_loop(), &issu.probe.io);
	ev_timer_stop(sso_loop(), &issu.probe.tmo);
	if (issu.probe.fd != -1)
		close(issu.probe.fd);
	issu.probe.fd = -1;
	if (issu.probe.pid > 0) {
		kill(issu.probe.pid, SIGKILL);	/* no-op once it exited */
		while (waitpid(issu.probe.pid, &issu.probe.status, 0) == -1 &&
		    errno == EINTR)
			;
	}
	issu.probe.pid = 0;
}

/* the answer is in (or the deadline passed): load, and reply */
static void
probe_done(int timed_out)
{
	struct sso_reply *r = issu.probe.r;
	struct issu_cl o[64];
	struct issu_rec nr = issu.r;
	const char *path = issu.probe.path;
	int st, rc;
	size_t n = 0;

	probe_end();
	issu.probe.r = NULL;
	st = issu.probe.status;
	issu.probe.out[issu.probe.got] = '\0';
	if (timed_out || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    strncmp(issu.probe.out, "ssod version ", 13) != 0)
		rc = sso_reply_err(r, SSO_RC_ERROR, "%% %s -V does not answer "
		    "as ssod does", path);
	else if ((n = parse_clients(issu.probe.out, o, 64)) == 0)
		rc = sso_reply_err(r, SSO_RC_ERROR, "%% %s -V lists no "
		    "checkpoint client", path);
	else if ((rc = load_checks(r)) == 0) {
		issu.load_compat = verdict(o, n, issu.load_why,
		    sizeof(issu.load_why));
		if (issu.probe.change && issu.load_compat == COMPAT_NONE)
			rc = sso_reply_err(r, SSO_RC_ERROR, "%% Incompatible "
			    "(%s): changeversion stopped before loading",
			    issu.load_why);
	}
	if (rc != 0) {
		sso_reply_done(r, rc);
		return;
	}
	nr.state = ISSU_LOAD;
	snprintf(nr.primary, sizeof(nr.primary), "%s", issu.image);
	snprintf(nr.secondary, sizeof(nr.secondary), "%s", path);
	nr.new_unit = !sso.conf.unit;
	nr.accepted = 0;
	nr.deadline_ms = 0;
	nr.autorun = issu.probe.change;
	issu.auto_since_ms = sso_now_ms();
	issu.auto_failed[0] = '\0';
	issu_change(&nr, IEV_LOAD);
	if (issu.probe.change)
		rc = done(r, "changeversion started", "Unit %u reloads from %s; "
		    "runversion, acceptversion and commitversion follow by "
		    "themselves (show issu state)", nr.new_unit, path);
	else
		rc = done(r, "loading", "Unit %u reloads from %s. "
		    "Compatibility: %s%s%s", nr.new_unit, path,
		    compat_names[issu.load_compat],
		    issu.load_why[0] ? ": " : "", issu.load_why);
	sso_reply_done(r, rc);
}

static void
probe_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	size_t room = sizeof(issu.probe.out) - 1 - issu.probe.got;
	ssize_t n = read(issu.probe.fd, issu.probe.out + issu.probe.got, room);

	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0)
		issu.probe.got += (size_t)n;
	if (n <= 0 || (size_t)n == room) {	/* EOF, error or full */
		if (issu.probe.pid > 0)
			while (waitpid(issu.probe.pid, &issu.probe.status, 0) ==
			    -1 && errno == EINTR)
				;
		issu.probe.pid = 0;
		probe_done(0);
	}
}

static void
probe_tmo_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	probe_done(1);
}

static int
probe_start(const char *path, int change, struct sso_reply *r)
{
	char real[PATH_MAX], err[PATH_MAX + 128];
	int p[2], rc;
	pid_t pid;

	if ((rc = load_checks(r)) != 0)
		return rc;
	if (issu.probe.r != NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% A loadversion is "
		    "already checking %s", issu.probe.path);
	if (realpath(path, real) == NULL)
		return sso_reply_err(r, SSO_RC_ERROR, "%% %s: %s", path,
		    strerror(errno));
	if (image_ok(real, err, sizeof(err)) == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% %s", err);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1 || (pid = fork()) == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% cannot run %s: %s",
		    real, strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(p[1], STDOUT_FILENO);
		if (null != -1) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		unsetenv("SSOD_REEXEC");
		unsetenv("SSOD_PIDFILE_FD");
		execl(real, real, "-V", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	issu.probe.pid = pid;
	issu.probe.fd = p[0];
	issu.probe.got = 0;
	issu.probe.status = 0;
	issu.probe.change = change;
	issu.probe.r = r;
	snprintf(issu.probe.path, sizeof(issu.probe.path), "%s", real);
	ev_io_init(&issu.probe.io, probe_io_cb, p[0], EV_READ);
	ev_io_start(sso_loop(), &issu.probe.io);
	ev_timer_init(&issu.probe.tmo, probe_tmo_cb, ISSU_PROBE_MS / 1000.,
	    0.);
	ev_timer_start(sso_loop(), &issu.probe.tmo);
	return SSO_RC_PENDING;
}

static int
cmd_load(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return probe_start(a->s[0], 0, r);
}

static int
cmd_change(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	return probe_start(a->s[0], 1, r);
}

static int
do_run(struct sso_reply *r)
{
	char why[600];

	if (issu.r.state != ISSU_LOAD)
		return wrong_state(r, ISSU_LOAD, "run the new version");
	if (!i_am_active())
		return not_active(r);
	if (!peer_hot() || !issu.peer_known ||
	    strcmp(issu.peer_image, issu.r.secondary) != 0)
		return standby_not_hot(r);
	if (issu_peer_verdict(why, sizeof(why)) >= COMPAT_NONE)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Incompatible with "
		    "the standby (%s): runversion refused", why);
	if (sso_rf_handover("issu runversion") == -1)
		return sso_reply_err(r, SSO_RC_ERROR, "%% Switchover refused "
		    "(%s)", sso.rf.quiesced ? "already in progress" :
		    "standby not ready");
	return 0;
}

static int
cmd_run(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int rc;

	if ((rc = do_run(r)) != 0)
		return rc;
	return done(r, "switchover started", "Switching over to unit %u on "
	    "%s; the rollback timer (%u s) starts there", issu.r.new_unit,
	    issu.r.secondary, issu.r.rollback_s);
}

/* Run Version, on the active (the new image) */
static int
run_checks(struct sso_reply *r, const char *what)
{
	if (issu.r.state != ISSU_RUN)
		return wrong_state(r, ISSU_RUN, what);
	if (!i_am_active())
		return not_active(r);
	return 0;
}

static int
cmd_accept(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct issu_rec nr = issu.r;
	int rc;

	if ((rc = run_checks(r, "accept the new version")) != 0)
		return rc;
	nr.accepted = 1;
	nr.deadline_ms = 0;
	issu_change(&nr, IEV_ACCEPT);
	return done(r, "accepted", "Rollback timer stopped: %s accepted",
	    issu.r.secondary);
}

static int
do_commit(struct sso_reply *r)
{
	struct issu_rec nr = issu.r;
	int rc;

	if ((rc = run_checks(r, "commit the new version")) != 0)
		return rc;
	nr.state = ISSU_INIT;
	memcpy(nr.primary, nr.secondary, sizeof(nr.primary));
	nr.secondary[0] = '\0';
	nr.accepted = nr.autorun = 0;
	nr.deadline_ms = 0;
	issu_change(&nr, IEV_COMMIT);
	return 0;
}

static int
cmd_commit(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	int rc;

	if ((rc = do_commit(r)) != 0)
		return rc;
	return done(r, "committed", "Committed %s: unit %u reloads from it",
	    issu.r.primary, !sso.conf.unit);
}

static int
cmd_abort(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	if (issu.r.state == ISSU_INIT)
		return sso_reply_err(r, SSO_RC_ERROR, "%% ISSU state should be "
		    "[ load version | run version ] to abort the new version");
	if (!i_am_active())
		return not_active(r);
	if (issu.r.state == ISSU_LOAD) {
		to_init_old(IEV_ABORT);
		return done(r, "aborted", "Aborted: unit %u reloads from %s",
		    !sso.conf.unit, issu.r.primary);
	}
	if (abort_run(IEV_ABORT) == -1)
		return standby_not_hot(r);
	return done(r, "aborted", "Aborted: switching over to unit %u on %s, "
	    "this unit reloads from it", !sso.conf.unit, issu.r.primary);
}

static int
cmd_rollback_set(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct issu_rec nr = issu.r;

	if (issu.r.state != ISSU_INIT)
		return wrong_state(r, ISSU_INIT, "set the rollback timer");
	if (!i_am_active())
		return not_active(r);
	nr.rollback_s = a->u[0];
	issu_change(&nr, IEV_TIMER_SET);
	return done(r, "set", "Rollback timer: %u seconds", nr.rollback_s);
}

/* --- start-up */

/* the daemon's unit: identity, action commands, the hooks into rf.c */
void
issu_core_init(void)
{
	ssize_t n;

	if ((n = readlink("/proc/self/exe", issu.image,
	    sizeof(issu.image) - 1)) > 0)
		issu.image[n] = '\0';
	snprintf(issu.build, sizeof(issu.build), "ssod %s (commit %s)",
	    sso_version_string(), sso_version_commit());
	static const struct sso_rf_issu_ops ops = {
		.state = issu_rf_state,
		.ka_fill = issu_ka_fill,
		.ka_rx = issu_ka_rx,
		.exec_image = issu_exec_image,
	};

	ev_init(&issu.timer, timer_cb);
	issu.on = 1;
	sso_rf_set_issu_ops(&ops);
	sso_cmd_register("issu loadversion <word>", cmd_load, NULL);
	sso_cmd_register("issu changeversion <word>", cmd_change, NULL);
	sso_cmd_register("issu runversion", cmd_run, NULL);
	sso_cmd_register("issu acceptversion", cmd_accept, NULL);
	sso_cmd_register("issu commitversion", cmd_commit, NULL);
	sso_cmd_register("issu abortversion", cmd_abort, NULL);
	sso_cmd_register("issu set rollback-timer <uint:0-7200>",
	    cmd_rollback_set, NULL);
}

/* after the configuration is loaded: where the procedure stood */
void
sso_issu_start(void)
{
	if (!issu.on)
		return;
	state_file();
	issu_load();
}
