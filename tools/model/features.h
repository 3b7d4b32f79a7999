/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: feature and status bits by name. The names and our short
 * descriptions live in features-table.h; this turns a bitmap into the
 * lists QEMU's VirtioDeviceFeatures / VirtioDeviceStatus carry.
 */
#ifndef VS_FEATURES_H
#define VS_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/*
 * A feature set: the kernel keeps up to 128 feature bits per device (6.17
 * and later; 64 before). w[0] holds bits 0-63, w[1] bits 64-127.
 */
#define VS_FEAT_WORDS	2
#define VS_FEAT_BITS	(64 * VS_FEAT_WORDS)

struct vs_fset {
	u64 w[VS_FEAT_WORDS];
};

static inline struct vs_fset vs_fset_of(u64 lo, u64 hi)
{
	return (struct vs_fset){ .w = { lo, hi } };
}

static inline bool vs_fset_test(const struct vs_fset *s, unsigned int bit)
{
	return bit < VS_FEAT_BITS && (s->w[bit / 64] & BIT_ULL(bit % 64));
}

/* Whether a bit above 63 is set. */
static inline bool vs_fset_high(const struct vs_fset *s)
{
	return s->w[1] != 0;
}

static inline unsigned int vs_fset_weight(const struct vs_fset *s)
{
	return __builtin_popcountll(s->w[0]) + __builtin_popcountll(s->w[1]);
}

/* The bits of @a that @b lacks. */
static inline struct vs_fset vs_fset_andnot(const struct vs_fset *a,
					    const struct vs_fset *b)
{
	return vs_fset_of(a->w[0] & ~b->w[0], a->w[1] & ~b->w[1]);
}

/* Room for vs_fset_hex(): "0x", 32 digits, NUL. */
#define VS_FSET_HEX_LEN	35

/* "0x" and 32 lowercase hex digits, bits 127..0, in @buf. Returns @buf. */
char *vs_fset_hex(const struct vs_fset *s, char *buf, size_t len);

/* Tables that belong to no device id (device ids are below 0x10000). */
enum {
	VS_TBL_TRANSPORT = 0x10000,
	VS_TBL_COMMON,
	VS_TBL_VHOST,
	VS_TBL_VHOST_BACKEND,
	VS_TBL_STATUS,
};

/* One named bit. */
struct vs_feat {
	unsigned int table;	/* device id or VS_TBL_* */
	unsigned int bit;
	const char *sym;	/* "VIRTIO_F_VERSION_1" */
	const char *desc;	/* our words, no trailing period */
	char src;		/* 'H', 'E', 'S' or 'N': see features-table.h */
};

/* Every entry of features-table.h, in its order. */
extern const struct vs_feat vs_feats[];
extern const size_t vs_n_feats;

/* The entries of one table, which sit together in vs_feats[]. */
struct vs_feat_table {
	unsigned int id;	/* virtio device id or VS_TBL_* */
	const struct vs_feat *feats;
	size_t n;
};

/* The table of @id (a device id or VS_TBL_*) in @t; false if none. */
bool vs_feat_table(unsigned int id, struct vs_feat_table *t);

/* Our short name of a device type with a table ("net"), or NULL. */
const char *vs_feat_type_name(unsigned int device_id);

/* What a bitmap is decoded as. */
enum vs_decode_as {
	VS_AS_GUEST,		/* features of a virtio device */
	VS_AS_VHOST,		/* features of a vhost device: adds VHOST_F_* */
	VS_AS_VHOST_BACKEND,	/* vhost backend features: VHOST_BACKEND_F_* */
	VS_AS_STATUS,		/* the status byte */
};

/*
 * A bitmap split as QEMU splits it: transport bits, device bits (for the
 * status byte: every named bit is in @dev), and what is left unnamed.
 * Each list is in ascending bit order.
 */
struct vs_decoded {
	const struct vs_feat *transport[VS_FEAT_BITS];
	size_t n_transport;
	const struct vs_feat *dev[VS_FEAT_BITS];
	size_t n_dev;
	struct vs_fset unknown;
};

void vs_decode(const struct vs_fset *bits, unsigned int device_id,
	       enum vs_decode_as as, struct vs_decoded *out);

/* The named bit @bit of a device, or NULL (for "show"). */
const struct vs_feat *vs_feat_find(unsigned int bit, unsigned int device_id,
				   enum vs_decode_as as, bool *transport);

/*
 * "SYMBOL: description", the string QEMU's decoded lists carry, in @buf.
 * Returns @buf.
 */
char *vs_feat_string(const struct vs_feat *f, char *buf, size_t len);

/* Short flag of a status bit ("ACK", "DRV", "OK", ...), for tables. */
const char *vs_status_flag(unsigned int bit);

/*
 * The status byte as short flags joined by ',' ("ACK,DRV,FEAT,OK"),
 * unnamed bits as "0x.."; "-" for 0. In @buf, which is returned.
 */
char *vs_status_flags(u32 status, char *buf, size_t len);

#endif /* VS_FEATURES_H */
