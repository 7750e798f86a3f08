// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor: a line for every region torn down, from the DETACHED
 * notifications the module sends on its "monitor" multicast group, read
 * in a poll() loop that could wait on other descriptors too. Joining the
 * group needs CAP_SYS_ADMIN.
 *
 *   cc -o monitor monitor.c $(pkg-config --cflags --libs libctrmap)
 *   sudo ./monitor
 *   region 7 pid 4242 reason exit
 *
 * SIGINT and SIGTERM end it with status 0. They are blocked and read from
 * a signalfd in the same poll(), so a signal that comes between a check
 * and the wait is not lost.
 */
#include <ctrmap/ctrmap.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void print_event(const struct ctrmap_event *ev)
{
	const char *reason = ctrmap_reason_name(ev->reason);

	/* pid is 0 for a process this one cannot see (another PID ns). */
	if (reason)
		printf("region %u pid %u reason %s\n", ev->region_id, ev->pid,
		       reason);
	else	/* a reason newer than the library: its number */
		printf("region %u pid %u reason %u\n", ev->region_id, ev->pid,
		       ev->reason);
}

int main(void)
{
	struct ctrmap_handle *h = NULL;
	struct pollfd pfd[2];
	sigset_t stop;
	int err, status = 1;

	/* SIGINT and SIGTERM become something to read. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &stop, NULL) < 0) {
		perror("monitor: sigprocmask");
		return 1;
	}
	pfd[1].fd = signalfd(-1, &stop, SFD_CLOEXEC);
	pfd[1].events = POLLIN;
	if (pfd[1].fd < 0) {
		perror("monitor: signalfd");
		return 1;
	}

	/* A handle of its own: one that monitors takes no requests. */
	err = ctrmap_open(&h);
	if (!err)
		err = ctrmap_monitor(h);
	if (err) {
		fprintf(stderr, "monitor: cannot subscribe: %s\n",
			err == -ENOENT && !h ? "no ctrmap module" : strerror(-err));
		goto out;
	}
	pfd[0].fd = ctrmap_event_fd(h);
	pfd[0].events = POLLIN;
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (;;) {
		CTRMAP_OPTS(ctrmap_event, ev);

		/*
		 * The handle buffers what it has received, which poll() does
		 * not see: take events until there are none, then wait.
		 */
		err = ctrmap_next_event(h, &ev, 0);
		if (!err) {
			print_event(&ev);
			continue;
		}
		if (err == -ENOBUFS) {
			/* The socket overflowed; the events after go on. */
			fprintf(stderr, "monitor: events were lost\n");
			continue;
		}
		if (err != -EAGAIN) {
			fprintf(stderr, "monitor: %s\n", strerror(-err));
			break;
		}
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			perror("monitor: poll");
			break;
		}
		if (pfd[1].revents) {	/* SIGINT or SIGTERM */
			status = 0;
			break;
		}
	}
out:
	ctrmap_close(h);
	close(pfd[1].fd);
	return status;
}
