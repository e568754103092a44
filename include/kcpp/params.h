// SPDX-License-Identifier: GPL-2.0
// kcpp/params.h — typed module parameters with validation.
//
//     KCPP_MODULE_PARAM(unsigned int, queues, 4, 0444, "number of queues (1-64)",
//                       kcpp::param::range<1u, 64u>);   // the validator
//     ...
//     unsigned int n = kcpp_param::queues.get();
//
// `insmod mydrv.ko queues=0` fails with EINVAL and logs
// "mydrv: parameter 'queues': value 0 rejected by its validator"; a value that does not
// parse logs the text it got. Parsing follows the kernel's kstrto*() rules (base prefixes,
// one trailing newline) and kstrtobool() for bool. Strings are fixed-size, read-only
// (perm without write bits): ParamString<N>.
#pragma once

#include <kcpp/error.h>
#include <kcpp/gen/layout.h>
#include <kcpp/module.h>
#include <kcpp/types.h>

namespace kcpp {

// Fixed-capacity string parameter (N includes the terminating NUL).
template <usize N> struct ParamString {
	char value[N] = {};
	constexpr ParamString() = default;
	template <usize M> constexpr ParamString(const char (&s)[M])
	{
		static_assert(M <= N, "default value longer than the parameter's capacity");
		for (usize i = 0; i < M; ++i)
			value[i] = s[i];
	}
	const char *c_str() const { return value; }
};

namespace param {

// Parsers (src/params/parse.cpp, host-tested): 0 or -EINVAL/-ERANGE.
int parse_signed(const char *s, long long min, long long max, long long *out);
int parse_unsigned(const char *s, unsigned long long max, unsigned long long *out);
int parse_bool(const char *s, bool *out);

template <typename T> struct Traits;
#define KCPP_PARAM_INT_TRAITS(T, type_name)                                                 \
	template <> struct Traits<T> {                                                          \
		static constexpr const char *name = type_name;                                      \
		static int parse(const char *s, T *out)                                             \
		{                                                                                   \
			if constexpr (is_signed_v<T>) {                                                 \
				long long v;                                                                \
				int r = parse_signed(s, numeric_limits<T>::min(), numeric_limits<T>::max(), &v); \
				if (r == 0)                                                                 \
					*out = static_cast<T>(v);                                               \
				return r;                                                                   \
			} else {                                                                        \
				unsigned long long v;                                                       \
				int r = parse_unsigned(s, numeric_limits<T>::max(), &v);                    \
				if (r == 0)                                                                 \
					*out = static_cast<T>(v);                                               \
				return r;                                                                   \
			}                                                                               \
		}                                                                                   \
	}
KCPP_PARAM_INT_TRAITS(short, "short");
KCPP_PARAM_INT_TRAITS(unsigned short, "ushort");
KCPP_PARAM_INT_TRAITS(int, "int");
KCPP_PARAM_INT_TRAITS(unsigned int, "uint");
KCPP_PARAM_INT_TRAITS(long, "long");
KCPP_PARAM_INT_TRAITS(unsigned long, "ulong");
KCPP_PARAM_INT_TRAITS(long long, "llong");
KCPP_PARAM_INT_TRAITS(unsigned long long, "ullong");
#undef KCPP_PARAM_INT_TRAITS

template <> struct Traits<bool> {
	static constexpr const char *name = "bool";
	static int parse(const char *s, bool *out) { return parse_bool(s, out); }
};
template <usize N> struct Traits<ParamString<N>> {
	static constexpr const char *name = "string";
	static int parse(const char *s, ParamString<N> *out)
	{
		if (s == nullptr)
			return code::EINVAL.to_errno();
		usize len = 0;
		while (s[len] != '\0')
			++len;
		if (len > 0 && s[len - 1] == '\n')
			--len;
		if (len + 1 > N)
			return code::ENOSPC.to_errno();
		for (usize i = 0; i < len; ++i)
			out->value[i] = s[i];
		out->value[len] = '\0';
		return 0;
	}
};

// Validators: constexpr functions of the value.
template <auto Lo, auto Hi> constexpr bool range(const decltype(Lo) &v) { return v >= Lo && v <= Hi; }
template <typename T> constexpr bool any(const T &) { return true; }

// What the C glue (kcpp_param_set/get) sees through kernel_param.arg.
struct Base {
	int (*set)(Base *self, const char *val);
	int (*get)(const Base *self, char *buf, usize size);
	const char *name;
};

// "parmtype=NAME:TYPE" as an exact-size string, built at compile time.
template <usize N> struct FixedString {
	char s[N];
};
constexpr usize cstrlen(const char *s)
{
	usize n = 0;
	while (s[n])
		++n;
	return n;
}
template <typename T, usize N>
consteval FixedString<9 + (N - 1) + 1 + cstrlen(Traits<T>::name) + 1> parmtype_info(const char (&name)[N])
{
	FixedString<9 + (N - 1) + 1 + cstrlen(Traits<T>::name) + 1> out{};
	usize i = 0;
	for (const char *p = "parmtype="; *p; ++p)
		out.s[i++] = *p;
	for (usize j = 0; j + 1 < N; ++j)
		out.s[i++] = name[j];
	out.s[i++] = ':';
	for (const char *p = Traits<T>::name; *p; ++p)
		out.s[i++] = *p;
	out.s[i] = '\0';
	return out;
}

int format_value(char *buf, usize size, long long v);
int format_value(char *buf, usize size, unsigned long long v);
int format_value(char *buf, usize size, const char *s);

// Mirrors struct kernel_param so it can be constant-initialised from C++; its layout is
// checked against the kernel's by the static asserts below (values from kcpp/gen/layout.h).
struct KernelParam {
	const char *name;
	kcpp_module *mod;
	const kcpp_kernel_param_ops *ops;
	u16 perm;
	i8 level;
	u8 flags;
	void *arg;
};
static_assert(sizeof(KernelParam) == KCPP_SIZEOF_KERNEL_PARAM);
static_assert(alignof(KernelParam) == KCPP_ALIGNOF_KERNEL_PARAM);
static_assert(__builtin_offsetof(KernelParam, name) == KCPP_OFFSETOF_KERNEL_PARAM_NAME);
static_assert(__builtin_offsetof(KernelParam, mod) == KCPP_OFFSETOF_KERNEL_PARAM_MOD);
static_assert(__builtin_offsetof(KernelParam, ops) == KCPP_OFFSETOF_KERNEL_PARAM_OPS);
static_assert(__builtin_offsetof(KernelParam, perm) == KCPP_OFFSETOF_KERNEL_PARAM_PERM);
static_assert(__builtin_offsetof(KernelParam, level) == KCPP_OFFSETOF_KERNEL_PARAM_LEVEL);
static_assert(__builtin_offsetof(KernelParam, flags) == KCPP_OFFSETOF_KERNEL_PARAM_FLAGS);
static_assert(__builtin_offsetof(KernelParam, arg) == KCPP_OFFSETOF_KERNEL_PARAM_ARG);

} // namespace param

template <typename T> class ModuleParam : public param::Base {
public:
	using Validator = bool (*)(const T &);

	constexpr ModuleParam(const char *name, T initial, Validator valid)
		: param::Base{&ModuleParam::set_cb, &ModuleParam::get_cb, name}, value_(initial), valid_(valid)
	{
	}

	// The current value. Scalars are read atomically (sysfs may write a writable one).
	T get() const
	{
		if constexpr (is_integral_v<T>)
			return __atomic_load_n(&value_, __ATOMIC_RELAXED);
		else
			return value_;
	}

	// For countdown parameters (e.g. a test hook "fail the next N"): atomically takes one
	// and says whether there was one to take.
	bool try_decrement()
		requires is_integral_v<T>
	{
		T v = __atomic_load_n(&value_, __ATOMIC_RELAXED);
		while (v > 0) {
			if (__atomic_compare_exchange_n(&value_, &v, static_cast<T>(v - 1), false, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
				return true;
		}
		return false;
	}

	// Parses and validates text as the kernel would pass it; used by the glue and by tests.
	int set_from_text(const char *text)
	{
		T parsed{};
		int err = param::Traits<T>::parse(text, &parsed);
		if (err)
			return err;
		if (!valid_(parsed))
			return code::EINVAL.to_errno();
		if constexpr (is_integral_v<T>)
			__atomic_store_n(&value_, parsed, __ATOMIC_RELAXED);
		else
			value_ = parsed;
		return 0;
	}

private:
	static int set_cb(param::Base *self, const char *val) { return static_cast<ModuleParam *>(self)->set_from_text(val); }
	static int get_cb(const param::Base *self, char *buf, usize size)
	{
		const T v = static_cast<const ModuleParam *>(self)->get();
		if constexpr (is_same_v<T, bool>)
			return param::format_value(buf, size, v ? "Y" : "N");
		else if constexpr (is_integral_v<T> && is_signed_v<T>)
			return param::format_value(buf, size, static_cast<long long>(v));
		else if constexpr (is_integral_v<T>)
			return param::format_value(buf, size, static_cast<unsigned long long>(v));
		else
			return param::format_value(buf, size, v.c_str());
	}

	T value_;
	Validator valid_;
};

} // namespace kcpp

// Declares kcpp_param::NAME and registers it with the kernel (struct kernel_param in the
// __param section, and the parm/parmtype .modinfo entries that modinfo shows).
#define KCPP_MODULE_PARAM(Type, NAME, initial, perm, desc, ... /* validator */)                           \
	namespace kcpp_param {                                                                      \
	constinit ::kcpp::ModuleParam<Type> NAME{#NAME, initial, __VA_ARGS__};                        \
	}                                                                                           \
	static_assert((perm) >= 0 && (perm) <= 0777 && ((perm) & 0002) == 0,                       \
		      "module parameter permissions: octal, never world-writable");                      \
	static_assert(::kcpp::is_integral_v<Type> || ((perm) & 0222) == 0,                          \
		      "only integer and bool parameters may be writable");                               \
	/* SAFETY: constant-initialised, layout checked against struct kernel_param; the kernel */  \
	/* reads it at load time and for sysfs, and calls kcpp_param_ops with its arg.          */  \
	[[gnu::section("__param"), gnu::used, gnu::aligned(sizeof(void *))]] static const           \
	::kcpp::param::KernelParam kcpp_kparam_##NAME = {                                           \
		#NAME, &__this_module, &kcpp_param_ops, (perm), -1, 0,                                  \
		static_cast<::kcpp::param::Base *>(&kcpp_param::NAME)};                                 \
	[[gnu::section(".modinfo"), gnu::used, gnu::aligned(1)]] static constexpr auto              \
	kcpp_parmtype_##NAME = ::kcpp::param::parmtype_info<Type>(#NAME);                           \
	KCPP_MODINFO("parm", #NAME ":" desc)
