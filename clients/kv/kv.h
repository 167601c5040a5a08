/*
 * kv.h - the demo checkpoint client: a key/value store driven by ssoctl.
 * It proves the framework (bulk, ASYNC and SYNC sends, version
 * negotiation) and gives tests a state whose digest can be compared.
 */
#ifndef SSO_KV_H
#define SSO_KV_H

#define KV_CLIENT_ID	100

int	kv_client_init(void);

/*
 * The checkpoint codec. Version 1: key, value. Version 2 adds the
 * entry's digest (FNV-1a of key and value), checked by the receiver.
 * This build holds records in the newest form; pack() writes the form of
 * the negotiated version (a v1 peer never sees what it does not know),
 * unpack() reads any version into the newest form (a v1 record gets its
 * digest computed) and refuses a v2 record whose digest is wrong.
 */
#include <stddef.h>
#include <stdint.h>

/* the newest version this code knows (records are held in its form);
 * the advertised range (KV_VER_MIN/MAX in kv.c) may stop below it */
#define KV_MSG_NATIVE		2
#define KV_MSG_MAX_KEY		255
#define KV_MSG_MAX_VALUE	4096
struct kv_msg {
	const char	*key;
	const uint8_t	*value;		/* NULL: none (a delete) */
	size_t		 vlen;
	uint64_t	 digest;
};
uint64_t kv_msg_digest(const char *key, const void *value, size_t vlen);
/* the encoded length, or -1 (too long for buf, bad version) */
int	kv_msg_pack(uint32_t version, const struct kv_msg *, uint8_t *buf,
	    size_t len);
/* 0, with m pointing into *hold (kv_msg_free it), or -1 */
int	kv_msg_unpack(uint32_t version, const uint8_t *, size_t,
	    struct kv_msg *m, void **hold);
void	kv_msg_free(void *hold);

#endif
