// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status show: plain text views of the devices.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "features.h"
#include "names.h"
#include "qmp.h"
#include "show.h"

#define VS_COL_MAX	(VIRTIO_STATUS_PATH_MAX + 16)

enum {
	VS_COL_NAME,
	VS_COL_ID,
	VS_COL_DRIVER,
	VS_COL_STATUS,
	VS_COL_FEATURES,
	VS_COL_VQS,
	VS_COL_PATH,
	VS_NR_COLS,
};

static const char * const vs_col_heads[VS_NR_COLS] = {
	"NAME", "ID", "DRIVER", "STATUS", "FEATURES", "VQS", "PATH",
};

struct vs_row {
	char col[VS_NR_COLS][VS_COL_MAX];
};

void vs_short_id(const struct vs_nl_dev *d, char *buf, size_t len)
{
	unsigned int pid, fd;

	if (vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID) && d->header.busid[0]) {
		snprintf(buf, len, "%s", d->header.busid);
		return;
	}
	if (sscanf(d->header.path, "/proc/%u/fd/%u", &pid, &fd) == 2) {
		snprintf(buf, len, "%u/%u", pid, fd);
		return;
	}
	snprintf(buf, len, "-");
}

/*
 * One row; "-" for what the reply lacks (a module in list-only mode sends
 * no status, features or queue counts; nor is any sent for a busy device,
 * whose STATUS says "busy").
 */
static void vs_fill_row(const struct vs_nl_dev *d, struct vs_row *r)
{
	struct vs_fset neg = vs_dev_negotiated(d);

	snprintf(r->col[VS_COL_NAME], VS_COL_MAX, "%s", d->name);
	vs_short_id(d, r->col[VS_COL_ID], VS_COL_MAX);
	snprintf(r->col[VS_COL_DRIVER], VS_COL_MAX, "%s",
		 vs_dev_bound(d) ? d->driver : "-");
	if (vs_dev_busy(d))
		snprintf(r->col[VS_COL_STATUS], VS_COL_MAX, "busy");
	else if (vs_dev_is_vhost(d))
		/* no status byte: say whether a backend is attached */
		snprintf(r->col[VS_COL_STATUS], VS_COL_MAX, "%s",
			 vs_dev_started(d) ? "started" : "-");
	else if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS))
		vs_status_flags(d->status, r->col[VS_COL_STATUS], VS_COL_MAX);
	else
		snprintf(r->col[VS_COL_STATUS], VS_COL_MAX, "-");
	if (vs_dev_has_negotiated(d))
		snprintf(r->col[VS_COL_FEATURES], VS_COL_MAX, "%u",
			 vs_fset_weight(&neg));
	else
		snprintf(r->col[VS_COL_FEATURES], VS_COL_MAX, "-");
	/* QEMU's num-vqs */
	if (vs_dev_has_num_vqs(d))
		snprintf(r->col[VS_COL_VQS], VS_COL_MAX, "%u",
			 vs_dev_num_vqs(d));
	else
		snprintf(r->col[VS_COL_VQS], VS_COL_MAX, "-");
	snprintf(r->col[VS_COL_PATH], VS_COL_MAX, "%s", d->header.path);
}

/*
 * The names people use for @d (model/names.h), under its row: "  device:
 * eth0" or "  tap: vnet3  vm: web01"; nothing when none is known. The bus
 * id is the row's ID already, the uuid is left to show DEVICE.
 */
static void vs_print_names_line(FILE *out, const struct vs_nl_dev *d)
{
	struct vs_dev_names n;
	const struct {
		const char *key;
		const char *v;
	} kv[] = {
		{ "device", n.device }, { "tap", n.tap }, { "cid", n.cid },
		{ "vm", n.vm },
	};
	bool any = false;
	size_t i;

	vs_dev_names_get(d, &n, vs_names_proc_root());
	for (i = 0; i < ARRAY_SIZE(kv); i++) {
		if (!kv[i].v[0])
			continue;
		fprintf(out, "  %s: %s", kv[i].key, kv[i].v);
		any = true;
	}
	if (any)
		fputc('\n', out);
}

static void vs_print_row(FILE *out, const char * const *cols,
			 const size_t *width)
{
	int i;

	for (i = 0; i < VS_NR_COLS - 1; i++)
		fprintf(out, "%-*s  ", (int)width[i], cols[i]);
	fprintf(out, "%s\n", cols[VS_NR_COLS - 1]);
}

/* @o (put here) as JSON text on @out. 0, or -1 with @e set. */
static int vs_show_print_json(struct json_object *o, bool pretty, FILE *out,
			      struct vs_err *e)
{
	char *text = o ? vs_json_text(o, pretty) : NULL;

	json_object_put(o);
	if (!text) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	fprintf(out, "%s\n", text);
	free(text);
	return 0;
}

/* show -j: every device of @l. */
static int vs_show_list_json(const struct vs_dev_list *l, bool pretty,
			     FILE *out, struct vs_err *e)
{
	struct json_object *a = json_object_new_array(), *row;
	size_t i;

	for (i = 0; a && i < l->n; i++) {
		row = vs_show_json_row(&l->devs[i]);
		if (!row || json_object_array_add(a, row)) {
			json_object_put(row);
			json_object_put(a);
			a = NULL;
		}
	}
	return vs_show_print_json(a, pretty, out, e);
}

int vs_show_list(const struct vs_backend *be, const struct vs_show_opts *so,
		 FILE *out, FILE *err, struct vs_err *e)
{
	char sentence[2 * VS_MSG_MAX];
	const char *cols[VS_NR_COLS];
	struct vs_dev_list l = { 0 };
	size_t width[VS_NR_COLS];
	struct vs_row *rows;
	size_t i;
	int c;

	vs_err_clear(e);
	if (be->ops->dev_dump(be->ctx, &l, e) < 0)
		goto fail;
	if (so->json) {
		c = vs_show_list_json(&l, so->pretty, out, e);
		vs_dev_list_free(&l);
		if (c < 0)
			goto fail;
		return 0;
	}
	rows = calloc(l.n ? l.n : 1, sizeof(*rows));
	if (!rows) {
		vs_dev_list_free(&l);
		vs_err_sys(e, ENOMEM, NULL);
		goto fail;
	}
	for (c = 0; c < VS_NR_COLS; c++)
		width[c] = strlen(vs_col_heads[c]);
	for (i = 0; i < l.n; i++) {
		vs_fill_row(&l.devs[i], &rows[i]);
		for (c = 0; c < VS_NR_COLS; c++)
			if (strlen(rows[i].col[c]) > width[c])
				width[c] = strlen(rows[i].col[c]);
	}
	vs_print_row(out, vs_col_heads, width);
	for (i = 0; i < l.n; i++) {
		for (c = 0; c < VS_NR_COLS; c++)
			cols[c] = rows[i].col[c];
		vs_print_row(out, cols, width);
		vs_print_names_line(out, &l.devs[i]);
		/* why its row is mostly "-", under it */
		if (vs_dev_vhost_error(&l.devs[i]))
			fprintf(out, "  error: %s\n", l.devs[i].vhost.error);
		if (vs_dev_busy(&l.devs[i]))
			fprintf(out, "  busy: %s\n", l.devs[i].busy);
	}
	/* say once why the table is mostly "-" */
	if (vs_dev_list_list_only(&l)) {
		vs_err_list_only(be, e);
		vs_err_sentence(e, NULL, sentence, sizeof(sentence));
		fprintf(err, "virtio-status: %s\n", sentence);
		vs_err_clear(e);
	}
	free(rows);
	vs_dev_list_free(&l);
	return 0;

fail:
	vs_err_sentence(e, NULL, sentence, sizeof(sentence));
	fprintf(err, "%s\n", sentence);
	return -1;
}

/* "  key:" padded, then the value. */
static void vs_kv(FILE *out, const char *key, const char *fmt, ...)
	__printf(3, 4);

static void vs_kv(FILE *out, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "  %-17s ", key);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* The names of @d (model/names.h) in show DEVICE, those known. */
static void vs_show_names(FILE *out, const struct vs_nl_dev *d)
{
	struct vs_dev_names n;

	vs_dev_names_get(d, &n, vs_names_proc_root());
	if (n.device[0])
		vs_kv(out, "device:", "%s", n.device);
	if (n.tap[0])
		vs_kv(out, "tap:", "%s", n.tap);
	if (n.cid[0])
		vs_kv(out, "guest cid:", "%s", n.cid);
	if (n.vm[0])
		vs_kv(out, "vm:", "%s", n.vm);
	if (n.uuid[0])
		vs_kv(out, "uuid:", "%s", n.uuid);
}

/*
 * The named bits of @bits (all 128) one per line, symbols aligned; the
 * unnamed ones are ORed into @unknown.
 */
static void vs_print_feats(FILE *out, const char *title,
			   const struct vs_fset *bits, const struct vs_nl_dev *d,
			   struct vs_fset *unknown)
{
	const struct vs_feat *f;
	size_t w = 0, n = 0;
	unsigned int bit;
	bool transport;

	for (bit = 0; bit < VS_FEAT_BITS; bit++) {
		if (!vs_fset_test(bits, bit))
			continue;
		f = vs_feat_find(bit, d->id, vs_dev_feat_as(d), &transport);
		if (!f) {
			unknown->w[bit / 64] |= BIT_ULL(bit % 64);
			continue;
		}
		n++;
		if (strlen(f->sym) > w)
			w = strlen(f->sym);
	}
	fprintf(out, "%s (%zu):\n", title, n);
	if (!n)
		fputs("  (none)\n", out);
	for (bit = 0; bit < VS_FEAT_BITS; bit++) {
		if (!vs_fset_test(bits, bit))
			continue;
		f = vs_feat_find(bit, d->id, vs_dev_feat_as(d), &transport);
		if (f)
			fprintf(out, "  %-*s  %s\n", (int)w, f->sym, f->desc);
	}
}

/* An unnamed bit set: 16 hex digits, 32 when a bit above 63 is set. */
static const char *vs_unknown_hex(const struct vs_fset *s, char *buf,
				  size_t len)
{
	if (vs_fset_high(s))
		return vs_fset_hex(s, buf, len);
	snprintf(buf, len, "0x%016llx", (unsigned long long)s->w[0]);
	return buf;
}

/* " SYMBOL bitN ..." of the backend features @d's owner set. */
static void vs_backend_syms(const struct vs_nl_dev *d, char *buf, size_t len)
{
	const struct vs_feat *f;
	size_t i, off = 0;
	bool tr;

	buf[0] = '\0';
	for (i = 0; i < 64 && off < len; i++) {
		if (!(d->vhost.backend_features & BIT_ULL(i)))
			continue;
		f = vs_feat_find(i, d->id, VS_AS_VHOST_BACKEND, &tr);
		if (f)
			off += snprintf(buf + off, len - off, " %s", f->sym);
		else
			off += snprintf(buf + off, len - off, " bit%zu", i);
	}
}

/*
 * What the reply has; "-" for what it lacks (a device the module could
 * not read, whose reason follows on a line of its own).
 */
static void vs_show_vhost_facts(FILE *out, const struct vs_nl_dev *d)
{
	char buf[VS_MSG_MAX];
	size_t i, off = 0;

	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_OWNER_PID))
		vs_kv(out, "owner pid:", "%u", d->vhost.owner_pid);
	else
		vs_kv(out, "owner pid:", "none");
	buf[0] = '\0';
	for (i = 0; i < vs_dev_holders_kept(d) && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%u",
				i ? " " : "", d->vhost.holder_pid[i]);
	if (vs_dev_holders(d) > vs_dev_holders_kept(d) && off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off, " (%u in all)",
			 vs_dev_holders(d));
	vs_kv(out, "holder pids:", "%s", buf[0] ? buf : "-");
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_STARTED))
		vs_kv(out, "started:", "%s", vs_dev_started(d) ? "yes" : "no");
	else
		vs_kv(out, "started:", "-");
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS))
		vs_kv(out, "queues:", "%u", d->num_vqs);
	else
		vs_kv(out, "queues:", "-");
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_MEM_REGIONS))
		vs_kv(out, "memory regions:", "%u", d->vhost.mem_regions);
	else
		vs_kv(out, "memory regions:", "-");
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_LOG_ENABLED))
		vs_kv(out, "dirty log:", "%s",
		      d->vhost.log_enabled ? "on" : "off");
	else
		vs_kv(out, "dirty log:", "-");
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES)) {
		vs_backend_syms(d, buf, sizeof(buf));
		vs_kv(out, "backend features:", "0x%llx%s",
		      (unsigned long long)d->vhost.backend_features, buf);
	} else {
		vs_kv(out, "backend features:", "-");
	}
	if (vs_dev_vhost_error(d))
		fprintf(out, "error: %s\n", d->vhost.error);
}

/* What the reply has; "-" for what it lacks (list-only mode). */
static void vs_show_virtio_facts(FILE *out, const struct vs_nl_dev *d)
{
	char flags[64];

	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_TRANSPORT))
		vs_kv(out, "transport:", "%s", d->transport);
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_TRANSPORT_DEV))
		vs_kv(out, "transport device:", "%s", d->transport_dev);
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_VENDOR))
		vs_kv(out, "vendor id:", "0x%04x", d->vendor);
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS))
		vs_kv(out, "status:", "0x%02x %s", d->status,
		      vs_status_flags(d->status, flags, sizeof(flags)));
	else
		vs_kv(out, "status:", "-");
	/* QEMU's num-vqs, and the driver's count when it differs */
	if (!vs_dev_has_num_vqs(d))
		vs_kv(out, "queues:", "-");
	else if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS) &&
		 vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS) &&
		 d->num_vqs != d->device_num_vqs)
		vs_kv(out, "queues:", "%u (the driver set up %u)",
		      d->device_num_vqs, d->num_vqs);
	else
		vs_kv(out, "queues:", "%u", vs_dev_num_vqs(d));
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_BROKEN))
		vs_kv(out, "broken:", "%s", d->broken ? "yes" : "no");
	else
		vs_kv(out, "broken:", "-");
	if (vs_dev_list_only(d))
		vs_kv(out, "state:", "not read (the module runs in list-only mode)");
}

int vs_show_offered(const struct vs_backend *be, const struct vs_nl_dev *d,
		    struct vs_fset *offered, char *why, size_t len)
{
	struct vs_err e;

	vs_err_clear(&e);
	why[0] = '\0';
	/* nothing negotiated to compare an offer with */
	if (vs_dev_unread(d))
		return -1;
	if (vs_dev_is_vhost(d)) {
		if (!vs_vhost_offered(be, d, offered, &e))
			return 0;
		vs_err_sentence(&e, d->header.path, why, len);
		return -1;
	}
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES)) {
		*offered = vs_dev_device_features(d);
		return 0;
	}
	if (vs_dev_list_only(d))
		return -1;
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR) &&
	    d->device_features_err == EPERM)
		snprintf(why, len, "reading them needs CAP_NET_ADMIN (run as root)");
	else if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR))
		snprintf(why, len, "the kernel could not read them (%s)",
			 strerror((int)d->device_features_err));
	else
		snprintf(why, len, "the kernel module does not report them");
	return -1;
}

/* vs_show_offered(), and when it fails the line saying so on @out. */
static int vs_show_offered_text(const struct vs_backend *be, FILE *out,
				const struct vs_nl_dev *d,
				struct vs_fset *offered)
{
	char why[2 * VS_MSG_MAX];

	if (!vs_show_offered(be, d, offered, why, sizeof(why)))
		return 0;
	if (why[0])
		fprintf(out, "offered features not shown: %s\n", why);
	else
		fputs("offered features: -\n", out);
	return -1;
}

int vs_show_dev(const struct vs_backend *be, const char *path,
		const struct vs_show_opts *so, FILE *out, FILE *err,
		struct vs_err *e)
{
	char sentence[2 * VS_MSG_MAX], id[VS_COL_MAX], hex[VS_FSET_HEX_LEN];
	struct vs_fset neg, offered, rest, unknown_neg, unknown_off;
	bool have_neg, have_unknown;
	const char *type;
	struct vs_target *tg;
	struct vs_nl_dev *d;
	bool have_off;
	int ret = -1;

	vs_err_clear(e);
	tg = malloc(sizeof(*tg));
	d = malloc(sizeof(*d));
	if (!tg || !d) {
		vs_err_sys(e, ENOMEM, NULL);
		goto fail;
	}
	if (vs_target_parse(path, tg, e) < 0 ||
	    be->ops->dev_get(be->ctx, tg, d, e) < 0 ||
	    vs_dev_check_info(d, e) < 0)
		goto fail;
	if (!vs_dev_kind_known(d)) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module describes a kind of device (%u) this virtio-status does not know",
			   d->kind);
		goto fail;
	}
	if (so->json) {
		if (vs_show_print_json(vs_show_json_dev(be, d), so->pretty, out,
				       e) < 0)
			goto fail;
		ret = 0;
		goto free;
	}

	vs_short_id(d, id, sizeof(id));
	fprintf(out, "%s %s\n", d->name, id);
	vs_kv(out, "path:", "%s", d->header.path);
	type = vs_feat_type_name(d->id);
	vs_kv(out, "device id:", "%u%s%s%s", d->id,
	      type ? " (" : "", type ? type : "", type ? ")" : "");
	vs_kv(out, "driver:", "%s", vs_dev_bound(d) ? d->driver : "none bound");
	vs_show_names(out, d);
	if (vs_dev_is_vhost(d))
		vs_show_vhost_facts(out, d);
	else
		vs_show_virtio_facts(out, d);
	if (vs_dev_busy(d))
		fprintf(out, "busy: %s\n", d->busy);

	neg = vs_dev_negotiated(d);
	unknown_neg = vs_fset_of(0, 0);
	unknown_off = vs_fset_of(0, 0);
	have_neg = vs_dev_has_negotiated(d);
	if (have_neg)
		vs_print_feats(out, "negotiated features", &neg, d,
			       &unknown_neg);
	else
		fputs("negotiated features: -\n", out);
	have_off = !vs_show_offered_text(be, out, d, &offered);
	if (have_off) {
		rest = vs_fset_andnot(&offered, &neg);
		vs_print_feats(out, "offered, not negotiated", &rest, d,
			       &unknown_off);
	}
	have_unknown = vs_fset_weight(&unknown_neg) ||
		       vs_fset_weight(&unknown_off);
	if (have_unknown)
		fputs("bits without a name:\n", out);
	if (vs_fset_weight(&unknown_neg))
		fprintf(out, "  negotiated               %s\n",
			vs_unknown_hex(&unknown_neg, hex, sizeof(hex)));
	if (vs_fset_weight(&unknown_off))
		fprintf(out, "  offered, not negotiated  %s\n",
			vs_unknown_hex(&unknown_off, hex, sizeof(hex)));
	ret = 0;
	goto free;

fail:
	vs_err_sentence(e, path, sentence, sizeof(sentence));
	fprintf(err, "%s\n", sentence);
free:
	free(d);
	free(tg);
	return ret;
}
