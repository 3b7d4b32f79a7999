// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. serve on its socket: listening, out of file
 * descriptors, clients end to end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#include "cmd_serve.h"
#include "serve.h"

/* A scratch directory for sockets (short: sun_path is 108 bytes). */
static void serve_tmpdir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/vs-serve-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

static int serve_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect to a server just started: it may take a while to listen (10 s). */
static int serve_connect_wait(const char *path)
{
	int fd, i;

	for (i = 0; i < 200 && (fd = serve_connect(path)) < 0; i++)
		usleep(50000);
	return fd;
}

TEST(serve_listen_socket)
{
	char dir[64], path[160], msg[2 * VS_MSG_MAX];
	struct stat st;
	mode_t old;
	int fd, fd2, c;

	serve_tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/qmp.sock", dir);

	/* 0600 even under a umask that lets everything through */
	old = umask(0);
	fd = vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg));
	umask(old);
	ASSERT_LE(0, fd) TH_LOG("%s", msg);
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	c = serve_connect(path);
	EXPECT_LE(0, c);
	close(c);

	/* somebody listens: left alone */
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "a server is already listening on /tmp/vs-serve-"));
	close(fd);

	/* nobody listens: a stale socket, replaced; the mode and group asked */
	fd = vs_serve_listen(path, 0660, getgid(), msg, sizeof(msg));
	ASSERT_LE(0, fd) TH_LOG("%s", msg);
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_EQ(getgid(), st.st_gid);
	close(fd);
	unlink(path);

	/* anything else at the path is never replaced */
	fd2 = open(path, O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd2);
	close(fd2);
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "exists and is not a socket; not replacing it"));
	unlink(path);
	ASSERT_EQ(0, symlink("/tmp", path));
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "exists and is not a socket; not replacing it"));
	unlink(path);
	rmdir(dir);

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "is too long (at most 107 bytes)"));
}

/* One line from @fd (without "\r\n"), waiting up to 20 s; NULL on EOF/timeout. */
static char *serve_line(int fd)
{
	char *line = malloc(1 << 16);
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (line && n < (1 << 16) - 1) {
		if (poll(&p, 1, 20000) != 1 || read(fd, line + n, 1) != 1)
			break;
		if (line[n++] != '\n')
			continue;
		line[n >= 2 && line[n - 2] == '\r' ? n - 2 : n - 1] = '\0';
		return line;
	}
	free(line);
	return NULL;
}

static int serve_say(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
}

/* user + system CPU time of process @pid so far, in clock ticks */
static long serve_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* after "(comm)": state is field 3, utime and stime 14 and 15 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/*
 * Out of file descriptors, the server leaves connections waiting in the
 * backlog instead of polling a listening socket it cannot accept from
 * (which spins a CPU), says so once, and takes them when fds come back.
 */
TEST(serve_out_of_fds_waits)
{
	char dir[64], path[96], log[96], buf[512], *l;
	int c[8], greeted = 0, later = 0, status, i, fd, lfd;
	bool got[8] = { false };
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	long before, after;
	ssize_t n;
	pid_t pid;

	serve_tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/qmp.sock", dir);
	snprintf(log, sizeof(log), "%s/err", dir);
	fake_add(f, PCI_PATH, "virtio-net");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		FILE *err = fopen(log, "w");
		struct rlimit rl;

		/* room for what is open, the two of the server, and 3 clients */
		for (fd = 0, i = 0; fd < 1024; fd++)
			i += fcntl(fd, F_GETFD) >= 0;
		rl.rlim_cur = (rlim_t)(i + 5);
		rl.rlim_max = rl.rlim_cur;
		if (!err || setrlimit(RLIMIT_NOFILE, &rl))
			_exit(99);
		_exit(vs_serve_main(ARGC("--socket", path), ARGV("--socket", path),
				    &be, err, err));
	}
	lfd = serve_connect_wait(path);
	ASSERT_LE(0, lfd);
	l = serve_line(lfd);
	ASSERT_NE(NULL, l);
	free(l);
	for (i = 0; i < 8; i++) {
		c[i] = serve_connect(path);
		ASSERT_LE(0, c[i]);
	}
	for (i = 0; i < 8; i++) {
		struct pollfd p = { .fd = c[i], .events = POLLIN };

		if (poll(&p, 1, 2000) == 1) {
			l = serve_line(c[i]);
			got[i] = !!l;
			greeted += got[i];
			free(l);
		}
	}
	EXPECT_GT(8, greeted);
	/* a spinning server burns about 100 ticks a second */
	before = serve_cpu_ticks(pid);
	sleep(2);
	after = serve_cpu_ticks(pid);
	ASSERT_LE(0, before);
	EXPECT_GT(20, after - before) TH_LOG("%ld ticks in 2 s", after - before);
	/* fds come back: the waiting ones are greeted */
	close(lfd);
	for (i = 0; i < 8; i++)
		if (got[i])
			close(c[i]);
	for (i = 0; i < 8; i++) {
		if (got[i])
			continue;
		l = serve_line(c[i]);
		later += !!l;
		free(l);
		if (!l)
			break;
		close(c[i]);
		got[i] = true;
	}
	EXPECT_EQ(8 - greeted, later);
	for (i = 0; i < 8; i++)
		if (!got[i])
			close(c[i]);
	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fd = open(log, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	EXPECT_NE(NULL, strstr(buf, "cannot accept a connection: Too many open files; "
			       "new connections wait\n"))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "accepting connections again\n")) TH_LOG("%s", buf);
	unlink(log);
	unlink(path);
	rmdir(dir);
	fake_free(f);
}

TEST(serve_end_to_end)
{
	char dir[64], path[96], *l;
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	int a, b, g, p, status, i, flags;
	size_t flooded = 0;
	pid_t pid;

	serve_tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/qmp.sock", dir);
	fake_add(f, PCI_PATH, "virtio-net");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		FILE *null = fopen("/dev/null", "w");

		_exit(vs_serve_main(ARGC("--socket", path), ARGV("--socket", path),
				    &be, null, null));
	}
	a = serve_connect_wait(path);
	ASSERT_LE(0, a);
	b = serve_connect(path);
	g = serve_connect(path);
	ASSERT_LE(0, b);
	ASSERT_LE(0, g);
	for (i = 0; i < 3; i++) {
		l = serve_line(i == 0 ? a : i == 1 ? b : g);
		ASSERT_NE(NULL, l);
		EXPECT_EQ(0, strncmp(l, "{\"QMP\": {\"version\": ", 20));
		free(l);
	}
	/* a sends garbage, and then floods without reading */
	ASSERT_EQ(0, serve_say(g, "\xff{]}garbage\n"));
	ASSERT_EQ(0, serve_say(a, "{\"execute\": \"qmp_capabilities\"}\n"));
	l = serve_line(a);
	EXPECT_STREQ("{\"return\": {}}", l);
	free(l);
	flags = fcntl(a, F_GETFL);
	fcntl(a, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		static const char q[] = "{\"execute\": \"x-query-virtio\"}\n";
		ssize_t n = write(a, q, sizeof(q) - 1);

		if (n <= 0)
			break;
		flooded += (size_t)n;
	}
	TH_LOG("a flooded %zu bytes before its socket filled", flooded);
	/* b is answered all the same */
	ASSERT_EQ(0, serve_say(b, "{\"execute\": \"x-query-virtio\", \"id\": 1}\n"));
	l = serve_line(b);
	EXPECT_STREQ("{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \""
		     NEED_CAPS "\"}}", l);
	free(l);
	ASSERT_EQ(0, serve_say(b, "{\"execute\": \"qmp_capabilities\"}\n"
			       "{\"execute\": \"x-query-virtio\", \"id\": 2}\n"));
	l = serve_line(b);
	EXPECT_STREQ("{\"return\": {}}", l);
	free(l);
	l = serve_line(b);
	EXPECT_STREQ("{\"return\": [{\"path\": \"" PCI_PATH
		     "\", \"name\": \"virtio-net\"}], \"id\": 2}", l);
	free(l);
	/* a client gone in the middle of a request harms no one */
	p = serve_connect(path);
	ASSERT_LE(0, p);
	free(serve_line(p));
	ASSERT_EQ(0, serve_say(p, "{\"execute\": \"qmp_capab"));
	close(p);
	ASSERT_EQ(0, serve_say(b, "{\"execute\": \"query-version\", \"id\": 4}\n"));
	l = serve_line(b);
	EXPECT_STREQ("{\"return\": " WANT_VERSION ", \"id\": 4}", l ? l : "");
	free(l);
	/* the garbage got QEMU's errors */
	for (i = 0; i < 4; i++) {
		static const char *const want[] = {
			"stray '\xef\xbf\xbd'", "expecting value", "expecting value",
			"invalid keyword 'garbage'",
		};
		char line[256];

		snprintf(line, sizeof(line),
			 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, %s\"}}",
			 want[i]);
		l = serve_line(g);
		EXPECT_STREQ(line, l ? l : "");
		free(l);
	}
	/* a half-closed client is answered, then closed */
	ASSERT_EQ(0, serve_say(g, "{\"execute\": \"query-version\", \"id\": 3}"));
	shutdown(g, SHUT_WR);
	l = serve_line(g);
	EXPECT_STREQ("{\"id\": 3, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \""
		     NEED_CAPS "\"}}", l ? l : "");
	free(l);
	l = serve_line(g);
	EXPECT_EQ(NULL, l);
	close(a);
	close(b);
	close(g);
	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_NE(0, access(path, F_OK));
	rmdir(dir);
	fake_free(f);
}
