/*
 * cmd.c - token-table grammar shared by control commands and configuration
 * (see cmd.h). Patterns are compiled once at registration into token
 * arrays; matching walks the input word by word, narrowing the candidate
 * set IOS-style: at each position an exact keyword wins, a unique prefix
 * is accepted, two different keywords sharing the prefix are ambiguous.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum tok_type { TOK_KW, TOK_UINT, TOK_WORD, TOK_LINE, TOK_SET };

#define MAXSET	8
struct tok {
	enum tok_type	 type;
	char		*kw;			/* TOK_KW */
	char		*set[MAXSET];		/* TOK_SET alternatives */
	int		 nset;
	uint32_t	 lo, hi;		/* TOK_UINT */
};

struct entry {
	struct tok	 toks[SSO_MAXWORDS];
	int		 ntok;
	char		*parent;	/* config only: NULL = top level */
	int		 flags;
	int		 is_conf;
	sso_cmd_fn	 cmd;
	sso_conf_fn	 conf;
	void		*arg;
	struct entry	*next;
};

struct printer {
	int			 prio;
	sso_conf_print_fn	 fn;
	void			*arg;
	struct printer		*next;
};

static struct entry *entries, **entries_tail = &entries;
static struct printer *printers;

static void src_reset(const char *file);
static void src_add(const char *parent, const char *text, int line);

static void
free_entry(struct entry *e)
{
	int i, k;

	for (i = 0; i < e->ntok; i++) {
		free(e->toks[i].kw);
		for (k = 0; k < e->toks[i].nset; k++)
			free(e->toks[i].set[k]);
	}
	free(e->parent);
	free(e);
}

void
sso_cmd_reset(void)
{
	struct entry *e, *n;
	struct printer *p, *pn;

	for (e = entries; e; e = n) {
		n = e->next;
		free_entry(e);
	}
	entries = NULL;
	entries_tail = &entries;
	for (p = printers; p; p = pn) {
		pn = p->next;
		free(p);
	}
	printers = NULL;
}

static int
compile_tok(struct tok *t, const char *w)
{
	unsigned long lo, hi;
	char *copy, *s, *save = NULL;

	memset(t, 0, sizeof(*t));
	if (strcmp(w, "<word>") == 0)
		t->type = TOK_WORD;
	else if (strcmp(w, "<line>") == 0)
		t->type = TOK_LINE;
	else if (sscanf(w, "<uint:%lu-%lu>", &lo, &hi) == 2 && lo <= hi &&
	    hi <= UINT32_MAX) {
		t->type = TOK_UINT;
		t->lo = (uint32_t)lo;
		t->hi = (uint32_t)hi;
	} else if (w[0] == '{' && w[strlen(w) - 1] == '}') {
		t->type = TOK_SET;
		if ((copy = strndup(w + 1, strlen(w) - 2)) == NULL)
			return -1;
		for (s = strtok_r(copy, "|", &save); s;
		    s = strtok_r(NULL, "|", &save)) {
			if (t->nset == MAXSET)
				break;
			t->set[t->nset++] = strdup(s);
		}
		free(copy);
	} else if (w[0] == '<' || w[0] == '[')
		return -1;
	else {
		t->type = TOK_KW;
		t->kw = strdup(w);
	}
	return 0;
}

static struct entry *
compile(const char *pattern)
{
	struct entry *e;
	char *copy, *w, *save = NULL;

	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (copy = strdup(pattern)) == NULL) {
		free(e);
		return NULL;
	}
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (e->ntok == SSO_MAXWORDS ||
		    compile_tok(&e->toks[e->ntok++], w) == -1) {
			free(copy);
			free_entry(e);
			return NULL;
		}
	}
	free(copy);
	return e;
}

static void
append(struct entry *e)
{
	*entries_tail = e;
	entries_tail = &e->next;
}

int
sso_cmd_register(const char *pattern, sso_cmd_fn fn, void *arg)
{
	struct entry *e;

	if ((e = compile(pattern)) == NULL)
		return -1;
	e->cmd = fn;
	e->arg = arg;
	append(e);
	return 0;
}

int
sso_conf_register(const char *parent, const char *pattern, int flags,
    sso_conf_fn fn, void *arg)
{
	struct entry *e;

	if ((e = compile(pattern)) == NULL)
		return -1;
	if (parent && (e->parent = strdup(parent)) == NULL) {
		free_entry(e);
		return -1;
	}
	e->is_conf = 1;
	e->flags = flags;
	e->conf = fn;
	e->arg = arg;
	append(e);
	return 0;
}

int
sso_conf_printer(int prio, sso_conf_print_fn fn, void *arg)
{
	struct printer *p, **pp;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->prio = prio;
	p->fn = fn;
	p->arg = arg;
	for (pp = &printers; *pp && (*pp)->prio <= prio; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
	return 0;
}

/* matching */

enum kwmatch { KW_NO, KW_PREFIX, KW_EXACT };

static enum kwmatch
kwmatch(const char *kw, const char *w)
{
	size_t n = strlen(w);

	if (strcmp(kw, w) == 0)
		return KW_EXACT;
	if (n > 0 && strncmp(kw, w, n) == 0)
		return KW_PREFIX;
	return KW_NO;
}

/* the keyword a word selects at a token (KW or SET), NULL if none/ambiguous */
static const char *
tok_keyword(const struct tok *t, const char *w, int *exact, int *idx)
{
	const char *hit = NULL;
	int i, nprefix = 0;

	*exact = 0;
	if (t->type == TOK_KW) {
		switch (kwmatch(t->kw, w)) {
		case KW_EXACT:
			*exact = 1;
			/* FALLTHROUGH */
		case KW_PREFIX:
			*idx = 0;
			return t->kw;
		default:
			return NULL;
		}
	}
	for (i = 0; i < t->nset; i++) {
		enum kwmatch m = kwmatch(t->set[i], w);

		if (m == KW_EXACT) {
			*exact = 1;
			*idx = i;
			return t->set[i];
		}
		if (m == KW_PREFIX) {
			nprefix++;
			hit = t->set[i];
			*idx = i;
		}
	}
	return nprefix == 1 ? hit : NULL;
}

static int
parse_uint(const char *w, uint32_t lo, uint32_t hi, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)w[0]))
		return -1;
	errno = 0;
	x = strtoull(w, &end, 10);
	if (errno || *end || x < lo || x > hi)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

struct match {
	struct entry	*e;
	struct sso_args	 args;
	char		 err[160];
	int		 rc;
};

/*
 * Match words against the entries selected by filter (conf/parent).
 * On success m->e and m->args are set; otherwise m->rc and m->err.
 */
static int
match(char **words, int nw, int conf, const char *parent, struct match *m)
{
	struct entry *cand[256];
	int ncand = 0, i, k, pos;
	struct entry *e;
	static char linebuf[1024];

	memset(m, 0, sizeof(*m));
	for (e = entries; e && ncand < 256; e = e->next) {
		if (e->is_conf != conf)
			continue;
		if (conf && ((parent == NULL) != (e->parent == NULL) ||
		    (parent && strcmp(parent, e->parent) != 0)))
			continue;
		cand[ncand++] = e;
	}
	if (nw == 0) {
		m->rc = SSO_RC_INCOMPLETE;
		snprintf(m->err, sizeof(m->err), "%% Incomplete command");
		return -1;
	}
	for (pos = 0; pos < nw; pos++) {
		const char *w = words[pos], *chosen = NULL;
		int any_exact = 0, kw_hits = 0, ambiguous = 0, n = 0;

		/* pass 1: which keyword does this word select? */
		for (i = 0; i < ncand; i++) {
			struct tok *t = &cand[i]->toks[pos];
			const char *kw;
			int ex, idx;

			if (pos >= cand[i]->ntok ||
			    (t->type != TOK_KW && t->type != TOK_SET))
				continue;
			if (t->type == TOK_SET && tok_keyword(t, w, &ex, &idx)
			    == NULL) {
				/* a set may be ambiguous within itself */
				for (k = 0; k < t->nset; k++)
					if (kwmatch(t->set[k], w) != KW_NO)
						ambiguous = 1;
				continue;
			}
			if ((kw = tok_keyword(t, w, &ex, &idx)) == NULL)
				continue;
			kw_hits++;
			if (ex && !any_exact) {
				any_exact = 1;
				chosen = kw;
			} else if (!any_exact) {
				if (chosen && strcmp(chosen, kw) != 0)
					ambiguous = 1;
				chosen = kw;
			}
		}
		if (!any_exact && ambiguous) {
			m->rc = SSO_RC_AMBIGUOUS;
			snprintf(m->err, sizeof(m->err),
			    "%% Ambiguous command: \"%s\"", w);
			return -1;
		}
		/* pass 2: keep candidates consistent with the choice */
		for (i = 0; i < ncand; i++) {
			struct tok *t;
			int ex, idx, keep = 0;

			if (pos >= cand[i]->ntok) {
				/* a <line> earlier swallowed the rest */
				if (cand[i]->ntok > 0 &&
				    cand[i]->toks[cand[i]->ntok - 1].type ==
				    TOK_LINE)
					keep = 1;
				if (keep)
					cand[n++] = cand[i];
				continue;
			}
			t = &cand[i]->toks[pos];
			switch (t->type) {
			case TOK_KW:
			case TOK_SET:
				keep = chosen && tok_keyword(t, w, &ex, &idx) &&
				    strcmp(tok_keyword(t, w, &ex, &idx),
				    chosen) == 0;
				break;
			case TOK_UINT:
			case TOK_WORD:
			case TOK_LINE:
				keep = (kw_hits == 0);
				break;
			}
			if (keep)
				cand[n++] = cand[i];
		}
		ncand = n;
		if (ncand == 0) {
			m->rc = SSO_RC_UNKNOWN;
			snprintf(m->err, sizeof(m->err),
			    "%% Invalid input detected at \"%s\"", w);
			return -1;
		}
	}
	/* complete candidates: consumed all tokens (or end in <line>) */
	for (i = 0, e = NULL; i < ncand; i++) {
		int nt = cand[i]->ntok;

		if (nt == nw || (nt <= nw && nt > 0 &&
		    cand[i]->toks[nt - 1].type == TOK_LINE)) {
			e = cand[i];
			break;
		}
	}
	if (e == NULL) {
		m->rc = SSO_RC_INCOMPLETE;
		snprintf(m->err, sizeof(m->err), "%% Incomplete command");
		return -1;
	}
	/* extract arguments */
	for (pos = 0; pos < e->ntok; pos++) {
		struct tok *t = &e->toks[pos];
		int ex, idx;
		uint32_t v;

		if (t->type == TOK_KW)
			continue;
		if (m->args.n == SSO_MAXARGS)
			break;
		switch (t->type) {
		case TOK_UINT:
			if (parse_uint(words[pos], t->lo, t->hi, &v) == -1) {
				m->rc = SSO_RC_BADARG;
				snprintf(m->err, sizeof(m->err),
				    "%% Invalid value \"%s\" (expected %u-%u)",
				    words[pos], t->lo, t->hi);
				return -1;
			}
			m->args.u[m->args.n] = v;
			m->args.s[m->args.n++] = words[pos];
			break;
		case TOK_SET:
			m->args.s[m->args.n] = tok_keyword(t, words[pos], &ex,
			    &idx);
			m->args.u[m->args.n++] = (uint32_t)idx;
			break;
		case TOK_LINE:
			linebuf[0] = '\0';
			for (k = pos; k < nw; k++) {
				if (k > pos)
					strncat(linebuf, " ", sizeof(linebuf) -
					    strlen(linebuf) - 1);
				strncat(linebuf, words[k], sizeof(linebuf) -
				    strlen(linebuf) - 1);
			}
			m->args.s[m->args.n++] = linebuf;
			break;
		default:
			m->args.s[m->args.n++] = words[pos];
			break;
		}
	}
	m->e = e;
	return 0;
}

int
sso_reply_err(struct sso_reply *r, int rc, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sso_wbuf_reset(&r->out);
	if (r->json) {
		struct sso_json j;

		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_kstr(&j, "error", msg);
		sso_json_ku64(&j, "rc", (uint64_t)rc);
		sso_json_obj_end(&j);
	} else
		sso_wbuf_printf(&r->out, "%s\n", msg);
	r->rc = rc;
	return rc;
}

int
sso_cmd_exec(int argc, char **argv, struct sso_reply *r)
{
	struct match m;
	int rc;

	if (match(argv, argc, 0, NULL, &m) == -1)
		return sso_reply_err(r, m.rc, "%s", m.err);
	rc = m.e->cmd(m.e->arg, &m.args, r);
	if (rc != SSO_RC_PENDING)
		r->rc = rc;
	return rc;
}

/* configuration */

int
sso_conf_err(struct sso_conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int
split(char *line, char **words, int max)
{
	int n = 0;
	char *s = line;

	while (*s) {
		while (isspace((unsigned char)*s))
			*s++ = '\0';
		if (*s == '\0')
			break;
		if (n == max)
			return -1;
		words[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	return n;
}

static int
conf_line(struct sso_conf_ctx *ctx, char **w, int nw, const char *parent,
    char *opened, size_t openedlen)
{
	struct match m;
	int no = 0;

	if (nw > 0 && strcmp(w[0], "no") == 0) {
		no = 1;
		w++;
		nw--;
	}
	if (match(w, nw, 1, parent, &m) == -1)
		return sso_conf_err(ctx, "%s", m.err + (m.err[0] == '%' ? 2 : 0));
	if (no && !(m.e->flags & SSO_CONF_NO))
		return sso_conf_err(ctx, "\"no %s\" is not supported",
		    m.e->toks[0].kw ? m.e->toks[0].kw : w[0]);
	if (m.e->flags & SSO_CONF_BLOCK)
		snprintf(opened, openedlen, "%s", m.e->toks[0].kw);
	return m.e->conf(ctx, m.e->arg, no, &m.args);
}

int
sso_conf_load(const char *file, char *err, size_t errlen)
{
	FILE *fp;
	char line[1024], block[64] = "", opened[64];
	char text[1024], parent[1024] = "";
	char *words[SSO_MAXWORDS + 1];
	struct sso_conf_ctx ctx;
	void *blockobj = NULL;
	int nw, lineno = 0, rc = 0;

	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	src_reset(file);
	while (fgets(line, sizeof(line), fp) != NULL) {
		int indented = (line[0] == ' ' || line[0] == '\t');
		char *s;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(err, errlen, "%s:%d: line too long", file,
			    lineno);
			rc = -1;
			break;
		}
		for (s = line; isspace((unsigned char)*s); s++)
			;
		if (*s == '!' || *s == '#' || *s == '\0')
			continue;
		snprintf(text, sizeof(text), "%s", s);
		if ((nw = split(s, words, SSO_MAXWORDS)) <= 0) {
			snprintf(err, errlen, "%s:%d: too many words", file,
			    lineno);
			rc = -1;
			break;
		}
		memset(&ctx, 0, sizeof(ctx));
		ctx.file = file;
		ctx.line = lineno;
		opened[0] = '\0';
		if (indented && block[0] == '\0') {
			snprintf(err, errlen, "%s:%d: indented line outside "
			    "of a block", file, lineno);
			rc = -1;
			break;
		}
		ctx.block = indented ? blockobj : NULL;
		if (conf_line(&ctx, words, nw, indented ? block : NULL,
		    opened, sizeof(opened)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", file, lineno,
			    ctx.err[0] ? ctx.err : "invalid command");
			rc = -1;
			break;
		}
		if (!indented)
			snprintf(parent, sizeof(parent), "%s", text);
		src_add(indented ? parent : NULL, text, lineno);
		if (!indented) {
			snprintf(block, sizeof(block), "%s", opened);
			blockobj = ctx.block;
		}
	}
	fclose(fp);
	return rc;
}

void
sso_conf_print(struct sso_wbuf *b)
{
	struct printer *p;

	for (p = printers; p; p = p->next)
		p->fn(p->arg, b);
	sso_wbuf_printf(b, "end\n");
}

/*
 * Where each configuration line came from: the file:line of a line of
 * `show running-config`, for messages that must name the file (the
 * config-sync client's mismatch report). Every accepted line is kept
 * with its words normalised (single spaces) and the top-level line of its
 * block; a printed line is looked up the same way. A line written with
 * abbreviated keywords, or a default printed back, has no source.
 */
struct srcline {
	char	*parent, *text;
	int	 line;
};
static struct srcline *srcs;
static size_t nsrcs, srcs_cap;
static char *srcfile;

static void
src_norm(const char *in, char *out, size_t len)
{
	size_t n = 0;
	int sp = 0;

	for (; *in && n + 1 < len; in++) {
		if (isspace((unsigned char)*in)) {
			sp = n > 0;
			continue;
		}
		if (sp && n + 2 < len)
			out[n++] = ' ';
		sp = 0;
		out[n++] = *in;
	}
	out[n] = '\0';
}

static void
src_reset(const char *file)
{
	size_t i;

	for (i = 0; i < nsrcs; i++) {
		free(srcs[i].parent);
		free(srcs[i].text);
	}
	nsrcs = 0;
	free(srcfile);
	srcfile = strdup(file);
}

static void
src_add(const char *parent, const char *text, int line)
{
	char p[1024], t[1024];
	struct srcline *n;

	if (nsrcs == srcs_cap) {
		size_t cap = srcs_cap ? srcs_cap * 2 : 64;

		if ((n = realloc(srcs, cap * sizeof(*n))) == NULL)
			return;		/* only a message gets poorer */
		srcs = n;
		srcs_cap = cap;
	}
	src_norm(parent ? parent : "", p, sizeof(p));
	src_norm(text, t, sizeof(t));
	srcs[nsrcs].parent = strdup(p);
	srcs[nsrcs].text = strdup(t);
	srcs[nsrcs].line = line;
	if (srcs[nsrcs].parent == NULL || srcs[nsrcs].text == NULL) {
		free(srcs[nsrcs].parent);
		free(srcs[nsrcs].text);
		return;
	}
	nsrcs++;
}

int
sso_conf_source(const char *parent, const char *text, char *out,
    size_t len)
{
	char p[1024], t[1024];
	size_t i;

	src_norm(parent ? parent : "", p, sizeof(p));
	src_norm(text, t, sizeof(t));
	for (i = 0; i < nsrcs; i++)
		if (strcmp(srcs[i].text, t) == 0 &&
		    strcmp(srcs[i].parent, p) == 0) {
			snprintf(out, len, "%s:%d", srcfile ? srcfile : "?",
			    srcs[i].line);
			return 0;
		}
	return -1;
}
