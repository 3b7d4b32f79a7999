/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status exporter: the metrics of metrics.c served over HTTP
 * (libmicrohttpd) for Prometheus to scrape. Every scrape asks the kernel
 * afresh, so the exporter outlives the module being unloaded and loaded
 * again (README "Exporter").
 */
#ifndef VS_EXPORTER_H
#define VS_EXPORTER_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "dev.h"

#define VS_EXPORTER_LISTEN	"127.0.0.1:9123"

/*
 * Parse --listen's ADDR:PORT: a numeric IPv4 address, an IPv6 address in
 * brackets, or nothing (every address, IPv6 and IPv4), then a port from 1
 * to 65535. 0, or -1 with the sentence in @msg.
 */
int vs_listen_parse(const char *arg, struct sockaddr_storage *ss,
		    socklen_t *sslen, char *msg, size_t len);

/* What the exporter answers one request with. */
struct vs_http_answer {
	unsigned int status;	/* 200, 404, 405, 500 */
	const char *type;	/* Content-Type */
	const char *allow;	/* Allow header (405), or NULL */
	char *body;		/* malloc()ed */
	size_t len;
};

/*
 * Answer @method on @url (the path, without the query): GET or HEAD of
 * /metrics scrapes @be (its kernel connection forgotten first, so the
 * family is looked up again), GET of / is a page linking /metrics, another
 * method 405, another path 404. 0, or -1 when out of memory.
 */
int vs_exporter_answer(const struct vs_backend *be, const char *method,
		       const char *url, struct vs_http_answer *a);

struct vs_exporter;

/*
 * Listen on @addr (named @what in sentences) and serve from a thread of
 * libmicrohttpd, one request at a time. NULL with the sentence in @msg.
 */
struct vs_exporter *vs_exporter_start(const struct vs_backend *be,
				      const struct sockaddr *addr,
				      socklen_t addrlen, const char *what,
				      char *msg, size_t len);
/* The TCP port it listens on (the one the kernel chose for port 0). */
unsigned int vs_exporter_port(const struct vs_exporter *x);
void vs_exporter_stop(struct vs_exporter *x);

/*
 * virtio-status exporter [--listen ADDR:PORT]: serve until SIGTERM or
 * SIGINT; see vs_subcmds in cli.c.
 */
int vs_exporter_main(int argc, char **argv, const struct vs_backend *be,
		     FILE *out, FILE *err);

#endif /* VS_EXPORTER_H */
