// SPDX-License-Identifier: GPL-2.0
// nvme_segments: O_DIRECT transfers whose data lies in several physically separate pieces, the
// shapes an NVMe driver must describe with PRPs: a first piece that may start inside a page,
// whole pages, and a last piece that may end inside one. Each transfer is one pwritev/preadv
// over iovecs in pages that are not physically adjacent (checked in /proc/self/pagemap, so
// the block layer cannot merge them into one segment), written with random data and read
// back into other such pages, then compared. Under swiotlb=force every piece is bounced on
// its own, so the bounce buffers must keep each piece's offset within the controller page.
// Single 1.5 KiB transfers in between shift where the bounce buffers land.
//
// usage: nvme_segments /dev/DISK ITERATIONS OFFSET_MB
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define PAGE 4096
#define POOL 256	 // pages to pick pieces from
#define MAX_PIECES 4
#define SLOT (64 * 1024) // disk bytes per transfer slot

static uint8_t *pool;
static uint64_t pfn[POOL];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

// Picks `n` distinct pool pages, none physically right after the one before it.
static void pick_pages(int n, int *pages, const int *avoid, int navoid)
{
	for (int tries = 0; tries < 10000; ++tries) {
		int ok = 1;
		for (int i = 0; i < n && ok; ++i) {
			pages[i] = (int)rnd(POOL);
			for (int j = 0; j < i; ++j)
				ok &= pages[j] != pages[i];
			for (int j = 0; j < navoid; ++j)
				ok &= avoid[j] != pages[i];
			if (i > 0)
				ok &= pfn[pages[i]] != pfn[pages[i - 1]] + 1;
		}
		if (ok)
			return;
	}
	fprintf(stderr, "nvme_segments: cannot find %d physically separate pages\n", n);
	exit(1);
}

// Lays out `len` bytes as pieces: first at offset `first_off` to its page's end, then whole
// pages, the last ending wherever `len` does.
static int shape(struct iovec *iov, const int *pages, uint32_t first_off, uint32_t len)
{
	int n = 0;
	uint32_t off = first_off;
	while (len > 0) {
		uint32_t piece = PAGE - off < len ? PAGE - off : len;
		iov[n].iov_base = pool + (size_t)pages[n] * PAGE + off;
		iov[n].iov_len = piece;
		len -= piece;
		off = 0;
		++n;
	}
	return n;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: nvme_segments /dev/DISK ITERATIONS OFFSET_MB\n");
		return 2;
	}
	const long iterations = atol(argv[2]);
	const off_t base = (off_t)atol(argv[3]) << 20;
	int fd = open(argv[1], O_RDWR | O_DIRECT);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	pool = mmap(NULL, (size_t)POOL * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (pool == MAP_FAILED || mlock(pool, (size_t)POOL * PAGE) != 0) {
		perror("pool");
		return 1;
	}
	// Touch the pages backwards, so that the allocator is less likely to hand them out in order.
	for (int i = POOL - 1; i >= 0; --i)
		pool[(size_t)i * PAGE] = 1;
	int pm = open("/proc/self/pagemap", O_RDONLY);
	for (int i = 0; i < POOL; ++i) {
		uint64_t e = 0;
		if (pm < 0 || pread(pm, &e, sizeof(e), (off_t)((uintptr_t)(pool + (size_t)i * PAGE) / PAGE) * 8) != 8 ||
		    !(e & (1ull << 63)) || (e & ((1ull << 55) - 1)) == 0) {
			fprintf(stderr, "nvme_segments: no physical frame numbers in /proc/self/pagemap (root needed)\n");
			return 1;
		}
		pfn[i] = e & ((1ull << 55) - 1);
	}

	static uint8_t expect[MAX_PIECES * PAGE];
	long pieces_total = 0, short_last = 0, offset_first = 0;
	for (long it = 0; it < iterations; ++it) {
		const off_t where = base + (off_t)(it % 512) * SLOT;
		if (it % 3 == 2) {
			// One 1.5 KiB piece at a 512-byte offset in its page: moves the bounce buffers.
			int p;
			pick_pages(1, &p, NULL, 0);
			uint8_t *buf = pool + (size_t)p * PAGE + 512;
			for (int i = 0; i < 1536; ++i)
				buf[i] = (uint8_t)rnd(256);
			if (pwrite(fd, buf, 1536, where) != 1536) {
				fprintf(stderr, "nvme_segments: iteration %ld: 1.5 KiB write: %s\n", it, strerror(errno));
				return 1;
			}
			continue;
		}
		const int want = 2 + (int)rnd(MAX_PIECES - 1); // 2..4 pieces
		const uint32_t first_off = 512 * rnd(8);
		const uint32_t last_len = 512 * (1 + rnd(8));
		const uint32_t len = (PAGE - first_off) + (uint32_t)(want - 2) * PAGE + last_len;
		int wpages[MAX_PIECES], rpages[MAX_PIECES];
		struct iovec wiov[MAX_PIECES], riov[MAX_PIECES];
		pick_pages(want, wpages, NULL, 0);
		pick_pages(want, rpages, wpages, want);
		const int n = shape(wiov, wpages, first_off, len);
		shape(riov, rpages, first_off, len);
		size_t at = 0;
		for (int i = 0; i < n; ++i) {
			for (size_t b = 0; b < wiov[i].iov_len; ++b)
				((uint8_t *)wiov[i].iov_base)[b] = (uint8_t)rnd(256);
			memcpy(expect + at, wiov[i].iov_base, wiov[i].iov_len);
			memset(riov[i].iov_base, 0xa5, riov[i].iov_len);
			at += wiov[i].iov_len;
		}
		ssize_t w = pwritev(fd, wiov, n, where);
		ssize_t r = w == (ssize_t)len ? preadv(fd, riov, n, where) : -1;
		if (w != (ssize_t)len || r != (ssize_t)len) {
			fprintf(stderr, "nvme_segments: iteration %ld: %d pieces, first at offset %u, last %u bytes, %u in all: %s %s\n",
				it, n, first_off, last_len, len, w != (ssize_t)len ? "write" : "read", strerror(errno));
			return 1;
		}
		at = 0;
		for (int i = 0; i < n; ++i) {
			if (memcmp(riov[i].iov_base, expect + at, riov[i].iov_len) != 0) {
				fprintf(stderr, "nvme_segments: iteration %ld: piece %d of %d (%zu bytes, first at offset %u) read back different data\n",
					it, i, n, riov[i].iov_len, first_off);
				return 1;
			}
			at += riov[i].iov_len;
		}
		pieces_total += n;
		short_last += last_len < PAGE;
		offset_first += first_off != 0;
	}
	printf("nvme_segments: %ld iterations, %ld pieces, %ld with a short last piece, %ld with an offset first piece: ok\n",
	       iterations, pieces_total, short_last, offset_first);
	return 0;
}
