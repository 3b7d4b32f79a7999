/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status unit tests: what every tests/test_*.c starts with, the
 * kselftest harness and the fake (fake.h), and the checks the files share.
 *
 * The harness keeps its list of tests in static variables and defines
 * some of its symbols in each file that includes it, so all the tests
 * must be one translation unit: virtio-status-test.c includes every
 * test_*.c. Each of those still includes what it uses, and the Makefile
 * compiles each alone too (-fsyntax-only), so that none leans on another.
 */
#ifndef VS_TEST_H
#define VS_TEST_H

#include "kselftest_harness.h"

#include "fake.h"

/* EXPECT_STREQ with the expected text last, so it can sit on a line of its own */
#define EXPECT_TEXT(seen, want)	EXPECT_STREQ(want, seen)

/* @in answered @want by a fresh serve session, negotiated or not */
#define EXPECT_SERVE(be, neg, in, want) do {			\
	char *_s = serve_answers(be, in, neg);			\
	EXPECT_TEXT(_s, want);					\
	free(_s);						\
} while (0)

#endif /* VS_TEST_H */
