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
#include "vs_nl_gen.h"

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

/**
 * vs_msg_nest_start() - open a nest attribute in a request
 * @m: the request
 * @type: the nest's type; NLA_F_NESTED is added
 *
 * The attributes put next go inside, until vs_msg_nest_end().
 *
 * Return: the nest's offset in @m, for vs_msg_nest_end(), or -EMSGSIZE.
 */
int vs_msg_nest_start(struct vs_msg *m, __u16 type)
{
	size_t off = m->len;
	int err;

	err = vs_msg_put(m, type | NLA_F_NESTED, NULL, 0);
	return err ? err : (int)off;
}

/* Closes the nest vs_msg_nest_start() opened at @off: its length. */
void vs_msg_nest_end(struct vs_msg *m, int off)
{
	struct nlattr *nla = (struct nlattr *)(m->buf + off);

	nla->nla_len = m->len - off;
}

/**
 * vs_msg_put_header() - name a device in a request, as the family wants
 * @m: the request
 * @nest: the header nest's type in the request's set (DEV_HEADER,
 *	QUEUE_HEADER, ELEMENT_HEADER)
 * @type: VIRTIO_STATUS_A_HEADER_PATH or VIRTIO_STATUS_A_HEADER_BUSID
 * @value: the path or bus id
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_header(struct vs_msg *m, __u16 nest, __u16 type,
		      const char *value)
{
	int off = vs_msg_nest_start(m, nest);
	int err;

	if (off < 0)
		return off;
	err = vs_msg_put_str(m, type, value);
	if (err)
		return err;
	vs_msg_nest_end(m, off);
	return 0;
}

/*
 * Walks the attributes in [data, data + len). tb[type] gets the last one of
 * each type up to @maxtype; larger types are ignored. Returns -EINVAL if an
 * attribute overruns the buffer, -EEXIST if a type repeats.
 */
int vs_attr_parse(const struct nlattr **tb, int maxtype, const void *data,
		  size_t len)
{
	return vs_attr_parse_multi(tb, maxtype, data, len, 0);
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

/**
 * vs_nl_recv() - read one datagram of messages nobody asked for
 * @nl: a socket that joined a multicast group
 * @cb: called for every message in it (its negative return is returned)
 * @arg: for @cb
 *
 * For notifications: no request, no sequence number to match. Waits as
 * long as the socket's SO_RCVTIMEO says.
 *
 * Return: 0, -EAGAIN if the wait timed out, another -errno, or @cb's.
 */
int vs_nl_recv(struct vs_nl *nl, vs_msg_cb cb, void *arg)
{
	const struct nlmsghdr *nlh;
	size_t len = 0;
	int ret;

	ret = vs_recv(nl, &len);
	if (ret)
		return ret;
	for (nlh = (struct nlmsghdr *)nl->buf; NLMSG_OK(nlh, len);
	     nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_type == NLMSG_NOOP)
			continue;
		if (nlh->nlmsg_type == NLMSG_OVERRUN)
			return -EOVERFLOW;
		ret = cb(nlh, arg);
		if (ret)
			return ret;
	}
	return 0;
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

/*
 * CTRL_ATTR_MCAST_GROUPS nests one attribute per group, each nesting its
 * NAME and ID: keeps the id of the group named VIRTIO_STATUS_MCGRP_EVENTS.
 */
static void vs_ctrl_groups(struct vs_nl *nl, const struct nlattr *groups)
{
	const char *p = (const char *)groups + NLA_HDRLEN;
	size_t len = groups->nla_len - NLA_HDRLEN;

	while (len >= NLA_HDRLEN) {
		const struct nlattr *grp = (const struct nlattr *)p;
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
		const struct nlattr *name, *id;
		size_t step;

		if (grp->nla_len < NLA_HDRLEN || grp->nla_len > len)
			return;
		if (vs_attr_parse(tb, CTRL_ATTR_MCAST_GRP_MAX,
				  (const char *)grp + NLA_HDRLEN,
				  grp->nla_len - NLA_HDRLEN) == 0) {
			name = tb[CTRL_ATTR_MCAST_GRP_NAME];
			id = tb[CTRL_ATTR_MCAST_GRP_ID];
			if (name && id && id->nla_len == NLA_HDRLEN + 4 &&
			    name->nla_len == NLA_HDRLEN + sizeof(VIRTIO_STATUS_MCGRP_EVENTS) &&
			    !memcmp((const char *)name + NLA_HDRLEN,
				    VIRTIO_STATUS_MCGRP_EVENTS,
				    sizeof(VIRTIO_STATUS_MCGRP_EVENTS)))
				memcpy(&nl->events_group,
				       (const char *)id + NLA_HDRLEN, 4);
		}
		step = NLA_ALIGN(grp->nla_len);
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
	ctx->nl->events_group = 0;
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		vs_ctrl_groups(ctx->nl, tb[CTRL_ATTR_MCAST_GROUPS]);
	ctx->found = true;
	return 0;
}

/*
 * Looks up a generic netlink family by name. Returns 0 with nl->family,
 * nl->version, the ops' flags and nl->events_group set, or -ENOENT if no
 * such family.
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

/*
 * The family's attribute sets as tools/ynl/gen_libnl.py generates them
 * from the spec (tools/lib/vs_nl_gen.c): each attribute's name, wire type,
 * whether it repeats and, for a nest, the set it holds. Only those facts
 * come from there; where a value is kept, and what a reply must or must
 * not carry, are the tests' own (the VS_KEEP() tables, vs_netlink.h).
 */
static const struct vs_nl_set * const vs_spec[] = {
	[VS_AS_HEADER] = &vs_nl_header_set,
	[VS_AS_DEV] = &vs_nl_dev_set,
	[VS_AS_VHOST] = &vs_nl_vhost_set,
	[VS_AS_QUEUE] = &vs_nl_queue_set,
	[VS_AS_ELEMENT] = &vs_nl_element_set,
	[VS_AS_DESC] = &vs_nl_desc_set,
	[VS_AS_INFO] = &vs_nl_info_set,
	[VS_AS_EVENT] = &vs_nl_event_set,
};

/* Every presence mask is one word: each set's types are below 64. */
static_assert(VIRTIO_STATUS_A_HEADER_MAX < 64, "header set past 63");
static_assert(VIRTIO_STATUS_A_DEV_MAX < 64, "dev set past 63");
static_assert(VIRTIO_STATUS_A_VHOST_MAX < 64, "vhost set past 63");
static_assert(VIRTIO_STATUS_A_QUEUE_MAX < 64, "queue set past 63");
static_assert(VIRTIO_STATUS_A_ELEMENT_MAX < 64, "element set past 63");
static_assert(VIRTIO_STATUS_A_DESC_MAX < 64, "desc set past 63");
static_assert(VIRTIO_STATUS_A_INFO_MAX < 64, "info set past 63");
static_assert(VIRTIO_STATUS_A_EVENT_MAX < 64, "event set past 63");

#define VS_ATTR_NAME_MAX	48

/*
 * Attribute names for messages, VIRTIO_STATUS_A_ less ("DEV_NUM_VQS"), by
 * set and type; "DEV_1" for a type the spec names no attribute of (the
 * pad, or one this header does not define).
 */
static char vs_names[ARRAY_SIZE(vs_spec)][64][VS_ATTR_NAME_MAX];

/* Spelled out before main(), so that every thread may read them. */
__attribute__((constructor)) static void vs_names_init(void)
{
	const struct vs_nl_set *s;
	const char *prefix;
	size_t i;
	int t;

	for (i = 0; i < ARRAY_SIZE(vs_spec); i++) {
		s = vs_spec[i];
		prefix = s->prefix;
		if (!strncmp(prefix, "A_", 2))
			prefix += 2;
		for (t = 0; t < 64; t++) {
			if (t <= s->max && s->attrs[t].name)
				snprintf(vs_names[i][t], VS_ATTR_NAME_MAX, "%s%s",
					 prefix, s->attrs[t].name);
			else
				snprintf(vs_names[i][t], VS_ATTR_NAME_MAX, "%s%d",
					 prefix, t);
		}
	}
}

/* The spec's name of attribute set @set ("dev"), "?" if none. */
const char *vs_aset_name(enum vs_aset set)
{
	if ((unsigned int)set < ARRAY_SIZE(vs_spec))
		return vs_spec[set]->name;
	return "?";
}

/* The name of attribute @type of set @set ("DEV_NAME"), "?" if none. */
const char *vs_attr_name(enum vs_aset set, unsigned int type)
{
	if ((unsigned int)set < ARRAY_SIZE(vs_spec) && type < 64)
		return vs_names[set][type];
	return "?";
}

/* Where a test struct keeps one attribute's value. */
struct vs_field {
	size_t off;
	size_t size;	/* the member's: 0 if the value is not kept there */
};

/*
 * An attribute kept in a member of struct @type, named by the rest (a
 * member designator, as offsetof() takes): the spec says its type.
 */
#define VS_KEEP(type, ...) {						\
	.off = offsetof(type, __VA_ARGS__),				\
	.size = sizeof(((type *)0)->__VA_ARGS__),			\
}

/**
 * struct vs_set - how one attribute set is decoded (vs_decode())
 * @set: which set: the spec's table says its attributes
 * @pad: its pad's type, which may repeat and is not recorded; 0 if none
 * @fields: by type, where each value is kept; none for nests and
 *	repeated attributes, which the caller reads
 */
struct vs_set {
	enum vs_aset set;
	int pad;
	const struct vs_field *fields;
};

/* Records in @u the first attribute of [data, data + len) @s does not define. */
static void vs_note_unknown(const struct vs_set *s, const void *data,
			    size_t len, struct vs_unknown *u)
{
	int max = vs_spec[s->set]->max;
	const char *p = data;

	while (!u->seen && len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		int type = nla->nla_type & NLA_TYPE_MASK;
		size_t step = NLA_ALIGN(nla->nla_len);

		if (type == 0 || type > max) {
			u->seen = true;
			u->set = s->set;
			u->type = type;
		}
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
}

/**
 * vs_attr_check() - check one attribute against the spec's type for it
 * @set: its set
 * @a: the attribute, of a type the set defines
 * @keep: the size of the member it is kept in, 0 if not kept
 * @why: the reason of a failure
 * @whylen: its size
 *
 * An integer must have exactly its type's size (and be kept in a member
 * of that size), a string must be NUL-terminated with no NUL inside (and
 * fit its member). A nest is vs_nest_decode()'s to check.
 *
 * Return: 0, or -EINVAL with @why set.
 */
static int vs_attr_check(enum vs_aset set, const struct nlattr *a,
			 size_t keep, char *why, size_t whylen)
{
	unsigned int type = a->nla_type & NLA_TYPE_MASK;
	const struct vs_nl_attr *d = &vs_spec[set]->attrs[type];
	const char *val = (const char *)a + NLA_HDRLEN;
	size_t vlen = a->nla_len - NLA_HDRLEN;
	size_t want;

	switch (d->type) {
	case VS_NL_STRING:
		if (!vlen || val[vlen - 1] || strlen(val) != vlen - 1) {
			snprintf(why, whylen, "%s: not a NUL-terminated string",
				 vs_attr_name(set, type));
			return -EINVAL;
		}
		if (keep && vlen > keep) {
			snprintf(why, whylen, "%s: %zu bytes, max %zu",
				 vs_attr_name(set, type), vlen, keep);
			return -EINVAL;
		}
		return 0;
	case VS_NL_U8:
		want = 1;
		break;
	case VS_NL_U32:
		want = 4;
		break;
	case VS_NL_U64:
		want = 8;
		break;
	case VS_NL_NEST:
		want = 0;
		break;
	default:
		snprintf(why, whylen, "%s: no attribute of the spec",
			 vs_attr_name(set, type));
		return -EINVAL;
	}
	/* a member of the wrong size: this library's bug, not the module's */
	if (keep && keep != want) {
		snprintf(why, whylen, "%s: %zu bytes in the spec, kept in %zu",
			 vs_attr_name(set, type), want, keep);
		return -EINVAL;
	}
	if (want && vlen != want) {
		snprintf(why, whylen, "%s: %zu bytes, expected %zu",
			 vs_attr_name(set, type), vlen, want);
		return -EINVAL;
	}
	return 0;
}

/**
 * vs_decode() - decode the attributes of one set into a struct
 * @s: the set
 * @data: its first attribute
 * @len: bytes of attributes
 * @obj: the struct, which @s->fields describes
 * @present: gets a bit for every type of the set seen, the pad aside
 * @unknown: gets the first attribute @s does not define, if none yet
 * @tb: tb[type] gets the attribute of each type (the set's max + 1 entries)
 * @why: the reason of a failure
 * @whylen: its size
 *
 * Every attribute must fit in @len, none may repeat but the pad and those
 * the spec says repeat, and each must be what the spec says it is
 * (vs_attr_check()); a repeated one is the caller's to check, each time.
 *
 * Return: 0, or -EINVAL with @why set.
 */
static int vs_decode(const struct vs_set *s, const void *data, size_t len,
		     void *obj, __u64 *present, struct vs_unknown *unknown,
		     const struct nlattr **tb, char *why, size_t whylen)
{
	const struct vs_nl_set *spec = vs_spec[s->set];
	__u64 multi = s->pad ? VS_BIT(s->pad) : 0;
	int type, err;

	for (type = 1; type <= spec->max; type++)
		if (spec->attrs[type].max)
			multi |= VS_BIT(type);
	err = vs_attr_parse_multi(tb, spec->max, data, len, multi);
	if (err) {
		snprintf(why, whylen, "%s attributes: %s", vs_aset_name(s->set),
			 err == -EEXIST ? "an attribute is repeated" :
					  "attributes overrun");
		return -EINVAL;
	}
	vs_note_unknown(s, data, len, unknown);

	for (type = 1; type <= spec->max; type++) {
		const struct vs_field *f = &s->fields[type];
		const struct nlattr *a = tb[type];

		if (!a || type == s->pad)
			continue;
		*present |= VS_BIT(type);
		if (spec->attrs[type].max)
			continue;
		err = vs_attr_check(s->set, a, f->size, why, whylen);
		if (err)
			return err;
		if (f->size)
			memcpy((char *)obj + f->off, (const char *)a + NLA_HDRLEN,
			       a->nla_len - NLA_HDRLEN);
	}
	return 0;
}

/*
 * As vs_decode(), for the nest @nla of the set @parent, which the spec
 * must say holds the set @s: it must be flagged NLA_F_NESTED, as
 * nla_nest_start() flags it.
 */
static int vs_nest_decode(enum vs_aset parent, const struct vs_set *s,
			  const struct nlattr *nla, void *obj, __u64 *present,
			  struct vs_unknown *unknown, const struct nlattr **tb,
			  char *why, size_t whylen)
{
	unsigned int type = nla->nla_type & NLA_TYPE_MASK;

	if (vs_spec[parent]->attrs[type].nested != vs_spec[s->set]) {
		snprintf(why, whylen, "%s: the spec's nest holds no %s set",
			 vs_attr_name(parent, type), vs_aset_name(s->set));
		return -EINVAL;
	}
	if (!(nla->nla_type & NLA_F_NESTED)) {
		snprintf(why, whylen, "the %s nest is not flagged NLA_F_NESTED",
			 vs_aset_name(s->set));
		return -EINVAL;
	}
	return vs_decode(s, (const char *)nla + NLA_HDRLEN,
			 nla->nla_len - NLA_HDRLEN, obj, present, unknown, tb,
			 why, whylen);
}

/* A reply with an attribute this header does not define is refused. */
static int vs_unknown_check(const struct vs_unknown *u, const char *who,
			    char *why, size_t whylen)
{
	if (!u->seen)
		return 0;
	snprintf(why, whylen, "%s: %s attribute of type %u, unknown to this header",
		 who, vs_aset_name(u->set), u->type);
	return -1;
}

/*
 * Calls @fn for every attribute of @type in [data, data + len), in order,
 * until one returns an error (-EINVAL with the reason in @why). The
 * attributes have been checked by vs_attr_parse_multi().
 */
static int vs_attr_each(const void *data, size_t len, int type,
			int (*fn)(const struct nlattr *nla, void *arg, char *why,
				  size_t whylen),
			void *arg, char *why, size_t whylen)
{
	const char *p = data;
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

/* The attributes of a reply message @nlh: after its genetlink header. */
static const void *vs_msg_attrs(const struct nlmsghdr *nlh, size_t *len)
{
	*len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
}

/* The header set, into the path and busid members of struct @type. */
#define VS_HDR_FIELDS(type) {						\
	[VIRTIO_STATUS_A_HEADER_PATH] = VS_KEEP(type, path),		\
	[VIRTIO_STATUS_A_HEADER_BUSID] = VS_KEEP(type, busid),		\
}

/* The header set, decoded by @fields (VS_HDR_FIELDS()). */
#define VS_HDR_SET(hdr_fields) {					\
	.set = VS_AS_HEADER,						\
	.fields = (hdr_fields),						\
}

#define VS_DEV(member)	VS_KEEP(struct vs_dev, member)

/* How each dev attribute is stored in struct vs_dev. */
static const struct vs_field vs_dev_fields[VIRTIO_STATUS_A_DEV_MAX + 1] = {
	/*
	 * HEADER and VHOST are nests: vs_dev_parse() reads them. Not kept
	 * (but checked, as every attribute is): TRANSPORT_DEV.
	 */
	[VIRTIO_STATUS_A_DEV_KIND] = VS_DEV(kind),
	[VIRTIO_STATUS_A_DEV_NAME] = VS_DEV(name),
	[VIRTIO_STATUS_A_DEV_INDEX] = VS_DEV(index),
	[VIRTIO_STATUS_A_DEV_ID] = VS_DEV(id),
	[VIRTIO_STATUS_A_DEV_VENDOR] = VS_DEV(vendor),
	[VIRTIO_STATUS_A_DEV_TRANSPORT] = VS_DEV(transport),
	[VIRTIO_STATUS_A_DEV_DRIVER] = VS_DEV(driver),
	[VIRTIO_STATUS_A_DEV_STATUS] = VS_DEV(status),
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES] = VS_DEV(driver_features),
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI] = VS_DEV(driver_features_hi),
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES] = VS_DEV(device_features),
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI] = VS_DEV(device_features_hi),
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR] = VS_DEV(device_features_err),
	[VIRTIO_STATUS_A_DEV_NUM_VQS] = VS_DEV(num_vqs),
	[VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS] = VS_DEV(device_num_vqs),
	[VIRTIO_STATUS_A_DEV_BROKEN] = VS_DEV(broken),
	[VIRTIO_STATUS_A_DEV_FAILED] = VS_DEV(failed),
	[VIRTIO_STATUS_A_DEV_ENDIAN] = VS_DEV(endian),
	[VIRTIO_STATUS_A_DEV_GENERATION] = VS_DEV(generation),
	[VIRTIO_STATUS_A_DEV_LIST_ONLY] = VS_DEV(list_only),
	[VIRTIO_STATUS_A_DEV_BUSY] = VS_DEV(busy),
};

/* How each attribute of the DEV_VHOST nest is stored in struct vs_dev. */
static const struct vs_field vs_vhost_fields[VIRTIO_STATUS_A_VHOST_MAX + 1] = {
	[VIRTIO_STATUS_A_VHOST_ACKED_FEATURES] = VS_DEV(vhost_acked_features),
	[VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI] =
		VS_DEV(vhost_acked_features_hi),
	[VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES] =
		VS_DEV(vhost_backend_features),
	[VIRTIO_STATUS_A_VHOST_MEM_REGIONS] = VS_DEV(vhost_mem_regions),
	[VIRTIO_STATUS_A_VHOST_LOG_ENABLED] = VS_DEV(vhost_log_enabled),
	[VIRTIO_STATUS_A_VHOST_STARTED] = VS_DEV(vhost_started),
	[VIRTIO_STATUS_A_VHOST_OWNER_PID] = VS_DEV(vhost_owner_pid),
	/* HOLDER_PID repeats: vs_dev_parse() collects it by hand. */
	[VIRTIO_STATUS_A_VHOST_HOLDERS] = VS_DEV(vhost_holders),
	[VIRTIO_STATUS_A_VHOST_ERROR] = VS_DEV(vhost_error),
};

static const struct vs_set vs_dev_set = {
	.set = VS_AS_DEV,
	.pad = VIRTIO_STATUS_A_DEV_PAD,
	.fields = vs_dev_fields,
};

static const struct vs_field vs_dev_hdr_fields[VIRTIO_STATUS_A_HEADER_MAX + 1] =
	VS_HDR_FIELDS(struct vs_dev);
static const struct vs_set vs_dev_hdr_set = VS_HDR_SET(vs_dev_hdr_fields);

static const struct vs_set vs_vhost_set = {
	.set = VS_AS_VHOST,
	.pad = VIRTIO_STATUS_A_VHOST_PAD,
	.fields = vs_vhost_fields,
};

/* One HOLDER_PID of a DEV_VHOST nest (vs_attr_each()). */
static int vs_dev_parse_holder(const struct nlattr *nla, void *arg, char *why,
			       size_t whylen)
{
	struct vs_dev *d = arg;
	__u32 pid;

	if (vs_attr_check(VS_AS_VHOST, nla, sizeof(pid), why, whylen))
		return -EINVAL;
	memcpy(&pid, (const char *)nla + NLA_HDRLEN, sizeof(pid));
	if (d->n_holders < VS_HOLDERS_MAX)
		d->holders[d->n_holders] = pid;
	d->n_holders++;
	return 0;
}

/*
 * Decodes one reply into @d: the dev attributes, the DEV_HEADER nest (path
 * and bus id) and the DEV_VHOST nest. Every known attribute must have
 * exactly its type's size; strings must be NUL terminated, with no NUL
 * inside, and fit the field; nests must be flagged NLA_F_NESTED. Returns
 * 0, or -EINVAL with the reason in @why.
 */
int vs_dev_parse(const struct nlmsghdr *nlh, struct vs_dev *d, char *why,
		 size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_DEV_MAX + 1];
	const struct nlattr *htb[VIRTIO_STATUS_A_HEADER_MAX + 1];
	const struct nlattr *vtb[VIRTIO_STATUS_A_VHOST_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const struct nlattr *nest;
	const void *data;
	size_t len;
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
	data = vs_msg_attrs(nlh, &len);
	err = vs_decode(&vs_dev_set, data, len, d, &d->present, &d->unknown,
			tb, why, whylen);
	if (err)
		return err;

	nest = tb[VIRTIO_STATUS_A_DEV_HEADER];
	if (nest) {
		err = vs_nest_decode(VS_AS_DEV, &vs_dev_hdr_set, nest, d,
				     &d->hdr_present, &d->unknown, htb, why,
				     whylen);
		if (err)
			return err;
	}
	nest = tb[VIRTIO_STATUS_A_DEV_VHOST];
	if (nest) {
		err = vs_nest_decode(VS_AS_DEV, &vs_vhost_set, nest, d,
				     &d->vhost_present, &d->unknown, vtb, why,
				     whylen);
		if (err)
			return err;
		err = vs_attr_each((const char *)nest + NLA_HDRLEN,
				   nest->nla_len - NLA_HDRLEN,
				   VIRTIO_STATUS_A_VHOST_HOLDER_PID,
				   vs_dev_parse_holder, d, why, whylen);
		if (err)
			return err;
	}
	return 0;
}

/* Checks a virtio-bus reply on its own. 0 if fine, else -1. */
static int vs_virtio_check(const struct vs_dev *d, char *why, size_t whylen)
{
	__u64 missing = VS_MANDATORY & ~d->present;
	__u64 hdr_missing = VS_HDR_VIRTIO & ~d->hdr_present;
	__u64 extra = VS_VHOST_ONLY & d->present;
	bool feat = VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	bool ferr = VS_HAS(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	const char *base;
	char expect[VIRTIO_STATUS_BUSID_MAX];

	if (missing) {
		snprintf(why, whylen, "%s: missing %s", d->busid,
			 vs_attr_name(VS_AS_DEV, __builtin_ctzll(missing)));
		return -1;
	}
	if (hdr_missing) {
		snprintf(why, whylen, "%s: DEV_HEADER without %s", d->busid,
			 vs_attr_name(VS_AS_HEADER,
				      __builtin_ctzll(hdr_missing)));
		return -1;
	}
	if (extra) {
		snprintf(why, whylen, "%s: a virtio device with %s", d->busid,
			 vs_attr_name(VS_AS_DEV, __builtin_ctzll(extra)));
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
	bool owner = VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_OWNER_PID);
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
	__u64 vmissing = unread ? 0 : VS_VHOST_NEST_MANDATORY & ~d->vhost_present;
	__u64 extra = VS_VIRTIO_ONLY & d->present;
	__u64 state = VS_VHOST_STATE & d->present;
	__u64 vstate = VS_VHOST_NEST_STATE & d->vhost_present;
	bool log = d->vhost_acked_features & (1ULL << VS_VHOST_F_LOG_ALL);
	__u32 pid, fd;
	size_t i;

	if (missing) {
		snprintf(why, whylen, "vhost %s: missing %s", d->path,
			 vs_attr_name(VS_AS_DEV, __builtin_ctzll(missing)));
		return -1;
	}
	if (d->hdr_present != VS_HDR_VHOST) {
		snprintf(why, whylen,
			 "vhost %s: DEV_HEADER %s HEADER_PATH, %s HEADER_BUSID",
			 d->path,
			 VS_HAS_HDR(d, VIRTIO_STATUS_A_HEADER_PATH) ? "with" : "without",
			 VS_HAS_HDR(d, VIRTIO_STATUS_A_HEADER_BUSID) ? "with" : "without");
		return -1;
	}
	if (vmissing) {
		snprintf(why, whylen, "vhost %s: DEV_VHOST without %s", d->path,
			 vs_attr_name(VS_AS_VHOST, __builtin_ctzll(vmissing)));
		return -1;
	}
	if (unread && !d->vhost_error[0]) {
		snprintf(why, whylen, "vhost %s: empty VHOST_ERROR", d->path);
		return -1;
	}
	if (unread && (state || vstate)) {
		snprintf(why, whylen, "vhost %s: VHOST_ERROR with %s", d->path,
			 state ? vs_attr_name(VS_AS_DEV, __builtin_ctzll(state)) :
				 vs_attr_name(VS_AS_VHOST, __builtin_ctzll(vstate)));
		return -1;
	}
	if (extra) {
		snprintf(why, whylen, "vhost %s: carries %s", d->path,
			 vs_attr_name(VS_AS_DEV, __builtin_ctzll(extra)));
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
 * Checks a device the module found busy (another task held a lock it
 * needs for longer than a request may wait): its identity and the
 * sentence, and nothing of its state. 0 if fine, else -1.
 */
static int vs_busy_check(const struct vs_dev *d, const char *who, char *why,
			 size_t whylen)
{
	__u64 missing = (VS_BIT(VIRTIO_STATUS_A_DEV_HEADER) |
			 VS_BIT(VIRTIO_STATUS_A_DEV_NAME) |
			 VS_BIT(VIRTIO_STATUS_A_DEV_ID) |
			 VS_BIT(VIRTIO_STATUS_A_DEV_GENERATION)) & ~d->present;
	__u64 state = (VS_VHOST_STATE |
		       VS_BIT(VIRTIO_STATUS_A_DEV_FAILED) |
		       VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES) |
		       VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR) |
		       VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI)) & d->present;
	__u64 vstate = VS_VHOST_NEST_STATE & d->vhost_present;

	if (missing) {
		snprintf(why, whylen, "busy %s: missing %s", who,
			 vs_attr_name(VS_AS_DEV, __builtin_ctzll(missing)));
		return -1;
	}
	if (!d->busy[0]) {
		snprintf(why, whylen, "busy %s: empty DEV_BUSY", who);
		return -1;
	}
	if (state || vstate) {
		snprintf(why, whylen, "busy %s: DEV_BUSY with %s", who,
			 state ? vs_attr_name(VS_AS_DEV, __builtin_ctzll(state)) :
				 vs_attr_name(VS_AS_VHOST, __builtin_ctzll(vstate)));
		return -1;
	}
	return 0;
}

/*
 * Checks what every reply must satisfy on its own, by its KIND. 0 if fine,
 * else -1 with the reason in @why.
 */
int vs_dev_check(const struct vs_dev *d, char *why, size_t whylen)
{
	const char *who = d->busid[0] ? d->busid : d->path;

	if (vs_unknown_check(&d->unknown, who, why, whylen))
		return -1;
	if (!VS_HAS(d, VIRTIO_STATUS_A_DEV_KIND)) {
		snprintf(why, whylen, "%s: missing KIND", who);
		return -1;
	}
	if (VS_HAS(d, VIRTIO_STATUS_A_DEV_BUSY))
		return vs_busy_check(d, who, why, whylen);
	switch (d->kind) {
	case VIRTIO_STATUS_KIND_VIRTIO:
		return vs_virtio_check(d, why, whylen);
	case VIRTIO_STATUS_KIND_VHOST:
		return vs_vhost_check(d, why, whylen);
	default:
		snprintf(why, whylen, "%s: KIND %u", who, d->kind);
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

/*
 * Whether a reply's header names the device as the request named it: the
 * attribute @type of the request there, with the request's @value. 0, or
 * -1 with the reason in @why.
 */
static int vs_hdr_echo(__u64 hdr_present, const char *path, const char *busid,
		       __u16 type, const char *value, char *why, size_t whylen)
{
	const char *got = type == VIRTIO_STATUS_A_HEADER_PATH ? path : busid;

	if (!(hdr_present & VS_BIT(type))) {
		snprintf(why, whylen, "the reply's header has no %s (asked for %s)",
			 vs_attr_name(VS_AS_HEADER, type), value);
		return -1;
	}
	if (strcmp(got, value)) {
		snprintf(why, whylen, "the reply's header names %s, asked for %s",
			 got, value);
		return -1;
	}
	return 0;
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
 * Gets one device by VIRTIO_STATUS_A_HEADER_PATH or _BUSID (@type) in the
 * request's DEV_HEADER nest. Returns 0, the kernel's -errno (message in
 * nl->extack) or -EPROTO for a bad reply, one whose header does not name
 * the device by @value included.
 */
int vs_get(struct vs_nl *nl, __u16 type, const char *value, struct vs_dev *d)
{
	struct vs_get_ctx ctx = { .d = d };
	struct vs_msg *m;
	char why[VIRTIO_STATUS_PATH_MAX + 128];
	int err;

	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_DEV_GET, VIRTIO_STATUS_FAMILY_VERSION);
	err = vs_msg_put_header(m, VIRTIO_STATUS_A_DEV_HEADER, type, value);
	if (!err)
		err = vs_nl_request(nl, m, vs_get_cb, &ctx);
	free(m);
	if (!err && ctx.replies != 1)
		err = -EPROTO;
	if (!err && vs_hdr_echo(d->hdr_present, d->path, d->busid, type, value,
				why, sizeof(why))) {
		fprintf(stderr, "# bad reply: %s\n", why);
		err = -EPROTO;
	}
	return err;
}

#define VS_INFO(member)	VS_KEEP(struct vs_info, member)

/* How each info attribute is stored in struct vs_info. */
static const struct vs_field vs_info_fields[VIRTIO_STATUS_A_INFO_MAX + 1] = {
	[VIRTIO_STATUS_A_INFO_VHOST_STATE] = VS_INFO(vhost_state),
	[VIRTIO_STATUS_A_INFO_VHOST_REASON] = VS_INFO(vhost_reason),
	[VIRTIO_STATUS_A_INFO_VHOST_LAYOUT] = VS_INFO(vhost_layout),
	[VIRTIO_STATUS_A_INFO_GENERATION] = VS_INFO(generation),
	[VIRTIO_STATUS_A_INFO_MODE] = VS_INFO(mode),
	[VIRTIO_STATUS_A_INFO_MODE_REASON] = VS_INFO(mode_reason),
	[VIRTIO_STATUS_A_INFO_FINGERPRINT] = VS_INFO(fingerprint),
	[VIRTIO_STATUS_A_INFO_FEATURE_BITS] = VS_INFO(feature_bits),
};

static const struct vs_set vs_info_set = {
	.set = VS_AS_INFO,
	.fields = vs_info_fields,
};

struct vs_info_ctx {
	struct vs_info *info;
	int replies;
	char *why;
	size_t whylen;
};

static int vs_info_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_INFO_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct vs_info_ctx *ctx = arg;
	struct vs_info *info = ctx->info;
	const void *data;
	size_t len;

	if (ctx->replies++) {
		snprintf(ctx->why, ctx->whylen, "more than one reply");
		return -EPROTO;
	}
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    g->cmd != VIRTIO_STATUS_CMD_INFO) {
		snprintf(ctx->why, ctx->whylen, "reply is not an INFO reply");
		return -EPROTO;
	}
	data = vs_msg_attrs(nlh, &len);
	if (vs_decode(&vs_info_set, data, len, info, &info->present,
		      &info->unknown, tb, ctx->why, ctx->whylen))
		return -EPROTO;
	if (vs_unknown_check(&info->unknown, "INFO", ctx->why, ctx->whylen))
		return -EPROTO;
	return 0;
}

/*
 * VIRTIO_STATUS_CMD_INFO. Returns 0 with @info filled (check info->present
 * for what the reply carried), the kernel's -errno (message in nl->extack),
 * or -EPROTO for a malformed reply, or one with an attribute this header
 * does not define (reason in @why).
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

#define VS_QUEUE(member)	VS_KEEP(struct vs_queue, member)

/* How each queue reply attribute is stored in struct vs_queue. */
static const struct vs_field vs_qfields[VIRTIO_STATUS_A_QUEUE_MAX + 1] = {
	/* HEADER is a nest: vs_queue_parse() reads it. */
	[VIRTIO_STATUS_A_QUEUE_INDEX] = VS_QUEUE(index),
	[VIRTIO_STATUS_A_QUEUE_NAME] = VS_QUEUE(name),
	[VIRTIO_STATUS_A_QUEUE_NUM] = VS_QUEUE(num),
	[VIRTIO_STATUS_A_QUEUE_NUM_FREE] = VS_QUEUE(num_free),
	[VIRTIO_STATUS_A_QUEUE_DESC] = VS_QUEUE(desc),
	[VIRTIO_STATUS_A_QUEUE_AVAIL] = VS_QUEUE(avail),
	[VIRTIO_STATUS_A_QUEUE_USED] = VS_QUEUE(used),
	[VIRTIO_STATUS_A_QUEUE_PACKED] = VS_QUEUE(packed),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = VS_QUEUE(avail_idx),
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = VS_QUEUE(used_idx),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] = VS_QUEUE(avail_flags),
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = VS_QUEUE(used_flags),
	[VIRTIO_STATUS_A_QUEUE_BROKEN] = VS_QUEUE(broken),
	[VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX] = VS_QUEUE(last_avail_idx),
	[VIRTIO_STATUS_A_QUEUE_KICK] = VS_QUEUE(kick),
	[VIRTIO_STATUS_A_QUEUE_CALL] = VS_QUEUE(call),
	[VIRTIO_STATUS_A_QUEUE_KICK_FD] = VS_QUEUE(kick_fd),
	[VIRTIO_STATUS_A_QUEUE_CALL_FD] = VS_QUEUE(call_fd),
	[VIRTIO_STATUS_A_QUEUE_DESC_GPA] = VS_QUEUE(desc_gpa),
	[VIRTIO_STATUS_A_QUEUE_AVAIL_GPA] = VS_QUEUE(avail_gpa),
	[VIRTIO_STATUS_A_QUEUE_USED_GPA] = VS_QUEUE(used_gpa),
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] = VS_QUEUE(addr_hidden),
	[VIRTIO_STATUS_A_QUEUE_ADDR_IOVA] = VS_QUEUE(addr_iova),
};

static const struct vs_set vs_queue_set = {
	.set = VS_AS_QUEUE,
	.pad = VIRTIO_STATUS_A_QUEUE_PAD,
	.fields = vs_qfields,
};

static const struct vs_field vs_queue_hdr_fields[VIRTIO_STATUS_A_HEADER_MAX + 1] =
	VS_HDR_FIELDS(struct vs_queue);
static const struct vs_set vs_queue_hdr_set = VS_HDR_SET(vs_queue_hdr_fields);

/*
 * Decodes one VIRTIO_STATUS_CMD_QUEUE_GET reply into @q, its QUEUE_HEADER
 * nest into q->path and q->busid. Every attribute is recorded in
 * q->present (q->hdr_present); the queue attributes must have exactly
 * their type's size, strings must be NUL-terminated and fit, no attribute
 * but the pad may repeat, and the header must be flagged NLA_F_NESTED.
 * Returns 0, or -EINVAL with the reason in @why.
 */
int vs_queue_parse(const struct nlmsghdr *nlh, struct vs_queue *q, char *why,
		   size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_QUEUE_MAX + 1];
	const struct nlattr *htb[VIRTIO_STATUS_A_HEADER_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const void *data;
	size_t len;
	int err;

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
	data = vs_msg_attrs(nlh, &len);
	err = vs_decode(&vs_queue_set, data, len, q, &q->present, &q->unknown,
			tb, why, whylen);
	if (err || !tb[VIRTIO_STATUS_A_QUEUE_HEADER])
		return err;
	return vs_nest_decode(VS_AS_QUEUE, &vs_queue_hdr_set,
			      tb[VIRTIO_STATUS_A_QUEUE_HEADER], q, &q->hdr_present,
			      &q->unknown, htb, why, whylen);
}

/*
 * The header of a queue or element reply, about a guest device (!@vhost)
 * or a vhost one. A vhost device's is its /proc/PID/fd/FD path alone. A
 * guest device's has its path, its bus id or both (the module may echo
 * the name the request gave, or give both as DEV_GET does): the path in
 * /sys/devices, ending in the bus id when both are there. 0 if fine, else
 * -1 with the reason in @why.
 */
static int vs_hdr_check(__u64 hdr_present, const char *path, const char *busid,
			bool vhost, const char *who, char *why, size_t whylen)
{
	bool has_path = hdr_present & VS_BIT(VIRTIO_STATUS_A_HEADER_PATH);
	bool has_busid = hdr_present & VS_BIT(VIRTIO_STATUS_A_HEADER_BUSID);
	const char *base = strrchr(path, '/');
	__u32 pid, fd;

	if (vhost) {
		if (!has_path || has_busid || vs_proc_path_parse(path, &pid, &fd)) {
			snprintf(why, whylen,
				 "%s: vhost header: HEADER_PATH \"%s\" (%s), HEADER_BUSID %s",
				 who, path, has_path ? "there" : "absent",
				 has_busid ? "there" : "absent");
			return -1;
		}
		return 0;
	}
	if (!has_path && !has_busid) {
		snprintf(why, whylen, "%s: an empty header", who);
		return -1;
	}
	if (has_path && (strncmp(path, "/sys/devices/", 13) || !base)) {
		snprintf(why, whylen, "%s: HEADER_PATH %s", who, path);
		return -1;
	}
	if (has_busid && strncmp(busid, "virtio", 6)) {
		snprintf(why, whylen, "%s: HEADER_BUSID %s", who, busid);
		return -1;
	}
	if (has_path && has_busid && strcmp(base + 1, busid)) {
		snprintf(why, whylen, "%s: HEADER_PATH %s, HEADER_BUSID %s", who,
			 path, busid);
		return -1;
	}
	return 0;
}

/*
 * Checks a queue reply on its own: no attribute this header does not
 * define, exactly the attributes of its kind (a vhost queue if @vhost,
 * else a guest queue, split or packed) with a header that names the
 * device (vs_hdr_check()), the ring addresses or else QUEUE_ADDR_HIDDEN
 * with a reason (never both), flags that are 0 or 1, 16-bit ring indices
 * and flags. A vhost queue may say its addresses are IOVAs
 * (QUEUE_ADDR_IOVA 1, only with the addresses shown), and then gives no
 * GPA. For a guest queue also a non-empty name, a ring size that is
 * non-zero (a power of two for a split ring), no more free descriptors
 * than that, and, when there, three distinct non-zero ring addresses. How
 * far the indices are apart is not checked here: they are a snapshot
 * (vs_queue_in_flight()). Whether the addresses should be there is the
 * caller's to say (vs_have_cap()). 0 if fine, else -1 with the reason in
 * @why.
 */
int vs_queue_check(const struct vs_queue *q, bool vhost, char *why,
		   size_t whylen)
{
	bool hidden = vs_queue_addr_hidden(q);
	__u64 want = (vhost ? VS_QUEUE_VHOST :
		      q->packed ? VS_QUEUE_PACKED : VS_QUEUE_SPLIT) |
		     (hidden ? VS_BIT(VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN) :
			       VS_QUEUE_ADDRS);
	__u64 opt = !vhost ? 0 :
		    hidden ? VS_BIT(VIRTIO_STATUS_A_QUEUE_KICK_FD) |
			     VS_BIT(VIRTIO_STATUS_A_QUEUE_CALL_FD) :
		    VS_QUEUE_VHOST_OPT;
	__u64 missing = want & ~q->present;
	__u64 extra = q->present & ~want & ~opt;
	__u64 idx = VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL_IDX);
	const char *kind = vhost ? "vhost" : q->packed ? "packed" : "split";
	char who[32];

	snprintf(who, sizeof(who), "queue %u", q->index);
	if (vs_unknown_check(&q->unknown, who, why, whylen))
		return -1;
	if (missing || extra) {
		snprintf(why, whylen, "queue %u (%s%s): %s %s", q->index, kind,
			 hidden ? ", addresses hidden" : "",
			 missing ? "missing" : "unexpected",
			 vs_attr_name(VS_AS_QUEUE,
				      __builtin_ctzll(missing ?: extra)));
		return -1;
	}
	if (vs_hdr_check(q->hdr_present, q->path, q->busid, vhost, who, why,
			 whylen))
		return -1;
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
	if (VS_HAS(q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) &&
	    (q->addr_iova != 1 || (q->present & VS_QUEUE_GPAS))) {
		snprintf(why, whylen,
			 "queue %u: QUEUE_ADDR_IOVA %u%s", q->index, q->addr_iova,
			 (q->present & VS_QUEUE_GPAS) ? " with a GPA" : "");
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
 * VIRTIO_STATUS_A_HEADER_PATH or _BUSID (@type) @value in the request's
 * QUEUE_HEADER. Returns 0 with @q filled (not checked: see
 * vs_queue_check()), the kernel's -errno (message in nl->extack), or
 * -EPROTO for a malformed reply, or one whose header does not name the
 * device by @value (reason in @why).
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
	err = vs_msg_put_header(m, VIRTIO_STATUS_A_QUEUE_HEADER, type, value);
	if (!err)
		err = vs_msg_put(m, VIRTIO_STATUS_A_QUEUE_INDEX, &index,
				 sizeof(index));
	err = vs_one_request(nl, m, err, &ctx);
	if (!err && vs_hdr_echo(q->hdr_present, q->path, q->busid, type, value,
				why, whylen))
		err = -EPROTO;
	return err;
}

#define VS_ELEM(member)	VS_KEEP(struct vs_elem, member)

/* How each element reply attribute is stored in struct vs_elem. */
static const struct vs_field vs_efields[VIRTIO_STATUS_A_ELEMENT_MAX + 1] = {
	/* HEADER is a nest, DESC repeating nests: vs_elem_parse() reads them. */
	[VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX] = VS_ELEM(queue_index),
	[VIRTIO_STATUS_A_ELEMENT_INDEX] = VS_ELEM(elem_index),
	[VIRTIO_STATUS_A_ELEMENT_HEAD] = VS_ELEM(head),
	[VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX] = VS_ELEM(avail_idx),
	[VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS] = VS_ELEM(avail_flags),
	[VIRTIO_STATUS_A_ELEMENT_USED_IDX] = VS_ELEM(used_idx),
	[VIRTIO_STATUS_A_ELEMENT_USED_FLAGS] = VS_ELEM(used_flags),
	[VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN] = VS_ELEM(addr_hidden),
};

/* The element set has no pad: nothing in it is 64-bit. */
static const struct vs_set vs_elem_set = {
	.set = VS_AS_ELEMENT,
	.fields = vs_efields,
};

static const struct vs_field vs_elem_hdr_fields[VIRTIO_STATUS_A_HEADER_MAX + 1] =
	VS_HDR_FIELDS(struct vs_elem);
static const struct vs_set vs_elem_hdr_set = VS_HDR_SET(vs_elem_hdr_fields);

#define VS_DESC(member)	VS_KEEP(struct vs_elem_desc, member)

/* How each attribute of an ELEMENT_DESC nest is stored. */
static const struct vs_field vs_dfields[VIRTIO_STATUS_A_DESC_MAX + 1] = {
	[VIRTIO_STATUS_A_DESC_ADDR] = VS_DESC(addr),
	[VIRTIO_STATUS_A_DESC_LEN] = VS_DESC(len),
	[VIRTIO_STATUS_A_DESC_FLAGS] = VS_DESC(flags),
};

static const struct vs_set vs_desc_set = {
	.set = VS_AS_DESC,
	.pad = VIRTIO_STATUS_A_DESC_PAD,
	.fields = vs_dfields,
};

/* One ELEMENT_DESC of a reply (vs_attr_each()), in chain order. */
static int vs_elem_parse_one(const struct nlattr *nla, void *arg, char *why,
			     size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_DESC_MAX + 1];
	struct vs_elem *el = arg;
	struct vs_elem_desc *d;
	char inner[128];

	if (el->n_descs == VS_ELEM_DESCS_MAX) {
		snprintf(why, whylen, "more than %u ELEMENT_DESC",
			 VS_ELEM_DESCS_MAX);
		return -EINVAL;
	}
	d = &el->descs[el->n_descs];
	memset(d, 0, sizeof(*d));
	if (vs_nest_decode(VS_AS_ELEMENT, &vs_desc_set, nla, d, &d->present,
			   &el->unknown, tb, inner, sizeof(inner))) {
		snprintf(why, whylen, "ELEMENT_DESC %u: %s", el->n_descs, inner);
		return -EINVAL;
	}
	el->n_descs++;
	return 0;
}

/*
 * Decodes one VIRTIO_STATUS_CMD_ELEMENT_GET reply into @el: its
 * attributes and its ELEMENT_HEADER as vs_queue_parse() does, and each
 * ELEMENT_DESC nest, flagged NLA_F_NESTED, whose attributes must have
 * exactly their size. Returns 0, or -EINVAL with the reason in @why.
 */
int vs_elem_parse(const struct nlmsghdr *nlh, struct vs_elem *el, char *why,
		  size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_ELEMENT_MAX + 1];
	const struct nlattr *htb[VIRTIO_STATUS_A_HEADER_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const void *data;
	size_t len;
	int err;

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
	data = vs_msg_attrs(nlh, &len);
	err = vs_decode(&vs_elem_set, data, len, el, &el->present, &el->unknown,
			tb, why, whylen);
	if (err)
		return err;
	if (tb[VIRTIO_STATUS_A_ELEMENT_HEADER]) {
		err = vs_nest_decode(VS_AS_ELEMENT, &vs_elem_hdr_set,
				     tb[VIRTIO_STATUS_A_ELEMENT_HEADER], el,
				     &el->hdr_present, &el->unknown, htb, why,
				     whylen);
		if (err)
			return err;
	}
	return vs_attr_each(data, len, VIRTIO_STATUS_A_ELEMENT_DESC,
			    vs_elem_parse_one, el, why, whylen);
}

/*
 * Checks an element reply on its own: no attribute this header does not
 * define, exactly its attributes with a header that names the guest
 * device (vs_hdr_check()), at least one descriptor, each with DESC_LEN and
 * DESC_FLAGS, and DESC_ADDR in every one, or else ELEMENT_ADDR_HIDDEN with
 * a reason and DESC_ADDR in none. Ring indices and flags fit 16 bits. 0
 * if fine, else -1 with the reason in @why.
 */
int vs_elem_check(const struct vs_elem *el, char *why, size_t whylen)
{
	bool hidden = vs_elem_addr_hidden(el);
	__u64 want_top = VS_ELEM_MANDATORY |
			 (hidden ? VS_BIT(VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN) : 0);
	__u64 missing = VS_ELEM_MANDATORY & ~el->present;
	__u64 extra = el->present & ~want_top;
	__u64 want = VS_BIT(VIRTIO_STATUS_A_DESC_LEN) |
		     VS_BIT(VIRTIO_STATUS_A_DESC_FLAGS) |
		     (hidden ? 0 : VS_BIT(VIRTIO_STATUS_A_DESC_ADDR));
	unsigned int i;
	char who[32];

	snprintf(who, sizeof(who), "element %u", el->elem_index);
	if (vs_unknown_check(&el->unknown, who, why, whylen))
		return -1;
	if (missing || extra) {
		snprintf(why, whylen, "element %u: %s %s", el->elem_index,
			 missing ? "missing" : "unexpected",
			 vs_attr_name(VS_AS_ELEMENT,
				      __builtin_ctzll(missing ?: extra)));
		return -1;
	}
	if (vs_hdr_check(el->hdr_present, el->path, el->busid, false, who, why,
			 whylen))
		return -1;
	if (hidden && !el->addr_hidden[0]) {
		snprintf(why, whylen, "element %u: ELEMENT_ADDR_HIDDEN is empty",
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
 * device named by VIRTIO_STATUS_A_HEADER_PATH or _BUSID (@type) @value in
 * the request's ELEMENT_HEADER. Returns as vs_queue_get() does, @el filled
 * but not checked (vs_elem_check()).
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
	err = vs_msg_put_header(m, VIRTIO_STATUS_A_ELEMENT_HEADER, type, value);
	if (!err)
		err = vs_msg_put(m, VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX, &queue,
				 sizeof(queue));
	if (!err && index)
		err = vs_msg_put(m, VIRTIO_STATUS_A_ELEMENT_INDEX, index,
				 sizeof(*index));
	err = vs_one_request(nl, m, err, &ctx);
	if (!err && vs_hdr_echo(el->hdr_present, el->path, el->busid, type,
				value, why, whylen))
		err = -EPROTO;
	return err;
}

#define VS_EVENT(member)	VS_KEEP(struct vs_event, member)

/* How each event attribute is stored in struct vs_event. */
static const struct vs_field vs_event_fields[VIRTIO_STATUS_A_EVENT_MAX + 1] = {
	[VIRTIO_STATUS_A_EVENT_SEQ] = VS_EVENT(seq),
	[VIRTIO_STATUS_A_EVENT_TIME] = VS_EVENT(time),
	/* DEV is a nest: vs_event_parse() reads it. */
};

static const struct vs_set vs_event_set = {
	.set = VS_AS_EVENT,
	.pad = VIRTIO_STATUS_A_EVENT_PAD,
	.fields = vs_event_fields,
};

/**
 * vs_event_parse() - decode one notification of the events group
 * @nlh: the message
 * @ev: where it goes
 * @why: the reason of a failure
 * @whylen: its size
 *
 * The event set's attributes at the top level (sequence number, time),
 * the device in the EVENT_DEV nest (the event-dev subset of the dev set,
 * into ev->dev) and its name in that nest's DEV_HEADER. Sizes, strings
 * and nests are checked as vs_dev_parse() checks them.
 *
 * Return: 0, or -EINVAL with the reason in @why.
 */
int vs_event_parse(const struct nlmsghdr *nlh, struct vs_event *ev, char *why,
		   size_t whylen)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_EVENT_MAX + 1];
	const struct nlattr *dtb[VIRTIO_STATUS_A_DEV_MAX + 1];
	const struct nlattr *htb[VIRTIO_STATUS_A_HEADER_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const void *data;
	size_t len;
	int err;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN)) {
		snprintf(why, whylen, "message too short (%u)",
			 nlh->nlmsg_len);
		return -EINVAL;
	}
	ev->cmd = g->cmd;
	if (g->cmd != VIRTIO_STATUS_CMD_DEV_ADD_NTF &&
	    g->cmd != VIRTIO_STATUS_CMD_DEV_DEL_NTF &&
	    g->cmd != VIRTIO_STATUS_CMD_BIND_NTF &&
	    g->cmd != VIRTIO_STATUS_CMD_UNBIND_NTF) {
		snprintf(why, whylen, "notification has cmd %u", g->cmd);
		return -EINVAL;
	}
	data = vs_msg_attrs(nlh, &len);
	err = vs_decode(&vs_event_set, data, len, ev, &ev->present,
			&ev->unknown, tb, why, whylen);
	if (err || !tb[VIRTIO_STATUS_A_EVENT_DEV])
		return err;
	err = vs_nest_decode(VS_AS_EVENT, &vs_dev_set,
			     tb[VIRTIO_STATUS_A_EVENT_DEV], &ev->dev,
			     &ev->dev.present, &ev->unknown, dtb, why, whylen);
	if (err || !dtb[VIRTIO_STATUS_A_DEV_HEADER])
		return err;
	return vs_nest_decode(VS_AS_DEV, &vs_dev_hdr_set,
			      dtb[VIRTIO_STATUS_A_DEV_HEADER], &ev->dev,
			      &ev->dev.hdr_present, &ev->unknown, htb, why,
			      whylen);
}

/**
 * vs_event_check() - check one notification on its own
 * @ev: as vs_event_parse() left it
 * @why: the reason of a failure
 * @whylen: its size
 *
 * No attribute this header does not define; at the top level exactly the
 * sequence number (from 1), the time and the EVENT_DEV nest; in the nest
 * exactly the event-dev subset (VS_EVENT_DEV, a driver optional but in a
 * BIND_NTF) of a virtio-bus device, its header with both names, consistent
 * with each other and with its index.
 *
 * Return: 0 if fine, else -1 with the reason in @why.
 */
int vs_event_check(const struct vs_event *ev, char *why, size_t whylen)
{
	const struct vs_dev *d = &ev->dev;
	__u64 top = VS_BIT(VIRTIO_STATUS_A_EVENT_SEQ) |
		    VS_BIT(VIRTIO_STATUS_A_EVENT_TIME) |
		    VS_BIT(VIRTIO_STATUS_A_EVENT_DEV);
	__u64 want = VS_EVENT_DEV |
		     (ev->cmd == VIRTIO_STATUS_CMD_BIND_NTF ?
		      VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER) : 0);
	__u64 opt = VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER);
	__u64 missing = want & ~d->present;
	__u64 extra = d->present & ~want & ~opt;
	char expect[VIRTIO_STATUS_BUSID_MAX];
	const char *base = strrchr(d->path, '/');

	if (vs_unknown_check(&ev->unknown, "notification", why, whylen))
		return -1;
	if (ev->present != top) {
		snprintf(why, whylen,
			 "notification %u: event attributes %#llx, expected %#llx",
			 ev->cmd, (unsigned long long)ev->present,
			 (unsigned long long)top);
		return -1;
	}
	if (missing || extra) {
		snprintf(why, whylen, "notification %u: EVENT_DEV %s %s", ev->cmd,
			 missing ? "without" : "with",
			 vs_attr_name(VS_AS_DEV, __builtin_ctzll(missing ?: extra)));
		return -1;
	}
	if (d->hdr_present != VS_HDR_VIRTIO) {
		snprintf(why, whylen, "notification %u: header %#llx, expected %#llx",
			 ev->cmd, (unsigned long long)d->hdr_present,
			 (unsigned long long)VS_HDR_VIRTIO);
		return -1;
	}
	snprintf(expect, sizeof(expect), "virtio%u", d->index);
	if (!ev->seq || d->kind != VIRTIO_STATUS_KIND_VIRTIO ||
	    strcmp(expect, d->busid) || strncmp(d->path, "/sys/devices/", 13) ||
	    !base || strcmp(base + 1, d->busid) || !d->name[0] ||
	    (VS_HAS(d, VIRTIO_STATUS_A_DEV_DRIVER) && !d->driver[0])) {
		snprintf(why, whylen,
			 "notification %u: SEQ %llu KIND %u INDEX %u PATH %s BUSID %s NAME \"%s\" DRIVER \"%s\"",
			 ev->cmd, (unsigned long long)ev->seq, d->kind, d->index,
			 d->path, d->busid, d->name, d->driver);
		return -1;
	}
	return 0;
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
