// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. serve's QMP sessions, answered as QEMU
 * answers: negotiation, JSON errors, values split across reads, limits.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "serve.h"

TEST(serve_greeting_and_version)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *t = serve_text_of(vs_serve_greeting());

	EXPECT_TEXT(t, "{\"QMP\": {\"version\": " WANT_VERSION ", \"capabilities\": []}}\r\n");
	free(t);
	EXPECT_SERVE(&be, true, "{\"execute\": \"query-version\", \"id\": \"v\"}",
		     "{\"return\": " WANT_VERSION ", \"id\": \"v\"}\r\n");
	fake_free(f);
}

TEST(serve_negotiation)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	/* known or not, every command waits for qmp_capabilities */
	EXPECT_SERVE(&be, false,
		     "{\"execute\": \"x-query-virtio\"}\n"
		     "{\"execute\": \"query-commands\", \"arguments\": {\"a\": 1}}\n"
		     "{\"execute\": \"nope\", \"id\": 3}\n",
		     QERR("CommandNotFound", NEED_CAPS)
		     QERR("CommandNotFound", NEED_CAPS)
		     QERR_ID("3", "CommandNotFound", NEED_CAPS));
	EXPECT_EQ(0, f->dumps);
	/* once, not twice */
	EXPECT_SERVE(&be, false,
		     "{\"execute\":\"qmp_capabilities\",\"id\":1}\n"
		     "{\"execute\":\"qmp_capabilities\",\"id\":2}\n"
		     "{\"execute\":\"x-query-virtio\",\"id\":{\"a\":[1]}}\n",
		     "{\"return\": {}, \"id\": 1}\r\n"
		     QERR_ID("2", "CommandNotFound",
			     "Capabilities negotiation is already complete, command ignored")
		     "{\"return\": [], \"id\": {\"a\": [1]}}\r\n");
	EXPECT_EQ(1, f->dumps);
	fake_free(f);
}

TEST(serve_capabilities_arguments)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	EXPECT_SERVE(&be, false,
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\", \"oob\"]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"foo\"]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\", 1]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": \"oob\"}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": null}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"], \"x\": 1}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": []}}",
		     QERR("GenericError", "Capability oob not available")
		     QERR("GenericError", "Capability oob, oob not available")
		     QERR("GenericError", "Parameter 'null' does not accept value 'foo'")
		     QERR("GenericError",
			  "Invalid parameter type for 'enable[1]', expected: string")
		     QERR("GenericError", "Invalid parameter type for 'enable', expected: array")
		     QERR("GenericError", "Invalid parameter type for 'enable', expected: array")
		     QERR("GenericError", "Parameter 'x' is unexpected")
		     "{\"return\": {}}\r\n");
	/* bad arguments are found before "already complete" */
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"foo\"]}}",
		     QERR("GenericError", "Parameter 'null' does not accept value 'foo'"));
	fake_free(f);
}

TEST(serve_json_errors_as_qemu)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	EXPECT_SERVE(&be, true, "hello\n",
		     QERR("GenericError", "JSON parse error, invalid keyword 'hello'"));
	EXPECT_SERVE(&be, true, "[1 2]{\"a\" 1}{1:2}}{\"a\":}[1,]\n",
		     QERR("GenericError", "JSON parse error, expected separator in list")
		     QERR("GenericError", "JSON parse error, missing : in object pair")
		     QERR("GenericError", "JSON parse error, key is not a string in object")
		     QERR("GenericError", "JSON parse error, expecting value")
		     QERR("GenericError", "JSON parse error, expecting value")
		     QERR("GenericError", "JSON parse error, expecting value"));
	EXPECT_SERVE(&be, true, "{\"execute\": \"x\", \"execute\": \"y\"}",
		     QERR("GenericError", "JSON parse error, duplicate key"));
	/* a control character in a string; then recovery at ':' */
	EXPECT_SERVE(&be, true, "{\"exec\nute\":\"query-version\"}\n",
		     QERR("GenericError", "JSON parse error, stray '\\\"exec\\n'")
		     QERR("GenericError", "JSON parse error, expecting value")
		     NOT_OBJECT
		     QERR("GenericError", "JSON parse error, expecting value"));
	/* a NUL ends the quoted text, as QEMU's %s does; 0xFF is U+FFFD */
	EXPECT_SERVE(&be, true, "X\n",
		     QERR("GenericError", "JSON parse error, stray 'X'"));
	EXPECT_SERVE(&be, true, "\"\xc3\xa9\xff\n",
		     QERR("GenericError", "JSON parse error, stray '\\\"\xc3\xa9\xef\xbf\xbd'"));
	{
		char *s = NULL;
		struct vs_qmp_sess ss;

		vs_qmp_sess_init(&ss);
		s = sess_feed(&ss, &be, "\0\n", 2, 2);
		EXPECT_TEXT(s, QERR("GenericError", "JSON parse error, stray ''"));
		free(s);
		vs_qmp_sess_free(&ss);
	}
	/*
	 * QEMU's numbers: "01" is a lexical error, after which the rest of
	 * the line is skipped (recovery stops at a control character)
	 */
	EXPECT_SERVE(&be, true, "01 -x 1.x\n01\n-x\n1.x\n",
		     QERR("GenericError", "JSON parse error, stray '01'")
		     QERR("GenericError", "JSON parse error, stray '01'")
		     QERR("GenericError", "JSON parse error, stray '-x'")
		     QERR("GenericError", "JSON parse error, stray '1.x'"));
	/* a bracket closed by a brace: two errors, as QEMU 7.2 gives */
	EXPECT_SERVE(&be, true, "[}]\n",
		     QERR("GenericError", "JSON parse error, expecting value")
		     QERR("GenericError", "JSON parse error, expecting value"));
	EXPECT_EQ(0, f->dumps + f->gets);
	fake_free(f);
}

TEST(serve_strings_as_qemu)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"\\ud800\"}{\"execute\": \"\\u12\"}{\"execute\": \"\\q\"}\n"
		     "{\"execute\": \"\xc3\"}{\"execute\": \"\xef\xbf\xbe\"}\n"
		     "{\"execute\": \"\\uDBFF\\uDFFF\"}",
		     QERR("GenericError",
			  "JSON parse error, \\\\ud800 is not a valid Unicode character")
		     QERR("GenericError",
			  "JSON parse error, \\\\u12\\\" is not a valid Unicode character")
		     QERR("GenericError", "JSON parse error, invalid escape sequence in string")
		     QERR("GenericError", "JSON parse error, invalid UTF-8 sequence in string")
		     QERR("GenericError", "JSON parse error, invalid UTF-8 sequence in string")
		     QERR("GenericError",
			  "JSON parse error, \\\\uDBFF\\\\uDFFF is not a valid Unicode character"));
	/* single quotes, \', a pair of surrogates, U+0000 */
	EXPECT_SERVE(&be, true,
		     "{'execute': 'a\\'\"b', 'id': '\\uD83D\\uDE00'}{\"execute\": \"\\u0000\"}",
		     QERR_ID("\"\xf0\x9f\x98\x80\"", "CommandNotFound",
			     "The command a'\\\"b has not been found")
		     QERR("CommandNotFound", "The command \\u0000 has not been found"));
	fake_free(f);
}

TEST(serve_request_checks_in_qemu_order)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	/* QEMU walks members in its QDict's order: "x" before "execute" ... */
	EXPECT_SERVE(&be, true, "{\"execute\": 1, \"x\": 1}",
		     QERR("GenericError", "QMP input member 'x' is unexpected"));
	/* ... "execute" before "arguments" */
	EXPECT_SERVE(&be, true, "{\"arguments\": [], \"execute\": 1}",
		     QERR("GenericError", "QMP input member 'execute' must be a string"));
	EXPECT_SERVE(&be, false, "{\"id\": 5}[1]\"s\" true {\"exec-oob\": \"x\"}",
		     QERR_ID("5", "GenericError", "QMP input lacks member 'execute'")
		     NOT_OBJECT NOT_OBJECT NOT_OBJECT
		     QERR("GenericError", "QMP input member 'exec-oob' is unexpected"));
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"query-version\", \"arguments\": []}\n"
		     "{\"id\": [1, 2], \"execute\": \"nope\"}",
		     QERR("GenericError", "QMP input member 'arguments' must be an object")
		     QERR_ID("[1, 2]", "CommandNotFound", "The command nope has not been found"));
	/* of several unexpected arguments, the one QEMU's hash table has first */
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"query-version\", \"arguments\": {\"x\": 1, \"y\": 2}, \"id\": \"q\"}\n"
		     "{\"execute\": \"query-commands\", \"arguments\": {\"a\": 1, \"b\": 2, \"c\": 3}}",
		     QERR_ID("\"q\"", "GenericError", "Parameter 'y' is unexpected")
		     QERR("GenericError", "Parameter 'b' is unexpected"));
	fake_free(f);
}

TEST(serve_table_commands)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s, *want;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_add(f, MMIO_PATH, "virtio-blk");
	/* the answer of --qmp, with the id where QEMU puts it */
	s = serve_answers(&be, "{\"execute\": \"x-query-virtio\", \"id\": 9}", true);
	EXPECT_EQ(0, strncmp(s, WANT_LIST2, strlen(WANT_LIST2) - 1));
	EXPECT_TEXT(s + strlen(WANT_LIST2) - 1, ", \"id\": 9}\r\n");
	free(s);
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": 3}}\n"
		     "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": 1}}",
		     QERR("GenericError", "Invalid parameter type for 'path', expected: string")
		     QERR("GenericError",
			  "Invalid parameter type for 'decode', expected: boolean"));
	/* what --qmp answers, with the id */
	want = qmp(&be,
		   "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	s = serve_answers(&be,
			  "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}, \"id\": \"s\"}",
			  true);
	ASSERT_NE(NULL, want);
	EXPECT_EQ(0, strncmp(want, "{\"return\": {\"name\": \"virtio-net\"", 31));
	EXPECT_EQ(0, strncmp(s, want, strlen(want) - 1));
	EXPECT_TEXT(s + strlen(want) - 1, ", \"id\": \"s\"}\r\n");
	free(want);
	free(s);
	EXPECT_STREQ("virtio0", f->last.value);
	/* a backend error: the --qmp sentence, id first */
	vs_err_sys(&f->get_err, ENODEV, "device not found");
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio7\"}, \"id\": 1}",
		     QERR_ID("1", "GenericError",
			     "no virtio device at virtio7 (kernel: device not found)"));
	/* CLI-only commands are not QMP commands */
	EXPECT_SERVE(&be, true, "{\"execute\": \"info\"}",
		     QERR("CommandNotFound", "The command info has not been found"));
	fake_free(f);
}

TEST(serve_query_commands_are_all_answered)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	size_t i;
	char *s;

	s = serve_answers(&be, "{\"execute\": \"query-commands\"}", true);
	EXPECT_TEXT(s,
		    "{\"return\": [{\"name\": \"query-commands\"}, {\"name\": \"query-version\"}, {\"name\": \"qmp_capabilities\"}, {\"name\": \"x-query-virtio\"}, {\"name\": \"x-query-virtio-status\"}, {\"name\": \"x-query-virtio-queue-status\"}, {\"name\": \"x-query-virtio-vhost-queue-status\"}, {\"name\": \"x-query-virtio-queue-element\"}, {\"name\": \"x-virtio-status-info\"}]}\r\n");
	free(s);
	/* every one listed is known (none "has not been found") */
	for (i = 0; vs_serve_command(i); i++) {
		char req[128];

		snprintf(req, sizeof(req), "{\"execute\": \"%s\"}", vs_serve_command(i));
		s = serve_answers(&be, req, true);
		EXPECT_EQ(NULL, strstr(s ? s : "has not been found", "has not been found"))
			TH_LOG("%s: %s", vs_serve_command(i), s);
		free(s);
	}
	/* and the command line's own command is not offered */
	for (i = 0; vs_serve_command(i); i++)
		EXPECT_STRNE("info", vs_serve_command(i));
	fake_free(f);
}

TEST(serve_values_across_lines_and_reads)
{
	static const char in[] =
		"{\"execute\":\n\"query-version\",\n\"id\": 1}{\"execute\": \"query-version\", \"id\": 2}\r\n"
		"  \t{\"execute\": \"nope\"} 7 [\"a\",\n{}]\n";
	static const char want[] =
		"{\"return\": " WANT_VERSION ", \"id\": 1}\r\n"
		"{\"return\": " WANT_VERSION ", \"id\": 2}\r\n"
		QERR("CommandNotFound", "The command nope has not been found")
		NOT_OBJECT NOT_OBJECT;
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_qmp_sess s;
	size_t step;
	char *out;

	/* whole, and cut at every size down to one byte at a time */
	for (step = sizeof(in) - 1; step >= 1; step = step > 7 ? step / 2 : step - 1) {
		vs_qmp_sess_init(&s);
		s.negotiated = true;
		out = sess_feed(&s, &be, in, sizeof(in) - 1, step);
		EXPECT_TEXT(out, want) TH_LOG("fed %zu bytes at a time", step);
		free(out);
		vs_qmp_sess_free(&s);
	}
	fake_free(f);
}

TEST(serve_limits)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	size_t n = VS_SERVE_NESTING_MAX + 1, i;
	char *in = malloc(VS_SERVE_VALUE_MAX + 64), *s;

	ASSERT_NE(NULL, in);
	/* QEMU's nesting limit: 1024 deep is a value, 1025 is not */
	for (i = 0; i < n - 1; i++)
		in[i] = '[';
	for (i = 0; i < n - 1; i++)
		in[n - 1 + i] = ']';
	in[2 * (n - 1)] = '\0';
	EXPECT_SERVE(&be, true, in, NOT_OBJECT);
	memset(in, '[', n);
	in[n] = '\0';
	EXPECT_SERVE(&be, true, in,
		     QERR("GenericError", "JSON nesting depth limit exceeded"));
	/* a string as long as a whole value may be: given up on, by QEMU's words */
	in[0] = '"';
	memset(in + 1, 'a', VS_SERVE_VALUE_MAX + 8);
	memcpy(in + VS_SERVE_VALUE_MAX + 9, "\"\n", 3);
	s = serve_answers(&be, in, true);
	EXPECT_EQ(0, strncmp(s, QERR("GenericError", "JSON token size limit exceeded"),
			     strlen(QERR("GenericError", "JSON token size limit exceeded"))));
	free(s);
	/*
	 * Many small tokens: QEMU's check counts their text and one more
	 * byte, so [1,...,1] with n "1," is a value while 2n + 4 bytes fit.
	 */
	for (n = VS_SERVE_VALUE_MAX / 2 - 2; n <= VS_SERVE_VALUE_MAX / 2 - 1; n++) {
		in[0] = '[';
		for (i = 0; i < n; i++)
			memcpy(in + 1 + 2 * i, "1,", 2);
		memcpy(in + 1 + 2 * n, "1]", 3);
		s = serve_answers(&be, in, true);
		/* one token too many: the last 1 is refused, then "]" alone */
		EXPECT_TEXT(s, 2 * n + 4 > VS_SERVE_VALUE_MAX ?
			    QERR("GenericError", "JSON token size limit exceeded")
			    QERR("GenericError", "JSON parse error, expecting value") :
			    NOT_OBJECT);
		free(s);
	}
	free(in);
	fake_free(f);
}

TEST(serve_text_is_valid_utf8)
{
	struct json_object *o = json_object_new_object();
	char *t;

	json_object_object_add(o, "a\xc0\x80", json_object_new_string("x\xc0\x80y\xfe\xc3"));
	json_object_object_add(o, "b", json_object_new_string("\xe2\x82\xac"));
	t = serve_text_of(o);
	EXPECT_TEXT(t,
		    "{\"a\xef\xbf\xbd\": \"x\\u0000y\xef\xbf\xbd\xef\xbf\xbd\", \"b\": \"\xe2\x82\xac\"}\r\n");
	free(t);
}
