// SPDX-License-Identifier: GPL-2.0
// The formatting engine behind kcpp/format.h and kcpp/print.h (shared by all call sites).
#include <kcpp/print.h>

namespace kcpp::detail {

void format_unsigned(FormatBuffer &out, const FormatSpec &spec, unsigned long long v, bool negative)
{
	const bool hex = spec.type == 'x' || spec.type == 'X' || spec.type == 'p';
	const char *digits = spec.type == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	const unsigned base = hex ? 16 : 10;

	char tmp[24];
	usize n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);

	const usize prefix = (negative ? 1 : 0) + (hex && spec.alternate ? 2 : 0);
	usize pad = spec.width > n + prefix ? spec.width - n - prefix : 0;
	if (spec.fill != '0')
		while (pad > 0 && pad--)
			out.put(' ');
	if (negative)
		out.put('-');
	if (hex && spec.alternate)
		out.put(spec.type == 'X' ? "0X" : "0x");
	while (pad > 0 && pad--)
		out.put('0');
	while (n > 0)
		out.put(tmp[--n]);
}

// Parses the inside of "{...}" (without the braces): [:[#][0][width][type]].
static FormatSpec parse_spec(const char *s, const char *end)
{
	FormatSpec spec;
	if (s == end || *s != ':')
		return spec;
	++s;
	if (s != end && *s == '#') {
		spec.alternate = true;
		++s;
	}
	if (s != end && *s == '0') {
		spec.fill = '0';
		++s;
	}
	while (s != end && *s >= '0' && *s <= '9') {
		spec.width = spec.width * 10 + static_cast<unsigned>(*s - '0');
		if (spec.width > 64)
			spec.width = 64;
		++s;
	}
	if (s != end)
		spec.type = *s;
	return spec;
}

void vformat(FormatBuffer &out, const char *fmt, const FormatArg *args, usize nargs)
{
	usize next = 0;
	for (const char *p = fmt; *p; ++p) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			out.put(*p++);
			continue;
		}
		if (*p != '{') {
			out.put(*p);
			continue;
		}
		const char *close = p + 1;
		while (*close && *close != '}')
			++close;
		// Placeholder counts were checked at compile time; stay safe regardless.
		if (next < nargs) {
			const FormatSpec spec = parse_spec(p + 1, close);
			args[next].fn(out, spec, args[next].value);
			++next;
		}
		if (!*close)
			break;
		p = close;
	}
}

void print_line(Level level, FormatBuffer &line)
{
	if (line.truncated()) {
		// Mark the cut: overwrite the last three characters kept.
		char *end = const_cast<char *>(line.c_str()) + line.len();
		for (int i = 1; i <= 3 && line.len() >= static_cast<usize>(i); ++i)
			end[-i] = '.';
	}
	kcpp_print(static_cast<int>(level), line.c_str(), line.len());
}

} // namespace kcpp::detail
