// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: devices as QEMU's QMP answers, and the QMP line loop.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "features.h"
#include "qmp.h"

#define VIRTIO_CONFIG_S_DRIVER_OK	4

/*
 * The members of VirtioStatus and VhostStatus that have no source of their
 * own, with the value we answer and why, for each kind of device. This is
 * the only place these values are written.
 */
struct vs_const_view {
	bool vhost_started;	/* guest view only: a vhost device has its own */
	u64 backend_features;	/* guest view only: a vhost device has its own */
	u8 isr;
	u16 queue_sel;
	bool vm_running;
	bool disabled;
	bool use_started;
	bool start_on_kick;
	bool disable_legacy_check;
	const char *bus_name;
	bool use_guest_notifier_mask;
};

/* A device on the virtio bus, seen from inside the guest. */
static const struct vs_const_view vs_guest_view = {
	/* a guest cannot see whether the host runs the device in vhost */
	.vhost_started = false,
	/* the backend (tap, file, vhost-user, ...) is invisible to a guest */
	.backend_features = 0,
	/* the ISR is read-to-clear: reading it would lose an interrupt */
	.isr = 0,
	/* queue_sel is a register of the transport, not kept by the guest */
	.queue_sel = 0,
	/* the guest is running, or it would not answer */
	.vm_running = true,
	/* a disabled transport never appears on the guest's bus */
	.disabled = false,
	/* "started" below is derived from the status byte, as QEMU does
	 * when use_started is set
	 */
	.use_started = true,
	/* a host-side policy of QEMU with no guest-visible trace */
	.start_on_kick = false,
	/* a host-side QEMU property with no guest-visible trace */
	.disable_legacy_check = false,
	/* QEMU's bus name is a host-side QOM name */
	.bus_name = "",
	/* a host-side QEMU optimisation with no guest-visible trace */
	.use_guest_notifier_mask = false,
	/* vhost-dev is never emitted, for the reason of vhost_started */
};

/*
 * A kernel vhost device, seen from the host. vhost-started and
 * backend-features are the device's own (VHOST_STARTED, VHOST_BACKEND_*).
 */
static const struct vs_const_view vs_vhost_view = {
	/* vhost has no ISR: it signals the guest through its call eventfds */
	.isr = 0,
	/* queue_sel is a register of the transport the VMM emulates */
	.queue_sel = 0,
	/* the owner, the VMM, holds the device open */
	.vm_running = true,
	/* there is no transport to disable on the kernel's side */
	.disabled = false,
	/* "started" below is vhost-started */
	.use_started = true,
	/* a VMM policy for legacy devices; vhost starts on VHOST_SET_VRING_* */
	.start_on_kick = false,
	/* a QEMU property the kernel never sees */
	.disable_legacy_check = false,
	/* QEMU's bus name is a QOM name */
	.bus_name = "",
	/* a QEMU irqfd setting the kernel never sees */
	.use_guest_notifier_mask = false,
};

/* VhostStatus members a kernel vhost device has no source for. */
static const struct {
	int n_tmp_sections;
	int vq_index;
	u64 protocol_features;
	u64 max_queues;
	u64 backend_cap;
	u64 log_size;
} vs_vhost_dev_view = {
	/* QEMU-internal scratch list of its memory listener */
	.n_tmp_sections = 0,
	/* a kernel vhost device's queues start at 0 */
	.vq_index = 0,
	/* vhost-user only */
	.protocol_features = 0,
	/* one kernel vhost device serves one queue pair / one device */
	.max_queues = 1,
	/* QEMU-internal */
	.backend_cap = 0,
	/* the kernel is given only the dirty log's address, not its size */
	.log_size = 0,
};

/*
 * VirtQueueStatus members a queue has no source for, per kind of device,
 * with the value answered and why.
 */
struct vs_queue_view {
	u32 vring_num_default;
	u32 vring_align;
	u16 signalled_used;
	bool signalled_used_valid;
};

/* A guest's virtqueue, read from the driver's side of the ring. */
static const struct vs_queue_view vs_guest_queue_view = {
	/* the queue size the device offers before the driver shrinks it is
	 * a transport register the guest does not keep
	 */
	.vring_num_default = 0,
	/* the legacy ring alignment is the host's choice, not kept here */
	.vring_align = 0,
	/* the last used idx the device signalled is device-side state */
	.signalled_used = 0,
	.signalled_used_valid = false,
};

/* A kernel vhost virtqueue, as the VHOST_SET_VRING_* calls set it up. */
static const struct vs_queue_view vs_vhost_queue_view = {
	/* the VMM's default queue size: the kernel only sees the size set */
	.vring_num_default = 0,
	/* vhost is given the three areas' addresses, never an alignment */
	.vring_align = 0,
	/* vhost keeps these, but the QUEUE_GET reply does not carry them */
	.signalled_used = 0,
	.signalled_used_valid = false,
};

/*
 * VirtVhostQueueStatus members without a source in a QUEUE_GET reply: an
 * eventfd that is unset (or not in the process the path names), an area
 * the memory table does not cover.
 */
static const struct {
	int no_fd;
	u64 no_phys;
} vs_vhost_ring_view = {
	.no_fd = -1,
	.no_phys = 0,
};

/*
 * Our extension member that ends a queue status or element the kernel
 * gave without its addresses: the kernel's sentence saying why.
 */
#define VS_ADDR_HIDDEN_KEY	"addresses-hidden"

/*
 * Our extension member that ends, on the command line, the queue status
 * of a vhost queue whose ring addresses are I/O virtual addresses (its
 * owner acked VIRTIO_F_ACCESS_PLATFORM): true. Over QMP the answer is
 * QEMU's shape alone, as QEMU gives it in that case (README "Field map").
 */
#define VS_ADDR_IOVA_KEY	"addresses-are-iova"

/* VIRTIO_RING_F_EVENT_IDX: used_event / avail_event after the rings */
#define VS_RING_F_EVENT_IDX	29

/*
 * The kernel's vhost drivers by module name (VIRTIO_STATUS_A_DEV_DRIVER),
 * and the node to ask for the features each offers. vhost-vdpa has one
 * node per device, opened exclusively by its owner: it cannot be asked.
 */
static const struct {
	const char *driver;
	const char *node;	/* NULL: cannot be probed */
} vs_vhost_drivers[] = {
	{ "vhost_net", "/dev/vhost-net" },
	{ "vhost_vsock", "/dev/vhost-vsock" },
	{ "vhost_scsi", "/dev/vhost-scsi" },
	{ "vhost_vdpa", NULL },
};

static const char *vs_endian_name(u32 endian)
{
	switch (endian) {
	case VIRTIO_STATUS_ENDIAN_LITTLE:
		return "little";
	case VIRTIO_STATUS_ENDIAN_BIG:
		return "big";
	default:
		return "unknown";
	}
}

/* Add @val under @key; -1 (and @val freed) when anything is missing. */
static int vs_add(struct json_object *o, const char *key,
		  struct json_object *val)
{
	if (!val)
		return -1;
	if (json_object_object_add(o, key, val) < 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

static int vs_add_str(struct json_object *o, const char *key, const char *s)
{
	return vs_add(o, key, json_object_new_string(s));
}

static int vs_add_array_str(struct json_object *a, const char *s)
{
	struct json_object *v = json_object_new_string(s);

	if (!v)
		return -1;
	if (json_object_array_add(a, v) < 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/* Largest n such that every integer up to n is exact in an IEEE double. */
#define VS_JSON_EXACT_MAX	BIT_ULL(53)

/*
 * An unsigned member. Many JSON readers hold numbers as doubles, which are
 * exact only up to 2^53: a larger @v also goes out as "<key>-hex", a
 * "0x%016llx" string, right after it (README: "Integers above 2^53").
 */
static int vs_add_uint(struct json_object *o, const char *key, u64 v)
{
	char hkey[64], hex[24];

	if (vs_add(o, key, json_object_new_uint64(v)))
		return -1;
	if (v <= VS_JSON_EXACT_MAX)
		return 0;
	snprintf(hkey, sizeof(hkey), "%s-hex", key);
	snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)v);
	return vs_add_str(o, hkey, hex);
}

/*
 * A feature set as the plain shape carries it: the uint64 member @key with
 * bits 0-63 (and its "-hex" above 2^53), as QEMU's schema has it; when a
 * bit above 63 is set, then "<key>-full" too, "0x" and 32 hex digits of all
 * 128 bits (README: "128-bit feature sets").
 */
static int vs_add_fset(struct json_object *o, const char *key,
		       const struct vs_fset *set)
{
	char fkey[64], hex[VS_FSET_HEX_LEN];

	if (vs_add_uint(o, key, set->w[0]))
		return -1;
	if (!vs_fset_high(set))
		return 0;
	snprintf(fkey, sizeof(fkey), "%s-full", key);
	return vs_add_str(o, fkey, vs_fset_hex(set, hex, sizeof(hex)));
}

static int vs_add_int(struct json_object *o, const char *key, int64_t v)
{
	return vs_add(o, key, json_object_new_int64(v));
}

static int vs_add_bool(struct json_object *o, const char *key, bool v)
{
	return vs_add(o, key, json_object_new_boolean(v));
}

/* The three shapes of a decoded bitmap (see enum vs_json_mode). */
enum vs_bits_kind {
	VS_BITS_FEATURES,	/* VirtioDeviceFeatures */
	VS_BITS_STATUS,		/* VirtioDeviceStatus */
	VS_BITS_PROTOCOLS,	/* VhostDeviceProtocols */
};

static const struct {
	const char *list;	/* named bits (device bits for features) */
	const char *unknown;	/* unnamed bits 0-63 */
	const char *unknown2;	/* unnamed bits 64-127, where they can be */
} vs_bits_keys[] = {
	[VS_BITS_FEATURES] = { "dev-features", "unknown-dev-features",
			       "unknown-dev-features2" },
	[VS_BITS_STATUS] = { "statuses", "unknown-statuses" },
	[VS_BITS_PROTOCOLS] = { "protocols", "unknown-protocols" },
};

/* Append "SYMBOL: description" of @n entries to @strs, symbols to @syms. */
static int vs_add_feats(struct json_object *strs, struct json_object *syms,
			const struct vs_feat * const *f, size_t n)
{
	char buf[256];
	size_t i;

	for (i = 0; i < n; i++) {
		if (vs_add_array_str(strs, vs_feat_string(f[i], buf,
							  sizeof(buf))))
			return -1;
		if (syms && vs_add_array_str(syms, f[i]->sym))
			return -1;
	}
	return 0;
}

/*
 * The decoded object of @kind for @bits (see enum vs_json_mode). Device
 * bits are named after device @id; @as as vs_decode() takes it. Bits 0-63
 * that have no name go to "unknown-dev-features" (and its siblings), bits
 * 64-127 to "unknown-dev-features2" (QEMU 10.2 and later), each only when
 * not 0. Status and protocol bitmaps have no bits above 63.
 */
static struct json_object *vs_json_bits(const struct vs_fset *bits,
					enum vs_bits_kind kind,
					unsigned int id, enum vs_decode_as as,
					enum vs_json_mode mode)
{
	struct json_object *o, *tr = NULL, *list, *syms = NULL;
	char hex[VS_FSET_HEX_LEN];
	struct vs_decoded *dec;
	int err = 0;

	dec = malloc(sizeof(*dec));
	if (!dec)
		return NULL;
	if (kind == VS_BITS_PROTOCOLS) {
		/* vhost-user protocol bits: a kernel device has none to name */
		memset(dec, 0, sizeof(*dec));
		dec->unknown = *bits;
	} else {
		vs_decode(bits, id, kind == VS_BITS_STATUS ? VS_AS_STATUS : as,
			  dec);
	}
	o = json_object_new_object();
	if (!o)
		goto free;
	if (kind == VS_BITS_FEATURES) {
		tr = json_object_new_array();
		err |= vs_add(o, "transports", tr);
	}
	list = json_object_new_array();
	err |= vs_add(o, vs_bits_keys[kind].list, list);
	if (mode == VS_JSON_RAW_AND_DECODED)
		syms = json_object_new_array();
	if (err || (mode == VS_JSON_RAW_AND_DECODED && !syms))
		goto free;
	if (tr && vs_add_feats(tr, syms, dec->transport, dec->n_transport))
		goto free;
	if (vs_add_feats(list, syms, dec->dev, dec->n_dev))
		goto free;
	if (dec->unknown.w[0])
		err |= vs_add_uint(o, vs_bits_keys[kind].unknown,
				   dec->unknown.w[0]);
	if (dec->unknown.w[1] && vs_bits_keys[kind].unknown2)
		err |= vs_add_uint(o, vs_bits_keys[kind].unknown2,
				   dec->unknown.w[1]);
	if (mode == VS_JSON_RAW_AND_DECODED) {
		/* "raw-hex" always, whatever the value: bits 0-63 */
		snprintf(hex, sizeof(hex), "0x%016llx",
			 (unsigned long long)bits->w[0]);
		err |= vs_add(o, "raw", json_object_new_uint64(bits->w[0]));
		err |= vs_add_str(o, "raw-hex", hex);
		if (vs_fset_high(bits))
			err |= vs_add_str(o, "raw-full",
					  vs_fset_hex(bits, hex, sizeof(hex)));
		err |= vs_add(o, "symbols", syms);
		syms = NULL;
	}
	if (!err) {
		free(dec);
		return o;
	}
free:
	json_object_put(syms);
	json_object_put(o);
	free(dec);
	return NULL;
}

/* @bits under @key as @mode asks: the plain members, or decoded. */
static int vs_add_bits(struct json_object *o, const char *key,
		       const struct vs_fset *bits, enum vs_bits_kind kind,
		       unsigned int id, enum vs_decode_as as,
		       enum vs_json_mode mode)
{
	if (mode == VS_JSON_RAW)
		return vs_add_fset(o, key, bits);
	return vs_add(o, key, vs_json_bits(bits, kind, id, as, mode));
}

/* A bitmap of 64 bits or fewer (status, protocols) as vs_add_bits(). */
static int vs_add_bits64(struct json_object *o, const char *key, u64 bits,
			 enum vs_bits_kind kind, unsigned int id,
			 enum vs_decode_as as, enum vs_json_mode mode)
{
	struct vs_fset set = vs_fset_of(bits, 0);

	return vs_add_bits(o, key, &set, kind, id, as, mode);
}

/* The VirtioStatus members a device has a source for. */
struct vs_status_vals {
	const char *name;
	u32 device_id;
	bool vhost_started;
	u32 endian;
	struct vs_fset guest_features;
	struct vs_fset host_features;
	struct vs_fset backend_features;
	u32 num_vqs;
	u32 status;
	bool broken;
	bool started;
	/* how the features are decoded */
	enum vs_decode_as feat_as;
	enum vs_decode_as backend_as;
};

/* VirtioStatus; takes @vhost_dev (NULL: no "vhost-dev"). */
static struct json_object *vs_json_status_of(const struct vs_status_vals *v,
					     const struct vs_const_view *c,
					     struct json_object *vhost_dev,
					     enum vs_json_mode mode)
{
	struct json_object *o = json_object_new_object();
	int err = 0;

	if (!o) {
		json_object_put(vhost_dev);
		return NULL;
	}
	/* the schema's order */
	err |= vs_add_str(o, "name", v->name);
	err |= vs_add_uint(o, "device-id", v->device_id);
	err |= vs_add_bool(o, "vhost-started", v->vhost_started);
	err |= vs_add_str(o, "device-endian", vs_endian_name(v->endian));
	err |= vs_add_bits(o, "guest-features", &v->guest_features,
			   VS_BITS_FEATURES, v->device_id, v->feat_as, mode);
	err |= vs_add_bits(o, "host-features", &v->host_features,
			   VS_BITS_FEATURES, v->device_id, v->feat_as, mode);
	err |= vs_add_bits(o, "backend-features", &v->backend_features,
			   VS_BITS_FEATURES, v->device_id, v->backend_as, mode);
	err |= vs_add_int(o, "num-vqs", v->num_vqs);
	err |= vs_add_bits64(o, "status", v->status, VS_BITS_STATUS,
			     v->device_id, VS_AS_STATUS, mode);
	err |= vs_add_uint(o, "isr", c->isr);
	err |= vs_add_uint(o, "queue-sel", c->queue_sel);
	err |= vs_add_bool(o, "vm-running", c->vm_running);
	err |= vs_add_bool(o, "broken", v->broken);
	err |= vs_add_bool(o, "disabled", c->disabled);
	err |= vs_add_bool(o, "use-started", c->use_started);
	err |= vs_add_bool(o, "started", v->started);
	err |= vs_add_bool(o, "start-on-kick", c->start_on_kick);
	err |= vs_add_bool(o, "disable-legacy-check",
			   c->disable_legacy_check);
	err |= vs_add_str(o, "bus-name", c->bus_name);
	err |= vs_add_bool(o, "use-guest-notifier-mask",
			   c->use_guest_notifier_mask);
	if (vhost_dev)
		err |= vs_add(o, "vhost-dev", vhost_dev);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_json_status_mode(const struct vs_nl_dev *d,
					enum vs_json_mode mode)
{
	const struct vs_const_view *c = &vs_guest_view;
	struct vs_status_vals v = {
		.name = d->name,
		.device_id = d->id,
		.vhost_started = c->vhost_started,
		.endian = d->endian,
		.guest_features = vs_dev_negotiated(d),
		.host_features = vs_dev_device_features(d),
		.backend_features = vs_fset_of(c->backend_features, 0),
		/* the device's count where the reply has it, as QEMU counts */
		.num_vqs = vs_dev_num_vqs(d),
		.status = d->status,
		.broken = d->broken,
		.started = d->status & VIRTIO_CONFIG_S_DRIVER_OK,
		.feat_as = VS_AS_GUEST,
		.backend_as = VS_AS_GUEST,
	};

	return vs_json_status_of(&v, c, NULL, mode);
}

struct json_object *vs_json_status(const struct vs_nl_dev *d)
{
	return vs_json_status_mode(d, VS_JSON_RAW);
}

struct json_object *vs_json_vhost_dev_mode(const struct vs_nl_dev *d,
					   const struct vs_fset *offered,
					   enum vs_json_mode mode)
{
	struct vs_fset acked = vs_dev_vhost_acked(d);
	unsigned int id = d->id;
	struct json_object *o = json_object_new_object();
	int err = 0;

	if (!o)
		return NULL;
	/* the schema's order */
	err |= vs_add_int(o, "n-mem-sections", d->vhost.mem_regions);
	err |= vs_add_int(o, "n-tmp-sections",
			  vs_vhost_dev_view.n_tmp_sections);
	err |= vs_add_uint(o, "nvqs", d->num_vqs);
	err |= vs_add_int(o, "vq-index", vs_vhost_dev_view.vq_index);
	err |= vs_add_bits(o, "features", offered, VS_BITS_FEATURES, id,
			   VS_AS_VHOST, mode);
	err |= vs_add_bits(o, "acked-features", &acked, VS_BITS_FEATURES, id,
			   VS_AS_VHOST, mode);
	err |= vs_add_bits64(o, "backend-features", d->vhost.backend_features,
			     VS_BITS_FEATURES, id, VS_AS_VHOST_BACKEND, mode);
	err |= vs_add_bits64(o, "protocol-features",
			     vs_vhost_dev_view.protocol_features,
			     VS_BITS_PROTOCOLS, id, VS_AS_VHOST, mode);
	err |= vs_add_uint(o, "max-queues", vs_vhost_dev_view.max_queues);
	err |= vs_add_uint(o, "backend-cap", vs_vhost_dev_view.backend_cap);
	err |= vs_add_bool(o, "log-enabled", d->vhost.log_enabled);
	err |= vs_add_uint(o, "log-size", vs_vhost_dev_view.log_size);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_json_vhost_dev(const struct vs_nl_dev *d,
				      const struct vs_fset *offered)
{
	return vs_json_vhost_dev_mode(d, offered, VS_JSON_RAW);
}

struct json_object *vs_json_vhost_status_mode(const struct vs_nl_dev *d,
					      const struct vs_fset *offered,
					      enum vs_json_mode mode)
{
	struct vs_status_vals v = {
		.name = d->name,
		.device_id = d->id,
		.vhost_started = d->vhost.started,
		.endian = d->endian,
		.guest_features = vs_dev_negotiated(d),
		.host_features = *offered,
		.backend_features = vs_fset_of(d->vhost.backend_features, 0),
		.num_vqs = d->num_vqs,
		.status = d->status,
		.broken = d->broken,
		.started = d->vhost.started,
		.feat_as = VS_AS_VHOST,
		.backend_as = VS_AS_VHOST_BACKEND,
	};
	struct json_object *dev = vs_json_vhost_dev_mode(d, offered, mode);

	if (!dev)
		return NULL;
	return vs_json_status_of(&v, &vs_vhost_view, dev, mode);
}

struct json_object *vs_json_vhost_status(const struct vs_nl_dev *d,
					 const struct vs_fset *offered)
{
	return vs_json_vhost_status_mode(d, offered, VS_JSON_RAW);
}

/*
 * Whether the answer about @q, a queue of @d, ends in VS_ADDR_IOVA_KEY:
 * a vhost queue with IOVAs for ring addresses, shown, on the command line.
 */
static bool vs_say_iova(const struct vs_nl_dev *d, const struct vs_nl_queue *q,
			bool qmp)
{
	return !qmp && vs_dev_kind(d) == VIRTIO_STATUS_KIND_VHOST &&
	       vs_queue_addr_iova(q) && !vs_queue_addr_hidden(q);
}

static struct json_object *vs_json_queue_status_of(const struct vs_nl_dev *d,
						   const struct vs_nl_queue *q,
						   bool qmp)
{
	bool vhost = vs_dev_kind(d) == VIRTIO_STATUS_KIND_VHOST;
	const struct vs_queue_view *c = vhost ? &vs_vhost_queue_view :
						&vs_guest_queue_view;
	struct json_object *o = json_object_new_object();
	u32 inuse, used_idx;
	int err = 0;

	if (!o)
		return NULL;
	if (vhost) {
		/* heads vhost took from the avail ring and has not used */
		inuse = (u16)(q->last_avail_idx - q->used_idx);
		used_idx = (u16)q->used_idx;
	} else {
		/* descriptors the driver handed out and has not got back */
		inuse = q->num_free < q->num ? q->num - q->num_free : 0;
		/* a packed ring has no used idx */
		used_idx = q->packed ? 0 : (u16)q->used_idx;
	}
	/* the schema's order */
	err |= vs_add_str(o, "name", d->name);
	err |= vs_add_uint(o, "queue-index", q->index);
	err |= vs_add_uint(o, "inuse", inuse);
	err |= vs_add_uint(o, "vring-num", q->num);
	err |= vs_add_uint(o, "vring-num-default", c->vring_num_default);
	err |= vs_add_uint(o, "vring-align", c->vring_align);
	/* left out, not 0, when the kernel hides them */
	if (!vs_queue_addr_hidden(q)) {
		err |= vs_add_uint(o, "vring-desc", q->desc);
		err |= vs_add_uint(o, "vring-avail", q->avail);
		err |= vs_add_uint(o, "vring-used", q->used);
	}
	/* the next avail entry to take is device-side: vhost only */
	if (vhost)
		err |= vs_add_uint(o, "last-avail-idx",
				   (u16)q->last_avail_idx);
	if (vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX))
		err |= vs_add_uint(o, "shadow-avail-idx", (u16)q->avail_idx);
	err |= vs_add_uint(o, "used-idx", used_idx);
	err |= vs_add_uint(o, "signalled-used", c->signalled_used);
	err |= vs_add_bool(o, "signalled-used-valid", c->signalled_used_valid);
	if (vs_queue_addr_hidden(q))
		err |= vs_add_str(o, VS_ADDR_HIDDEN_KEY, q->addr_hidden);
	if (vs_say_iova(d, q, qmp))
		err |= vs_add_bool(o, VS_ADDR_IOVA_KEY, true);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_json_queue_status(const struct vs_nl_dev *d,
					 const struct vs_nl_queue *q)
{
	return vs_json_queue_status_of(d, q, false);
}

struct json_object *vs_json_queue_status_qmp(const struct vs_nl_dev *d,
					     const struct vs_nl_queue *q)
{
	return vs_json_queue_status_of(d, q, true);
}

/*
 * Descriptor flag bits by the names QEMU gives them (VirtioRingDesc
 * "flags"): VRING_DESC_F_NEXT, _WRITE, _INDIRECT, and the packed ring's
 * VRING_PACKED_DESC_F_AVAIL (7) and _USED (15).
 */
static const char * const vs_desc_flag_names[16] = {
	[0] = "next",
	[1] = "write",
	[2] = "indirect",
	[7] = "avail",
	[15] = "used",
};

/*
 * The "flags" of a descriptor, in QEMU's order: QEMU prepends each name it
 * finds walking its table upwards, so the list comes out from the highest
 * bit down (next|write is ["write", "next"]). QEMU silently drops any
 * other bit; we do not hide them: each is listed, at its place in that
 * order, as "unknown-0xNNNN" (its value, at least 4 hex digits), so a
 * flags word never reads as fewer bits than the ring holds. A consumer
 * that knows QEMU's five names can skip the "unknown-" ones.
 */
static struct json_object *vs_json_desc_flags(u32 flags)
{
	struct json_object *a = json_object_new_array();
	char buf[32];
	const char *name;
	int bit;

	if (!a)
		return NULL;
	for (bit = 31; bit >= 0; bit--) {
		if (!(flags & (1U << bit)))
			continue;
		name = bit < (int)ARRAY_SIZE(vs_desc_flag_names) ?
		       vs_desc_flag_names[bit] : NULL;
		if (!name) {
			snprintf(buf, sizeof(buf), "unknown-0x%04x", 1U << bit);
			name = buf;
		}
		if (vs_add_array_str(a, name)) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* One descriptor; without "addr" when the element's addresses are hidden. */
static struct json_object *vs_json_desc(const struct vs_nl_desc *desc,
					bool addr_hidden)
{
	struct json_object *o = json_object_new_object();
	int err = 0;

	if (!o)
		return NULL;
	/* the schema's order */
	if (!addr_hidden)
		err |= vs_add_uint(o, "addr", desc->addr);
	err |= vs_add_uint(o, "len", desc->len);
	err |= vs_add(o, "flags", vs_json_desc_flags(desc->flags));
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_json_queue_element(const struct vs_nl_dev *d,
					  const struct vs_nl_element *el)
{
	struct json_object *o = json_object_new_object();
	struct json_object *descs, *avail, *used, *desc;
	int err = 0;
	u32 i;

	if (!o)
		return NULL;
	descs = json_object_new_array();
	avail = json_object_new_object();
	used = json_object_new_object();
	/* the schema's order; ring fields are uint16 there, as in the ring */
	err |= vs_add_str(o, "name", d->name);
	err |= vs_add_uint(o, "index", el->head);
	err |= vs_add(o, "descs", descs);
	err |= vs_add(o, "avail", avail);
	err |= vs_add(o, "used", used);
	if (err) {
		/* vs_add() freed what it could not add */
		json_object_put(o);
		return NULL;
	}
	for (i = 0; i < el->n_desc && i < VIRTIO_STATUS_DESCS_MAX; i++) {
		desc = vs_json_desc(&el->desc[i], vs_elem_addr_hidden(el));
		if (!desc || json_object_array_add(descs, desc) < 0) {
			json_object_put(desc);
			json_object_put(o);
			return NULL;
		}
	}
	err |= vs_add_uint(avail, "flags", (u16)el->avail_flags);
	err |= vs_add_uint(avail, "idx", (u16)el->avail_idx);
	/* the avail ring entry asked: it holds the chain's head */
	err |= vs_add_uint(avail, "ring", (u16)el->head);
	err |= vs_add_uint(used, "flags", (u16)el->used_flags);
	err |= vs_add_uint(used, "idx", (u16)el->used_idx);
	if (vs_elem_addr_hidden(el))
		err |= vs_add_str(o, VS_ADDR_HIDDEN_KEY, el->addr_hidden);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

u64 vs_ring_desc_size(u32 num)
{
	/* struct vring_desc: addr, len, flags, next */
	return 16ULL * num;
}

u64 vs_ring_avail_size(u32 num, bool event_idx)
{
	/* flags, idx, ring[num], then used_event */
	return 4 + 2ULL * num + (event_idx ? 2 : 0);
}

u64 vs_ring_used_size(u32 num, bool event_idx)
{
	/* flags, idx, ring[num] of {id, len}, then avail_event */
	return 4 + 8ULL * num + (event_idx ? 2 : 0);
}

/*
 * The "*-phys" member of a ring area whose address is @addr: with IOVAs
 * the IOVA itself, as QEMU answers under an IOMMU (its vhost_memory_map()
 * maps nothing then, so the "address" and the "physical" one are both
 * the guest's I/O virtual address); else the guest physical address the
 * memory table maps it back to (@gpa_attr), 0 when it is outside.
 */
static u64 vs_vhost_phys(const struct vs_nl_queue *q, u64 addr, int gpa_attr,
			 u64 gpa)
{
	if (vs_queue_addr_iova(q))
		return addr;
	return vs_queue_has(q, gpa_attr) ? gpa : vs_vhost_ring_view.no_phys;
}

static struct json_object *
vs_json_vhost_queue_status_of(const struct vs_nl_dev *d, const struct vs_nl_queue *q,
			      bool qmp)
{
	bool event_idx = d->vhost.acked_features &
			 BIT_ULL(VS_RING_F_EVENT_IDX);
	bool hidden = vs_queue_addr_hidden(q);
	struct json_object *o = json_object_new_object();
	int kick = vs_vhost_ring_view.no_fd;
	int call = vs_vhost_ring_view.no_fd;
	int err = 0;

	if (!o)
		return NULL;
	if (vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_KICK_FD))
		kick = (int)q->kick_fd;
	if (vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_CALL_FD))
		call = (int)q->call_fd;
	/* the schema's order */
	err |= vs_add_str(o, "name", d->name);
	err |= vs_add_int(o, "kick", kick);
	err |= vs_add_int(o, "call", call);
	/* the addresses are left out, not 0, when the kernel hides them */
	if (!hidden) {
		err |= vs_add_uint(o, "desc", q->desc);
		err |= vs_add_uint(o, "avail", q->avail);
		err |= vs_add_uint(o, "used", q->used);
	}
	err |= vs_add_int(o, "num", q->num);
	if (!hidden)
		err |= vs_add_uint(o, "desc-phys",
				   vs_vhost_phys(q, q->desc,
						 VIRTIO_STATUS_A_QUEUE_DESC_GPA,
						 q->desc_gpa));
	err |= vs_add_uint(o, "desc-size", vs_ring_desc_size(q->num));
	if (!hidden)
		err |= vs_add_uint(o, "avail-phys",
				   vs_vhost_phys(q, q->avail,
						 VIRTIO_STATUS_A_QUEUE_AVAIL_GPA,
						 q->avail_gpa));
	err |= vs_add_uint(o, "avail-size",
			   vs_ring_avail_size(q->num, event_idx));
	if (!hidden)
		err |= vs_add_uint(o, "used-phys",
				   vs_vhost_phys(q, q->used,
						 VIRTIO_STATUS_A_QUEUE_USED_GPA,
						 q->used_gpa));
	err |= vs_add_uint(o, "used-size",
			   vs_ring_used_size(q->num, event_idx));
	if (hidden)
		err |= vs_add_str(o, VS_ADDR_HIDDEN_KEY, q->addr_hidden);
	if (vs_say_iova(d, q, qmp))
		err |= vs_add_bool(o, VS_ADDR_IOVA_KEY, true);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_json_vhost_queue_status(const struct vs_nl_dev *d,
					       const struct vs_nl_queue *q)
{
	return vs_json_vhost_queue_status_of(d, q, false);
}

struct json_object *vs_json_vhost_queue_status_qmp(const struct vs_nl_dev *d,
						   const struct vs_nl_queue *q)
{
	return vs_json_vhost_queue_status_of(d, q, true);
}

/* QMP's spelling of a module mode, or NULL for one this tool does not know. */
static const char *vs_mode_name(u32 mode)
{
	switch (mode) {
	case VIRTIO_STATUS_MODE_FULL:
		return "full";
	case VIRTIO_STATUS_MODE_LIST_ONLY:
		return "list-only";
	default:
		return NULL;
	}
}

struct json_object *vs_json_info(const struct vs_nl_info *info,
				 struct vs_err *e)
{
	const char *state, *mode = NULL;
	struct json_object *o;
	int err = 0;

	if (!vs_info_has(info, VIRTIO_STATUS_A_INFO_VHOST_STATE)) {
		vs_err_set(e, VS_ERR_OLD, 0, "its reply lacks %s",
			   vs_nl_attr_name(&vs_nl_info_set,
					   VIRTIO_STATUS_A_INFO_VHOST_STATE));
		return NULL;
	}
	switch (info->vhost_state) {
	case VIRTIO_STATUS_VHOST_STATE_ON:
		state = "on";
		break;
	case VIRTIO_STATUS_VHOST_STATE_OFF:
		state = "off";
		break;
	default:
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module reports vhost state %u, which this virtio-status does not know",
			   info->vhost_state);
		return NULL;
	}
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_MODE)) {
		mode = vs_mode_name(info->mode);
		if (!mode) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "the virtio_status module reports mode %u, which this virtio-status does not know",
				   info->mode);
			return NULL;
		}
	}
	o = json_object_new_object();
	if (!o)
		goto nomem;
	err |= vs_add_str(o, "vhost", state);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_VHOST_REASON))
		err |= vs_add_str(o, "vhost-reason", info->vhost_reason);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT))
		err |= vs_add_str(o, "vhost-layout", info->vhost_layout);
	if (mode)
		err |= vs_add_str(o, "mode", mode);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_MODE_REASON))
		err |= vs_add_str(o, "mode-reason", info->mode_reason);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_FINGERPRINT))
		err |= vs_add_str(o, "fingerprint", info->fingerprint);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_FEATURE_BITS))
		err |= vs_add_uint(o, "feature-bits", info->feature_bits);
	if (!err)
		return o;
	json_object_put(o);
nomem:
	vs_err_sys(e, ENOMEM, NULL);
	return NULL;
}

struct json_object *vs_json_list(const struct vs_dev_list *l)
{
	struct json_object *a = json_object_new_array();
	struct json_object *o;
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < l->n; i++) {
		o = json_object_new_object();
		if (!o || json_object_array_add(a, o) < 0) {
			json_object_put(o);
			goto free_array;
		}
		if (vs_add_str(o, "path", l->devs[i].header.path) ||
		    vs_add_str(o, "name", l->devs[i].name))
			goto free_array;
	}
	return a;

free_array:
	json_object_put(a);
	return NULL;
}

/* Every attribute of @attrs of @set present in @have, or @e says which. */
static int vs_require(const struct vs_nl_set *set, const u64 *have,
		      const int *attrs, size_t n, struct vs_err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!vs_nl_has(have, attrs[i])) {
			vs_err_set(e, VS_ERR_OLD, 0, "its reply lacks %s",
				   vs_nl_attr_name(set, attrs[i]));
			return -1;
		}
	}
	return 0;
}

static int vs_dev_require(const struct vs_nl_dev *d, const int *attrs,
			  size_t n, struct vs_err *e)
{
	return vs_require(&vs_nl_dev_set, d->have, attrs, n, e);
}

static int vs_check_virtio_status(const struct vs_nl_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_ENDIAN,
		VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS,
		VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_BROKEN,
	};

	if (vs_dev_require(d, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR)) {
		vs_err_set(e, VS_ERR_FEATURES, (int)d->device_features_err,
			   NULL);
		return -1;
	}
	if (!vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES)) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "its reply lacks %s",
			   vs_nl_attr_name(&vs_nl_dev_set,
					   VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
		return -1;
	}
	return 0;
}

static int vs_check_vhost_status(const struct vs_nl_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_ENDIAN,
		VIRTIO_STATUS_A_DEV_NUM_VQS,
		VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_BROKEN,
		VIRTIO_STATUS_A_DEV_VHOST,
	};
	static const int need_vhost[] = {
		VIRTIO_STATUS_A_VHOST_ACKED_FEATURES,
		VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES,
		VIRTIO_STATUS_A_VHOST_MEM_REGIONS,
		VIRTIO_STATUS_A_VHOST_LOG_ENABLED,
		VIRTIO_STATUS_A_VHOST_STARTED,
	};

	if (vs_dev_require(d, need, ARRAY_SIZE(need), e))
		return -1;
	return vs_require(&vs_nl_vhost_set, d->vhost.have, need_vhost,
			  ARRAY_SIZE(need_vhost), e);
}

/*
 * A reply that carries BUSY names the device and nothing of its state:
 * @e says which lock kept it from being read.
 */
static int vs_dev_check_busy(const struct vs_nl_dev *d, struct vs_err *e)
{
	if (!vs_dev_busy(d))
		return 0;
	vs_err_set(e, VS_ERR_BUSY, EBUSY, "%s", d->busy);
	return -1;
}

int vs_dev_check_status(const struct vs_nl_dev *d, struct vs_err *e)
{
	if (vs_dev_check_busy(d, e) < 0)
		return -1;
	switch (vs_dev_kind(d)) {
	case VIRTIO_STATUS_KIND_VIRTIO:
		return vs_check_virtio_status(d, e);
	case VIRTIO_STATUS_KIND_VHOST:
		/* listed, but nothing of its state was read */
		if (vs_dev_vhost_error(d)) {
			vs_err_set(e, VS_ERR_VHOST_UNREAD, 0, "%s",
				   d->vhost.error);
			return -1;
		}
		return vs_check_vhost_status(d, e);
	default:
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module describes a kind of device (%u) this virtio-status does not know",
			   d->kind);
		return -1;
	}
}

int vs_dev_check_info(const struct vs_nl_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_HEADER,
		VIRTIO_STATUS_A_DEV_NAME,
	};
	static const int need_header[] = {
		VIRTIO_STATUS_A_HEADER_PATH,
	};

	if (vs_dev_require(d, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	return vs_require(&vs_nl_header_set, d->header.have, need_header,
			  ARRAY_SIZE(need_header), e);
}

struct json_object *vs_qmp_return(struct json_object *ret)
{
	struct json_object *o = json_object_new_object();

	if (!o || vs_add(o, "return", ret) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_qmp_error(const char *class, const char *desc)
{
	struct json_object *o = json_object_new_object();
	struct json_object *err = json_object_new_object();

	if (!o || !err)
		goto free;
	if (vs_add_str(err, "class", class) || vs_add_str(err, "desc", desc))
		goto free;
	if (vs_add(o, "error", err) < 0) {
		err = NULL;	/* vs_add() freed it */
		goto free;
	}
	return o;
free:
	json_object_put(err);
	json_object_put(o);
	return NULL;
}

/* Text output */

#define VS_JSON_SCALAR	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static void vs_json_write(FILE *f, struct json_object *o)
{
	struct json_object *key;
	bool first = true;
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_object:
		fputc('{', f);
		json_object_object_foreach(o, k, v) {
			if (!first)
				fputs(", ", f);
			first = false;
			key = json_object_new_string(k);
			fputs(json_object_to_json_string_ext(key, VS_JSON_SCALAR),
			      f);
			json_object_put(key);
			fputs(": ", f);
			vs_json_write(f, v);
		}
		fputc('}', f);
		break;
	case json_type_array:
		fputc('[', f);
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(", ", f);
			vs_json_write(f, json_object_array_get_idx(o, i));
		}
		fputc(']', f);
		break;
	default:
		fputs(json_object_to_json_string_ext(o, VS_JSON_SCALAR), f);
		break;
	}
}

char *vs_json_text(struct json_object *o, bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (pretty) {
		const char *s = json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED |
				JSON_C_TO_STRING_NOSLASHESCAPE);

		return s ? strdup(s) : NULL;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	vs_json_write(f, o);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Commands */

static struct json_object *vs_run_query_virtio(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	struct vs_dev_list l = { 0 };
	struct json_object *ret = NULL;
	size_t i;

	(void)c;
	if (be->ops->dev_dump(be->ctx, &l, e) < 0)
		return NULL;
	for (i = 0; i < l.n; i++)
		if (vs_dev_check_info(&l.devs[i], e) < 0)
			goto free_list;
	ret = vs_json_list(&l);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free_list:
	vs_dev_list_free(&l);
	return ret;
}

void vs_err_list_only(const struct vs_backend *be, struct vs_err *e)
{
	struct vs_nl_info *info = malloc(sizeof(*info));
	struct vs_err ie;

	vs_err_clear(&ie);
	if (info && be->ops->info(be->ctx, info, &ie) == 0 &&
	    vs_info_has(info, VIRTIO_STATUS_A_INFO_MODE_REASON))
		vs_err_set(e, VS_ERR_LIST_ONLY, 0, "%s", info->mode_reason);
	else
		vs_err_set(e, VS_ERR_LIST_ONLY, 0, NULL);
	free(info);
}

int vs_vhost_offered(const struct vs_backend *be, const struct vs_nl_dev *d,
		     struct vs_fset *features, struct vs_err *e)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(vs_vhost_drivers); i++)
		if (!strcmp(vs_vhost_drivers[i].driver, d->driver))
			break;
	if (i == ARRAY_SIZE(vs_vhost_drivers)) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot read the features the vhost driver '%s' offers: this virtio-status does not know its device node",
			   d->driver);
		return -1;
	}
	if (!vs_vhost_drivers[i].node) {
		vs_err_set(e, VS_ERR_MSG, EBUSY,
			   "cannot read the features the %s driver offers: its device node /dev/vhost-vdpa-N is opened exclusively by its owner and cannot be probed (%s)",
			   d->driver, strerror(EBUSY));
		return -1;
	}
	err = be->ops->vhost_features(be->ctx, vs_vhost_drivers[i].node,
				      features);
	if (err) {
		vs_err_set(e, VS_ERR_MSG, err,
			   "cannot read the features the %s driver offers from %s: %s",
			   d->driver, vs_vhost_drivers[i].node, strerror(err));
		return -1;
	}
	return 0;
}

static struct json_object *vs_run_query_status(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	struct json_object *ret = NULL;
	struct vs_fset offered;
	struct vs_target *t;
	struct vs_nl_dev *d;

	t = malloc(sizeof(*t));
	d = malloc(sizeof(*d));
	if (!t || !d) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free;
	}
	if (vs_target_parse(c->path, t, e) < 0)
		goto free;
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_list_only(d)) {
		vs_err_list_only(be, e);
		goto free;
	}
	if (vs_dev_check_status(d, e) < 0)
		goto free;
	if (vs_dev_kind(d) == VIRTIO_STATUS_KIND_VHOST) {
		if (vs_vhost_offered(be, d, &offered, e) < 0)
			goto free;
		ret = vs_json_vhost_status_mode(d, &offered, c->mode);
	} else {
		ret = vs_json_status_mode(d, c->mode);
	}
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(d);
	free(t);
	return ret;
}

static int vs_queue_require(const struct vs_nl_queue *q, const int *attrs,
			    size_t n, struct vs_err *e)
{
	return vs_require(&vs_nl_queue_set, q->have, attrs, n, e);
}

/* What a queue reply must hold, by the kind of device it belongs to. */
static int vs_queue_check(const struct vs_nl_dev *d, const struct vs_nl_queue *q,
			  struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_QUEUE_NUM,
	};
	/* unless the reply says it left them out */
	static const int need_addr[] = {
		VIRTIO_STATUS_A_QUEUE_DESC,
		VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED,
	};
	static const int need_guest[] = {
		VIRTIO_STATUS_A_QUEUE_NUM_FREE,
	};
	static const int need_split[] = {
		VIRTIO_STATUS_A_QUEUE_USED_IDX,
	};
	static const int need_vhost[] = {
		VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_USED_IDX,
	};

	if (vs_queue_require(q, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	if (!vs_queue_addr_hidden(q) &&
	    vs_queue_require(q, need_addr, ARRAY_SIZE(need_addr), e) < 0)
		return -1;
	if (vs_dev_kind(d) == VIRTIO_STATUS_KIND_VHOST)
		return vs_queue_require(q, need_vhost, ARRAY_SIZE(need_vhost),
					e);
	if (vs_queue_require(q, need_guest, ARRAY_SIZE(need_guest), e) < 0)
		return -1;
	if (!q->packed &&
	    vs_queue_require(q, need_split, ARRAY_SIZE(need_split), e) < 0)
		return -1;
	return 0;
}

/*
 * A queue or element request about a vhost device the module could not
 * read fails in the kernel, and the kernel's extack says so: that is the
 * sentence. Without one, the reason its DEV_GET reply gave.
 */
static void vs_err_vhost_unread_queue(const struct vs_nl_dev *d,
				      struct vs_err *e)
{
	char extack[sizeof(e->extack)];
	int errnum = e->errnum;

	/* busy is its own sentence, whatever the device */
	if (!vs_dev_vhost_error(d) || e->kind != VS_ERR_SYS ||
	    errnum == EBUSY)
		return;
	/* vs_err_set() clears @e: keep the kernel's words */
	memcpy(extack, e->extack, sizeof(extack));
	if (extack[0])
		vs_err_set(e, VS_ERR_MSG, errnum, "%s", extack);
	else
		vs_err_set(e, VS_ERR_VHOST_UNREAD, errnum, "%s",
			   d->vhost.error);
}

/*
 * The device @c names (DEV_GET: its name, kind and acked features) and
 * its queue @c->queue (QUEUE_GET of the same selector). With @vhost_only,
 * a virtio device is refused. 0, or -1 with @e set.
 */
static int vs_queue_fetch(const struct vs_backend *be,
			  const struct vs_call *c, bool vhost_only,
			  struct vs_nl_dev *d, struct vs_nl_queue *q,
			  struct vs_err *e)
{
	static const int need_dev[] = {
		VIRTIO_STATUS_A_DEV_NAME,
	};
	static const int need_vhost[] = {
		VIRTIO_STATUS_A_VHOST_ACKED_FEATURES,
	};
	char extack[sizeof(e->extack)];
	struct vs_target *t;
	u32 kind;
	int ret = -1;

	t = malloc(sizeof(*t));
	if (!t) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_target_parse(c->path, t, e) < 0)
		goto free;
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_list_only(d)) {
		vs_err_list_only(be, e);
		goto free;
	}
	if (vs_dev_check_busy(d, e) < 0)
		goto free;
	if (vs_dev_require(d, need_dev, ARRAY_SIZE(need_dev), e) < 0)
		goto free;
	kind = vs_dev_kind(d);
	if (kind != VIRTIO_STATUS_KIND_VIRTIO &&
	    kind != VIRTIO_STATUS_KIND_VHOST) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module describes a kind of device (%u) this virtio-status does not know",
			   kind);
		goto free;
	}
	if (vhost_only && kind != VIRTIO_STATUS_KIND_VHOST) {
		vs_err_set(e, VS_ERR_MSG, 0, "%s is not a vhost device",
			   c->path);
		goto free;
	}
	/* an unread device has no acked features: the kernel says why */
	if (vhost_only && !vs_dev_vhost_error(d) &&
	    vs_require(&vs_nl_vhost_set, d->vhost.have, need_vhost,
		       ARRAY_SIZE(need_vhost), e) < 0)
		goto free;
	if (be->ops->queue_get(be->ctx, t, c->queue, q, e) < 0) {
		if (e->kind == VS_ERR_SYS && e->errnum == ERANGE) {
			/* vs_err_set() clears @e: keep the kernel's words */
			memcpy(extack, e->extack, sizeof(extack));
			if (extack[0])
				vs_err_set(e, VS_ERR_MSG, ERANGE,
					   "queue %u is out of range for %s (kernel: %s)",
					   c->queue, c->path, extack);
			else
				vs_err_set(e, VS_ERR_MSG, ERANGE,
					   "queue %u is out of range for %s",
					   c->queue, c->path);
		}
		vs_err_vhost_unread_queue(d, e);
		goto free;
	}
	/* answered after all, but the device's own part is missing */
	if (vhost_only && vs_dev_vhost_error(d)) {
		vs_err_set(e, VS_ERR_VHOST_UNREAD, 0, "%s", d->vhost.error);
		goto free;
	}
	if (vs_queue_check(d, q, e) < 0)
		goto free;
	/* a reply without its index answers the index asked */
	if (!vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_INDEX))
		q->index = c->queue;
	ret = 0;
free:
	free(t);
	return ret;
}

/*
 * @e for an answer over QMP whose @what came without its @kind addresses:
 * QEMU's schema has no way to leave them out. @why is the kernel's reason.
 */
static void vs_err_addr_hidden(struct vs_err *e, const char *what,
			       const char *kind, const char *why)
{
	vs_err_set(e, VS_ERR_MSG, EPERM,
		   "%s without %s addresses: they are shown to CAP_SYS_ADMIN only%s%s%s",
		   what, kind, why[0] ? " (kernel: " : "", why,
		   why[0] ? ")" : "");
}

static struct json_object *vs_run_queue(const struct vs_backend *be,
					const struct vs_call *c,
					struct vs_err *e, bool vhost)
{
	struct json_object *ret = NULL;
	struct vs_nl_queue *q;
	struct vs_nl_dev *d;

	d = malloc(sizeof(*d));
	q = malloc(sizeof(*q));
	if (!d || !q) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free;
	}
	if (vs_queue_fetch(be, c, vhost, d, q, e) < 0)
		goto free;
	if (c->qmp && vs_queue_addr_hidden(q)) {
		vs_err_addr_hidden(e, vhost ? "vhost queue status" :
					      "queue status",
				   "ring", q->addr_hidden);
		goto free;
	}
	if (vhost)
		ret = c->qmp ? vs_json_vhost_queue_status_qmp(d, q) :
			       vs_json_vhost_queue_status(d, q);
	else
		ret = c->qmp ? vs_json_queue_status_qmp(d, q) :
			       vs_json_queue_status(d, q);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(q);
	free(d);
	return ret;
}

static struct json_object *vs_run_queue_status(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	return vs_run_queue(be, c, e, false);
}

static struct json_object *
vs_run_vhost_queue_status(const struct vs_backend *be,
			  const struct vs_call *c, struct vs_err *e)
{
	return vs_run_queue(be, c, e, true);
}

/* What an element reply must hold. */
static int vs_elem_check(const struct vs_nl_element *el, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_ELEMENT_HEAD,
		VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX,
		VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS,
		VIRTIO_STATUS_A_ELEMENT_USED_IDX,
		VIRTIO_STATUS_A_ELEMENT_USED_FLAGS,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!vs_elem_has(el, need[i])) {
			vs_err_set(e, VS_ERR_OLD, 0,
				   "its reply lacks %s",
				   vs_nl_attr_name(&vs_nl_element_set, need[i]));
			return -1;
		}
	}
	/* a chain is at least its head */
	if (!el->n_desc) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "its reply lacks %s",
			   vs_nl_attr_name(&vs_nl_element_set,
					   VIRTIO_STATUS_A_ELEMENT_DESC));
		return -1;
	}
	return 0;
}

/*
 * The sentences of the errors ELEMENT_GET has of its own. The kernel's
 * extack already says it all for EOPNOTSUPP (a packed ring, a vhost
 * device) and EINVAL (an index it refuses), so it is the sentence.
 */
static void vs_elem_err(const struct vs_call *c, struct vs_err *e)
{
	char extack[sizeof(e->extack)];
	int errnum = e->errnum;

	if (e->kind != VS_ERR_SYS)
		return;
	/* vs_err_set() clears @e: keep the kernel's words */
	memcpy(extack, e->extack, sizeof(extack));
	switch (errnum) {
	case ERANGE:
		if (extack[0])
			vs_err_set(e, VS_ERR_MSG, ERANGE,
				   "queue %u is out of range for %s (kernel: %s)",
				   c->queue, c->path, extack);
		else
			vs_err_set(e, VS_ERR_MSG, ERANGE,
				   "queue %u is out of range for %s",
				   c->queue, c->path);
		break;
	case EOPNOTSUPP:
		if (extack[0])
			vs_err_set(e, VS_ERR_MSG, errnum, "%s", extack);
		else
			/* also what a module without ELEMENT_GET answers */
			vs_err_set(e, VS_ERR_MSG, errnum,
				   "queue %u of %s has no elements to show: %s (a packed ring, a vhost device, or a kernel module without VIRTIO_STATUS_CMD_ELEMENT_GET)",
				   c->queue, c->path, strerror(errnum));
		break;
	case EINVAL:
		if (extack[0])
			vs_err_set(e, VS_ERR_MSG, errnum, "%s", extack);
		else if (c->has_index)
			vs_err_set(e, VS_ERR_MSG, errnum,
				   "index %u is not valid for queue %u of %s",
				   c->index, c->queue, c->path);
		break;
	}
}

static struct json_object *vs_run_queue_element(const struct vs_backend *be,
						const struct vs_call *c,
						struct vs_err *e)
{
	static const int need_dev[] = {
		VIRTIO_STATUS_A_DEV_NAME,
	};
	struct json_object *ret = NULL;
	struct vs_nl_element el = { 0 };
	struct vs_target *t;
	struct vs_nl_dev *d;

	t = malloc(sizeof(*t));
	d = malloc(sizeof(*d));
	if (!t || !d) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free;
	}
	if (vs_target_parse(c->path, t, e) < 0)
		goto free;
	/* the device's QEMU name, as the queue commands take it */
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_list_only(d)) {
		vs_err_list_only(be, e);
		goto free;
	}
	if (vs_dev_check_busy(d, e) < 0)
		goto free;
	if (vs_dev_require(d, need_dev, ARRAY_SIZE(need_dev), e) < 0)
		goto free;
	if (be->ops->elem_get(be->ctx, t, c->queue, c->has_index, c->index,
			      &el, e) < 0) {
		vs_elem_err(c, e);
		vs_err_vhost_unread_queue(d, e);
		goto free;
	}
	if (vs_elem_check(&el, e) < 0)
		goto free;
	if (c->qmp && vs_elem_addr_hidden(&el)) {
		vs_err_addr_hidden(e, "queue element", "descriptor",
				   el.addr_hidden);
		goto free;
	}
	ret = vs_json_queue_element(d, &el);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(d);
	free(t);
	return ret;
}

static struct json_object *vs_run_info(const struct vs_backend *be,
				       const struct vs_call *c, struct vs_err *e)
{
	struct vs_nl_info info;

	(void)c;
	if (be->ops->info(be->ctx, &info, e) < 0) {
		if (e->kind == VS_ERR_SYS && e->errnum == EOPNOTSUPP)
			vs_err_set(e, VS_ERR_OLD, EOPNOTSUPP,
				   "it does not answer VIRTIO_STATUS_CMD_INFO");
		return NULL;
	}
	return vs_json_info(&info, e);
}

/* Spoken by QMP clients first; there is nothing to negotiate. */
static struct json_object *vs_run_capabilities(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	struct json_object *ret = json_object_new_object();

	(void)be;
	(void)c;
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
	return ret;
}

static const struct vs_cmd vs_cmds[] = {
	{ .name = "qmp_capabilities", .qmp_only = true,
	  .run = vs_run_capabilities },
	{ .name = "x-query-virtio", .warn_vhost_off = true,
	  .run = vs_run_query_virtio },
	{ .name = "x-query-virtio-status", .takes_path = true,
	  .takes_decode = true, .warn_vhost_off = true,
	  .run = vs_run_query_status },
	{ .name = "x-query-virtio-queue-status", .takes_path = true,
	  .takes_queue = true, .run = vs_run_queue_status },
	{ .name = "x-query-virtio-vhost-queue-status", .takes_path = true,
	  .takes_queue = true, .run = vs_run_vhost_queue_status },
	{ .name = "x-query-virtio-queue-element", .takes_path = true,
	  .takes_queue = true, .takes_index = true,
	  .run = vs_run_queue_element },
	{ .name = "info", .cli_only = true, .run = vs_run_info },
	{ .name = "x-virtio-status-info", .qmp_only = true,
	  .run = vs_run_info },
};

const struct vs_cmd *vs_cmd_at(size_t i, bool qmp)
{
	size_t n;

	for (n = 0; n < ARRAY_SIZE(vs_cmds); n++) {
		if ((qmp ? vs_cmds[n].cli_only : vs_cmds[n].qmp_only))
			continue;
		if (!i--)
			return &vs_cmds[n];
	}
	return NULL;
}

const struct vs_cmd *vs_cmd_find(const char *name, bool qmp)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_cmds); i++) {
		if (strcmp(vs_cmds[i].name, name))
			continue;
		if ((vs_cmds[i].qmp_only && !qmp) ||
		    (vs_cmds[i].cli_only && qmp))
			return NULL;
		return &vs_cmds[i];
	}
	return NULL;
}

struct json_object *vs_cmd_answer(const struct vs_cmd *cmd,
				  const struct vs_backend *be,
				  const struct vs_call *c)
{
	char desc[2 * VS_MSG_MAX];
	struct json_object *ret;
	struct vs_err e;

	vs_err_clear(&e);
	ret = cmd->run(be, c, &e);
	if (ret)
		return vs_qmp_return(ret);
	vs_err_sentence(&e, c->path, desc, sizeof(desc));
	return vs_qmp_error("GenericError", desc);
}

/* QMP input */

static struct json_object *vs_qmp_errorf(const char *class, const char *fmt,
					 ...) __printf(2, 3);

static struct json_object *vs_qmp_errorf(const char *class, const char *fmt,
					 ...)
{
	char desc[VS_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	return vs_qmp_error(class, desc);
}

/*
 * The optional boolean arguments of a command that decodes (our
 * extension: QEMU 7.2+ always decodes and takes no such argument), with
 * the mode each selects when true.
 */
static const struct {
	const char *name;
	enum vs_json_mode mode;
} vs_decode_args[] = {
	{ "decode", VS_JSON_DECODED },
	{ "raw-and-decoded", VS_JSON_RAW_AND_DECODED },
};

static bool vs_is_decode_arg(const char *k)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_decode_args); i++)
		if (!strcmp(k, vs_decode_args[i].name))
			return true;
	return false;
}

/* Check "arguments" against @cmd; fills @c. NULL when they are fine. */
static struct json_object *vs_qmp_args(const struct vs_cmd *cmd,
				       struct json_object *args,
				       struct vs_call *c)
{
	struct json_object *p;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->qmp = true;
	if (cmd->takes_path) {
		if (!args || !json_object_object_get_ex(args, "path", &p))
			return vs_qmp_error("GenericError",
					    "Parameter 'path' is missing");
		if (!json_object_is_type(p, json_type_string))
			return vs_qmp_error("GenericError",
					    "Invalid parameter type for 'path', expected: string");
		c->path = json_object_get_string(p);
	}
	if (cmd->takes_queue) {
		if (!json_object_object_get_ex(args, "queue", &p))
			return vs_qmp_error("GenericError",
					    "Parameter 'queue' is missing");
		/* QEMU's words for anything but an integer */
		if (!json_object_is_type(p, json_type_int))
			return vs_qmp_error("GenericError",
					    "Parameter 'queue' expects uint64");
		/* QEMU's words for an integer outside a uint16 */
		if (json_object_get_int64(p) < 0 ||
		    json_object_get_int64(p) > VS_QUEUE_MAX)
			return vs_qmp_error("GenericError",
					    "Parameter 'queue' expects uint16_t");
		c->queue = (u32)json_object_get_int64(p);
		c->has_queue = true;
	}
	if (cmd->takes_index &&
	    json_object_object_get_ex(args, "index", &p)) {
		if (!json_object_is_type(p, json_type_int))
			return vs_qmp_error("GenericError",
					    "Parameter 'index' expects uint64");
		if (json_object_get_int64(p) < 0 ||
		    json_object_get_int64(p) > VS_QUEUE_MAX)
			return vs_qmp_error("GenericError",
					    "Parameter 'index' expects uint16_t");
		c->index = (u32)json_object_get_int64(p);
		c->has_index = true;
	}
	/* the richer mode wins when both are true */
	for (i = 0; cmd->takes_decode && args &&
	     i < ARRAY_SIZE(vs_decode_args); i++) {
		if (!json_object_object_get_ex(args, vs_decode_args[i].name,
					       &p))
			continue;
		if (!json_object_is_type(p, json_type_boolean))
			return vs_qmp_errorf("GenericError",
					     "Invalid parameter type for '%s', expected: boolean",
					     vs_decode_args[i].name);
		if (json_object_get_boolean(p) &&
		    vs_decode_args[i].mode > c->mode)
			c->mode = vs_decode_args[i].mode;
	}
	/* as QEMU, the members a command takes are checked first */
	if (args) {
		json_object_object_foreach(args, k, v) {
			(void)v;
			if (cmd->takes_path && !strcmp(k, "path"))
				continue;
			if (cmd->takes_queue && !strcmp(k, "queue"))
				continue;
			if (cmd->takes_index && !strcmp(k, "index"))
				continue;
			if (cmd->takes_decode && vs_is_decode_arg(k))
				continue;
			return vs_qmp_errorf("GenericError",
					     "Parameter '%s' is unexpected", k);
		}
	}
	return NULL;
}

/* Answer a parsed request; @req is borrowed. */
static struct json_object *vs_qmp_request(const struct vs_backend *be,
					  struct json_object *req)
{
	struct json_object *exec = NULL, *args = NULL;
	const struct vs_cmd *cmd;
	struct json_object *rsp;
	struct vs_call c;

	if (!json_object_is_type(req, json_type_object))
		return vs_qmp_error("GenericError",
				    "QMP input must be a JSON object");
	json_object_object_foreach(req, k, v) {
		if (!strcmp(k, "execute"))
			exec = v;
		else if (!strcmp(k, "arguments"))
			args = v;
		else if (strcmp(k, "id"))
			return vs_qmp_errorf("GenericError",
					     "QMP input member '%s' is unexpected",
					     k);
	}
	if (!exec)
		return vs_qmp_error("GenericError",
				    "QMP input lacks member 'execute'");
	if (!json_object_is_type(exec, json_type_string))
		return vs_qmp_error("GenericError",
				    "QMP input member 'execute' must be a string");
	if (args && !json_object_is_type(args, json_type_object))
		return vs_qmp_error("GenericError",
				    "QMP input member 'arguments' must be an object");
	cmd = vs_cmd_find(json_object_get_string(exec), true);
	if (!cmd)
		return vs_qmp_errorf("CommandNotFound",
				     "The command %s has not been found",
				     json_object_get_string(exec));
	rsp = vs_qmp_args(cmd, args, &c);
	if (rsp)
		return rsp;
	return vs_cmd_answer(cmd, be, &c);
}

struct json_object *vs_qmp_line(const struct vs_backend *be,
				const char *line)
{
	struct json_object *req, *rsp, *id;
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	size_t len, end;

	while (isspace((unsigned char)*line))
		line++;
	if (!*line)
		return NULL;
	len = strlen(line);

	tok = json_tokener_new();
	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	req = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		/* a bare number or an unfinished value: end of input */
		json_object_put(req);
		req = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue)
			jerr = json_tokener_error_parse_eof;
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr != json_tokener_success) {
		json_object_put(req);
		return vs_qmp_errorf("GenericError", "JSON parse error, %s",
				     json_tokener_error_desc(jerr));
	}
	for (; end < len; end++) {
		if (!isspace((unsigned char)line[end])) {
			json_object_put(req);
			return vs_qmp_error("GenericError",
					    "JSON parse error, more than one JSON value on a line");
		}
	}

	rsp = vs_qmp_request(be, req);
	/* like QEMU, echo the request's "id" whatever the answer */
	if (rsp && json_object_is_type(req, json_type_object) &&
	    json_object_object_get_ex(req, "id", &id))
		vs_add(rsp, "id", json_object_get(id));
	json_object_put(req);
	return rsp;
}

int vs_qmp_loop(const struct vs_backend *be, FILE *in, FILE *out,
		bool pretty)
{
	struct json_object *rsp;
	char *line = NULL;
	size_t cap = 0;
	char *text;
	int ret = 0;

	while (getline(&line, &cap, in) >= 0) {
		rsp = vs_qmp_line(be, line);
		if (!rsp)
			continue;
		text = vs_json_text(rsp, pretty);
		json_object_put(rsp);
		if (!text) {
			ret = -1;
			break;
		}
		fprintf(out, "%s\n", text);
		free(text);
		/* answer now: the client waits for it before its next line */
		if (fflush(out)) {
			ret = -1;
			break;
		}
	}
	if (ferror(in))
		ret = -1;
	free(line);
	return ret;
}
