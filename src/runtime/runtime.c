// SPDX-License-Identifier: GPL-2.0
/* The C++ runtime's panic and warning paths, and small runtime facts. */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/printk.h>
#include <kcpp/bindings.h>

/*
 * SAFETY: ends in BUG(), which objtool knows as a dead end (ud2 + bug table), so C++ callers
 * of this noreturn function need no code after the call.
 */
void kcpp_panic(const char *file, int line, const char *msg)
{
	pr_emerg("kcpp panic at %s:%d: %s\n", file, line, msg);
	BUG();
}

void kcpp_warn(const char *file, int line, const char *msg)
{
	WARN(1, "kcpp warning at %s:%d: %s\n", file, line, msg);
}

int kcpp_in_atomic(void)
{
	return !preemptible();
}
