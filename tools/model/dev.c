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

struct vs_nl_dev *vs_dev_list_add(struct vs_dev_list *l)
{
	struct vs_nl_dev *d;

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

void vs_health_list_free(struct vs_health_list *l)
{
	free(l->q);
	l->q = NULL;
	l->n = 0;
	l->cap = 0;
}

struct vs_nl_health *vs_health_list_add(struct vs_health_list *l)
{
	struct vs_nl_health *q;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		q = realloc(l->q, cap * sizeof(*q));
		if (!q)
			return NULL;
		l->q = q;
		l->cap = cap;
	}
	q = &l->q[l->n++];
	memset(q, 0, sizeof(*q));
	return q;
}

bool vs_dev_list_list_only(const struct vs_dev_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (vs_dev_list_only(&l->devs[i]))
			return true;
	return false;
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

/* The kind of device argument @arg names, as the sentences say it. */
static const char *vs_model_arg_kind(const char *arg)
{
	return vs_is_proc_path(arg) ? "vhost" : "virtio";
}

/*
 * A device whose state could not be read because another task held a lock
 * it is read under: @why names the lock (the kernel's words).
 */
static void vs_model_busy_sentence(const char *arg, const char *why,
				   char *buf, size_t len)
{
	if (!why[0])
		why = "a lock its state is read under stayed held by another task";
	if (arg)
		snprintf(buf, len, "%s device %s is busy: %s; try again",
			 vs_model_arg_kind(arg), arg, why);
	else
		snprintf(buf, len, "a device is busy: %s; try again", why);
}

static void vs_model_sys_sentence(const struct vs_err *e, const char *arg,
				  char *buf, size_t len)
{
	char head[VS_MSG_MAX + 64];

	/* the module's EBUSY: the extack names the lock */
	if (e->errnum == EBUSY) {
		vs_model_busy_sentence(arg, e->extack, buf, len);
		return;
	}
	if (e->errnum == EPERM)
		snprintf(head, sizeof(head),
			 "permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root");
	else if (e->errnum == ENODEV && arg)
		snprintf(head, sizeof(head), "no %s device at %s",
			 vs_model_arg_kind(arg), arg);
	else
		snprintf(head, sizeof(head), "%s", strerror(e->errnum));
	if (e->extack[0])
		snprintf(buf, len, "%s (kernel: %s)", head, e->extack);
	else
		snprintf(buf, len, "%s", head);
}

static void vs_model_features_sentence(const struct vs_err *e,
				       const char *arg, char *buf, size_t len)
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
		vs_model_sys_sentence(e, arg, buf, len);
		break;
	case VS_ERR_NOFAMILY:
		snprintf(buf, len,
			 "virtio_status kernel module is not loaded (load it with: modprobe virtio_status, or insmod virtio_status.ko)");
		break;
	case VS_ERR_OLD:
		snprintf(buf, len, "kernel module too old: %s", e->detail);
		break;
	case VS_ERR_FEATURES:
		vs_model_features_sentence(e, arg, buf, len);
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
		vs_model_busy_sentence(arg, e->detail, buf, len);
		break;
	}
}

static bool vs_model_is_busid(const char *s)
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
	if (vs_model_is_busid(arg)) {
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
