/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status metrics: the devices in Prometheus' text exposition format
 * (version 0.0.4), for node_exporter's textfile collector, Telegraf and the
 * exporter (exporter.c). README "Metrics" lists every series.
 */
#ifndef VS_METRICS_H
#define VS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dev.h"

/* The Content-Type of the exposition, as an HTTP server serves it. */
#define VS_METRICS_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/* What a scrape writes besides the families every scrape has. */
struct vs_metrics_opts {
	/*
	 * --collect.features: the feature bit families (guest, host and
	 * vhost backend features), one series per set bit; left out (no
	 * HELP or TYPE either) without it
	 */
	bool features;
};

/*
 * Ask @be for every device and every queue's health once (@o may be NULL:
 * the defaults) and write the whole exposition to @f,
 * virtio_status_scrape_success included whatever the kernel answered.
 * Returns 1 when the kernel answered the device dump, 0 when it did not
 * (scrape_success 0 in the text), -1 when @f could not be written or
 * memory ran out. @why is "" when everything was read; else one sentence:
 * why the dump failed (0), why the queue health could not be read (1:
 * the queue families are empty, virtio_status_queue_health_read says
 * why), or why nothing was written (-1).
 */
int vs_metrics_write(const struct vs_backend *be,
		     const struct vs_metrics_opts *o, FILE *f, char *why,
		     size_t len);

/*
 * The same into a malloc()ed buffer, NUL terminated, length in @textlen.
 * On -1 *@text is NULL.
 */
int vs_metrics_text(const struct vs_backend *be,
		    const struct vs_metrics_opts *o, char **text,
		    size_t *textlen, char *why, size_t len);

/*
 * Write @s as a label value of the exposition: a backslash goes before each
 * backslash and double quote, and a newline is written as backslash, 'n'.
 */
void vs_prom_label_value(FILE *f, const char *s);

/*
 * Replace @path with @len bytes of @buf atomically: a temporary file in
 * the same directory (".NAME.XXXXXX", never "*.prom"), written, mode 0644,
 * fsync()ed, renamed over @path, and the directory fsync()ed. Readers see
 * the old file or the new one, never part of one. 0, or -1 with the
 * sentence in @msg and no temporary file left.
 */
int vs_write_atomic(const char *path, const char *buf, size_t len, char *msg,
		    size_t msglen);

/*
 * Name of metric family @i (0, 1, ...), or NULL past the last one; its
 * TYPE ("gauge", "counter") in @type and whether only --collect.features
 * writes it in @opt_in (each may be NULL).
 */
const char *vs_metrics_family(size_t i, const char **type, bool *opt_in);

#endif /* VS_METRICS_H */
