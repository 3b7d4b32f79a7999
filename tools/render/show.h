/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status show: the devices as plain text for a person. Not a
 * stable format: scripts should read the JSON commands.
 */
#ifndef VS_SHOW_H
#define VS_SHOW_H

#include <stdio.h>

#include "dev.h"

struct json_object;

/* How show prints. */
struct vs_show_opts {
	bool json;		/* -j: JSON (show_json.c) instead of text */
	bool pretty;		/* -p: indented JSON */
};

/*
 * One aligned line per device (virtio devices, then vhost devices, in
 * the kernel's order): NAME ID DRIVER STATUS FEATURES VQS PATH; or with
 * -j an array of vs_show_json_row(). 0, or -1 with the sentence on @err
 * and the error in @e.
 */
int vs_show_list(const struct vs_backend *be, const struct vs_show_opts *so,
		 FILE *out, FILE *err, struct vs_err *e);

/*
 * One device: its key facts, the negotiated features one per line, the
 * offered but not negotiated ones, and bits without a name in hex; or
 * with -j vs_show_json_dev(). As vs_show_list() returns.
 */
int vs_show_dev(const struct vs_backend *be, const char *path,
		const struct vs_show_opts *so, FILE *out, FILE *err,
		struct vs_err *e);

/* "virtioN", or "PID/FD" of a vhost device's /proc/PID/fd/FD. */
void vs_short_id(const struct vs_nl_dev *d, char *buf, size_t len);

/*
 * What @d's device (virtio) or its vhost driver offers: 0 and @offered,
 * or -1 with the sentence why it is not known in @why ("" when nothing
 * was read to compare it with: list-only mode, an unread device).
 */
int vs_show_offered(const struct vs_backend *be, const struct vs_nl_dev *d,
		    struct vs_fset *offered, char *why, size_t len);

/* show -j (show_json.c): a device of the list, and one device in full. */
struct json_object *vs_show_json_row(const struct vs_nl_dev *d);
struct json_object *vs_show_json_dev(const struct vs_backend *be,
				     const struct vs_nl_dev *d);

#endif /* VS_SHOW_H */
