// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: device lists, device arguments and error sentences.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dev.h"

void vs_dev_list_free(struct vs_dev_list *l)
{
	free(l->devs);
	l->devs = NULL;
	l->n = 0;
	l->cap = 0;
}

struct vs_dev *vs_dev_list_add(struct vs_dev_list *l)
{
	struct vs_dev *d;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;

		d = realloc(l->devs, cap * sizeof(*d));
		if (!d)
			return NULL;
		l->devs = d;
		l->cap = cap;
	}
	d = &l->devs[l->n++];
	memset(d, 0, sizeof(*d));
	return d;
}

const struct vs_attr_info vs_attrs[VIRTIO_STATUS_A_MAX + 1] = {
	[VIRTIO_STATUS_A_PAD] = { "PAD", VS_ATTR_NONE },
	[VIRTIO_STATUS_A_DEV_PATH] = { "DEV_PATH", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_DEV_BUSID] = { "DEV_BUSID", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_DEV_NAME] = { "DEV_NAME", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_DEV_INDEX] = { "DEV_INDEX", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_ID] = { "DEV_ID", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_VENDOR] = { "DEV_VENDOR", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_TRANSPORT] = { "DEV_TRANSPORT", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_DEV_DRIVER] = { "DEV_DRIVER", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_DEV_STATUS] = { "DEV_STATUS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES] = {
		"DEV_DRIVER_FEATURES", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES] = {
		"DEV_DEVICE_FEATURES", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR] = {
		"DEV_DEVICE_FEATURES_ERR", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_NUM_VQS] = { "DEV_NUM_VQS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_BROKEN] = { "DEV_BROKEN", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_DEV_FAILED] = { "DEV_FAILED", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_DEV_ENDIAN] = { "DEV_ENDIAN", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_GENERATION] = { "DEV_GENERATION", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_KIND] = { "DEV_KIND", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES] = {
		"DEV_VHOST_ACKED_FEATURES", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_VHOST_BACKEND_FEATURES] = {
		"DEV_VHOST_BACKEND_FEATURES", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_VHOST_MEM_REGIONS] = {
		"DEV_VHOST_MEM_REGIONS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_VHOST_LOG_ENABLED] = {
		"DEV_VHOST_LOG_ENABLED", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_DEV_VHOST_STARTED] = {
		"DEV_VHOST_STARTED", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_DEV_VHOST_OWNER_PID] = {
		"DEV_VHOST_OWNER_PID", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID] = {
		"DEV_VHOST_HOLDER_PID", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_VHOST_HOLDERS] = {
		"DEV_VHOST_HOLDERS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_VHOST_ERROR] = {
		"DEV_VHOST_ERROR", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_INFO_VHOST_STATE] = {
		"INFO_VHOST_STATE", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_INFO_VHOST_REASON] = {
		"INFO_VHOST_REASON", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_INFO_VHOST_LAYOUT] = {
		"INFO_VHOST_LAYOUT", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_QUEUE_INDEX] = { "QUEUE_INDEX", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_NAME] = { "QUEUE_NAME", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_QUEUE_NUM] = { "QUEUE_NUM", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_NUM_FREE] = { "QUEUE_NUM_FREE", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_DESC] = { "QUEUE_DESC", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL] = { "QUEUE_AVAIL", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_QUEUE_USED] = { "QUEUE_USED", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_QUEUE_PACKED] = { "QUEUE_PACKED", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = { "QUEUE_AVAIL_IDX", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = { "QUEUE_USED_IDX", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] = {
		"QUEUE_AVAIL_FLAGS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = {
		"QUEUE_USED_FLAGS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_BROKEN] = { "QUEUE_BROKEN", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX] = {
		"QUEUE_LAST_AVAIL_IDX", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_KICK] = { "QUEUE_KICK", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_QUEUE_CALL] = { "QUEUE_CALL", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_QUEUE_KICK_FD] = { "QUEUE_KICK_FD", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_CALL_FD] = { "QUEUE_CALL_FD", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_DESC_GPA] = { "QUEUE_DESC_GPA", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL_GPA] = {
		"QUEUE_AVAIL_GPA", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_QUEUE_USED_GPA] = { "QUEUE_USED_GPA", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_ELEM_INDEX] = { "ELEM_INDEX", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_ELEM_HEAD] = { "ELEM_HEAD", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_ELEM_DESC] = { "ELEM_DESC", VS_ATTR_NEST },
	[VIRTIO_STATUS_A_EVENT_SEQ] = { "EVENT_SEQ", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_EVENT_TIME] = { "EVENT_TIME", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_INFO_GENERATION] = { "INFO_GENERATION", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI] = {
		"DEV_DRIVER_FEATURES_HI", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI] = {
		"DEV_DEVICE_FEATURES_HI", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES_HI] = {
		"DEV_VHOST_ACKED_FEATURES_HI", VS_ATTR_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS] = {
		"DEV_DEVICE_NUM_VQS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_DEV_LIST_ONLY] = { "DEV_LIST_ONLY", VS_ATTR_U8 },
	[VIRTIO_STATUS_A_INFO_MODE] = { "INFO_MODE", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_INFO_MODE_REASON] = {
		"INFO_MODE_REASON", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_INFO_FINGERPRINT] = {
		"INFO_FINGERPRINT", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_INFO_FEATURE_BITS] = {
		"INFO_FEATURE_BITS", VS_ATTR_U32 },
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] = {
		"QUEUE_ADDR_HIDDEN", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_DEV_BUSY] = { "DEV_BUSY", VS_ATTR_STRING },
	[VIRTIO_STATUS_A_QUEUE_ADDR_IOVA] = {
		"QUEUE_ADDR_IOVA", VS_ATTR_U8 },
};

/* Every attribute number has its bit in a struct vs_attr_mask. */
static_assert(VIRTIO_STATUS_A_MAX < 64 * VS_ATTR_WORDS,
	      "attributes outgrew struct vs_attr_mask");

void vs_elem_free(struct vs_elem *el)
{
	free(el->descs);
	el->descs = NULL;
	el->n_descs = 0;
}

const char *vs_attr_name(int attr)
{
	if (attr <= 0 || attr > VIRTIO_STATUS_A_MAX || !vs_attrs[attr].name)
		return "unknown attribute";
	return vs_attrs[attr].name;
}

void vs_err_clear(struct vs_err *e)
{
	memset(e, 0, sizeof(*e));
}

void vs_err_sys(struct vs_err *e, int errnum, const char *extack)
{
	vs_err_clear(e);
	e->kind = VS_ERR_SYS;
	e->errnum = errnum;
	if (extack)
		snprintf(e->extack, sizeof(e->extack), "%s", extack);
}

void vs_err_set(struct vs_err *e, enum vs_err_kind kind, int errnum,
		const char *fmt, ...)
{
	va_list ap;

	vs_err_clear(e);
	e->kind = kind;
	e->errnum = errnum;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
		va_end(ap);
	}
}

bool vs_is_proc_path(const char *s)
{
	return !strncmp(s, "/proc/", 6);
}

/*
 * A device whose state could not be read because another task held a lock
 * it is read under: @why names the lock (the kernel's words).
 */
static void vs_busy_sentence(const char *arg, const char *why, char *buf,
			     size_t len)
{
	if (!why[0])
		why = "a lock its state is read under stayed held by another task";
	if (arg)
		snprintf(buf, len, "%s device %s is busy: %s; try again",
			 vs_is_proc_path(arg) ? "vhost" : "virtio", arg, why);
	else
		snprintf(buf, len, "a device is busy: %s; try again", why);
}

static void vs_sys_sentence(const struct vs_err *e, const char *arg,
			    char *buf, size_t len)
{
	char head[VS_MSG_MAX + 64];

	/* the module's EBUSY: the extack names the lock */
	if (e->errnum == EBUSY) {
		vs_busy_sentence(arg, e->extack, buf, len);
		return;
	}
	if (e->errnum == EPERM)
		snprintf(head, sizeof(head),
			 "permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root");
	else if (e->errnum == ENODEV && arg && vs_is_proc_path(arg))
		snprintf(head, sizeof(head), "no vhost device at %s", arg);
	else if (e->errnum == ENODEV && arg)
		snprintf(head, sizeof(head), "no virtio device at %s", arg);
	else
		snprintf(head, sizeof(head), "%s", strerror(e->errnum));
	if (e->extack[0])
		snprintf(buf, len, "%s (kernel: %s)", head, e->extack);
	else
		snprintf(buf, len, "%s", head);
}

static void vs_features_sentence(const struct vs_err *e, const char *arg,
				 char *buf, size_t len)
{
	if (!arg)
		arg = "?";
	switch (e->errnum) {
	case EPERM:
		snprintf(buf, len,
			 "permission denied: reading the features a device offers needs CAP_NET_ADMIN; run as root");
		break;
	case ENODEV:
		snprintf(buf, len,
			 "the virtio device at %s is going away: the features it offers could not be read",
			 arg);
		break;
	case EINTR:
		snprintf(buf, len,
			 "interrupted while reading the features the virtio device at %s offers; try again",
			 arg);
		break;
	default:
		snprintf(buf, len,
			 "cannot read the features the virtio device at %s offers: %s",
			 arg, strerror(e->errnum));
		break;
	}
}

void vs_err_sentence(const struct vs_err *e, const char *arg,
		     char *buf, size_t len)
{
	switch (e->kind) {
	case VS_ERR_NONE:
		snprintf(buf, len, "no error");
		break;
	case VS_ERR_SYS:
		vs_sys_sentence(e, arg, buf, len);
		break;
	case VS_ERR_NOFAMILY:
		snprintf(buf, len,
			 "virtio_status kernel module is not loaded (load it with: modprobe virtio_status, or insmod virtio_status.ko)");
		break;
	case VS_ERR_OLD:
		snprintf(buf, len, "kernel module too old: %s", e->detail);
		break;
	case VS_ERR_FEATURES:
		vs_features_sentence(e, arg, buf, len);
		break;
	case VS_ERR_DUMP_INTR:
		snprintf(buf, len,
			 "the list of virtio devices kept changing during %d tries; try again",
			 e->errnum);
		break;
	case VS_ERR_MSG:
		snprintf(buf, len, "%s", e->detail);
		break;
	case VS_ERR_LIST_ONLY:
		snprintf(buf, len,
			 "the virtio_status module runs in list-only mode%s%s%s; it lists devices but reads no state; load it with allow_untested=1 to read state anyway",
			 e->detail[0] ? " (" : "", e->detail,
			 e->detail[0] ? ")" : "");
		break;
	case VS_ERR_VHOST_UNREAD:
		if (arg)
			snprintf(buf, len,
				 "vhost device %s could not be read: %s", arg,
				 e->detail);
		else
			snprintf(buf, len,
				 "a vhost device could not be read: %s",
				 e->detail);
		break;
	case VS_ERR_BUSY:
		vs_busy_sentence(arg, e->detail, buf, len);
		break;
	}
}

static bool vs_is_busid(const char *s)
{
	const char *p;

	if (strncmp(s, "virtio", 6) || !s[6])
		return false;
	for (p = s + 6; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

int vs_target_parse(const char *arg, struct vs_target *t, struct vs_err *e)
{
	char *real;

	memset(t, 0, sizeof(*t));
	t->arg = arg;
	if (arg[0] == '/' && strlen(arg) >= sizeof(t->value)) {
		vs_err_set(e, VS_ERR_MSG, ENAMETOOLONG,
			   "device path is longer than %d bytes",
			   VIRTIO_STATUS_PATH_MAX - 1);
		return -1;
	}
	if (vs_is_proc_path(arg)) {
		/*
		 * The kernel looks the fd up itself, in our pid namespace:
		 * resolving the link here would give the device node, which
		 * every vhost device of its kind shares.
		 */
		t->kind = VS_TARGET_PROC;
		snprintf(t->value, sizeof(t->value), "%s", arg);
		return 0;
	}
	if (arg[0] == '/') {
		t->kind = VS_TARGET_PATH;
		real = realpath(arg, NULL);
		if (real && strlen(real) < sizeof(t->value))
			snprintf(t->value, sizeof(t->value), "%s", real);
		else
			snprintf(t->value, sizeof(t->value), "%s", arg);
		free(real);
		return 0;
	}
	if (vs_is_busid(arg)) {
		if (strlen(arg) >= VIRTIO_STATUS_BUSID_MAX) {
			vs_err_set(e, VS_ERR_MSG, ENAMETOOLONG,
				   "virtio bus id '%s' is too long", arg);
			return -1;
		}
		t->kind = VS_TARGET_BUSID;
		snprintf(t->value, sizeof(t->value), "%s", arg);
		return 0;
	}
	vs_err_set(e, VS_ERR_MSG, EINVAL,
		   "'%s' names no device: give a sysfs path (/sys/bus/virtio/devices/virtioN), a virtio bus id (virtioN) or a vhost device's /proc/PID/fd/FD",
		   arg);
	return -1;
}
