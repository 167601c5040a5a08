/*
 * fuzz_config.c - libFuzzer target over configuration files, read through
 * the real grammar of the core and the L2TP service as ssod registers it.
 * Each input is parsed into fresh settings from an in-memory stream and
 * the running ones are put back afterwards (sso_conf_try: the reload
 * machinery), so runs do not see each other. A file that parses must print
 * back to a file that parses and prints the same (the round trip the
 * README promises; the tunnel password placeholder put back). Longer run:
 *   build-asan/tests/fuzz_config -max_total_time=3600 tests/fuzz/corpus/fuzz_config
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ev.h>

#include "sso_local.h"
#include "l2tp_svc.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *args[] = { "fuzz_config", NULL };

	sso_core_init(ev_default_loop(0), 0, args);
	if (l2tp_svc_init(ev_default_loop(0)) == -1)
		abort();
	return 0;
}

/* the print-back with its secret placeholder replaced, as a stream */
static FILE *
reparse_input(const char *text, char **buf)
{
	size_t n = strlen(text), o = 0;
	const char *h;

	if ((*buf = malloc(n + 1)) == NULL)
		return NULL;
	for (h = text; *h; ) {
		if (strncmp(h, "password <hidden>\n", 18) == 0) {
			memcpy(*buf + o, "password secret\n", 16);
			o += 16;
			h += 18;
		} else
			(*buf)[o++] = *h++;
	}
	return fmemopen(*buf, o, "r");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct sso_wbuf p1, p2;
	char err[600], *copy;
	FILE *fp;
	int rc;

	if (len == 0 || (fp = fmemopen((void *)(uintptr_t)data, len, "r")) ==
	    NULL)
		return 0;
	sso_wbuf_init(&p1, 0);
	rc = sso_conf_try(fp, "fuzz.conf", err, sizeof(err), &p1);
	fclose(fp);
	/* every refusal names the file */
	if (rc == -1 && strncmp(err, "fuzz.conf", 9) != 0)
		__builtin_trap();
	if (rc == 0 && (fp = reparse_input(sso_wbuf_str(&p1), &copy))) {
		sso_wbuf_init(&p2, 0);
		if (sso_conf_try(fp, "print.conf", err, sizeof(err), &p2) ==
		    -1 || strcmp(sso_wbuf_str(&p1), sso_wbuf_str(&p2)) != 0)
			__builtin_trap();
		fclose(fp);
		free(copy);
		sso_wbuf_free(&p2);
	}
	sso_wbuf_free(&p1);
	return 0;
}
