// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: talking to the virtio_status generic netlink family.
 *
 * Every request goes through vs_nl_request(): it sends one message and
 * reads until the request is over (an ACK for a DO, NLMSG_DONE for a
 * DUMP, or an error), skipping anything that does not answer it, so the
 * socket is clean for the next request of a --qmp session. Errors keep
 * the kernel's errno and its extended ACK message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nl.h"

/* Requests sent again when the module reloads under them */
#define VS_RELOAD_TRIES	3

/* One request in flight. */
struct vs_req {
	u32 seq;
	/* called for each reply message; returns 0 or -1 with @e set */
	int (*parse)(struct nl_msg *msg, void *arg, struct vs_err *e);
	void *arg;
	struct vs_err *e;
	bool done;
	bool intr;		/* some reply carried NLM_F_DUMP_INTR */
	bool failed;		/* parse() failed; @e says why */
	int errnum;		/* positive errno the kernel answered */
	char extack[VS_MSG_MAX];
};

int vs_nl_extack(const struct nlmsghdr *nlh, size_t off, char *buf,
		 size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t payload;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return -1;
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		return -1;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (off >= payload)
		return -1;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)NLMSG_DATA(nlh) + off),
		      payload - off, NULL) < 0)
		return -1;
	if (!tb[NLMSGERR_ATTR_MSG] || nla_len(tb[NLMSGERR_ATTR_MSG]) <= 0)
		return -1;
	nla_strlcpy(buf, tb[NLMSGERR_ATTR_MSG], len);
	/* the kernel's messages carry no final newline, but be sure */
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

static int vs_cb_seq(struct nl_msg *msg, void *arg)
{
	struct vs_req *r = arg;
	struct sockaddr_nl *src = nlmsg_get_src(msg);

	/* leftovers of an earlier request, or not from the kernel */
	if (nlmsg_hdr(msg)->nlmsg_seq != r->seq || (src && src->nl_pid))
		return NL_SKIP;
	return NL_OK;
}

static int vs_cb_valid(struct nl_msg *msg, void *arg)
{
	struct vs_req *r = arg;

	/* after a bad reply keep reading, so the socket ends up drained */
	if (r->failed || !r->parse)
		return NL_SKIP;
	if (r->parse(msg, r->arg, r->e) < 0)
		r->failed = true;
	return NL_OK;
}

static int vs_cb_intr(struct nl_msg *msg, void *arg)
{
	struct vs_req *r = arg;

	(void)msg;
	r->intr = true;
	return NL_OK;
}

static int vs_cb_ack(struct nl_msg *msg, void *arg)
{
	struct vs_req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: its payload is the dump's final error, then maybe TLVs. */
static int vs_cb_finish(struct nl_msg *msg, void *arg)
{
	struct vs_req *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int err;

	r->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(err)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			r->errnum = -err;
			vs_nl_extack(nlh, sizeof(err), r->extack,
				     sizeof(r->extack));
		}
	}
	return NL_STOP;
}

static int vs_cb_err(struct sockaddr_nl *nla, struct nlmsgerr *err,
		     void *arg)
{
	struct vs_req *r = arg;
	/* libnl hands over the payload; the header is right before it */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	size_t off = sizeof(*err);

	(void)nla;
	r->done = true;
	r->errnum = err->error < 0 ? -err->error : err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    err->msg.nlmsg_len > NLMSG_HDRLEN)
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	vs_nl_extack(nlh, off, r->extack, sizeof(r->extack));
	return NL_STOP;
}

/* Send @msg and read until it is answered. 0, or -1 with @e set. */
static int vs_nl_request(struct vs_nl *nl, struct nl_msg *msg,
			 struct vs_req *r, struct vs_err *e)
{
	struct nl_cb *cb;
	int ret;

	r->e = e;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, vs_cb_seq, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vs_cb_valid, r);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, vs_cb_intr, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vs_cb_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vs_cb_finish, r);
	nl_cb_err(cb, NL_CB_CUSTOM, vs_cb_err, r);

	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot send a netlink request: %s",
			   nl_geterror(ret));
		goto free_cb;
	}
	r->seq = nlmsg_hdr(msg)->nlmsg_seq;

	while (!r->done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !r->done) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "cannot read the kernel's netlink answer: %s",
				   nl_geterror(ret));
			goto free_cb;
		}
	}
	nl_cb_put(cb);

	if (r->errnum) {
		vs_err_sys(e, r->errnum, r->extack);
		return -1;
	}
	return r->failed ? -1 : 0;

free_cb:
	nl_cb_put(cb);
	return -1;
}

/* Family lookup */

static int vs_ctrl_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct vs_nl *nl = arg;
	int ret;

	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL);
	if (ret < 0 || !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) < 2) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the kernel's generic netlink controller sent a malformed family description");
		return -1;
	}
	nl->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nl->version = 0;
	if (tb[CTRL_ATTR_VERSION] && nla_len(tb[CTRL_ATTR_VERSION]) >= 4)
		nl->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	return 0;
}

static int vs_nl_resolve(struct vs_nl *nl, struct vs_err *e)
{
	struct vs_req r = { .parse = vs_ctrl_parse, .arg = nl };
	struct nl_msg *msg;
	int ret = -1;

	nl->family = -1;
	msg = nlmsg_alloc();
	if (!msg) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			 NLM_F_ACK, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME,
			   VIRTIO_STATUS_FAMILY_NAME) < 0) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free_msg;
	}
	if (vs_nl_request(nl, msg, &r, e) < 0) {
		if (e->kind == VS_ERR_SYS && e->errnum == ENOENT)
			vs_err_set(e, VS_ERR_NOFAMILY, ENOENT, NULL);
		goto free_msg;
	}
	if (nl->family < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the kernel's generic netlink controller did not describe the virtio_status family");
		goto free_msg;
	}
	if (nl->version < VIRTIO_STATUS_FAMILY_VERSION) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "it speaks version %u of the %s family, this tool needs version %u",
			   nl->version, VIRTIO_STATUS_FAMILY_NAME,
			   VIRTIO_STATUS_FAMILY_VERSION);
		goto free_msg;
	}
	ret = 0;
free_msg:
	nlmsg_free(msg);
	return ret;
}

int vs_nl_socket(struct vs_nl *nl, struct vs_err *e)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int one = 1;
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot open a generic netlink socket: %s",
			   nl_geterror(ret));
		goto free_sock;
	}
	/*
	 * Only the kernel may send to us: vs_cb_seq() already skips other
	 * senders, but a connected socket has the kernel refuse them, so a
	 * local process cannot fill our receive queue either.
	 */
	if (connect(nl_socket_get_fd(nl->sk), (struct sockaddr *)&kernel,
		    sizeof(kernel)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot connect the generic netlink socket: %s",
			   strerror(errno));
		goto free_sock;
	}
	/* DO requests ask for their ACK themselves, dumps end in DONE */
	nl_socket_disable_auto_ack(nl->sk);
	/* dump replies may be bigger than a page */
	nl_socket_enable_msg_peek(nl->sk);
	/*
	 * Ask for the kernel's error strings and for errors without a copy
	 * of our request. Kernels without these options still work, without
	 * the strings.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	return 0;

free_sock:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

int vs_nl_open(struct vs_nl *nl, struct vs_err *e)
{
	if (vs_nl_socket(nl, e) < 0)
		return -1;
	if (vs_nl_resolve(nl, e) < 0) {
		vs_nl_close(nl);
		return -1;
	}
	return 0;
}

void vs_nl_close(struct vs_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/* Device replies */

/* Whether @a has the size its type in vs_attrs[] says. */
static bool vs_attr_ok(int type, const struct nlattr *a)
{
	int len = nla_len(a);

	switch (vs_attrs[type].type) {
	case VS_ATTR_U8:
		return len >= 1;
	case VS_ATTR_U32:
		return len >= 4;
	case VS_ATTR_U64:
		return len >= 8;
	case VS_ATTR_STRING:
		return len >= 1 && memchr(nla_data(a), '\0', len);
	default:
		return true;
	}
}

static void vs_dev_attr(struct vs_dev *dev, int type, struct nlattr *a)
{
	switch (type) {
	case VIRTIO_STATUS_A_DEV_PATH:
		nla_strlcpy(dev->path, a, sizeof(dev->path));
		break;
	case VIRTIO_STATUS_A_DEV_BUSID:
		nla_strlcpy(dev->busid, a, sizeof(dev->busid));
		break;
	case VIRTIO_STATUS_A_DEV_NAME:
		nla_strlcpy(dev->name, a, sizeof(dev->name));
		break;
	case VIRTIO_STATUS_A_DEV_INDEX:
		dev->index = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_ID:
		dev->device_id = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_VENDOR:
		dev->vendor = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_TRANSPORT:
		nla_strlcpy(dev->transport, a, sizeof(dev->transport));
		break;
	case VIRTIO_STATUS_A_DEV_DRIVER:
		nla_strlcpy(dev->driver, a, sizeof(dev->driver));
		break;
	case VIRTIO_STATUS_A_DEV_STATUS:
		dev->status = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_DRIVER_FEATURES:
		dev->driver_features = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_DEVICE_FEATURES:
		dev->device_features = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR:
		dev->device_features_err = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_NUM_VQS:
		dev->num_vqs = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_BROKEN:
		dev->broken = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_DEV_FAILED:
		dev->failed = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_DEV_ENDIAN:
		dev->endian = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_GENERATION:
		dev->generation = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_KIND:
		dev->kind = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES:
		dev->vhost_acked_features = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_BACKEND_FEATURES:
		dev->vhost_backend_features = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_MEM_REGIONS:
		dev->vhost_mem_regions = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_LOG_ENABLED:
		dev->vhost_log_enabled = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_STARTED:
		dev->vhost_started = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_OWNER_PID:
		dev->vhost_owner_pid = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID:
		/* repeated: vs_dev_holders() reads every one */
		break;
	case VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI:
		dev->driver_features_hi = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI:
		dev->device_features_hi = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES_HI:
		dev->vhost_acked_features_hi = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS:
		dev->device_num_vqs = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_DEV_LIST_ONLY:
		dev->list_only = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_HOLDERS:
		/* after vs_dev_holders(): see vs_dev_decode() */
		break;
	case VIRTIO_STATUS_A_DEV_VHOST_ERROR:
		nla_strlcpy(dev->vhost_error, a, sizeof(dev->vhost_error));
		break;
	case VIRTIO_STATUS_A_DEV_BUSY:
		nla_strlcpy(dev->busy, a, sizeof(dev->busy));
		break;
	}
}

/* Every VHOST_HOLDER_PID of a reply, in order; sizes already checked. */
static void vs_dev_holders(struct vs_dev *dev, struct nlattr *head, int len)
{
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID)
			continue;
		if (dev->n_holder_pids < VS_HOLDERS_MAX)
			dev->holder_pids[dev->n_holder_pids] = nla_get_u32(a);
		dev->n_holder_pids++;
	}
	/* a module that sends the first pids only says how many there are */
	nla_for_each_attr(a, head, len, rem)
		if (nla_type(a) == VIRTIO_STATUS_A_DEV_VHOST_HOLDERS &&
		    nla_get_u32(a) > dev->n_holder_pids)
			dev->n_holder_pids = nla_get_u32(a);
}

/*
 * Parse the attributes of @nlh, a reply to @cmd, into @tb, checking the
 * size of each one this tool knows, repeated ones included. @what names
 * the object for messages. 0, or -1 with @e set.
 */
static int vs_reply_parse(struct nlmsghdr *nlh, u8 cmd, const char *what,
			  struct nlattr **tb, struct vs_err *e)
{
	struct genlmsghdr *gnlh;
	struct nlattr *a;
	int ret, rem, type;

	if (!genlmsg_valid_hdr(nlh, 0)) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module sent a truncated message");
		return -1;
	}
	gnlh = nlmsg_data(nlh);
	if (gnlh->cmd != cmd) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module answered with command %u, expected %u",
			   gnlh->cmd, cmd);
		return -1;
	}
	/* attributes newer than this tool are skipped */
	ret = genlmsg_parse(nlh, 0, tb, VIRTIO_STATUS_A_MAX, NULL);
	if (ret < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module sent a malformed %s: %s",
			   what, nl_geterror(ret));
		return -1;
	}
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0),
			  genlmsg_attrlen(gnlh, 0), rem) {
		type = nla_type(a);
		if (type <= 0 || type > VIRTIO_STATUS_A_MAX)
			continue;
		if (!vs_attr_ok(type, a)) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "the virtio_status module sent a malformed VIRTIO_STATUS_A_%s",
				   vs_attr_name(type));
			return -1;
		}
	}
	return 0;
}

int vs_dev_from_msg(struct nl_msg *msg, struct vs_dev *dev,
		    struct vs_err *e)
{
	struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int i;

	memset(dev, 0, sizeof(*dev));
	if (vs_reply_parse(nlh, VIRTIO_STATUS_CMD_DEV_GET, "device", tb, e) < 0)
		return -1;
	for (i = 1; i <= VIRTIO_STATUS_A_MAX; i++) {
		if (!tb[i])
			continue;
		vs_dev_set(dev, i);
		vs_dev_attr(dev, i, tb[i]);
	}
	vs_dev_holders(dev, genlmsg_attrdata(nlmsg_data(nlh), 0),
		       genlmsg_attrlen(nlmsg_data(nlh), 0));
	return 0;
}

int vs_info_from_msg(struct nl_msg *msg, struct vs_info *info,
		     struct vs_err *e)
{
	struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	struct nlattr *a;
	int i;

	memset(info, 0, sizeof(*info));
	if (vs_reply_parse(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_INFO, "info",
			   tb, e) < 0)
		return -1;
	for (i = 1; i <= VIRTIO_STATUS_A_MAX; i++) {
		a = tb[i];
		if (!a)
			continue;
		switch (i) {
		case VIRTIO_STATUS_A_INFO_VHOST_STATE:
			info->vhost_state = nla_get_u32(a);
			break;
		case VIRTIO_STATUS_A_INFO_VHOST_REASON:
			nla_strlcpy(info->vhost_reason, a,
				    sizeof(info->vhost_reason));
			break;
		case VIRTIO_STATUS_A_INFO_VHOST_LAYOUT:
			nla_strlcpy(info->vhost_layout, a,
				    sizeof(info->vhost_layout));
			break;
		case VIRTIO_STATUS_A_INFO_GENERATION:
			info->generation = nla_get_u32(a);
			break;
		case VIRTIO_STATUS_A_INFO_MODE:
			info->mode = nla_get_u32(a);
			break;
		case VIRTIO_STATUS_A_INFO_MODE_REASON:
			nla_strlcpy(info->mode_reason, a,
				    sizeof(info->mode_reason));
			break;
		case VIRTIO_STATUS_A_INFO_FINGERPRINT:
			nla_strlcpy(info->fingerprint, a,
				    sizeof(info->fingerprint));
			break;
		case VIRTIO_STATUS_A_INFO_FEATURE_BITS:
			info->feature_bits = nla_get_u32(a);
			break;
		default:
			/* not an info attribute: the reply has no business with it */
			continue;
		}
		vs_info_set(info, i);
	}
	return 0;
}

static void vs_queue_attr(struct vs_queue *q, int type, struct nlattr *a)
{
	switch (type) {
	case VIRTIO_STATUS_A_QUEUE_INDEX:
		q->index = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_NAME:
		nla_strlcpy(q->name, a, sizeof(q->name));
		break;
	case VIRTIO_STATUS_A_QUEUE_NUM:
		q->num = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_NUM_FREE:
		q->num_free = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_DESC:
		q->desc = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_AVAIL:
		q->avail = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_USED:
		q->used = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_PACKED:
		q->packed = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_QUEUE_AVAIL_IDX:
		q->avail_idx = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_USED_IDX:
		q->used_idx = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS:
		q->avail_flags = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_USED_FLAGS:
		q->used_flags = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_BROKEN:
		q->broken = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX:
		q->last_avail_idx = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_KICK:
		q->kick = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_QUEUE_CALL:
		q->call = nla_get_u8(a) != 0;
		break;
	case VIRTIO_STATUS_A_QUEUE_KICK_FD:
		q->kick_fd = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_CALL_FD:
		q->call_fd = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_DESC_GPA:
		q->desc_gpa = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_AVAIL_GPA:
		q->avail_gpa = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_USED_GPA:
		q->used_gpa = nla_get_u64(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN:
		nla_strlcpy(q->addr_hidden, a, sizeof(q->addr_hidden));
		break;
	case VIRTIO_STATUS_A_QUEUE_ADDR_IOVA:
		q->addr_iova = nla_get_u8(a) != 0;
		break;
	default:
		/* not a queue attribute: the reply has no business with it */
		return;
	}
	vs_queue_set(q, type);
}

int vs_queue_from_msg(struct nl_msg *msg, struct vs_queue *q,
		      struct vs_err *e)
{
	struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	int i;

	memset(q, 0, sizeof(*q));
	if (vs_reply_parse(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_QUEUE_GET,
			   "queue", tb, e) < 0)
		return -1;
	for (i = 1; i <= VIRTIO_STATUS_A_MAX; i++)
		if (tb[i])
			vs_queue_attr(q, i, tb[i]);
	return 0;
}

/* Sizes of the VIRTIO_STATUS_A_DESC_* attributes, by type. */
static const int vs_desc_len[VIRTIO_STATUS_A_DESC_MAX + 1] = {
	[VIRTIO_STATUS_A_DESC_ADDR] = 8,
	[VIRTIO_STATUS_A_DESC_LEN] = 4,
	[VIRTIO_STATUS_A_DESC_FLAGS] = 4,
};

static const char * const vs_desc_names[VIRTIO_STATUS_A_DESC_MAX + 1] = {
	[VIRTIO_STATUS_A_DESC_ADDR] = "ADDR",
	[VIRTIO_STATUS_A_DESC_LEN] = "LEN",
	[VIRTIO_STATUS_A_DESC_FLAGS] = "FLAGS",
};

/*
 * One VIRTIO_STATUS_A_ELEM_DESC nest into @d; DESC_ADDR may be missing
 * when @addr_hidden (the reply says the addresses are left out), and is
 * then not read. 0, or -1 with @e set.
 */
static int vs_desc_from_nest(struct nlattr *nest, bool addr_hidden,
			     struct vs_desc *d, struct vs_err *e)
{
	struct nlattr *tb[VIRTIO_STATUS_A_DESC_MAX + 1];
	int i;

	/* attributes newer than this tool are skipped */
	if (nla_parse_nested(tb, VIRTIO_STATUS_A_DESC_MAX, nest, NULL) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module sent a malformed VIRTIO_STATUS_A_ELEM_DESC");
		return -1;
	}
	for (i = VIRTIO_STATUS_A_DESC_ADDR; i <= VIRTIO_STATUS_A_DESC_FLAGS;
	     i++) {
		if (!tb[i] && i == VIRTIO_STATUS_A_DESC_ADDR && addr_hidden)
			continue;
		if (!tb[i] || nla_len(tb[i]) < vs_desc_len[i]) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "the virtio_status module sent a VIRTIO_STATUS_A_ELEM_DESC with %s VIRTIO_STATUS_A_DESC_%s",
				   tb[i] ? "a malformed" : "no",
				   vs_desc_names[i]);
			return -1;
		}
	}
	d->addr = addr_hidden ? 0 : nla_get_u64(tb[VIRTIO_STATUS_A_DESC_ADDR]);
	d->len = nla_get_u32(tb[VIRTIO_STATUS_A_DESC_LEN]);
	d->flags = nla_get_u32(tb[VIRTIO_STATUS_A_DESC_FLAGS]);
	return 0;
}

static void vs_elem_attr(struct vs_elem *el, int type, struct nlattr *a)
{
	switch (type) {
	case VIRTIO_STATUS_A_QUEUE_INDEX:
		el->queue_index = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_ELEM_INDEX:
		el->elem_index = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_ELEM_HEAD:
		el->head = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_AVAIL_IDX:
		el->avail_idx = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS:
		el->avail_flags = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_USED_IDX:
		el->used_idx = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_QUEUE_USED_FLAGS:
		el->used_flags = nla_get_u32(a);
		break;
	case VIRTIO_STATUS_A_ELEM_DESC:
		/* repeated: vs_elem_descs() reads every one */
		break;
	case VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN:
		nla_strlcpy(el->addr_hidden, a, sizeof(el->addr_hidden));
		break;
	default:
		/* not an element attribute: the reply has no business with it */
		return;
	}
	vs_elem_set(el, type);
}

/*
 * Every ELEM_DESC of a reply, in chain order; the reply's other attributes
 * are already in @el. 0, or -1 with @e set.
 */
static int vs_elem_descs(struct vs_elem *el, struct nlattr *head, int len,
			 struct vs_err *e)
{
	struct nlattr *a;
	u32 n = 0;
	int rem;

	nla_for_each_attr(a, head, len, rem)
		if (nla_type(a) == VIRTIO_STATUS_A_ELEM_DESC)
			n++;
	if (!n)
		return 0;
	el->descs = calloc(n, sizeof(*el->descs));
	if (!el->descs) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != VIRTIO_STATUS_A_ELEM_DESC)
			continue;
		if (vs_desc_from_nest(a, vs_elem_addr_hidden(el),
				      &el->descs[el->n_descs], e) < 0) {
			vs_elem_free(el);
			return -1;
		}
		el->n_descs++;
	}
	return 0;
}

int vs_elem_from_msg(struct nl_msg *msg, struct vs_elem *el,
		     struct vs_err *e)
{
	struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int i;

	memset(el, 0, sizeof(*el));
	if (vs_reply_parse(nlh, VIRTIO_STATUS_CMD_ELEMENT_GET, "element", tb,
			   e) < 0)
		return -1;
	for (i = 1; i <= VIRTIO_STATUS_A_MAX; i++)
		if (tb[i])
			vs_elem_attr(el, i, tb[i]);
	return vs_elem_descs(el, genlmsg_attrdata(nlmsg_data(nlh), 0),
			     genlmsg_attrlen(nlmsg_data(nlh), 0), e);
}

/* Requests to the virtio_status family */

/* Whether the kernel says the module is being unloaded right now. */
static bool vs_module_going(void)
{
	char state[16] = "";
	FILE *f;

	f = fopen("/sys/module/" VIRTIO_STATUS_FAMILY_NAME "/initstate", "re");
	if (!f)
		return false;
	if (!fgets(state, sizeof(state), f))
		state[0] = '\0';
	fclose(f);
	return !strcmp(state, "going\n");
}

/*
 * vs_nl_gone() - did the module go away under a failed request?
 *
 * Between the family lookup and a request the module may be unloaded.
 * Generic netlink then answers ENOENT (no family with that id) or, for a
 * dump of a module whose unload has begun, EPROTONOSUPPORT. Neither comes
 * with an extended ACK, and every error the module itself returns does, so
 * only such an error is looked at. The family is looked up again: if it is
 * gone, or still there but its module is unloading, @e says "not loaded" as
 * the first lookup would have.
 *
 * Return: true if the module was loaded again meanwhile, under a new family
 * id (now in @nl): the request can be sent again.
 */
static bool vs_nl_gone(struct vs_nl *nl, struct vs_err *e)
{
	int family = nl->family;
	struct vs_err again;

	if (e->kind != VS_ERR_SYS || e->extack[0] ||
	    (e->errnum != ENOENT && e->errnum != EPROTONOSUPPORT))
		return false;
	vs_err_clear(&again);
	if (vs_nl_resolve(nl, &again) < 0) {
		if (again.kind == VS_ERR_NOFAMILY)
			*e = again;
		return false;
	}
	if (nl->family != family)
		return true;
	if (e->errnum == EPROTONOSUPPORT && vs_module_going())
		vs_err_set(e, VS_ERR_NOFAMILY, ENOENT, NULL);
	return false;
}

/*
 * vs_nl_request() for a request to the virtio_status family. A request
 * that met a reload of the module is sent again to its new family id: the
 * errors vs_nl_gone() looks at come before any reply, so nothing of @r's
 * own state has been touched yet.
 */
static int vs_nl_family_request(struct vs_nl *nl, struct nl_msg *msg,
				struct vs_req *r, struct vs_err *e)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int try;

	for (try = 0; try < VS_RELOAD_TRIES; try++) {
		if (vs_nl_request(nl, msg, r, e) == 0)
			return 0;
		if (!vs_nl_gone(nl, e))
			return -1;
		*r = (struct vs_req){ .parse = r->parse, .arg = r->arg };
		nlh->nlmsg_type = nl->family;
		nlh->nlmsg_seq = NL_AUTO_SEQ;
	}
	vs_err_set(e, VS_ERR_MSG, 0,
		   "the virtio_status module was unloaded and loaded again %d times while it was being asked",
		   VS_RELOAD_TRIES);
	return -1;
}

static struct nl_msg *vs_cmd_msg(struct vs_nl *nl, u8 cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, VIRTIO_STATUS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* A do answered with exactly one object, which @decode reads into @obj. */
struct vs_one {
	int (*decode)(struct nl_msg *msg, void *obj, struct vs_err *e);
	void *obj;
	const char *what;	/* "device", "queue": for the sentences */
	bool got;
};

static int vs_one_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_one *o = arg;

	if (o->got) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module answered one %s with several", o->what);
		return -1;
	}
	if (o->decode(msg, o->obj, e) < 0)
		return -1;
	o->got = true;
	return 0;
}

/*
 * Send @cmd naming the device of @t (as DEV_GET does) and, if @index is
 * not negative, a queue index, and if @elem is not negative, an avail ring
 * index; read the one object it answers with.
 */
static int vs_nl_get_one(struct vs_nl *nl, u8 cmd, const struct vs_target *t,
			 long index, long elem, struct vs_one *o,
			 struct vs_err *e)
{
	struct vs_req r = { .parse = vs_one_parse, .arg = o };
	struct nl_msg *msg;
	int attr, ret = -1;

	attr = t->kind == VS_TARGET_BUSID ? VIRTIO_STATUS_A_DEV_BUSID :
					    VIRTIO_STATUS_A_DEV_PATH;
	msg = vs_cmd_msg(nl, cmd, NLM_F_ACK);
	if (!msg || nla_put_string(msg, attr, t->value) < 0 ||
	    (index >= 0 && nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, index) < 0) ||
	    (elem >= 0 && nla_put_u32(msg, VIRTIO_STATUS_A_ELEM_INDEX, elem) < 0)) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free_msg;
	}
	if (vs_nl_family_request(nl, msg, &r, e) < 0)
		goto free_msg;
	if (!o->got) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module acknowledged the request but sent no %s",
			   o->what);
		goto free_msg;
	}
	ret = 0;
free_msg:
	nlmsg_free(msg);
	return ret;
}

static int vs_dev_decode(struct nl_msg *msg, void *obj, struct vs_err *e)
{
	return vs_dev_from_msg(msg, obj, e);
}

int vs_nl_dev_get(struct vs_nl *nl, const struct vs_target *t,
		  struct vs_dev *dev, struct vs_err *e)
{
	struct vs_one o = { .decode = vs_dev_decode, .obj = dev, .what = "device" };

	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_DEV_GET, t, -1, -1, &o, e);
}

static int vs_dump_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_dev_list *list = arg;
	struct vs_dev *dev;

	dev = vs_dev_list_add(list);
	if (!dev) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_dev_from_msg(msg, dev, e) < 0) {
		list->n--;
		return -1;
	}
	return 0;
}

int vs_nl_dev_dump(struct vs_nl *nl, struct vs_dev_list *list,
		   struct vs_err *e)
{
	struct nl_msg *msg;
	struct vs_req r;
	int try;

	for (try = 0; try < VS_DUMP_TRIES; try++) {
		memset(&r, 0, sizeof(r));
		r.parse = vs_dump_parse;
		r.arg = list;
		list->n = 0;

		msg = vs_cmd_msg(nl, VIRTIO_STATUS_CMD_DEV_GET, NLM_F_DUMP);
		if (!msg) {
			vs_err_sys(e, ENOMEM, NULL);
			goto free_list;
		}
		if (vs_nl_family_request(nl, msg, &r, e) < 0) {
			nlmsg_free(msg);
			goto free_list;
		}
		nlmsg_free(msg);
		if (!r.intr)
			return 0;
	}
	vs_err_set(e, VS_ERR_DUMP_INTR, VS_DUMP_TRIES, NULL);
free_list:
	vs_dev_list_free(list);
	return -1;
}

struct vs_info_arg {
	struct vs_info *info;
	bool got;
};

static int vs_info_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_info_arg *g = arg;

	if (g->got) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module answered its info twice");
		return -1;
	}
	if (vs_info_from_msg(msg, g->info, e) < 0)
		return -1;
	g->got = true;
	return 0;
}

int vs_nl_info(struct vs_nl *nl, struct vs_info *info, struct vs_err *e)
{
	struct vs_info_arg g = { .info = info };
	struct vs_req r = { .parse = vs_info_parse, .arg = &g };
	struct nl_msg *msg;
	int ret = -1;

	msg = vs_cmd_msg(nl, VIRTIO_STATUS_CMD_INFO, NLM_F_ACK);
	if (!msg) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_nl_family_request(nl, msg, &r, e) < 0)
		goto free_msg;
	if (!g.got) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module acknowledged the info request but sent no info");
		goto free_msg;
	}
	ret = 0;
free_msg:
	nlmsg_free(msg);
	return ret;
}

static int vs_queue_decode(struct nl_msg *msg, void *obj, struct vs_err *e)
{
	return vs_queue_from_msg(msg, obj, e);
}

int vs_nl_queue_get(struct vs_nl *nl, const struct vs_target *t, u32 index,
		    struct vs_queue *q, struct vs_err *e)
{
	struct vs_one o = { .decode = vs_queue_decode, .obj = q, .what = "queue" };

	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_QUEUE_GET, t, index, -1, &o,
			     e);
}

static int vs_elem_decode(struct nl_msg *msg, void *obj, struct vs_err *e)
{
	return vs_elem_from_msg(msg, obj, e);
}

int vs_nl_elem_get(struct vs_nl *nl, const struct vs_target *t, u32 queue,
		   bool has_index, u32 index, struct vs_elem *el,
		   struct vs_err *e)
{
	struct vs_one o = { .decode = vs_elem_decode, .obj = el,
			    .what = "element" };
	int ret;

	memset(el, 0, sizeof(*el));
	ret = vs_nl_get_one(nl, VIRTIO_STATUS_CMD_ELEMENT_GET, t, queue,
			    has_index ? (long)index : -1, &o, e);
	if (ret < 0)
		vs_elem_free(el);
	return ret;
}

/* The backend the CLI uses */

static int vs_lazy_open(struct vs_nl_lazy *l, struct vs_err *e)
{
	if (l->opened)
		return 0;
	if (vs_nl_open(&l->nl, e) < 0)
		return -1;
	l->opened = true;
	return 0;
}

static int vs_lazy_get(void *ctx, const struct vs_target *t,
		       struct vs_dev *dev, struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_dev_get(&((struct vs_nl_lazy *)ctx)->nl, t, dev, e);
}

static int vs_lazy_dump(void *ctx, struct vs_dev_list *list,
			struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_dev_dump(&((struct vs_nl_lazy *)ctx)->nl, list, e);
}

static int vs_lazy_info(void *ctx, struct vs_info *info, struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_info(&((struct vs_nl_lazy *)ctx)->nl, info, e);
}

static int vs_lazy_queue_get(void *ctx, const struct vs_target *t, u32 index,
			     struct vs_queue *q, struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_queue_get(&((struct vs_nl_lazy *)ctx)->nl, t, index, q,
			       e);
}

static int vs_lazy_elem_get(void *ctx, const struct vs_target *t, u32 queue,
			    bool has_index, u32 index, struct vs_elem *el,
			    struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_elem_get(&((struct vs_nl_lazy *)ctx)->nl, t, queue,
			      has_index, index, el, e);
}

static int vs_lazy_vhost_features(void *ctx, const char *node,
				  struct vs_fset *features)
{
	return vs_vhost_features_cached(&((struct vs_nl_lazy *)ctx)->probes,
					node, features);
}

static bool vs_lazy_privileged(void *ctx)
{
	(void)ctx;
	return vs_has_net_admin();
}

const struct vs_backend_ops vs_nl_backend_ops = {
	.dev_get = vs_lazy_get,
	.dev_dump = vs_lazy_dump,
	.info = vs_lazy_info,
	.queue_get = vs_lazy_queue_get,
	.elem_get = vs_lazy_elem_get,
	.vhost_features = vs_lazy_vhost_features,
	.privileged = vs_lazy_privileged,
};

void vs_nl_backend_reset(const struct vs_backend *be)
{
	struct vs_nl_lazy *l = be->ctx;

	if (be->ops != &vs_nl_backend_ops)
		return;
	if (l->opened)
		vs_nl_close(&l->nl);
	l->opened = false;
	memset(&l->probes, 0, sizeof(l->probes));
}
