// SPDX-License-Identifier: GPL-2.0
// kcpp_format: type-safe formatting into a FormatBuffer, and pr_info.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

static void formats_integers(Test &t)
{
	EXPECT_FORMAT(t, "42", "{}", 42);
	EXPECT_FORMAT(t, "-7", "{}", -7);
	EXPECT_FORMAT(t, "0", "{}", 0u);
	EXPECT_FORMAT(t, "18446744073709551615", "{}", static_cast<u64>(-1));
	EXPECT_FORMAT(t, "-9223372036854775808", "{}", numeric_limits<long long>::min());
	EXPECT_FORMAT(t, "-32768", "{}", static_cast<short>(-32768));
	EXPECT_FORMAT(t, "200", "{}", static_cast<unsigned char>(200));
	EXPECT_FORMAT(t, "-1", "{}", static_cast<signed char>(-1));
}

static void formats_hex(Test &t)
{
	EXPECT_FORMAT(t, "ff", "{:x}", 255);
	EXPECT_FORMAT(t, "FF", "{:X}", 255u);
	EXPECT_FORMAT(t, "0xff", "{:#x}", 255);
	EXPECT_FORMAT(t, "0XAB", "{:#X}", 0xab);
	EXPECT_FORMAT(t, "0000beef", "{:08x}", 0xbeef);
	EXPECT_FORMAT(t, "0x0000beef", "{:#010x}", 0xbeef);
	EXPECT_FORMAT(t, "deadbeefcafef00d", "{:x}", 0xdeadbeefcafef00dull);
	// A negative value in hex shows its own width's bits, as %x of an int would.
	EXPECT_FORMAT(t, "ffffffff", "{:x}", -1);
	EXPECT_FORMAT(t, "ff", "{:x}", static_cast<i8>(-1));
	EXPECT_FORMAT(t, "fffe", "{:x}", static_cast<short>(-2));
}

static void formats_width_and_fill(Test &t)
{
	EXPECT_FORMAT(t, "   42", "{:5}", 42);
	EXPECT_FORMAT(t, "00042", "{:05}", 42);
	EXPECT_FORMAT(t, "  -42", "{:5}", -42);
	EXPECT_FORMAT(t, "-0042", "{:05}", -42);
	EXPECT_FORMAT(t, "123456", "{:3}", 123456); // never cut
	EXPECT_FORMAT(t, "[   7|  0x7]", "[{:4}|{:#5x}]", 7, 7);
}

static void formats_bool_char_and_strings(Test &t)
{
	EXPECT_FORMAT(t, "true false", "{} {}", true, false);
	EXPECT_FORMAT(t, "c", "{}", 'c');
	EXPECT_FORMAT(t, "abc", "{}", "abc");
	const char *null = nullptr;
	EXPECT_FORMAT(t, "(null)", "{}", null);
	char mutable_text[] = "mutable";
	EXPECT_FORMAT(t, "<mutable>", "<{}>", mutable_text);
	EXPECT_FORMAT(t, "1-a-true", "{}-{}-{}", 1, "a", true);
}

static void escapes_braces(Test &t)
{
	EXPECT_FORMAT(t, "{}", "{{}}");
	EXPECT_FORMAT(t, "{5}", "{{{}}}", 5);
	EXPECT_FORMAT(t, "no placeholders", "no placeholders");
}

static void formats_errors_by_name(Test &t)
{
	EXPECT_FORMAT(t, "-ENOMEM", "{}", code::ENOMEM);
	EXPECT_FORMAT(t, "failed: -EPROBE_DEFER", "failed: {}", code::EPROBE_DEFER);
	EXPECT_FORMAT(t, "-4000", "{}", Error::from_errno(-4000)); // no name: the number
}

enum class Colour : u8 { Red = 3, Blue = 200 };
enum Plain { PLAIN_A = -5 };

static void formats_enums_as_values(Test &t)
{
	EXPECT_FORMAT(t, "3 200", "{} {}", Colour::Red, Colour::Blue);
	EXPECT_FORMAT(t, "-5", "{}", PLAIN_A);
	EXPECT_FORMAT(t, "0xc8", "{:#x}", Colour::Blue);
}

struct Point {
	int x, y;
	void format(FormatBuffer &out) const { format_to(out, "({}, {})", x, y); }
};

static void formats_user_types(Test &t)
{
	const Point p{1, -2};
	EXPECT_FORMAT(t, "at (1, -2)!", "at {}!", p);
}

static void formats_pointers_like_kernel_p(Test &t)
{
	int x = 0;
	char buf[64];
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, "{:p}", &x);
	// The kernel's %p: a hashed value, never the raw address.
	char raw[32];
	FormatBuffer raw_out(raw, sizeof(raw));
	format_to(raw_out, "{:x}", reinterpret_cast<uptr>(&x));
	KCPP_EXPECT_GT(t, out.len(), 0u);
	KCPP_EXPECT_FALSE(t, detail::str_eq(buf, raw));
	char direct[32];
	KCPP_EXPECT_EQ(t, kcpp_format_pointer(direct, sizeof(direct), &x), static_cast<int>(out.len()));
	KCPP_EXPECT_STREQ(t, buf, direct); // same hash as the kernel gives the same pointer
}

static void truncates_at_buffer_size(Test &t)
{
	char small[8];
	FormatBuffer out(small, sizeof(small));
	format_to(out, "hello {}", "world");
	KCPP_EXPECT_STREQ(t, small, "hello w");
	KCPP_EXPECT_EQ(t, out.len(), 7u);
	KCPP_EXPECT_TRUE(t, out.truncated());

	char one[1];
	FormatBuffer tiny(one, sizeof(one));
	format_to(tiny, "{}", 12345);
	KCPP_EXPECT_STREQ(t, one, "");
	KCPP_EXPECT_TRUE(t, tiny.truncated());

	char exact[6];
	FormatBuffer fits(exact, sizeof(exact));
	format_to(fits, "{}", 12345);
	KCPP_EXPECT_STREQ(t, exact, "12345");
	KCPP_EXPECT_FALSE(t, fits.truncated());
}

static void appends_across_calls(Test &t)
{
	char buf[32];
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, "a={}", 1);
	format_to(out, ",b={:x}", 0x1f);
	out.put('!');
	KCPP_EXPECT_STREQ(t, out.c_str(), "a=1,b=1f!");
	KCPP_EXPECT_EQ(t, out.len(), 9u);
}

static void pr_info_reaches_the_log(Test &t)
{
	// tests/kunit/scenario.sh checks this line, with the module prefix, in the kernel log.
	pr_info("kcpp_format: pr_info {} {:#x} \"{}\" {}", 42, 255, "str", code::ENOMEM);
	// Longer than the 256-byte line buffer: cut, and ends with "...".
	char long_text[400];
	for (usize i = 0; i < sizeof(long_text) - 1; ++i)
		long_text[i] = static_cast<char>('a' + i % 26);
	long_text[sizeof(long_text) - 1] = '\0';
	pr_info("kcpp_format: long line {}", static_cast<const char *>(long_text));
	pr_debug("kcpp_format: compiled out without KCPP_DEBUG {}", 1);
	KCPP_EXPECT_TRUE(t, true);
}

KCPP_KUNIT_SUITE(kcpp_format,
		 KCPP_KUNIT_CASE(formats_integers),
		 KCPP_KUNIT_CASE(formats_hex),
		 KCPP_KUNIT_CASE(formats_width_and_fill),
		 KCPP_KUNIT_CASE(formats_bool_char_and_strings),
		 KCPP_KUNIT_CASE(escapes_braces),
		 KCPP_KUNIT_CASE(formats_errors_by_name),
		 KCPP_KUNIT_CASE(formats_enums_as_values),
		 KCPP_KUNIT_CASE(formats_user_types),
		 KCPP_KUNIT_CASE(formats_pointers_like_kernel_p),
		 KCPP_KUNIT_CASE(truncates_at_buffer_size),
		 KCPP_KUNIT_CASE(appends_across_calls),
		 KCPP_KUNIT_CASE(pr_info_reaches_the_log));
