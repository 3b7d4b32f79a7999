// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The command line's conventions (issue 14):
 * exit statuses, --version, per-command --help, options before a
 * command with options of its own, "--", show -j, and the exporter's
 * basic auth and TLS arguments.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "test.h"
#include "cmd_exporter.h"

/* The exit status and output of one command line, stdout and stderr freed. */
static int cmdline(struct vs_backend *be, char **argv, char **out, char **err)
{
	return run_cli(be, "", out, err, argv);
}

TEST(exit_statuses)
{
	struct vs_backend fb, be = { .ops = &flaky_ops };
	struct flaky k = { .f = fake_new(&fb) };
	char *out, *err;

	be.ctx = &k;
	vs_err_set(&k.dump_err, VS_ERR_NOFAMILY, ENOENT, NULL);
	/* the module missing: 3, for the JSON commands and show alike */
	EXPECT_EQ(VS_EXIT_NO_MODULE, cmdline(&be, ARGV("x-query-virtio"), &out, &err));
	EXPECT_STREQ("", out);
	EXPECT_NE(NULL, strstr(err, "not loaded"));
	free(out);
	free(err);
	EXPECT_EQ(VS_EXIT_NO_MODULE, cmdline(&be, ARGV("show"), &out, &err));
	EXPECT_NE(NULL, strstr(err, "not loaded"));
	free(out);
	free(err);
	EXPECT_EQ(VS_EXIT_NO_MODULE, cmdline(&be, ARGV("-j"), &out, &err));
	free(out);
	free(err);
	/* a scrape is not a failure: metrics says so in the metrics, exit 0 */
	EXPECT_EQ(VS_EXIT_OK, cmdline(&be, ARGV("metrics"), &out, &err));
	EXPECT_NE(NULL, strstr(out, "virtio_status_scrape_success 0\n"));
	free(out);
	free(err);
	/* another failure of a request: 1 */
	vs_err_set(&k.dump_err, VS_ERR_SYS, EPERM, NULL);
	EXPECT_EQ(VS_EXIT_ERROR, cmdline(&be, ARGV("x-query-virtio"), &out, &err));
	free(out);
	free(err);
	/* a usage mistake: 2, before anything is asked */
	k.dumps = 0;
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("x-query-virtio", "--bogus"), &out, &err));
	free(out);
	free(err);
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("nonsense"), &out, &err));
	free(out);
	free(err);
	EXPECT_EQ(0, k.dumps);
	fake_free(k.f);
}

TEST(version_lines)
{
	char dir[] = "/tmp/vs-version.XXXXXX", path[128], *out;
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	size_t len = 0;
	FILE *o;

	ASSERT_NE(NULL, mkdtemp(dir));
	/* no module: no request either (it would load the module) */
	o = open_memstream(&out, &len);
	EXPECT_EQ(VS_EXIT_OK, vs_cmd_version(&be, dir, o));
	fclose(o);
	EXPECT_TEXT(out, "virtio-status " VS_VERSION "\n"
		    "module: not loaded\nvhost layout: unknown\n");
	EXPECT_EQ(0, f->infos);
	free(out);

	snprintf(path, sizeof(path), "%s/module", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/module/virtio_status", dir);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/module/virtio_status/version", dir);
	o = fopen(path, "w");
	ASSERT_NE(NULL, o);
	fputs("0.1.0\n", o);
	fclose(o);
	snprintf(f->info.vhost_layout, sizeof(f->info.vhost_layout), "btf:6.12.57+deb13-amd64");
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	o = open_memstream(&out, &len);
	EXPECT_EQ(VS_EXIT_OK, vs_cmd_version(&be, dir, o));
	fclose(o);
	/* the fake says no family version: the module line has none */
	EXPECT_TEXT(out, "virtio-status " VS_VERSION "\nmodule: 0.1.0\n"
		    "vhost layout: btf:6.12.57+deb13-amd64\n");
	free(out);

	unlink(path);
	snprintf(path, sizeof(path), "%s/module/virtio_status", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/module", dir);
	rmdir(path);
	rmdir(dir);
	fake_free(f);
}

TEST(version_refuses_a_command)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("--version", "x-query-virtio"), &out, &err));
	EXPECT_NE(NULL, strstr(err, "--version takes no command"));
	free(out);
	free(err);
	fake_free(f);
}

TEST(help_per_command)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	/* the global help lists the commands */
	EXPECT_EQ(0, cmdline(&be, ARGV("--help"), &out, &err));
	EXPECT_NE(NULL, strstr(out, "Commands:"));
	EXPECT_NE(NULL, strstr(out, "x-query-virtio-queue-element"));
	free(out);
	free(err);
	/* a command's help: its own options, not the others' nor the list */
	EXPECT_EQ(0, cmdline(&be, ARGV("x-query-virtio-status", "--help"), &out, &err));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status [-p] x-query-virtio-status --path", 54));
	EXPECT_NE(NULL, strstr(out, "--raw-and-decoded"));
	EXPECT_EQ(NULL, strstr(out, "Commands:"));
	EXPECT_EQ(NULL, strstr(out, "--queue N"));
	EXPECT_EQ(NULL, strstr(out, "-j, --json"));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_EQ(0, cmdline(&be, ARGV("show", "-h"), &out, &err));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status [-j] [show [DEVICE]]\n", 42));
	EXPECT_NE(NULL, strstr(out, "-j, --json"));
	EXPECT_EQ(NULL, strstr(out, "--decode"));
	free(out);
	free(err);
	/* -h after a mistake is not reached: the mistake is said */
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("show", "--bogus", "-h"), &out, &err));
	free(out);
	free(err);
	EXPECT_EQ(0, f->gets + f->dumps + f->infos);
	fake_free(f);
}

TEST(options_before_own_command)
{
	struct vs_backend be = { 0 };
	char *out, *err;

	/* -p and -h before monitor are monitor's */
	EXPECT_EQ(0, cmdline(&be, ARGV("-p", "monitor", "--help"), &out, &err));
	EXPECT_NE(NULL, strstr(out, "VIRTIO_QUEUE_STALLED"));
	free(out);
	free(err);
	EXPECT_EQ(0, cmdline(&be, ARGV("-h", "metrics"), &out, &err));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status metrics", 28));
	free(out);
	free(err);
	/* an option monitor does not take is said to be unknown, by monitor */
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("-j", "monitor"), &out, &err));
	EXPECT_TEXT(err, "unknown option '-j'\n"
		    "Try 'virtio-status monitor --help' for more information.\n");
	free(out);
	free(err);
	/* a shared option's value is not taken for the command */
	EXPECT_EQ(VS_EXIT_USAGE,
		  cmdline(&be, ARGV("--path", "monitor", "x-query-virtio"), &out, &err));
	EXPECT_NE(NULL, strstr(err, "x-query-virtio takes no --path"));
	free(out);
	free(err);
}

TEST(double_dash_ends_options)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_cmd_opts o;
	char msg[VS_MSG_MAX];
	char *out, *err;

	/* after --, a word that looks like an option is an operand */
	ASSERT_EQ(0, PARSE(&o, msg, "show", "--", "-weird"));
	EXPECT_STREQ("-weird", o.path);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "--", "--names"));
	EXPECT_STREQ("unexpected argument '--names'", msg);
	ASSERT_EQ(0, PARSE(&o, msg, "-p", "--", "x-query-virtio"));
	EXPECT_STREQ("x-query-virtio", o.def->name);
	EXPECT_TRUE(o.pretty);
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("metrics", "--", "--output"), &out, &err));
	EXPECT_TEXT(err, "metrics takes no argument '--output'\n"
		    "Try 'virtio-status metrics --help' for more information.\n");
	free(out);
	free(err);
	/* a command after -- is still found; what follows is operands */
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("--", "monitor", "--help"), &out, &err));
	EXPECT_TEXT(err, "monitor takes no argument '--help'\n"
		    "Try 'virtio-status monitor --help' for more information.\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(show_json_list)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *j, *d, *v;
	struct vs_nl_dev *dev;
	char *out, *err;

	fake_add(f, PCI_PATH, "virtio-net");
	dev = &f->list.devs[0];
	snprintf(dev->driver, sizeof(dev->driver), "virtio_net");
	vs_dev_set(dev, VIRTIO_STATUS_A_DEV_DRIVER);
	fill_vhost(vs_dev_list_add(&f->list));

	EXPECT_EQ(0, cmdline(&be, ARGV("show", "-j"), &out, &err));
	EXPECT_STREQ("", err);
	j = json_tokener_parse(out);
	ASSERT_NE(NULL, j);
	ASSERT_EQ(2, (int)json_object_array_length(j));
	d = json_object_array_get_idx(j, 0);
	EXPECT_TRUE(json_object_object_get_ex(d, "path", &v));
	EXPECT_STREQ(PCI_PATH, json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(d, "id", &v));
	EXPECT_STREQ("virtio0", json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(d, "kind", &v));
	EXPECT_STREQ("virtio", json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(d, "driver", &v));
	EXPECT_STREQ("virtio_net", json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(d, "status-flags", &v));
	EXPECT_STREQ("[ \"ACK\", \"DRV\", \"FEAT\", \"OK\" ]",
		     json_object_to_json_string_ext(v, JSON_C_TO_STRING_SPACED));
	EXPECT_TRUE(json_object_object_get_ex(d, "negotiated-count", &v));
	EXPECT_EQ(4, json_object_get_int(v));
	EXPECT_TRUE(json_object_object_get_ex(d, "names", &v));
	d = json_object_array_get_idx(j, 1);
	EXPECT_TRUE(json_object_object_get_ex(d, "kind", &v));
	EXPECT_STREQ("vhost", json_object_get_string(v));
	EXPECT_TRUE(json_object_object_get_ex(d, "started", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	EXPECT_FALSE(json_object_object_get_ex(d, "status", &v));
	json_object_put(j);
	free(out);
	free(err);

	/* -p indents it; the parse is the same */
	EXPECT_EQ(0, cmdline(&be, ARGV("-j", "-p"), &out, &err));
	EXPECT_NE(NULL, strstr(out, "\n  {"));
	free(out);
	free(err);
	fake_free(f);
}

TEST(show_json_device)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *j, *v, *b;
	char *out, *err;

	EXPECT_EQ(0, cmdline(&be, ARGV("show", "-j", "virtio0"), &out, &err));
	EXPECT_STREQ("", err);
	j = json_tokener_parse(out);
	ASSERT_NE(NULL, j);
	EXPECT_TRUE(json_object_object_get_ex(j, "type", &v));
	EXPECT_STREQ("net", json_object_get_string(v));
	/* the fake's negotiated bits, each with its name */
	EXPECT_TRUE(json_object_object_get_ex(j, "negotiated", &v));
	ASSERT_EQ(json_type_array, json_object_get_type(v));
	EXPECT_EQ(4, (int)json_object_array_length(v));
	EXPECT_TRUE(json_object_object_get_ex(json_object_array_get_idx(v, 0), "symbol", &b));
	EXPECT_NE(NULL, json_object_get_string(b));
	/* what the device offers beyond that, named too */
	EXPECT_TRUE(json_object_object_get_ex(j, "offered-not-negotiated", &v));
	EXPECT_EQ(json_type_array, json_object_get_type(v));
	EXPECT_FALSE(json_object_object_get_ex(j, "offered-error", &v));
	json_object_put(j);
	free(out);
	free(err);

	/* -j applies to show only as a format; JSON commands take it as is */
	EXPECT_EQ(0, cmdline(&be, ARGV("-j", "x-query-virtio"), &out, &err));
	EXPECT_EQ(0, strncmp(out, "{\"return\": [", 12));
	free(out);
	free(err);
	fake_free(f);
}

TEST(http_basic_auth)
{
	/* "user:pass", "user:pas", "user:passX", "resu:pass" in base64 */
	EXPECT_TRUE(vs_cmd_http_auth_ok("Basic dXNlcjpwYXNz", "user:pass"));
	EXPECT_TRUE(vs_cmd_http_auth_ok("basic  dXNlcjpwYXNz", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Basic dXNlcjpwYXM=", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Basic dXNlcjpwYXNzWA==", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Basic cmVzdTpwYXNz", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Bearer dXNlcjpwYXNz", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Basic dXNlcjpwYXNz!", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Basic", "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok(NULL, "user:pass"));
	EXPECT_FALSE(vs_cmd_http_auth_ok("Basic ", "user:pass"));
}

TEST(exporter_file_arguments)
{
	char dir[] = "/tmp/vs-auth.XXXXXX", path[128], arg[160];
	struct vs_backend be = { 0 };
	char *out, *err;
	FILE *f;

	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("exporter", "--tls-cert", "/x"), &out, &err));
	EXPECT_NE(NULL, strstr(err, "--tls-cert and --tls-key go together"));
	free(out);
	free(err);
	EXPECT_EQ(VS_EXIT_USAGE, cmdline(&be, ARGV("exporter", "--basic-auth-file="), &out, &err));
	EXPECT_NE(NULL, strstr(err, "--basic-auth-file is empty"));
	free(out);
	free(err);
	EXPECT_EQ(VS_EXIT_ERROR,
		  cmdline(&be, ARGV("exporter", "--basic-auth-file", "/no/a"),
			  &out, &err));
	EXPECT_TEXT(err, "--basic-auth-file: cannot read /no/a: No such file or directory\n");
	free(out);
	free(err);

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/auth", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("no colon here\n", f);
	fclose(f);
	snprintf(arg, sizeof(arg), "--basic-auth-file=%s", path);
	EXPECT_EQ(VS_EXIT_ERROR, cmdline(&be, ARGV("exporter", arg), &out, &err));
	EXPECT_NE(NULL, strstr(err, "must be USER:PASSWORD"));
	free(out);
	free(err);
	unlink(path);
	rmdir(dir);
}
