// SPDX-License-Identifier: GPL-2.0
// kcpp_kunit_sync: KUnit suites for locks, waiting and deferred work.
#include <kcpp/kunit.h>

KCPP_KUNIT_SUITE_DECL(kcpp_spinlock);
KCPP_KUNIT_SUITE_DECL(kcpp_mutex);
KCPP_KUNIT_SUITE_DECL(kcpp_lockdep);
KCPP_KUNIT_SUITE_DECL(kcpp_condvar);
KCPP_KUNIT_SUITE_DECL(kcpp_completion);
KCPP_KUNIT_SUITE_DECL(kcpp_workqueue);

KCPP_KUNIT_MODULE("GPL", kcpp_spinlock, kcpp_mutex, kcpp_lockdep, kcpp_condvar, kcpp_completion, kcpp_workqueue);
KCPP_MODULE_DESCRIPTION("kcpp KUnit tests: locks, lockdep classes, condition variables, completions, work");
