// SPDX-License-Identifier: GPL-2.0
// kcpp_params: ModuleParam parsing (kstrto*/kstrtobool rules), validators, ParamString,
// and the callbacks the C glue calls.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

static constexpr int EINVAL_ = -22, ERANGE_ = -34, ENOSPC_ = -28;

static void unsigned_parses_and_validates_range(Test &t)
{
	ModuleParam<unsigned int> p{"queues", 4, param::range<1u, 64u>};
	KCPP_EXPECT_EQ(t, p.get(), 4u);
	KCPP_EXPECT_EQ(t, p.set_from_text("8"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 8u);
	KCPP_EXPECT_EQ(t, p.set_from_text("0"), EINVAL_); // parsed, rejected by the validator
	KCPP_EXPECT_EQ(t, p.set_from_text("65"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.get(), 8u); // a rejected value changes nothing
	KCPP_EXPECT_EQ(t, p.set_from_text("64\n"), 0); // one trailing newline, as from sysfs
	KCPP_EXPECT_EQ(t, p.get(), 64u);
	KCPP_EXPECT_EQ(t, p.set_from_text("1"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 1u);
}

static void unsigned_follows_kstrtouint(Test &t)
{
	ModuleParam<unsigned int> p{"n", 0, param::any<unsigned int>};
	KCPP_EXPECT_EQ(t, p.set_from_text("0x10"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 16u);
	KCPP_EXPECT_EQ(t, p.set_from_text("010"), 0); // octal
	KCPP_EXPECT_EQ(t, p.get(), 8u);
	KCPP_EXPECT_EQ(t, p.set_from_text("+5"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 5u);
	KCPP_EXPECT_EQ(t, p.set_from_text("4294967295"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 4294967295u);
	KCPP_EXPECT_EQ(t, p.set_from_text("4294967296"), ERANGE_);
	KCPP_EXPECT_EQ(t, p.set_from_text("99999999999999999999999"), ERANGE_);
	KCPP_EXPECT_EQ(t, p.set_from_text(""), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("12abc"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("-1"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text(" 5"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("5\n\n"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("09"), EINVAL_); // not octal
	KCPP_EXPECT_EQ(t, p.set_from_text(nullptr), EINVAL_);
	KCPP_EXPECT_EQ(t, p.get(), 4294967295u);
}

static void signed_parses_with_limits(Test &t)
{
	ModuleParam<int> p{"offset", 0, param::range<-10, 10>};
	KCPP_EXPECT_EQ(t, p.set_from_text("-10"), 0);
	KCPP_EXPECT_EQ(t, p.get(), -10);
	KCPP_EXPECT_EQ(t, p.set_from_text("+3"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 3);
	KCPP_EXPECT_EQ(t, p.set_from_text("-11"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("2147483648"), ERANGE_);
	KCPP_EXPECT_EQ(t, p.set_from_text("--1"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.get(), 3);

	ModuleParam<short> s{"s", 0, param::any<short>};
	KCPP_EXPECT_EQ(t, s.set_from_text("-32768"), 0);
	KCPP_EXPECT_EQ(t, s.get(), static_cast<short>(-32768));
	KCPP_EXPECT_EQ(t, s.set_from_text("-32769"), ERANGE_);
	KCPP_EXPECT_EQ(t, s.set_from_text("32768"), ERANGE_);

	ModuleParam<long long> ll{"ll", 0, param::any<long long>};
	KCPP_EXPECT_EQ(t, ll.set_from_text("-9223372036854775808"), 0);
	KCPP_EXPECT_EQ(t, ll.get(), numeric_limits<long long>::min());
	KCPP_EXPECT_EQ(t, ll.set_from_text("9223372036854775808"), ERANGE_);
}

static void bool_follows_kstrtobool(Test &t)
{
	ModuleParam<bool> p{"flag", false, param::any<bool>};
	struct Case {
		const char *text;
		int err;
		bool value;
	};
	const Case cases[] = {
		{"Y", 0, true}, {"n", 0, false}, {"1", 0, true}, {"0", 0, false}, {"on", 0, true},
		{"off", 0, false}, {"yes", 0, true}, {"No", 0, false}, {"ON\n", 0, true},
	};
	for (const Case &c : cases) {
		const int err = p.set_from_text(c.text);
		if (err != c.err || p.get() != c.value)
			t.fail(__FILE__, __LINE__, "bool \"{}\": got {} / {}", c.text, err, p.get());
	}
	KCPP_EXPECT_EQ(t, p.set_from_text("maybe"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("o"), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text(""), EINVAL_);
	KCPP_EXPECT_EQ(t, p.set_from_text("0"), 0);
	KCPP_EXPECT_EQ(t, p.set_from_text(nullptr), 0); // "insmod m.ko flag": true
	KCPP_EXPECT_TRUE(t, p.get());
}

static void param_string_has_fixed_capacity(Test &t)
{
	ModuleParam<ParamString<8>> p{"name", "def", param::any<ParamString<8>>};
	KCPP_EXPECT_STREQ(t, p.get().c_str(), "def");
	KCPP_EXPECT_EQ(t, p.set_from_text("abc\n"), 0);
	KCPP_EXPECT_STREQ(t, p.get().c_str(), "abc");
	KCPP_EXPECT_EQ(t, p.set_from_text("1234567"), 0); // 7 bytes + NUL: exactly full
	KCPP_EXPECT_STREQ(t, p.get().c_str(), "1234567");
	KCPP_EXPECT_EQ(t, p.set_from_text("12345678"), ENOSPC_);
	KCPP_EXPECT_STREQ(t, p.get().c_str(), "1234567");
	KCPP_EXPECT_EQ(t, p.set_from_text(""), 0);
	KCPP_EXPECT_STREQ(t, p.get().c_str(), "");
	KCPP_EXPECT_EQ(t, p.set_from_text(nullptr), EINVAL_);
}

static constexpr bool is_power_of_two(const unsigned int &v) { return v != 0 && (v & (v - 1)) == 0; }
static bool short_name(const ParamString<16> &s) { return s.value[0] != '\0' && s.value[4] == '\0'; }

static void custom_validators(Test &t)
{
	ModuleParam<unsigned int> size{"size", 4096, is_power_of_two};
	KCPP_EXPECT_EQ(t, size.set_from_text("512"), 0);
	KCPP_EXPECT_EQ(t, size.set_from_text("500"), EINVAL_);
	KCPP_EXPECT_EQ(t, size.set_from_text("0"), EINVAL_);
	KCPP_EXPECT_EQ(t, size.get(), 512u);

	ModuleParam<ParamString<16>> tag{"tag", "eth", short_name};
	KCPP_EXPECT_EQ(t, tag.set_from_text("wlan"), 0);
	KCPP_EXPECT_EQ(t, tag.set_from_text("toolong"), EINVAL_);
	KCPP_EXPECT_EQ(t, tag.set_from_text(""), EINVAL_);
	KCPP_EXPECT_STREQ(t, tag.get().c_str(), "wlan");
}

static void get_callback_formats_for_sysfs(Test &t)
{
	char buf[64];
	ModuleParam<unsigned int> u{"u", 42, param::any<unsigned int>};
	param::Base *b = &u;
	KCPP_EXPECT_EQ(t, b->get(b, buf, sizeof(buf)), 3);
	KCPP_EXPECT_STREQ(t, buf, "42\n");

	ModuleParam<int> i{"i", -5, param::any<int>};
	b = &i;
	KCPP_EXPECT_EQ(t, b->get(b, buf, sizeof(buf)), 3);
	KCPP_EXPECT_STREQ(t, buf, "-5\n");

	ModuleParam<bool> f{"f", true, param::any<bool>};
	b = &f;
	KCPP_EXPECT_EQ(t, b->get(b, buf, sizeof(buf)), 2);
	KCPP_EXPECT_STREQ(t, buf, "Y\n");

	ModuleParam<ParamString<8>> s{"s", "abc", param::any<ParamString<8>>};
	b = &s;
	KCPP_EXPECT_EQ(t, b->get(b, buf, sizeof(buf)), 4);
	KCPP_EXPECT_STREQ(t, buf, "abc\n");
	KCPP_EXPECT_STREQ(t, b->name, "s");
}

static void c_glue_entry_points(Test &t)
{
	// kernel_param.arg -> kcpp_param_set/get, as kcpp_param_ops calls them.
	ModuleParam<unsigned int> p{"glue", 1, param::range<1u, 9u>};
	void *arg = static_cast<param::Base *>(&p);
	KCPP_EXPECT_EQ(t, kcpp_param_set(arg, "glue", "7"), 0);
	KCPP_EXPECT_EQ(t, p.get(), 7u);
	KCPP_EXPECT_EQ(t, kcpp_param_set(arg, "glue", "10"), EINVAL_);
	KCPP_EXPECT_EQ(t, kcpp_param_set(arg, "glue", "x"), EINVAL_);
	char buf[16];
	KCPP_EXPECT_EQ(t, kcpp_param_get(arg, buf, sizeof(buf)), 2);
	KCPP_EXPECT_STREQ(t, buf, "7\n");
}

KCPP_KUNIT_SUITE(kcpp_params,
		 KCPP_KUNIT_CASE(unsigned_parses_and_validates_range),
		 KCPP_KUNIT_CASE(unsigned_follows_kstrtouint),
		 KCPP_KUNIT_CASE(signed_parses_with_limits),
		 KCPP_KUNIT_CASE(bool_follows_kstrtobool),
		 KCPP_KUNIT_CASE(param_string_has_fixed_capacity),
		 KCPP_KUNIT_CASE(custom_validators),
		 KCPP_KUNIT_CASE(get_callback_formats_for_sysfs),
		 KCPP_KUNIT_CASE(c_glue_entry_points));
