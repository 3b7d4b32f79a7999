// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status-exporter: the metrics of this machine's virtio and vhost
 * devices over HTTP for Prometheus. A program of its own, so that only it
 * loads libmicrohttpd; `virtio-status exporter` runs it.
 */
#include <stdio.h>

#include "cli.h"
#include "nl.h"

int main(int argc, char **argv)
{
	struct vs_nl_lazy nl = { 0 };
	struct vs_backend be = { .ops = &vs_nl_backend_ops, .ctx = &nl };
	int ret;

	ret = vs_cmd_exporter_main(argc, argv, &be, stdout, stderr);
	if (nl.opened)
		vs_nl_close(&nl.nl);
	return ret;
}
