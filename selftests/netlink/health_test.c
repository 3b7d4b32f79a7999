// SPDX-License-Identifier: GPL-2.0
/*
 * health_test dump     one line per health-get message, each checked
 * health_test bad      KTAP: the requests health-get must refuse
 *
 * dump prints, for every message of one HEALTH_GET dump:
 *
 *   q KIND PATH INDEX num=N in_flight=N [avail=N used=N stalled_ms=N]
 *     [last_avail=N] [num_free=N] [packed]
 *   busy KIND PATH REASON
 *
 * and exits 1 if a message breaks the spec's rules: the header names the
 * device (a path, and the bus id for virtio devices), kind and id are
 * there, a queue message has index, num and in-flight, a split ring's has
 * both idx and stalled-ns with in-flight = avail - used (mod 2^16), a
 * vhost queue has last-avail-idx and no num-free, a packed one no idx,
 * and no attribute is unknown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_netlink.h"

struct ht_ctx {
	unsigned int msgs;
	unsigned int bad;
};

static __u32 ht_u32(const struct nlattr *a)
{
	return *(const __u32 *)((const char *)a + NLA_HDRLEN);
}

static __u64 ht_u64(const struct nlattr *a)
{
	__u64 v;

	memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

static const char *ht_str(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int ht_bad(struct ht_ctx *c, const char *why, const char *path)
{
	printf("BAD %s (%s)\n", why, path);
	c->bad++;
	return 0;
}

static int ht_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[VIRTIO_STATUS_A_HEALTH_MAX + 1];
	const struct nlattr *htb[VIRTIO_STATUS_A_HEADER_MAX + 1];
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	const char *data = (const char *)g + GENL_HDRLEN;
	size_t len = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	const struct nlattr *h, *a;
	struct ht_ctx *c = arg;
	const char *path;
	bool vhost, split;
	size_t off;
	__u32 kind;
	int idx;

	c->msgs++;
	if (g->cmd != VIRTIO_STATUS_CMD_HEALTH_GET)
		return ht_bad(c, "not a health-get message", "-");
	if (vs_attr_parse(tb, VIRTIO_STATUS_A_HEALTH_MAX, data, len))
		return ht_bad(c, "unparsable or repeated attribute", "-");
	for (off = 0; off + NLA_HDRLEN <= len; off += NLA_ALIGN(a->nla_len)) {
		a = (const struct nlattr *)(data + off);
		if ((a->nla_type & NLA_TYPE_MASK) > VIRTIO_STATUS_A_HEALTH_MAX)
			return ht_bad(c, "unknown attribute", "-");
	}
	h = tb[VIRTIO_STATUS_A_HEALTH_HEADER];
	if (!h || vs_attr_parse(htb, VIRTIO_STATUS_A_HEADER_MAX,
				(const char *)h + NLA_HDRLEN, h->nla_len - NLA_HDRLEN) ||
	    !htb[VIRTIO_STATUS_A_HEADER_PATH])
		return ht_bad(c, "no header with a path", "-");
	path = ht_str(htb[VIRTIO_STATUS_A_HEADER_PATH]);
	if (!tb[VIRTIO_STATUS_A_HEALTH_KIND] || !tb[VIRTIO_STATUS_A_HEALTH_ID])
		return ht_bad(c, "no kind or id", path);
	kind = ht_u32(tb[VIRTIO_STATUS_A_HEALTH_KIND]);
	vhost = kind == VIRTIO_STATUS_KIND_VHOST;
	if (!vhost && kind != VIRTIO_STATUS_KIND_VIRTIO)
		return ht_bad(c, "unknown kind", path);
	if (!vhost != !!htb[VIRTIO_STATUS_A_HEADER_BUSID])
		return ht_bad(c, "a bus id on a vhost device, or none on a virtio one", path);

	if (tb[VIRTIO_STATUS_A_HEALTH_BUSY]) {
		if (tb[VIRTIO_STATUS_A_HEALTH_INDEX])
			return ht_bad(c, "busy with a queue index", path);
		printf("busy %s %s %s\n", vhost ? "vhost" : "virtio", path,
		       ht_str(tb[VIRTIO_STATUS_A_HEALTH_BUSY]));
		return 0;
	}
	if (!tb[VIRTIO_STATUS_A_HEALTH_INDEX] || !tb[VIRTIO_STATUS_A_HEALTH_NUM] ||
	    !tb[VIRTIO_STATUS_A_HEALTH_IN_FLIGHT])
		return ht_bad(c, "no index, num or in-flight", path);
	idx = !!tb[VIRTIO_STATUS_A_HEALTH_AVAIL_IDX] + !!tb[VIRTIO_STATUS_A_HEALTH_USED_IDX] +
	      !!tb[VIRTIO_STATUS_A_HEALTH_STALLED_NS];
	split = idx == 3;
	if (idx && !split)
		return ht_bad(c, "part of the idx set", path);
	if (vhost && (!split || !tb[VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX] ||
		      tb[VIRTIO_STATUS_A_HEALTH_NUM_FREE] || tb[VIRTIO_STATUS_A_HEALTH_PACKED]))
		return ht_bad(c, "a vhost queue without idx or last-avail, or with guest fields",
			      path);
	if (!vhost && (tb[VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX] ||
		       !tb[VIRTIO_STATUS_A_HEALTH_NUM_FREE] || !tb[VIRTIO_STATUS_A_HEALTH_PACKED]))
		return ht_bad(c, "a guest queue with last-avail or without num-free/packed", path);
	if (!vhost && !split != !!*((const __u8 *)tb[VIRTIO_STATUS_A_HEALTH_PACKED] + NLA_HDRLEN))
		return ht_bad(c, "idx present on a packed ring or absent on a split one", path);
	if (split && ht_u32(tb[VIRTIO_STATUS_A_HEALTH_IN_FLIGHT]) !=
	    ((ht_u32(tb[VIRTIO_STATUS_A_HEALTH_AVAIL_IDX]) -
	      ht_u32(tb[VIRTIO_STATUS_A_HEALTH_USED_IDX])) & 0xffff))
		return ht_bad(c, "in-flight is not avail - used", path);

	printf("q %s %s %u num=%u in_flight=%u", vhost ? "vhost" : "virtio", path,
	       ht_u32(tb[VIRTIO_STATUS_A_HEALTH_INDEX]), ht_u32(tb[VIRTIO_STATUS_A_HEALTH_NUM]),
	       ht_u32(tb[VIRTIO_STATUS_A_HEALTH_IN_FLIGHT]));
	if (split)
		printf(" avail=%u used=%u stalled_ms=%llu",
		       ht_u32(tb[VIRTIO_STATUS_A_HEALTH_AVAIL_IDX]),
		       ht_u32(tb[VIRTIO_STATUS_A_HEALTH_USED_IDX]),
		       (unsigned long long)ht_u64(tb[VIRTIO_STATUS_A_HEALTH_STALLED_NS]) / 1000000);
	if (tb[VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX])
		printf(" last_avail=%u", ht_u32(tb[VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX]));
	if (tb[VIRTIO_STATUS_A_HEALTH_NUM_FREE])
		printf(" num_free=%u", ht_u32(tb[VIRTIO_STATUS_A_HEALTH_NUM_FREE]));
	if (!vhost && !split)
		printf(" packed");
	printf("\n");
	return 0;
}

static int ht_dump(struct vs_nl *nl)
{
	struct ht_ctx c = { 0 };
	struct vs_msg m;
	int err;

	vs_msg_init(&m, nl->family, NLM_F_REQUEST | NLM_F_DUMP,
		    VIRTIO_STATUS_CMD_HEALTH_GET, VIRTIO_STATUS_FAMILY_VERSION);
	err = vs_nl_request(nl, &m, ht_cb, &c);
	if (err) {
		printf("ERROR %s: %s\n", strerror(-err), nl->extack);
		return 1;
	}
	printf("# %u messages, %u bad%s\n", c.msgs, c.bad, nl->dump_intr ? ", interrupted" : "");
	return c.bad ? 1 : 0;
}

static int ht_ignore(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(unsigned int *)arg)++;
	return 0;
}

/*
 * Where genetlink validates a dump's attributes against the family before
 * our dumpit runs (6.1, and 7.x), it refuses them with its own sentence.
 */
#define HT_GENL_REFUSED	"Unknown attribute type"

/*
 * One KTAP line: the request gets -@want, with @extack or genetlink's own
 * refusal (NULL: any).
 */
static int ht_expect(struct vs_nl *nl, struct vs_msg *m, int want, const char *extack,
		     unsigned int n, const char *what)
{
	unsigned int got_msgs = 0;
	int err = vs_nl_request(nl, m, ht_ignore, &got_msgs);
	bool ok = err == -want && (!extack || !strcmp(nl->extack, extack) ||
				   !strcmp(nl->extack, HT_GENL_REFUSED));

	printf("%sok %u %s\n", ok ? "" : "not ", n, what);
	if (!ok)
		printf("# got %d (%s), extack \"%s\", %u messages\n", err,
		       strerror(-err), nl->extack, got_msgs);
	return ok ? 0 : 1;
}

static int ht_bad_requests(struct vs_nl *nl)
{
	struct vs_msg m;
	__u32 v = 1;
	int fails = 0;
	int off;

	printf("TAP version 13\n1..3\n");
	vs_msg_init(&m, nl->family, NLM_F_REQUEST | NLM_F_DUMP,
		    VIRTIO_STATUS_CMD_HEALTH_GET, VIRTIO_STATUS_FAMILY_VERSION);
	vs_msg_put(&m, VIRTIO_STATUS_A_HEALTH_INDEX, &v, sizeof(v));
	fails += ht_expect(nl, &m, EINVAL,
			   "a health dump lists every queue and takes no attributes", 1,
			   "a dump with an attribute is refused, with a sentence");

	vs_msg_init(&m, nl->family, NLM_F_REQUEST | NLM_F_DUMP,
		    VIRTIO_STATUS_CMD_HEALTH_GET, VIRTIO_STATUS_FAMILY_VERSION);
	off = vs_msg_nest_start(&m, VIRTIO_STATUS_A_HEALTH_HEADER);
	vs_msg_put_str(&m, VIRTIO_STATUS_A_HEADER_BUSID, "virtio0");
	vs_msg_nest_end(&m, off);
	fails += ht_expect(nl, &m, EINVAL,
			   "a health dump lists every queue and takes no attributes", 2,
			   "a dump naming a device is refused, with a sentence");

	vs_msg_init(&m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VIRTIO_STATUS_CMD_HEALTH_GET, VIRTIO_STATUS_FAMILY_VERSION);
	fails += ht_expect(nl, &m, EOPNOTSUPP, NULL, 3,
			   "health-get without NLM_F_DUMP is not an operation");
	printf("# %d failed\n", fails);
	return fails ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct vs_nl nl;
	int ret;

	if (argc != 2 || (strcmp(argv[1], "dump") && strcmp(argv[1], "bad"))) {
		fprintf(stderr, "usage: health_test dump|bad\n");
		return 2;
	}
	if (vs_nl_open(&nl, VS_BUF_DEFAULT) || vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME)) {
		fprintf(stderr, "health_test: the virtio_status family is not there\n");
		return 2;
	}
	ret = !strcmp(argv[1], "dump") ? ht_dump(&nl) : ht_bad_requests(&nl);
	vs_nl_close(&nl);
	return ret;
}
