// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. Device and info replies, built as the kernel
 * builds them, decoded: every attribute, vhost devices and their holders,
 * the newer attributes, a vhost device not read, a busy device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>

#include "test.h"

#include "nl.h"

TEST(decode_full_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, "virtio0"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "pci"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "virtio_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0x0f));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD,
			     VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, BIT60 | 1));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD,
			     VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, ~0ULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 3));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_FAILED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_BIG));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 42));

	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_STREQ(PCI_PATH, d->header.path);
	EXPECT_STREQ("virtio0", d->header.busid);
	EXPECT_STREQ("virtio-net", d->name);
	EXPECT_STREQ("pci", d->transport);
	EXPECT_STREQ("virtio_net", d->driver);
	EXPECT_EQ(1, d->id);
	EXPECT_EQ(0x1af4, d->vendor);
	EXPECT_EQ(0x0f, d->status);
	EXPECT_EQ(BIT60 | 1, d->driver_features);
	EXPECT_EQ(~0ULL, d->device_features);
	EXPECT_EQ(3, d->num_vqs);
	EXPECT_TRUE(d->broken);
	EXPECT_FALSE(d->failed);
	EXPECT_EQ(VIRTIO_STATUS_ENDIAN_BIG, d->endian);
	EXPECT_EQ(42, d->generation);
	EXPECT_TRUE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_TRUE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID));
	/* the pads are no attribute of the device */
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_PAD));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_VHOST));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	nlmsg_free(msg);
	free(d);
}

TEST(decode_features_err_and_missing)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-blk"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR, EPERM));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NAME));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_EQ(EPERM, d->device_features_err);
	EXPECT_EQ(-1, vs_dev_check_info(d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	EXPECT_TEXT(e.detail, "its reply lacks VIRTIO_STATUS_A_DEV_HEADER");
	nlmsg_free(msg);

	/* a header nest naming the device by bus id only */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, NULL, "virtio0"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-blk"));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_HEADER));
	EXPECT_TRUE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_EQ(-1, vs_dev_check_info(d, &e));
	EXPECT_TEXT(e.detail, "its reply lacks VIRTIO_STATUS_A_HEADER_PATH");
	nlmsg_free(msg);
	free(d);
}

TEST(decode_rejects_wrong_cmd_and_size)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET + 1);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VS_ERR_MSG, e.kind);
	nlmsg_free(msg);

	/* a u64 attribute of 2 bytes */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 1));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_DRIVER_FEATURES");
	nlmsg_free(msg);
	free(d);
}

TEST(decode_vhost_reply_with_holders)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "vhost_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD,
			     VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, BIT60 | 5));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 2));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_LITTLE));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 7));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_VHOST_PAD,
			     VIRTIO_STATUS_A_VHOST_ACKED_FEATURES, BIT60 | 5));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_VHOST_PAD,
			     VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES, 6));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_MEM_REGIONS, 4));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_VHOST_LOG_ENABLED, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_VHOST_STARTED, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1240));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 77));
	ASSERT_EQ(0, nla_nest_end(msg, nest));

	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, vs_dev_kind(d));
	EXPECT_STREQ(VHOST_PATH, d->header.path);
	EXPECT_STREQ("vhost_net", d->driver);
	EXPECT_STREQ("vhost", d->transport);
	EXPECT_EQ(BIT60 | 5, d->vhost.acked_features);
	EXPECT_EQ(6, d->vhost.backend_features);
	EXPECT_EQ(4, d->vhost.mem_regions);
	EXPECT_TRUE(d->vhost.log_enabled);
	EXPECT_TRUE(d->vhost.started);
	EXPECT_EQ(1234, d->vhost.owner_pid);
	ASSERT_EQ(3, d->vhost.n_holder_pid);
	EXPECT_EQ(3, vs_dev_holders(d));
	EXPECT_EQ(3, vs_dev_holders_kept(d));
	EXPECT_EQ(1234, d->vhost.holder_pid[0]);
	EXPECT_EQ(1240, d->vhost.holder_pid[1]);
	EXPECT_EQ(77, d->vhost.holder_pid[2]);
	EXPECT_TRUE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_HOLDER_PID));
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_HOLDERS));
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_PAD));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_PAD));
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	nlmsg_free(msg);
	free(d);
}

/*
 * A vhost device's reply: KIND, and a vhost nest of @n HOLDER_PIDs from
 * 100 up, HOLDERS @total if not 0.
 */
static struct nl_msg *holders_msg(u32 n, u32 total)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct nlattr *nest;
	u32 i;

	if (!msg || nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST) < 0)
		goto fail;
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	if (!nest)
		goto fail;
	for (i = 0; i < n; i++)
		if (nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 100 + i) < 0)
			goto fail;
	if (total && nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDERS, total) < 0)
		goto fail;
	if (nla_nest_end(msg, nest) < 0)
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

TEST(decode_many_holders_and_bad_holder)
{
	struct nl_msg *msg = holders_msg(VS_HOLDERS_MAX + 6, 0);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* decoded into a cleared struct; past the array: counted, not stored */
	memset(d, 0xa5, sizeof(*d));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VS_HOLDERS_MAX + 6, d->vhost.n_holder_pid);
	EXPECT_EQ(VS_HOLDERS_MAX + 6, vs_dev_holders(d));
	EXPECT_EQ(VS_HOLDERS_MAX, vs_dev_holders_kept(d));
	EXPECT_EQ(100, d->vhost.holder_pid[0]);
	EXPECT_EQ(100 + VS_HOLDERS_MAX - 1, d->vhost.holder_pid[VS_HOLDERS_MAX - 1]);
	EXPECT_EQ(0, d->vhost.holders);
	EXPECT_STREQ("", d->vhost.error);
	nlmsg_free(msg);

	/* the module sends the lowest pids and the total: the total counts */
	msg = holders_msg(VIRTIO_STATUS_HOLDERS_SENT, 5001);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(5001, vs_dev_holders(d));
	EXPECT_EQ(VIRTIO_STATUS_HOLDERS_SENT, vs_dev_holders_kept(d));
	EXPECT_EQ(100, d->vhost.holder_pid[0]);
	nlmsg_free(msg);

	/* a total below the pids sent does not hide any */
	msg = holders_msg(3, 2);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(3, vs_dev_holders(d));
	nlmsg_free(msg);

	/* a short holder pid, even after a good one, is malformed */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1));
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 2));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 3));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_VHOST_HOLDER_PID");
	nlmsg_free(msg);
	free(d);
}

TEST(decode_missing_kind_is_virtio)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* an old module's reply: no KIND */
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0x0f));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 5));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, 7));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 3));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_LITTLE));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_KIND));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VIRTIO, vs_dev_kind(d));
	EXPECT_EQ(0, vs_dev_holders(d));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	nlmsg_free(msg);

	/* and a current module's virtio reply says so */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VIRTIO, vs_dev_kind(d));
	nlmsg_free(msg);
	free(d);
}

TEST(decode_info_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_INFO);
	struct vs_nl_info info;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_VHOST_STATE,
				 VIRTIO_STATUS_VHOST_STATE_OFF));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_INFO_VHOST_REASON, "no layout for 6.13"));
	ASSERT_EQ(0, vs_info_from_msg(msg, &info, &e));
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_STATE));
	EXPECT_EQ(VIRTIO_STATUS_VHOST_STATE_OFF, info.vhost_state);
	EXPECT_STREQ("no layout for 6.13", info.vhost_reason);
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT));
	nlmsg_free(msg);

	/* a device reply is not an info reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-1, vs_info_from_msg(msg, &info, &e));
	EXPECT_EQ(VS_ERR_MSG, e.kind);
	nlmsg_free(msg);
}

TEST(decode_reply_with_new_attributes)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest;
	struct vs_fset fs;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 1));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD,
			     VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI, 0x1e));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, 3));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD,
			     VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI, 0));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_VHOST_PAD,
			     VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI, 4));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 4));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS, 5));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_LIST_ONLY, 1));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(0x1e, d->driver_features_hi);
	fs = vs_dev_driver_features(d);
	EXPECT_EQ(1, fs.w[0]);
	EXPECT_EQ(0x1e, fs.w[1]);
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI));
	fs = vs_dev_device_features(d);
	EXPECT_EQ(0, fs.w[1]);
	EXPECT_EQ(4, d->vhost.acked_features_hi);
	EXPECT_TRUE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI));
	fs = vs_dev_vhost_acked(d);
	EXPECT_EQ(4, fs.w[1]);
	EXPECT_EQ(4, d->num_vqs);
	EXPECT_EQ(5, d->device_num_vqs);
	EXPECT_EQ(5, vs_dev_num_vqs(d));
	EXPECT_TRUE(vs_dev_list_only(d));
	nlmsg_free(msg);

	/* a _HI of the wrong size is refused like any other */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI, 1));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VS_ERR_MSG, e.kind);
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI");
	nlmsg_free(msg);

	/* without _HI (an older kernel) the high word is 0, whatever is kept */
	fill_dev(d);
	d->driver_features_hi = 7;
	fs = vs_dev_driver_features(d);
	EXPECT_EQ(0, fs.w[1]);
	EXPECT_FALSE(vs_dev_list_only(d));
	free(d);
}

TEST(decode_info_reply_new_attributes)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_INFO);
	struct vs_nl_info info;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_VHOST_STATE,
				 VIRTIO_STATUS_VHOST_STATE_ON));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_GENERATION, 9));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_MODE, VIRTIO_STATUS_MODE_LIST_ONLY));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_INFO_MODE_REASON, "unknown fingerprint"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_INFO_FINGERPRINT, "abc123 7.4.1"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_FEATURE_BITS, 128));
	ASSERT_EQ(0, vs_info_from_msg(msg, &info, &e));
	EXPECT_EQ(9, info.generation);
	EXPECT_TRUE(vs_info_list_only(&info));
	EXPECT_STREQ("unknown fingerprint", info.mode_reason);
	EXPECT_STREQ("abc123 7.4.1", info.fingerprint);
	EXPECT_EQ(128, info.feature_bits);
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_FEATURE_BITS));
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_REASON));
	nlmsg_free(msg);

	msg = dev_msg(VIRTIO_STATUS_CMD_INFO);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_INFO_FEATURE_BITS, 128));
	EXPECT_EQ(-1, vs_info_from_msg(msg, &info, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_INFO_FEATURE_BITS");
	nlmsg_free(msg);
}

TEST(decode_vhost_reply_with_error)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	char sentence[2 * VS_MSG_MAX];
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, UNREAD_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "vhost_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 9));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1400));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_VHOST_ERROR, UNREAD_WHY));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1400));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1401));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDERS, 2));
	ASSERT_EQ(0, nla_nest_end(msg, nest));

	vs_err_clear(&e);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, vs_dev_kind(d));
	EXPECT_TRUE(vs_dev_vhost_error(d));
	EXPECT_STREQ(UNREAD_WHY, d->vhost.error);
	EXPECT_STREQ(UNREAD_PATH, d->header.path);
	EXPECT_STREQ("vhost-net", d->name);
	EXPECT_STREQ("vhost_net", d->driver);
	EXPECT_STREQ("vhost", d->transport);
	EXPECT_EQ(1, d->id);
	EXPECT_EQ(9, d->generation);
	EXPECT_EQ(1400, d->vhost.owner_pid);
	ASSERT_EQ(2, d->vhost.n_holder_pid);
	EXPECT_EQ(2, vs_dev_holders(d));
	EXPECT_EQ(1400, d->vhost.holder_pid[0]);
	EXPECT_EQ(1401, d->vhost.holder_pid[1]);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS));
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES));
	EXPECT_STREQ("VIRTIO_STATUS_A_VHOST_ERROR",
		     vs_nl_attr_name(&vs_nl_vhost_set, VIRTIO_STATUS_A_VHOST_ERROR));
	/* listed as any device: path and name are there */
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	/* its status is the reason, not "kernel module too old" */
	vs_err_clear(&e);
	EXPECT_EQ(-1, vs_dev_check_status(d, &e));
	EXPECT_EQ(VS_ERR_VHOST_UNREAD, e.kind);
	vs_err_sentence(&e, UNREAD_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ(UNREAD_SENTENCE, sentence);
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("a vhost device could not be read: " UNREAD_WHY, sentence);
	nlmsg_free(msg);

	/* an unterminated VHOST_ERROR is a malformed reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_VHOST_ERROR, 3, "bad"));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_VHOST_ERROR",
		     sentence);
	nlmsg_free(msg);

	/* only a vhost device can be unread */
	fill_dev(d);
	vs_dev_vhost_set(d, VIRTIO_STATUS_A_VHOST_ERROR);
	EXPECT_FALSE(vs_dev_vhost_error(d));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	free(d);
}

TEST(decode_busy_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	char sentence[2 * VS_MSG_MAX];
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* a virtio device: its identity, and which lock kept the rest out */
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, BUSY_PATH, "virtio2"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "pci"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "virtio_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_BUSY, BUSY_WHY));

	vs_err_clear(&e);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_busy(d));
	EXPECT_STREQ(BUSY_WHY, d->busy);
	EXPECT_STREQ(BUSY_PATH, d->header.path);
	EXPECT_STREQ("virtio2", d->header.busid);
	EXPECT_STREQ("virtio-net", d->name);
	EXPECT_STREQ("virtio_net", d->driver);
	EXPECT_STREQ("pci", d->transport);
	EXPECT_EQ(0x1af4, d->vendor);
	EXPECT_EQ(4, d->generation);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS));
	EXPECT_FALSE(vs_dev_vhost_error(d));
	EXPECT_STREQ("VIRTIO_STATUS_A_DEV_BUSY",
		     vs_nl_attr_name(&vs_nl_dev_set, VIRTIO_STATUS_A_DEV_BUSY));
	/* listed as any device */
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	/* its status is the lock, not "kernel module too old" */
	EXPECT_EQ(-1, vs_dev_check_status(d, &e));
	EXPECT_EQ(VS_ERR_BUSY, e.kind);
	EXPECT_EQ(EBUSY, e.errnum);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_SENTENCE, sentence);
	vs_err_sentence(&e, BUSY_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ("virtio device " BUSY_PATH " is busy: " BUSY_WHY "; try again",
		     sentence);
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("a device is busy: " BUSY_WHY "; try again", sentence);
	nlmsg_free(msg);

	/* a vhost device: identity and holders */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, BUSY_VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "vhost_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 4));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1500));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1500));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1502));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDERS, 2));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_BUSY, BUSY_VHOST_WHY));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, vs_dev_kind(d));
	EXPECT_TRUE(vs_dev_busy(d));
	EXPECT_FALSE(vs_dev_vhost_error(d));
	EXPECT_STREQ(BUSY_VHOST_WHY, d->busy);
	EXPECT_EQ(1500, d->vhost.owner_pid);
	ASSERT_EQ(2, d->vhost.n_holder_pid);
	EXPECT_EQ(1502, d->vhost.holder_pid[1]);
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	EXPECT_EQ(-1, vs_dev_check_status(d, &e));
	vs_err_sentence(&e, BUSY_VHOST_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_VHOST_SENTENCE, sentence);
	nlmsg_free(msg);

	/* an unterminated BUSY is a malformed reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, BUSY_PATH, NULL));
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_DEV_BUSY, 4, "RTNL"));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_BUSY",
		     sentence);
	nlmsg_free(msg);

	/* a reply without BUSY is not busy */
	fill_dev(d);
	EXPECT_FALSE(vs_dev_busy(d));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	free(d);
}
