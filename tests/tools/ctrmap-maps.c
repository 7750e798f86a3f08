// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-maps: a process holding the kinds of memory ctrmap must refuse,
 * for the bad-input tests. Prints NAME=ADDRESS lines, then waits until its
 * standard input closes. The file lives in $CTRMAP_MAPS_DIR (default
 * /var/tmp).
 *
 *   ro      a read-only private anonymous page
 *   none    a PROT_NONE page
 *   hole    three pages whose middle one is unmapped
 *   file    a shared mapping of a regular file
 *   rw      a writable page, for comparison
 *   short   two pages of a one-page memfd, mapped shared and writable: the
 *           mapping passes every check, but the second page lies past the
 *           end of the file, so pinning stops part-way
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char *map(int prot, size_t len, int flags, int fd)
{
	char *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("ctrmap-maps: mmap");
		exit(1);
	}
	return p;
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	const int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	const char *dir = getenv("CTRMAP_MAPS_DIR");
	char path[4096], c;
	char *hole;
	int fd;

	printf("ro=%p\n", (void *)map(PROT_READ, page, anon, -1));
	printf("none=%p\n", (void *)map(PROT_NONE, page, anon, -1));
	snprintf(path, sizeof(path), "%s/ctrmap-maps.XXXXXX", dir ? dir : "/var/tmp");
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, page)) {
		perror("ctrmap-maps: file");
		return 1;
	}
	unlink(path);
	printf("file=%p\n", (void *)map(PROT_READ | PROT_WRITE, page, MAP_SHARED, fd));
	printf("rw=%p\n", (void *)map(PROT_READ | PROT_WRITE, page, anon, -1));
	fd = memfd_create("ctrmap-maps", 0);
	if (fd < 0 || ftruncate(fd, page)) {
		perror("ctrmap-maps: memfd");
		return 1;
	}
	printf("short=%p\n", (void *)map(PROT_READ | PROT_WRITE, 2 * page, MAP_SHARED, fd));
	/* Last, so that no later mapping lands in the hole. */
	hole = map(PROT_READ | PROT_WRITE, 3 * page, anon, -1);
	if (munmap(hole + page, page)) {
		perror("ctrmap-maps: munmap");
		return 1;
	}
	printf("hole=%p\n", (void *)hole);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
