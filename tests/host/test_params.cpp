// SPDX-License-Identifier: GPL-2.0
// kcpp/params.h and src/params/parse.cpp: kstrto*()-style parsing, kstrtobool(), string
// parameters, validators and the kcpp_param_set/get glue.
#include "host_test.h"

#include <climits>
#include <cstring>

#include <kcpp/params.h>

using namespace kcpp;

namespace {

class ParseTest : public HostTest {};
class ModuleParamTest : public HostTest {};

constexpr int kEinval = -22;
constexpr int kErange = -34;
constexpr int kEnospc = -28;

struct U {
	int err;
	unsigned long long v;
};
U parse_u(const char *s, unsigned long long max = ~0ull)
{
	unsigned long long v = 0xdead;
	int err = param::parse_unsigned(s, max, &v);
	return {err, v};
}
struct S {
	int err;
	long long v;
};
S parse_s(const char *s, long long min = LLONG_MIN, long long max = LLONG_MAX)
{
	long long v = 0xdead;
	int err = param::parse_signed(s, min, max, &v);
	return {err, v};
}
int parse_b(const char *s, bool *out)
{
	return param::parse_bool(s, out);
}

template <typename T> std::string get_text(const param::Base &p)
{
	char buf[64];
	int n = kcpp_param_get(const_cast<param::Base *>(&p), buf, sizeof(buf));
	return n < 0 ? "<error>" : std::string(buf, static_cast<size_t>(n));
}

} // namespace

TEST_F(ParseTest, Decimal)
{
	EXPECT_EQ(parse_u("42").err, 0);
	EXPECT_EQ(parse_u("42").v, 42u);
	EXPECT_EQ(parse_u("+42").v, 42u);
	EXPECT_EQ(parse_u("0").v, 0u);
	EXPECT_EQ(parse_u("0").err, 0);
	EXPECT_EQ(parse_u("18446744073709551615").v, ~0ull);
}

TEST_F(ParseTest, HexAndOctalPrefixes)
{
	EXPECT_EQ(parse_u("0x2a").v, 42u);
	EXPECT_EQ(parse_u("0X2A").v, 42u);
	EXPECT_EQ(parse_u("0xFfFf").v, 0xffffu);
	EXPECT_EQ(parse_u("052").v, 42u);
	EXPECT_EQ(parse_u("00").v, 0u);
	EXPECT_EQ(parse_u("08").err, kEinval); // 8 is not an octal digit
	EXPECT_EQ(parse_u("0x").err, kEinval);
	EXPECT_EQ(parse_u("0xg").err, kEinval);
	EXPECT_EQ(parse_u("12a").err, kEinval); // hex digits need the prefix
}

TEST_F(ParseTest, OneTrailingNewlineIsAllowed)
{
	EXPECT_EQ(parse_u("42\n").err, 0);
	EXPECT_EQ(parse_u("42\n").v, 42u);
	EXPECT_EQ(parse_u("0\n").v, 0u);
	EXPECT_EQ(parse_u("0x10\n").v, 16u);
	EXPECT_EQ(parse_u("42\n\n").err, kEinval);
	EXPECT_EQ(parse_u("4\n2").err, kEinval);
	EXPECT_EQ(parse_u("\n").err, kEinval);
}

TEST_F(ParseTest, GarbageIsEinval)
{
	const char *bad[] = {"", " 1", "1 ", "abc", "-1", "--1", "+-1", "++1", "1.5", "0x-1", "1e3"};
	for (const char *s : bad) {
		U r = parse_u(s);
		EXPECT_EQ(r.err, kEinval) << '"' << s << '"';
		EXPECT_EQ(r.v, 0xdeadu) << "output written for " << s;
	}
	unsigned long long v;
	EXPECT_EQ(param::parse_unsigned(nullptr, ~0ull, &v), kEinval);
}

TEST_F(ParseTest, OverflowIsErange)
{
	EXPECT_EQ(parse_u("18446744073709551616").err, kErange);
	EXPECT_EQ(parse_u("99999999999999999999999").err, kErange);
	EXPECT_EQ(parse_u("0x10000000000000000").err, kErange);
	EXPECT_EQ(parse_u("256", 255).err, kErange);
	EXPECT_EQ(parse_u("255", 255).v, 255u);
	EXPECT_EQ(parse_u("256", 255).v, 0xdeadu);
}

TEST_F(ParseTest, Signed)
{
	EXPECT_EQ(parse_s("-42").v, -42);
	EXPECT_EQ(parse_s("+42").v, 42);
	EXPECT_EQ(parse_s("42").v, 42);
	EXPECT_EQ(parse_s("-0x10").v, -16);
	EXPECT_EQ(parse_s("-010").v, -8);
	EXPECT_EQ(parse_s("-0").v, 0);
	EXPECT_EQ(parse_s("-0").err, 0);
	EXPECT_EQ(parse_s("-5\n").v, -5);
	EXPECT_EQ(parse_s("-").err, kEinval);
	EXPECT_EQ(parse_s("--5").err, kEinval);
	EXPECT_EQ(parse_s("-+5").err, kEinval);
	EXPECT_EQ(parse_s("+-5").err, kEinval);
	EXPECT_EQ(parse_s(" -5").err, kEinval);
	long long v;
	EXPECT_EQ(param::parse_signed(nullptr, LLONG_MIN, LLONG_MAX, &v), kEinval);
}

TEST_F(ParseTest, SignedLimits)
{
	EXPECT_EQ(parse_s("-9223372036854775808").v, LLONG_MIN);
	EXPECT_EQ(parse_s("9223372036854775807").v, LLONG_MAX);
	EXPECT_EQ(parse_s("-9223372036854775809").err, kErange);
	EXPECT_EQ(parse_s("9223372036854775808").err, kErange);
	EXPECT_EQ(parse_s("-129", -128, 127).err, kErange);
	EXPECT_EQ(parse_s("-128", -128, 127).v, -128);
	EXPECT_EQ(parse_s("128", -128, 127).err, kErange);
	EXPECT_EQ(parse_s("-1", 0, 10).err, kErange);
}

TEST_F(ParseTest, TraitsParseEachIntegerType)
{
	int i = 0;
	EXPECT_EQ(param::Traits<int>::parse("-2147483648", &i), 0);
	EXPECT_EQ(i, INT_MIN);
	EXPECT_EQ(param::Traits<int>::parse("2147483648", &i), kErange);
	EXPECT_EQ(param::Traits<int>::parse("-2147483649", &i), kErange);
	EXPECT_EQ(i, INT_MIN); // untouched on error
	unsigned int u = 0;
	EXPECT_EQ(param::Traits<unsigned int>::parse("4294967295", &u), 0);
	EXPECT_EQ(u, UINT_MAX);
	EXPECT_EQ(param::Traits<unsigned int>::parse("4294967296", &u), kErange);
	EXPECT_EQ(param::Traits<unsigned int>::parse("-1", &u), kEinval);
	short s = 0;
	EXPECT_EQ(param::Traits<short>::parse("-32768", &s), 0);
	EXPECT_EQ(s, SHRT_MIN);
	EXPECT_EQ(param::Traits<short>::parse("32768", &s), kErange);
	unsigned short us = 0;
	EXPECT_EQ(param::Traits<unsigned short>::parse("0xffff", &us), 0);
	EXPECT_EQ(us, 0xffff);
	unsigned long ul = 0;
	EXPECT_EQ(param::Traits<unsigned long>::parse("0xffffffffffffffff", &ul), 0);
	EXPECT_EQ(ul, ULONG_MAX);
	long long ll = 0;
	EXPECT_EQ(param::Traits<long long>::parse("-077", &ll), 0);
	EXPECT_EQ(ll, -63);
}

TEST_F(ParseTest, BoolForms)
{
	const char *yes[] = {"y", "Y", "1", "yes", "on", "ON", "On", "oN", "1\n", "y\n"};
	const char *no[] = {"n", "N", "0", "no", "off", "OFF", "oF", "0\n"};
	for (const char *s : yes) {
		bool b = false;
		EXPECT_EQ(parse_b(s, &b), 0) << s;
		EXPECT_TRUE(b) << s;
	}
	for (const char *s : no) {
		bool b = true;
		EXPECT_EQ(parse_b(s, &b), 0) << s;
		EXPECT_FALSE(b) << s;
	}
}

TEST_F(ParseTest, BoolWithoutValueMeansTrue)
{
	bool b = false;
	EXPECT_EQ(parse_b(nullptr, &b), 0);
	EXPECT_TRUE(b);
}

TEST_F(ParseTest, BoolGarbageIsEinval)
{
	const char *bad[] = {"", "x", "o", "ox", "true", "2", " y", "\n"};
	for (const char *s : bad) {
		bool b = true;
		EXPECT_EQ(parse_b(s, &b), kEinval) << '"' << s << '"';
		EXPECT_TRUE(b);
	}
}

TEST_F(ParseTest, StringParametersRespectTheirCapacity)
{
	ParamString<8> s("dflt");
	EXPECT_STREQ(s.c_str(), "dflt");
	EXPECT_EQ(param::Traits<ParamString<8>>::parse("hello", &s), 0);
	EXPECT_STREQ(s.c_str(), "hello");
	EXPECT_EQ(param::Traits<ParamString<8>>::parse("1234567", &s), 0); // 7 + NUL
	EXPECT_STREQ(s.c_str(), "1234567");
	EXPECT_EQ(param::Traits<ParamString<8>>::parse("12345678", &s), kEnospc);
	EXPECT_STREQ(s.c_str(), "1234567"); // untouched
	EXPECT_EQ(param::Traits<ParamString<8>>::parse("1234567\n", &s), 0); // newline dropped
	EXPECT_STREQ(s.c_str(), "1234567");
	EXPECT_EQ(param::Traits<ParamString<8>>::parse("", &s), 0);
	EXPECT_STREQ(s.c_str(), "");
	EXPECT_EQ(param::Traits<ParamString<8>>::parse(nullptr, &s), kEinval);
}

TEST_F(ParseTest, ParmtypeStrings)
{
	constexpr auto t = param::parmtype_info<unsigned int>("queues");
	EXPECT_STREQ(t.s, "parmtype=queues:uint");
	EXPECT_EQ(sizeof(t.s), strlen("parmtype=queues:uint") + 1);
	EXPECT_STREQ(param::parmtype_info<bool>("debug").s, "parmtype=debug:bool");
	EXPECT_STREQ(param::parmtype_info<ParamString<4>>("n").s, "parmtype=n:string");
	EXPECT_STREQ(param::parmtype_info<long long>("x").s, "parmtype=x:llong");
}

static_assert(param::range<1u, 64u>(1u));
static_assert(param::range<1u, 64u>(64u));
static_assert(!param::range<1u, 64u>(0u));
static_assert(!param::range<1u, 64u>(65u));
static_assert(param::range<-5, 5>(-5));
static_assert(param::any<int>(123));

TEST_F(ModuleParamTest, SetFromTextValidates)
{
	ModuleParam<unsigned int> queues("queues", 4u, param::range<1u, 64u>);
	EXPECT_EQ(queues.get(), 4u);
	EXPECT_EQ(queues.set_from_text("8"), 0);
	EXPECT_EQ(queues.get(), 8u);
	EXPECT_EQ(queues.set_from_text("0"), kEinval); // rejected by the validator
	EXPECT_EQ(queues.get(), 8u);
	EXPECT_EQ(queues.set_from_text("65"), kEinval);
	EXPECT_EQ(queues.set_from_text("64\n"), 0);
	EXPECT_EQ(queues.get(), 64u);
	EXPECT_EQ(queues.set_from_text("many"), kEinval);
	EXPECT_EQ(queues.set_from_text("4294967296"), kErange); // parse errors pass through
	EXPECT_EQ(queues.get(), 64u);
}

TEST_F(ModuleParamTest, CountdownTakesEachOneOnce)
{
	ModuleParam<unsigned int> inject("inject", 0u, param::range<0u, 1000u>);
	EXPECT_FALSE(inject.try_decrement());
	EXPECT_EQ(inject.set_from_text("2"), 0);
	EXPECT_TRUE(inject.try_decrement());
	EXPECT_TRUE(inject.try_decrement());
	EXPECT_FALSE(inject.try_decrement());
	EXPECT_EQ(inject.get(), 0u);
}

TEST_F(ModuleParamTest, SignedRange)
{
	ModuleParam<int> offset("offset", 0, param::range<-10, 10>);
	EXPECT_EQ(offset.set_from_text("-10"), 0);
	EXPECT_EQ(offset.get(), -10);
	EXPECT_EQ(offset.set_from_text("-11"), kEinval);
	EXPECT_EQ(offset.get(), -10);
}

TEST_F(ModuleParamTest, BoolAndStringParameters)
{
	ModuleParam<bool> verbose("verbose", false, param::any<bool>);
	EXPECT_EQ(verbose.set_from_text(nullptr), 0);
	EXPECT_TRUE(verbose.get());
	EXPECT_EQ(verbose.set_from_text("off"), 0);
	EXPECT_FALSE(verbose.get());

	ModuleParam<ParamString<6>> name("name", ParamString<6>("eth"), param::any<ParamString<6>>);
	EXPECT_STREQ(name.get().c_str(), "eth");
	EXPECT_EQ(name.set_from_text("wlan0"), 0);
	EXPECT_STREQ(name.get().c_str(), "wlan0");
	EXPECT_EQ(name.set_from_text("toolong"), kEnospc);
	EXPECT_STREQ(name.get().c_str(), "wlan0");
}

TEST_F(ModuleParamTest, CustomValidator)
{
	constexpr auto even = [](const int &v) { return v % 2 == 0; };
	ModuleParam<int> p("even", 2, even);
	EXPECT_EQ(p.set_from_text("3"), kEinval);
	EXPECT_EQ(p.set_from_text("0x10"), 0);
	EXPECT_EQ(p.get(), 16);
}

TEST_F(ModuleParamTest, GlueCallsSetAndGet)
{
	ModuleParam<int> level("level", -5, param::any<int>);
	EXPECT_EQ(get_text<int>(level), "-5\n");
	EXPECT_EQ(kcpp_param_set(static_cast<param::Base *>(&level), "level", "0x7f"), 0);
	EXPECT_EQ(level.get(), 127);
	EXPECT_EQ(get_text<int>(level), "127\n");
	EXPECT_EQ(kcpp_param_set(static_cast<param::Base *>(&level), "level", "x"), kEinval);

	ModuleParam<unsigned long long> big("big", ~0ull, param::any<unsigned long long>);
	EXPECT_EQ(get_text<unsigned long long>(big), "18446744073709551615\n");

	ModuleParam<bool> flag("flag", true, param::any<bool>);
	EXPECT_EQ(get_text<bool>(flag), "Y\n");
	EXPECT_EQ(kcpp_param_set(static_cast<param::Base *>(&flag), "flag", "n"), 0);
	EXPECT_EQ(get_text<bool>(flag), "N\n");

	ModuleParam<ParamString<16>> s("s", ParamString<16>("abc"), param::any<ParamString<16>>);
	EXPECT_EQ(get_text<ParamString<16>>(s), "abc\n");
}

TEST_F(ModuleParamTest, GetIsCutToTheBuffer)
{
	ModuleParam<int> v("v", 123456, param::any<int>);
	char buf[4];
	int n = kcpp_param_get(static_cast<param::Base *>(&v), buf, sizeof(buf));
	EXPECT_EQ(n, 3);
	EXPECT_STREQ(buf, "123");
}

TEST_F(ModuleParamTest, FormatValue)
{
	char buf[32];
	EXPECT_EQ(param::format_value(buf, sizeof(buf), -9223372036854775807LL - 1), 21);
	EXPECT_STREQ(buf, "-9223372036854775808\n");
	EXPECT_EQ(param::format_value(buf, sizeof(buf), 0ULL), 2);
	EXPECT_STREQ(buf, "0\n");
	EXPECT_EQ(param::format_value(buf, sizeof(buf), static_cast<const char *>(nullptr)), 7);
	EXPECT_STREQ(buf, "(null)\n");
}
