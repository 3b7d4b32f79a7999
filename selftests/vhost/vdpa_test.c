// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of vhost-vdpa devices as the virtio_status family reports them.
 *
 *   vdpa_test [harness options]   as root, with the module loaded
 *
 * No hardware is needed: each test makes its own vdpa device with VDUSE,
 * whose device side is a process. It creates a virtio-blk device through
 * /dev/vduse/control, answers the device's control requests from a child
 * process (status changes, ring state, IOTLB updates: all done), puts the
 * device on the vdpa bus with the vdpa generic netlink family
 * (VDPA_CMD_DEV_NEW on the "vduse" management device), where vhost_vdpa
 * takes it, and drives /dev/vhost-vdpa-N as a VMM would: owner, features,
 * the status byte up to DRIVER_OK and back to 0, ring sizes, bases and
 * addresses. The ring addresses are I/O virtual addresses that nothing
 * maps: no ring is ever read.
 *
 * What the family must say: a dump lists the device once, as vhost-vdpa
 * with the virtio device id behind it (virtio-blk), and a do by its
 * /proc/PID/fd/FD path says the same; VHOST_STARTED is the vdpa
 * device's DRIVER_OK; QUEUE_GET gives the ring addresses as set, says they
 * are IOVAs (QUEUE_ADDR_IOVA) and gives no guest physical address; once
 * the device is closed and gone no reply names it.
 *
 * Loads vduse and vhost_vdpa with modprobe when their interfaces are not
 * there yet. Skips without root, when the family's INFO says vhost
 * reporting is off, when the kernel has no VDUSE or no vhost-vdpa (Debian's
 * 6.1, our debug kernel), and when virtio_vdpa is loaded (it could take
 * the device before vhost_vdpa does).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/vdpa.h>
#include <linux/vduse.h>
#include <linux/vhost.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

#include "vs_netlink.h"
#include "vs_vhost.h"
#include "kselftest_harness.h"

#define VD_TIMEOUT	120	/* seconds; TCG on a debug kernel is slow */

#define VD_CONTROL	"/dev/vduse/control"
#define VD_DRIVERS	"/sys/bus/vdpa/drivers"
#define VD_DEVICES	"/sys/bus/vdpa/devices"
/* VDUSE's management device on the vdpa bus */
#define VD_MGMTDEV	"vduse"

#define VD_NVQS		2
#define VD_VQ_MAX	256	/* each queue's largest size (VDUSE_VQ_SETUP) */
#define VD_VQ_ALIGN	4096
#define VD_SECTORS	2048	/* the disk's capacity, which nobody reads */
/* The avail index the device answers every VDUSE_GET_VQ_STATE with */
#define VD_DEVICE_AVAIL	42
/* The rings of queue @i in the device's I/O address space, never mapped */
#define VD_IOVA(i)	(0x40000000ULL + (__u64)(i) * 0x10000)
/* A memory table region whose user range holds every VD_IOVA() ring */
#define VD_TRAP_GPA	0x100000ULL
#define VD_TRAP_SIZE	0x100000ULL

#define VD_FEATURES	((1ULL << VIRTIO_F_VERSION_1) |			\
			 (1ULL << VIRTIO_F_ACCESS_PLATFORM))
#define VD_S_NEGOTIATED	(VIRTIO_CONFIG_S_ACKNOWLEDGE |			\
			 VIRTIO_CONFIG_S_DRIVER |			\
			 VIRTIO_CONFIG_S_FEATURES_OK)
#define VD_S_RUNNING	(VD_S_NEGOTIATED | VIRTIO_CONFIG_S_DRIVER_OK)

static const __u32 vd_num[VD_NVQS] = { 256, 128 };
static const __u32 vd_base[VD_NVQS] = { 5, 11 };

/* One VDUSE device and what the test made of it; -1 / 0: not (any more). */
struct vd_dev {
	char name[32];		/* VDUSE and vdpa device name */
	int ctl;		/* /dev/vduse/control */
	bool created;		/* VDUSE_CREATE_DEV done */
	int devfd;		/* /dev/vduse/NAME, until the server has it */
	pid_t server;		/* the child answering the device's requests */
	bool on_bus;		/* VDPA_CMD_DEV_NEW done */
	char node[64];		/* /dev/vhost-vdpa-N */
	int fd;			/* that node, open */
	char path[64];		/* /proc/PID/fd/FD of fd */
	int kick;		/* vq 0's kick and call eventfds */
	int call;
	struct vhost_vring_addr addr[VD_NVQS];
};

/* Runs "modprobe -q @mod": its exit status, or -1 if it could not run. */
static int vd_modprobe(const char *mod)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execlp("modprobe", "modprobe", "-q", mod, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Can this kernel run the tests? VDUSE's control node and the vhost_vdpa
 * driver must be there, each module loaded if need be, and virtio_vdpa
 * must not be. 0 if so, else 1 with the reason in @why.
 */
static int vd_kernel_ready(char *why, size_t len)
{
	static const struct {
		const char *module;
		const char *config;
		const char *probe;
	} need[] = {
		{ "vduse", "CONFIG_VDPA_USER", VD_CONTROL },
		{ "vhost_vdpa", "CONFIG_VHOST_VDPA", VD_DRIVERS "/vhost_vdpa" },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!access(need[i].probe, F_OK))
			continue;
		rc = vd_modprobe(need[i].module);
		if (!access(need[i].probe, F_OK))
			continue;
		snprintf(why, len,
			 "this kernel has no %s (%s): no %s, and modprobe %s %s %d",
			 need[i].module, need[i].config, need[i].probe,
			 need[i].module, rc < 0 ? "did not run:" : "exited",
			 rc);
		return 1;
	}
	if (!access(VD_DRIVERS "/virtio_vdpa", F_OK)) {
		snprintf(why, len,
			 "virtio_vdpa is loaded: it could take the vdpa device before vhost_vdpa does (rmmod virtio_vdpa)");
		return 1;
	}
	return 0;
}

/*
 * The device side, in a child: answers every control request of the
 * VDUSE device @fd as done, until killed. The status changes go to stderr.
 */
static void vd_serve(int fd)
{
	struct vduse_dev_response resp;
	struct vduse_dev_request req;
	ssize_t n;

	for (;;) {
		n = read(fd, &req, sizeof(req));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(req)) {
			fprintf(stderr, "# vduse server: read %zd: %s\n", n,
				n < 0 ? strerror(errno) : "short");
			_exit(1);
		}
		memset(&resp, 0, sizeof(resp));
		resp.request_id = req.request_id;
		resp.result = VDUSE_REQ_RESULT_OK;
		switch (req.type) {
		case VDUSE_GET_VQ_STATE:
			resp.vq_state.index = req.vq_state.index;
			resp.vq_state.split.avail_index = VD_DEVICE_AVAIL;
			break;
		case VDUSE_SET_STATUS:
			fprintf(stderr, "# vduse server: status %#x\n",
				req.s.status);
			break;
		default:
			/* IOTLB updates: the rings are never read, nothing to map */
			break;
		}
		n = write(fd, &resp, sizeof(resp));
		if (n != sizeof(resp)) {
			fprintf(stderr, "# vduse server: write %zd: %s\n", n,
				n < 0 ? strerror(errno) : "short");
			_exit(2);
		}
	}
}

/* VDPA_CMD_DEV_NEW or VDPA_CMD_DEV_DEL (@cmd) of the vdpa device @name. */
static int vd_bus(struct vs_nl *nl, __u8 cmd, const char *name)
{
	struct vs_msg *m;
	int err;

	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK, cmd,
		    VDPA_GENL_VERSION);
	err = vs_msg_put_str(m, VDPA_ATTR_DEV_NAME, name);
	if (!err && cmd == VDPA_CMD_DEV_NEW)
		err = vs_msg_put_str(m, VDPA_ATTR_MGMTDEV_DEV_NAME, VD_MGMTDEV);
	if (!err)
		err = vs_nl_request(nl, m, NULL, NULL);
	free(m);
	return err;
}

/*
 * The vhost-vdpa node of the vdpa device @name (its child device in sysfs)
 * into @node, and the driver bound to it into @driver ("" if none).
 * 0, or -ENOENT when it has no vhost-vdpa device.
 */
static int vd_find_node(const char *name, char *node, size_t len,
			char *driver, size_t dlen)
{
	char dir[128], link[256];
	struct dirent *de;
	ssize_t n;
	DIR *d;
	int err = -ENOENT;

	snprintf(dir, sizeof(dir), VD_DEVICES "/%s/driver", name);
	n = readlink(dir, link, sizeof(link) - 1);
	link[n < 0 ? 0 : n] = '\0';
	snprintf(driver, dlen, "%s", n < 0 ? "" : basename(link));

	snprintf(dir, sizeof(dir), VD_DEVICES "/%s", name);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, "vhost-vdpa-", 11)) {
			snprintf(node, len, "/dev/%.32s", de->d_name);
			err = 0;
			break;
		}
	}
	closedir(d);
	return err;
}

static int vd_set_status(int fd, __u8 status)
{
	return ioctl(fd, VHOST_VDPA_SET_STATUS, &status) ? -errno : 0;
}

static int vd_get_status(int fd)
{
	__u8 status;

	return ioctl(fd, VHOST_VDPA_GET_STATUS, &status) ? -errno : status;
}

/*
 * Creates the VDUSE device (a virtio-blk offering VERSION_1 and
 * ACCESS_PLATFORM, VD_NVQS queues), starts its server, puts it on the vdpa
 * bus, and opens its vhost-vdpa node as owner: what every test starts
 * from.
 */
static void vd_up(struct __test_metadata *_metadata, struct vs_nl *vdpa,
		  struct vd_dev *v)
{
	struct virtio_blk_config blk;
	struct vduse_dev_config *cfg;
	struct vduse_vq_config vq;
	char node[64], driver[64];
	__u64 api = 0;		/* VDUSE_API_VERSION 0: every VDUSE kernel's */
	unsigned int i;
	int ret;

	v->ctl = open(VD_CONTROL, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, v->ctl)
		TH_LOG("open %s: %s", VD_CONTROL, strerror(errno));
	ASSERT_EQ(0, ioctl(v->ctl, VDUSE_SET_API_VERSION, &api))
		TH_LOG("VDUSE_SET_API_VERSION 0: %s", strerror(errno));

	memset(&blk, 0, sizeof(blk));
	blk.capacity = VD_SECTORS;	/* little-endian, as is this host */
	cfg = calloc(1, sizeof(*cfg) + sizeof(blk));
	ASSERT_NE(NULL, cfg);
	snprintf(cfg->name, sizeof(cfg->name), "%s", v->name);
	cfg->device_id = VIRTIO_ID_BLOCK;
	cfg->features = VD_FEATURES;
	cfg->vq_num = VD_NVQS;
	cfg->vq_align = VD_VQ_ALIGN;
	cfg->config_size = sizeof(blk);
	memcpy(cfg->config, &blk, sizeof(blk));
	ret = ioctl(v->ctl, VDUSE_CREATE_DEV, cfg);
	free(cfg);
	ASSERT_EQ(0, ret)
		TH_LOG("VDUSE_CREATE_DEV %s: %s", v->name, strerror(errno));
	v->created = true;

	snprintf(node, sizeof(node), "/dev/vduse/%s", v->name);
	v->devfd = open(node, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, v->devfd)
		TH_LOG("open %s: %s", node, strerror(errno));
	for (i = 0; i < VD_NVQS; i++) {
		memset(&vq, 0, sizeof(vq));
		vq.index = i;
		vq.max_size = VD_VQ_MAX;
		ret = ioctl(v->devfd, VDUSE_VQ_SETUP, &vq);
		if (ret && errno == ENOTTY) {
			TH_LOG("no VDUSE_VQ_SETUP in this kernel: queues as created");
			break;
		}
		ASSERT_EQ(0, ret)
			TH_LOG("VDUSE_VQ_SETUP %u: %s", i, strerror(errno));
	}

	v->server = fork();
	ASSERT_LE(0, v->server);
	if (!v->server) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(v->ctl);
		vd_serve(v->devfd);
		_exit(3);
	}
	close(v->devfd);
	v->devfd = -1;

	ret = vd_bus(vdpa, VDPA_CMD_DEV_NEW, v->name);
	ASSERT_EQ(0, ret)
		TH_LOG("VDPA_CMD_DEV_NEW %s on %s: %s (extack \"%s\")", v->name,
		       VD_MGMTDEV, strerror(-ret), vdpa->extack);
	v->on_bus = true;
	ret = vd_find_node(v->name, v->node, sizeof(v->node), driver,
			   sizeof(driver));
	ASSERT_EQ(0, ret)
		TH_LOG("vdpa device %s: no vhost-vdpa device (driver \"%s\")",
		       v->name, driver);
	ASSERT_STREQ("vhost_vdpa", driver)
		TH_LOG("vdpa device %s is bound to \"%s\"", v->name, driver);

	v->fd = vs_vhost_open(v->node, true);
	ASSERT_LE(0, v->fd)
		TH_LOG("open %s and VHOST_SET_OWNER: %s", v->node,
		       strerror(-v->fd));
	snprintf(v->path, sizeof(v->path), "/proc/%d/fd/%d", getpid(), v->fd);
	TH_LOG("%s: vdpa device %s, %s", v->path, v->name, v->node);
}

/*
 * Features and status as a driver negotiates them: ACKNOWLEDGE, DRIVER,
 * VERSION_1 and ACCESS_PLATFORM acked, FEATURES_OK. The status read back
 * is the device's, which the server had to accept.
 */
static void vd_negotiate(struct __test_metadata *_metadata, struct vd_dev *v)
{
	__u64 offered, acked = VD_FEATURES;
	__u32 id;

	ASSERT_EQ(0, ioctl(v->fd, VHOST_GET_FEATURES, &offered))
		TH_LOG("VHOST_GET_FEATURES: %s", strerror(errno));
	ASSERT_EQ(VD_FEATURES, offered & VD_FEATURES)
		TH_LOG("offered %#llx", (unsigned long long)offered);
	ASSERT_EQ(0, ioctl(v->fd, VHOST_VDPA_GET_DEVICE_ID, &id));
	ASSERT_EQ(VIRTIO_ID_BLOCK, id);
	ASSERT_EQ(0, vd_set_status(v->fd, VIRTIO_CONFIG_S_ACKNOWLEDGE));
	ASSERT_EQ(0, vd_set_status(v->fd, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				   VIRTIO_CONFIG_S_DRIVER));
	ASSERT_EQ(0, ioctl(v->fd, VHOST_SET_FEATURES, &acked))
		TH_LOG("VHOST_SET_FEATURES %#llx: %s",
		       (unsigned long long)acked, strerror(errno));
	ASSERT_EQ(0, vd_set_status(v->fd, VD_S_NEGOTIATED));
	ASSERT_EQ(VD_S_NEGOTIATED, vd_get_status(v->fd))
		TH_LOG("the device did not take FEATURES_OK");
}

static int vd_set_file(int fd, unsigned long req, unsigned int idx, int efd)
{
	struct vhost_vring_file f = { .index = idx, .fd = efd };

	return ioctl(fd, req, &f) ? -errno : 0;
}

/*
 * Size, base and addresses of every queue (IOVAs: VD_IOVA()), and kick
 * and call eventfds on queue 0 only.
 */
static void vd_rings(struct __test_metadata *_metadata, struct vd_dev *v)
{
	struct vhost_vring_state s;
	struct vhost_vring_addr *a;
	unsigned int i;
	int err;

	for (i = 0; i < VD_NVQS; i++) {
		a = &v->addr[i];
		memset(a, 0, sizeof(*a));
		a->index = i;
		a->desc_user_addr = VD_IOVA(i);
		a->avail_user_addr = VD_IOVA(i) + 0x1000;
		a->used_user_addr = VD_IOVA(i) + 0x2000;
		s.index = i;
		s.num = vd_num[i];
		ASSERT_EQ(0, ioctl(v->fd, VHOST_SET_VRING_NUM, &s))
			TH_LOG("vq %u: VHOST_SET_VRING_NUM %u: %s", i, s.num,
			       strerror(errno));
		s.num = vd_base[i];
		ASSERT_EQ(0, ioctl(v->fd, VHOST_SET_VRING_BASE, &s))
			TH_LOG("vq %u: VHOST_SET_VRING_BASE: %s", i,
			       strerror(errno));
		ASSERT_EQ(0, ioctl(v->fd, VHOST_SET_VRING_ADDR, a))
			TH_LOG("vq %u: VHOST_SET_VRING_ADDR: %s", i,
			       strerror(errno));
	}
	if (v->kick >= 0)
		close(v->kick);
	if (v->call >= 0)
		close(v->call);
	v->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	v->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, v->kick);
	ASSERT_LE(0, v->call);
	err = vd_set_file(v->fd, VHOST_SET_VRING_KICK, 0, v->kick);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_SET_VRING_KICK: %s", strerror(-err));
	err = vd_set_file(v->fd, VHOST_SET_VRING_CALL, 0, v->call);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_SET_VRING_CALL: %s", strerror(-err));
}

/*
 * A memory table (VHOST_SET_MEM_TABLE) with one region whose user range
 * holds the rings' IOVAs. vhost-vdpa never uses one (its mappings come as
 * IOTLB messages), so a guest physical address of a ring in a reply could
 * only have been made from it, out of an IOVA.
 */
static void vd_mem_trap(struct __test_metadata *_metadata, struct vd_dev *v)
{
	struct vhost_memory *mem;
	int ret;

	mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	ASSERT_NE(NULL, mem);
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = VD_TRAP_GPA;
	mem->regions[0].memory_size = VD_TRAP_SIZE;
	mem->regions[0].userspace_addr = VD_IOVA(0);
	ret = ioctl(v->fd, VHOST_SET_MEM_TABLE, mem);
	free(mem);
	ASSERT_EQ(0, ret)
		TH_LOG("VHOST_SET_MEM_TABLE: %s", strerror(errno));
}

/*
 * The device as the family reports it: the one vhost reply of a dump
 * named v->path, into @out, checked against a do by that path.
 */
static void vd_get(struct __test_metadata *_metadata, struct vs_nl *nl,
		   const struct vd_dev *v, struct vs_dev *out)
{
	struct vs_devlist l = {};
	struct vs_dev *d;
	char why[320];
	size_t i, n = 0;
	int err;

	err = vs_dump(nl, &l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s (extack \"%s\")", strerror(-err), nl->extack);
	err = vs_devlist_check(&l, why, sizeof(why));
	for (i = 0; i < l.n && !err; i++) {
		if (VS_IS_VHOST(&l.dev[i]) && !strcmp(l.dev[i].path, v->path)) {
			memcpy(out, &l.dev[i], sizeof(*out));
			n++;
		}
	}
	vs_devlist_free(&l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s", why);
	ASSERT_EQ(1, n)
		TH_LOG("%zu vhost replies named %s in a dump", n, v->path);
	ASSERT_FALSE(vs_vhost_unread(out))
		TH_LOG("%s: not read: %s", v->path, out->vhost_error);

	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, d);
	err = vs_get(nl, VIRTIO_STATUS_A_HEADER_PATH, v->path, d);
	if (!err && vs_dev_check(d, why, sizeof(why)))
		err = -EPROTO;
	else if (err)
		snprintf(why, sizeof(why), "extack \"%s\"", nl->extack);
	if (!err) {
		EXPECT_STREQ(out->name, d->name);
		EXPECT_EQ(out->id, d->id);
		EXPECT_EQ(out->num_vqs, d->num_vqs);
		EXPECT_EQ(out->driver_features, d->driver_features);
		EXPECT_EQ(out->vhost_started, d->vhost_started)
			TH_LOG("%s: STARTED %u in a dump, %u in a do", v->path,
			       out->vhost_started, d->vhost_started);
	}
	free(d);
	ASSERT_EQ(0, err)
		TH_LOG("do %s: %s: %s", v->path, strerror(-err), why);
}

/* What every reply about the device says, whatever its state. */
static void vd_check_dev(struct __test_metadata *_metadata,
			 const struct vd_dev *v, const struct vs_dev *d,
			 __u64 acked)
{
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, d->kind);
	EXPECT_STREQ("vhost-vdpa", d->name);
	EXPECT_STREQ("vhost_vdpa", d->driver);
	EXPECT_STREQ("vhost", d->transport);
	EXPECT_EQ(VD_NVQS, d->num_vqs);
	EXPECT_EQ(acked, d->vhost_acked_features)
		TH_LOG("%s: VHOST_ACKED_FEATURES %#llx, set %#llx", v->path,
		       (unsigned long long)d->vhost_acked_features,
		       (unsigned long long)acked);
	EXPECT_EQ(acked, d->driver_features);
	EXPECT_EQ(0, d->vhost_mem_regions);
	EXPECT_EQ((__u32)getpid(), d->vhost_owner_pid);
	EXPECT_TRUE(d->n_holders == 1 && d->holders[0] == (__u32)getpid())
		TH_LOG("%s: %u holders, the first %u", v->path, d->n_holders,
		       d->holders[0]);
	if (acked & (1ULL << VIRTIO_F_VERSION_1))
		EXPECT_EQ(VIRTIO_STATUS_ENDIAN_LITTLE, d->endian);
	/* the virtio device behind vhost-vdpa, as vhost-vdpa has it */
	EXPECT_EQ(VIRTIO_ID_BLOCK, d->id)
		TH_LOG("%s: DEV_ID %u, the vdpa device is a virtio-blk (%u)",
		       v->path, d->id, VIRTIO_ID_BLOCK);
}

/* VHOST_STARTED in a dump and in a do is @want. */
static void vd_expect_started(struct __test_metadata *_metadata,
			      struct vs_nl *nl, const struct vd_dev *v,
			      __u8 want, const char *when)
{
	struct vs_dev *d = malloc(sizeof(*d));

	ASSERT_NE(NULL, d);
	vd_get(_metadata, nl, v, d);
	EXPECT_EQ(want, d->vhost_started)
		TH_LOG("%s: VHOST_STARTED %u %s (status %#x), want %u",
		       v->path, d->vhost_started, when,
		       vd_get_status(v->fd), want);
	free(d);
}

/*
 * Queue @i as vd_rings() set it: the addresses as set and said to be
 * IOVAs, no guest physical address, its size, @last as the last avail
 * index, and eventfds on queue 0 only.
 */
static void vd_check_queue(struct __test_metadata *_metadata,
			   struct vs_nl *nl, const struct vd_dev *v,
			   unsigned int i, __u32 last, const char *when)
{
	const struct vhost_vring_addr *a = &v->addr[i];
	struct vs_queue q;
	char why[256];
	int err;

	err = vs_queue_get(nl, VIRTIO_STATUS_A_HEADER_PATH, v->path, i, &q, why,
			   sizeof(why));
	ASSERT_EQ(0, err)
		TH_LOG("QUEUE_GET %s vq %u %s: %s (extack \"%s\" %s)", v->path,
		       i, when, strerror(-err), nl->extack, why);
	ASSERT_EQ(0, vs_queue_check(&q, true, why, sizeof(why)))
		TH_LOG("%s vq %u %s: %s", v->path, i, when, why);
	ASSERT_EQ(i, q.index);
	ASSERT_FALSE(vs_queue_addr_hidden(&q))
		TH_LOG("vq %u: addresses hidden from root: %s", i,
		       q.addr_hidden);
	TH_LOG("vq %u %s: num %u rings %#llx %#llx %#llx iova %s%u last %u kick %u call %u",
	       i, when, q.num, (unsigned long long)q.desc,
	       (unsigned long long)q.avail, (unsigned long long)q.used,
	       VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) ? "" : "absent ",
	       q.addr_iova, q.last_avail_idx, q.kick, q.call);
	EXPECT_TRUE(VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) &&
		    q.addr_iova == 1)
		TH_LOG("vq %u %s: no QUEUE_ADDR_IOVA 1: vdpa rings are in the device's I/O space",
		       i, when);
	EXPECT_FALSE(VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_DESC_GPA) ||
		     VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA) ||
		     VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_USED_GPA))
		TH_LOG("vq %u %s: a *_GPA attribute: %#llx %#llx %#llx", i,
		       when, (unsigned long long)q.desc_gpa,
		       (unsigned long long)q.avail_gpa,
		       (unsigned long long)q.used_gpa);
	EXPECT_EQ(a->desc_user_addr, q.desc)
		TH_LOG("vq %u %s: QUEUE_DESC", i, when);
	EXPECT_EQ(a->avail_user_addr, q.avail)
		TH_LOG("vq %u %s: QUEUE_AVAIL", i, when);
	EXPECT_EQ(a->used_user_addr, q.used)
		TH_LOG("vq %u %s: QUEUE_USED", i, when);
	EXPECT_EQ(vd_num[i], q.num)
		TH_LOG("vq %u %s: QUEUE_NUM", i, when);
	EXPECT_EQ(last, q.last_avail_idx)
		TH_LOG("vq %u %s: QUEUE_LAST_AVAIL_IDX", i, when);
	EXPECT_EQ(vd_base[i], q.avail_idx)
		TH_LOG("vq %u %s: QUEUE_AVAIL_IDX, VHOST_SET_VRING_BASE %u", i,
		       when, vd_base[i]);
	EXPECT_EQ(0, q.used_idx);
	EXPECT_EQ(i == 0, q.kick)
		TH_LOG("vq %u %s: QUEUE_KICK", i, when);
	EXPECT_EQ(i == 0, q.call)
		TH_LOG("vq %u %s: QUEUE_CALL", i, when);
	EXPECT_EQ(i == 0, VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_KICK_FD));
	if (i == 0)
		EXPECT_EQ((__u32)v->kick, q.kick_fd);
	EXPECT_EQ(i == 0, VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_CALL_FD));
	if (i == 0)
		EXPECT_EQ((__u32)v->call, q.call_fd);
}

/* Dumps: no vhost reply is named @path, none is vhost-vdpa held by us. */
static void vd_check_gone(struct __test_metadata *_metadata,
			  struct vs_nl *nl, const char *path)
{
	struct vs_devlist l = {};
	char why[256];
	size_t i;
	int err;

	err = vs_dump(nl, &l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s (extack \"%s\")", strerror(-err), nl->extack);
	err = vs_devlist_check(&l, why, sizeof(why));
	EXPECT_EQ(0, err)
		TH_LOG("dump: %s", why);
	for (i = 0; i < l.n; i++) {
		if (!VS_IS_VHOST(&l.dev[i]))
			continue;
		EXPECT_STRNE(path, l.dev[i].path);
		EXPECT_FALSE(!strcmp(l.dev[i].name, "vhost-vdpa") &&
			     vs_dev_has_holder(&l.dev[i], getpid()))
			TH_LOG("%s: a vhost-vdpa device still held by %d",
			       l.dev[i].path, getpid());
	}
	vs_devlist_free(&l);
}

/* Stops the server: 0 if it was still serving (killed by us), else -1. */
static int vd_stop_server(struct vd_dev *v)
{
	int status;

	if (v->server <= 0)
		return 0;
	kill(v->server, SIGTERM);
	if (waitpid(v->server, &status, 0) != v->server)
		status = 0;
	v->server = 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? 0 : -1;
}

/*
 * VDUSE_DESTROY_DEV, again for a while if the vdpa device is still being
 * released (EBUSY). 0 or -errno.
 */
static int vd_destroy(struct vd_dev *v)
{
	char name[VDUSE_NAME_MAX] = "";
	int i, err = 0;

	snprintf(name, sizeof(name), "%s", v->name);
	for (i = 0; i < 50; i++) {
		err = ioctl(v->ctl, VDUSE_DESTROY_DEV, name) ? -errno : 0;
		if (err != -EBUSY)
			break;
		usleep(20000);
	}
	if (!err)
		v->created = false;
	return err;
}

/* Undoes whatever of vd_up() and vd_rings() is still done. */
static void vd_down(struct vs_nl *vdpa, struct vd_dev *v)
{
	int err;

	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	if (v->on_bus && !vd_bus(vdpa, VDPA_CMD_DEV_DEL, v->name))
		v->on_bus = false;
	if (v->devfd >= 0)
		close(v->devfd);
	v->devfd = -1;
	vd_stop_server(v);
	err = v->created ? vd_destroy(v) : 0;
	if (err)
		fprintf(stderr, "# VDUSE_DESTROY_DEV %s: %s\n", v->name,
			strerror(-err));
	if (v->ctl >= 0)
		close(v->ctl);
	v->ctl = -1;
	if (v->kick >= 0)
		close(v->kick);
	if (v->call >= 0)
		close(v->call);
	v->kick = -1;
	v->call = -1;
}

FIXTURE(vdpa) {
	struct vs_nl nl;	/* virtio_status */
	struct vs_nl vdpa;	/* the vdpa family */
	struct vd_dev v;
};

FIXTURE_SETUP(vdpa)
{
	char why[320];
	int ret;

	self->vdpa.fd = -1;
	self->v.ctl = -1;
	self->v.devfd = -1;
	self->v.fd = -1;
	self->v.kick = -1;
	self->v.call = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root: VDUSE and the vdpa family are root's");
	ret = vs_vhost_fixture_open(&self->nl, why, sizeof(why));
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret)
		TH_LOG("%s", why);
	ASSERT_TRUE(self->nl.queue_flags & GENL_CMD_CAP_DO)
		TH_LOG("the family has no QUEUE_GET do (flags %#x)",
		       self->nl.queue_flags);
	if (vd_kernel_ready(why, sizeof(why)))
		SKIP(return, "%s", why);
	ret = vs_nl_open(&self->vdpa, VS_BUF_DEFAULT);
	ASSERT_EQ(0, ret)
		TH_LOG("netlink socket: %s", strerror(-ret));
	ret = vs_nl_resolve(&self->vdpa, VDPA_GENL_NAME);
	ASSERT_EQ(0, ret)
		TH_LOG("family \"%s\": %s", VDPA_GENL_NAME, strerror(-ret));
	snprintf(self->v.name, sizeof(self->v.name), "vs-vdpa-%d", getpid());
}

FIXTURE_TEARDOWN(vdpa)
{
	vd_down(&self->vdpa, &self->v);
	vs_nl_close(&self->vdpa);
	vs_nl_close(&self->nl);
}

/*
 * Listed from the open on: a dump names the device by the owner's fd, as
 * vhost-vdpa over a virtio-blk, the features as acked, and a do by that
 * path says the same; not started while the status lacks DRIVER_OK.
 */
TEST_F_TIMEOUT(vdpa, listed, VD_TIMEOUT)
{
	struct vs_dev *d = malloc(sizeof(*d));

	ASSERT_NE(NULL, d);
	vd_up(_metadata, &self->vdpa, &self->v);
	vd_get(_metadata, &self->nl, &self->v, d);
	vd_check_dev(_metadata, &self->v, d, 0);
	EXPECT_EQ(0, d->vhost_started);

	vd_negotiate(_metadata, &self->v);
	vd_get(_metadata, &self->nl, &self->v, d);
	vd_check_dev(_metadata, &self->v, d, VD_FEATURES);
	EXPECT_EQ(0, d->vhost_started)
		TH_LOG("STARTED with status %#x", VD_S_NEGOTIATED);
	free(d);
}

/*
 * VHOST_STARTED is the vdpa device's DRIVER_OK: 0 up to FEATURES_OK
 * with the rings set, 1 once DRIVER_OK is set, 0 again after a reset
 * (status 0), 1 again after a second start.
 */
TEST_F_TIMEOUT(vdpa, started, VD_TIMEOUT)
{
	struct vd_dev *v = &self->v;

	vd_up(_metadata, &self->vdpa, v);
	vd_expect_started(_metadata, &self->nl, v, 0, "after the open");
	vd_negotiate(_metadata, v);
	vd_rings(_metadata, v);
	vd_expect_started(_metadata, &self->nl, v, 0, "before DRIVER_OK");

	ASSERT_EQ(0, vd_set_status(v->fd, VD_S_RUNNING));
	ASSERT_EQ(VD_S_RUNNING, vd_get_status(v->fd))
		TH_LOG("the device did not take DRIVER_OK");
	vd_expect_started(_metadata, &self->nl, v, 1, "with DRIVER_OK");

	ASSERT_EQ(0, vd_set_status(v->fd, 0));
	ASSERT_EQ(0, vd_get_status(v->fd));
	vd_expect_started(_metadata, &self->nl, v, 0, "after the reset");

	vd_negotiate(_metadata, v);
	vd_rings(_metadata, v);
	ASSERT_EQ(0, vd_set_status(v->fd, VD_S_RUNNING));
	vd_expect_started(_metadata, &self->nl, v, 1, "started again");
}

/*
 * The rings as set, IOVAs from the start (before any feature is acked:
 * vhost-vdpa's rings are always in the device's I/O space), after the
 * features, and while the device runs; never a guest physical address,
 * not even through a memory table that holds them (vd_mem_trap()).
 * VHOST_GET_VRING_BASE asks the device (its server answers
 * VD_DEVICE_AVAIL), and the reply follows.
 */
TEST_F_TIMEOUT(vdpa, queues, VD_TIMEOUT)
{
	struct vd_dev *v = &self->v;
	struct vhost_vring_state s = { .index = 0 };
	unsigned int i;

	vd_up(_metadata, &self->vdpa, v);
	vd_mem_trap(_metadata, v);
	vd_rings(_metadata, v);
	for (i = 0; i < VD_NVQS; i++)
		vd_check_queue(_metadata, &self->nl, v, i, vd_base[i],
			       "before the features");
	vd_negotiate(_metadata, v);
	for (i = 0; i < VD_NVQS; i++)
		vd_check_queue(_metadata, &self->nl, v, i, vd_base[i],
			       "after the features");

	ASSERT_EQ(0, ioctl(v->fd, VHOST_GET_VRING_BASE, &s))
		TH_LOG("VHOST_GET_VRING_BASE: %s", strerror(errno));
	EXPECT_EQ(VD_DEVICE_AVAIL, s.num)
		TH_LOG("VHOST_GET_VRING_BASE: %u, not the device's answer",
		       s.num);
	vd_check_queue(_metadata, &self->nl, v, 0, VD_DEVICE_AVAIL,
		       "after VHOST_GET_VRING_BASE");

	ASSERT_EQ(0, vd_set_status(v->fd, VD_S_RUNNING));
	vd_check_queue(_metadata, &self->nl, v, 0, VD_DEVICE_AVAIL,
		       "with DRIVER_OK");
	vd_check_queue(_metadata, &self->nl, v, 1, vd_base[1],
		       "with DRIVER_OK");
}

/*
 * Teardown of a running device, step by step: once its node is closed no
 * reply names it and a do by its old path fails; then off the vdpa bus
 * (its vhost-vdpa node goes), the server stops, the VDUSE device goes.
 */
TEST_F_TIMEOUT(vdpa, closed_and_gone, VD_TIMEOUT)
{
	struct vd_dev *v = &self->v;
	char dir[128], why[256];
	struct vs_queue q;
	struct vs_dev *d;
	int err;

	vd_up(_metadata, &self->vdpa, v);
	vd_negotiate(_metadata, v);
	vd_rings(_metadata, v);
	ASSERT_EQ(0, vd_set_status(v->fd, VD_S_RUNNING));
	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, d);
	vd_get(_metadata, &self->nl, v, d);

	close(v->fd);
	v->fd = -1;
	vd_check_gone(_metadata, &self->nl, v->path);
	err = vs_get(&self->nl, VIRTIO_STATUS_A_HEADER_PATH, v->path, d);
	free(d);
	EXPECT_EQ(-ENODEV, err)
		TH_LOG("do %s after the close: %s (extack \"%s\")", v->path,
		       err ? strerror(-err) : "a reply", self->nl.extack);
	err = vs_queue_get(&self->nl, VIRTIO_STATUS_A_HEADER_PATH, v->path, 0,
			   &q, why, sizeof(why));
	EXPECT_EQ(-ENODEV, err)
		TH_LOG("QUEUE_GET %s after the close: %s (extack \"%s\")",
		       v->path, err ? strerror(-err) : "a reply",
		       self->nl.extack);

	err = vd_bus(&self->vdpa, VDPA_CMD_DEV_DEL, v->name);
	ASSERT_EQ(0, err)
		TH_LOG("VDPA_CMD_DEV_DEL %s: %s (extack \"%s\")", v->name,
		       strerror(-err), self->vdpa.extack);
	v->on_bus = false;
	snprintf(dir, sizeof(dir), VD_DEVICES "/%s", v->name);
	EXPECT_NE(0, access(dir, F_OK))
		TH_LOG("%s is still there", dir);
	EXPECT_NE(0, access(v->node, F_OK))
		TH_LOG("%s is still there", v->node);

	EXPECT_EQ(0, vd_stop_server(v))
		TH_LOG("the server had stopped by itself");
	err = vd_destroy(v);
	EXPECT_EQ(0, err)
		TH_LOG("VDUSE_DESTROY_DEV %s: %s", v->name, strerror(-err));
	snprintf(dir, sizeof(dir), "/dev/vduse/%s", v->name);
	EXPECT_NE(0, access(dir, F_OK))
		TH_LOG("%s is still there", dir);
	vd_check_gone(_metadata, &self->nl, v->path);
}

TEST_HARNESS_MAIN
