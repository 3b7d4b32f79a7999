// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_owner [--net TAP] [--vsock CID] [-- ARG...]
 *
 * A stand-in for a VM process that owns vhost devices: --net opens
 * /dev/vhost-net, sets it up (memory table, both rings) and attaches a new
 * tap device named TAP as the backend of both rings; --vsock opens
 * /dev/vhost-vsock and sets the guest context id CID. The ARGs after "--"
 * are not used: they are there to be seen in /proc/PID/cmdline, as QEMU's
 * "-name guest=NAME" and "-uuid UUID" are. It then prints one line,
 *
 *   ready net_fd=N tap_fd=N vsock_fd=N
 *
 * (-1 for what was not asked for) and waits for a signal to end it.
 * Exit status 1 if a step failed (it says which), 2 for bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/vhost.h>

#include "vs_vhost.h"

static int vo_fail(const char *what, int err)
{
	printf("failed %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

/* vhost-net with both rings set up and @tap as their backend. */
static int vo_net(const char *tapname, struct vs_vmem *mem, int *tapfd)
{
	char name[IFNAMSIZ];
	__u64 features;
	unsigned int i;
	int fd, err;

	fd = vs_vhost_open(VS_VHOST_NET, true);
	if (fd < 0)
		return fd;
	if (ioctl(fd, VHOST_GET_FEATURES, &features) ||
	    ioctl(fd, VHOST_SET_FEATURES, &(__u64){ features & (1ULL << 32) }))
		return -errno;
	err = vs_vmem_init(mem, 1);
	if (!err)
		err = vs_vmem_set_table(fd, mem);
	for (i = 0; !err && i < VS_VMEM_NVQS; i++)
		err = vs_vmem_set_vring(fd, mem, i);
	if (err)
		return err;
	snprintf(name, sizeof(name), "%s", tapname);
	*tapfd = vs_tap_open(name);
	if (*tapfd < 0)
		return *tapfd;
	for (i = 0; !err && i < VS_VMEM_NVQS; i++)
		err = vs_net_backend(fd, i, *tapfd);
	return err ? err : fd;
}

int main(int argc, char **argv)
{
	int net = -1, tap = -1, vsock = -1;
	const char *tapname = NULL;
	unsigned long long cid = 0;
	struct vs_vmem mem;
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--net") && i + 1 < argc) {
			tapname = argv[++i];
		} else if (!strcmp(argv[i], "--vsock") && i + 1 < argc) {
			cid = strtoull(argv[++i], NULL, 0);
		} else {
			fprintf(stderr, "usage: %s [--net TAP] [--vsock CID] [-- ARG...]\n",
				argv[0]);
			return 2;
		}
	}
	if (tapname) {
		net = vo_net(tapname, &mem, &tap);
		if (net < 0)
			return vo_fail("vhost-net", net);
	}
	if (cid) {
		vsock = vs_vhost_open(VS_VHOST_VSOCK, true);
		if (vsock < 0)
			return vo_fail("vhost-vsock", vsock);
		if (ioctl(vsock, VHOST_VSOCK_SET_GUEST_CID, &cid))
			return vo_fail("VHOST_VSOCK_SET_GUEST_CID", errno);
	}
	printf("ready net_fd=%d tap_fd=%d vsock_fd=%d\n", net, tap, vsock);
	fflush(stdout);
	for (;;)
		pause();
}
