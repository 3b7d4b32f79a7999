// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the virtio_status generic netlink family against sysfs.
 *
 *   netlink_test [harness options]   the tests; the module must be loaded
 *   netlink_test --expect-absent     passes only if the family is absent
 *
 * Requests name a device in a header nest (uapi/virtio_status.yaml); a
 * name anywhere else, at the old flat format's numbers, or malformed is
 * refused, and where the kernel's policy refuses it the extack points at
 * the attribute. Notifications are read as a member of the events group.
 *
 * Only virtio-bus replies (KIND_VIRTIO) are compared with sysfs. So that
 * every dump also carries vhost replies where the machine has vhost-net,
 * each test holds a /dev/vhost-net device of its own (vhost_test.c tests
 * those replies themselves).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/vhost.h>

#include "vs_netlink.h"
#include "vs_vhost.h"
#include "kselftest_harness.h"

#define SYS_VIRTIO	"/sys/bus/virtio/devices"
#define VS_TIMEOUT	120	/* seconds; TCG on a debug kernel is slow */
#define SMALL_BUF	4096
#define SMALL_MIN_DEVS	16
#define NOBODY		65534
#define VIRTIO_F_VERSION_1	32
#define VHOST_NET_DEV	"/dev/vhost-net"
/* The driver notifications unbinds and binds again: a moment without it harms nobody. */
#define EV_DRIVER	"virtio_rng"
#define EV_DRIVER_DIR	"/sys/bus/virtio/drivers/" EV_DRIVER
#define EV_WAIT_S	10	/* for the two notifications */
#define EV_MAX		16	/* notifications kept */

/* What sysfs says about one virtio device. */
struct sysdev {
	char busid[VIRTIO_STATUS_BUSID_MAX];
	char path[PATH_MAX];
	char driver[VS_NAME_MAX];
	char transport[VS_NAME_MAX];
	__u32 id;
	__u32 vendor;
	__u32 status;
	char features[256];	/* '0'/'1', bit 0 first */
};

static int read_line(const char *dir, const char *file, char *buf,
		     size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int read_hex(const char *dir, const char *file, __u32 *val)
{
	char buf[64], *end;
	int err;

	err = read_line(dir, file, buf, sizeof(buf));
	if (err)
		return err;
	errno = 0;
	*val = strtoul(buf, &end, 16);
	return errno || end == buf || *end ? -EINVAL : 0;
}

/* Basename of the target of symlink @dir/@link, "" if there is none. */
static int read_link_base(const char *dir, const char *link, char *buf,
			  size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, link);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		buf[0] = '\0';
		return errno == ENOENT ? 0 : -errno;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	n = strlen(base);
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, base, n + 1);
	return 0;
}

static int sysdev_read(const char *busid, struct sysdev *s)
{
	char dir[PATH_MAX], parent[PATH_MAX];
	char *slash;
	int err;

	memset(s, 0, sizeof(*s));
	snprintf(s->busid, sizeof(s->busid), "%s", busid);
	snprintf(dir, sizeof(dir), SYS_VIRTIO "/%s", busid);
	if (!realpath(dir, s->path))
		return -errno;
	err = read_hex(s->path, "device", &s->id);
	if (!err)
		err = read_hex(s->path, "vendor", &s->vendor);
	if (!err)
		err = read_hex(s->path, "status", &s->status);
	if (!err)
		err = read_line(s->path, "features", s->features,
				sizeof(s->features));
	if (!err)
		err = read_link_base(s->path, "driver", s->driver,
				     sizeof(s->driver));
	if (err)
		return err;
	/* The transport is the bus of the parent device. */
	snprintf(parent, sizeof(parent), "%s", s->path);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	return read_link_base(parent, "subsystem", s->transport,
			      sizeof(s->transport));
}

static int sysdev_cmp(const void *a, const void *b)
{
	return strcmp(((const struct sysdev *)a)->busid,
		      ((const struct sysdev *)b)->busid);
}

/* Every device on the virtio bus, sorted by bus id. */
static int sysdev_scan(struct sysdev **out, size_t *count)
{
	struct sysdev *devs = NULL, *tmp;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;
	int err = 0;

	dir = opendir(SYS_VIRTIO);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			tmp = realloc(devs, cap * sizeof(*devs));
			if (!tmp) {
				err = -ENOMEM;
				break;
			}
			devs = tmp;
		}
		err = sysdev_read(de->d_name, &devs[n]);
		if (err)
			break;
		n++;
	}
	closedir(dir);
	if (err) {
		free(devs);
		return err;
	}
	if (n)
		qsort(devs, n, sizeof(*devs), sysdev_cmp);
	*out = devs;
	*count = n;
	return 0;
}

static const struct sysdev *sysdev_find(const struct sysdev *s, size_t n,
					const char *busid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s[i].busid, busid))
			return &s[i];
	return NULL;
}

/* QEMU's names for the ids the tests know; others only need a name. */
static const char *qemu_name(__u32 id)
{
	switch (id) {
	case 1: return "virtio-net";
	case 2: return "virtio-blk";
	case 3: return "virtio-serial";
	case 4: return "virtio-rng";
	case 5: return "virtio-balloon";
	case 8: return "virtio-scsi";
	case 18: return "virtio-input";
	case 19: return "vhost-vsock";
	default: return NULL;
	}
}

/* Is CAP_NET_ADMIN (bit 12) in this process's effective set? */
FIXTURE(vs) {
	struct vs_nl nl;
	struct sysdev *sys;
	size_t nsys;
	int vhost_fd;		/* a vhost-net device held meanwhile, or -1 */
};

FIXTURE_SETUP(vs)
{
	int err;

	ASSERT_EQ(0, vs_nl_open(&self->nl, VS_BUF_DEFAULT));
	err = vs_nl_resolve(&self->nl, VIRTIO_STATUS_FAMILY_NAME);
	if (err == -ENOENT)
		TH_LOG("family \"%s\" is not registered: module not loaded?",
		       VIRTIO_STATUS_FAMILY_NAME);
	else if (err)
		TH_LOG("looking up family \"%s\": %s",
		       VIRTIO_STATUS_FAMILY_NAME, strerror(-err));
	ASSERT_EQ(0, err);
	err = sysdev_scan(&self->sys, &self->nsys);
	if (err)
		TH_LOG("cannot read %s: %s", SYS_VIRTIO, strerror(-err));
	ASSERT_EQ(0, err);
	/* Not a failure if there is no vhost-net: the dumps are then virtio only. */
	self->vhost_fd = open(VHOST_NET_DEV, O_RDWR | O_CLOEXEC);
	if (self->vhost_fd >= 0 && ioctl(self->vhost_fd, VHOST_SET_OWNER))
		TH_LOG("VHOST_SET_OWNER: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vs)
{
	if (self->vhost_fd >= 0)
		close(self->vhost_fd);
	vs_nl_close(&self->nl);
	free(self->sys);
}

/* Checks one reply on its own, then against what sysfs shows. */
static void check_dev(struct __test_metadata *_metadata,
		      const struct sysdev *s, const struct vs_dev *d)
{
	char why[256];
	size_t i, nbits;

	ASSERT_EQ(0, vs_dev_check(d, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_NE(NULL, s)
		TH_LOG("%s is in the reply but not in sysfs", d->busid);

	EXPECT_STREQ(s->busid, d->busid);
	EXPECT_STREQ(s->path, d->path);
	EXPECT_EQ(s->id, d->id)
		TH_LOG("%s: ID", s->busid);
	EXPECT_EQ(s->vendor, d->vendor)
		TH_LOG("%s: VENDOR", s->busid);
	EXPECT_EQ(s->status, d->status)
		TH_LOG("%s: STATUS", s->busid);
	EXPECT_STREQ(s->transport, d->transport);
	if (s->driver[0]) {
		EXPECT_TRUE(VS_HAS(d, VIRTIO_STATUS_A_DEV_DRIVER))
			TH_LOG("%s: DRIVER missing, sysfs has %s", s->busid,
			       s->driver);
		EXPECT_STREQ(s->driver, d->driver);
	} else {
		EXPECT_FALSE(VS_HAS(d, VIRTIO_STATUS_A_DEV_DRIVER))
			TH_LOG("%s: DRIVER %s but sysfs has none", s->busid,
			       d->driver);
	}
	if (qemu_name(d->id))
		EXPECT_STREQ(qemu_name(d->id), d->name);

	nbits = strlen(s->features);
	EXPECT_GE(nbits, 64)
		TH_LOG("%s: sysfs features has %zu bits", s->busid, nbits);
	if (nbits > 64)
		nbits = 64;
	for (i = 0; i < nbits; i++) {
		unsigned int bit = (d->driver_features >> i) & 1;

		EXPECT_EQ(s->features[i] - '0', bit)
			TH_LOG("%s: DRIVER_FEATURES bit %zu", s->busid, i);
	}
	if (d->driver_features & (1ULL << VIRTIO_F_VERSION_1))
		EXPECT_EQ(VIRTIO_STATUS_ENDIAN_LITTLE, d->endian)
			TH_LOG("%s: VERSION_1 device not little endian",
			       s->busid);
}

/* Every field of two replies for the same device must agree. */
static void check_same(struct __test_metadata *_metadata,
		       const struct vs_dev *a, const struct vs_dev *b)
{
	EXPECT_EQ(a->present, b->present)
		TH_LOG("%s: different attribute sets", a->busid);
	EXPECT_EQ(a->hdr_present, b->hdr_present)
		TH_LOG("%s: different headers", a->busid);
	EXPECT_EQ(a->vhost_present, b->vhost_present)
		TH_LOG("%s: different DEV_VHOST nests", a->busid);
	EXPECT_STREQ(a->path, b->path);
	EXPECT_STREQ(a->busid, b->busid);
	EXPECT_STREQ(a->name, b->name);
	EXPECT_STREQ(a->transport, b->transport);
	EXPECT_STREQ(a->driver, b->driver);
	EXPECT_EQ(a->index, b->index);
	EXPECT_EQ(a->id, b->id);
	EXPECT_EQ(a->vendor, b->vendor);
	EXPECT_EQ(a->status, b->status);
	EXPECT_EQ(a->driver_features, b->driver_features);
	EXPECT_EQ(a->device_features, b->device_features);
	EXPECT_EQ(a->device_features_err, b->device_features_err);
	EXPECT_EQ(a->num_vqs, b->num_vqs);
	EXPECT_EQ(a->broken, b->broken);
	EXPECT_EQ(a->failed, b->failed);
	EXPECT_EQ(a->endian, b->endian);
	EXPECT_EQ(a->generation, b->generation);
	EXPECT_EQ(a->kind, b->kind);
}

/*
 * Checks a whole dump (every reply by its kind, virtio-bus devices first, no
 * path twice), then keeps only the virtio-bus devices in @l.
 */
static void keep_virtio(struct __test_metadata *_metadata,
			struct vs_devlist *l)
{
	size_t vhost = vs_devlist_count(l, VIRTIO_STATUS_KIND_VHOST);
	char why[256];

	ASSERT_EQ(0, vs_devlist_check(l, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(vhost, vs_devlist_keep(l, VIRTIO_STATUS_KIND_VIRTIO));
}

/*
 * Dumps until a dump is not flagged NLM_F_DUMP_INTR (nothing hot-plugs
 * during these tests, so the first one should do), then checks that it
 * lists exactly the devices sysfs lists, once each.
 */
static void dump_and_match(struct __test_metadata *_metadata,
			   struct vs_nl *nl, const struct sysdev *sys,
			   size_t nsys, struct vs_devlist *l)
{
	size_t i, j;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		ASSERT_EQ(0, vs_dump(nl, l))
			TH_LOG("dump failed: %s", nl->extack);
		if (!l->intr)
			break;
	}
	ASSERT_FALSE(l->intr)
		TH_LOG("every dump was interrupted");
	ASSERT_EQ(0, l->bad)
		TH_LOG("%u bad replies, first: %s", l->bad, l->bad_why);
	keep_virtio(_metadata, l);

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < i; j++)
			ASSERT_STRNE(l->dev[i].busid, l->dev[j].busid)
				TH_LOG("the dump lists %s twice",
				       l->dev[i].busid);
		/* One consistent dump is built in one bus generation. */
		EXPECT_EQ(l->dev[0].generation, l->dev[i].generation)
			TH_LOG("%s: generation differs in one dump",
			       l->dev[i].busid);
		check_dev(_metadata, sysdev_find(sys, nsys, l->dev[i].busid),
			  &l->dev[i]);
	}
	/* No duplicates and nothing foreign: equal counts mean equal sets. */
	ASSERT_EQ(nsys, l->n);
}

/* The family is registered as the header says, with a do and a dump. */
TEST_F(vs, family_info)
{
	EXPECT_EQ(VIRTIO_STATUS_FAMILY_VERSION, self->nl.version);
	EXPECT_TRUE(self->nl.get_flags & GENL_CMD_CAP_DO)
		TH_LOG("DEV_GET has no do (flags %#x)", self->nl.get_flags);
	EXPECT_TRUE(self->nl.get_flags & GENL_CMD_CAP_DUMP)
		TH_LOG("DEV_GET has no dump (flags %#x)", self->nl.get_flags);
	EXPECT_TRUE(self->nl.info_flags & GENL_CMD_CAP_DO)
		TH_LOG("INFO has no do (flags %#x)", self->nl.info_flags);
}

/* INFO answers with a vhost state, and a reason exactly when it is off. */
TEST_F(vs, info)
{
	struct vs_info *info = malloc(sizeof(*info));
	bool reason, layout;
	unsigned int t;
	char why[256];
	int err;

	ASSERT_NE(NULL, info);
	err = vs_info_get(&self->nl, info, why, sizeof(why));
	ASSERT_EQ(0, err)
		TH_LOG("INFO: %s (extack \"%s\", %s)", strerror(-err),
		       self->nl.extack, why);
	ASSERT_TRUE(VS_HAS(info, VIRTIO_STATUS_A_INFO_VHOST_STATE))
		TH_LOG("INFO reply without INFO_VHOST_STATE");
	/* vs_info_get() refused any type the header does not define */
	for (t = 0; t < 64; t++)
		EXPECT_TRUE(!VS_HAS(info, t) || t == VIRTIO_STATUS_A_INFO_VHOST_STATE ||
			    t == VIRTIO_STATUS_A_INFO_VHOST_REASON ||
			    t == VIRTIO_STATUS_A_INFO_VHOST_LAYOUT ||
			    t == VIRTIO_STATUS_A_INFO_GENERATION ||
			    t == VIRTIO_STATUS_A_INFO_MODE ||
			    t == VIRTIO_STATUS_A_INFO_MODE_REASON ||
			    t == VIRTIO_STATUS_A_INFO_FINGERPRINT ||
			    t == VIRTIO_STATUS_A_INFO_FEATURE_BITS)
			TH_LOG("INFO reply with another attribute, %s",
			       vs_attr_name(VS_AS_INFO, t));
	/* the mode, the fingerprint and the feature width, always */
	ASSERT_TRUE(VS_HAS(info, VIRTIO_STATUS_A_INFO_MODE) &&
		    VS_HAS(info, VIRTIO_STATUS_A_INFO_FINGERPRINT) &&
		    VS_HAS(info, VIRTIO_STATUS_A_INFO_FEATURE_BITS))
		TH_LOG("INFO reply without MODE, FINGERPRINT or FEATURE_BITS");
	ASSERT_TRUE(info->feature_bits == 64 || info->feature_bits == 128)
		TH_LOG("feature bits %u", info->feature_bits);
	/* the tested build runs in full mode, with no reason to give */
	ASSERT_EQ(VIRTIO_STATUS_MODE_FULL, info->mode);
	ASSERT_FALSE(VS_HAS(info, VIRTIO_STATUS_A_INFO_MODE_REASON))
		TH_LOG("full mode with a reason: %s", info->mode_reason);
	reason = VS_HAS(info, VIRTIO_STATUS_A_INFO_VHOST_REASON);
	layout = VS_HAS(info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	TH_LOG("vhost %s, reason \"%s\", layout \"%s\"",
	       info->vhost_state == VIRTIO_STATUS_VHOST_STATE_ON ? "on" : "off",
	       info->vhost_reason, info->vhost_layout);
	switch (info->vhost_state) {
	case VIRTIO_STATUS_VHOST_STATE_ON:
		EXPECT_FALSE(reason)
			TH_LOG("vhost is on, yet a reason: %s",
			       info->vhost_reason);
		EXPECT_TRUE(layout && info->vhost_layout[0])
			TH_LOG("vhost is on without a layout");
		break;
	case VIRTIO_STATUS_VHOST_STATE_OFF:
		EXPECT_TRUE(reason && info->vhost_reason[0])
			TH_LOG("vhost is off without a reason");
		break;
	default:
		ASSERT_TRUE(false)
			TH_LOG("INFO_VHOST_STATE %u", info->vhost_state);
	}
	if (layout)
		EXPECT_NE(0, info->vhost_layout[0]);
	free(info);
}

/*
 * With vhost on, a privileged dump lists the vhost-net device this test
 * holds, after the virtio-bus devices; the rest of this file only checks
 * that vhost replies do not disturb the virtio-bus ones.
 */
TEST_F_TIMEOUT(vs, dump_lists_vhost, VS_TIMEOUT)
{
	struct vs_devlist l = {};
	struct vs_info *info;
	char why[256];
	size_t i, mine = 0;

	if (self->vhost_fd < 0)
		SKIP(return, "cannot open %s", VHOST_NET_DEV);
	if (vs_have_net_admin() != 1)
		SKIP(return, "needs CAP_NET_ADMIN");
	info = malloc(sizeof(*info));
	ASSERT_NE(NULL, info);
	ASSERT_EQ(0, vs_info_get(&self->nl, info, why, sizeof(why)));
	if (info->vhost_state != VIRTIO_STATUS_VHOST_STATE_ON)
		SKIP(free(info); return, "vhost is off: %.200s",
		     info->vhost_reason);
	free(info);

	ASSERT_EQ(0, vs_dump(&self->nl, &l))
		TH_LOG("dump failed: %s", self->nl.extack);
	ASSERT_EQ(0, vs_devlist_check(&l, why, sizeof(why)))
		TH_LOG("%s", why);
	for (i = 0; i < l.n; i++)
		if (VS_IS_VHOST(&l.dev[i]) &&
		    vs_dev_has_holder(&l.dev[i], getpid()))
			mine++;
	EXPECT_EQ(1, mine)
		TH_LOG("%zu vhost entries held by this process", mine);
	vs_devlist_free(&l);
}

TEST_F_TIMEOUT(vs, dump_matches_sysfs, VS_TIMEOUT)
{
	struct vs_devlist l = {};

	if (!self->nsys)
		TH_LOG("no virtio devices: the dump must be empty");
	dump_and_match(_metadata, &self->nl, self->sys, self->nsys, &l);
	vs_devlist_free(&l);
}

TEST_F_TIMEOUT(vs, do_matches_dump, VS_TIMEOUT)
{
	struct vs_devlist l = {};
	struct vs_dev *d;
	size_t i;

	if (!self->nsys)
		SKIP(return, "no virtio devices");
	dump_and_match(_metadata, &self->nl, self->sys, self->nsys, &l);
	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, d);

	for (i = 0; i < l.n; i++) {
		const struct vs_dev *e = &l.dev[i];

		ASSERT_EQ(0, vs_get(&self->nl, VIRTIO_STATUS_A_HEADER_PATH,
				    e->path, d))
			TH_LOG("get by path %s: %s", e->path,
			       self->nl.extack);
		check_same(_metadata, e, d);

		ASSERT_EQ(0, vs_get(&self->nl, VIRTIO_STATUS_A_HEADER_BUSID,
				    e->busid, d))
			TH_LOG("get by busid %s: %s", e->busid,
			       self->nl.extack);
		check_same(_metadata, e, d);
	}
	free(d);
	vs_devlist_free(&l);
}

/* Sends @m and expects it to fail with @err and an extack message. */
static void expect_fail(struct __test_metadata *_metadata, struct vs_nl *nl,
			struct vs_msg *m, int err, bool need_msg)
{
	int ret = vs_nl_request(nl, m, NULL, NULL);

	ASSERT_EQ(-err, ret)
		TH_LOG("expected %s, got %s (extack \"%s\")", strerror(err),
		       ret ? strerror(-ret) : "success", nl->extack);
	TH_LOG("%s, extack \"%s\" offset %u missing-type %u", strerror(err),
	       nl->extack, nl->extack_offs, nl->extack_miss);
	if (need_msg)
		ASSERT_NE(0, nl->extack[0])
			TH_LOG("no extack message with %s", strerror(err));
}

/*
 * @err (EINVAL if 0) with a message whose offset names the attribute at
 * @off in @m, nested or not: what the kernel's policy check (lib/nlattr.c,
 * strict validation) answers for an attribute it refuses.
 */
static void expect_err_at(struct __test_metadata *_metadata,
			  struct vs_nl *nl, struct vs_msg *m, int err,
			  size_t off)
{
	expect_fail(_metadata, nl, m, err ?: EINVAL, true);
	EXPECT_EQ(off, nl->extack_offs)
		TH_LOG("the extack blames offset %u, the attribute is at %zu",
		       nl->extack_offs, off);
}

static struct vs_msg *do_msg(struct vs_nl *nl)
{
	struct vs_msg *m = malloc(sizeof(*m));

	if (m)
		vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
			    VIRTIO_STATUS_CMD_DEV_GET,
			    VIRTIO_STATUS_FAMILY_VERSION);
	return m;
}

static struct vs_msg *dump_msg(struct vs_nl *nl)
{
	struct vs_msg *m = malloc(sizeof(*m));

	if (m)
		vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_DUMP,
			    VIRTIO_STATUS_CMD_DEV_GET,
			    VIRTIO_STATUS_FAMILY_VERSION);
	return m;
}

/* A do naming a device by header attribute @type, expecting @err. */
static void expect_get_fail(struct __test_metadata *_metadata,
			    struct vs_nl *nl, __u16 type, const char *value,
			    int err)
{
	struct vs_msg *m = do_msg(nl);

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER, type,
				       value));
	expect_fail(_metadata, nl, m, err, true);
	free(m);
}

/*
 * A do with a header holding one @len-byte @type attribute (no NUL added)
 * that the policy refuses: the extack names that attribute, in the nest.
 */
static void expect_header_attr_fail(struct __test_metadata *_metadata,
				    struct vs_nl *nl, __u16 type,
				    const void *data, size_t len)
{
	struct vs_msg *m = do_msg(nl);
	size_t inner;
	int nest;

	ASSERT_NE(NULL, m);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_LE(0, nest);
	inner = m->len;
	ASSERT_EQ(0, vs_msg_put(m, type, data, len));
	vs_msg_nest_end(m, nest);
	expect_err_at(_metadata, nl, m, 0, inner);
	free(m);
}

/* A string of @len 'x' characters, with a leading '/'. */
static char *long_string(size_t len)
{
	char *s = malloc(len + 1);

	if (s) {
		memset(s, 'x', len);
		s[0] = '/';
		s[len] = '\0';
	}
	return s;
}

/* A real device's path and bus id, so that only the form can be wrong. */
static void some_device(const struct sysdev *sys, size_t nsys,
			const char **path, const char **busid)
{
	*path = nsys ? sys[0].path : "/sys/devices/x/virtio0";
	*busid = nsys ? sys[0].busid : "virtio0";
}

TEST_F(vs, unknown_busid)
{
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_BUSID,
			"virtio99999", ENODEV);
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_BUSID,
			"eth0", ENODEV);
}

TEST_F(vs, unknown_path)
{
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH,
			"/sys/devices/pci0000:00/0000:00:1f.7/virtio99999",
			ENODEV);
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH,
			"/sys/devices/virtual/net/lo", ENODEV);
}

/* The transport (parent) device of a virtio device is not one itself. */
TEST_F(vs, parent_path)
{
	char parent[PATH_MAX], *slash;

	if (!self->nsys)
		SKIP(return, "no virtio devices");
	snprintf(parent, sizeof(parent), "%s", self->sys[0].path);
	slash = strrchr(parent, '/');
	ASSERT_NE(NULL, slash);
	*slash = '\0';
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH,
			parent, ENODEV);
}

/* The longest strings the header allows are accepted: no such device. */
TEST_F(vs, max_length_strings)
{
	char *s = long_string(VIRTIO_STATUS_PATH_LEN_MAX);

	ASSERT_NE(NULL, s);
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH, s,
			ENODEV);
	s[VIRTIO_STATUS_BUSID_LEN_MAX] = '\0';
	expect_get_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_BUSID, s,
			ENODEV);
	free(s);
}

/* One byte over: the header's policy refuses the string itself. */
TEST_F(vs, too_long_strings)
{
	char *s = long_string(VIRTIO_STATUS_PATH_LEN_MAX + 1);

	ASSERT_NE(NULL, s);
	expect_header_attr_fail(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_PATH, s, strlen(s) + 1);
	s[VIRTIO_STATUS_BUSID_LEN_MAX + 1] = '\0';
	expect_header_attr_fail(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_BUSID, s, strlen(s) + 1);
	free(s);
}

/* Both names in one header. */
TEST_F(vs, both_path_and_busid)
{
	struct vs_msg *m = do_msg(&self->nl);
	const char *path, *busid;
	int nest;

	ASSERT_NE(NULL, m);
	some_device(self->sys, self->nsys, &path, &busid);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_LE(0, nest);
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_PATH, path));
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID, busid));
	vs_msg_nest_end(m, nest);
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	free(m);
}

/* No header, and a header with no name in it. */
TEST_F(vs, neither_path_nor_busid)
{
	struct vs_msg *m = do_msg(&self->nl);
	int nest;

	ASSERT_NE(NULL, m);
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	free(m);

	m = do_msg(&self->nl);
	ASSERT_NE(NULL, m);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_LE(0, nest);
	vs_msg_nest_end(m, nest);
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	free(m);
}

TEST_F(vs, unknown_attribute)
{
	struct vs_msg *m = do_msg(&self->nl);
	__u32 junk = 0;
	size_t at;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
				       VIRTIO_STATUS_A_HEADER_BUSID, "virtio0"));
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, 200, &junk, sizeof(junk)));
	expect_err_at(_metadata, &self->nl, m, 0, at);
	free(m);
}

/*
 * The header set has PATH and BUSID only: any other type in the nest,
 * next to a real device's bus id, is refused where it is.
 */
TEST_F(vs, unknown_attribute_in_header)
{
	static const __u16 types[] = { VIRTIO_STATUS_A_HEADER_MAX + 1, 200, 0 };
	const char *path, *busid;
	__u32 junk = 0;
	size_t i, at;
	int nest;

	some_device(self->sys, self->nsys, &path, &busid);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct vs_msg *m = do_msg(&self->nl);

		ASSERT_NE(NULL, m);
		nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_DEV_HEADER);
		ASSERT_LE(0, nest);
		ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID,
					    busid));
		at = m->len;
		ASSERT_EQ(0, vs_msg_put(m, types[i], &junk, sizeof(junk)));
		vs_msg_nest_end(m, nest);
		TH_LOG("type %u in the header", types[i]);
		expect_err_at(_metadata, &self->nl, m, 0, at);
		free(m);
	}
}

/* The header marks NAME reply-only: a request must not carry it. */
TEST_F(vs, reply_only_attribute)
{
	struct vs_msg *m = do_msg(&self->nl);
	size_t at;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
				       VIRTIO_STATUS_A_HEADER_BUSID, "virtio0"));
	at = m->len;
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	expect_err_at(_metadata, &self->nl, m, 0, at);
	free(m);
}

/* In the header: a name without its NUL, and an empty attribute. */
TEST_F(vs, unterminated_strings)
{
	const char *path, *busid;

	/* The right bytes of an existing device, only the NUL missing. */
	some_device(self->sys, self->nsys, &path, &busid);
	expect_header_attr_fail(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_PATH, path, strlen(path));
	expect_header_attr_fail(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_BUSID, busid,
				strlen(busid));
	/* Zero-length payload. */
	expect_header_attr_fail(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_BUSID, NULL, 0);
}

/*
 * A name outside the header is refused, not taken: at the top level the
 * header set's numbers are other dev attributes (HEADER_PATH is DEV_PAD,
 * HEADER_BUSID is DEV_HEADER itself, not flagged as a nest). Alone, and
 * next to a header that names a real device.
 */
TEST_F(vs, name_outside_header)
{
	const char *path, *busid;
	int with_header;
	size_t at;

	some_device(self->sys, self->nsys, &path, &busid);
	for (with_header = 0; with_header < 2; with_header++) {
		struct vs_msg *m = do_msg(&self->nl);

		ASSERT_NE(NULL, m);
		if (with_header)
			ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
						       VIRTIO_STATUS_A_HEADER_BUSID,
						       busid));
		at = m->len;
		ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_PATH, path));
		expect_err_at(_metadata, &self->nl, m, 0, at);
		free(m);

		m = do_msg(&self->nl);
		ASSERT_NE(NULL, m);
		if (with_header)
			ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
						       VIRTIO_STATUS_A_HEADER_PATH,
						       path));
		at = m->len;
		ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID, busid));
		expect_err_at(_metadata, &self->nl, m, 0, at);
		free(m);
	}
}

/* The numbers of the flat format (family version 1), never released. */
#define VS_V1_A_DEV_PATH	2
#define VS_V1_A_DEV_BUSID	3

/*
 * A request in the old flat format, a real device named at the top level
 * by its old numbers, is refused rather than read some other way: 2 is
 * now DEV_HEADER (a string where a nest must be), 3 is past what DEV_GET
 * takes.
 */
TEST_F(vs, old_format_request)
{
	static const __u16 types[] = { VS_V1_A_DEV_PATH, VS_V1_A_DEV_BUSID };
	const char *path, *busid;
	size_t i;

	some_device(self->sys, self->nsys, &path, &busid);
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct vs_msg *m = do_msg(&self->nl);
		size_t at;

		ASSERT_NE(NULL, m);
		at = m->len;
		ASSERT_EQ(0, vs_msg_put_str(m, types[i],
					    types[i] == VS_V1_A_DEV_PATH ? path :
									   busid));
		expect_err_at(_metadata, &self->nl, m, 0, at);
		free(m);
	}
}

/*
 * DEV_HEADER must be a nest: a proper header's bytes without NLA_F_NESTED,
 * a name as the header's payload, a payload too short for an attribute.
 */
TEST_F(vs, header_not_a_nest)
{
	const char *path, *busid;
	struct vs_msg *m;
	size_t at;
	int nest;

	some_device(self->sys, self->nsys, &path, &busid);

	m = do_msg(&self->nl);
	ASSERT_NE(NULL, m);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_LE(0, nest);
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID, busid));
	vs_msg_nest_end(m, nest);
	((struct nlattr *)(m->buf + nest))->nla_type &= ~NLA_F_NESTED;
	expect_err_at(_metadata, &self->nl, m, 0, nest);
	free(m);

	/* No attribute in there: the kernel finds bytes left over. */
	m = do_msg(&self->nl);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_DEV_HEADER | NLA_F_NESTED,
				busid, strlen(busid) + 1));
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	free(m);

	/* Shorter than an attribute: lib/nlattr.c's default error, ERANGE. */
	m = do_msg(&self->nl);
	ASSERT_NE(NULL, m);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_DEV_HEADER | NLA_F_NESTED,
				"\0", 2));
	expect_err_at(_metadata, &self->nl, m, ERANGE, at);
	free(m);
}

/*
 * A dump lists every device: a header is refused with the module's
 * sentence, whatever it holds (an empty one too); a name at the top level
 * in the old format is refused by the policy.
 */
TEST_F(vs, dump_with_attribute)
{
	static const char sentence[] =
		"a dump lists every device and takes no device name";
	const char *path, *busid;
	struct vs_msg *m;
	int nest;
	size_t at;

	some_device(self->sys, self->nsys, &path, &busid);
	m = dump_msg(&self->nl);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
				       VIRTIO_STATUS_A_HEADER_BUSID, busid));
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	EXPECT_STREQ(sentence, self->nl.extack);
	free(m);

	m = dump_msg(&self->nl);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
				       VIRTIO_STATUS_A_HEADER_PATH, path));
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	EXPECT_STREQ(sentence, self->nl.extack);
	free(m);

	m = dump_msg(&self->nl);
	ASSERT_NE(NULL, m);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_LE(0, nest);
	vs_msg_nest_end(m, nest);
	expect_fail(_metadata, &self->nl, m, EINVAL, true);
	EXPECT_STREQ(sentence, self->nl.extack);
	free(m);

	m = dump_msg(&self->nl);
	ASSERT_NE(NULL, m);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put_str(m, VS_V1_A_DEV_PATH, path));
	expect_err_at(_metadata, &self->nl, m, 0, at);
	free(m);
}

/*
 * INFO takes no attribute at all, neither of its own set nor a header:
 * EINVAL, blaming the first attribute. The module says "this request
 * takes no attributes" where genetlink passes the request on unparsed
 * (split ops, 6.2 on); 6.1's genetlink refuses it itself.
 */
TEST_F(vs, info_with_attribute)
{
	__u32 state = VIRTIO_STATUS_VHOST_STATE_ON;
	struct vs_msg *m = malloc(sizeof(*m));
	size_t at;

	ASSERT_NE(NULL, m);
	vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_INFO, VIRTIO_STATUS_FAMILY_VERSION);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_INFO_VHOST_STATE, &state,
				sizeof(state)));
	expect_err_at(_metadata, &self->nl, m, 0, at);

	vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_INFO, VIRTIO_STATUS_FAMILY_VERSION);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER,
				       VIRTIO_STATUS_A_HEADER_BUSID, "virtio0"));
	expect_err_at(_metadata, &self->nl, m, 0, at);
	free(m);
}

/*
 * genetlink itself answers a command the family does not have, with
 * EOPNOTSUPP and no extack message (genl_family_rcv_msg(), 6.1 and 6.12).
 */
TEST_F(vs, unknown_command)
{
	static const __u8 cmds[] = { 0, VIRTIO_STATUS_CMD_MAX + 1, 200 };
	struct vs_msg *m = malloc(sizeof(*m));
	size_t i;

	ASSERT_NE(NULL, m);
	for (i = 0; i < sizeof(cmds); i++) {
		vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_ACK,
			    cmds[i], VIRTIO_STATUS_FAMILY_VERSION);
		expect_fail(_metadata, &self->nl, m, EOPNOTSUPP, false);
		vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_DUMP,
			    cmds[i], VIRTIO_STATUS_FAMILY_VERSION);
		expect_fail(_metadata, &self->nl, m, EOPNOTSUPP, false);
	}
	free(m);
}

/*
 * The notification commands are the module's to send to the events group
 * and no op of the family: genetlink itself refuses a request for one,
 * do or dump, with EOPNOTSUPP (and no extack message).
 */
TEST_F(vs, notification_commands)
{
	static const __u8 cmds[] = { VIRTIO_STATUS_CMD_DEV_ADD_NTF,
				     VIRTIO_STATUS_CMD_DEV_DEL_NTF,
				     VIRTIO_STATUS_CMD_BIND_NTF,
				     VIRTIO_STATUS_CMD_UNBIND_NTF };
	struct vs_msg *m = malloc(sizeof(*m));
	size_t i;

	ASSERT_NE(NULL, m);
	for (i = 0; i < sizeof(cmds); i++) {
		vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_ACK,
			    cmds[i], VIRTIO_STATUS_FAMILY_VERSION);
		expect_fail(_metadata, &self->nl, m, EOPNOTSUPP, false);
		vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_DUMP,
			    cmds[i], VIRTIO_STATUS_FAMILY_VERSION);
		expect_fail(_metadata, &self->nl, m, EOPNOTSUPP, false);
	}
	free(m);
}

/*
 * The kernel sizes a dump skb from the largest buffer the reader has used
 * (at least NLMSG_GOODSIZE, a page less overhead), so a fresh socket that
 * only ever reads with 4096 bytes gets a dump of more than 4096 bytes in
 * several datagrams. It must still be exact.
 */
TEST_F_TIMEOUT(vs, dump_small_buffer, VS_TIMEOUT)
{
	struct vs_devlist l = {};
	struct vs_nl small;

	if (self->nsys < SMALL_MIN_DEVS)
		SKIP(return, "%zu virtio devices, need %d for a multi-part dump",
		     self->nsys, SMALL_MIN_DEVS);
	/* How large is the whole dump? */
	dump_and_match(_metadata, &self->nl, self->sys, self->nsys, &l);
	if (self->nl.bytes <= SMALL_BUF)
		SKIP(vs_devlist_free(&l); return,
		     "the dump is %zu bytes, too small to need two %d-byte datagrams",
		     self->nl.bytes, SMALL_BUF);

	ASSERT_EQ(0, vs_nl_open(&small, SMALL_BUF));
	small.family = self->nl.family;

	dump_and_match(_metadata, &small, self->sys, self->nsys, &l);
	TH_LOG("%zu devices, %zu bytes in %u datagrams", l.n, small.bytes,
	       small.data_datagrams);
	ASSERT_GE(small.data_datagrams, 2);

	vs_nl_close(&small);
	vs_devlist_free(&l);
}

/*
 * Child of unprivileged_dump: drops to nobody, then checks a dump and a do.
 * Returns an exit code: 0 if fine, else the step that failed.
 */
static int unprivileged_child(size_t nsys)
{
	struct vs_devlist l = {};
	struct vs_dev *d;
	struct vs_nl nl;
	char why[256];
	size_t i;
	int err;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		perror("# drop privileges");
		return 10;
	}
	if (vs_have_net_admin() != 0) {
		fprintf(stderr, "# CAP_NET_ADMIN still effective\n");
		return 11;
	}
	err = vs_nl_open(&nl, VS_BUF_DEFAULT);
	if (!err)
		err = vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME);
	if (err) {
		fprintf(stderr, "# open/resolve: %s\n", strerror(-err));
		return 12;
	}
	err = vs_dump(&nl, &l);
	if (err || l.bad) {
		fprintf(stderr, "# dump: %s %s (%u bad: %s)\n", strerror(-err),
			nl.extack, l.bad, l.bad_why);
		return 13;
	}
	/* vhost devices are for CAP_NET_ADMIN only. */
	if (vs_devlist_count(&l, VIRTIO_STATUS_KIND_VHOST)) {
		fprintf(stderr, "# an unprivileged dump lists %zu vhost devices\n",
			vs_devlist_count(&l, VIRTIO_STATUS_KIND_VHOST));
		return 19;
	}
	if (!l.intr && l.n != nsys) {
		fprintf(stderr, "# dump has %zu devices, sysfs %zu\n", l.n,
			nsys);
		return 14;
	}
	for (i = 0; i < l.n; i++) {
		d = &l.dev[i];
		if (vs_dev_check(d, why, sizeof(why))) {
			fprintf(stderr, "# %s\n", why);
			return 15;
		}
		if (VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES) ||
		    d->device_features_err != EPERM) {
			fprintf(stderr, "# %s: DEVICE_FEATURES shown, or ERR %u\n",
				d->busid, d->device_features_err);
			return 16;
		}
	}
	if (l.n) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return 17;
		err = vs_get(&nl, VIRTIO_STATUS_A_HEADER_BUSID, l.dev[0].busid, d);
		if (err || VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES) ||
		    d->device_features_err != EPERM) {
			fprintf(stderr, "# do %s: %s, DEVICE_FEATURES_ERR %u\n",
				l.dev[0].busid, strerror(-err),
				d->device_features_err);
			return 18;
		}
		free(d);
	}
	vs_devlist_free(&l);
	vs_nl_close(&nl);
	return 0;
}

TEST_F_TIMEOUT(vs, unprivileged_dump, VS_TIMEOUT)
{
	int status;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop to uid %d", NOBODY);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_child(self->nsys));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("child died, status %#x", status);
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("unprivileged checks failed, see above");
}

TEST_F_TIMEOUT(vs, privileged_device_features, VS_TIMEOUT)
{
	struct vs_devlist l = {};
	size_t i;

	if (vs_have_net_admin() != 1)
		SKIP(return, "needs CAP_NET_ADMIN");
	if (!self->nsys)
		SKIP(return, "no virtio devices");
	dump_and_match(_metadata, &self->nl, self->sys, self->nsys, &l);
	for (i = 0; i < l.n; i++) {
		const struct vs_dev *d = &l.dev[i];

		ASSERT_TRUE(VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES))
			TH_LOG("%s: no DEVICE_FEATURES, ERR %u", d->busid,
			       d->device_features_err);
		EXPECT_EQ(0, d->driver_features & ~d->device_features)
			TH_LOG("%s: driver %#llx device %#llx", d->busid,
			       (unsigned long long)d->driver_features,
			       (unsigned long long)d->device_features);
	}
	vs_devlist_free(&l);
}

/* Writes @s to the sysfs file @path. 0 or -errno. */
static int sysfs_write(const char *path, const char *s)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : (size_t)n == strlen(s) ? 0 : -EIO;
}

static __u64 realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The notifications a listener received, decoded, and the first bad one. */
struct ev_log {
	__u16 family;
	unsigned int n;
	struct vs_event ev[EV_MAX];
	char why[256];
};

static int ev_log_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ev_log *log = arg;
	char why[sizeof(log->why)];

	if (nlh->nlmsg_type != log->family)
		return 0;
	if (log->n == EV_MAX) {
		snprintf(log->why, sizeof(log->why), "more than %d notifications",
			 EV_MAX);
		return -EPROTO;
	}
	if (vs_event_parse(nlh, &log->ev[log->n], why, sizeof(why)) ||
	    vs_event_check(&log->ev[log->n], why, sizeof(why))) {
		snprintf(log->why, sizeof(log->why), "%s", why);
		return -EPROTO;
	}
	log->n++;
	return 0;
}

/* The notification of @cmd about @busid in @log, NULL if none. */
static const struct vs_event *ev_find(const struct ev_log *log, __u8 cmd,
				      const char *busid)
{
	unsigned int i;

	for (i = 0; i < log->n; i++)
		if (log->ev[i].cmd == cmd && !strcmp(log->ev[i].dev.busid, busid))
			return &log->ev[i];
	return NULL;
}

/*
 * A driver unbound from a device and bound again, as a member of the
 * events group sees it: an UNBIND_NTF, then a BIND_NTF, each with its
 * sequence number and time at the top level and the device in the
 * EVENT_DEV nest (vs_event_check()): the one sysfs shows, with the driver;
 * sequence numbers one apart over everything received, times within the
 * test's, bus generations rising, the last one what a do then reports.
 */
TEST_F_TIMEOUT(vs, notifications, VS_TIMEOUT)
{
	struct timeval tv = { .tv_sec = EV_WAIT_S };
	const struct vs_event *unbound, *bound;
	const struct sysdev *s = NULL;
	__u64 before, after;
	struct ev_log *log;
	struct vs_nl mon;
	struct vs_dev *d;
	int err, uerr, berr;
	unsigned int i;
	__u32 grp;

	for (i = 0; i < self->nsys && !s; i++)
		if (!strcmp(self->sys[i].driver, EV_DRIVER))
			s = &self->sys[i];
	if (!s)
		SKIP(return, "no virtio device bound to %s", EV_DRIVER);
	if (geteuid() != 0)
		SKIP(return, "needs root to unbind %s", s->busid);
	grp = self->nl.events_group;
	ASSERT_NE(0, grp)
		TH_LOG("the family has no \"%s\" multicast group",
		       VIRTIO_STATUS_MCGRP_EVENTS);
	log = calloc(1, sizeof(*log));
	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, log);
	ASSERT_NE(NULL, d);
	log->family = self->nl.family;

	ASSERT_EQ(0, vs_nl_open(&mon, VS_BUF_DEFAULT));
	ASSERT_EQ(0, setsockopt(mon.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				&grp, sizeof(grp)))
		TH_LOG("joining group %u: %s", grp, strerror(errno));
	ASSERT_EQ(0, setsockopt(mon.fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));

	/* Bound again before anything can fail. */
	before = realtime_ns();
	uerr = sysfs_write(EV_DRIVER_DIR "/unbind", s->busid);
	berr = uerr ? 0 : sysfs_write(EV_DRIVER_DIR "/bind", s->busid);
	after = realtime_ns();
	ASSERT_EQ(0, uerr)
		TH_LOG("unbind %s: %s", s->busid, strerror(-uerr));
	ASSERT_EQ(0, berr)
		TH_LOG("bind %s: %s", s->busid, strerror(-berr));

	do {
		err = vs_nl_recv(&mon, ev_log_cb, log);
	} while (!err && !ev_find(log, VIRTIO_STATUS_CMD_BIND_NTF, s->busid));
	ASSERT_EQ(0, err)
		TH_LOG("after %u notifications: %s %s", log->n,
		       err == -EAGAIN ? "no more in time" : strerror(-err),
		       log->why);
	unbound = ev_find(log, VIRTIO_STATUS_CMD_UNBIND_NTF, s->busid);
	bound = ev_find(log, VIRTIO_STATUS_CMD_BIND_NTF, s->busid);
	ASSERT_NE(NULL, unbound)
		TH_LOG("%s: a BIND_NTF but no UNBIND_NTF", s->busid);
	TH_LOG("%s: unbind seq %llu gen %u, bind seq %llu gen %u, %u notifications",
	       s->busid, (unsigned long long)unbound->seq, unbound->dev.generation,
	       (unsigned long long)bound->seq, bound->dev.generation, log->n);

	for (i = 1; i < log->n; i++)
		EXPECT_EQ(log->ev[i - 1].seq + 1, log->ev[i].seq)
			TH_LOG("notification %u: seq %llu after %llu", i,
			       (unsigned long long)log->ev[i].seq,
			       (unsigned long long)log->ev[i - 1].seq);
	EXPECT_LT(unbound->seq, bound->seq);
	EXPECT_LT(unbound->dev.generation, bound->dev.generation);
	for (i = 0; i < 2; i++) {
		const struct vs_event *ev = i ? bound : unbound;

		EXPECT_TRUE(ev->time >= before && ev->time <= after)
			TH_LOG("%s: time %llu outside [%llu, %llu]", s->busid,
			       (unsigned long long)ev->time,
			       (unsigned long long)before,
			       (unsigned long long)after);
		EXPECT_STREQ(s->path, ev->dev.path);
		EXPECT_EQ(s->id, ev->dev.id);
		EXPECT_EQ(s->vendor, ev->dev.vendor);
		EXPECT_STREQ(EV_DRIVER, ev->dev.driver);
		if (qemu_name(ev->dev.id))
			EXPECT_STREQ(qemu_name(ev->dev.id), ev->dev.name);
	}

	err = vs_get(&self->nl, VIRTIO_STATUS_A_HEADER_BUSID, s->busid, d);
	ASSERT_EQ(0, err)
		TH_LOG("do %s: %s", s->busid, self->nl.extack);
	EXPECT_LE(bound->dev.generation, d->generation);
	EXPECT_STREQ(bound->dev.name, d->name);
	EXPECT_EQ(bound->dev.index, d->index);
	vs_nl_close(&mon);
	free(log);
	free(d);
}

/* For a rig that runs without the module: the family must not exist. */
static int expect_absent(void)
{
	struct vs_nl nl;
	int err;

	ksft_print_header();
	ksft_set_plan(1);
	err = vs_nl_open(&nl, VS_BUF_DEFAULT);
	if (err)
		ksft_exit_fail_msg("netlink socket: %s\n", strerror(-err));
	err = vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME);
	vs_nl_close(&nl);
	if (err == -ENOENT) {
		ksft_test_result_pass("family %s absent\n",
				      VIRTIO_STATUS_FAMILY_NAME);
		ksft_exit_pass();
	}
	ksft_test_result_fail("family %s lookup: %s\n",
			      VIRTIO_STATUS_FAMILY_NAME,
			      err ? strerror(-err) : "registered");
	ksft_exit_fail();
	return KSFT_FAIL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--expect-absent"))
		return expect_absent();
	return test_harness_run(argc, argv);
}
