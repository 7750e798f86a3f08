// SPDX-License-Identifier: GPL-2.0-or-later
/* The benchmark programs' shared figures: see bench.h. */
#define _GNU_SOURCE
#include "bench.h"
#include <ctrmap/ctrmap.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

void bench_add(struct bench_fig *f, double value)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		f->v = realloc(f->v, f->cap * sizeof(*f->v));
		if (!f->v) {
			perror("bench_add");
			exit(2);
		}
	}
	f->v[f->n++] = value;
}

void bench_skip(struct bench_fig *f, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0) {
		perror("bench_skip");
		exit(2);
	}
	va_end(ap);
	bench_free(f);
	f->skipped = why;
}

const char *bench_ref(const struct bench_fig *ref)
{
	return ref->skipped || !ref->n ? NULL : ref->name;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median_of(double *v, int n)
{
	if (n < 1)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double bench_median(struct bench_fig *f)
{
	return bench_median_of(f->v, f->n);
}

/* A JSON string; the names and methods are plain text, quotes escaped. */
static void json_str(FILE *out, const char *s)
{
	if (!s) {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= ' ')
			fputc(*s, out);
	}
	fputc('"', out);
}

/*
 * A JSON number: some four significant digits, no exponent (from 1000 up,
 * the integer part's digits) unless the magnitude is below 1e-6 or from
 * 1e15 up; null if @v is not finite (JSON has no inf or nan).
 */
static void json_num(FILE *out, double v)
{
	double a = v < 0 ? -v : v;
	int d = 3;

	if (!isfinite(v)) {
		fputs("null", out);
		return;
	}
	if (a == 0) {
		fputs("0", out);
		return;
	}
	if (a < 1e-6 || a >= 1e15) {
		fprintf(out, "%.3e", v);
		return;
	}
	for (; a >= 10 && d > 0; a /= 10)
		d--;
	for (; a < 1; a *= 10)
		d++;
	fprintf(out, "%.*f", d, v);
}

void bench_print(FILE *out, struct bench_fig *f)
{
	double med;

	if (f->skipped) {
		fprintf(out, "# %s: skipped: %s\n", f->name, f->skipped);
		fflush(out);
		return;
	}
	if (!f->n)
		return;
	med = bench_median(f);	/* sorts */
	fputs("bench: {\"group\": ", out);
	json_str(out, f->group);
	fputs(", \"name\": ", out);
	json_str(out, f->name);
	fputs(", \"min\": ", out);
	json_num(out, f->v[0]);
	fputs(", \"median\": ", out);
	json_num(out, med);
	fputs(", \"max\": ", out);
	json_num(out, f->v[f->n - 1]);
	fputs(", \"unit\": ", out);
	json_str(out, f->unit);
	fputs(", \"reference\": ", out);
	json_str(out, f->reference);
	fprintf(out, ", \"runs\": %d, \"method\": ", f->n);
	json_str(out, f->method);
	fputs("}\n", out);
	fflush(out);
}

void bench_free(struct bench_fig *f)
{
	free(f->v);
	free(f->skipped);
	f->v = NULL;
	f->skipped = NULL;
	f->n = f->cap = 0;
}

bool bench_pins(long *acquired, long *released)
{
	char line[256];
	bool exact;
	FILE *f;

	f = fopen("/proc/sys/vm/stat_refresh", "w");
	exact = f && fputs("1", f) >= 0;
	if (f && fclose(f))
		exact = false;
	*acquired = *released = -1;
	f = fopen("/proc/vmstat", "r");
	if (!f) {
		fprintf(stderr, "%s: /proc/vmstat: %s\n",
			program_invocation_short_name, strerror(errno));
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "nr_foll_pin_acquired %ld", acquired);
		sscanf(line, "nr_foll_pin_released %ld", released);
	}
	fclose(f);
	return exact;
}

void bench_die(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(err));
	exit(2);
}

uint32_t bench_attach_self(struct ctrmap_handle **h, size_t len, char **mem)
{
	CTRMAP_OPTS(ctrmap_attach_reply, reply);
	int err;

	*mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (*mem == MAP_FAILED)
		bench_die("mmap", errno);
	err = ctrmap_open(h);
	if (err)
		bench_die("ctrmap_open", -err);
	err = ctrmap_attach(*h, getpid(), (uintptr_t)*mem, len, &reply);
	if (err)
		bench_die("attach", -err);
	return reply.id;
}

void bench_put(const char *file, uint64_t v)
{
	char buf[32];
	int fd = open(file, O_WRONLY);
	int len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);

	if (fd < 0 || write(fd, buf, len) != len)
		bench_die(file, errno);
	close(fd);
}

uint64_t bench_get(const char *file)
{
	char buf[32] = "";
	int fd = open(file, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
		bench_die(file, errno);
	close(fd);
	return strtoull(buf, NULL, 0);
}
