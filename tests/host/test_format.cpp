// SPDX-License-Identifier: GPL-2.0
// kcpp/format.h and kcpp/print.h: placeholders, every supported argument type, truncation,
// and the pr_*() functions through the captured log.
#include "host_test.h"

#include <climits>
#include <cstdio>
#include <cstring>

#include <kcpp/print.h>

using namespace kcpp;

namespace {

class FormatTest : public HostTest {};
class PrintTest : public HostTest {};

// format_to into a 512-byte buffer, as a std::string (checks the length against the NUL).
template <typename... Args>
std::string fmt(typename type_identity<FormatString<format_arg_t<Args>...>>::type f, const Args &...args)
{
	char buf[512];
	memset(buf, 'Z', sizeof(buf));
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, f, args...);
	EXPECT_FALSE(out.truncated());
	EXPECT_EQ(strlen(out.c_str()), out.len());
	return std::string(out.c_str(), out.len());
}

enum class Color : int { Red = 1, Blue = -3 };
enum Plain { PlainA = 7 };
enum class Small : unsigned char { X = 200 };

struct Point {
	int x, y;
	void format(FormatBuffer &out) const { format_to(out, "({}, {})", x, y); }
};

std::string pointer_text(const void *p)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%p", p);
	return buf;
}

} // namespace

TEST_F(FormatTest, PlainTextAndArguments)
{
	EXPECT_EQ(fmt("no placeholders"), "no placeholders");
	EXPECT_EQ(fmt(""), "");
	EXPECT_EQ(fmt("{}", 42), "42");
	EXPECT_EQ(fmt("a={} b={} c={}", 1, 2, 3), "a=1 b=2 c=3");
	EXPECT_EQ(fmt("{}{}", 1, 2), "12");
}

TEST_F(FormatTest, EscapedBraces)
{
	EXPECT_EQ(fmt("{{"), "{");
	EXPECT_EQ(fmt("}}"), "}");
	EXPECT_EQ(fmt("{{}}"), "{}");
	EXPECT_EQ(fmt("{{{}}}", 5), "{5}");
	EXPECT_EQ(fmt("set {{ x = {} }}", 1), "set { x = 1 }");
}

TEST_F(FormatTest, Hex)
{
	EXPECT_EQ(fmt("{:x}", 255), "ff");
	EXPECT_EQ(fmt("{:X}", 255), "FF");
	EXPECT_EQ(fmt("{:#x}", 255), "0xff");
	EXPECT_EQ(fmt("{:#X}", 0xabcu), "0XABC");
	EXPECT_EQ(fmt("{:x}", 0), "0");
	EXPECT_EQ(fmt("{:#x}", 0), "0x0");
	EXPECT_EQ(fmt("{:x}", 0xdeadbeefcafef00dull), "deadbeefcafef00d");
}

TEST_F(FormatTest, WidthAndZeroPadding)
{
	EXPECT_EQ(fmt("{:08x}", 0xbeef), "0000beef");
	EXPECT_EQ(fmt("{:#010x}", 0xbeef), "0x0000beef");
	EXPECT_EQ(fmt("{:#8x}", 0xbeef), "  0xbeef");
	EXPECT_EQ(fmt("{:5}", 42), "   42");
	EXPECT_EQ(fmt("{:05}", 42), "00042");
	EXPECT_EQ(fmt("{:5}", -42), "  -42");
	EXPECT_EQ(fmt("{:05}", -42), "-0042");
	EXPECT_EQ(fmt("{:2}", 12345), "12345"); // never cut
	EXPECT_EQ(fmt("{:1}", 0), "0");
	EXPECT_EQ(fmt("[{:3}|{:03}]", 7u, 7u), "[  7|007]");
}

TEST_F(FormatTest, WidthIsCappedAt64)
{
	std::string s = fmt("{:100}", 1);
	EXPECT_EQ(s.size(), 64u);
	EXPECT_EQ(s.back(), '1');
	EXPECT_EQ(s.find_first_not_of(' '), 63u);
}

TEST_F(FormatTest, ExplicitDecimalType)
{
	EXPECT_EQ(fmt("{:d}", 42), "42");
	EXPECT_EQ(fmt("{:d}", -42), "-42");
	EXPECT_EQ(fmt("{:5d}", -7), "   -7");
	EXPECT_EQ(fmt("{:d}", static_cast<short>(-1)), "-1");
}

TEST_F(FormatTest, BoolAndChar)
{
	EXPECT_EQ(fmt("{} {}", true, false), "true false");
	EXPECT_EQ(fmt("{}{}{}", 'a', 'b', 'c'), "abc");
	EXPECT_EQ(fmt("[{}]", ' '), "[ ]");
}

TEST_F(FormatTest, ByteSizedIntegersAreNumbers)
{
	EXPECT_EQ(fmt("{}", static_cast<u8>(200)), "200");
	EXPECT_EQ(fmt("{}", static_cast<i8>(-5)), "-5");
	EXPECT_EQ(fmt("{:02x}", static_cast<u8>(10)), "0a");
	EXPECT_EQ(fmt("{}", static_cast<signed char>(-128)), "-128");
}

TEST_F(FormatTest, NegativeNumbers)
{
	EXPECT_EQ(fmt("{}", -1), "-1");
	EXPECT_EQ(fmt("{}", -1234567L), "-1234567");
	EXPECT_EQ(fmt("{}", static_cast<short>(-300)), "-300");
}

TEST_F(FormatTest, HexOfNegativeNumbersUsesTheTypesWidth)
{
	EXPECT_EQ(fmt("{:x}", -1), "ffffffff");
	EXPECT_EQ(fmt("{:x}", static_cast<i8>(-1)), "ff");
	EXPECT_EQ(fmt("{:x}", static_cast<i16>(-2)), "fffe");
	EXPECT_EQ(fmt("{:x}", static_cast<i64>(-1)), "ffffffffffffffff");
	EXPECT_EQ(fmt("{:#X}", static_cast<i32>(-16)), "0XFFFFFFF0");
}

TEST_F(FormatTest, LimitsOfEveryIntegerType)
{
	EXPECT_EQ(fmt("{} {}", numeric_limits<signed char>::min(), numeric_limits<signed char>::max()), "-128 127");
	EXPECT_EQ(fmt("{} {}", numeric_limits<unsigned char>::min(), numeric_limits<unsigned char>::max()), "0 255");
	EXPECT_EQ(fmt("{} {}", numeric_limits<short>::min(), numeric_limits<short>::max()), "-32768 32767");
	EXPECT_EQ(fmt("{}", numeric_limits<unsigned short>::max()), "65535");
	EXPECT_EQ(fmt("{} {}", numeric_limits<int>::min(), numeric_limits<int>::max()), "-2147483648 2147483647");
	EXPECT_EQ(fmt("{}", numeric_limits<unsigned int>::max()), "4294967295");
	EXPECT_EQ(fmt("{} {}", numeric_limits<long>::min(), numeric_limits<long>::max()),
		  "-9223372036854775808 9223372036854775807");
	EXPECT_EQ(fmt("{}", numeric_limits<unsigned long>::max()), "18446744073709551615");
	EXPECT_EQ(fmt("{}", numeric_limits<long long>::min()), "-9223372036854775808");
	EXPECT_EQ(fmt("{}", numeric_limits<unsigned long long>::max()), "18446744073709551615");
	EXPECT_EQ(fmt("{:x}", numeric_limits<unsigned long long>::max()), "ffffffffffffffff");
	EXPECT_EQ(fmt("{:x}", numeric_limits<long long>::min()), "8000000000000000");
}

TEST_F(FormatTest, Strings)
{
	const char *s = "abc";
	char array[8] = "xyz";
	char *mutable_ptr = array;
	const char *null = nullptr;
	EXPECT_EQ(fmt("{}", s), "abc");
	EXPECT_EQ(fmt("{}", "literal"), "literal");
	EXPECT_EQ(fmt("{}", array), "xyz");
	EXPECT_EQ(fmt("{}", mutable_ptr), "xyz");
	EXPECT_EQ(fmt("{}", null), "(null)");
	EXPECT_EQ(fmt("[{}]", ""), "[]");
	EXPECT_EQ(fmt("{} {}", "a{}b", 1), "a{}b 1"); // braces in arguments are not placeholders
}

TEST_F(FormatTest, Errors)
{
	EXPECT_EQ(fmt("{}", code::ENOMEM), "-ENOMEM");
	EXPECT_EQ(fmt("failed: {}", code::EPROBE_DEFER), "failed: -EPROBE_DEFER");
	EXPECT_EQ(fmt("{}", Error::from_errno(-4000)), "-4000");
}

TEST_F(FormatTest, EnumsPrintTheirValue)
{
	EXPECT_EQ(fmt("{} {}", Color::Red, Color::Blue), "1 -3");
	EXPECT_EQ(fmt("{}", PlainA), "7");
	EXPECT_EQ(fmt("{:#x}", Color::Red), "0x1");
	EXPECT_EQ(fmt("{}", Small::X), "200");
}

TEST_F(FormatTest, CustomTypesFormatThemselves)
{
	EXPECT_EQ(fmt("p={}", Point{1, -2}), "p=(1, -2)");
	EXPECT_EQ(fmt("{}{}", Point{0, 0}, Point{3, 4}), "(0, 0)(3, 4)");
}

TEST_F(FormatTest, PointersGoThroughTheShim)
{
	int x = 0;
	int *p = &x;
	const void *cp = &x;
	EXPECT_EQ(fmt("{}", p), pointer_text(p));
	EXPECT_EQ(fmt("{:p}", cp), pointer_text(cp));
	EXPECT_EQ(fmt("{}", static_cast<int *>(nullptr)), pointer_text(nullptr));
}

TEST_F(FormatTest, TruncatesAtTheBufferSize)
{
	char buf[8];
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, "hello {}", "world");
	EXPECT_TRUE(out.truncated());
	EXPECT_EQ(out.len(), 7u);
	EXPECT_STREQ(out.c_str(), "hello w");
}

TEST_F(FormatTest, ExactFitIsNotTruncated)
{
	char buf[6];
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, "{}", "hello");
	EXPECT_FALSE(out.truncated());
	EXPECT_STREQ(out.c_str(), "hello");
	out.put('!');
	EXPECT_TRUE(out.truncated());
	EXPECT_STREQ(out.c_str(), "hello");
}

TEST_F(FormatTest, TinyBuffers)
{
	char one[1] = {'x'};
	FormatBuffer out1(one, 1);
	format_to(out1, "{}", 5);
	EXPECT_TRUE(out1.truncated());
	EXPECT_EQ(out1.len(), 0u);
	EXPECT_EQ(one[0], '\0');

	char none[1] = {'x'};
	FormatBuffer out0(none, 0);
	format_to(out0, "abc");
	EXPECT_TRUE(out0.truncated());
	EXPECT_EQ(none[0], 'x'); // a zero-size buffer is never written
}

TEST_F(FormatTest, EmptyOutputIsTerminated)
{
	char buf[16];
	memset(buf, 'X', sizeof(buf));
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, "{}", "");
	EXPECT_EQ(out.len(), 0u);
	EXPECT_STREQ(out.c_str(), "");
}

TEST_F(FormatTest, FormatsAppendToTheSameBuffer)
{
	char buf[32];
	FormatBuffer out(buf, sizeof(buf));
	format_to(out, "{}-", 1);
	format_to(out, "{:x}", 255);
	out.put("!", 1);
	EXPECT_STREQ(out.c_str(), "1-ff!");
}

// ---- pr_*() ------------------------------------------------------------------------------------

TEST_F(PrintTest, EachLevelReachesTheLog)
{
	pr_emerg("e{}", 0);
	pr_alert("a");
	pr_crit("c");
	pr_err("err {}", code::EIO);
	pr_warn("w");
	pr_notice("n");
	pr_info("probed {} with {} queues, cap {:#x}", "nvme0", 2, 0x1234);
	print(Level::Debug, "d");
	auto lines = kcpp_host::log_lines();
	ASSERT_EQ(lines.size(), 8u);
	for (int i = 0; i < 8; ++i)
		EXPECT_EQ(lines[static_cast<size_t>(i)].level, i);
	EXPECT_EQ(lines[0].text, "e0");
	EXPECT_EQ(lines[3].text, "err -EIO");
	EXPECT_EQ(lines[6].text, "probed nvme0 with 2 queues, cap 0x1234");
}

TEST_F(PrintTest, DebugIsCompiledOutWithoutKcppDebug)
{
	pr_debug("invisible {}", 1);
	EXPECT_TRUE(kcpp_host::log_lines().empty());
}

TEST_F(PrintTest, LongLinesAreCutAndMarked)
{
	char arg[400];
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	pr_info("start {} end", static_cast<const char *>(arg));
	std::string line = kcpp_host::last_log();
	ASSERT_EQ(line.size(), 255u); // the 256-byte line buffer, minus its NUL
	EXPECT_EQ(line.substr(0, 6), "start ");
	EXPECT_EQ(line.substr(252), "...");
	EXPECT_EQ(line[251], 'a');
}

TEST_F(PrintTest, ALineThatFitsExactlyIsNotMarked)
{
	std::string s(255, 'b');
	pr_info("{}", s.c_str());
	EXPECT_EQ(kcpp_host::last_log(), s);
	std::string t(256, 'c');
	pr_info("{}", t.c_str());
	EXPECT_EQ(kcpp_host::last_log(), std::string(252, 'c') + "...");
}
