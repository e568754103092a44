// SPDX-License-Identifier: GPL-2.0
// User-space test of /dev/kcpp_mapper (samples/mapper): the abstractions binder uses, from a
// real process. Exits non-zero on the first failure.
//
//   mapper_test DEV     every check below
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../../samples/mapper/mapper_uapi.h"

#define CHECK(cond, ...)                                                                  \
	do {                                                                                  \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "mapper_test: FAIL line %d: ", __LINE__);                     \
			fprintf(stderr, __VA_ARGS__);                                                 \
			fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));                 \
			exit(1);                                                                      \
		}                                                                                 \
	} while (0)

static const char *dev;
static long page;

// ---- touching the mapping: SIGBUS where the driver inserted no page ----------------------
static sigjmp_buf jump;
static volatile sig_atomic_t last_signal;
static void on_fault(int sig)
{
	last_signal = sig;
	siglongjmp(jump, 1);
}
// The signal a read of *p raises, or 0 with the byte in *out.
static int probe(const volatile unsigned char *p, unsigned char *out)
{
	last_signal = 0;
	if (sigsetjmp(jump, 1) == 0)
		*out = *p;
	return last_signal;
}

static int open_dev(void)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0, "open %s", dev);
	return fd;
}

static void put(int fd, unsigned long long off, const void *data, unsigned long long len)
{
	struct mapper_put p = {off, (unsigned long long)(uintptr_t)data, len};
	CHECK(ioctl(fd, MAPPER_PUT, &p) == 0, "PUT %llu+%llu", off, len);
}

static long state_value(const char *debugfs_state, const char *key)
{
	char buf[512];
	FILE *f = fopen(debugfs_state, "r");
	CHECK(f != NULL, "open %s", debugfs_state);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *at = strstr(buf, key);
	CHECK(at != NULL, "%s has no %s:\n%s", debugfs_state, key, buf);
	return strtol(at + strlen(key), NULL, 10);
}

static void test_mmap_and_pages(void)
{
	struct sigaction sa = {.sa_handler = on_fault};
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	int fd = open_dev();
	const size_t len = 16 * page;

	errno = 0;
	CHECK(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM,
	      "writable mapping not refused with EPERM");
	unsigned char *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "read-only mmap");
	errno = 0;
	CHECK(mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EBUSY, "second mmap not EBUSY");
	errno = 0;
	CHECK(mprotect(m, page, PROT_READ | PROT_WRITE) != 0 && errno == EACCES, "mprotect to writable allowed");

	unsigned char byte = 0;
	CHECK(probe(m, &byte) == SIGBUS, "no page yet: read must be SIGBUS, got signal %d", (int)last_signal);

	// A message spanning three pages, from offset 100.
	size_t n = 2 * page + 500;
	unsigned char *msg = malloc(n);
	for (size_t i = 0; i < n; ++i)
		msg[i] = (unsigned char)(i * 7 + 3);
	put(fd, 100, msg, n);
	CHECK(memcmp(m + 100, msg, n) == 0, "mapping does not show the data");
	for (size_t i = 0; i < 100; ++i)
		CHECK(m[i] == 0, "byte %zu before the data is %u (pages must be zeroed)", i, m[i]);
	CHECK(m[100 + n] == 0, "byte after the data not zero");
	CHECK(probe(m + 3 * page, &byte) == SIGBUS, "page 3 was never filled: SIGBUS expected");

	// Overwrite inside an existing page (no new page), and a page further on.
	put(fd, 200, "kcpp", 4);
	CHECK(memcmp(m + 200, "kcpp", 4) == 0, "overwrite not visible");
	put(fd, 10 * page + 1, "far", 3);
	CHECK(memcmp(m + 10 * page + 1, "far", 3) == 0, "far page");

	// Bad input.
	struct mapper_put bad = {0, 8, 16}; // user address 8: unmapped
	errno = 0;
	CHECK(ioctl(fd, MAPPER_PUT, &bad) != 0 && errno == EFAULT, "PUT from address 8 not EFAULT");
	bad = (struct mapper_put){len - 2, (uintptr_t)msg, 4}; // past the end
	errno = 0;
	CHECK(ioctl(fd, MAPPER_PUT, &bad) != 0 && errno == EINVAL, "PUT past the mapping not EINVAL");
	errno = 0;
	CHECK(ioctl(fd, MAPPER_PUT, (void *)16) != 0 && errno == EFAULT, "PUT with a bad argument not EFAULT");

	// Drop pages 0-1: unmapped (SIGBUS again) and freed; page 2 stays.
	struct mapper_range r = {0, 2 * page};
	CHECK(ioctl(fd, MAPPER_DROP, &r) == 2, "DROP of two pages");
	CHECK(probe(m, &byte) == SIGBUS, "dropped page still mapped");
	CHECK(probe(m + page + 5, &byte) == SIGBUS, "dropped page 1 still mapped");
	CHECK(probe(m + 2 * page, &byte) == 0 && byte == msg[2 * page - 100], "page 2 lost");
	put(fd, 0, "again", 5);
	CHECK(memcmp(m, "again", 5) == 0 && m[5] == 0, "refilled page");

	// fork: the mapping is not inherited (VM_DONTCOPY).
	pid_t child = fork();
	if (child == 0) {
		unsigned char b;
		_exit(probe(m, &b) == SIGSEGV ? 0 : 1);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child sees the mapping (status %#x)", status);

	CHECK(munmap(m, len) == 0, "munmap");
	errno = 0;
	CHECK(ioctl(fd, MAPPER_PUT, &(struct mapper_put){0, (uintptr_t)msg, 4}) != 0 && errno == ESRCH,
	      "PUT after munmap not ESRCH");
	free(msg);
	close(fd);
	printf("mapper_test: mmap and pages ok\n");
}

static void test_fds(void)
{
	int fd = open_dev();
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	int w = p[1];
	int dup = ioctl(fd, MAPPER_DUPFD, &w);
	CHECK(dup >= 0, "DUPFD");
	CHECK(dup != w, "same number");
	CHECK(fcntl(dup, F_GETFD) == FD_CLOEXEC, "new fd not O_CLOEXEC");
	CHECK(write(dup, "x", 1) == 1, "write through the new fd");
	char c = 0;
	CHECK(read(p[0], &c, 1) == 1 && c == 'x', "the new fd is not the same pipe");
	int badfd = 1000;
	errno = 0;
	CHECK(ioctl(fd, MAPPER_DUPFD, &badfd) < 0 && errno == EBADF, "DUPFD of a closed fd not EBADF");

	// A reservation that is dropped gives its number back.
	int reserved = ioctl(fd, MAPPER_DUPFD_ABORT);
	CHECK(reserved >= 0, "DUPFD_ABORT");
	int next = open("/dev/null", O_RDONLY);
	CHECK(next == reserved, "reserved number %d not released (open got %d)", reserved, next);
	close(next);

	// Deferred close of another fd: gone at once.
	CHECK(ioctl(fd, MAPPER_CLOSEFD, &dup) == 0, "CLOSEFD");
	errno = 0;
	CHECK(fcntl(dup, F_GETFD) < 0 && errno == EBADF, "fd still open after CLOSEFD");
	errno = 0;
	CHECK(ioctl(fd, MAPPER_CLOSEFD, &dup) < 0 && errno == EBADF, "CLOSEFD of a closed fd not EBADF");
	// The pipe's write end is still open through p[1]; close it and the reader sees EOF.
	close(p[1]);
	CHECK(read(p[0], &c, 1) == 0, "pipe writer still open (a reference leaked)");
	close(p[0]);

	// Deferred close of the very fd the ioctl runs on.
	char state[128];
	snprintf(state, sizeof(state), "/sys/kernel/debug/%s/state", strrchr(dev, '/') + 1);
	long cleanups = state_value(state, "cleanups ");
	int self = open_dev();
	CHECK(ioctl(self, MAPPER_CLOSEFD, &self) == 0, "CLOSEFD of itself");
	errno = 0;
	CHECK(fcntl(self, F_GETFD) < 0 && errno == EBADF, "self fd still open");
	// Its release runs at return to user space, the cleanup on the workqueue soon after.
	for (int i = 0; i < 200 && state_value(state, "cleanups ") == cleanups; ++i)
		usleep(10000);
	CHECK(state_value(state, "cleanups ") == cleanups + 1, "the self-closed file was not released");
	close(fd);
	printf("mapper_test: fds ok\n");
}

static void read_info(int fd, struct mapper_info *info)
{
	memset(info, 0xff, sizeof(*info));
	CHECK(ioctl(fd, MAPPER_INFO, info) == 0, "INFO");
}

static int apparmor_enabled(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY);
	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

static void test_tasks(void)
{
	int fd = open_dev();
	struct mapper_info info;
	read_info(fd, &info);
	CHECK(info.pid == getpid() && info.tgid == getpid() && info.owner_tgid == getpid(),
	      "ids %d %d %d, pid %d", info.pid, info.tgid, info.owner_tgid, getpid());
	CHECK(info.euid == geteuid() && info.opener_euid == geteuid(), "euid %u/%u", info.euid, info.opener_euid);
	CHECK(info.nice == getpriority(PRIO_PROCESS, 0), "nice %d", info.nice);
	CHECK(info.can_nice_minus5 == 1, "root cannot nice -5");

	// The security context of the opener, as the LSM reports it for the process.
	char attr[128] = "";
	int a = open("/proc/self/attr/current", O_RDONLY);
	ssize_t an = a >= 0 ? read(a, attr, sizeof(attr) - 1) : -1;
	if (a >= 0)
		close(a);
	if (an > 0) {
		attr[an] = 0;
		attr[strcspn(attr, "\n")] = 0;
	}
	if (info.secctx_err == 0) {
		CHECK(an > 0, "a security context (%s) but /proc/self/attr/current is unreadable", info.secctx);
		CHECK(strncmp(info.secctx, attr, strlen(attr)) == 0, "secctx \"%s\", attr/current \"%s\"", info.secctx, attr);
		printf("mapper_test: security context \"%s\" (%u bytes)\n", info.secctx, info.secctx_len);
	} else if (apparmor_enabled()) {
		// AppArmor (Debian's default LSM) has no cred_getsecid hook: the secid of any cred
		// is 0, and apparmor_secid_to_secctx(0) is -EINVAL -- what binder.c gets too.
		CHECK(info.secctx_err == -EINVAL, "secctx error %d under AppArmor", info.secctx_err);
		printf("mapper_test: AppArmor: no security context for a cred (-EINVAL), as for the C driver\n");
	} else {
		CHECK(info.secctx_err == -EOPNOTSUPP, "secctx error %d", info.secctx_err);
		printf("mapper_test: no LSM with security contexts\n");
	}
	CHECK(ioctl(fd, MAPPER_SECURITY) == 0, "an LSM refused the binder hooks");

	// Threads: the caller's pid differs, the tgid and owner do not.
	pid_t child = fork();
	if (child == 0) {
		// A child opened nothing: it uses the parent's file (owner = parent).
		struct mapper_info ci;
		read_info(fd, &ci);
		int ok = ci.pid == getpid() && ci.tgid == getpid() && ci.owner_tgid == getppid();
		// Unprivileged: euid changes, the opener's stays.
		if (ok && setresuid(1000, 1000, 1000) == 0) {
			read_info(fd, &ci);
			ok = ci.euid == 1000 && ci.opener_euid == 0 && ci.can_nice_minus5 == 0;
		} else {
			ok = 0;
		}
		_exit(ok ? 0 : 1);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child ids/euid wrong (status %#x)", status);

	// Nice, with binder's rules.
	int nice = -5;
	CHECK(ioctl(fd, MAPPER_SETNICE, &nice) == 20 - 5 && getpriority(PRIO_PROCESS, 0) == -5, "root SETNICE -5");
	nice = 0;
	CHECK(ioctl(fd, MAPPER_SETNICE, &nice) == 20 + 0 && getpriority(PRIO_PROCESS, 0) == 0, "SETNICE 0");
	nice = 99;
	errno = 0;
	CHECK(ioctl(fd, MAPPER_SETNICE, &nice) < 0 && errno == EINVAL, "SETNICE 99 not EINVAL");
	child = fork();
	if (child == 0) {
		// RLIMIT_NICE 15: the lowest nice allowed is 20 - 15 = 5.
		struct rlimit rl = {15, 15};
		int ok = setrlimit(RLIMIT_NICE, &rl) == 0 && setresuid(1000, 1000, 1000) == 0;
		int want = -10;
		ok = ok && ioctl(fd, MAPPER_SETNICE, &want) == 20 + 5 && getpriority(PRIO_PROCESS, 0) == 5;
		struct mapper_info ci;
		read_info(fd, &ci);
		ok = ok && ci.min_nice == 5 && ci.nice == 5;
		want = 10; // allowed as is
		ok = ok && ioctl(fd, MAPPER_SETNICE, &want) == 20 + 10 && getpriority(PRIO_PROCESS, 0) == 10;
		_exit(ok ? 0 : 1);
	}
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "unprivileged SETNICE (status %#x)", status);
	close(fd);
	printf("mapper_test: tasks and credentials ok\n");
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_waits(void)
{
	int fd = open_dev();
	// A waiter in a child, woken by a kick.
	pid_t child = fork();
	if (child == 0)
		_exit(ioctl(fd, MAPPER_WAIT) == 0 ? 0 : 1);
	usleep(100000);
	CHECK(ioctl(fd, MAPPER_RESET_WAIT) < 0 && errno == EBUSY, "RESET_WAIT with a sleeper not EBUSY");
	CHECK(ioctl(fd, MAPPER_KICK) == 0, "KICK");
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "waiter not woken (status %#x)", status);

	// A signal ends the wait with EINTR (no SA_RESTART).
	struct sigaction sa = {.sa_handler = on_alarm};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval t = {.it_value = {0, 100000}};
	setitimer(ITIMER_REAL, &t, NULL);
	errno = 0;
	CHECK(ioctl(fd, MAPPER_WAIT) < 0 && errno == EINTR, "WAIT not interrupted by a signal");

	// poll and epoll: readable once kicked.
	struct pollfd p = {.fd = fd, .events = POLLIN};
	CHECK(poll(&p, 1, 0) == 0, "readable before a kick");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
	struct epoll_event out;
	CHECK(epoll_wait(ep, &out, 1, 0) == 0, "epoll ready before a kick");
	CHECK(ioctl(fd, MAPPER_KICK) == 0, "KICK");
	CHECK(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.u32 == 7 && (out.events & EPOLLIN), "epoll not woken");
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "not readable after a kick");
	CHECK(ioctl(fd, MAPPER_WAIT) == 0, "WAIT with a kick pending");

	// The wait queue epoll sleeps on is freed while the file stays open: epoll is detached
	// (POLLFREE) instead of keeping a pointer into freed memory (KASAN would tell).
	CHECK(ioctl(fd, MAPPER_RESET_WAIT) == 0, "RESET_WAIT");
	CHECK(ioctl(fd, MAPPER_KICK) == 0, "KICK after reset");
	(void)epoll_wait(ep, &out, 1, 50); // the old entry is gone; no crash, no report
	CHECK(poll(&p, 1, 0) == 1, "poll on the new queue");
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL) == 0 || errno == ENOENT, "epoll_ctl DEL");
	close(ep);
	CHECK(ioctl(fd, MAPPER_WAIT) == 0, "WAIT after reset");
	close(fd);
	printf("mapper_test: waits ok\n");
}

int main(int argc, char **argv)
{
	dev = argc > 1 ? argv[1] : "/dev/kcpp_mapper";
	page = sysconf(_SC_PAGESIZE);
	test_mmap_and_pages();
	test_fds();
	test_tasks();
	test_waits();
	printf("mapper_test: all ok\n");
	return 0;
}
