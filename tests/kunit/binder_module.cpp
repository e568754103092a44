// SPDX-License-Identifier: GPL-2.0
// kcpp_kunit_binder: KUnit suites for the abstractions the binder driver uses.
#include <kcpp/kunit.h>

KCPP_KUNIT_SUITE_DECL(kcpp_rbtree);
KCPP_KUNIT_SUITE_DECL(kcpp_page);
KCPP_KUNIT_SUITE_DECL(kcpp_mm);
KCPP_KUNIT_SUITE_DECL(kcpp_wait_more);
KCPP_KUNIT_SUITE_DECL(kcpp_task_cred);
KCPP_KUNIT_SUITE_DECL(kcpp_debugfs);

KCPP_KUNIT_MODULE("GPL", kcpp_rbtree, kcpp_page, kcpp_mm, kcpp_wait_more, kcpp_task_cred, kcpp_debugfs);
KCPP_MODULE_DESCRIPTION("kcpp KUnit tests: red-black trees, pages, mm and VMAs, binder's waits, tasks and credentials, debugfs");
