/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status exporter: the metrics of render/metrics.c served over HTTP
 * (libmicrohttpd) for Prometheus to scrape. Every scrape asks the kernel
 * afresh, so the exporter outlives the module being unloaded and loaded
 * again (README "Exporter"). Its entry point, vs_cmd_exporter_main(), is
 * in cli.h with the other commands'.
 */
#ifndef VS_CMD_EXPORTER_H
#define VS_CMD_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "dev.h"
#include "metrics.h"

#define VS_CMD_EXPORTER_LISTEN	"127.0.0.1:9123"

/*
 * Parse --listen's ADDR:PORT: a numeric IPv4 address, an IPv6 address in
 * brackets, or nothing (every address, IPv6 and IPv4), then a port from 1
 * to 65535. 0, or -1 with the sentence in @msg.
 */
int vs_cmd_listen_parse(const char *arg, struct sockaddr_storage *ss,
			socklen_t *sslen, char *msg, size_t len);

/* What the exporter answers one request with. */
struct vs_cmd_http_answer {
	unsigned int status;	/* 200, 404, 405, 500 */
	const char *type;	/* Content-Type */
	const char *allow;	/* Allow header (405), or NULL */
	char *body;		/* malloc()ed */
	size_t len;
	/*
	 * a scrape: vs_metrics_text()'s return (1 the kernel answered, 0
	 * not) and its sentence ("" when everything was read), for the log
	 */
	int scrape;
	char why[2 * VS_MSG_MAX];
};

/*
 * Answer @method on @url (the path, without the query): GET or HEAD of
 * /metrics scrapes @be with @mo (NULL: the defaults; its kernel
 * connection forgotten first, so the family is looked up again), GET of /
 * is a page linking /metrics, another method 405, another path 404. 0, or
 * -1 when out of memory.
 */
int vs_cmd_exporter_answer(const struct vs_backend *be,
			   const struct vs_metrics_opts *mo, const char *method,
			   const char *url, struct vs_cmd_http_answer *a);

/* How the exporter scrapes, and where it says what went wrong. */
struct vs_cmd_exporter_conf {
	struct vs_metrics_opts metrics;
	/*
	 * a scrape's sentence when it differs from the previous scrape's
	 * (the kernel stopped answering, a queue dump failed, all is read
	 * again), or NULL: nothing is logged
	 */
	FILE *log;
	/* HTTPS: the certificate (chain) and key, PEM; NULL: plain HTTP */
	const char *tls_cert;
	const char *tls_key;
	/* basic auth: "USER:PASSWORD" every request must carry, or NULL */
	const char *basic_auth;
};

/*
 * Whether @header, a request's Authorization header (NULL: none), is
 * basic auth with exactly @userpass ("USER:PASSWORD"). The comparison
 * takes as long whatever the password's first wrong byte.
 */
bool vs_cmd_http_auth_ok(const char *header, const char *userpass);

struct vs_cmd_exporter;

/*
 * Listen on @addr (named @what in sentences) and serve from a thread of
 * libmicrohttpd, one request at a time, scraping as @conf says (NULL: the
 * defaults, no log). NULL with the sentence in @msg.
 */
struct vs_cmd_exporter *vs_cmd_exporter_start(const struct vs_backend *be,
					      const struct vs_cmd_exporter_conf *conf,
					      const struct sockaddr *addr,
					      socklen_t addrlen, const char *what,
					      char *msg, size_t len);
/* The TCP port it listens on (the one the kernel chose for port 0). */
unsigned int vs_cmd_exporter_port(const struct vs_cmd_exporter *x);
void vs_cmd_exporter_stop(struct vs_cmd_exporter *x);

#endif /* VS_CMD_EXPORTER_H */
