// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the module's notifications as QMP events, with nothing
 * lost silently.
 *
 * Two sockets, both made by lib/nl.c: the subscription (the family's
 * "events" group and nlctrl's "notify" group, read without blocking) and
 * the request socket (nlctrl's family list, which never loads a module,
 * INFO for the bus generation, and dumps). The subscription and the vhost
 * node watch (lib/vhost_watch.c) sit behind one epoll descriptor, the one
 * the caller polls.
 *
 * What was reported is kept by track.c; this drives it: each notification
 * goes through it, and an overrun, a sequence gap or a module load has it
 * resynchronised against a dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "events.h"
#include "vhost.h"

/* Dumps tried for one stable generation before taking the last one. */
#define VS_EV_DUMP_TRIES	5

struct vs_events {
	struct vs_nl sub;	/* the subscription */
	struct vs_nl req;	/* requests */
	bool resolved;		/* the family was looked up by name on @req */
	int epfd;
	struct vs_vhost_watch watch;
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
	char *buf;		/* the subscription's */
};

/* Where vs_events_read() hands the events to. */
struct vs_ev_sink {
	struct vs_events *ev;
	void (*cb)(struct json_object *event, void *arg);
	void *arg;
};

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

/*
 * Follow vhost devices if we can: CAP_NET_ADMIN (the dump lists them only
 * then), the module's vhost support on, and inotify. Any "no" is kept in
 * ev->vhost_why; the virtio events do not depend on it.
 */
static int vs_ev_vhost_setup(struct vs_events *ev, struct vs_err *e)
{
	struct vs_nl_info info;
	struct vs_err ie;

	ev->vhost_tried = true;
	if (!vs_vhost_net_admin()) {
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
	if (vs_vhost_watch_open(&ev->watch) < 0) {
		ev->vhost_why = "inotify on /dev is not available";
		return 0;
	}
	if (vs_ev_watch(ev, ev->watch.ino, e) < 0 ||
	    vs_ev_watch(ev, ev->watch.tfd, e) < 0)
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
		if (vs_nl_generation(&ev->req, ev->family, &g0, e) < 0 ||
		    vs_nl_dev_dump(&ev->req, list, e) < 0 ||
		    vs_nl_generation(&ev->req, ev->family, &g1, e) < 0)
			return -1;
		if (g0 == g1)
			break;
	}
	/* changing all along: filter nothing, the dedup in track still works */
	*have_gen = g1 >= 0 && g0 == g1;
	*gen = (u32)g1;
	return 0;
}

static void vs_ev_simple(const char *name, const struct vs_ev_sink *s)
{
	vs_json_ev_emit(vs_json_ev_simple(name, NULL, vs_events_now()),
			s->cb, s->arg);
}

static void vs_ev_unloaded(const struct vs_ev_sink *s)
{
	struct vs_events *ev = s->ev;

	if (!ev->present)
		return;
	ev->present = false;
	ev->track.have_seq = false;
	ev->track.have_gen = false;
	vs_ev_simple(VS_EV_MODULE_UNLOADED, s);
}

/* Follow family @f (found by nlctrl): join its group. */
static int vs_ev_follow(struct vs_events *ev, const struct vs_nl_family *f,
			struct vs_err *e)
{
	if (!f->has_grp) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "it has no \"%s\" multicast group (events are new in this version)",
			   VIRTIO_STATUS_MCGRP_EVENTS);
		return -1;
	}
	if (vs_nl_join(&ev->sub, f->grp, e) < 0)
		return -1;
	if (!ev->resolved) {
		if (vs_nl_resolve(&ev->req, e) < 0)
			return -1;
		ev->resolved = true;
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
static int vs_ev_resync(const struct vs_ev_sink *s, const char *reason,
			struct vs_err *e)
{
	struct vs_events *ev = s->ev;
	struct vs_dev_list list = { 0 };
	struct vs_nl_family f;
	bool have_gen;
	int ret = -1;
	u32 gen;

	if (vs_nl_family_find(&ev->req, VIRTIO_STATUS_FAMILY_NAME,
			      VIRTIO_STATUS_MCGRP_EVENTS, &f, e) < 0)
		return -1;
	if (!f.found) {
		vs_ev_unloaded(s);
		return 0;
	}
	if (!ev->present || f.id != ev->family) {
		vs_ev_unloaded(s);
		if (vs_ev_follow(ev, &f, e) < 0)
			return -1;
		vs_ev_simple(VS_EV_MODULE_LOADED, s);
		reason = "module-loaded";
	} else if (vs_nl_join(&ev->sub, f.grp, e) < 0) {
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
			       vs_events_now(), s->cb, s->arg) < 0 ||
	    (ev->vhost &&
	     vs_ev_vhost_diff(&ev->vhosts, &list, vs_events_now(), s->cb,
			      s->arg) < 0)) {
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
		       const struct vs_ev_sink *s)
{
	vs_json_ev_emit(vs_json_ev_lost(reason, missed, detail,
					vs_events_now()),
			s->cb, s->arg);
}

/* A notification of our family. */
static int vs_ev_ours(const struct vs_ev_sink *s, const struct nlmsghdr *nlh,
		      struct vs_err *e)
{
	struct vs_events *ev = s->ev;
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
		vs_ev_lost("malformed", 0, pe.detail, s);
		return vs_ev_resync(s, "malformed", e);
	}
	driver = n.cmd == VIRTIO_STATUS_CMD_UNBIND_NTF ?
		 vs_model_track_unbound_driver(&ev->track, &n) : n.dev.driver;
	if (driver != n.dev.driver)
		snprintf(n.dev.driver, sizeof(n.dev.driver), "%s",
			 driver ? driver : "");
	switch (vs_ev_track_event(&ev->track, &n, &missed)) {
	case VS_EV_EMIT:
		vs_json_ev_emit(vs_event_json(&n), s->cb, s->arg);
		return 0;
	case VS_EV_SKIP:
		return 0;
	case VS_EV_GAP:
		vs_ev_lost("gap", missed, NULL, s);
		return vs_ev_resync(s, "gap", e);
	case VS_EV_NOMEM:
		break;
	}
	vs_err_sys(e, ENOMEM, NULL);
	return -1;
}

/* nlctrl: our family registered or unregistered. */
static int vs_ev_ctrl(const struct vs_ev_sink *s, const struct nlmsghdr *nlh,
		      struct vs_err *e)
{
	const struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct vs_events *ev = s->ev;
	struct vs_nl_family f = {
		.name = VIRTIO_STATUS_FAMILY_NAME,
		.grp_name = VIRTIO_STATUS_MCGRP_EVENTS,
	};

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return 0;
	if (g->cmd != CTRL_CMD_NEWFAMILY && g->cmd != CTRL_CMD_DELFAMILY)
		return 0;
	vs_nl_ctrl_parse(nlh, &f);
	if (!f.found)
		return 0;
	if (g->cmd == CTRL_CMD_DELFAMILY) {
		/* an older instance than the one we follow: already handled */
		if (ev->present && f.id == ev->family)
			vs_ev_unloaded(s);
		return 0;
	}
	if (ev->present && f.id == ev->family)
		return 0;
	vs_ev_unloaded(s);
	/* the groups come in later notifications: ask for the whole family */
	return vs_ev_resync(s, "module-loaded", e);
}

/* One message of the subscription: nlctrl's, ours, or stale. */
static int vs_ev_one(const struct nlmsghdr *nlh, void *arg, struct vs_err *e)
{
	const struct vs_ev_sink *s = arg;

	if (nlh->nlmsg_type == GENL_ID_CTRL)
		return vs_ev_ctrl(s, nlh, e);
	if (s->ev->present && nlh->nlmsg_type == s->ev->family)
		return vs_ev_ours(s, nlh, e);
	return 0;
}

static int vs_ev_read_sub(struct vs_ev_sink *s, struct vs_err *e)
{
	struct vs_events *ev = s->ev;

	if (vs_nl_read_ntf(&ev->sub, ev->buf, VS_NL_NTF_BUF, vs_ev_one,
			   s, &ev->overrun, e) < 0)
		return -1;
	if (!ev->overrun)
		return 0;
	ev->overrun = false;
	vs_ev_lost("overrun", 0, NULL, s);
	return vs_ev_resync(s, "overrun", e);
}

/* vhost device nodes opened or closed: look at the vhost devices. */
static int vs_ev_read_vhost(const struct vs_ev_sink *s, struct vs_err *e)
{
	struct vs_events *ev = s->ev;
	struct vs_dev_list list = { 0 };
	int ret;

	if (!vs_vhost_watch_read(&ev->watch) || !ev->present)
		return 0;
	ret = vs_nl_dev_dump(&ev->req, &list, e);
	if (ret < 0 && e->kind == VS_ERR_SYS &&
	    (e->errnum == ENOENT || e->errnum == EOPNOTSUPP)) {
		vs_err_clear(e);
		ret = 0;	/* the module is going: its notification will say */
	} else if (!ret && vs_ev_vhost_diff(&ev->vhosts, &list, vs_events_now(),
					    s->cb, s->arg) < 0) {
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
	struct vs_ev_sink s = { .ev = ev, .cb = cb, .arg = arg };

	vs_err_clear(e);
	/* every descriptor read until it would block: the epoll set is quiet */
	if (vs_ev_read_sub(&s, e) < 0)
		return -1;
	if (ev->vhost && vs_ev_read_vhost(&s, e) < 0)
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
	vs_nl_close(&ev->sub);
	vs_nl_close(&ev->req);
	if (ev->epfd >= 0)
		close(ev->epfd);
	vs_vhost_watch_close(&ev->watch);
	vs_ev_track_free(&ev->track);
	vs_dev_list_free(&ev->vhosts);
	free(ev->buf);
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
	struct vs_ev_sink s = { .cb = vs_ev_ignore };
	struct vs_events *ev;
	struct vs_nl_family f;

	*evp = NULL;
	if (!o)
		o = &none;
	vs_err_clear(e);
	ev = calloc(1, sizeof(*ev));
	if (ev)
		ev->buf = malloc(VS_NL_NTF_BUF);
	if (!ev || !ev->buf) {
		free(ev);
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	ev->epfd = -1;
	vs_vhost_watch_init(&ev->watch);

	/* Loads the module if it is installed, as every command does. */
	if (!o->wait_for_module) {
		if (vs_nl_open(&ev->req, e) < 0)
			goto fail;
		ev->resolved = true;
	} else if (vs_nl_socket(&ev->req, e) < 0) {
		goto fail;
	}
	if (vs_nl_socket(&ev->sub, e) < 0)
		goto fail;
	if (o->rcvbuf > 0 && vs_nl_set_rcvbuf(&ev->sub, o->rcvbuf, e) < 0)
		goto fail;
	if (vs_nl_family_find(&ev->req, "nlctrl", "notify", &f, e) < 0)
		goto fail;
	if (!f.has_grp) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the kernel's generic netlink controller has no notify group");
		goto fail;
	}
	ev->ctrl_grp = f.grp;
	if (vs_nl_join(&ev->sub, ev->ctrl_grp, e) < 0)
		goto fail;
	ev->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ev->epfd < 0) {
		vs_err_set(e, VS_ERR_MSG, 0, "cannot create an epoll set: %s",
			   strerror(errno));
		goto fail;
	}
	if (vs_ev_watch(ev, vs_nl_fd(&ev->sub), e) < 0)
		goto fail;
	ev->want_vhost = !o->no_vhost;
	ev->vhost_why = o->no_vhost ? "not asked to" :
				      "the module has not been loaded yet";

	/* Join, then dump: a change in between is in both, and filtered. */
	s.ev = ev;
	if (vs_ev_resync(&s, "start", e) < 0)
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
