// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests: the one fake backend, the devices it answers
 * with, the messages a kernel would send, and the CLI run on them (see
 * fake.h). No test harness here: this is a translation unit of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fake.h"
#include "names.h"

/* Devices, queues and elements, as the module describes them */

/**
 * dev_mark() - mark attributes of a device reply as present
 * @d: the device
 * @attrs: attributes of the dev set, HDR() of its header nest or VH() of
 *	its vhost nest
 * @n: how many
 */
static void dev_mark(struct vs_nl_dev *d, const int *attrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int a = attrs[i] & 0xff;

		switch (attrs[i] >> 8) {
		case 0:
			vs_dev_set(d, a);
			break;
		case 1:
			vs_dev_header_set(d, a);
			break;
		default:
			vs_dev_vhost_set(d, a);
		}
	}
}

/* A device as a current module would describe it. */
void fill_dev(struct vs_nl_dev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", PCI_PATH);
	snprintf(d->header.busid, sizeof(d->header.busid), "%s", "virtio0");
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	d->id = 1;
	d->status = 0x0f;
	d->driver_features = BIT60 | BIT_ULL(32) | 0x5;
	d->device_features = BIT_ULL(63) | BIT60 | BIT_ULL(32) | 0x7;
	d->num_vqs = 3;
	d->broken = false;
	d->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	vs_dev_header_set(d, VIRTIO_STATUS_A_HEADER_PATH);
	vs_dev_header_set(d, VIRTIO_STATUS_A_HEADER_BUSID);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_NAME);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_ID);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_STATUS);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_NUM_VQS);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_BROKEN);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_ENDIAN);
}

/* fill_dev() on a kernel with 128-bit feature sets: _HI words sent. */
void fill_dev128(struct vs_nl_dev *d, u64 driver_hi, u64 device_hi)
{
	fill_dev(d);
	d->driver_features_hi = driver_hi;
	d->device_features_hi = device_hi;
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI);
}

/* A vhost-net device held by pids 1234 and 1240, as the module sends it. */
void fill_vhost(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		HDR(PATH), VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID, VIRTIO_STATUS_A_DEV_TRANSPORT,
		VIRTIO_STATUS_A_DEV_DRIVER, VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS, VIRTIO_STATUS_A_DEV_BROKEN,
		VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_A_DEV_GENERATION,
		VIRTIO_STATUS_A_DEV_KIND,
		VH(ACKED_FEATURES), VH(BACKEND_FEATURES), VH(MEM_REGIONS),
		VH(LOG_ENABLED), VH(STARTED), VH(OWNER_PID), VH(HOLDER_PID),
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", VHOST_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "vhost");
	snprintf(d->driver, sizeof(d->driver), "%s", "vhost_net");
	d->id = 1;
	d->status = 0;
	d->driver_features = 5;
	d->num_vqs = 2;
	d->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	d->kind = VIRTIO_STATUS_KIND_VHOST;
	d->vhost.acked_features = 5;
	d->vhost.backend_features = 2;
	d->vhost.mem_regions = 3;
	d->vhost.log_enabled = false;
	d->vhost.started = true;
	d->vhost.owner_pid = 1234;
	d->vhost.holder_pid[0] = 1234;
	d->vhost.holder_pid[1] = 1240;
	d->vhost.n_holder_pid = 2;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

/*
 * A vhost-net device held by pids 1400 (its owner) and 1401 that the
 * module could not read, as it sends one: who it is, who holds it, why.
 */
void fill_vhost_unread(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_DEV_KIND, HDR(PATH),
		VIRTIO_STATUS_A_DEV_NAME, VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_TRANSPORT, VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_GENERATION,
		VH(OWNER_PID), VH(HOLDER_PID), VH(HOLDERS), VH(ERROR),
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", UNREAD_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "vhost");
	snprintf(d->driver, sizeof(d->driver), "%s", "vhost_net");
	snprintf(d->vhost.error, sizeof(d->vhost.error), "%s", UNREAD_WHY);
	d->id = 1;
	d->generation = 9;
	d->kind = VIRTIO_STATUS_KIND_VHOST;
	d->vhost.owner_pid = 1400;
	d->vhost.holder_pid[0] = 1400;
	d->vhost.holder_pid[1] = 1401;
	d->vhost.n_holder_pid = 2;
	d->vhost.holders = 2;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

/* virtio2, a bound virtio-net device, as a dump sends it when it is busy */
void fill_busy(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_DEV_KIND, HDR(PATH), HDR(BUSID),
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID, VIRTIO_STATUS_A_DEV_VENDOR,
		VIRTIO_STATUS_A_DEV_TRANSPORT, VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_GENERATION, VIRTIO_STATUS_A_DEV_BUSY,
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", BUSY_PATH);
	snprintf(d->header.busid, sizeof(d->header.busid), "%s", "virtio2");
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "pci");
	snprintf(d->driver, sizeof(d->driver), "%s", "virtio_net");
	snprintf(d->busy, sizeof(d->busy), "%s", BUSY_WHY);
	d->kind = VIRTIO_STATUS_KIND_VIRTIO;
	d->id = 1;
	d->vendor = 0x1af4;
	d->generation = 4;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

/* A vhost-net device owned by pid 1500 whose mutex stayed held. */
void fill_vhost_busy(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_DEV_KIND, HDR(PATH),
		VIRTIO_STATUS_A_DEV_NAME, VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_TRANSPORT, VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_GENERATION,
		VH(OWNER_PID), VH(HOLDER_PID), VH(HOLDERS),
		VIRTIO_STATUS_A_DEV_BUSY,
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", BUSY_VHOST_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "vhost");
	snprintf(d->driver, sizeof(d->driver), "%s", "vhost_net");
	snprintf(d->busy, sizeof(d->busy), "%s", BUSY_VHOST_WHY);
	d->kind = VIRTIO_STATUS_KIND_VHOST;
	d->id = 1;
	d->generation = 4;
	d->vhost.owner_pid = 1500;
	d->vhost.holder_pid[0] = 1500;
	d->vhost.n_holder_pid = 1;
	d->vhost.holders = 1;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

/* Queue 1 of fill_dev(): 256 entries, 250 free, the driver's "output.0". */
void fill_guest_queue(struct vs_nl_queue *q)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_QUEUE_INDEX, VIRTIO_STATUS_A_QUEUE_NAME,
		VIRTIO_STATUS_A_QUEUE_NUM, VIRTIO_STATUS_A_QUEUE_NUM_FREE,
		VIRTIO_STATUS_A_QUEUE_DESC, VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED, VIRTIO_STATUS_A_QUEUE_PACKED,
		VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, VIRTIO_STATUS_A_QUEUE_USED_IDX,
		VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS,
		VIRTIO_STATUS_A_QUEUE_USED_FLAGS, VIRTIO_STATUS_A_QUEUE_BROKEN,
	};
	size_t i;

	memset(q, 0, sizeof(*q));
	q->index = 1;
	snprintf(q->name, sizeof(q->name), "%s", "output.0");
	q->num = 256;
	q->num_free = 250;
	q->desc = GUEST_DESC;
	q->avail = GUEST_AVAIL;
	q->used = GUEST_USED;
	q->avail_idx = 1030;
	q->used_idx = 1024;
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_queue_set(q, attrs[i]);
}

/* Queue 0 of fill_vhost(): 256 entries, 3 heads taken and not used. */
void fill_vhost_queue(struct vs_nl_queue *q)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_QUEUE_INDEX, VIRTIO_STATUS_A_QUEUE_NUM,
		VIRTIO_STATUS_A_QUEUE_DESC, VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_USED_IDX,
		VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_KICK, VIRTIO_STATUS_A_QUEUE_CALL,
		VIRTIO_STATUS_A_QUEUE_KICK_FD, VIRTIO_STATUS_A_QUEUE_CALL_FD,
		VIRTIO_STATUS_A_QUEUE_DESC_GPA, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA,
		VIRTIO_STATUS_A_QUEUE_USED_GPA,
	};
	size_t i;

	memset(q, 0, sizeof(*q));
	q->index = 0;
	q->num = 256;
	q->desc = 0x7f0000001000ULL;
	q->avail = 0x7f0000002000ULL;
	q->used = 0x7f0000003000ULL;
	/* vhost took heads up to 1 (wrapped), used up to 65534: 3 in use */
	q->avail_idx = 2;
	q->last_avail_idx = 1;
	q->used_idx = 65534;
	q->kick = true;
	q->call = true;
	q->kick_fd = 31;
	q->call_fd = 32;
	q->desc_gpa = 0x41000;
	q->avail_gpa = 0x42000;
	q->used_gpa = 0x43000;
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_queue_set(q, attrs[i]);
}

/* One descriptor of a chain, as decoded from its nest. */
static void fill_desc(struct vs_nl_desc *d, u64 addr, u32 len, u32 flags)
{
	memset(d, 0, sizeof(*d));
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	vs_nl_set(d->have, VIRTIO_STATUS_A_DESC_ADDR);
	vs_nl_set(d->have, VIRTIO_STATUS_A_DESC_LEN);
	vs_nl_set(d->have, VIRTIO_STATUS_A_DESC_FLAGS);
}

/* Entry 1029 of queue 1 of fill_dev(): head 5, a 2-descriptor chain. */
void fill_elem(struct fake *f)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX, VIRTIO_STATUS_A_ELEMENT_INDEX,
		VIRTIO_STATUS_A_ELEMENT_HEAD, VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX,
		VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS,
		VIRTIO_STATUS_A_ELEMENT_USED_IDX,
		VIRTIO_STATUS_A_ELEMENT_USED_FLAGS, VIRTIO_STATUS_A_ELEMENT_DESC,
	};
	size_t i;

	memset(&f->elem, 0, sizeof(f->elem));
	f->elem.queue_index = 1;
	f->elem.index = 1029;
	f->elem.head = 5;
	f->elem.avail_idx = 1030;
	f->elem.avail_flags = 1;
	f->elem.used_idx = 1024;
	f->elem.used_flags = 0;
	f->elem.n_desc = 2;
	/* VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, then VRING_DESC_F_WRITE */
	fill_desc(&f->elem.desc[0], 0x1000a000ULL, 12, 3);
	fill_desc(&f->elem.desc[1], 0x1000b000ULL, 1514, 2);
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_elem_set(&f->elem, attrs[i]);
}

/*
 * The fake backend: answers with what struct fake holds, and counts and
 * keeps what it was asked.
 */

static int fake_get(void *ctx, const struct vs_target *t, struct vs_nl_dev *dev,
		    struct vs_err *e)
{
	struct fake *f = ctx;

	f->gets++;
	f->last = *t;
	if (f->get_err.kind != VS_ERR_NONE) {
		*e = f->get_err;
		return -1;
	}
	*dev = f->dev;
	return 0;
}

static int fake_queue_get(void *ctx, const struct vs_target *t, u32 index,
			  struct vs_nl_queue *q, struct vs_err *e)
{
	struct fake *f = ctx;

	f->queue_gets++;
	f->queue_target = *t;
	f->queue_index = index;
	if (f->queue_err.kind != VS_ERR_NONE) {
		*e = f->queue_err;
		return -1;
	}
	*q = f->queue;
	return 0;
}

static int fake_elem_get(void *ctx, const struct vs_target *t, u32 queue,
			 bool has_index, u32 index, struct vs_nl_element *el,
			 struct vs_err *e)
{
	struct fake *f = ctx;

	f->elem_gets++;
	f->elem_target = *t;
	f->elem_queue = queue;
	f->elem_has_index = has_index;
	f->elem_index = index;
	if (f->elem_err.kind != VS_ERR_NONE) {
		*e = f->elem_err;
		return -1;
	}
	*el = f->elem;
	return 0;
}

static int fake_dump(void *ctx, struct vs_dev_list *list, struct vs_err *e)
{
	struct fake *f = ctx;
	size_t i;

	f->dumps++;
	for (i = 0; i < f->list.n; i++) {
		struct vs_nl_dev *d = vs_dev_list_add(list);

		if (!d) {
			vs_err_sys(e, ENOMEM, NULL);
			return -1;
		}
		*d = f->list.devs[i];
	}
	return 0;
}

static int fake_health_dump(void *ctx, struct vs_health_list *list,
			    struct vs_err *e)
{
	struct fake *f = ctx;
	size_t i;

	f->health_dumps++;
	if (f->health_err.kind) {
		*e = f->health_err;
		return -1;
	}
	for (i = 0; i < f->health.n; i++) {
		struct vs_nl_health *q = vs_health_list_add(list);

		if (!q) {
			vs_err_sys(e, ENOMEM, NULL);
			return -1;
		}
		*q = f->health.q[i];
	}
	return 0;
}

static int fake_info(void *ctx, struct vs_nl_info *info, struct vs_err *e)
{
	struct fake *f = ctx;

	f->infos++;
	if (f->info_errnum) {
		vs_err_sys(e, f->info_errnum, NULL);
		return -1;
	}
	*info = f->info;
	return 0;
}

static int fake_vhost_features(void *ctx, const char *node,
			       struct vs_fset *features)
{
	struct fake *f = ctx;

	f->probes++;
	snprintf(f->probed, sizeof(f->probed), "%s", node);
	if (f->probe_errnum)
		return f->probe_errnum;
	*features = f->features;
	return 0;
}

static bool fake_privileged(void *ctx)
{
	return ((struct fake *)ctx)->privileged;
}

static const struct vs_backend_ops fake_ops = {
	.dev_get = fake_get,
	.dev_dump = fake_dump,
	.info = fake_info,
	.health_dump = fake_health_dump,
	.queue_get = fake_queue_get,
	.elem_get = fake_elem_get,
	.vhost_features = fake_vhost_features,
	.privileged = fake_privileged,
};

/**
 * fake_new() - a fake backend answering with fill_dev()
 * @be: set to use it
 *
 * Its list is empty (fake_add()), its info says nothing, it is not
 * privileged. Free it with fake_free().
 *
 * Return: the fake.
 */
struct fake *fake_new(struct vs_backend *be)
{
	struct fake *f = calloc(1, sizeof(*f));

	fill_dev(&f->dev);
	vs_names_set_proc_root(NO_PROC);
	be->ops = &fake_ops;
	be->ctx = f;
	return f;
}

/* A fill_dev() named @name at @path added to what @f's dump lists. */
void fake_add(struct fake *f, const char *path, const char *name)
{
	struct vs_nl_dev *d = vs_dev_list_add(&f->list);

	fill_dev(d);
	snprintf(d->header.path, sizeof(d->header.path), "%s", path);
	snprintf(d->name, sizeof(d->name), "%s", name);
}

/**
 * fake_list_only() - the module of @f in list-only mode
 * @f: the fake
 * @reason: why, as its info says (NULL: it gives none)
 *
 * Its device and the devices listed lose their state and say list-only;
 * its info answers vhost on, mode list-only.
 */
void fake_list_only(struct fake *f, const char *reason)
{
	static const int state[] = {
		VIRTIO_STATUS_A_DEV_STATUS, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_DEVICE_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS, VIRTIO_STATUS_A_DEV_BROKEN,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(state); i++) {
		vs_dev_clear(&f->dev, state[i]);
		for (j = 0; j < f->list.n; j++)
			vs_dev_clear(&f->list.devs[j], state[i]);
	}
	f->dev.list_only = true;
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	for (j = 0; j < f->list.n; j++) {
		f->list.devs[j].list_only = true;
		vs_dev_set(&f->list.devs[j], VIRTIO_STATUS_A_DEV_LIST_ONLY);
	}
	memset(&f->info, 0, sizeof(f->info));
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_MODE);
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	f->info.mode = VIRTIO_STATUS_MODE_LIST_ONLY;
	if (reason) {
		vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_MODE_REASON);
		snprintf(f->info.mode_reason, sizeof(f->info.mode_reason),
			 "%s", reason);
	}
}

void fake_free(struct fake *f)
{
	vs_dev_list_free(&f->list);
	vs_health_list_free(&f->health);
	free(f);
}

static int flaky_dump(void *ctx, struct vs_dev_list *list, struct vs_err *e)
{
	struct flaky *k = ctx;

	k->dumps++;
	if (k->dump_err.kind != VS_ERR_NONE) {
		*e = k->dump_err;
		return -1;
	}
	return fake_dump(k->f, list, e);
}

static int flaky_info(void *ctx, struct vs_nl_info *info, struct vs_err *e)
{
	struct flaky *k = ctx;

	k->infos++;
	return fake_info(k->f, info, e);
}

const struct vs_backend_ops flaky_ops = {
	.dev_dump = flaky_dump,
	.info = flaky_info,
};

/* Messages as the kernel builds them */

/**
 * dev_msg() - a genetlink message of the virtio_status family
 * @cmd: its command
 *
 * Room for the longest descriptor chain an element reply carries.
 *
 * Return: the message, no attribute in it yet; NULL without memory.
 */
struct nl_msg *dev_msg(u8 cmd)
{
	/* room for the longest chain an element reply carries */
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, 0, 1, 0x20, 0, 0, cmd,
			 VIRTIO_STATUS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The header nest @attr naming @path and @busid (NULL: left out). */
int put_header(struct nl_msg *msg, int attr, const char *path,
	       const char *busid)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest ||
	    (path && nla_put_string(msg, VIRTIO_STATUS_A_HEADER_PATH, path) < 0) ||
	    (busid && nla_put_string(msg, VIRTIO_STATUS_A_HEADER_BUSID, busid) < 0))
		return -1;
	return nla_nest_end(msg, nest);
}

/*
 * A u64 as the kernel's nla_put_u64_64bit() puts it where it has to align
 * it: the (empty) pad attribute of @attr's set first.
 */
int put_u64(struct nl_msg *msg, int pad, int attr, u64 v)
{
	if (nla_put(msg, pad, 0, NULL) < 0)
		return -1;
	return nla_put_u64(msg, attr, v);
}

/* A descriptor nest as the kernel builds it: PAD first aligns ADDR. */
int put_desc(struct nl_msg *msg, u64 addr, u32 len, u32 flags)
{
	struct nlattr *nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);

	if (!nest ||
	    put_u64(msg, VIRTIO_STATUS_A_DESC_PAD, VIRTIO_STATUS_A_DESC_ADDR, addr) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_LEN, len) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, flags) < 0)
		return -1;
	return nla_nest_end(msg, nest);
}

/* The fixed part of fill_elem()'s reply, the device named as asked. */
int put_elem_head(struct nl_msg *msg)
{
	if (put_header(msg, VIRTIO_STATUS_A_ELEMENT_HEADER, NULL, "virtio0") < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX, 1) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_INDEX, 1029) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_HEAD, 5) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX, 1030) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS, 1) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_USED_IDX, 1024) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS, 0) < 0)
		return -1;
	return 0;
}

/* The CLI run on a backend */

/**
 * run_cli() - the command line, run on a backend as main() runs it
 * @be: the backend
 * @input: its standard input
 * @out: set to what it wrote on standard output (free() it)
 * @err: set to what it wrote on standard error (free() it)
 * @argv: its arguments, NULL-terminated, argv[0] first (ARGV())
 *
 * Return: its exit status.
 */
int run_cli(struct vs_backend *be, const char *input, char **out, char **err,
	    char **argv)
{
	size_t olen = 0, elen = 0;
	FILE *in, *fo, *fe;
	int ret, argc = 0;

	while (argv[argc])
		argc++;

	in = fmemopen((void *)input, strlen(input) + 1, "r");
	fo = open_memstream(out, &olen);
	fe = open_memstream(err, &elen);
	ret = vs_cmd_main(argc, argv, be, in, fo, fe);
	fclose(in);
	fclose(fo);
	fclose(fe);
	return ret;
}

/* The answer of --qmp to @line on @be, as text (NULL: none). */
char *qmp(struct vs_backend *be, const char *line)
{
	return text_of(vs_qmp_line(be, line));
}

/* The text a client is sent for @o, which is put. */
char *serve_text_of(struct json_object *o)
{
	char *t = vs_serve_text(o, NULL);

	json_object_put(o);
	return t;
}

/**
 * sess_feed() - what a serve session answers to some input
 * @s: the session
 * @be: the backend it asks
 * @in: the input
 * @len: its length in bytes (NULs and all)
 * @step: fed this many bytes at a time
 *
 * Return: every answer, in order, as sent ("(nomem)" for one that was
 * not); NULL without memory.
 */
char *sess_feed(struct vs_qmp_sess *s, struct vs_backend *be, const char *in,
		size_t len, size_t step)
{
	size_t off = 0, alen = 0, used, n;
	char *all = NULL, *t;
	struct json_object *r;
	FILE *f = open_memstream(&all, &alen);

	while (off < len) {
		n = len - off < step ? len - off : step;
		used = vs_qmp_sess_feed(s, be, in + off, n, &r);
		if (used == (size_t)-1) {
			fputs("(nomem)", f);
			break;
		}
		off += used;
		if (!r)
			continue;
		t = serve_text_of(r);
		fputs(t ? t : "(nomem)", f);
		free(t);
	}
	fclose(f);
	return all;
}

/* The answers of a fresh session to @in, negotiated first if @neg. */
char *serve_answers(struct vs_backend *be, const char *in, bool neg)
{
	struct vs_qmp_sess s;
	char *out;

	vs_qmp_sess_init(&s);
	s.negotiated = neg;
	out = sess_feed(&s, be, in, strlen(in), strlen(in));
	vs_qmp_sess_free(&s);
	return out;
}

/* Answers */

/* @o as compact text; @o is put. */
char *text_of(struct json_object *o)
{
	char *s = vs_json_text(o, false);

	json_object_put(o);
	return s;
}

/* Member @key of @o, or NULL. */
struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* VirtioStatus, in QEMU's schema's order */
const char * const status_keys[] = {
	"name", "device-id", "vhost-started", "device-endian",
	"guest-features", "host-features", "backend-features", "num-vqs",
	"status", "isr", "queue-sel", "vm-running", "broken", "disabled",
	"use-started", "started", "start-on-kick", "disable-legacy-check",
	"bus-name", "use-guest-notifier-mask",
};

const size_t n_status_keys = ARRAY_SIZE(status_keys);

/* VirtVhostQueueStatus */
const char * const vhost_ring_keys[] = {
	"name", "kick", "call", "desc", "avail", "used", "num", "desc-phys",
	"desc-size", "avail-phys", "avail-size", "used-phys", "used-size",
};

const size_t n_vhost_ring_keys = ARRAY_SIZE(vhost_ring_keys);

/* VirtioRingDesc */
const char * const elem_desc_keys[] = { "addr", "len", "flags" };

const size_t n_elem_desc_keys = ARRAY_SIZE(elem_desc_keys);

/**
 * keys_in_order() - whether an object has exactly some members, in order
 * @o: the object
 * @keys: the members
 * @n: how many
 * @skip: one of @keys @o must not have; NULL: none
 *
 * Return: whether the keys of @o, in order, are @keys less @skip.
 */
bool keys_in_order(struct json_object *o, const char * const *keys, size_t n,
		   const char *skip)
{
	size_t i = 0;

	json_object_object_foreach(o, k, v) {
		(void)v;
		while (i < n && skip && !strcmp(keys[i], skip))
			i++;
		if (i == n || strcmp(k, keys[i]))
			return false;
		i++;
	}
	while (i < n && skip && !strcmp(keys[i], skip))
		i++;
	return i == n;
}

/*
 * Whether @k is the "<prev>-hex" string member that follows an integer
 * member @prev above 2^53.
 */
bool hex_sibling(const char *k, const char *prev)
{
	size_t n = prev ? strlen(prev) : 0;

	return n && !strncmp(k, prev, n) && !strcmp(k + n, "-hex");
}

/* Lines of @text that start with @prefix. */
int count_lines(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = text;
	int count = 0;

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			count++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return count;
}

/* Whether @line is a whole line of @text. */
bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

/*
 * A queue of the health dump: split ring, @num entries, indexes @avail and
 * @used, in flight their difference, stalled @ns.
 */
struct vs_nl_health *fake_add_queue(struct fake *f, const char *path, u32 kind,
				    u32 id, u32 index, u32 num, u32 avail, u32 used, u64 ns)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_HEALTH_HEADER, VIRTIO_STATUS_A_HEALTH_KIND,
		VIRTIO_STATUS_A_HEALTH_ID, VIRTIO_STATUS_A_HEALTH_INDEX,
		VIRTIO_STATUS_A_HEALTH_NUM, VIRTIO_STATUS_A_HEALTH_AVAIL_IDX,
		VIRTIO_STATUS_A_HEALTH_USED_IDX, VIRTIO_STATUS_A_HEALTH_IN_FLIGHT,
		VIRTIO_STATUS_A_HEALTH_STALLED_NS,
	};
	struct vs_nl_health *q = vs_health_list_add(&f->health);
	size_t i;

	if (!q)
		return NULL;
	snprintf(q->header.path, sizeof(q->header.path), "%s", path);
	vs_nl_set(q->header.have, VIRTIO_STATUS_A_HEADER_PATH);
	q->kind = kind;
	q->id = id;
	q->index = index;
	q->num = num;
	q->avail_idx = avail;
	q->used_idx = used;
	q->in_flight = (u16)(avail - used);
	q->stalled_ns = ns;
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_nl_set(q->have, attrs[i]);
	if (kind == VIRTIO_STATUS_KIND_VIRTIO) {
		vs_nl_set(q->have, VIRTIO_STATUS_A_HEALTH_PACKED);
		vs_nl_set(q->have, VIRTIO_STATUS_A_HEALTH_NUM_FREE);
		q->num_free = num - q->in_flight;
	} else {
		vs_nl_set(q->have, VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX);
		q->last_avail_idx = avail;
	}
	return q;
}

int proc_tree_new(struct proc_tree *t)
{
	snprintf(t->root, sizeof(t->root), "/tmp/vs-names-XXXXXX");
	return mkdtemp(t->root) ? 0 : -1;
}

/* @path and what is below it; symbolic links are removed, not followed */
static void proc_tree_rm(const char *path)
{
	char sub[512];
	struct dirent *de;
	DIR *dir;

	dir = opendir(path);
	while (dir && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (de->d_type == DT_DIR)
			proc_tree_rm(sub);
		else
			unlink(sub);
	}
	if (dir)
		closedir(dir);
	rmdir(path);
}

void proc_tree_free(struct proc_tree *t)
{
	proc_tree_rm(t->root);
}

/* ROOT/@rel's directories, then @len bytes of @data in it */
int proc_file(struct proc_tree *t, const char *rel, const char *data, size_t len)
{
	char path[256];
	char *slash;
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	for (slash = strchr(path + strlen(t->root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ok = write(fd, data, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

int proc_text(struct proc_tree *t, const char *rel, const char *s)
{
	return proc_file(t, rel, s, strlen(s));
}

int proc_dir(struct proc_tree *t, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	return mkdir(path, 0700);
}

int proc_link(struct proc_tree *t, const char *rel, const char *to)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->root, rel);
	return symlink(to, path);
}
