/*
 * ssoclients.h - generic checkpoint clients shipped with the framework.
 */
#ifndef SSO_CLIENTS_H
#define SSO_CLIENTS_H

int	sso_confsync_init(void);	/* configuration sync (id 1) */

#endif
