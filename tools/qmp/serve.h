/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status serve: a QMP server on a Unix stream socket.
 *
 * The protocol side (a session, session.c: bytes in, replies out) is kept
 * apart from the sockets (server.c) so it can be tested without any:
 * vs_qmp_sess_feed() takes what a client sent and hands back each answer
 * as a json-c object, the way QEMU 7.2's monitor would answer the same
 * bytes.
 */
#ifndef VS_SERVE_H
#define VS_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "dev.h"
#include "request.h"
#include "split.h"

struct json_object;

/*
 * What the greeting and query-version say. "qemu" is the QEMU release
 * whose QMP dialect (errors, negotiation, command shapes) we answer in,
 * not a QEMU we are; "package" names us.
 */
#define VS_SERVE_QEMU_MAJOR	7
#define VS_SERVE_QEMU_MINOR	2
#define VS_SERVE_QEMU_MICRO	0
#define VS_SERVE_PACKAGE	"virtio-status (virtio_status family version %d)"

/*
 * Limits of one JSON value a client sends: the bytes of its tokens and
 * QEMU's own nesting limit. Going over either is answered as QEMU answers
 * it.
 */
#define VS_SERVE_VALUE_MAX	VS_QMP_VALUE_MAX
#define VS_SERVE_NESTING_MAX	VS_QMP_NESTING_MAX

/* One client's protocol state. */
struct vs_qmp_sess {
	bool negotiated;		/* qmp_capabilities accepted */
	struct vs_qmp_split split;	/* its input, split into values */
};

void vs_qmp_sess_init(struct vs_qmp_sess *s);
void vs_qmp_sess_free(struct vs_qmp_sess *s);

/*
 * Feed @len bytes a client sent. Stops after the first answer: returns
 * how many bytes it took (all of them when no answer was due) and sets
 * @reply to the answer, or to NULL. An answer is the reply object QEMU
 * sends ({"return": ...} / {"error": ...}, with "id" where QEMU puts it).
 * Returns (size_t)-1 only when out of memory.
 */
size_t vs_qmp_sess_feed(struct vs_qmp_sess *s, const struct vs_backend *be,
			const char *buf, size_t len, struct json_object **reply);

/* The greeting {"QMP": {"version": ..., "capabilities": []}}; NULL on ENOMEM. */
struct json_object *vs_serve_greeting(void);

/*
 * The text a client is sent for @o: one line, QEMU's compact form, ending
 * "\r\n" as QEMU's do; strings carry no invalid UTF-8 (replaced by
 * U+FFFD) and a NUL read as QEMU's "\xC0\x80" is written "\u0000".
 * malloc()ed; NULL on ENOMEM.
 */
char *vs_serve_text(struct json_object *o, size_t *len);

/* The @i-th name query-commands lists; NULL past the last. */
const char *vs_serve_command(size_t i);

/*
 * Create the listening socket at @path, mode @mode, group @gid (or
 * (gid_t)-1 to keep root's): the node is created 0600 whatever the
 * umask, then given its group and mode, then listened on. An existing
 * @path is replaced only if it is a socket nobody listens on. Returns the
 * fd, or -1 with a sentence in @msg.
 */
int vs_serve_listen(const char *path, mode_t mode, gid_t gid, char *msg,
		    size_t len);

/* What serve was asked (cmd/cmd_serve.c parses its arguments into it). */
struct vs_serve_opts {
	bool help;		/* -h, --help: the usage, no server */
	const char *socket;	/* --socket PATH */
	mode_t mode;		/* --mode, 0600 by default */
	gid_t gid;		/* (gid_t)-1: leave the group alone */
};

/*
 * Serve QMP on @o->socket (mode @o->mode, group @o->gid) until SIGTERM or
 * SIGINT, then remove it; sentences on @err. The exit status.
 */
int vs_serve_run(const struct vs_serve_opts *o, const struct vs_backend *be,
		 FILE *err);

#endif /* VS_SERVE_H */
