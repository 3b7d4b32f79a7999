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

#endif /* VS_VHOST_H */
