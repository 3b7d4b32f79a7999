/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status unit test helper: features-table.h against the uapi
 * headers of two kernels (uapi-check.c, built once per header set).
 */
#ifndef VS_UAPI_CHECK_H
#define VS_UAPI_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* An entry of features-table.h, and what the headers make of its symbol. */
struct vs_uapi_entry {
	unsigned int table;
	unsigned int bit;
	const char *sym;
	char src;		/* H, E, S or N */
	/* the symbol after preprocessing: its value, or itself if undefined */
	const char *expansion;
	const char *desc;
};

/* An enum constant of the headers (src E), or -1 with older headers. */
struct vs_uapi_enum {
	const char *sym;
	long long val;
};

/*
 * The table as one set of headers sees it. @dir is the include/uapi
 * directory the set was taken from ("" for the libc's own), or NULL when
 * none was given (the newest set without VS_UAPI_NEWEST): then the set is
 * empty.
 */
struct vs_uapi_set {
	const char *dir;
	const struct vs_uapi_entry *entries;
	size_t n_entries;
	const struct vs_uapi_enum *enums;
	size_t n_enums;
	/* the enum constants are known (the set has VIRTIO_F_ADMIN_VQ) */
	bool has_enums;
};

/* The headers the Makefile finds installed (VS_UAPI_DIR): may be older. */
extern const struct vs_uapi_set vs_uapi_installed;
/*
 * The newest kernel's (VS_UAPI_NEWEST): every H and E symbol of the table
 * must be there, and every feature bit they define must be in the table.
 */
extern const struct vs_uapi_set vs_uapi_newest;

#endif /* VS_UAPI_CHECK_H */
