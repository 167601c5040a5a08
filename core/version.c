/*
 * version.c - what this binary is: `ssod -V` and `show version`.
 *
 * The version comes from CMake's project(), the commit and build date from
 * the configure step (core/CMakeLists.txt); the checkpoint clients and
 * their message-version ranges come from the client registry (cf.c), not
 * from a list kept here, so that an ISSU check can compare two binaries
 * from what they really register.
 */
#include <stdio.h>
#include <unistd.h>

#include "sso_local.h"

#ifndef SSO_VERSION
#define SSO_VERSION	"unknown"
#endif
#ifndef SSO_GIT_COMMIT
#define SSO_GIT_COMMIT	"unknown"
#endif
#if defined(__clang__)
#define SSO_COMPILER	__VERSION__	/* "Debian Clang 14.0.6" */
#elif defined(__GNUC__)
#define SSO_COMPILER	"gcc " __VERSION__
#else
#define SSO_COMPILER	__VERSION__
#endif
#ifndef SSO_BUILD_DATE
#define SSO_BUILD_DATE	"unknown"
#endif

const char *sso_version_string(void) { return SSO_VERSION; }
const char *sso_version_commit(void) { return SSO_GIT_COMMIT; }
const char *sso_version_compiler(void) { return SSO_COMPILER; }

static void
client_text(void *arg, const struct sso_client_ops *o)
{
	char range[24];

	/* ISSU: `PATH -V` is read by loadversion (issu.c): ID NAME MIN-MAX */
	snprintf(range, sizeof(range), "%u-%u", o->ver_min, o->ver_max);
	sso_wbuf_printf(arg, "  %-6u %-16s %-16s %s\n", o->id, o->name, range,
	    o->optional ? "optional" : "base");
}

/* the binary's identity: shared by -V and show version */
void
sso_version_print(struct sso_wbuf *b)
{
	sso_wbuf_printf(b, "ssod version %s (commit %s)\n", SSO_VERSION,
	    SSO_GIT_COMMIT);
	sso_wbuf_printf(b, "Built %s with %s\n", SSO_BUILD_DATE, SSO_COMPILER);
	sso_wbuf_printf(b, "Inter-RP protocol version %u\n",
	    sso_cf_proto_version());
	sso_wbuf_printf(b, "Checkpoint clients:\n  %-6s %-16s %-16s %s\n",
	    "ID", "Name", "Message versions", "Kind");
	sso_cf_foreach_client(client_text, b);
}

static void
client_json(void *arg, const struct sso_client_ops *o)
{
	struct sso_json *j = arg;

	sso_json_obj(j);
	sso_json_ku64(j, "id", o->id);
	sso_json_kstr(j, "name", o->name);
	sso_json_ku64(j, "version_min", o->ver_min);
	sso_json_ku64(j, "version_max", o->ver_max);
	sso_json_kstr(j, "kind", o->optional ? "optional" : "base");
	sso_json_obj_end(j);
}

static int
cmd_show_version(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	struct sso_json j;

	if (!r->json) {
		sso_version_print(&r->out);
		sso_wbuf_printf(&r->out, "Unit %u, pid %d, syslog ident %s\n",
		    sso.conf.unit, (int)getpid(), sso_log_ident());
		sso_wbuf_printf(&r->out, "Test commands (service internal): "
		    "%s\n", sso_service_internal() ? "enabled" : "disabled");
		return SSO_RC_OK;
	}
	sso_json_init(&j, &r->out);
	sso_json_obj(&j);
	sso_json_kstr(&j, "version", SSO_VERSION);
	sso_json_kstr(&j, "commit", SSO_GIT_COMMIT);
	sso_json_kstr(&j, "build_date", SSO_BUILD_DATE);
	sso_json_kstr(&j, "compiler", SSO_COMPILER);
	sso_json_ku64(&j, "protocol_version", sso_cf_proto_version());
	sso_json_ku64(&j, "unit", sso.conf.unit);
	sso_json_ku64(&j, "pid", (uint64_t)getpid());
	sso_json_kstr(&j, "syslog_ident", sso_log_ident());
	sso_json_kbool(&j, "service_internal", sso_service_internal());
	sso_json_key(&j, "clients");
	sso_json_arr(&j);
	sso_cf_foreach_client(client_json, &j);
	sso_json_arr_end(&j);
	sso_json_obj_end(&j);
	return SSO_RC_OK;
}

void
sso_version_register(void)
{
	sso_cmd_register("show version", cmd_show_version, NULL);
}
