// SPDX-License-Identifier: GPL-2.0
// Helpers shared by kcpp's KUnit suites.
#pragma once

#include <kcpp/io.h>
#include <kcpp/kcpp.h>
#include <kcpp/kunit.h>

namespace kcpp_test {

using kcpp::kunit::Test;

// Constructions and destructions of Tracked objects, to check that containers construct and
// destroy exactly what they should.
struct Counts {
	int constructed = 0;
	int destroyed = 0;
	int live() const { return constructed - destroyed; }
};

struct Tracked {
	explicit Tracked(Counts *c, int v = 0) : counts(c), value(v) { ++counts->constructed; }
	Tracked(Tracked &&o) : counts(o.counts), value(o.value) { ++counts->constructed; }
	Tracked &operator=(Tracked &&o)
	{
		value = o.value;
		return *this;
	}
	Tracked(const Tracked &) = delete;
	~Tracked() { ++counts->destroyed; }

	Counts *counts;
	int value;
};

// An int that work items and the test thread may both touch.
inline int atomic_read(const int *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
inline void atomic_set(int *p, int v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
inline int atomic_inc(int *p) { return __atomic_add_fetch(p, 1, __ATOMIC_ACQ_REL); }

} // namespace kcpp_test

// Formats into a stack buffer and compares the text.
#define EXPECT_FORMAT(t, want, ...)                                                          \
	do {                                                                                     \
		char fmt_buf_[128];                                                                  \
		::kcpp::FormatBuffer fmt_out_(fmt_buf_, sizeof(fmt_buf_));                           \
		::kcpp::format_to(fmt_out_, __VA_ARGS__);                                            \
		KCPP_EXPECT_STREQ(t, fmt_out_.c_str(), want);                                        \
	} while (0)
