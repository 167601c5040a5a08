/*
 * kv.h - the demo checkpoint client: a key/value store driven by ssoctl.
 * It proves the framework (bulk, ASYNC and SYNC sends, version
 * negotiation) and gives tests a state whose digest can be compared.
 */
#ifndef SSO_KV_H
#define SSO_KV_H

#define KV_CLIENT_ID	100

int	kv_client_init(void);

#endif
