// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny raw generic netlink client for the virtio_status selftests.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
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
			if (tb[type] && type != VIRTIO_STATUS_A_PAD)
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
};

/* The sizes above must match struct vs_dev. */
static_assert(sizeof(((struct vs_dev *)0)->path) == VIRTIO_STATUS_PATH_MAX, "path");
static_assert(sizeof(((struct vs_dev *)0)->busid) == VIRTIO_STATUS_BUSID_MAX, "busid");
static_assert(sizeof(((struct vs_dev *)0)->name) == VS_NAME_MAX, "name");
static_assert(sizeof(((struct vs_dev *)0)->transport) == VS_NAME_MAX, "transport");
static_assert(sizeof(((struct vs_dev *)0)->driver) == VS_NAME_MAX, "driver");

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
	int type, err;

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
	err = vs_attr_parse(tb, VIRTIO_STATUS_A_MAX,
			    (const char *)g + GENL_HDRLEN,
			    nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN));
	if (err) {
		snprintf(why, whylen, "%s", err == -EEXIST ?
			 "an attribute is repeated" : "attributes overrun");
		return -EINVAL;
	}

	for (type = 0; type <= VIRTIO_STATUS_A_MAX; type++) {
		const struct vs_field *f = &vs_fields[type];
		const struct nlattr *a = tb[type];
		const char *data;
		size_t len;

		if (!a || f->kind == VS_NONE)
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
		memcpy((char *)d + f->off, data, len);
		d->present |= 1ULL << type;
	}
	return 0;
}

/* Checks what every reply must satisfy on its own. 0 if fine, else -1. */
int vs_dev_check(const struct vs_dev *d, char *why, size_t whylen)
{
	__u64 missing = VS_MANDATORY & ~d->present;
	bool feat = VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	bool ferr = VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	const char *base;
	char expect[VIRTIO_STATUS_BUSID_MAX];

	if (missing) {
		snprintf(why, whylen, "%s: missing %s", d->busid,
			 vs_attr_name(__builtin_ctzll(missing)));
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
