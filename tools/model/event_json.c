// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the events as QMP event objects.
 */
#include <stdint.h>
#include <time.h>

#include <json-c/json.h>

#include "event_json.h"

u64 vs_events_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static int vs_json_ev_str(struct json_object *o, const char *key,
			  const char *v)
{
	struct json_object *s = json_object_new_string(v);

	if (!s || json_object_object_add(o, key, s)) {
		json_object_put(s);
		return -1;
	}
	return 0;
}

static int vs_json_ev_int(struct json_object *o, const char *key, int64_t v)
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
	if (!o || !data || vs_json_ev_str(o, "event", name) ||
	    json_object_object_add(o, "data", data)) {
		json_object_put(o);
		json_object_put(data);
		return NULL;
	}
	/* @data is @o's now */
	ts = json_object_new_object();
	if (!ts ||
	    vs_json_ev_int(ts, "seconds", (int64_t)(time_ns / 1000000000ULL)) ||
	    vs_json_ev_int(ts, "microseconds",
			   (int64_t)(time_ns % 1000000000ULL / 1000)) ||
	    json_object_object_add(o, "timestamp", ts)) {
		json_object_put(o);
		json_object_put(ts);
		return NULL;
	}
	return o;
}

/*
 * A virtio device event: {"path", "busid", "name", "device-id", "driver"
 * (bind and unbind, when known), "seq" (from the kernel) or "resync"}.
 */
static struct json_object *vs_json_ev_dev(const char *name,
					  const struct vs_nl_dev *d,
					  const char *driver, bool has_seq,
					  u64 seq, u64 time_ns)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_json_ev_str(data, "path", d->header.path) ||
	    vs_json_ev_str(data, "busid", d->header.busid) ||
	    vs_json_ev_str(data, "name", d->name) ||
	    vs_json_ev_int(data, "device-id", d->id) ||
	    (driver && driver[0] && vs_json_ev_str(data, "driver", driver)) ||
	    (has_seq && vs_json_ev_int(data, "seq", (int64_t)seq)) ||
	    (!has_seq && json_object_object_add(data, "resync",
						json_object_new_boolean(1)))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(name, data, time_ns);
}

struct json_object *vs_event_json(const struct vs_event *ev)
{
	const char *name = vs_nl_ntf_name(ev->cmd);

	if (!name)
		return NULL;
	return vs_json_ev_dev(name, &ev->dev, ev->dev.driver, true, ev->seq,
			      ev->time_ns);
}

struct json_object *vs_json_ev_resync(const char *name,
				      const struct vs_nl_dev *d,
				      const char *driver, u64 time_ns)
{
	return vs_json_ev_dev(name, d, driver, false, 0, time_ns);
}

struct json_object *vs_json_ev_vhost(const char *name,
				     const struct vs_nl_dev *d, u64 time_ns)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_json_ev_str(data, "path", d->header.path) ||
	    vs_json_ev_str(data, "name", d->name) ||
	    (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER) &&
	     vs_json_ev_str(data, "driver", d->driver)) ||
	    (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_OWNER_PID) &&
	     vs_json_ev_int(data, "owner-pid", d->vhost.owner_pid))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(name, data, time_ns);
}

struct json_object *vs_json_ev_resynced(const char *reason, size_t devices,
					u64 time_ns)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_json_ev_str(data, "reason", reason) ||
	    vs_json_ev_int(data, "devices", (int64_t)devices)) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(VS_EV_RESYNC, data, time_ns);
}

struct json_object *vs_json_ev_lost(const char *reason, u64 missed,
				    const char *detail, u64 time_ns)
{
	struct json_object *data = json_object_new_object();

	if (!data || vs_json_ev_str(data, "reason", reason) ||
	    (missed && vs_json_ev_int(data, "missed", (int64_t)missed)) ||
	    (detail && vs_json_ev_str(data, "detail", detail))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(VS_EV_LOST, data, time_ns);
}

struct json_object *vs_json_ev_simple(const char *name, const char *reason,
				      u64 time_ns)
{
	struct json_object *data = json_object_new_object();

	if (!data || (reason && vs_json_ev_str(data, "reason", reason))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(name, data, time_ns);
}

void vs_json_ev_emit(struct json_object *o,
		     void (*cb)(struct json_object *event, void *arg),
		     void *arg)
{
	if (!o)
		return;
	cb(o, arg);
	json_object_put(o);
}
