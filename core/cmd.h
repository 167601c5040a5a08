/*
 * cmd.h - one token-table grammar for control commands and configuration.
 *
 * A module registers command patterns; the core never knows a module's
 * keywords. A pattern is a space separated list of tokens:
 *   keyword          matched by any unique prefix (IOS-style abbreviation;
 *                    an exact match always wins), in any case
 *   <uint:LO-HI>     decimal number in range, value in args->u[i]
 *   <word>           any single word, in args->s[i]
 *   <line>           the rest of the line (one or more words), in args->s[i]
 *   {a|b|c}          one keyword of a set; args->s[i] is the keyword as
 *                    written in the pattern, args->u[i] its index
 *   <debug:GROUP>    one registered debug category named "GROUP KEYWORD"
 *                    (a '.' in GROUP stands for a space: <debug:l2tp.x>
 *                    is "l2tp x KEYWORD"), read from the registry (log.h)
 *                    at match time; args->s[i] is the category's name
 *   [..]             not supported: register each form instead
 * Every placeholder and {set} fills the next args slot, in order.
 *
 * Control commands: sso_cmd_register("show redundancy states", fn, arg).
 * Configuration: sso_conf_register(parent, pattern, flags, fn, arg) where
 * parent is NULL for a top-level command or the first keyword of the block
 * opener ("redundancy", "vpdn-group"). A block opener (SSO_CONF_BLOCK) may
 * set ctx->block to an object handed to the commands inside the block.
 * "no <pattern>" is accepted for every command registered with SSO_CONF_NO
 * and passed as no=1.
 *
 * Help: sso_cmd_exec() answers a command whose last word is "?" (or ends
 * in "?", a keyword prefix) with the tokens that can follow, each with the
 * command it leads to, instead of running it; a lone "help" that no module
 * registered lists the first words.
 *
 * SSO_CONF_ONCE: the setting may be given at most once per block instance
 * (top level: once per file); a second occurrence, in either its plain or
 * "no" form, is refused naming the first one's file:line. The setting's key
 * is the pattern's keywords up to its first value ("l2tp listen" for both
 * "l2tp listen <word>" and "l2tp listen <word> <uint>"); with SSO_CONF_SEL
 * the first argument selects an instance and is part of the key ("unit 0
 * address", "vpdn-group NAME", "... timeout min").
 * A line "end" (what show running-config prints last) ends the file.
 */
#ifndef SSO_CMD_H
#define SSO_CMD_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"

#define SSO_MAXARGS	16
#define SSO_MAXWORDS	32

struct sso_args {
	int		 n;
	const char	*s[SSO_MAXARGS];
	uint32_t	 u[SSO_MAXARGS];
};

/* result codes of a control reply */
enum sso_rc {
	SSO_RC_OK = 0,
	SSO_RC_ERROR = 1,	/* command failed, text says why */
	SSO_RC_UNKNOWN = 2,	/* no such command */
	SSO_RC_AMBIGUOUS = 3,
	SSO_RC_INCOMPLETE = 4,
	SSO_RC_BADARG = 5,
	SSO_RC_DENIED = 6,	/* not allowed on this (read-only) socket */
	SSO_RC_PENDING = 100,	/* handler will answer later (sso_reply_done) */
	SSO_RC_STREAM = 101	/* more chunks follow (sso_reply_stream) */
};

/*
 * Tiny JSON writer over a wbuf. Commas are inserted automatically.
 * sso_json_key() then a value call; arrays take values directly.
 */
struct sso_json {
	struct sso_wbuf	*b;
	int		 depth;
	uint32_t	 need_comma;	/* bit per depth */
};

struct sso_reply;
/* produce the next chunk into r->out: SSO_RC_STREAM while more follow,
 * else the reply's result code (the last chunk) */
typedef int (*sso_stream_fn)(struct sso_reply *);

#define SSO_CHUNK_BYTES	32768	/* a streamed chunk stays within this */
#define SSO_CHUNK_SLACK	2048	/* room kept for the row that ends it */

struct sso_reply {
	struct sso_wbuf	 out;	/* text, or one JSON document when json */
	int		 json;
	int		 rc;
	void		*priv;	/* owned by the control socket */
	int		 readonly;	/* set by the socket: show class only */
	/* streaming: the handler's cursor, kept between chunks */
	sso_stream_fn	 next;
	void		*sarg;
	uint64_t	 pos[4];
	int		 phase;
	struct sso_json	 j;	/* the JSON writer's state across chunks */
	unsigned	 chunk_rows;	/* rows per chunk, 0: bytes only */
	size_t		 chunk_bytes;	/* 0: SSO_CHUNK_BYTES */
	unsigned	 rows;		/* rows in the chunk being built */
};

/*
 * Command classes (STYLE.md rule 10: show commands are read-only). The
 * default comes from the first keyword: "show" is SHOW, "test" is TEST,
 * everything else ACTION; sso_cmd_register_class() overrides it. The
 * read-only control socket runs SHOW commands only.
 */
enum sso_cmd_class {
	SSO_CMD_SHOW = 0,
	SSO_CMD_ACTION = 1,
	SSO_CMD_TEST = 2
};

typedef int (*sso_cmd_fn)(void *arg, const struct sso_args *,
    struct sso_reply *);
int	sso_cmd_register(const char *pattern, sso_cmd_fn, void *arg);
/* a module that owns a class's policy (fault.c: `service internal` for
 * the test class) gates every command of it: a non-zero return is the
 * reply's rc and the command is not run */
typedef int (*sso_cmd_gate_fn)(struct sso_reply *);
void	sso_cmd_set_gate(enum sso_cmd_class, sso_cmd_gate_fn);
int	sso_cmd_register_class(const char *pattern, enum sso_cmd_class,
	    sso_cmd_fn, void *arg);
/* the class of the command the words run, -1 when they run none */
int	sso_cmd_class(int argc, char **argv);
const char *sso_cmd_class_name(int);

/*
 * Streaming replies (bgpd's IMSG_CTL_END): a handler that may answer with
 * many rows returns sso_reply_stream(r, fn, arg). The control socket then
 * calls fn for one chunk at a time, sends each chunk as its own message
 * and goes back to the event loop in between; the last chunk carries the
 * result code. fn keeps its cursor in r->pos/r->phase (resume at the next
 * id greater than the last one sent, so a row deleted between chunks is
 * simply not shown) and adds rows while sso_reply_room() says so.
 */
int	sso_reply_stream(struct sso_reply *, sso_stream_fn, void *arg);
/* 1: one more row fits in this chunk (counted), 0: end the chunk here */
int	sso_reply_room(struct sso_reply *);
/* the next chunk into r->out; SSO_RC_STREAM while more follow */
int	sso_reply_next(struct sso_reply *);
/* every remaining chunk into r->out, for callers that want it whole */
int	sso_reply_drain(struct sso_reply *);
/* handler returned SSO_RC_PENDING: finish the reply later */
void	sso_reply_done(struct sso_reply *, int rc);
/* print an error line into the reply and return rc (for handlers) */
int	sso_reply_err(struct sso_reply *, int rc, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* configuration */
struct sso_conf_ctx {
	const char	*file;
	int		 line;
	void		*block;		/* set by the block opener */
	char		 err[256];	/* handler's message on -1 */
};
#define SSO_CONF_BLOCK	0x1	/* the command opens a block */
#define SSO_CONF_NO	0x2	/* a "no" form exists */
#define SSO_CONF_ONCE	0x4	/* at most once per block instance */
#define SSO_CONF_SEL	0x8	/* with ONCE: first argument is in the key */
typedef int (*sso_conf_fn)(struct sso_conf_ctx *, void *arg, int no,
    const struct sso_args *);
int	sso_conf_register(const char *parent, const char *pattern, int flags,
	    sso_conf_fn, void *arg);
/*
 * Cross-line checks of one module, run once the whole file is read (a
 * contradiction between two lines, a required line missing). On -1 the
 * hook has filled ctx->err and set ctx->line to the offending line (0:
 * the file as a whole).
 */
typedef int (*sso_conf_check_fn)(struct sso_conf_ctx *, void *arg);
int	sso_conf_validator(sso_conf_check_fn, void *arg);
/* file line of a SSO_CONF_ONCE setting in the file read last, 0 if absent */
int	sso_conf_key_line(const char *key);

/*
 * Run-time reload (SIGHUP, `ssoctl reload`). Each module owning settings
 * registers these hooks; sso_conf_reload() then:
 *   save      every module: keep the running settings, reset to defaults
 *   (parse)   the file into the fresh settings; on any error: rollback
 *   keep      every module: a setting that cannot change at run time and
 *             differs gets its running value back, and is named with
 *             sso_conf_refuse() (the reply and the log say which line)
 *   commit    every module: apply the new settings, free the saved ones
 * so a file with an error changes nothing. A hook may be NULL.
 */
struct sso_conf_reload {
	const char	*file;
	struct sso_wbuf	*msg;		/* one line per refused setting */
	unsigned	 refused;
};
struct sso_conf_module {
	const char	*name;
	void		*(*save)(void *arg);
	void		 (*keep)(void *arg, void *saved,
			    struct sso_conf_reload *);
	void		 (*commit)(void *arg, void *saved);
	void		 (*rollback)(void *arg, void *saved);
};
int	sso_conf_module(const struct sso_conf_module *, void *arg);
/* a running setting that needs a restart: key as in SSO_CONF_ONCE */
void	sso_conf_refuse(struct sso_conf_reload *, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* -1: nothing changed (msg says file:line); else the new settings apply
 * and the value is how many were refused (kept, named in msg) */
int	sso_conf_reload(const char *file, struct sso_wbuf *msg);
/* print-back for show running-config, called in order of prio */
typedef void (*sso_conf_print_fn)(void *arg, struct sso_wbuf *);
int	sso_conf_printer(int prio, sso_conf_print_fn, void *arg);
/* error helper for config handlers: fills ctx->err, returns -1 */
int	sso_conf_err(struct sso_conf_ctx *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

int	sso_conf_load(const char *file, char *err, size_t errlen);
/* the same from a stream; name is used in the messages */
int	sso_conf_load_fp(FILE *, const char *name, char *err, size_t errlen);
/* parse into fresh settings, optionally print them, then put the running
 * settings back (fuzzing, golden tests); 0 when the file is valid */
int	sso_conf_try(FILE *, const char *name, char *err, size_t errlen,
	    struct sso_wbuf *print);
void	sso_conf_print(struct sso_wbuf *);
/* file:line of the loaded line that prints as `text` in the block opened
 * by the top-level line `parent` (NULL: top level); -1 if none */
int	sso_conf_source(const char *parent, const char *text, char *out,
	    size_t len);

/* internal to core (mgmt.c, ssoctl tests) */
int	sso_cmd_exec(int argc, char **argv, struct sso_reply *);
void	sso_cmd_reset(void);	/* forget all registrations (tests) */

/* the JSON writer (struct sso_json above) */
void	sso_json_init(struct sso_json *, struct sso_wbuf *);
void	sso_json_obj(struct sso_json *);
void	sso_json_obj_end(struct sso_json *);
void	sso_json_arr(struct sso_json *);
void	sso_json_arr_end(struct sso_json *);
void	sso_json_key(struct sso_json *, const char *);
void	sso_json_str(struct sso_json *, const char *);
void	sso_json_u64(struct sso_json *, uint64_t);
void	sso_json_i64(struct sso_json *, int64_t);
void	sso_json_bool(struct sso_json *, int);
void	sso_json_null(struct sso_json *);
/* shorthands: key + value */
void	sso_json_kstr(struct sso_json *, const char *, const char *);
void	sso_json_ku64(struct sso_json *, const char *, uint64_t);
void	sso_json_kbool(struct sso_json *, const char *, int);

#endif
