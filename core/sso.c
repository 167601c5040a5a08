/*
 * sso.c - the core's configuration commands, start-up, reload and
 * shutdown. Each setting is given once (SSO_CONF_ONCE); after the file,
 * validate() checks what must hold for the pair, check_files() what
 * start-up checks in the file system (for -n too). A reload keeps what
 * cannot change at run time (core_keep(): addresses, keys, timers).
 *
 *   hostname NAME
 *   redundancy
 *    mode {sso|none}
 *    unit {0|1} address {tcp://HOST:PORT|ipc://PATH}
 *    preferred-primary unit {0|1}
 *    keepalive interval MS threshold N
 *    key secret FILE peer-public FILE      (%u = this unit, %p = peer)
 *    security {curve|none}
 *    negotiation timeout MS
 *    checkpoint backlog RECORDS
 *    checkpoint sync-deadline MS
 *    checkpoint bulk page RECORDS window RECORDS
 *    unit {0|1} witness ADDR PORT
 *    liveness {on|off}                     (live.c: a dead peer process)
 *    liveness port PORT
 *    notify PATH                           (role-change hook, notify.c)
 *   control socket PATH
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sso_local.h"
#include "metrics.h"
#include "render.h"

static void absolute(char *, size_t);

static void
expand(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	for (; *src && o + 1 < len; src++) {
		if (src[0] == '%' && (src[1] == 'u' || src[1] == 'p')) {
			unsigned v = src[1] == 'u' ? sso.conf.unit :
			    !sso.conf.unit;

			o += (size_t)snprintf(dst + o, len - o, "%u", v);
			if (o >= len)
				o = len - 1;
			src++;
		} else
			dst[o++] = *src;
	}
	dst[o] = '\0';
	absolute(dst, len);
}

/*
 * A relative path in the configuration is relative to the directory ssod
 * was started in, at every load: a daemon runs from "/" and re-executes
 * itself, and a reload must see the same path as the start did. The
 * directory is taken at the first load (before the daemon leaves it) and
 * kept; a re-executed image is started from it again.
 */
static void
absolute(char *path, size_t len)
{
	static char start_dir[PATH_MAX];
	char tmp[PATH_MAX];

	if (path[0] == '\0' || path[0] == '/')
		return;
	if (start_dir[0] == '\0' && getcwd(start_dir, sizeof(start_dir)) ==
	    NULL)
		snprintf(start_dir, sizeof(start_dir), "/");
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", start_dir, path) >=
	    len)
		return;		/* the caller's length check refuses it */
	snprintf(path, len, "%s", tmp);
}

static int
c_hostname(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	if (strlen(a->s[0]) >= sizeof(sso.conf.hostname))
		return sso_conf_err(ctx, "hostname too long");
	snprintf(sso.conf.hostname, sizeof(sso.conf.hostname), "%s", a->s[0]);
	return 0;
}

static int
c_redundancy(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.have_redundancy = 1;
	ctx->block = &sso.conf;
	return 0;
}

static int
c_mode(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	sso.conf.mode_sso = (a->u[0] == 0);
	return 0;
}

/* "tcp://HOST:PORT": HOST an IP address ([v6] in brackets) or a name */
static int
check_tcp(const char *hp, char *why, size_t len)
{
	const char *colon = strrchr(hp, ':'), *p;
	char host[256], buf[sizeof(struct in6_addr)];
	unsigned long port;
	size_t hl;
	char *end;

	if (colon == NULL)
		return snprintf(why, len, "missing port"), -1;
	hl = (size_t)(colon - hp);
	if (hl == 0 || hl >= sizeof(host))
		return snprintf(why, len, "missing host"), -1;
	memcpy(host, hp, hl);
	host[hl] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (!isdigit((unsigned char)colon[1]) || *end || errno || port == 0 ||
	    port > 65535)
		return snprintf(why, len, "port \"%s\" is not 1-65535",
		    colon + 1), -1;
	if (host[0] == '[') {
		if (hl < 3 || host[hl - 1] != ']')
			return snprintf(why, len, "unbalanced [ ]"), -1;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, buf) != 1)
			return snprintf(why, len, "%s is not an IPv6 address",
			    host + 1), -1;
		return 0;
	}
	if (inet_pton(AF_INET, host, buf) == 1)
		return 0;
	for (p = host; *p && (isdigit((unsigned char)*p) || *p == '.'); p++)
		;
	if (*p == '\0')
		return snprintf(why, len, "%s is not an IPv4 address", host),
		    -1;
	for (p = host; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return snprintf(why, len, "%s is neither an IP address "
			    "nor a host name", host), -1;
	return 0;
}

static int
c_unit(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	const char *addr = a->s[1];
	char why[400], path[sizeof(sso.conf.addr[0])];

	if (strlen(addr) >= sizeof(sso.conf.addr[0]))
		return sso_conf_err(ctx, "address too long");
	if (strncmp(addr, "tcp://", 6) == 0) {
		if (check_tcp(addr + 6, why, sizeof(why)) == -1)
			return sso_conf_err(ctx, "unit %u address %s: %s "
			    "(expected tcp://HOST:PORT)", a->u[0], addr, why);
		snprintf(sso.conf.addr[a->u[0]], sizeof(sso.conf.addr[0]),
		    "%s", addr);
		return 0;
	}
	if (strncmp(addr, "ipc://", 6) != 0)
		return sso_conf_err(ctx, "unit %u address %s: expected "
		    "tcp://HOST:PORT or ipc://PATH", a->u[0], addr);
	/* a relative path is reconnected to long after start-up */
	snprintf(path, sizeof(path), "%s", addr + 6);
	if (path[0] != '@')
		absolute(path, sizeof(path));
	/* sockaddr_un.sun_path holds 107 characters and a NUL */
	if (addr[6] == '\0' || strlen(path) > 107)
		return sso_conf_err(ctx, "unit %u address %s: expected "
		    "ipc://PATH of 1-107 characters", a->u[0], addr);
	snprintf(sso.conf.addr[a->u[0]], sizeof(sso.conf.addr[0]), "ipc://%s",
	    path);
	return 0;
}

static int
c_witness(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	unsigned u = a->u[0];
	struct sockaddr_in *s4 = (struct sockaddr_in *)&sso.conf.witness[u];
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sso.conf.witness[u];

	memset(&sso.conf.witness[u], 0, sizeof(sso.conf.witness[u]));
	if (inet_pton(AF_INET, a->s[1], &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)a->u[2]);
		sso.conf.witness_len[u] = sizeof(*s4);
	} else if (inet_pton(AF_INET6, a->s[1], &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)a->u[2]);
		sso.conf.witness_len[u] = sizeof(*s6);
	} else
		return sso_conf_err(ctx, "unit %u witness %s: not an IP "
		    "address", u, a->s[1]);
	snprintf(sso.conf.witness_text[u], sizeof(sso.conf.witness_text[u]),
	    "%s", a->s[1]);
	sso.conf.witness_port[u] = a->u[2];
	return 0;
}

static int
c_preferred(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	if (!no && a->n == 0)
		return sso_conf_err(ctx, "preferred-primary: expected \"unit "
		    "0\" or \"unit 1\" (\"no preferred-primary\" for the "
		    "default)");
	sso.conf.preferred = no ? -1 : (int)a->u[0];
	return 0;
}

static int
c_notify(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct stat st;

	if (no) {
		sso.conf.notify[0] = '\0';
		return 0;
	}
	if (a->n == 0)
		return sso_conf_err(ctx, "notify: expected the path of the "
		    "script");
	if (a->s[0][0] != '/')
		return sso_conf_err(ctx, "notify %s: not an absolute path",
		    a->s[0]);
	if (strlen(a->s[0]) >= sizeof(sso.conf.notify))
		return sso_conf_err(ctx, "notify: path too long");
	if (stat(a->s[0], &st) == -1 || access(a->s[0], X_OK) == -1)
		return sso_conf_err(ctx, "notify %s: %s", a->s[0],
		    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sso_conf_err(ctx, "notify %s: not a regular file",
		    a->s[0]);
	snprintf(sso.conf.notify, sizeof(sso.conf.notify), "%s", a->s[0]);
	return 0;
}

/* live.c: detection of a dead peer process by its connection's end */
static int
c_liveness(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.liveness = (a->u[0] == 0);
	return 0;
}

static int
c_liveness_port(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.liveness_port = a->u[0];
	return 0;
}

static int
c_keepalive(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.ka_interval = a->u[0];
	sso.conf.ka_threshold = a->u[1];
	return 0;
}

static int
c_key(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	snprintf(sso.conf.key_secret_raw, sizeof(sso.conf.key_secret_raw),
	    "%s", a->s[0]);
	snprintf(sso.conf.key_peer_raw, sizeof(sso.conf.key_peer_raw), "%s",
	    a->s[1]);
	expand(sso.conf.key_secret, sizeof(sso.conf.key_secret), a->s[0]);
	expand(sso.conf.key_peer, sizeof(sso.conf.key_peer), a->s[1]);
	return 0;
}

static int
c_security(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.security = (a->u[0] == 0);
	return 0;
}

static int
c_nego(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	sso.conf.nego_timeout = a->u[0];
	return 0;
}

static int
c_backlog(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.backlog = a->u[0];
	return 0;
}

static int
c_deadline(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	sso.conf.sync_deadline = a->u[0];
	return 0;
}

static int
c_bulk(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	sso.conf.bulk_page = a->u[0];
	sso.conf.bulk_window = a->u[1];
	return 0;
}

static int
c_control(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	snprintf(sso.conf.ctl_path_raw, sizeof(sso.conf.ctl_path_raw), "%s",
	    a->s[0]);
	expand(sso.conf.ctl_path, sizeof(sso.conf.ctl_path), a->s[0]);
	if (strlen(sso.conf.ctl_path) > 90)
		return sso_conf_err(ctx, "control socket path longer than 90 "
		    "characters");
	if (sso.conf.ro_path[0] && strcmp(sso.conf.ro_path,
	    sso.conf.ctl_path) == 0)
		return sso_conf_err(ctx, "the control socket and the read-only "
		    "one (line %d) must differ", sso.conf.ro_line);
	return 0;
}

/*
 * control socket PATH read-only: a second socket that runs show commands
 * only (mgmt.c), for monitoring systems. Its own setting beside the
 * normal socket's, so counted here rather than by SSO_CONF_ONCE (whose
 * key would be "control socket" for both lines).
 */
static int
c_control_ro(struct sso_conf_ctx *ctx, void *arg, int no,
    const struct sso_args *a)
{
	struct sso_config *c = &sso.conf;

	if (c->ro_line > 0)
		return sso_conf_err(ctx, "\"control socket ... read-only\" "
		    "given twice (first at %s:%d)", ctx->file, c->ro_line);
	snprintf(c->ro_path_raw, sizeof(c->ro_path_raw), "%s", a->s[0]);
	expand(c->ro_path, sizeof(c->ro_path), a->s[0]);
	if (strlen(c->ro_path) > 90)
		return sso_conf_err(ctx, "control socket path longer than 90 "
		    "characters");
	if (strcmp(c->ro_path, c->ctl_path) == 0)
		return sso_conf_err(ctx, "the read-only control socket must "
		    "differ from the control socket %s", c->ctl_path);
	c->ro_line = ctx->line;
	return 0;
}

static void
print_core(void *arg, struct sso_wbuf *b)
{
	struct sso_config *c = &sso.conf;
	unsigned u;

	sso_wbuf_printf(b, "hostname %s\n!\n", c->hostname);
	sso_wbuf_printf(b, "redundancy\n mode %s\n", c->mode_sso ? "sso" :
	    "none");
	for (u = 0; u < 2; u++)
		if (c->addr[u][0])
			sso_wbuf_printf(b, " unit %u address %s\n", u,
			    c->addr[u]);
	for (u = 0; u < 2; u++)
		if (c->witness_len[u])
			sso_wbuf_printf(b, " unit %u witness %s %u\n", u,
			    c->witness_text[u], c->witness_port[u]);
	if (c->notify[0])
		sso_wbuf_printf(b, " notify %s\n", c->notify);
	if (c->preferred >= 0)
		sso_wbuf_printf(b, " preferred-primary unit %d\n",
		    c->preferred);
	sso_wbuf_printf(b, " keepalive interval %u threshold %u\n",
	    c->ka_interval, c->ka_threshold);
	sso_wbuf_printf(b, " negotiation timeout %u\n", c->nego_timeout);
	if (!c->liveness)
		sso_wbuf_printf(b, " liveness off\n");
	if (c->liveness_port)
		sso_wbuf_printf(b, " liveness port %u\n", c->liveness_port);
	if (!c->security)
		sso_wbuf_printf(b, " security none\n");
	else if (c->key_secret_raw[0])
		/* paths only: key material is never shown */
		sso_wbuf_printf(b, " key secret %s peer-public %s\n",
		    c->key_secret_raw, c->key_peer_raw);
	sso_wbuf_printf(b, " checkpoint backlog %u\n", c->backlog);
	sso_wbuf_printf(b, " checkpoint sync-deadline %u\n", c->sync_deadline);
	sso_wbuf_printf(b, " checkpoint bulk page %u window %u\n",
	    c->bulk_page, c->bulk_window);
	sso_wbuf_printf(b, "!\ncontrol socket %s\n", c->ctl_path_raw);
	if (c->ro_path_raw[0])
		sso_wbuf_printf(b, "control socket %s read-only\n",
		    c->ro_path_raw);
	sso_wbuf_printf(b, "!\n");
}

/* JSON: the printed configuration as one string (text: as it is) */
struct run_info {
	const char	*text;
};
static const struct sso_field run_fields[] = {
	SSO_F_PSTR(struct run_info, text, "running_config", NULL, 0),
};
static const struct sso_table run_table = SSO_TABLE(run_fields);

static int
cmd_show_run(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_wbuf b;
	struct run_info ri;
	int rc;

	if (!r->json) {
		sso_conf_print(&r->out);
		return SSO_RC_OK;
	}
	sso_wbuf_init(&b, 0);
	sso_conf_print(&b);
	ri.text = sso_wbuf_str(&b);
	rc = sso_render_show(r, &run_table, &ri);
	sso_wbuf_free(&b);
	return rc;
}

static void
conf_defaults(struct sso_config *c)
{
	unsigned unit = c->unit;

	memset(c, 0, sizeof(*c));
	c->unit = unit;
	snprintf(c->hostname, sizeof(c->hostname), "ssod");
	c->mode_sso = 1;
	c->preferred = -1;
	c->ka_interval = 100;
	c->ka_threshold = 3;
	c->nego_timeout = 3000;
	c->liveness = 1;
	c->security = 1;
	c->backlog = 1000000;
	c->sync_deadline = 1000;
	c->bulk_page = 256;
	c->bulk_window = 65536;
	snprintf(c->ctl_path_raw, sizeof(c->ctl_path_raw),
	    "/run/ssod/unit%%u.ctl");
	expand(c->ctl_path, sizeof(c->ctl_path), c->ctl_path_raw);
}

static const struct sso_conf_module core_module;
static int validate(struct sso_conf_ctx *, void *);
static int cmd_reload(void *, const struct sso_args *, struct sso_reply *);

void
sso_core_register(void)
{
	conf_defaults(&sso.conf);
	sso_conf_register(NULL, "hostname <word>", SSO_CONF_ONCE, c_hostname, NULL);
	sso_conf_register(NULL, "redundancy", SSO_CONF_BLOCK | SSO_CONF_ONCE, c_redundancy,
	    NULL);
	sso_conf_register("redundancy", "mode {sso|none}", SSO_CONF_ONCE, c_mode, NULL);
	sso_conf_register("redundancy", "unit <uint:0-1> address <word>",
	    SSO_CONF_ONCE | SSO_CONF_SEL,
	    c_unit, NULL);
	sso_conf_register("redundancy", "unit <uint:0-1> witness <word> "
	    "<uint:1-65535>", SSO_CONF_ONCE | SSO_CONF_SEL, c_witness, NULL);
	sso_conf_register("redundancy", "notify <word>", SSO_CONF_NO | SSO_CONF_ONCE, c_notify,
	    NULL);
	sso_conf_register("redundancy", "notify", SSO_CONF_NO | SSO_CONF_ONCE, c_notify,
	    NULL);
	sso_conf_register("redundancy", "preferred-primary unit <uint:0-1>",
	    SSO_CONF_NO | SSO_CONF_ONCE, c_preferred, NULL);
	sso_conf_register("redundancy", "preferred-primary",
	    SSO_CONF_NO | SSO_CONF_ONCE,
	    c_preferred, NULL);
	sso_conf_register("redundancy", "keepalive interval <uint:10-10000> "
	    "threshold <uint:2-100>", SSO_CONF_ONCE, c_keepalive, NULL);
	sso_conf_register("redundancy", "liveness {on|off}", SSO_CONF_ONCE,
	    c_liveness, NULL);
	sso_conf_register("redundancy", "liveness port <uint:1-65535>",
	    SSO_CONF_ONCE, c_liveness_port, NULL);
	sso_conf_register("redundancy", "key secret <word> peer-public <word>",
	    SSO_CONF_ONCE, c_key, NULL);
	sso_conf_register("redundancy", "security {curve|none}", SSO_CONF_ONCE,
	    c_security, NULL);
	sso_conf_register("redundancy", "negotiation timeout "
	    "<uint:100-600000>", SSO_CONF_ONCE, c_nego, NULL);
	sso_conf_register("redundancy", "checkpoint backlog "
	    "<uint:100-100000000>", SSO_CONF_ONCE, c_backlog, NULL);
	sso_conf_register("redundancy", "checkpoint sync-deadline "
	    "<uint:10-600000>", SSO_CONF_ONCE, c_deadline, NULL);
	sso_conf_register("redundancy", "checkpoint bulk page "
	    "<uint:1-100000> window <uint:16-100000000>", SSO_CONF_ONCE,
	    c_bulk, NULL);
	sso_conf_register(NULL, "control socket <word>", SSO_CONF_ONCE, c_control, NULL);
	sso_conf_register(NULL, "control socket <word> read-only", 0,
	    c_control_ro, NULL);
	sso_conf_printer(0, print_core, NULL);
	sso_cmd_register("show running-config", cmd_show_run, NULL);
	sso_mgmt_register();
	sso_metrics_conf_register();
	sso_cmd_register("reload", cmd_reload, NULL);
	sso_conf_validator(validate, NULL);
	sso_conf_module(&core_module, NULL);
}

/* after the file is read: what must hold for the pair to start */
static int
validate(struct sso_conf_ctx *ctx, void *arg)
{
	struct sso_config *c = &sso.conf;

	if (!c->mode_sso)
		return 0;
	if (!c->have_redundancy)
		return sso_conf_err(ctx, "no redundancy block: configure "
		    "\"redundancy\" with \"unit 0 address\" and \"unit 1 "
		    "address\"");
	ctx->line = sso_conf_key_line("redundancy");
	if (!c->addr[0][0] || !c->addr[1][0])
		return sso_conf_err(ctx, "redundancy: both \"unit 0 address\" "
		    "and \"unit 1 address\" are required");
	if (strcmp(c->addr[0], c->addr[1]) == 0) {
		ctx->line = sso_conf_key_line("unit 1 address");
		return sso_conf_err(ctx, "redundancy: the two units need "
		    "different addresses (unit 0 address at line %d)",
		    sso_conf_key_line("unit 0 address"));
	}
	if (c->security && !c->key_secret[0])
		return sso_conf_err(ctx, "redundancy: \"key secret FILE "
		    "peer-public FILE\" is required (or \"security none\", "
		    "not recommended)");
	if (!c->witness_len[0] != !c->witness_len[1]) {
		ctx->line = sso_conf_key_line(c->witness_len[0] ?
		    "unit 0 witness" : "unit 1 witness");
		return sso_conf_err(ctx, "redundancy: a witness needs both "
		    "\"unit 0 witness\" and \"unit 1 witness\"");
	}
	if (c->bulk_window > c->backlog) {
		ctx->line = sso_conf_key_line("checkpoint bulk");
		return sso_conf_err(ctx, "redundancy: checkpoint bulk window "
		    "%u is larger than the backlog %u", c->bulk_window,
		    c->backlog);
	}
	return 0;
}

/*
 * What start-up checks in the file system (key files, the control socket
 * directory), for -n and before start-up: the same functions chan.c and
 * mgmt.c use then.
 */
static int
check_files(const char *file, char *err, size_t len)
{
	struct sso_config *c = &sso.conf;
	char why[400];
	int line;

	if (c->mode_sso && c->security) {
		line = sso_conf_key_line("key secret");
		if (sso_chan_key_check(c->key_secret, 1, why,
		    sizeof(why)) == -1 ||
		    sso_chan_key_check(c->key_peer, 0, why, sizeof(why)) == -1) {
			/* as chan.c says it at start-up: security fails closed */
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
			    ": security setup failed, refusing to run "
			    "unprotected");
			goto fail;
		}
	}
	line = sso_conf_key_line("control socket");
	if (sso_mgmt_check_dir(c->ctl_path, 0, why, sizeof(why)) == -1)
		goto fail;
	line = c->ro_line;
	if (c->ro_path[0] && sso_mgmt_check_dir(c->ro_path, SSO_MGMT_GROUP,
	    why, sizeof(why)) == -1)
		goto fail;
	return 0;
fail:
	if (line > 0)
		snprintf(err, len, "%s:%d: %s", file, line, why);
	else
		snprintf(err, len, "%s: %s", file, why);
	return -1;
}

static char conf_file[PATH_MAX];

int
sso_core_load(const char *file, char *err, size_t len)
{
	/* a reload after daemon(3) has changed to / must find it again */
	if (realpath(file, conf_file) == NULL)
		snprintf(conf_file, sizeof(conf_file), "%s", file);
	if (sso_conf_load(file, err, len) == -1)
		return -1;
	return check_files(file, err, len);
}

/* reload: the core's settings */

static void *
core_save(void *arg)
{
	struct sso_config *old;

	if ((old = malloc(sizeof(*old))) == NULL)
		sso_fatal("out of memory");
	*old = sso.conf;
	conf_defaults(&sso.conf);
	return old;
}

static void
core_keep(void *arg, void *saved, struct sso_conf_reload *rl)
{
	struct sso_config *c = &sso.conf, *o = saved;
	const char *why = "cannot change at run time (restart needed), "
	    "keeping the running value";
	char key[32];
	unsigned u;

	if (c->mode_sso != o->mode_sso) {
		sso_conf_refuse(rl, "mode", "%s", why);
		c->mode_sso = o->mode_sso;
	}
	for (u = 0; u < 2; u++) {
		if (strcmp(c->addr[u], o->addr[u]) != 0) {
			snprintf(key, sizeof(key), "unit %u address", u);
			sso_conf_refuse(rl, key, "%s %s", why, o->addr[u]);
			memcpy(c->addr[u], o->addr[u], sizeof(c->addr[u]));
		}
		if (c->witness_len[u] != o->witness_len[u] ||
		    c->witness_port[u] != o->witness_port[u] ||
		    strcmp(c->witness_text[u], o->witness_text[u]) != 0) {
			snprintf(key, sizeof(key), "unit %u witness", u);
			sso_conf_refuse(rl, key, "%s", why);
			c->witness[u] = o->witness[u];
			c->witness_len[u] = o->witness_len[u];
			c->witness_port[u] = o->witness_port[u];
			memcpy(c->witness_text[u], o->witness_text[u],
			    sizeof(c->witness_text[u]));
		}
	}
	if (c->security != o->security) {
		sso_conf_refuse(rl, "security", "%s", why);
		c->security = o->security;
	}
	if (strcmp(c->key_secret_raw, o->key_secret_raw) != 0 ||
	    strcmp(c->key_peer_raw, o->key_peer_raw) != 0) {
		sso_conf_refuse(rl, "key secret", "%s", why);
		memcpy(c->key_secret_raw, o->key_secret_raw, PATH_MAX);
		memcpy(c->key_peer_raw, o->key_peer_raw, PATH_MAX);
		memcpy(c->key_secret, o->key_secret, PATH_MAX);
		memcpy(c->key_peer, o->key_peer, PATH_MAX);
	}
	if (strcmp(c->ctl_path_raw, o->ctl_path_raw) != 0) {
		sso_conf_refuse(rl, "control socket", "%s %s", why,
		    o->ctl_path_raw);
		memcpy(c->ctl_path_raw, o->ctl_path_raw, PATH_MAX);
		memcpy(c->ctl_path, o->ctl_path, PATH_MAX);
	}
	if (strcmp(c->ro_path_raw, o->ro_path_raw) != 0) {
		sso_conf_refuse(rl, "control socket read-only", "%s %s", why,
		    o->ro_path_raw[0] ? o->ro_path_raw : "(none)");
		memcpy(c->ro_path_raw, o->ro_path_raw, PATH_MAX);
		memcpy(c->ro_path, o->ro_path, PATH_MAX);
	}
	/* both units arm their keepalive and negotiation timers with these
	 * at start-up, and the pair must agree on them */
	if (c->ka_interval != o->ka_interval ||
	    c->ka_threshold != o->ka_threshold) {
		sso_conf_refuse(rl, "keepalive interval", "%s", why);
		c->ka_interval = o->ka_interval;
		c->ka_threshold = o->ka_threshold;
	}
	if (c->nego_timeout != o->nego_timeout) {
		sso_conf_refuse(rl, "negotiation timeout", "%s", why);
		c->nego_timeout = o->nego_timeout;
	}
	if (c->liveness != o->liveness ||
	    c->liveness_port != o->liveness_port) {
		sso_conf_refuse(rl, "liveness", "%s", why);
		c->liveness = o->liveness;
		c->liveness_port = o->liveness_port;
	}
}

static void
core_commit(void *arg, void *saved)
{
	free(saved);
}

static void
core_rollback(void *arg, void *saved)
{
	sso.conf = *(struct sso_config *)saved;
	free(saved);
}

static const struct sso_conf_module core_module = {
	.name = "core",
	.save = core_save,
	.keep = core_keep,
	.commit = core_commit,
	.rollback = core_rollback,
};

/*
 * A standby whose configuration changed re-synchronises from the active
 * (the path of a full resync): the config-sync client then compares the
 * two configurations again in the bulk, and the pair is HOT again only
 * when they match.
 */
static void
standby_resync(void)
{
	sso_log(SSO_NOTICE, "CONF", "RELOAD", "configuration changed on the "
	    "standby: full resynchronisation from the active");
	sso_hist_add("configuration reloaded: full resync");
	sso_cf_became_standby();
	sso_cf_reset_clients();
	sso_rf_cold();
}

/*
 * An active whose standby is held out of HOT (say its configuration
 * differed, and now may not): start a new checkpoint history, as a new
 * active does. The standby's next hello is then not covered by the
 * backlog and it gets a full bulk, in which config-sync compares again
 * (the recovery path of a one-way fault, cf.c sso_cf_ka_check()).
 */
static void
active_resync(void)
{
	sso_log(SSO_NOTICE, "CONF", "RELOAD", "standby held out of HOT (%s): "
	    "full resynchronisation of the standby", sso.rf.not_hot_reason);
	sso_hist_add("configuration reloaded: full resync of the standby");
	sso_cf_became_active();
}

static int
conf_changed(struct sso_wbuf *before)
{
	struct sso_wbuf after;
	int changed;

	sso_wbuf_init(&after, 0);
	sso_conf_print(&after);
	changed = strcmp(sso_wbuf_str(before), sso_wbuf_str(&after)) != 0;
	sso_wbuf_free(&after);
	return changed;
}

int
sso_core_reload(char *msg, size_t len)
{
	struct sso_wbuf b, before;
	int rc;

	sso_wbuf_init(&b, 0);
	sso_wbuf_init(&before, 0);
	sso_conf_print(&before);
	rc = sso_conf_reload(conf_file, &b);
	if (rc == -1) {
		sso_log(SSO_ERR, "CONF", "RELOAD", "reload refused, nothing "
		    "changed: %.*s", (int)(b.len ? b.len - 1 : 0),
		    (const char *)b.buf);
		snprintf(msg, len, "%sconfiguration not reloaded: nothing "
		    "changed\n", sso_wbuf_str(&b));
	} else {
		const char *t = sso_wbuf_str(&b), *nl;

		/* one log line per refused setting */
		for (; *t; t = nl + 1) {
			if ((nl = strchr(t, '\n')) == NULL)
				break;
			sso_log(SSO_WARNING, "CONF", "RELOAD", "not applied: "
			    "%.*s", (int)(nl - t), t);
		}
		sso_log(SSO_NOTICE, "CONF", "RELOAD", "configuration reloaded "
		    "from %s (%d setting(s) need a restart)", conf_file, rc);
		snprintf(msg, len, "configuration reloaded from %s\n%s",
		    conf_file, sso_wbuf_str(&b));
		/* also unchanged but held out of HOT: it may match now */
		if (SSO_RF_IS_STANDBY(sso.rf.state) && (conf_changed(&before) ||
		    sso.rf.not_hot_reason[0]))
			standby_resync();
		else if (SSO_RF_IS_ACTIVE(sso.rf.state) && sso.rf.peer_up &&
		    sso.rf.not_hot_reason[0])
			active_resync();
	}
	sso_wbuf_free(&before);
	sso_wbuf_free(&b);
	return rc;
}

static int
cmd_reload(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	char msg[4096];
	struct sso_json j;
	int rc = sso_core_reload(msg, sizeof(msg));

	if (!r->json) {
		sso_wbuf_printf(&r->out, "%s", msg);
		return rc == -1 ? SSO_RC_ERROR : SSO_RC_OK;
	}
	sso_json_init(&j, &r->out);
	sso_json_obj(&j);
	sso_json_kbool(&j, "reloaded", rc != -1);
	sso_json_ku64(&j, "refused", rc == -1 ? 0 : (uint64_t)rc);
	sso_json_kstr(&j, "message", msg);
	sso_json_obj_end(&j);
	return rc == -1 ? SSO_RC_ERROR : SSO_RC_OK;
}

int
sso_core_init(struct ev_loop *loop, unsigned unit, char **argv)
{
	sso.loop = loop;
	sso.conf.unit = unit;
	sso.argv = argv;
	sso.tx = &sso_chan_tx;		/* rf.c and cf.c send through chan.c */
	sso.tx_arg = NULL;
	sso_chan_set_ops(&sso_unit_chan_ops, &sso);
	sso_core_register();
	sso_rf_init();
	sso_rf_show_init();
	sso_cf_init();
	sso_cf_show_init();
	sso_fault_init(sso_chan_send_raw);
	return 0;
}

const char *
sso_core_ctl_path(void)
{
	return sso.conf.ctl_path;
}

struct sso_core *
sso_unit_new(struct ev_loop *loop, unsigned unit,
    const struct sso_tx_ops *tx, void *tx_arg)
{
	struct sso_core *u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		sso_fatal("out of memory");
	sso_unit_enter(u);
	u->loop = loop;
	u->conf.unit = unit;
	conf_defaults(&u->conf);
	u->conf.security = 0;
	u->tx = tx;
	u->tx_arg = tx_arg;
	sso_rf_unit_init();
	sso_cf_unit_init();
	return u;
}

void
sso_unit_free(struct sso_core *u)
{
	sso_unit_enter(u);
	sso_rf_unit_fini();
	sso_cf_unit_fini();
	free(u);
	sso_unit = NULL;
}

int
sso_core_start(void)
{
	if (sso_mgmt_open() == -1 || sso_metrics_start() == -1)
		return -1;
	if (sso.conf.mode_sso && (sso_chan_open() == -1 ||
	    sso_witness_open() == -1))
		return -1;
	return sso_rf_start();
}
