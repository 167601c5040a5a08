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
#include <sys/stat.h>

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

static void sso_conf_reset_hooks(void);

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
	sso_conf_reset_hooks();
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

/*
 * SSO_CONF_ONCE bookkeeping: the settings seen in the file being read,
 * each with the block instance it belongs to (0: top level) and its line.
 */
struct seen {
	int		 scope;
	int		 line;
	char		 key[128];
	struct seen	*next;
};
static struct seen *seen;
static int scopes;		/* block instances opened so far */

struct validator {
	sso_conf_check_fn	 fn;
	void			*arg;
	struct validator	*next;
};
static struct validator *validators, **validators_tail = &validators;

struct module {
	const struct sso_conf_module *ops;
	void		*arg;
	void		*saved;
	struct module	*next;
};
static struct module *modules, **modules_tail = &modules;

static void
seen_reset(void)
{
	struct seen *s, *n;

	for (s = seen; s; s = n) {
		n = s->next;
		free(s);
	}
	seen = NULL;
	scopes = 0;
}

static void
sso_conf_reset_hooks(void)
{
	struct validator *v, *vn;
	struct module *m, *mn;

	for (v = validators; v; v = vn) {
		vn = v->next;
		free(v);
	}
	validators = NULL;
	validators_tail = &validators;
	for (m = modules; m; m = mn) {
		mn = m->next;
		free(m);
	}
	modules = NULL;
	modules_tail = &modules;
	seen_reset();
}

int
sso_conf_validator(sso_conf_check_fn fn, void *arg)
{
	struct validator *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return -1;
	v->fn = fn;
	v->arg = arg;
	*validators_tail = v;
	validators_tail = &v->next;
	return 0;
}

int
sso_conf_module(const struct sso_conf_module *ops, void *arg)
{
	struct module *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->ops = ops;
	m->arg = arg;
	*modules_tail = m;
	modules_tail = &m->next;
	return 0;
}

/* the key of a setting: keywords up to the first value, selector included */
static void
setting_key(const struct entry *e, const struct sso_args *a, char *key,
    size_t len)
{
	size_t o = 0;
	int i, argi = 0;
	char num[16];

	key[0] = '\0';
	for (i = 0; i < e->ntok && o < len; i++) {
		const char *w;

		if (e->toks[i].type == TOK_KW)
			w = e->toks[i].kw;
		else if (argi == 0 && (e->flags & SSO_CONF_SEL) && a->n > 0) {
			/* "unit 00" is "unit 0" */
			snprintf(num, sizeof(num), "%u", a->u[0]);
			w = e->toks[i].type == TOK_UINT ? num : a->s[0];
			argi++;
		} else
			break;
		o += (size_t)snprintf(key + o, len - o, "%s%s", o ? " " : "",
		    w);
	}
}

int
sso_conf_key_line(const char *key)
{
	struct seen *s;

	for (s = seen; s; s = s->next)
		if (strcmp(s->key, key) == 0)
			return s->line;
	return 0;
}

/* refuse a second occurrence of a SSO_CONF_ONCE setting in one scope */
static int
once(struct sso_conf_ctx *ctx, const struct entry *e,
    const struct sso_args *a, int scope)
{
	struct seen *s;
	char key[128];

	setting_key(e, a, key, sizeof(key));
	for (s = seen; s; s = s->next)
		if (s->scope == scope && strcmp(s->key, key) == 0)
			return sso_conf_err(ctx, "\"%s\" given twice (first at "
			    "%s:%d)", key, ctx->file, s->line);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return sso_conf_err(ctx, "out of memory");
	s->scope = scope;
	s->line = ctx->line;
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->next = seen;
	seen = s;
	return 0;
}

static int
conf_line(struct sso_conf_ctx *ctx, char **w, int nw, const char *parent,
    int scope, char *opened, size_t openedlen)
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
	if ((m.e->flags & SSO_CONF_ONCE) && once(ctx, m.e, &m.args,
	    parent ? scope : 0) == -1)
		return -1;
	if (m.e->flags & SSO_CONF_BLOCK)
		snprintf(opened, openedlen, "%s", m.e->toks[0].kw);
	return m.e->conf(ctx, m.e->arg, no, &m.args);
}

static int
run_validators(const char *name, char *err, size_t errlen)
{
	struct sso_conf_ctx ctx;
	struct validator *v;

	for (v = validators; v; v = v->next) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.file = name;
		if (v->fn(&ctx, v->arg) == 0)
			continue;
		if (ctx.line > 0)
			snprintf(err, errlen, "%s:%d: %s", name, ctx.line,
			    ctx.err);
		else
			snprintf(err, errlen, "%s: %s", name, ctx.err);
		return -1;
	}
	return 0;
}

/* one line of the file; -1 with err filled */
static int
load_line(char *line, const char *name, int lineno, char *block,
    size_t blocklen, void **blockobj, int *scope, char *err, size_t errlen)
{
	char *words[SSO_MAXWORDS + 1], opened[64] = "";
	int indented = (line[0] == ' ' || line[0] == '\t');
	struct sso_conf_ctx ctx;
	int nw;

	if ((nw = split(line, words, SSO_MAXWORDS)) <= 0) {
		snprintf(err, errlen, "%s:%d: too many words", name, lineno);
		return -1;
	}
	if (indented && block[0] == '\0') {
		snprintf(err, errlen, "%s:%d: indented line outside of a block",
		    name, lineno);
		return -1;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.file = name;
	ctx.line = lineno;
	ctx.block = indented ? *blockobj : NULL;
	if (conf_line(&ctx, words, nw, indented ? block : NULL, *scope,
	    opened, sizeof(opened)) == -1) {
		snprintf(err, errlen, "%s:%d: %s", name, lineno,
		    ctx.err[0] ? ctx.err : "invalid command");
		return -1;
	}
	if (!indented) {
		snprintf(block, blocklen, "%s", opened);
		*blockobj = ctx.block;
		if (opened[0])
			*scope = ++scopes;
	}
	return 0;
}

/* a line "end" alone, as show running-config prints it last */
static int
is_end(const char *line)
{
	if (strncmp(line, "end", 3) != 0)
		return 0;
	for (line += 3; *line; line++)
		if (!isspace((unsigned char)*line))
			return 0;
	return 1;
}

int
sso_conf_load_fp(FILE *fp, const char *name, char *err, size_t errlen)
{
	char block[64] = "", *line = NULL, *s;
	void *blockobj = NULL;
	int lineno = 0, scope = 0, ended = 0, rc = 0;
	size_t cap = 0;
	ssize_t n;

	seen_reset();
	while (rc == 0 && (n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 1023) {
			snprintf(err, errlen, "%s:%d: line too long", name,
			    lineno);
			rc = -1;
		} else if (strlen(line) != (size_t)n) {
			snprintf(err, errlen, "%s:%d: NUL byte in the line",
			    name, lineno);
			rc = -1;
		}
		if (rc == -1)
			break;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		if (*s == '!' || *s == '#' || *s == '\0')
			continue;
		if (ended) {
			snprintf(err, errlen, "%s:%d: configuration after "
			    "\"end\" (line %d)", name, lineno, ended);
			rc = -1;
		} else if (s == line && is_end(s))
			ended = lineno;
		else
			rc = load_line(line, name, lineno, block, sizeof(block),
			    &blockobj, &scope, err, errlen);
	}
	free(line);
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", name,
		    strerror(errno));
		rc = -1;
	}
	return rc == 0 ? run_validators(name, err, errlen) : -1;
}

int
sso_conf_load(const char *file, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp;
	int rc;

	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "cannot read configuration file %s: %s",
		    file, strerror(errno));
		return -1;
	}
	/* fopen(3) opens a directory; reading it would fail with EISDIR
	 * and an empty file's own errors ("no redundancy block") */
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory, not a configuration "
		    "file", file);
		fclose(fp);
		return -1;
	}
	rc = sso_conf_load_fp(fp, file, err, errlen);
	fclose(fp);
	return rc;
}

/* reload */

void
sso_conf_refuse(struct sso_conf_reload *rl, const char *key,
    const char *fmt, ...)
{
	char text[300];
	va_list ap;
	int line = sso_conf_key_line(key);

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (line > 0)
		sso_wbuf_printf(rl->msg, "%s:%d: %s: %s\n", rl->file, line, key,
		    text);
	else
		sso_wbuf_printf(rl->msg, "%s: %s: %s\n", rl->file, key, text);
	rl->refused++;
}

static void
modules_save(void)
{
	struct module *m;

	for (m = modules; m; m = m->next)
		m->saved = m->ops->save ? m->ops->save(m->arg) : NULL;
}

static void
modules_rollback(void)
{
	struct module *m;

	for (m = modules; m; m = m->next) {
		if (m->ops->rollback)
			m->ops->rollback(m->arg, m->saved);
		m->saved = NULL;
	}
}

int
sso_conf_reload(const char *file, struct sso_wbuf *msg)
{
	struct sso_conf_reload rl = { file, msg, 0 };
	struct module *m;
	char err[600];

	modules_save();
	if (sso_conf_load(file, err, sizeof(err)) == -1) {
		modules_rollback();
		sso_wbuf_printf(msg, "%s\n", err);
		return -1;
	}
	for (m = modules; m; m = m->next)
		if (m->ops->keep)
			m->ops->keep(m->arg, m->saved, &rl);
	for (m = modules; m; m = m->next) {
		if (m->ops->commit)
			m->ops->commit(m->arg, m->saved);
		m->saved = NULL;
	}
	return (int)rl.refused;
}

int
sso_conf_try(FILE *fp, const char *name, char *err, size_t errlen,
    struct sso_wbuf *print)
{
	int rc;

	modules_save();
	rc = sso_conf_load_fp(fp, name, err, errlen);
	if (rc == 0 && print)
		sso_conf_print(print);
	modules_rollback();
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
