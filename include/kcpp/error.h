// SPDX-License-Identifier: GPL-2.0
// kcpp/error.h — kernel errors as values: Error, Result<T>, TRY, and bridges from C.
//
// A Result<T> holds either a T or an Error (a negative kernel errno). It is [[nodiscard]]:
// ignoring one is a compile error under -Werror. Errors propagate with TRY:
//
//     Result<Box<Dev>> make_dev() {
//         auto buf = TRY(Vec<u8>::with_capacity(64, gfp::KERNEL));
//         TRY(to_result(kcpp_something()));
//         ...
//     }
#pragma once

#include <kcpp/new.h>
#include <kcpp/panic.h>
#include <kcpp/types.h>

namespace kcpp {

// A kernel error code. Always a valid errno in [1, MAX_ERRNO]; stored positive.
class Error {
public:
	// Constant errors are named in kcpp::code (code::ENOMEM, ...).
	static constexpr Error from_code_unchecked(int positive_errno) { return Error(positive_errno); }

	// From a negative C return value such as -ENOMEM. Values outside the errno range are
	// a bug in the caller: they become EINVAL after a warning, as Rust-for-Linux does.
	static Error from_errno(int negative_errno);

	// The value C expects back: a negative errno.
	constexpr int to_errno() const { return -code_; }
	constexpr int code() const { return code_; }
	// The errno's name ("ENOMEM"), or nullptr for an unnamed one.
	const char *name() const;

	constexpr bool operator==(const Error &other) const { return code_ == other.code_; }

private:
	constexpr explicit Error(int code) : code_(code) {}
	int code_;
};

namespace code {
#define KCPP_ERRNO(name, value) inline constexpr Error name = Error::from_code_unchecked(value);
#include <kcpp/errno_list.h>
#undef KCPP_ERRNO
} // namespace code

namespace detail {
// Out of line and cold: the check below is inlined at every C call site.
[[gnu::cold, gnu::noinline]] inline int bad_errno()
{
	kcpp_warn(__FILE__, __LINE__, "kcpp: Error::from_errno called with a non-errno value");
	return 22; // EINVAL
}
} // namespace detail

inline Error Error::from_errno(int negative_errno)
{
	if (KCPP_UNLIKELY(negative_errno >= 0 || negative_errno < -4095))
		return Error(detail::bad_errno());
	return Error(-negative_errno);
}

inline const char *Error::name() const
{
	switch (code_) {
#define KCPP_ERRNO(name, value) case value: return #name;
#include <kcpp/errno_list.h>
#undef KCPP_ERRNO
	default:
		return nullptr;
	}
}

// Result<T>: a T or an Error. T may be a reference-free object type or void.
template <typename T> class [[nodiscard]] Result {
	static_assert(!is_void_v<T>, "the void case is specialised below");

public:
	Result(const T &value) : ok_(true) { new (&value_) T(value); }
	Result(T &&value) : ok_(true) { new (&value_) T(move(value)); }
	Result(Error error) : error_(error), ok_(false) {}

	Result(Result &&other) : ok_(other.ok_)
	{
		if (ok_)
			new (&value_) T(move(other.value_));
		else
			error_ = other.error_;
	}
	Result(const Result &) = delete;
	Result &operator=(const Result &) = delete;
	Result &operator=(Result &&other)
	{
		if (this != &other) {
			this->~Result();
			new (this) Result(move(other));
		}
		return *this;
	}
	~Result()
	{
		if (ok_)
			value_.~T();
	}

	bool is_ok() const { return ok_; }
	bool is_err() const { return !ok_; }
	explicit operator bool() const { return ok_; }

	Error error() const
	{
		KCPP_BUG_ON(ok_);
		return error_;
	}
	T &value() &
	{
		KCPP_BUG_ON(!ok_);
		return value_;
	}
	const T &value() const &
	{
		KCPP_BUG_ON(!ok_);
		return value_;
	}
	// Moves the value out (the Result is left holding a moved-from T).
	T take() &&
	{
		KCPP_BUG_ON(!ok_);
		return move(value_);
	}
	T value_or(T fallback) && { return ok_ ? move(value_) : move(fallback); }
	T *operator->() { return &value(); }
	T &operator*() { return value(); }

private:
	union {
		T value_;
		Error error_;
	};
	bool ok_;
};

template <> class [[nodiscard]] Result<void> {
public:
	constexpr Result() : error_(Error::from_code_unchecked(0)), ok_(true) {}
	constexpr Result(Error error) : error_(error), ok_(false) {}

	constexpr bool is_ok() const { return ok_; }
	constexpr bool is_err() const { return !ok_; }
	constexpr explicit operator bool() const { return ok_; }
	Error error() const
	{
		KCPP_BUG_ON(ok_);
		return error_;
	}
	void take() && { KCPP_BUG_ON(!ok_); }
	// For C callbacks: 0 or the negative errno.
	constexpr int to_errno() const { return ok_ ? 0 : error_.to_errno(); }

private:
	Error error_;
	bool ok_;
};

inline Result<void> ok() { return {}; }

// A C return value (0 or positive is success, negative is -errno) as a Result.
inline Result<void> to_result(int ret)
{
	if (ret < 0)
		return Error::from_errno(ret);
	return {};
}

// A C int return that carries a value when non-negative (a count, an index).
inline Result<int> to_result_value(int ret)
{
	if (ret < 0)
		return Error::from_errno(ret);
	return ret;
}

// The kernel's IS_ERR/PTR_ERR convention: the top MAX_ERRNO addresses encode -errno.
inline constexpr unsigned long max_errno = 4095;
inline bool is_err_ptr(const void *ptr)
{
	return reinterpret_cast<unsigned long>(ptr) >= static_cast<unsigned long>(-max_errno);
}

// A pointer returned by a C function that uses ERR_PTR, as a Result. NULL is allowed here;
// callers that also reject NULL use from_err_or_null_ptr.
template <typename T> Result<T *> from_err_ptr(T *ptr)
{
	if (is_err_ptr(ptr))
		return Error::from_errno(static_cast<int>(reinterpret_cast<long>(ptr)));
	return ptr;
}
template <typename T> Result<T *> from_err_or_null_ptr(T *ptr, Error if_null = code::ENOMEM)
{
	if (ptr == nullptr)
		return if_null;
	return from_err_ptr(ptr);
}

} // namespace kcpp

// Evaluates a Result expression; on error returns the Error from the enclosing function,
// otherwise yields the value (nothing, for Result<void>). GNU statement expression.
#define KCPP_TRY(expr)                                                          \
	({                                                                          \
		auto &&kcpp_try_result_ = (expr);                                       \
		if (KCPP_UNLIKELY(kcpp_try_result_.is_err()))                           \
			return kcpp_try_result_.error();                                    \
		::kcpp::move(kcpp_try_result_).take();                                  \
	})
#ifndef TRY
#define TRY(expr) KCPP_TRY(expr)
#endif
