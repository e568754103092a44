// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
/* Log output for kcpp/print.h: the module name prefix is KBUILD_MODNAME of the module
 * this shim is linked into. */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <kcpp/bindings.h>

void kcpp_print(int level, const char *msg, size_t len)
{
	int n = len > INT_MAX ? INT_MAX : (int)len;

	switch (level) {
	case 0: pr_emerg("%.*s\n", n, msg); break;
	case 1: pr_alert("%.*s\n", n, msg); break;
	case 2: pr_crit("%.*s\n", n, msg); break;
	case 3: pr_err("%.*s\n", n, msg); break;
	case 4: pr_warn("%.*s\n", n, msg); break;
	case 5: pr_notice("%.*s\n", n, msg); break;
	case 6: pr_info("%.*s\n", n, msg); break;
	default: printk(KERN_DEBUG pr_fmt("%.*s\n"), n, msg); break;
	}
}

int kcpp_format_pointer(char *buf, size_t size, const void *ptr)
{
	return scnprintf(buf, size, "%p", ptr);
}
