// SPDX-License-Identifier: GPL-2.0
// kcpp_kunit_core: KUnit suites for the runtime and the single-threaded abstractions.
#include <kcpp/kunit.h>

KCPP_KUNIT_SUITE_DECL(kcpp_error);
KCPP_KUNIT_SUITE_DECL(kcpp_runtime);
KCPP_KUNIT_SUITE_DECL(kcpp_box);
KCPP_KUNIT_SUITE_DECL(kcpp_vec);
KCPP_KUNIT_SUITE_DECL(kcpp_arc);
KCPP_KUNIT_SUITE_DECL(kcpp_format);
KCPP_KUNIT_SUITE_DECL(kcpp_params);
KCPP_KUNIT_SUITE_DECL(kcpp_list);
KCPP_KUNIT_SUITE_DECL(kcpp_time);
KCPP_KUNIT_SUITE_DECL(kcpp_io);
KCPP_KUNIT_SUITE_DECL(kcpp_uaccess);
KCPP_KUNIT_SUITE_DECL(kcpp_block);

KCPP_KUNIT_MODULE("GPL", kcpp_error, kcpp_runtime, kcpp_box, kcpp_vec, kcpp_arc, kcpp_format, kcpp_params,
		  kcpp_list, kcpp_time, kcpp_io, kcpp_uaccess, kcpp_block);
KCPP_MODULE_DESCRIPTION("kcpp KUnit tests: errors, runtime, containers, formatting, parameters, time, I/O, user memory, block requests");
