// SPDX-License-Identifier: GPL-2.0
// kcpp/kunit.h — KUnit test suites written in C++.
//
//     static void push_grows(kcpp::kunit::Test &t) {
//         kcpp::Vec<int> v;
//         KCPP_ASSERT_OK(t, v.push(1, kcpp::gfp::KERNEL));
//         KCPP_EXPECT_EQ(t, v.len(), 1u);
//     }
//     KCPP_KUNIT_SUITE(kcpp_vec, KCPP_KUNIT_CASE(push_grows));
//     KCPP_KUNIT_MODULE("GPL", kcpp_vec);
//
// Each suite is a real struct kunit_suite, listed in the module's .kunit_test_suites section
// like kunit_test_suites() does in C, so KUnit runs it at insmod and prints KTAP. Its
// storage is filled from the C++ definitions by module init (KUnit runs suites once the
// module is live, after init). A module of several files lists the suites of the other
// files after KCPP_KUNIT_SUITE_DECL(name) (tests/kunit/core_module.cpp).
//
// An assertion ends the test case at once, like KUNIT_ASSERT_*: no destructor runs, so
// assert only before taking locks or queueing work. Test::alloc_user maps user memory for
// uaccess tests; FailAllocations makes the test's own allocations fail.
#pragma once

#include <kcpp/format.h>
#include <kcpp/gen/layout.h>
#include <kcpp/module.h>

namespace kcpp::kunit {

class Test {
public:
	explicit Test(kcpp_kunit *raw) : raw_(raw) {}

	template <typename... Args>
	void fail(const char *file, int line, typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,
		  const Args &...args)
	{
		char buf[200];
		FormatBuffer msg(buf, sizeof(buf));
		detail::format_decayed<format_arg_t<Args>...>(msg, fmt.str, args...);
		kcpp_kunit_fail(raw_, file, line, msg.c_str());
	}
	[[noreturn]] void abort(const char *file, int line, const char *what) { kcpp_kunit_abort(raw_, file, line, what); }
	void skip(const char *reason) { kcpp_kunit_skip(raw_, reason); }
	// A line in the test's log (KTAP comment).
	template <typename... Args>
	void log(typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt, const Args &...args)
	{
		char buf[200];
		FormatBuffer msg(buf, sizeof(buf));
		detail::format_decayed<format_arg_t<Args>...>(msg, fmt.str, args...);
		kcpp_kunit_log(raw_, msg.c_str());
	}
	// `size` bytes of anonymous read-write user memory in this test's own mm (kunit_vm_mmap),
	// for UserSlice tests: its user address, or 0 if it could not be mapped. It goes away
	// with the test case.
	uptr alloc_user(usize size) { return kcpp_kunit_alloc_user(raw_, size); }
	kcpp_kunit *raw() const { return raw_; }

private:
	kcpp_kunit *raw_;
};

template <usize NCases> struct SuiteStorage {
	Opaque<KCPP_SIZEOF_KUNIT_SUITE, KCPP_ALIGNOF_KUNIT_SUITE> suite;
	Opaque<KCPP_SIZEOF_KUNIT_CASE *(NCases + 1), KCPP_ALIGNOF_KUNIT_CASE> cases;
};

// A suite as KCPP_KUNIT_MODULE lists it: how to fill its struct kunit_suite.
struct SuiteRef {
	void (*fill)();
};

// What kcpp::detail::format_value accepts (it is an unconstrained template, so a requires-
// expression on it would accept every type and then fail to compile for the others).
template <typename T>
concept Formattable = is_integral_v<T> || is_enum_v<T> || is_pointer_v<T> || is_same_v<T, Error> ||
		      requires(const T &v, FormatBuffer &b) { v.format(b); };

// Makes every slab allocation of the current task fail while it is alive, through the
// kernel's failslab in task-filter mode (current->make_it_fail); the scenario configures
// failslab (tests/kunit/scenario.sh). Check armed() before relying on it:
//
//     kcpp::kunit::FailAllocations fail(t);
//     if (!fail.armed())
//         return;     // skipped (no fault injection here) or failed (failslab not set up)
//     KCPP_EXPECT_ERR(t, Box<int>::make(gfp::KERNEL, 1), code::ENOMEM);
//
// The constructor proves injection works with one probe allocation: a scenario that forgot
// to configure failslab fails the test instead of letting it pass without testing anything.
// Failure reports (Test::fail) pause injection while KUnit records them.
class FailAllocations : Pinned {
public:
	explicit FailAllocations(Test &t, const char *file = __builtin_FILE(), int line = __builtin_LINE())
	{
		if (kcpp_fault_inject_current(1) != 0) {
			t.skip("kernel without CONFIG_FAULT_INJECTION: cannot make allocations fail");
			return;
		}
		void *probe = kcpp_kmalloc(16, (gfp::KERNEL | gfp::NOWARN).bits());
		if (probe != nullptr) {
			(void)kcpp_fault_inject_current(0);
			kcpp_kfree(probe);
			t.fail(file, line,
			       "fault injection did not fail an allocation: configure "
			       "/sys/kernel/debug/failslab (task-filter=Y probability=100 times=-1 "
			       "ignore-gfp-wait=N) before loading the test module");
			return;
		}
		armed_ = true;
	}
	~FailAllocations() { disarm(); }
	bool armed() const { return armed_; }
	// Ends injection before the end of the scope.
	void disarm()
	{
		if (armed_)
			(void)kcpp_fault_inject_current(0);
		armed_ = false;
	}

private:
	bool armed_ = false;
};

namespace detail {
template <typename A, typename B, typename Cmp>
bool check_cmp(Test &t, const char *file, int line, const char *what, const A &a, const B &b, Cmp cmp)
{
	if (cmp(a, b))
		return true;
	if constexpr (Formattable<A> && Formattable<B>)
		t.fail(file, line, "expected {}, got {} and {}", what, a, b);
	else
		t.fail(file, line, "expected {}", what);
	return false;
}
inline bool check_streq(Test &t, const char *file, int line, const char *what_a, const char *what_b,
			const char *a, const char *b)
{
	if (a == b || (a != nullptr && b != nullptr && kcpp::detail::str_eq(a, b)))
		return true;
	t.fail(file, line, "expected {} == {}, got \"{}\" and \"{}\"", what_a, what_b, a, b);
	return false;
}
} // namespace detail

} // namespace kcpp::kunit

#define KCPP_KUNIT_CASE(fn)                                                                  \
	kcpp_kunit_case_def { #fn, [](kcpp_kunit *raw) { ::kcpp::kunit::Test t_(raw); fn(t_); } }

#define KCPP_KUNIT_SUITE(NAME, ...)                                                          \
	static const kcpp_kunit_case_def kcpp_kunit_cases_##NAME[] = {__VA_ARGS__};              \
	constinit static ::kcpp::kunit::SuiteStorage<sizeof(kcpp_kunit_cases_##NAME) /          \
						    sizeof(kcpp_kunit_case_def)> kcpp_kunit_storage_##NAME; \
	/* SAFETY: KUnit reads this pointer (like kunit_test_suites()) only after module init */ \
	/* filled the storage it points to; both live as long as the module.                  */ \
	[[gnu::section(".kunit_test_suites"), gnu::used, gnu::aligned(sizeof(void *))]] static  \
	void *kcpp_kunit_ptr_##NAME = &kcpp_kunit_storage_##NAME.suite;                          \
	namespace kcpp_kunit_suites {                                                            \
	extern const ::kcpp::kunit::SuiteRef NAME; /* external: the module may be another file */ \
	constexpr ::kcpp::kunit::SuiteRef NAME{[] {                                              \
		const kcpp_kunit_suite_def def = {#NAME, kcpp_kunit_cases_##NAME,                   \
						  sizeof(kcpp_kunit_cases_##NAME) / sizeof(kcpp_kunit_case_def),   \
						  &kcpp_kunit_storage_##NAME.cases};                                 \
		kcpp_kunit_fill_suite(&kcpp_kunit_storage_##NAME.suite, &def);                       \
	}};                                                                                      \
	}                                                                                        \
	static_assert(true, "")

// Names a suite defined in another file of the module, for KCPP_KUNIT_MODULE's list.
#define KCPP_KUNIT_SUITE_DECL(NAME)                                                          \
	namespace kcpp_kunit_suites {                                                            \
	extern const ::kcpp::kunit::SuiteRef NAME;                                               \
	}                                                                                        \
	static_assert(true, "")

// A test module: module init fills the suites listed, exit has nothing to undo.
#define KCPP_KUNIT_MODULE(license, ...)                                                      \
	KCPP_MODULE_LICENSE(license);                                                            \
	namespace kcpp_kunit_suites {                                                            \
	/* Inside the namespace, so a suite name hides a global one it shares (kcpp_mutex...). */ \
	static void kcpp_kunit_fill_all_()                                                       \
	{                                                                                        \
		const ::kcpp::kunit::SuiteRef suites[] = {__VA_ARGS__};                              \
		for (const auto &suite : suites)                                                     \
			suite.fill();                                                                    \
	}                                                                                        \
	}                                                                                        \
	extern "C" int kcpp_module_init(void) noexcept                                           \
	{                                                                                        \
		kcpp_kunit_suites::kcpp_kunit_fill_all_();                                           \
		return 0;                                                                            \
	}                                                                                        \
	extern "C" void kcpp_module_exit(void) noexcept {}                                       \
	static_assert(true, "")

// Expectations record a failure and go on; assertions end the test case.
#define KCPP_EXPECT_TRUE(t, cond)                                                            \
	do {                                                                                     \
		if (!(cond))                                                                         \
			(t).fail(__FILE__, __LINE__, "expected {} to be true", #cond);                   \
	} while (0)
#define KCPP_EXPECT_FALSE(t, cond)                                                           \
	do {                                                                                     \
		if (cond)                                                                            \
			(t).fail(__FILE__, __LINE__, "expected {} to be false", #cond);                  \
	} while (0)
// The operands bind to a function's parameters, not to references in the macro: GCC 12 with
// the kernel's -ftrivial-auto-var-init=zero and KASAN reports a lifetime-extended temporary
// (`const auto &x = f();`) as "used uninitialized".
#define KCPP_KUNIT_CMP_(t, a, b, op, on_fail)                                                \
	do {                                                                                     \
		if (!::kcpp::kunit::detail::check_cmp((t), __FILE__, __LINE__, #a " " #op " " #b,     \
						      (a), (b),                                           \
						      [](const auto &x_, const auto &y_) { return x_ op y_; })) { \
			on_fail;                                                                         \
		}                                                                                    \
	} while (0)
#define KCPP_EXPECT_EQ(t, a, b) KCPP_KUNIT_CMP_(t, a, b, ==, (void)0)
#define KCPP_EXPECT_NE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, !=, (void)0)
#define KCPP_EXPECT_LT(t, a, b) KCPP_KUNIT_CMP_(t, a, b, <, (void)0)
#define KCPP_EXPECT_LE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, <=, (void)0)
#define KCPP_EXPECT_GE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, >=, (void)0)
#define KCPP_EXPECT_GT(t, a, b) KCPP_KUNIT_CMP_(t, a, b, >, (void)0)
#define KCPP_ASSERT_EQ(t, a, b) KCPP_KUNIT_CMP_(t, a, b, ==, (t).abort(__FILE__, __LINE__, "assertion failed"))
#define KCPP_ASSERT_NE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, !=, (t).abort(__FILE__, __LINE__, "assertion failed"))
// C strings, compared by content (nullptr equals only nullptr). The operands are function
// arguments, so a temporary's c_str() stays valid for the comparison.
#define KCPP_EXPECT_STREQ(t, a, b)                                                           \
	(void)::kcpp::kunit::detail::check_streq((t), __FILE__, __LINE__, #a, #b, (a), (b))
#define KCPP_ASSERT_TRUE(t, cond)                                                            \
	do {                                                                                     \
		if (!(cond))                                                                         \
			(t).abort(__FILE__, __LINE__, "assertion failed: " #cond);                       \
	} while (0)
// Asserts a Result is ok (and yields nothing); prints the error otherwise.
#define KCPP_ASSERT_OK(t, expr)                                                              \
	do {                                                                                     \
		auto &&kcpp_r_ = (expr);                                                             \
		if (kcpp_r_.is_err()) {                                                              \
			(t).fail(__FILE__, __LINE__, "{} failed with {}", #expr, kcpp_r_.error());       \
			(t).abort(__FILE__, __LINE__, "assertion failed");                               \
		}                                                                                    \
	} while (0)
// Expects a Result to be ok; prints the error otherwise.
#define KCPP_EXPECT_OK(t, expr)                                                              \
	do {                                                                                     \
		auto &&kcpp_r_ = (expr);                                                             \
		if (kcpp_r_.is_err())                                                                \
			(t).fail(__FILE__, __LINE__, "{} failed with {}", #expr, kcpp_r_.error());       \
	} while (0)
#define KCPP_EXPECT_ERR(t, expr, err)                                                        \
	do {                                                                                     \
		auto &&kcpp_r_ = (expr);                                                             \
		if (kcpp_r_.is_ok())                                                                 \
			(t).fail(__FILE__, __LINE__, "{} succeeded, expected {}", #expr, (err));         \
		else if (!(kcpp_r_.error() == (err)))                                                \
			(t).fail(__FILE__, __LINE__, "{} failed with {}, expected {}", #expr,            \
				 kcpp_r_.error(), (err));                                                    \
	} while (0)
