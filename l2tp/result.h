/*
 * result.h - names of RFC 2661 result codes for log lines, and the
 * sanitiser for a peer's message text (private to libl2tp).
 */
#ifndef L2TP_RESULT_H
#define L2TP_RESULT_H

#include <stdint.h>

const char *l2tp_stopccn_result_name(uint16_t);	/* 4.4.2, StopCCN */
const char *l2tp_cdn_result_name(uint16_t);	/* 4.4.2, CDN */
/* replace every byte but printable ASCII (and '"') by '?', in place */
char	*l2tp_printable(char *);

#endif
