/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status unit test helper: features-table.h against the uapi
 * headers (uapi-check.c).
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

extern const struct vs_uapi_entry vs_uapi_entries[];
extern const size_t vs_uapi_n_entries;
extern const struct vs_uapi_enum vs_uapi_enums[];
extern const size_t vs_uapi_n_enums;
/* The headers are as new as the table: every H and E symbol must be there. */
extern const bool vs_uapi_complete;

#endif /* VS_UAPI_CHECK_H */
