// SPDX-License-Identifier: GPL-2.0
/*
 * binder_suite: the differential binder test suite. Runs each case (tests/binder/suite/t_*.c)
 * against one device and prints TAP lines; exits non-zero if any case fails.
 *
 * usage: binder_suite [-d /dev/DEVICE] [-D /dev/DEVICE2] [-t SECONDS] [-l] [CASE...]
 */
#include "suite.h"

/* Cases that may take longer on the debug kernel get more time than the default 30 s. */
static int case_timeout(const char *name)
{
	static const char *slow[] = { "buffer_exhaustion", "handle_allocation", "thread_pool", "freeze_pending" };

	for (size_t i = 0; i < sizeof(slow) / sizeof(slow[0]); i++)
		if (!strcmp(name, slow[i]))
			return 90;
	return 0;
}

#define CASE_ENTRY(name) { #name, case_##name, 0 },
static struct bt_case cases[] = {
	CASES_BASIC(CASE_ENTRY)
	CASES_TXN(CASE_ENTRY)
	CASES_OBJ(CASE_ENTRY)
	CASES_DEATH(CASE_ENTRY)
	CASES_FD(CASE_ENTRY)
	CASES_SG(CASE_ENTRY)
	CASES_ALLOC(CASE_ENTRY)
	CASES_THREAD(CASE_ENTRY)
	CASES_FREEZE(CASE_ENTRY)
	CASES_ERR(CASE_ENTRY)
};

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cases[i].timeout_s = case_timeout(cases[i].name);
	return bt_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]));
}
