/*
 * nl.c - rtnetlink configuration of the TUN device through libmnl: link
 * up and MTU (RTM_NEWLINK), addresses (RTM_NEWADDR/DELADDR) and connected
 * routes (RTM_NEWROUTE/DELROUTE, "proto static scope link"). Every request
 * asks for an acknowledgement and waits for it, so a caller learns of an
 * error (EEXIST, ENODEV, EPERM) from the return value (a route add
 * replaces a route to the same prefix on another device); the kernel answers
 * rtnetlink requests synchronously, and a receive timeout bounds the wait.
 * Called at start-up and at session set-up, never per packet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "dp.h"

#define NL_BUF	8192	/* libmnl's MNL_SOCKET_BUFFER_SIZE at most */

struct dp_nl {
	struct mnl_socket	*sock;
	unsigned		 portid;
	uint32_t		 seq;
	char			 buf[NL_BUF];
};

struct dp_nl *
dp_nl_open(void)
{
	struct timeval tv = { 2, 0 };
	struct dp_nl *nl;
	int e;

	if ((nl = calloc(1, sizeof(*nl))) == NULL)
		return NULL;
	if ((nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL)
		goto fail;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) == -1 ||
	    setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO,
	    &tv, sizeof(tv)) == -1)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;
fail:
	e = errno;
	dp_nl_close(nl);
	errno = e;
	return NULL;
}

void
dp_nl_close(struct dp_nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

static struct nlmsghdr *
request(struct dp_nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* send, then read until the kernel's ack (0) or error (-1, errno) */
static int
transact(struct dp_nl *nl, struct nlmsghdr *nlh)
{
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n == -1)
			return -1;	/* EAGAIN: no answer within the timeout */
		rc = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, NULL,
		    NULL);
	} while (rc == MNL_CB_OK);
	return rc == MNL_CB_ERROR ? -1 : 0;
}

static int
ifindex(const char *ifname, unsigned *idx)
{
	if ((*idx = if_nametoindex(ifname)) == 0)
		return -1;	/* errno ENODEV */
	return 0;
}

/* an RTM_NEWLINK request for ifname; NULL (errno) when it does not exist */
static struct nlmsghdr *
link_request(struct dp_nl *nl, const char *ifname, struct ifinfomsg **ifi)
{
	struct nlmsghdr *nlh;
	unsigned idx;

	if (ifindex(ifname, &idx) == -1)
		return NULL;
	nlh = request(nl, RTM_NEWLINK, 0);
	*ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifi));
	(*ifi)->ifi_family = AF_UNSPEC;
	(*ifi)->ifi_index = (int)idx;
	return nlh;
}

int
dp_nl_link_set(struct dp_nl *nl, const char *ifname, int up, unsigned mtu)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if ((nlh = link_request(nl, ifname, &ifi)) == NULL)
		return -1;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return transact(nl, nlh);
}

int
dp_nl_link_txqlen(struct dp_nl *nl, const char *ifname, unsigned qlen)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (qlen == 0)
		return errno = EINVAL, -1;
	if ((nlh = link_request(nl, ifname, &ifi)) == NULL)
		return -1;
	mnl_attr_put_u32(nlh, IFLA_TXQLEN, qlen);
	return transact(nl, nlh);
}

int
dp_nl_addr(struct dp_nl *nl, const char *ifname, int add, uint32_t addr,
    unsigned plen)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	unsigned idx;

	if (plen > 32 || addr == 0)
		return errno = EINVAL, -1;
	if (ifindex(ifname, &idx) == -1)
		return -1;
	nlh = request(nl, add ? RTM_NEWADDR : RTM_DELADDR,
	    add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = idx;
	mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(addr));
	mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(addr));
	return transact(nl, nlh);
}

int
dp_nl_route(struct dp_nl *nl, const char *ifname, int add, uint32_t dst,
    unsigned plen)
{
	return dp_nl_route_metric(nl, ifname, add, dst, plen, 0);
}

/* metric: RTA_PRIORITY (0: none, the kernel's default); a delete names
 * the same metric as the add */
int
dp_nl_route_metric(struct dp_nl *nl, const char *ifname, int add,
    uint32_t dst, unsigned plen, uint32_t metric)
{
	uint32_t mask = plen ? ~0u << (32 - plen) : 0;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	unsigned idx;

	/* the kernel wants the network address: host bits are an error */
	if (plen > 32 || (dst & ~mask) != 0)
		return errno = EINVAL, -1;
	if (ifindex(ifname, &idx) == -1)
		return -1;
	/* a route is replaced, not refused: at a hitless switchover the new
	 * active puts the pool routes on its device while the old active's
	 * device still holds them, and they must move to the new one (they
	 * vanish with the old device when it closes) */
	nlh = request(nl, add ? RTM_NEWROUTE : RTM_DELROUTE,
	    add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (unsigned char)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = add ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	if (plen)
		mnl_attr_put_u32(nlh, RTA_DST, htonl(dst));
	mnl_attr_put_u32(nlh, RTA_OIF, idx);
	if (metric)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return transact(nl, nlh);
}
