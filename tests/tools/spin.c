// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spin MS: a CPU-bound loop for MS milliseconds of CLOCK_MONOTONIC; prints
 * how many rounds of work it got done, the throughput that interrupt load
 * on its CPU takes away (tests/bats/source/budget.bats).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long end, rounds = 0;
	volatile unsigned long x = 1;

	if (argc != 2 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "usage: spin MILLISECONDS\n");
		return 2;
	}
	end = now_ns() + atoll(argv[1]) * 1000000LL;
	while (now_ns() < end) {
		for (int i = 0; i < 1000; i++)
			x = x * 2862933555777941757UL + 3037000493UL;
		rounds++;
	}
	printf("%lld\n", rounds);
	return 0;
}
