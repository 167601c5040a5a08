/*
 * sso.c - the core's configuration commands, start-up and shutdown.
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
 *    notify PATH                           (role-change hook, notify.c)
 *   control socket PATH
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sso_local.h"
#include "metrics.h"

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

static int
c_unit(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	const char *addr = a->s[1];

	if (strncmp(addr, "tcp://", 6) != 0 && strncmp(addr, "ipc://", 6) != 0)
		return sso_conf_err(ctx, "unit %u address %s: expected "
		    "tcp://HOST:PORT or ipc://PATH", a->u[0], addr);
	if (strncmp(addr, "tcp://", 6) == 0 && strrchr(addr + 6, ':') == NULL)
		return sso_conf_err(ctx, "unit %u address %s: missing port",
		    a->u[0], addr);
	if (strlen(addr) >= sizeof(sso.conf.addr[0]))
		return sso_conf_err(ctx, "address too long");
	snprintf(sso.conf.addr[a->u[0]], sizeof(sso.conf.addr[0]), "%s", addr);
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
	sso_wbuf_printf(b, "!\ncontrol socket %s\n!\n", c->ctl_path_raw);
}

static int
cmd_show_run(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_wbuf b;
	struct sso_json j;

	if (!r->json) {
		sso_conf_print(&r->out);
		return SSO_RC_OK;
	}
	sso_wbuf_init(&b, 0);
	sso_conf_print(&b);
	sso_json_init(&j, &r->out);
	sso_json_obj(&j);
	sso_json_kstr(&j, "running_config", sso_wbuf_str(&b));
	sso_json_obj_end(&j);
	sso_wbuf_free(&b);
	return SSO_RC_OK;
}

void
sso_core_register(void)
{
	struct sso_config *c = &sso.conf;
	unsigned unit = c->unit;

	memset(c, 0, sizeof(*c));
	c->unit = unit;
	snprintf(c->hostname, sizeof(c->hostname), "ssod");
	c->mode_sso = 1;
	c->preferred = -1;
	c->ka_interval = 100;
	c->ka_threshold = 3;
	c->nego_timeout = 3000;
	c->security = 1;
	c->backlog = 1000000;
	c->sync_deadline = 1000;
	c->bulk_page = 256;
	c->bulk_window = 65536;
	snprintf(c->ctl_path_raw, sizeof(c->ctl_path_raw),
	    "/run/ssod/unit%%u.ctl");
	expand(c->ctl_path, sizeof(c->ctl_path), c->ctl_path_raw);

	sso_conf_register(NULL, "hostname <word>", 0, c_hostname, NULL);
	sso_conf_register(NULL, "redundancy", SSO_CONF_BLOCK, c_redundancy,
	    NULL);
	sso_conf_register("redundancy", "mode {sso|none}", 0, c_mode, NULL);
	sso_conf_register("redundancy", "unit <uint:0-1> address <word>", 0,
	    c_unit, NULL);
	sso_conf_register("redundancy", "unit <uint:0-1> witness <word> "
	    "<uint:1-65535>", 0, c_witness, NULL);
	sso_conf_register("redundancy", "notify <word>", SSO_CONF_NO, c_notify,
	    NULL);
	sso_conf_register("redundancy", "notify", SSO_CONF_NO, c_notify,
	    NULL);
	sso_conf_register("redundancy", "preferred-primary unit <uint:0-1>",
	    SSO_CONF_NO, c_preferred, NULL);
	sso_conf_register("redundancy", "preferred-primary", SSO_CONF_NO,
	    c_preferred, NULL);
	sso_conf_register("redundancy", "keepalive interval <uint:10-10000> "
	    "threshold <uint:2-100>", 0, c_keepalive, NULL);
	sso_conf_register("redundancy", "key secret <word> peer-public <word>",
	    0, c_key, NULL);
	sso_conf_register("redundancy", "security {curve|none}", 0,
	    c_security, NULL);
	sso_conf_register("redundancy", "negotiation timeout "
	    "<uint:100-600000>", 0, c_nego, NULL);
	sso_conf_register("redundancy", "checkpoint backlog "
	    "<uint:100-100000000>", 0, c_backlog, NULL);
	sso_conf_register("redundancy", "checkpoint sync-deadline "
	    "<uint:10-600000>", 0, c_deadline, NULL);
	sso_conf_register("redundancy", "checkpoint bulk page "
	    "<uint:1-100000> window <uint:16-100000000>", 0, c_bulk, NULL);
	sso_conf_register(NULL, "control socket <word>", 0, c_control, NULL);
	sso_conf_printer(0, print_core, NULL);
	sso_cmd_register("show running-config", cmd_show_run, NULL);
	sso_metrics_conf_register();
}

/* after the file is read: what must hold for the pair to start */
static int
validate(char *err, size_t len)
{
	struct sso_config *c = &sso.conf;

	if (!c->mode_sso)
		return 0;
	if (!c->have_redundancy) {
		snprintf(err, len, "no redundancy block: configure \"redundancy"
		    "\" with \"unit 0 address\" and \"unit 1 address\"");
		return -1;
	}
	if (!c->addr[0][0] || !c->addr[1][0]) {
		snprintf(err, len, "redundancy: both \"unit 0 address\" and "
		    "\"unit 1 address\" are required");
		return -1;
	}
	if (strcmp(c->addr[0], c->addr[1]) == 0) {
		snprintf(err, len, "redundancy: the two units need different "
		    "addresses");
		return -1;
	}
	if (c->security && !c->key_secret[0]) {
		snprintf(err, len, "redundancy: \"key secret FILE peer-public "
		    "FILE\" is required (or \"security none\", not "
		    "recommended)");
		return -1;
	}
	if (!c->witness_len[0] != !c->witness_len[1]) {
		snprintf(err, len, "redundancy: a witness needs both \"unit 0 "
		    "witness\" and \"unit 1 witness\"");
		return -1;
	}
	if (c->bulk_window > c->backlog) {
		snprintf(err, len, "redundancy: checkpoint bulk window %u is "
		    "larger than the backlog %u", c->bulk_window, c->backlog);
		return -1;
	}
	return 0;
}

int
sso_core_load(const char *file, char *err, size_t len)
{
	if (sso_conf_load(file, err, len) == -1)
		return -1;
	if (validate(err, len) == -1) {
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s: %s", file, err);
		snprintf(err, len, "%s", tmp);
		return -1;
	}
	return 0;
}

int
sso_core_init(struct ev_loop *loop, unsigned unit, char **argv)
{
	sso.loop = loop;
	sso.conf.unit = unit;
	sso.argv = argv;
	sso_core_register();
	sso_rf_init();
	sso_cf_init();
	sso_fault_init();
	return 0;
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
