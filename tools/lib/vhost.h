/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: what the tool itself asks the host about vhost, outside
 * the netlink family: the features a vhost driver offers, and whether the
 * caller holds CAP_NET_ADMIN.
 */
#ifndef VS_VHOST_H
#define VS_VHOST_H

#include <stdbool.h>
#include <stddef.h>

#include "features.h"
#include "util.h"

/* Probes of one run, one per device node ("/dev/vhost-net"). */
#define VS_VHOST_PROBES_MAX	8

struct vs_vhost_probe {
	char node[64];
	int err;		/* positive errno, or 0 and @features */
	struct vs_fset features;
};

struct vs_vhost_probes {
	struct vs_vhost_probe p[VS_VHOST_PROBES_MAX];
	size_t n;
};

/*
 * The features the vhost device @fd offers, all 128 bits: asked with
 * VHOST_GET_FEATURES_ARRAY (6.17 and later), and with VHOST_GET_FEATURES
 * (bits 0-63) when the driver does not know that request. @ioc does the
 * ioctl(): ioctl(2) itself, or a test's stand-in. Returns 0, or the
 * positive errno of the request that failed.
 */
int vs_vhost_get_features(int fd,
			  int (*ioc)(int fd, unsigned long req, void *arg),
			  struct vs_fset *features);

/*
 * vs_vhost_get_features() on a fresh open of @node. Opening a vhost node
 * creates a new, unowned vhost device in the kernel, and closing it
 * destroys that device again: nothing else sees it, but it is real (it
 * allocates the device's memory and, for vhost-net, its virtqueues).
 * Returns 0, or the positive errno of the open() or the ioctl().
 */
int vs_vhost_probe_features(const char *node, struct vs_fset *features);

/*
 * vs_vhost_probe_features() once per node per run: later calls answer
 * from @c, failures included. Nodes past VS_VHOST_PROBES_MAX, or with
 * longer names than the cache keeps, are probed each time.
 */
int vs_vhost_features_cached(struct vs_vhost_probes *c, const char *node,
			     struct vs_fset *features);

/* CAP_NET_ADMIN in the effective set (of our own user namespace). */
bool vs_vhost_net_admin(void);

/*
 * Opens and closes of the vhost device nodes (/dev/vhost-net, -vsock,
 * -scsi, -vdpa-N), each of which may create or destroy a vhost device
 * (vhost_watch.c). The kernel has no hook for vhost devices: inotify
 * watches each node (and /dev, for nodes that appear), and a timer has
 * them looked at again every moment for a few seconds after each, as the
 * kernel reports an open before the new descriptor is in the opener's
 * file table, where the module finds vhost devices.
 */
struct vs_vhost_watch {
	int ino;	/* inotify, or -1 */
	int tfd;	/* the timer of the looks again (timerfd), or -1 */
	int rechecks;	/* looks left before @tfd is disarmed */
};

/* @w watching nothing, as vs_vhost_watch_close() leaves it. */
void vs_vhost_watch_init(struct vs_vhost_watch *w);
/*
 * Start watching: @w->ino and @w->tfd are then the descriptors to poll
 * for POLLIN. 0, or -1 if inotify on /dev is not available (@w watches
 * nothing then).
 */
int vs_vhost_watch_open(struct vs_vhost_watch *w);
/*
 * Read what both descriptors hold, without blocking. Returns whether the
 * vhost devices are to be looked at now.
 */
bool vs_vhost_watch_read(struct vs_vhost_watch *w);
void vs_vhost_watch_close(struct vs_vhost_watch *w);

#endif /* VS_VHOST_H */
