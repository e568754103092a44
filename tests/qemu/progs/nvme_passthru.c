// SPDX-License-Identifier: GPL-2.0
// NVMe passthrough on a namespace block device, printed line by line so that the kernel's
// nvme driver and kcpp_nvme can be compared (tests/qemu/nvme_passthru.sh diffs the outputs):
// NVME_IOCTL_ID, IO_CMD, IO64_CMD, SUBMIT_IO, ADMIN_CMD on the disk, the data they move
// checked against O_DIRECT reads, the errors for bad commands, and what an unprivileged
// caller may do.
//
// usage: nvme_passthru /dev/DISK
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dev;
static unsigned nsid;

// "name: rc=<ioctl return> errno=<errno or 0> result=<result>"
static void report(const char *name, int rc, unsigned long long result)
{
	printf("%s: rc=%d errno=%d result=%llu\n", name, rc, rc < 0 ? errno : 0, result);
}

static int io_cmd(int fd, unsigned opcode, unsigned ns, void *buf, unsigned len, unsigned long long slba,
		  unsigned flags, unsigned *result)
{
	struct nvme_passthru_cmd c = {0};
	c.opcode = opcode;
	c.flags = flags;
	c.nsid = ns;
	c.addr = (uintptr_t)buf;
	c.data_len = len;
	c.cdw10 = (unsigned)slba;
	c.cdw11 = (unsigned)(slba >> 32);
	c.cdw12 = len ? len / 512 - 1 : 0;
	int rc = ioctl(fd, NVME_IOCTL_IO_CMD, &c);
	*result = c.result;
	return rc;
}

static void check_data(const char *name, const void *expect, unsigned long long offset, unsigned len)
{
	int fd = open(dev, O_RDONLY | O_DIRECT);
	void *buf;
	if (fd < 0 || posix_memalign(&buf, 4096, len) || pread(fd, buf, len, offset) != (ssize_t)len) {
		printf("%s: cannot read back: %s\n", name, strerror(errno));
		exit(1);
	}
	printf("%s: %s\n", name, memcmp(buf, expect, len) ? "DIFFERENT" : "same");
	free(buf);
	close(fd);
}

static void unprivileged(void)
{
	fflush(stdout); // the child must not repeat what is buffered
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534)) {
			perror("setuid");
			_exit(1);
		}
		int fd = open(dev, O_RDONLY);
		if (fd < 0) {
			printf("open as nobody: %s\n", strerror(errno));
			fflush(stdout);
			_exit(1);
		}
		static char buf[4096] __attribute__((aligned(4096)));
		unsigned result = 0;
		report("nobody read", io_cmd(fd, 0x02, nsid, buf, 4096, 0, 0, &result), result);
		report("nobody write (read-only fd)", io_cmd(fd, 0x01, nsid, buf, 4096, 0, 0, &result), result);
		report("nobody dsm", io_cmd(fd, 0x09, nsid, NULL, 0, 0, 0, &result), result);
		struct nvme_admin_cmd id = {.opcode = 0x06, .addr = (uintptr_t)buf, .data_len = 4096, .cdw10 = 1};
		report("nobody identify controller", ioctl(fd, NVME_IOCTL_ADMIN_CMD, &id), id.result);
		struct nvme_admin_cmd log = {.opcode = 0x02, .nsid = 0xffffffff, .addr = (uintptr_t)buf, .data_len = 512,
					     .cdw10 = 0x02 | (127u << 16)};
		report("nobody smart log", ioctl(fd, NVME_IOCTL_ADMIN_CMD, &log), log.result);
		struct nvme_user_io uio = {.opcode = 0x02, .nblocks = 7, .addr = (uintptr_t)buf};
		report("nobody submit_io read", ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio), 0);
		uio.opcode = 0x01;
		report("nobody submit_io write", ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio), 0);
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		exit(1);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s /dev/DISK\n", argv[0]);
		return 2;
	}
	dev = argv[1];
	int fd = open(dev, O_RDWR);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	int id = ioctl(fd, NVME_IOCTL_ID);
	printf("nsid: %d\n", id);
	if (id <= 0)
		return 1;
	nsid = id;

	enum { LEN = 64 * 1024 };
	unsigned char *pattern, *buf;
	if (posix_memalign((void **)&pattern, 4096, LEN) || posix_memalign((void **)&buf, 4096, LEN))
		return 1;
	srand(42);
	for (int i = 0; i < LEN; ++i)
		pattern[i] = rand();
	unsigned result = 0;

	// Data through each interface, checked with O_DIRECT reads of the disk.
	report("io_cmd write 64k @2048", io_cmd(fd, 0x01, nsid, pattern, LEN, 2048, 0, &result), result);
	check_data("io_cmd write data", pattern, 2048 * 512ull, LEN);
	struct nvme_passthru_cmd64 c64 = {.opcode = 0x02, .nsid = nsid, .addr = (uintptr_t)buf, .data_len = LEN,
					  .cdw10 = 2048, .cdw12 = LEN / 512 - 1};
	memset(buf, 0, LEN);
	report("io64_cmd read 64k @2048", ioctl(fd, NVME_IOCTL_IO64_CMD, &c64), c64.result);
	printf("io64_cmd read data: %s\n", memcmp(buf, pattern, LEN) ? "DIFFERENT" : "same");
	// Unaligned user buffer: the block layer bounces it.
	report("io_cmd write unaligned buffer", io_cmd(fd, 0x01, nsid, pattern + 1, 4096, 4096, 0, &result), result);
	check_data("io_cmd unaligned data", pattern + 1, 4096 * 512ull, 4096);

	struct nvme_user_io uio = {.opcode = 0x01, .nblocks = 15, .addr = (uintptr_t)pattern, .slba = 8192};
	report("submit_io write 8k @8192", ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio), 0);
	check_data("submit_io write data", pattern, 8192 * 512ull, 8192);
	memset(buf, 0, LEN);
	uio.opcode = 0x02;
	uio.addr = (uintptr_t)buf;
	report("submit_io read 8k @8192", ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio), 0);
	printf("submit_io read data: %s\n", memcmp(buf, pattern, 8192) ? "DIFFERENT" : "same");

	// Commands the device rejects come back as their NVMe status (positive).
	report("io_cmd read beyond the end", io_cmd(fd, 0x02, nsid, buf, 4096, 1ull << 40, 0, &result), result);
	report("io_cmd unknown opcode 0x7e", io_cmd(fd, 0x7e, nsid, NULL, 0, 0, 0, &result), result);
	report("io_cmd flush", io_cmd(fd, 0x00, nsid, NULL, 0, 0, 0, &result), result);
	// Commands the driver rejects.
	report("io_cmd wrong nsid", io_cmd(fd, 0x02, nsid + 1, buf, 4096, 0, 0, &result), result);
	report("io_cmd bad address", io_cmd(fd, 0x02, nsid, (void *)8, 4096, 0, 0, &result), result);
	report("io_cmd 4 MiB", io_cmd(fd, 0x02, nsid, buf, 4u << 20, 0, 0, &result), result);
	uio.opcode = 0x09;
	report("submit_io dsm", ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio), 0);
	uio.opcode = 0x02;
	uio.flags = 1;
	report("submit_io flags", ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio), 0);
	report("unknown ioctl", ioctl(fd, _IO('N', 0x7f)), 0);

	// Admin commands on the disk reach the controller.
	struct nvme_admin_cmd idc = {.opcode = 0x06, .addr = (uintptr_t)buf, .data_len = 4096, .cdw10 = 1};
	memset(buf, 0, 4096);
	report("admin identify controller", ioctl(fd, NVME_IOCTL_ADMIN_CMD, &idc), idc.result);
	printf("identify vid: %#x model: %.14s\n", buf[0] | buf[1] << 8, (const char *)buf + 24);

	unprivileged();
	close(fd);
	return 0;
}
