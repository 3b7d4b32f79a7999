// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. Queue and element replies, built as the kernel
 * builds them, decoded; and the replies refused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "test.h"

#include "nl.h"

TEST(decode_guest_queue_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue q;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, NULL, "virtio0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_QUEUE_NAME, "output.0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM_FREE, 250));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_DESC, GUEST_DESC));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_AVAIL, GUEST_AVAIL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_USED, GUEST_USED));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_PACKED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 1030));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 1024));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_FLAGS, 0));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_BROKEN, 0));

	ASSERT_EQ(0, vs_queue_from_msg(msg, &q, &e));
	EXPECT_EQ(1, q.index);
	EXPECT_STREQ("output.0", q.name);
	EXPECT_EQ(256, q.num);
	EXPECT_EQ(250, q.num_free);
	EXPECT_EQ(GUEST_DESC, q.desc);
	EXPECT_EQ(GUEST_AVAIL, q.avail);
	EXPECT_EQ(GUEST_USED, q.used);
	EXPECT_FALSE(q.packed);
	EXPECT_EQ(1030, q.avail_idx);
	EXPECT_EQ(1024, q.used_idx);
	EXPECT_EQ(1, q.avail_flags);
	EXPECT_TRUE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_USED_FLAGS));
	EXPECT_STREQ("virtio0", q.header.busid);
	EXPECT_TRUE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_HEADER));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_PAD));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_KICK_FD));
	/* decoded, it answers exactly as the fixture does */
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_status(d, &q)));
	EXPECT_TEXT(s, WANT_GUEST_QUEUE);
	free(s);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_vhost_queue_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue q;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_DESC, 0x7f0000001000ULL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_AVAIL, 0x7f0000002000ULL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_USED, 0x7f0000003000ULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 2));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 65534));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_KICK, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_CALL, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_KICK_FD, 31));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_CALL_FD, 32));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_DESC_GPA, 0x41000));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_AVAIL_GPA, 0x42000));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD,
			     VIRTIO_STATUS_A_QUEUE_USED_GPA, 0x43000));

	ASSERT_EQ(0, vs_queue_from_msg(msg, &q, &e));
	EXPECT_TRUE(q.kick);
	EXPECT_TRUE(q.call);
	EXPECT_EQ(31, q.kick_fd);
	EXPECT_EQ(32, q.call_fd);
	EXPECT_EQ(1, q.last_avail_idx);
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_NUM_FREE));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_NAME));
	/* decoded, it answers exactly as the fixture does */
	fill_vhost(d);
	s = text_of(vs_qmp_return(vs_json_vhost_queue_status(d, &q)));
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);
	s = text_of(vs_qmp_return(vs_json_queue_status(d, &q)));
	EXPECT_TEXT(s, WANT_VHOST_QUEUE);
	free(s);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_queue_rejects_wrong_cmd_and_size)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_queue q;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, &q, &e));
	EXPECT_STREQ("the virtio_status module answered with command 1, expected 3",
		     e.detail);
	nlmsg_free(msg);

	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, &q, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_QUEUE_NUM",
		     e.detail);
	nlmsg_free(msg);
}

TEST(decode_element_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_element el;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_elem_head(msg));
	ASSERT_EQ(0, put_desc(msg, 0x1000a000ULL, 12, 3));
	ASSERT_EQ(0, put_desc(msg, 0x1000b000ULL, 1514, 2));

	ASSERT_EQ(0, vs_elem_from_msg(msg, &el, &e));
	EXPECT_EQ(1, el.queue_index);
	EXPECT_EQ(1029, el.index);
	EXPECT_EQ(5, el.head);
	EXPECT_EQ(1030, el.avail_idx);
	EXPECT_EQ(1, el.avail_flags);
	EXPECT_EQ(1024, el.used_idx);
	EXPECT_EQ(0, el.used_flags);
	EXPECT_STREQ("virtio0", el.header.busid);
	EXPECT_TRUE(vs_nl_has(el.header.have, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_nl_has(el.header.have, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_TRUE(vs_elem_has(&el, VIRTIO_STATUS_A_ELEMENT_HEADER));
	EXPECT_TRUE(vs_elem_has(&el, VIRTIO_STATUS_A_ELEMENT_DESC));
	EXPECT_TRUE(vs_elem_has(&el, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS));
	EXPECT_FALSE(vs_elem_addr_hidden(&el));
	ASSERT_EQ(2, el.n_desc);
	/* in chain order */
	EXPECT_EQ(0x1000a000ULL, el.desc[0].addr);
	EXPECT_EQ(12, el.desc[0].len);
	EXPECT_EQ(3, el.desc[0].flags);
	EXPECT_EQ(0x1000b000ULL, el.desc[1].addr);
	EXPECT_EQ(1514, el.desc[1].len);
	EXPECT_EQ(2, el.desc[1].flags);
	/* each descriptor has its own presence mask; the pad is not in it */
	EXPECT_TRUE(vs_nl_has(el.desc[1].have, VIRTIO_STATUS_A_DESC_ADDR));
	EXPECT_FALSE(vs_nl_has(el.desc[1].have, VIRTIO_STATUS_A_DESC_PAD));
	/* the slots past the chain are untouched */
	EXPECT_EQ(0, el.desc[2].have[0] | el.desc[2].len);
	/* decoded, it answers exactly as the fixture does */
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_element(d, &el)));
	EXPECT_TEXT(s, WANT_ELEM);
	free(s);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_element_rejects_bad_descs)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct vs_nl_element el;
	struct vs_err e;

	/* the wrong command */
	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_STREQ("the virtio_status module answered with command 3, expected 4",
		     e.detail);
	nlmsg_free(msg);

	/* a descriptor without its length */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_desc(msg, 0x1000, 8, 1));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u64(msg, VIRTIO_STATUS_A_DESC_ADDR, 0x2000));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, 0));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a VIRTIO_STATUS_A_ELEMENT_DESC with no VIRTIO_STATUS_A_DESC_LEN");
	nlmsg_free(msg);

	/* a 4-byte address */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_ADDR, 0x2000));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_LEN, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, 0));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_DESC_ADDR");
	nlmsg_free(msg);

	/* a 2-byte head */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_ELEMENT_HEAD, 5));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_ELEMENT_HEAD",
		     e.detail);
	nlmsg_free(msg);
}
