// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of VIRTIO_STATUS_CMD_QUEUE_GET: one virtqueue of a device.
 *
 *   queue_test [harness options]   the module must be loaded
 *
 * Guest side (vq): every queue of every virtio-bus device, by bus id and
 * by path, with what a ring must satisfy; out-of-range indices, unbound
 * devices and malformed requests fail with the documented errno and an
 * extack message. Host side (vqh): vhost-net and vhost-vsock rings set up
 * through their uapi read back as set; those skip when the family's INFO
 * says vhost reporting is off, or without CAP_NET_ADMIN.
 *
 * Every reply is checked against the address policy for the capabilities
 * the test runs with: ring and descriptor addresses with CAP_SYS_ADMIN,
 * else none of them and QUEUE_ADDR_HIDDEN with the module's sentence.
 * Sizes and indexes of guest queues are everyone's, so vq runs as any
 * user; as root, vq.address_policy also asks as nobody and as root
 * without CAP_SYS_ADMIN.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/vhost.h>

#include "vs_netlink.h"
#include "vs_vhost.h"
#include "kselftest_harness.h"

#define VQ_TIMEOUT	120	/* seconds; TCG on a debug kernel is slow */
#define VQ_RETRIES	5	/* reads of a busy queue before giving up */
#define VQ_F_VERSION_1	32
/* VIRTIO_F_ACCESS_PLATFORM: the rings are in an IOMMU's I/O space */
#define VQ_F_ACCESS_PLATFORM	33
#define VQ_F_RING_PACKED 34
#define VQ_ID_BLK	2
#define VQ_ID_RNG	4

/* The vhost side: one region, two virtqueues with rings inside it. */
#define VH_REGION_SIZE	(1024UL * 1024)
#define VH_REGION_GPA	0x100000ULL
#define VH_RING_SLOT	16384	/* per virtqueue: desc, avail, used */
#define VH_NVQS		2	/* vhost-net and vhost-vsock both have 2 */

static const __u32 vh_num[VH_NVQS] = { 256, 128 };
static const __u32 vh_base[VH_NVQS] = { 7, 9 };

/* A short name for a selector type, for messages. */
static const char *sel_name(__u16 type)
{
	return type == VIRTIO_STATUS_A_HEADER_PATH ? "path" : "busid";
}

/* Sends @m and expects it to fail with @err and an extack message. */
static void expect_fail(struct __test_metadata *_metadata, struct vs_nl *nl,
			struct vs_msg *m, int err, const char *what)
{
	int ret = vs_nl_request(nl, m, NULL, NULL);

	ASSERT_EQ(-err, ret)
		TH_LOG("%s: expected %s, got %s (extack \"%s\")", what,
		       strerror(err), ret ? strerror(-ret) : "a reply",
		       nl->extack);
	ASSERT_NE(0, nl->extack[0])
		TH_LOG("%s: %s without an extack message", what,
		       strerror(err));
	TH_LOG("%s: %s, extack \"%s\"", what, strerror(err), nl->extack);
}

/* QUEUE_GET of queue @index of @value, expecting @err with a message. */
static void expect_queue_fail(struct __test_metadata *_metadata,
			      struct vs_nl *nl, __u16 type, const char *value,
			      __u32 index, int err)
{
	struct vs_queue q;
	char why[256];
	int ret;

	ret = vs_queue_get(nl, type, value, index, &q, why, sizeof(why));
	ASSERT_EQ(-err, ret)
		TH_LOG("%s %s queue %u: expected %s, got %s (extack \"%s\" %s)",
		       sel_name(type), value, index, strerror(err),
		       ret ? strerror(-ret) : "a reply", nl->extack, why);
	ASSERT_NE(0, nl->extack[0])
		TH_LOG("%s %s queue %u: %s without an extack message",
		       sel_name(type), value, index, strerror(err));
}

/*
 * Whether this process may see ring addresses: CAP_SYS_ADMIN, which is
 * what the module asks for. 1 or 0; -errno if it cannot tell.
 */
static int may_see_addresses(void)
{
	return vs_have_cap(VS_CAP_SYS_ADMIN);
}

/*
 * The address policy, for a reply whose addresses are @hidden with
 * @reason: hidden exactly when this process lacks CAP_SYS_ADMIN, and then
 * with the module's sentence.
 */
static void check_addr_policy(struct __test_metadata *_metadata,
			      const char *what, bool hidden,
			      const char *reason)
{
	int admin = may_see_addresses();

	ASSERT_LE(0, admin)
		TH_LOG("cannot read CapEff: %s", strerror(-admin));
	EXPECT_EQ(!admin, hidden)
		TH_LOG("%s: addresses %s to a caller %s CAP_SYS_ADMIN", what,
		       hidden ? "hidden" : "shown",
		       admin ? "with" : "without");
	if (hidden)
		EXPECT_STREQ(VS_ADDR_HIDDEN_MSG, reason);
}

/*
 * QUEUE_GET that must succeed with a reply that passes vs_queue_check()
 * and the address policy.
 */
static void get_queue(struct __test_metadata *_metadata, struct vs_nl *nl,
		      __u16 type, const char *value, __u32 index, bool vhost,
		      struct vs_queue *q)
{
	char why[256];
	int err;

	err = vs_queue_get(nl, type, value, index, q, why, sizeof(why));
	ASSERT_EQ(0, err)
		TH_LOG("%s %s queue %u: %s (extack \"%s\" %s)", sel_name(type),
		       value, index, strerror(-err), nl->extack, why);
	ASSERT_EQ(0, vs_queue_check(q, vhost, why, sizeof(why)))
		TH_LOG("%s %s: %s", sel_name(type), value, why);
	ASSERT_EQ(index, q->index)
		TH_LOG("%s %s: asked for queue %u, QUEUE_INDEX is %u",
		       sel_name(type), value, index, q->index);
	snprintf(why, sizeof(why), "%s %s queue %u", sel_name(type), value,
		 index);
	check_addr_policy(_metadata, why, vs_queue_addr_hidden(q), q->addr_hidden);
}

/*
 * A guest queue. A split ring never has more descriptors in flight than
 * its size; the two indices are read one after the other while the queue
 * may be in use, so a busy queue is read again before that counts.
 */
static void get_guest_queue(struct __test_metadata *_metadata,
			    struct vs_nl *nl, __u16 type, const char *value,
			    __u32 index, struct vs_queue *q)
{
	int i;

	for (i = 0; i < VQ_RETRIES; i++) {
		get_queue(_metadata, nl, type, value, index, false, q);
		if (q->packed || vs_queue_in_flight(q) <= q->num)
			return;
	}
	ASSERT_LE(vs_queue_in_flight(q), q->num)
		TH_LOG("%s %s queue %u (%s): AVAIL_IDX %u USED_IDX %u NUM %u, %d times",
		       sel_name(type), value, index, q->name, q->avail_idx,
		       q->used_idx, q->num, VQ_RETRIES);
}

/* What two reads of one queue must agree on, however busy it is. */
static void same_queue(struct __test_metadata *_metadata, const char *what,
		       const struct vs_queue *a, const struct vs_queue *b)
{
	EXPECT_EQ(a->present, b->present)
		TH_LOG("%s queue %u: attribute sets %#llx %#llx", what,
		       a->index, (unsigned long long)a->present,
		       (unsigned long long)b->present);
	EXPECT_EQ(a->index, b->index);
	EXPECT_STREQ(a->name, b->name);
	EXPECT_EQ(a->num, b->num)
		TH_LOG("%s queue %u: NUM", what, a->index);
	EXPECT_EQ(a->desc, b->desc)
		TH_LOG("%s queue %u: DESC", what, a->index);
	EXPECT_EQ(a->avail, b->avail)
		TH_LOG("%s queue %u: AVAIL", what, a->index);
	EXPECT_EQ(a->used, b->used)
		TH_LOG("%s queue %u: USED", what, a->index);
	EXPECT_EQ(a->packed, b->packed);
	EXPECT_EQ(a->broken, b->broken);
}

FIXTURE(vq) {
	struct vs_nl nl;
	struct vs_devlist l;	/* the virtio-bus devices of one dump */
};

FIXTURE_SETUP(vq)
{
	char why[256];
	int err;

	ASSERT_EQ(0, vs_nl_open(&self->nl, VS_BUF_DEFAULT));
	err = vs_nl_resolve(&self->nl, VIRTIO_STATUS_FAMILY_NAME);
	ASSERT_EQ(0, err)
		TH_LOG("family \"%s\": %s (module not loaded?)",
		       VIRTIO_STATUS_FAMILY_NAME, strerror(-err));
	ASSERT_TRUE(self->nl.queue_flags & GENL_CMD_CAP_DO)
		TH_LOG("the family has no QUEUE_GET do (flags %#x): module too old?",
		       self->nl.queue_flags);
	err = vs_dump(&self->nl, &self->l);
	ASSERT_EQ(0, err)
		TH_LOG("dump: %s (extack \"%s\")", strerror(-err),
		       self->nl.extack);
	ASSERT_EQ(0, vs_devlist_check(&self->l, why, sizeof(why)))
		TH_LOG("%s", why);
	vs_devlist_keep(&self->l, VIRTIO_STATUS_KIND_VIRTIO);
}

FIXTURE_TEARDOWN(vq)
{
	vs_devlist_free(&self->l);
	vs_nl_close(&self->nl);
}

/* The first device with queues, for requests that need a real one. */
static const struct vs_dev *dev_with_queues(const struct vs_devlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->dev[i].num_vqs)
			return &l->dev[i];
	return NULL;
}

/* QUEUE_GET is a do only: a dump is genetlink's EOPNOTSUPP. */
TEST_F(vq, do_only)
{
	struct vs_msg *m = malloc(sizeof(*m));
	int ret;

	ASSERT_NE(NULL, m);
	EXPECT_FALSE(self->nl.queue_flags & GENL_CMD_CAP_DUMP)
		TH_LOG("QUEUE_GET has a dump (flags %#x)",
		       self->nl.queue_flags);
	vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_DUMP,
		    VIRTIO_STATUS_CMD_QUEUE_GET, VIRTIO_STATUS_FAMILY_VERSION);
	ret = vs_nl_request(&self->nl, m, NULL, NULL);
	EXPECT_EQ(-EOPNOTSUPP, ret)
		TH_LOG("QUEUE_GET dump: %s", ret ? strerror(-ret) : "success");
	free(m);
}

/* Every queue of one device, by bus id and by path; then one too many. */
static void check_device(struct __test_metadata *_metadata, struct vs_nl *nl,
			 const struct vs_dev *d)
{
	bool packed = d->driver_features & (1ULL << VQ_F_RING_PACKED);
	struct vs_queue *qs, by_path;
	__u32 i, j;

	if (!d->num_vqs) {
		TH_LOG("%s (%s): no queues, driver %s", d->busid, d->name,
		       VS_HAS(d, VIRTIO_STATUS_A_DEV_DRIVER) ? d->driver :
		       "none");
		expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_BUSID,
				  d->busid, 0, ERANGE);
		expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH,
				  d->path, 0, ERANGE);
		return;
	}

	qs = calloc(d->num_vqs, sizeof(*qs));
	ASSERT_NE(NULL, qs);
	for (i = 0; i < d->num_vqs; i++) {
		struct vs_queue *q = &qs[i];

		get_guest_queue(_metadata, nl, VIRTIO_STATUS_A_HEADER_BUSID,
				d->busid, i, q);
		get_guest_queue(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH,
				d->path, i, &by_path);
		same_queue(_metadata, d->busid, q, &by_path);
		/* The ring layout follows what the driver negotiated. */
		EXPECT_EQ(packed, q->packed)
			TH_LOG("%s queue %u: PACKED %u, DRIVER_FEATURES %#llx",
			       d->busid, i, q->packed,
			       (unsigned long long)d->driver_features);
		/* The device is broken if any of its queues is. */
		if (q->broken)
			EXPECT_TRUE(d->broken)
				TH_LOG("%s queue %u is broken, the device is not",
				       d->busid, i);
		/* Each queue has rings of its own (when they are shown). */
		for (j = 0; j < i && !vs_queue_addr_hidden(q); j++)
			EXPECT_TRUE(qs[j].desc != q->desc &&
				    qs[j].avail != q->avail &&
				    qs[j].used != q->used)
				TH_LOG("%s: queues %u and %u share a ring area",
				       d->busid, j, i);
	}
	TH_LOG("%s (%s): %u queues, queue 0 \"%s\" num %u free %u%s%s",
	       d->busid, d->name, d->num_vqs, qs[0].name, qs[0].num,
	       qs[0].num_free, qs[0].packed ? " packed" : "",
	       vs_queue_addr_hidden(&qs[0]) ? ", addresses hidden" : "");
	free(qs);

	expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_BUSID, d->busid,
			  d->num_vqs, ERANGE);
	expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH, d->path,
			  d->num_vqs, ERANGE);
	expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_BUSID, d->busid,
			  UINT32_MAX, ERANGE);
}

TEST_F_TIMEOUT(vq, every_guest_queue, VQ_TIMEOUT)
{
	size_t i, unbound = 0, queues = 0;

	if (!self->l.n)
		SKIP(return, "no virtio devices");
	for (i = 0; i < self->l.n; i++) {
		check_device(_metadata, &self->nl, &self->l.dev[i]);
		unbound += !self->l.dev[i].num_vqs;
		queues += self->l.dev[i].num_vqs;
	}
	TH_LOG("%zu devices, %zu queues, %zu devices without queues",
	       self->l.n, queues, unbound);
}

/* A queue of an idle device reads the same twice in a row. */
TEST_F(vq, idle_queue_stable)
{
	static const __u32 ids[] = { VQ_ID_RNG, VQ_ID_BLK };
	const struct vs_dev *d = NULL;
	struct vs_queue a, b;
	size_t i, k;
	__u32 q;

	for (k = 0; k < ARRAY_SIZE(ids) && !d; k++)
		for (i = 0; i < self->l.n && !d; i++)
			if (self->l.dev[i].id == ids[k] &&
			    self->l.dev[i].num_vqs)
				d = &self->l.dev[i];
	if (!d)
		SKIP(return, "no virtio-rng or virtio-blk device with queues");
	for (q = 0; q < d->num_vqs; q++) {
		get_guest_queue(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_BUSID, d->busid, q, &a);
		get_guest_queue(_metadata, &self->nl,
				VIRTIO_STATUS_A_HEADER_BUSID, d->busid, q, &b);
		same_queue(_metadata, d->busid, &a, &b);
	}
	TH_LOG("%s (%s): %u queues", d->busid, d->name, d->num_vqs);
}

/* A QUEUE_GET request naming a real device (by bus id) if there is one. */
static struct vs_msg *queue_msg(struct vs_nl *nl, const struct vs_devlist *l,
				bool busid)
{
	const struct vs_dev *d = dev_with_queues(l);
	struct vs_msg *m = malloc(sizeof(*m));

	if (!m)
		return NULL;
	vs_queue_msg(nl, m);
	if (busid && vs_msg_put_header(m, VIRTIO_STATUS_A_QUEUE_HEADER,
				       VIRTIO_STATUS_A_HEADER_BUSID,
				       d ? d->busid : "virtio0")) {
		free(m);
		return NULL;
	}
	return m;
}

/*
 * As expect_fail() for a request the kernel's policy check refuses: the
 * extack's offset also names the attribute at @off in @m.
 */
static void expect_fail_at(struct __test_metadata *_metadata,
			   struct vs_nl *nl, struct vs_msg *m, size_t off,
			   const char *what)
{
	expect_fail(_metadata, nl, m, EINVAL, what);
	EXPECT_EQ(off, nl->extack_offs)
		TH_LOG("%s: the extack blames offset %u, the attribute is at %zu",
		       what, nl->extack_offs, off);
}

TEST_F(vq, no_index)
{
	struct vs_msg *m = queue_msg(&self->nl, &self->l, true);

	ASSERT_NE(NULL, m);
	expect_fail(_metadata, &self->nl, m, EINVAL, "no QUEUE_INDEX");
	free(m);
}

TEST_F(vq, no_selector)
{
	struct vs_msg *m = queue_msg(&self->nl, &self->l, false);
	__u32 index = 0;
	int nest;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				sizeof(index)));
	expect_fail(_metadata, &self->nl, m, EINVAL, "no QUEUE_HEADER");
	free(m);

	/* A header with no name in it. */
	m = queue_msg(&self->nl, &self->l, false);
	ASSERT_NE(NULL, m);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_QUEUE_HEADER);
	ASSERT_LE(0, nest);
	vs_msg_nest_end(m, nest);
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				sizeof(index)));
	expect_fail(_metadata, &self->nl, m, EINVAL, "an empty QUEUE_HEADER");
	free(m);
}

TEST_F(vq, both_selectors)
{
	const struct vs_dev *d = dev_with_queues(&self->l);
	struct vs_msg *m = queue_msg(&self->nl, &self->l, false);
	__u32 index = 0;
	int nest;

	ASSERT_NE(NULL, m);
	/* The same real device twice, so only the combination is wrong. */
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_QUEUE_HEADER);
	ASSERT_LE(0, nest);
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID,
				    d ? d->busid : "virtio0"));
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_PATH,
				    d ? d->path : "/sys/devices/x/virtio0"));
	vs_msg_nest_end(m, nest);
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				sizeof(index)));
	expect_fail(_metadata, &self->nl, m, EINVAL,
		    "both HEADER_PATH and HEADER_BUSID");
	free(m);
}

/*
 * A queue request naming its device outside QUEUE_HEADER is refused, not
 * taken: HEADER_BUSID's number is QUEUE_HEADER itself there (a string
 * where a nest must be), HEADER_PATH's the pad. With a queue index, and
 * beside a header naming the same device.
 */
TEST_F(vq, name_outside_header)
{
	const struct vs_dev *d = dev_with_queues(&self->l);
	const char *busid = d ? d->busid : "virtio0";
	const char *path = d ? d->path : "/sys/devices/x/virtio0";
	__u32 index = 0;
	int with_header;
	size_t at;

	for (with_header = 0; with_header < 2; with_header++) {
		struct vs_msg *m = queue_msg(&self->nl, &self->l, with_header);

		ASSERT_NE(NULL, m);
		at = m->len;
		ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID, busid));
		ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
					sizeof(index)));
		expect_fail_at(_metadata, &self->nl, m, at,
			       "HEADER_BUSID at the top level");
		free(m);

		m = queue_msg(&self->nl, &self->l, with_header);
		ASSERT_NE(NULL, m);
		at = m->len;
		ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_PATH, path));
		ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
					sizeof(index)));
		expect_fail_at(_metadata, &self->nl, m, at,
			       "HEADER_PATH at the top level");
		free(m);
	}
}

/* The numbers of the flat format (family version 1), never released. */
#define VQ_V1_A_DEV_BUSID	3
#define VQ_V1_A_QUEUE_INDEX	30

/*
 * The old flat request, a real device's bus id and queue 0 at their old
 * numbers, is refused: 3 is now QUEUE_INDEX (a string where a u32 must
 * be). With the device in a header, the old queue index (30) is past
 * what QUEUE_GET takes.
 */
TEST_F(vq, old_format_request)
{
	const struct vs_dev *d = dev_with_queues(&self->l);
	struct vs_msg *m = queue_msg(&self->nl, &self->l, false);
	__u32 index = 0;
	size_t at;

	ASSERT_NE(NULL, m);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put_str(m, VQ_V1_A_DEV_BUSID,
				    d ? d->busid : "virtio0"));
	ASSERT_EQ(0, vs_msg_put(m, VQ_V1_A_QUEUE_INDEX, &index, sizeof(index)));
	expect_fail_at(_metadata, &self->nl, m, at, "the flat format");
	free(m);

	m = queue_msg(&self->nl, &self->l, true);
	ASSERT_NE(NULL, m);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, VQ_V1_A_QUEUE_INDEX, &index, sizeof(index)));
	expect_fail_at(_metadata, &self->nl, m, at,
		       "a header and the flat format's QUEUE_INDEX");
	free(m);
}

/* QUEUE_HEADER must be flagged as a nest: a proper header without the flag. */
TEST_F(vq, header_not_a_nest)
{
	const struct vs_dev *d = dev_with_queues(&self->l);
	struct vs_msg *m = queue_msg(&self->nl, &self->l, false);
	__u32 index = 0;
	int nest;

	ASSERT_NE(NULL, m);
	nest = vs_msg_nest_start(m, VIRTIO_STATUS_A_QUEUE_HEADER);
	ASSERT_LE(0, nest);
	ASSERT_EQ(0, vs_msg_put_str(m, VIRTIO_STATUS_A_HEADER_BUSID,
				    d ? d->busid : "virtio0"));
	vs_msg_nest_end(m, nest);
	((struct nlattr *)(m->buf + nest))->nla_type &= ~NLA_F_NESTED;
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				sizeof(index)));
	expect_fail_at(_metadata, &self->nl, m, nest,
		       "QUEUE_HEADER without NLA_F_NESTED");
	free(m);
}

/* QUEUE_INDEX is a u32: 2 and 8 bytes are both wrong. */
TEST_F(vq, index_wrong_size)
{
	struct vs_msg *m = queue_msg(&self->nl, &self->l, true);
	__u16 i16 = 0;
	__u64 i64 = 0;
	size_t at;

	ASSERT_NE(NULL, m);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &i16,
				sizeof(i16)));
	expect_fail_at(_metadata, &self->nl, m, at, "QUEUE_INDEX as u16");
	free(m);

	m = queue_msg(&self->nl, &self->l, true);
	ASSERT_NE(NULL, m);
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &i64,
				sizeof(i64)));
	expect_fail_at(_metadata, &self->nl, m, at, "QUEUE_INDEX as u64");
	free(m);
}

TEST_F(vq, unknown_attribute)
{
	struct vs_msg *m = queue_msg(&self->nl, &self->l, true);
	__u32 index = 0, junk = 0;
	size_t at;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				sizeof(index)));
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, 200, &junk, sizeof(junk)));
	expect_fail_at(_metadata, &self->nl, m, at, "attribute type 200");
	free(m);
}

/* The header marks QUEUE_NUM reply-only: a request must not carry it. */
TEST_F(vq, reply_only_attribute)
{
	struct vs_msg *m = queue_msg(&self->nl, &self->l, true);
	__u32 index = 0, num = 256;
	size_t at;

	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				sizeof(index)));
	at = m->len;
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_NUM, &num,
				sizeof(num)));
	expect_fail_at(_metadata, &self->nl, m, at, "QUEUE_NUM in a request");
	free(m);
}

TEST_F(vq, unknown_device)
{
	expect_queue_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_BUSID,
			  "virtio99999", 0, ENODEV);
	expect_queue_fail(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH,
			  "/sys/devices/pci0000:00/0000:00:1f.7/virtio99999",
			  0, ENODEV);
}

/*
 * A virtio-bus device with a split ring and queues, for ELEMENT_GET:
 * virtio-rng or virtio-blk if there is one, they are idle.
 */
static const struct vs_dev *dev_split(const struct vs_devlist *l)
{
	static const __u32 ids[] = { VQ_ID_RNG, VQ_ID_BLK, 0 };
	const struct vs_dev *d;
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(ids); k++) {
		for (i = 0; i < l->n; i++) {
			d = &l->dev[i];
			if (d->num_vqs &&
			    !(d->driver_features & (1ULL << VQ_F_RING_PACKED)) &&
			    (!ids[k] || d->id == ids[k]))
				return d;
		}
	}
	return NULL;
}

/*
 * ELEMENT_GET of entry 0 of queue 0 of @d: EPERM without CAP_NET_ADMIN,
 * else a reply that passes vs_elem_check() and the address policy.
 */
static void check_element(struct __test_metadata *_metadata,
			  struct vs_nl *nl, const struct vs_dev *d)
{
	struct vs_elem *el = malloc(sizeof(*el));
	int net_admin = vs_have_net_admin();
	__u32 index = 0;
	char why[256];
	int err;

	ASSERT_NE(NULL, el);
	ASSERT_LE(0, net_admin);
	err = vs_elem_get(nl, VIRTIO_STATUS_A_HEADER_BUSID, d->busid, 0, &index,
			  el, why, sizeof(why));
	if (!net_admin) {
		EXPECT_EQ(-EPERM, err)
			TH_LOG("%s: ELEMENT_GET without CAP_NET_ADMIN: %s", d->busid,
			       err ? strerror(-err) : "a reply");
		EXPECT_NE(0, nl->extack[0]);
		free(el);
		return;
	}
	ASSERT_EQ(0, err)
		TH_LOG("%s: ELEMENT_GET: %s (extack \"%s\" %s)", d->busid,
		       strerror(-err), nl->extack, why);
	ASSERT_EQ(0, vs_elem_check(el, why, sizeof(why)))
		TH_LOG("%s: %s", d->busid, why);
	EXPECT_EQ(0, el->queue_index);
	EXPECT_EQ(0, el->elem_index);
	snprintf(why, sizeof(why), "%s element 0 of queue 0", d->busid);
	check_addr_policy(_metadata, why, vs_elem_addr_hidden(el), el->addr_hidden);
	TH_LOG("%s: element 0: head %u, %u descriptors, addresses %s",
	       d->busid, el->head, el->n_descs,
	       vs_elem_addr_hidden(el) ? "hidden" : "shown");
	free(el);
}

/*
 * ELEMENT_GET has a set of its own: a queue index at QUEUE_INDEX's number
 * is that set's ELEMENT_INDEX (the avail entry), so the request has no
 * queue index: EINVAL for a sender with CAP_NET_ADMIN, who gets that far;
 * EPERM for one without, checked before.
 */
TEST_F(vq, element_queue_index_number)
{
	const struct vs_dev *d = dev_split(&self->l);
	struct vs_msg *m = malloc(sizeof(*m));
	int net_admin = vs_have_net_admin();
	__u32 queue = 0;
	int ret;

	ASSERT_NE(NULL, m);
	ASSERT_LE(0, net_admin);
	vs_msg_init(m, self->nl.family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_ELEMENT_GET, VIRTIO_STATUS_FAMILY_VERSION);
	ASSERT_EQ(0, vs_msg_put_header(m, VIRTIO_STATUS_A_ELEMENT_HEADER,
				       VIRTIO_STATUS_A_HEADER_BUSID,
				       d ? d->busid : "virtio0"));
	ASSERT_EQ(0, vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &queue,
				sizeof(queue)));
	if (net_admin) {
		expect_fail(_metadata, &self->nl, m, EINVAL,
			    "ELEMENT_GET with QUEUE_INDEX's number only");
	} else {
		ret = vs_nl_request(&self->nl, m, NULL, NULL);
		EXPECT_EQ(-EPERM, ret)
			TH_LOG("ELEMENT_GET without CAP_NET_ADMIN: %s",
			       ret ? strerror(-ret) : "a reply");
	}
	free(m);
}

TEST_F(vq, element_addresses)
{
	const struct vs_dev *d = dev_split(&self->l);

	if (!d)
		SKIP(return, "no virtio device with a split ring and queues");
	check_element(_metadata, &self->nl, d);
}

/* Takes CAP_SYS_ADMIN out of this process's sets; the rest stays. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	__u32 bit = 1U << (VS_CAP_SYS_ADMIN % 32);
	int w = VS_CAP_SYS_ADMIN / 32;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[w].effective &= ~bit;
	data[w].permitted &= ~bit;
	data[w].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return vs_have_cap(VS_CAP_SYS_ADMIN) == 0 ? 0 : -EPERM;
}

/*
 * Child of vq.address_policy: as nobody (@net_admin false) or as root
 * without CAP_SYS_ADMIN, with a socket of its own opened after: queue 0
 * of @busid without addresses but with sizes and indexes, ELEMENT_GET
 * refused to nobody and without addresses to CAP_NET_ADMIN. Returns an
 * exit code.
 */
static int addr_child(const char *busid, bool net_admin)
{
	const char *who = net_admin ? "CAP_NET_ADMIN only" : "nobody";
	struct vs_elem *el = malloc(sizeof(*el));
	__u32 index = 0;
	struct vs_queue q;
	struct vs_nl nl;
	char why[256];
	int err;

	err = net_admin ? drop_sys_admin() : vs_drop_privileges();
	if (err || !el) {
		fprintf(stderr, "# %s: drop privileges: %s\n", who,
			strerror(err ? -err : ENOMEM));
		return 10;
	}
	err = vs_nl_open(&nl, VS_BUF_DEFAULT);
	if (!err)
		err = vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME);
	if (err) {
		fprintf(stderr, "# %s: open/resolve: %s\n", who, strerror(-err));
		return 11;
	}
	err = vs_queue_get(&nl, VIRTIO_STATUS_A_HEADER_BUSID, busid, 0, &q, why,
			   sizeof(why));
	if (!err && vs_queue_check(&q, false, why, sizeof(why)))
		err = -EPROTO;
	if (err) {
		fprintf(stderr, "# %s: QUEUE_GET %s: %s, extack \"%s\" %s\n",
			who, busid, strerror(-err), nl.extack, why);
		return 12;
	}
	if (!vs_queue_addr_hidden(&q) || strcmp(q.addr_hidden, VS_ADDR_HIDDEN_MSG) ||
	    !q.num || !VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_USED_IDX)) {
		fprintf(stderr,
			"# %s: QUEUE_GET %s: addresses %s, ADDR_HIDDEN \"%s\", NUM %u, USED_IDX %s\n",
			who, busid, vs_queue_addr_hidden(&q) ? "hidden" : "shown",
			q.addr_hidden, q.num,
			VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_USED_IDX) ? "there" :
								      "missing");
		return 13;
	}
	err = vs_elem_get(&nl, VIRTIO_STATUS_A_HEADER_BUSID, busid, 0, &index, el,
			  why, sizeof(why));
	if (!net_admin && (err != -EPERM || !nl.extack[0])) {
		fprintf(stderr, "# %s: ELEMENT_GET %s: %s, extack \"%s\"\n",
			who, busid, err ? strerror(-err) : "a reply",
			nl.extack);
		return 14;
	}
	if (net_admin &&
	    (err || vs_elem_check(el, why, sizeof(why)) ||
	     !vs_elem_addr_hidden(el) ||
	     strcmp(el->addr_hidden, VS_ADDR_HIDDEN_MSG))) {
		fprintf(stderr,
			"# %s: ELEMENT_GET %s: %s, extack \"%s\" %s, addresses %s\n",
			who, busid, err ? strerror(-err) : "a reply",
			nl.extack, why, vs_elem_addr_hidden(el) ? "hidden" : "shown");
		return 15;
	}
	fprintf(stderr, "# %s: %s queue 0 num %u, no addresses: \"%s\"; ELEMENT_GET %s\n",
		who, busid, q.num, q.addr_hidden,
		net_admin ? "without addresses" : "EPERM");
	free(el);
	vs_nl_close(&nl);
	return 0;
}

/* Runs addr_child() in a child process; its exit code. */
static int run_addr_child(const char *busid, bool net_admin)
{
	int status;
	pid_t child;

	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(addr_child(busid, net_admin));
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Ring and descriptor addresses for CAP_SYS_ADMIN only; queue sizes and
 * indexes for every caller, queue elements for CAP_NET_ADMIN. This
 * process's own view first, then, as root, nobody's and that of root
 * without CAP_SYS_ADMIN.
 */
TEST_F_TIMEOUT(vq, address_policy, VQ_TIMEOUT)
{
	const struct vs_dev *d = dev_split(&self->l);
	struct vs_queue q;

	if (!d)
		SKIP(return, "no virtio device with a split ring and queues");
	get_guest_queue(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_BUSID,
			d->busid, 0, &q);
	check_element(_metadata, &self->nl, d);
	if (geteuid() != 0) {
		TH_LOG("not root: cannot ask as nobody or without CAP_SYS_ADMIN");
		return;
	}
	EXPECT_EQ(0, run_addr_child(d->busid, false))
		TH_LOG("nobody: see above");
	EXPECT_EQ(0, run_addr_child(d->busid, true))
		TH_LOG("root without CAP_SYS_ADMIN: see above");
}

/* A vhost device of this process, with its rings and eventfds. */
struct vh_dev {
	int fd;
	char path[64];
	void *region;
	int kick;
	int call;
	__u64 acked;
	struct vhost_vring_addr addr[VH_NVQS];
};

static void vh_dev_close(struct vh_dev *v)
{
	if (v->fd >= 0)
		close(v->fd);
	if (v->kick >= 0)
		close(v->kick);
	if (v->call >= 0)
		close(v->call);
	if (v->region)
		munmap(v->region, VH_REGION_SIZE);
	v->fd = -1;
	v->kick = -1;
	v->call = -1;
	v->region = NULL;
}

/* VHOST_SET_MEM_TABLE with one region over v->region. */
static int vh_set_mem(const struct vh_dev *v)
{
	struct vhost_memory *mem;
	int err = 0;

	mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	if (!mem)
		return -ENOMEM;
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = VH_REGION_GPA;
	mem->regions[0].memory_size = VH_REGION_SIZE;
	mem->regions[0].userspace_addr = (unsigned long)v->region;
	if (ioctl(v->fd, VHOST_SET_MEM_TABLE, mem))
		err = -errno;
	free(mem);
	return err;
}

/*
 * Size, base and ring addresses of virtqueue @idx, the rings in their own
 * slot of the region. Returns 0 or -errno.
 */
static int vh_set_vring(struct vh_dev *v, unsigned int idx)
{
	char *ring = (char *)v->region + idx * VH_RING_SLOT;
	struct vhost_vring_state num = { .index = idx, .num = vh_num[idx] };
	struct vhost_vring_state base = { .index = idx, .num = vh_base[idx] };
	struct vhost_vring_addr *addr = &v->addr[idx];

	memset(addr, 0, sizeof(*addr));
	addr->index = idx;
	addr->desc_user_addr = (unsigned long)ring;
	addr->avail_user_addr = (unsigned long)(ring + 4096);
	addr->used_user_addr = (unsigned long)(ring + 8192);
	if (ioctl(v->fd, VHOST_SET_VRING_NUM, &num) ||
	    ioctl(v->fd, VHOST_SET_VRING_BASE, &base) ||
	    ioctl(v->fd, VHOST_SET_VRING_ADDR, addr))
		return -errno;
	return 0;
}

static int vh_set_file(int fd, unsigned long req, unsigned int idx,
		       int efd)
{
	struct vhost_vring_file f = { .index = idx, .fd = efd };

	return ioctl(fd, req, &f) ? -errno : 0;
}

/*
 * Opens @dev and sets it up as a VMM would: owner, VERSION_1 if offered,
 * a memory table, both rings, a kick eventfd on vq 0 only and a call
 * eventfd on vq 1 only. 0, or -errno of the open (the caller skips), or a
 * failed assertion.
 */
static int vh_setup(struct __test_metadata *_metadata, const char *dev,
		    struct vh_dev *v)
{
	__u64 offered;
	unsigned int i;
	int err;

	memset(v, 0, sizeof(*v));
	v->kick = -1;
	v->call = -1;
	v->fd = vs_vhost_open(dev, false);
	if (v->fd < 0)
		return v->fd;
	snprintf(v->path, sizeof(v->path), "/proc/%d/fd/%d", getpid(), v->fd);
	ASSERT_EQ(0, ioctl(v->fd, VHOST_SET_OWNER))
		TH_LOG("%s: VHOST_SET_OWNER: %s", dev, strerror(errno));
	ASSERT_EQ(0, ioctl(v->fd, VHOST_GET_FEATURES, &offered))
		TH_LOG("%s: VHOST_GET_FEATURES: %s", dev, strerror(errno));
	v->acked = offered & (1ULL << VQ_F_VERSION_1);
	ASSERT_EQ(0, ioctl(v->fd, VHOST_SET_FEATURES, &v->acked))
		TH_LOG("%s: VHOST_SET_FEATURES %#llx: %s", dev,
		       (unsigned long long)v->acked, strerror(errno));

	v->region = mmap(NULL, VH_REGION_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, v->region)
		TH_LOG("mmap: %s", strerror(errno));
	err = vh_set_mem(v);
	ASSERT_EQ(0, err)
		TH_LOG("%s: VHOST_SET_MEM_TABLE: %s", dev, strerror(-err));
	for (i = 0; i < VH_NVQS; i++) {
		err = vh_set_vring(v, i);
		ASSERT_EQ(0, err)
			TH_LOG("%s: vq %u: %s", dev, i, strerror(-err));
	}

	v->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	v->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, v->kick);
	ASSERT_LE(0, v->call);
	err = vh_set_file(v->fd, VHOST_SET_VRING_KICK, 0, v->kick);
	ASSERT_EQ(0, err)
		TH_LOG("%s: VHOST_SET_VRING_KICK: %s", dev, strerror(-err));
	err = vh_set_file(v->fd, VHOST_SET_VRING_CALL, 1, v->call);
	ASSERT_EQ(0, err)
		TH_LOG("%s: VHOST_SET_VRING_CALL: %s", dev, strerror(-err));
	return 0;
}

/* One vhost queue as set up by vh_setup(). */
static void check_vhost_queue(struct __test_metadata *_metadata,
			      struct vs_nl *nl, const struct vh_dev *v,
			      unsigned int i, bool kick, bool call)
{
	const struct vhost_vring_addr *a = &v->addr[i];
	struct vs_queue q;

	get_queue(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH, v->path, i, true,
		  &q);
	TH_LOG("%s vq %u: num %u desc %#llx last_avail %u avail %u used %u kick %u call %u",
	       v->path, i, q.num, (unsigned long long)q.desc,
	       q.last_avail_idx, q.avail_idx, q.used_idx, q.kick, q.call);
	EXPECT_EQ(vh_num[i], q.num)
		TH_LOG("vq %u: QUEUE_NUM", i);
	if (!vs_queue_addr_hidden(&q)) {
		EXPECT_EQ(a->desc_user_addr, q.desc)
			TH_LOG("vq %u: QUEUE_DESC", i);
		EXPECT_EQ(a->avail_user_addr, q.avail)
			TH_LOG("vq %u: QUEUE_AVAIL", i);
		EXPECT_EQ(a->used_user_addr, q.used)
			TH_LOG("vq %u: QUEUE_USED", i);
	}
	EXPECT_EQ(vh_base[i], q.last_avail_idx)
		TH_LOG("vq %u: QUEUE_LAST_AVAIL_IDX, VHOST_SET_VRING_BASE %u",
		       i, vh_base[i]);
	/* SET_VRING_BASE resets the cached avail idx to the base too. */
	EXPECT_EQ(vh_base[i], q.avail_idx)
		TH_LOG("vq %u: QUEUE_AVAIL_IDX", i);
	/* Nothing was ever used: no backend, no ring access. */
	EXPECT_EQ(0, q.used_idx)
		TH_LOG("vq %u: QUEUE_USED_IDX", i);
	EXPECT_EQ(kick, q.kick)
		TH_LOG("vq %u: QUEUE_KICK", i);
	EXPECT_EQ(call, q.call)
		TH_LOG("vq %u: QUEUE_CALL", i);
	/* The eventfds by their fd in this process, the path's holder. */
	EXPECT_EQ(kick, VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_KICK_FD));
	if (kick)
		EXPECT_EQ((__u32)v->kick, q.kick_fd);
	EXPECT_EQ(call, VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_CALL_FD));
	if (call)
		EXPECT_EQ((__u32)v->call, q.call_fd);
	/* Without CAP_SYS_ADMIN no address, GPAs neither (vs_queue_check()). */
	if (vs_queue_addr_hidden(&q))
		return;
	/* The rings through the memory table: region GPA + offset. */
	EXPECT_TRUE(VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_DESC_GPA) &&
		    VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA) &&
		    VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_USED_GPA))
		TH_LOG("vq %u: QUEUE_*_GPA missing", i);
	EXPECT_EQ(VH_REGION_GPA + (a->desc_user_addr - (unsigned long)v->region),
		  q.desc_gpa);
	EXPECT_EQ(VH_REGION_GPA + (a->avail_user_addr - (unsigned long)v->region),
		  q.avail_gpa);
	EXPECT_EQ(VH_REGION_GPA + (a->used_user_addr - (unsigned long)v->region),
		  q.used_gpa);
}

/*
 * Child of the vhost tests: as nobody, QUEUE_GET by the parent's path is
 * EPERM with a message. Returns an exit code.
 */
static int unprivileged_child(const char *path)
{
	struct vs_queue q;
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
	err = vs_queue_get(&nl, VIRTIO_STATUS_A_HEADER_PATH, path, 0, &q, why,
			   sizeof(why));
	if (err != -EPERM || !nl.extack[0]) {
		fprintf(stderr, "# nobody's QUEUE_GET %s: %s, extack \"%s\" %s\n",
			path, err ? strerror(-err) : "a reply", nl.extack, why);
		return 12;
	}
	fprintf(stderr, "# nobody: QUEUE_GET %s: EPERM \"%s\"\n", path,
		nl.extack);
	vs_nl_close(&nl);
	return 0;
}

/* Where the named-holder child keeps its copies of the device and kick fd. */
#define VH_CHILD_DEV_FD		100
#define VH_CHILD_KICK_FD	101

/*
 * The kick eventfd's fd number comes from the process the path names: a
 * child holds the device and the kick eventfd under other numbers than the
 * owner (this process, which names the device in a dump), and a QUEUE_GET
 * by the child's path must give the child's number.
 */
static void check_named_holder(struct __test_metadata *_metadata,
			       struct vs_nl *nl, const struct vh_dev *v)
{
	int ready[2], go[2], status;
	char path[64], c;
	struct vs_queue q;
	pid_t child;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(v->fd, VH_CHILD_DEV_FD) < 0 ||
		    dup2(v->kick, VH_CHILD_KICK_FD) < 0)
			_exit(1);
		close(v->fd);
		close(v->kick);
		close(ready[0]);
		close(go[1]);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", child, VH_CHILD_DEV_FD);
	get_queue(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH, path, 0, true, &q);
	EXPECT_TRUE(VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_KICK_FD))
		TH_LOG("%s vq 0: no KICK_FD", path);
	EXPECT_EQ(VH_CHILD_KICK_FD, q.kick_fd)
		TH_LOG("%s vq 0: KICK_FD %u, the owner's is %d", path, q.kick_fd,
		       v->kick);
	close(go[1]);
	close(ready[0]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

FIXTURE(vqh) {
	struct vs_nl nl;
};

FIXTURE_SETUP(vqh)
{
	char why[320];
	int ret = vs_vhost_fixture_open(&self->nl, why, sizeof(why));

	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret)
		TH_LOG("%s", why);
	ASSERT_TRUE(self->nl.queue_flags & GENL_CMD_CAP_DO)
		TH_LOG("the family has no QUEUE_GET do (flags %#x)",
		       self->nl.queue_flags);
}

FIXTURE_TEARDOWN(vqh)
{
	vs_nl_close(&self->nl);
}

/*
 * The rings of a vhost device read back as set; the kick and call flags
 * follow VHOST_SET_VRING_KICK/CALL; index 2 is out of range; an
 * unprivileged caller gets EPERM. Returns false if @dev cannot be opened.
 */
static bool check_vhost(struct __test_metadata *_metadata, struct vs_nl *nl,
			const char *dev)
{
	struct vs_dev *d;
	struct vh_dev v;
	int err, status;
	pid_t child;

	err = vh_setup(_metadata, dev, &v);
	if (err) {
		TH_LOG("open %s: %s", dev, strerror(-err));
		return false;
	}
	d = malloc(sizeof(*d));
	ASSERT_NE(NULL, d);
	err = vs_get(nl, VIRTIO_STATUS_A_HEADER_PATH, v.path, d);
	ASSERT_EQ(0, err)
		TH_LOG("DEV_GET %s: %s (extack \"%s\")", v.path,
		       strerror(-err), nl->extack);
	EXPECT_EQ(VH_NVQS, d->num_vqs);
	EXPECT_EQ(v.acked, d->vhost_acked_features);
	free(d);

	check_vhost_queue(_metadata, nl, &v, 0, true, false);
	check_vhost_queue(_metadata, nl, &v, 1, false, true);
	expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH, v.path,
			  VH_NVQS, ERANGE);
	expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH, v.path,
			  UINT32_MAX, ERANGE);

	check_named_holder(_metadata, nl, &v);

	/* Unbinding the kick eventfd clears the flag. */
	err = vh_set_file(v.fd, VHOST_SET_VRING_KICK, 0, VHOST_FILE_UNBIND);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_SET_VRING_KICK unbind: %s", strerror(-err));
	check_vhost_queue(_metadata, nl, &v, 0, false, false);

	if (geteuid() != 0) {
		TH_LOG("not root: cannot check an unprivileged caller");
	} else {
		child = fork();
		ASSERT_LE(0, child);
		if (child == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(unprivileged_child(v.path));
		}
		ASSERT_EQ(child, waitpid(child, &status, 0));
		ASSERT_TRUE(WIFEXITED(status))
			TH_LOG("child died, status %#x", status);
		ASSERT_EQ(0, WEXITSTATUS(status))
			TH_LOG("unprivileged checks failed, see above");
	}
	vh_dev_close(&v);

	/* Closed: the path names nothing any more. */
	expect_queue_fail(_metadata, nl, VIRTIO_STATUS_A_HEADER_PATH, v.path, 0,
			  ENODEV);
	return true;
}

TEST_F_TIMEOUT(vqh, vhost_net, VQ_TIMEOUT)
{
	if (!check_vhost(_metadata, &self->nl, VS_VHOST_NET))
		SKIP(return, "cannot open %s", VS_VHOST_NET);
}

TEST_F_TIMEOUT(vqh, vhost_vsock, VQ_TIMEOUT)
{
	if (!check_vhost(_metadata, &self->nl, VS_VHOST_VSOCK))
		SKIP(return, "cannot open %s", VS_VHOST_VSOCK);
}

/* A fresh vhost queue: no rings, no eventfds, base 0. */
TEST_F(vqh, fresh_queue)
{
	struct vs_queue q;
	char path[64];
	unsigned int i;
	int fd;

	fd = vs_vhost_open(VS_VHOST_NET, true);
	if (fd < 0)
		SKIP(return, "cannot open %s: %s", VS_VHOST_NET,
		     strerror(-fd));
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", getpid(), fd);
	for (i = 0; i < VH_NVQS; i++) {
		get_queue(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH, path,
			  i, true, &q);
		EXPECT_EQ(0, q.desc);
		EXPECT_EQ(0, q.avail);
		EXPECT_EQ(0, q.used);
		EXPECT_EQ(0, q.last_avail_idx);
		EXPECT_EQ(0, q.avail_idx);
		EXPECT_EQ(0, q.used_idx);
		EXPECT_EQ(0, q.kick);
		EXPECT_EQ(0, q.call);
	}
	close(fd);
}

/*
 * With VIRTIO_F_ACCESS_PLATFORM acked (a VMM with a vIOMMU), the ring
 * addresses a VMM sets are IOVAs: the reply gives them as set, says so
 * (QUEUE_ADDR_IOVA) and makes no guest physical address of them, even
 * where an IOVA happens to fall in the memory table's user range (the
 * rings here are set to user addresses inside the region on purpose).
 */
TEST_F(vqh, iova)
{
	__u64 offered, acked;
	struct vs_queue q;
	struct vh_dev v;
	unsigned int i;
	int err;

	memset(&v, 0, sizeof(v));
	v.kick = -1;
	v.call = -1;
	v.fd = vs_vhost_open(VS_VHOST_NET, false);
	if (v.fd < 0)
		SKIP(return, "cannot open %s: %s", VS_VHOST_NET, strerror(-v.fd));
	snprintf(v.path, sizeof(v.path), "/proc/%d/fd/%d", getpid(), v.fd);
	ASSERT_EQ(0, ioctl(v.fd, VHOST_SET_OWNER));
	ASSERT_EQ(0, ioctl(v.fd, VHOST_GET_FEATURES, &offered));
	if (!(offered & (1ULL << VQ_F_ACCESS_PLATFORM))) {
		vh_dev_close(&v);
		SKIP(return, "vhost-net does not offer ACCESS_PLATFORM");
	}
	acked = offered & ((1ULL << VQ_F_VERSION_1) | (1ULL << VQ_F_ACCESS_PLATFORM));
	ASSERT_EQ(0, ioctl(v.fd, VHOST_SET_FEATURES, &acked))
		TH_LOG("VHOST_SET_FEATURES %#llx: %s", (unsigned long long)acked,
		       strerror(errno));
	v.region = mmap(NULL, VH_REGION_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, v.region);
	err = vh_set_mem(&v);
	ASSERT_EQ(0, err)
		TH_LOG("VHOST_SET_MEM_TABLE: %s", strerror(-err));
	for (i = 0; i < VH_NVQS; i++) {
		err = vh_set_vring(&v, i);
		ASSERT_EQ(0, err)
			TH_LOG("vq %u: %s", i, strerror(-err));
	}
	for (i = 0; i < VH_NVQS; i++) {
		get_queue(_metadata, &self->nl, VIRTIO_STATUS_A_HEADER_PATH, v.path,
			  i, true, &q);
		if (vs_queue_addr_hidden(&q))
			continue;
		EXPECT_TRUE(VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) && q.addr_iova == 1)
			TH_LOG("vq %u: no QUEUE_ADDR_IOVA", i);
		EXPECT_EQ(v.addr[i].desc_user_addr, q.desc);
		EXPECT_EQ(v.addr[i].avail_user_addr, q.avail);
		EXPECT_EQ(v.addr[i].used_user_addr, q.used);
		EXPECT_FALSE(VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_DESC_GPA) ||
			     VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA) ||
			     VS_HAS(&q, VIRTIO_STATUS_A_QUEUE_USED_GPA))
			TH_LOG("vq %u: a GPA made from an IOVA", i);
	}
	vh_dev_close(&v);
}

TEST_HARNESS_MAIN
