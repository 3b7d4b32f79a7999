/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the names people use for a device, next to the path the
 * module names it by. A guest's virtio-net device is "eth0", a host's
 * vhost-net device is the tap "vnet3" of the VM "web01". The module sends
 * what the kernel knows (a device's children, a vhost-vsock CID, the fd of
 * a vhost-net backend); the rest is read from /proc here. README "Field
 * map", "Device names", gives the rules; vs_dev_names_get() applies them.
 */
#ifndef VS_NAMES_H
#define VS_NAMES_H

#include <stddef.h>

#include "vs_nl_gen.h"

/* Every member is "" when not known. */
struct vs_dev_names {
	char device[64];	/* guest: the child people name it by (eth0) */
	char virtio[32];	/* guest: the bus id (virtio0) */
	char tap[64];		/* vhost-net: the backend's interface */
	char cid[24];		/* vhost-vsock: the guest's CID, decimal */
	char vm[256];		/* vhost: the VM, by libvirt's or QEMU's name */
	char uuid[40];		/* vhost: the VM's -uuid */
};

/*
 * The names of @d in @n, with /proc read at @proc_root ("/proc"; the
 * tests give a directory of their own). Files that cannot be read leave
 * their names "". Returns how many members of @n are not "".
 */
int vs_dev_names_get(const struct vs_nl_dev *d, struct vs_dev_names *n,
		     const char *proc_root);

/*
 * Where show and the JSON commands read /proc: "/proc" unless a test
 * set another root with vs_names_set_proc_root() (NULL: "/proc" again).
 */
const char *vs_names_proc_root(void);
void vs_names_set_proc_root(const char *root);

/*
 * The parsers behind vs_dev_names_get(), each on a file's contents.
 *
 * vs_names_cgroup_vm(): the libvirt domain of a /proc/PID/cgroup text;
 * vs_names_cmdline(): -name's guest and -uuid of a NUL-separated
 * /proc/PID/cmdline of @len bytes (either may be NULL); vs_names_fdinfo_iff():
 * the interface of a tun/tap fd's /proc/PID/fdinfo/FD text. Each returns
 * 0 when it found its name(s), -1 otherwise, leaving the buffers "".
 */
int vs_names_cgroup_vm(const char *text, char *vm, size_t len);
int vs_names_cmdline(const char *argv, size_t len, char *vm, size_t vm_len,
		     char *uuid, size_t uuid_len);
int vs_names_fdinfo_iff(const char *text, char *iff, size_t len);

#endif /* VS_NAMES_H */
