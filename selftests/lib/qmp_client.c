// SPDX-License-Identifier: GPL-2.0
/*
 * qmp_client: several QMP clients on one Unix socket, driven by a script,
 * for the guest (which has no python or socat). vm_serve.py writes the
 * script and reads what this prints.
 *
 *	qmp_client SOCKET SCRIPT
 *
 * Script lines (N is a client, 0..15; HEX is bytes in hex):
 *	connect N		connect; "N connected" or "N connect: <error>"
 *	line N			read one line: "N< LINE", or "N eof" / "N timeout"
 *	send N HEX		send the bytes
 *	sync N ID HEX		send the bytes, then {"execute": "vs-sync", "id":
 *				"ID"}; print each line up to the answer to it
 *				(that one too), then "N synced ID"
 *	until N TEXT		print lines up to one that holds TEXT, then
 *				"N found"
 *	flood N MAX HEX		send the bytes over and over, never blocking,
 *				until MAX bytes went or the socket is full:
 *				"N flooded K"
 *	shut N			shutdown(SHUT_WR)
 *	close N
 *	eof N			print lines up to the end: "N eof"
 *	say TEXT		print TEXT (a marker for whoever watches)
 * Lines are printed without their "\r\n". Waits give up after 120 s.
 * Exit status: 0, or 2 for a malformed script.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS		16
#define WAIT_MS		120000
#define LINE_MAX_LEN	(1024 * 1024)
#define DELIM		" \t\n"

struct client {
	int fd;
	char *buf;		/* received, not yet printed */
	size_t len;
};

static struct client clients[CLIENTS];
static const char *sock_path;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(int n, const char *fmt, const char *arg)
{
	printf("%d ", n);
	printf(fmt, arg);
	putchar('\n');
	fflush(stdout);
}

static int do_connect(int n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		say(n, "connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	clients[n].fd = fd;
	clients[n].len = 0;
	say(n, "%s", "connected");
	return 0;
}

/*
 * Read one line of client @n into @out (malloc()ed, "\r\n" cut). 1, 0 at
 * EOF, -1 on a timeout or an error.
 */
static int read_line(int n, char **out)
{
	struct client *c = &clients[n];
	long long end = now_ms() + WAIT_MS;
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	char *nl;
	ssize_t r;

	for (;;) {
		nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		if (nl) {
			size_t l = (size_t)(nl - c->buf);

			*out = malloc(l + 1);
			if (!*out)
				return -1;
			memcpy(*out, c->buf, l);
			(*out)[l] = '\0';
			if (l && (*out)[l - 1] == '\r')
				(*out)[l - 1] = '\0';
			memmove(c->buf, nl + 1, c->len - l - 1);
			c->len -= l + 1;
			return 1;
		}
		if (c->len >= LINE_MAX_LEN)
			return -1;
		if (now_ms() >= end || poll(&p, 1, (int)(end - now_ms())) <= 0)
			return -1;
		r = read(c->fd, c->buf + c->len, LINE_MAX_LEN - c->len);
		if (r == 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			c->len += (size_t)r;
	}
}

/* Print lines of @n up to one holding @stop (NULL: one line). 0 when found. */
static int print_until(int n, const char *stop)
{
	char *l;
	int r;

	for (;;) {
		r = read_line(n, &l);
		if (r <= 0) {
			say(n, "%s", r ? "timeout" : "eof");
			return -1;
		}
		printf("%d< %s\n", n, l);
		fflush(stdout);
		r = !stop || strstr(l, stop);
		free(l);
		if (r)
			return 0;
	}
}

static int send_all(int n, const char *b, size_t len)
{
	ssize_t w;

	while (len) {
		w = send(clients[n].fd, b, len, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			say(n, "send: %s", strerror(errno));
			return -1;
		}
		b += w;
		len -= (size_t)w;
	}
	return 0;
}

/* @hex decoded into @out (room for strlen(@hex) / 2 bytes); its length or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static long unhex(const char *hex, char *out)
{
	size_t i, n = strlen(hex);
	int hi, lo;

	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		hi = hexval(hex[i]);
		lo = hexval(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (char)(hi * 16 + lo);
	}
	return (long)(n / 2);
}

static void flood(int n, long max, const char *b, long len)
{
	int fl = fcntl(clients[n].fd, F_GETFL);
	long sent = 0;
	ssize_t w;
	char num[32];

	fcntl(clients[n].fd, F_SETFL, fl | O_NONBLOCK);
	while (sent < max) {
		w = send(clients[n].fd, b, len, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		sent += w;
	}
	fcntl(clients[n].fd, F_SETFL, fl);
	snprintf(num, sizeof(num), "%ld", sent);
	say(n, "flooded %s", num);
}

static int run(char *line)
{
	char *cmd = strtok(line, DELIM), *a1, *a2, *a3, *bytes, *end;
	long len;
	int n;

	if (!cmd)
		return 0;
	if (!strcmp(cmd, "say")) {
		a1 = strtok(NULL, "\n");
		printf("%s\n", a1 ? a1 : "");
		fflush(stdout);
		return 0;
	}
	a1 = strtok(NULL, DELIM);
	if (!a1)
		return -1;
	n = (int)strtol(a1, &end, 10);
	if (end == a1 || *end || n < 0 || n >= CLIENTS)
		return -1;
	if (!strcmp(cmd, "connect"))
		return do_connect(n);
	if (clients[n].fd < 0) {
		say(n, "%s", "not connected");
		return 0;
	}
	a2 = strtok(NULL, DELIM);
	a3 = strtok(NULL, DELIM);
	if (!strcmp(cmd, "line")) {
		print_until(n, NULL);
	} else if (!strcmp(cmd, "until") && a2) {
		if (!print_until(n, a2))
			say(n, "%s", "found");
	} else if (!strcmp(cmd, "eof")) {
		if (print_until(n, "\n") == -1)
			return 0;	/* "eof" or "timeout" said */
	} else if (!strcmp(cmd, "shut")) {
		shutdown(clients[n].fd, SHUT_WR);
	} else if (!strcmp(cmd, "close")) {
		close(clients[n].fd);
		clients[n].fd = -1;
	} else if ((!strcmp(cmd, "send") && a2) ||
		   (!strcmp(cmd, "sync") && a2 && a3) ||
		   (!strcmp(cmd, "flood") && a2 && a3)) {
		const char *hex = !strcmp(cmd, "send") ? a2 : a3;
		char tag[160], sync[256];

		bytes = malloc(strlen(hex) / 2 + 1);
		if (!bytes)
			return -1;
		len = unhex(hex, bytes);
		if (len < 0) {
			free(bytes);
			return -1;
		}
		if (!strcmp(cmd, "flood")) {
			flood(n, atol(a2), bytes, len);
		} else if (!send_all(n, bytes, len) && !strcmp(cmd, "sync")) {
			snprintf(sync, sizeof(sync),
				 "\n{\"execute\": \"vs-sync\", \"id\": \"%s\"}\n", a2);
			snprintf(tag, sizeof(tag), "\"id\": \"%s\"", a2);
			if (!send_all(n, sync, strlen(sync)) && !print_until(n, tag))
				say(n, "synced %s", a2);
		}
		free(bytes);
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: qmp_client SOCKET SCRIPT\n");
		return 2;
	}
	sock_path = argv[1];
	f = fopen(argv[2], "r");
	if (!f) {
		fprintf(stderr, "qmp_client: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	for (i = 0; i < CLIENTS; i++) {
		clients[i].fd = -1;
		clients[i].buf = malloc(LINE_MAX_LEN);
		if (!clients[i].buf)
			return 2;
	}
	while (getline(&line, &cap, f) > 0) {
		if (run(line) < 0) {
			fprintf(stderr, "qmp_client: bad script line\n");
			return 2;
		}
	}
	free(line);
	fclose(f);
	return 0;
}
