// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: print the state of the virtio devices this kernel knows
 * as the JSON of QEMU's x-query-virtio / x-query-virtio-status, read over
 * the virtio_status generic netlink family.
 *
 * A command that runs on (monitor, exporter, serve) can be a binary of
 * its own: a main() like this one calling vs_cmd_exporter_main(argc, argv,
 * &be, stdout, stderr) in place of vs_cmd_main(), linked as virtio-status
 * is (say virtio-status-exporter: cmd/exporter-main.o $(LIB_OBJS)). The
 * entry point is unchanged: argv[0] is then the program's name, which its
 * usage and its "Try ... --help" name (vs_cmd_prog()).
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
