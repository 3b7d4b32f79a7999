// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny raw generic netlink client for the virtio_status selftests.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "vs_netlink.h"

int vs_nl_open(struct vs_nl *nl, size_t bufsize)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof(sa);
	int one = 1;
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = -1;
	nl->bufsize = bufsize;
	nl->buf = malloc(bufsize);
	if (!nl->buf)
		return -ENOMEM;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		goto fail;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)))
		goto fail;
	/* Do not echo the request back in errors: keeps acks small. */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))
		goto fail;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	if (getsockname(nl->fd, (struct sockaddr *)&sa, &salen))
		goto fail;
	nl->portid = sa.nl_pid;
	nl->seq = (__u32)getpid() << 8;
	return 0;

fail:
	err = -errno;
	vs_nl_close(nl);
	return err;
}

void vs_nl_close(struct vs_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->buf);
	nl->buf = NULL;
}

void vs_msg_init(struct vs_msg *m, __u16 type, __u16 flags, __u8 cmd,
		 __u8 version)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g;

	memset(m->buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_LENGTH(GENL_HDRLEN);
}

/* Appends an attribute with exactly @len bytes of payload, padded to 4. */
int vs_msg_put(struct vs_msg *m, __u16 type, const void *data, size_t len)
{
	struct nlattr *nla;
	size_t total = NLA_ALIGN(NLA_HDRLEN + len);

	if (NLA_HDRLEN + len > 0xffff || m->len + total > sizeof(m->buf))
		return -EMSGSIZE;
	nla = (struct nlattr *)(m->buf + m->len);
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0, total - NLA_HDRLEN - len);
	m->len += total;
	return 0;
}

int vs_msg_put_str(struct vs_msg *m, __u16 type, const char *s)
{
	return vs_msg_put(m, type, s, strlen(s) + 1);
}

/*
 * Walks the attributes in [data, data + len). tb[type] gets the last one of
 * each type up to @maxtype; larger types are ignored. Returns -EINVAL if an
 * attribute overruns the buffer, -EEXIST if a type (other than the pad)
 * repeats.
 */
int vs_attr_parse(const struct nlattr **tb, int maxtype, const void *data,
		  size_t len)
{
	return vs_attr_parse_multi(tb, maxtype, data, len,
				   VS_BIT(VIRTIO_STATUS_A_PAD));
}

/* As vs_attr_parse(), but the types in the mask @multi may repeat. */
int vs_attr_parse_multi(const struct nlattr **tb, int maxtype,
			const void *data, size_t len, __u64 multi)
{
	const char *p = data;
	int dup = 0;

	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		int type = nla->nla_type & NLA_TYPE_MASK;
		size_t step;

		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > len)
			return -EINVAL;
		if (type <= maxtype) {
			if (tb[type] && !(type < 64 && (multi & VS_BIT(type))))
				dup = -EEXIST;
			tb[type] = nla;
		}
		step = NLA_ALIGN(nla->nla_len);
		if (step >= len)
			return dup;
		p += step;
		len -= step;
	}
	return len ? -EINVAL : dup;
}

/* Reads the extended ack TLVs that start @off bytes into the payload. */
static void vs_parse_ack_tlvs(struct vs_nl *nl, const struct nlmsghdr *nlh,
			      size_t off)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off > plen)
		return;
	if (vs_attr_parse(tb, NLMSGERR_ATTR_MAX, (const char *)NLMSG_DATA(nlh) + off,
			  plen - off) == -EINVAL)
		return;

	a = tb[NLMSGERR_ATTR_MSG];
	if (a && a->nla_len > NLA_HDRLEN) {
		size_t n = a->nla_len - NLA_HDRLEN;

		if (n >= sizeof(nl->extack))
			n = sizeof(nl->extack) - 1;
		memcpy(nl->extack, (const char *)a + NLA_HDRLEN, n);
		nl->extack[n] = '\0';
	}
	a = tb[NLMSGERR_ATTR_OFFS];
	if (a && a->nla_len == NLA_HDRLEN + sizeof(__u32))
		memcpy(&nl->extack_offs, (const char *)a + NLA_HDRLEN, 4);
	a = tb[NLMSGERR_ATTR_MISS_TYPE];
	if (a && a->nla_len == NLA_HDRLEN + sizeof(__u32))
		memcpy(&nl->extack_miss, (const char *)a + NLA_HDRLEN, 4);
}

/* NLMSG_ERROR: 0 for an ack, else the negative errno (extack saved). */
static int vs_handle_error(struct vs_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off = sizeof(*e);

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EPROTO;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= NLMSG_HDRLEN)
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	vs_parse_ack_tlvs(nl, nlh, off);
	return e->error;
}

/* NLMSG_DONE: an int (the dump's final status), then maybe extack TLVs. */
static int vs_handle_done(struct vs_nl *nl, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(int));
	vs_parse_ack_tlvs(nl, nlh, NLMSG_ALIGN(sizeof(int)));
	return err;
}

static int vs_recv(struct vs_nl *nl, size_t *len)
{
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = nl->buf, .iov_len = nl->bufsize };
	struct msghdr msg = {
		.msg_name = &sa,
		.msg_namelen = sizeof(sa),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;

	do {
		n = recvmsg(nl->fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (msg.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;	/* the buffer was too small */
	if (sa.nl_pid != 0)
		return -EPROTO;		/* not from the kernel */
	*len = n;
	return 0;
}

/*
 * Sends @m and reads until the request is finished: NLMSG_DONE for a dump,
 * an ack or error for a request with NLM_F_ACK, else the first reply.
 * Returns 0, the kernel's negative errno (nl->extack holds its message), or
 * a local negative errno. A dump is always read to its end so the socket
 * stays usable.
 */
int vs_nl_request(struct vs_nl *nl, struct vs_msg *m, vs_msg_cb cb, void *arg)
{
	struct nlmsghdr *req = (struct nlmsghdr *)m->buf;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	bool dump = (req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	bool ack = req->nlmsg_flags & NLM_F_ACK;
	int cb_err = 0;
	ssize_t sent;

	nl->extack[0] = '\0';
	nl->extack_offs = 0;
	nl->extack_miss = 0;
	nl->datagrams = 0;
	nl->data_datagrams = 0;
	nl->messages = 0;
	nl->bytes = 0;
	nl->dump_intr = false;

	req->nlmsg_len = m->len;
	req->nlmsg_seq = ++nl->seq;
	req->nlmsg_pid = 0;
	do {
		sent = sendto(nl->fd, m->buf, m->len, 0,
			      (struct sockaddr *)&kernel, sizeof(kernel));
	} while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	if ((size_t)sent != m->len)
		return -EIO;

	for (;;) {
		const struct nlmsghdr *nlh;
		bool had_data = false;
		bool finished = false;
		size_t len = 0;
		int ret;

		ret = vs_recv(nl, &len);
		if (ret)
			return ret;
		nl->datagrams++;

		for (nlh = (struct nlmsghdr *)nl->buf;
		     !finished && NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			/* Leftovers of an earlier, abandoned request. */
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				nl->dump_intr = true;

			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				ret = vs_handle_error(nl, nlh);
				finished = true;
				continue;
			case NLMSG_DONE:
				ret = vs_handle_done(nl, nlh);
				finished = true;
				continue;
			case NLMSG_OVERRUN:
				ret = -EOVERFLOW;
				finished = true;
				continue;
			default:
				break;
			}

			had_data = true;
			nl->messages++;
			nl->bytes += NLMSG_ALIGN(nlh->nlmsg_len);
			if (cb && !cb_err)
				cb_err = cb(nlh, arg);
		}
		if (had_data)
			nl->data_datagrams++;
		if (finished || (had_data && !dump && !ack))
			return ret ? ret : cb_err;
	}
}

struct vs_ctrl_ctx {
	struct vs_nl *nl;
	bool found;
};

static void vs_ctrl_ops(struct vs_nl *nl, const struct nlattr *ops)
{
	const char *p = (const char *)ops + NLA_HDRLEN;
	size_t len = ops->nla_len - NLA_HDRLEN;

	/* CTRL_ATTR_OPS nests one attribute per op, each nesting ID/FLAGS. */
	while (len >= NLA_HDRLEN) {
		const struct nlattr *op = (const struct nlattr *)p;
		const struct nlattr *tb[CTRL_ATTR_OP_MAX + 1];
		__u32 id, flags;
		size_t step;

		if (op->nla_len < NLA_HDRLEN || op->nla_len > len)
			return;
		if (vs_attr_parse(tb, CTRL_ATTR_OP_MAX,
				  (const char *)op + NLA_HDRLEN,
				  op->nla_len - NLA_HDRLEN) == 0 &&
		    tb[CTRL_ATTR_OP_ID] && tb[CTRL_ATTR_OP_FLAGS] &&
		    tb[CTRL_ATTR_OP_ID]->nla_len == NLA_HDRLEN + 4 &&
		    tb[CTRL_ATTR_OP_FLAGS]->nla_len == NLA_HDRLEN + 4) {
			memcpy(&id, (const char *)tb[CTRL_ATTR_OP_ID] +
			       NLA_HDRLEN, 4);
			memcpy(&flags, (const char *)tb[CTRL_ATTR_OP_FLAGS] +
			       NLA_HDRLEN, 4);
			if (id == VIRTIO_STATUS_CMD_DEV_GET)
				nl->get_flags = flags;
			else if (id == VIRTIO_STATUS_CMD_INFO)
				nl->info_flags = flags;
			else if (id == VIRTIO_STATUS_CMD_QUEUE_GET)
				nl->queue_flags = flags;
		}
		step = NLA_ALIGN(op->nla_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

static int vs_ctrl_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vs_ctrl_ctx *ctx = arg;
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *a;

	if (nlh->nlmsg_type != GENL_ID_CTRL ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -EPROTO;
	if (vs_attr_parse(tb, CTRL_ATTR_MAX,
			  (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			  nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)))
		return -EPROTO;

	a = tb[CTRL_ATTR_FAMILY_ID];
	if (!a || a->nla_len != NLA_HDRLEN + sizeof(__u16))
		return -EPROTO;
	memcpy(&ctx->nl->family, (const char *)a + NLA_HDRLEN, 2);
	a = tb[CTRL_ATTR_VERSION];
	if (a && a->nla_len == NLA_HDRLEN + sizeof(__u32))
		memcpy(&ctx->nl->version, (const char *)a + NLA_HDRLEN, 4);
	if (tb[CTRL_ATTR_OPS])
		vs_ctrl_ops(ctx->nl, tb[CTRL_ATTR_OPS]);
	ctx->found = true;
	return 0;
}

/*
 * Looks up a generic netlink family by name. Returns 0 with nl->family,
 * nl->version and nl->get_flags set, or -ENOENT if no such family.
 */
int vs_nl_resolve(struct vs_nl *nl, const char *name)
{
	struct vs_ctrl_ctx ctx = { .nl = nl };
	struct vs_msg *m;
	int err;

	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK,
		    CTRL_CMD_GETFAMILY, 1);
	err = vs_msg_put_str(m, CTRL_ATTR_FAMILY_NAME, name);
	if (!err)
		err = vs_nl_request(nl, m, vs_ctrl_cb, &ctx);
	free(m);
	if (!err && !ctx.found)
		err = -EPROTO;
	return err;
}

static const char * const vs_attr_names[] = {
	[VIRTIO_STATUS_A_UNSPEC] = "UNSPEC",
	[VIRTIO_STATUS_A_PAD] = "PAD",
	[VIRTIO_STATUS_A_DEV_PATH] = "PATH",
	[VIRTIO_STATUS_A_DEV_BUSID] = "BUSID",
	[VIRTIO_STATUS_A_DEV_NAME] = "NAME",
	[VIRTIO_STATUS_A_DEV_INDEX] = "INDEX",
	[VIRTIO_STATUS_A_DEV_ID] = "ID",
	[VIRTIO_STATUS_A_DEV_VENDOR] = "VENDOR",
	[VIRTIO_STATUS_A_DEV_TRANSPORT] = "TRANSPORT",
	[VIRTIO_STATUS_A_DEV_DRIVER] = "DRIVER",
	[VIRTIO_STATUS_A_DEV_STATUS] = "STATUS",
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES] = "DRIVER_FEATURES",
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES] = "DEVICE_FEATURES",
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR] = "DEVICE_FEATURES_ERR",
	[VIRTIO_STATUS_A_DEV_NUM_VQS] = "NUM_VQS",
	[VIRTIO_STATUS_A_DEV_BROKEN] = "BROKEN",
	[VIRTIO_STATUS_A_DEV_FAILED] = "FAILED",
	[VIRTIO_STATUS_A_DEV_ENDIAN] = "ENDIAN",
	[VIRTIO_STATUS_A_DEV_GENERATION] = "GENERATION",
	[VIRTIO_STATUS_A_DEV_KIND] = "KIND",
	[VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES] = "VHOST_ACKED_FEATURES",
	[VIRTIO_STATUS_A_DEV_VHOST_BACKEND_FEATURES] = "VHOST_BACKEND_FEATURES",
	[VIRTIO_STATUS_A_DEV_VHOST_MEM_REGIONS] = "VHOST_MEM_REGIONS",
	[VIRTIO_STATUS_A_DEV_VHOST_LOG_ENABLED] = "VHOST_LOG_ENABLED",
	[VIRTIO_STATUS_A_DEV_VHOST_STARTED] = "VHOST_STARTED",
	[VIRTIO_STATUS_A_DEV_VHOST_OWNER_PID] = "VHOST_OWNER_PID",
	[VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID] = "VHOST_HOLDER_PID",
	[VIRTIO_STATUS_A_DEV_VHOST_HOLDERS] = "VHOST_HOLDERS",
	[VIRTIO_STATUS_A_DEV_VHOST_ERROR] = "VHOST_ERROR",
	[VIRTIO_STATUS_A_INFO_VHOST_STATE] = "INFO_VHOST_STATE",
	[VIRTIO_STATUS_A_INFO_VHOST_REASON] = "INFO_VHOST_REASON",
	[VIRTIO_STATUS_A_INFO_VHOST_LAYOUT] = "INFO_VHOST_LAYOUT",
	[VIRTIO_STATUS_A_QUEUE_INDEX] = "QUEUE_INDEX",
	[VIRTIO_STATUS_A_QUEUE_NAME] = "QUEUE_NAME",
	[VIRTIO_STATUS_A_QUEUE_NUM] = "QUEUE_NUM",
	[VIRTIO_STATUS_A_QUEUE_NUM_FREE] = "QUEUE_NUM_FREE",
	[VIRTIO_STATUS_A_QUEUE_DESC] = "QUEUE_DESC",
	[VIRTIO_STATUS_A_QUEUE_AVAIL] = "QUEUE_AVAIL",
	[VIRTIO_STATUS_A_QUEUE_USED] = "QUEUE_USED",
	[VIRTIO_STATUS_A_QUEUE_PACKED] = "QUEUE_PACKED",
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = "QUEUE_AVAIL_IDX",
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = "QUEUE_USED_IDX",
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] = "QUEUE_AVAIL_FLAGS",
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = "QUEUE_USED_FLAGS",
	[VIRTIO_STATUS_A_QUEUE_BROKEN] = "QUEUE_BROKEN",
	[VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX] = "QUEUE_LAST_AVAIL_IDX",
	[VIRTIO_STATUS_A_QUEUE_KICK] = "QUEUE_KICK",
	[VIRTIO_STATUS_A_QUEUE_CALL] = "QUEUE_CALL",
	[VIRTIO_STATUS_A_QUEUE_KICK_FD] = "QUEUE_KICK_FD",
	[VIRTIO_STATUS_A_QUEUE_CALL_FD] = "QUEUE_CALL_FD",
	[VIRTIO_STATUS_A_QUEUE_DESC_GPA] = "QUEUE_DESC_GPA",
	[VIRTIO_STATUS_A_QUEUE_AVAIL_GPA] = "QUEUE_AVAIL_GPA",
	[VIRTIO_STATUS_A_QUEUE_USED_GPA] = "QUEUE_USED_GPA",
	[VIRTIO_STATUS_A_ELEM_INDEX] = "ELEM_INDEX",
	[VIRTIO_STATUS_A_ELEM_HEAD] = "ELEM_HEAD",
	[VIRTIO_STATUS_A_ELEM_DESC] = "ELEM_DESC",
	[VIRTIO_STATUS_A_EVENT_SEQ] = "EVENT_SEQ",
	[VIRTIO_STATUS_A_EVENT_TIME] = "EVENT_TIME",
	[VIRTIO_STATUS_A_INFO_GENERATION] = "INFO_GENERATION",
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI] = "DRIVER_FEATURES_HI",
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI] = "DEVICE_FEATURES_HI",
	[VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES_HI] = "VHOST_ACKED_FEATURES_HI",
	[VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS] = "DEVICE_NUM_VQS",
	[VIRTIO_STATUS_A_DEV_LIST_ONLY] = "LIST_ONLY",
	[VIRTIO_STATUS_A_INFO_MODE] = "INFO_MODE",
	[VIRTIO_STATUS_A_INFO_MODE_REASON] = "INFO_MODE_REASON",
	[VIRTIO_STATUS_A_INFO_FINGERPRINT] = "INFO_FINGERPRINT",
	[VIRTIO_STATUS_A_INFO_FEATURE_BITS] = "INFO_FEATURE_BITS",
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] = "QUEUE_ADDR_HIDDEN",
	[VIRTIO_STATUS_A_DEV_BUSY] = "DEV_BUSY",
	[VIRTIO_STATUS_A_QUEUE_ADDR_IOVA] = "QUEUE_ADDR_IOVA",
};

const char *vs_attr_name(unsigned int type)
{
	if (type < ARRAY_SIZE(vs_attr_names) && vs_attr_names[type])
		return vs_attr_names[type];
	return "?";
}

enum vs_kind { VS_NONE, VS_STR, VS_U8, VS_U32, VS_U64 };

struct vs_field {
	enum vs_kind kind;
	size_t off;
	size_t size;
};

/*
 * Check each attribute of @tb that @fields describes and copy it into @obj;
 * @copied gets a bit per attribute copied, types 0-63 in copied[0], 64-127
 * in copied[1]. 0, or -EINVAL with @why set.
 */
static int vs_fields_copy(const struct nlattr **tb, const struct vs_field *fields,
			  void *obj, __u64 copied[2], char *why, size_t whylen)
{
	int type;

	copied[0] = 0;
	copied[1] = 0;
	for (type = 0; type <= VIRTIO_STATUS_A_MAX; type++) {
		const struct vs_field *f = &fields[type];
		const struct nlattr *a = tb[type];
		const char *data;
		size_t len;

		if (!a || type == VIRTIO_STATUS_A_PAD || f->kind == VS_NONE)
			continue;
		data = (const char *)a + NLA_HDRLEN;
		len = a->nla_len - NLA_HDRLEN;

		if (f->kind == VS_STR) {
			if (!len || data[len - 1] || strlen(data) != len - 1) {
				snprintf(why, whylen,
					 "%s: not a NUL-terminated string",
					 vs_attr_name(type));
				return -EINVAL;
			}
			if (len > f->size) {
				snprintf(why, whylen, "%s: %zu bytes, max %zu",
					 vs_attr_name(type), len, f->size);
				return -EINVAL;
			}
		} else if (len != f->size) {
			snprintf(why, whylen, "%s: %zu bytes, expected %zu",
				 vs_attr_name(type), len, f->size);
			return -EINVAL;
		}
		memcpy((char *)obj + f->off, data, len);
		copied[type / 64] |= VS_WBIT(type);
	}
	return 0;
}

/* @size: exact size of an integer, buffer size (NUL included) of a string */
#define VS_FIELD(k, len, member) \
	{ .kind = (k), .size = (len), .off = offsetof(struct vs_dev, member) }

/* How each reply attribute is stored in struct vs_dev. */
static const struct vs_field vs_fields[VIRTIO_STATUS_A_MAX + 1] = {
	[VIRTIO_STATUS_A_DEV_PATH] =
		VS_FIELD(VS_STR, VIRTIO_STATUS_PATH_MAX, path),
	[VIRTIO_STATUS_A_DEV_BUSID] =
		VS_FIELD(VS_STR, VIRTIO_STATUS_BUSID_MAX, busid),
	[VIRTIO_STATUS_A_DEV_NAME] = VS_FIELD(VS_STR, VS_NAME_MAX, name),
	[VIRTIO_STATUS_A_DEV_INDEX] = VS_FIELD(VS_U32, 4, index),
	[VIRTIO_STATUS_A_DEV_ID] = VS_FIELD(VS_U32, 4, id),
	[VIRTIO_STATUS_A_DEV_VENDOR] = VS_FIELD(VS_U32, 4, vendor),
	[VIRTIO_STATUS_A_DEV_TRANSPORT] =
		VS_FIELD(VS_STR, VS_NAME_MAX, transport),
	[VIRTIO_STATUS_A_DEV_DRIVER] = VS_FIELD(VS_STR, VS_NAME_MAX, driver),
	[VIRTIO_STATUS_A_DEV_STATUS] = VS_FIELD(VS_U32, 4, status),
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES] =
		VS_FIELD(VS_U64, 8, driver_features),
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES] =
		VS_FIELD(VS_U64, 8, device_features),
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR] =
		VS_FIELD(VS_U32, 4, device_features_err),
	[VIRTIO_STATUS_A_DEV_NUM_VQS] = VS_FIELD(VS_U32, 4, num_vqs),
	[VIRTIO_STATUS_A_DEV_BROKEN] = VS_FIELD(VS_U8, 1, broken),
	[VIRTIO_STATUS_A_DEV_FAILED] = VS_FIELD(VS_U8, 1, failed),
	[VIRTIO_STATUS_A_DEV_ENDIAN] = VS_FIELD(VS_U32, 4, endian),
	[VIRTIO_STATUS_A_DEV_GENERATION] = VS_FIELD(VS_U32, 4, generation),
	[VIRTIO_STATUS_A_DEV_KIND] = VS_FIELD(VS_U32, 4, kind),
	[VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES] =
		VS_FIELD(VS_U64, 8, vhost_acked_features),
	[VIRTIO_STATUS_A_DEV_VHOST_BACKEND_FEATURES] =
		VS_FIELD(VS_U64, 8, vhost_backend_features),
	[VIRTIO_STATUS_A_DEV_VHOST_MEM_REGIONS] =
		VS_FIELD(VS_U32, 4, vhost_mem_regions),
	[VIRTIO_STATUS_A_DEV_VHOST_LOG_ENABLED] =
		VS_FIELD(VS_U8, 1, vhost_log_enabled),
	[VIRTIO_STATUS_A_DEV_VHOST_STARTED] =
		VS_FIELD(VS_U8, 1, vhost_started),
	[VIRTIO_STATUS_A_DEV_VHOST_OWNER_PID] =
		VS_FIELD(VS_U32, 4, vhost_owner_pid),
	/* HOLDER_PID repeats: vs_dev_parse() collects it by hand. */
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI] =
		VS_FIELD(VS_U64, 8, driver_features_hi),
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI] =
		VS_FIELD(VS_U64, 8, device_features_hi),
	[VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES_HI] =
		VS_FIELD(VS_U64, 8, vhost_acked_features_hi),
	[VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS] =
		VS_FIELD(VS_U32, 4, device_num_vqs),
	[VIRTIO_STATUS_A_DEV_LIST_ONLY] = VS_FIELD(VS_U8, 1, list_only),
	[VIRTIO_STATUS_A_DEV_VHOST_HOLDERS] = VS_FIELD(VS_U32, 4, vhost_holders),
	[VIRTIO_STATUS_A_DEV_VHOST_ERROR] =
		VS_FIELD(VS_STR, VS_VHOST_ERROR_MAX, vhost_error),
	[VIRTIO_STATUS_A_DEV_BUSY] = VS_FIELD(VS_STR, VS_BUSY_MAX, busy),
};

/* VS_WORD() finds present_hi right after present. */
#define VS_HI_NEXT(type) \
	(offsetof(type, present_hi) == offsetof(type, present) + sizeof(__u64))
static_assert(VS_HI_NEXT(struct vs_dev), "vs_dev.present_hi");
static_assert(VS_HI_NEXT(struct vs_info), "vs_info.present_hi");
static_assert(VS_HI_NEXT(struct vs_queue), "vs_queue.present_hi");

/* Every attribute type has a bit in present or present_hi. */
static_assert(VIRTIO_STATUS_A_MAX < 128, "attribute types overflow present_hi");
/* The masks (VS_MANDATORY, ...) are of device attributes: all below 64. */
static_assert(VIRTIO_STATUS_A_DEV_LIST_ONLY < 64, "device attributes past 63");

/* The sizes above must match struct vs_dev. */
static_assert(sizeof(((struct vs_dev *)0)->path) == VIRTIO_STATUS_PATH_MAX, "path");
static_assert(sizeof(((struct vs_dev *)0)->busid) == VIRTIO_STATUS_BUSID_MAX, "busid");
static_assert(sizeof(((struct vs_dev *)0)->name) == VS_NAME_MAX, "name");
static_assert(sizeof(((struct vs_dev *)0)->transport) == VS_NAME_MAX, "transport");
static_assert(sizeof(((struct vs_dev *)0)->driver) == VS_NAME_MAX, "driver");
static_assert(sizeof(((struct vs_dev *)0)->vhost_error) == VS_VHOST_ERROR_MAX,
	      "vhost_error");

/*
 * Calls @fn for every top-level attribute of @type in the reply @nlh, in
 * order, until one returns an error (-EINVAL with the reason in @why).
 */
static int vs_attr_each(const struct nlmsghdr *nlh, int type,
			int (*fn)(const struct nlattr *nla, void *arg, char *why,
				  size_t whylen),
			void *arg, char *why, size_t whylen)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	size_t len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	int err;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		size_t step = NLA_ALIGN(nla->nla_len);

		if ((nla->nla_type & NLA_TYPE_MASK) == type) {
			err = fn(nla, arg, why, whylen);
			if (err)
				return err;
		}
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

/* One HOLDER_PID of a reply (vs_attr_each()); attributes already checked. */
static int vs_dev_parse_holder(const struct nlattr *nla, void *arg, char *why,
			       size_t whylen)
{
	struct vs_dev *d = arg;
	__u32 pid;

	if (nla->nla_len != NLA_HDRLEN + sizeof(pid)) {
		snprintf(why, whylen, "VHOST_HOLDER_PID: %u bytes, expected 4",
			 nla->nla_len - NLA_HDRLEN);
		return -EINVAL;
	}
	memcpy(&pid, (const char *)nla + NLA_HDRLEN, sizeof(pid));
	if (d->n_holders < VS_HOLDERS_MAX)
		d->holders[d->n_holders] = pid;
	d->n_holders++;
	d->present |= VS_BIT(VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID);
	return 0;
}

/*
 * Decodes one reply into @d. Every known attribute must have exactly its
 * type's size; strings must be NUL terminated, with no NUL inside, and fit
 * the field. Returns 0, or -EINVAL with the reason in @why.
 */
int vs_dev_parse(const struct nlmsghdr *nlh, struct vs_dev *d, char *why,
		 size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	__u64 copied[2];
	int err;

	memset(d, 0, sizeof(*d));
	d->nlmsg_flags = nlh->nlmsg_flags;
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		snprintf(why, whylen, "message too short (%u)",
			 nlh->nlmsg_len);
		return -EINVAL;
	}
	if (g->cmd != VIRTIO_STATUS_CMD_DEV_GET) {
		snprintf(why, whylen, "reply has cmd %u", g->cmd);
		return -EINVAL;
	}
	err = vs_attr_parse_multi(tb, VIRTIO_STATUS_A_MAX,
				  (const char *)g + GENL_HDRLEN,
				  nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
				  VS_BIT(VIRTIO_STATUS_A_PAD) |
				  VS_BIT(VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID));
	if (err) {
		snprintf(why, whylen, "%s", err == -EEXIST ?
			 "an attribute is repeated" : "attributes overrun");
		return -EINVAL;
	}
	err = vs_attr_each(nlh, VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID,
			   vs_dev_parse_holder, d, why, whylen);
	if (err)
		return err;

	err = vs_fields_copy(tb, vs_fields, d, copied, why, whylen);
	if (err)
		return err;
	d->present |= copied[0];
	d->present_hi |= copied[1];
	return 0;
}

/* Checks a virtio-bus reply on its own. 0 if fine, else -1. */
static int vs_virtio_check(const struct vs_dev *d, char *why, size_t whylen)
{
	__u64 missing = VS_MANDATORY & ~d->present;
	__u64 extra = VS_VHOST_ONLY & d->present;
	bool feat = VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	bool ferr = VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	const char *base;
	char expect[VIRTIO_STATUS_BUSID_MAX];

	if (missing) {
		snprintf(why, whylen, "%s: missing %s", d->busid,
			 vs_attr_name(__builtin_ctzll(missing)));
		return -1;
	}
	if (extra) {
		snprintf(why, whylen, "%s: a virtio device with %s", d->busid,
			 vs_attr_name(__builtin_ctzll(extra)));
		return -1;
	}
	if (feat == ferr) {
		snprintf(why, whylen,
			 "%s: %s of DEVICE_FEATURES and DEVICE_FEATURES_ERR",
			 d->busid, feat ? "both" : "neither");
		return -1;
	}
	if (ferr && d->device_features_err != EPERM &&
	    d->device_features_err != ENODEV &&
	    d->device_features_err != EINTR) {
		snprintf(why, whylen, "%s: DEVICE_FEATURES_ERR %u", d->busid,
			 d->device_features_err);
		return -1;
	}
	snprintf(expect, sizeof(expect), "virtio%u", d->index);
	if (strcmp(expect, d->busid)) {
		snprintf(why, whylen, "%s: INDEX is %u", d->busid, d->index);
		return -1;
	}
	base = strrchr(d->path, '/');
	if (strncmp(d->path, "/sys/devices/", 13) || !base ||
	    strcmp(base + 1, d->busid)) {
		snprintf(why, whylen, "%s: PATH %s", d->busid, d->path);
		return -1;
	}
	if (!d->name[0] || !d->transport[0] ||
	    (VS_HAS(d, VIRTIO_STATUS_A_DEV_DRIVER) && !d->driver[0])) {
		snprintf(why, whylen, "%s: empty NAME, TRANSPORT or DRIVER",
			 d->busid);
		return -1;
	}
	if (d->broken > 1 || d->failed > 1 ||
	    d->endian > VIRTIO_STATUS_ENDIAN_BIG) {
		snprintf(why, whylen, "%s: BROKEN %u FAILED %u ENDIAN %u",
			 d->busid, d->broken, d->failed, d->endian);
		return -1;
	}
	return 0;
}

/* A vhost-vdpa device's id is that of the vdpa device behind it. */
#define VS_VHOST_ID_ANY		UINT32_MAX

/* The vhost drivers: QEMU's name, virtio device id, module. */
static const struct {
	const char *name;
	__u32 id;
	const char *driver;
} vs_vhost_types[] = {
	{ "vhost-net", 1, "vhost_net" },
	{ "vhost-vsock", 19, "vhost_vsock" },
	{ "vhost-scsi", 8, "vhost_scsi" },
	{ "vhost-vdpa", VS_VHOST_ID_ANY, "vhost_vdpa" },
};

/*
 * Parses exactly ^/proc/[0-9]+/fd/[0-9]+$ (no sign, no blank, no leading
 * zero, nothing after, each number fits 31 bits). 0 if it matches, else -1.
 */
int vs_proc_path_parse(const char *path, __u32 *pid, __u32 *fd)
{
	const char *p = path;
	__u32 *out[2] = { pid, fd };
	int i;

	if (strncmp(p, "/proc/", 6))
		return -1;
	p += 6;
	for (i = 0; i < 2; i++) {
		unsigned long long v = 0;
		const char *start = p;

		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p - '0');
			if (v > 0x7fffffff)
				return -1;
			p++;
		}
		if (p == start || (*start == '0' && p - start > 1))
			return -1;
		*out[i] = v;
		if (i == 0) {
			if (strncmp(p, "/fd/", 4))
				return -1;
			p += 4;
		}
	}
	return *p ? -1 : 0;
}

bool vs_dev_has_holder(const struct vs_dev *d, __u32 pid)
{
	unsigned int i;

	for (i = 0; i < d->n_holders && i < VS_HOLDERS_MAX; i++)
		if (d->holders[i] == pid)
			return true;
	return false;
}

/* Checks the holders, the owner and which of them the path names. */
static int vs_vhost_check_pids(const struct vs_dev *d, __u32 path_pid,
			       char *why, size_t whylen)
{
	bool owner = VS_HAS(d, VIRTIO_STATUS_A_DEV_VHOST_OWNER_PID);
	__u32 lowest = 0;
	unsigned int i, j;

	if (!d->n_holders) {
		snprintf(why, whylen, "%s: no VHOST_HOLDER_PID", d->path);
		return -1;
	}
	if (owner && !d->vhost_owner_pid) {
		snprintf(why, whylen, "%s: VHOST_OWNER_PID 0", d->path);
		return -1;
	}
	if (d->n_holders > VS_HOLDERS_MAX)
		return 0;	/* not all kept: nothing more to compare */
	for (i = 0; i < d->n_holders; i++) {
		if (!d->holders[i] || d->holders[i] > 0x7fffffff) {
			snprintf(why, whylen, "%s: VHOST_HOLDER_PID %u",
				 d->path, d->holders[i]);
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (d->holders[i] == d->holders[j]) {
				snprintf(why, whylen,
					 "%s: holder %u listed twice",
					 d->path, d->holders[i]);
				return -1;
			}
		}
		if (!lowest || d->holders[i] < lowest)
			lowest = d->holders[i];
	}
	/* The owner names it if it holds it, else the lowest holder does. */
	if (owner && vs_dev_has_holder(d, d->vhost_owner_pid)) {
		if (path_pid != d->vhost_owner_pid) {
			snprintf(why, whylen,
				 "%s: the owner %u holds it but is not named",
				 d->path, d->vhost_owner_pid);
			return -1;
		}
	} else if (path_pid != lowest) {
		snprintf(why, whylen,
			 "%s: named by %u, lowest holder is %u (owner %s)",
			 d->path, path_pid, lowest,
			 owner ? "not holding it" : "absent");
		return -1;
	}
	return 0;
}

/*
 * Checks a vhost reply on its own. One carrying VHOST_ERROR (a device the
 * module could not read) names the device and its holders and carries no
 * state. 0 if fine, else -1.
 */
static int vs_vhost_check(const struct vs_dev *d, char *why, size_t whylen)
{
	bool unread = vs_vhost_unread(d);
	__u64 missing = (unread ? VS_VHOST_UNREAD_MANDATORY :
				  VS_VHOST_MANDATORY) & ~d->present;
	__u64 extra = VS_VIRTIO_ONLY & d->present;
	__u64 state = VS_VHOST_STATE & d->present;
	bool log = d->vhost_acked_features & (1ULL << VS_VHOST_F_LOG_ALL);
	__u32 pid, fd;
	size_t i;

	if (missing) {
		snprintf(why, whylen, "vhost %s: missing %s", d->path,
			 vs_attr_name(__builtin_ctzll(missing)));
		return -1;
	}
	if (unread && !d->vhost_error[0]) {
		snprintf(why, whylen, "vhost %s: empty VHOST_ERROR", d->path);
		return -1;
	}
	if (unread && state) {
		snprintf(why, whylen, "vhost %s: VHOST_ERROR with %s", d->path,
			 vs_attr_name(__builtin_ctzll(state)));
		return -1;
	}
	if (extra) {
		snprintf(why, whylen, "vhost %s: carries %s", d->path,
			 vs_attr_name(__builtin_ctzll(extra)));
		return -1;
	}
	if (vs_proc_path_parse(d->path, &pid, &fd)) {
		snprintf(why, whylen, "vhost PATH %s is not /proc/PID/fd/FD",
			 d->path);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(vs_vhost_types); i++)
		if (!strcmp(d->name, vs_vhost_types[i].name))
			break;
	if (i == ARRAY_SIZE(vs_vhost_types)) {
		snprintf(why, whylen, "%s: unknown vhost NAME %s", d->path,
			 d->name);
		return -1;
	}
	if ((vs_vhost_types[i].id != VS_VHOST_ID_ANY &&
	     d->id != vs_vhost_types[i].id) ||
	    strcmp(d->driver, vs_vhost_types[i].driver) ||
	    strcmp(d->transport, "vhost")) {
		snprintf(why, whylen, "%s: %s with ID %u DRIVER %s TRANSPORT %s",
			 d->path, d->name, d->id, d->driver, d->transport);
		return -1;
	}
	if (unread)
		return vs_vhost_check_pids(d, pid, why, whylen);
	if (d->status || d->broken || d->endian > VIRTIO_STATUS_ENDIAN_BIG ||
	    d->vhost_log_enabled > 1 || d->vhost_started > 1) {
		snprintf(why, whylen,
			 "%s: STATUS %u BROKEN %u ENDIAN %u LOG_ENABLED %u STARTED %u",
			 d->path, d->status, d->broken, d->endian,
			 d->vhost_log_enabled, d->vhost_started);
		return -1;
	}
	if (d->driver_features != d->vhost_acked_features ||
	    d->vhost_log_enabled != log) {
		snprintf(why, whylen,
			 "%s: DRIVER_FEATURES %#llx ACKED %#llx LOG_ENABLED %u",
			 d->path, (unsigned long long)d->driver_features,
			 (unsigned long long)d->vhost_acked_features,
			 d->vhost_log_enabled);
		return -1;
	}
	return vs_vhost_check_pids(d, pid, why, whylen);
}

/*
 * Checks what every reply must satisfy on its own, by its KIND. 0 if fine,
 * else -1 with the reason in @why.
 */
int vs_dev_check(const struct vs_dev *d, char *why, size_t whylen)
{
	if (!VS_HAS(d, VIRTIO_STATUS_A_DEV_KIND)) {
		snprintf(why, whylen, "%s: missing KIND",
			 d->busid[0] ? d->busid : d->path);
		return -1;
	}
	switch (d->kind) {
	case VIRTIO_STATUS_KIND_VIRTIO:
		return vs_virtio_check(d, why, whylen);
	case VIRTIO_STATUS_KIND_VHOST:
		return vs_vhost_check(d, why, whylen);
	default:
		snprintf(why, whylen, "%s: KIND %u",
			 d->busid[0] ? d->busid : d->path, d->kind);
		return -1;
	}
}

static int vs_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vs_devlist *l = arg;
	char why[sizeof(l->bad_why)];
	struct vs_dev *d;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;

		d = realloc(l->dev, cap * sizeof(*d));
		if (!d)
			return -ENOMEM;
		l->dev = d;
		l->cap = cap;
	}
	d = &l->dev[l->n];
	if (vs_dev_parse(nlh, d, why, sizeof(why))) {
		if (!l->bad++)
			snprintf(l->bad_why, sizeof(l->bad_why), "%s", why);
		return 0;
	}
	l->n++;
	return 0;
}

/* Dumps every device into @l (emptied first). Returns 0 or -errno. */
int vs_dump(struct vs_nl *nl, struct vs_devlist *l)
{
	struct vs_msg *m;
	int err;

	l->n = 0;
	l->intr = false;
	l->bad = 0;
	l->bad_why[0] = '\0';

	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_DUMP,
		    VIRTIO_STATUS_CMD_DEV_GET, VIRTIO_STATUS_FAMILY_VERSION);
	err = vs_nl_request(nl, m, vs_dump_cb, l);
	free(m);
	l->intr = nl->dump_intr;
	return err;
}

void vs_devlist_free(struct vs_devlist *l)
{
	free(l->dev);
	memset(l, 0, sizeof(*l));
}

static int vs_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Is some string in @v[0..n) there twice? Sorts @v. */
static const char *vs_first_dup(char **v, size_t n)
{
	size_t i;

	qsort(v, n, sizeof(*v), vs_cmp_str);
	for (i = 1; i < n; i++)
		if (!strcmp(v[i - 1], v[i]))
			return v[i];
	return NULL;
}

/*
 * Checks a whole dump: no unparsable reply, every reply passes
 * vs_dev_check(), virtio-bus devices come before vhost devices, no PATH and
 * no BUSID appears twice. 0 if fine, else -1 with the reason in @why.
 */
int vs_devlist_check(const struct vs_devlist *l, char *why, size_t whylen)
{
	char **paths, **busids;
	const char *dup;
	size_t i, nbus = 0;
	bool vhost = false;
	int ret = -1;

	if (l->bad) {
		snprintf(why, whylen, "%u unparsable replies, first: %s", l->bad,
			 l->bad_why);
		return -1;
	}
	for (i = 0; i < l->n; i++) {
		if (vs_dev_check(&l->dev[i], why, whylen))
			return -1;
		if (VS_IS_VHOST(&l->dev[i])) {
			vhost = true;
		} else if (vhost) {
			snprintf(why, whylen, "%s comes after a vhost device",
				 l->dev[i].busid);
			return -1;
		}
	}

	paths = calloc(l->n + 1, sizeof(*paths));
	busids = calloc(l->n + 1, sizeof(*busids));
	if (!paths || !busids) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		paths[i] = l->dev[i].path;
		if (!VS_IS_VHOST(&l->dev[i]))
			busids[nbus++] = l->dev[i].busid;
	}
	dup = vs_first_dup(paths, l->n);
	if (!dup)
		dup = vs_first_dup(busids, nbus);
	if (dup) {
		snprintf(why, whylen, "%s listed twice", dup);
		goto out;
	}
	ret = 0;
out:
	free(paths);
	free(busids);
	return ret;
}

/* How many entries of @l have KIND @kind. */
size_t vs_devlist_count(const struct vs_devlist *l, __u32 kind)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += l->dev[i].kind == kind;
	return n;
}

/* Keeps the entries of KIND @kind, in order; returns how many were dropped. */
size_t vs_devlist_keep(struct vs_devlist *l, __u32 kind)
{
	size_t i, n = 0, dropped;

	for (i = 0; i < l->n; i++) {
		if (l->dev[i].kind != kind)
			continue;
		if (n != i)
			memcpy(&l->dev[n], &l->dev[i], sizeof(l->dev[n]));
		n++;
	}
	dropped = l->n - n;
	l->n = n;
	return dropped;
}

struct vs_get_ctx {
	struct vs_dev *d;
	int replies;
};

static int vs_get_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vs_get_ctx *ctx = arg;
	char why[128];

	if (ctx->replies++)
		return -EPROTO;		/* a do answers with one message */
	if (vs_dev_parse(nlh, ctx->d, why, sizeof(why))) {
		fprintf(stderr, "# bad reply: %s\n", why);
		return -EPROTO;
	}
	return 0;
}

/*
 * Gets one device by VIRTIO_STATUS_A_DEV_PATH or _BUSID (@type). Returns 0,
 * the kernel's -errno (message in nl->extack) or -EPROTO for a bad reply.
 */
int vs_get(struct vs_nl *nl, __u16 type, const char *value, struct vs_dev *d)
{
	struct vs_get_ctx ctx = { .d = d };
	struct vs_msg *m;
	int err;

	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_DEV_GET, VIRTIO_STATUS_FAMILY_VERSION);
	err = vs_msg_put_str(m, type, value);
	if (!err)
		err = vs_nl_request(nl, m, vs_get_cb, &ctx);
	free(m);
	if (!err && ctx.replies != 1)
		err = -EPROTO;
	return err;
}

struct vs_info_ctx {
	struct vs_info *info;
	int replies;
	char *why;
	size_t whylen;
};

/* Copies a NUL-terminated string attribute that must fit @size. */
static int vs_info_str(const struct nlattr *a, char *buf, size_t size)
{
	const char *data = (const char *)a + NLA_HDRLEN;
	size_t len = a->nla_len - NLA_HDRLEN;

	if (!len || data[len - 1] || strlen(data) != len - 1 || len > size)
		return -1;
	memcpy(buf, data, len);
	return 0;
}

static int vs_info_cb(const struct nlmsghdr *nlh, void *arg)
{
	static const __u16 strs[] = { VIRTIO_STATUS_A_INFO_VHOST_REASON,
				      VIRTIO_STATUS_A_INFO_VHOST_LAYOUT,
				      VIRTIO_STATUS_A_INFO_MODE_REASON,
				      VIRTIO_STATUS_A_INFO_FINGERPRINT };
	static const __u16 u32s[] = { VIRTIO_STATUS_A_INFO_VHOST_STATE,
				      VIRTIO_STATUS_A_INFO_MODE,
				      VIRTIO_STATUS_A_INFO_FEATURE_BITS };
	const struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct vs_info_ctx *ctx = arg;
	struct vs_info *info = ctx->info;
	const struct nlattr *a;
	char *bufs[ARRAY_SIZE(strs)];
	__u32 *vals[ARRAY_SIZE(u32s)];
	int type;
	size_t i;

	bufs[0] = info->vhost_reason;
	bufs[1] = info->vhost_layout;
	bufs[2] = info->mode_reason;
	bufs[3] = info->fingerprint;
	vals[0] = &info->vhost_state;
	vals[1] = &info->mode;
	vals[2] = &info->feature_bits;
	if (ctx->replies++) {
		snprintf(ctx->why, ctx->whylen, "more than one reply");
		return -EPROTO;
	}
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    g->cmd != VIRTIO_STATUS_CMD_INFO) {
		snprintf(ctx->why, ctx->whylen, "reply is not an INFO reply");
		return -EPROTO;
	}
	if (vs_attr_parse(tb, VIRTIO_STATUS_A_MAX,
			  (const char *)g + GENL_HDRLEN,
			  nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN))) {
		snprintf(ctx->why, ctx->whylen,
			 "attributes overrun or repeat");
		return -EPROTO;
	}
	for (type = 0; type <= VIRTIO_STATUS_A_MAX; type++)
		if (tb[type] && type != VIRTIO_STATUS_A_PAD)
			VS_SET(info, type);

	for (i = 0; i < ARRAY_SIZE(u32s); i++) {
		a = tb[u32s[i]];
		if (!a)
			continue;
		if (a->nla_len != NLA_HDRLEN + sizeof(__u32)) {
			snprintf(ctx->why, ctx->whylen, "%s is not a u32",
				 vs_attr_name(u32s[i]));
			return -EPROTO;
		}
		memcpy(vals[i], (const char *)a + NLA_HDRLEN, 4);
	}
	for (i = 0; i < ARRAY_SIZE(strs); i++) {
		a = tb[strs[i]];
		if (a && vs_info_str(a, bufs[i], VS_INFO_STR_MAX)) {
			snprintf(ctx->why, ctx->whylen,
				 "%s: not a NUL-terminated string of at most %d bytes",
				 vs_attr_name(strs[i]), VS_INFO_STR_MAX);
			return -EPROTO;
		}
	}
	return 0;
}

/*
 * VIRTIO_STATUS_CMD_INFO. Returns 0 with @info filled (check info->present
 * for what the reply carried), the kernel's -errno (message in nl->extack),
 * or -EPROTO for a malformed reply (reason in @why).
 */
int vs_info_get(struct vs_nl *nl, struct vs_info *info, char *why,
		size_t whylen)
{
	struct vs_info_ctx ctx = { .info = info, .why = why,
				   .whylen = whylen };
	struct vs_msg *m;
	int err;

	memset(info, 0, sizeof(*info));
	if (whylen)
		why[0] = '\0';
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_INFO, VIRTIO_STATUS_FAMILY_VERSION);
	err = vs_nl_request(nl, m, vs_info_cb, &ctx);
	free(m);
	if (!err && ctx.replies != 1) {
		snprintf(why, whylen, "no reply");
		err = -EPROTO;
	}
	return err;
}

/**
 * vs_json_put_str() - print ',"KEY":"S"' with S escaped for JSON
 * @key: the member name (plain ASCII)
 * @s: the value
 *
 * For the one-line summaries the test programs print.
 */
void vs_json_put_str(const char *key, const char *s)
{
	printf(",\"%s\":\"", key);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

#define VS_QFIELD(k, len, member) \
	{ .kind = (k), .size = (len), .off = offsetof(struct vs_queue, member) }

/* How each queue reply attribute is stored in struct vs_queue. */
static const struct vs_field vs_qfields[VIRTIO_STATUS_A_MAX + 1] = {
	[VIRTIO_STATUS_A_QUEUE_INDEX] = VS_QFIELD(VS_U32, 4, index),
	[VIRTIO_STATUS_A_QUEUE_NAME] = VS_QFIELD(VS_STR, VS_NAME_MAX, name),
	[VIRTIO_STATUS_A_QUEUE_NUM] = VS_QFIELD(VS_U32, 4, num),
	[VIRTIO_STATUS_A_QUEUE_NUM_FREE] = VS_QFIELD(VS_U32, 4, num_free),
	[VIRTIO_STATUS_A_QUEUE_DESC] = VS_QFIELD(VS_U64, 8, desc),
	[VIRTIO_STATUS_A_QUEUE_AVAIL] = VS_QFIELD(VS_U64, 8, avail),
	[VIRTIO_STATUS_A_QUEUE_USED] = VS_QFIELD(VS_U64, 8, used),
	[VIRTIO_STATUS_A_QUEUE_PACKED] = VS_QFIELD(VS_U8, 1, packed),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = VS_QFIELD(VS_U32, 4, avail_idx),
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = VS_QFIELD(VS_U32, 4, used_idx),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] =
		VS_QFIELD(VS_U32, 4, avail_flags),
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = VS_QFIELD(VS_U32, 4, used_flags),
	[VIRTIO_STATUS_A_QUEUE_BROKEN] = VS_QFIELD(VS_U8, 1, broken),
	[VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX] =
		VS_QFIELD(VS_U32, 4, last_avail_idx),
	[VIRTIO_STATUS_A_QUEUE_KICK] = VS_QFIELD(VS_U8, 1, kick),
	[VIRTIO_STATUS_A_QUEUE_CALL] = VS_QFIELD(VS_U8, 1, call),
	[VIRTIO_STATUS_A_QUEUE_KICK_FD] = VS_QFIELD(VS_U32, 4, kick_fd),
	[VIRTIO_STATUS_A_QUEUE_CALL_FD] = VS_QFIELD(VS_U32, 4, call_fd),
	[VIRTIO_STATUS_A_QUEUE_DESC_GPA] = VS_QFIELD(VS_U64, 8, desc_gpa),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_GPA] = VS_QFIELD(VS_U64, 8, avail_gpa),
	[VIRTIO_STATUS_A_QUEUE_USED_GPA] = VS_QFIELD(VS_U64, 8, used_gpa),
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] =
		VS_QFIELD(VS_STR, VS_ADDR_HIDDEN_MAX, addr_hidden),
	[VIRTIO_STATUS_A_QUEUE_ADDR_IOVA] = VS_QFIELD(VS_U8, 1, addr_iova),
};

static_assert(sizeof(((struct vs_queue *)0)->name) == VS_NAME_MAX, "qname");
static_assert(sizeof(((struct vs_queue *)0)->addr_hidden) == VS_ADDR_HIDDEN_MAX,
	      "addr_hidden");

/*
 * Decodes one VIRTIO_STATUS_CMD_QUEUE_GET reply into @q. Every attribute
 * is recorded in q->present; the queue attributes must have exactly their
 * type's size, the name must be a NUL-terminated string that fits, and no
 * attribute but the pad may repeat. Returns 0, or -EINVAL with the reason
 * in @why.
 */
int vs_queue_parse(const struct nlmsghdr *nlh, struct vs_queue *q, char *why,
		   size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	__u64 copied[2];
	int type, err;

	memset(q, 0, sizeof(*q));
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		snprintf(why, whylen, "message too short (%u)",
			 nlh->nlmsg_len);
		return -EINVAL;
	}
	if (g->cmd != VIRTIO_STATUS_CMD_QUEUE_GET) {
		snprintf(why, whylen, "reply has cmd %u", g->cmd);
		return -EINVAL;
	}
	err = vs_attr_parse(tb, VIRTIO_STATUS_A_MAX,
			    (const char *)g + GENL_HDRLEN,
			    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	if (err) {
		snprintf(why, whylen, "%s", err == -EEXIST ?
			 "an attribute is repeated" : "attributes overrun");
		return -EINVAL;
	}

	for (type = 0; type <= VIRTIO_STATUS_A_MAX; type++)
		if (tb[type] && type != VIRTIO_STATUS_A_PAD)
			VS_SET(q, type);
	err = vs_fields_copy(tb, vs_qfields, q, copied, why, whylen);
	if (err)
		return err;
	return 0;
}

/*
 * Checks a queue reply on its own: exactly the attributes of its kind (a
 * vhost queue if @vhost, else a guest queue, split or packed), the ring
 * addresses or else QUEUE_ADDR_HIDDEN with a reason (never both), flags
 * that are 0 or 1, 16-bit ring indices and flags. For a guest queue also
 * a non-empty name, a ring size that is non-zero (a power of two for a
 * split ring), no more free descriptors than that, and, when there, three
 * distinct non-zero ring addresses. How far the indices are apart is not
 * checked here: they are a snapshot (vs_queue_in_flight()). Whether the
 * addresses should be there is the caller's to say (vs_have_cap()). 0 if
 * fine, else -1 with the reason in @why.
 */
int vs_queue_check(const struct vs_queue *q, bool vhost, char *why,
		   size_t whylen)
{
	bool hidden = vs_addr_hidden(q);
	__u64 want = (vhost ? VS_QUEUE_VHOST :
		      q->packed ? VS_QUEUE_PACKED : VS_QUEUE_SPLIT) |
		     (hidden ? 0 : VS_QUEUE_ADDRS);
	__u64 opt = vhost ? VS_QUEUE_VHOST_OPT & ~(hidden ? VS_QUEUE_GPAS : 0) :
		    0;
	__u64 missing = want & ~q->present;
	__u64 extra = q->present & ~want & ~opt;
	__u64 idx = VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL_IDX);
	const char *kind = vhost ? "vhost" : q->packed ? "packed" : "split";

	if (missing || extra) {
		snprintf(why, whylen, "queue %u (%s%s): %s %s", q->index, kind,
			 hidden ? ", addresses hidden" : "",
			 missing ? "missing" : "unexpected",
			 vs_attr_name(__builtin_ctzll(missing ?: extra)));
		return -1;
	}
	if (hidden && !q->addr_hidden[0]) {
		snprintf(why, whylen, "queue %u: QUEUE_ADDR_HIDDEN is empty",
			 q->index);
		return -1;
	}
	if (q->packed > 1 || q->broken > 1 || q->kick > 1 || q->call > 1) {
		snprintf(why, whylen,
			 "queue %u: PACKED %u BROKEN %u KICK %u CALL %u",
			 q->index, q->packed, q->broken, q->kick, q->call);
		return -1;
	}
	if ((q->present & idx) &&
	    (q->avail_idx > 0xffff || q->used_idx > 0xffff ||
	     q->avail_flags > 0xffff || q->used_flags > 0xffff ||
	     q->last_avail_idx > 0xffff)) {
		snprintf(why, whylen,
			 "queue %u: a ring index or flags over 16 bits: AVAIL_IDX %u USED_IDX %u AVAIL_FLAGS %#x USED_FLAGS %#x LAST_AVAIL_IDX %u",
			 q->index, q->avail_idx, q->used_idx, q->avail_flags,
			 q->used_flags, q->last_avail_idx);
		return -1;
	}
	if (vhost)
		return 0;

	if (!q->name[0]) {
		snprintf(why, whylen, "queue %u: empty NAME", q->index);
		return -1;
	}
	if (!q->num || (!q->packed && (q->num & (q->num - 1))) ||
	    q->num > 0x8000 || q->num_free > q->num) {
		snprintf(why, whylen, "queue %u (%s): NUM %u NUM_FREE %u",
			 q->index, q->name, q->num, q->num_free);
		return -1;
	}
	if (!hidden &&
	    (!q->desc || !q->avail || !q->used || q->desc == q->avail ||
	     q->desc == q->used || q->avail == q->used)) {
		snprintf(why, whylen,
			 "queue %u (%s): DESC %#llx AVAIL %#llx USED %#llx",
			 q->index, q->name, (unsigned long long)q->desc,
			 (unsigned long long)q->avail,
			 (unsigned long long)q->used);
		return -1;
	}
	return 0;
}

/* Starts a QUEUE_GET do in @m: the caller adds the attributes. */
void vs_queue_msg(struct vs_nl *nl, struct vs_msg *m)
{
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_QUEUE_GET, VIRTIO_STATUS_FAMILY_VERSION);
}

/* A request answered by exactly one reply, parsed by @parse into @obj. */
struct vs_one_ctx {
	int (*parse)(const struct nlmsghdr *nlh, void *obj, char *why, size_t whylen);
	void *obj;
	int replies;
	char *why;
	size_t whylen;
};

static int vs_one_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct vs_one_ctx *ctx = arg;

	if (ctx->replies++) {
		snprintf(ctx->why, ctx->whylen, "more than one reply");
		return -EPROTO;
	}
	return ctx->parse(nlh, ctx->obj, ctx->why, ctx->whylen) ? -EPROTO : 0;
}

/* Send @m, whose attributes failed to go in if @err, and take one reply. */
static int vs_one_request(struct vs_nl *nl, struct vs_msg *m, int err,
			  struct vs_one_ctx *ctx)
{
	if (!err)
		err = vs_nl_request(nl, m, vs_one_cb, ctx);
	free(m);
	if (!err && ctx->replies != 1) {
		snprintf(ctx->why, ctx->whylen, "no reply");
		err = -EPROTO;
	}
	return err;
}

static int vs_queue_parse_obj(const struct nlmsghdr *nlh, void *q, char *why,
			      size_t whylen)
{
	return vs_queue_parse(nlh, q, why, whylen);
}

/*
 * VIRTIO_STATUS_CMD_QUEUE_GET for queue @index of the device named by
 * VIRTIO_STATUS_A_DEV_PATH or _BUSID (@type) @value. Returns 0 with @q
 * filled (not checked: see vs_queue_check()), the kernel's -errno (message
 * in nl->extack), or -EPROTO for a malformed reply (reason in @why).
 */
int vs_queue_get(struct vs_nl *nl, __u16 type, const char *value,
		 __u32 index, struct vs_queue *q, char *why, size_t whylen)
{
	struct vs_one_ctx ctx = {
		.parse = vs_queue_parse_obj, .obj = q, .why = why, .whylen = whylen,
	};
	struct vs_msg *m;
	int err;

	memset(q, 0, sizeof(*q));
	if (whylen)
		why[0] = '\0';
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_queue_msg(nl, m);
	err = vs_msg_put_str(m, type, value);
	if (!err)
		err = vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				 sizeof(index));
	return vs_one_request(nl, m, err, &ctx);
}

#define VS_EFIELD(k, len, member) \
	{ .kind = (k), .size = (len), .off = offsetof(struct vs_elem, member) }

/* How each element reply attribute is stored in struct vs_elem. */
static const struct vs_field vs_efields[VIRTIO_STATUS_A_MAX + 1] = {
	[VIRTIO_STATUS_A_QUEUE_INDEX] = VS_EFIELD(VS_U32, 4, queue_index),
	[VIRTIO_STATUS_A_ELEM_INDEX] = VS_EFIELD(VS_U32, 4, elem_index),
	[VIRTIO_STATUS_A_ELEM_HEAD] = VS_EFIELD(VS_U32, 4, head),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = VS_EFIELD(VS_U32, 4, avail_idx),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] =
		VS_EFIELD(VS_U32, 4, avail_flags),
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = VS_EFIELD(VS_U32, 4, used_idx),
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = VS_EFIELD(VS_U32, 4, used_flags),
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] =
		VS_EFIELD(VS_STR, VS_ADDR_HIDDEN_MAX, addr_hidden),
	/* ELEM_DESC repeats: vs_elem_parse_one() reads every one. */
};

static_assert(VS_HI_NEXT(struct vs_elem), "vs_elem.present_hi");
static_assert(sizeof(((struct vs_elem *)0)->addr_hidden) == VS_ADDR_HIDDEN_MAX,
	      "elem addr_hidden");

/* Exact sizes of the VIRTIO_STATUS_A_DESC_* attributes. */
static const size_t vs_desc_size[VIRTIO_STATUS_A_DESC_MAX + 1] = {
	[VIRTIO_STATUS_A_DESC_ADDR] = 8,
	[VIRTIO_STATUS_A_DESC_LEN] = 4,
	[VIRTIO_STATUS_A_DESC_FLAGS] = 4,
};

/* One ELEM_DESC nest @nla into @d. 0, or -EINVAL with @why set. */
static int vs_elem_parse_desc(const struct nlattr *nla, unsigned int n,
			      struct vs_elem_desc *d, char *why, size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_DESC_MAX + 1];
	void *dst[VIRTIO_STATUS_A_DESC_MAX + 1] = {
		[VIRTIO_STATUS_A_DESC_ADDR] = &d->addr,
		[VIRTIO_STATUS_A_DESC_LEN] = &d->len,
		[VIRTIO_STATUS_A_DESC_FLAGS] = &d->flags,
	};
	int type, err;
	size_t len;

	memset(d, 0, sizeof(*d));
	err = vs_attr_parse(tb, VIRTIO_STATUS_A_DESC_MAX,
			    (const char *)nla + NLA_HDRLEN,
			    nla->nla_len - NLA_HDRLEN);
	if (err) {
		snprintf(why, whylen, "ELEM_DESC %u: %s", n, err == -EEXIST ?
			 "an attribute is repeated" : "attributes overrun");
		return -EINVAL;
	}
	for (type = VIRTIO_STATUS_A_DESC_ADDR;
	     type <= VIRTIO_STATUS_A_DESC_FLAGS; type++) {
		if (!tb[type])
			continue;
		len = tb[type]->nla_len - NLA_HDRLEN;
		if (len != vs_desc_size[type]) {
			snprintf(why, whylen,
				 "ELEM_DESC %u: attribute %d: %zu bytes, expected %zu",
				 n, type, len, vs_desc_size[type]);
			return -EINVAL;
		}
		memcpy(dst[type], (const char *)tb[type] + NLA_HDRLEN,
		       vs_desc_size[type]);
		d->present |= VS_BIT(type);
	}
	return 0;
}

/* One ELEM_DESC of a reply (vs_attr_each()), in chain order. */
static int vs_elem_parse_one(const struct nlattr *nla, void *arg, char *why,
			     size_t whylen)
{
	struct vs_elem *el = arg;
	int err;

	if (el->n_descs == VS_ELEM_DESCS_MAX) {
		snprintf(why, whylen, "more than %u ELEM_DESC", VS_ELEM_DESCS_MAX);
		return -EINVAL;
	}
	err = vs_elem_parse_desc(nla, el->n_descs, &el->descs[el->n_descs],
				 why, whylen);
	if (err)
		return err;
	el->n_descs++;
	el->present |= VS_BIT(VIRTIO_STATUS_A_ELEM_DESC);
	return 0;
}

/*
 * Decodes one VIRTIO_STATUS_CMD_ELEMENT_GET reply into @el: its
 * attributes as vs_queue_parse() does, and each ELEM_DESC nest, whose
 * attributes must have exactly their size. Returns 0, or -EINVAL with the
 * reason in @why.
 */
int vs_elem_parse(const struct nlmsghdr *nlh, struct vs_elem *el, char *why,
		  size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	__u64 copied[2];
	int type, err;

	memset(el, 0, sizeof(*el));
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		snprintf(why, whylen, "message too short (%u)",
			 nlh->nlmsg_len);
		return -EINVAL;
	}
	if (g->cmd != VIRTIO_STATUS_CMD_ELEMENT_GET) {
		snprintf(why, whylen, "reply has cmd %u", g->cmd);
		return -EINVAL;
	}
	err = vs_attr_parse_multi(tb, VIRTIO_STATUS_A_MAX,
				  (const char *)g + GENL_HDRLEN,
				  nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN),
				  VS_BIT(VIRTIO_STATUS_A_PAD) |
				  VS_BIT(VIRTIO_STATUS_A_ELEM_DESC));
	if (err) {
		snprintf(why, whylen, "%s", err == -EEXIST ?
			 "an attribute is repeated" : "attributes overrun");
		return -EINVAL;
	}
	for (type = 0; type <= VIRTIO_STATUS_A_MAX; type++)
		if (tb[type] && type != VIRTIO_STATUS_A_PAD)
			VS_SET(el, type);
	err = vs_fields_copy(tb, vs_efields, el, copied, why, whylen);
	if (err)
		return err;
	return vs_attr_each(nlh, VIRTIO_STATUS_A_ELEM_DESC, vs_elem_parse_one, el,
			    why, whylen);
}

/*
 * Checks an element reply on its own: exactly its attributes, at least one
 * descriptor, each with DESC_LEN and DESC_FLAGS, and DESC_ADDR in every
 * one, or else QUEUE_ADDR_HIDDEN with a reason and DESC_ADDR in none.
 * Ring indices and flags fit 16 bits. 0 if fine, else -1 with the reason
 * in @why.
 */
int vs_elem_check(const struct vs_elem *el, char *why, size_t whylen)
{
	bool hidden = vs_addr_hidden(el);
	__u64 missing = VS_ELEM_MANDATORY & ~el->present;
	__u64 extra = el->present & ~VS_ELEM_MANDATORY;
	__u64 want = VS_BIT(VIRTIO_STATUS_A_DESC_LEN) |
		     VS_BIT(VIRTIO_STATUS_A_DESC_FLAGS) |
		     (hidden ? 0 : VS_BIT(VIRTIO_STATUS_A_DESC_ADDR));
	unsigned int i;

	if (missing || extra) {
		snprintf(why, whylen, "element %u: %s %s", el->elem_index,
			 missing ? "missing" : "unexpected",
			 vs_attr_name(__builtin_ctzll(missing ?: extra)));
		return -1;
	}
	if (hidden && !el->addr_hidden[0]) {
		snprintf(why, whylen, "element %u: QUEUE_ADDR_HIDDEN is empty",
			 el->elem_index);
		return -1;
	}
	for (i = 0; i < el->n_descs; i++) {
		if (el->descs[i].present != want) {
			snprintf(why, whylen,
				 "element %u, descriptor %u: DESC_* attributes %#llx, expected %#llx%s",
				 el->elem_index, i,
				 (unsigned long long)el->descs[i].present,
				 (unsigned long long)want,
				 hidden ? " (addresses hidden)" : "");
			return -1;
		}
	}
	if (el->avail_idx > 0xffff || el->used_idx > 0xffff ||
	    el->avail_flags > 0xffff || el->used_flags > 0xffff ||
	    el->elem_index > 0xffff || el->head > 0xffff) {
		snprintf(why, whylen,
			 "element %u: a ring index or flags over 16 bits: HEAD %u AVAIL_IDX %u USED_IDX %u AVAIL_FLAGS %#x USED_FLAGS %#x",
			 el->elem_index, el->head, el->avail_idx, el->used_idx,
			 el->avail_flags, el->used_flags);
		return -1;
	}
	return 0;
}

static int vs_elem_parse_obj(const struct nlmsghdr *nlh, void *el, char *why,
			     size_t whylen)
{
	return vs_elem_parse(nlh, el, why, whylen);
}

/*
 * VIRTIO_STATUS_CMD_ELEMENT_GET for avail ring entry *@index (the last one
 * the driver made available if @index is NULL) of queue @queue of the
 * device named by VIRTIO_STATUS_A_DEV_PATH or _BUSID (@type) @value.
 * Returns as vs_queue_get() does, @el filled but not checked
 * (vs_elem_check()).
 */
int vs_elem_get(struct vs_nl *nl, __u16 type, const char *value,
		__u32 queue, const __u32 *index, struct vs_elem *el, char *why,
		size_t whylen)
{
	struct vs_one_ctx ctx = {
		.parse = vs_elem_parse_obj, .obj = el, .why = why, .whylen = whylen,
	};
	struct vs_msg *m;
	int err;

	memset(el, 0, sizeof(*el));
	if (whylen)
		why[0] = '\0';
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_ELEMENT_GET, VIRTIO_STATUS_FAMILY_VERSION);
	err = vs_msg_put_str(m, type, value);
	if (!err)
		err = vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &queue,
				 sizeof(queue));
	if (!err && index)
		err = vs_msg_put(m, VIRTIO_STATUS_A_ELEM_INDEX, index,
				 sizeof(*index));
	return vs_one_request(nl, m, err, &ctx);
}

/**
 * vs_have_cap() - is a capability in this process's effective set?
 * @cap: its number (CAP_SYS_ADMIN is 21)
 *
 * What the module checks is the capability in the initial user namespace,
 * which is where the selftests run.
 *
 * Return: 1, 0, or -errno.
 */
int vs_have_cap(unsigned int cap)
{
	unsigned long long eff;
	int found = -ENOENT;
	char line[256];
	FILE *f;

	if (cap > 63)
		return -EINVAL;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			found = !!(eff & (1ULL << cap));
	fclose(f);
	return found;
}

/**
 * vs_now() - seconds on the monotonic clock, for timing loops and benches
 *
 * Return: the time.
 */
double vs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
