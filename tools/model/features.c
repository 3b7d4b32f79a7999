// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the bit tables of features-table.h, and decoding.
 */
#include <stdio.h>
#include <string.h>

#include <linux/virtio_ids.h>

#include "features.h"

#define VS_FEAT(table, bit, sym, src, desc) \
	{ table, bit, #sym, desc, (#src)[0] },
const struct vs_feat vs_feats[] = {
#include "features-table.h"
};

#undef VS_FEAT

const size_t vs_n_feats = ARRAY_SIZE(vs_feats);

/* Device types with a table, for people: "device id: 1 (net)". */
static const struct {
	unsigned int id;
	const char *name;
} vs_type_names[] = {
	{ VIRTIO_ID_NET, "net" },
	{ VIRTIO_ID_BLOCK, "blk" },
	{ VIRTIO_ID_CONSOLE, "console" },
	{ VIRTIO_ID_BALLOON, "balloon" },
	{ VIRTIO_ID_SCSI, "scsi" },
	{ VIRTIO_ID_9P, "9p" },
	{ VIRTIO_ID_GPU, "gpu" },
	{ VIRTIO_ID_CLOCK, "clock" },
	{ VIRTIO_ID_VSOCK, "vsock" },
	{ VIRTIO_ID_CRYPTO, "crypto" },
	{ VIRTIO_ID_IOMMU, "iommu" },
	{ VIRTIO_ID_MEM, "mem" },
	{ VIRTIO_ID_SOUND, "sound" },
	{ VIRTIO_ID_FS, "fs" },
	{ VIRTIO_ID_PMEM, "pmem" },
	{ VIRTIO_ID_SCMI, "scmi" },
	{ VIRTIO_ID_I2C_ADAPTER, "i2c" },
	{ VIRTIO_ID_CAN, "can" },
	{ VIRTIO_ID_BT, "bt" },
	{ VIRTIO_ID_GPIO, "gpio" },
};

const char *vs_feat_type_name(unsigned int device_id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_type_names); i++)
		if (vs_type_names[i].id == device_id)
			return vs_type_names[i].name;
	return NULL;
}

bool vs_feat_table(unsigned int id, struct vs_feat_table *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	t->id = id;
	for (i = 0; i < vs_n_feats; i++) {
		if (vs_feats[i].table != id)
			continue;
		if (!t->n)
			t->feats = &vs_feats[i];
		t->n++;
	}
	return t->n;
}

static const struct vs_feat *vs_model_table_bit(unsigned int id, unsigned int bit)
{
	size_t i;

	for (i = 0; i < vs_n_feats; i++)
		if (vs_feats[i].table == id && vs_feats[i].bit == bit)
			return &vs_feats[i];
	return NULL;
}

const struct vs_feat *vs_feat_find(unsigned int bit, unsigned int device_id,
				   enum vs_decode_as as, bool *transport)
{
	const struct vs_feat *f;

	*transport = false;
	switch (as) {
	case VS_AS_STATUS:
		return vs_model_table_bit(VS_TBL_STATUS, bit);
	case VS_AS_VHOST_BACKEND:
		return vs_model_table_bit(VS_TBL_VHOST_BACKEND, bit);
	case VS_AS_VHOST:
		f = vs_model_table_bit(VS_TBL_VHOST, bit);
		if (f)
			return f;
		break;
	case VS_AS_GUEST:
		break;
	}
	f = vs_model_table_bit(VS_TBL_TRANSPORT, bit);
	if (f) {
		*transport = true;
		return f;
	}
	f = vs_model_table_bit(VS_TBL_COMMON, bit);
	if (f)
		return f;
	/* device ids past 16 bits have no table; never a VS_TBL_* */
	if (device_id >= VS_TBL_TRANSPORT)
		return NULL;
	return vs_model_table_bit(device_id, bit);
}

char *vs_fset_hex(const struct vs_fset *s, char *buf, size_t len)
{
	snprintf(buf, len, "0x%016llx%016llx", (unsigned long long)s->w[1],
		 (unsigned long long)s->w[0]);
	return buf;
}

void vs_decode(const struct vs_fset *bits, unsigned int device_id,
	       enum vs_decode_as as, struct vs_decoded *out)
{
	const struct vs_feat *f;
	unsigned int bit;
	bool transport;

	memset(out, 0, sizeof(*out));
	for (bit = 0; bit < VS_FEAT_BITS; bit++) {
		if (!vs_fset_test(bits, bit))
			continue;
		f = vs_feat_find(bit, device_id, as, &transport);
		if (!f)
			out->unknown.w[bit / 64] |= BIT_ULL(bit % 64);
		else if (transport)
			out->transport[out->n_transport++] = f;
		else
			out->dev[out->n_dev++] = f;
	}
}

char *vs_feat_string(const struct vs_feat *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s: %s", f->sym, f->desc);
	return buf;
}

/* Indexed by status bit; NULL for bits without a name. */
static const char * const vs_model_status_flag_names[8] = {
	[0] = "ACK",		/* ACKNOWLEDGE */
	[1] = "DRV",		/* DRIVER */
	[2] = "OK",		/* DRIVER_OK */
	[3] = "FEAT",		/* FEATURES_OK */
	[6] = "RESET",		/* NEEDS_RESET */
	[7] = "FAILED",		/* FAILED */
};

const char *vs_status_flag(unsigned int bit)
{
	if (bit >= ARRAY_SIZE(vs_model_status_flag_names))
		return NULL;
	return vs_model_status_flag_names[bit];
}

char *vs_status_flags(u32 status, char *buf, size_t len)
{
	/* the order a driver sets them in */
	static const unsigned int order[] = { 0, 1, 3, 2, 6, 7 };
	size_t i, off = 0;
	u32 rest = status;
	int n;

	buf[0] = '\0';
	if (!status) {
		snprintf(buf, len, "-");
		return buf;
	}
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (!(status & (1u << order[i])))
			continue;
		rest &= ~(1u << order[i]);
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
			     vs_status_flag(order[i]));
		if (n < 0 || (size_t)n >= len - off)
			return buf;
		off += n;
	}
	if (rest)
		snprintf(buf + off, len - off, "%s0x%x", off ? "," : "", rest);
	return buf;
}
