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
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
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

/* Anonymous memory for @n regions, and eventfds for the rings. */
int vs_vmem_init(struct vs_vmem *m, unsigned int n)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < VS_VMEM_NVQS; i++) {
		m->kick[i] = -1;
		m->call[i] = -1;
	}
	for (i = 0; i < n; i++) {
		m->region[i] = mmap(NULL, VS_VMEM_REGION_SIZE,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m->region[i] == MAP_FAILED) {
			m->region[i] = NULL;
			return -errno;
		}
		m->nregions++;
	}
	for (i = 0; i < VS_VMEM_NVQS; i++) {
		m->kick[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		m->call[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (m->kick[i] < 0 || m->call[i] < 0)
			return -errno;
	}
	return 0;
}

void vs_vmem_free(struct vs_vmem *m)
{
	unsigned int i;

	for (i = 0; i < m->nregions; i++)
		munmap(m->region[i], VS_VMEM_REGION_SIZE);
	for (i = 0; i < VS_VMEM_NVQS; i++) {
		if (m->kick[i] >= 0)
			close(m->kick[i]);
		if (m->call[i] >= 0)
			close(m->call[i]);
	}
	memset(m, 0, sizeof(*m));
}

/* VHOST_SET_MEM_TABLE with every region of @m. 0 or -errno. */
int vs_vmem_set_table(int fd, const struct vs_vmem *m)
{
	struct vhost_memory *mem;
	unsigned int i;
	int err = 0;

	mem = calloc(1, sizeof(*mem) + m->nregions * sizeof(mem->regions[0]));
	if (!mem)
		return -ENOMEM;
	mem->nregions = m->nregions;
	for (i = 0; i < m->nregions; i++) {
		mem->regions[i].guest_phys_addr = VS_VMEM_REGION_GPA(i);
		mem->regions[i].memory_size = VS_VMEM_REGION_SIZE;
		mem->regions[i].userspace_addr = (unsigned long)m->region[i];
	}
	if (ioctl(fd, VHOST_SET_MEM_TABLE, mem))
		err = -errno;
	free(mem);
	return err;
}

/*
 * Sets up virtqueue @idx: size, ring addresses (user addresses inside
 * region 0, zeroed: no buffers available), base 0, kick and call
 * eventfds. Returns 0 or -errno.
 */
int vs_vmem_set_vring(int fd, const struct vs_vmem *m, unsigned int idx)
{
	char *ring = (char *)m->region[0] + idx * VS_VMEM_RING_SLOT;
	struct vhost_vring_state num = { .index = idx, .num = VS_VMEM_RING_NUM };
	struct vhost_vring_state base = { .index = idx, .num = 0 };
	struct vhost_vring_addr addr = {
		.index = idx,
		.desc_user_addr = (unsigned long)ring,
		.avail_user_addr = (unsigned long)(ring + 4096),
		.used_user_addr = (unsigned long)(ring + 8192),
	};
	struct vhost_vring_file kick = { .index = idx, .fd = m->kick[idx] };
	struct vhost_vring_file call = { .index = idx, .fd = m->call[idx] };

	if (ioctl(fd, VHOST_SET_VRING_NUM, &num) ||
	    ioctl(fd, VHOST_SET_VRING_ADDR, &addr) ||
	    ioctl(fd, VHOST_SET_VRING_BASE, &base) ||
	    ioctl(fd, VHOST_SET_VRING_KICK, &kick) ||
	    ioctl(fd, VHOST_SET_VRING_CALL, &call))
		return -errno;
	return 0;
}

/*
 * A new tap device (down, no packet info), as the backend of vhost-net:
 * named @name if it is not empty, else vstestN; its name is written to
 * @name (IFNAMSIZ bytes).
 */
int vs_tap_open(char *name)
{
	struct ifreq ifr = {};
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name[0] ? name : "vstest%d");
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		int err = -errno;

		close(fd);
		return err;
	}
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

int vs_net_backend(int fd, unsigned int idx, int tap)
{
	struct vhost_vring_file f = { .index = idx, .fd = tap };

	return ioctl(fd, VHOST_NET_SET_BACKEND, &f) ? -errno : 0;
}
