// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of virtio-status: JSON building, argument parsing, QMP
 * line handling, error sentences and reply decoding. No kernel module is
 * involved: devices come from a fake backend (fake.c) or from messages
 * built as the kernel builds them.
 *
 * One program, one KTAP stream: the kselftest harness wants its tests in
 * one translation unit (see test.h), so the files of each area are
 * included here, in the order they run.
 */
#include "test.h"

#include "test_qmp.c"
#include "test_args.c"
#include "test_cli.c"
#include "test_cmdline.c"
#include "test_show.c"
#include "test_names.c"
#include "test_vhost.c"
#include "test_queue.c"
#include "test_element.c"
#include "test_addr.c"
#include "test_unread.c"
#include "test_features.c"
#include "test_decoded.c"
#include "test_decode.c"
#include "test_decode_dev.c"
#include "test_decode_queue.c"
#include "test_events.c"
#include "test_stall.c"
#include "test_metrics.c"
#include "test_exporter.c"
#include "test_serve.c"
#include "test_serve_socket.c"

/*
 * "virtio-status exporter" runs the exporter linked into this program,
 * not virtio-status-exporter beside it, which would replace the tests.
 */
static void __attribute__((constructor)) exporter_here(void)
{
	vs_cmd_exporter_here = vs_cmd_exporter_main;
}

TEST_HARNESS_MAIN
