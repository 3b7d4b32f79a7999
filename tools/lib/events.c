// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the module's notifications as QMP events, with nothing
 * lost silently.
 *
 * Three sockets: the event socket (the family's "events" group and
 * nlctrl's "notify" group, read without blocking), a control socket for
 * the small requests made here (nlctrl's family list, which never loads a
 * module, and INFO for the bus generation), and the tool's usual vs_nl for
 * dumps. The events socket, an inotify descriptor (vhost device nodes) and
 * a timer sit behind one epoll descriptor, the one the caller polls.
 *
 * What the library knows of the bus (vs_ev_track) is what it reported.
 * A dump replaces it on an overrun, a sequence gap or a module load, and
 * the difference is reported as events marked "resync". The bus
 * generation of that dump filters out notifications it already shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <limits.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <json-c/json.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "events.h"
#include "nl.h"
#include "vhost.h"

/* Room for any one message of either group, and for a reply batch. */
#define VS_EV_BUF	65536
/* Dumps tried for one stable generation before taking the last one. */
#define VS_EV_DUMP_TRIES	5
/*
 * More vhost looks after a node was opened or closed, every 250 ms for
 * 5 s: see vs_ev_vhost_arm().
 */
#define VS_EV_VHOST_RECHECK_NS	250000000L
#define VS_EV_VHOST_RECHECKS	20

struct vs_events {
	int sk;			/* event socket */
	int ctl;		/* control socket */
	int epfd;
	int ino;		/* inotify, or -1 */
	int tfd;		/* timerfd, or -1 */
	int rechecks;		/* vhost looks left before tfd is disarmed */
	u32 ctl_seq;
	struct vs_nl req;	/* dumps */
	bool req_open;
	bool want_vhost;	/* not --no-vhost */
	bool vhost_tried;	/* vs_ev_vhost_setup() ran */
	bool present;		/* the family is registered, we follow it */
	int family;		/* its id */
	u32 ctrl_grp;		/* nlctrl's "notify" */
	u32 grp;		/* our "events" */
	bool overrun;
	struct vs_ev_track track;
	bool vhost;
	const char *vhost_why;
	struct vs_dev_list vhosts;
	char *buf;		/* the event socket's */
	char *cbuf;		/* the control socket's */
};

u64 vs_events_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

/* JSON */

static int vs_add_str(struct json_object *o, const char *key, const char *v)
{
	struct json_object *s = json_object_new_string(v);

	if (!s || json_object_object_add(o, key, s)) {
		json_object_put(s);
		return -1;
	}
	return 0;
}

static int vs_add_int(struct json_object *o, const char *key, int64_t v)
{
	struct json_object *i = json_object_new_int64(v);

	if (!i || json_object_object_add(o, key, i)) {
		json_object_put(i);
		return -1;
	}
	return 0;
}

struct json_object *vs_event_new(const char *name, struct json_object *data,
				 u64 time_ns)
{
	struct json_object *o, *ts;

	if (!data)
		data = json_object_new_object();
	o = json_object_new_object();
	if (!o || !data || vs_add_str(o, "event", name) ||
	    json_object_object_add(o, "data", data)) {
		json_object_put(o);
		json_object_put(data);
		return NULL;
	}
	/* @data is @o's now */
	ts = json_object_new_object();
	if (!ts || vs_add_int(ts, "seconds", (int64_t)(time_ns / 1000000000ULL)) ||
	    vs_add_int(ts, "microseconds", (int64_t)(time_ns % 1000000000ULL / 1000)) ||
	    json_object_object_add(o, "timestamp", ts)) {
		json_object_put(o);
		json_object_put(ts);
		return NULL;
	}
	return o;
}

static const char *vs_ev_name(u8 cmd)
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

/*
 * A virtio device event: {"path", "busid", "name", "device-id", "driver"
 * (bind and unbind, when known), "seq" (from the kernel) or "resync"}.
 */
static struct json_object *vs_ev_dev_json(const char *name,
					  const struct vs_nl_dev *d,
					  const char *driver, bool has_seq,
					  u64 seq, u64 time_ns)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_add_str(data, "path", d->header.path) ||
	    vs_add_str(data, "busid", d->header.busid) ||
	    vs_add_str(data, "name", d->name) ||
	    vs_add_int(data, "device-id", d->id) ||
	    (driver && driver[0] && vs_add_str(data, "driver", driver)) ||
	    (has_seq && vs_add_int(data, "seq", (int64_t)seq)) ||
	    (!has_seq && json_object_object_add(data, "resync",
						json_object_new_boolean(1)))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(name, data, time_ns);
}

struct json_object *vs_event_json(const struct vs_event *ev)
{
	const char *name = vs_ev_name(ev->cmd);

	if (!name)
		return NULL;
	return vs_ev_dev_json(name, &ev->dev, ev->dev.driver, true, ev->seq,
			      ev->time_ns);
}

static void vs_emit(struct json_object *o,
		    void (*cb)(struct json_object *event, void *arg), void *arg)
{
	if (!o)
		return;
	cb(o, arg);
	json_object_put(o);
}

/* Decoding */

/* What every notification carries: of the event set, of its dev nest. */
static const int vs_ev_need[] = {
	VIRTIO_STATUS_A_EVENT_SEQ,
	VIRTIO_STATUS_A_EVENT_TIME,
	VIRTIO_STATUS_A_EVENT_DEV,
};

static const int vs_ev_need_dev[] = {
	VIRTIO_STATUS_A_DEV_HEADER,
	VIRTIO_STATUS_A_DEV_NAME,
	VIRTIO_STATUS_A_DEV_ID,
	VIRTIO_STATUS_A_DEV_GENERATION,
};

static const int vs_ev_need_header[] = {
	VIRTIO_STATUS_A_HEADER_PATH,
	VIRTIO_STATUS_A_HEADER_BUSID,
};

/* Whether @have has every one of @attrs; if not, @e names the first. */
static bool vs_ev_has_all(const struct vs_nl_set *set, const u64 *have,
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
	what = vs_ev_name(g->cmd);
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
	if (!vs_ev_has_all(&vs_nl_event_set, nev->have, vs_ev_need,
			   ARRAY_SIZE(vs_ev_need), what, e) ||
	    !vs_ev_has_all(&vs_nl_dev_set, nev->dev.have, vs_ev_need_dev,
			   ARRAY_SIZE(vs_ev_need_dev), what, e) ||
	    !vs_ev_has_all(&vs_nl_header_set, nev->dev.header.have,
			   vs_ev_need_header, ARRAY_SIZE(vs_ev_need_header),
			   what, e))
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

/* What the library knows */

static struct vs_nl_dev *vs_ev_find(const struct vs_dev_list *l, const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->devs[i].header.path, path))
			return &l->devs[i];
	return NULL;
}

static void vs_ev_forget(struct vs_dev_list *l, struct vs_nl_dev *d)
{
	size_t i = d - l->devs;

	memmove(d, d + 1, (l->n - i - 1) * sizeof(*d));
	l->n--;
}

static bool vs_dev_bound(const struct vs_nl_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER) && d->driver[0];
}

static void vs_dev_set_driver(struct vs_nl_dev *d, const char *driver)
{
	snprintf(d->driver, sizeof(d->driver), "%s", driver ? driver : "");
	if (driver && driver[0])
		vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	else
		vs_dev_clear(d, VIRTIO_STATUS_A_DEV_DRIVER);
}

/* Generations wrap; "at or before" in the counter's own order. */
static bool vs_gen_covered(u32 gen, u32 dump_gen)
{
	return (int32_t)(gen - dump_gen) <= 0;
}

enum vs_ev_verdict vs_ev_track_event(struct vs_ev_track *t,
				     const struct vs_event *ev, u64 *missed)
{
	const struct vs_nl_dev *e = &ev->dev;
	struct vs_nl_dev *d;

	if (t->have_seq && ev->seq != t->seq + 1) {
		if (missed)
			*missed = ev->seq > t->seq ? ev->seq - t->seq - 1 : 0;
		return VS_EV_GAP;
	}
	t->have_seq = true;
	t->seq = ev->seq;
	if (t->have_gen && vs_gen_covered(e->generation, t->gen))
		return VS_EV_SKIP;

	d = vs_ev_find(&t->known, e->header.path);
	switch (ev->cmd) {
	case VIRTIO_STATUS_CMD_DEV_ADD_NTF:
		/* a dump can show a device just before its notification */
		if (d)
			return VS_EV_SKIP;
		d = vs_dev_list_add(&t->known);
		if (!d)
			return VS_EV_NOMEM;
		*d = *e;
		vs_dev_set_driver(d, NULL);
		return VS_EV_EMIT;
	case VIRTIO_STATUS_CMD_DEV_DEL_NTF:
		if (!d)
			return VS_EV_SKIP;
		vs_ev_forget(&t->known, d);
		return VS_EV_EMIT;
	case VIRTIO_STATUS_CMD_BIND_NTF:
		if (!d) {
			d = vs_dev_list_add(&t->known);
			if (!d)
				return VS_EV_NOMEM;
			*d = *e;
		} else if (vs_dev_bound(d) && !strcmp(d->driver, e->driver)) {
			return VS_EV_SKIP;
		}
		vs_dev_set_driver(d, e->driver);
		return VS_EV_EMIT;
	case VIRTIO_STATUS_CMD_UNBIND_NTF:
		if (d && !vs_dev_bound(d))
			return VS_EV_SKIP;
		if (d)
			vs_dev_set_driver(d, NULL);
		return VS_EV_EMIT;
	}
	return VS_EV_SKIP;
}

/* The driver an unbind event names: the kernel's, else the one we knew. */
static const char *vs_ev_unbound_driver(const struct vs_ev_track *t,
					const struct vs_event *ev)
{
	const struct vs_nl_dev *d;

	if (ev->dev.driver[0])
		return ev->dev.driver;
	d = vs_ev_find(&t->known, ev->dev.header.path);
	return d ? d->driver : NULL;
}

/* The devices of @all of kind @kind, copied into @out (empty). 0, or -1 on ENOMEM. */
static int vs_ev_of_kind(const struct vs_dev_list *all, u32 kind,
			 struct vs_dev_list *out)
{
	struct vs_nl_dev *d;
	size_t i;

	for (i = 0; i < all->n; i++) {
		if (vs_dev_kind(&all->devs[i]) != kind)
			continue;
		d = vs_dev_list_add(out);
		if (!d) {
			vs_dev_list_free(out);
			return -1;
		}
		*d = all->devs[i];
	}
	return 0;
}

static void vs_ev_resync_dev(const char *name, const struct vs_nl_dev *d,
			     const char *driver, u64 now,
			     void (*cb)(struct json_object *event, void *arg),
			     void *arg)
{
	vs_emit(vs_ev_dev_json(name, d, driver, false, 0, now), cb, arg);
}

static bool vs_same_dev(const struct vs_nl_dev *a, const struct vs_nl_dev *b)
{
	return a->id == b->id && !strcmp(a->header.busid, b->header.busid);
}

int vs_ev_track_resync(struct vs_ev_track *t, const struct vs_dev_list *fresh,
		       bool have_gen, u32 gen, const char *reason, u64 now,
		       void (*cb)(struct json_object *event, void *arg),
		       void *arg)
{
	struct vs_dev_list next = { 0 };
	const struct vs_nl_dev *o, *n;
	struct json_object *data;
	size_t i;

	if (vs_ev_of_kind(fresh, VIRTIO_STATUS_KIND_VIRTIO, &next) < 0)
		return -1;

	/* Gone (or replaced): unbound, then removed, as the bus does it. */
	for (i = 0; i < t->known.n; i++) {
		o = &t->known.devs[i];
		n = vs_ev_find(&next, o->header.path);
		if (n && vs_same_dev(o, n))
			continue;
		if (vs_dev_bound(o))
			vs_ev_resync_dev(VS_EV_DRIVER_UNBOUND, o, o->driver, now, cb, arg);
		vs_ev_resync_dev(VS_EV_DEVICE_REMOVED, o, NULL, now, cb, arg);
	}
	for (i = 0; i < next.n; i++) {
		n = &next.devs[i];
		o = vs_ev_find(&t->known, n->header.path);
		if (o && vs_same_dev(o, n)) {
			if (vs_dev_bound(o) &&
			    (!vs_dev_bound(n) || strcmp(o->driver, n->driver)))
				vs_ev_resync_dev(VS_EV_DRIVER_UNBOUND, o, o->driver, now,
						 cb, arg);
			if (vs_dev_bound(n) &&
			    (!vs_dev_bound(o) || strcmp(o->driver, n->driver)))
				vs_ev_resync_dev(VS_EV_DRIVER_BOUND, n, n->driver, now,
						 cb, arg);
			continue;
		}
		vs_ev_resync_dev(VS_EV_DEVICE_ADDED, n, NULL, now, cb, arg);
		if (vs_dev_bound(n))
			vs_ev_resync_dev(VS_EV_DRIVER_BOUND, n, n->driver, now, cb, arg);
	}

	vs_dev_list_free(&t->known);
	t->known = next;
	t->have_gen = have_gen;
	t->gen = gen;
	t->have_seq = false;

	data = json_object_new_object();
	if (data && (vs_add_str(data, "reason", reason) ||
		     vs_add_int(data, "devices", (int64_t)next.n))) {
		json_object_put(data);
		data = NULL;
	}
	vs_emit(data ? vs_event_new(VS_EV_RESYNC, data, now) : NULL, cb, arg);
	return 0;
}

static struct json_object *vs_ev_vhost_json(const char *name,
					    const struct vs_nl_dev *d, u64 now)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_add_str(data, "path", d->header.path) ||
	    vs_add_str(data, "name", d->name) ||
	    (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER) &&
	     vs_add_str(data, "driver", d->driver)) ||
	    (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_OWNER_PID) &&
	     vs_add_int(data, "owner-pid", d->vhost.owner_pid))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(name, data, now);
}

int vs_ev_vhost_diff(struct vs_dev_list *known, const struct vs_dev_list *fresh,
		     u64 now, void (*cb)(struct json_object *event, void *arg),
		     void *arg)
{
	struct vs_dev_list next = { 0 };
	size_t i;

	if (vs_ev_of_kind(fresh, VIRTIO_STATUS_KIND_VHOST, &next) < 0)
		return -1;
	for (i = 0; i < known->n; i++)
		if (!vs_ev_find(&next, known->devs[i].header.path))
			vs_emit(vs_ev_vhost_json(VS_EV_VHOST_REMOVED, &known->devs[i], now),
				cb, arg);
	for (i = 0; i < next.n; i++)
		if (!vs_ev_find(known, next.devs[i].header.path))
			vs_emit(vs_ev_vhost_json(VS_EV_VHOST_ADDED, &next.devs[i], now),
				cb, arg);
	vs_dev_list_free(known);
	*known = next;
	return 0;
}

void vs_ev_track_free(struct vs_ev_track *t)
{
	vs_dev_list_free(&t->known);
	memset(t, 0, sizeof(*t));
}

/* Control requests */

/* The family as nlctrl describes it. */
struct vs_ev_fam {
	bool found;
	int id;
	bool has_grp;
	u32 grp;		/* the group named @grp_name */
	const char *name;	/* family wanted */
	const char *grp_name;
};

/* A CTRL_CMD_NEWFAMILY / DELFAMILY message or family list entry. */
static int vs_ev_ctrl_parse(const struct nlmsghdr *nlh, struct vs_ev_fam *f)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlattr *g;
	int rem;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_NAME] || !tb[CTRL_ATTR_FAMILY_ID] ||
	    nla_len(tb[CTRL_ATTR_FAMILY_ID]) < 2 ||
	    strncmp(nla_data(tb[CTRL_ATTR_FAMILY_NAME]), f->name,
		    nla_len(tb[CTRL_ATTR_FAMILY_NAME])))
		return 0;
	f->found = true;
	f->id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
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

static int vs_ev_ctrl_one(const struct nlmsghdr *nlh, void *arg)
{
	return vs_ev_ctrl_parse(nlh, arg);
}

/*
 * Send a request without attributes on the control socket and call @fn
 * for each reply. 0, or -1 with @e set (VS_ERR_SYS with the kernel's errno).
 */
static int vs_ev_ask(struct vs_events *ev, u16 type, u8 cmd, u8 version,
		     u16 flags, int (*fn)(const struct nlmsghdr *nlh, void *arg),
		     void *arg, struct vs_err *e)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n = {
			.nlmsg_len = sizeof(req),
			.nlmsg_type = type,
			.nlmsg_flags = NLM_F_REQUEST | flags,
			.nlmsg_seq = ++ev->ctl_seq,
		},
		.g = { .cmd = cmd, .version = version },
	};
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	ssize_t n;
	int len;

	if (send(ev->ctl, &req, sizeof(req), 0) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0, "cannot send a netlink request: %s",
			   strerror(errno));
		return -1;
	}
	for (;;) {
		n = recv(ev->ctl, ev->cbuf, VS_EV_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "cannot read the kernel's netlink answer: %s",
				   strerror(errno));
			return -1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)ev->cbuf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != req.n.nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = NLMSG_DATA(nlh);
				if (!err->error)
					return 0;
				vs_err_sys(e, -err->error, NULL);
				return -1;
			}
			fn(nlh, arg);
		}
	}
}

/* nlctrl's description of @name, from its family list (loads nothing). */
static int vs_ev_lookup(struct vs_events *ev, struct vs_ev_fam *f,
			const char *name, const char *grp, struct vs_err *e)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->grp_name = grp;
	return vs_ev_ask(ev, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_DUMP,
			 vs_ev_ctrl_one, f, e);
}

static int vs_ev_info_gen(const struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[VIRTIO_STATUS_A_INFO_MAX + 1];
	long long *gen = arg;

	if (genlmsg_parse((struct nlmsghdr *)nlh, 0, tb, VIRTIO_STATUS_A_INFO_MAX,
			  (struct nla_policy *)vs_nl_info_policy) < 0)
		return 0;
	if (tb[VIRTIO_STATUS_A_INFO_GENERATION])
		*gen = nla_get_u32(tb[VIRTIO_STATUS_A_INFO_GENERATION]);
	return 0;
}

/* The bus generation now; -1 if the module does not say. */
static int vs_ev_generation(struct vs_events *ev, long long *gen,
			    struct vs_err *e)
{
	*gen = -1;
	return vs_ev_ask(ev, ev->family, VIRTIO_STATUS_CMD_INFO,
			 VIRTIO_STATUS_FAMILY_VERSION, NLM_F_ACK, vs_ev_info_gen,
			 gen, e);
}

/* Sockets and descriptors */

static int vs_ev_socket(struct vs_err *e)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	/*
	 * Connected to the kernel (port 0): any local process may send to
	 * our port, and the kernel then refuses what does not come from it,
	 * so a forged notification never reaches us.
	 */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot open a generic netlink socket: %s",
			   strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int vs_ev_join(struct vs_events *ev, u32 grp, struct vs_err *e)
{
	if (setsockopt(ev->sk, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot join the netlink multicast group %u: %s", grp,
			   strerror(errno));
		return -1;
	}
	return 0;
}

static int vs_ev_watch(struct vs_events *ev, int fd, struct vs_err *e)
{
	struct epoll_event ee = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(ev->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0, "cannot poll a descriptor: %s",
			   strerror(errno));
		return -1;
	}
	return 0;
}

/* vhost device nodes: /dev/vhost-net, -vsock, -scsi, -vdpa-N. */
static bool vs_ev_vhost_node(const char *name)
{
	return !strncmp(name, "vhost-", 6);
}

static void vs_ev_watch_node(struct vs_events *ev, const char *name)
{
	char path[300];

	snprintf(path, sizeof(path), "/dev/%s", name);
	/* a node that is gone already: nothing to watch */
	inotify_add_watch(ev->ino, path, IN_OPEN | IN_CLOSE);
}

/*
 * Follow vhost devices if we can: CAP_NET_ADMIN (the dump lists them only
 * then), the module's vhost support on, and inotify. Any "no" is kept in
 * ev->vhost_why; the virtio events do not depend on it.
 */
static int vs_ev_vhost_setup(struct vs_events *ev, struct vs_err *e)
{
	struct vs_nl_info info;
	struct vs_err ie;
	struct dirent *de;
	DIR *dir;

	ev->vhost_tried = true;
	if (!vs_has_net_admin()) {
		ev->vhost_why = "vhost devices are listed to CAP_NET_ADMIN only";
		return 0;
	}
	vs_err_clear(&ie);
	if (vs_nl_info(&ev->req, &info, &ie) < 0 ||
	    !vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_STATE) ||
	    info.vhost_state != VIRTIO_STATUS_VHOST_STATE_ON) {
		ev->vhost_why = "the module's vhost support is off (see: virtio-status info)";
		return 0;
	}
	ev->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ev->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (ev->ino < 0 || ev->tfd < 0 ||
	    inotify_add_watch(ev->ino, "/dev", IN_CREATE | IN_DELETE) < 0) {
		ev->vhost_why = "inotify on /dev is not available";
		return 0;
	}
	dir = opendir("/dev");
	if (dir) {
		while ((de = readdir(dir)))
			if (vs_ev_vhost_node(de->d_name))
				vs_ev_watch_node(ev, de->d_name);
		closedir(dir);
	}
	if (vs_ev_watch(ev, ev->ino, e) < 0 || vs_ev_watch(ev, ev->tfd, e) < 0)
		return -1;
	ev->vhost = true;
	ev->vhost_why = NULL;
	return 0;
}

bool vs_events_vhost(const struct vs_events *ev, const char **why)
{
	if (why)
		*why = ev->vhost_why;
	return ev->vhost;
}

/* Resynchronisation */

/*
 * A dump at one known generation: INFO before and after a consistent dump
 * agreeing means the dump shows the bus at exactly that generation.
 */
static int vs_ev_dump(struct vs_events *ev, struct vs_dev_list *list,
		      bool *have_gen, u32 *gen, struct vs_err *e)
{
	long long g0, g1;
	int i;

	for (i = 0; i < VS_EV_DUMP_TRIES; i++) {
		vs_dev_list_free(list);
		if (vs_ev_generation(ev, &g0, e) < 0 ||
		    vs_nl_dev_dump(&ev->req, list, e) < 0 ||
		    vs_ev_generation(ev, &g1, e) < 0)
			return -1;
		if (g0 == g1)
			break;
	}
	/* changing all along: filter nothing, the dedup in track still works */
	*have_gen = g1 >= 0 && g0 == g1;
	*gen = (u32)g1;
	return 0;
}

static void vs_ev_simple(const char *name, const char *reason,
			 void (*cb)(struct json_object *event, void *arg), void *arg)
{
	struct json_object *data = json_object_new_object();

	if (data && reason && vs_add_str(data, "reason", reason)) {
		json_object_put(data);
		return;
	}
	if (data)
		vs_emit(vs_event_new(name, data, vs_events_now()), cb, arg);
}

static void vs_ev_unloaded(struct vs_events *ev,
			   void (*cb)(struct json_object *event, void *arg), void *arg)
{
	if (!ev->present)
		return;
	ev->present = false;
	ev->track.have_seq = false;
	ev->track.have_gen = false;
	vs_ev_simple(VS_EV_MODULE_UNLOADED, NULL, cb, arg);
}

/* Follow family @f (found by nlctrl): join its group. */
static int vs_ev_follow(struct vs_events *ev, const struct vs_ev_fam *f,
			struct vs_err *e)
{
	if (!f->has_grp) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "it has no \"%s\" multicast group (events are new in this version)",
			   VIRTIO_STATUS_MCGRP_EVENTS);
		return -1;
	}
	if (vs_ev_join(ev, f->grp, e) < 0)
		return -1;
	if (!ev->req_open) {
		if (vs_nl_open(&ev->req, e) < 0)
			return -1;
		ev->req_open = true;
	}
	if (ev->want_vhost && !ev->vhost_tried && vs_ev_vhost_setup(ev, e) < 0)
		return -1;
	ev->family = f->id;
	ev->req.family = f->id;
	ev->grp = f->grp;
	ev->present = true;
	ev->track.have_seq = false;
	ev->track.have_gen = false;
	return 0;
}

/*
 * Find out where the module is now and report the difference: unloaded,
 * loaded again (joined anew), then every device change since what we
 * last reported. 0, or -1 with @e set.
 */
static int vs_ev_resync(struct vs_events *ev, const char *reason,
			void (*cb)(struct json_object *event, void *arg),
			void *arg, struct vs_err *e)
{
	struct vs_dev_list list = { 0 };
	struct vs_ev_fam f;
	bool have_gen;
	int ret = -1;
	u32 gen;

	if (vs_ev_lookup(ev, &f, VIRTIO_STATUS_FAMILY_NAME,
			 VIRTIO_STATUS_MCGRP_EVENTS, e) < 0)
		return -1;
	if (!f.found) {
		vs_ev_unloaded(ev, cb, arg);
		return 0;
	}
	if (!ev->present || f.id != ev->family) {
		vs_ev_unloaded(ev, cb, arg);
		if (vs_ev_follow(ev, &f, e) < 0)
			return -1;
		vs_ev_simple(VS_EV_MODULE_LOADED, NULL, cb, arg);
		reason = "module-loaded";
	} else if (vs_ev_join(ev, f.grp, e) < 0) {
		/* again: a reload we missed may have left the same id */
		return -1;
	}
	if (vs_ev_dump(ev, &list, &have_gen, &gen, e) < 0) {
		/* unloaded while we asked? the notification will say */
		if (e->kind == VS_ERR_SYS &&
		    (e->errnum == ENOENT || e->errnum == EOPNOTSUPP)) {
			vs_err_clear(e);
			ret = 0;
		}
		goto out;
	}
	if (vs_ev_track_resync(&ev->track, &list, have_gen, gen, reason,
			       vs_events_now(), cb, arg) < 0 ||
	    (ev->vhost &&
	     vs_ev_vhost_diff(&ev->vhosts, &list, vs_events_now(), cb, arg) < 0)) {
		vs_err_sys(e, ENOMEM, NULL);
		goto out;
	}
	ret = 0;
out:
	vs_dev_list_free(&list);
	return ret;
}

/* Reading */

static void vs_ev_lost(const char *reason, u64 missed, const char *detail,
		       void (*cb)(struct json_object *event, void *arg), void *arg)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_add_str(data, "reason", reason) ||
	    (missed && vs_add_int(data, "missed", (int64_t)missed)) ||
	    (detail && vs_add_str(data, "detail", detail))) {
		json_object_put(data);
		return;
	}
	vs_emit(vs_event_new(VS_EV_LOST, data, vs_events_now()), cb, arg);
}

/* A notification of our family. */
static int vs_ev_ours(struct vs_events *ev, const struct nlmsghdr *nlh,
		      void (*cb)(struct json_object *event, void *arg),
		      void *arg, struct vs_err *e)
{
	struct vs_event n;
	const char *driver;
	struct vs_err pe;
	u64 missed = 0;
	int ret;

	vs_err_clear(&pe);
	ret = vs_event_parse(nlh, &n, &pe);
	if (ret > 0)
		return 0;
	if (ret < 0) {
		vs_ev_lost("malformed", 0, pe.detail, cb, arg);
		return vs_ev_resync(ev, "malformed", cb, arg, e);
	}
	driver = n.cmd == VIRTIO_STATUS_CMD_UNBIND_NTF ?
		 vs_ev_unbound_driver(&ev->track, &n) : n.dev.driver;
	if (driver != n.dev.driver)
		snprintf(n.dev.driver, sizeof(n.dev.driver), "%s", driver ? driver : "");
	switch (vs_ev_track_event(&ev->track, &n, &missed)) {
	case VS_EV_EMIT:
		vs_emit(vs_event_json(&n), cb, arg);
		return 0;
	case VS_EV_SKIP:
		return 0;
	case VS_EV_GAP:
		vs_ev_lost("gap", missed, NULL, cb, arg);
		return vs_ev_resync(ev, "gap", cb, arg, e);
	case VS_EV_NOMEM:
		break;
	}
	vs_err_sys(e, ENOMEM, NULL);
	return -1;
}

/* nlctrl: our family registered or unregistered. */
static int vs_ev_ctrl(struct vs_events *ev, const struct nlmsghdr *nlh,
		      void (*cb)(struct json_object *event, void *arg),
		      void *arg, struct vs_err *e)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct vs_ev_fam f = {
		.name = VIRTIO_STATUS_FAMILY_NAME,
		.grp_name = VIRTIO_STATUS_MCGRP_EVENTS,
	};

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	if (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY)
		return 0;
	vs_ev_ctrl_parse(nlh, &f);
	if (!f.found)
		return 0;
	if (g->cmd == CTRL_CMD_DELFAMILY) {
		/* an older instance than the one we follow: already handled */
		if (ev->present && f.id == ev->family)
			vs_ev_unloaded(ev, cb, arg);
		return 0;
	}
	if (ev->present && f.id == ev->family)
		return 0;
	vs_ev_unloaded(ev, cb, arg);
	/* the groups come in later notifications: ask for the whole family */
	return vs_ev_resync(ev, "module-loaded", cb, arg, e);
}

static int vs_ev_read_sock(struct vs_events *ev,
			   void (*cb)(struct json_object *event, void *arg),
			   void *arg, struct vs_err *e)
{
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(ev->sk, ev->buf, VS_EV_BUF, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* read what is queued (it came before), then resync */
			ev->overrun = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "cannot read the module's events: %s",
				   strerror(errno));
			return -1;
		}
		len = (int)n;
		for (nlh = (struct nlmsghdr *)ev->buf; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == GENL_ID_CTRL) {
				if (vs_ev_ctrl(ev, nlh, cb, arg, e) < 0)
					return -1;
			} else if (ev->present && nlh->nlmsg_type == ev->family) {
				if (vs_ev_ours(ev, nlh, cb, arg, e) < 0)
					return -1;
			}
		}
	}
	if (!ev->overrun)
		return 0;
	ev->overrun = false;
	vs_ev_lost("overrun", 0, NULL, cb, arg);
	return vs_ev_resync(ev, "overrun", cb, arg, e);
}

/*
 * A node was opened or closed: look now, and again every moment for a few
 * seconds. The kernel reports an open before the new descriptor is in the
 * opener's table, where the module finds vhost devices, and a slow
 * machine (a debug kernel under emulation) can take a long while to get
 * there. @on false disarms.
 */
static void vs_ev_vhost_arm(struct vs_events *ev, bool on)
{
	struct itimerspec its = {
		.it_value.tv_nsec = on ? VS_EV_VHOST_RECHECK_NS : 0,
		.it_interval.tv_nsec = on ? VS_EV_VHOST_RECHECK_NS : 0,
	};

	ev->rechecks = on ? VS_EV_VHOST_RECHECKS : 0;
	timerfd_settime(ev->tfd, 0, &its, NULL);
}

static int vs_ev_read_vhost(struct vs_events *ev,
			    void (*cb)(struct json_object *event, void *arg),
			    void *arg, struct vs_err *e)
{
	union {
		struct inotify_event ie;	/* for its alignment */
		char buf[4096];
	} u;
	char *buf = u.buf;
	struct vs_dev_list list = { 0 };
	const struct inotify_event *ie;
	bool look = false;
	uint64_t ticks;
	ssize_t n;
	int ret;
	char *p;

	while ((n = read(ev->ino, u.buf, sizeof(u.buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)p;
			if ((ie->mask & IN_CREATE) && ie->len &&
			    vs_ev_vhost_node(ie->name))
				vs_ev_watch_node(ev, ie->name);
			if (ie->mask & (IN_OPEN | IN_CLOSE | IN_Q_OVERFLOW))
				look = true;
		}
	}
	if (look)
		vs_ev_vhost_arm(ev, true);
	if (read(ev->tfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
		look = true;
		ev->rechecks -= ticks < INT_MAX ? (int)ticks : INT_MAX;
		if (ev->rechecks <= 0)
			vs_ev_vhost_arm(ev, false);
	}
	if (!look || !ev->present)
		return 0;
	ret = vs_nl_dev_dump(&ev->req, &list, e);
	if (ret < 0 && e->kind == VS_ERR_SYS &&
	    (e->errnum == ENOENT || e->errnum == EOPNOTSUPP)) {
		vs_err_clear(e);
		ret = 0;	/* the module is going: its notification will say */
	} else if (!ret && vs_ev_vhost_diff(&ev->vhosts, &list, vs_events_now(),
					    cb, arg) < 0) {
		vs_err_sys(e, ENOMEM, NULL);
		ret = -1;
	}
	vs_dev_list_free(&list);
	return ret;
}

int vs_events_read(struct vs_events *ev,
		   void (*cb)(struct json_object *event, void *arg),
		   void *arg, struct vs_err *e)
{
	vs_err_clear(e);
	/* every descriptor read until it would block: the epoll set is quiet */
	if (vs_ev_read_sock(ev, cb, arg, e) < 0)
		return -1;
	if (ev->vhost && vs_ev_read_vhost(ev, cb, arg, e) < 0)
		return -1;
	return 0;
}

/* Opening and closing */

int vs_events_fd(const struct vs_events *ev)
{
	return ev->epfd;
}

void vs_events_close(struct vs_events *ev)
{
	if (!ev)
		return;
	if (ev->sk >= 0)
		close(ev->sk);
	if (ev->ctl >= 0)
		close(ev->ctl);
	if (ev->epfd >= 0)
		close(ev->epfd);
	if (ev->ino >= 0)
		close(ev->ino);
	if (ev->tfd >= 0)
		close(ev->tfd);
	vs_nl_close(&ev->req);
	vs_ev_track_free(&ev->track);
	vs_dev_list_free(&ev->vhosts);
	free(ev->buf);
	free(ev->cbuf);
	free(ev);
}

/* The opening dump: nothing is reported, it is the starting point. */
static void vs_ev_ignore(struct json_object *event, void *arg)
{
	(void)event;
	(void)arg;
}

int vs_events_open_opts(struct vs_events **evp, const struct vs_events_opts *o,
			struct vs_err *e)
{
	struct vs_events_opts none = { 0 };
	struct vs_events *ev;
	struct vs_ev_fam f;
	int size;

	*evp = NULL;
	if (!o)
		o = &none;
	vs_err_clear(e);
	ev = calloc(1, sizeof(*ev));
	if (ev) {
		ev->buf = malloc(VS_EV_BUF);
		ev->cbuf = malloc(VS_EV_BUF);
	}
	if (!ev || !ev->buf || !ev->cbuf) {
		if (ev) {
			free(ev->buf);
			free(ev->cbuf);
		}
		free(ev);
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	ev->sk = -1;
	ev->ctl = -1;
	ev->epfd = -1;
	ev->ino = -1;
	ev->tfd = -1;

	/* Loads the module if it is installed, as every command does. */
	if (!o->wait_for_module) {
		if (vs_nl_open(&ev->req, e) < 0)
			goto fail;
		ev->req_open = true;
	}
	ev->sk = vs_ev_socket(e);
	if (ev->sk < 0)
		goto fail;
	ev->ctl = vs_ev_socket(e);
	if (ev->ctl < 0)
		goto fail;
	size = o->rcvbuf;
	if (size > 0 &&
	    setsockopt(ev->sk, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0) {
		vs_err_set(e, VS_ERR_MSG, 0, "cannot set the receive buffer: %s",
			   strerror(errno));
		goto fail;
	}
	if (vs_ev_lookup(ev, &f, "nlctrl", "notify", e) < 0)
		goto fail;
	if (!f.has_grp) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the kernel's generic netlink controller has no notify group");
		goto fail;
	}
	ev->ctrl_grp = f.grp;
	if (vs_ev_join(ev, ev->ctrl_grp, e) < 0)
		goto fail;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0 || vs_ev_watch(ev, ev->sk, e) < 0) {
		if (ev->epfd < 0)
			vs_err_set(e, VS_ERR_MSG, 0, "cannot create an epoll set: %s",
				   strerror(errno));
		goto fail;
	}
	ev->want_vhost = !o->no_vhost;
	ev->vhost_why = o->no_vhost ? "not asked to" :
				      "the module has not been loaded yet";

	/* Join, then dump: a change in between is in both, and filtered. */
	if (vs_ev_resync(ev, "start", vs_ev_ignore, NULL, e) < 0)
		goto fail;
	if (!ev->present && !o->wait_for_module) {
		vs_err_set(e, VS_ERR_NOFAMILY, ENOENT, NULL);
		goto fail;
	}
	*evp = ev;
	return 0;

fail:
	vs_events_close(ev);
	return -1;
}

int vs_events_open(struct vs_events **evp, struct vs_err *e)
{
	return vs_events_open_opts(evp, NULL, e);
}
