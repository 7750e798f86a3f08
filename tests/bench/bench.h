/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the benchmark programs share: a figure's per-batch values, and the
 * one line that reports it, which tests/bench/report turns into
 * build/bench/results.json:
 *
 *   bench: {"group": G, "name": N, "min": X, "median": Y, "max": Z,
 *           "unit": U, "reference": R|null, "runs": K, "method": M}
 *
 * min, median and max are over the K batches; "reference" names another
 * figure of the same run (the report divides the medians). The numbers
 * have some four significant digits and no exponent (all the digits of
 * the integer part from 1000 up), unless below 1e-6 or from 1e15 up; a
 * value that is not finite is null.
 *
 * A figure that cannot be measured is skipped with a reason instead, and
 * reported as "# N: skipped: WHY".
 */
#ifndef CTRMAP_BENCH_H
#define CTRMAP_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct ctrmap_handle;

struct bench_fig {
	const char *group, *name, *unit;
	const char *reference;	/* a figure's name, or NULL */
	const char *method;	/* how it is measured, one line */
	char *skipped;		/* why it is not measured (bench_skip), or NULL */
	double *v;
	int n, cap;
};

#define BENCH_FIG(g, n, u, ref, how) \
	{ .group = (g), .name = (n), .unit = (u), .reference = (ref), .method = (how) }

/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);
/* One batch's value. */
void bench_add(struct bench_fig *f, double value);
/*
 * @f cannot be measured, for the reason printf() makes of @fmt: its values
 * so far are dropped, and bench_print() reports the reason. A later call
 * replaces the reason.
 */
void bench_skip(struct bench_fig *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * @ref's name as a figure's reference if @ref is reported with a value,
 * NULL if it was skipped or has none: a line then names no figure that
 * is not in the output.
 */
const char *bench_ref(const struct bench_fig *ref);
/*
 * The figure's "bench:" line on @out; "# NAME: skipped: WHY" if it was
 * skipped; nothing if it has no value.
 */
void bench_print(FILE *out, struct bench_fig *f);
/* The median of @f's values so far (0 if none). */
double bench_median(struct bench_fig *f);
/* A number written to, or read from, a (debugfs) file; exits on failure. */
void bench_put(const char *file, uint64_t v);
uint64_t bench_get(const char *file);
/* "PROGRAM: WHAT: strerror(ERR)" on standard error, then exit status 2. */
void bench_die(const char *what, int err);
/*
 * @len bytes of this process's own memory (mapped, populated), attached as
 * a region through a new handle in *@h; the mapping in *@mem. Returns the
 * region's id; exits (status 2) saying why on failure.
 */
uint32_t bench_attach_self(struct ctrmap_handle **h, size_t len, char **mem);
/* The median of @n values, which it sorts (0 if none). */
double bench_median_of(double *v, int n);
/* Drops the values and the reason for a skip: @f is as new. */
void bench_free(struct bench_fig *f);

/*
 * /proc/vmstat's nr_foll_pin_acquired and nr_foll_pin_released (-1 each
 * if it has no such line), after a write of 1 to /proc/sys/vm/stat_refresh
 * has folded the per-CPU counts in. True if that write went through;
 * false if the counts may lag (each CPU keeps up to its vmstat threshold
 * unfolded). Pins taken and released over a run must move alike. Exits
 * with status 2 if /proc/vmstat cannot be read.
 */
bool bench_pins(long *acquired, long *released);

#endif
