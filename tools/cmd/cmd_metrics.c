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
	      "1 on a usage error or when the metrics cannot be written.\n", f);
}

enum { VS_CMD_METRICS_OUTPUT = 256, VS_CMD_METRICS_FEATURES };

static const struct option vs_cmd_metrics_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "output", required_argument, NULL, VS_CMD_METRICS_OUTPUT },
	{ "collect.features", no_argument, NULL, VS_CMD_METRICS_FEATURES },
	{ NULL, 0, NULL, 0 }
};

int vs_cmd_metrics_main(int argc, char **argv, const struct vs_backend *be,
			FILE *out, FILE *err)
{
	char why[2 * VS_MSG_MAX], msg[2 * VS_MSG_MAX], prog[128];
	struct vs_metrics_opts mo = { 0 };
	const char *output = NULL;
	struct vs_cmd_getopt g;
	size_t len;
	char *text;
	int c, ret;

	vs_cmd_prog(argc ? argv[0] : NULL, "metrics", prog, sizeof(prog));
	vs_cmd_getopt_init(&g, argc, argv, "-:h", vs_cmd_metrics_longopts);
	while ((c = vs_cmd_getopt(&g)) != -1) {
		switch (c) {
		case 'h':
			vs_cmd_metrics_usage(out, prog);
			return 0;
		case VS_CMD_METRICS_OUTPUT:
			output = g.arg;
			break;
		case VS_CMD_METRICS_FEATURES:
			mo.features = true;
			break;
		case ':':
			snprintf(msg, sizeof(msg), "option --output needs a file");
			goto usage;
		case 1:
			snprintf(msg, sizeof(msg), "metrics takes no argument '%s'",
				 g.arg);
			goto usage;
		default:
			if (!strncmp(g.word, "--collect.features=", 19))
				snprintf(msg, sizeof(msg),
					 "option --collect.features takes no value");
			else
				snprintf(msg, sizeof(msg), "unknown option '%s'",
					 g.word);
			goto usage;
		}
	}
	if (output && !output[0]) {
		snprintf(msg, sizeof(msg), "--output is empty");
		goto usage;
	}

	ret = vs_metrics_text(be, &mo, &text, &len, why, sizeof(why));
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

usage:
	fprintf(err, "%s\nTry '%s --help' for more information.\n", msg, prog);
	return 1;
}
