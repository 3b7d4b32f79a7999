// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio_status generic netlink family: one engine for its requests,
 * the dev-get dump and the notifications. The policies and the op table
 * are generated from uapi/virtio_status.yaml (vs_nl_gen.c); what each
 * request command takes, who may send it, how its device is read and how
 * its reply is written is one row of vs_requests below, and vs_doit()
 * runs any row. The device walkers (virtio.c, vhost.c) read, the message
 * builders (msg.c) write: this file never touches a device.
 */
#include <linux/cache.h>
#include <linux/capability.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_status.h>
#include <net/genetlink.h>

#include "vs.h"
#include "vs_nl_gen.h"

static struct genl_family vs_family;

/**
 * struct vs_req - one request, from its attributes to its reply
 * @skb: the request, for its sender's capabilities
 * @info: its attributes and extack
 * @name: the device its header names, for the reply's header
 * @name_attr: the header attribute that names it, for error reports
 * @vhost: @name is a vhost device's path: fd @fd of process @pid
 * @pid: the process a vhost path names, in the sender's pid namespace
 * @fd: its fd on the vhost device
 * @qattr: the queue index attribute, for commands that need one
 * @qindex: its value
 * @addr_hidden: the reply leaves ring and descriptor addresses out (the
 *	sender lacks CAP_SYS_ADMIN)
 * @wait: the request's lock-wait budget
 * @virtio: dev-get of a virtio device: what prepare read
 * @vhost_dev: dev-get of a vhost device: what prepare read
 * @queue: queue-get: what prepare read
 * @elem: element-get: what prepare read
 */
struct vs_req {
	struct sk_buff *skb;
	struct genl_info *info;
	struct vs_dev_name name;
	struct nlattr *name_attr;
	bool vhost;
	int pid;
	int fd;
	struct nlattr *qattr;
	u32 qindex;
	bool addr_hidden;
	struct vs_wait wait;
	union {
		struct vs_virtio_info virtio;
		struct vs_vhost_info vhost_dev;
		struct vs_queue_info queue;
		struct vs_elem_info elem;
	};
};

/**
 * struct vs_req_ops - how one request command is answered
 * @hdr_attr: the header nest's attribute in the command's set: the request
 *	names its device there (exactly one of path and bus id). 0: the
 *	command names no device and takes no attribute at all.
 * @qindex_attr: the queue index attribute the request must carry; 0: none
 * @net_admin_only: the command needs CAP_NET_ADMIN, whatever the device:
 *	the sentence a sender without it gets. NULL: any sender (a vhost
 *	device still needs CAP_NET_ADMIN).
 * @guest_only: the command reads guest devices only: the sentence a vhost
 *	device's path gets. NULL: vhost paths are taken.
 * @addresses: the reply carries ring or descriptor addresses, which go
 *	to CAP_SYS_ADMIN senders only (vs_req.addr_hidden)
 * @prepare: looks the device up and reads it into the request, within its
 *	lock-wait budget; on failure sets the extack and keeps nothing.
 *	NULL: nothing to read.
 * @reply_size: room the reply's attributes take, an upper bound
 * @fill: writes the reply's attributes (msg.c)
 * @cleanup: releases what a successful @prepare kept; NULL: nothing
 */
struct vs_req_ops {
	u16 hdr_attr;
	u16 qindex_attr;
	const char *net_admin_only;
	const char *guest_only;
	bool addresses;
	int (*prepare)(struct vs_req *req);
	size_t (*reply_size)(const struct vs_req *req);
	int (*fill)(struct sk_buff *skb, const struct vs_req *req);
	void (*cleanup)(struct vs_req *req);
};

/* Where a dump or notification message goes. */
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

static int vs_put_event(struct sk_buff *skb, const void *ev)
{
	return vs_msg_put_event(skb, ev);
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
 * NL_SET_ERR_MSG_ATTR() for a sentence that is not a literal at the call:
 * one of the module's static strings (vs_requests, wait.c), which the
 * extack keeps as NL_SET_ERR_MSG() keeps its literal.
 */
static void vs_extack_set(struct netlink_ext_ack *extack, const struct nlattr *attr,
			  const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack)
		extack->_msg = msg;
	NL_SET_BAD_ATTR(extack, attr);
}

/*
 * A device whose lock stayed held past the request's budget (wait.c): the
 * sentence names the lock.
 */
static int vs_busy_extack(struct netlink_ext_ack *extack, const struct vs_wait *w)
{
	if (w->busy)
		vs_extack_set(extack, NULL, w->busy);
	else
		NL_SET_ERR_MSG(extack, "a lock the device needs is held by another task");
	return -EBUSY;
}

/* Errors of reading a virtio device, as sentences. */
static int vs_virtio_extack(const struct vs_req *req, int err)
{
	struct netlink_ext_ack *extack = req->info->extack;

	if (err == -ENODEV)
		NL_SET_ERR_MSG_ATTR(extack, req->name_attr, "the virtio device is going away");
	else if (err == -EINTR)
		NL_SET_ERR_MSG(extack, "interrupted waiting for the device lock");
	else if (err == -ERANGE)
		NL_SET_ERR_MSG_ATTR(extack, req->qattr,
				    "the device has no virtqueue with this index");
	else if (err == -EPERM)
		NL_SET_ERR_MSG(extack,
			       "list-only mode: this kernel is untested, queues are not read (see the INFO command)");
	else if (err)
		NL_SET_ERR_MSG(extack, "out of memory reading the device");
	return err;
}

/* The request's virtio device, pinned, or an ERR_PTR with the extack set. */
static struct virtio_device *vs_req_virtio(const struct vs_req *req)
{
	struct virtio_device *vdev;

	vdev = vs_virtio_find(req->name.path, req->name.busid);
	if (IS_ERR(vdev)) {
		if (PTR_ERR(vdev) == -ENODEV)
			NL_SET_ERR_MSG_ATTR(req->info->extack, req->name_attr,
					    "no virtio device has this name");
		else
			NL_SET_ERR_MSG(req->info->extack,
				       "out of memory looking the device up");
	}
	return vdev;
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
 * A "/proc/PID/fd/FD" path of a vhost device, for privileged senders:
 * 0 with the request's pid and fd, or an errno with the extack set.
 */
static int vs_req_vhost_path(struct vs_req *req)
{
	struct netlink_ext_ack *extack = req->info->extack;
	const char *p = req->name.path + strlen("/proc/");

	if (!netlink_capable(req->skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(extack, req->name_attr,
				    "vhost devices are visible with CAP_NET_ADMIN only");
		return -EPERM;
	}
	p = vs_parse_num(p, "/fd/", &req->pid);
	if (p)
		p = vs_parse_num(p, "", &req->fd);
	if (!p || *p || req->pid <= 0) {
		NL_SET_ERR_MSG_ATTR(extack, req->name_attr,
				    "a vhost device path is /proc/PID/fd/FD");
		return -ENODEV;
	}
	return 0;
}

/*
 * The device the request's header nest names: exactly one of path and bus
 * id (a missing header names neither). genetlink validated the nest
 * against the header policy already; parsing it again gives its members.
 */
static int vs_req_name(struct vs_req *req, const struct vs_req_ops *ops)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct nlattr *tb[VIRTIO_STATUS_A_HEADER_MAX + 1] = {};
	struct nlattr *hdr = req->info->attrs[ops->hdr_attr];
	struct nlattr *path, *busid;
	int err;

	if (hdr) {
		err = nla_parse_nested(tb, VIRTIO_STATUS_A_HEADER_MAX, hdr,
				       virtio_status_header_nl_policy, extack);
		if (err)
			return err;
	}
	path = tb[VIRTIO_STATUS_A_HEADER_PATH];
	busid = tb[VIRTIO_STATUS_A_HEADER_BUSID];
	if (path && busid) {
		NL_SET_ERR_MSG_ATTR(extack, busid,
				    "name the device by path or by bus id, not both");
		return -EINVAL;
	}
	if (!path && !busid) {
		NL_SET_ERR_MSG(extack, "a device path or bus id is required");
		return -EINVAL;
	}
	req->name_attr = path ?: busid;
	req->name.path = path ? nla_data(path) : NULL;
	req->name.busid = busid ? nla_data(busid) : NULL;
	req->vhost = path && !strncmp(req->name.path, "/proc/", strlen("/proc/"));
	return 0;
}

/*
 * What every request is checked for before its device is looked at, in
 * this order: its attributes, the name of its device, who sent it, its
 * queue index, a vhost path.
 */
static int vs_req_parse(struct vs_req *req, const struct vs_req_ops *ops)
{
	struct genl_info *info = req->info;
	int err;

	/*
	 * A command without a request policy: genetlink's split ops parse
	 * nothing for it (6.1 rejects every attribute before we run).
	 */
	if (!ops->hdr_attr) {
		if (genlmsg_len(info->genlhdr) > 0) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    nlmsg_attrdata(info->nlhdr, GENL_HDRLEN),
					    "this request takes no attributes");
			return -EINVAL;
		}
		return 0;
	}

	err = vs_req_name(req, ops);
	if (err)
		return err;
	if (ops->net_admin_only && !netlink_capable(req->skb, CAP_NET_ADMIN)) {
		vs_extack_set(info->extack, NULL, ops->net_admin_only);
		return -EPERM;
	}
	if (ops->qindex_attr) {
		req->qattr = info->attrs[ops->qindex_attr];
		if (!req->qattr) {
			NL_SET_ERR_MSG(info->extack, "a queue index is required");
			return -EINVAL;
		}
		req->qindex = nla_get_u32(req->qattr);
	}
	if (req->vhost) {
		if (ops->guest_only) {
			vs_extack_set(info->extack, req->name_attr, ops->guest_only);
			return -EOPNOTSUPP;
		}
		err = vs_req_vhost_path(req);
		if (err)
			return err;
	}
	/*
	 * Ring and descriptor addresses are DMA, often physical, addresses
	 * (guest), or addresses in another process and its guest-physical
	 * map (vhost): what pagemap and /proc/PID/maps keep from all but the
	 * most privileged. So they go to CAP_SYS_ADMIN in the initial user
	 * namespace only; sizes and indexes go to everyone who may name the
	 * device.
	 */
	if (ops->addresses)
		req->addr_hidden = !netlink_capable(req->skb, CAP_SYS_ADMIN);
	return 0;
}

/* dev-get */

static int vs_dev_prepare(struct vs_req *req)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct virtio_device *vdev;
	int err;

	if (req->vhost) {
		err = vs_vhost_get(req->pid, req->fd, &req->vhost_dev, &req->wait);
		if (err == -EBUSY)
			return vs_busy_extack(extack, &req->wait);
		if (err)
			vs_vhost_extack(extack, err);
		return err;
	}

	vdev = vs_req_virtio(req);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	err = vs_virtio_read(vdev, netlink_capable(req->skb, CAP_NET_ADMIN),
			     &req->virtio, &req->wait);
	put_device(&vdev->dev);
	if (err)
		return vs_virtio_extack(req, err);
	if (req->virtio.busy) {
		vs_virtio_info_free(&req->virtio);
		return vs_busy_extack(extack, &req->wait);
	}
	return 0;
}

static size_t vs_dev_reply_size(const struct vs_req *req)
{
	return req->vhost ? vs_msg_vhost_size(&req->vhost_dev) :
			    vs_msg_virtio_size(&req->virtio);
}

static int vs_dev_fill(struct sk_buff *skb, const struct vs_req *req)
{
	if (req->vhost)
		return vs_msg_put_vhost(skb, &req->vhost_dev, vs_virtio_generation());
	return vs_msg_put_virtio(skb, &req->virtio);
}

static void vs_dev_cleanup(struct vs_req *req)
{
	if (req->vhost)
		vs_vhost_info_free(&req->vhost_dev);
	else
		vs_virtio_info_free(&req->virtio);
}

/* info */

static size_t vs_info_reply_size(const struct vs_req *req)
{
	return vs_msg_info_size();
}

static int vs_info_fill(struct sk_buff *skb, const struct vs_req *req)
{
	return vs_msg_put_info(skb);
}

/* queue-get */

static int vs_queue_prepare(struct vs_req *req)
{
	struct netlink_ext_ack *extack = req->info->extack;
	struct virtio_device *vdev;
	int err;

	if (req->vhost) {
		err = vs_vhost_get_queue(req->pid, req->fd, req->qindex, &req->queue,
					 &req->wait);
		if (err == -EBUSY)
			return vs_busy_extack(extack, &req->wait);
		if (err == -ERANGE)
			return vs_virtio_extack(req, err);
		if (err) {
			vs_vhost_extack(extack, err);
			return err;
		}
	} else {
		vdev = vs_req_virtio(req);
		if (IS_ERR(vdev))
			return PTR_ERR(vdev);
		err = vs_virtio_queue_read(vdev, req->qindex, &req->queue, &req->wait);
		put_device(&vdev->dev);
		if (err == -EBUSY)
			return vs_busy_extack(extack, &req->wait);
		if (err)
			return vs_virtio_extack(req, err);
	}
	req->queue.addr_hidden = req->addr_hidden;
	return 0;
}

static size_t vs_queue_reply_size(const struct vs_req *req)
{
	return vs_msg_queue_size(&req->name, &req->queue);
}

static int vs_queue_fill(struct sk_buff *skb, const struct vs_req *req)
{
	return vs_msg_put_queue(skb, &req->name, &req->queue);
}

/* element-get */

static int vs_elem_prepare(struct vs_req *req)
{
	struct nlattr *eindex = req->info->attrs[VIRTIO_STATUS_A_ELEMENT_INDEX];
	struct netlink_ext_ack *extack = req->info->extack;
	struct vs_elem_info *ei = &req->elem;
	struct virtio_device *vdev;
	int err;

	vdev = vs_req_virtio(req);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	ei->descs = kcalloc(VS_ELEM_MAX_DESCS, sizeof(*ei->descs), GFP_KERNEL);
	if (!ei->descs) {
		put_device(&vdev->dev);
		NL_SET_ERR_MSG(extack, "out of memory reading the element");
		return -ENOMEM;
	}
	ei->addr_hidden = req->addr_hidden;
	err = vs_virtio_elem_read(vdev, req->qindex, eindex,
				  eindex ? nla_get_u32(eindex) : 0, ei, &req->wait);
	put_device(&vdev->dev);
	if (!err)
		return 0;

	if (err == -EBUSY)
		vs_busy_extack(extack, &req->wait);
	else if (err == -EOPNOTSUPP)
		NL_SET_ERR_MSG(extack, "packed rings are not supported");
	else if (err == -EIO)
		NL_SET_ERR_MSG_ATTR(extack, eindex,
				    "the avail entry points past the descriptor table");
	else
		vs_virtio_extack(req, err);
	kfree(ei->descs);
	ei->descs = NULL;
	return err;
}

static size_t vs_elem_reply_size(const struct vs_req *req)
{
	return vs_msg_elem_size(&req->name, &req->elem);
}

static int vs_elem_fill(struct sk_buff *skb, const struct vs_req *req)
{
	return vs_msg_put_elem(skb, &req->name, &req->elem);
}

static void vs_elem_cleanup(struct vs_req *req)
{
	kfree(req->elem.descs);
	req->elem.descs = NULL;
}

/*
 * The request commands, by command. The notification commands
 * (VIRTIO_STATUS_CMD_*_NTF) are the kernel's to send and have no op:
 * genetlink answers a request for one with EOPNOTSUPP.
 */
static const struct vs_req_ops vs_requests[] = {
	[VIRTIO_STATUS_CMD_DEV_GET] = {
		.hdr_attr = VIRTIO_STATUS_A_DEV_HEADER,
		.prepare = vs_dev_prepare,
		.reply_size = vs_dev_reply_size,
		.fill = vs_dev_fill,
		.cleanup = vs_dev_cleanup,
	},
	[VIRTIO_STATUS_CMD_INFO] = {
		.reply_size = vs_info_reply_size,
		.fill = vs_info_fill,
	},
	[VIRTIO_STATUS_CMD_QUEUE_GET] = {
		.hdr_attr = VIRTIO_STATUS_A_QUEUE_HEADER,
		.qindex_attr = VIRTIO_STATUS_A_QUEUE_INDEX,
		.addresses = true,
		.prepare = vs_queue_prepare,
		.reply_size = vs_queue_reply_size,
		.fill = vs_queue_fill,
	},
	[VIRTIO_STATUS_CMD_ELEMENT_GET] = {
		.hdr_attr = VIRTIO_STATUS_A_ELEMENT_HEADER,
		.qindex_attr = VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX,
		.net_admin_only = "queue elements need CAP_NET_ADMIN",
		.guest_only = "queue elements are read for guest devices only",
		.addresses = true,
		.prepare = vs_elem_prepare,
		.reply_size = vs_elem_reply_size,
		.fill = vs_elem_fill,
		.cleanup = vs_elem_cleanup,
	},
};

/**
 * vs_doit() - answer one request of any request command
 * @skb: the request
 * @info: its attributes
 * @cmd: its command, a row of vs_requests
 *
 * Checks the request (vs_req_parse()), reads its device (the row's
 * prepare), sizes the reply, writes it (the row's fill) and sends it. A
 * reply that outgrows its size is a bug in msg.c: it warns once.
 *
 * Return: 0 or a negative errno, with the extack set.
 */
static int vs_doit(struct sk_buff *skb, struct genl_info *info, u8 cmd)
{
	const struct vs_req_ops *ops = &vs_requests[cmd];
	struct vs_req req = { .skb = skb, .info = info };
	struct sk_buff *reply;
	void *hdr;
	int err;

	err = vs_req_parse(&req, ops);
	if (err)
		return err;
	vs_wait_start(&req.wait);
	if (ops->prepare) {
		err = ops->prepare(&req);
		if (err)
			return err;
	}

	reply = genlmsg_new(ops->reply_size(&req), GFP_KERNEL);
	if (!reply) {
		NL_SET_ERR_MSG(info->extack, "out of memory building the reply");
		err = -ENOMEM;
		goto cleanup;
	}
	hdr = genlmsg_put_reply(reply, info, &vs_family, 0, cmd);
	err = hdr ? ops->fill(reply, &req) : -EMSGSIZE;
	if (WARN_ON_ONCE(err)) {
		/* The size estimate was short: a bug in msg.c. */
		NL_SET_ERR_MSG(info->extack, "reply did not fit its estimated size");
		nlmsg_free(reply);
		goto cleanup;
	}
	genlmsg_end(reply, hdr);
	err = genlmsg_reply(reply, info);
cleanup:
	if (ops->cleanup)
		ops->cleanup(&req);
	return err;
}

/* The handlers the generated op table (vs_nl_gen.c) names. */
int virtio_status_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vs_doit(skb, info, VIRTIO_STATUS_CMD_DEV_GET);
}

int virtio_status_nl_info_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vs_doit(skb, info, VIRTIO_STATUS_CMD_INFO);
}

int virtio_status_nl_queue_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vs_doit(skb, info, VIRTIO_STATUS_CMD_QUEUE_GET);
}

int virtio_status_nl_element_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return vs_doit(skb, info, VIRTIO_STATUS_CMD_ELEMENT_GET);
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

/* vs_vhost_walk_emit()'s callback: one vhost device per dump message. */
static int vs_emit_vhost(const struct vs_vhost_info *vi, void *dest)
{
	return vs_put_msg(dest, VIRTIO_STATUS_CMD_DEV_GET, vs_put_vhost, vi);
}

/*
 * cb->args: [0] virtio position, [1] in the vhost part, [2] its walk,
 * [3] (health-get) the queue to go on from within the current device
 */
enum { VS_CB_VIRTIO_POS, VS_CB_VHOST, VS_CB_VHOST_WALK, VS_CB_QUEUE };

static int vs_dump_vhost_devs(struct vs_vhost_walk *w, struct vs_dump_ctx *ctx)
{
	return vs_vhost_walk_emit(w, vs_emit_vhost, &ctx->dest, &ctx->wait);
}

/*
 * The vhost part of a dump. Its first call walks the processes once
 * (vhost.c) and keeps the walk in @cb; later calls resume its cursor,
 * reporting with @report.
 */
static int vs_dump_vhost(struct vs_dump_ctx *ctx, struct netlink_callback *cb,
			 int (*report)(struct vs_vhost_walk *w, struct vs_dump_ctx *ctx))
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
	return w ? report(w, ctx) : 0;
}

/*
 * The dump is over (or its socket closed): let go of its vhost walk. The
 * spec names it as the dev-get dump's post hook (vs_nl_gen.h).
 */
int vs_dev_get_done(struct netlink_callback *cb)
{
	vs_vhost_walk_free((struct vs_vhost_walk *)cb->args[VS_CB_VHOST_WALK]);
	cb->args[VS_CB_VHOST_WALK] = 0;
	return 0;
}

/*
 * One dumpit call's start: where its messages go, how far earlier calls
 * got, who asks, its lock-wait budget, and the generation that flags a
 * dump that raced with the bus.
 */
static void vs_dump_start(struct vs_dump_ctx *ctx, struct sk_buff *skb,
			  struct netlink_callback *cb)
{
	*ctx = (struct vs_dump_ctx) {
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
	cb->seq = vs_virtio_generation();
	vs_wait_start(&ctx->wait);
}

/*
 * What one dumpit call returns: its messages, or (nothing written) why it
 * stopped, with the sentence; a message alone too big is a device's
 * (dev-get) or a queue's (@queues, health-get).
 */
static int vs_dump_end(struct sk_buff *skb, struct netlink_callback *cb, int err,
		       bool queues)
{
	if (!err || (err == -EMSGSIZE && skb->len))
		return skb->len;

	if (err == -EMSGSIZE && queues)
		NL_SET_ERR_MSG(cb->extack, "a queue does not fit in a dump message");
	else if (err == -EMSGSIZE)
		NL_SET_ERR_MSG(cb->extack, "a device does not fit in a dump message");
	else if (cb->args[VS_CB_VHOST])
		vs_vhost_extack(cb->extack, err);
	else if (err == -EINTR)
		NL_SET_ERR_MSG(cb->extack, "interrupted waiting for a device lock");
	else
		NL_SET_ERR_MSG(cb->extack, "out of memory reading a device");
	return err;
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
	struct vs_dump_ctx ctx;

	/*
	 * Checked here rather than in a start callback: 6.1 gives start
	 * callbacks no extack, so the message would be lost there.
	 */
	if (tb && tb[VIRTIO_STATUS_A_DEV_HEADER]) {
		NL_SET_ERR_MSG(cb->extack,
			       "a dump lists every device and takes no device name");
		return -EINVAL;
	}

	vs_dump_start(&ctx, skb, cb);
	if (!cb->args[VS_CB_VHOST]) {
		vs_virtio_for_each(vs_dump_one, &ctx);
		cb->args[VS_CB_VIRTIO_POS] = ctx.pos;
	}
	if (!ctx.err && ctx.privileged)
		ctx.err = vs_dump_vhost(&ctx, cb, vs_dump_vhost_devs);

	return vs_dump_end(skb, cb, ctx.err, false);
}

/**
 * struct vs_health_ctx - state of one health-get dumpit call
 * @d: as for dev-get
 * @qnext: the queue to go on from within the device at the cursor
 */
struct vs_health_ctx {
	struct vs_dump_ctx d;
	long *qnext;
};

/* vs_put_msg()'s argument for one health message. */
struct vs_health_one {
	const struct vs_health_dev *hd;
	const struct vs_qhealth *q;
};

static int vs_put_health(struct sk_buff *skb, const void *arg)
{
	const struct vs_health_one *one = arg;

	return vs_msg_put_health(skb, one->hd, one->q);
}

/*
 * One device's queues, a message each, from the queue a previous call
 * stopped at; a busy device gets one message. -EMSGSIZE keeps the place.
 */
static int vs_health_emit(const struct vs_health_dev *hd, void *arg)
{
	struct vs_health_ctx *hc = arg;
	struct vs_health_one one = { .hd = hd };
	long i;
	int err;

	if (hd->busy) {
		*hc->qnext = 0;
		return vs_put_msg(&hc->d.dest, VIRTIO_STATUS_CMD_HEALTH_GET,
				  vs_put_health, &one);
	}
	for (i = *hc->qnext; i < hd->nqs; i++) {
		one.q = &hd->qs[i];
		err = vs_put_msg(&hc->d.dest, VIRTIO_STATUS_CMD_HEALTH_GET,
				 vs_put_health, &one);
		if (err) {
			*hc->qnext = i;
			return err;
		}
	}
	*hc->qnext = 0;
	return 0;
}

static int vs_health_dump_one(struct virtio_device *vdev, void *arg)
{
	struct vs_health_ctx *hc = arg;
	struct vs_health_dev hd;
	int err;

	if (hc->d.pos < hc->d.skip) {
		hc->d.pos++;
		return 0;
	}
	err = vs_virtio_health_read(vdev, &hd, &hc->d.wait);
	if (err == -ENODEV) {
		/* vanished under us; the generation flags the dump */
		*hc->qnext = 0;
		hc->d.pos++;
		return 0;
	}
	if (!err) {
		err = vs_health_emit(&hd, hc);
		vs_health_dev_free(&hd);
	}
	if (err) {
		hc->d.err = err;
		return err;
	}
	hc->d.pos++;
	return 0;
}

static int vs_dump_vhost_health(struct vs_vhost_walk *w, struct vs_dump_ctx *ctx)
{
	return vs_vhost_walk_health(w, vs_health_emit,
				    container_of(ctx, struct vs_health_ctx, d), &ctx->wait);
}

/*
 * Every queue of every device, a message per queue, resumed by device
 * position and queue index; vhost devices follow for privileged callers,
 * as in the dev-get dump.
 */
static int vs_health_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vs_health_ctx hc = { .qnext = &cb->args[VS_CB_QUEUE] };

	/* no policy: genetlink parses nothing, so it is checked here */
	if (nlmsg_len(cb->nlh) > GENL_HDRLEN) {
		NL_SET_ERR_MSG(cb->extack,
			       "a health dump lists every queue and takes no attributes");
		return -EINVAL;
	}
	if (vs_mode_list_only()) {
		NL_SET_ERR_MSG(cb->extack,
			       "the module runs in list-only mode and reads no queue");
		return -EPERM;
	}

	vs_dump_start(&hc.d, skb, cb);
	if (!cb->args[VS_CB_VHOST]) {
		vs_virtio_for_each(vs_health_dump_one, &hc);
		cb->args[VS_CB_VIRTIO_POS] = hc.d.pos;
	}
	if (!hc.d.err && hc.d.privileged)
		hc.d.err = vs_dump_vhost(&hc.d, cb, vs_dump_vhost_health);

	return vs_dump_end(skb, cb, hc.d.err, true);
}

int virtio_status_nl_health_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vs_health_get_dumpit(skb, cb);
}

/* The health dump is over (or its socket closed): as for dev-get. */
int vs_health_get_done(struct netlink_callback *cb)
{
	return vs_dev_get_done(cb);
}

int virtio_status_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vs_dev_get_dumpit(skb, cb);
}

static const struct genl_multicast_group vs_mcgrps[] = {
	[VIRTIO_STATUS_NLGRP_EVENTS] = { .name = VIRTIO_STATUS_MCGRP_EVENTS },
};

/* The operations genetlink takes, made from the generated table at init. */
static struct vs_genl_op vs_ops[ARRAY_SIZE(virtio_status_nl_ops)] __ro_after_init;

/* Its op table is set by vs_family_init(). */
static struct genl_family vs_family = {
	.name = VIRTIO_STATUS_FAMILY_NAME,
	.version = VIRTIO_STATUS_FAMILY_VERSION,
	.netnsok = false,
	.parallel_ops = true,
	.module = THIS_MODULE,
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
	return genl_has_listeners(&vs_family, &init_net, VIRTIO_STATUS_NLGRP_EVENTS);
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
	return genlmsg_multicast(&vs_family, d.skb, 0, VIRTIO_STATUS_NLGRP_EVENTS,
				 GFP_KERNEL);
}

/**
 * vs_family_init() - register the generic netlink family
 *
 * The family's operations are the generated table's rows (vs_nl_gen.c);
 * compat_genl.h gives them to the family in the form this kernel takes.
 *
 * Return: 0 or a negative errno.
 */
int vs_family_init(void)
{
	vs_genl_set_ops(&vs_family, vs_ops, virtio_status_nl_ops,
			ARRAY_SIZE(virtio_status_nl_ops));
	return genl_register_family(&vs_family);
}

/**
 * vs_family_exit() - unregister the family; no handler runs afterwards
 */
void vs_family_exit(void)
{
	genl_unregister_family(&vs_family);
}
