// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status metrics [--collect.features] [--output FILE]: the
 * exposition of render/metrics.c on standard output, or replacing FILE
 * atomically.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "metrics.h"

static void vs_cmd_metrics_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [--collect.features] [--output FILE]\n", prog);
	fputs("\n"
	      "Print the state of every virtio and vhost device in Prometheus' text\n"
	      "exposition format (version 0.0.4). The README's \"Metrics\" section\n"
	      "lists every series.\n"
	      "\n"
	      "Options:\n"
	      "  --collect.features\n"
	      "                 also write the feature bits, one series per set bit\n"
	      "                 (virtio_status_device_guest_feature, _host_feature,\n"
	      "                 virtio_status_vhost_backend_feature): most of a\n"
	      "                 guest's series, so left out by default\n"
	      "  --output FILE  replace FILE atomically instead of printing: a\n"
	      "                 temporary file in FILE's directory, written, synced\n"
	      "                 and renamed over FILE (mode 0644). For\n"
	      "                 node_exporter's textfile collector, whose FILE ends\n"
	      "                 in .prom\n"
	      "  -h, --help     print this help\n"
	      "\n"
	      "Exit status: 0 when the metrics were written, also when the kernel\n"
	      "module did not answer (virtio_status_scrape_success is 0 then, and the\n"
	      "reason is printed on standard error) or the queues could not be read\n"
	      "(virtio_status_queue_health_read is 0, the reason on standard error);\n"
	      "1 when the metrics cannot be written, 2 on a usage error.\n", f);
}

enum { VS_CMD_METRICS_OUTPUT, VS_CMD_METRICS_FEATURES };

static const struct vs_opt vs_cmd_metrics_opts[] = {
	{ "output", 0, "a file", VS_CMD_METRICS_OUTPUT },
	{ "collect.features", 0, NULL, VS_CMD_METRICS_FEATURES },
	{ NULL, 0, NULL, 0 }
};

struct vs_cmd_metrics_args {
	struct vs_metrics_opts mo;
	const char *output;
};

static int vs_cmd_metrics_set(void *ctx, const struct vs_opt *opt,
			      const char *value, char *msg, size_t len)
{
	struct vs_cmd_metrics_args *a = ctx;

	if (!opt)
		return vs_args_no_operand("metrics", value, msg, len);
	if (opt->id == VS_CMD_METRICS_FEATURES) {
		a->mo.features = true;
		return 0;
	}
	if (!value[0]) {
		snprintf(msg, len, "--output is empty");
		return -1;
	}
	a->output = value;
	return 0;
}

static const struct vs_args_spec vs_cmd_metrics_spec = {
	.name = "metrics",
	.opts = vs_cmd_metrics_opts,
	.set = vs_cmd_metrics_set,
};

int vs_cmd_metrics_main(int argc, char **argv, const struct vs_backend *be,
			FILE *out, FILE *err)
{
	char why[2 * VS_MSG_MAX], msg[2 * VS_MSG_MAX];
	struct vs_cmd_metrics_args a = { 0 };
	const char *output;
	size_t len;
	char *text;
	int ret;

	if (!vs_args_begin(&vs_cmd_metrics_spec, argc, argv, &a,
			   vs_cmd_metrics_usage, out, err, &ret))
		return ret;
	output = a.output;

	ret = vs_metrics_text(be, &a.mo, &text, &len, why, sizeof(why));
	if (ret < 0) {
		fprintf(err, "%s\n", why);
		return 1;
	}
	if (output) {
		if (vs_write_atomic(output, text, len, msg, sizeof(msg)) < 0) {
			fprintf(err, "%s\n", msg);
			free(text);
			return 1;
		}
	} else if (fwrite(text, 1, len, out) != len || fflush(out)) {
		fprintf(err, "cannot write the metrics\n");
		free(text);
		return 1;
	}
	free(text);
	if (!ret)
		fprintf(err, "%s; written as virtio_status_scrape_success 0\n",
			why);
	else if (why[0])
		fprintf(err, "%s; written as virtio_status_queue_health_read 0\n",
			why);
	return 0;
}
