// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. --decode and --raw-and-decoded: feature bits
 * and status flags by name, on the command line and over QMP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "features.h"

static char *member_text(struct json_object *o, const char *key)
{
	struct json_object *m = member(o, key);

	return m ? vs_json_text(m, false) : strdup("(absent)");
}

#define D_VERSION_1	"VIRTIO_F_VERSION_1: speaks virtio 1.0 or later (not legacy)"
#define D_CSUM		"VIRTIO_NET_F_CSUM: device checksums partially checksummed packets"
#define D_GUEST_CSUM	"VIRTIO_NET_F_GUEST_CSUM: driver accepts partially checksummed packets"
#define D_CTRL_OFFL	"VIRTIO_NET_F_CTRL_GUEST_OFFLOADS: receive offloads switchable at run time"
#define D_RSS		"VIRTIO_NET_F_RSS: receive side scaling"
#define D_SPEED		"VIRTIO_NET_F_SPEED_DUPLEX: link speed and duplex in the config space"
#define D_ACK		"VIRTIO_CONFIG_S_ACKNOWLEDGE: the guest noticed the device"
#define D_DRIVER	"VIRTIO_CONFIG_S_DRIVER: the guest has a driver for it"
#define D_DRIVER_OK	"VIRTIO_CONFIG_S_DRIVER_OK: the driver is ready, the device is live"
#define D_FEAT_OK	"VIRTIO_CONFIG_S_FEATURES_OK: feature negotiation is complete"
#define D_RESET		"VIRTIO_CONFIG_S_NEEDS_RESET: the device hit an error and needs a reset"
#define D_FAILED	"VIRTIO_CONFIG_S_FAILED: the driver gave up on the device"

TEST(decoded_net_exact)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_CTRL_OFFL
		    "\", \""
		    D_RSS
		    "\"]}");
	free(s);
	s = member_text(o, "host-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_GUEST_CSUM
		    "\", \""
		    D_CTRL_OFFL
		    "\", \""
		    D_RSS
		    "\", \""
		    D_SPEED
		    "\"]}");
	free(s);
	/* a guest has no backend: nothing set, "dev-features" still there */
	s = member_text(o, "backend-features");
	EXPECT_TEXT(s, "{\"transports\": [], \"dev-features\": []}");
	free(s);
	s = member_text(o, "status");
	EXPECT_TEXT(s,
		    "{\"statuses\": [\""
		    D_ACK
		    "\", \""
		    D_DRIVER
		    "\", \""
		    D_DRIVER_OK
		    "\", \""
		    D_FEAT_OK
		    "\"]}");
	free(s);
	/* everything else as before */
	EXPECT_EQ(3, json_object_get_int(member(o, "num-vqs")));
	EXPECT_EQ(20, json_object_object_length(o));
	json_object_put(o);
}

TEST(decoded_unknown_bits)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	/* net: bits 4 and 51 have no name; 40 is RING_RESET */
	d.driver_features = BIT_ULL(51) | BIT_ULL(40) | BIT_ULL(4);
	/* rng (id 4) has no device bits at all: 0 and 58 are unknown */
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\"VIRTIO_F_RING_RESET: single virtqueues can be reset\"], \"dev-features\": [], \"unknown-dev-features\": 2251799813685264}");
	free(s);
	json_object_put(o);

	d.id = 4;
	d.driver_features = BIT_ULL(58) | BIT_ULL(30) | BIT_ULL(0);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VHOST_USER_F_PROTOCOL_FEATURES: vhost-user protocol feature negotiation\"], \"unknown-dev-features\": 288230376151711745, \"unknown-dev-features-hex\": \"0x0400000000000001\"}");
	free(s);
	json_object_put(o);

	/* an id no table knows (and past 16 bits) never crashes */
	d.id = 0x12345;
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VHOST_USER_F_PROTOCOL_FEATURES: vhost-user protocol feature negotiation\"], \"unknown-dev-features\": 288230376151711745, \"unknown-dev-features-hex\": \"0x0400000000000001\"}");
	free(s);
	json_object_put(o);
}

TEST(decoded_status_reset_failed_unknown)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	d.status = 0xc0 | 0x30 | 0x01;
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "status");
	EXPECT_TEXT(s,
		    "{\"statuses\": [\""
		    D_ACK
		    "\", \""
		    D_RESET
		    "\", \""
		    D_FAILED
		    "\"], \"unknown-statuses\": 48}");
	free(s);
	EXPECT_FALSE(json_object_get_boolean(member(o, "started")));
	json_object_put(o);

	d.status = 0;
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "status");
	EXPECT_TEXT(s, "{\"statuses\": []}");
	free(s);
	json_object_put(o);
}

TEST(decoded_vhost_with_backed_device_table)
{
	struct json_object *o, *dev;
	struct vs_nl_dev d;
	char *s;

	fill_vhost(&d);
	d.vhost.acked_features = BIT_ULL(32) | BIT_ULL(26) | BIT_ULL(0);
	d.vhost.backend_features = BIT_ULL(1) | BIT_ULL(3) | BIT_ULL(20);
	o = vs_json_vhost_status_mode(&d, FSET(BIT_ULL(63) | BIT_ULL(26) | 1, 0),
				      VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \"VHOST_F_LOG_ALL: dirty page logging for live migration\"]}");
	free(s);
	s = member_text(o, "backend-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VHOST_BACKEND_F_IOTLB_MSG_V2: IOTLB messages in the v2 format\", \"VHOST_BACKEND_F_IOTLB_ASID: IOTLB messages carry an address space id\"], \"unknown-dev-features\": 1048576}");
	free(s);
	s = member_text(o, "status");
	EXPECT_TEXT(s, "{\"statuses\": []}");
	free(s);
	dev = member(o, "vhost-dev");
	ASSERT_NE(NULL, dev);
	s = member_text(dev, "features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\""
		    D_CSUM
		    "\", \"VHOST_F_LOG_ALL: dirty page logging for live migration\", \""
		    D_SPEED
		    "\"]}");
	free(s);
	s = member_text(dev, "acked-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \"VHOST_F_LOG_ALL: dirty page logging for live migration\"]}");
	free(s);
	s = member_text(dev, "protocol-features");
	EXPECT_TEXT(s, "{\"protocols\": []}");
	free(s);
	/* the plain members stay numbers */
	EXPECT_EQ(2, json_object_get_int(member(dev, "nvqs")));
	json_object_put(o);

	/* vhost-vsock: bit 1 is the vsock table's, not net's */
	d.id = 19;
	d.vhost.acked_features = BIT_ULL(1);
	o = vs_json_vhost_status_mode(&d, FSET(0, 0), VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VIRTIO_VSOCK_F_SEQPACKET: seqpacket sockets\"]}");
	free(s);
	json_object_put(o);
}

TEST(raw_and_decoded_extras)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	d.device_features = BIT_ULL(63) | 1;
	d.status = 0x0f | 0x20;
	o = vs_json_status_mode(&d, VS_JSON_RAW_AND_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "host-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_SPEED
		    "\"], \"raw\": 9223372036854775809, \"raw-hex\": \"0x8000000000000001\", \"symbols\": [\"VIRTIO_NET_F_CSUM\", \"VIRTIO_NET_F_SPEED_DUPLEX\"]}");
	free(s);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_CTRL_OFFL
		    "\", \""
		    D_RSS
		    "\"], \"raw\": 1152921508901814277, \"raw-hex\": \"0x1000000100000005\", \"symbols\": [\"VIRTIO_F_VERSION_1\", \"VIRTIO_NET_F_CSUM\", \"VIRTIO_NET_F_CTRL_GUEST_OFFLOADS\", \"VIRTIO_NET_F_RSS\"]}");
	free(s);
	s = member_text(o, "status");
	EXPECT_TEXT(s,
		    "{\"statuses\": [\""
		    D_ACK
		    "\", \""
		    D_DRIVER
		    "\", \""
		    D_DRIVER_OK
		    "\", \""
		    D_FEAT_OK
		    "\"], \"unknown-statuses\": 32, \"raw\": 47, \"raw-hex\": \"0x000000000000002f\", \"symbols\": [\"VIRTIO_CONFIG_S_ACKNOWLEDGE\", \"VIRTIO_CONFIG_S_DRIVER\", \"VIRTIO_CONFIG_S_DRIVER_OK\", \"VIRTIO_CONFIG_S_FEATURES_OK\"]}");
	free(s);
	json_object_put(o);

	/* vhost protocol features: raw-hex too */
	fill_vhost(&d);
	o = vs_json_vhost_dev_mode(&d, FSET(7, 0), VS_JSON_RAW_AND_DECODED);
	s = member_text(o, "protocol-features");
	EXPECT_TEXT(s,
		    "{\"protocols\": [], \"raw\": 0, \"raw-hex\": \"0x0000000000000000\", \"symbols\": []}");
	free(s);
	json_object_put(o);
}

TEST(cli_decode_options)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char msg[VS_MSG_MAX];
	struct vs_cmd_opts o;
	char *out, *err;

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-status", "--path",
			   "virtio0", "--decode"));
	EXPECT_EQ(VS_JSON_DECODED, o.mode);
	ASSERT_EQ(0, PARSE(&o, msg, "--raw-and-decoded", "x-query-virtio-status",
			   "--path", "virtio0", "--decode"));
	EXPECT_EQ(VS_JSON_RAW_AND_DECODED, o.mode);
	/* where they do not belong: args_refused */

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0",
				  "--decode")));
	EXPECT_NE(NULL, strstr(out, "\"status\": {\"statuses\": [\"" D_ACK "\""));
	EXPECT_NE(NULL, strstr(out, "\"num-vqs\": 3, "));
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0",
				  "--raw-and-decoded")));
	EXPECT_NE(NULL, strstr(out, "\"raw-hex\": \"0x9000000100000007\""));
	free(out);
	free(err);

	/* without the options: the raw numbers, unchanged */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_NE(NULL, strstr(out, "\"status\": 15, "));
	free(out);
	free(err);
	fake_free(f);
}

TEST(qmp_decode_argument)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": true}}");
	EXPECT_NE(NULL, strstr(s, "\"status\": {\"statuses\": [\"" D_ACK "\""));
	EXPECT_EQ(NULL, strstr(s, "raw-hex"));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"decode\": true, \"path\": \"virtio0\", \"raw-and-decoded\": true}}");
	EXPECT_NE(NULL, strstr(s, "\"raw-hex\": \"0x000000000000000f\""));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": false}}");
	EXPECT_NE(NULL, strstr(s, "\"status\": 15, "));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": 1}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for 'decode', expected: boolean\"}}");
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decoded\": true}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'decoded' is unexpected\"}}");
	free(s);

	s = qmp(&be, "{\"execute\": \"x-query-virtio\", \"arguments\": {\"decode\": true}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'decode' is unexpected\"}}");
	free(s);

	s = qmp(&be, "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"decode\": true}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'path' is missing\"}}");
	free(s);
	fake_free(f);
}

#define D_GUEST_UDP	"VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO: driver receives segmentation offload inside UDP tunnels"
#define D_HOST_UDP_CSUM	"VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM: device takes UDP tunnel GSO with the outer checksum to complete"

TEST(decoded_bits_above_63)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	/* 65 and 68 have names, 64 and 70 do not */
	fill_dev128(&d, BIT_ULL(1) | BIT_ULL(4) | BIT_ULL(0) | BIT_ULL(6), 0);
	d.driver_features = BIT_ULL(32) | BIT_ULL(4);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\"" D_VERSION_1 "\"], \"dev-features\": [\""
		    D_GUEST_UDP "\", \"" D_HOST_UDP_CSUM
		    "\"], \"unknown-dev-features\": 16, \"unknown-dev-features2\": 65}");
	free(s);
	/* nothing unnamed above 63: no unknown-dev-features2 */
	s = member_text(o, "host-features");
	EXPECT_EQ(NULL, strstr(s, "unknown-dev-features2"));
	free(s);
	json_object_put(o);

	/* only unnamed high bits: unknown-dev-features left out, 2 there */
	d.driver_features = 0;
	d.driver_features_hi = BIT_ULL(63);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [], \"unknown-dev-features2\": 9223372036854775808, \"unknown-dev-features2-hex\": \"0x8000000000000000\"}");
	free(s);
	json_object_put(o);

	/* raw-and-decoded: raw/raw-hex the low word, raw-full all of it */
	fill_dev128(&d, BIT_ULL(1), 0);
	d.driver_features = 1;
	o = vs_json_status_mode(&d, VS_JSON_RAW_AND_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"" D_CSUM "\", \"" D_GUEST_UDP
		    "\"], \"raw\": 1, \"raw-hex\": \"0x0000000000000001\", \"raw-full\": \"0x00000000000000020000000000000001\", \"symbols\": [\"VIRTIO_NET_F_CSUM\", \"VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO\"]}");
	free(s);
	/* no high bit: no raw-full */
	s = member_text(o, "host-features");
	EXPECT_EQ(NULL, strstr(s, "raw-full"));
	EXPECT_NE(NULL, strstr(s, "\"raw-hex\": \"0x9000000100000007\""));
	free(s);
	json_object_put(o);

	/* vhost: the acked set decoded whole */
	fill_vhost(&d);
	d.vhost.acked_features_hi = BIT_ULL(3);
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI);
	o = vs_json_vhost_status_mode(&d, FSET(0, BIT_ULL(3)), VS_JSON_DECODED);
	s = member_text(member(o, "vhost-dev"), "acked-features");
	EXPECT_NE(NULL, strstr(s, "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO: "));
	free(s);
	s = member_text(o, "host-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO: device takes segmentation offload inside UDP tunnels\"]}");
	free(s);
	json_object_put(o);
}
