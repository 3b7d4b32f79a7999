// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The command line's arguments: the devices it
 * names, the options it parses, and every command line refused, each with
 * its sentence (args_refused, one table).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "cmd_exporter.h"
#include "cmd_monitor.h"
#include "cmd_serve.h"
#include "serve.h"

TEST(target_busid)
{
	struct vs_target t;
	struct vs_err e;

	ASSERT_EQ(0, vs_target_parse("virtio0", &t, &e));
	EXPECT_EQ(VS_TARGET_BUSID, t.kind);
	EXPECT_STREQ("virtio0", t.value);
	ASSERT_EQ(0, vs_target_parse("virtio123", &t, &e));
	EXPECT_EQ(VS_TARGET_BUSID, t.kind);
}

TEST(target_path_verbatim_when_absent)
{
	struct vs_target t;
	struct vs_err e;

	ASSERT_EQ(0, vs_target_parse("/nonexistent/devices/virtio9", &t, &e));
	EXPECT_EQ(VS_TARGET_PATH, t.kind);
	EXPECT_STREQ("/nonexistent/devices/virtio9", t.value);
	EXPECT_STREQ("/nonexistent/devices/virtio9", t.arg);
}

TEST(target_path_resolved_when_present)
{
	char dir[] = "/tmp/vs-test-XXXXXX";
	char real[256], link[256];
	struct vs_target t;
	struct vs_err e;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(real, sizeof(real), "%s/virtio0", dir);
	snprintf(link, sizeof(link), "%s/link0", dir);
	ASSERT_EQ(0, mkdir(real, 0700));
	ASSERT_EQ(0, symlink(real, link));
	ASSERT_EQ(0, vs_target_parse(link, &t, &e));
	EXPECT_EQ(VS_TARGET_PATH, t.kind);
	EXPECT_STREQ(real, t.value);
	EXPECT_STREQ(link, t.arg);
	unlink(link);
	rmdir(real);
	rmdir(dir);
}

TEST(target_rejects_other_names)
{
	static const char * const bad[] = {
		"virtio", "virtiox", "virtio0a", "eth0", "sys/devices/virtio0",
		"Virtio0",
	};
	struct vs_target t;
	struct vs_err e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vs_err_clear(&e);
		EXPECT_EQ(-1, vs_target_parse(bad[i], &t, &e)) TH_LOG("%s", bad[i]);
		EXPECT_EQ(VS_ERR_MSG, e.kind);
		EXPECT_NE(NULL, strstr(e.detail, bad[i]));
	}
	/* bus ids longer than the kernel takes */
	vs_err_clear(&e);
	EXPECT_EQ(-1, vs_target_parse("virtio12345678901234567890123456789",
				      &t, &e));
}

TEST(target_proc_path_verbatim)
{
	static const char * const paths[] = {
		/* exists here, and realpath() would resolve it */
		"/proc/self/fd/0",
		"/proc/1234/fd/17",
		"/proc/1/fd/../fd/3",
	};
	char self[64];
	struct vs_target t;
	struct vs_err e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		ASSERT_EQ(0, vs_target_parse(paths[i], &t, &e));
		EXPECT_EQ(VS_TARGET_PROC, t.kind) TH_LOG("%s", paths[i]);
		EXPECT_STREQ(paths[i], t.value);
	}
	snprintf(self, sizeof(self), "/proc/%d/fd/0", getpid());
	ASSERT_EQ(0, vs_target_parse(self, &t, &e));
	EXPECT_STREQ(self, t.value);
	/* a path that merely mentions proc is a sysfs path */
	ASSERT_EQ(0, vs_target_parse("/nonexistent/proc/1/fd/3", &t, &e));
	EXPECT_EQ(VS_TARGET_PATH, t.kind);
	EXPECT_TRUE(vs_is_proc_path("/proc/1/fd/2"));
	EXPECT_FALSE(vs_is_proc_path("/procfs/1"));
	EXPECT_FALSE(vs_is_proc_path("/sys/devices/virtio0"));
}

TEST(args_commands)
{
	char msg[VS_MSG_MAX];
	struct vs_cmd_opts o;

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio"));
	EXPECT_STREQ("x-query-virtio", o.cmd->name);
	EXPECT_FALSE(o.pretty);
	EXPECT_EQ(NULL, o.path);

	ASSERT_EQ(0, PARSE(&o, msg, "-p", "x-query-virtio-status", "--path",
			   "virtio0"));
	EXPECT_STREQ("x-query-virtio-status", o.cmd->name);
	EXPECT_TRUE(o.pretty);
	EXPECT_STREQ("virtio0", o.path);

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-status",
			   "--path=/sys/bus/virtio/devices/virtio1", "--pretty"));
	EXPECT_STREQ("/sys/bus/virtio/devices/virtio1", o.path);
	EXPECT_TRUE(o.pretty);

	ASSERT_EQ(0, PARSE(&o, msg, "--qmp"));
	EXPECT_TRUE(o.qmp);
	EXPECT_EQ(NULL, o.cmd);

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio", "-h"));
	EXPECT_TRUE(o.help);
}

TEST(queue_args)
{
	struct vs_cmd_opts o;
	char msg[VS_MSG_MAX];

	EXPECT_EQ(0, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			   "virtio0", "--queue", "65535"));
	EXPECT_TRUE(o.has_queue);
	EXPECT_EQ(65535, o.queue);
	EXPECT_EQ(0, PARSE(&o, msg, "x-query-virtio-vhost-queue-status",
			   "--queue=0", "--path", VHOST_PATH));
	EXPECT_TRUE(o.has_queue);
	EXPECT_EQ(0, o.queue);
}

TEST(elem_args)
{
	struct vs_cmd_opts o;
	char msg[VS_MSG_MAX];

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			   "virtio0", "--queue", "2"));
	EXPECT_STREQ("x-query-virtio-queue-element", o.cmd->name);
	EXPECT_FALSE(o.has_index);
	EXPECT_EQ(2, o.queue);
	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			   "virtio0", "--queue", "2", "--index", "65535"));
	EXPECT_TRUE(o.has_index);
	EXPECT_EQ(65535, o.index);
}

TEST(info_args)
{
	char msg[VS_MSG_MAX];
	struct vs_cmd_opts o;

	ASSERT_EQ(0, PARSE(&o, msg, "info"));
	EXPECT_STREQ("info", o.cmd->name);
	/* each spelling in its own place (args_refused: x-virtio-status-info) */
	EXPECT_EQ(NULL, vs_qmp_cmd_find("info", true));
	EXPECT_NE(NULL, vs_qmp_cmd_find("x-virtio-status-info", true));
}

#define MON_ARGC(...) ((int)(sizeof((char *[]){ "monitor", __VA_ARGS__ }) / sizeof(char *)))
#define MON_PARSE(o, msg, ...) \
	vs_cmd_monitor_parse(MON_ARGC(__VA_ARGS__), (char *[]){ "monitor", __VA_ARGS__, NULL }, \
			     o, msg, sizeof(msg))

TEST(monitor_args)
{
	struct vs_cmd_monitor_opts o;
	char msg[VS_MSG_MAX];
	char *out, *err;
	struct vs_backend be = { 0 };

	EXPECT_EQ(0, MON_PARSE(&o, msg, "-p", "--rcvbuf", "4096", "--no-vhost"));
	EXPECT_TRUE(o.pretty);
	EXPECT_TRUE(o.no_vhost);
	EXPECT_EQ(4096, o.rcvbuf);
	EXPECT_EQ(0, MON_PARSE(&o, msg, "--rcvbuf=1"));
	EXPECT_EQ(1, o.rcvbuf);

	/* through the command line: no kernel */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("monitor", "--help")));
	EXPECT_NE(NULL, strstr(out, "VIRTIO_EVENTS_RESYNCED"));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
}

#define SERVE(...) \
	vs_serve_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &o, msg, sizeof(msg))

TEST(serve_args)
{
	struct vs_serve_opts o;
	char msg[VS_MSG_MAX];

	EXPECT_EQ(0, SERVE("--socket", "/run/vs.sock"));
	EXPECT_STREQ("/run/vs.sock", o.socket);
	EXPECT_EQ(0600, o.mode);
	EXPECT_EQ((gid_t)-1, o.gid);
	EXPECT_EQ(0, SERVE("--socket=/s", "--mode=0640", "--group", "0"));
	EXPECT_EQ(0640, o.mode);
	EXPECT_EQ(0, o.gid);
	EXPECT_EQ(0, SERVE("--help"));
	EXPECT_TRUE(o.help);
}

#define LISTEN_FORM \
	"--listen takes ADDR:PORT (127.0.0.1:9123, [::1]:9123, or :9123 for every address), not "
#define LISTEN_PORT "--listen: the port must be a number from 1 to 65535, not "
#define LISTEN_HOST " is not a numeric IPv4 address or an IPv6 address in brackets"

TEST(listen_parse)
{
	static const struct {
		const char *arg;
		const char *msg;
	} bad[] = {
		{ "9123", LISTEN_FORM "'9123'" },
		{ "[::1]9123", LISTEN_FORM "'[::1]9123'" },
		{ "[::1", LISTEN_FORM "'[::1'" },
		{ "127.0.0.1:", LISTEN_PORT "''" },
		{ "127.0.0.1:0", LISTEN_PORT "'0'" },
		{ "127.0.0.1:65536", LISTEN_PORT "'65536'" },
		{ "127.0.0.1:+80", LISTEN_PORT "'+80'" },
		{ "127.0.0.1:80x", LISTEN_PORT "'80x'" },
		{ "::1:9123",
		  "--listen: write an IPv6 address in brackets ([::1]:9123), not '::1:9123'" },
		{ "localhost:9123", "--listen: 'localhost'" LISTEN_HOST },
		{ "1.2.3:9123", "--listen: '1.2.3'" LISTEN_HOST },
		{ "[1.2.3.4]:9123", "--listen: '1.2.3.4'" LISTEN_HOST },
		{ "[]:9123", "--listen: ''" LISTEN_HOST },
	};
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char msg[VS_MSG_MAX];
	socklen_t len;
	size_t i;

	ASSERT_EQ(0, vs_cmd_listen_parse("127.0.0.1:9123", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET, s4->sin_family);
	EXPECT_EQ(9123, ntohs(s4->sin_port));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), s4->sin_addr.s_addr);
	EXPECT_EQ(sizeof(*s4), len);
	ASSERT_EQ(0, vs_cmd_listen_parse("[::1]:65535", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET6, s6->sin6_family);
	EXPECT_EQ(65535, ntohs(s6->sin6_port));
	EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
	EXPECT_EQ(sizeof(*s6), len);
	ASSERT_EQ(0, vs_cmd_listen_parse(":1", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET6, s6->sin6_family);
	EXPECT_EQ(1, ntohs(s6->sin6_port));
	EXPECT_TRUE(IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr));
	ASSERT_EQ(0, vs_cmd_listen_parse("0.0.0.0:80", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET, s4->sin_family);
	EXPECT_EQ(0, s4->sin_addr.s_addr);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, vs_cmd_listen_parse(bad[i].arg, &ss, &len, msg, sizeof(msg)));
		EXPECT_TEXT(msg, bad[i].msg);
	}
}

TEST(cli_help)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("--help")));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status", 20));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_EQ(0, f->gets + f->dumps);
	fake_free(f);
}

TEST(metrics_help)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("metrics", "--help")));
	EXPECT_EQ(0, strncmp(out,
			     "Usage: virtio-status metrics [--collect.features] [--output FILE]\n",
			     66));
	EXPECT_NE(NULL, strstr(out, "  --collect.features\n"));
	EXPECT_TEXT(err, "");
	free(out);
	free(err);
	EXPECT_EQ(0, f->dumps);
	fake_free(f);
}

/* Command lines refused */

#define QMP_ALONE \
	"--qmp reads its commands from standard input and takes no command, --path, --queue, --index or --decode"
#define DECODE_ALONE	"--decode and --raw-and-decoded are for x-query-virtio-status"
#define QUEUE_RANGE	"--queue takes a queue index from 0 to 65535, not "
#define INDEX_RANGE	"--index takes an avail ring index from 0 to 65535, not "
#define RCVBUF_RANGE	"--rcvbuf takes a size in bytes from 1 to 67108864, not "
#define STALL_RANGE	"--stall-after takes a number of seconds from 1 to 86400, not "
#define NAMES_ALONE	"--names is for x-query-virtio and x-query-virtio-status"
#define MODE_OCTAL	"--mode takes octal permissions such as 0660, not "
#define MODE_WORLD	"--mode 0666 would let every user connect and read what root sees (vhost devices, offered features); use --group and a mode such as 0660"

/*
 * Each is refused with one sentence, before anything is asked of the
 * kernel: on stderr, with a pointer to the --help of the command that
 * refused it, and the exit status is 2 (see args_refused).
 */
static const struct {
	const char *argv[8];	/* after "virtio-status", up to a NULL */
	const char *msg;	/* the sentence */
} refused[] = {
	/* the commands of the CLI, and their options (vs_cmd_parse_args()) */
	{ { "--frobnicate" }, "unknown option '--frobnicate'" },
	{ { "-x" }, "unknown option '-x'" },
	{ { "x-query-virtio", "--bogus" }, "unknown option '--bogus'" },
	{ { "x-query-virtio", "extra" }, "unexpected argument 'extra'" },
	{ { "x-query-virtio", "--path", "virtio0" }, "x-query-virtio takes no --path" },
	{ { "x-query-virtio", "--decode" }, DECODE_ALONE },
	{ { "x-query-virtio-status" }, "x-query-virtio-status needs --path DEVICE" },
	{ { "x-query-virtio-status", "--path" }, "option --path needs a device" },
	{ { "x-query-virtio-status", "--path", "virtio0", "--queue", "1" },
	  "x-query-virtio-status takes no --queue" },
	/* QEMU's name for it before 7.2 */
	{ { "x-debug-virtio-queue-element" },
	  "unknown command 'x-debug-virtio-queue-element'" },
	/* qmp_capabilities is for --qmp only */
	{ { "qmp_capabilities" }, "unknown command 'qmp_capabilities'" },
	/* info is "info" on the command line, x-virtio-status-info over QMP */
	{ { "x-virtio-status-info" }, "unknown command 'x-virtio-status-info'" },
	{ { "info", "--path", "virtio0" }, "info takes no --path" },
	{ { "--qmp", "x-query-virtio" }, QMP_ALONE },
	{ { "--qmp", "--decode" }, QMP_ALONE },
	{ { "--qmp", "--queue", "1" }, QMP_ALONE },
	{ { "--qmp", "--index", "1" }, QMP_ALONE },
	{ { "show", "virtio0", "virtio1" }, "unexpected argument 'virtio1'" },
	{ { "show", "virtio0", "--path", "virtio1" }, "show takes one DEVICE" },
	{ { "show", "--decode" },
	  "show prints text; --decode and --raw-and-decoded are for x-query-virtio-status" },
	{ { "show", "virtio0", "--queue", "1" },
	  "show takes no --queue; it is for the queue commands" },
	{ { "show", "--index", "1" },
	  "show takes no --index; it is for x-query-virtio-queue-element" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0" },
	  "x-query-virtio-queue-status needs --queue N" },
	{ { "x-query-virtio-vhost-queue-status", "--queue", "1" },
	  "x-query-virtio-vhost-queue-status needs --path DEVICE" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue" },
	  "option --queue needs a queue index" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue", "-1" },
	  QUEUE_RANGE "'-1'" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue", "1x" },
	  QUEUE_RANGE "'1x'" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue=" },
	  QUEUE_RANGE "''" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue", "65536" },
	  QUEUE_RANGE "'65536'" },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue", "1",
	    "--decode" },
	  DECODE_ALONE },
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue", "0",
	    "--index", "1" },
	  "x-query-virtio-queue-status takes no --index" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0" },
	  "x-query-virtio-queue-element needs --queue N" },
	{ { "x-query-virtio-queue-element", "--queue", "0", "--index", "1" },
	  "x-query-virtio-queue-element needs --path DEVICE" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0", "--queue", "0",
	    "--index" },
	  "option --index needs an avail ring index" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0", "--queue", "0",
	    "--index", "-1" },
	  INDEX_RANGE "'-1'" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0", "--queue", "0",
	    "--index", "65536" },
	  INDEX_RANGE "'65536'" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0", "--queue", "0",
	    "--index=0x1" },
	  INDEX_RANGE "'0x1'" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0", "--queue", "0",
	    "--index=" },
	  INDEX_RANGE "''" },
	{ { "x-query-virtio-queue-element", "--path", "virtio0", "--queue", "0",
	    "--decode" },
	  DECODE_ALONE },
	/* --names: the two commands that list devices, not QMP */
	{ { "x-query-virtio-queue-status", "--path", "virtio0", "--queue", "0",
	    "--names" },
	  NAMES_ALONE },
	{ { "info", "--names" }, NAMES_ALONE },
	{ { "--qmp", "--names" }, "--qmp answers in QEMU's shape and takes no --names" },
	{ { "show", "--names" },
	  "show prints the names anyway; --names is for x-query-virtio and x-query-virtio-status" },
	{ { "show", "virtio0", "--names" },
	  "show prints the names anyway; --names is for x-query-virtio and x-query-virtio-status" },
	{ { "x-query-virtio", "--names=yes" }, "option --names takes no value" },
	{ { "x-query-virtio", "--name" }, "unknown option '--name'" },

	/* monitor (vs_cmd_monitor_parse()) */
	{ { "monitor", "--rcvbuf" }, "option --rcvbuf needs a size in bytes" },
	{ { "monitor", "--rcvbuf", "0" }, RCVBUF_RANGE "'0'" },
	{ { "monitor", "--rcvbuf=-5" }, RCVBUF_RANGE "'-5'" },
	{ { "monitor", "--rcvbuf", "99999999999" }, RCVBUF_RANGE "'99999999999'" },
	{ { "monitor", "--stall-after" }, "option --stall-after needs a number of seconds" },
	{ { "monitor", "--stall-after", "0" }, STALL_RANGE "'0'" },
	{ { "monitor", "--stall-after=-5" }, STALL_RANGE "'-5'" },
	{ { "monitor", "--stall-after", "1.5" }, STALL_RANGE "'1.5'" },
	{ { "monitor", "--stall-after", "30s" }, STALL_RANGE "'30s'" },
	{ { "monitor", "--stall-after=" }, STALL_RANGE "''" },
	{ { "monitor", "--stall-after", "86401" }, STALL_RANGE "'86401'" },
	{ { "monitor", "--stall-after", "99999999999999999999" },
	  STALL_RANGE "'99999999999999999999'" },
	{ { "monitor", "--names" }, "unknown option '--names'" },
	{ { "monitor", "--decode" }, "unknown option '--decode'" },
	{ { "monitor", "--bogus" }, "unknown option '--bogus'" },
	{ { "monitor", "virtio0" }, "monitor takes no argument 'virtio0'" },

	/* serve (vs_serve_parse_args()) */
	{ { "serve", "--mode", "0600" }, "serve needs --socket PATH" },
	{ { "serve", "--socket" }, "option --socket needs a path" },
	{ { "serve", "--socket", "" }, "--socket is empty" },
	{ { "serve", "--socket", "/s", "--mode", "rw" }, MODE_OCTAL "'rw'" },
	{ { "serve", "--socket", "/s", "--mode", "01777" }, MODE_OCTAL "'01777'" },
	{ { "serve", "--socket", "/s", "--mode", "0666" }, MODE_WORLD },
	{ { "serve", "--socket", "/s", "--mode", "0400" },
	  "--mode 0400 leaves the owner unable to connect; give it write permission (0600)" },
	{ { "serve", "--socket", "/s", "--group", "no-such-group-here" },
	  "--group: no group named 'no-such-group-here'" },
	{ { "serve", "--socket", "/s", "--verbose" }, "unknown option '--verbose'" },
	{ { "serve", "--socket", "/s", "extra" }, "serve takes no argument 'extra'" },
	/* serve answers QMP: QEMU's shape, no --names */
	{ { "serve", "--socket", "/s", "--names" }, "unknown option '--names'" },

	/* metrics and exporter, which parse in their main */
	{ { "metrics", "--bogus" }, "unknown option '--bogus'" },
	{ { "metrics", "extra" }, "metrics takes no argument 'extra'" },
	{ { "metrics", "--output" }, "option --output needs a file" },
	{ { "metrics", "--output=" }, "--output is empty" },
	{ { "exporter", "--listen", "nope" }, LISTEN_FORM "'nope'" },
	{ { "exporter", "--listen" }, "option --listen needs ADDR:PORT" },
	{ { "exporter", "--port", "1" }, "unknown option '--port'" },
	{ { "exporter", "now" }, "exporter takes no argument 'now'" },
	/* --collect.features: a switch, its whole name only */
	{ { "metrics", "--collect.features=yes" },
	  "option --collect.features takes no value" },
	{ { "metrics", "--collect.features=" },
	  "option --collect.features takes no value" },
	{ { "metrics", "--collect.feature" }, "unknown option '--collect.feature'" },
	{ { "metrics", "--collect" }, "unknown option '--collect'" },
	{ { "metrics", "--collect.features", "all" },
	  "metrics takes no argument 'all'" },
	{ { "x-query-virtio", "--collect.features" },
	  "unknown option '--collect.features'" },
	{ { "exporter", "--collect.features=1" },
	  "option --collect.features takes no value" },
	{ { "exporter", "--collect.feat" }, "unknown option '--collect.feat'" },
	{ { "exporter", "--collect.features", "--listen" },
	  "option --listen needs ADDR:PORT" },
};

static int cli_parse(int argc, char **argv, char *msg, size_t len)
{
	struct vs_cmd_opts o;

	return vs_cmd_parse_args(argc, argv, &o, msg, len);
}

static int monitor_parse(int argc, char **argv, char *msg, size_t len)
{
	struct vs_cmd_monitor_opts o;

	return vs_cmd_monitor_parse(argc, argv, &o, msg, len);
}

static int serve_parse(int argc, char **argv, char *msg, size_t len)
{
	struct vs_serve_opts o;

	return vs_serve_parse_args(argc, argv, &o, msg, len);
}

/*
 * The commands that parse their own arguments, argv[0] their name, and
 * their parser (NULL: only their main has one).
 */
static const struct {
	const char *name;
	int (*parse)(int argc, char **argv, char *msg, size_t len);
} own_args[] = {
	{ "monitor", monitor_parse },
	{ "serve", serve_parse },
	{ "metrics", NULL },
	{ "exporter", NULL },
};

/* @argv as a shell would take it, for the log of a case that failed */
static void argv_line(char *buf, size_t len, char * const *argv)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; *argv && n < len; argv++)
		n += snprintf(buf + n, len - n, n ? " '%s'" : "%s", *argv);
}

/*
 * Every refused[] command line, to the parser that refuses it and to the
 * whole command line.
 */
TEST(args_refused)
{
	char *argv[ARRAY_SIZE(refused[0].argv) + 1], *out, *err;
	char msg[2 * VS_MSG_MAX], want[3 * VS_MSG_MAX], line[512];
	int (*parse)(int argc, char **argv, char *msg, size_t len);
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	const char *name;
	size_t i, j;
	int argc;

	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		ASSERT_EQ(NULL, refused[i].argv[ARRAY_SIZE(refused[i].argv) - 1]);
		argv[0] = "virtio-status";
		for (argc = 1; refused[i].argv[argc - 1]; argc++)
			argv[argc] = (char *)refused[i].argv[argc - 1];
		argv[argc] = NULL;
		argv_line(line, sizeof(line), argv);

		name = NULL;
		parse = cli_parse;
		for (j = 0; j < ARRAY_SIZE(own_args); j++) {
			if (!strcmp(argv[1], own_args[j].name)) {
				name = own_args[j].name;
				parse = own_args[j].parse;
			}
		}
		if (parse) {
			msg[0] = '\0';
			EXPECT_EQ(-1, parse(argc - !!name, argv + !!name, msg, sizeof(msg)))
				TH_LOG("%s", line);
			EXPECT_STREQ(refused[i].msg, msg) TH_LOG("%s", line);
		}

		snprintf(want, sizeof(want),
			 "%s\nTry 'virtio-status%s%s --help' for more information.\n",
			 refused[i].msg, name ? " " : "", name ? name : "");
		EXPECT_EQ(VS_EXIT_USAGE, run_cli(&be, "", &out, &err, argv))
			TH_LOG("%s", line);
		EXPECT_STREQ("", out) TH_LOG("%s", line);
		EXPECT_STREQ(want, err) TH_LOG("%s", line);
		free(out);
		free(err);
	}
	/* none of them asked the kernel anything */
	EXPECT_EQ(0, f->gets + f->dumps + f->infos + f->queue_gets + f->elem_gets + f->probes);
	fake_free(f);
}

TEST(names_args)
{
	char msg[VS_MSG_MAX];
	struct vs_cmd_opts o;

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio"));
	EXPECT_FALSE(o.names);
	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio", "--names"));
	EXPECT_TRUE(o.names);
	ASSERT_EQ(0, PARSE(&o, msg, "--names", "-p", "x-query-virtio-status",
			   "--raw-and-decoded", "--path", "virtio0"));
	EXPECT_TRUE(o.names);
	EXPECT_TRUE(o.pretty);
	EXPECT_EQ(VS_JSON_RAW_AND_DECODED, o.mode);
	EXPECT_STREQ("virtio0", o.path);
}

TEST(monitor_stall_args)
{
	struct vs_cmd_monitor_opts o;
	char msg[VS_MSG_MAX];

	EXPECT_EQ(0, MON_PARSE(&o, msg, "-p"));
	EXPECT_EQ(30, o.stall_after);
	EXPECT_EQ(0, MON_PARSE(&o, msg, "--stall-after", "45"));
	EXPECT_EQ(45, o.stall_after);
	EXPECT_EQ(0, MON_PARSE(&o, msg, "--stall-after=1", "--no-vhost"));
	EXPECT_EQ(1, o.stall_after);
	EXPECT_TRUE(o.no_vhost);
	EXPECT_EQ(0, MON_PARSE(&o, msg, "--stall-after", "86400"));
	EXPECT_EQ(86400, o.stall_after);

	/* health-get every third of it, 1 s to 5 s */
	EXPECT_EQ(1, vs_cmd_monitor_interval(1));
	EXPECT_EQ(1, vs_cmd_monitor_interval(5));
	EXPECT_EQ(2, vs_cmd_monitor_interval(6));
	EXPECT_EQ(3, vs_cmd_monitor_interval(9));
	EXPECT_EQ(5, vs_cmd_monitor_interval(15));
	EXPECT_EQ(5, vs_cmd_monitor_interval(30));
	EXPECT_EQ(5, vs_cmd_monitor_interval(86400));
}
