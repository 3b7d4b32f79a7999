/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the few kernel spellings the tools use in userspace, so
 * the code reads like (and checks like) kernel code.
 */
#ifndef VS_UTIL_H
#define VS_UTIL_H

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef BIT_ULL
#define BIT_ULL(n)	(1ULL << (n))
#endif

/*
 * __printf(a, b) comes from the Makefile (checkpatch wants the macro, and
 * would flag the attribute spelled out here).
 */

#endif /* VS_UTIL_H */
