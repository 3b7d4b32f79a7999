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

/*
 * One VIRTIO_STATUS_CMD_DEV_GET reply, decoded. A member is valid only when
 * vs_dev_has() says its attribute was in the reply.
 */
struct vs_dev {
	u32 have;			/* bit (1 << VIRTIO_STATUS_A_*) */
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
};

static inline bool vs_dev_has(const struct vs_dev *d, int attr)
{
	return d->have & (1u << attr);
}

static inline void vs_dev_set(struct vs_dev *d, int attr)
{
	d->have |= 1u << attr;
}

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
 * Classify a device argument: "/..." is a path (resolved with realpath()
 * when it exists here), "virtioN" a bus id. Returns 0, or -1 with @e set.
 */
int vs_target_parse(const char *arg, struct vs_target *t, struct vs_err *e);

/* Where devices come from. Each returns 0, or -1 with @e set. */
struct vs_backend_ops {
	int (*dev_get)(void *ctx, const struct vs_target *t,
		       struct vs_dev *dev, struct vs_err *e);
	int (*dev_dump)(void *ctx, struct vs_dev_list *list,
			struct vs_err *e);
};

struct vs_backend {
	const struct vs_backend_ops *ops;
	void *ctx;
};

#endif /* VS_DEV_H */
