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
#include <linux/virtio_status.h>

#include "features.h"
#include "util.h"

#define VS_NAME_MAX	64
#define VS_STR_MAX	64
#define VS_MSG_MAX	512
/* Holders of one vhost device kept; n_holder_pids counts every one sent. */
#define VS_HOLDERS_MAX	64

/*
 * Which VIRTIO_STATUS_A_* attributes a reply carried: bit (attr % 64) of
 * word (attr / 64), for every attribute number the uapi has.
 */
#define VS_ATTR_WORDS	(VIRTIO_STATUS_A_MAX / 64 + 1)

struct vs_attr_mask {
	u64 w[VS_ATTR_WORDS];
};

/* Attribute numbers past the uapi's are never in a mask. */
static inline bool vs_mask_has(const struct vs_attr_mask *m, int attr)
{
	if (attr < 0 || attr > VIRTIO_STATUS_A_MAX)
		return false;
	return m->w[attr / 64] & BIT_ULL(attr % 64);
}

static inline void vs_mask_set(struct vs_attr_mask *m, int attr)
{
	if (attr >= 0 && attr <= VIRTIO_STATUS_A_MAX)
		m->w[attr / 64] |= BIT_ULL(attr % 64);
}

static inline void vs_mask_clear(struct vs_attr_mask *m, int attr)
{
	if (attr >= 0 && attr <= VIRTIO_STATUS_A_MAX)
		m->w[attr / 64] &= ~BIT_ULL(attr % 64);
}

/*
 * One VIRTIO_STATUS_CMD_DEV_GET reply, decoded. A member is valid only when
 * vs_dev_has() says its attribute was in the reply. What the reply describes
 * is vs_dev_kind(): a virtio device (guest side) or a vhost device (host
 * side); the vhost_* members are for the latter only.
 *
 * Feature sets come in two words: the *_features member is bits 0-63, the
 * *_features_hi member bits 64-127 (a module built for a kernel with
 * 128-bit feature sets sends it, zero or not). vs_dev_driver_features() and
 * its siblings put them together.
 */
struct vs_dev {
	struct vs_attr_mask have;
	char path[VIRTIO_STATUS_PATH_MAX];
	char busid[VIRTIO_STATUS_BUSID_MAX];
	char name[VS_NAME_MAX];
	char transport[VS_STR_MAX];
	char driver[VS_STR_MAX];
	u32 index;
	u32 device_id;
	u32 vendor;
	u32 status;
	u64 driver_features;
	u64 driver_features_hi;
	u64 device_features;
	u64 device_features_hi;
	u32 device_features_err;	/* positive errno */
	u32 num_vqs;		/* the driver's: queues it set up */
	u32 device_num_vqs;	/* the device's: queues it offers */
	bool list_only;		/* the module reads no state (LIST_ONLY) */
	bool broken;
	bool failed;
	u32 endian;		/* enum virtio_status_endian */
	u32 generation;
	u32 kind;		/* enum virtio_status_kind */
	u64 vhost_acked_features;
	u64 vhost_acked_features_hi;
	u64 vhost_backend_features;
	u32 vhost_mem_regions;
	bool vhost_log_enabled;
	bool vhost_started;
	u32 vhost_owner_pid;
	/* the first VS_HOLDERS_MAX VHOST_HOLDER_PIDs, in the reply's order */
	u32 holder_pids[VS_HOLDERS_MAX];
	u32 n_holder_pids;	/* how many the reply carried, all of them */
	/* VHOST_ERROR: why the module could not read this vhost device */
	char vhost_error[VS_MSG_MAX];
	/* BUSY: the lock another task held, so that no state was read */
	char busy[VS_MSG_MAX];
};

static inline bool vs_dev_has(const struct vs_dev *d, int attr)
{
	return vs_mask_has(&d->have, attr);
}

static inline void vs_dev_set(struct vs_dev *d, int attr)
{
	vs_mask_set(&d->have, attr);
}

static inline void vs_dev_clear(struct vs_dev *d, int attr)
{
	vs_mask_clear(&d->have, attr);
}

/* @lo, and @hi when the reply carried @hi_attr. */
static inline struct vs_fset vs_dev_fset(const struct vs_dev *d, u64 lo,
					 int hi_attr, u64 hi)
{
	return vs_fset_of(lo, vs_dev_has(d, hi_attr) ? hi : 0);
}

/* What the driver accepted (DRIVER_FEATURES and its _HI). */
static inline struct vs_fset vs_dev_driver_features(const struct vs_dev *d)
{
	return vs_dev_fset(d, d->driver_features,
			   VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI,
			   d->driver_features_hi);
}

/* What the device offers (DEVICE_FEATURES and its _HI). */
static inline struct vs_fset vs_dev_device_features(const struct vs_dev *d)
{
	return vs_dev_fset(d, d->device_features,
			   VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI,
			   d->device_features_hi);
}

/* What a vhost device's owner acked (VHOST_ACKED_FEATURES and its _HI). */
static inline struct vs_fset vs_dev_vhost_acked(const struct vs_dev *d)
{
	return vs_dev_fset(d, d->vhost_acked_features,
			   VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES_HI,
			   d->vhost_acked_features_hi);
}

/* Whether the reply comes from a module in list-only mode. */
static inline bool vs_dev_list_only(const struct vs_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_LIST_ONLY) && d->list_only;
}

/*
 * QEMU's num-vqs: the queues the device offers when the reply says
 * (DEVICE_NUM_VQS: modern virtio-pci), else the queues the driver set up.
 */
static inline bool vs_dev_has_num_vqs(const struct vs_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS) ||
	       vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS);
}

static inline u32 vs_dev_num_vqs(const struct vs_dev *d)
{
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS))
		return d->device_num_vqs;
	return d->num_vqs;
}

/*
 * A reply without VIRTIO_STATUS_A_DEV_KIND comes from a module that knew
 * virtio devices only.
 */
static inline u32 vs_dev_kind(const struct vs_dev *d)
{
	if (!vs_dev_has(d, VIRTIO_STATUS_A_DEV_KIND))
		return VIRTIO_STATUS_KIND_VIRTIO;
	return d->kind;
}

/*
 * Whether @d is a vhost device the module could not read (VHOST_ERROR,
 * the reason in @d->vhost_error): its reply names the device and its
 * holders, and carries no state.
 */
static inline bool vs_dev_vhost_error(const struct vs_dev *d)
{
	return vs_dev_kind(d) == VIRTIO_STATUS_KIND_VHOST &&
	       vs_dev_has(d, VIRTIO_STATUS_A_DEV_VHOST_ERROR);
}

/*
 * Whether @d is a device (of either kind) whose state the kernel left out
 * of a dump, because a lock of another subsystem it needs (a device lock,
 * the RTNL, a vhost device's mutex) stayed held by another task for longer
 * than the request waits (BUSY, the lock named in @d->busy). Its reply
 * names the device (and its holders) only. A request for one device gets
 * EBUSY instead.
 */
static inline bool vs_dev_busy(const struct vs_dev *d)
{
	return vs_dev_has(d, VIRTIO_STATUS_A_DEV_BUSY);
}

/* Holder pids actually kept in @d->holder_pids. */
static inline u32 vs_dev_holders_kept(const struct vs_dev *d)
{
	return d->n_holder_pids < VS_HOLDERS_MAX ? d->n_holder_pids :
						   VS_HOLDERS_MAX;
}

/* One VIRTIO_STATUS_CMD_INFO reply, decoded; vs_info_has() as above. */
struct vs_info {
	struct vs_attr_mask have;
	u32 vhost_state;		/* enum virtio_status_vhost_state */
	char vhost_reason[VS_MSG_MAX];
	char vhost_layout[VS_MSG_MAX];
	u32 generation;
	u32 mode;			/* enum virtio_status_mode */
	char mode_reason[VS_MSG_MAX];
	char fingerprint[VS_MSG_MAX];
	u32 feature_bits;		/* 64 or 128 */
};

static inline bool vs_info_has(const struct vs_info *i, int attr)
{
	return vs_mask_has(&i->have, attr);
}

static inline void vs_info_set(struct vs_info *i, int attr)
{
	vs_mask_set(&i->have, attr);
}

/* Whether the module says it runs in list-only mode. */
static inline bool vs_info_list_only(const struct vs_info *i)
{
	return vs_info_has(i, VIRTIO_STATUS_A_INFO_MODE) &&
	       i->mode == VIRTIO_STATUS_MODE_LIST_ONLY;
}

/*
 * One VIRTIO_STATUS_CMD_QUEUE_GET reply, decoded; vs_queue_has() as for
 * vs_dev. Guest queues carry NAME, NUM_FREE, PACKED, the ring flags and
 * BROKEN; vhost queues LAST_AVAIL_IDX, KICK, CALL, the fds and the GPAs.
 * A reply to a caller without CAP_SYS_ADMIN has no address (DESC, AVAIL,
 * USED, the GPAs) and carries QUEUE_ADDR_HIDDEN instead, the kernel's
 * reason (vs_queue_addr_hidden()). A vhost queue whose owner acked
 * VIRTIO_F_ACCESS_PLATFORM carries QUEUE_ADDR_IOVA: DESC, AVAIL and USED
 * are I/O virtual addresses, and there are no GPAs (vs_queue_addr_iova()).
 */
struct vs_queue {
	struct vs_attr_mask have;
	u32 index;
	char name[VS_NAME_MAX];
	u32 num;
	u32 num_free;
	u64 desc;
	u64 avail;
	u64 used;
	bool packed;
	u32 avail_idx;
	u32 used_idx;
	u32 avail_flags;
	u32 used_flags;
	bool broken;
	u32 last_avail_idx;
	bool kick;
	bool call;
	u32 kick_fd;
	u32 call_fd;
	u64 desc_gpa;
	u64 avail_gpa;
	u64 used_gpa;
	bool addr_iova;
	char addr_hidden[VS_MSG_MAX];
};

static inline bool vs_queue_has(const struct vs_queue *q, int attr)
{
	return vs_mask_has(&q->have, attr);
}

static inline void vs_queue_set(struct vs_queue *q, int attr)
{
	vs_mask_set(&q->have, attr);
}

static inline void vs_queue_clear(struct vs_queue *q, int attr)
{
	vs_mask_clear(&q->have, attr);
}

/* Whether the kernel left the ring addresses out of @q (not privileged). */
static inline bool vs_queue_addr_hidden(const struct vs_queue *q)
{
	return vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN);
}

/* Whether @q's ring addresses are I/O virtual addresses (vIOMMU, vDPA). */
static inline bool vs_queue_addr_iova(const struct vs_queue *q)
{
	return vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) && q->addr_iova;
}

/*
 * One descriptor of a chain (VIRTIO_STATUS_A_ELEM_DESC), decoded. @addr is
 * valid only when the element's addresses are not hidden.
 */
struct vs_desc {
	u64 addr;
	u32 len;
	u32 flags;		/* VRING_DESC_F_* as the ring holds them */
};

/*
 * One VIRTIO_STATUS_CMD_ELEMENT_GET reply, decoded; vs_elem_has() as for
 * vs_dev. @descs is malloc()ed (vs_elem_free()), in chain order. A reply
 * to a caller without CAP_SYS_ADMIN carries QUEUE_ADDR_HIDDEN and no
 * DESC_ADDR in its descriptors (vs_elem_addr_hidden()).
 */
struct vs_elem {
	struct vs_attr_mask have;
	u32 queue_index;
	u32 elem_index;			/* the avail ring index used */
	u32 head;
	u32 avail_idx;
	u32 avail_flags;
	u32 used_idx;
	u32 used_flags;
	struct vs_desc *descs;
	u32 n_descs;
	char addr_hidden[VS_MSG_MAX];
};

static inline bool vs_elem_has(const struct vs_elem *el, int attr)
{
	return vs_mask_has(&el->have, attr);
}

static inline void vs_elem_set(struct vs_elem *el, int attr)
{
	vs_mask_set(&el->have, attr);
}

static inline void vs_elem_clear(struct vs_elem *el, int attr)
{
	vs_mask_clear(&el->have, attr);
}

/* Whether the kernel left the descriptors' addresses out of @el. */
static inline bool vs_elem_addr_hidden(const struct vs_elem *el)
{
	return vs_elem_has(el, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN);
}

void vs_elem_free(struct vs_elem *el);

/* Devices of a dump, in the order the kernel sent them. */
struct vs_dev_list {
	struct vs_dev *devs;
	size_t n;
	size_t cap;
};

void vs_dev_list_free(struct vs_dev_list *l);
/* Returns a zeroed slot at the end of the list, or NULL on ENOMEM. */
struct vs_dev *vs_dev_list_add(struct vs_dev_list *l);

/* How each VIRTIO_STATUS_A_* attribute is carried, as the uapi says. */
enum vs_attr_type {
	VS_ATTR_NONE,		/* not expected in a reply (PAD) */
	VS_ATTR_U8,
	VS_ATTR_U32,
	VS_ATTR_U64,
	VS_ATTR_STRING,
	VS_ATTR_NEST,		/* checked by whoever reads it */
};

struct vs_attr_info {
	const char *name;	/* without the VIRTIO_STATUS_A_ prefix */
	enum vs_attr_type type;
};

/* Indexed by attribute; entries past the uapi's list are zero. */
extern const struct vs_attr_info vs_attrs[VIRTIO_STATUS_A_MAX + 1];

/* Name of a VIRTIO_STATUS_A_* attribute, for messages. */
const char *vs_attr_name(int attr);

/* How a request names its device. */
enum vs_target_kind {
	VS_TARGET_PATH,		/* sent as VIRTIO_STATUS_A_DEV_PATH */
	VS_TARGET_BUSID,	/* sent as VIRTIO_STATUS_A_DEV_BUSID */
	VS_TARGET_PROC,		/* "/proc/PID/fd/FD" of a vhost device's
				 * holder: sent as VIRTIO_STATUS_A_DEV_PATH,
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
 * -1 with @e set; on success @el->descs is the caller's to vs_elem_free().
 *
 * privileged: whether the caller may see vhost devices (CAP_NET_ADMIN), as
 * far as userspace can tell; only used to decide whether to warn.
 */
struct vs_backend_ops {
	int (*dev_get)(void *ctx, const struct vs_target *t,
		       struct vs_dev *dev, struct vs_err *e);
	int (*dev_dump)(void *ctx, struct vs_dev_list *list,
			struct vs_err *e);
	int (*info)(void *ctx, struct vs_info *info, struct vs_err *e);
	int (*queue_get)(void *ctx, const struct vs_target *t, u32 index,
			 struct vs_queue *q, struct vs_err *e);
	int (*elem_get)(void *ctx, const struct vs_target *t, u32 queue,
			bool has_index, u32 index, struct vs_elem *el,
			struct vs_err *e);
	int (*vhost_features)(void *ctx, const char *node,
			      struct vs_fset *features);
	bool (*privileged)(void *ctx);
};

struct vs_backend {
	const struct vs_backend_ops *ops;
	void *ctx;
};

#endif /* VS_DEV_H */
