// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-irq-probe: what the irq: source costs an interrupt, as the number
 * of irq bindings grows on another IRQ, and what the BPF programs a user
 * would write instead cost it. As root, in a guest with ctrmap and
 * ctrmap_test_irqbench loaded, BPF and tracefs available
 * (tests/bench/irq-probe runs it).
 *
 *   ctrmap-irq-probe -g RNG_IRQ [-t] [-n N] [-w READS] [-r ROUNDS] [-R REGIONS]
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
 * in nine states, measured in the order a, g, h, i, b, c, d, e, f in every
 * round ((a) and its three twins that count T, one way each, first and
 * side by side):
 *   (a) no irq binding at all: ctrmap's probe is not on the tracepoint
 *   (g) as (a), no ctrmap binding at all, with the BPF peer on the classic
 *       tracepoint attached: count_irq of irq-count.bpf.c on
 *       irq/irq_handler_entry, counting T (and only T) into entry COUNT_TP
 *       of a BPF_F_MMAPABLE array map, which this program mmaps. What a
 *       tracepoint program costs, the perf trace record the kernel builds
 *       for it on every interrupt included.
 *   (h) as (g), with the raw-tracepoint peer attached instead:
 *       count_irq_raw on raw_tp/irq_handler_entry, counting T into entry
 *       COUNT_RAW of the same map. Registered on the tracepoint directly,
 *       as ctrmap's probe is, no record built: the strongest BPF peer.
 *   (i) as (a), plus exactly one irq binding, on T, and nothing else: the
 *       strict ctrmap twin of (g) and (h), ctrmap's probe on the
 *       tracepoint with a single binding in its table, T's
 *   (b) one irq binding, on IRQ Q (ctrmap_test_irqbench's other IRQ, which
 *       never fires)
 *   (c) 10 irq bindings on Q
 *   (d) 1000 irq bindings on Q
 *   (e) REGIONS x max_bindings irq bindings on Q: as many as the limits
 *       let REGIONS regions have (and max_bindings_per_user, root's too;
 *       more than 1000)
 *   (f) as (e), less two of Q's, plus one binding on T and one on RNG_IRQ:
 *       the interrupt measured has a binding of its own among many
 * Both BPF programs are loaded once (libbpf, its bpftool skeleton); each
 * is attached for its own state only and detached after. After every
 * measurement each mapped counter must have moved by exactly the
 * interrupts raised on T in its state, and not at all in the others, and
 * in (i) the bound ctrmap counter (read back by GET) by exactly those
 * raised in (i), or the run fails.
 * A round's figure for a state is the median of 10 batches (N / 10
 * interrupts, READS / 10 reads each): the host's hiccups hit single
 * batches. Timings under TCG drift, so every round measures all seven
 * states, and each state's cost is reported as its median over the rounds
 * and as the median over the rounds of its ratio to (a) in the same
 * round: (g), (h) and (i) against each other say what the irq: source
 * costs an interrupt against the BPF peers; (b) to (f) how that grows
 * with the bindings elsewhere. The regions (one page each) belong
 * to child processes, as many regions each as the per-process limit
 * allows. Nothing is asserted about time.
 *
 * After its report, one "bench: {...}" line per state for the synthetic
 * interrupt (min, median and max over the rounds of the round's figure;
 * each state but (a) with (a) as its reference), for the benchmark
 * collector. -t is the tiny run (seconds: 3 rounds, 1000 interrupts, 200
 * reads, 17 regions, the same paths); an option given with it wins over
 * its value.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
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

#include "bench.h"
#include "irq-count.skel.h"

#define PAGE 4096UL
#define DBG "/sys/kernel/debug/ctrmap_test_irqbench"
#define NSTATES 9
#define ST_ALL 4	/* (e) */
#define ST_OWN 5	/* (f) */
#define ST_BPF_TP 6	/* (g) */
#define ST_BPF_RAW 7	/* (h) */
#define ST_ONE_T 8	/* (i) */
#define MAX_ROUNDS 101
#define MAX_KIDS 64
#define BATCHES 10

static const char *const state_name[NSTATES] = {
	"(a) no irq binding",
	"(b) 1 binding on another IRQ",
	"(c) 10 bindings on another IRQ",
	"(d) 1000 bindings on another IRQ",
	"(e) all bindings on another IRQ",
	"(f) (e) + 1 on the IRQ measured",
	"(g) (a) + BPF (tracepoint) counting T",
	"(h) (a) + BPF (raw_tp) counting T",
	"(i) (a) + 1 binding on T only",
};

/* The bench: lines' names and methods, state by state. */
static const char *const fig_what[NSTATES] = {
	"ctrmap loaded, no irq binding",
	"one ctrmap irq binding, on another IRQ",
	"10 ctrmap irq bindings, on another IRQ",
	"1000 ctrmap irq bindings, on another IRQ",
	"ctrmap irq bindings, all on another IRQ",
	"ctrmap irq bindings, two fewer on another IRQ, one on the IRQ raised",
	"no ctrmap binding; a BPF program on the classic tracepoint irq/irq_handler_entry (a perf trace record built per interrupt) adds 1 to an mmapable array entry for the IRQ raised",
	"no ctrmap binding; a BPF program on the raw tracepoint irq_handler_entry (raw_tp, registered on the tracepoint as ctrmap's probe is, no record built) adds 1 to an mmapable array entry for the IRQ raised",
	"ctrmap loaded, exactly one irq binding, on the IRQ raised, none elsewhere",
};

static struct ctrmap_handle *h;
static unsigned int irq_t, irq_q, irq_rng;
static long nraise = -1, nreads = -1;
static long nregions = -1, per_kid, nbind, ntotal;
static useconds_t settle_us = 200000;
static pid_t kids[MAX_KIDS];
static int nkids;
static uint32_t *ids;
static char *mem;

/*
 * The BPF peers: their skeleton, the mapped counters (one per program, the
 * entries of irq-count.bpf.c's map), what each must read.
 */
enum { COUNT_TP, COUNT_RAW, NCOUNTS };
static struct irq_count *bpf;
static const volatile uint64_t *bpf_counter;
static uint64_t bpf_expect[NCOUNTS];
static long t_raised;		/* interrupts raised on T so far */
static uint64_t ctr_counted;	/* by the binding on T in (i), all rounds */
/* The bindings on Q in (b) to (e); ntotal's is the last. */
static const long q_levels[] = { 1, 10, 1000 };

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
	t_raised += n;
	for (i = 0; i < BATCHES; i++) {
		write_long(DBG "/raise0", n);
		t_raised += n;
		v[i] = (double)read_ulong(DBG "/raise0") / n;
	}
	return bench_median_of(v, BATCHES);
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
	return bench_median_of(v, BATCHES);
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

/*
 * The BPF peer, loaded once, as its user would: the skeleton opened, the
 * IRQ to count written to its rodata, loaded, the map mmapped read-only.
 */
static void bpf_load(void)
{
	void *p;
	int err;

	bpf = irq_count__open();
	if (!bpf)
		die("BPF: cannot open the irq-count skeleton", errno);
	bpf->rodata->target_irq = irq_t;
	err = irq_count__load(bpf);
	if (err)
		die("BPF: cannot load irq-count (as root, BPF and tracefs needed)",
		    -err);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED,
		 bpf_map__fd(bpf->maps.counts), 0);
	if (p == MAP_FAILED)
		die("mmap of the BPF map", errno);
	bpf_counter = p;
	bpf_expect[COUNT_TP] = bpf_counter[COUNT_TP];
	bpf_expect[COUNT_RAW] = bpf_counter[COUNT_RAW];
}

/* Attach one of the peers, alone, to its tracepoint. */
static void bpf_attach(struct bpf_program *prog, struct bpf_link **link)
{
	char what[128];

	*link = bpf_program__attach(prog);
	if (!*link) {
		snprintf(what, sizeof(what), "BPF: cannot attach %s",
			 bpf_program__section_name(prog));
		die(what, errno);
	}
}

/* And detach it: the skeleton's destroy must not see the link again. */
static void bpf_detach(struct bpf_link **link)
{
	int err = bpf_link__destroy(*link);

	if (err)
		die("BPF: detach", -err);
	*link = NULL;
}

/*
 * The mapped counters against the interrupts raised on T while their
 * programs were attached: each peer must count every one, and nothing else.
 */
static void bpf_check(const char *state)
{
	uint64_t v;
	int c;

	for (c = 0; c < NCOUNTS; c++) {
		v = bpf_counter[c];
		if (v == bpf_expect[c])
			continue;
		fprintf(stderr, "ctrmap-irq-probe: BPF counter %s %llu after %s, %llu expected\n",
			c == COUNT_TP ? "(tracepoint)" : "(raw_tp)",
			(unsigned long long)v, state,
			(unsigned long long)bpf_expect[c]);
		exit(2);
	}
}

/* Counter @index of region @id, read back by GET. */
static uint64_t ctr_value(uint32_t id, uint32_t index)
{
	uint64_t v;
	int err = ctrmap_get_values(h, id, index, 1, &v, NULL);

	if (err)
		die("get values", -err);
	return v;
}

/* Measures @state; returns the interrupts it raised on T. */
static long measure(struct sample *s, int state)
{
	long raised = t_raised;

	usleep(settle_us);	/* let the deferred work of the last change run */
	s->syn_ns = synthetic();
	s->rng_ns = hwrng(&s->rng_irqs);
	raised = t_raised - raised;
	if (state == ST_BPF_TP)
		bpf_expect[COUNT_TP] += raised;
	else if (state == ST_BPF_RAW)
		bpf_expect[COUNT_RAW] += raised;
	bpf_check(state_name[state]);
	return raised;
}

static void round_once(struct sample s[NSTATES])
{
	long j, raised;
	int st;
	uint64_t v, c;

	attach_all();
	expect_bindings(0);
	measure(&s[0], 0);

	bpf_attach(bpf->progs.count_irq, &bpf->links.count_irq);
	measure(&s[ST_BPF_TP], ST_BPF_TP);
	bpf_detach(&bpf->links.count_irq);
	expect_bindings(0);

	bpf_attach(bpf->progs.count_irq_raw, &bpf->links.count_irq_raw);
	measure(&s[ST_BPF_RAW], ST_BPF_RAW);
	bpf_detach(&bpf->links.count_irq_raw);
	expect_bindings(0);

	bind_irq(ids[0], 0, irq_t);
	expect_bindings(1);
	v = ctr_value(ids[0], 0);
	raised = measure(&s[ST_ONE_T], ST_ONE_T);
	c = ctr_value(ids[0], 0) - v;
	if (c != (uint64_t)raised) {
		fprintf(stderr, "ctrmap-irq-probe: the binding on T counted %llu in %s, %ld raised\n",
			(unsigned long long)c, state_name[ST_ONE_T], raised);
		exit(2);
	}
	ctr_counted += c;
	unbind(ids[0], 0);
	expect_bindings(0);

	/* Binding j on Q: counter j % nbind of region j / nbind. */
	for (j = 0, st = 1; st <= ST_ALL; st++) {
		long n = st < ST_ALL ? q_levels[st - 1] : ntotal;

		for (; j < n; j++)
			bind_irq(ids[j / nbind], j % nbind, irq_q);
		expect_bindings(n);
		measure(&s[st], st);
	}

	unbind(ids[0], 0);
	unbind(ids[0], 1);
	bind_irq(ids[0], 0, irq_t);
	bind_irq(ids[0], 1, irq_rng);
	expect_bindings(ntotal);
	measure(&s[ST_OWN], ST_OWN);

	detach_all();
	expect_bindings(0);
}

/* A round's figures, states (a) to (i) in that order. */
static void print_round(const struct sample s[NSTATES], int round,
			double secs)
{
	int st;

	printf("round %d (%.1f s): synthetic ns/irq", round, secs);
	for (st = 0; st < NSTATES; st++)
		printf(" %.0f", s[st].syn_ns);
	printf("; hwrng ns/irq");
	for (st = 0; st < NSTATES; st++)
		printf(" %.0f", s[st].rng_ns);
	printf(" (");
	for (st = 0; st < NSTATES; st++)
		printf("%s%ld", st ? " " : "", s[st].rng_irqs);
	printf(" interrupts)\n");
	fflush(stdout);
}

struct summary {
	double median, min, max;
};

static struct summary summarize(double *v, int n)
{
	struct summary s;

	s.median = bench_median_of(v, n);	/* sorts v */
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
		printf("  %-37s %10s %21s %8s %17s\n", "state", "median",
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
			printf("  %-37s %10.0f %10.0f..%-10.0f %8.2f %8.2f..%-8.2f\n",
			       state_name[st], a.median, a.min, a.max,
			       r.median, r.min, r.max);
		}
	}
}

/*
 * One line per state for the benchmark collector: the synthetic interrupt,
 * min, median and max over the rounds of the round's figure.
 */
static void bench_lines(struct sample (*s)[NSTATES], int rounds)
{
	char name[NSTATES][64], ref[64], how[512];
	struct bench_fig f;
	int st, i;

	snprintf(name[0], sizeof(name[0]), "interrupt, no irq binding");
	snprintf(name[1], sizeof(name[1]), "interrupt, one irq binding elsewhere");
	for (st = 2; st <= ST_ALL; st++)
		snprintf(name[st], sizeof(name[st]),
			 "interrupt, %ld irq bindings elsewhere",
			 st < ST_ALL ? q_levels[st - 1] : ntotal);
	snprintf(name[ST_OWN], sizeof(name[ST_OWN]), "interrupt, its own ctrmap binding");
	snprintf(name[ST_BPF_TP], sizeof(name[ST_BPF_TP]), "interrupt, BPF program counting it");
	snprintf(name[ST_BPF_RAW], sizeof(name[ST_BPF_RAW]), "interrupt, raw BPF program counting it");
	snprintf(name[ST_ONE_T], sizeof(name[ST_ONE_T]), "interrupt, one ctrmap binding on it only");
	snprintf(ref, sizeof(ref), "%s", name[0]);
	for (st = 0; st < NSTATES; st++) {
		snprintf(how, sizeof(how), "synthetic IRQ of ctrmap_test_irqbench raised %ld times per round through generic_handle_irq, interrupts off, ktime in the kernel; per round the median of %d batches; %s",
			 nraise, BATCHES, fig_what[st]);
		f = (struct bench_fig)BENCH_FIG("irq", name[st], "ns",
						st ? ref : NULL, how);
		for (i = 0; i < rounds; i++)
			bench_add(&f, s[i][st].syn_ns);
		bench_print(stdout, &f);
		bench_free(&f);
	}
}

int main(int argc, char **argv)
{
	static struct sample s[MAX_ROUNDS][NSTATES];
	CTRMAP_OPTS(ctrmap_stats, st);
	int opt, rounds = -1, i, err;
	bool tiny = false;

	while ((opt = getopt(argc, argv, "g:tn:w:r:R:")) != -1) {
		switch (opt) {
		case 'g': irq_rng = strtoul(optarg, NULL, 0); break;
		case 't': tiny = true; break;
		case 'n': nraise = strtol(optarg, NULL, 0); break;
		case 'w': nreads = strtol(optarg, NULL, 0); break;
		case 'r': rounds = strtol(optarg, NULL, 0); break;
		case 'R': nregions = strtol(optarg, NULL, 0); break;
		default:
			goto usage;
		}
	}
	/* The defaults, or -t's: what an option names is left as given. */
	if (nraise == -1)
		nraise = tiny ? 1000 : 20000;
	if (nreads == -1)
		nreads = tiny ? 200 : 1000;
	if (rounds == -1)
		rounds = tiny ? 3 : 11;
	if (nregions == -1)
		nregions = tiny ? 17 : 64;
	if (tiny)
		settle_us = 20000;
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
	if (ntotal <= q_levels[ST_ALL - 2]) {
		fprintf(stderr, "ctrmap-irq-probe: %ld irq bindings at most (%ld regions): (e) needs more than %ld\n",
			ntotal, nregions, q_levels[ST_ALL - 2]);
		return 2;
	}
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
	bpf_load();

	printf("IRQ %u measured (synthetic), IRQ %u (virtio-rng) measured, IRQ %u carries the bindings\n",
	       irq_t, irq_rng, irq_q);
	printf("%ld irq bindings in (e) and (f), over %ld regions (up to %ld each); %d rounds, each state's figures in the order (a) to (i)\n",
	       ntotal, nregions, nbind, rounds);
	for (i = 0; i < rounds; i++) {
		double t0 = now_ns();

		round_once(s[i]);
		print_round(s[i], i + 1, (now_ns() - t0) / 1e9);
	}
	report(s, rounds);
	printf("BPF peers: %llu interrupts on IRQ %u counted in (g), %llu in (h); ctrmap's binding: %llu in (i); as many as raised\n",
	       (unsigned long long)bpf_counter[COUNT_TP], irq_t,
	       (unsigned long long)bpf_counter[COUNT_RAW],
	       (unsigned long long)ctr_counted);
	bench_lines(s, rounds);
	irq_count__destroy(bpf);
	ctrmap_close(h);
	return 0;

usage:
	fprintf(stderr, "usage: ctrmap-irq-probe -g RNG_IRQ [-t] [-n N] [-w READS] [-r ROUNDS] [-R REGIONS]\n");
	return 2;
}
