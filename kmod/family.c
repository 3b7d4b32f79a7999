// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio_status generic netlink family: policies, and the glue between
 * requests, the device walkers (virtio.c, vhost.c) and the message
 * builders (msg.c). This file never touches a device.
 */
#include <linux/capability.h>
#include <linux/slab.h>
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

static const struct nla_policy vs_queue_get_policy[] = {
	[VIRTIO_STATUS_A_DEV_PATH] = { .type = NLA_NUL_STRING,
				       .len = VIRTIO_STATUS_PATH_MAX - 1 },
	[VIRTIO_STATUS_A_DEV_BUSID] = { .type = NLA_NUL_STRING,
					.len = VIRTIO_STATUS_BUSID_MAX - 1 },
	[VIRTIO_STATUS_A_QUEUE_INDEX] = { .type = NLA_U32 },
};

static const struct nla_policy vs_elem_get_policy[] = {
	[VIRTIO_STATUS_A_DEV_PATH] = { .type = NLA_NUL_STRING,
				       .len = VIRTIO_STATUS_PATH_MAX - 1 },
	[VIRTIO_STATUS_A_DEV_BUSID] = { .type = NLA_NUL_STRING,
					.len = VIRTIO_STATUS_BUSID_MAX - 1 },
	[VIRTIO_STATUS_A_QUEUE_INDEX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEM_INDEX] = { .type = NLA_U32 },
};

/* Where a reply goes: a do's reply, or a dump's next message. */
struct vs_dest {
	struct sk_buff *skb;
	u32 portid;
	u32 seq;
	int flags;
	struct netlink_callback *cb;	/* dumps: for the consistency flag */
};

/*
 * One message of @cmd at @d, its attributes written by @put (msg.c); taken
 * back if they do not fit. Dump messages get the consistency flag.
 */
static int vs_put_msg(struct vs_dest *d, u8 cmd,
		      int (*put)(struct sk_buff *skb, const void *arg), const void *arg)
{
	void *hdr = genlmsg_put(d->skb, d->portid, d->seq, &vs_family, d->flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (d->cb)
		genl_dump_check_consistent(d->cb, hdr);
	if (put(d->skb, arg)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

/* msg.c's writers, behind the one signature vs_put_msg() takes. */
static int vs_put_virtio(struct sk_buff *skb, const void *vi)
{
	return vs_msg_put_virtio(skb, vi);
}

static int vs_put_vhost(struct sk_buff *skb, const void *vi)
{
	return vs_msg_put_vhost(skb, vi, vs_virtio_generation());
}

static int vs_put_queue(struct sk_buff *skb, const void *qi)
{
	return vs_msg_put_queue(skb, qi);
}

static int vs_put_elem(struct sk_buff *skb, const void *ei)
{
	return vs_msg_put_elem(skb, ei);
}

static int vs_put_info(struct sk_buff *skb, const void *unused)
{
	return vs_msg_put_info(skb);
}

static int vs_put_event(struct sk_buff *skb, const void *ev)
{
	return vs_msg_put_event(skb, ev);
}

/* vs_vhost_dump()'s callback: one vhost device per dump message. */
static int vs_emit_vhost(const struct vs_vhost_info *vi, void *dest)
{
	return vs_put_msg(dest, VIRTIO_STATUS_CMD_DEV_GET, vs_put_vhost, vi);
}

/* A do's reply: sized for the message, sent, or an extack on failure. */
static int vs_reply(struct genl_info *info, size_t size, u8 cmd,
		    int (*put)(struct sk_buff *skb, const void *arg), const void *arg)
{
	struct vs_dest d = {
		.portid = info->snd_portid,
		.seq = info->snd_seq,
	};
	int err;

	d.skb = genlmsg_new(size, GFP_KERNEL);
	if (!d.skb) {
		NL_SET_ERR_MSG(info->extack, "out of memory building the reply");
		return -ENOMEM;
	}
	err = vs_put_msg(&d, cmd, put, arg);
	if (WARN_ON_ONCE(err)) {
		/* The size estimate was short: a bug in msg.c. */
		NL_SET_ERR_MSG(info->extack, "reply did not fit its estimated size");
		nlmsg_free(d.skb);
		return err;
	}
	return genlmsg_reply(d.skb, info);
}

/*
 * Ring and descriptor addresses are DMA, often physical, addresses (guest),
 * or addresses in another process and its guest-physical map (vhost):
 * what pagemap and /proc/PID/maps keep from all but the most privileged.
 * So they go to CAP_SYS_ADMIN in the initial user namespace only; sizes
 * and indexes go to everyone who may name the device.
 */
static bool vs_may_see_addresses(struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_SYS_ADMIN);
}

/* Errors of the vhost walker, as the sentences userspace shows. */
static void vs_vhost_extack(struct netlink_ext_ack *extack, int err)
{
	switch (err) {
	case -ENODEV:
		NL_SET_ERR_MSG(extack, "no vhost device is open at this path");
		break;
	case -EIO:
		NL_SET_ERR_MSG(extack, "vhost support is off (see the INFO command)");
		break;
	case -EBADE:
		NL_SET_ERR_MSG(extack,
			       "this vhost device could not be read (x-query-virtio-status says why)");
		break;
	case -EAGAIN:
		NL_SET_ERR_MSG(extack,
			       "a vhost module's BTF could not be read for this request; try again");
		break;
	case -EINTR:
		NL_SET_ERR_MSG(extack, "interrupted reading vhost devices");
		break;
	case -E2BIG:
		NL_SET_ERR_MSG(extack, "too many vhost file descriptors to scan");
		break;
	default:
		NL_SET_ERR_MSG(extack, "out of memory reading vhost devices");
	}
}

/*
 * A device whose lock stayed held past the request's budget (wait.c): the
 * sentence names the lock. It is one of the module's static strings, kept
 * by the extack as NL_SET_ERR_MSG() keeps its literal.
 */
static int vs_busy_extack(struct netlink_ext_ack *extack, const struct vs_wait *w)
{
	if (extack && w->busy)
		extack->_msg = w->busy;
	else
		NL_SET_ERR_MSG(extack, "a lock the device needs is held by another task");
	return -EBUSY;
}

struct vs_vhost_do {
	struct genl_info *info;
	int err;
};

static int vs_vhost_reply(const struct vs_vhost_info *vi, void *arg)
{
	struct vs_vhost_do *v = arg;

	v->err = vs_reply(v->info, vs_msg_vhost_size(vi), VIRTIO_STATUS_CMD_DEV_GET,
			  vs_put_vhost, vi);
	return 0;
}

/*
 * One decimal number of a /proc path, as procfs spells it (no sign, no
 * leading zero, no overflow), followed by @end. Return: past @end, or NULL.
 */
static const char *vs_parse_num(const char *s, const char *end, int *val)
{
	char digits[12];
	size_t n = strspn(s, "0123456789");

	if (!n || n >= sizeof(digits) || (n > 1 && s[0] == '0') ||
	    strncmp(s + n, end, strlen(end)))
		return NULL;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (kstrtoint(digits, 10, val))
		return NULL;
	return s + n + strlen(end);
}

/*
 * A "/proc/PID/fd/FD" path of a vhost device, for privileged callers:
 * 0 with @pid and @fd, or an errno with the extack set.
 */
static int vs_vhost_path(struct sk_buff *skb, struct genl_info *info,
			 struct nlattr *path, int *pid, int *fd)
{
	const char *p = (const char *)nla_data(path) + strlen("/proc/");

	if (!netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, path,
				    "vhost devices are visible with CAP_NET_ADMIN only");
		return -EPERM;
	}
	p = vs_parse_num(p, "/fd/", pid);
	if (p)
		p = vs_parse_num(p, "", fd);
	if (!p || *p || *pid <= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, path,
				    "a vhost device path is /proc/PID/fd/FD");
		return -ENODEV;
	}
	return 0;
}

/* A do for "/proc/PID/fd/FD": a vhost device. */
static int vs_vhost_doit(struct sk_buff *skb, struct genl_info *info,
			 struct nlattr *path)
{
	struct vs_vhost_do v = { .info = info };
	struct vs_wait w;
	int pid, fd, err;

	err = vs_vhost_path(skb, info, path, &pid, &fd);
	if (err)
		return err;
	vs_wait_start(&w);
	err = vs_vhost_get(pid, fd, vs_vhost_reply, &v, &w);
	if (err == -EBUSY)
		return vs_busy_extack(info->extack, &w);
	if (err) {
		vs_vhost_extack(info->extack, err);
		return err;
	}
	return v.err;
}

/* The request's virtio device, pinned, or an ERR_PTR with the extack set. */
static struct virtio_device *vs_virtio_lookup(struct genl_info *info,
					      struct nlattr *path, struct nlattr *busid)
{
	struct virtio_device *vdev;

	vdev = vs_virtio_find(path ? nla_data(path) : NULL,
			      busid ? nla_data(busid) : NULL);
	if (IS_ERR(vdev)) {
		if (PTR_ERR(vdev) == -ENODEV)
			NL_SET_ERR_MSG_ATTR(info->extack, path ?: busid,
					    "no virtio device has this name");
		else
			NL_SET_ERR_MSG(info->extack, "out of memory looking the device up");
	}
	return vdev;
}

/* Errors of reading a virtio device, as sentences. */
static int vs_virtio_extack(struct genl_info *info, struct nlattr *name, int err)
{
	if (err == -ENODEV)
		NL_SET_ERR_MSG_ATTR(info->extack, name, "the virtio device is going away");
	else if (err == -EINTR)
		NL_SET_ERR_MSG(info->extack, "interrupted waiting for the device lock");
	else if (err == -ERANGE)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[VIRTIO_STATUS_A_QUEUE_INDEX],
				    "the device has no virtqueue with this index");
	else if (err == -EPERM)
		NL_SET_ERR_MSG(info->extack,
			       "list-only mode: this kernel is untested, queues are not read (see the INFO command)");
	else if (err)
		NL_SET_ERR_MSG(info->extack, "out of memory reading the device");
	return err;
}

/* Exactly one of PATH and BUSID; the one given, or NULL with the extack set. */
static struct nlattr *vs_dev_selector(struct genl_info *info)
{
	struct nlattr *path = info->attrs[VIRTIO_STATUS_A_DEV_PATH];
	struct nlattr *busid = info->attrs[VIRTIO_STATUS_A_DEV_BUSID];

	if (path && busid) {
		NL_SET_ERR_MSG_ATTR(info->extack, busid,
				    "name the device by path or by bus id, not both");
		return NULL;
	}
	if (!path && !busid) {
		NL_SET_ERR_MSG(info->extack, "a device path or bus id is required");
		return NULL;
	}
	return path ?: busid;
}

static bool vs_is_vhost_path(struct genl_info *info)
{
	struct nlattr *path = info->attrs[VIRTIO_STATUS_A_DEV_PATH];

	return path && !strncmp(nla_data(path), "/proc/", 6);
}

static int vs_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *path = info->attrs[VIRTIO_STATUS_A_DEV_PATH];
	struct nlattr *busid = info->attrs[VIRTIO_STATUS_A_DEV_BUSID];
	struct nlattr *name = vs_dev_selector(info);
	struct virtio_device *vdev;
	struct vs_virtio_info vi;
	struct vs_wait w;
	int err;

	if (!name)
		return -EINVAL;
	if (vs_is_vhost_path(info))
		return vs_vhost_doit(skb, info, path);

	vdev = vs_virtio_lookup(info, path, busid);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	vs_wait_start(&w);
	err = vs_virtio_read(vdev, netlink_capable(skb, CAP_NET_ADMIN), &vi, &w);
	put_device(&vdev->dev);
	if (err)
		return vs_virtio_extack(info, name, err);
	if (vi.busy) {
		vs_virtio_info_free(&vi);
		return vs_busy_extack(info->extack, &w);
	}

	err = vs_reply(info, vs_msg_virtio_size(&vi), VIRTIO_STATUS_CMD_DEV_GET,
		       vs_put_virtio, &vi);
	vs_virtio_info_free(&vi);
	return err;
}

static int vs_queue_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *path = info->attrs[VIRTIO_STATUS_A_DEV_PATH];
	struct nlattr *busid = info->attrs[VIRTIO_STATUS_A_DEV_BUSID];
	struct nlattr *name = vs_dev_selector(info);
	struct virtio_device *vdev;
	struct vs_queue_info qi;
	struct vs_wait w;
	int pid, fd, err;
	u32 index;

	if (!name)
		return -EINVAL;
	if (!info->attrs[VIRTIO_STATUS_A_QUEUE_INDEX]) {
		NL_SET_ERR_MSG(info->extack, "a queue index is required");
		return -EINVAL;
	}
	index = nla_get_u32(info->attrs[VIRTIO_STATUS_A_QUEUE_INDEX]);

	vs_wait_start(&w);
	if (vs_is_vhost_path(info)) {
		err = vs_vhost_path(skb, info, path, &pid, &fd);
		if (err)
			return err;
		err = vs_vhost_get_queue(pid, fd, index, &qi, &w);
		if (err == -EBUSY)
			return vs_busy_extack(info->extack, &w);
		if (err == -ERANGE)
			return vs_virtio_extack(info, name, err);
		if (err) {
			vs_vhost_extack(info->extack, err);
			return err;
		}
	} else {
		vdev = vs_virtio_lookup(info, path, busid);
		if (IS_ERR(vdev))
			return PTR_ERR(vdev);
		err = vs_virtio_queue_read(vdev, index, &qi, &w);
		put_device(&vdev->dev);
		if (err == -EBUSY)
			return vs_busy_extack(info->extack, &w);
		if (err)
			return vs_virtio_extack(info, name, err);
	}
	qi.addr_hidden = !vs_may_see_addresses(skb);
	return vs_reply(info, vs_msg_queue_size(&qi), VIRTIO_STATUS_CMD_QUEUE_GET,
			vs_put_queue, &qi);
}

/**
 * struct vs_dump_ctx - state of one dumpit call
 * @dest: where messages go
 * @skip: virtio devices emitted by earlier calls
 * @pos: virtio devices walked past so far in this call
 * @privileged: the dumping socket has CAP_NET_ADMIN
 * @wait: this call's lock-wait budget, shared by its devices
 * @err: why the walk stopped early, 0 if it did not
 */
struct vs_dump_ctx {
	struct vs_dest dest;
	unsigned long skip;
	unsigned long pos;
	bool privileged;
	struct vs_wait wait;
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

	err = vs_virtio_read(vdev, ctx->privileged, &vi, &ctx->wait);
	if (err == -ENODEV) {
		/* Vanished under us; the generation flags the dump. */
		ctx->pos++;
		return 0;
	}
	if (err)
		goto stop;

	err = vs_put_msg(&ctx->dest, VIRTIO_STATUS_CMD_DEV_GET, vs_put_virtio, &vi);
	vs_virtio_info_free(&vi);
	if (err)
		goto stop;
	ctx->pos++;
	return 0;

stop:
	ctx->err = err;
	return err;
}

/* cb->args: [0] virtio position, [1] in the vhost part, [2] its walk */
enum { VS_CB_VIRTIO_POS, VS_CB_VHOST, VS_CB_VHOST_WALK };

/*
 * The vhost part of a dump. Its first call walks the processes once
 * (vhost.c) and keeps the walk in @cb; later calls resume its cursor.
 */
static int vs_dump_vhost(struct vs_dump_ctx *ctx, struct netlink_callback *cb)
{
	struct vs_vhost_walk *w = (struct vs_vhost_walk *)cb->args[VS_CB_VHOST_WALK];

	if (!cb->args[VS_CB_VHOST]) {
		cb->args[VS_CB_VHOST] = 1;
		w = vs_vhost_walk_new();
		/*
		 * vhost switched off, or not checkable for this request: the
		 * virtio part stands, vhost is left out.
		 */
		if (IS_ERR(w))
			return PTR_ERR(w) == -EIO || PTR_ERR(w) == -EAGAIN ? 0 : PTR_ERR(w);
		cb->args[VS_CB_VHOST_WALK] = (long)w;
	}
	return w ? vs_vhost_walk_emit(w, vs_emit_vhost, &ctx->dest, &ctx->wait) : 0;
}

/* The dump is over (or its socket closed): let go of its vhost walk. */
static int vs_dev_get_done(struct netlink_callback *cb)
{
	vs_vhost_walk_free((struct vs_vhost_walk *)cb->args[VS_CB_VHOST_WALK]);
	cb->args[VS_CB_VHOST_WALK] = 0;
	return 0;
}

/*
 * A dump resumes by position on the bus. A device added or removed between
 * two calls shifts positions, but it also changes the generation, and
 * netlink then flags the next message (or the final NLMSG_DONE) with
 * NLM_F_DUMP_INTR so that userspace starts over. vhost devices follow for
 * privileged callers, from one walk kept across the calls (vhost.c).
 */
static int vs_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **tb = vs_dump_attrs(cb);
	struct vs_dump_ctx ctx = {
		.dest = {
			.skb = skb,
			.portid = NETLINK_CB(cb->skb).portid,
			.seq = cb->nlh->nlmsg_seq,
			.flags = NLM_F_MULTI,
			.cb = cb,
		},
		.skip = cb->args[VS_CB_VIRTIO_POS],
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
	vs_wait_start(&ctx.wait);
	if (!cb->args[VS_CB_VHOST]) {
		vs_virtio_for_each(vs_dump_one, &ctx);
		cb->args[VS_CB_VIRTIO_POS] = ctx.pos;
	}
	if (!ctx.err && ctx.privileged)
		ctx.err = vs_dump_vhost(&ctx, cb);

	if (!ctx.err || (ctx.err == -EMSGSIZE && skb->len))
		return skb->len;

	if (ctx.err == -EMSGSIZE)
		NL_SET_ERR_MSG(cb->extack, "a device does not fit in a dump message");
	else if (cb->args[VS_CB_VHOST])
		vs_vhost_extack(cb->extack, ctx.err);
	else if (ctx.err == -EINTR)
		NL_SET_ERR_MSG(cb->extack, "interrupted waiting for a device lock");
	else
		NL_SET_ERR_MSG(cb->extack, "out of memory reading a device");
	return ctx.err;
}

static int vs_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vs_reply(info, vs_msg_info_size(), VIRTIO_STATUS_CMD_INFO,
			vs_put_info, NULL);
}

static int vs_elem_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *path = info->attrs[VIRTIO_STATUS_A_DEV_PATH];
	struct nlattr *busid = info->attrs[VIRTIO_STATUS_A_DEV_BUSID];
	struct nlattr *eindex = info->attrs[VIRTIO_STATUS_A_ELEM_INDEX];
	struct nlattr *name = vs_dev_selector(info);
	struct vs_elem_info ei = {};
	struct virtio_device *vdev;
	struct vs_wait w;
	int err;

	if (!name)
		return -EINVAL;
	if (!netlink_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "queue elements need CAP_NET_ADMIN");
		return -EPERM;
	}
	if (!info->attrs[VIRTIO_STATUS_A_QUEUE_INDEX]) {
		NL_SET_ERR_MSG(info->extack, "a queue index is required");
		return -EINVAL;
	}
	if (vs_is_vhost_path(info)) {
		NL_SET_ERR_MSG_ATTR(info->extack, path,
				    "queue elements are read for guest devices only");
		return -EOPNOTSUPP;
	}
	vdev = vs_virtio_lookup(info, path, busid);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	ei.descs = kcalloc(VS_ELEM_MAX_DESCS, sizeof(*ei.descs), GFP_KERNEL);
	if (!ei.descs) {
		put_device(&vdev->dev);
		NL_SET_ERR_MSG(info->extack, "out of memory reading the element");
		return -ENOMEM;
	}
	ei.addr_hidden = !vs_may_see_addresses(skb);
	vs_wait_start(&w);
	err = vs_virtio_elem_read(vdev, nla_get_u32(info->attrs[VIRTIO_STATUS_A_QUEUE_INDEX]),
				  eindex, eindex ? nla_get_u32(eindex) : 0, &ei, &w);
	put_device(&vdev->dev);
	if (err == -EBUSY)
		vs_busy_extack(info->extack, &w);
	else if (err == -EOPNOTSUPP)
		NL_SET_ERR_MSG(info->extack, "packed rings are not supported");
	else if (err == -EIO)
		NL_SET_ERR_MSG_ATTR(info->extack, eindex,
				    "the avail entry points past the descriptor table");
	else if (err)
		vs_virtio_extack(info, name, err);
	else
		err = vs_reply(info, vs_msg_elem_size(&ei), VIRTIO_STATUS_CMD_ELEMENT_GET,
			       vs_put_elem, &ei);
	kfree(ei.descs);
	return err;
}

/*
 * INFO has no policy: strict validation then rejects any attribute. The
 * notification commands (VIRTIO_STATUS_CMD_*_NTF) are the kernel's to send
 * and no op: genetlink answers a request for one with EOPNOTSUPP.
 */
static const struct genl_ops vs_ops[] = {
	{
		.cmd = VIRTIO_STATUS_CMD_DEV_GET,
		.policy = vs_dev_get_policy,
		.maxattr = ARRAY_SIZE(vs_dev_get_policy) - 1,
		.doit = vs_dev_get_doit,
		.dumpit = vs_dev_get_dumpit,
		.done = vs_dev_get_done,
	},
	{
		.cmd = VIRTIO_STATUS_CMD_INFO,
		.doit = vs_info_doit,
	},
	{
		.cmd = VIRTIO_STATUS_CMD_QUEUE_GET,
		.policy = vs_queue_get_policy,
		.maxattr = ARRAY_SIZE(vs_queue_get_policy) - 1,
		.doit = vs_queue_get_doit,
	},
	{
		.cmd = VIRTIO_STATUS_CMD_ELEMENT_GET,
		.policy = vs_elem_get_policy,
		.maxattr = ARRAY_SIZE(vs_elem_get_policy) - 1,
		.doit = vs_elem_get_doit,
	},
};

enum { VS_MCGRP_EVENTS };

static const struct genl_multicast_group vs_mcgrps[] = {
	[VS_MCGRP_EVENTS] = { .name = VIRTIO_STATUS_MCGRP_EVENTS },
};

static struct genl_family vs_family = {
	.name = VIRTIO_STATUS_FAMILY_NAME,
	.version = VIRTIO_STATUS_FAMILY_VERSION,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = vs_ops,
	.n_ops = ARRAY_SIZE(vs_ops),
	.mcgrps = vs_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vs_mcgrps),
};

/**
 * vs_family_has_listeners() - whether a socket joined the events group
 *
 * Return: true if a notification would reach someone now.
 */
bool vs_family_has_listeners(void)
{
	return genl_has_listeners(&vs_family, &init_net, VS_MCGRP_EVENTS);
}

/**
 * vs_family_notify() - send one notification to the events group
 * @ev: the notification
 *
 * Return: 0, -ENOMEM, or what netlink_broadcast() says (-ESRCH: nobody
 * listens any more, -ENOBUFS: a listener's socket overran and was told).
 */
int vs_family_notify(const struct vs_event_info *ev)
{
	struct vs_dest d = {};
	int err;

	d.skb = genlmsg_new(vs_msg_event_size(ev), GFP_KERNEL);
	if (!d.skb)
		return -ENOMEM;
	err = vs_put_msg(&d, ev->cmd, vs_put_event, ev);
	if (WARN_ON_ONCE(err)) {
		/* The size estimate was short: a bug in msg.c. */
		nlmsg_free(d.skb);
		return err;
	}
	return genlmsg_multicast(&vs_family, d.skb, 0, VS_MCGRP_EVENTS, GFP_KERNEL);
}

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
