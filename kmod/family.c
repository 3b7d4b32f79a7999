// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio_status generic netlink family: policies, request handling and
 * message building. Device state comes from virtio.c as a struct
 * vs_virtio_info; this file never touches a device.
 */
#include <linux/capability.h>
#include <linux/virtio_status.h>
#include <net/genetlink.h>

#include "vs.h"

static struct genl_family vs_family;

static const struct nla_policy vs_dev_get_policy[] = {
	[VIRTIO_STATUS_A_DEV_PATH] = { .type = NLA_NUL_STRING,
				       .len = VIRTIO_STATUS_PATH_MAX - 1 },
	[VIRTIO_STATUS_A_DEV_BUSID] = { .type = NLA_NUL_STRING,
					.len = VIRTIO_STATUS_BUSID_MAX - 1 },
};

static size_t vs_dev_msg_size(const struct vs_virtio_info *vi)
{
	return nla_total_size(strlen(vi->path) + 1) +
	       nla_total_size(strlen(vi->busid) + 1) +
	       nla_total_size(strlen(vi->name) + 1) +
	       nla_total_size(strlen(vi->transport) + 1) +
	       nla_total_size(strlen(vi->driver) + 1) +
	       7 * nla_total_size(sizeof(u32)) +	/* index .. generation */
	       nla_total_size(sizeof(u32)) +		/* features error */
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* features */
	       2 * nla_total_size(sizeof(u8));		/* broken, failed */
}

static int vs_dev_put_attrs(struct sk_buff *skb, const struct vs_virtio_info *vi)
{
	if (nla_put_string(skb, VIRTIO_STATUS_A_DEV_PATH, vi->path) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_BUSID, vi->busid) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_NAME, vi->name) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_INDEX, vi->index) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ID, vi->id) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_VENDOR, vi->vendor) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_TRANSPORT, vi->transport) ||
	    (vi->driver[0] &&
	     nla_put_string(skb, VIRTIO_STATUS_A_DEV_DRIVER, vi->driver)) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_STATUS, vi->status) ||
	    nla_put_u64_64bit(skb, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
			      vi->driver_features, VIRTIO_STATUS_A_PAD) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_NUM_VQS, vi->num_vqs) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_DEV_BROKEN, vi->broken) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_DEV_FAILED, vi->failed) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ENDIAN, vi->endian) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_GENERATION, vi->generation))
		return -EMSGSIZE;

	if (vi->device_features_err)
		return nla_put_u32(skb, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR,
				   vi->device_features_err);
	return nla_put_u64_64bit(skb, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES,
				 vi->device_features, VIRTIO_STATUS_A_PAD);
}

/*
 * One device as one message. @cb is set for dump replies, which get the
 * consistency flag when the bus changed since the dump began.
 */
static int vs_dev_fill(struct sk_buff *skb, const struct vs_virtio_info *vi,
		       u32 portid, u32 seq, int flags, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &vs_family, flags,
			  VIRTIO_STATUS_CMD_DEV_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (vs_dev_put_attrs(skb, vi)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int vs_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *path = info->attrs[VIRTIO_STATUS_A_DEV_PATH];
	struct nlattr *busid = info->attrs[VIRTIO_STATUS_A_DEV_BUSID];
	struct netlink_ext_ack *extack = info->extack;
	struct virtio_device *vdev;
	struct vs_virtio_info vi;
	struct sk_buff *msg;
	int err;

	if (path && busid) {
		NL_SET_ERR_MSG_ATTR(extack, busid,
				    "name the device by path or by bus id, not both");
		return -EINVAL;
	}
	if (!path && !busid) {
		NL_SET_ERR_MSG(extack, "a device path or bus id is required");
		return -EINVAL;
	}

	vdev = vs_virtio_find(path ? nla_data(path) : NULL,
			      busid ? nla_data(busid) : NULL);
	if (IS_ERR(vdev)) {
		err = PTR_ERR(vdev);
		if (err == -ENODEV)
			NL_SET_ERR_MSG_ATTR(extack, path ?: busid,
					    "no virtio device has this name");
		else
			NL_SET_ERR_MSG(extack, "out of memory looking the device up");
		return err;
	}

	err = vs_virtio_read(vdev, netlink_capable(skb, CAP_NET_ADMIN), &vi);
	put_device(&vdev->dev);
	if (err == -ENODEV) {
		NL_SET_ERR_MSG_ATTR(extack, path ?: busid, "the virtio device is going away");
		return err;
	} else if (err == -EINTR) {
		NL_SET_ERR_MSG(extack, "interrupted waiting for the device lock");
		return err;
	} else if (err) {
		NL_SET_ERR_MSG(extack, "out of memory reading the device");
		return err;
	}

	msg = genlmsg_new(vs_dev_msg_size(&vi), GFP_KERNEL);
	if (!msg) {
		NL_SET_ERR_MSG(extack, "out of memory building the reply");
		err = -ENOMEM;
		goto free_info;
	}
	err = vs_dev_fill(msg, &vi, info->snd_portid, info->snd_seq, 0, NULL);
	if (WARN_ON_ONCE(err)) {
		/* vs_dev_msg_size() was short: a bug in this file. */
		NL_SET_ERR_MSG(extack, "reply did not fit its estimated size");
		nlmsg_free(msg);
		goto free_info;
	}
	vs_virtio_info_free(&vi);
	return genlmsg_reply(msg, info);

free_info:
	vs_virtio_info_free(&vi);
	return err;
}

/**
 * struct vs_dump_ctx - state of one dumpit call
 * @skb: the message being filled
 * @cb: the dump
 * @skip: devices emitted by earlier calls
 * @pos: devices walked past so far in this call
 * @privileged: the dumping socket has CAP_NET_ADMIN
 * @err: why the walk stopped early, 0 if it did not
 */
struct vs_dump_ctx {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	unsigned long skip;
	unsigned long pos;
	bool privileged;
	int err;
};

static int vs_dump_one(struct virtio_device *vdev, void *arg)
{
	struct vs_dump_ctx *ctx = arg;
	struct vs_virtio_info vi;
	int err;

	if (ctx->pos < ctx->skip) {
		ctx->pos++;
		return 0;
	}

	err = vs_virtio_read(vdev, ctx->privileged, &vi);
	if (err == -ENODEV) {
		/* Vanished under us; the generation flags the dump. */
		ctx->pos++;
		return 0;
	}
	if (err)
		goto stop;

	err = vs_dev_fill(ctx->skb, &vi, NETLINK_CB(ctx->cb->skb).portid,
			  ctx->cb->nlh->nlmsg_seq, NLM_F_MULTI, ctx->cb);
	vs_virtio_info_free(&vi);
	if (err)
		goto stop;
	ctx->pos++;
	return 0;

stop:
	ctx->err = err;
	return err;
}

/*
 * A dump resumes by position on the bus. A device added or removed between
 * two calls shifts positions, but it also changes the generation, and
 * netlink then flags the next message (or the final NLMSG_DONE) with
 * NLM_F_DUMP_INTR so that userspace starts over.
 */
static int vs_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **tb = vs_dump_attrs(cb);
	struct vs_dump_ctx ctx = {
		.skb = skb,
		.cb = cb,
		.skip = cb->args[0],
		.privileged = netlink_capable(cb->skb, CAP_NET_ADMIN),
	};

	/*
	 * Checked here rather than in a start callback: 6.1 gives start
	 * callbacks no extack, so the message would be lost there.
	 */
	if (tb && (tb[VIRTIO_STATUS_A_DEV_PATH] || tb[VIRTIO_STATUS_A_DEV_BUSID])) {
		NL_SET_ERR_MSG(cb->extack,
			       "a dump lists every device and takes no device name");
		return -EINVAL;
	}

	cb->seq = vs_virtio_generation();
	vs_virtio_for_each(vs_dump_one, &ctx);
	cb->args[0] = ctx.pos;

	if (!ctx.err || (ctx.err == -EMSGSIZE && skb->len))
		return skb->len;

	if (ctx.err == -EMSGSIZE)
		NL_SET_ERR_MSG(cb->extack, "a device does not fit in a dump message");
	else if (ctx.err == -EINTR)
		NL_SET_ERR_MSG(cb->extack, "interrupted waiting for a device lock");
	else
		NL_SET_ERR_MSG(cb->extack, "out of memory reading a device");
	return ctx.err;
}

static const struct genl_ops vs_ops[] = {
	{
		.cmd = VIRTIO_STATUS_CMD_DEV_GET,
		.policy = vs_dev_get_policy,
		.maxattr = ARRAY_SIZE(vs_dev_get_policy) - 1,
		.doit = vs_dev_get_doit,
		.dumpit = vs_dev_get_dumpit,
	},
};

static struct genl_family vs_family = {
	.name = VIRTIO_STATUS_FAMILY_NAME,
	.version = VIRTIO_STATUS_FAMILY_VERSION,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vs_ops,
	.n_ops = ARRAY_SIZE(vs_ops),
};

/**
 * vs_family_init() - register the generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int vs_family_init(void)
{
	return genl_register_family(&vs_family);
}

/**
 * vs_family_exit() - unregister the family; no handler runs afterwards
 */
void vs_family_exit(void)
{
	genl_unregister_family(&vs_family);
}
