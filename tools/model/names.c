// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the names people use for a device.
 *
 * Guest (a virtio device):
 *   device  the child the driver made below it that people name it by:
 *           the first child of class net, else of class block, else of
 *           class virtio-ports, else the first child of any class
 *   virtio  the bus id, virtioN
 *
 * Host (a vhost device, named /proc/PID/fd/FD; OWNER is the device's
 * owner pid when it has one, else PID):
 *   tap     vhost-net with a backend fd B (in PID): the "iff:" line of
 *           PROC/PID/fdinfo/B (a tun/tap fd's interface); a macvtap fd has
 *           none, and PROC/PID/fd/B links to /dev/tapN, N its ifindex
 *   cid     vhost-vsock: the guest CID, decimal
 *   vm      libvirt's name for the VM, from PROC/OWNER/cgroup: a path
 *           component machine-qemu\x2dID\x2dNAME.scope (systemd's escape
 *           \xHH undone; ID decimal; a component without ID, from older
 *           libvirt, is NAME whole) or, without systemd, the cgroupfs
 *           form qemu-ID-NAME.libvirt-qemu (or NAME.libvirt-qemu); else
 *           QEMU's -name from PROC/OWNER/cmdline: its guest= value or its
 *           value without a key ("-name web01,debug-threads=on"); ",," in
 *           a value is a comma; the last -name counts
 *   uuid    the argument of -uuid in PROC/OWNER/cmdline (the last one)
 * Options are taken with one dash or two (-name, --name). A file that
 * cannot be read (gone, or hidden by permissions) leaves its names "".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dev.h"
#include "names.h"

/* Most of a /proc file read: a QEMU command line is tens of KiB at most */
#define VS_NAMES_FILE_MAX	(1024 * 1024)

static const char *vs_proc_root_set;

const char *vs_names_proc_root(void)
{
	return vs_proc_root_set ? vs_proc_root_set : "/proc";
}

void vs_names_set_proc_root(const char *root)
{
	vs_proc_root_set = root;
}

/* @s into @buf as a string, cut to fit. */
static void vs_names_copy(char *buf, size_t len, const char *s, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static int vs_names_path(char *path, size_t len, const char *fmt, ...)
	__printf(3, 4);

static int vs_names_path(char *path, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(path, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * The contents of @path, NUL-terminated, at most VS_NAMES_FILE_MAX bytes,
 * its length in @lenp. NULL when it cannot be read.
 */
static char *vs_names_slurp(const char *path, size_t *lenp)
{
	size_t cap = 4096, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		if (!buf || n + 1 >= cap) {
			if (buf)
				cap *= 2;
			if (cap > VS_NAMES_FILE_MAX + 1)
				cap = VS_NAMES_FILE_MAX + 1;
			nb = realloc(buf, cap);
			if (!nb)
				goto fail;
			buf = nb;
		}
		if (n + 1 >= cap)
			break;
		r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*lenp = n;
	return buf;

fail:
	free(buf);
	close(fd);
	return NULL;
}

static int vs_names_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* @n bytes of @s with systemd's \xHH escapes undone, into @buf. */
static void vs_names_unescape(const char *s, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < n && o + 1 < len; i++) {
		hi = i + 3 < n && s[i] == '\\' && s[i + 1] == 'x' ?
		     vs_names_hex(s[i + 2]) : -1;
		lo = hi >= 0 ? vs_names_hex(s[i + 3]) : -1;
		if (lo >= 0) {
			buf[o++] = (char)(hi << 4 | lo);
			i += 3;
			continue;
		}
		buf[o++] = s[i];
	}
	buf[o] = '\0';
}

/* "qemu-ID-NAME" -> NAME, "qemu-NAME" -> NAME (@s unescaped), or NULL. */
static const char *vs_names_machine(const char *s)
{
	const char *p;

	if (strncmp(s, "qemu-", 5))
		return NULL;
	s += 5;
	for (p = s; *p >= '0' && *p <= '9'; p++)
		;
	if (p > s && *p == '-')
		return p + 1;
	return s;
}

/* The VM a cgroup path component @c of @n bytes names, into @vm. */
static int vs_names_cgroup_part(const char *c, size_t n, char *vm, size_t len)
{
	static const char scope_pfx[] = "machine-", scope_sfx[] = ".scope";
	static const char lv_sfx[] = ".libvirt-qemu";
	const size_t sp = sizeof(scope_pfx) - 1, ss = sizeof(scope_sfx) - 1;
	const size_t ls = sizeof(lv_sfx) - 1;
	char buf[512];
	const char *name;

	if (n > sp + ss && !strncmp(c, scope_pfx, sp) &&
	    !strncmp(c + n - ss, scope_sfx, ss)) {
		/* systemd: "machine-qemu\x2d1\x2dweb01.scope" */
		vs_names_unescape(c + sp, n - sp - ss, buf, sizeof(buf));
		name = vs_names_machine(buf);
	} else if (n > ls && !strncmp(c + n - ls, lv_sfx, ls)) {
		/* cgroupfs: "qemu-1-web01.libvirt-qemu" or "web01.libvirt-qemu" */
		vs_names_copy(buf, sizeof(buf), c, n - ls);
		name = vs_names_machine(buf);
		if (!name)
			name = buf;
	} else {
		return -1;
	}
	if (!name || !*name)
		return -1;
	vs_names_copy(vm, len, name, strlen(name));
	return 0;
}

int vs_names_cgroup_vm(const char *text, char *vm, size_t len)
{
	const char *line, *end, *p, *c;
	size_t n;

	vm[0] = '\0';
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		/* "ID:CONTROLLERS:PATH" */
		p = memchr(line, ':', (size_t)(end - line));
		p = p ? memchr(p + 1, ':', (size_t)(end - p - 1)) : NULL;
		if (!p)
			continue;
		/* its components; @end is the line's '\n' or NUL */
		for (c = p + 1; c < end; c += n + 1) {
			n = strcspn(c, "/\n");
			if (n && !vs_names_cgroup_part(c, n, vm, len))
				return 0;
		}
	}
	return -1;
}

/*
 * One value of a QEMU option string at @s into @buf: up to the first ','
 * that is not ",," (which stands for a comma). Returns what follows it.
 */
static const char *vs_names_opt_value(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	char c;

	while (*s) {
		if (*s == ',' && s[1] != ',')
			break;
		c = *s;
		s += *s == ',' ? 2 : 1;
		if (o + 1 < len)
			buf[o++] = c;
	}
	buf[o] = '\0';
	return *s ? s + 1 : s;
}

/*
 * The VM's name in -name's argument @s: "web01", "guest=web01,..." or
 * "debug-threads=on,guest=web01". 0, or -1 when it has none.
 */
static int vs_names_qemu_name(const char *s, char *vm, size_t len)
{
	bool first = true, guest;
	char buf[256];
	int ret = -1;
	size_t k;

	while (*s) {
		k = strcspn(s, "=,");
		if (s[k] == '=') {
			guest = k == 5 && !strncmp(s, "guest", 5);
			s = vs_names_opt_value(s + k + 1, buf, sizeof(buf));
		} else {
			/* the first without a key is guest's; others are flags */
			guest = first;
			s = vs_names_opt_value(s, buf, sizeof(buf));
		}
		first = false;
		if (guest && buf[0]) {
			vs_names_copy(vm, len, buf, strlen(buf));
			ret = 0;
		}
	}
	return ret;
}

static bool vs_names_is_opt(const char *arg, const char *name)
{
	if (arg[0] != '-')
		return false;
	arg += arg[1] == '-' ? 2 : 1;
	return !strcmp(arg, name);
}

int vs_names_cmdline(const char *argv, size_t len, char *vm, size_t vm_len,
		     char *uuid, size_t uuid_len)
{
	const char *end = argv + len, *a, *next;
	bool found = false;

	if (vm)
		vm[0] = '\0';
	if (uuid)
		uuid[0] = '\0';
	for (a = argv; a < end; a = next) {
		next = a + strnlen(a, (size_t)(end - a)) + 1;
		if (next >= end)
			break;
		/* @next is the option's argument, NUL-terminated within @len */
		if (!memchr(next, '\0', (size_t)(end - next)))
			break;
		if (vs_names_is_opt(a, "name")) {
			if (vm && !vs_names_qemu_name(next, vm, vm_len))
				found = true;
		} else if (vs_names_is_opt(a, "uuid")) {
			if (uuid && *next) {
				vs_names_copy(uuid, uuid_len, next, strlen(next));
				found = true;
			}
		} else {
			continue;
		}
		next += strlen(next) + 1;
	}
	return found ? 0 : -1;
}

int vs_names_fdinfo_iff(const char *text, char *iff, size_t len)
{
	const char *line, *end, *v;

	iff[0] = '\0';
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\n");
		if (strncmp(line, "iff:", 4))
			continue;
		for (v = line + 4; v < end && (*v == ' ' || *v == '\t'); v++)
			;
		if (v == end)
			return -1;
		vs_names_copy(iff, len, v, (size_t)(end - v));
		return 0;
	}
	return -1;
}

/* The guest's child that names @d: net, then block, then virtio-ports, then any. */
static void vs_names_guest(const struct vs_nl_dev *d, struct vs_dev_names *n)
{
	static const char * const order[] = { "net", "block", "virtio-ports" };
	const struct vs_nl_child *c, *best = NULL;
	size_t rank, best_rank = ARRAY_SIZE(order) + 1;
	u32 i, kept;

	if (vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID))
		vs_names_copy(n->virtio, sizeof(n->virtio), d->header.busid,
			      strlen(d->header.busid));
	if (!vs_dev_has(d, VIRTIO_STATUS_A_DEV_CHILD))
		return;
	kept = d->n_child < VIRTIO_STATUS_CHILD_MAX ? d->n_child :
						      VIRTIO_STATUS_CHILD_MAX;
	for (i = 0; i < kept; i++) {
		c = &d->child[i];
		if (!vs_nl_has(c->have, VIRTIO_STATUS_A_CHILD_NAME) ||
		    !c->name[0])
			continue;
		for (rank = 0; rank < ARRAY_SIZE(order); rank++)
			if (vs_nl_has(c->have, VIRTIO_STATUS_A_CHILD_CLASS) &&
			    !strcmp(c->class, order[rank]))
				break;
		if (rank < best_rank) {
			best = c;
			best_rank = rank;
		}
	}
	if (best)
		vs_names_copy(n->device, sizeof(n->device), best->name,
			      strlen(best->name));
}

/* The tap of vhost-net backend fd @fd of process @pid. */
static void vs_names_tap(const char *root, unsigned int pid, u32 fd,
			 struct vs_dev_names *n)
{
	char path[PATH_MAX], link[64], ifname[IF_NAMESIZE];
	unsigned int ifindex;
	size_t len;
	ssize_t r;
	char *text;
	int end = 0;

	if (!vs_names_path(path, sizeof(path), "%s/%u/fdinfo/%u", root, pid,
			   fd)) {
		text = vs_names_slurp(path, &len);
		if (text && !vs_names_fdinfo_iff(text, n->tap, sizeof(n->tap))) {
			free(text);
			return;
		}
		free(text);
	}
	/* macvtap: /dev/tapIFINDEX */
	if (vs_names_path(path, sizeof(path), "%s/%u/fd/%u", root, pid, fd))
		return;
	r = readlink(path, link, sizeof(link) - 1);
	if (r <= 0)
		return;
	link[r] = '\0';
	if (sscanf(link, "/dev/tap%u%n", &ifindex, &end) == 1 &&
	    !link[end] && if_indextoname(ifindex, ifname))
		vs_names_copy(n->tap, sizeof(n->tap), ifname, strlen(ifname));
}

/* The VM of process @pid: its cgroup, else its command line. */
static void vs_names_vm(const char *root, unsigned int pid,
			struct vs_dev_names *n)
{
	char path[PATH_MAX];
	char *text;
	size_t len;

	if (!vs_names_path(path, sizeof(path), "%s/%u/cgroup", root, pid)) {
		text = vs_names_slurp(path, &len);
		if (text)
			vs_names_cgroup_vm(text, n->vm, sizeof(n->vm));
		free(text);
	}
	if (vs_names_path(path, sizeof(path), "%s/%u/cmdline", root, pid))
		return;
	text = vs_names_slurp(path, &len);
	if (!text)
		return;
	vs_names_cmdline(text, len, n->vm[0] ? NULL : n->vm, sizeof(n->vm),
			 n->uuid, sizeof(n->uuid));
	free(text);
}

static void vs_names_vhost(const struct vs_nl_dev *d, struct vs_dev_names *n,
			   const char *root)
{
	unsigned int pid, fd;
	int end = 0;

	if (sscanf(d->header.path, "/proc/%u/fd/%u%n", &pid, &fd, &end) != 2 ||
	    d->header.path[end])
		return;
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_GUEST_CID))
		snprintf(n->cid, sizeof(n->cid), "%u", d->vhost.guest_cid);
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_BACKEND_FD))
		vs_names_tap(root, pid, d->vhost.backend_fd, n);
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_OWNER_PID) &&
	    d->vhost.owner_pid)
		pid = d->vhost.owner_pid;
	vs_names_vm(root, pid, n);
}

int vs_dev_names_get(const struct vs_nl_dev *d, struct vs_dev_names *n,
		     const char *proc_root)
{
	memset(n, 0, sizeof(*n));
	if (vs_dev_is_vhost(d))
		vs_names_vhost(d, n, proc_root ? proc_root : "/proc");
	else if (vs_dev_is_virtio(d))
		vs_names_guest(d, n);
	return !!n->device[0] + !!n->virtio[0] + !!n->tap[0] + !!n->cid[0] +
	       !!n->vm[0] + !!n->uuid[0];
}
