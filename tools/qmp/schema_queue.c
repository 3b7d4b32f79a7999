// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: QEMU's QMP shapes of a virtqueue: VirtQueueStatus,
 * VirtVhostQueueStatus and VirtioQueueElement.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "json_out.h"
#include "qmp.h"

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
 * Whether the answer about @q, a queue of @d, ends in VS_ADDR_IOVA_KEY:
 * a vhost queue with IOVAs for ring addresses, shown, on the command line.
 */
static bool vs_say_iova(const struct vs_nl_dev *d, const struct vs_nl_queue *q,
			bool qmp)
{
	return !qmp && vs_dev_is_vhost(d) &&
	       vs_queue_addr_iova(q) && !vs_queue_addr_hidden(q);
}

static struct json_object *vs_json_queue_status_of(const struct vs_nl_dev *d,
						   const struct vs_nl_queue *q,
						   bool qmp)
{
	bool vhost = vs_dev_is_vhost(d);
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
	err |= vs_qmp_add_str(o, "name", d->name);
	err |= vs_qmp_add_uint(o, "queue-index", q->index);
	err |= vs_qmp_add_uint(o, "inuse", inuse);
	err |= vs_qmp_add_uint(o, "vring-num", q->num);
	err |= vs_qmp_add_uint(o, "vring-num-default", c->vring_num_default);
	err |= vs_qmp_add_uint(o, "vring-align", c->vring_align);
	/* left out, not 0, when the kernel hides them */
	if (!vs_queue_addr_hidden(q)) {
		err |= vs_qmp_add_uint(o, "vring-desc", q->desc);
		err |= vs_qmp_add_uint(o, "vring-avail", q->avail);
		err |= vs_qmp_add_uint(o, "vring-used", q->used);
	}
	/* the next avail entry to take is device-side: vhost only */
	if (vhost)
		err |= vs_qmp_add_uint(o, "last-avail-idx",
				       (u16)q->last_avail_idx);
	if (vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX))
		err |= vs_qmp_add_uint(o, "shadow-avail-idx", (u16)q->avail_idx);
	err |= vs_qmp_add_uint(o, "used-idx", used_idx);
	err |= vs_qmp_add_uint(o, "signalled-used", c->signalled_used);
	err |= vs_qmp_add_bool(o, "signalled-used-valid", c->signalled_used_valid);
	if (vs_queue_addr_hidden(q))
		err |= vs_qmp_add_str(o, VS_ADDR_HIDDEN_KEY, q->addr_hidden);
	if (vs_say_iova(d, q, qmp))
		err |= vs_qmp_add_bool(o, VS_ADDR_IOVA_KEY, true);
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
		if (vs_qmp_add_array_str(a, name)) {
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
		err |= vs_qmp_add_uint(o, "addr", desc->addr);
	err |= vs_qmp_add_uint(o, "len", desc->len);
	err |= vs_qmp_add(o, "flags", vs_json_desc_flags(desc->flags));
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
	err |= vs_qmp_add_str(o, "name", d->name);
	err |= vs_qmp_add_uint(o, "index", el->head);
	err |= vs_qmp_add(o, "descs", descs);
	err |= vs_qmp_add(o, "avail", avail);
	err |= vs_qmp_add(o, "used", used);
	if (err) {
		/* vs_qmp_add() freed what it could not add */
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
	err |= vs_qmp_add_uint(avail, "flags", (u16)el->avail_flags);
	err |= vs_qmp_add_uint(avail, "idx", (u16)el->avail_idx);
	/* the avail ring entry asked: it holds the chain's head */
	err |= vs_qmp_add_uint(avail, "ring", (u16)el->head);
	err |= vs_qmp_add_uint(used, "flags", (u16)el->used_flags);
	err |= vs_qmp_add_uint(used, "idx", (u16)el->used_idx);
	if (vs_elem_addr_hidden(el))
		err |= vs_qmp_add_str(o, VS_ADDR_HIDDEN_KEY, el->addr_hidden);
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
	err |= vs_qmp_add_str(o, "name", d->name);
	err |= vs_qmp_add_int(o, "kick", kick);
	err |= vs_qmp_add_int(o, "call", call);
	/* the addresses are left out, not 0, when the kernel hides them */
	if (!hidden) {
		err |= vs_qmp_add_uint(o, "desc", q->desc);
		err |= vs_qmp_add_uint(o, "avail", q->avail);
		err |= vs_qmp_add_uint(o, "used", q->used);
	}
	err |= vs_qmp_add_int(o, "num", q->num);
	if (!hidden)
		err |= vs_qmp_add_uint(o, "desc-phys",
				       vs_vhost_phys(q, q->desc,
						     VIRTIO_STATUS_A_QUEUE_DESC_GPA,
						     q->desc_gpa));
	err |= vs_qmp_add_uint(o, "desc-size", vs_ring_desc_size(q->num));
	if (!hidden)
		err |= vs_qmp_add_uint(o, "avail-phys",
				       vs_vhost_phys(q, q->avail,
						     VIRTIO_STATUS_A_QUEUE_AVAIL_GPA,
						     q->avail_gpa));
	err |= vs_qmp_add_uint(o, "avail-size",
			       vs_ring_avail_size(q->num, event_idx));
	if (!hidden)
		err |= vs_qmp_add_uint(o, "used-phys",
				       vs_vhost_phys(q, q->used,
						     VIRTIO_STATUS_A_QUEUE_USED_GPA,
						     q->used_gpa));
	err |= vs_qmp_add_uint(o, "used-size",
			       vs_ring_used_size(q->num, event_idx));
	if (hidden)
		err |= vs_qmp_add_str(o, VS_ADDR_HIDDEN_KEY, q->addr_hidden);
	if (vs_say_iova(d, q, qmp))
		err |= vs_qmp_add_bool(o, VS_ADDR_IOVA_KEY, true);
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
