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
// module is live, after init).
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

template <typename T>
concept Formattable = requires(FormatBuffer &b, const FormatSpec &s, const T &v) { kcpp::detail::format_value(b, s, v); };

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
	constexpr ::kcpp::kunit::SuiteRef NAME{[] {                                              \
		const kcpp_kunit_suite_def def = {#NAME, kcpp_kunit_cases_##NAME,                   \
						  sizeof(kcpp_kunit_cases_##NAME) / sizeof(kcpp_kunit_case_def),   \
						  &kcpp_kunit_storage_##NAME.cases};                                 \
		kcpp_kunit_fill_suite(&kcpp_kunit_storage_##NAME.suite, &def);                       \
	}};                                                                                      \
	}                                                                                        \
	static_assert(true, "")

// A test module: module init fills the suites listed, exit has nothing to undo.
#define KCPP_KUNIT_MODULE(license, ...)                                                      \
	KCPP_MODULE_LICENSE(license);                                                            \
	extern "C" int kcpp_module_init(void) noexcept                                           \
	{                                                                                        \
		using namespace kcpp_kunit_suites;                                                   \
		const ::kcpp::kunit::SuiteRef suites[] = {__VA_ARGS__};                              \
		for (const auto &suite : suites)                                                     \
			suite.fill();                                                                    \
		return 0;                                                                            \
	}                                                                                        \
	extern "C" void kcpp_module_exit(void) noexcept {}                                       \
	static_assert(true, "")

// Expectations record a failure and go on; assertions end the test case.
#define KCPP_EXPECT_TRUE(t, cond)                                                            \
	do {                                                                                     \
		if (!(cond))                                                                         \
			(t).fail(__FILE__, __LINE__, "expected " #cond " to be true");                   \
	} while (0)
#define KCPP_EXPECT_FALSE(t, cond)                                                           \
	do {                                                                                     \
		if (cond)                                                                            \
			(t).fail(__FILE__, __LINE__, "expected " #cond " to be false");                  \
	} while (0)
#define KCPP_KUNIT_CMP_(t, a, b, op, on_fail)                                                \
	do {                                                                                     \
		const auto &kcpp_a_ = (a);                                                           \
		const auto &kcpp_b_ = (b);                                                           \
		if (!(kcpp_a_ op kcpp_b_)) {                                                         \
			if constexpr (::kcpp::kunit::Formattable<::kcpp::remove_cvref_t<decltype(kcpp_a_)>> && \
				      ::kcpp::kunit::Formattable<::kcpp::remove_cvref_t<decltype(kcpp_b_)>>)  \
				(t).fail(__FILE__, __LINE__, "expected " #a " " #op " " #b ", got {} and {}", \
					 kcpp_a_, kcpp_b_);                                                      \
			else                                                                             \
				(t).fail(__FILE__, __LINE__, "expected " #a " " #op " " #b);                 \
			on_fail;                                                                         \
		}                                                                                    \
	} while (0)
#define KCPP_EXPECT_EQ(t, a, b) KCPP_KUNIT_CMP_(t, a, b, ==, (void)0)
#define KCPP_EXPECT_NE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, !=, (void)0)
#define KCPP_EXPECT_LT(t, a, b) KCPP_KUNIT_CMP_(t, a, b, <, (void)0)
#define KCPP_EXPECT_LE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, <=, (void)0)
#define KCPP_EXPECT_GE(t, a, b) KCPP_KUNIT_CMP_(t, a, b, >=, (void)0)
#define KCPP_ASSERT_EQ(t, a, b) KCPP_KUNIT_CMP_(t, a, b, ==, (t).abort(__FILE__, __LINE__, "assertion failed"))
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
			(t).fail(__FILE__, __LINE__, #expr " failed with {}", kcpp_r_.error());          \
			(t).abort(__FILE__, __LINE__, "assertion failed");                               \
		}                                                                                    \
	} while (0)
#define KCPP_EXPECT_ERR(t, expr, err)                                                        \
	do {                                                                                     \
		auto &&kcpp_r_ = (expr);                                                             \
		if (kcpp_r_.is_ok())                                                                 \
			(t).fail(__FILE__, __LINE__, #expr " succeeded, expected {}", (err));            \
		else if (!(kcpp_r_.error() == (err)))                                                \
			(t).fail(__FILE__, __LINE__, #expr " failed with {}, expected {}",               \
				 kcpp_r_.error(), (err));                                                    \
	} while (0)
