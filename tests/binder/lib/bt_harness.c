// SPDX-License-Identifier: GPL-2.0
/*
 * bt: failure reporting, actors, channels and the TAP runner. See bt.h.
 *
 * Each case runs in its own forked process, leader of its own process group and a child
 * subreaper, with a watchdog. The first failure message of any process of the case (in a
 * shared page) is the case's reason. A case must join every process it started: anything left
 * in its process group when it returns fails it.
 */
#define _GNU_SOURCE
#include "bt.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *bt_dev = "/dev/binder";
const char *bt_dev2;

struct bt_shared {
	int failed;		/* first failure recorded */
	int skipped;
	char reason[512];
	char step[256];
};

static struct bt_shared *shared;
static const char *actor = "main";

/* Actors started by this process, for messages. */
static struct {
	pid_t pid;
	const char *name;
} actors[64];

static const char *actor_name(pid_t pid)
{
	for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++)
		if (actors[i].pid == pid)
			return actors[i].name;
	return "?";
}

const char *bt_errname(int e)
{
	static char buf[4][32];
	static unsigned next;
	char *s;

	if (e == 0)
		return "0";
	s = buf[next++ % 4];
	const char *n = strerrorname_np(e < 0 ? -e : e);
	snprintf(s, sizeof(buf[0]), "%s%s", e < 0 ? "-" : "", n ? n : "E?");
	return s;
}

void bt_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	fflush(stdout);
	fprintf(stderr, "# %s[%d] %s:%d: %s\n", actor, (int)getpid(), base, line, msg);
	if (shared && !__atomic_exchange_n(&shared->failed, 1, __ATOMIC_SEQ_CST))
		snprintf(shared->reason, sizeof(shared->reason), "%.40s: %.40s:%d: %.400s", actor, base, line, msg);
	_exit(1);
}

void bt_step(const char *fmt, ...)
{
	va_list ap;

	if (!shared)
		return;
	va_start(ap, fmt);
	char s[sizeof(shared->step)];
	int n = snprintf(s, sizeof(s), "%s: ", actor);
	vsnprintf(s + n, sizeof(s) - n, fmt, ap);
	va_end(ap);
	memcpy(shared->step, s, sizeof(s));
}

void bt_skip(const char *reason)
{
	if (shared) {
		shared->skipped = 1;
		snprintf(shared->reason, sizeof(shared->reason), "%s", reason);
	}
	fflush(stdout);
	_exit(0);
}

void bt_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

/* ---- time ------------------------------------------------------------------------------------- */

uint64_t bt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll with no descriptors: its timeout is an int of milliseconds, no time_t, so this works
 * for 32-bit programs also on kernels without CONFIG_COMPAT_32BIT_TIME, where 32-bit glibc's
 * nanosleep fails with ENOSYS. */
void bt_sleep_ms(int ms)
{
	uint64_t end = bt_now_ms() + ms;

	for (uint64_t now = bt_now_ms(); now < end; now = bt_now_ms())
		poll(NULL, 0, (int)(end - now));
}

pid_t bt_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- actors ----------------------------------------------------------------------------------- */

pid_t bt_spawn(const char *name, void (*fn)(void *), void *arg)
{
	fflush(stdout);
	fflush(stderr);
	pid_t ppid = getpid();
	pid_t pid = fork();

	if (pid < 0)
		bt_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		actor = name;
		memset(actors, 0, sizeof(actors));
		/* Die with the spawning process (its main thread spawns). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != ppid)
			_exit(1);
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (getenv("BT_TRACE"))
		printf("# spawned %s pid %d from %d (tid %d)\n", name, pid, getpid(), bt_gettid());
	for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++)
		if (!actors[i].pid) {
			actors[i].pid = pid;
			actors[i].name = name;
			break;
		}
	return pid;
}

static void forget(pid_t pid)
{
	for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++)
		if (actors[i].pid == pid)
			actors[i].pid = 0;
}

int bt_wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			bt_fail("waitpid %d: %s", (int)pid, strerror(errno));
	return st;
}

void bt_join(pid_t pid)
{
	const char *name = actor_name(pid);
	int st = bt_wait_status(pid);

	if (getenv("BT_TRACE"))
		printf("# joined %s pid %d status 0x%x\n", name, pid, st);
	forget(pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return;
	if (WIFEXITED(st))
		bt_fail("actor %s[%d] failed (exit status %d)", name, (int)pid, WEXITSTATUS(st));
	bt_fail("actor %s[%d] died of signal %d (%s)", name, (int)pid, WTERMSIG(st), strsignal(WTERMSIG(st)));
}

void bt_kill9(pid_t pid)
{
	const char *name = actor_name(pid);

	if (kill(pid, SIGKILL) < 0)
		bt_fail("kill %s[%d]: %s", name, (int)pid, strerror(errno));
	int st = bt_wait_status(pid);
	forget(pid);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		bt_fail("actor %s[%d] ended with status 0x%x before SIGKILL", name, (int)pid, st);
}

/* ---- threads ---------------------------------------------------------------------------------- */

static void *thread_trampoline(void *p)
{
	struct bt_thread *t = p;

	t->fn(t->arg);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

void bt_thread_start(struct bt_thread *t, void *(*fn)(void *), void *arg)
{
	pthread_t th;

	t->fn = fn;
	t->arg = arg;
	t->done = 0;
	if (pthread_create(&th, NULL, thread_trampoline, t))
		bt_fail("pthread_create failed");
	pthread_detach(th);
}

void bt_thread_join(struct bt_thread *t)
{
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
		bt_sleep_ms(1);
}

/* ---- channels --------------------------------------------------------------------------------- */

void bt_chan_init(struct bt_chan *c)
{
	if (pipe(c->fd) < 0)
		bt_fail("pipe: %s", strerror(errno));
}

static void chan_check(const struct bt_chan *c)
{
	if (c->fd[0] == 0 && c->fd[1] == 0)
		bt_fail("channel used before bt_chan_init");
}

void bt_send(struct bt_chan *c, uint64_t v)
{
	chan_check(c);
	if (write(c->fd[1], &v, sizeof(v)) != (ssize_t)sizeof(v))
		bt_fail("channel write: %s", strerror(errno));
}

uint64_t bt_recv(struct bt_chan *c)
{
	struct pollfd pfd = { .fd = c->fd[0], .events = POLLIN };
	uint64_t v;
	int r;

	chan_check(c);
	while ((r = poll(&pfd, 1, 20000)) < 0 && errno == EINTR)
		;
	if (r == 0)
		bt_fail("nothing on the channel for 20 s");
	if (read(c->fd[0], &v, sizeof(v)) != (ssize_t)sizeof(v))
		bt_fail("channel read: %s", strerror(errno));
	return v;
}

void bt_recv_expect(struct bt_chan *c, uint64_t v)
{
	uint64_t got = bt_recv(c);

	if (got != v)
		bt_fail("channel gave %llu, expected %llu", (unsigned long long)got, (unsigned long long)v);
}

/* ---- runner ----------------------------------------------------------------------------------- */

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-d DEVICE] [-D DEVICE2] [-t SECONDS] [-l] [CASE...]\n"
		"  -d  device under test (default $BINDER_DEV, else /dev/binder)\n"
		"  -D  a second device of the same driver (default $BINDER_DEV2; cases that need it skip)\n"
		"  -t  per-case timeout, overriding each case's own\n"
		"  -l  list the cases\n",
		argv0);
	exit(2);
}

#include <execinfo.h>
static void on_abort(int sig)
{
	void *bt[64];
	int n = backtrace(bt, 64);
	fprintf(stderr, "# signal %d in %d, backtrace:\n", sig, getpid());
	backtrace_symbols_fd(bt, n, 2);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Prints the processes of process group pgid (from /proc). */
static void print_group(pid_t pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[64], buf[512], comm[64] = "?", state = '?';
		int pid = atoi(e->d_name), pgrp = 0, ppid = 0;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			char *c = strrchr(buf, ')');
			char *o = strchr(buf, '(');
			if (c && o && c - o - 1 < (long)sizeof(comm)) {
				memcpy(comm, o + 1, c - o - 1);
				comm[c - o - 1] = 0;
				sscanf(c + 2, "%c %d %d", &state, &ppid, &pgrp);
			}
		}
		fclose(f);
		if (pgrp == pgid)
			printf("# left behind: pid %d (%s) state %c parent %d\n", pid, comm, state, ppid);
	}
	if (d)
		closedir(d);
}

int bt_main(int argc, char **argv, const struct bt_case *cases, size_t ncases)
{
	int timeout_override = 0, list = 0, opt;
	const char *env;

	if ((env = getenv("BINDER_DEV")) && *env)
		bt_dev = env;
	if ((env = getenv("BINDER_DEV2")) && *env)
		bt_dev2 = env;
	while ((opt = getopt(argc, argv, "d:D:t:lh")) != -1) {
		switch (opt) {
		case 'd': bt_dev = optarg; break;
		case 'D': bt_dev2 = optarg; break;
		case 't': timeout_override = atoi(optarg); break;
		case 'l': list = 1; break;
		default: usage(argv[0]);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Which cases: the named ones, in table order, or all. */
	char *selected = calloc(ncases, 1);
	size_t nsel = 0;
	for (int i = optind; i < argc; i++) {
		size_t j;
		for (j = 0; j < ncases; j++)
			if (!strcmp(argv[i], cases[j].name))
				break;
		if (j == ncases) {
			fprintf(stderr, "unknown case %s\n", argv[i]);
			return 2;
		}
		selected[j] = 1;
	}
	for (size_t j = 0; j < ncases; j++) {
		if (optind == argc)
			selected[j] = 1;
		nsel += selected[j];
	}
	if (list) {
		for (size_t j = 0; j < ncases; j++)
			printf("%s\n", cases[j].name);
		return 0;
	}

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	printf("# binder suite on %s%s%s (%zu-bit)\n", bt_dev, bt_dev2 ? " and " : "", bt_dev2 ? bt_dev2 : "",
	       sizeof(void *) * 8);
	printf("1..%zu\n", nsel);

	int n = 0, failed = 0, skipped = 0;
	uint64_t t_all = bt_now_ms();
	for (size_t j = 0; j < ncases; j++) {
		if (!selected[j])
			continue;
		const struct bt_case *c = &cases[j];
		int timeout = timeout_override ? timeout_override : c->timeout_s ? c->timeout_s : 30;
		int st = 0, timed_out = 0, strays = 0;
		uint64_t t0 = bt_now_ms();

		n++;
		memset(shared, 0, sizeof(*shared));
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			if (getenv("BT_TRACE")) {
				signal(SIGABRT, on_abort);
				signal(SIGSEGV, on_abort);
			}
			setpgid(0, 0);
			prctl(PR_SET_CHILD_SUBREAPER, 1);
			actor = c->name;
			c->fn();
			fflush(stdout);
			_exit(0);
		}
		setpgid(pid, pid);
		for (;;) {
			pid_t r = waitpid(pid, &st, WNOHANG);
			if (r == pid)
				break;
			if (bt_now_ms() - t0 > (uint64_t)timeout * 1000) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				waitpid(pid, &st, 0);
				break;
			}
			bt_sleep_ms(5);
		}
		if (kill(-pid, 0) == 0) {
			strays = !timed_out;
			if (strays)
				print_group(pid);
			kill(-pid, SIGKILL);
		}
		/* Reap whatever the case left (its orphans are ours: we are a subreaper). */
		{
			pid_t z;
			int zs;
			while ((z = waitpid(-1, &zs, 0)) > 0)
				if (getenv("BT_TRACE"))
					printf("# reaped %d status 0x%x\n", z, zs);
		}

		unsigned ms = (unsigned)(bt_now_ms() - t0);
		if (timed_out) {
			failed++;
			printf("not ok %d %s: timed out after %d s (last step: %s)\n", n, c->name, timeout,
			       shared->step[0] ? shared->step : "none");
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && !shared->failed && !strays) {
			if (shared->skipped) {
				skipped++;
				printf("ok %d %s # SKIP %s\n", n, c->name, shared->reason);
			} else {
				printf("ok %d %s # %u ms\n", n, c->name, ms);
			}
		} else {
			failed++;
			if (shared->failed)
				printf("not ok %d %s: %s\n", n, c->name, shared->reason);
			else if (WIFSIGNALED(st))
				printf("not ok %d %s: died of signal %d (%s) (last step: %s)\n", n, c->name,
				       WTERMSIG(st), strsignal(WTERMSIG(st)), shared->step[0] ? shared->step : "none");
			else if (WEXITSTATUS(st))
				printf("not ok %d %s: exit status %d\n", n, c->name, WEXITSTATUS(st));
			else
				printf("not ok %d %s: left processes running\n", n, c->name);
		}
	}
	printf("# %d passed, %d failed, %d skipped (%u s)\n", n - failed - skipped, failed, skipped,
	       (unsigned)((bt_now_ms() - t_all) / 1000));
	return failed ? 1 : 0;
}
