// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit glue for kcpp/kunit.h: fills the struct kunit_suite and kunit_case storage that a
 * C++ test module lists in .kunit_test_suites, and reports results through KUnit.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <kcpp/bindings.h>
#include <kcpp/gen/layout.h>

static_assert(sizeof(struct kunit_suite) == KCPP_SIZEOF_KUNIT_SUITE, "kunit_suite size changed");
static_assert(sizeof(struct kunit_case) == KCPP_SIZEOF_KUNIT_CASE, "kunit_case size changed");

/*
 * SAFETY: `suite` is C++ storage of KCPP_SIZEOF_KUNIT_SUITE bytes, zero-initialised, in the
 * module's .data, and def->case_storage has room for ncases + 1 struct kunit_case (the
 * terminating zeroed case). Called from module init, before KUnit reads the suite (it runs
 * module suites when the module goes live).
 */
void kcpp_kunit_fill_suite(void *suite, const struct kcpp_kunit_suite_def *def)
{
	struct kunit_suite *s = suite;
	struct kunit_case *cases = def->case_storage;
	size_t i;

	memset(cases, 0, sizeof(*cases) * (def->ncases + 1));
	for (i = 0; i < def->ncases; i++) {
		cases[i].name = def->cases[i].name;
		/* struct kcpp_kunit is struct kunit: the C++ side only passes it back to us. */
		cases[i].run_case = (void (*)(struct kunit *))def->cases[i].run;
	}
	/* kunit_suite.name is a const array (C suites are static initialisers); this one is
	 * writable C++ storage, filled once here before KUnit reads it. */
	strscpy((char *)s->name, def->name, sizeof(s->name));
	s->test_cases = cases;
}

#define TEST(t) ((struct kunit *)(t))

/*
 * KUnit's failure reporting allocates (a string stream per failed expectation), and a test
 * may fail while kcpp::kunit::FailAllocations makes this task's allocations fail: report
 * with fault injection off for the current task, then put it back.
 */
static int kcpp_kunit_pause_fault_injection(void)
{
#ifdef CONFIG_FAULT_INJECTION
	int saved = current->make_it_fail;

	current->make_it_fail = 0;
	return saved;
#else
	return 0;
#endif
}

static void kcpp_kunit_resume_fault_injection(int saved)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = saved;
#endif
}

void kcpp_kunit_fail(struct kcpp_kunit *test, const char *file, int line, const char *msg)
{
	int saved = kcpp_kunit_pause_fault_injection();

	KUNIT_FAIL(TEST(test), "%s:%d: %s", file, line, msg);
	kcpp_kunit_resume_fault_injection(saved);
}

/*
 * __kunit_abort() (what KUNIT_ASSERT_* call) is __noreturn and listed in objtool's
 * noreturns.h, so objtool knows this function is a dead end too (it checks the linked
 * module, where this definition is visible), and C++ callers need no code after the call.
 */
void kcpp_kunit_abort(struct kcpp_kunit *test, const char *file, int line, const char *msg)
{
	kcpp_kunit_pause_fault_injection();
	KUNIT_FAIL(TEST(test), "%s:%d: %s", file, line, msg);
	__kunit_abort(TEST(test));
}

void kcpp_kunit_skip(struct kcpp_kunit *test, const char *reason)
{
	kunit_mark_skipped(TEST(test), "%s", reason);
}

void kcpp_kunit_log(struct kcpp_kunit *test, const char *msg)
{
	int saved = kcpp_kunit_pause_fault_injection();

	kunit_info(TEST(test), "%s", msg);
	kcpp_kunit_resume_fault_injection(saved);
}

/*
 * kunit_vm_mmap() attaches a fresh mm to the test's kthread if it has none (the static
 * kunit_attach_mm() in lib/kunit/user_alloc.c) and maps anonymous memory in it; KUnit drops
 * the mapping with the mm when the test case's thread exits.
 */
kcpp_uptr_t kcpp_kunit_alloc_user(struct kcpp_kunit *test, kcpp_size_t size)
{
	unsigned long addr = kunit_vm_mmap(TEST(test), NULL, 0, size, PROT_READ | PROT_WRITE,
					   MAP_ANONYMOUS | MAP_PRIVATE, 0);

	if (IS_ERR_VALUE(addr) || addr >= TASK_SIZE)
		return 0;
	return addr;
}
