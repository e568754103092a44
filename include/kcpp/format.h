// SPDX-License-Identifier: GPL-2.0
// kcpp/format.h — type-safe formatting into a fixed buffer (no allocation).
//
// Placeholders: {} (natural form), {:x} {:X} (hex), {:#x} (0x-prefixed), {:08x} / {:5}
// (zero- or space-padded width), {:p} (pointer, hashed like the kernel's %p), {{ and }}.
// The number of placeholders is checked against the arguments at compile time.
// Supported: integers, bool, char, const char * (nullptr prints "(null)"), Error (its name),
// enums (their value), pointers, and any type with `void format(FormatBuffer &) const`.
#pragma once

#include <kcpp/error.h>
#include <kcpp/types.h>

namespace kcpp {

class FormatBuffer {
public:
	FormatBuffer(char *buf, usize size) : buf_(buf), size_(size) { terminate(); }

	void put(char c)
	{
		if (len_ + 1 < size_)
			buf_[len_++] = c;
		else
			truncated_ = true;
		terminate();
	}
	void put(const char *s, usize n)
	{
		for (usize i = 0; i < n; ++i)
			put(s[i]);
	}
	void put(const char *s)
	{
		while (*s)
			put(*s++);
	}
	usize len() const { return len_; }
	bool truncated() const { return truncated_; }
	const char *c_str() const { return buf_; }

private:
	void terminate()
	{
		if (size_ > 0)
			buf_[len_ < size_ ? len_ : size_ - 1] = '\0';
	}
	char *buf_;
	usize size_;
	usize len_ = 0;
	bool truncated_ = false;
};

struct FormatSpec {
	char type = 0; // 0, 'x', 'X', 'p', 'd'
	bool alternate = false;
	char fill = ' ';
	unsigned width = 0;
};

namespace detail {

void format_unsigned(FormatBuffer &out, const FormatSpec &spec, unsigned long long v, bool negative);

template <typename T> void format_value(FormatBuffer &out, const FormatSpec &spec, const T &v)
{
	if constexpr (is_same_v<T, bool>) {
		out.put(v ? "true" : "false");
	} else if constexpr (is_same_v<T, char>) {
		out.put(v);
	} else if constexpr (is_integral_v<T>) {
		if constexpr (is_signed_v<T>) {
			if (v < 0 && (spec.type == 0 || spec.type == 'd')) {
				format_unsigned(out, spec, 0ULL - static_cast<unsigned long long>(v), true);
				return;
			}
		}
		unsigned long long bits = static_cast<unsigned long long>(v);
		if constexpr (is_signed_v<T>) // hex of a negative value: its own width, not 64 bits
			bits &= ~0ULL >> (64 - 8 * sizeof(T));
		format_unsigned(out, spec, bits, false);
	} else if constexpr (is_enum_v<T>) {
		format_value(out, spec, static_cast<__underlying_type(T)>(v));
	} else if constexpr (is_same_v<T, Error>) {
		const char *name = v.name();
		if (name != nullptr) {
			out.put('-');
			out.put(name);
		} else {
			format_value(out, FormatSpec{}, v.to_errno());
		}
	} else if constexpr (is_same_v<T, const char *> || is_same_v<T, char *>) {
		out.put(v != nullptr ? v : "(null)");
	} else if constexpr (is_pointer_v<T>) {
		char tmp[32];
		int n = kcpp_format_pointer(tmp, sizeof(tmp), static_cast<const void *>(v));
		out.put(tmp, n > 0 ? static_cast<usize>(n) : 0);
	} else {
		v.format(out);
	}
}

// One argument, type-erased so the parser below is compiled once, not per call site.
struct FormatArg {
	void (*fn)(FormatBuffer &, const FormatSpec &, const void *);
	const void *value;
};

template <typename T> FormatArg make_arg(const T &v)
{
	return FormatArg{[](FormatBuffer &out, const FormatSpec &spec, const void *p) {
				 format_value(out, spec, *static_cast<const T *>(p));
			 },
			 &v};
}

void vformat(FormatBuffer &out, const char *fmt, const FormatArg *args, usize nargs);

// Not constexpr: calling them in a constant evaluation is the compile-time error message.
void format_error_unterminated_brace();
void format_error_stray_closing_brace();
void format_error_placeholder_count_does_not_match_arguments();

consteval usize count_placeholders(const char *s)
{
	usize n = 0;
	for (; *s; ++s) {
		if (s[0] == '{' && s[1] == '{') {
			++s;
		} else if (s[0] == '}' && s[1] == '}') {
			++s;
		} else if (*s == '{') {
			++n;
			while (*s && *s != '}')
				++s;
			if (!*s)
				format_error_unterminated_brace();
		} else if (*s == '}') {
			format_error_stray_closing_brace();
		}
	}
	return n;
}

// Decays arrays (string literals) and references so format_value sees a plain type.
template <typename T> struct fmt_decay { using type = remove_cvref_t<T>; };
template <typename T, usize N> struct fmt_decay<T (&)[N]> { using type = const remove_cv<T>::type *; };
template <typename T, usize N> struct fmt_decay<T[N]> { using type = const remove_cv<T>::type *; };

} // namespace detail

// A format string whose placeholders are checked against Args at compile time.
template <typename... Args> struct FormatString {
	template <usize N>
	consteval FormatString(const char (&s)[N]) : str(s)
	{
		if (detail::count_placeholders(s) != sizeof...(Args))
			detail::format_error_placeholder_count_does_not_match_arguments();
	}
	const char *str;
};

template <typename T> using format_arg_t = typename detail::fmt_decay<T>::type;
template <typename T> struct type_identity { using type = T; };

namespace detail {
// D are the decayed argument types: a string literal arrives as a `const char *const &`
// bound to a temporary that lives until this call returns, so the erased list stays valid.
template <typename... D> void format_decayed(FormatBuffer &out, const char *fmt, const D &...vals)
{
	if constexpr (sizeof...(D) == 0) {
		vformat(out, fmt, nullptr, 0);
	} else {
		const FormatArg list[] = {make_arg<D>(vals)...};
		vformat(out, fmt, list, sizeof...(D));
	}
}
} // namespace detail

template <typename... Args>
void format_to(FormatBuffer &out, typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,
	       const Args &...args)
{
	detail::format_decayed<format_arg_t<Args>...>(out, fmt.str, args...);
}

} // namespace kcpp
