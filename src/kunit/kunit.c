// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit glue for kcpp/kunit.h: fills the struct kunit_suite and kunit_case storage that a
 * C++ test module lists in .kunit_test_suites, and reports results through KUnit.
 */
#include <kunit/test.h>
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
	strscpy(s->name, def->name, sizeof(s->name));
	s->test_cases = cases;
}

#define TEST(t) ((struct kunit *)(t))

void kcpp_kunit_fail(struct kcpp_kunit *test, const char *file, int line, const char *msg)
{
	KUNIT_FAIL(TEST(test), "%s:%d: %s", file, line, msg);
}

void kcpp_kunit_abort(struct kcpp_kunit *test, const char *file, int line, const char *msg)
{
	KUNIT_FAIL(TEST(test), "%s:%d: %s", file, line, msg);
	kunit_abort(TEST(test));
}

void kcpp_kunit_skip(struct kcpp_kunit *test, const char *reason)
{
	kunit_mark_skipped(TEST(test), "%s", reason);
}

void kcpp_kunit_log(struct kcpp_kunit *test, const char *msg)
{
	kunit_info(TEST(test), "%s", msg);
}
