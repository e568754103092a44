// SPDX-License-Identifier: GPL-2.0
// spin — keeps the benchmark guest's only vCPU from ever going idle: a SCHED_IDLE task that
// loops in user space, so whenever fio sleeps waiting for a device, this runs instead of the
// idle task. Why: under `-icount sleep=off` an idle vCPU makes QEMU jump the virtual clock to
// the next timer, and the guest then handles timer interrupts for as long as the host takes to
// complete the I/O, which adds a host-dependent number of kernel instructions to each I/O.
// With a runnable task the clock only moves with executed instructions. It stops itself once
// set up; the markers (marker.c) let it run during the measured runs only.
// The loop lives in its own page-aligned section so that the icount plugin can count it apart
// (icount.so idle=LO-HI; bench/benchlib.py reads the range from this binary with nm).
// Build: gcc -static -no-pie -O2 -o spin spin.c
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>

__attribute__((noinline, noreturn, section(".text.kcpp_spin"), aligned(4096))) static void spin(void)
{
	// A bare jump: QEMU chains the block to itself and stays in generated code until the
	// icount budget runs out. (`pause` would leave the CPU loop on every iteration, taking the
	// big QEMU lock each time and starving the thread that completes the device's I/O.)
	for (;;)
		__asm__ volatile("" ::: "memory");
}

int main(void)
{
	struct sched_param p = { 0 };
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) || sched_setscheduler(0, SCHED_IDLE, &p)) {
		perror("spin");
		return 1;
	}
	raise(SIGSTOP); // until the first run's marker continues it
	spin();
}
