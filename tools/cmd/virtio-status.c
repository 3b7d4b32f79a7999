// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: print the state of the virtio devices this kernel knows
 * as the JSON of QEMU's x-query-virtio / x-query-virtio-status, read over
 * the virtio_status generic netlink family.
 *
 * The exporter is a program of its own (exporter-main.c), so that this
 * one does not load libmicrohttpd.
 */
#include <stdio.h>

#include "cli.h"
#include "nl.h"

int main(int argc, char **argv)
{
	struct vs_nl_lazy nl = { 0 };
	struct vs_backend be = { .ops = &vs_nl_backend_ops, .ctx = &nl };
	int ret;

	ret = vs_cmd_main(argc, argv, &be, stdin, stdout, stderr);
	if (nl.opened)
		vs_nl_close(&nl.nl);
	return ret;
}
