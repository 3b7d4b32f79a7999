/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family of vs_lockhold.ko, shared by the module and
 * selftests/netlink/genl_probe.c: plain constants, no includes, so that both a
 * kernel and a userspace build can use it.
 */
#ifndef VS_LOCKHOLD_H
#define VS_LOCKHOLD_H

#define VS_LOCKHOLD_FAMILY_NAME		"vs_lockhold"
#define VS_LOCKHOLD_FAMILY_VERSION	1

enum vs_lockhold_cmd {
	VS_LOCKHOLD_CMD_UNSPEC,
	VS_LOCKHOLD_CMD_ECHO,		/* do: one reply carrying VALUE back */
};

enum vs_lockhold_attr {
	VS_LOCKHOLD_A_UNSPEC,
	VS_LOCKHOLD_A_VALUE,		/* u32, optional (0 if absent) */

	__VS_LOCKHOLD_A_MAX,
	VS_LOCKHOLD_A_MAX = __VS_LOCKHOLD_A_MAX - 1
};

#endif /* VS_LOCKHOLD_H */
