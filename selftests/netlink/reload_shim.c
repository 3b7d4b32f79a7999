// SPDX-License-Identifier: GPL-2.0
/*
 * reload_shim.so: preloaded into virtio-status by the reload tests, it
 * makes a request meet an rmmod (or a whole reload) at a chosen moment
 * instead of by chance.
 *
 *   LD_PRELOAD=/usr/lib/reload_shim.so VS_SHIM_CMD='rmmod virtio_status' \
 *	virtio-status x-query-virtio
 *
 * The first time the process sends a netlink message that is not for the
 * generic netlink controller (the first request to the virtio_status
 * family, after the CLI looked the family up), the shim runs VS_SHIM_CMD
 * with /bin/sh, waits for it, and then lets the message go. So the request
 * carries the family id of a module that is gone, or was loaded again.
 * It fires once per process; without VS_SHIM_CMD it does nothing.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

typedef ssize_t (*sendmsg_fn)(int fd, const struct msghdr *msg, int flags);

static bool fired;

static bool is_family_request(int fd, const struct msghdr *msg)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	const struct nlmsghdr *nlh;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
	    ss.ss_family != AF_NETLINK)
		return false;
	if (msg->msg_iovlen < 1 || msg->msg_iov[0].iov_len < sizeof(*nlh))
		return false;
	nlh = msg->msg_iov[0].iov_base;
	return nlh->nlmsg_type != GENL_ID_CTRL && nlh->nlmsg_type >= NLMSG_MIN_TYPE;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static sendmsg_fn real;
	const char *cmd = getenv("VS_SHIM_CMD");
	int rc;

	if (!real)
		real = (sendmsg_fn)dlsym(RTLD_NEXT, "sendmsg");
	if (!fired && cmd && is_family_request(fd, msg)) {
		fired = true;
		rc = system(cmd);
		fprintf(stderr, "reload_shim: ran '%s' before the first request: %d\n",
			cmd, rc);
	}
	return real(fd, msg, flags);
}
