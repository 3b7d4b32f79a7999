// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status metrics: one dump of the devices, written as Prometheus'
 * text exposition format.
 *
 * Every metric family is a row of vs_families[]: its name, its help text
 * and the function that writes its series, for one device or for the
 * scrape as a whole. A family's series are written together under its
 * HELP and TYPE lines, devices in the kernel's order, bits ascending.
 * Bitmaps become one series per set bit, labelled with the bit number and
 * its symbol: a 64-bit bitmap does not fit a sample's double, and feature
 * sets have 128 bits; those of the features are written only when asked
 * (--collect.features), for they are most of a guest's series.
 *
 * Queue health comes from a second dump (health-get), matched to the
 * devices of the first by path. Its failure alone leaves the queue
 * families empty and says why in virtio_status_queue_health_read; the
 * scrape still succeeds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "features.h"
#include "metrics.h"
#include "names.h"
#include "queue_role.h"

/* The CLI's version: the top-level VERSION file (tools/Makefile). */
#ifndef VS_VERSION
#error "VS_VERSION is not defined: build with tools/Makefile"
#endif

/* One entry of the health dump, as it is written. */
struct vs_hq {
	bool write;		/* its series are written */
	u32 nvqs;		/* entries written for its device */
	const struct vs_nl_dev *dev;	/* its device */
};

/* What one scrape found. */
struct vs_scrape {
	struct vs_metrics_opts opts;
	bool ok;			/* the dump succeeded */
	struct vs_err err;		/* why not */
	char why[2 * VS_MSG_MAX];	/* its sentence */
	struct vs_dev_list list;
	bool *skip;			/* per device: not written (a duplicate) */
	bool have_info;
	struct vs_nl_info info;
	bool privileged;		/* the backend says it may see vhost */
	/* queue health: asked unless the backend cannot ask it */
	bool health_asked;
	bool health_ok;			/* the health dump succeeded */
	const char *health_reason;	/* "ok", or a vs_err_reason() word */
	char health_why[2 * VS_MSG_MAX];	/* why it failed, or "" */
	struct vs_health_list health;
	struct vs_hq *hq;		/* per entry of @health */
	/* per device: its names, and whether they are its identity */
	struct vs_dev_names *names;
	bool *named;
	double seconds;
};

struct vs_label {
	const char *name;
	const char *value;
};

void vs_prom_label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '"':
			fputs("\\\"", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		default:
			fputc(*s, f);
			break;
		}
	}
}

/* HELP text escapes backslash and newline only. */
static void vs_prom_help(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void vs_prom_name(FILE *f, const char *metric,
			 const struct vs_label *l, size_t n)
{
	size_t i;

	fputs(metric, f);
	if (!n)
		return;
	fputc('{', f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s%s=\"", i ? "," : "", l[i].name);
		vs_prom_label_value(f, l[i].value);
		fputc('"', f);
	}
	fputc('}', f);
}

static void vs_prom_u64(FILE *f, const char *metric, const struct vs_label *l,
			size_t n, u64 v)
{
	vs_prom_name(f, metric, l, n);
	fprintf(f, " %llu\n", (unsigned long long)v);
}

/* Most labels a device's identity takes (vs_id_labels()). */
#define VS_ID_LABELS	2

/*
 * The labels that say which device a series is about: its path; for a
 * vhost device with a name that outlives its fd (vs_mark_names()), the VM
 * and the tap or the CID instead, so that its series stay the same when
 * the VM restarts. Fills @l (VS_ID_LABELS), returns how many.
 */
static size_t vs_id_labels(const struct vs_scrape *s, const struct vs_nl_dev *d,
			   struct vs_label *l)
{
	const struct vs_dev_names *n = &s->names[d - s->list.devs];
	size_t i = 0;

	if (!s->named[d - s->list.devs]) {
		l[0] = (struct vs_label) { "path", d->header.path };
		return 1;
	}
	if (n->vm[0])
		l[i++] = (struct vs_label) { "vm", n->vm };
	if (n->tap[0])
		l[i++] = (struct vs_label) { "tap", n->tap };
	else
		l[i++] = (struct vs_label) { "cid", n->cid };
	return i;
}

/* A series' name with the device's identity and @n more labels @more. */
static void vs_prom_id_name(FILE *f, const char *metric, const struct vs_scrape *s,
			    const struct vs_nl_dev *d, const struct vs_label *more,
			    size_t n)
{
	struct vs_label l[VS_ID_LABELS + 2];
	size_t k = vs_id_labels(s, d, l);

	if (n)
		memcpy(l + k, more, n * sizeof(*more));
	vs_prom_name(f, metric, l, k + n);
}

static void vs_prom_id(FILE *f, const char *metric, const struct vs_scrape *s,
		       const struct vs_nl_dev *d, const struct vs_label *more,
		       size_t n, u64 v)
{
	vs_prom_id_name(f, metric, s, d, more, n);
	fprintf(f, " %llu\n", (unsigned long long)v);
}

static void vs_prom_id_double(FILE *f, const char *metric, const struct vs_scrape *s,
			      const struct vs_nl_dev *d, const struct vs_label *more,
			      size_t n, double v)
{
	vs_prom_id_name(f, metric, s, d, more, n);
	fprintf(f, " %.6f\n", v);
}

/* A series labelled with the device's identity only. */
static void vs_prom_dev(FILE *f, const char *metric, const struct vs_scrape *s,
			const struct vs_nl_dev *d, u64 v)
{
	vs_prom_id(f, metric, s, d, NULL, 0, v);
}

/*
 * One series of value 1 per set bit of @bits (all 128): labels path, bit
 * (decimal) and symbol (from features-table.h, "unknown" for a bit it has
 * no name for), bits ascending.
 */
static void vs_prom_bits(FILE *f, const char *metric, const struct vs_scrape *s,
			 const struct vs_nl_dev *d, const struct vs_fset *bits,
			 enum vs_decode_as as)
{
	struct vs_label l[] = { { "bit", NULL }, { "symbol", NULL } };
	const struct vs_feat *feat;
	unsigned int bit;
	bool transport;
	char num[4];

	for (bit = 0; bit < VS_FEAT_BITS; bit++) {
		if (!vs_fset_test(bits, bit))
			continue;
		feat = vs_feat_find(bit, d->id, as, &transport);
		snprintf(num, sizeof(num), "%u", bit);
		l[0].value = num;
		l[1].value = feat ? feat->sym : "unknown";
		vs_prom_id(f, metric, s, d, l, ARRAY_SIZE(l), 1);
	}
}

static const char *vs_kind_name(const struct vs_nl_dev *d)
{
	return vs_dev_is_vhost(d) ? "vhost" : "virtio";
}

/*
 * A short, stable word for what went wrong, for alert rules: one of
 * module_not_loaded, module_too_old (also a module without the command
 * asked), permission_denied, dump_interrupted, list_only, busy, error.
 * The sentence goes to standard error, never into a label: labels that
 * change with the wording make new series.
 */
static const char *vs_err_reason(const struct vs_err *e)
{
	switch (e->kind) {
	case VS_ERR_NOFAMILY:
		return "module_not_loaded";
	case VS_ERR_OLD:
		return "module_too_old";
	case VS_ERR_DUMP_INTR:
		return "dump_interrupted";
	case VS_ERR_LIST_ONLY:
		return "list_only";
	case VS_ERR_BUSY:
		return "busy";
	case VS_ERR_SYS:
		if (e->errnum == EPERM || e->errnum == EACCES)
			return "permission_denied";
		if (e->errnum == EOPNOTSUPP)
			return "module_too_old";
		if (e->errnum == EBUSY)
			return "busy";
		break;
	default:
		break;
	}
	return "error";
}

/* Scrape-wide families (@d is NULL) */

static void vs_m_success(FILE *f, const char *m, const struct vs_scrape *s,
			 const struct vs_nl_dev *d)
{
	(void)d;
	vs_prom_u64(f, m, NULL, 0, s->ok);
}

static void vs_m_duration(FILE *f, const char *m, const struct vs_scrape *s,
			  const struct vs_nl_dev *d)
{
	(void)d;
	fprintf(f, "%s %.6f\n", m, s->seconds);
}

static void vs_m_error(FILE *f, const char *m, const struct vs_scrape *s,
		       const struct vs_nl_dev *d)
{
	const struct vs_label l[] = { { "reason", vs_err_reason(&s->err) } };

	(void)d;
	if (!s->ok)
		vs_prom_u64(f, m, l, ARRAY_SIZE(l), 1);
}

static void vs_m_devices(FILE *f, const char *m, const struct vs_scrape *s,
			 const struct vs_nl_dev *d)
{
	struct vs_label l[] = { { "kind", NULL } };
	u64 virtio = 0, vhost = 0;
	size_t i;

	(void)d;
	if (!s->ok)
		return;
	for (i = 0; i < s->list.n; i++) {
		if (s->skip[i])
			continue;
		if (vs_dev_is_vhost(&s->list.devs[i]))
			vhost++;
		else
			virtio++;
	}
	l[0].value = "virtio";
	vs_prom_u64(f, m, l, ARRAY_SIZE(l), virtio);
	l[0].value = "vhost";
	vs_prom_u64(f, m, l, ARRAY_SIZE(l), vhost);
}

static void vs_m_vhost_support(FILE *f, const char *m,
			       const struct vs_scrape *s,
			       const struct vs_nl_dev *d)
{
	(void)d;
	if (s->have_info &&
	    vs_info_has(&s->info, VIRTIO_STATUS_A_INFO_VHOST_STATE))
		vs_prom_u64(f, m, NULL, 0,
			    s->info.vhost_state == VIRTIO_STATUS_VHOST_STATE_ON);
}

/*
 * 1 if the module runs in list-only mode: its info says so, or a device
 * reply was flagged (the info command failed, or the mode changed in
 * between). 0 otherwise, also for a module older than the mode.
 */
static void vs_m_list_only(FILE *f, const char *m, const struct vs_scrape *s,
			   const struct vs_nl_dev *d)
{
	bool list_only;

	(void)d;
	if (!s->ok)
		return;
	list_only = (s->have_info && vs_info_list_only(&s->info)) ||
		    vs_dev_list_list_only(&s->list);
	vs_prom_u64(f, m, NULL, 0, list_only);
}

/*
 * What this scrape was made with: the CLI's version, the family version
 * it speaks, the kernel release and the module's vhost layout. Written
 * also when the scrape failed (the layout is "" then).
 */
static void vs_m_build_info(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	char family[16];
	struct utsname u;
	const struct vs_label l[] = {
		{ "version", VS_VERSION },
		{ "family_version", family },
		{ "kernel", u.release },
		{ "vhost_layout",
		  s->have_info &&
		  vs_info_has(&s->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT) ?
		  s->info.vhost_layout : "" },
	};

	(void)d;
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "%s", "");
	snprintf(family, sizeof(family), "%u", VIRTIO_STATUS_FAMILY_VERSION);
	vs_prom_u64(f, m, l, ARRAY_SIZE(l), 1);
}

/*
 * Changes of the virtio bus since the module was loaded: its generation
 * starts at 1 and goes up by one per device added, removed, bound or
 * unbound (kmod/virtio.c). A reload starts it again, which rate() takes
 * for a counter reset.
 */
static void vs_m_bus_changes(FILE *f, const char *m, const struct vs_scrape *s,
			     const struct vs_nl_dev *d)
{
	(void)d;
	if (s->ok && s->have_info &&
	    vs_info_has(&s->info, VIRTIO_STATUS_A_INFO_GENERATION))
		vs_prom_u64(f, m, NULL, 0,
			    s->info.generation ? s->info.generation - 1 : 0);
}

/*
 * Whether vhost devices could be listed in this scrape, and if not why:
 * the module is in list-only mode (which turns vhost off), its vhost
 * support is off, or the caller lacks CAP_NET_ADMIN. "unknown": a module
 * without the info command, whose dump listed no vhost device.
 */
static void vs_m_vhost_listed(FILE *f, const char *m,
			      const struct vs_scrape *s,
			      const struct vs_nl_dev *d)
{
	struct vs_label l[] = { { "reason", "ok" } };
	bool vhost_seen = false;
	size_t i;

	(void)d;
	if (!s->ok)
		return;
	for (i = 0; i < s->list.n; i++)
		vhost_seen |= vs_dev_is_vhost(&s->list.devs[i]);
	if ((s->have_info && vs_info_list_only(&s->info)) ||
	    vs_dev_list_list_only(&s->list))
		l[0].value = "list_only";
	else if (s->have_info &&
		 vs_info_has(&s->info, VIRTIO_STATUS_A_INFO_VHOST_STATE) &&
		 s->info.vhost_state != VIRTIO_STATUS_VHOST_STATE_ON)
		l[0].value = "vhost_off";
	else if (!s->privileged)
		l[0].value = "no_permission";
	else if (!vhost_seen && !(s->have_info &&
				  vs_info_has(&s->info, VIRTIO_STATUS_A_INFO_VHOST_STATE)))
		l[0].value = "unknown";
	vs_prom_u64(f, m, l, ARRAY_SIZE(l), !strcmp(l[0].value, "ok"));
}

/*
 * Whether the queue families hold this scrape's queues: 1 "ok", or 0 and
 * why (list_only, module_too_old, permission_denied, dump_interrupted,
 * busy, error). Absent when the device dump failed.
 */
static void vs_m_health_read(FILE *f, const char *m, const struct vs_scrape *s,
			     const struct vs_nl_dev *d)
{
	const struct vs_label l[] = { { "reason", s->health_reason } };

	(void)d;
	if (s->ok && s->health_asked)
		vs_prom_u64(f, m, l, ARRAY_SIZE(l), s->health_ok);
}

/* Families of one queue, from the health dump */

static bool vs_health_has(const struct vs_nl_health *h, int attr)
{
	return attr <= VIRTIO_STATUS_A_HEALTH_MAX && vs_nl_has(h->have, attr);
}

static bool vs_health_packed(const struct vs_nl_health *h)
{
	return vs_health_has(h, VIRTIO_STATUS_A_HEALTH_PACKED) && h->packed;
}

/*
 * One series per queue written (see vs_mark_queues()) whose entry carries
 * @attr, labelled path and queue: @off's u32, or for @attr STALLED_NS the
 * seconds. Split-ring members (@split) are left out for packed rings;
 * stalled seconds also for receive queues, which hold buffers while idle.
 */
static void vs_queue_series(FILE *f, const char *m, const struct vs_scrape *s,
			    int attr, size_t off, bool split)
{
	struct vs_label l[] = { { "queue", NULL } };
	const struct vs_nl_health *h;
	char num[16];
	u64 v;
	size_t i;

	for (i = 0; s->health_ok && i < s->health.n; i++) {
		h = &s->health.q[i];
		if (!s->hq[i].write || !vs_health_has(h, attr))
			continue;
		if (split && vs_health_packed(h))
			continue;
		if (attr == VIRTIO_STATUS_A_HEALTH_STALLED_NS &&
		    vs_queue_role(h->id, h->index, s->hq[i].nvqs) != VS_QUEUE_REQUEST)
			continue;
		snprintf(num, sizeof(num), "%u", h->index);
		l[0].value = num;
		if (attr == VIRTIO_STATUS_A_HEALTH_STALLED_NS) {
			vs_prom_id_double(f, m, s, s->hq[i].dev, l, ARRAY_SIZE(l),
					  h->stalled_ns / 1e9);
			continue;
		}
		v = *(const u32 *)((const char *)h + off);
		vs_prom_id(f, m, s, s->hq[i].dev, l, ARRAY_SIZE(l), v);
	}
}

static void vs_m_queue_size(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	(void)d;
	vs_queue_series(f, m, s, VIRTIO_STATUS_A_HEALTH_NUM,
			offsetof(struct vs_nl_health, num), false);
}

static void vs_m_queue_avail(FILE *f, const char *m, const struct vs_scrape *s,
			     const struct vs_nl_dev *d)
{
	(void)d;
	vs_queue_series(f, m, s, VIRTIO_STATUS_A_HEALTH_AVAIL_IDX,
			offsetof(struct vs_nl_health, avail_idx), true);
}

static void vs_m_queue_used(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	(void)d;
	vs_queue_series(f, m, s, VIRTIO_STATUS_A_HEALTH_USED_IDX,
			offsetof(struct vs_nl_health, used_idx), true);
}

static void vs_m_queue_in_flight(FILE *f, const char *m,
				 const struct vs_scrape *s,
				 const struct vs_nl_dev *d)
{
	(void)d;
	vs_queue_series(f, m, s, VIRTIO_STATUS_A_HEALTH_IN_FLIGHT,
			offsetof(struct vs_nl_health, in_flight), false);
}

static void vs_m_queue_stalled(FILE *f, const char *m,
			       const struct vs_scrape *s,
			       const struct vs_nl_dev *d)
{
	(void)d;
	vs_queue_series(f, m, s, VIRTIO_STATUS_A_HEALTH_STALLED_NS, 0, true);
}

/* Families of one device */

static void vs_m_info(FILE *f, const char *m, const struct vs_scrape *s,
		      const struct vs_nl_dev *d)
{
	const struct vs_dev_names *n = &s->names[d - s->list.devs];
	char id[16] = "";
	struct vs_label l[13] = {
		{ "path", d->header.path },
		{ "kind", vs_kind_name(d) },
		{ "name", vs_dev_has(d, VIRTIO_STATUS_A_DEV_NAME) ? d->name : "" },
		{ "busid", vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID) ?
			   d->header.busid : "" },
		{ "device_id", id },
		{ "driver", vs_dev_bound(d) ? d->driver : "" },
		{ "transport",
		  vs_dev_has(d, VIRTIO_STATUS_A_DEV_TRANSPORT) ? d->transport : "" },
	};
	/* the names people use (names.h), each only where it is known */
	const struct vs_label names[] = {
		{ "device", n->device }, { "virtio", n->virtio }, { "tap", n->tap },
		{ "cid", n->cid }, { "vm", n->vm }, { "uuid", n->uuid },
	};
	size_t i, nl = 7;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].value[0])
			l[nl++] = names[i];
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_ID))
		snprintf(id, sizeof(id), "%u", d->id);
	vs_prom_u64(f, m, l, nl, 1);
}

/*
 * Every status bit with a name (0 or 1), and any other bit that is set:
 * "is DRIVER_OK set" is then a plain comparison. vhost has no status byte.
 */
static void vs_m_status(FILE *f, const char *m, const struct vs_scrape *s,
			const struct vs_nl_dev *d)
{
	struct vs_label l[] = { { "bit", NULL }, { "symbol", NULL } };
	const struct vs_feat *feat;
	unsigned int bit;
	bool transport;
	char num[4];

	if (!vs_dev_is_virtio(d) || !vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS))
		return;
	for (bit = 0; bit < 32; bit++) {
		feat = vs_feat_find(bit, d->id, VS_AS_STATUS, &transport);
		if (!feat && !(d->status & (1U << bit)))
			continue;
		snprintf(num, sizeof(num), "%u", bit);
		l[0].value = num;
		l[1].value = feat ? feat->sym : "unknown";
		vs_prom_id(f, m, s, d, l, ARRAY_SIZE(l), !!(d->status & (1U << bit)));
	}
}

/* QEMU's num-vqs: the device's count where known, else the driver's. */
static void vs_m_virtqueues(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	if (vs_dev_has_num_vqs(d))
		vs_prom_dev(f, m, s, d, vs_dev_num_vqs(d));
}

/* QEMU's guest-features: the driver's (virtio), the owner's acked (vhost). */
static void vs_m_guest_feat(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	struct vs_fset bits = vs_dev_negotiated(d);

	if (vs_dev_has_negotiated(d))
		vs_prom_bits(f, m, s, d, &bits, vs_dev_feat_as(d));
}

static void vs_m_host_readable(FILE *f, const char *m,
			       const struct vs_scrape *s,
			       const struct vs_nl_dev *d)
{
	if (vs_dev_is_virtio(d))
		vs_prom_dev(f, m, s, d, vs_dev_has_offered(d));
}

/*
 * QEMU's host-features of a virtio device. A vhost driver's offer is left
 * out: asking it means opening /dev/vhost-*, which creates a vhost device.
 */
static void vs_m_host_feat(FILE *f, const char *m, const struct vs_scrape *s,
			   const struct vs_nl_dev *d)
{
	struct vs_fset bits = vs_dev_device_features(d);

	if (vs_dev_is_virtio(d) && vs_dev_has_offered(d))
		vs_prom_bits(f, m, s, d, &bits, VS_AS_GUEST);
}

static void vs_m_backend_feat(FILE *f, const char *m,
			      const struct vs_scrape *s,
			      const struct vs_nl_dev *d)
{
	struct vs_fset bits = vs_fset_of(d->vhost.backend_features, 0);

	if (vs_dev_is_vhost(d) &&
	    vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES))
		vs_prom_bits(f, m, s, d, &bits, VS_AS_VHOST_BACKEND);
}

/* 1 for a vhost device the module could not read, with its reason. */
static void vs_m_read_error(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	const struct vs_label l[] = { { "reason", d->vhost.error } };

	if (vs_dev_vhost_error(d))
		vs_prom_id(f, m, s, d, l, ARRAY_SIZE(l), 1);
}

/*
 * 1 for a device whose state the kernel left out because another task
 * held a lock it is read under, with the kernel's words for which.
 */
static void vs_m_busy(FILE *f, const char *m, const struct vs_scrape *s,
		      const struct vs_nl_dev *d)
{
	const struct vs_label l[] = { { "reason", d->busy } };

	if (vs_dev_busy(d))
		vs_prom_id(f, m, s, d, l, ARRAY_SIZE(l), 1);
}

/* Processes holding a vhost device open, all of them. */
static void vs_m_holders(FILE *f, const char *m, const struct vs_scrape *s,
			 const struct vs_nl_dev *d)
{
	if (vs_dev_is_vhost(d))
		vs_prom_dev(f, m, s, d, vs_dev_holders(d));
}

/*
 * A family whose series is one u32 or bool member of a device, labelled
 * with its path: written for devices of kind @kind (0: any kind) whose
 * reply carried @attr (0: always).
 */
#define VS_DEV_U32(kind_, attr_, member)				\
	.per_dev = true, .kind = (kind_), .attr = (attr_),		\
	.off = offsetof(struct vs_nl_dev, member)
#define VS_DEV_BOOL(kind_, attr_, member)				\
	VS_DEV_U32(kind_, attr_, member), .is_bool = true
/* The same for a member of a vhost device's vhost nest. */
#define VS_VHOST_U32(attr_, member)					\
	VS_DEV_U32(VIRTIO_STATUS_KIND_VHOST, attr_, vhost.member), .in_vhost = true
#define VS_VHOST_BOOL(attr_, member)					\
	VS_VHOST_U32(attr_, member), .is_bool = true

static const struct vs_family {
	const char *name;
	const char *help;
	const char *type;	/* NULL: "gauge" */
	bool opt_in;		/* written with --collect.features only */
	bool per_dev;		/* for each device, not once a scrape */
	/*
	 * the device's state, which a module in list-only mode does not
	 * read: no series for a device whose reply says so
	 */
	bool state;
	/*
	 * who the device is and who holds it: written also for a device
	 * whose state was not read (a vhost device the module could not
	 * read, a busy device), which has no other series
	 */
	bool unread_too;
	/* write() the series, or (when NULL) the member below */
	void (*write)(FILE *f, const char *m, const struct vs_scrape *s,
		      const struct vs_nl_dev *d);
	u32 kind;
	int attr;		/* of the dev set, or of the vhost nest's */
	bool in_vhost;
	size_t off;
	bool is_bool;
} vs_families[] = {
	{ "virtio_status_scrape_success",
	  "1 if the virtio_status kernel module answered this scrape, 0 if not.",
	  .write = vs_m_success },
	{ "virtio_status_scrape_duration_seconds",
	  "Time the kernel took to answer this scrape.",
	  .write = vs_m_duration },
	{ "virtio_status_scrape_error_info",
	  "1 when the scrape failed, with a stable reason (the sentence goes to standard error or the exporter's log).",
	  .write = vs_m_error },
	{ "virtio_status_build_info",
	  "1, labelled with the virtio-status version, the virtio_status family version it speaks (VIRTIO_STATUS_FAMILY_VERSION of its uapi header: the module's is that or newer), the kernel release and the module's vhost layout.",
	  .write = vs_m_build_info },
	{ "virtio_status_bus_changes_total",
	  "Devices added, removed, bound or unbound on the virtio bus since the module was loaded (its bus generation - 1; a reload resets it).",
	  .type = "counter", .write = vs_m_bus_changes },
	{ "virtio_status_devices",
	  "Devices listed, by kind (vhost devices need CAP_NET_ADMIN).",
	  .write = vs_m_devices },
	{ "virtio_status_vhost_support",
	  "1 if the module can list vhost devices, 0 if it switched that off (see virtio-status info).",
	  .write = vs_m_vhost_support },
	{ "virtio_status_vhost_listed",
	  "1 if vhost devices could be listed in this scrape; 0 with the reason: no_permission (no CAP_NET_ADMIN), vhost_off, list_only, unknown.",
	  .write = vs_m_vhost_listed },
	{ "virtio_status_module_list_only",
	  "1 if the module runs in list-only mode: it lists devices but reads no state (see virtio-status info).",
	  .write = vs_m_list_only },
	{ "virtio_status_device_info",
	  "One series per device, value 1: its path, kind, name, bus id, device id, driver and transport, and the names people use where known (device, virtio; tap, cid, vm, uuid).",
	  .per_dev = true, .unread_too = true, .write = vs_m_info },
	{ "virtio_status_device_status_bit",
	  "Bits of a virtio device's status byte: every named bit (0 or 1) and any other bit set.",
	  .per_dev = true, .state = true, .write = vs_m_status },
	{ "virtio_status_device_virtqueues",
	  "Virtqueues of the device (QEMU's num-vqs: the device's count where known, else the driver's; nvqs of a vhost device).",
	  .per_dev = true, .state = true, .write = vs_m_virtqueues },
	{ "virtio_status_device_driver_virtqueues",
	  "Virtqueues the driver of the virtio device set up.",
	  VS_DEV_U32(VIRTIO_STATUS_KIND_VIRTIO, VIRTIO_STATUS_A_DEV_NUM_VQS, num_vqs),
	  .state = true },
	{ "virtio_status_device_broken",
	  "1 if a virtqueue of the virtio device is broken.",
	  VS_DEV_BOOL(VIRTIO_STATUS_KIND_VIRTIO, VIRTIO_STATUS_A_DEV_BROKEN, broken),
	  .state = true },
	{ "virtio_status_device_failed",
	  "1 if the virtio device failed to restore after resume.",
	  VS_DEV_BOOL(VIRTIO_STATUS_KIND_VIRTIO, VIRTIO_STATUS_A_DEV_FAILED, failed),
	  .state = true },
	{ "virtio_status_device_guest_feature",
	  "One series per feature bit the driver accepted (QEMU's guest-features; acked features of a vhost device).",
	  .opt_in = true, .per_dev = true, .state = true, .write = vs_m_guest_feat },
	{ "virtio_status_device_host_features_readable",
	  "1 if the features a virtio device offers could be read (they need CAP_NET_ADMIN).",
	  .per_dev = true, .state = true, .write = vs_m_host_readable },
	{ "virtio_status_device_host_feature",
	  "One series per feature bit the virtio device offers (QEMU's host-features).",
	  .opt_in = true, .per_dev = true, .state = true, .write = vs_m_host_feat },
	{ "virtio_status_vhost_backend_feature",
	  "One series per vhost backend feature bit the owner set.",
	  .opt_in = true, .per_dev = true, .write = vs_m_backend_feat },
	{ "virtio_status_vhost_memory_regions",
	  "Regions in the vhost device's memory table.",
	  VS_VHOST_U32(VIRTIO_STATUS_A_VHOST_MEM_REGIONS, mem_regions) },
	{ "virtio_status_vhost_log_enabled",
	  "1 if dirty page logging (VHOST_F_LOG_ALL) is acked.",
	  VS_VHOST_BOOL(VIRTIO_STATUS_A_VHOST_LOG_ENABLED, log_enabled) },
	{ "virtio_status_vhost_started",
	  "1 if a backend is attached to a virtqueue of the vhost device.",
	  VS_VHOST_BOOL(VIRTIO_STATUS_A_VHOST_STARTED, started) },
	{ "virtio_status_vhost_holders",
	  "Processes holding the vhost device open.",
	  .per_dev = true, .unread_too = true, .write = vs_m_holders },
	{ "virtio_status_vhost_owner_pid",
	  "Process id of the vhost device's owner, as the scraper's pid namespace sees it.",
	  VS_VHOST_U32(VIRTIO_STATUS_A_VHOST_OWNER_PID, owner_pid),
	  .unread_too = true },
	{ "virtio_status_vhost_read_error_info",
	  "1 for a vhost device the module could not read, with the kernel's reason; such a device has no state series.",
	  .per_dev = true, .unread_too = true, .write = vs_m_read_error },
	{ "virtio_status_device_busy_info",
	  "1 for a device whose state was not read this scrape: another task held a lock it is read under (reason: the kernel's words); such a device has no state series.",
	  .per_dev = true, .unread_too = true, .write = vs_m_busy },
	{ "virtio_status_queue_health_read",
	  "1 if this scrape read every queue's health (reason ok); 0 with the reason (list_only, module_too_old, ...) and no queue series.",
	  .write = vs_m_health_read },
	{ "virtio_status_queue_size",
	  "Ring size of the virtqueue.",
	  .write = vs_m_queue_size },
	{ "virtio_status_queue_avail_idx",
	  "Avail idx of a split-ring virtqueue (guest: as the driver published it; vhost: the copy vhost last read).",
	  .write = vs_m_queue_avail },
	{ "virtio_status_queue_used_idx",
	  "Used idx of a split-ring virtqueue.",
	  .write = vs_m_queue_used },
	{ "virtio_status_queue_in_flight",
	  "Buffers made available and not yet used (packed rings: descriptors).",
	  .write = vs_m_queue_in_flight },
	{ "virtio_status_queue_stalled_seconds",
	  "Seconds the used idx of a request queue (split ring) has not moved while buffers were in flight; 0 when it moves or nothing is in flight. Receive queues have none: they hold buffers while idle.",
	  .write = vs_m_queue_stalled },
};

const char *vs_metrics_family(size_t i, const char **type, bool *opt_in)
{
	if (i >= ARRAY_SIZE(vs_families))
		return NULL;
	if (type)
		*type = vs_families[i].type ? vs_families[i].type : "gauge";
	if (opt_in)
		*opt_in = vs_families[i].opt_in;
	return vs_families[i].name;
}

static int vs_path_cmp(const void *a, const void *b)
{
	const struct vs_nl_dev *x = *(const struct vs_nl_dev * const *)a;
	const struct vs_nl_dev *y = *(const struct vs_nl_dev * const *)b;
	int c = strcmp(x->header.path, y->header.path);

	/* equal paths: the earlier device first, so it is the one kept */
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * Mark the devices not to write: those without a path (the label that
 * tells devices apart), of a kind this tool does not know, or whose path
 * an earlier device already has (two series of one name and labels make
 * Prometheus drop the scrape). 0, or -1 on ENOMEM.
 */
static int vs_mark_skipped(struct vs_scrape *s)
{
	const struct vs_nl_dev **by_path;
	const struct vs_nl_dev *d;
	size_t i;

	s->skip = calloc(s->list.n ? s->list.n : 1, sizeof(*s->skip));
	by_path = calloc(s->list.n ? s->list.n : 1, sizeof(*by_path));
	if (!s->skip || !by_path) {
		free(by_path);
		return -1;
	}
	for (i = 0; i < s->list.n; i++) {
		d = &s->list.devs[i];
		by_path[i] = d;
		if (!vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH) || !d->header.path[0] ||
		    !vs_dev_kind_known(d))
			s->skip[i] = true;
	}
	qsort(by_path, s->list.n, sizeof(*by_path), vs_path_cmp);
	for (i = 1; i < s->list.n; i++)
		if (!strcmp(by_path[i]->header.path, by_path[i - 1]->header.path))
			s->skip[by_path[i] - s->list.devs] = true;
	free(by_path);
	return 0;
}

/* qsort(): named devices by their names, the device's index last. */
struct vs_named {
	const struct vs_dev_names *n;
	size_t i;
};

static int vs_named_cmp(const void *a, const void *b)
{
	const struct vs_named *x = a, *y = b;
	int c = strcmp(x->n->vm, y->n->vm);

	if (!c)
		c = strcmp(x->n->tap, y->n->tap);
	if (!c)
		c = strcmp(x->n->cid, y->n->cid);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/*
 * Each device's names (names.h), and which devices they name: a vhost
 * device with a tap or a CID is known by those and its VM, which outlive
 * the fd numbers of its path. Two devices the names cannot tell apart
 * keep their paths. 0, or -1 on ENOMEM.
 */
static int vs_mark_names(struct vs_scrape *s)
{
	struct vs_named *by;
	size_t i, n = 0;

	s->names = calloc(s->list.n ? s->list.n : 1, sizeof(*s->names));
	s->named = calloc(s->list.n ? s->list.n : 1, sizeof(*s->named));
	by = calloc(s->list.n ? s->list.n : 1, sizeof(*by));
	if (!s->names || !s->named || !by) {
		free(by);
		return -1;
	}
	for (i = 0; i < s->list.n; i++) {
		if (s->skip[i])
			continue;
		vs_dev_names_get(&s->list.devs[i], &s->names[i], vs_names_proc_root());
		s->named[i] = vs_dev_is_vhost(&s->list.devs[i]) &&
			      (s->names[i].tap[0] || s->names[i].cid[0]);
		if (s->named[i])
			by[n++] = (struct vs_named) { &s->names[i], i };
	}
	qsort(by, n, sizeof(*by), vs_named_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(by[i].n->vm, by[i - 1].n->vm) ||
		    strcmp(by[i].n->tap, by[i - 1].n->tap) ||
		    strcmp(by[i].n->cid, by[i - 1].n->cid))
			continue;
		s->named[by[i].i] = false;
		s->named[by[i - 1].i] = false;
	}
	free(by);
	return 0;
}

static double vs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int vs_dev_path_cmp(const void *a, const void *b)
{
	const struct vs_nl_dev *x = *(const struct vs_nl_dev * const *)a;
	const struct vs_nl_dev *y = *(const struct vs_nl_dev * const *)b;

	return strcmp(x->header.path, y->header.path);
}

/* bsearch(): a path against a device's */
static int vs_path_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct vs_nl_dev * const *)elem)->header.path);
}

static int vs_hq_cmp(const void *a, const void *b)
{
	const struct vs_nl_health *x = *(const struct vs_nl_health * const *)a;
	const struct vs_nl_health *y = *(const struct vs_nl_health * const *)b;
	int c = strcmp(x->header.path, y->header.path);

	if (c)
		return c;
	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	/* equal: the earlier entry first, so it is the one kept */
	return x < y ? -1 : x > y;
}

/*
 * Mark the health entries to write: a queue (an index, not a busy
 * device's entry) of a device the metrics write (its path in the device
 * list, not skipped there), once per path and index. Each one's nvqs is
 * the number of queues written for its device, as vs_queue_role() takes
 * it. 0, or -1 on ENOMEM.
 */
static int vs_mark_queues(struct vs_scrape *s)
{
	const struct vs_nl_health **by = NULL, *h;
	const struct vs_nl_dev **devs, **found;
	size_t i, j, ndev = 0, nq = 0;

	s->hq = calloc(s->health.n ? s->health.n : 1, sizeof(*s->hq));
	devs = calloc(s->list.n ? s->list.n : 1, sizeof(*devs));
	by = calloc(s->health.n ? s->health.n : 1, sizeof(*by));
	if (!s->hq || !devs || !by) {
		free(devs);
		free(by);
		return -1;
	}
	for (i = 0; i < s->list.n; i++)
		if (!s->skip[i])
			devs[ndev++] = &s->list.devs[i];
	qsort(devs, ndev, sizeof(*devs), vs_dev_path_cmp);
	for (i = 0; i < s->health.n; i++) {
		h = &s->health.q[i];
		if (!vs_health_has(h, VIRTIO_STATUS_A_HEALTH_HEADER) ||
		    !vs_nl_has(h->header.have, VIRTIO_STATUS_A_HEADER_PATH) ||
		    !vs_health_has(h, VIRTIO_STATUS_A_HEALTH_INDEX) ||
		    vs_health_has(h, VIRTIO_STATUS_A_HEALTH_BUSY))
			continue;
		found = bsearch(h->header.path, devs, ndev, sizeof(*devs), vs_path_key_cmp);
		if (!found)
			continue;
		s->hq[i].dev = *found;
		by[nq++] = h;
	}
	qsort(by, nq, sizeof(*by), vs_hq_cmp);
	for (i = 0; i < nq; i = j) {
		u32 n = 0;

		/* one device's entries: i to j */
		for (j = i; j < nq && !strcmp(by[j]->header.path, by[i]->header.path); j++)
			if (j == i || by[j]->index != by[j - 1]->index)
				n++;
		for (j = i; j < nq && !strcmp(by[j]->header.path, by[i]->header.path); j++) {
			if (j > i && by[j]->index == by[j - 1]->index)
				continue;
			s->hq[by[j] - s->health.q].write = true;
			s->hq[by[j] - s->health.q].nvqs = n;
		}
	}
	free(by);
	free(devs);
	return 0;
}

/*
 * The health dump, unless the backend cannot ask it (no sample then) or
 * the module runs in list-only mode, which reads no queue. Its failure is
 * kept in @s: the reason word and the sentence.
 */
static void vs_scrape_health(const struct vs_backend *be, struct vs_scrape *s)
{
	struct vs_err e;

	if (!be->ops->health_dump)
		return;
	s->health_asked = true;
	if ((s->have_info && vs_info_list_only(&s->info)) ||
	    vs_dev_list_list_only(&s->list)) {
		s->health_reason = "list_only";
		return;
	}
	vs_err_clear(&e);
	if (be->ops->health_dump(be->ctx, &s->health, &e) < 0) {
		vs_health_list_free(&s->health);
		s->health_reason = vs_err_reason(&e);
		vs_err_sentence(&e, NULL, s->health_why, sizeof(s->health_why));
		return;
	}
	s->health_ok = true;
	s->health_reason = "ok";
}

/* Ask the backend; failures are kept in @s. -1 only on ENOMEM. */
static int vs_scrape(const struct vs_backend *be, struct vs_scrape *s)
{
	struct vs_err e;
	double t0 = vs_now();

	vs_err_clear(&s->err);
	s->ok = be->ops->dev_dump(be->ctx, &s->list, &s->err) == 0;
	if (s->ok) {
		vs_err_clear(&e);
		/* an old module without INFO: no vhost_support series */
		s->have_info = be->ops->info(be->ctx, &s->info, &e) == 0;
		/* a backend that cannot tell: assume it may */
		s->privileged = !be->ops->privileged ||
				be->ops->privileged(be->ctx);
		vs_scrape_health(be, s);
	} else {
		vs_err_sentence(&s->err, NULL, s->why, sizeof(s->why));
	}
	s->seconds = vs_now() - t0;
	if (vs_mark_skipped(s) < 0 || vs_mark_names(s) < 0)
		return -1;
	return vs_mark_queues(s);
}

/* The series of a VS_DEV_U32() or VS_DEV_BOOL() family for @d, if any. */
static void vs_write_member(FILE *f, const struct vs_family *fam,
			    const struct vs_scrape *s, const struct vs_nl_dev *d)
{
	const char *p = (const char *)d + fam->off;

	if (fam->kind && vs_dev_kind(d) != fam->kind)
		return;
	if (fam->attr && !(fam->in_vhost ? vs_dev_vhost_has(d, fam->attr) :
					   vs_dev_has(d, fam->attr)))
		return;
	if (fam->is_bool)
		vs_prom_dev(f, fam->name, s, d, *(const u8 *)p != 0);
	else
		vs_prom_dev(f, fam->name, s, d, *(const u32 *)p);
}

static void vs_write_family(FILE *f, const struct vs_family *fam,
			    const struct vs_scrape *s)
{
	size_t i;

	if (fam->opt_in && !s->opts.features)
		return;
	fprintf(f, "# HELP %s ", fam->name);
	vs_prom_help(f, fam->help);
	fprintf(f, "\n# TYPE %s %s\n", fam->name, fam->type ? fam->type : "gauge");
	if (!fam->per_dev) {
		fam->write(f, fam->name, s, NULL);
		return;
	}
	for (i = 0; s->ok && i < s->list.n; i++) {
		if (s->skip[i])
			continue;
		if (fam->state && vs_dev_list_only(&s->list.devs[i]))
			continue;
		if (!fam->unread_too && vs_dev_unread(&s->list.devs[i]))
			continue;
		if (fam->write)
			fam->write(f, fam->name, s, &s->list.devs[i]);
		else
			vs_write_member(f, fam, s, &s->list.devs[i]);
	}
}

int vs_metrics_write(const struct vs_backend *be,
		     const struct vs_metrics_opts *o, FILE *f, char *why,
		     size_t len)
{
	struct vs_scrape s;
	size_t i;
	int ret;

	memset(&s, 0, sizeof(s));
	if (o)
		s.opts = *o;
	why[0] = '\0';
	if (vs_scrape(be, &s) < 0) {
		snprintf(why, len, "out of memory");
		ret = -1;
		goto free;
	}
	for (i = 0; i < ARRAY_SIZE(vs_families); i++)
		vs_write_family(f, &vs_families[i], &s);
	if (fflush(f) || ferror(f)) {
		snprintf(why, len, "cannot write the metrics: %s",
			 strerror(errno ? errno : EIO));
		ret = -1;
		goto free;
	}
	if (!s.ok)
		snprintf(why, len, "%s", s.why);
	else if (s.health_why[0])
		snprintf(why, len, "queue health not read: %s", s.health_why);
	ret = s.ok;
free:
	free(s.hq);
	free(s.skip);
	free(s.names);
	free(s.named);
	vs_health_list_free(&s.health);
	vs_dev_list_free(&s.list);
	return ret;
}

int vs_metrics_text(const struct vs_backend *be,
		    const struct vs_metrics_opts *o, char **text,
		    size_t *textlen, char *why, size_t len)
{
	FILE *f;
	int ret;

	*text = NULL;
	*textlen = 0;
	f = open_memstream(text, textlen);
	if (!f) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	ret = vs_metrics_write(be, o, f, why, len);
	if (fclose(f) && ret >= 0) {
		snprintf(why, len, "out of memory");
		ret = -1;
	}
	if (ret < 0) {
		free(*text);
		*text = NULL;
		*textlen = 0;
	}
	return ret;
}

/* Atomic replacement of a file */

static int vs_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

int vs_write_atomic(const char *path, const char *buf, size_t len, char *msg,
		    size_t msglen)
{
	char *d = strdup(path), *b = strdup(path), *tmp = NULL;
	const char *dir, *base;
	int fd = -1, dfd, ret = -1;

	if (!d || !b) {
		snprintf(msg, msglen, "cannot write %s: out of memory", path);
		goto free;
	}
	dir = dirname(d);
	base = basename(b);
	if (!path[0] || path[strlen(path) - 1] == '/' || !strcmp(base, ".") ||
	    !strcmp(base, "..")) {
		snprintf(msg, msglen, "cannot write '%s': it names a directory, not a file",
			 path);
		goto free;
	}
	if (asprintf(&tmp, "%s/.%s.XXXXXX", dir, base) < 0) {
		tmp = NULL;
		snprintf(msg, msglen, "cannot write %s: out of memory", path);
		goto free;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, msglen, "cannot create a temporary file in %s for %s: %s",
			 dir, path, strerror(errno));
		goto free;
	}
	/* readable by the collector, which rarely runs as our user */
	if (vs_write_all(fd, buf, len) < 0 || fchmod(fd, 0644) < 0 ||
	    fsync(fd) < 0) {
		snprintf(msg, msglen, "cannot write %s: %s", tmp, strerror(errno));
		goto unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		snprintf(msg, msglen, "cannot write %s: %s", tmp, strerror(errno));
		goto unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		snprintf(msg, msglen, "cannot replace %s: %s", path, strerror(errno));
		goto unlink;
	}
	/* the rename itself survives a crash once the directory is synced */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ret = 0;
	goto free;
unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
free:
	free(tmp);
	free(b);
	free(d);
	return ret;
}
