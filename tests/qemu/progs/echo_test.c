// SPDX-License-Identifier: GPL-2.0
// User-space test of /dev/kcpp_echo (samples/echo): every file operation, as root and as an
// unprivileged user, and the errors bad input must get. Exits non-zero on the first failure.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ECHO_LENGTH _IOR('k', 1, uint64_t)
#define ECHO_CLEAR _IO('k', 2)
#define ECHO_OPENS _IOR('k', 3, uint64_t)

#define CHECK(cond, ...)                                                                  \
	do {                                                                                  \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "echo_test: FAIL line %d: ", __LINE__);                       \
			fprintf(stderr, __VA_ARGS__);                                                 \
			fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));                 \
			exit(1);                                                                      \
		}                                                                                 \
	} while (0)

static uint64_t length(int fd)
{
	uint64_t len = 12345;
	CHECK(ioctl(fd, ECHO_LENGTH, &len) == 0, "LENGTH ioctl");
	return len;
}

int main(void)
{
	char buf[64];
	int fd = open("/dev/kcpp_echo", O_RDWR);
	CHECK(fd >= 0, "open");
	CHECK(length(fd) == 0, "a fresh device holds a message");

	struct pollfd p = {.fd = fd, .events = POLLIN};
	CHECK(poll(&p, 1, 0) == 0, "readable while empty");

	CHECK(write(fd, "hello, kcpp", 11) == 11, "write");
	CHECK(length(fd) == 11, "length after write");
	CHECK(poll(&p, 1, 0) == 1 && (p.revents & POLLIN), "not readable after a write");

	int fd2 = open("/dev/kcpp_echo", O_RDONLY);
	CHECK(fd2 >= 0, "second open");
	CHECK(read(fd2, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "first read");
	CHECK(read(fd2, buf, sizeof(buf)) == 6 && memcmp(buf, ", kcpp", 6) == 0, "read continues at its position");
	CHECK(read(fd2, buf, sizeof(buf)) == 0, "read at the end is not 0");
	uint64_t opens = 0;
	CHECK(ioctl(fd2, ECHO_OPENS, &opens) == 0 && opens >= 2, "opens %llu", (unsigned long long)opens);
	close(fd2);

	// Bad input: faulting user pointers, an unknown ioctl, a message too large.
	void *unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(unmapped != MAP_FAILED, "mmap");
	errno = 0;
	CHECK(ioctl(fd, ECHO_LENGTH, unmapped) == -1 && errno == EFAULT, "LENGTH to a bad pointer");
	errno = 0;
	CHECK(write(fd, unmapped, 16) == -1 && errno == EFAULT, "write from a bad pointer");
	CHECK(length(fd) == 11, "a failed write changed the message");
	errno = 0;
	CHECK(pread(fd, unmapped, 8, 0) == -1 && errno == EFAULT, "read into a bad pointer");
	errno = 0;
	CHECK(ioctl(fd, _IO('k', 99)) == -1 && errno == ENOTTY, "unknown ioctl");
	static char big[8192];
	errno = 0;
	CHECK(write(fd, big, sizeof(big)) == -1 && errno == EFBIG, "oversized write");

	// CLEAR is for the administrator only.
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		CHECK(setuid(65534) == 0, "setuid");
		errno = 0;
		CHECK(ioctl(fd, ECHO_CLEAR) == -1 && errno == EPERM, "CLEAR as nobody");
		_exit(0);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0, "unprivileged child");
	CHECK(length(fd) == 11, "nobody cleared the message");
	CHECK(ioctl(fd, ECHO_CLEAR) == 0, "CLEAR as root");
	CHECK(length(fd) == 0, "CLEAR left a message");
	close(fd);
	printf("echo_test: ok\n");
	return 0;
}
