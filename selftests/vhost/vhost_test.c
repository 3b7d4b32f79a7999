// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the vhost devices the virtio_status family reports (KIND_VHOST).
 *
 *   vhost_test [harness options]   as root, with the module loaded
 *
 * Each test drives real vhost devices through their uapi (<linux/vhost.h>)
 * and checks, after every step that changes a reported field, what a dump
 * and a do by path say about them: the path names the owner's (else the
 * lowest holder's) lowest fd, the features, memory regions and started
 * state are what was set, the owner and the holders are the right
 * processes, in the caller's pid namespace, and only CAP_NET_ADMIN callers
 * see any of it. Every test skips when the family's INFO says vhost
 * reporting is off, or without CAP_NET_ADMIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>

#include "vs_netlink.h"
#include "vs_vhost.h"
#include "kselftest_harness.h"

#define VH_TIMEOUT	120	/* seconds; TCG on a debug kernel is slow */
#define VH_HOLDERS	4	/* most holders a test expects */
#define VH_MANY		40
#define VH_SMALL_BUF	4096

/* Feature bits, from the virtio spec (virtio_config.h, virtio_ring.h). */
#define VH_F_INDIRECT_DESC	28
#define VH_F_EVENT_IDX		29
#define VH_F_VERSION_1		32
#define VH_NET_F_MRG_RXBUF	15

/*
 * Features the tests ack when offered: nothing that changes how vhost
 * reaches memory (no ACCESS_PLATFORM: that would need an IOTLB).
 */
#define VH_WANT_COMMON	((1ULL << VH_F_VERSION_1) |			\
			 (1ULL << VH_F_INDIRECT_DESC) |			\
			 (1ULL << VH_F_EVENT_IDX))
#define VH_WANT_NET	(VH_WANT_COMMON | (1ULL << VH_NET_F_MRG_RXBUF))

/* What one vhost reply must say. */
struct vh_expect {
	char path[64];
	const char *name;
	__u32 id;
	const char *driver;
	__u32 num_vqs;
	__u64 acked;
	__u64 backend;
	__u32 regions;
	__u8 started;
	__u32 owner;			/* 0: OWNER_PID must be absent */
	__u32 holders[VH_HOLDERS];
	unsigned int nholders;
};

static void vh_expect_init(struct vh_expect *e, bool vsock, __u32 pid,
			   int fd)
{
	memset(e, 0, sizeof(*e));
	snprintf(e->path, sizeof(e->path), "/proc/%u/fd/%d", pid, fd);
	e->name = vsock ? "vhost-vsock" : "vhost-net";
	e->id = vsock ? 19 : 1;
	e->driver = vsock ? "vhost_vsock" : "vhost_net";
	e->num_vqs = VS_VMEM_NVQS;
	e->holders[0] = pid;
	e->nholders = 1;
}

static void vh_set_path(struct vh_expect *e, __u32 pid, int fd)
{
	snprintf(e->path, sizeof(e->path), "/proc/%u/fd/%d", pid, fd);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Are the holders of @d exactly the @n pids in @pids, in any order? */
static bool same_holders(const struct vs_dev *d, const __u32 *pids,
			 unsigned int n)
{
	__u32 a[VH_HOLDERS], b[VH_HOLDERS];

	if (d->n_holders != n || n > VH_HOLDERS)
		return false;
	memcpy(a, d->holders, n * sizeof(*a));
	memcpy(b, pids, n * sizeof(*b));
	qsort(a, n, sizeof(*a), cmp_u32);
	qsort(b, n, sizeof(*b), cmp_u32);
	return !memcmp(a, b, n * sizeof(*a));
}

static bool holds_any(const struct vs_dev *d, const __u32 *pids,
		      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (vs_dev_has_holder(d, pids[i]))
			return true;
	return false;
}

static void log_holders(struct __test_metadata *_metadata,
			const struct vs_dev *d)
{
	char buf[256];
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < d->n_holders && i < VS_HOLDERS_MAX &&
	     off < sizeof(buf) - 12; i++)
		off += snprintf(buf + off, sizeof(buf) - off, " %u",
				d->holders[i]);
	TH_LOG("%s: %u holders:%s, owner %s%u", d->path, d->n_holders, buf,
	       VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_OWNER_PID) ? "" : "absent ",
	       d->vhost_owner_pid);
}

/* Checks one vhost reply against what the test set up. */
static void match_vhost(struct __test_metadata *_metadata,
			const struct vs_dev *d, const struct vh_expect *e)
{
	bool log = e->acked & (1ULL << VHOST_F_LOG_ALL);

	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, d->kind);
	EXPECT_STREQ(e->path, d->path);
	EXPECT_STREQ(e->name, d->name);
	EXPECT_EQ(e->id, d->id);
	EXPECT_STREQ("vhost", d->transport);
	EXPECT_STREQ(e->driver, d->driver);
	EXPECT_EQ(0, d->status);
	EXPECT_EQ(0, d->broken);
	EXPECT_EQ(e->num_vqs, d->num_vqs)
		TH_LOG("%s: NUM_VQS", e->path);
	EXPECT_EQ(e->acked, d->vhost_acked_features)
		TH_LOG("%s: VHOST_ACKED_FEATURES %#llx, set %#llx", e->path,
		       (unsigned long long)d->vhost_acked_features,
		       (unsigned long long)e->acked);
	EXPECT_EQ(e->acked, d->driver_features)
		TH_LOG("%s: DRIVER_FEATURES", e->path);
	EXPECT_EQ(e->backend, d->vhost_backend_features)
		TH_LOG("%s: VHOST_BACKEND_FEATURES", e->path);
	EXPECT_EQ(e->regions, d->vhost_mem_regions)
		TH_LOG("%s: VHOST_MEM_REGIONS", e->path);
	EXPECT_EQ(log, d->vhost_log_enabled)
		TH_LOG("%s: VHOST_LOG_ENABLED", e->path);
	EXPECT_EQ(e->started, d->vhost_started)
		TH_LOG("%s: VHOST_STARTED", e->path);
	if (e->acked & (1ULL << VH_F_VERSION_1))
		EXPECT_EQ(VIRTIO_STATUS_ENDIAN_LITTLE, d->endian)
			TH_LOG("%s: VERSION_1 acked, ENDIAN %u", e->path,
			       d->endian);
	if (e->owner) {
		EXPECT_TRUE(VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_OWNER_PID))
			TH_LOG("%s: no VHOST_OWNER_PID, expected %u", e->path,
			       e->owner);
		EXPECT_EQ(e->owner, d->vhost_owner_pid);
	} else {
		EXPECT_FALSE(VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_OWNER_PID))
			TH_LOG("%s: VHOST_OWNER_PID %u, expected none",
			       e->path, d->vhost_owner_pid);
	}
	EXPECT_TRUE(same_holders(d, e->holders, e->nholders))
		log_holders(_metadata, d);
}

/* The pid of a "/proc/PID/fd/FD" path, 0 if it is not one. */
static __u32 path_pid(const char *path)
{
	unsigned int pid;

	return sscanf(path, "/proc/%u/fd/", &pid) == 1 ? pid : 0;
}

/*
 * A do by @path (@b) against the dump's reply for the same device (@a):
 * the same state; named by @path; and, as a do looks at the process @path
 * names only, that process as the one holder, no holder count, and the
 * owner only if that process is it.
 */
static void same_vhost(struct __test_metadata *_metadata,
		       const struct vs_dev *a, const struct vs_dev *b,
		       const char *path)
{
	__u32 pid = path_pid(path);
	struct vs_dev a_do = *a;

	/* what a do leaves out, by design */
	a_do.vhost_present &= ~VS_BIT(VIRTIO_STATUS_A_VHOST_HOLDERS);
	if (a->vhost_owner_pid != pid)
		a_do.vhost_present &= ~VS_BIT(VIRTIO_STATUS_A_VHOST_OWNER_PID);
	EXPECT_EQ(a_do.present, b->present)
		TH_LOG("%s: different attribute sets %#llx %#llx", path,
		       (unsigned long long)a_do.present,
		       (unsigned long long)b->present);
	EXPECT_EQ(a_do.hdr_present, b->hdr_present)
		TH_LOG("%s: different headers %#llx %#llx", path,
		       (unsigned long long)a_do.hdr_present,
		       (unsigned long long)b->hdr_present);
	EXPECT_EQ(a_do.vhost_present, b->vhost_present)
		TH_LOG("%s: different DEV_VHOST nests %#llx %#llx", path,
		       (unsigned long long)a_do.vhost_present,
		       (unsigned long long)b->vhost_present);
	EXPECT_STREQ(path, b->path);
	EXPECT_STREQ(a->name, b->name);
	EXPECT_STREQ(a->transport, b->transport);
	EXPECT_STREQ(a->driver, b->driver);
	EXPECT_EQ(a->kind, b->kind);
	EXPECT_EQ(a->id, b->id);
	EXPECT_EQ(a->status, b->status);
	EXPECT_EQ(a->driver_features, b->driver_features);
	EXPECT_EQ(a->num_vqs, b->num_vqs);
	EXPECT_EQ(a->broken, b->broken);
	EXPECT_EQ(a->endian, b->endian);
	EXPECT_EQ(a->vhost_acked_features, b->vhost_acked_features);
	EXPECT_EQ(a->vhost_backend_features, b->vhost_backend_features);
	EXPECT_EQ(a->vhost_mem_regions, b->vhost_mem_regions);
	EXPECT_EQ(a->vhost_log_enabled, b->vhost_log_enabled);
	EXPECT_EQ(a->vhost_started, b->vhost_started);
	if (a->vhost_owner_pid == pid)
		EXPECT_EQ(pid, b->vhost_owner_pid);
	EXPECT_TRUE(b->n_holders == 1 && b->holders[0] == pid &&
		    vs_dev_has_holder(a, pid))
		TH_LOG("%s: a do's holder is not that process", path);
}

/* A dump, checked as a whole (vs_devlist_check()). */
static void dump_checked(struct __test_metadata *_metadata, struct vs_nl *nl,
			 struct vs_devlist *l)
{
	char why[256];
	int err;

	err = vs_dump(nl, l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s (extack \"%s\")", strerror(-err), nl->extack);
	ASSERT_EQ(0, vs_devlist_check(l, why, sizeof(why)))
		TH_LOG("%s", why);
}

/*
 * Dumps, and checks that exactly one vhost reply concerns the processes
 * of @e (has one of them as holder), that it is named e->path and says
 * what @e says; then that a do by that path answers the same. The reply is
 * copied to @out if not NULL.
 */
static void check_vhost(struct __test_metadata *_metadata, struct vs_nl *nl,
			const struct vh_expect *e, struct vs_dev *out)
{
	struct vs_devlist l = {};
	const struct vs_dev *found = NULL;
	struct vs_dev *d;
	size_t i, n = 0;
	int err;

	dump_checked(_metadata, nl, &l);
	for (i = 0; i < l.n; i++) {
		if (!VS_IS_VHOST(&l.dev[i]))
			continue;
		if (!strcmp(l.dev[i].path, e->path) ||
		    holds_any(&l.dev[i], e->holders, e->nholders)) {
			n++;
			found = &l.dev[i];
			TH_LOG("%s %s: acked %#llx regions %u started %u",
			       found->path, found->name,
			       (unsigned long long)found->vhost_acked_features,
			       found->vhost_mem_regions,
			       found->vhost_started);
		}
	}
	ASSERT_EQ(1, n)
		TH_LOG("%zu vhost replies for %s or its holders", n, e->path);
	match_vhost(_metadata, found, e);

	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, d);
	err = vs_get(nl, VIRTIO_STATUS_A_HEADER_PATH, e->path, d);
	ASSERT_EQ(0, err)
		TH_LOG("do %s: %s (extack \"%s\")", e->path, strerror(-err),
		       nl->extack);
	same_vhost(_metadata, found, d, e->path);
	if (out)
		memcpy(out, found, sizeof(*out));
	free(d);
	vs_devlist_free(&l);
}

/* Dumps: no vhost reply named @path or held by any of @pids. */
static void check_gone(struct __test_metadata *_metadata, struct vs_nl *nl,
		       const char *path, const __u32 *pids, unsigned int n)
{
	struct vs_devlist l = {};
	size_t i;

	dump_checked(_metadata, nl, &l);
	for (i = 0; i < l.n; i++) {
		if (!VS_IS_VHOST(&l.dev[i]))
			continue;
		EXPECT_STRNE(path, l.dev[i].path);
		EXPECT_FALSE(holds_any(&l.dev[i], pids, n))
			log_holders(_metadata, &l.dev[i]);
	}
	vs_devlist_free(&l);
}

static int vh_vsock_running(int fd, int on)
{
	return ioctl(fd, VHOST_VSOCK_SET_RUNNING, &on) ? -errno : 0;
}

/* Blocks until a byte or end of file arrives on @fd. */
static void wait_go(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

/* Every helper child dies with the test process. */
static void child_init(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

FIXTURE(vh) {
	struct vs_nl nl;
};

FIXTURE_SETUP(vh)
{
	char why[320];
	int ret = vs_vhost_fixture_open(&self->nl, why, sizeof(why));

	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret)
		TH_LOG("%s", why);
}

FIXTURE_TEARDOWN(vh)
{
	vs_nl_close(&self->nl);
}

/*
 * vhost-net through its whole setup, as QEMU does it: owner, features (once
 * with VHOST_F_LOG_ALL), backend features, a two-region memory table, both
 * rings, a tap backend on each ring, detach and attach again; checked after
 * every step that changes a reported field, then gone once closed.
 */
TEST_F_TIMEOUT(vh, net, VH_TIMEOUT)
{
	__u64 offered, want, bf_offered, bf;
	struct vh_expect e;
	struct vs_vmem mem;
	char tapname[IFNAMSIZ];
	__u32 pid = getpid();
	int fd, tap, err;
	unsigned int i;

	fd = vs_vhost_open(VS_VHOST_NET, false);
	ASSERT_LE(0, fd)
		TH_LOG("open %s: %s", VS_VHOST_NET, strerror(-fd));
	vh_expect_init(&e, false, pid, fd);
	/* Opened, no owner yet: listed already, with no OWNER_PID. */
	check_vhost(_metadata, &self->nl, &e, NULL);

	ASSERT_EQ(0, ioctl(fd, VHOST_SET_OWNER))
		TH_LOG("VHOST_SET_OWNER: %s", strerror(errno));
	e.owner = pid;
	check_vhost(_metadata, &self->nl, &e, NULL);

	ASSERT_EQ(0, ioctl(fd, VHOST_GET_FEATURES, &offered));
	TH_LOG("vhost-net offers %#llx", (unsigned long long)offered);
	ASSERT_TRUE(offered & (1ULL << VHOST_F_LOG_ALL));
	if (!(offered & (1ULL << VH_F_VERSION_1)))
		TH_LOG("VIRTIO_F_VERSION_1 is not offered");
	want = offered & VH_WANT_NET;

	e.acked = want | (1ULL << VHOST_F_LOG_ALL);
	ASSERT_EQ(0, ioctl(fd, VHOST_SET_FEATURES, &e.acked))
		TH_LOG("VHOST_SET_FEATURES %#llx: %s",
		       (unsigned long long)e.acked, strerror(errno));
	check_vhost(_metadata, &self->nl, &e, NULL);

	e.acked = want;
	ASSERT_EQ(0, ioctl(fd, VHOST_SET_FEATURES, &e.acked))
		TH_LOG("VHOST_SET_FEATURES %#llx: %s",
		       (unsigned long long)e.acked, strerror(errno));
	check_vhost(_metadata, &self->nl, &e, NULL);

	ASSERT_EQ(0, ioctl(fd, VHOST_GET_BACKEND_FEATURES, &bf_offered));
	bf = bf_offered & (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2);
	if (bf) {
		ASSERT_EQ(0, ioctl(fd, VHOST_SET_BACKEND_FEATURES, &bf))
			TH_LOG("VHOST_SET_BACKEND_FEATURES: %s",
			       strerror(errno));
		e.backend = bf;
		check_vhost(_metadata, &self->nl, &e, NULL);
	}

	err = vs_vmem_init(&mem, 2);
	ASSERT_EQ(0, err)
		TH_LOG("memory: %s", strerror(-err));
	err = vs_vmem_set_table(fd, &mem);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_SET_MEM_TABLE: %s", strerror(-err));
	e.regions = 2;
	check_vhost(_metadata, &self->nl, &e, NULL);

	for (i = 0; i < VS_VMEM_NVQS; i++) {
		err = vs_vmem_set_vring(fd, &mem, i);
		ASSERT_EQ(0, err)
			TH_LOG("vring %u: %s", i, strerror(-err));
	}
	/* Rings set up, no backend: not started. */
	check_vhost(_metadata, &self->nl, &e, NULL);

	tap = vs_tap_open(tapname);
	ASSERT_LE(0, tap)
		TH_LOG("tap: %s", strerror(-tap));
	err = vs_net_backend(fd, 0, tap);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_NET_SET_BACKEND 0 %s: %s", tapname,
		       strerror(-err));
	e.started = 1;
	check_vhost(_metadata, &self->nl, &e, NULL);
	ASSERT_EQ(0, vs_net_backend(fd, 1, tap));
	check_vhost(_metadata, &self->nl, &e, NULL);

	/* Detached from one ring: still started; from both: not. */
	ASSERT_EQ(0, vs_net_backend(fd, 0, -1));
	check_vhost(_metadata, &self->nl, &e, NULL);
	ASSERT_EQ(0, vs_net_backend(fd, 1, -1));
	e.started = 0;
	check_vhost(_metadata, &self->nl, &e, NULL);

	/* Closed while running. */
	ASSERT_EQ(0, vs_net_backend(fd, 0, tap));
	ASSERT_EQ(0, vs_net_backend(fd, 1, tap));
	e.started = 1;
	check_vhost(_metadata, &self->nl, &e, NULL);
	close(fd);
	check_gone(_metadata, &self->nl, e.path, &pid, 1);
	close(tap);
	vs_vmem_free(&mem);
}

/*
 * vhost-vsock: owner, features, a one-region memory table, both rings, a
 * guest CID, then running (a backend on both rings), stopped, running
 * again, closed.
 */
TEST_F_TIMEOUT(vh, vsock, VH_TIMEOUT)
{
	struct vh_expect e;
	struct vs_vmem mem;
	__u32 pid = getpid();
	__u64 offered, cid;
	unsigned int i;
	int fd, err;

	fd = vs_vhost_open(VS_VHOST_VSOCK, false);
	if (fd < 0)
		SKIP(return, "cannot open %s: %s", VS_VHOST_VSOCK,
		     strerror(-fd));
	vh_expect_init(&e, true, pid, fd);
	check_vhost(_metadata, &self->nl, &e, NULL);

	ASSERT_EQ(0, ioctl(fd, VHOST_SET_OWNER))
		TH_LOG("VHOST_SET_OWNER: %s", strerror(errno));
	e.owner = pid;
	check_vhost(_metadata, &self->nl, &e, NULL);

	ASSERT_EQ(0, ioctl(fd, VHOST_GET_FEATURES, &offered));
	TH_LOG("vhost-vsock offers %#llx", (unsigned long long)offered);
	e.acked = offered & VH_WANT_COMMON;
	ASSERT_EQ(0, ioctl(fd, VHOST_SET_FEATURES, &e.acked))
		TH_LOG("VHOST_SET_FEATURES: %s", strerror(errno));
	check_vhost(_metadata, &self->nl, &e, NULL);

	err = vs_vmem_init(&mem, 1);
	ASSERT_EQ(0, err)
		TH_LOG("memory: %s", strerror(-err));
	err = vs_vmem_set_table(fd, &mem);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_SET_MEM_TABLE: %s", strerror(-err));
	e.regions = 1;
	check_vhost(_metadata, &self->nl, &e, NULL);

	for (i = 0; i < VS_VMEM_NVQS; i++) {
		err = vs_vmem_set_vring(fd, &mem, i);
		ASSERT_EQ(0, err)
			TH_LOG("vring %u: %s", i, strerror(-err));
	}
	/* A CID no one else uses (the guest's own is taken, for one). */
	for (cid = 1000 + pid; cid < 1000 + pid + 64; cid++)
		if (!ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid) ||
		    errno != EADDRINUSE)
			break;
	ASSERT_EQ(0, ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid))
		TH_LOG("VHOST_VSOCK_SET_GUEST_CID %llu: %s",
		       (unsigned long long)cid, strerror(errno));
	check_vhost(_metadata, &self->nl, &e, NULL);

	err = vh_vsock_running(fd, 1);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_VSOCK_SET_RUNNING 1: %s", strerror(-err));
	e.started = 1;
	check_vhost(_metadata, &self->nl, &e, NULL);
	ASSERT_EQ(0, vh_vsock_running(fd, 0));
	e.started = 0;
	check_vhost(_metadata, &self->nl, &e, NULL);
	ASSERT_EQ(0, vh_vsock_running(fd, 1));
	e.started = 1;
	check_vhost(_metadata, &self->nl, &e, NULL);

	close(fd);
	check_gone(_metadata, &self->nl, e.path, &pid, 1);
	vs_vmem_free(&mem);
}

/*
 * A do by /proc/@pid/fd/@fd answers the device @e describes, as seen from
 * that process only: named by that path, that process its one holder, the
 * owner named only if that process is it.
 */
static void do_via(struct __test_metadata *_metadata, struct vs_nl *nl,
		   __u32 pid, int fd, const struct vh_expect *e)
{
	struct vs_dev *d = malloc(sizeof(*d));
	struct vh_expect seen = *e;
	int err;

	ASSERT_NE(NULL, d);
	vh_set_path(&seen, pid, fd);
	seen.holders[0] = pid;
	seen.nholders = 1;
	if (seen.owner != pid)
		seen.owner = 0;
	err = vs_get(nl, VIRTIO_STATUS_A_HEADER_PATH, seen.path, d);
	ASSERT_EQ(0, err)
		TH_LOG("do %s: %s (%s)", seen.path, strerror(-err), nl->extack);
	match_vhost(_metadata, d, &seen);
	free(d);
}

/*
 * One device, several holders: the owner P; a child A that inherited the
 * fd by fork; a child B that got it over a unix socket. Still one reply,
 * named by P while P holds it, else by the lowest of A and B; the holders
 * shrink as P closes and A and B exit, and the device goes with the last.
 */
TEST_F_TIMEOUT(vh, holders, VH_TIMEOUT)
{
	__u32 all[3], p = getpid(), a_pid, b_pid;
	int sv[2], go[2], fd, bfd = -1, status;
	struct vh_expect e;
	pid_t a, b;
	char c = 'x';

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));

	/* B first, so that it inherits no vhost fd: it is sent one. */
	b = fork();
	ASSERT_LE(0, b);
	if (b == 0) {
		int got;

		child_init();
		close(sv[0]);
		close(go[1]);
		if (vs_recv_fds(sv[1], &got, 1) != 1)
			_exit(1);
		if (write(sv[1], &got, sizeof(got)) != sizeof(got))
			_exit(2);
		wait_go(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	b_pid = b;

	fd = vs_vhost_open(VS_VHOST_NET, true);
	ASSERT_LE(0, fd)
		TH_LOG("%s: %s", VS_VHOST_NET, strerror(-fd));
	vh_expect_init(&e, false, p, fd);
	e.owner = p;
	check_vhost(_metadata, &self->nl, &e, NULL);

	/* A inherits the fd, under the same number. */
	a = fork();
	ASSERT_LE(0, a);
	if (a == 0) {
		child_init();
		close(go[1]);
		wait_go(go[0]);
		_exit(0);
	}
	close(go[0]);
	a_pid = a;
	e.holders[e.nholders++] = a_pid;
	check_vhost(_metadata, &self->nl, &e, NULL);

	ASSERT_EQ(0, vs_send_fds(sv[0], &fd, 1));
	ASSERT_EQ(sizeof(bfd), read(sv[0], &bfd, sizeof(bfd)));
	TH_LOG("owner %u fd %d, A %u fd %d, B %u fd %d", p, fd, a_pid, fd,
	       b_pid, bfd);
	e.holders[e.nholders++] = b_pid;
	check_vhost(_metadata, &self->nl, &e, NULL);

	/* A do by any holder's fd answers the same state, from that holder. */
	do_via(_metadata, &self->nl, a_pid, fd, &e);
	do_via(_metadata, &self->nl, b_pid, bfd, &e);

	/*
	 * The owner lets go: A and B hold it. The owner process still
	 * exists and is visible, so OWNER_PID stays (the header: absent only
	 * if there is no owner or it is not visible); the path now names the
	 * lowest holder.
	 */
	close(fd);
	e.holders[0] = e.holders[--e.nholders];
	if (a_pid < b_pid)
		vh_set_path(&e, a_pid, fd);
	else
		vh_set_path(&e, b_pid, bfd);
	check_vhost(_metadata, &self->nl, &e, NULL);

	/* A exits: B alone. */
	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(a, waitpid(a, &status, 0));
	ASSERT_EQ(0, status);
	e.holders[0] = b_pid;
	e.nholders = 1;
	vh_set_path(&e, b_pid, bfd);
	check_vhost(_metadata, &self->nl, &e, NULL);

	/* B exits: the device is released. */
	ASSERT_EQ(1, write(sv[0], &c, 1));
	ASSERT_EQ(b, waitpid(b, &status, 0));
	ASSERT_EQ(0, status);
	all[0] = p;
	all[1] = a_pid;
	all[2] = b_pid;
	check_gone(_metadata, &self->nl, e.path, all, 3);
	close(go[1]);
	close(sv[0]);
}

/* Sends a do for @path and expects one of two errors, with a message. */
static void expect_path_fail(struct __test_metadata *_metadata,
			     struct vs_nl *nl, const char *path, int err1,
			     int err2)
{
	struct vs_dev *d = malloc(sizeof(*d));
	int ret;

	ASSERT_NE(NULL, d);
	ret = vs_get(nl, VIRTIO_STATUS_A_HEADER_PATH, path, d);
	EXPECT_TRUE(ret == -err1 || ret == -err2)
		TH_LOG("do \"%s\": %s, expected %s%s%s (extack \"%s\")", path,
		       ret ? strerror(-ret) : "a reply", strerror(err1),
		       err2 ? " or " : "", err2 ? strerror(err2) : "",
		       nl->extack);
	if (ret)
		EXPECT_NE(0, nl->extack[0])
			TH_LOG("do \"%s\": %s without an extack message", path,
			       strerror(-ret));
	free(d);
}

/*
 * A do by "/proc/PID/fd/FD": by the canonical path and by a higher fd of
 * the same device, both answer the dump's reply; an fd that is no vhost
 * device, a closed fd and a pid that does not exist are ENODEV; anything
 * not exactly /proc/PID/fd/FD (decimal, no sign, blank or leading zero) is
 * ENODEV or EINVAL, even when it would otherwise name the device.
 */
TEST_F_TIMEOUT(vh, do_by_path, VH_TIMEOUT)
{
	static const char * const bad[] = {
		"/proc/", "/proc/%u", "/proc/%u/fd", "/proc/%u/fd/",
		"/proc/%u/fd/%dx", "/proc/%u/fd/%d/", "/proc/%u/fdx/%d",
		"/proc/%u//fd/%d", "/proc//fd/%d", "/proc/x%u/fd/%d",
		"/proc/+%u/fd/%d", "/proc/ %u/fd/%d", "/proc/0%u/fd/%d",
		"/proc/-%u/fd/%d", "/proc/%u/fd/+%d", "/proc/%u/fd/ %d",
		"/proc/%u/fd/0%d", "/proc/%u/fd/-%d", "/proc/self/fd/%d",
		"/proc/%u/fd/%d\n", "/proc/%u/fd/%d ", "/proc/%u/task/%u/fd/%d",
	};
	__u32 pid = getpid();
	struct vs_dev *canon, *d;
	struct vh_expect e;
	char path[128];
	int fd, hi, pipefd[2], err;
	size_t i;

	fd = vs_vhost_open(VS_VHOST_NET, true);
	ASSERT_LE(0, fd)
		TH_LOG("%s: %s", VS_VHOST_NET, strerror(-fd));
	vh_expect_init(&e, false, pid, fd);
	e.owner = pid;
	canon = malloc(sizeof(*canon));
	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, canon);
	ASSERT_NE(NULL, d);
	check_vhost(_metadata, &self->nl, &e, canon);

	/* Two fds, one device: one reply, named by the lower fd. */
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	ASSERT_LE(100, hi);
	check_vhost(_metadata, &self->nl, &e, NULL);
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, hi);
	err = vs_get(&self->nl, VIRTIO_STATUS_A_HEADER_PATH, path, d);
	ASSERT_EQ(0, err)
		TH_LOG("do %s: %s (%s)", path, strerror(-err),
		       self->nl.extack);
	same_vhost(_metadata, canon, d, path);

	/* Not a vhost device, no such fd, no such process. */
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, pipefd[0]);
	expect_path_fail(_metadata, &self->nl, path, ENODEV, 0);
	close(hi);
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", pid, hi);
	expect_path_fail(_metadata, &self->nl, path, ENODEV, 0);
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", INT_MAX - 1, fd);
	expect_path_fail(_metadata, &self->nl, path, ENODEV, 0);

	/* Malformed, built from the real pid and fd. */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (!strstr(bad[i], "%u"))
			snprintf(path, sizeof(path), bad[i], fd);
		else if (strstr(bad[i], "task"))
			snprintf(path, sizeof(path), bad[i], pid, pid, fd);
		else
			snprintf(path, sizeof(path), bad[i], pid, fd);
		expect_path_fail(_metadata, &self->nl, path, ENODEV, EINVAL);
	}
	/* Numbers that wrap to the real pid or fd in 32 bits. */
	snprintf(path, sizeof(path), "/proc/%llu/fd/%d",
		 (1ULL << 32) + pid, fd);
	expect_path_fail(_metadata, &self->nl, path, ENODEV, EINVAL);
	snprintf(path, sizeof(path), "/proc/%u/fd/%llu", pid,
		 (1ULL << 32) + fd);
	expect_path_fail(_metadata, &self->nl, path, ENODEV, EINVAL);

	/* The canonical path still works after all that. */
	check_vhost(_metadata, &self->nl, &e, NULL);
	close(pipefd[0]);
	close(pipefd[1]);
	close(fd);
	check_gone(_metadata, &self->nl, e.path, &pid, 1);
	free(canon);
	free(d);
}

/*
 * Child of unprivileged: as nobody, the dump has no vhost reply at all and
 * a do by the parent's path is EPERM with a message. Returns an exit code.
 */
static int unprivileged_child(const char *path)
{
	struct vs_devlist l = {};
	struct vs_dev *d;
	struct vs_nl nl;
	char why[256];
	int err;

	err = vs_drop_privileges();
	if (err) {
		fprintf(stderr, "# drop privileges: %s\n", strerror(-err));
		return 10;
	}
	err = vs_nl_open(&nl, VS_BUF_DEFAULT);
	if (!err)
		err = vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME);
	if (err) {
		fprintf(stderr, "# open/resolve: %s\n", strerror(-err));
		return 11;
	}
	err = vs_dump(&nl, &l);
	if (err) {
		fprintf(stderr, "# dump: %s (%s)\n", strerror(-err), nl.extack);
		return 12;
	}
	if (vs_devlist_check(&l, why, sizeof(why))) {
		fprintf(stderr, "# dump: %s\n", why);
		return 13;
	}
	if (vs_devlist_count(&l, VIRTIO_STATUS_KIND_VHOST)) {
		fprintf(stderr, "# nobody's dump lists %zu vhost devices\n",
			vs_devlist_count(&l, VIRTIO_STATUS_KIND_VHOST));
		return 14;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return 15;
	err = vs_get(&nl, VIRTIO_STATUS_A_HEADER_PATH, path, d);
	if (err != -EPERM || !nl.extack[0]) {
		fprintf(stderr, "# nobody's do %s: %s, extack \"%s\"\n", path,
			err ? strerror(-err) : "a reply", nl.extack);
		return 16;
	}
	fprintf(stderr, "# nobody: do %s: EPERM \"%s\"\n", path, nl.extack);
	free(d);
	vs_devlist_free(&l);
	vs_nl_close(&nl);
	return 0;
}

/* Without CAP_NET_ADMIN no vhost device shows, while this one exists. */
TEST_F_TIMEOUT(vh, unprivileged, VH_TIMEOUT)
{
	struct vh_expect e;
	__u32 pid = getpid();
	int fd, vfd, status;
	pid_t child;

	if (geteuid() != 0)
		SKIP(return, "needs root to become uid %d", VS_NOBODY);
	fd = vs_vhost_open(VS_VHOST_NET, true);
	ASSERT_LE(0, fd)
		TH_LOG("%s: %s", VS_VHOST_NET, strerror(-fd));
	vh_expect_init(&e, false, pid, fd);
	e.owner = pid;
	check_vhost(_metadata, &self->nl, &e, NULL);
	/* And one with no owner, opened as root. */
	vfd = vs_vhost_open(VS_VHOST_NET, false);
	ASSERT_LE(0, vfd);

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		child_init();
		close(fd);
		close(vfd);
		_exit(unprivileged_child(e.path));
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("child died, status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("unprivileged checks failed, see above");
	/* vfd is held by this process too: drop it before matching by holder. */
	close(vfd);
	check_vhost(_metadata, &self->nl, &e, NULL);
	close(fd);
}

/* What the grandchild in the new pid namespace reports. */
struct pidns_report {
	int status;		/* 0 fine, 1 failed, 2 cannot test */
	__u32 pid;		/* its pid, inside */
	int fd;			/* its vhost-net fd */
	char why[200];
};

/*
 * Pid 1 of a new pid namespace: opens its own vhost-net, sees only that in
 * a dump, under its inner pid; reports, then waits for @go_r.
 */
static int pidns_grandchild(int rep_w, int go_r)
{
	struct pidns_report r = { .pid = getpid(), .fd = -1 };
	struct vs_devlist l = {};
	const struct vs_dev *d = NULL;
	char path[64], why[256];
	struct vs_nl nl;
	size_t i, n = 0;
	int err;

	r.fd = vs_vhost_open(VS_VHOST_NET, true);
	if (r.fd < 0) {
		r.status = 1;
		snprintf(r.why, sizeof(r.why), "inside: %s: %s", VS_VHOST_NET,
			 strerror(-r.fd));
		goto out;
	}
	err = vs_nl_open(&nl, VS_BUF_DEFAULT);
	if (!err)
		err = vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME);
	if (!err)
		err = vs_dump(&nl, &l);
	if (err || vs_devlist_check(&l, why, sizeof(why))) {
		r.status = 1;
		snprintf(r.why, sizeof(r.why), "inside: dump: %s %.100s",
			 err ? strerror(-err) : "", err ? nl.extack : why);
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		if (VS_IS_VHOST(&l.dev[i])) {
			d = &l.dev[i];
			n++;
		}
	}
	snprintf(path, sizeof(path), "/proc/%u/fd/%d", r.pid, r.fd);
	if (n != 1 || strcmp(d->path, path) || d->n_holders != 1 ||
	    d->holders[0] != r.pid || d->vhost_owner_pid != r.pid) {
		r.status = 1;
		snprintf(r.why, sizeof(r.why),
			 "inside: %zu vhost devices, first %.64s holder %u of %u, owner %u; expected only %s",
			 n, d ? d->path : "-", d ? d->holders[0] : 0,
			 d ? d->n_holders : 0, d ? d->vhost_owner_pid : 0,
			 path);
	}
	vs_devlist_free(&l);
	vs_nl_close(&nl);
out:
	if (write(rep_w, &r, sizeof(r)) != sizeof(r))
		return 3;
	wait_go(go_r);
	return r.status;
}

/*
 * Pid namespaces: a process in a new one sees only its namespace's vhost
 * devices, under its pids; from outside, both devices show, the inner one
 * under the outer pid.
 */
TEST_F_TIMEOUT(vh, pid_namespace, VH_TIMEOUT)
{
	int rep[2], pidp[2], go[2], fd, status;
	struct pidns_report r;
	struct vh_expect e, inner;
	__u32 pid = getpid(), gc_pid;
	pid_t child, gc;

	if (geteuid() != 0)
		SKIP(return, "needs root for a new pid namespace");
	fd = vs_vhost_open(VS_VHOST_NET, true);
	ASSERT_LE(0, fd)
		TH_LOG("%s: %s", VS_VHOST_NET, strerror(-fd));
	vh_expect_init(&e, false, pid, fd);
	e.owner = pid;

	ASSERT_EQ(0, pipe2(rep, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(pidp, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		child_init();
		/* Neither it nor the grandchild may hold the parent's. */
		close(fd);
		close(rep[0]);
		close(pidp[0]);
		close(go[1]);
		if (unshare(CLONE_NEWPID)) {
			memset(&r, 0, sizeof(r));
			r.status = 2;
			snprintf(r.why, sizeof(r.why), "unshare(CLONE_NEWPID): %s",
				 strerror(errno));
			if (write(rep[1], &r, sizeof(r)) != sizeof(r))
				_exit(3);
			_exit(2);
		}
		gc = fork();
		if (gc == 0) {
			child_init();
			_exit(pidns_grandchild(rep[1], go[0]));
		}
		if (write(pidp[1], &gc, sizeof(gc)) != sizeof(gc) || gc < 0)
			_exit(4);
		if (waitpid(gc, &status, 0) != gc || !WIFEXITED(status))
			_exit(5);
		_exit(WEXITSTATUS(status));
	}
	close(rep[1]);
	close(pidp[1]);
	close(go[0]);

	ASSERT_EQ(sizeof(r), read(rep[0], &r, sizeof(r)));
	if (r.status == 2) {
		close(go[1]);
		waitpid(child, &status, 0);
		SKIP(return, "%s", r.why);
	}
	ASSERT_EQ(0, r.status)
		TH_LOG("%s", r.why);
	ASSERT_EQ(sizeof(gc), read(pidp[0], &gc, sizeof(gc)));
	ASSERT_LT(0, gc);
	gc_pid = gc;
	TH_LOG("inside: pid %u fd %d; outside: pid %u", r.pid, r.fd, gc_pid);
	EXPECT_EQ(1, r.pid);

	/* From outside: each device, under the outer pids. */
	check_vhost(_metadata, &self->nl, &e, NULL);
	vh_expect_init(&inner, false, gc_pid, r.fd);
	inner.owner = gc_pid;
	check_vhost(_metadata, &self->nl, &inner, NULL);

	close(go[1]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("namespace child status %#x", status);
	check_gone(_metadata, &self->nl, inner.path, &gc_pid, 1);
	check_vhost(_metadata, &self->nl, &e, NULL);
	close(rep[0]);
	close(pidp[0]);
	close(fd);
}

/*
 * Many devices, a small receive buffer: a dump over several datagrams
 * lists each of this process's VH_MANY devices exactly once.
 */
TEST_F_TIMEOUT(vh, many_devices, VH_TIMEOUT)
{
	int fds[VH_MANY], i, j;
	bool seen[VH_MANY] = {};
	struct vs_devlist l = {};
	__u32 pid = getpid(), p, f;
	struct vs_nl small;
	size_t k, mine = 0;
	char why[256];
	int err;

	ASSERT_EQ(0, vs_raise_nofile(VH_MANY + 256));
	for (i = 0; i < VH_MANY; i++) {
		fds[i] = vs_vhost_open(VS_VHOST_NET, true);
		ASSERT_LE(0, fds[i])
			TH_LOG("device %d: %s", i, strerror(-fds[i]));
	}

	ASSERT_EQ(0, vs_nl_open(&small, VH_SMALL_BUF));
	small.family = self->nl.family;
	err = vs_dump(&small, &l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s (%s)", strerror(-err), small.extack);
	ASSERT_EQ(0, vs_devlist_check(&l, why, sizeof(why)))
		TH_LOG("%s", why);
	for (k = 0; k < l.n; k++) {
		const struct vs_dev *d = &l.dev[k];

		if (!VS_IS_VHOST(d) || !vs_dev_has_holder(d, pid))
			continue;
		mine++;
		ASSERT_EQ(0, vs_proc_path_parse(d->path, &p, &f));
		EXPECT_EQ(pid, p);
		EXPECT_EQ(1, d->n_holders);
		EXPECT_EQ(pid, d->vhost_owner_pid);
		EXPECT_STREQ("vhost-net", d->name);
		for (j = 0; j < VH_MANY; j++)
			if ((__u32)fds[j] == f)
				break;
		ASSERT_LT(j, VH_MANY)
			TH_LOG("%s is none of this test's fds", d->path);
		EXPECT_FALSE(seen[j])
			TH_LOG("%s listed twice", d->path);
		seen[j] = true;
	}
	TH_LOG("%zu replies (%zu of this process) in %u datagrams, %zu bytes",
	       l.n, mine, small.data_datagrams, small.bytes);
	EXPECT_EQ(VH_MANY, mine);
	EXPECT_LE(2, small.data_datagrams);

	for (i = 0; i < VH_MANY; i++)
		close(fds[i]);
	err = vs_dump(&small, &l);
	ASSERT_EQ(0, err);
	for (k = 0; k < l.n; k++)
		EXPECT_FALSE(VS_IS_VHOST(&l.dev[k]) &&
			     vs_dev_has_holder(&l.dev[k], pid))
			TH_LOG("%s still listed after close", l.dev[k].path);
	vs_nl_close(&small);
	vs_devlist_free(&l);
}

/*
 * One vhost-net fd inherited by VH_SHARERS processes (fork): before the
 * holder list was bounded, the device no longer fit a dump message and the
 * whole root listing failed ("Message too long"). Now the message carries
 * the lowest VIRTIO_STATUS_HOLDERS_SENT pids and the total.
 */
#define VH_SHARERS	5000
#define VH_THREADS_MAX	"/proc/sys/kernel/threads-max"

/* A numeric sysctl, or -1 if it cannot be read. */
static long vh_sysctl_get(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

TEST_F_TIMEOUT(vh, shared_by_thousands, VH_TIMEOUT)
{
	struct vs_devlist l = {};
	__u32 pid = getpid();
	size_t k, found = 0;
	int go[2], fd, i, err;
	int sharers = VH_SHARERS;
	long threads_max;
	pid_t child;

	/*
	 * A small kernel (the debug one: KASAN's larger stacks) computes a
	 * threads-max of about 3000 from its memory, and raising it there
	 * starves the guest: take half of what the kernel allows, and say so.
	 */
	threads_max = vh_sysctl_get(VH_THREADS_MAX);
	if (threads_max > 0 && threads_max / 2 < sharers)
		sharers = threads_max / 2;
	TH_LOG("%d processes share the fd (threads-max %ld)", sharers, threads_max);
	ASSERT_LT(VIRTIO_STATUS_HOLDERS_SENT, sharers);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	fd = vs_vhost_open(VS_VHOST_NET, true);
	ASSERT_LE(0, fd)
		TH_LOG("%s: %s", VS_VHOST_NET, strerror(-fd));
	for (i = 0; i < sharers; i++) {
		child = fork();
		ASSERT_LE(0, child)
			TH_LOG("fork %d: %s", i, strerror(errno));
		if (child == 0) {
			child_init();
			close(go[1]);
			wait_go(go[0]);
			_exit(0);
		}
	}
	err = vs_dump(&self->nl, &l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s (%s)", strerror(-err), self->nl.extack);
	for (k = 0; k < l.n; k++) {
		const struct vs_dev *d = &l.dev[k];

		if (!VS_IS_VHOST(d) || !vs_dev_has_holder(d, pid))
			continue;
		found++;
		EXPECT_TRUE(VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_HOLDERS));
		EXPECT_EQ(sharers + 1, d->vhost_holders);
		EXPECT_EQ(VIRTIO_STATUS_HOLDERS_SENT, d->n_holders);
		TH_LOG("%s: %u holders, %u pids sent", d->path, d->vhost_holders,
		       d->n_holders);
	}
	EXPECT_EQ(1, found);
	close(go[1]);
	close(fd);
	while (wait(NULL) > 0)
		;
	vs_devlist_free(&l);
}

TEST_HARNESS_MAIN
