// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status serve: the QMP server's sockets: the listening socket,
 * up to VS_SERVE_CLIENTS_MAX clients served by one poll loop, the module's
 * events pushed to every client that has negotiated. What a client says
 * is answered by its session (session.c); the command's arguments are
 * parsed by cmd/cmd_serve.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "events.h"
#include "nl.h"
#include "serve.h"

/* Clients served at once; one more is accepted and closed at once. */
#define VS_SERVE_CLIENTS_MAX	64
/* Bytes read from a client at a time. */
#define VS_SERVE_CHUNK		4096
/* Pending output above which a client's input is left unread. */
#define VS_SERVE_OUT_SOFT	(64 * 1024)
/* Pending output at which an event drops a client that does not read. */
#define VS_SERVE_OUT_MAX	(1024 * 1024)
/* While the module's events cannot be followed, how often to try (ms). */
#define VS_SERVE_EVENTS_RETRY	5000
/* Out of descriptors, connections wait in the backlog this long (ms). */
#define VS_SERVE_ACCEPT_PAUSE	250

/* The socket */

int vs_serve_listen(const char *path, mode_t mode, gid_t gid, char *msg,
		    size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, probe, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(msg, len, "socket path %s is too long (at most %zu bytes)",
			 path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(msg, len, "%s exists and is not a socket; not replacing it",
				 path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0) {
			snprintf(msg, len, "cannot create a socket: %s", strerror(errno));
			return -1;
		}
		ret = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		close(probe);
		if (ret == 0) {
			snprintf(msg, len, "a server is already listening on %s", path);
			return -1;
		}
		if (errno != ECONNREFUSED) {
			snprintf(msg, len, "cannot tell whether anything listens on %s: %s",
				 path, strerror(errno));
			return -1;
		}
		/* a stale socket: nobody listens there */
		if (unlink(path) < 0 && errno != ENOENT) {
			snprintf(msg, len, "cannot remove the stale socket %s: %s", path,
				 strerror(errno));
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(msg, len, "cannot look at %s: %s", path, strerror(errno));
		return -1;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(msg, len, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	/* the node is born 0600 (bind() applies the umask), whatever ours is */
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0) {
		snprintf(msg, len, "cannot create the socket %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	/* only then opened up, never through a symlink */
	if ((gid != (gid_t)-1 &&
	     fchownat(AT_FDCWD, path, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0) ||
	    (mode != 0600 &&
	     fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) < 0)) {
		snprintf(msg, len, "cannot set the group or mode of %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (listen(fd, 16) < 0) {
		snprintf(msg, len, "cannot listen on %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	unlink(path);
	close(fd);
	return -1;
}

/* The server */

struct vs_client {
	int fd;
	struct vs_qmp_sess sess;
	char in[VS_SERVE_CHUNK];	/* read, not yet fed to the session */
	size_t in_off;
	size_t in_len;
	char *out;			/* to be sent */
	size_t out_off;
	size_t out_len;
	size_t out_cap;
	bool eof;			/* the client will send no more */
	bool dead;			/* to be closed now */
};

struct vs_server {
	const struct vs_backend *be;
	FILE *err;
	struct vs_client *clients[VS_SERVE_CLIENTS_MAX];
	size_t n;
	struct vs_events *ev;		/* the module's events, or NULL */
	long long ev_retry;		/* when to try again (ms, monotonic) */
	bool ev_said;			/* the last failure was reported */
	long long accept_pause;		/* no accept() before (ms, monotonic) */
	bool fd_said;			/* running out of fds was reported */
};

static long long vs_serve_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t vs_client_pending(const struct vs_client *c)
{
	return c->out_len - c->out_off;
}

/* Append @len bytes of @text to what @c is yet to be sent. 0, or -1. */
static int vs_client_queue_text(struct vs_client *c, const char *text,
				size_t len)
{
	if (c->out_off && c->out_off == c->out_len) {
		c->out_off = 0;
		c->out_len = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *o;

		if (c->out_off) {
			memmove(c->out, c->out + c->out_off, vs_client_pending(c));
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		while (cap < c->out_len + len)
			cap *= 2;
		if (cap != c->out_cap) {
			o = realloc(c->out, cap);
			if (!o)
				return -1;
			c->out = o;
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	return 0;
}

/* Queue @o (taken) for @c; a client we cannot answer is dropped. */
static void vs_client_send(struct vs_client *c, struct json_object *o)
{
	size_t len;
	char *text = o ? vs_serve_text(o, &len) : NULL;

	json_object_put(o);
	if (!text || vs_client_queue_text(c, text, len) < 0)
		c->dead = true;
	free(text);
}

/* Send @c what its socket takes now; a client gone is marked dead. */
static void vs_client_flush(struct vs_client *c)
{
	ssize_t n;

	while (vs_client_pending(c)) {
		n = send(c->fd, c->out + c->out_off, vs_client_pending(c),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				c->dead = true;
			return;
		}
		c->out_off += (size_t)n;
	}
}

static void vs_client_free(struct vs_client *c)
{
	close(c->fd);
	vs_qmp_sess_free(&c->sess);
	free(c->out);
	free(c);
}

static void vs_server_accept(struct vs_server *srv, int lfd)
{
	struct vs_client *c;
	int fd;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EMFILE && errno != ENFILE &&
			    errno != ENOBUFS && errno != ENOMEM)
				return;
			/*
			 * The connection stays queued and the listening
			 * socket stays readable: polling it again at once
			 * would spin. Leave it alone for a while.
			 */
			srv->accept_pause = vs_serve_now_ms() + VS_SERVE_ACCEPT_PAUSE;
			if (!srv->fd_said) {
				fprintf(srv->err,
					"virtio-status serve: cannot accept a connection: %s; new connections wait\n",
					strerror(errno));
				fflush(srv->err);
				srv->fd_said = true;
			}
			return;
		}
		if (srv->fd_said) {
			fprintf(srv->err,
				"virtio-status serve: accepting connections again\n");
			fflush(srv->err);
			srv->fd_said = false;
		}
		if (srv->n == VS_SERVE_CLIENTS_MAX) {
			fprintf(srv->err,
				"virtio-status serve: %d clients already; closed a new connection\n",
				VS_SERVE_CLIENTS_MAX);
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		vs_qmp_sess_init(&c->sess);
		vs_client_send(c, vs_serve_greeting());
		srv->clients[srv->n++] = c;
	}
}

/* Whether @c has input to answer and room to answer it. */
static bool vs_client_ready(const struct vs_client *c)
{
	return c->in_off < c->in_len && vs_client_pending(c) < VS_SERVE_OUT_SOFT;
}

/*
 * vs_serve_client() - one turn of client @c: read if there is nothing
 * left to feed, feed until one answer (so a client sending much cannot
 * hold the others up), write what it can.
 */
static void vs_serve_client(struct vs_server *srv, struct vs_client *c,
			    short revents)
{
	struct json_object *reply;
	ssize_t n;
	size_t used;

	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		c->dead = true;
		return;
	}
	if ((revents & POLLIN) && c->in_off == c->in_len) {
		n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
		if (n > 0) {
			c->in_off = 0;
			c->in_len = (size_t)n;
		} else if (n == 0) {
			c->eof = true;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			   errno != EINTR) {
			c->dead = true;
			return;
		}
	}
	if (vs_client_ready(c)) {
		used = vs_qmp_sess_feed(&c->sess, srv->be, c->in + c->in_off,
					c->in_len - c->in_off, &reply);
		if (used == (size_t)-1) {
			c->dead = true;
			return;
		}
		c->in_off += used;
		if (reply)
			vs_client_send(c, reply);
	}
	vs_client_flush(c);
	/* what was sent has been answered: a partial value is dropped */
	if (c->eof && c->in_off == c->in_len && !vs_client_pending(c))
		c->dead = true;
}

static void vs_server_reap(struct vs_server *srv)
{
	size_t i, j = 0;

	for (i = 0; i < srv->n; i++) {
		if (srv->clients[i]->dead)
			vs_client_free(srv->clients[i]);
		else
			srv->clients[j++] = srv->clients[i];
	}
	srv->n = j;
}

/*
 * vs_serve_event() - push one event to every client that has negotiated,
 * as QEMU does: the event object, one line. A client that has let
 * VS_SERVE_OUT_MAX bytes pile up is dropped rather than buffered for.
 */
static void vs_serve_event(struct json_object *event, void *arg)
{
	struct vs_server *srv = arg;
	struct json_object *name;
	const char *n = NULL;
	size_t len, i;
	char *text;

	/* the kernel connection of commands must follow a reload too */
	if (json_object_object_get_ex(event, "event", &name))
		n = json_object_get_string(name);
	if (n && (!strcmp(n, VS_EV_MODULE_UNLOADED) ||
		  !strcmp(n, VS_EV_MODULE_LOADED)))
		vs_nl_backend_reset(srv->be);

	text = vs_serve_text(event, &len);
	for (i = 0; i < srv->n; i++) {
		struct vs_client *c = srv->clients[i];

		if (!c->sess.negotiated || c->dead)
			continue;
		if (!text || vs_client_queue_text(c, text, len) < 0) {
			c->dead = true;
			continue;
		}
		if (vs_client_pending(c) >= VS_SERVE_OUT_MAX) {
			fprintf(srv->err,
				"virtio-status serve: dropped a client that left %zu bytes of answers and events unread\n",
				vs_client_pending(c));
			c->dead = true;
		}
	}
	free(text);
}

/*
 * vs_serve_events() - follow the module's events: subscribe when not
 * subscribed (the module may be loaded later), read what is pending when
 * @readable. A failure is said once on stderr, then tried again every
 * VS_SERVE_EVENTS_RETRY ms.
 */
static void vs_serve_events(struct vs_server *srv, bool readable)
{
	char sentence[2 * VS_MSG_MAX];
	struct vs_err e;

	vs_err_clear(&e);
	if (srv->ev) {
		if (!readable || vs_events_read(srv->ev, vs_serve_event, srv, &e) == 0)
			return;
		vs_events_close(srv->ev);
		srv->ev = NULL;
		srv->ev_said = false;
	} else {
		if (vs_serve_now_ms() < srv->ev_retry)
			return;
		if (vs_events_open(&srv->ev, &e) == 0) {
			/* a module loaded since the last command is another family id */
			vs_nl_backend_reset(srv->be);
			fprintf(srv->err, "virtio-status serve: following the module's events\n");
			fflush(srv->err);
			srv->ev_said = false;
			return;
		}
	}
	srv->ev_retry = vs_serve_now_ms() + VS_SERVE_EVENTS_RETRY;
	if (srv->ev_said)
		return;
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	fprintf(srv->err,
		"virtio-status serve: no events for now (%s); trying again every %d s\n",
		sentence, VS_SERVE_EVENTS_RETRY / 1000);
	fflush(srv->err);
	srv->ev_said = true;
}

/*
 * vs_serve_loop() - serve on listening socket @lfd until a signal arrives
 * on @sfd. 0, or -1 when poll() fails.
 */
static int vs_serve_loop(struct vs_server *srv, int lfd, int sfd)
{
	struct pollfd pfd[VS_SERVE_CLIENTS_MAX + 3];
	long long wait, now, paused;
	bool busy;
	size_t i;

	for (;;) {
		vs_serve_events(srv, false);
		busy = false;
		now = vs_serve_now_ms();
		paused = srv->accept_pause > now ? srv->accept_pause - now : 0;
		pfd[0] = (struct pollfd){ .fd = paused ? -1 : lfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = srv->ev ? vs_events_fd(srv->ev) : -1,
					  .events = POLLIN };
		for (i = 0; i < srv->n; i++) {
			struct vs_client *c = srv->clients[i];

			pfd[3 + i].fd = c->fd;
			pfd[3 + i].events = 0;
			pfd[3 + i].revents = 0;
			if (!c->eof && c->in_off == c->in_len &&
			    vs_client_pending(c) < VS_SERVE_OUT_SOFT)
				pfd[3 + i].events |= POLLIN;
			if (vs_client_pending(c))
				pfd[3 + i].events |= POLLOUT;
			busy |= vs_client_ready(c);
		}
		wait = -1;
		if (busy)
			wait = 0;
		else if (!srv->ev)
			wait = srv->ev_retry > now ? srv->ev_retry - now : 0;
		if (paused && (wait < 0 || paused < wait))
			wait = paused;
		if (poll(pfd, 3 + srv->n, (int)wait) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(srv->err, "virtio-status serve: poll: %s\n",
				strerror(errno));
			return -1;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			/* taken, or it would kill us once unblocked */
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			return 0;
		}
		for (i = 0; i < srv->n; i++)
			vs_serve_client(srv, srv->clients[i], pfd[3 + i].revents);
		if (pfd[2].revents)
			vs_serve_events(srv, true);
		vs_server_reap(srv);
		if (pfd[0].revents & POLLIN)
			vs_server_accept(srv, lfd);
	}
}

int vs_serve_run(const struct vs_serve_opts *o, const struct vs_backend *be,
		 FILE *err)
{
	struct vs_server srv = { .be = be, .err = err };
	char msg[2 * VS_MSG_MAX];
	sigset_t mask, old;
	struct stat st, now;
	int lfd, sfd, ret;
	size_t i;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
		fprintf(err, "cannot block SIGTERM and SIGINT: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(err, "cannot watch for SIGTERM and SIGINT: %s\n", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	lfd = vs_serve_listen(o->socket, o->mode, o->gid, msg, sizeof(msg));
	if (lfd < 0) {
		fprintf(err, "%s\n", msg);
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	if (lstat(o->socket, &st) < 0)
		memset(&st, 0, sizeof(st));

	ret = vs_serve_loop(&srv, lfd, sfd);

	for (i = 0; i < srv.n; i++)
		vs_client_free(srv.clients[i]);
	if (srv.ev)
		vs_events_close(srv.ev);
	close(lfd);
	/* remove the socket, if it is still ours */
	if (lstat(o->socket, &now) == 0 && now.st_ino == st.st_ino &&
	    now.st_dev == st.st_dev && S_ISSOCK(now.st_mode))
		unlink(o->socket);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret < 0 ? 1 : 0;
}
