// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. Ring and descriptor addresses: hidden from
 * callers without CAP_SYS_ADMIN (on the command line, over --qmp and
 * serve, and in the replies decoded), and vhost rings at I/O virtual
 * addresses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "test.h"

#include "nl.h"

/* The kernel's sentence, as VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN carries it */
#define ADDR_WHY	"ring and descriptor addresses are shown to CAP_SYS_ADMIN only"

/*
 * @q as a reply to a caller without CAP_SYS_ADMIN: no address attribute,
 * ADDR_HIDDEN with @why. The old values stay in the struct, so an answer
 * that printed them, or 0, would show.
 */
static void hide_queue_addrs(struct vs_nl_queue *q, const char *why)
{
	static const int addrs[] = {
		VIRTIO_STATUS_A_QUEUE_DESC, VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED, VIRTIO_STATUS_A_QUEUE_DESC_GPA,
		VIRTIO_STATUS_A_QUEUE_AVAIL_GPA, VIRTIO_STATUS_A_QUEUE_USED_GPA,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		vs_queue_clear(q, addrs[i]);
	snprintf(q->addr_hidden, sizeof(q->addr_hidden), "%s", why);
	vs_queue_set(q, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN);
}

/* fill_elem() as a reply to a caller without CAP_SYS_ADMIN. */
static void hide_elem_addrs(struct fake *f, const char *why)
{
	u32 i;

	for (i = 0; i < f->elem.n_desc; i++) {
		f->elem.desc[i].addr = 0;
		vs_nl_clear(f->elem.desc[i].have, VIRTIO_STATUS_A_DESC_ADDR);
	}
	snprintf(f->elem.addr_hidden, sizeof(f->elem.addr_hidden), "%s", why);
	vs_elem_set(&f->elem, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN);
}

#define WANT_GUEST_QUEUE_HIDDEN "{\"return\": {\"name\": \"virtio-net\", \"queue-index\": 1, \"inuse\": 6, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"shadow-avail-idx\": 1030, \"used-idx\": 1024, \"signalled-used\": 0, \"signalled-used-valid\": false, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"
#define WANT_VHOST_QUEUE_HIDDEN "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"
#define WANT_VHOST_RING_HIDDEN "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"num\": 256, \"desc-size\": 4096, \"avail-size\": 516, \"used-size\": 2052, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"
#define WANT_ELEM_HIDDEN "{\"return\": {\"name\": \"virtio-net\", \"index\": 5, \"descs\": [{\"len\": 12, \"flags\": [\"write\", \"next\"]}, {\"len\": 1514, \"flags\": [\"write\"]}], \"avail\": {\"flags\": 1, \"idx\": 1030, \"ring\": 5}, \"used\": {\"flags\": 0, \"idx\": 1024}, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"

#define QUEUE_HIDDEN_ERR "queue status without ring addresses: they are shown to CAP_SYS_ADMIN only (kernel: ring and descriptor addresses are shown to CAP_SYS_ADMIN only)"
#define VHOST_HIDDEN_ERR "vhost queue status without ring addresses: they are shown to CAP_SYS_ADMIN only (kernel: ring and descriptor addresses are shown to CAP_SYS_ADMIN only)"
#define ELEM_HIDDEN_ERR "queue element without descriptor addresses: they are shown to CAP_SYS_ADMIN only (kernel: ring and descriptor addresses are shown to CAP_SYS_ADMIN only)"

#define Q_GUEST	"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}}"
#define Q_VHOST	"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 0}}"
#define Q_RING	"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 0}}"
#define Q_ELEM	"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}}"

/* The address members of each answer, none of which may be there. */
static const char * const queue_addr_members[] = {
	"vring-desc", "vring-avail", "vring-used",
};

static const char * const vhost_ring_addr_members[] = {
	"desc", "avail", "used", "desc-phys", "avail-phys", "used-phys",
};

/**
 * hidden_shape() - whether an answer hides its addresses as it should
 * @o: the answer
 * @addrs: address members
 * @n: how many
 *
 * Return: whether @o has none of @addrs and ends in "addresses-hidden":
 * ADDR_WHY.
 */
static bool hidden_shape(struct json_object *o, const char * const *addrs,
			 size_t n)
{
	const char *last = NULL;
	size_t i;

	if (!o)
		return false;
	for (i = 0; i < n; i++)
		if (member(o, addrs[i]))
			return false;
	json_object_object_foreach(o, k, v) {
		(void)v;
		last = k;
	}
	return last && !strcmp(last, "addresses-hidden") &&
	       !strcmp(json_object_get_string(member(o, "addresses-hidden")),
		       ADDR_WHY);
}

TEST(addr_hidden_guest_queue_plain)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err;

	fill_guest_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* sizes and indexes as ever; the three addresses gone, not 0 */
	o = vs_json_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, queue_addr_members,
				 ARRAY_SIZE(queue_addr_members)));
	EXPECT_EQ(256, json_object_get_int(member(o, "vring-num")));
	EXPECT_EQ(6, json_object_get_int(member(o, "inuse")));
	EXPECT_EQ(1024, json_object_get_int(member(o, "used-idx")));
	json_object_put(o);

	/* pretty, too */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("-p", "x-query-virtio-queue-status",
				  "--path", "virtio0", "--queue", "1")));
	EXPECT_NE(NULL, strstr(out, "\"addresses-hidden\": \"" ADDR_WHY "\"\n"));
	EXPECT_EQ(NULL, strstr(out, "vring-desc"));
	free(out);
	free(err);
	fake_free(f);
}

TEST(addr_hidden_vhost_queue_plain)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err;

	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_QUEUE_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the owner's addresses and the guest physical ones: all gone */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, vhost_ring_addr_members,
				 ARRAY_SIZE(vhost_ring_addr_members)));
	json_object_put(o);
	o = vs_json_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, queue_addr_members,
				 ARRAY_SIZE(queue_addr_members)));
	json_object_put(o);
	fake_free(f);
}

TEST(addr_hidden_element_plain)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o, *descs;
	char *out, *err;
	size_t i;

	fill_elem(f);
	hide_elem_addrs(f, ADDR_WHY);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_ELEM_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* each descriptor is {"len", "flags"}; the object ends with why */
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(hidden_shape(o, NULL, 0));
	descs = member(o, "descs");
	ASSERT_EQ(2, json_object_array_length(descs));
	for (i = 0; i < 2; i++)
		EXPECT_TRUE(keys_in_order(json_object_array_get_idx(descs, i),
					  elem_desc_keys,
					  n_elem_desc_keys, "addr"));
	json_object_put(o);
	fake_free(f);
}

TEST(addr_hidden_qmp_is_an_error)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_guest_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	s = qmp(&be, Q_GUEST);
	EXPECT_TEXT(s, QMP_ERR(QUEUE_HIDDEN_ERR));
	free(s);
	EXPECT_EQ(1, f->queue_gets);

	/* --qmp itself: the error is the answer, the run goes on, exit 0 */
	EXPECT_EQ(0, run_cli(&be, Q_GUEST "\n{\"execute\": \"x-query-virtio\"}\n",
			     &out, &err, ARGV("--qmp")));
	EXPECT_TEXT(out, QMP_ERR(QUEUE_HIDDEN_ERR) "\n{\"return\": []}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the kernel gave no reason: the sentence stands alone */
	hide_queue_addrs(&f->queue, "");
	s = qmp(&be, Q_GUEST);
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"queue status without ring addresses: they are shown to CAP_SYS_ADMIN only\"}}");
	free(s);

	/* both vhost queue commands */
	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	s = qmp(&be, Q_VHOST);
	EXPECT_TEXT(s, QMP_ERR(QUEUE_HIDDEN_ERR));
	free(s);
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, QMP_ERR(VHOST_HIDDEN_ERR));
	free(s);

	/* an element */
	fill_dev(&f->dev);
	fill_elem(f);
	hide_elem_addrs(f, ADDR_WHY);
	s = qmp(&be, Q_ELEM);
	EXPECT_TEXT(s, QMP_ERR(ELEM_HIDDEN_ERR));
	free(s);
	fake_free(f);
}

TEST(addr_hidden_serve_is_an_error)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	fill_guest_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_SERVE(&be, true, Q_GUEST "\n",
		     QERR("GenericError", QUEUE_HIDDEN_ERR));
	fill_elem(f);
	hide_elem_addrs(f, ADDR_WHY);
	EXPECT_SERVE(&be, true, Q_ELEM "\n",
		     QERR("GenericError", ELEM_HIDDEN_ERR));
	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_SERVE(&be, true, Q_VHOST "\n" Q_RING "\n",
		     QERR("GenericError", QUEUE_HIDDEN_ERR)
		     QERR("GenericError", VHOST_HIDDEN_ERR));
	EXPECT_EQ(3, f->queue_gets);
	EXPECT_EQ(1, f->elem_gets);
	fake_free(f);
}

/* A reply with its addresses (CAP_SYS_ADMIN) answers as it always did. */
TEST(addr_shown_unchanged)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_guest_queue(&f->queue);
	fill_elem(f);
	EXPECT_FALSE(vs_queue_addr_hidden(&f->queue));
	EXPECT_FALSE(vs_elem_addr_hidden(&f->elem));
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE "\n");
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_GUEST);
	EXPECT_TEXT(s, WANT_GUEST_QUEUE);
	free(s);
	s = qmp(&be, Q_ELEM);
	EXPECT_TEXT(s, WANT_ELEM);
	free(s);
	EXPECT_SERVE(&be, true, Q_GUEST "\n" Q_ELEM "\n",
		     WANT_GUEST_QUEUE "\r\n" WANT_ELEM "\r\n");

	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);
	s = qmp(&be, Q_VHOST);
	EXPECT_TEXT(s, WANT_VHOST_QUEUE);
	free(s);

	/* addresses missing without a word why: an old or broken module, never 0 */
	fill_dev(&f->dev);
	fill_guest_queue(&f->queue);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_AVAIL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_QUEUE_AVAIL\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(decode_queue_reply_addr_hidden)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue *q = malloc(sizeof(*q));
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, q);
	/* as the module sends it to a caller without CAP_SYS_ADMIN */
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, NULL, "virtio0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN,
				    ADDR_WHY));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 1030));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 1024));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_QUEUE_NAME, "output.0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM_FREE, 250));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_PACKED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_FLAGS, 0));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_BROKEN, 0));

	ASSERT_EQ(0, vs_queue_from_msg(msg, q, &e));
	EXPECT_TRUE(vs_queue_addr_hidden(q));
	EXPECT_STREQ(ADDR_WHY, q->addr_hidden);
	EXPECT_FALSE(vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_DESC));
	EXPECT_FALSE(vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_AVAIL));
	EXPECT_FALSE(vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_USED));
	EXPECT_EQ(256, q->num);
	EXPECT_EQ(1030, q->avail_idx);
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_status(d, q)));
	EXPECT_TEXT(s, WANT_GUEST_QUEUE_HIDDEN);
	free(s);
	nlmsg_free(msg);

	/* the attribute's name, and a malformed one */
	EXPECT_STREQ("VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN",
		     vs_nl_attr_name(&vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN));
	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN, 3, "abc"));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, q, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN",
		     e.detail);
	nlmsg_free(msg);
	free(q);
	free(d);
}

/* A descriptor nest without DESC_ADDR, as sent with ADDR_HIDDEN. */
static int put_desc_noaddr(struct nl_msg *msg, u32 len, u32 flags)
{
	struct nlattr *nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);

	if (!nest ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_LEN, len) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, flags) < 0)
		return -1;
	return nla_nest_end(msg, nest);
}

TEST(decode_element_reply_addr_hidden)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_element el;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_elem_head(msg));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN,
				    ADDR_WHY));
	ASSERT_EQ(0, put_desc_noaddr(msg, 12, 3));
	ASSERT_EQ(0, put_desc_noaddr(msg, 1514, 2));

	ASSERT_EQ(0, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TRUE(vs_elem_addr_hidden(&el));
	EXPECT_STREQ(ADDR_WHY, el.addr_hidden);
	ASSERT_EQ(2, el.n_desc);
	EXPECT_EQ(12, el.desc[0].len);
	EXPECT_EQ(3, el.desc[0].flags);
	EXPECT_EQ(1514, el.desc[1].len);
	EXPECT_EQ(2, el.desc[1].flags);
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_element(d, &el)));
	EXPECT_TEXT(s, WANT_ELEM_HIDDEN);
	free(s);
	nlmsg_free(msg);

	/* without ADDR_HIDDEN a descriptor still needs its address */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_elem_head(msg));
	ASSERT_EQ(0, put_desc(msg, 0x1000a000ULL, 12, 3));
	ASSERT_EQ(0, put_desc_noaddr(msg, 1514, 2));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a VIRTIO_STATUS_A_ELEMENT_DESC with no VIRTIO_STATUS_A_DESC_ADDR");
	nlmsg_free(msg);
	free(d);
}

#define IOVA_DESC	0x10000000ULL
#define IOVA_AVAIL	0x10001000ULL
#define IOVA_USED	0x10002000ULL
#define IOVA_RING_QMP "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"desc\": 268435456, \"avail\": 268439552, \"used\": 268443648, \"num\": 256, \"desc-phys\": 268435456, \"desc-size\": 4096, \"avail-phys\": 268439552, \"avail-size\": 516, \"used-phys\": 268443648, \"used-size\": 2052}}"
#define IOVA_RING_CLI "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"desc\": 268435456, \"avail\": 268439552, \"used\": 268443648, \"num\": 256, \"desc-phys\": 268435456, \"desc-size\": 4096, \"avail-phys\": 268439552, \"avail-size\": 516, \"used-phys\": 268443648, \"used-size\": 2052, \"addresses-are-iova\": true}}"
#define IOVA_QUEUE_QMP "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 268435456, \"vring-avail\": 268439552, \"vring-used\": 268443648, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false}}"
#define IOVA_QUEUE_CLI "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 268435456, \"vring-avail\": 268439552, \"vring-used\": 268443648, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false, \"addresses-are-iova\": true}}"

/* fill_vhost_queue() as sent when the owner acked ACCESS_PLATFORM. */
static void fill_vhost_queue_iova(struct vs_nl_queue *q)
{
	fill_vhost_queue(q);
	q->desc = IOVA_DESC;
	q->avail = IOVA_AVAIL;
	q->used = IOVA_USED;
	vs_queue_clear(q, VIRTIO_STATUS_A_QUEUE_DESC_GPA);
	vs_queue_clear(q, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA);
	vs_queue_clear(q, VIRTIO_STATUS_A_QUEUE_USED_GPA);
	q->addr_iova = true;
	vs_queue_set(q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA);
}

TEST(vhost_ring_iova)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err, *s;

	fill_vhost(&f->dev);
	fill_vhost_queue_iova(&f->queue);
	EXPECT_TRUE(vs_queue_addr_iova(&f->queue));
	/* each phys is its IOVA, as QEMU answers; ours says what they are */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, IOVA_RING_CLI "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, IOVA_QUEUE_CLI "\n");
	free(out);
	free(err);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(json_object_get_boolean(member(o, "addresses-are-iova")));
	json_object_put(o);

	/* over QMP: QEMU's shape alone, every member there */
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, IOVA_RING_QMP);
	free(s);
	s = qmp(&be, Q_VHOST);
	EXPECT_TEXT(s, IOVA_QUEUE_QMP);
	free(s);
	EXPECT_SERVE(&be, true, Q_RING "\n" Q_VHOST "\n",
		     IOVA_RING_QMP "\r\n" IOVA_QUEUE_QMP "\r\n");
	o = vs_json_vhost_queue_status_qmp(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, vhost_ring_keys, n_vhost_ring_keys, NULL));
	json_object_put(o);

	/* a GPA sent all the same is no guest physical address of an IOVA */
	f->queue.desc_gpa = 0x41000;
	vs_queue_set(&f->queue, VIRTIO_STATUS_A_QUEUE_DESC_GPA);
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, IOVA_RING_QMP);
	free(s);

	/* hidden addresses: nothing to say of them */
	hide_queue_addrs(&f->queue, ADDR_WHY);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, vhost_ring_addr_members,
				 ARRAY_SIZE(vhost_ring_addr_members)));
	json_object_put(o);
	o = vs_json_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, queue_addr_members,
				 ARRAY_SIZE(queue_addr_members)));
	json_object_put(o);

	/* ADDR_IOVA 0: user addresses and GPAs, as ever */
	fill_vhost_queue(&f->queue);
	f->queue.addr_iova = false;
	vs_queue_set(&f->queue, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA);
	EXPECT_FALSE(vs_queue_addr_iova(&f->queue));
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING "\n");
	free(out);
	free(err);

	/* a guest queue's addresses are DMA addresses: the flag is not ours */
	fill_dev(&f->dev);
	fill_guest_queue(&f->queue);
	f->queue.addr_iova = true;
	vs_queue_set(&f->queue, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE "\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(decode_vhost_queue_reply_iova)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue q;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* as the module sends it: IOVAs, the flag, no GPA */
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_DESC, IOVA_DESC));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_AVAIL, IOVA_AVAIL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_USED, IOVA_USED));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 2));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 65534));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_KICK, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_CALL, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_KICK_FD, 31));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_CALL_FD, 32));

	ASSERT_EQ(0, vs_queue_from_msg(msg, &q, &e));
	EXPECT_TRUE(vs_queue_addr_iova(&q));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_DESC_GPA));
	EXPECT_EQ(IOVA_DESC, q.desc);
	EXPECT_STREQ("VIRTIO_STATUS_A_QUEUE_ADDR_IOVA",
		     vs_nl_attr_name(&vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA));
	fill_vhost(d);
	s = text_of(vs_qmp_return(vs_json_vhost_queue_status(d, &q)));
	EXPECT_TEXT(s, IOVA_RING_CLI);
	free(s);
	s = text_of(vs_qmp_return(vs_json_vhost_queue_status_qmp(d, &q)));
	EXPECT_TEXT(s, IOVA_RING_QMP);
	free(s);
	s = text_of(vs_qmp_return(vs_json_queue_status_qmp(d, &q)));
	EXPECT_TEXT(s, IOVA_QUEUE_QMP);
	free(s);
	nlmsg_free(msg);

	/* an empty ADDR_IOVA is a malformed reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA, 0, NULL));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, &q, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_QUEUE_ADDR_IOVA",
		     e.detail);
	nlmsg_free(msg);
	free(d);
}
