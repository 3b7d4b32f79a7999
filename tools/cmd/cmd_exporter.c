// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status exporter: GET /metrics over HTTP, with libmicrohttpd.
 *
 * We make the listening socket ourselves, so that "address in use" and
 * its kind come back as errno sentences, and hand it to libmicrohttpd,
 * whose one internal thread answers the requests, one at a time: the
 * backend (one netlink socket) is never used by two threads at once. The
 * main thread waits for SIGTERM or SIGINT, blocked everywhere else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "cmd_exporter.h"
#include "metrics.h"
#include "nl.h"

/* The largest certificate, key or password file read. */
#define VS_CMD_HTTP_FILE_MAX	(1024 * 1024)
/* what a client without the right basic auth is told */
#define VS_CMD_HTTP_REALM	"Basic realm=\"virtio-status\", charset=\"UTF-8\""

/* Connections served at once, and seconds an idle one is kept. */
#define VS_CMD_HTTP_CONNECTIONS	64
#define VS_CMD_HTTP_IDLE_SECONDS	30

struct vs_cmd_exporter {
	const struct vs_backend *be;
	struct vs_cmd_exporter_conf conf;
	struct MHD_Daemon *mhd;
	unsigned int port;
	/* the last scrape's sentence, as logged ("" everything was read) */
	char logged[2 * VS_MSG_MAX];
};

static const char vs_cmd_index_page[] =
	"<!DOCTYPE html>\n"
	"<html><head><title>virtio-status exporter</title></head>\n"
	"<body><h1>virtio-status exporter</h1>\n"
	"<p>The virtio and vhost devices of this machine, for Prometheus:\n"
	"<a href=\"/metrics\">/metrics</a>.</p>\n"
	"</body></html>\n";

/* Decimal digits only, 1..65535. */
static int vs_cmd_parse_port(const char *s, unsigned int *port)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -1;
	}
	if (!v)
		return -1;
	*port = v;
	return 0;
}

int vs_cmd_listen_parse(const char *arg, struct sockaddr_storage *ss,
			socklen_t *sslen, char *msg, size_t len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	bool bracket = arg[0] == '[';
	const char *colon, *end;
	unsigned int port;
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (bracket) {
		end = strchr(arg, ']');
		colon = end ? end + 1 : NULL;
		if (!end || *colon != ':')
			goto form;
		hlen = end - arg - 1;
		arg++;
	} else {
		colon = strrchr(arg, ':');
		if (!colon)
			goto form;
		hlen = colon - arg;
		if (memchr(arg, ':', hlen)) {
			snprintf(msg, len,
				 "--listen: write an IPv6 address in brackets ([::1]:9123), not '%s'",
				 arg);
			return -1;
		}
	}
	if (vs_cmd_parse_port(colon + 1, &port) < 0) {
		snprintf(msg, len,
			 "--listen: the port must be a number from 1 to 65535, not '%s'",
			 colon + 1);
		return -1;
	}
	if (hlen >= sizeof(host))
		goto host;
	memcpy(host, arg, hlen);
	host[hlen] = '\0';
	if (bracket) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			goto host;
		*sslen = sizeof(*s6);
	} else if (!hlen) {
		/* every address: IPv6's, which takes IPv4 too (see start) */
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = in6addr_any;
		*sslen = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto host;
		*sslen = sizeof(*s4);
	}
	return 0;

form:
	snprintf(msg, len,
		 "--listen takes ADDR:PORT (127.0.0.1:9123, [::1]:9123, or :9123 for every address), not '%s'",
		 arg);
	return -1;
host:
	snprintf(msg, len,
		 "--listen: '%.*s' is not a numeric IPv4 address or an IPv6 address in brackets",
		 (int)hlen, arg);
	return -1;
}

static int vs_cmd_answer_text(struct vs_cmd_http_answer *a, unsigned int status,
			      const char *type, const char *text)
{
	a->status = status;
	a->type = type;
	a->len = strlen(text);
	a->body = strdup(text);
	return a->body ? 0 : -1;
}

int vs_cmd_exporter_answer(const struct vs_backend *be,
			   const struct vs_metrics_opts *mo, const char *method,
			   const char *url, struct vs_cmd_http_answer *a)
{
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	char line[2 * VS_MSG_MAX + 2];
	int ret;

	memset(a, 0, sizeof(*a));
	if (strcmp(url, "/metrics") && strcmp(url, "/"))
		return vs_cmd_answer_text(a, 404, "text/plain; charset=utf-8",
					  "Not found: this exporter serves /metrics\n");
	if (!get) {
		a->allow = "GET, HEAD";
		return vs_cmd_answer_text(a, 405, "text/plain; charset=utf-8",
					  "Method not allowed: use GET\n");
	}
	if (!strcmp(url, "/"))
		return vs_cmd_answer_text(a, 200, "text/html; charset=utf-8",
					  vs_cmd_index_page);

	/* a module reloaded since the last scrape has another family id */
	vs_nl_backend_reset(be);
	ret = vs_metrics_text(be, mo, &a->body, &a->len, a->why, sizeof(a->why));
	if (ret < 0) {
		snprintf(line, sizeof(line), "%s\n", a->why);
		return vs_cmd_answer_text(a, 500, "text/plain; charset=utf-8", line);
	}
	a->scrape = ret;
	a->status = 200;
	a->type = VS_METRICS_CONTENT_TYPE;
	return 0;
}

/*
 * Log a scrape's sentence when it is not the last one logged: a failure
 * once when it starts (not at every scrape), and once when all is read
 * again.
 */
static void vs_cmd_exporter_log(struct vs_cmd_exporter *x,
				const struct vs_cmd_http_answer *a)
{
	FILE *log = x->conf.log;

	if (!log || a->status != 200 || !strcmp(a->why, x->logged))
		return;
	if (!a->why[0])
		fprintf(log, "virtio-status exporter: scrapes read everything again\n");
	else
		fprintf(log, "virtio-status exporter: %s; answered %s 0\n", a->why,
			a->scrape ? "virtio_status_queue_health_read" :
				    "virtio_status_scrape_success");
	fflush(log);
	snprintf(x->logged, sizeof(x->logged), "%s", a->why);
}

/* The value of base64 digit @c, or -1. */
static int vs_cmd_b64(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Base64 @in into @out (NUL-terminated). Its length, or -1. */
static long vs_cmd_b64_decode(const char *in, char *out, size_t len)
{
	unsigned int acc = 0;
	size_t n = 0;
	int bits = 0, v;

	for (; *in && *in != '='; in++) {
		v = vs_cmd_b64(*in);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned int)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= len)
				return -1;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	while (*in == '=')
		in++;
	if (*in)
		return -1;
	out[n] = '\0';
	return (long)n;
}

bool vs_cmd_http_auth_ok(const char *header, const char *userpass)
{
	char given[1024];
	unsigned char diff = 0;
	size_t i, want;
	long n;

	if (!header || strncasecmp(header, "Basic ", 6))
		return false;
	header += 6;
	while (*header == ' ')
		header++;
	n = vs_cmd_b64_decode(header, given, sizeof(given));
	want = strlen(userpass);
	if (n < 0 || (size_t)n != want)
		return false;
	for (i = 0; i < want; i++)
		diff |= (unsigned char)(given[i] ^ userpass[i]);
	return !diff;
}

/* 401 with the challenge, for a request without the right credentials. */
static enum MHD_Result vs_cmd_http_unauthorized(struct MHD_Connection *c)
{
	static const char body[] = "401 Unauthorized: this exporter asks for basic auth\n";
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
				    VS_CMD_HTTP_REALM) != MHD_YES ||
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				    "text/plain; charset=utf-8") != MHD_YES) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, MHD_HTTP_UNAUTHORIZED, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result vs_cmd_http_request(void *cls, struct MHD_Connection *c,
					   const char *url, const char *method,
					   const char *version,
					   const char *upload_data,
					   size_t *upload_data_size, void **req)
{
	struct vs_cmd_exporter *x = cls;
	struct vs_cmd_http_answer a;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req;
	/*
	 * Answered on the first call, when the headers are in: nothing here
	 * reads a body, and libmicrohttpd drops one that follows.
	 */
	if (x->conf.basic_auth &&
	    !vs_cmd_http_auth_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_AUTHORIZATION),
				 x->conf.basic_auth))
		return vs_cmd_http_unauthorized(c);
	if (vs_cmd_exporter_answer(x->be, &x->conf.metrics, method, url,
				   &a) < 0) {
		free(a.body);
		return MHD_NO;
	}
	vs_cmd_exporter_log(x, &a);
	r = MHD_create_response_from_buffer(a.len, a.body,
					    MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(a.body);
		return MHD_NO;
	}
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				    a.type) != MHD_YES ||
	    (a.allow && MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
						a.allow) != MHD_YES)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, a.status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A listening TCP socket on @addr. The fd, or -1 with errno set. */
static int vs_cmd_listen_socket(const struct sockaddr *addr, socklen_t addrlen)
{
	int fd, one = 1, zero = 0, err;

	fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto close;
	/* "every address" is IPv6's any, taking IPv4 as mapped addresses */
	if (addr->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)addr)->sin6_addr) &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
		goto close;
	if (bind(fd, addr, addrlen) < 0 || listen(fd, 64) < 0)
		goto close;
	return fd;
close:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

struct vs_cmd_exporter *vs_cmd_exporter_start(const struct vs_backend *be,
					      const struct vs_cmd_exporter_conf *conf,
					      const struct sockaddr *addr,
					      socklen_t addrlen, const char *what,
					      char *msg, size_t len)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	struct sockaddr_in any4 = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	struct vs_cmd_exporter *x;
	int fd;

	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(msg, len, "out of memory");
		return NULL;
	}
	x->be = be;
	if (conf)
		x->conf = *conf;
	fd = vs_cmd_listen_socket(addr, addrlen);
	if (fd < 0 && errno == EAFNOSUPPORT && addr->sa_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)addr)->sin6_addr)) {
		/* a kernel without IPv6: every IPv4 address, then */
		any4.sin_port = ((const struct sockaddr_in6 *)addr)->sin6_port;
		fd = vs_cmd_listen_socket((struct sockaddr *)&any4, sizeof(any4));
	}
	if (fd < 0) {
		snprintf(msg, len, "cannot listen on %s: %s%s", what,
			 strerror(errno),
			 errno == EADDRINUSE ?
			 " (another exporter, or another server, has that port)" : "");
		free(x);
		return NULL;
	}
	if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0)
		x->port = ntohs(bound.ss_family == AF_INET6 ?
				((struct sockaddr_in6 *)&bound)->sin6_port :
				((struct sockaddr_in *)&bound)->sin_port);
	if (x->conf.tls_cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(msg, len,
			 "this libmicrohttpd was built without TLS; --tls-cert cannot be served");
		close(fd);
		free(x);
		return NULL;
	}
	/* the key and certificate options end the list when there is no TLS */
	x->mhd = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD |
				  (x->conf.tls_cert ? MHD_USE_TLS : 0),
				  0, NULL, NULL, vs_cmd_http_request, x,
				  MHD_OPTION_LISTEN_SOCKET, fd,
				  MHD_OPTION_CONNECTION_LIMIT,
				  (unsigned int)VS_CMD_HTTP_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT,
				  (unsigned int)VS_CMD_HTTP_IDLE_SECONDS,
				  x->conf.tls_cert ? MHD_OPTION_HTTPS_MEM_CERT :
						     MHD_OPTION_END,
				  x->conf.tls_cert,
				  MHD_OPTION_HTTPS_MEM_KEY, x->conf.tls_key,
				  MHD_OPTION_END);
	if (!x->mhd) {
		snprintf(msg, len, "cannot start the HTTP server on %s%s", what,
			 x->conf.tls_cert ?
			 ": check that --tls-key is the key of --tls-cert, both PEM" : "");
		close(fd);
		free(x);
		return NULL;
	}
	return x;
}

unsigned int vs_cmd_exporter_port(const struct vs_cmd_exporter *x)
{
	return x->port;
}

void vs_cmd_exporter_stop(struct vs_cmd_exporter *x)
{
	if (!x)
		return;
	/* waits for the request in progress; closes the listening socket */
	MHD_stop_daemon(x->mhd);
	free(x);
}

static void vs_cmd_exporter_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [--listen ADDR:PORT] [--collect.features]\n"
		"       %*s [--tls-cert FILE --tls-key FILE] [--basic-auth-file FILE]\n",
		prog, (int)strlen(prog), "");
	fputs("\n"
	      "Serve the metrics of 'virtio-status metrics' over HTTP for Prometheus:\n"
	      "GET /metrics. Each scrape asks the kernel afresh: while the module is\n"
	      "not loaded the scrape answers virtio_status_scrape_success 0, and the\n"
	      "exporter recovers when it is loaded again. Runs until SIGTERM or\n"
	      "SIGINT. Why a scrape failed (or read no queue) is logged on standard\n"
	      "error when it changes, not at every scrape.\n"
	      "\n"
	      "Options:\n"
	      "  --listen ADDR:PORT  where to listen (default " VS_CMD_EXPORTER_LISTEN "):\n"
	      "                      a numeric IPv4 address, an IPv6 address in\n"
	      "                      brackets ([::1]:9123), or none (:9123) for every\n"
	      "                      address\n"
	      "  --collect.features  also serve the feature bits, one series per set\n"
	      "                      bit (see virtio-status metrics --help)\n"
	      "  --tls-cert FILE     serve HTTPS with this certificate (PEM; a chain\n"
	      "                      may follow it), with libmicrohttpd's TLS\n"
	      "  --tls-key FILE      the certificate's private key (PEM, unencrypted)\n"
	      "  --basic-auth-file FILE\n"
	      "                      answer only requests carrying basic auth with\n"
	      "                      the user and password of FILE's first line,\n"
	      "                      USER:PASSWORD; others get 401. Use it with TLS:\n"
	      "                      over plain HTTP the password travels readable\n"
	      "  -h, --help          print this help\n"
	      "\n"
	      "The files are read once, at start, before anything is served.\n"
	      "\n"
	      "Exit status: 0 after SIGTERM or SIGINT, 1 when it cannot listen or\n"
	      "read a file, 2 on a usage error.\n", f);
}

enum {
	VS_CMD_EXPORTER_OPT_LISTEN,
	VS_CMD_EXPORTER_OPT_FEATURES,
	VS_CMD_EXPORTER_OPT_TLS_CERT,
	VS_CMD_EXPORTER_OPT_TLS_KEY,
	VS_CMD_EXPORTER_OPT_AUTH,
};

static const struct vs_opt vs_cmd_exporter_opts[] = {
	{ "listen", 0, "ADDR:PORT", VS_CMD_EXPORTER_OPT_LISTEN },
	{ "collect.features", 0, NULL, VS_CMD_EXPORTER_OPT_FEATURES },
	{ "tls-cert", 0, "a file", VS_CMD_EXPORTER_OPT_TLS_CERT },
	{ "tls-key", 0, "a file", VS_CMD_EXPORTER_OPT_TLS_KEY },
	{ "basic-auth-file", 0, "a file", VS_CMD_EXPORTER_OPT_AUTH },
	{ NULL, 0, NULL, 0 }
};

/* The command line, before the files it names are read. */
struct vs_cmd_exporter_args {
	struct vs_cmd_exporter_conf *conf;
	const char *listen;
	const char *cert, *key, *auth;
};

static int vs_cmd_exporter_set(void *ctx, const struct vs_opt *opt,
			       const char *value, char *msg, size_t len)
{
	struct vs_cmd_exporter_args *a = ctx;
	const char **file = NULL;

	if (!opt)
		return vs_args_no_operand("exporter", value, msg, len);
	switch (opt->id) {
	case VS_CMD_EXPORTER_OPT_LISTEN:
		a->listen = value;
		return 0;
	case VS_CMD_EXPORTER_OPT_FEATURES:
		a->conf->metrics.features = true;
		return 0;
	case VS_CMD_EXPORTER_OPT_TLS_CERT:
		file = &a->cert;
		break;
	case VS_CMD_EXPORTER_OPT_TLS_KEY:
		file = &a->key;
		break;
	default:
		file = &a->auth;
		break;
	}
	if (!value[0]) {
		snprintf(msg, len, "--%s is empty", opt->name);
		return -1;
	}
	*file = value;
	return 0;
}

static const struct vs_args_spec vs_cmd_exporter_spec = {
	.name = "exporter",
	.opts = vs_cmd_exporter_opts,
	.set = vs_cmd_exporter_set,
};

/* @path's contents, NUL-terminated, or NULL with the sentence in @msg. */
static char *vs_cmd_read_file(const char *opt, const char *path, char *msg,
			      size_t len)
{
	size_t n = 0, got;
	char *buf;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		snprintf(msg, len, "%s: cannot read %s: %s", opt, path,
			 strerror(errno));
		return NULL;
	}
	buf = malloc(VS_CMD_HTTP_FILE_MAX + 1);
	while (buf && (got = fread(buf + n, 1, VS_CMD_HTTP_FILE_MAX + 1 - n, f)) > 0)
		n += got;
	if (!buf || ferror(f) || n > VS_CMD_HTTP_FILE_MAX) {
		snprintf(msg, len, "%s: cannot read %s: %s", opt, path,
			 !buf ? "out of memory" : n > VS_CMD_HTTP_FILE_MAX ?
			 "larger than 1 MiB" : strerror(errno));
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/*
 * Read the files the command line names into @conf: 0, or -1 with the
 * sentence in @msg (a usage mistake when @usage is set).
 */
static int vs_cmd_exporter_files(const struct vs_cmd_exporter_args *a,
				 struct vs_cmd_exporter_conf *conf,
				 char **cert, char **key, char **auth,
				 bool *usage, char *msg, size_t len)
{
	char *nl;

	*usage = !a->cert != !a->key;
	if (*usage) {
		snprintf(msg, len, "--tls-cert and --tls-key go together: give both or neither");
		return -1;
	}
	if (a->cert) {
		*cert = vs_cmd_read_file("--tls-cert", a->cert, msg, len);
		*key = *cert ? vs_cmd_read_file("--tls-key", a->key, msg, len) : NULL;
		if (!*key)
			return -1;
		conf->tls_cert = *cert;
		conf->tls_key = *key;
	}
	if (a->auth) {
		*auth = vs_cmd_read_file("--basic-auth-file", a->auth, msg, len);
		if (!*auth)
			return -1;
		nl = strpbrk(*auth, "\r\n");
		if (nl)
			*nl = '\0';
		if (!strchr(*auth, ':') || **auth == ':') {
			snprintf(msg, len,
				 "--basic-auth-file: the first line of %s must be USER:PASSWORD",
				 a->auth);
			return -1;
		}
		conf->basic_auth = *auth;
	}
	return 0;
}

int vs_cmd_exporter_main(int argc, char **argv, const struct vs_backend *be,
			 FILE *out, FILE *err)
{
	struct vs_cmd_exporter_conf conf = { .log = err };
	struct vs_cmd_exporter_args a = {
		.conf = &conf,
		.listen = VS_CMD_EXPORTER_LISTEN,
	};
	char *cert = NULL, *key = NULL, *auth = NULL;
	char msg[2 * VS_MSG_MAX], prog[128];
	int c, sig, status = VS_EXIT_ERROR;
	struct vs_cmd_exporter *x;
	struct sockaddr_storage ss;
	sigset_t set, old;
	socklen_t sslen;
	bool usage;

	if (!vs_args_begin(&vs_cmd_exporter_spec, argc, argv, &a,
			   vs_cmd_exporter_usage, out, err, &c))
		return c;
	vs_cmd_prog(argc ? argv[0] : NULL, "exporter", prog, sizeof(prog));
	if (vs_cmd_listen_parse(a.listen, &ss, &sslen, msg, sizeof(msg)) < 0) {
		usage = true;
		goto fail;
	}
	if (vs_cmd_exporter_files(&a, &conf, &cert, &key, &auth, &usage, msg,
				  sizeof(msg)) < 0)
		goto fail;

	/* blocked before the server's thread starts, so it inherits that */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	x = vs_cmd_exporter_start(be, &conf, (struct sockaddr *)&ss, sslen,
				  a.listen, msg, sizeof(msg));
	if (!x) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		usage = false;
		goto fail;
	}
	fprintf(err, "virtio-status exporter: serving %s://%s/metrics%s\n",
		cert ? "https" : "http", a.listen,
		auth ? " (basic auth)" : "");
	fflush(err);
	while (sigwait(&set, &sig))
		;
	vs_cmd_exporter_stop(x);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	fprintf(err, "virtio-status exporter: stopped by %s\n",
		sig == SIGTERM ? "SIGTERM" : "SIGINT");
	status = VS_EXIT_OK;
	goto free;

fail:
	if (usage) {
		fprintf(err, "%s\nTry '%s --help' for more information.\n", msg,
			prog);
		status = VS_EXIT_USAGE;
	} else {
		fprintf(err, "%s\n", msg);
	}
free:
	free(cert);
	free(key);
	free(auth);
	return status;
}
