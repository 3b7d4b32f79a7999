/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the vhost selftests share: opening vhost devices, passing file
 * descriptors between processes, privileges and limits.
 */
#ifndef VS_VHOST_H
#define VS_VHOST_H

#include <stdbool.h>
#include <sys/types.h>

#include "vs_netlink.h"

#define VS_VHOST_NET	"/dev/vhost-net"
#define VS_VHOST_VSOCK	"/dev/vhost-vsock"
#define VS_NOBODY	65534

int vs_vhost_open(const char *dev, bool owner);
int vs_send_fds(int sock, const int *fds, int n);
int vs_recv_fds(int sock, int *fds, int max);
int vs_have_net_admin(void);
int vs_drop_privileges(void);
int vs_raise_nofile(unsigned long n);
int vs_vhost_state(struct vs_nl *nl, char *reason, size_t len);
int vs_vhost_fixture_open(struct vs_nl *nl, char *why, size_t len);

/* Guest memory: up to two regions, the rings in the first one. */
#define VS_VMEM_REGION_SIZE	(1024UL * 1024)
#define VS_VMEM_REGION_GPA(i) ((__u64)(i) * VS_VMEM_REGION_SIZE)
#define VS_VMEM_RING_NUM	256
#define VS_VMEM_RING_SLOT	16384	/* per virtqueue: desc, avail, used */
#define VS_VMEM_NVQS		2	/* vhost-net and vhost-vsock both have 2 */

/* Guest memory for vhost devices: see vs_vmem_init(). */
struct vs_vmem {
	void *region[2];
	unsigned int nregions;
	int kick[VS_VMEM_NVQS];
	int call[VS_VMEM_NVQS];
};

int vs_vmem_init(struct vs_vmem *m, unsigned int n);
void vs_vmem_free(struct vs_vmem *m);
int vs_vmem_set_table(int fd, const struct vs_vmem *m);
int vs_vmem_set_vring(int fd, const struct vs_vmem *m, unsigned int idx);
int vs_tap_open(char *name);
int vs_net_backend(int fd, unsigned int idx, int tap);

#endif /* VS_VHOST_H */
