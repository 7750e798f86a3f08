// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ctrmap-target: a process that owns a counter region, for tests, the demo,
 * and users to copy. It allocates the region, prints where it is, and then
 * prints its counters as it sees them, with plain loads through libctrmap's
 * reader. Commands on standard input change its memory the ways the kernel
 * module must notice (munmap, mremap, MADV_DONTNEED, MAP_FIXED, mprotect,
 * fork, exec), so a test can drive it through a FIFO.
 *
 *   ctrmap-target [-m aligned|mmap|mmap4k|lazy|shared|zero|sysv|hugetlb|memfd|file|path:FILE]
 *                 [-p PAGES] [-i MS] [-c N]
 *
 * -m  how the region is allocated: aligned_alloc(0x1000, ...) as in the
 *     original question (default), a private anonymous mmap (touched), the
 *     same without transparent huge pages (mmap4k: MADV_NOHUGEPAGE, so every
 *     page has its own page table entry), the same never touched (lazy), a
 *     shared anonymous mmap (shared), a private mapping of /dev/zero (zero),
 *     a SysV shared memory segment (sysv), a private anonymous MAP_HUGETLB
 *     mapping of one huge page, its first PAGES pages the region (hugetlb),
 *     a memfd mapped shared, a regular file
 *     (which ctrmap must refuse), or path:FILE, an existing file mapped
 *     shared (e.g. another target's memfd through /proc/PID/fd/N, a tmpfs
 *     file, or a device node)
 * -p  pages (default 1); the region is the whole allocation
 * -i  print the counters every MS milliseconds (default: only on "print")
 * -c  exit after printing N times (default: never)
 *
 * It runs until killed, "exit" or -c; the end of its input ends only the
 * commands.
 *
 * Output, one line each: "pid=P addr=0xA len=L" first; then
 * "state=S reason=R seq=Q counters=c0,c1,..." per print; "ok CMD" after a
 * command ("nodump": prctl(PR_SET_DUMPABLE, 0)); "child=P" after fork (whose child reads one line, "continue", between
 * its two prints); "attached id=N" or "attach-error errno=E
 * msg=M" after attach (the process attaching itself through libctrmap);
 * "snapcheck n=N bad=B ..." after "snapcheck N"; "bound I" or "bind-error
 * errno=E msg=M" after "bind I SOURCE" (on the region "attach" made).
 */
#define _GNU_SOURCE
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static void *region;
static size_t len;

static void die(const char *what)
{
	fprintf(stderr, "ctrmap-target: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *allocate(const char *mode, size_t size)
{
	void *p;
	int fd;

	if (!strcmp(mode, "aligned")) {
		p = aligned_alloc(0x1000, size);
		if (!p)
			die("aligned_alloc");
		memset(p, 0, size);
		return p;
	}
	if (!strcmp(mode, "mmap") || !strcmp(mode, "mmap4k") ||
	    !strcmp(mode, "lazy")) {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		if (!strcmp(mode, "mmap4k")) {
			/*
			 * A kernel without THP (PREEMPT_RT) refuses
			 * MADV_NOHUGEPAGE with EINVAL: its pages are 4 KiB
			 * anyway. Populated by the kernel in one call,
			 * without a fault per page from user space.
			 */
			if (madvise(p, size, MADV_NOHUGEPAGE) && errno != EINVAL)
				die("madvise(MADV_NOHUGEPAGE)");
			if (madvise(p, size, MADV_POPULATE_WRITE))
				die("madvise(MADV_POPULATE_WRITE)");
		} else if (strcmp(mode, "lazy")) {
			memset(p, 0, size);
		}
		return p;
	}
	if (!strcmp(mode, "shared") || !strcmp(mode, "hugetlb")) {
		int flags = !strcmp(mode, "shared") ? MAP_SHARED | MAP_ANONYMOUS :
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB;

		/* MAP_HUGETLB rounds the length up to a whole huge page. */
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (p == MAP_FAILED)
			die(mode);
		memset(p, 0, size);
		return p;
	}
	if (!strcmp(mode, "zero")) {
		/* Anonymous memory, though the mapping names a device file. */
		fd = open("/dev/zero", O_RDWR);
		if (fd < 0)
			die("/dev/zero");
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			die("mmap /dev/zero");
		close(fd);
		memset(p, 0, size);
		return p;
	}
	if (!strcmp(mode, "sysv")) {
		int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);

		if (id < 0)
			die("shmget");
		p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			die("shmat");
		/* Gone with the last detach: nothing is left behind. */
		if (shmctl(id, IPC_RMID, NULL))
			die("shmctl(IPC_RMID)");
		memset(p, 0, size);
		return p;
	}
	if (!strncmp(mode, "path:", 5)) {
		fd = open(mode + 5, O_RDWR);
		if (fd < 0)
			die(mode + 5);
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
		return p;
	}
	if (!strcmp(mode, "memfd") || !strcmp(mode, "file")) {
		if (!strcmp(mode, "memfd")) {
			fd = memfd_create("ctrmap-target", 0);
		} else {
			char path[] = "/var/tmp/ctrmap-target.XXXXXX";

			fd = mkstemp(path);
			if (fd >= 0)
				unlink(path);
		}
		if (fd < 0 || ftruncate(fd, size))
			die(mode);
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
		/* Kept open: a second process can map it from /proc/PID/fd. */
		printf("fd=%d\n", fd);
		return p;
	}
	fprintf(stderr, "ctrmap-target: unknown mode %s\n", mode);
	exit(2);
}

static void print_counters(void)
{
	unsigned int state, reason, i, n;
	const struct ctrmap_header *h = region;
	uint64_t v[64];
	int err;

	err = ctrmap_region_check(region, len);
	if (err) {
		printf("state=none\n");
		fflush(stdout);
		return;
	}
	state = ctrmap_region_state(region, &reason);
	n = h->ncounters < 64 ? h->ncounters : 64;
	err = ctrmap_snapshot(region, 0, n, v);
	printf("state=%s reason=%s seq=%u counters=",
	       state == CTRMAP_STATE_ATTACHED ? "attached" : "detached",
	       ctrmap_reason_name(reason), h->seq);
	for (i = 0; !err && i < n; i++)
		printf("%s%llu", i ? "," : "", (unsigned long long)v[i]);
	printf("\n");
	fflush(stdout);
}

/* The handle of the region the process attached itself ("attach"). */
static struct ctrmap_handle *self_handle;
static uint32_t self_id;

/*
 * A process attaching its own memory needs no privilege: this is what an
 * application does with libctrmap.
 */
static void attach_self(void)
{
	CTRMAP_OPTS(ctrmap_attach_reply, reply);
	struct ctrmap_handle *h = NULL;
	int err;

	err = ctrmap_open(&h);
	if (!err)
		err = ctrmap_attach(h, getpid(), (uintptr_t)region, len, &reply);
	if (err) {
		printf("attach-error errno=%d msg=%s\n", -err,
		       h ? ctrmap_errmsg(h) : "");
		ctrmap_close(h);
	} else {
		printf("attached id=%u\n", reply.id);
		self_handle = h;
		self_id = reply.id;
	}
	fflush(stdout);
}

/* "bind INDEX SOURCE" on the region attached by "attach". */
static void bind_self(const char *args)
{
	CTRMAP_OPTS(ctrmap_source, src);
	char text[64];
	unsigned int index;
	int err = -EINVAL;

	if (self_handle && sscanf(args, "%u %63s", &index, text) == 2 &&
	    !ctrmap_source_parse(text, &src))
		err = ctrmap_bind(self_handle, self_id, index, &src);
	if (err)
		printf("bind-error errno=%d msg=%s\n", -err,
		       self_handle ? ctrmap_errmsg(self_handle) : "");
	else
		printf("bound %u\n", index);
	fflush(stdout);
}

/*
 * Take N snapshots of counters 0 and 1 while a driver updates them as a
 * group (the sample driver: bytes = 1500 * packets) and count the
 * snapshots that break the invariant or go backwards.
 */
static void snapcheck(long n)
{
	uint64_t v[2], first = 0, last = 0;
	long i, bad = 0, failed = 0;

	for (i = 0; i < n; i++) {
		if (ctrmap_snapshot(region, 0, 2, v)) {
			failed++;
			continue;
		}
		if (v[1] != 1500 * v[0] || v[0] < last)
			bad++;
		if (!i)
			first = v[0];
		last = v[0];
	}
	printf("snapcheck n=%ld bad=%ld failed=%ld first=%llu last=%llu\n", n,
	       bad, failed, (unsigned long long)first, (unsigned long long)last);
	fflush(stdout);
}

/* One command from standard input; returns 0 to go on, 1 to exit. */
static int command(char *cmd)
{
	void *p;
	pid_t child;

	cmd[strcspn(cmd, "\r\n")] = 0;
	if (!strcmp(cmd, "print")) {
		print_counters();
		return 0;
	} else if (!strcmp(cmd, "exit")) {
		return 1;
	} else if (!strcmp(cmd, "munmap")) {
		if (munmap(region, len))
			die("munmap");
	} else if (!strcmp(cmd, "mremap")) {
		/*
		 * Move it: the old range no longer maps the pinned pages. Onto
		 * a place reserved first: MREMAP_FIXED unmaps what it lands on,
		 * and a fixed offset from the region fell inside ld.so's
		 * mappings (the likely cause of a general protection fault in
		 * ld.so seen on 7.3.4).
		 */
		p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		p = mremap(region, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, p);
		if (p == MAP_FAILED)
			die("mremap");
		region = p;
	} else if (!strcmp(cmd, "dontneed")) {
		if (madvise(region, len, MADV_DONTNEED))
			die("madvise");
	} else if (!strcmp(cmd, "mapfixed")) {
		p = mmap(region, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			die("mmap MAP_FIXED");
	} else if (!strcmp(cmd, "mprotect")) {
		if (mprotect(region, len, PROT_READ))
			die("mprotect");
	} else if (!strcmp(cmd, "nodump")) {
		/* As setuid programs and container runtimes' helpers are. */
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
			die("prctl PR_SET_DUMPABLE");
	} else if (!strcmp(cmd, "fork")) {
		/*
		 * The child writes to its copy of the region (copy-on-write
		 * gives it its own pages), prints what it sees, reads one line
		 * of input (the parent waits meanwhile: the line is the
		 * child's), prints again and exits; the parent's pinned pages
		 * must stay the parent's.
		 */
		fflush(stdout);
		child = fork();
		if (child < 0)
			die("fork");
		if (!child) {
			uint64_t *c = (uint64_t *)((char *)region + CTRMAP_HDR_SIZE);
			char go;

			c[0] = 424242;
			printf("child ");
			print_counters();
			while (read(0, &go, 1) == 1 && go != '\n')
				;
			printf("child ");
			print_counters();
			_exit(0);
		}
		waitpid(child, NULL, 0);
		printf("child=%d\n", child);
	} else if (!strncmp(cmd, "snapcheck ", 10)) {
		snapcheck(strtol(cmd + 10, NULL, 0));
		return 0;
	} else if (!strncmp(cmd, "bind ", 5)) {
		bind_self(cmd + 5);
		return 0;
	} else if (!strcmp(cmd, "attach")) {
		attach_self();
		return 0;
	} else if (!strcmp(cmd, "exec")) {
		printf("ok exec\n");
		fflush(stdout);
		execl("/bin/sleep", "sleep", "3600", (char *)NULL);
		die("exec");
	} else if (!strcmp(cmd, "")) {
		return 0;
	} else {
		printf("unknown %s\n", cmd);
		fflush(stdout);
		return 0;
	}
	printf("ok %s\n", cmd);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = "aligned";
	long pages = 1, interval = -1, count = -1;
	struct pollfd in = { .fd = 0, .events = POLLIN };
	char line[256];
	size_t used = 0;
	int opt;

	while ((opt = getopt(argc, argv, "m:p:i:c:")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'p': pages = strtol(optarg, NULL, 0); break;
		case 'i': interval = strtol(optarg, NULL, 0); break;
		case 'c': count = strtol(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: ctrmap-target [-m aligned|mmap|mmap4k|lazy|shared|zero|sysv|hugetlb|memfd|file|path:FILE] [-p PAGES] [-i MS] [-c N]\n");
			return 2;
		}
	}
	len = pages * sysconf(_SC_PAGESIZE);
	region = allocate(mode, len);
	printf("pid=%d addr=%p len=%zu\n", getpid(), region, len);
	fflush(stdout);

	for (;;) {
		int ready = poll(&in, in.fd >= 0 ? 1 : 0, interval);
		char *nl;
		ssize_t got;

		if (ready < 0 && errno != EINTR)
			die("poll");
		if (ready > 0) {
			/* Unbuffered: poll() must see every line that waits. */
			got = read(0, line + used, sizeof(line) - 1 - used);
			if (got <= 0) {
				/* No more commands: live on until killed. */
				in.fd = -1;
				continue;
			}
			used += got;
			line[used] = 0;
			while ((nl = strchr(line, '\n'))) {
				*nl = 0;
				if (command(line))
					return 0;
				used -= nl + 1 - line;
				memmove(line, nl + 1, used + 1);
			}
			if (used == sizeof(line) - 1)
				used = 0;	/* a line too long: drop it */
			continue;
		}
		if (ready == 0 && interval >= 0) {
			print_counters();
			if (count > 0 && --count == 0)
				return 0;
		}
	}
}
