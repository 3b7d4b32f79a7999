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

#include "util.h"

#define VS_NAME_MAX	64
#define VS_STR_MAX	64
#define VS_MSG_MAX	512
/* Holders of one vhost device kept; n_holder_pids counts every one sent. */
#define VS_HOLDERS_MAX	64

/*
 * One VIRTIO_STATUS_CMD_DEV_GET reply, decoded. A member is valid only when
 * vs_dev_has() says its attribute was in the reply. What the reply describes
 * is vs_dev_kind(): a virtio device (guest side) or a vhost device (host
 * side); the vhost_* members are for the latter only.
 */
struct vs_dev {
	u64 have;			/* bit (1ULL << VIRTIO_STATUS_A_*) */
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
	u64 device_features;
	u32 device_features_err;	/* positive errno */
	u32 num_vqs;
	bool broken;
	bool failed;
	u32 endian;		/* enum virtio_status_endian */
	u32 generation;
	u32 kind;		/* enum virtio_status_kind */
	u64 vhost_acked_features;
	u64 vhost_backend_features;
	u32 vhost_mem_regions;
	bool vhost_log_enabled;
	bool vhost_started;
	u32 vhost_owner_pid;
	/* the first VS_HOLDERS_MAX VHOST_HOLDER_PIDs, in the reply's order */
	u32 holder_pids[VS_HOLDERS_MAX];
	u32 n_holder_pids;	/* how many the reply carried, all of them */
};

static inline bool vs_dev_has(const struct vs_dev *d, int attr)
{
	return d->have & (1ULL << attr);
}

static inline void vs_dev_set(struct vs_dev *d, int attr)
{
	d->have |= 1ULL << attr;
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

/* Holder pids actually kept in @d->holder_pids. */
static inline u32 vs_dev_holders_kept(const struct vs_dev *d)
{
	return d->n_holder_pids < VS_HOLDERS_MAX ? d->n_holder_pids :
						   VS_HOLDERS_MAX;
}

/* One VIRTIO_STATUS_CMD_INFO reply, decoded; vs_info_has() as above. */
struct vs_info {
	u64 have;			/* bit (1ULL << VIRTIO_STATUS_A_*) */
	u32 vhost_state;		/* enum virtio_status_vhost_state */
	char vhost_reason[VS_MSG_MAX];
	char vhost_layout[VS_MSG_MAX];
};

static inline bool vs_info_has(const struct vs_info *i, int attr)
{
	return i->have & (1ULL << attr);
}

/*
 * One VIRTIO_STATUS_CMD_QUEUE_GET reply, decoded; vs_queue_has() as for
 * vs_dev. Guest queues carry NAME, NUM_FREE, PACKED, the ring flags and
 * BROKEN; vhost queues LAST_AVAIL_IDX, KICK, CALL, the fds and the GPAs.
 */
struct vs_queue {
	u64 have;			/* bit (1ULL << VIRTIO_STATUS_A_*) */
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
};

static inline bool vs_queue_has(const struct vs_queue *q, int attr)
{
	return q->have & (1ULL << attr);
}

/* One descriptor of a chain (VIRTIO_STATUS_A_ELEM_DESC), decoded. */
struct vs_desc {
	u64 addr;
	u32 len;
	u32 flags;		/* VRING_DESC_F_* as the ring holds them */
};

/*
 * One VIRTIO_STATUS_CMD_ELEMENT_GET reply, decoded; vs_elem_has() as for
 * vs_dev. @descs is malloc()ed (vs_elem_free()), in chain order.
 */
struct vs_elem {
	u64 have;			/* bit (1ULL << VIRTIO_STATUS_A_*) */
	u32 queue_index;
	u32 elem_index;			/* the avail ring index used */
	u32 head;
	u32 avail_idx;
	u32 avail_flags;
	u32 used_idx;
	u32 used_flags;
	struct vs_desc *descs;
	u32 n_descs;
};

static inline bool vs_elem_has(const struct vs_elem *el, int attr)
{
	return el->have & (1ULL << attr);
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
 * ("/dev/vhost-net") offers, as VHOST_GET_FEATURES answers on a fresh open
 * of the node. Returns 0, or the positive errno of the open() or ioctl()
 * that failed. The real one caches its answer per node for the run.
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
	int (*vhost_features)(void *ctx, const char *node, u64 *features);
	bool (*privileged)(void *ctx);
};

struct vs_backend {
	const struct vs_backend_ops *ops;
	void *ctx;
};

#endif /* VS_DEV_H */
