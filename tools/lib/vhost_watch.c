// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: watching the vhost device nodes, for the events.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>

#include "vhost.h"

/*
 * More looks after a node was opened or closed, every 250 ms for 5 s:
 * see vs_vhost_watch_arm().
 */
#define VS_VHOST_RECHECK_NS	250000000L
#define VS_VHOST_RECHECKS	20

/* vhost device nodes: /dev/vhost-net, -vsock, -scsi, -vdpa-N. */
static bool vs_vhost_node(const char *name)
{
	return !strncmp(name, "vhost-", 6);
}

static void vs_vhost_watch_node(struct vs_vhost_watch *w, const char *name)
{
	char path[300];

	snprintf(path, sizeof(path), "/dev/%s", name);
	/* a node that is gone already: nothing to watch */
	inotify_add_watch(w->ino, path, IN_OPEN | IN_CLOSE);
}

void vs_vhost_watch_init(struct vs_vhost_watch *w)
{
	w->ino = -1;
	w->tfd = -1;
	w->rechecks = 0;
}

void vs_vhost_watch_close(struct vs_vhost_watch *w)
{
	if (w->ino >= 0)
		close(w->ino);
	if (w->tfd >= 0)
		close(w->tfd);
	vs_vhost_watch_init(w);
}

int vs_vhost_watch_open(struct vs_vhost_watch *w)
{
	struct dirent *de;
	DIR *dir;

	w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	w->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w->ino < 0 || w->tfd < 0 ||
	    inotify_add_watch(w->ino, "/dev", IN_CREATE | IN_DELETE) < 0) {
		vs_vhost_watch_close(w);
		return -1;
	}
	dir = opendir("/dev");
	if (dir) {
		while ((de = readdir(dir)))
			if (vs_vhost_node(de->d_name))
				vs_vhost_watch_node(w, de->d_name);
		closedir(dir);
	}
	return 0;
}

/*
 * A node was opened or closed: look now, and again every moment for a few
 * seconds. The kernel reports an open before the new descriptor is in the
 * opener's table, where the module finds vhost devices, and a slow
 * machine (a debug kernel under emulation) can take a long while to get
 * there. @on false disarms.
 */
static void vs_vhost_watch_arm(struct vs_vhost_watch *w, bool on)
{
	struct itimerspec its = {
		.it_value.tv_nsec = on ? VS_VHOST_RECHECK_NS : 0,
		.it_interval.tv_nsec = on ? VS_VHOST_RECHECK_NS : 0,
	};

	w->rechecks = on ? VS_VHOST_RECHECKS : 0;
	timerfd_settime(w->tfd, 0, &its, NULL);
}

bool vs_vhost_watch_read(struct vs_vhost_watch *w)
{
	union {
		struct inotify_event ie;	/* for its alignment */
		char buf[4096];
	} u;
	char *buf = u.buf;
	const struct inotify_event *ie;
	bool look = false;
	u64 ticks;
	ssize_t n;
	char *p;

	while ((n = read(w->ino, u.buf, sizeof(u.buf))) > 0) {
		for (p = buf; p < buf + n; p += sizeof(*ie) + ie->len) {
			ie = (const struct inotify_event *)p;
			if ((ie->mask & IN_CREATE) && ie->len &&
			    vs_vhost_node(ie->name))
				vs_vhost_watch_node(w, ie->name);
			if (ie->mask & (IN_OPEN | IN_CLOSE | IN_Q_OVERFLOW))
				look = true;
		}
	}
	if (look)
		vs_vhost_watch_arm(w, true);
	if (read(w->tfd, &ticks, sizeof(ticks)) == sizeof(ticks)) {
		look = true;
		w->rechecks -= ticks < INT_MAX ? (int)ticks : INT_MAX;
		if (w->rechecks <= 0)
			vs_vhost_watch_arm(w, false);
	}
	return look;
}
