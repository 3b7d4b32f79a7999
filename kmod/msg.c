// SPDX-License-Identifier: GPL-2.0
/*
 * The attributes of each kind of reply, and how much room they take, in
 * the format of uapi/virtio_status.yaml: one attribute set per message, a
 * header nest naming the device, 64-bit values aligned with the pad
 * attribute of their own set. Pure message building: the state comes in
 * as plain structures.
 *
 * Every size is an upper bound of what the matching writer puts: a nest
 * counts nla_total_size(0) for its own header, plus its contents.
 */
#include <linux/virtio_status.h>
#include <net/genetlink.h>

#include "vs.h"

/* Why a reply has no addresses: the one sentence, as sent. */
#define VS_ADDR_HIDDEN	"ring and descriptor addresses are shown to CAP_SYS_ADMIN only"

static size_t vs_str_size(const char *s)
{
	return nla_total_size(strlen(s) + 1);
}

/* Room a header nest takes that holds the names given (NULL: left out). */
static size_t vs_header_size(const char *path, const char *busid)
{
	return nla_total_size(0) + (path ? vs_str_size(path) : 0) +
	       (busid ? vs_str_size(busid) : 0);
}

/* A header nest at @attr naming a device by @path, @busid or both. */
static int vs_put_header(struct sk_buff *skb, int attr, const char *path,
			 const char *busid)
{
	struct nlattr *nest = nla_nest_start(skb, attr);

	if (!nest)
		return -EMSGSIZE;
	if ((path && nla_put_string(skb, VIRTIO_STATUS_A_HEADER_PATH, path)) ||
	    (busid && nla_put_string(skb, VIRTIO_STATUS_A_HEADER_BUSID, busid))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * vs_msg_virtio_size() - room the attributes of a virtio device take
 * @vi: the device
 *
 * Return: bytes, an upper bound.
 */
size_t vs_msg_virtio_size(const struct vs_virtio_info *vi)
{
	return vs_header_size(vi->path, vi->busid) +
	       vs_str_size(vi->name) + vs_str_size(vi->transport) +
	       vs_str_size(vi->transport_dev) +
	       vs_str_size(vi->driver) + (vi->busy ? vs_str_size(vi->busy) : 0) +
	       10 * nla_total_size(sizeof(u32)) +	/* kind .. device vqs */
	       4 * nla_total_size_64bit(sizeof(u64)) +	/* features, both words */
	       3 * nla_total_size(sizeof(u8)) +		/* broken, failed, list only */
	       vi->nchildren * (nla_total_size(0) +
				nla_total_size(sizeof(vi->children[0].class)) +
				nla_total_size(sizeof(vi->children[0].name)));
}

/* The devices below it, one child nest each. */
static int vs_msg_put_children(struct sk_buff *skb, const struct vs_virtio_info *vi)
{
	struct nlattr *nest;
	u32 i;

	for (i = 0; i < vi->nchildren; i++) {
		nest = nla_nest_start(skb, VIRTIO_STATUS_A_DEV_CHILD);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_string(skb, VIRTIO_STATUS_A_CHILD_CLASS, vi->children[i].class) ||
		    nla_put_string(skb, VIRTIO_STATUS_A_CHILD_NAME, vi->children[i].name)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* The identity every virtio device message carries, in any mode. */
static int vs_msg_put_virtio_id(struct sk_buff *skb, const struct vs_virtio_info *vi)
{
	if (vs_put_header(skb, VIRTIO_STATUS_A_DEV_HEADER, vi->path, vi->busid) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_NAME, vi->name) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_INDEX, vi->index) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ID, vi->id) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_VENDOR, vi->vendor) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_TRANSPORT, vi->transport) ||
	    (vi->transport_dev[0] &&
	     nla_put_string(skb, VIRTIO_STATUS_A_DEV_TRANSPORT_DEV, vi->transport_dev)) ||
	    (vi->driver[0] &&
	     nla_put_string(skb, VIRTIO_STATUS_A_DEV_DRIVER, vi->driver)) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_GENERATION, vi->generation) ||
	    vs_msg_put_children(skb, vi))
		return -EMSGSIZE;
	return 0;
}

/*
 * A feature set of the dev set: the low word as ever, the high word
 * whenever the kernel keeps 128 bits, zero or not.
 */
static int vs_msg_put_features(struct sk_buff *skb, int lo, int hi, const u64 f[2])
{
	if (nla_put_u64_64bit(skb, lo, f[0], VIRTIO_STATUS_A_DEV_PAD))
		return -EMSGSIZE;
	if (VS_FEATURE_BITS > 64 &&
	    nla_put_u64_64bit(skb, hi, f[1], VIRTIO_STATUS_A_DEV_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * vs_msg_put_virtio() - the attributes of a virtio device (dev set)
 * @skb: the message
 * @vi: the device
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_virtio(struct sk_buff *skb, const struct vs_virtio_info *vi)
{
	if (vs_msg_put_virtio_id(skb, vi))
		return -EMSGSIZE;
	if (vi->busy)
		return nla_put_string(skb, VIRTIO_STATUS_A_DEV_BUSY, vi->busy);
	if (vi->list_only)
		return nla_put_u8(skb, VIRTIO_STATUS_A_DEV_LIST_ONLY, 1);

	if ((vi->has_status &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_DEV_STATUS, vi->status)) ||
	    vs_msg_put_features(skb, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
				VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI,
				vi->driver_features) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_NUM_VQS, vi->num_vqs) ||
	    (vi->has_device_num_vqs &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS, vi->device_num_vqs)) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_DEV_BROKEN, vi->broken) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_DEV_FAILED, vi->failed) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ENDIAN, vi->endian))
		return -EMSGSIZE;

	if (vi->device_features_err)
		return nla_put_u32(skb, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR,
				   vi->device_features_err);
	return vs_msg_put_features(skb, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES,
				   VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI,
				   vi->device_features);
}

/**
 * vs_msg_vhost_size() - room the attributes of a vhost device take
 * @vi: the device
 *
 * Return: bytes, an upper bound.
 */
size_t vs_msg_vhost_size(const struct vs_vhost_info *vi)
{
	/* the dev set: header, identity, busy or what was read */
	size_t dev = vs_header_size(vi->path, NULL) + vs_str_size(vi->name) +
		     vs_str_size("vhost") + vs_str_size(vi->module) +
		     (vi->busy ? vs_str_size(vi->busy) : 0) +
		     6 * nla_total_size(sizeof(u32)) +	/* kind .. endian */
		     nla_total_size_64bit(sizeof(u64)) +	/* driver features */
		     nla_total_size(sizeof(u8));		/* broken */
	/* the vhost nest: error or what was read, owner, holders */
	size_t vhost = nla_total_size(0) + vs_str_size(vi->error) +
		       3 * nla_total_size_64bit(sizeof(u64)) +	/* features */
		       5 * nla_total_size(sizeof(u32)) +	/* regions .. backend fd */
		       2 * nla_total_size(sizeof(u8)) +		/* log, started */
		       min_t(u32, vi->nholders, VIRTIO_STATUS_HOLDERS_SENT) *
		       nla_total_size(sizeof(u32));

	return dev + vhost;
}

/* The dev set's part of a vhost device that could be read. */
static int vs_msg_put_vhost_dev(struct sk_buff *skb, const struct vs_vhost_info *vi)
{
	if (nla_put_u32(skb, VIRTIO_STATUS_A_DEV_STATUS, 0) ||
	    nla_put_u64_64bit(skb, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
			      vi->acked_features[0], VIRTIO_STATUS_A_DEV_PAD) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_NUM_VQS, vi->nvqs) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_DEV_BROKEN, 0) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ENDIAN, vi->endian))
		return -EMSGSIZE;
	return 0;
}

/* The vhost nest's part of a vhost device that could be read. */
static int vs_msg_put_vhost_state(struct sk_buff *skb, const struct vs_vhost_info *vi)
{
	if (nla_put_u64_64bit(skb, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES,
			      vi->acked_features[0], VIRTIO_STATUS_A_VHOST_PAD) ||
	    (vi->features128 &&
	     nla_put_u64_64bit(skb, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI,
			       vi->acked_features[1], VIRTIO_STATUS_A_VHOST_PAD)) ||
	    nla_put_u64_64bit(skb, VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES,
			      vi->backend_features, VIRTIO_STATUS_A_VHOST_PAD) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_VHOST_MEM_REGIONS, vi->mem_regions) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_VHOST_LOG_ENABLED, vi->log_enabled) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_VHOST_STARTED, vi->started) ||
	    (vi->guest_cid &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_VHOST_GUEST_CID, vi->guest_cid)) ||
	    (vi->backend_fd >= 0 &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_VHOST_BACKEND_FD, vi->backend_fd)))
		return -EMSGSIZE;
	return 0;
}

/* The contents of the vhost nest. */
static int vs_msg_put_vhost_nest(struct sk_buff *skb, const struct vs_vhost_info *vi)
{
	u32 i;

	if (vi->owner_pid &&
	    nla_put_u32(skb, VIRTIO_STATUS_A_VHOST_OWNER_PID, vi->owner_pid))
		return -EMSGSIZE;
	/* one device that could not be read: who holds it, and why */
	if (vi->error[0]) {
		if (nla_put_string(skb, VIRTIO_STATUS_A_VHOST_ERROR, vi->error))
			return -EMSGSIZE;
	} else if (!vi->busy && vs_msg_put_vhost_state(skb, vi)) {
		return -EMSGSIZE;
	}
	/* the lowest pids and the count: one message, however many hold it */
	for (i = 0; i < min_t(u32, vi->nholders, VIRTIO_STATUS_HOLDERS_SENT); i++)
		if (nla_put_u32(skb, VIRTIO_STATUS_A_VHOST_HOLDER_PID, vi->holders[i]))
			return -EMSGSIZE;
	/* a do looks at the named process only: it counts no other holder */
	if (!vi->holders_counted)
		return 0;
	return nla_put_u32(skb, VIRTIO_STATUS_A_VHOST_HOLDERS, vi->nholders);
}

/**
 * vs_msg_put_vhost() - the attributes of a vhost device (dev set)
 * @skb: the message
 * @vi: the device
 * @generation: the virtio bus generation the reply belongs to
 *
 * The device's header names it by path only; what only a vhost device
 * has goes in the vhost nest, which every vhost device's message carries.
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_vhost(struct sk_buff *skb, const struct vs_vhost_info *vi,
		     u32 generation)
{
	struct nlattr *nest;

	if (vs_put_header(skb, VIRTIO_STATUS_A_DEV_HEADER, vi->path, NULL) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_NAME, vi->name) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ID, vi->id) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost") ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_DRIVER, vi->module) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_GENERATION, generation))
		return -EMSGSIZE;
	/* read, or not now (busy), or not at all (the vhost nest's error) */
	if (!vi->error[0]) {
		if (vi->busy) {
			if (nla_put_string(skb, VIRTIO_STATUS_A_DEV_BUSY, vi->busy))
				return -EMSGSIZE;
		} else if (vs_msg_put_vhost_dev(skb, vi)) {
			return -EMSGSIZE;
		}
	}

	nest = nla_nest_start(skb, VIRTIO_STATUS_A_DEV_VHOST);
	if (!nest)
		return -EMSGSIZE;
	if (vs_msg_put_vhost_nest(skb, vi)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * vs_msg_info_size() - room the attributes of an info reply take
 *
 * Return: bytes, an upper bound.
 */
size_t vs_msg_info_size(void)
{
	return 4 * nla_total_size(sizeof(u32)) + nla_total_size(160) +
	       vs_str_size(vs_vhost_layout()) + vs_str_size(vs_fingerprint()) +
	       vs_str_size(vs_mode_reason() ?: "");
}

/**
 * vs_msg_put_info() - the attributes of an info reply (info set)
 * @skb: the message
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_info(struct sk_buff *skb)
{
	const char *why = vs_mode_reason();
	char reason[160];
	bool on = vs_vhost_state(reason, sizeof(reason));

	if (nla_put_u32(skb, VIRTIO_STATUS_A_INFO_VHOST_STATE,
			on ? VIRTIO_STATUS_VHOST_STATE_ON : VIRTIO_STATUS_VHOST_STATE_OFF) ||
	    (!on && nla_put_string(skb, VIRTIO_STATUS_A_INFO_VHOST_REASON, reason)) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT, vs_vhost_layout()) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_INFO_GENERATION, vs_virtio_generation()) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_INFO_MODE,
			vs_mode_list_only() ? VIRTIO_STATUS_MODE_LIST_ONLY :
					      VIRTIO_STATUS_MODE_FULL) ||
	    (why && nla_put_string(skb, VIRTIO_STATUS_A_INFO_MODE_REASON, why)) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_INFO_FINGERPRINT, vs_fingerprint()) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_INFO_FEATURE_BITS, VS_FEATURE_BITS))
		return -EMSGSIZE;
	return 0;
}

/**
 * vs_msg_event_size() - room the attributes of a notification take
 * @ev: the notification
 *
 * Return: bytes, an upper bound.
 */
size_t vs_msg_event_size(const struct vs_event_info *ev)
{
	return 2 * nla_total_size_64bit(sizeof(u64)) +	/* seq, time */
	       nla_total_size(0) +			/* the dev nest */
	       vs_header_size(ev->path, ev->busid) +
	       vs_str_size(ev->name) + vs_str_size(ev->driver ?: "") +
	       5 * nla_total_size(sizeof(u32));		/* kind .. generation */
}

/* The contents of a notification's dev nest (the event-dev set). */
static int vs_msg_put_event_dev(struct sk_buff *skb, const struct vs_event_info *ev)
{
	if (vs_put_header(skb, VIRTIO_STATUS_A_DEV_HEADER, ev->path, ev->busid) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO) ||
	    nla_put_string(skb, VIRTIO_STATUS_A_DEV_NAME, ev->name) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_INDEX, ev->index) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_ID, ev->id) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_VENDOR, ev->vendor) ||
	    (ev->driver &&
	     nla_put_string(skb, VIRTIO_STATUS_A_DEV_DRIVER, ev->driver)) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DEV_GENERATION, ev->generation))
		return -EMSGSIZE;
	return 0;
}

/**
 * vs_msg_put_event() - the attributes of a device notification (event set)
 * @skb: the message
 * @ev: the notification
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_event(struct sk_buff *skb, const struct vs_event_info *ev)
{
	struct nlattr *nest;

	if (nla_put_u64_64bit(skb, VIRTIO_STATUS_A_EVENT_SEQ, ev->seq,
			      VIRTIO_STATUS_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, VIRTIO_STATUS_A_EVENT_TIME, ev->time_ns,
			      VIRTIO_STATUS_A_EVENT_PAD))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VIRTIO_STATUS_A_EVENT_DEV);
	if (!nest)
		return -EMSGSIZE;
	if (vs_msg_put_event_dev(skb, ev)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * vs_msg_queue_size() - room the attributes of a queue reply take
 * @name: the device, as the request named it
 * @qi: the queue
 *
 * Return: bytes, an upper bound.
 */
size_t vs_msg_queue_size(const struct vs_dev_name *name,
			 const struct vs_queue_info *qi)
{
	return vs_header_size(name->path, name->busid) +
	       vs_str_size(qi->name) + 10 * nla_total_size(sizeof(u32)) +
	       6 * nla_total_size_64bit(sizeof(u64)) +
	       5 * nla_total_size(sizeof(u8)) + vs_str_size(VS_ADDR_HIDDEN);
}

/* What only a vhost queue has. */
static int vs_msg_put_vhost_queue(struct sk_buff *skb, const struct vs_queue_info *qi)
{
	static const int gpa_attr[] = {
		VIRTIO_STATUS_A_QUEUE_DESC_GPA,
		VIRTIO_STATUS_A_QUEUE_AVAIL_GPA,
		VIRTIO_STATUS_A_QUEUE_USED_GPA,
	};
	unsigned int i;

	if (nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX, qi->last_avail_idx) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_QUEUE_KICK, qi->kick) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_QUEUE_CALL, qi->call) ||
	    (qi->kick_fd >= 0 &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_KICK_FD, qi->kick_fd)) ||
	    (qi->call_fd >= 0 &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_CALL_FD, qi->call_fd)))
		return -EMSGSIZE;
	/* IOVAs are not in the memory table: no guest physical address */
	if (qi->iova && !qi->addr_hidden &&
	    nla_put_u8(skb, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA, 1))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(gpa_attr) && !qi->addr_hidden && !qi->iova; i++)
		if ((qi->gpa_valid & BIT(i)) &&
		    nla_put_u64_64bit(skb, gpa_attr[i], qi->gpa[i],
				      VIRTIO_STATUS_A_QUEUE_PAD))
			return -EMSGSIZE;
	return 0;
}

/**
 * vs_msg_put_queue() - the attributes of a queue reply (queue set)
 * @skb: the message
 * @name: the device, as the request named it
 * @qi: the queue
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_queue(struct sk_buff *skb, const struct vs_dev_name *name,
		     const struct vs_queue_info *qi)
{
	if (vs_put_header(skb, VIRTIO_STATUS_A_QUEUE_HEADER, name->path, name->busid) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_INDEX, qi->index) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_NUM, qi->num))
		return -EMSGSIZE;
	if (qi->addr_hidden) {
		if (nla_put_string(skb, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN, VS_ADDR_HIDDEN))
			return -EMSGSIZE;
	} else if (nla_put_u64_64bit(skb, VIRTIO_STATUS_A_QUEUE_DESC, qi->desc,
				     VIRTIO_STATUS_A_QUEUE_PAD) ||
		   nla_put_u64_64bit(skb, VIRTIO_STATUS_A_QUEUE_AVAIL, qi->avail,
				     VIRTIO_STATUS_A_QUEUE_PAD) ||
		   nla_put_u64_64bit(skb, VIRTIO_STATUS_A_QUEUE_USED, qi->used,
				     VIRTIO_STATUS_A_QUEUE_PAD)) {
		return -EMSGSIZE;
	}
	if (qi->has_idx &&
	    (nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, qi->avail_idx) ||
	     nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_USED_IDX, qi->used_idx)))
		return -EMSGSIZE;

	if (qi->vhost)
		return vs_msg_put_vhost_queue(skb, qi);

	if (nla_put_string(skb, VIRTIO_STATUS_A_QUEUE_NAME, qi->name) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_NUM_FREE, qi->num_free) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_QUEUE_PACKED, qi->packed) ||
	    nla_put_u8(skb, VIRTIO_STATUS_A_QUEUE_BROKEN, qi->broken) ||
	    (qi->has_idx &&
	     (nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS, qi->avail_flags) ||
	      nla_put_u32(skb, VIRTIO_STATUS_A_QUEUE_USED_FLAGS, qi->used_flags))))
		return -EMSGSIZE;
	return 0;
}

/**
 * vs_msg_put_health() - one queue's progress (health set)
 * @skb: the message
 * @hd: its device
 * @q: the queue; NULL for the one message of a busy device
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_health(struct sk_buff *skb, const struct vs_health_dev *hd,
		      const struct vs_qhealth *q)
{
	if (vs_put_header(skb, VIRTIO_STATUS_A_HEALTH_HEADER, hd->path, hd->busid) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_KIND, hd->kind) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_ID, hd->id))
		return -EMSGSIZE;
	if (!q)
		return nla_put_string(skb, VIRTIO_STATUS_A_HEALTH_BUSY,
				      hd->busy ?: "busy");
	if (nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_INDEX, q->index) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_NUM, q->num) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_IN_FLIGHT, q->in_flight) ||
	    (!q->vhost &&
	     (nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_NUM_FREE, q->num_free) ||
	      nla_put_u8(skb, VIRTIO_STATUS_A_HEALTH_PACKED, q->packed))) ||
	    (q->vhost &&
	     nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX, q->last_avail_idx)))
		return -EMSGSIZE;
	if (!q->has_idx)
		return 0;
	if (nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_AVAIL_IDX, q->avail_idx) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_HEALTH_USED_IDX, q->used_idx) ||
	    nla_put_u64_64bit(skb, VIRTIO_STATUS_A_HEALTH_STALLED_NS, q->stalled_ns,
			      VIRTIO_STATUS_A_HEALTH_PAD))
		return -EMSGSIZE;
	return 0;
}

/**
 * vs_msg_elem_size() - room the attributes of an element reply take
 * @name: the device, as the request named it
 * @ei: the element
 *
 * Return: bytes, an upper bound.
 */
size_t vs_msg_elem_size(const struct vs_dev_name *name,
			const struct vs_elem_info *ei)
{
	/* one desc nest: address, length, flags */
	size_t desc = nla_total_size(nla_total_size_64bit(sizeof(u64)) +
				     2 * nla_total_size(sizeof(u32)));

	return vs_header_size(name->path, name->busid) +
	       7 * nla_total_size(sizeof(u32)) +	/* queue index .. used flags */
	       vs_str_size(VS_ADDR_HIDDEN) + ei->ndescs * desc;
}

/* One desc nest: a descriptor of the chain. */
static int vs_msg_put_desc(struct sk_buff *skb, const struct vs_elem_desc *d,
			   bool addr_hidden)
{
	struct nlattr *nest = nla_nest_start(skb, VIRTIO_STATUS_A_ELEMENT_DESC);

	if (!nest)
		return -EMSGSIZE;
	if ((!addr_hidden &&
	     nla_put_u64_64bit(skb, VIRTIO_STATUS_A_DESC_ADDR, d->addr,
			       VIRTIO_STATUS_A_DESC_PAD)) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DESC_LEN, d->len) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_DESC_FLAGS, d->flags)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * vs_msg_put_elem() - the attributes of an element reply (element set)
 * @skb: the message
 * @name: the device, as the request named it
 * @ei: the element
 *
 * Return: 0 or -EMSGSIZE.
 */
int vs_msg_put_elem(struct sk_buff *skb, const struct vs_dev_name *name,
		    const struct vs_elem_info *ei)
{
	u32 i;

	if (vs_put_header(skb, VIRTIO_STATUS_A_ELEMENT_HEADER, name->path, name->busid) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX, ei->qindex) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_INDEX, ei->eindex) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_HEAD, ei->head) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX, ei->avail_idx) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS, ei->avail_flags) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_USED_IDX, ei->used_idx) ||
	    nla_put_u32(skb, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS, ei->used_flags) ||
	    (ei->addr_hidden &&
	     nla_put_string(skb, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN, VS_ADDR_HIDDEN)))
		return -EMSGSIZE;
	for (i = 0; i < ei->ndescs; i++)
		if (vs_msg_put_desc(skb, &ei->descs[i], ei->addr_hidden))
			return -EMSGSIZE;
	return 0;
}
