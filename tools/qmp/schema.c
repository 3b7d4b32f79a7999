// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: QEMU's QMP shapes of a device: VirtioInfo, VirtioStatus
 * with its decoded bitmaps, VhostStatus, and the answer of the info
 * command. Queue shapes are in schema_queue.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "features.h"
#include "json_out.h"
#include "names.h"
#include "qmp.h"

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
		if (vs_qmp_add_array_str(strs, vs_feat_string(f[i], buf,
							      sizeof(buf))))
			return -1;
		if (syms && vs_qmp_add_array_str(syms, f[i]->sym))
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
		err |= vs_qmp_add(o, "transports", tr);
	}
	list = json_object_new_array();
	err |= vs_qmp_add(o, vs_bits_keys[kind].list, list);
	if (mode == VS_JSON_RAW_AND_DECODED)
		syms = json_object_new_array();
	if (err || (mode == VS_JSON_RAW_AND_DECODED && !syms))
		goto free;
	if (tr && vs_add_feats(tr, syms, dec->transport, dec->n_transport))
		goto free;
	if (vs_add_feats(list, syms, dec->dev, dec->n_dev))
		goto free;
	if (dec->unknown.w[0])
		err |= vs_qmp_add_uint(o, vs_bits_keys[kind].unknown,
				       dec->unknown.w[0]);
	if (dec->unknown.w[1] && vs_bits_keys[kind].unknown2)
		err |= vs_qmp_add_uint(o, vs_bits_keys[kind].unknown2,
				       dec->unknown.w[1]);
	if (mode == VS_JSON_RAW_AND_DECODED) {
		/* "raw-hex" always, whatever the value: bits 0-63 */
		snprintf(hex, sizeof(hex), "0x%016llx",
			 (unsigned long long)bits->w[0]);
		err |= vs_qmp_add(o, "raw", json_object_new_uint64(bits->w[0]));
		err |= vs_qmp_add_str(o, "raw-hex", hex);
		if (vs_fset_high(bits))
			err |= vs_qmp_add_str(o, "raw-full",
					      vs_fset_hex(bits, hex, sizeof(hex)));
		err |= vs_qmp_add(o, "symbols", syms);
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
		return vs_qmp_add_fset(o, key, bits);
	return vs_qmp_add(o, key, vs_json_bits(bits, kind, id, as, mode));
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
	err |= vs_qmp_add_str(o, "name", v->name);
	err |= vs_qmp_add_uint(o, "device-id", v->device_id);
	err |= vs_qmp_add_bool(o, "vhost-started", v->vhost_started);
	err |= vs_qmp_add_str(o, "device-endian", vs_endian_name(v->endian));
	err |= vs_add_bits(o, "guest-features", &v->guest_features,
			   VS_BITS_FEATURES, v->device_id, v->feat_as, mode);
	err |= vs_add_bits(o, "host-features", &v->host_features,
			   VS_BITS_FEATURES, v->device_id, v->feat_as, mode);
	err |= vs_add_bits(o, "backend-features", &v->backend_features,
			   VS_BITS_FEATURES, v->device_id, v->backend_as, mode);
	err |= vs_qmp_add_int(o, "num-vqs", v->num_vqs);
	err |= vs_add_bits64(o, "status", v->status, VS_BITS_STATUS,
			     v->device_id, VS_AS_STATUS, mode);
	err |= vs_qmp_add_uint(o, "isr", c->isr);
	err |= vs_qmp_add_uint(o, "queue-sel", c->queue_sel);
	err |= vs_qmp_add_bool(o, "vm-running", c->vm_running);
	err |= vs_qmp_add_bool(o, "broken", v->broken);
	err |= vs_qmp_add_bool(o, "disabled", c->disabled);
	err |= vs_qmp_add_bool(o, "use-started", c->use_started);
	err |= vs_qmp_add_bool(o, "started", v->started);
	err |= vs_qmp_add_bool(o, "start-on-kick", c->start_on_kick);
	err |= vs_qmp_add_bool(o, "disable-legacy-check",
			       c->disable_legacy_check);
	err |= vs_qmp_add_str(o, "bus-name", c->bus_name);
	err |= vs_qmp_add_bool(o, "use-guest-notifier-mask",
			       c->use_guest_notifier_mask);
	if (vhost_dev)
		err |= vs_qmp_add(o, "vhost-dev", vhost_dev);
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
		.started = vs_dev_started(d),
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
	err |= vs_qmp_add_int(o, "n-mem-sections", d->vhost.mem_regions);
	err |= vs_qmp_add_int(o, "n-tmp-sections",
			      vs_vhost_dev_view.n_tmp_sections);
	err |= vs_qmp_add_uint(o, "nvqs", d->num_vqs);
	err |= vs_qmp_add_int(o, "vq-index", vs_vhost_dev_view.vq_index);
	err |= vs_add_bits(o, "features", offered, VS_BITS_FEATURES, id,
			   VS_AS_VHOST, mode);
	err |= vs_add_bits(o, "acked-features", &acked, VS_BITS_FEATURES, id,
			   VS_AS_VHOST, mode);
	err |= vs_add_bits64(o, "backend-features", d->vhost.backend_features,
			     VS_BITS_FEATURES, id, VS_AS_VHOST_BACKEND, mode);
	err |= vs_add_bits64(o, "protocol-features",
			     vs_vhost_dev_view.protocol_features,
			     VS_BITS_PROTOCOLS, id, VS_AS_VHOST, mode);
	err |= vs_qmp_add_uint(o, "max-queues", vs_vhost_dev_view.max_queues);
	err |= vs_qmp_add_uint(o, "backend-cap", vs_vhost_dev_view.backend_cap);
	err |= vs_qmp_add_bool(o, "log-enabled", d->vhost.log_enabled);
	err |= vs_qmp_add_uint(o, "log-size", vs_vhost_dev_view.log_size);
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
		.started = vs_dev_started(d),
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
	err |= vs_qmp_add_str(o, "vhost", state);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_VHOST_REASON))
		err |= vs_qmp_add_str(o, "vhost-reason", info->vhost_reason);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT))
		err |= vs_qmp_add_str(o, "vhost-layout", info->vhost_layout);
	if (mode)
		err |= vs_qmp_add_str(o, "mode", mode);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_MODE_REASON))
		err |= vs_qmp_add_str(o, "mode-reason", info->mode_reason);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_FINGERPRINT))
		err |= vs_qmp_add_str(o, "fingerprint", info->fingerprint);
	if (vs_info_has(info, VIRTIO_STATUS_A_INFO_FEATURE_BITS))
		err |= vs_qmp_add_uint(o, "feature-bits", info->feature_bits);
	if (!err)
		return o;
	json_object_put(o);
nomem:
	vs_err_sys(e, ENOMEM, NULL);
	return NULL;
}

struct json_object *vs_json_names(const struct vs_nl_dev *d)
{
	struct json_object *o = json_object_new_object();
	struct vs_dev_names n;
	int err = 0;

	if (!o)
		return NULL;
	vs_dev_names_get(d, &n, vs_names_proc_root());
	if (n.device[0])
		err |= vs_qmp_add_str(o, "device", n.device);
	if (n.virtio[0])
		err |= vs_qmp_add_str(o, "virtio", n.virtio);
	if (n.tap[0])
		err |= vs_qmp_add_str(o, "tap", n.tap);
	if (n.cid[0])
		err |= vs_qmp_add_str(o, "cid", n.cid);
	if (n.vm[0])
		err |= vs_qmp_add_str(o, "vm", n.vm);
	if (n.uuid[0])
		err |= vs_qmp_add_str(o, "uuid", n.uuid);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
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
		if (vs_qmp_add_str(o, "path", l->devs[i].header.path) ||
		    vs_qmp_add_str(o, "name", l->devs[i].name))
			goto free_array;
	}
	return a;

free_array:
	json_object_put(a);
	return NULL;
}
