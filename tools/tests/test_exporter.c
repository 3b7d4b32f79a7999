// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The exporter: its HTTP answers, and its
 * server, which recovers when the module comes back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "test.h"

#include "cmd_exporter.h"
#include "metrics.h"

/* --help, and a port somebody else has (the arguments refused: args_refused) */
TEST(exporter_help_and_port_in_use)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	char arg[64], want[256];
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;
	int fd;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("exporter", "-h")));
	EXPECT_EQ(0, strncmp(out,
			     "Usage: virtio-status exporter [--listen ADDR:PORT] [--collect.features]\n",
			     72));
	EXPECT_NE(NULL, strstr(out, "  --collect.features  "));
	free(out);
	free(err);

	/* a port somebody else listens on */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(fd, 1));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &slen));
	snprintf(arg, sizeof(arg), "--listen=127.0.0.1:%u", ntohs(sin.sin_port));
	snprintf(want, sizeof(want),
		 "cannot listen on 127.0.0.1:%u: Address already in use (another exporter, or another server, has that port)\n",
		 ntohs(sin.sin_port));
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("exporter", arg)));
	EXPECT_TEXT(err, want);
	EXPECT_TEXT(out, "");
	free(out);
	free(err);
	close(fd);
	EXPECT_EQ(0, f->dumps);
	fake_free(f);
}

/* The status vs_cmd_exporter_answer() gives @method @url; 0 if it failed. */
static unsigned int status_of(const struct vs_backend *be, const char *method,
			      const char *url)
{
	struct vs_cmd_http_answer a;

	if (vs_cmd_exporter_answer(be, NULL, method, url, &a) < 0)
		return 0;
	free(a.body);
	return a.status;
}

TEST(exporter_answers)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_cmd_http_answer a;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI_PATH, "virtio-net");
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, NULL, "GET", "/metrics", &a));
	EXPECT_EQ(200, a.status);
	EXPECT_TEXT(a.type, "text/plain; version=0.0.4; charset=utf-8");
	EXPECT_EQ(NULL, a.allow);
	EXPECT_EQ(strlen(a.body), a.len);
	EXPECT_TRUE(has_line(a.body, "virtio_status_scrape_success 1"));
	free(a.body);
	EXPECT_EQ(1, f->dumps);
	EXPECT_EQ(200, status_of(&be, "HEAD", "/metrics"));
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, NULL, "POST", "/metrics", &a));
	EXPECT_EQ(405, a.status);
	EXPECT_TEXT(a.allow, "GET, HEAD");
	free(a.body);
	EXPECT_EQ(405, status_of(&be, "DELETE", "/"));
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, NULL, "GET", "/metrics/", &a));
	EXPECT_EQ(404, a.status);
	EXPECT_TEXT(a.body, "Not found: this exporter serves /metrics\n");
	free(a.body);
	EXPECT_EQ(404, status_of(&be, "POST", "/nope"));
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, NULL, "GET", "/", &a));
	EXPECT_EQ(200, a.status);
	EXPECT_TEXT(a.type, "text/html; charset=utf-8");
	EXPECT_NE(NULL, strstr(a.body, "<a href=\"/metrics\">"));
	free(a.body);
	/* only GET and HEAD of /metrics scrape */
	EXPECT_EQ(2, f->dumps);
	fake_free(f);
}

/* One HTTP/1.0 request to 127.0.0.1:@port; the whole answer, or NULL. */
static char *http_request(unsigned int port, const char *request)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 60 };
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (!buf || fd < 0)
		goto fail;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    write(fd, request, strlen(request)) != (ssize_t)strlen(request))
		goto fail;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *p = realloc(buf, cap *= 2);

			if (!p)
				goto fail;
			buf = p;
		}
	}
	if (n < 0)
		goto fail;
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

TEST(exporter_http_recovers)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct vs_backend fb, be = { .ops = &flaky_ops };
	struct flaky k = { .f = fake_new(&fb) };
	struct vs_cmd_exporter_conf conf = { .metrics.features = true };
	struct vs_cmd_exporter *x;
	char msg[VS_MSG_MAX], *log = NULL;
	size_t loglen = 0;
	unsigned int port;
	char *r;

	ASSERT_NE(NULL, k.f);
	be.ctx = &k;
	conf.log = open_memstream(&log, &loglen);
	ASSERT_NE(NULL, conf.log);
	fake_add(k.f, PCI_PATH, "virtio-net");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	x = vs_cmd_exporter_start(&be, &conf, (struct sockaddr *)&sin, sizeof(sin),
				  "127.0.0.1:0", msg, sizeof(msg));
	ASSERT_NE(NULL, x) {
		TH_LOG("%s", msg);
	}
	port = vs_cmd_exporter_port(x);
	ASSERT_NE(0, port);

	r = http_request(port, "GET /metrics HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, strncmp(r + 8, " 200 OK\r\n", 9));
	EXPECT_NE(NULL, strstr(r, "\r\nContent-Type: " VS_METRICS_CONTENT_TYPE "\r\n"));
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_success 1"));
	EXPECT_EQ(1, count_lines(strstr(r, "\r\n\r\n"), "virtio_status_device_info{"));
	/* --collect.features */
	EXPECT_EQ(4, count_lines(strstr(r, "\r\n\r\n"), "virtio_status_device_guest_feature{"));
	free(r);

	/* the module goes away: still 200, scrape_success 0 */
	vs_err_set(&k.dump_err, VS_ERR_NOFAMILY, ENOENT, NULL);
	r = http_request(port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 200 OK\r\n"));
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_success 0"));
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_error_info{reason=\"module_not_loaded\"} 1"));
	EXPECT_EQ(NULL, strstr(r, "virtio_status_device_info{"));
	free(r);
	/* logged once, not at every scrape */
	r = http_request(port, "GET /metrics HTTP/1.0\r\n\r\n");
	free(r);

	/* and comes back */
	vs_err_clear(&k.dump_err);
	r = http_request(port, "GET /metrics HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_success 1"));
	EXPECT_NE(NULL, strstr(r, "virtio_status_device_info{"));
	free(r);
	EXPECT_EQ(4, k.dumps);

	r = http_request(port, "POST /metrics HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 405 Method Not Allowed\r\n"));
	EXPECT_NE(NULL, strstr(r, "\r\nAllow: GET, HEAD\r\n"));
	free(r);
	r = http_request(port, "GET /nothing HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 404 Not Found\r\n"));
	free(r);
	r = http_request(port, "HEAD /metrics HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 200 OK\r\n"));
	EXPECT_EQ(NULL, strstr(r, "virtio_status_scrape_success"));
	free(r);
	r = http_request(port, "GET / HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, "<a href=\"/metrics\">/metrics</a>"));
	free(r);
	EXPECT_EQ(5, k.dumps);

	vs_cmd_exporter_stop(x);
	fclose(conf.log);
	EXPECT_TEXT(log,
		    "virtio-status exporter: " WANT_NOMOD
		    "; answered virtio_status_scrape_success 0\n"
		    "virtio-status exporter: scrapes read everything again\n");
	free(log);
	/* the port is free again */
	EXPECT_EQ(NULL, http_request(port, "GET / HTTP/1.0\r\n\r\n"));
	fake_free(k.f);
}

/* What a scrape says for the log: nothing, a failed dump, unread queues */
TEST(exporter_answer_says_why)
{
	static const struct vs_metrics_opts features = { .features = true };
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_cmd_http_answer a;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI_PATH, "virtio-net");
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, NULL, "GET", "/metrics", &a));
	EXPECT_EQ(1, a.scrape);
	EXPECT_TEXT(a.why, "");
	/* the defaults: no feature bits */
	EXPECT_EQ(0, count_lines(a.body, "virtio_status_device_guest_feature{"));
	free(a.body);
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, &features, "GET", "/metrics", &a));
	EXPECT_EQ(4, count_lines(a.body, "virtio_status_device_guest_feature{"));
	free(a.body);

	vs_err_sys(&f->health_err, EOPNOTSUPP, NULL);
	ASSERT_EQ(0, vs_cmd_exporter_answer(&be, NULL, "GET", "/metrics", &a));
	EXPECT_EQ(200, a.status);
	EXPECT_EQ(1, a.scrape);
	EXPECT_EQ(0, strncmp(a.why, "queue health not read: ", 23));
	EXPECT_TRUE(has_line(a.body,
			     "virtio_status_queue_health_read{reason=\"module_too_old\"} 0"));
	free(a.body);
	EXPECT_EQ(3, f->health_dumps);
	fake_free(f);
}
