// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-irq-probe: what the irq: source costs an interrupt, as the number
 * of irq bindings grows on another IRQ. As root, in a guest with ctrmap
 * and ctrmap_test_irqbench loaded (tests/bench/irq-probe runs it).
 *
 *   ctrmap-irq-probe -g RNG_IRQ [-n N] [-w READS] [-r ROUNDS] [-R REGIONS]
 *
 * Two ways to raise an interrupt, each timed in the same guest run:
 *   synthetic  ctrmap_test_irqbench raises IRQ T (one of its own, no
 *              device) N times through the kernel's interrupt path with
 *              interrupts off and times it (ktime): the interrupt path
 *              alone, the irq_handler_entry probe included
 *   hwrng      READS reads of 64 bytes from /dev/hwrng, each a request to
 *              the virtio-rng device answered by its interrupt RNG_IRQ:
 *              wall time per interrupt /proc/interrupts counted, device and
 *              wake-up included
 * in four states, in this order in every round:
 *   (a) no irq binding at all
 *   (b) one irq binding, on IRQ Q (ctrmap_test_irqbench's other IRQ, which
 *       never fires)
 *   (c) REGIONS x max_bindings irq bindings on Q: as many as the limits
 *       let REGIONS regions have (and max_bindings_per_user, root's too)
 *   (d) as (c), less two of Q's, plus one binding on T and one on RNG_IRQ:
 *       the interrupt measured has a binding of its own
 * A round's figure for a state is the median of 10 batches (N / 10
 * interrupts, READS / 10 reads each): the host's hiccups hit single
 * batches. Timings under TCG drift, so every round measures all four
 * states, and each state's cost is reported as its median over the rounds
 * and as the median over the rounds of its ratio to (a) in the same
 * round. The regions (one page each) belong to child processes, as many
 * regions each as the per-process limit allows. Nothing is asserted about
 * time.
 */
#define _GNU_SOURCE
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define DBG "/sys/kernel/debug/ctrmap_test_irqbench"
#define NSTATES 4
#define MAX_ROUNDS 101
#define MAX_KIDS 64
#define BATCHES 10

static const char *const state_name[NSTATES] = {
	"(a) no irq binding",
	"(b) 1 binding on another IRQ",
	"(c) all bindings on another IRQ",
	"(d) (c) + 1 on the IRQ measured",
};

static struct ctrmap_handle *h;
static unsigned int irq_t, irq_q, irq_rng;
static long nraise = 20000, nreads = 1000;
static long nregions = 64, per_kid, nbind, ntotal;
static pid_t kids[MAX_KIDS];
static int nkids;
static uint32_t *ids;
static char *mem;

/* One round's figures: ns per interrupt, and how many interrupts. */
struct sample {
	double syn_ns, rng_ns;
	long rng_irqs;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "ctrmap-irq-probe: %s: %s\n", what, strerror(err));
	if (h && ctrmap_errmsg(h) && *ctrmap_errmsg(h))
		fprintf(stderr, "ctrmap-irq-probe: kernel reports: %s\n",
			ctrmap_errmsg(h));
	exit(2);
}

static void kill_kids(void)
{
	int i;

	for (i = 0; i < nkids; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

static unsigned long read_ulong(const char *path)
{
	unsigned long v;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path, errno);
	if (fscanf(f, "%lu", &v) != 1)
		die(path, EINVAL);
	fclose(f);
	return v;
}

static void write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die(path, errno);
	fprintf(f, "%ld\n", v);
	if (fclose(f))
		die(path, errno);
}

/* Handler invocations of @irq so far, all CPUs. */
static long irq_count(unsigned int irq)
{
	char line[4096], *p, *end;
	long total = -1, v;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		die("/proc/interrupts", errno);
	while (fgets(line, sizeof(line), f)) {
		if (strtoul(line, &end, 10) != irq || *end != ':' ||
		    end == line)
			continue;
		total = 0;
		for (p = end + 1;; p = end) {
			v = strtol(p, &end, 10);
			if (end == p)
				break;
			total += v;
		}
		break;
	}
	fclose(f);
	if (total < 0)
		die("no such IRQ in /proc/interrupts", ENOENT);
	return total;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * ns per synthetic interrupt on T, interrupts off, measured in the kernel:
 * the median of BATCHES batches of nraise / BATCHES.
 */
static double synthetic(void)
{
	long n = (nraise + BATCHES - 1) / BATCHES;
	double v[BATCHES];
	int i;

	write_long(DBG "/raise0", n);	/* warm the caches */
	for (i = 0; i < BATCHES; i++) {
		write_long(DBG "/raise0", n);
		v[i] = (double)read_ulong(DBG "/raise0") / n;
	}
	return median(v, BATCHES);
}

/*
 * Wall ns per virtio-rng interrupt: the median of BATCHES batches of
 * nreads / BATCHES reads of /dev/hwrng; @irqs counts them all.
 */
static double hwrng(long *irqs)
{
	long n = (nreads + BATCHES - 1) / BATCHES, c0, c1, i;
	double v[BATCHES], t0, t1;
	char buf[64];
	int b, fd = open("/dev/hwrng", O_RDONLY);

	if (fd < 0)
		die("/dev/hwrng", errno);
	if (read(fd, buf, sizeof(buf)) < 0)	/* warm up */
		die("read /dev/hwrng", errno);
	*irqs = 0;
	for (b = 0; b < BATCHES; b++) {
		c0 = irq_count(irq_rng);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			if (read(fd, buf, sizeof(buf)) < 0)
				die("read /dev/hwrng", errno);
		t1 = now_ns();
		c1 = irq_count(irq_rng);
		if (c1 <= c0)
			die("reads of /dev/hwrng raised no interrupt", EIO);
		v[b] = (t1 - t0) / (c1 - c0);
		*irqs += c1 - c0;
	}
	close(fd);
	return median(v, BATCHES);
}

static void expect_bindings(uint32_t n)
{
	CTRMAP_OPTS(ctrmap_stats, st);
	int err = ctrmap_stats(h, &st);

	if (err)
		die("stats", -err);
	if (st.bindings != n) {
		fprintf(stderr, "ctrmap-irq-probe: %u bindings, %u expected\n",
			st.bindings, n);
		exit(2);
	}
}

static void bind_irq(uint32_t id, uint32_t index, unsigned int irq)
{
	CTRMAP_OPTS(ctrmap_source, src, .type = CTRMAP_SOURCE_IRQ, .irq = irq);
	int err = ctrmap_bind(h, id, index, &src);

	if (err)
		die("bind", -err);
}

static void unbind(uint32_t id, uint32_t index)
{
	int err = ctrmap_unbind(h, id, index);

	if (err)
		die("unbind", -err);
}

static void attach_all(void)
{
	CTRMAP_OPTS(ctrmap_attach_reply, r);
	long k;
	int err;

	for (k = 0; k < nregions; k++) {
		err = ctrmap_attach(h, kids[k / per_kid],
				    (uintptr_t)mem + (k % per_kid) * PAGE, PAGE,
				    &r);
		if (err)
			die("attach", -err);
		ids[k] = r.id;
	}
}

static void detach_all(void)
{
	long k;
	int err;

	for (k = 0; k < nregions; k++) {
		err = ctrmap_detach(h, ids[k]);
		if (err)
			die("detach", -err);
	}
}

static void measure(struct sample *s)
{
	usleep(200000);	/* let the deferred work of the last change run */
	s->syn_ns = synthetic();
	s->rng_ns = hwrng(&s->rng_irqs);
}

static void round_once(struct sample s[NSTATES])
{
	long k, i;

	attach_all();
	expect_bindings(0);
	measure(&s[0]);

	bind_irq(ids[0], 0, irq_q);
	expect_bindings(1);
	measure(&s[1]);

	for (k = 0; k < nregions; k++)
		for (i = k ? 0 : 1; i < nbind && k * nbind + i < ntotal; i++)
			bind_irq(ids[k], i, irq_q);
	expect_bindings(ntotal);
	measure(&s[2]);

	unbind(ids[0], 0);
	unbind(ids[0], 1);
	bind_irq(ids[0], 0, irq_t);
	bind_irq(ids[0], 1, irq_rng);
	expect_bindings(ntotal);
	measure(&s[3]);

	detach_all();
	expect_bindings(0);
}

struct summary {
	double median, min, max;
};

static struct summary summarize(double *v, int n)
{
	struct summary s;

	s.median = median(v, n);	/* sorts v */
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

static void report(struct sample (*s)[NSTATES], int rounds)
{
	double v[MAX_ROUNDS], rv[MAX_ROUNDS];
	struct summary a, r;
	int st, i, which;

	for (which = 0; which < 2; which++) {
		if (which == 0)
			printf("synthetic interrupt on IRQ %u, %ld per round (ns per interrupt, interrupts off):\n",
			       irq_t, nraise);
		else
			printf("virtio-rng interrupt, IRQ %u, %ld reads of /dev/hwrng per round (wall ns per interrupt):\n",
			       irq_rng, nreads);
		printf("  %-34s %10s %21s %8s %17s\n", "state", "median",
		       "min..max", "x/(a)", "x/(a) min..max");
		for (st = 0; st < NSTATES; st++) {
			for (i = 0; i < rounds; i++) {
				double x = which ? s[i][st].rng_ns :
						   s[i][st].syn_ns;
				double base = which ? s[i][0].rng_ns :
						      s[i][0].syn_ns;

				v[i] = x;
				rv[i] = x / base;
			}
			a = summarize(v, rounds);
			r = summarize(rv, rounds);
			printf("  %-34s %10.0f %10.0f..%-10.0f %8.2f %8.2f..%-8.2f\n",
			       state_name[st], a.median, a.min, a.max,
			       r.median, r.min, r.max);
		}
	}
}

int main(int argc, char **argv)
{
	static struct sample s[MAX_ROUNDS][NSTATES];
	CTRMAP_OPTS(ctrmap_stats, st);
	int opt, rounds = 11, i, err;

	while ((opt = getopt(argc, argv, "g:n:w:r:R:")) != -1) {
		switch (opt) {
		case 'g': irq_rng = strtoul(optarg, NULL, 0); break;
		case 'n': nraise = strtol(optarg, NULL, 0); break;
		case 'w': nreads = strtol(optarg, NULL, 0); break;
		case 'r': rounds = strtol(optarg, NULL, 0); break;
		case 'R': nregions = strtol(optarg, NULL, 0); break;
		default:
			goto usage;
		}
	}
	if (!irq_rng || nraise < 1 || nreads < 1 || rounds < 1 ||
	    rounds > MAX_ROUNDS || nregions < 1)
		goto usage;

	irq_t = read_ulong(DBG "/irq0");
	irq_q = read_ulong(DBG "/irq1");
	err = ctrmap_open(&h);
	if (err)
		die("ctrmap_open", -err);
	err = ctrmap_stats(h, &st);
	if (err)
		die("stats", -err);
	if (st.regions || st.bindings) {
		fprintf(stderr, "ctrmap-irq-probe: %u regions and %u bindings exist already: the run needs none\n",
			st.regions, st.bindings);
		return 2;
	}
	per_kid = st.max_regions_per_process;
	nbind = st.max_bindings;
	if (nbind < 2 || nbind > (long)((PAGE - 64) / 8)) {
		fprintf(stderr, "ctrmap-irq-probe: max_bindings %ld: needs 2 to %lu\n",
			nbind, (PAGE - 64) / 8);
		return 2;
	}
	ntotal = nregions * nbind;
	if (st.max_bindings_per_user &&
	    ntotal > st.max_bindings_per_user)
		ntotal = st.max_bindings_per_user;
	if (nregions > st.max_regions ||
	    (st.max_regions_per_user &&
	     nregions > st.max_regions_per_user) ||
	    (nregions + per_kid - 1) / per_kid > MAX_KIDS) {
		fprintf(stderr, "ctrmap-irq-probe: %ld regions: more than the limits allow\n",
			nregions);
		return 2;
	}

	mem = mmap(NULL, per_kid * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap", errno);
	ids = calloc(nregions, sizeof(*ids));
	if (!ids)
		die("calloc", ENOMEM);
	for (nkids = 0; nkids * per_kid < nregions; nkids++) {
		kids[nkids] = fork();
		if (kids[nkids] < 0)
			die("fork", errno);
		if (!kids[nkids]) {
			memset(mem, 1, per_kid * PAGE);	/* its own pages */
			pause();
			_exit(0);
		}
	}
	atexit(kill_kids);

	printf("IRQ %u measured (synthetic), IRQ %u (virtio-rng) measured, IRQ %u carries the bindings\n",
	       irq_t, irq_rng, irq_q);
	printf("%ld irq bindings in (c) and (d), over %ld regions (up to %ld each); %d rounds\n",
	       ntotal, nregions, nbind, rounds);
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns();

		round_once(s[i]);
		printf("round %d (%.1f s): synthetic ns/irq %.0f %.0f %.0f %.0f; hwrng ns/irq %.0f %.0f %.0f %.0f (%ld %ld %ld %ld interrupts)\n",
		       i + 1, (now_ns() - t0) / 1e9,
		       s[i][0].syn_ns, s[i][1].syn_ns, s[i][2].syn_ns,
		       s[i][3].syn_ns, s[i][0].rng_ns, s[i][1].rng_ns,
		       s[i][2].rng_ns, s[i][3].rng_ns, s[i][0].rng_irqs,
		       s[i][1].rng_irqs, s[i][2].rng_irqs, s[i][3].rng_irqs);
		fflush(stdout);
	}
	report(s, rounds);
	ctrmap_close(h);
	return 0;

usage:
	fprintf(stderr, "usage: ctrmap-irq-probe -g RNG_IRQ [-n N] [-w READS] [-r ROUNDS] [-R REGIONS]\n");
	return 2;
}
