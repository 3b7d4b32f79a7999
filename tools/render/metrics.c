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
 * sets have 128 bits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "features.h"
#include "metrics.h"

/* What one scrape found. */
struct vs_scrape {
	bool ok;			/* the dump succeeded */
	struct vs_err err;		/* why not */
	char why[2 * VS_MSG_MAX];	/* its sentence */
	struct vs_dev_list list;
	bool *skip;			/* per device: not written (a duplicate) */
	bool have_info;
	struct vs_nl_info info;
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

/* A series labelled with the device's path only. */
static void vs_prom_dev(FILE *f, const char *metric, const struct vs_nl_dev *d,
			u64 v)
{
	const struct vs_label l[] = { { "path", d->header.path } };

	vs_prom_u64(f, metric, l, ARRAY_SIZE(l), v);
}

/*
 * One series of value 1 per set bit of @bits (all 128): labels path, bit
 * (decimal) and symbol (from features-table.h, "unknown" for a bit it has
 * no name for), bits ascending.
 */
static void vs_prom_bits(FILE *f, const char *metric, const struct vs_nl_dev *d,
			 const struct vs_fset *bits, enum vs_decode_as as)
{
	struct vs_label l[] = { { "path", d->header.path }, { "bit", NULL },
				{ "symbol", NULL } };
	const struct vs_feat *feat;
	unsigned int bit;
	bool transport;
	char num[4];

	for (bit = 0; bit < VS_FEAT_BITS; bit++) {
		if (!vs_fset_test(bits, bit))
			continue;
		feat = vs_feat_find(bit, d->id, as, &transport);
		snprintf(num, sizeof(num), "%u", bit);
		l[1].value = num;
		l[2].value = feat ? feat->sym : "unknown";
		vs_prom_u64(f, metric, l, ARRAY_SIZE(l), 1);
	}
}

static const char *vs_kind_name(const struct vs_nl_dev *d)
{
	return vs_dev_is_vhost(d) ? "vhost" : "virtio";
}

/* A short, stable word for what went wrong, for alert rules. */
static const char *vs_err_reason(const struct vs_err *e)
{
	switch (e->kind) {
	case VS_ERR_NOFAMILY:
		return "module_not_loaded";
	case VS_ERR_OLD:
		return "module_too_old";
	case VS_ERR_DUMP_INTR:
		return "dump_interrupted";
	case VS_ERR_SYS:
		if (e->errnum == EPERM || e->errnum == EACCES)
			return "permission_denied";
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
	const struct vs_label l[] = {
		{ "reason", vs_err_reason(&s->err) },
		{ "message", s->why },
	};

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

/* Families of one device */

static void vs_m_info(FILE *f, const char *m, const struct vs_scrape *s,
		      const struct vs_nl_dev *d)
{
	char id[16] = "";
	const struct vs_label l[] = {
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

	(void)s;
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_ID))
		snprintf(id, sizeof(id), "%u", d->id);
	vs_prom_u64(f, m, l, ARRAY_SIZE(l), 1);
}

/*
 * Every status bit with a name (0 or 1), and any other bit that is set:
 * "is DRIVER_OK set" is then a plain comparison. vhost has no status byte.
 */
static void vs_m_status(FILE *f, const char *m, const struct vs_scrape *s,
			const struct vs_nl_dev *d)
{
	struct vs_label l[] = { { "path", d->header.path }, { "bit", NULL },
				{ "symbol", NULL } };
	const struct vs_feat *feat;
	unsigned int bit;
	bool transport;
	char num[4];

	(void)s;
	if (!vs_dev_is_virtio(d) || !vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS))
		return;
	for (bit = 0; bit < 32; bit++) {
		feat = vs_feat_find(bit, d->id, VS_AS_STATUS, &transport);
		if (!feat && !(d->status & (1U << bit)))
			continue;
		snprintf(num, sizeof(num), "%u", bit);
		l[1].value = num;
		l[2].value = feat ? feat->sym : "unknown";
		vs_prom_u64(f, m, l, ARRAY_SIZE(l), !!(d->status & (1U << bit)));
	}
}

/* QEMU's num-vqs: the device's count where known, else the driver's. */
static void vs_m_virtqueues(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	(void)s;
	if (vs_dev_has_num_vqs(d))
		vs_prom_dev(f, m, d, vs_dev_num_vqs(d));
}

/* QEMU's guest-features: the driver's (virtio), the owner's acked (vhost). */
static void vs_m_guest_feat(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	struct vs_fset bits = vs_dev_negotiated(d);

	(void)s;
	if (vs_dev_has_negotiated(d))
		vs_prom_bits(f, m, d, &bits, vs_dev_feat_as(d));
}

static void vs_m_host_readable(FILE *f, const char *m,
			       const struct vs_scrape *s,
			       const struct vs_nl_dev *d)
{
	(void)s;
	if (vs_dev_is_virtio(d))
		vs_prom_dev(f, m, d, vs_dev_has_offered(d));
}

/*
 * QEMU's host-features of a virtio device. A vhost driver's offer is left
 * out: asking it means opening /dev/vhost-*, which creates a vhost device.
 */
static void vs_m_host_feat(FILE *f, const char *m, const struct vs_scrape *s,
			   const struct vs_nl_dev *d)
{
	struct vs_fset bits = vs_dev_device_features(d);

	(void)s;
	if (vs_dev_is_virtio(d) && vs_dev_has_offered(d))
		vs_prom_bits(f, m, d, &bits, VS_AS_GUEST);
}

static void vs_m_backend_feat(FILE *f, const char *m,
			      const struct vs_scrape *s,
			      const struct vs_nl_dev *d)
{
	struct vs_fset bits = vs_fset_of(d->vhost.backend_features, 0);

	(void)s;
	if (vs_dev_is_vhost(d) &&
	    vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES))
		vs_prom_bits(f, m, d, &bits, VS_AS_VHOST_BACKEND);
}

/* 1 for a vhost device the module could not read, with its reason. */
static void vs_m_read_error(FILE *f, const char *m, const struct vs_scrape *s,
			    const struct vs_nl_dev *d)
{
	const struct vs_label l[] = {
		{ "path", d->header.path },
		{ "reason", d->vhost.error },
	};

	(void)s;
	if (vs_dev_vhost_error(d))
		vs_prom_u64(f, m, l, ARRAY_SIZE(l), 1);
}

/*
 * 1 for a device whose state the kernel left out because another task
 * held a lock it is read under, with the kernel's words for which.
 */
static void vs_m_busy(FILE *f, const char *m, const struct vs_scrape *s,
		      const struct vs_nl_dev *d)
{
	const struct vs_label l[] = {
		{ "path", d->header.path },
		{ "reason", d->busy },
	};

	(void)s;
	if (vs_dev_busy(d))
		vs_prom_u64(f, m, l, ARRAY_SIZE(l), 1);
}

/* Processes holding a vhost device open, all of them. */
static void vs_m_holders(FILE *f, const char *m, const struct vs_scrape *s,
			 const struct vs_nl_dev *d)
{
	(void)s;
	if (vs_dev_is_vhost(d))
		vs_prom_dev(f, m, d, vs_dev_holders(d));
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
	  "Why the scrape failed: a stable reason and the sentence virtio-status prints.",
	  .write = vs_m_error },
	{ "virtio_status_devices",
	  "Devices listed, by kind (vhost devices need CAP_NET_ADMIN).",
	  .write = vs_m_devices },
	{ "virtio_status_vhost_support",
	  "1 if the module can list vhost devices, 0 if it switched that off (see virtio-status info).",
	  .write = vs_m_vhost_support },
	{ "virtio_status_module_list_only",
	  "1 if the module runs in list-only mode: it lists devices but reads no state (see virtio-status info).",
	  .write = vs_m_list_only },
	{ "virtio_status_device_info",
	  "One series per device, value 1: its path, kind, name, bus id, device id, driver and transport.",
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
	  .per_dev = true, .state = true, .write = vs_m_guest_feat },
	{ "virtio_status_device_host_features_readable",
	  "1 if the features a virtio device offers could be read (they need CAP_NET_ADMIN).",
	  .per_dev = true, .state = true, .write = vs_m_host_readable },
	{ "virtio_status_device_host_feature",
	  "One series per feature bit the virtio device offers (QEMU's host-features).",
	  .per_dev = true, .state = true, .write = vs_m_host_feat },
	{ "virtio_status_vhost_backend_feature",
	  "One series per vhost backend feature bit the owner set.",
	  .per_dev = true, .write = vs_m_backend_feat },
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
};

const char *vs_metrics_family(size_t i)
{
	return i < ARRAY_SIZE(vs_families) ? vs_families[i].name : NULL;
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

static double vs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
	} else {
		vs_err_sentence(&s->err, NULL, s->why, sizeof(s->why));
	}
	s->seconds = vs_now() - t0;
	return vs_mark_skipped(s);
}

/* The series of a VS_DEV_U32() or VS_DEV_BOOL() family for @d, if any. */
static void vs_write_member(FILE *f, const struct vs_family *fam,
			    const struct vs_nl_dev *d)
{
	const char *p = (const char *)d + fam->off;

	if (fam->kind && vs_dev_kind(d) != fam->kind)
		return;
	if (fam->attr && !(fam->in_vhost ? vs_dev_vhost_has(d, fam->attr) :
					   vs_dev_has(d, fam->attr)))
		return;
	if (fam->is_bool)
		vs_prom_dev(f, fam->name, d, *(const u8 *)p != 0);
	else
		vs_prom_dev(f, fam->name, d, *(const u32 *)p);
}

static void vs_write_family(FILE *f, const struct vs_family *fam,
			    const struct vs_scrape *s)
{
	size_t i;

	fprintf(f, "# HELP %s ", fam->name);
	vs_prom_help(f, fam->help);
	fprintf(f, "\n# TYPE %s gauge\n", fam->name);
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
			vs_write_member(f, fam, &s->list.devs[i]);
	}
}

int vs_metrics_write(const struct vs_backend *be, FILE *f, char *why,
		     size_t len)
{
	struct vs_scrape s;
	size_t i;
	int ret;

	memset(&s, 0, sizeof(s));
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
	ret = s.ok;
free:
	free(s.skip);
	vs_dev_list_free(&s.list);
	return ret;
}

int vs_metrics_text(const struct vs_backend *be, char **text, size_t *textlen,
		    char *why, size_t len)
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
	ret = vs_metrics_write(be, f, why, len);
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
