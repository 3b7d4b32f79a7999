// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the virtio_status family's commands, replies and
 * notifications, over the requests of nl.c, decoded with the tables
 * generated from the spec (vs_nl_gen.c); and the backend the CLI uses.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "nl.h"

/* Replies */

/*
 * Check that @nlh answers @cmd and decode its attributes into @obj with the
 * table of @set (generated from the spec). 0, or -1 with @e set.
 */
static int vs_nl_reply_decode(struct nlmsghdr *nlh, u8 cmd,
			      const struct vs_nl_set *set, void *obj,
			      struct vs_err *e)
{
	struct genlmsghdr *gnlh;

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
	return vs_nl_decode(set, obj, genlmsg_attrdata(gnlh, 0),
			    genlmsg_attrlen(gnlh, 0), e);
}

int vs_dev_from_msg(struct nl_msg *msg, struct vs_nl_dev *dev,
		    struct vs_err *e)
{
	return vs_nl_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_DEV_GET,
				  &vs_nl_dev_set, dev, e);
}

int vs_info_from_msg(struct nl_msg *msg, struct vs_nl_info *info,
		     struct vs_err *e)
{
	return vs_nl_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_INFO,
				  &vs_nl_info_set, info, e);
}

int vs_queue_from_msg(struct nl_msg *msg, struct vs_nl_queue *q,
		      struct vs_err *e)
{
	return vs_nl_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_QUEUE_GET,
				  &vs_nl_queue_set, q, e);
}

/*
 * Every descriptor of a chain has its length and flags, and its address
 * unless the reply says the addresses are left out. 0, or -1 with @e set.
 */
static int vs_nl_elem_check_descs(const struct vs_nl_element *el,
				  struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DESC_ADDR,
		VIRTIO_STATUS_A_DESC_LEN,
		VIRTIO_STATUS_A_DESC_FLAGS,
	};
	u32 i, n = el->n_desc < VIRTIO_STATUS_DESCS_MAX ? el->n_desc :
							  VIRTIO_STATUS_DESCS_MAX;
	size_t k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < ARRAY_SIZE(need); k++) {
			if (need[k] == VIRTIO_STATUS_A_DESC_ADDR &&
			    vs_elem_addr_hidden(el))
				continue;
			if (vs_nl_has(el->desc[i].have, need[k]))
				continue;
			vs_err_set(e, VS_ERR_MSG, 0,
				   "the virtio_status module sent a VIRTIO_STATUS_A_ELEMENT_DESC with no %s",
				   vs_nl_attr_name(&vs_nl_desc_set, need[k]));
			return -1;
		}
	}
	return 0;
}

int vs_elem_from_msg(struct nl_msg *msg, struct vs_nl_element *el,
		     struct vs_err *e)
{
	if (vs_nl_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_ELEMENT_GET,
			       &vs_nl_element_set, el, e) < 0)
		return -1;
	return vs_nl_elem_check_descs(el, e);
}

/* Requests */

/*
 * The attributes of a request naming the device of @t in @cmd's header
 * nest, then the queue index (queue-get, element-get) and the avail ring
 * index (element-get) when not negative. 0, or -1 (out of room).
 */
static int vs_nl_put_request(struct nl_msg *msg, u8 cmd,
			     const struct vs_target *t, long index, long elem)
{
	int hdr_attr, queue_attr = 0;
	struct nlattr *nest;

	switch (cmd) {
	case VIRTIO_STATUS_CMD_QUEUE_GET:
		hdr_attr = VIRTIO_STATUS_A_QUEUE_HEADER;
		queue_attr = VIRTIO_STATUS_A_QUEUE_INDEX;
		break;
	case VIRTIO_STATUS_CMD_ELEMENT_GET:
		hdr_attr = VIRTIO_STATUS_A_ELEMENT_HEADER;
		queue_attr = VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX;
		break;
	default:
		hdr_attr = VIRTIO_STATUS_A_DEV_HEADER;
	}
	/* strict validation wants nests flagged as such */
	nest = nla_nest_start(msg, hdr_attr | NLA_F_NESTED);
	if (!nest ||
	    nla_put_string(msg, t->kind == VS_TARGET_BUSID ?
				VIRTIO_STATUS_A_HEADER_BUSID :
				VIRTIO_STATUS_A_HEADER_PATH, t->value) < 0)
		return -1;
	nla_nest_end(msg, nest);
	if (index >= 0 && queue_attr && nla_put_u32(msg, queue_attr, index) < 0)
		return -1;
	if (elem >= 0 && nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_INDEX, elem) < 0)
		return -1;
	return 0;
}

static struct nl_msg *vs_nl_cmd_msg(struct vs_nl *nl, u8 cmd, int flags)
{
	return vs_nl_msg(nl->family, cmd, VIRTIO_STATUS_FAMILY_VERSION, flags);
}

/* A do answered with exactly one object, which @decode reads into @obj. */
struct vs_nl_one {
	int (*decode)(struct nl_msg *msg, void *obj, struct vs_err *e);
	void *obj;
	const char *what;	/* "device", "queue": for the sentences */
	bool got;
};

static int vs_nl_one_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_nl_one *o = arg;

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
			 long index, long elem, struct vs_nl_one *o,
			 struct vs_err *e)
{
	struct nl_msg *msg;
	int ret = -1;

	msg = vs_nl_cmd_msg(nl, cmd, NLM_F_ACK);
	if (!msg || vs_nl_put_request(msg, cmd, t, index, elem) < 0) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free_msg;
	}
	if (vs_nl_family_request(nl, msg, vs_nl_one_parse, o, NULL, e) < 0)
		goto free_msg;
	if (!o->got) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module acknowledged the request but sent no %s",
			   o->what);
		goto free_msg;
	}
	ret = 0;
free_msg:
	if (msg)
		nlmsg_free(msg);
	return ret;
}

static int vs_nl_dev_decode(struct nl_msg *msg, void *obj, struct vs_err *e)
{
	return vs_dev_from_msg(msg, obj, e);
}

int vs_nl_dev_get(struct vs_nl *nl, const struct vs_target *t,
		  struct vs_nl_dev *dev, struct vs_err *e)
{
	struct vs_nl_one o = { .decode = vs_nl_dev_decode, .obj = dev,
			       .what = "device" };

	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_DEV_GET, t, -1, -1, &o, e);
}

static int vs_nl_dump_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_dev_list *list = arg;
	struct vs_nl_dev *dev;

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

/*
 * A dump of @cmd into what @parse fills (@count: its entries, emptied at
 * each try), started over while it races with the bus (NLM_F_DUMP_INTR),
 * at most VS_DUMP_TRIES times. 0, or -1 with @e set.
 */
static int vs_nl_dump_retry(struct vs_nl *nl, u8 cmd,
			    int (*parse)(struct nl_msg *msg, void *arg, struct vs_err *e),
			    void *arg, size_t *count, struct vs_err *e)
{
	struct nl_msg *msg;
	bool intr;
	int try, ret;

	for (try = 0; try < VS_DUMP_TRIES; try++) {
		*count = 0;
		msg = vs_nl_cmd_msg(nl, cmd, NLM_F_DUMP);
		if (!msg) {
			vs_err_sys(e, ENOMEM, NULL);
			return -1;
		}
		ret = vs_nl_family_request(nl, msg, parse, arg, &intr, e);
		nlmsg_free(msg);
		if (ret < 0)
			return -1;
		if (!intr)
			return 0;
	}
	vs_err_set(e, VS_ERR_DUMP_INTR, VS_DUMP_TRIES, NULL);
	return -1;
}

int vs_nl_dev_dump(struct vs_nl *nl, struct vs_dev_list *list,
		   struct vs_err *e)
{
	if (!vs_nl_dump_retry(nl, VIRTIO_STATUS_CMD_DEV_GET, vs_nl_dump_parse,
			      list, &list->n, e))
		return 0;
	vs_dev_list_free(list);
	return -1;
}

static int vs_nl_health_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_health_list *list = arg;
	struct vs_nl_health *q = vs_health_list_add(list);

	if (!q) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_nl_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_HEALTH_GET,
			       &vs_nl_health_set, q, e) < 0) {
		list->n--;
		return -1;
	}
	return 0;
}

int vs_nl_health_dump(struct vs_nl *nl, struct vs_health_list *list,
		      struct vs_err *e)
{
	if (!vs_nl_dump_retry(nl, VIRTIO_STATUS_CMD_HEALTH_GET, vs_nl_health_parse,
			      list, &list->n, e))
		return 0;
	vs_health_list_free(list);
	return -1;
}

struct vs_nl_info_arg {
	struct vs_nl_info *info;
	bool got;
};

static int vs_nl_info_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_nl_info_arg *g = arg;

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

int vs_nl_info(struct vs_nl *nl, struct vs_nl_info *info, struct vs_err *e)
{
	struct vs_nl_info_arg g = { .info = info };
	struct nl_msg *msg;
	int ret = -1;

	msg = vs_nl_cmd_msg(nl, VIRTIO_STATUS_CMD_INFO, NLM_F_ACK);
	if (!msg) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_nl_family_request(nl, msg, vs_nl_info_parse, &g, NULL, e) < 0)
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

static int vs_nl_queue_decode(struct nl_msg *msg, void *obj, struct vs_err *e)
{
	return vs_queue_from_msg(msg, obj, e);
}

int vs_nl_queue_get(struct vs_nl *nl, const struct vs_target *t, u32 index,
		    struct vs_nl_queue *q, struct vs_err *e)
{
	struct vs_nl_one o = { .decode = vs_nl_queue_decode, .obj = q,
			       .what = "queue" };

	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_QUEUE_GET, t, index, -1, &o,
			     e);
}

static int vs_nl_elem_decode(struct nl_msg *msg, void *obj, struct vs_err *e)
{
	return vs_elem_from_msg(msg, obj, e);
}

int vs_nl_elem_get(struct vs_nl *nl, const struct vs_target *t, u32 queue,
		   bool has_index, u32 index, struct vs_nl_element *el,
		   struct vs_err *e)
{
	struct vs_nl_one o = { .decode = vs_nl_elem_decode, .obj = el,
			       .what = "element" };

	memset(el, 0, sizeof(*el));
	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_ELEMENT_GET, t, queue,
			     has_index ? (long)index : -1, &o, e);
}

/* Only the generation; an answer it cannot read says nothing. */
static int vs_nl_gen_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct nlattr *tb[VIRTIO_STATUS_A_INFO_MAX + 1];
	long long *gen = arg;

	(void)e;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VIRTIO_STATUS_A_INFO_MAX,
			  (struct nla_policy *)vs_nl_info_policy) < 0)
		return 0;
	if (tb[VIRTIO_STATUS_A_INFO_GENERATION])
		*gen = nla_get_u32(tb[VIRTIO_STATUS_A_INFO_GENERATION]);
	return 0;
}

int vs_nl_generation(struct vs_nl *nl, int family, long long *gen,
		     struct vs_err *e)
{
	struct nl_msg *msg;
	int ret;

	*gen = -1;
	msg = vs_nl_msg(family, VIRTIO_STATUS_CMD_INFO,
			VIRTIO_STATUS_FAMILY_VERSION, NLM_F_ACK);
	if (!msg) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	ret = vs_nl_request(nl, msg, vs_nl_gen_parse, gen, NULL, e);
	nlmsg_free(msg);
	return ret;
}

/* Notifications */

const char *vs_nl_ntf_name(u8 cmd)
{
	switch (cmd) {
	case VIRTIO_STATUS_CMD_DEV_ADD_NTF:
		return VS_EV_DEVICE_ADDED;
	case VIRTIO_STATUS_CMD_DEV_DEL_NTF:
		return VS_EV_DEVICE_REMOVED;
	case VIRTIO_STATUS_CMD_BIND_NTF:
		return VS_EV_DRIVER_BOUND;
	case VIRTIO_STATUS_CMD_UNBIND_NTF:
		return VS_EV_DRIVER_UNBOUND;
	}
	return NULL;
}

/* What every notification carries: of the event set, of its dev nest. */
static const int vs_nl_ntf_need[] = {
	VIRTIO_STATUS_A_EVENT_SEQ,
	VIRTIO_STATUS_A_EVENT_TIME,
	VIRTIO_STATUS_A_EVENT_DEV,
};

static const int vs_nl_ntf_need_dev[] = {
	VIRTIO_STATUS_A_DEV_HEADER,
	VIRTIO_STATUS_A_DEV_NAME,
	VIRTIO_STATUS_A_DEV_ID,
	VIRTIO_STATUS_A_DEV_GENERATION,
};

static const int vs_nl_ntf_need_header[] = {
	VIRTIO_STATUS_A_HEADER_PATH,
	VIRTIO_STATUS_A_HEADER_BUSID,
};

/* Whether @have has every one of @attrs; if not, @e names the first. */
static bool vs_nl_ntf_has_all(const struct vs_nl_set *set, const u64 *have,
			      const int *attrs, size_t n, const char *what,
			      struct vs_err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (vs_nl_has(have, attrs[i]))
			continue;
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module sent a %s notification with no %s",
			   what, vs_nl_attr_name(set, attrs[i]));
		return false;
	}
	return true;
}

int vs_event_parse(const struct nlmsghdr *nlh, struct vs_event *ev,
		   struct vs_err *e)
{
	const struct genlmsghdr *g;
	struct vs_nl_event *nev;
	const char *what;
	int ret = -1;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 1;
	g = NLMSG_DATA(nlh);
	what = vs_nl_ntf_name(g->cmd);
	if (!what)
		return 1;
	ev->cmd = g->cmd;
	nev = malloc(sizeof(*nev));
	if (!nev) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_nl_decode(&vs_nl_event_set, nev,
			 (const struct nlattr *)((const char *)g + GENL_HDRLEN),
			 nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, e) < 0)
		goto out;
	if (!vs_nl_ntf_has_all(&vs_nl_event_set, nev->have, vs_nl_ntf_need,
			       ARRAY_SIZE(vs_nl_ntf_need), what, e) ||
	    !vs_nl_ntf_has_all(&vs_nl_dev_set, nev->dev.have, vs_nl_ntf_need_dev,
			       ARRAY_SIZE(vs_nl_ntf_need_dev), what, e) ||
	    !vs_nl_ntf_has_all(&vs_nl_header_set, nev->dev.header.have,
			       vs_nl_ntf_need_header,
			       ARRAY_SIZE(vs_nl_ntf_need_header), what, e))
		goto out;
	ev->seq = nev->seq;
	ev->time_ns = nev->time;
	ev->dev = nev->dev;
	/* notifications are about devices on the virtio bus */
	if (!vs_dev_has(&ev->dev, VIRTIO_STATUS_A_DEV_KIND))
		ev->dev.kind = VIRTIO_STATUS_KIND_VIRTIO;
	ret = 0;
out:
	free(nev);
	return ret;
}

/* The backend the CLI uses */

static int vs_nl_lazy_open(struct vs_nl_lazy *l, struct vs_err *e)
{
	if (l->opened)
		return 0;
	if (vs_nl_open(&l->nl, e) < 0)
		return -1;
	l->opened = true;
	return 0;
}

static int vs_nl_lazy_get(void *ctx, const struct vs_target *t,
			  struct vs_nl_dev *dev, struct vs_err *e)
{
	if (vs_nl_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_dev_get(&((struct vs_nl_lazy *)ctx)->nl, t, dev, e);
}

static int vs_nl_lazy_dump(void *ctx, struct vs_dev_list *list,
			   struct vs_err *e)
{
	if (vs_nl_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_dev_dump(&((struct vs_nl_lazy *)ctx)->nl, list, e);
}

static int vs_nl_lazy_info(void *ctx, struct vs_nl_info *info,
			   struct vs_err *e)
{
	if (vs_nl_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_info(&((struct vs_nl_lazy *)ctx)->nl, info, e);
}

static int vs_nl_lazy_health_dump(void *ctx, struct vs_health_list *list,
				  struct vs_err *e)
{
	if (vs_nl_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_health_dump(&((struct vs_nl_lazy *)ctx)->nl, list, e);
}

static int vs_nl_lazy_queue_get(void *ctx, const struct vs_target *t,
				u32 index, struct vs_nl_queue *q,
				struct vs_err *e)
{
	if (vs_nl_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_queue_get(&((struct vs_nl_lazy *)ctx)->nl, t, index, q,
			       e);
}

static int vs_nl_lazy_elem_get(void *ctx, const struct vs_target *t,
			       u32 queue, bool has_index, u32 index,
			       struct vs_nl_element *el, struct vs_err *e)
{
	if (vs_nl_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_elem_get(&((struct vs_nl_lazy *)ctx)->nl, t, queue,
			      has_index, index, el, e);
}

static int vs_nl_lazy_vhost_features(void *ctx, const char *node,
				     struct vs_fset *features)
{
	return vs_vhost_features_cached(&((struct vs_nl_lazy *)ctx)->probes,
					node, features);
}

static bool vs_nl_lazy_privileged(void *ctx)
{
	(void)ctx;
	return vs_vhost_net_admin();
}

static unsigned int vs_nl_lazy_family_version(void *ctx)
{
	struct vs_nl_lazy *l = ctx;

	return l->opened ? l->nl.version : 0;
}

const struct vs_backend_ops vs_nl_backend_ops = {
	.dev_get = vs_nl_lazy_get,
	.dev_dump = vs_nl_lazy_dump,
	.info = vs_nl_lazy_info,
	.health_dump = vs_nl_lazy_health_dump,
	.queue_get = vs_nl_lazy_queue_get,
	.elem_get = vs_nl_lazy_elem_get,
	.vhost_features = vs_nl_lazy_vhost_features,
	.privileged = vs_nl_lazy_privileged,
	.family_version = vs_nl_lazy_family_version,
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
