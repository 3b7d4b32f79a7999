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

/* Replies */

/*
 * Check that @nlh answers @cmd and decode its attributes into @obj with the
 * table of @set (generated from the spec). 0, or -1 with @e set.
 */
static int vs_reply_decode(struct nlmsghdr *nlh, u8 cmd,
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
	return vs_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_DEV_GET,
			       &vs_nl_dev_set, dev, e);
}

int vs_info_from_msg(struct nl_msg *msg, struct vs_nl_info *info,
		     struct vs_err *e)
{
	return vs_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_INFO,
			       &vs_nl_info_set, info, e);
}

int vs_queue_from_msg(struct nl_msg *msg, struct vs_nl_queue *q,
		      struct vs_err *e)
{
	return vs_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_QUEUE_GET,
			       &vs_nl_queue_set, q, e);
}

/*
 * Every descriptor of a chain has its length and flags, and its address
 * unless the reply says the addresses are left out. 0, or -1 with @e set.
 */
static int vs_elem_check_descs(const struct vs_nl_element *el,
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
	if (vs_reply_decode(nlmsg_hdr(msg), VIRTIO_STATUS_CMD_ELEMENT_GET,
			    &vs_nl_element_set, el, e) < 0)
		return -1;
	return vs_elem_check_descs(el, e);
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
	int ret = -1;

	msg = vs_cmd_msg(nl, cmd, NLM_F_ACK);
	if (!msg || vs_nl_put_request(msg, cmd, t, index, elem) < 0) {
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
		  struct vs_nl_dev *dev, struct vs_err *e)
{
	struct vs_one o = { .decode = vs_dev_decode, .obj = dev, .what = "device" };

	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_DEV_GET, t, -1, -1, &o, e);
}

static int vs_dump_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
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
	struct vs_nl_info *info;
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

int vs_nl_info(struct vs_nl *nl, struct vs_nl_info *info, struct vs_err *e)
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
		    struct vs_nl_queue *q, struct vs_err *e)
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
		   bool has_index, u32 index, struct vs_nl_element *el,
		   struct vs_err *e)
{
	struct vs_one o = { .decode = vs_elem_decode, .obj = el,
			    .what = "element" };

	memset(el, 0, sizeof(*el));
	return vs_nl_get_one(nl, VIRTIO_STATUS_CMD_ELEMENT_GET, t, queue,
			     has_index ? (long)index : -1, &o, e);
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
		       struct vs_nl_dev *dev, struct vs_err *e)
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

static int vs_lazy_info(void *ctx, struct vs_nl_info *info, struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_info(&((struct vs_nl_lazy *)ctx)->nl, info, e);
}

static int vs_lazy_queue_get(void *ctx, const struct vs_target *t, u32 index,
			     struct vs_nl_queue *q, struct vs_err *e)
{
	if (vs_lazy_open(ctx, e) < 0)
		return -1;
	return vs_nl_queue_get(&((struct vs_nl_lazy *)ctx)->nl, t, index, q,
			       e);
}

static int vs_lazy_elem_get(void *ctx, const struct vs_target *t, u32 queue,
			    bool has_index, u32 index, struct vs_nl_element *el,
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
