/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the module's event stream as QMP events.
 *
 * A subscriber to the "events" multicast group of the virtio_status family
 * (and to nlctrl's "notify" group, to follow the module being unloaded and
 * loaded again). Each event is handed out as the QMP event object
 *	{"event": NAME, "data": {...}, "timestamp": {"seconds", "microseconds"}}
 * Overruns, gaps in the kernel's sequence numbers and module reloads are
 * handled here: they are reported as events of their own, followed by a
 * resynchronisation against a fresh dump. See README, "Events".
 */
#ifndef VS_EVENTS_H
#define VS_EVENTS_H

#include <stdbool.h>

#include "dev.h"

struct json_object;
struct nlmsghdr;

/* Event names ("event" of the QMP object). */
#define VS_EV_DEVICE_ADDED	"VIRTIO_DEVICE_ADDED"
#define VS_EV_DEVICE_REMOVED	"VIRTIO_DEVICE_REMOVED"
#define VS_EV_DRIVER_BOUND	"VIRTIO_DRIVER_BOUND"
#define VS_EV_DRIVER_UNBOUND	"VIRTIO_DRIVER_UNBOUND"
#define VS_EV_VHOST_ADDED	"VHOST_DEVICE_ADDED"
#define VS_EV_VHOST_REMOVED	"VHOST_DEVICE_REMOVED"
#define VS_EV_LOST		"VIRTIO_EVENTS_LOST"
#define VS_EV_RESYNC		"VIRTIO_EVENTS_RESYNCED"
#define VS_EV_MODULE_UNLOADED	"VIRTIO_STATUS_MODULE_UNLOADED"
#define VS_EV_MODULE_LOADED	"VIRTIO_STATUS_MODULE_LOADED"

struct vs_events;	/* opaque */

/*
 * Subscribe. The module is loaded if it is installed and not loaded (as
 * every command does); VS_ERR_NOFAMILY if it cannot be. Follows vhost
 * devices too when it can (vs_events_vhost()). 0, or -1 with @e set.
 */
int vs_events_open(struct vs_events **evp, struct vs_err *e);

/* The one descriptor to poll() for POLLIN. */
int vs_events_fd(const struct vs_events *ev);

/*
 * Read what is pending without blocking and call @cb with each QMP event
 * object, in order. @cb must not keep the object (it is put after @cb
 * returns; take a reference with json_object_get() to keep it). Overruns,
 * sequence gaps and module reloads are handled here and reported as
 * events. 0, or -1 with @e set (the subscription is unusable then).
 */
int vs_events_read(struct vs_events *ev,
		   void (*cb)(struct json_object *event, void *arg),
		   void *arg, struct vs_err *e);

void vs_events_close(struct vs_events *ev);

/* Additions to the above. */

struct vs_events_opts {
	int rcvbuf;		/* SO_RCVBUF of the event socket; 0: default */
	bool no_vhost;		/* do not follow vhost devices */
	/*
	 * Succeed without the module (and never load it): its arrival is
	 * reported as VIRTIO_STATUS_MODULE_LOADED, then a resync.
	 */
	bool wait_for_module;
};

/* vs_events_open() with options; @o may be NULL. */
int vs_events_open_opts(struct vs_events **evp, const struct vs_events_opts *o,
			struct vs_err *e);

/*
 * Whether vhost devices are followed (CAP_NET_ADMIN, vhost support on in
 * the module, inotify available); when not, @why (if not NULL) says why.
 */
bool vs_events_vhost(const struct vs_events *ev, const char **why);

/* One notification of the events group, decoded. */
struct vs_event {
	u8 cmd;				/* VIRTIO_STATUS_CMD_*_NTF */
	u64 seq;
	u64 time_ns;			/* CLOCK_REALTIME, ns */
	struct vs_nl_dev dev;		/* path, busid, name, device id, driver */
};

/*
 * Decode one notification @nlh (a whole netlink message of the family).
 * Returns 0, 1 if it is not an event notification (ignore it), or -1 with
 * @e set if it is malformed or lacks a member every event carries.
 */
int vs_event_parse(const struct nlmsghdr *nlh, struct vs_event *ev,
		   struct vs_err *e);

/* The QMP event object of @ev; NULL on ENOMEM. */
struct json_object *vs_event_json(const struct vs_event *ev);

/*
 * A QMP event object @name with @data (taken; NULL: {}) and the time
 * @time_ns (CLOCK_REALTIME ns). NULL on ENOMEM.
 */
struct json_object *vs_event_new(const char *name, struct json_object *data,
				 u64 time_ns);

/* CLOCK_REALTIME now, in ns: the time of the events the library makes. */
u64 vs_events_now(void);

/*
 * What the library knows of the virtio bus; the part of vs_events that
 * needs no kernel, exposed for the unit tests.
 */
struct vs_ev_track {
	struct vs_dev_list known;	/* virtio devices, as last reported */
	bool have_seq;
	u64 seq;			/* last sequence number read */
	bool have_gen;
	u32 gen;			/* bus generation of the last dump */
};

enum vs_ev_verdict {
	VS_EV_EMIT,	/* a change: report it (@t is updated) */
	VS_EV_SKIP,	/* already in the last dump, or changes nothing */
	VS_EV_GAP,	/* sequence numbers were skipped: resynchronise */
	VS_EV_NOMEM,
};

/*
 * Take notification @ev into @t. For VS_EV_GAP, @missed (if not NULL) is
 * how many numbers were skipped.
 */
enum vs_ev_verdict vs_ev_track_event(struct vs_ev_track *t,
				     const struct vs_event *ev, u64 *missed);

/*
 * Report what changed from @t->known to the virtio devices of @fresh (a
 * dump; vhost devices in it are ignored) as events whose data carries
 * "resync": true, then VIRTIO_EVENTS_RESYNCED {"reason": @reason,
 * "devices": N}. @t then knows @fresh, and the dump's generation @gen
 * (if @have_gen) filters out notifications it already shows. 0, or -1
 * on ENOMEM.
 */
int vs_ev_track_resync(struct vs_ev_track *t, const struct vs_dev_list *fresh,
		       bool have_gen, u32 gen, const char *reason, u64 now_ns,
		       void (*cb)(struct json_object *event, void *arg),
		       void *arg);

/*
 * The same for vhost devices: @known (vhost devices) against the vhost
 * devices of @fresh, as VHOST_DEVICE_ADDED / _REMOVED, keyed by path.
 * @known then holds @fresh's vhost devices. 0, or -1 on ENOMEM.
 */
int vs_ev_vhost_diff(struct vs_dev_list *known, const struct vs_dev_list *fresh,
		     u64 now_ns, void (*cb)(struct json_object *event, void *arg),
		     void *arg);

void vs_ev_track_free(struct vs_ev_track *t);

#endif /* VS_EVENTS_H */
