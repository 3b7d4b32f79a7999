/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the events as QMP event objects, the shape QEMU gives its
 * events:
 *	{"event": NAME, "data": {...}, "timestamp": {"seconds", "microseconds"}}
 * README "Events" lists them all. This is QMP-layer code: it sits in
 * model/ only because the tracking (track.c) still reports its changes as
 * these objects.
 */
#ifndef VS_EVENT_JSON_H
#define VS_EVENT_JSON_H

#include "nl.h"

struct json_object;

/*
 * The events the library makes itself; nl.h names those of the kernel's
 * notifications (VS_EV_DEVICE_ADDED and the rest).
 */
#define VS_EV_VHOST_ADDED	"VHOST_DEVICE_ADDED"
#define VS_EV_VHOST_REMOVED	"VHOST_DEVICE_REMOVED"
#define VS_EV_LOST		"VIRTIO_EVENTS_LOST"
#define VS_EV_RESYNC		"VIRTIO_EVENTS_RESYNCED"
#define VS_EV_MODULE_UNLOADED	"VIRTIO_STATUS_MODULE_UNLOADED"
#define VS_EV_MODULE_LOADED	"VIRTIO_STATUS_MODULE_LOADED"

/* CLOCK_REALTIME now, in ns: the time of the events the library makes. */
u64 vs_events_now(void);

/*
 * A QMP event object @name with @data (taken; NULL: {}) and the time
 * @time_ns (CLOCK_REALTIME ns). NULL on ENOMEM.
 */
struct json_object *vs_event_new(const char *name, struct json_object *data,
				 u64 time_ns);

/* The QMP event object of notification @ev; NULL on ENOMEM. */
struct json_object *vs_event_json(const struct vs_event *ev);

/*
 * A change of virtio device @d a resynchronisation found: as a
 * notification's, with "resync": true in place of "seq", and "driver"
 * @driver when neither NULL nor "". NULL on ENOMEM.
 */
struct json_object *vs_json_ev_resync(const char *name,
				      const struct vs_nl_dev *d,
				      const char *driver, u64 time_ns);

/*
 * VHOST_DEVICE_ADDED or _REMOVED of vhost device @d: {"path", "name",
 * "driver" (if the reply had it), "owner-pid" (if owned)}. NULL on ENOMEM.
 */
struct json_object *vs_json_ev_vhost(const char *name,
				     const struct vs_nl_dev *d, u64 time_ns);

/* VIRTIO_EVENTS_RESYNCED {"reason", "devices"}. NULL on ENOMEM. */
struct json_object *vs_json_ev_resynced(const char *reason, size_t devices,
					u64 time_ns);

/*
 * VIRTIO_EVENTS_LOST {"reason", "missed" (if not 0), "detail" (if not
 * NULL)}. NULL on ENOMEM.
 */
struct json_object *vs_json_ev_lost(const char *reason, u64 missed,
				    const char *detail, u64 time_ns);

/* Event @name with "reason" @reason, or no data when NULL. NULL on ENOMEM. */
struct json_object *vs_json_ev_simple(const char *name, const char *reason,
				      u64 time_ns);

/* Hand @o (nothing when NULL: ENOMEM) to @cb, then put it. */
void vs_json_ev_emit(struct json_object *o,
		     void (*cb)(struct json_object *event, void *arg),
		     void *arg);

#endif /* VS_EVENT_JSON_H */
