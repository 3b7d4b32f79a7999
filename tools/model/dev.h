/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: one virtio device as the kernel described it, the device a
 * request names, the error a request ended with, and the backend that turns
 * requests into devices (netlink for real, a fake in the unit tests).
 *
 * Nothing here touches netlink or JSON, so the code on either side of it
 * can be tested on its own.
 */
#ifndef VS_DEV_H
#define VS_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_status.h>

#include "features.h"
#include "util.h"
#include "vs_nl_gen.h"

#define VS_MSG_MAX	512
/* Holders of one vhost device kept (the module sends no more) */
#define VS_HOLDERS_MAX	VIRTIO_STATUS_HOLDERS_SENT

/*
 * The messages of the family, decoded, are the structs generated from the
 * spec (vs_nl_gen.h, one per attribute set): struct vs_nl_dev for a
 * dev-get reply, vs_nl_queue, vs_nl_element, vs_nl_info. A member is valid
 * only when its attribute was in the message: vs_dev_has() and its
 * siblings ask the struct's presence mask. What a dev-get reply describes
 * is vs_dev_kind(): a virtio device (guest side) or a vhost device (host
 * side; the members of its vhost nest, vs_dev_vhost_has()).
 *
 * Feature sets come in two words: the *_features member is bits 0-63, the
 * *_features_hi member bits 64-127 (a module built for a kernel with
 * 128-bit feature sets sends it, zero or not). vs_dev_driver_features() and
 * its siblings put them together.
 */
static inline bool vs_dev_has(const struct vs_nl_dev *d, int attr)
{
	return attr <= VIRTIO_STATUS_A_DEV_MAX && vs_nl_has(d->have, attr);
}

static inline void vs_dev_set(struct vs_nl_dev *d, int attr)
{
	vs_nl_set(d->have, attr);
}

static inline void vs_dev_clear(struct vs_nl_dev *d, int attr)
{
	vs_nl_clear(d->have, attr);
}

/* The device's name in the reply's header nest (path, busid). */
static inline bool vs_dev_header_has(const struct vs_nl_dev *d, int attr)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_HEADER) &&
	       vs_nl_has(d->header.have, attr);
}

static inline void vs_dev_header_set(struct vs_nl_dev *d, int attr)
{
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_HEADER);
	vs_nl_set(d->header.have, attr);
}

static inline void vs_dev_header_clear(struct vs_nl_dev *d, int attr)
{
	vs_nl_clear(d->header.have, attr);
}

/* What only a vhost device has: the reply's vhost nest. */
static inline bool vs_dev_vhost_has(const struct vs_nl_dev *d, int attr)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_VHOST) &&
	       attr <= VIRTIO_STATUS_A_VHOST_MAX && vs_nl_has(d->vhost.have, attr);
}

static inline void vs_dev_vhost_set(struct vs_nl_dev *d, int attr)
{
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_VHOST);
	vs_nl_set(d->vhost.have, attr);
}

static inline void vs_dev_vhost_clear(struct vs_nl_dev *d, int attr)
{
	vs_nl_clear(d->vhost.have, attr);
}

/* @lo, and @hi when the reply carried @hi_attr. */
static inline struct vs_fset vs_dev_fset(const struct vs_nl_dev *d, u64 lo,
					 int hi_attr, u64 hi)
{
	return vs_fset_of(lo, vs_dev_has(d, hi_attr) ? hi : 0);
}

/* What the driver accepted (DRIVER_FEATURES and its _HI). */
static inline struct vs_fset vs_dev_driver_features(const struct vs_nl_dev *d)
{
	return vs_dev_fset(d, d->driver_features,
			   VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI,
			   d->driver_features_hi);
}

/* What the device offers (DEVICE_FEATURES and its _HI). */
static inline struct vs_fset vs_dev_device_features(const struct vs_nl_dev *d)
{
	return vs_dev_fset(d, d->device_features,
			   VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI,
			   d->device_features_hi);
}

/* What a vhost device's owner acked (VHOST_ACKED_FEATURES and its _HI). */
static inline struct vs_fset vs_dev_vhost_acked(const struct vs_nl_dev *d)
{
	return vs_fset_of(d->vhost.acked_features,
			  vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI) ?
			  d->vhost.acked_features_hi : 0);
}

/* Whether the reply comes from a module in list-only mode. */
static inline bool vs_dev_list_only(const struct vs_nl_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_LIST_ONLY) && d->list_only;
}

/*
 * QEMU's num-vqs: the queues the device offers when the reply says
 * (DEVICE_NUM_VQS: modern virtio-pci), else the queues the driver set up.
 */
static inline bool vs_dev_has_num_vqs(const struct vs_nl_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS) ||
	       vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS);
}

static inline u32 vs_dev_num_vqs(const struct vs_nl_dev *d)
{
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS))
		return d->device_num_vqs;
	return d->num_vqs;
}

/*
 * A reply without VIRTIO_STATUS_A_DEV_KIND comes from a module that knew
 * virtio devices only.
 */
static inline u32 vs_dev_kind(const struct vs_nl_dev *d)
{
	if (!vs_dev_has(d, VIRTIO_STATUS_A_DEV_KIND))
		return VIRTIO_STATUS_KIND_VIRTIO;
	return d->kind;
}

/* Whether @d is a vhost device (host side) rather than a virtio one. */
static inline bool vs_dev_is_vhost(const struct vs_nl_dev *d)
{
	return vs_dev_kind(d) == VIRTIO_STATUS_KIND_VHOST;
}

/* Whether @d is a virtio device (guest side, on the virtio bus). */
static inline bool vs_dev_is_virtio(const struct vs_nl_dev *d)
{
	return vs_dev_kind(d) == VIRTIO_STATUS_KIND_VIRTIO;
}

/*
 * Whether this virtio-status knows @d's kind: a newer module may describe
 * devices of kinds it does not.
 */
static inline bool vs_dev_kind_known(const struct vs_nl_dev *d)
{
	return vs_dev_is_virtio(d) || vs_dev_is_vhost(d);
}

/* Whether a driver is bound to @d (its name in @d->driver). */
static inline bool vs_dev_bound(const struct vs_nl_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER) && d->driver[0];
}

/*
 * Whether @a and @b, found at the same path, are the same device: a
 * device replaced in the same place has another id or bus id.
 */
static inline bool vs_dev_same(const struct vs_nl_dev *a,
			       const struct vs_nl_dev *b)
{
	return a->id == b->id && !strcmp(a->header.busid, b->header.busid);
}

/*
 * What was negotiated, QEMU's guest-features: the features the driver
 * accepted (a virtio device) or the owner acked (a vhost device). Valid
 * when vs_dev_has_negotiated(); one place for what show, metrics and the
 * QMP commands all print.
 */
static inline bool vs_dev_has_negotiated(const struct vs_nl_dev *d)
{
	return vs_dev_is_vhost(d) ?
	       vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES) :
	       vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES);
}

static inline struct vs_fset vs_dev_negotiated(const struct vs_nl_dev *d)
{
	return vs_dev_is_vhost(d) ? vs_dev_vhost_acked(d) :
				    vs_dev_driver_features(d);
}

/* Whose feature names the bits of @d take: a guest driver's or vhost's. */
static inline enum vs_decode_as vs_dev_feat_as(const struct vs_nl_dev *d)
{
	return vs_dev_is_vhost(d) ? VS_AS_VHOST : VS_AS_GUEST;
}

/*
 * Whether what @d offers was read (DEVICE_FEATURES, vs_dev_device_features()):
 * a virtio device's reply carries it, or DEVICE_FEATURES_ERR saying why
 * not, or (an old module, list-only mode) neither.
 */
static inline bool vs_dev_has_offered(const struct vs_nl_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES) &&
	       !vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
}

/*
 * QEMU's "started": a virtio device's driver set DRIVER_OK in the status
 * byte; a vhost device has its backend attached (VHOST_STARTED).
 */
static inline bool vs_dev_started(const struct vs_nl_dev *d)
{
	if (vs_dev_is_vhost(d))
		return d->vhost.started;
	return d->status & VIRTIO_CONFIG_S_DRIVER_OK;
}

/*
 * Whether @d is a vhost device the module could not read (VHOST_ERROR,
 * the reason in @d->vhost.error): its reply names the device and its
 * holders, and carries no state.
 */
static inline bool vs_dev_vhost_error(const struct vs_nl_dev *d)
{
	return vs_dev_is_vhost(d) &&
	       vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ERROR);
}

/*
 * Whether @d is a device (of either kind) whose state the kernel left out
 * of a dump, because a lock of another subsystem it needs (a device lock,
 * the RTNL, a vhost device's mutex) stayed held by another task for longer
 * than the request waits (BUSY, the lock named in @d->busy). Its reply
 * names the device (and its holders) only. A request for one device gets
 * EBUSY instead.
 */
static inline bool vs_dev_busy(const struct vs_nl_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_BUSY);
}

/*
 * Whether the kernel left @d's state out of its reply: a busy device, or
 * a vhost device the module could not read. The reply names the device
 * (and its holders) only; there is nothing to compare or count.
 */
static inline bool vs_dev_unread(const struct vs_nl_dev *d)
{
	return vs_dev_vhost_error(d) || vs_dev_busy(d);
}

/* Holder pids kept in @d->vhost.holder_pid, in the reply's order. */
static inline u32 vs_dev_holders_kept(const struct vs_nl_dev *d)
{
	return d->vhost.n_holder_pid < VS_HOLDERS_MAX ? d->vhost.n_holder_pid :
							VS_HOLDERS_MAX;
}

/*
 * Processes holding a vhost device open, all of them: the module sends
 * the first pids and (HOLDERS) how many there are.
 */
static inline u32 vs_dev_holders(const struct vs_nl_dev *d)
{
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_HOLDERS) &&
	    d->vhost.holders > d->vhost.n_holder_pid)
		return d->vhost.holders;
	return d->vhost.n_holder_pid;
}

/* An info reply (struct vs_nl_info), decoded. */
static inline bool vs_info_has(const struct vs_nl_info *i, int attr)
{
	return attr <= VIRTIO_STATUS_A_INFO_MAX && vs_nl_has(i->have, attr);
}

static inline void vs_info_set(struct vs_nl_info *i, int attr)
{
	vs_nl_set(i->have, attr);
}

/* Whether the module says it runs in list-only mode. */
static inline bool vs_info_list_only(const struct vs_nl_info *i)
{
	return vs_info_has(i, VIRTIO_STATUS_A_INFO_MODE) &&
	       i->mode == VIRTIO_STATUS_MODE_LIST_ONLY;
}

/*
 * A queue-get reply (struct vs_nl_queue), decoded. Guest queues carry
 * NAME, NUM_FREE, PACKED, the ring flags and BROKEN; vhost queues
 * LAST_AVAIL_IDX, KICK, CALL, the fds and the GPAs. A reply to a caller
 * without CAP_SYS_ADMIN has no address (DESC, AVAIL, USED, the GPAs) and
 * carries ADDR_HIDDEN instead, the kernel's reason (vs_queue_addr_hidden()).
 * A vhost queue whose owner acked VIRTIO_F_ACCESS_PLATFORM carries
 * ADDR_IOVA: DESC, AVAIL and USED are I/O virtual addresses, and there are
 * no GPAs (vs_queue_addr_iova()).
 */
static inline bool vs_queue_has(const struct vs_nl_queue *q, int attr)
{
	return attr <= VIRTIO_STATUS_A_QUEUE_MAX && vs_nl_has(q->have, attr);
}

static inline void vs_queue_set(struct vs_nl_queue *q, int attr)
{
	vs_nl_set(q->have, attr);
}

static inline void vs_queue_clear(struct vs_nl_queue *q, int attr)
{
	vs_nl_clear(q->have, attr);
}

/* Whether the kernel left the ring addresses out of @q (not privileged). */
static inline bool vs_queue_addr_hidden(const struct vs_nl_queue *q)
{
	return vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN);
}

/* Whether @q's ring addresses are I/O virtual addresses (vIOMMU, vDPA). */
static inline bool vs_queue_addr_iova(const struct vs_nl_queue *q)
{
	return vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) && q->addr_iova;
}

/*
 * An element-get reply (struct vs_nl_element), decoded: the chain in
 * @desc, in order, @n_desc of them (struct vs_nl_desc: addr, valid only
 * when the element's addresses are not hidden, len, flags as the ring
 * holds them). A reply to a caller without CAP_SYS_ADMIN carries
 * ADDR_HIDDEN and no DESC_ADDR in its descriptors (vs_elem_addr_hidden()).
 */
static inline bool vs_elem_has(const struct vs_nl_element *el, int attr)
{
	return attr <= VIRTIO_STATUS_A_ELEMENT_MAX && vs_nl_has(el->have, attr);
}

static inline void vs_elem_set(struct vs_nl_element *el, int attr)
{
	vs_nl_set(el->have, attr);
}

static inline void vs_elem_clear(struct vs_nl_element *el, int attr)
{
	vs_nl_clear(el->have, attr);
}

/* Whether the kernel left the descriptors' addresses out of @el. */
static inline bool vs_elem_addr_hidden(const struct vs_nl_element *el)
{
	return vs_elem_has(el, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN);
}

/* Devices of a dump, in the order the kernel sent them. */
struct vs_dev_list {
	struct vs_nl_dev *devs;
	size_t n;
	size_t cap;
};

void vs_dev_list_free(struct vs_dev_list *l);

/*
 * Every virtqueue's progress, one health-get dump: one entry per queue (a
 * busy device: one entry with busy set and no index), devices in the
 * kernel's order.
 */
struct vs_health_list {
	struct vs_nl_health *q;
	size_t n;
	size_t cap;
};

void vs_health_list_free(struct vs_health_list *l);
/* Returns a zeroed slot at the end of the list, or NULL on ENOMEM. */
struct vs_nl_health *vs_health_list_add(struct vs_health_list *l);
/* Returns a zeroed slot at the end of the list, or NULL on ENOMEM. */
struct vs_nl_dev *vs_dev_list_add(struct vs_dev_list *l);
/*
 * Whether a reply of @l comes from a module in list-only mode: the dump
 * then shows who is there, and no state.
 */
bool vs_dev_list_list_only(const struct vs_dev_list *l);

/* How a request names its device. */
enum vs_target_kind {
	VS_TARGET_PATH,		/* sent as VIRTIO_STATUS_A_HEADER_PATH */
	VS_TARGET_BUSID,	/* sent as VIRTIO_STATUS_A_HEADER_BUSID */
	VS_TARGET_PROC,		/* "/proc/PID/fd/FD" of a vhost device's
				 * holder: sent as VIRTIO_STATUS_A_HEADER_PATH,
				 * verbatim
				 */
};

struct vs_target {
	enum vs_target_kind kind;
	const char *arg;			/* what the user wrote */
	char value[VIRTIO_STATUS_PATH_MAX];	/* what is sent */
};

enum vs_err_kind {
	VS_ERR_NONE,
	VS_ERR_SYS,		/* errnum (kernel or libc) and maybe extack */
	VS_ERR_NOFAMILY,	/* the virtio_status family is not registered */
	VS_ERR_OLD,		/* module too old; detail says why */
	VS_ERR_FEATURES,	/* DEVICE_FEATURES_ERR carried errnum */
	VS_ERR_DUMP_INTR,	/* dump interrupted on every try */
	VS_ERR_MSG,		/* detail is the whole sentence */
	VS_ERR_LIST_ONLY,	/* the module reads no state; detail: why */
	VS_ERR_VHOST_UNREAD,	/* the module could not read this vhost
				 * device; detail: the kernel's reason
				 */
	VS_ERR_BUSY,		/* another task held a lock the device's
				 * state is read under; detail: which
				 * (a VS_ERR_SYS of EBUSY says the same,
				 * its extack naming the lock)
				 */
};

struct vs_err {
	enum vs_err_kind kind;
	int errnum;			/* positive errno */
	char extack[VS_MSG_MAX];	/* NLMSGERR_ATTR_MSG, or "" */
	char detail[VS_MSG_MAX];
};

void vs_err_clear(struct vs_err *e);
void vs_err_sys(struct vs_err *e, int errnum, const char *extack);
void vs_err_set(struct vs_err *e, enum vs_err_kind kind, int errnum,
		const char *fmt, ...) __printf(4, 5);
/*
 * The one sentence to show for @e. @arg is the device the user named, or
 * NULL when the request named none (a dump).
 */
void vs_err_sentence(const struct vs_err *e, const char *arg,
		     char *buf, size_t len);

/*
 * Classify a device argument: "/proc/..." names a vhost device by a
 * holder's fd and is kept verbatim (realpath() would turn it into
 * /dev/vhost-net, which names no one device); any other "/..." is a sysfs
 * path (resolved with realpath() when it exists here); "virtioN" is a bus
 * id. Returns 0, or -1 with @e set.
 */
int vs_target_parse(const char *arg, struct vs_target *t, struct vs_err *e);
/* Whether @s is a /proc path (a vhost device named by a holder's fd). */
bool vs_is_proc_path(const char *s);

/*
 * Where devices come from. dev_get, dev_dump and info return 0, or -1 with
 * @e set; for info, a module without VIRTIO_STATUS_CMD_INFO is VS_ERR_SYS
 * with errnum EOPNOTSUPP.
 *
 * vhost_features: the features the vhost driver behind device node @node
 * ("/dev/vhost-net") offers, as VHOST_GET_FEATURES_ARRAY (or, from older
 * kernels, VHOST_GET_FEATURES) answers on a fresh open of the node.
 * Returns 0, or the positive errno of the open() or ioctl() that failed.
 * The real one caches its answer per node for the run.
 *
 * queue_get: virtqueue @index of the device @t names, one
 * VIRTIO_STATUS_CMD_QUEUE_GET. 0, or -1 with @e set; an index past the
 * device's queues is VS_ERR_SYS with errnum ERANGE.
 *
 * elem_get: the descriptor chain of avail ring entry @index (the last
 * one the driver made available when @has_index is false) of queue
 * @queue of the device @t names, one VIRTIO_STATUS_CMD_ELEMENT_GET. 0, or
 * -1 with @e set.
 *
 * privileged: whether the caller may see vhost devices (CAP_NET_ADMIN), as
 * far as userspace can tell; only used to decide whether to warn.
 */
struct vs_backend_ops {
	int (*dev_get)(void *ctx, const struct vs_target *t,
		       struct vs_nl_dev *dev, struct vs_err *e);
	int (*dev_dump)(void *ctx, struct vs_dev_list *list,
			struct vs_err *e);
	int (*info)(void *ctx, struct vs_nl_info *info, struct vs_err *e);
	int (*health_dump)(void *ctx, struct vs_health_list *list,
			   struct vs_err *e);
	int (*queue_get)(void *ctx, const struct vs_target *t, u32 index,
			 struct vs_nl_queue *q, struct vs_err *e);
	int (*elem_get)(void *ctx, const struct vs_target *t, u32 queue,
			bool has_index, u32 index, struct vs_nl_element *el,
			struct vs_err *e);
	int (*vhost_features)(void *ctx, const char *node,
			      struct vs_fset *features);
	bool (*privileged)(void *ctx);
	/* the family version the kernel said, 0 before any request (may be NULL) */
	unsigned int (*family_version)(void *ctx);
};

struct vs_backend {
	const struct vs_backend_ops *ops;
	void *ctx;
};

#endif /* VS_DEV_H */
