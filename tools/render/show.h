/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status show: the devices as plain text for a person. Not a
 * stable format: scripts should read the JSON commands.
 */
#ifndef VS_SHOW_H
#define VS_SHOW_H

#include <stdio.h>

#include "dev.h"

/*
 * One aligned line per device (virtio devices, then vhost devices, in
 * the kernel's order): NAME ID DRIVER STATUS FEATURES VQS PATH. Returns
 * the exit status; errors are one sentence on @err.
 */
int vs_show_list(const struct vs_backend *be, FILE *out, FILE *err);

/*
 * One device: its key facts, the negotiated features one per line, the
 * offered but not negotiated ones, and bits without a name in hex.
 */
int vs_show_dev(const struct vs_backend *be, const char *path, FILE *out,
		FILE *err);

#endif /* VS_SHOW_H */
