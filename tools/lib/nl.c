// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: generic netlink sockets, requests, families and groups.
 *
 * Every socket is made by vs_nl_socket(), the request socket of the
 * commands and the sockets of the events subscription alike. Every request
 * goes through vs_nl_request(): it sends one message and reads until the
 * request is over (an ACK for a DO, NLMSG_DONE for a DUMP, or an error),
 * skipping anything that does not answer it, so the socket is clean for
 * the next request of a --qmp session. Errors keep the kernel's errno and
 * its extended ACK message. Families are looked up by name (which has the
 * kernel load their module) or in nlctrl's family list (which does not),
 * both read by vs_nl_ctrl_parse(), as are nlctrl's notifications.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* Sockets */

int vs_nl_socket(struct vs_nl *nl, struct vs_err *e)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int one = 1;
	int fd, ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	/*
	 * Bound to port 0, the kernel picks ours; made here rather than by
	 * libnl, which would shrink the buffers to 32 KiB: an event socket
	 * with the kernel's default loses nothing under ordinary churn.
	 */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot open a generic netlink socket: %s",
			   strerror(errno));
		goto close_fd;
	}
	/*
	 * Only the kernel may send to us: vs_nl_cb_seq() already skips other
	 * senders, but a connected socket has the kernel refuse them, so a
	 * local process can neither fill our receive queue nor forge a
	 * notification.
	 */
	if (connect(fd, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot connect the generic netlink socket: %s",
			   strerror(errno));
		goto close_fd;
	}
	ret = nl_socket_set_fd(nl->sk, NETLINK_GENERIC, fd);
	if (ret < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot open a generic netlink socket: %s",
			   nl_geterror(ret));
		goto close_fd;
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
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return 0;

close_fd:
	if (fd >= 0)
		close(fd);
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
	/* the descriptor goes with it */
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

int vs_nl_fd(const struct vs_nl *nl)
{
	return nl_socket_get_fd(nl->sk);
}

int vs_nl_set_rcvbuf(struct vs_nl *nl, int size, struct vs_err *e)
{
	if (setsockopt(vs_nl_fd(nl), SOL_SOCKET, SO_RCVBUF, &size,
		       sizeof(size)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0, "cannot set the receive buffer: %s",
			   strerror(errno));
		return -1;
	}
	return 0;
}

/* Requests */

/* One request in flight. */
struct vs_nl_req {
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

static int vs_nl_cb_seq(struct nl_msg *msg, void *arg)
{
	struct vs_nl_req *r = arg;
	struct sockaddr_nl *src = nlmsg_get_src(msg);

	/* leftovers of an earlier request, or not from the kernel */
	if (nlmsg_hdr(msg)->nlmsg_seq != r->seq || (src && src->nl_pid))
		return NL_SKIP;
	return NL_OK;
}

static int vs_nl_cb_valid(struct nl_msg *msg, void *arg)
{
	struct vs_nl_req *r = arg;

	/* after a bad reply keep reading, so the socket ends up drained */
	if (r->failed || !r->parse)
		return NL_SKIP;
	if (r->parse(msg, r->arg, r->e) < 0)
		r->failed = true;
	return NL_OK;
}

static int vs_nl_cb_intr(struct nl_msg *msg, void *arg)
{
	struct vs_nl_req *r = arg;

	(void)msg;
	r->intr = true;
	return NL_OK;
}

static int vs_nl_cb_ack(struct nl_msg *msg, void *arg)
{
	struct vs_nl_req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: its payload is the dump's final error, then maybe TLVs. */
static int vs_nl_cb_finish(struct nl_msg *msg, void *arg)
{
	struct vs_nl_req *r = arg;
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

static int vs_nl_cb_err(struct sockaddr_nl *nla, struct nlmsgerr *err,
			void *arg)
{
	struct vs_nl_req *r = arg;
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
static int vs_nl_req_run(struct vs_nl *nl, struct nl_msg *msg,
			 struct vs_nl_req *r, struct vs_err *e)
{
	struct nl_cb *cb;
	int ret;

	r->e = e;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, vs_nl_cb_seq, r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vs_nl_cb_valid, r);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, vs_nl_cb_intr, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, vs_nl_cb_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, vs_nl_cb_finish, r);
	nl_cb_err(cb, NL_CB_CUSTOM, vs_nl_cb_err, r);

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

int vs_nl_request(struct vs_nl *nl, struct nl_msg *msg,
		  int (*parse)(struct nl_msg *msg, void *arg, struct vs_err *e),
		  void *arg, bool *intr, struct vs_err *e)
{
	struct vs_nl_req r = { .parse = parse, .arg = arg };
	int ret;

	ret = vs_nl_req_run(nl, msg, &r, e);
	if (intr)
		*intr = r.intr;
	return ret;
}

struct nl_msg *vs_nl_msg(int family, u8 cmd, u8 version, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags,
			 cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Families */

int vs_nl_ctrl_parse(const struct nlmsghdr *nlh, struct vs_nl_family *f)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *name, *g;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] || nla_len(tb[CTRL_ATTR_FAMILY_ID]) < 2)
		return -1;
	name = tb[CTRL_ATTR_FAMILY_NAME];
	if (f->name &&
	    (!name || strncmp(nla_data(name), f->name, nla_len(name))))
		return 0;
	f->found = true;
	f->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	f->version = 0;
	if (tb[CTRL_ATTR_VERSION] && nla_len(tb[CTRL_ATTR_VERSION]) >= 4)
		f->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	if (!f->grp_name || !tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nla_for_each_nested(g, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		if (nla_parse_nested(gtb, CTRL_ATTR_MCAST_GRP_MAX, g, NULL) < 0 ||
		    !gtb[CTRL_ATTR_MCAST_GRP_NAME] || !gtb[CTRL_ATTR_MCAST_GRP_ID] ||
		    nla_len(gtb[CTRL_ATTR_MCAST_GRP_ID]) < 4)
			continue;
		if (!strncmp(nla_data(gtb[CTRL_ATTR_MCAST_GRP_NAME]), f->grp_name,
			     nla_len(gtb[CTRL_ATTR_MCAST_GRP_NAME]))) {
			f->has_grp = true;
			f->grp = nla_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
	return 0;
}

/* The answer to a lookup by name: the family asked for, whatever its name. */
static int vs_nl_resolve_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	struct vs_nl_family f = { 0 };
	struct vs_nl *nl = arg;

	if (vs_nl_ctrl_parse(nlmsg_hdr(msg), &f) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the kernel's generic netlink controller sent a malformed family description");
		return -1;
	}
	nl->family = f.id;
	nl->version = f.version;
	return 0;
}

int vs_nl_resolve(struct vs_nl *nl, struct vs_err *e)
{
	struct nl_msg *msg;
	int ret = -1;

	nl->family = -1;
	msg = vs_nl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	if (!msg) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME,
			   VIRTIO_STATUS_FAMILY_NAME) < 0) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free_msg;
	}
	if (vs_nl_request(nl, msg, vs_nl_resolve_parse, nl, NULL, e) < 0) {
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

/* One entry of nlctrl's family list; other families and junk are skipped. */
static int vs_nl_find_parse(struct nl_msg *msg, void *arg, struct vs_err *e)
{
	(void)e;
	vs_nl_ctrl_parse(nlmsg_hdr(msg), arg);
	return 0;
}

int vs_nl_family_find(struct vs_nl *nl, const char *name, const char *grp,
		      struct vs_nl_family *f, struct vs_err *e)
{
	struct nl_msg *msg;
	int ret;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->grp_name = grp;
	msg = vs_nl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_DUMP);
	if (!msg) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	ret = vs_nl_request(nl, msg, vs_nl_find_parse, f, NULL, e);
	nlmsg_free(msg);
	return ret;
}

/* The module going away under a request */

/* Whether the kernel says the module is being unloaded right now. */
static bool vs_nl_module_going(void)
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
 * id (now in @nl) or, after EPROTONOSUPPORT, under the same one: the
 * request can be sent again.
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
	if (e->errnum != EPROTONOSUPPORT)
		return false;
	/*
	 * The module was unloading when asked. Still unloading, or gone
	 * since: not loaded. Loaded again since, under the same family id
	 * (genetlink hands out the lowest free one): ask again.
	 */
	if (vs_nl_module_going() || access("/sys/module/" VIRTIO_STATUS_FAMILY_NAME, F_OK))
		vs_err_set(e, VS_ERR_NOFAMILY, ENOENT, NULL);
	else
		return true;
	return false;
}

/*
 * A request that met a reload of the module is sent again to its new
 * family id: the errors vs_nl_gone() looks at come before any reply, so
 * nothing of the request's own state has been touched yet.
 */
int vs_nl_family_request(struct vs_nl *nl, struct nl_msg *msg,
			 int (*parse)(struct nl_msg *msg, void *arg,
				      struct vs_err *e),
			 void *arg, bool *intr, struct vs_err *e)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int try;

	for (try = 0; try < VS_RELOAD_TRIES; try++) {
		if (vs_nl_request(nl, msg, parse, arg, intr, e) == 0)
			return 0;
		if (!vs_nl_gone(nl, e))
			return -1;
		nlh->nlmsg_type = nl->family;
		nlh->nlmsg_seq = NL_AUTO_SEQ;
	}
	vs_err_set(e, VS_ERR_MSG, 0,
		   "the virtio_status module was unloaded and loaded again %d times while it was being asked",
		   VS_RELOAD_TRIES);
	return -1;
}

/* Subscriptions */

int vs_nl_join(struct vs_nl *nl, u32 grp, struct vs_err *e)
{
	if (setsockopt(vs_nl_fd(nl), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot join the netlink multicast group %u: %s", grp,
			   strerror(errno));
		return -1;
	}
	return 0;
}

int vs_nl_read_ntf(struct vs_nl *nl, void *buf, size_t len,
		   int (*fn)(const struct nlmsghdr *nlh, void *arg,
			     struct vs_err *e),
		   void *arg, bool *overrun, struct vs_err *e)
{
	struct nlmsghdr *nlh;
	ssize_t n;
	int left;

	for (;;) {
		n = recv(vs_nl_fd(nl), buf, len, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* read what is queued (it came before), then resync */
			*overrun = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "cannot read the module's events: %s",
				   strerror(errno));
			return -1;
		}
		left = (int)n;
		for (nlh = buf; NLMSG_OK(nlh, left);
		     nlh = NLMSG_NEXT(nlh, left))
			if (fn(nlh, arg, e) < 0)
				return -1;
	}
}
