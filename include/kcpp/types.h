// SPDX-License-Identifier: GPL-2.0
// kcpp/types.h — fixed-width integers and the few type utilities kcpp needs.
//
// kcpp includes no standard library header: libstdc++ is built hosted and drags in glibc
// (see docs/architecture.md). What it needs from <utility> and <type_traits> is here, on top
// of the compiler's builtins.
#pragma once

#include <kcpp/bindings.h>

namespace kcpp {

using u8 = __UINT8_TYPE__;
using u16 = __UINT16_TYPE__;
using u32 = __UINT32_TYPE__;
using u64 = __UINT64_TYPE__;
using i8 = __INT8_TYPE__;
using i16 = __INT16_TYPE__;
using i32 = __INT32_TYPE__;
using i64 = __INT64_TYPE__;
using usize = __SIZE_TYPE__;
using isize = __PTRDIFF_TYPE__;
using uptr = __UINTPTR_TYPE__;
using nullptr_t = decltype(nullptr);

template <typename T> struct remove_reference { using type = T; };
template <typename T> struct remove_reference<T &> { using type = T; };
template <typename T> struct remove_reference<T &&> { using type = T; };
template <typename T> using remove_reference_t = typename remove_reference<T>::type;

template <typename T> struct remove_cv { using type = T; };
template <typename T> struct remove_cv<const T> { using type = T; };
template <typename T> struct remove_cv<volatile T> { using type = T; };
template <typename T> struct remove_cv<const volatile T> { using type = T; };
template <typename T> using remove_cvref_t = typename remove_cv<remove_reference_t<T>>::type;

template <typename T>
constexpr remove_reference_t<T> &&move(T &&t) noexcept { return static_cast<remove_reference_t<T> &&>(t); }
template <typename T>
constexpr T &&forward(remove_reference_t<T> &t) noexcept { return static_cast<T &&>(t); }
template <typename T>
constexpr T &&forward(remove_reference_t<T> &&t) noexcept { return static_cast<T &&>(t); }
template <typename T> T &&declval() noexcept;

template <typename T, typename U = T>
constexpr T exchange(T &obj, U &&new_value) noexcept
{
	T old = move(obj);
	obj = forward<U>(new_value);
	return old;
}

template <typename T> constexpr void swap(T &a, T &b) noexcept
{
	T tmp = move(a);
	a = move(b);
	b = move(tmp);
}

template <bool B, typename T = void> struct enable_if {};
template <typename T> struct enable_if<true, T> { using type = T; };
template <bool B, typename T = void> using enable_if_t = typename enable_if<B, T>::type;

template <bool B, typename T, typename F> struct conditional { using type = T; };
template <typename T, typename F> struct conditional<false, T, F> { using type = F; };
template <bool B, typename T, typename F> using conditional_t = typename conditional<B, T, F>::type;

template <typename A, typename B> inline constexpr bool is_same_v = __is_same(A, B);
template <typename T> inline constexpr bool is_void_v = __is_same(remove_cvref_t<T>, void);
template <typename T> inline constexpr bool is_integral_v =
	__is_same(remove_cvref_t<T>, bool) || __is_same(remove_cvref_t<T>, char) ||
	__is_same(remove_cvref_t<T>, signed char) || __is_same(remove_cvref_t<T>, unsigned char) ||
	__is_same(remove_cvref_t<T>, short) || __is_same(remove_cvref_t<T>, unsigned short) ||
	__is_same(remove_cvref_t<T>, int) || __is_same(remove_cvref_t<T>, unsigned int) ||
	__is_same(remove_cvref_t<T>, long) || __is_same(remove_cvref_t<T>, unsigned long) ||
	__is_same(remove_cvref_t<T>, long long) || __is_same(remove_cvref_t<T>, unsigned long long);
template <typename T, bool = is_integral_v<T>> struct is_signed_impl {
	static constexpr bool value = false;
};
template <typename T> struct is_signed_impl<T, true> {
	static constexpr bool value = T(-1) < T(0);
};
template <typename T> inline constexpr bool is_signed_v = is_signed_impl<remove_cvref_t<T>>::value;
template <typename T> inline constexpr bool is_enum_v = __is_enum(T);
template <typename T> inline constexpr bool is_pointer_v = false;
template <typename T> inline constexpr bool is_pointer_v<T *> = true;
template <typename T> inline constexpr bool is_trivially_destructible_v = __has_trivial_destructor(T);
template <typename T> inline constexpr bool is_trivially_copyable_v = __is_trivially_copyable(T);
template <typename T, typename... A>
inline constexpr bool is_constructible_v = __is_constructible(T, A...);
template <typename B, typename D> inline constexpr bool is_base_of_v = __is_base_of(B, D);

template <typename T> struct numeric_limits;
#define KCPP_LIMITS(T, lo, hi)                                              \
	template <> struct numeric_limits<T> {                                  \
		static constexpr T min() noexcept { return lo; }                    \
		static constexpr T max() noexcept { return hi; }                    \
	}
KCPP_LIMITS(unsigned char, 0, __SCHAR_MAX__ * 2 + 1);
KCPP_LIMITS(signed char, -__SCHAR_MAX__ - 1, __SCHAR_MAX__);
KCPP_LIMITS(unsigned short, 0, __SHRT_MAX__ * 2 + 1);
KCPP_LIMITS(short, -__SHRT_MAX__ - 1, __SHRT_MAX__);
KCPP_LIMITS(unsigned int, 0, __INT_MAX__ * 2U + 1);
KCPP_LIMITS(int, -__INT_MAX__ - 1, __INT_MAX__);
KCPP_LIMITS(unsigned long, 0, __LONG_MAX__ * 2UL + 1);
KCPP_LIMITS(long, -__LONG_MAX__ - 1, __LONG_MAX__);
KCPP_LIMITS(unsigned long long, 0, __LONG_LONG_MAX__ * 2ULL + 1);
KCPP_LIMITS(long long, -__LONG_LONG_MAX__ - 1, __LONG_LONG_MAX__);
KCPP_LIMITS(bool, false, true);
#undef KCPP_LIMITS

template <usize... I> struct index_sequence {};
template <usize N> using make_index_sequence = index_sequence<__integer_pack(N)...>;

template <typename T> constexpr const T &min(const T &a, const T &b) { return b < a ? b : a; }
template <typename T> constexpr const T &max(const T &a, const T &b) { return a < b ? b : a; }

// Overflow-checked arithmetic: false when the result does not fit.
template <typename T> [[nodiscard]] constexpr bool checked_mul(T a, T b, T *out)
{
	return !__builtin_mul_overflow(a, b, out);
}
template <typename T> [[nodiscard]] constexpr bool checked_add(T a, T b, T *out)
{
	return !__builtin_add_overflow(a, b, out);
}

// Types that must stay where they were constructed (locks, wait queues, work items: the
// kernel keeps pointers to them). Derive from it to delete copy and move.
struct Pinned {
	Pinned() = default;
	Pinned(const Pinned &) = delete;
	Pinned &operator=(const Pinned &) = delete;
};

// Byte storage for a kernel structure C++ embeds by value; SIZE and ALIGN come from
// kcpp/gen/layout.h. Zero-initialised, so objects holding it can be constant-initialised.
template <usize Size, usize Align> struct alignas(Align) Opaque {
	unsigned char bytes[Size > 0 ? Size : 1] = {};
	template <typename C> C *as() noexcept { return reinterpret_cast<C *>(bytes); }
	template <typename C> const C *as() const noexcept { return reinterpret_cast<const C *>(bytes); }
};

// The same without initialisation: trivially constructible, for storage inside memory the
// kernel hands out raw (blk-mq's per-request data). Whoever owns it initialises it.
template <usize Size, usize Align> struct alignas(Align) RawOpaque {
	unsigned char bytes[Size > 0 ? Size : 1];
	template <typename C> C *as() noexcept { return reinterpret_cast<C *>(bytes); }
};

// The object that contains `member`, from a pointer to that member (the kernel's container_of).
template <typename Outer, typename Member>
Outer *container_of(Member *ptr, Member Outer::*member) noexcept
{
	// SAFETY: callers pass a pointer to the `member` subobject of a live Outer; the offset is
	// computed from a null-based member pointer, the same arithmetic as the C macro.
	const uptr offset = reinterpret_cast<uptr>(&(static_cast<Outer *>(nullptr)->*member));
	return reinterpret_cast<Outer *>(reinterpret_cast<uptr>(ptr) - offset);
}

} // namespace kcpp

#define KCPP_STRINGIFY_(x) #x
#define KCPP_STRINGIFY(x) KCPP_STRINGIFY_(x)
#define KCPP_CONCAT_(a, b) a##b
#define KCPP_CONCAT(a, b) KCPP_CONCAT_(a, b)
#define KCPP_UNIQUE(prefix) KCPP_CONCAT(prefix, __COUNTER__)
#define KCPP_LIKELY(x) __builtin_expect(!!(x), 1)
#define KCPP_UNLIKELY(x) __builtin_expect(!!(x), 0)
