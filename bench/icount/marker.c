// SPDX-License-Identifier: GPL-2.0
// marker ID [FILE [SPINPIDFILE]] — executes the marker instruction the icount plugin (icount.c) recognises:
// `nopl 0x4b43XXXX(%rax,%rax,1)` with XXXX = ID (0..65535), which makes the plugin write the
// guest instructions counted since the previous marker. The instruction is generated at run
// time in an executable page, so one static binary serves every id.
// With FILE, it also appends "ID NANOSECONDS" (CLOCK_MONOTONIC, guest time) to FILE: read
// before the marker instruction for an even ID (a run's start), after it for an odd one (its
// end), so the time written brackets the counted interval and the file writes stay outside.
// With SPINPIDFILE (holding the pid of the idle spinner, spin.c), it lets that process run
// during the run: SIGCONT before the marker instruction of an even ID, SIGSTOP after that of
// an odd one.
// Build: gcc -static -O2 -o marker marker.c
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static int stamp(const char *file, unsigned long id)
{
	struct timespec ts;
	FILE *f;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) || !(f = fopen(file, "a"))) {
		perror("marker");
		return 1;
	}
	fprintf(f, "%lu %lld\n", id, (long long)ts.tv_sec * 1000000000 + ts.tv_nsec);
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long id;

	long spin_pid = 0;

	if (argc < 2 || argc > 4 || (id = strtoul(argv[1], &end, 0)) > 0xffff || *end || !*argv[1]) {
		fprintf(stderr, "usage: marker ID (0..65535) [FILE [SPINPIDFILE]]\n");
		return 2;
	}
	if (argc == 4) {
		FILE *f = fopen(argv[3], "r");
		if (!f || fscanf(f, "%ld", &spin_pid) != 1 || spin_pid <= 0) {
			fprintf(stderr, "marker: no pid in %s\n", argv[3]);
			return 1;
		}
		fclose(f);
	}
	unsigned char code[] = { 0x0f, 0x1f, 0x84, 0x00, id & 0xff, id >> 8, 0x43, 0x4b, 0xc3 /* ret */ };
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		perror("marker: mmap");
		return 1;
	}
	memcpy(page, code, sizeof(code));
	if (id % 2 == 0) {
		if (spin_pid > 0 && kill((pid_t)spin_pid, SIGCONT)) {
			perror("marker: SIGCONT");
			return 1;
		}
		if (argc >= 3 && stamp(argv[2], id))
			return 1;
	}
	((void (*)(void))page)();
	if (id % 2 == 1) {
		if (argc >= 3 && stamp(argv[2], id))
			return 1;
		if (spin_pid > 0 && kill((pid_t)spin_pid, SIGSTOP)) {
			perror("marker: SIGSTOP");
			return 1;
		}
	}
	return 0;
}
