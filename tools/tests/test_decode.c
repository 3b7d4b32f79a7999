// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. nl_decode.c, the one walker of replies, on the
 * tables generated from the spec: sizes, nests, repeated nests, what it
 * skips, cut messages; the presence masks; extended ACK messages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "test.h"

#include "nl.h"
#include "nl_decode.h"

struct fake_err {
	struct nlmsghdr nlh;
	struct nlmsgerr err;
	struct nlattr nla;
	char text[20];
};

TEST(extack_from_capped_error)
{
	struct fake_err m = { 0 };
	char buf[64];

	m.nla.nla_type = NLMSGERR_ATTR_MSG;
	m.nla.nla_len = NLA_HDRLEN + sizeof("unknown device");
	snprintf(m.text, sizeof(m.text), "%s", "unknown device");
	m.nlh.nlmsg_len = sizeof(m);
	m.nlh.nlmsg_type = NLMSG_ERROR;
	m.nlh.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	m.err.error = -ENODEV;

	EXPECT_EQ(0, vs_nl_extack(&m.nlh, sizeof(m.err), buf, sizeof(buf)));
	EXPECT_STREQ("unknown device", buf);

	/* no TLVs announced: nothing to read */
	m.nlh.nlmsg_flags = NLM_F_CAPPED;
	EXPECT_EQ(-1, vs_nl_extack(&m.nlh, sizeof(m.err), buf, sizeof(buf)));
	EXPECT_STREQ("", buf);

	/* an offset past the message */
	m.nlh.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	EXPECT_EQ(-1, vs_nl_extack(&m.nlh, sizeof(m), buf, sizeof(buf)));
}

/* Each set has its presence mask, as wide as its numbers go. */
TEST(presence_masks_per_set)
{
	u64 wide[VS_NL_PRESENT_WORDS(130)] = { 0 };
	struct vs_nl_info info;
	struct vs_nl_dev d;

	/* one word holds numbers 0-63; bit 64 is not bit 0, 129 not 1 */
	EXPECT_EQ(1, VS_NL_PRESENT_WORDS(63));
	EXPECT_EQ(2, VS_NL_PRESENT_WORDS(64));
	ASSERT_EQ(3, ARRAY_SIZE(wide));
	vs_nl_set(wide, 64);
	vs_nl_set(wide, 129);
	EXPECT_TRUE(vs_nl_has(wide, 64));
	EXPECT_TRUE(vs_nl_has(wide, 129));
	EXPECT_FALSE(vs_nl_has(wide, 0));
	EXPECT_FALSE(vs_nl_has(wide, 1));
	EXPECT_FALSE(vs_nl_has(wide, 65));
	EXPECT_EQ(0, wide[0]);
	EXPECT_EQ(1, wide[1]);
	EXPECT_EQ(BIT_ULL(1), wide[2]);
	vs_nl_clear(wide, 64);
	EXPECT_FALSE(vs_nl_has(wide, 64));
	EXPECT_FALSE(vs_nl_has(wide, -1));
	/* each struct's mask covers its set */
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_DEV_MAX), ARRAY_SIZE(d.have));
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_VHOST_MAX), ARRAY_SIZE(d.vhost.have));
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_HEADER_MAX), ARRAY_SIZE(d.header.have));
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_INFO_MAX), ARRAY_SIZE(info.have));

	memset(&d, 0, sizeof(d));
	memset(&info, 0, sizeof(info));
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	vs_info_set(&info, VIRTIO_STATUS_A_INFO_FEATURE_BITS);
	vs_info_set(&info, VIRTIO_STATUS_A_INFO_FINGERPRINT);
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_FEATURE_BITS));
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_FINGERPRINT));
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_MODE));
	EXPECT_TRUE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY));
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	EXPECT_FALSE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY));

	/* a nest's attribute marks the nest; its number is of the nest's set */
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_ERROR);
	vs_dev_header_set(&d, VIRTIO_STATUS_A_HEADER_BUSID);
	EXPECT_TRUE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_VHOST));
	EXPECT_TRUE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_HEADER));
	EXPECT_TRUE(vs_dev_vhost_has(&d, VIRTIO_STATUS_A_VHOST_ERROR));
	EXPECT_TRUE(vs_dev_header_has(&d, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_dev_header_has(&d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_FALSE(vs_dev_has(&d, VIRTIO_STATUS_A_VHOST_ERROR));
	/* without its nest, a nest's attribute is not there */
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_VHOST);
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_HEADER);
	EXPECT_FALSE(vs_dev_vhost_has(&d, VIRTIO_STATUS_A_VHOST_ERROR));
	EXPECT_FALSE(vs_dev_header_has(&d, VIRTIO_STATUS_A_HEADER_BUSID));

	/* numbers past a set's are never there, even with their bit set */
	vs_nl_set(d.have, VIRTIO_STATUS_A_DEV_MAX + 1);
	vs_nl_set(d.vhost.have, VIRTIO_STATUS_A_VHOST_MAX + 1);
	vs_nl_set(info.have, VIRTIO_STATUS_A_INFO_MAX + 1);
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_VHOST);
	EXPECT_FALSE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_MAX + 1));
	EXPECT_FALSE(vs_dev_has(&d, 64 * ARRAY_SIZE(d.have)));
	EXPECT_FALSE(vs_dev_has(&d, -1));
	EXPECT_FALSE(vs_dev_vhost_has(&d, VIRTIO_STATUS_A_VHOST_MAX + 1));
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_MAX + 1));
	EXPECT_FALSE(vs_info_has(&info, 64 * ARRAY_SIZE(info.have)));
}

/* Every attribute of every set has its uapi name, and the nests their set. */
TEST(attribute_tables_match_uapi)
{
	static const struct {
		const struct vs_nl_set *set;
		int max;
		int pad;	/* no name, not kept; 0: the set has none */
	} sets[] = {
		{ &vs_nl_header_set, VIRTIO_STATUS_A_HEADER_MAX, 0 },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_MAX, VIRTIO_STATUS_A_DEV_PAD },
		{ &vs_nl_vhost_set, VIRTIO_STATUS_A_VHOST_MAX, VIRTIO_STATUS_A_VHOST_PAD },
		{ &vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_MAX, VIRTIO_STATUS_A_QUEUE_PAD },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_MAX, 0 },
		{ &vs_nl_desc_set, VIRTIO_STATUS_A_DESC_MAX, VIRTIO_STATUS_A_DESC_PAD },
		{ &vs_nl_info_set, VIRTIO_STATUS_A_INFO_MAX, 0 },
		{ &vs_nl_event_set, VIRTIO_STATUS_A_EVENT_MAX, VIRTIO_STATUS_A_EVENT_PAD },
	};
#define NAMED(set, attr) { &vs_nl_##set##_set, VIRTIO_STATUS_##attr, "VIRTIO_STATUS_" #attr }
	static const struct {
		const struct vs_nl_set *set;
		int attr;
		const char *name;
	} names[] = {
		NAMED(header, A_HEADER_PATH), NAMED(header, A_HEADER_BUSID),
		NAMED(dev, A_DEV_HEADER), NAMED(dev, A_DEV_LIST_ONLY),
		NAMED(dev, A_DEV_BUSY), NAMED(dev, A_DEV_VHOST),
		NAMED(vhost, A_VHOST_ERROR), NAMED(vhost, A_VHOST_HOLDER_PID),
		NAMED(queue, A_QUEUE_ADDR_HIDDEN), NAMED(queue, A_QUEUE_ADDR_IOVA),
		NAMED(element, A_ELEMENT_QUEUE_INDEX), NAMED(element, A_ELEMENT_DESC),
		NAMED(desc, A_DESC_FLAGS), NAMED(info, A_INFO_FEATURE_BITS),
		NAMED(event, A_EVENT_SEQ), NAMED(event, A_EVENT_DEV),
	};
#undef NAMED
	static const struct {
		const struct vs_nl_set *set;
		int attr;
		const struct vs_nl_set *nested;
		u32 max;		/* repeated: how many are kept */
	} nests[] = {
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_HEADER, &vs_nl_header_set, 0 },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, &vs_nl_vhost_set, 0 },
		{ &vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_HEADER, &vs_nl_header_set, 0 },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_HEADER, &vs_nl_header_set, 0 },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_DESC, &vs_nl_desc_set,
		  VIRTIO_STATUS_DESCS_MAX },
		/* event-dev is a subset of dev: the dev set's table and struct */
		{ &vs_nl_event_set, VIRTIO_STATUS_A_EVENT_DEV, &vs_nl_dev_set, 0 },
	};
	char want[96];
	size_t i;
	int a;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		const struct vs_nl_set *set = sets[i].set;

		EXPECT_EQ(sets[i].max, set->max) TH_LOG("%s", set->name);
		for (a = 1; a <= set->max; a++) {
			const struct vs_nl_attr *d = &set->attrs[a];

			if (a == sets[i].pad) {
				EXPECT_EQ(0, d->type) TH_LOG("%s pad", set->name);
				continue;
			}
			ASSERT_NE(NULL, d->name) TH_LOG("%s %d", set->name, a);
			EXPECT_NE(0, d->type) TH_LOG("%s %d", set->name, a);
			EXPECT_EQ(d->type == VS_NL_NEST, !!d->nested);
			snprintf(want, sizeof(want), "VIRTIO_STATUS_%s%s",
				 set->prefix, d->name);
			EXPECT_STREQ(want, vs_nl_attr_name(set, a));
		}
		/* a number this CLI does not know, and 0: the number */
		snprintf(want, sizeof(want), "VIRTIO_STATUS_%s%d", set->prefix,
			 set->max + 1);
		EXPECT_STREQ(want, vs_nl_attr_name(set, set->max + 1));
		snprintf(want, sizeof(want), "VIRTIO_STATUS_%s0", set->prefix);
		EXPECT_STREQ(want, vs_nl_attr_name(set, 0));
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_STREQ(names[i].name, vs_nl_attr_name(names[i].set, names[i].attr));
	for (i = 0; i < ARRAY_SIZE(nests); i++) {
		const struct vs_nl_attr *d = &nests[i].set->attrs[nests[i].attr];

		EXPECT_EQ(VS_NL_NEST, d->type) TH_LOG("nest %zu", i);
		EXPECT_EQ(nests[i].nested, d->nested) TH_LOG("nest %zu", i);
		EXPECT_EQ(nests[i].max, d->max) TH_LOG("nest %zu", i);
	}
	EXPECT_EQ(VIRTIO_STATUS_HOLDERS_SENT,
		  vs_nl_vhost_set.attrs[VIRTIO_STATUS_A_VHOST_HOLDER_PID].max);
}

/* Any of the decoded structs */
union nl_obj {
	struct vs_nl_dev dev;
	struct vs_nl_queue queue;
	struct vs_nl_element element;
	struct vs_nl_info info;
	struct vs_nl_event event;
};

/**
 * decode_msg() - vs_nl_decode() of a message's attributes
 * @set: the set they are of
 * @obj: decoded into this, the struct of @set
 * @msg: the message; its attributes follow its genetlink header
 * @cut: that many bytes at their end left out
 * @e: why they were refused
 *
 * Return: what vs_nl_decode() returns.
 */
static int decode_msg(const struct vs_nl_set *set, void *obj,
		      struct nl_msg *msg, int cut, struct vs_err *e)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	vs_err_clear(e);
	return vs_nl_decode(set, obj, genlmsg_attrdata(g, 0),
			    genlmsg_attrlen(g, 0) - cut, e);
}

/* Payloads of the wrong size fail the whole message, in a nest too. */
TEST(nl_decode_attribute_sizes)
{
	static const struct {
		const struct vs_nl_set *set;	/* the message's */
		int nest;			/* @attr is in this nest; 0: not */
		int attr;
		int len;			/* bytes of "abcdefg" and its NUL */
		const char *bad;		/* the sentence's name; NULL: fine */
	} cases[] = {
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_BROKEN, 0, "VIRTIO_STATUS_A_DEV_BROKEN" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_BROKEN, 1, NULL },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_ID, 0, "VIRTIO_STATUS_A_DEV_ID" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_ID, 3, "VIRTIO_STATUS_A_DEV_ID" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_ID, 4, NULL },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 4,
		  "VIRTIO_STATUS_A_DEV_DRIVER_FEATURES" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 7,
		  "VIRTIO_STATUS_A_DEV_DRIVER_FEATURES" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 8, NULL },
		/* a string without its NUL, or empty */
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_NAME, 7, "VIRTIO_STATUS_A_DEV_NAME" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_NAME, 0, "VIRTIO_STATUS_A_DEV_NAME" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_NAME, 8, NULL },
		/* in the nests, named by their own set */
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_HEADER, VIRTIO_STATUS_A_HEADER_PATH, 3,
		  "VIRTIO_STATUS_A_HEADER_PATH" },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_HEADER, VIRTIO_STATUS_A_HEADER_PATH, 8,
		  NULL },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES,
		  4, "VIRTIO_STATUS_A_VHOST_ACKED_FEATURES" },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, VIRTIO_STATUS_A_VHOST_LOG_ENABLED, 0,
		  "VIRTIO_STATUS_A_VHOST_LOG_ENABLED" },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, VIRTIO_STATUS_A_VHOST_OWNER_PID, 2,
		  "VIRTIO_STATUS_A_VHOST_OWNER_PID" },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_DESC, VIRTIO_STATUS_A_DESC_LEN, 2,
		  "VIRTIO_STATUS_A_DESC_LEN" },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_DESC, VIRTIO_STATUS_A_DESC_ADDR, 8,
		  NULL },
		{ &vs_nl_queue_set, 0, VIRTIO_STATUS_A_QUEUE_PACKED, 0,
		  "VIRTIO_STATUS_A_QUEUE_PACKED" },
		{ &vs_nl_info_set, 0, VIRTIO_STATUS_A_INFO_FEATURE_BITS, 1,
		  "VIRTIO_STATUS_A_INFO_FEATURE_BITS" },
		{ &vs_nl_event_set, 0, VIRTIO_STATUS_A_EVENT_TIME, 4,
		  "VIRTIO_STATUS_A_EVENT_TIME" },
		{ &vs_nl_event_set, VIRTIO_STATUS_A_EVENT_DEV, VIRTIO_STATUS_A_DEV_GENERATION, 1,
		  "VIRTIO_STATUS_A_DEV_GENERATION" },
	};
	union nl_obj *obj = malloc(sizeof(*obj));
	char want[VS_MSG_MAX];
	struct nlattr *nest;
	struct nl_msg *msg;
	struct vs_err e;
	size_t i;

	ASSERT_NE(NULL, obj);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		msg = dev_msg(0);
		ASSERT_NE(NULL, msg);
		nest = NULL;
		if (cases[i].nest)
			nest = nla_nest_start(msg, cases[i].nest);
		ASSERT_EQ(0, nla_put(msg, cases[i].attr, cases[i].len, "abcdefg"));
		if (nest)
			ASSERT_EQ(0, nla_nest_end(msg, nest));
		if (!cases[i].bad) {
			EXPECT_EQ(0, decode_msg(cases[i].set, obj, msg, 0, &e))
				TH_LOG("case %zu: %s", i, e.detail);
		} else {
			EXPECT_EQ(-1, decode_msg(cases[i].set, obj, msg, 0, &e))
				TH_LOG("case %zu", i);
			snprintf(want, sizeof(want),
				 "the virtio_status module sent a malformed %s",
				 cases[i].bad);
			EXPECT_EQ(VS_ERR_MSG, e.kind);
			EXPECT_STREQ(want, e.detail);
		}
		nlmsg_free(msg);
	}

	/* a string longer than its member is cut there, NUL-terminated */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, NULL,
				"virtio0123456789012345678901234567890123456789"));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, &obj->dev, msg, 0, &e));
	EXPECT_EQ(VIRTIO_STATUS_BUSID_LEN_MAX, strlen(obj->dev.header.busid));
	EXPECT_EQ(0, strncmp("virtio0123456789", obj->dev.header.busid, 16));
	nlmsg_free(msg);
	free(obj);
}

/* Nests in nests: each decoded, cleared first, into its struct. */
TEST(nl_decode_nests)
{
	struct vs_nl_event *ev = malloc(sizeof(*ev));
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *dev, *nest;
	struct nl_msg *msg;
	struct vs_err e;

	ASSERT_NE(NULL, ev);
	ASSERT_NE(NULL, d);
	/* event -> dev -> header and dev -> vhost; attributes after a nest */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_ADD_NTF);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_SEQ, 9));
	dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV);
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, VHOST_PATH, "virtio5"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1240));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_VHOST_ERROR, "why"));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_nest_end(msg, dev));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_TIME, EV_TIME));
	memset(ev, 0xa5, sizeof(*ev));
	ASSERT_EQ(0, decode_msg(&vs_nl_event_set, ev, msg, 0, &e));
	EXPECT_EQ(9, ev->seq);
	EXPECT_EQ(EV_TIME, ev->time);
	EXPECT_TRUE(vs_nl_has(ev->have, VIRTIO_STATUS_A_EVENT_DEV));
	EXPECT_FALSE(vs_nl_has(ev->have, VIRTIO_STATUS_A_EVENT_PAD));
	EXPECT_STREQ("vhost-net", ev->dev.name);
	EXPECT_EQ(1, ev->dev.id);
	EXPECT_STREQ(VHOST_PATH, ev->dev.header.path);
	EXPECT_STREQ("virtio5", ev->dev.header.busid);
	EXPECT_TRUE(vs_dev_header_has(&ev->dev, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_TRUE(vs_dev_header_has(&ev->dev, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_EQ(1234, ev->dev.vhost.owner_pid);
	EXPECT_EQ(2, ev->dev.vhost.n_holder_pid);
	EXPECT_EQ(1240, ev->dev.vhost.holder_pid[1]);
	EXPECT_EQ(0, ev->dev.vhost.holder_pid[2]);
	EXPECT_STREQ("why", ev->dev.vhost.error);
	EXPECT_TRUE(vs_dev_vhost_has(&ev->dev, VIRTIO_STATUS_A_VHOST_ERROR));
	EXPECT_FALSE(vs_dev_vhost_has(&ev->dev, VIRTIO_STATUS_A_VHOST_HOLDERS));
	/* what the message left out is 0, not what the struct held */
	EXPECT_EQ(0, ev->dev.vhost.holders);
	EXPECT_EQ(0, ev->dev.kind);
	EXPECT_FALSE(vs_dev_has(&ev->dev, VIRTIO_STATUS_A_DEV_KIND));
	nlmsg_free(msg);

	/* an empty nest is there, with nothing in it */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_nest_end_keep_empty(msg, nest));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_VHOST));
	EXPECT_EQ(0, d->vhost.have[0]);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_HEADER));
	nlmsg_free(msg);

	/*
	 * NLA_F_NESTED, as the kernel's nla_nest_start() sets it; a nest
	 * sent twice is the second one, nothing of the first left
	 */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, "virtio0"));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER | NLA_F_NESTED, NULL,
				"virtio1"));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	EXPECT_STREQ("virtio1", d->header.busid);
	EXPECT_STREQ("", d->header.path);
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	nlmsg_free(msg);

	/* a malformed attribute deep in the nests fails the whole message */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_ADD_NTF);
	ASSERT_NE(NULL, msg);
	dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV);
	ASSERT_NE(NULL, dev);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_HEADER_BUSID, 7, "virtio0"));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_nest_end(msg, dev));
	EXPECT_EQ(-1, decode_msg(&vs_nl_event_set, ev, msg, 0, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_HEADER_BUSID");
	nlmsg_free(msg);
	free(ev);
	free(d);
}

/* Repeated nests, in order; past their array counted, not stored. */
TEST(nl_decode_repeated_descs)
{
	struct vs_nl_element *el = malloc(sizeof(*el));
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	struct vs_err e;
	u32 i, n = VIRTIO_STATUS_DESCS_MAX + 3;

	ASSERT_NE(NULL, el);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_elem_head(msg));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, put_desc(msg, 0x1000ULL * (i + 1), i, i & 7)) TH_LOG("desc %u", i);
	/* what follows them is still read */
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN, "after"));
	memset(el, 0xa5, sizeof(*el));
	ASSERT_EQ(0, decode_msg(&vs_nl_element_set, el, msg, 0, &e));
	EXPECT_EQ(n, el->n_desc);
	for (i = 0; i < VIRTIO_STATUS_DESCS_MAX; i++) {
		if (el->desc[i].addr != 0x1000ULL * (i + 1) || el->desc[i].len != i ||
		    el->desc[i].flags != (i & 7) ||
		    !vs_nl_has(el->desc[i].have, VIRTIO_STATUS_A_DESC_FLAGS)) {
			EXPECT_EQ(0, i + 1) TH_LOG("desc %u out of place", i);
			break;
		}
	}
	EXPECT_EQ(5, el->head);
	EXPECT_STREQ("after", el->addr_hidden);
	EXPECT_TRUE(vs_elem_has(el, VIRTIO_STATUS_A_ELEMENT_DESC));
	nlmsg_free(msg);
	free(el);
}

/* Numbers this CLI does not know, pads and 0 are skipped, whatever they hold. */
TEST(nl_decode_skips_unknown)
{
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, 0, 3, "abc"));
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_DEV_MAX + 1, 3, "abc"));
	ASSERT_EQ(0, nla_put(msg, 0x3fff, 1, "a"));
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_DEV_PAD, 3, "abc"));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_VHOST_MAX + 1, 1, "a"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_MEM_REGIONS, 3));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(1, d->id);
	EXPECT_EQ(3, d->vhost.mem_regions);
	EXPECT_EQ(BIT_ULL(VIRTIO_STATUS_A_DEV_VHOST) | BIT_ULL(VIRTIO_STATUS_A_DEV_ID),
		  d->have[0]);
	EXPECT_EQ(BIT_ULL(VIRTIO_STATUS_A_VHOST_MEM_REGIONS), d->vhost.have[0]);
	nlmsg_free(msg);
	free(d);
}

/* What is left after the last attribute: a cut message. */
TEST(nl_decode_cut_stream)
{
	static const char junk[3] = { 0x08, 0x00, 0x06 };
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest, *a;
	struct nl_msg *msg;
	struct vs_err e;
	int cut;

	ASSERT_NE(NULL, d);
	/* 1 to 3 bytes after the attributes, too short for a header */
	for (cut = 1; cut <= 3; cut++) {
		msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
		ASSERT_NE(NULL, msg);
		ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
		ASSERT_EQ(0, nlmsg_append(msg, (void *)junk, cut, 0));
		vs_err_clear(&e);
		EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e)) TH_LOG("%d bytes", cut);
		EXPECT_EQ(VS_ERR_MSG, e.kind);
		EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed dev message");
		nlmsg_free(msg);
	}

	/* the last attribute cut short: in its payload, in its header */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	for (cut = 1; cut < 8; cut++) {
		EXPECT_EQ(-1, decode_msg(&vs_nl_dev_set, d, msg, cut, &e)) TH_LOG("cut %d", cut);
		EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed dev message");
	}
	nlmsg_free(msg);

	/* an attribute header claiming less than itself */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	a = nla_reserve(msg, VIRTIO_STATUS_A_DEV_INDEX, 4);
	ASSERT_NE(NULL, a);
	a->nla_len = 2;
	EXPECT_EQ(-1, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed dev message");
	nlmsg_free(msg);

	/* in a nest: the nest's set is named */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_HEADER_BUSID, "virtio0"));
	ASSERT_EQ(0, nlmsg_append(msg, (void *)junk, 2, 0));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed header message");
	nlmsg_free(msg);
	free(d);
}
