// SPDX-License-Identifier: GPL-2.0
// marker ID — executes the marker instruction the icount plugin (icount.c) recognises:
// `nopl 0x4b43XXXX(%rax,%rax,1)` with XXXX = ID (0..65535), which makes the plugin write the
// guest instructions counted since the previous marker. The instruction is generated at run
// time in an executable page, so one static binary serves every id.
// Build: gcc -static -O2 -o marker marker.c
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	char *end;
	unsigned long id;

	if (argc != 2 || (id = strtoul(argv[1], &end, 0)) > 0xffff || *end || !*argv[1]) {
		fprintf(stderr, "usage: marker ID (0..65535)\n");
		return 2;
	}
	unsigned char code[] = { 0x0f, 0x1f, 0x84, 0x00, id & 0xff, id >> 8, 0x43, 0x4b, 0xc3 /* ret */ };
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED) {
		perror("marker: mmap");
		return 1;
	}
	memcpy(page, code, sizeof(code));
	((void (*)(void))page)();
	return 0;
}
