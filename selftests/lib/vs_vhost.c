// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers the vhost selftests share.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/vhost.h>

#include "vs_vhost.h"

#define VS_FDS_MAX	16

/* Opens a vhost device, and makes this process its owner if @owner. */
int vs_vhost_open(const char *dev, bool owner)
{
	int fd, err;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (owner && ioctl(fd, VHOST_SET_OWNER)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Sends @n (1..VS_FDS_MAX) descriptors with one byte over a unix socket. */
int vs_send_fds(int sock, const int *fds, int n)
{
	union {
		char buf[CMSG_SPACE(VS_FDS_MAX * sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = CMSG_SPACE(n * sizeof(int)),
	};
	struct cmsghdr *c;
	ssize_t ret;

	if (n < 1 || n > VS_FDS_MAX)
		return -EINVAL;
	memset(u.buf, 0, sizeof(u.buf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	do {
		ret = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (ret < 0 && errno == EINTR);
	return ret == 1 ? 0 : ret < 0 ? -errno : -EIO;
}

/*
 * Receives one vs_send_fds() message: the number of descriptors stored in
 * @fds (at most @max), 0 at end of file, or -errno.
 */
int vs_recv_fds(int sock, int *fds, int max)
{
	union {
		char buf[CMSG_SPACE(VS_FDS_MAX * sizeof(int))];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t ret;
	int n, i;

	do {
		ret = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (ret < 0 && errno == EINTR);
	if (ret <= 0)
		return ret < 0 ? -errno : 0;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (n > VS_FDS_MAX)
		return -EPROTO;
	for (i = 0; i < n; i++) {
		int fd;

		memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		if (i < max)
			fds[i] = fd;
		else
			close(fd);
	}
	return n < max ? n : max;
}

/* Is CAP_NET_ADMIN (bit 12) in this process's effective set? 1, 0, -errno */
int vs_have_net_admin(void)
{
	char line[256];
	unsigned long long eff;
	int found = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			found = !!(eff & (1ULL << 12));
	fclose(f);
	return found;
}

/* Becomes nobody, with no capabilities left. 0, or -errno. */
int vs_drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(VS_NOBODY, VS_NOBODY, VS_NOBODY) ||
	    setresuid(VS_NOBODY, VS_NOBODY, VS_NOBODY))
		return -errno;
	return vs_have_net_admin() == 0 ? 0 : -EPERM;
}

/* Lets this process (and its children) have @n descriptors open. */
int vs_raise_nofile(unsigned long n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= n)
		return 0;
	rl.rlim_cur = n;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < n)
		rl.rlim_max = n;
	return setrlimit(RLIMIT_NOFILE, &rl) ? -errno : 0;
}

/*
 * Asks VIRTIO_STATUS_CMD_INFO whether vhost devices are reported: 1 if on,
 * 0 if off (the kernel's reason in @reason), or -errno.
 */
int vs_vhost_state(struct vs_nl *nl, char *reason, size_t len)
{
	struct vs_info *info = malloc(sizeof(*info));
	char why[128];
	int err;

	if (!info)
		return -ENOMEM;
	err = vs_info_get(nl, info, why, sizeof(why));
	if (!err && !VS_HAS(info, VIRTIO_STATUS_A_INFO_VHOST_STATE))
		err = -EPROTO;
	if (err) {
		snprintf(reason, len, "INFO failed: %s %s %s", strerror(-err),
			 nl->extack, why);
	} else {
		snprintf(reason, len, "%s", info->vhost_reason);
		err = info->vhost_state == VIRTIO_STATUS_VHOST_STATE_ON;
	}
	free(info);
	return err;
}

/*
 * What every vhost test fixture needs before it starts: CAP_NET_ADMIN, the
 * family open on @nl, and vhost reporting on. 0 when all hold; 1 when the
 * test should be skipped, -1 when it should fail; either way @why says
 * what is missing.
 */
int vs_vhost_fixture_open(struct vs_nl *nl, char *why, size_t len)
{
	char reason[256];
	int err, on;

	nl->fd = -1;
	if (vs_have_net_admin() != 1) {
		snprintf(why, len, "needs CAP_NET_ADMIN: vhost devices are for it only");
		return 1;
	}
	err = vs_nl_open(nl, VS_BUF_DEFAULT);
	if (err) {
		snprintf(why, len, "netlink socket: %s", strerror(-err));
		return -1;
	}
	err = vs_nl_resolve(nl, VIRTIO_STATUS_FAMILY_NAME);
	if (err) {
		snprintf(why, len, "family \"%s\": %s (module not loaded?)",
			 VIRTIO_STATUS_FAMILY_NAME, strerror(-err));
		return -1;
	}
	on = vs_vhost_state(nl, reason, sizeof(reason));
	if (on < 0) {
		snprintf(why, len, "%s", reason);
		return -1;
	}
	if (!on) {
		snprintf(why, len, "vhost reporting is off: %.200s", reason);
		return 1;
	}
	return 0;
}
