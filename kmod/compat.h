/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels we build for (Debian 12's 6.1 and
 * 6.12 lines) lives here, and in the probes that feed it (probes.mk).
 */
#ifndef _VS_COMPAT_H
#define _VS_COMPAT_H

#include <net/genetlink.h>

/*
 * VS_HAVE_* come from the feature probes in kmod/probes.mk, which look at
 * the kernel we build for rather than trusting its version number.
 */

/**
 * vs_dump_attrs() - attributes of the request that started a dump
 * @cb: the dump's netlink callback
 *
 * Return: the attribute table genetlink parsed and validated against the
 * op's policy; valid in the op's start, dumpit and done callbacks.
 */
static inline struct nlattr **vs_dump_attrs(struct netlink_callback *cb)
{
#ifdef VS_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _VS_COMPAT_H */
