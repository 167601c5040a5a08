/*
 * aaa.h - libaaa: authentication for the LNS (`aaa new-model`,
 * `aaa authentication ppp LIST METHOD...`, `username U password P`).
 *
 * A method list is an ordered list of methods (IOS: `local`, and from
 * the RADIUS issue `group NAME`). A request walks its list: each method
 * answers PASS or FAIL (the verdict: the walk stops) or ERROR (the
 * method could not answer: a server unreachable, the next method is
 * tried, as IOS does). The answer always comes through the request's
 * callback, possibly before aaa_auth_start() returns (the local method
 * answers at once); a method that answers later keeps the request and
 * calls aaa_method_done(). aaa_cancel() forgets a request whose session
 * died: its callback is then never called.
 *
 * Methods plug in through `struct aaa_method_ops` (STYLE.md 11): this
 * library knows only `local`; a RADIUS client registers "group" with
 * aaa_method_register() and is handed the group name of each list entry.
 *
 * No secret leaves this library: the username table is never printed
 * with its passwords (aaa_user_get() returns names), passwords are wiped
 * when freed, and no log line here carries a password or CHAP value.
 */
#ifndef AAA_H
#define AAA_H

#include <stddef.h>
#include <stdint.h>

#define AAA_NAME_MAX		64	/* user, list, group names (with NUL) */
#define AAA_SECRET_MAX		64	/* passwords (with NUL) */
#define AAA_CHAL_MAX		64	/* CHAP challenge / response */
#define AAA_METHODS_MAX		4	/* methods in one list */

struct aaa;
struct aaa_req;

enum aaa_result {
	AAA_PASS = 0,
	AAA_FAIL,		/* the method's verdict: refused */
	AAA_ERROR,		/* no verdict: try the next method */
	AAA_PENDING,		/* method start(): answer comes later */
	AAA_RESULT_MAX
};
const char *aaa_result_name(unsigned);

enum aaa_method_type {
	AAA_M_LOCAL = 0,	/* the username table */
	AAA_M_GROUP,		/* a server group (registered method) */
	AAA_M_MAX
};

struct aaa_method {
	enum aaa_method_type	 type;
	char			 group[AAA_NAME_MAX];	/* AAA_M_GROUP */
};

/* what is verified: PAP (user + password) or CHAP-MD5 (RFC 1994) */
enum aaa_cred_type { AAA_CRED_PAP = 0, AAA_CRED_CHAP };
struct aaa_cred {
	enum aaa_cred_type	 type;
	char			 user[AAA_NAME_MAX];
	char			 password[AAA_SECRET_MAX];	/* PAP */
	uint8_t			 chap_id;			/* CHAP */
	uint8_t			 chal[AAA_CHAL_MAX];
	size_t			 chal_len;
	uint8_t			 resp[AAA_CHAL_MAX];
	size_t			 resp_len;
};

/* the answer; msg is text for the peer (PAP/CHAP message), never NULL */
typedef void (*aaa_done_fn)(void *arg, enum aaa_result, const char *msg);

/*
 * A pluggable method (the RADIUS issue): start() returns PASS, FAIL or
 * ERROR now, or PENDING and later calls aaa_method_done(req, ...)
 * (never from inside start(): a call from there is ignored);
 * cancel() forgets a pending request (the session died).
 */
struct aaa_method_ops {
	const char	*name;
	enum aaa_result	(*start)(void *arg, struct aaa_req *,
			    const struct aaa_method *, const struct aaa_cred *);
	void		(*cancel)(void *arg, struct aaa_req *);
};

struct aaa_stats {
	uint64_t	 requests, pass, fail, error, cancelled;
	uint64_t	 by_method[AAA_M_MAX][AAA_RESULT_MAX];
};

struct aaa	*aaa_create(void);
void		 aaa_destroy(struct aaa *);	/* pending requests: cancelled */
int		 aaa_method_register(struct aaa *, enum aaa_method_type,
		    const struct aaa_method_ops *, void *arg);

/* ---- configuration ---- */
void		 aaa_set_new_model(struct aaa *, int on);
int		 aaa_new_model(const struct aaa *);
/* define (replace) list NAME ("default"); -1 when n is 0 or too many */
int		 aaa_list_set(struct aaa *, const char *name,
		    const struct aaa_method *, size_t n);
/* the methods of list NAME; 0 when undefined */
size_t		 aaa_list_get(const struct aaa *, const char *name,
		    struct aaa_method *out, size_t max);
/* list i in name order (print-back), NULL past the end */
const char	*aaa_list_name(const struct aaa *, size_t i);
/* add or replace; -1 when a name or password is too long or empty */
int		 aaa_user_set(struct aaa *, const char *user,
		    const char *password);
int		 aaa_user_remove(struct aaa *, const char *user);
size_t		 aaa_user_count(const struct aaa *);
/* user i in name order: the name only, NULL past the end */
const char	*aaa_user_get(const struct aaa *, size_t i);
/* move every setting of from into to (reload), leaving from empty */
void		 aaa_conf_move(struct aaa *to, struct aaa *from);

/* ---- requests ---- */
/*
 * Verify cred through list NAME (NULL: "default"). Without `aaa
 * new-model` or without the list, the local method alone is used (IOS:
 * the default for PPP is local). Returns the request while an answer is
 * pending, NULL when the callback has already been called (answered).
 * The request stays valid until its callback returns or aaa_cancel().
 */
struct aaa_req	*aaa_auth_start(struct aaa *, const char *list,
		    const struct aaa_cred *, aaa_done_fn, void *arg);
void		 aaa_cancel(struct aaa_req *);
/* a pending method's answer (PASS, FAIL or ERROR) */
void		 aaa_method_done(struct aaa_req *, enum aaa_result,
		    const char *msg);
const struct aaa_stats *aaa_get_stats(const struct aaa *);

/* the local method alone, synchronously (tests, and the method itself) */
enum aaa_result	 aaa_local_verify(const struct aaa *, const struct aaa_cred *);

#endif
