/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal TAP producer for the unit tests: each check prints
 * "ok N - name" or "not ok N - name" with the reason as a "#" comment, and
 * done_testing() prints the plan "1..N" and returns the exit status (0 only
 * if every check passed). Runs directly or under prove.
 */
#ifndef CTRMAP_TAP_H
#define CTRMAP_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static bool __attribute__((format(printf, 4, 5), unused))
tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return pass;
}

/* ok(condition, "name", ...) */
#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* is_int(got, expected, "name", ...): integers, shown on failure */
#define is_int(got, want, ...)						\
	do {								\
		long long got_ = (got), want_ = (want);			\
		if (!tap_ok(got_ == want_, __FILE__, __LINE__, __VA_ARGS__)) \
			printf("#   got %lld, expected %lld\n", got_, want_); \
	} while (0)

/* is_str(got, expected, "name", ...): strings (NULL allowed) */
#define is_str(got, want, ...)						\
	do {								\
		const char *got_ = (got), *want_ = (want);		\
		bool same_ = got_ && want_ ? !strcmp(got_, want_)	\
					   : got_ == want_;		\
		if (!tap_ok(same_, __FILE__, __LINE__, __VA_ARGS__))	\
			printf("#   got:      '%s'\n#   expected: '%s'\n", \
			       got_ ? got_ : "(null)",			\
			       want_ ? want_ : "(null)");		\
	} while (0)

/* A check that could not run here, with the reason. */
static void __attribute__((unused))
skip(const char *name, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_count, name, why);
}

/*
 * A check that could not run because the environment is broken (what the
 * suite installs is missing, netlink cannot be opened): "make check"
 * (tests/lib/tap.bash) counts such a skip as a failure.
 */
static void __attribute__((unused))
skip_env(const char *name, const char *why)
{
	printf("ok %d - %s # SKIP environment: %s\n", ++tap_count, name, why);
}

static int __attribute__((unused)) done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* CTRMAP_TAP_H */
