// SPDX-License-Identifier: GPL-2.0
/*
 * The module's entry points, in C: module_init/module_exit keep init_module and
 * cleanup_module addressable and ENDBR-sealed correctly (objtool would seal a C++-defined
 * init_module), and call the C++ side that KCPP_MODULE / KCPP_KUNIT_MODULE define.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <kcpp/bindings.h>

static int __init kcpp_entry_init(void)
{
	return kcpp_module_init();
}

static void __exit kcpp_entry_exit(void)
{
	kcpp_module_exit();
}

module_init(kcpp_entry_init);
module_exit(kcpp_entry_exit);
