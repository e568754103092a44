// SPDX-License-Identifier: GPL-2.0
// kcpp/new.h — allocation flags and the only forms of operator new kcpp allows.
//
// Every allocation names its GFP flags: `new (gfp::KERNEL) T(...)` returns nullptr on
// failure, and because the operator is noexcept the compiler checks for null before it runs
// the constructor. Plain `new T` does not compile. Drivers normally use Box/Vec/Arc, which
// turn failure into Result.
#pragma once

#include <kcpp/gen/layout.h>
#include <kcpp/types.h>

namespace kcpp {

// gfp_t as a type: flags combine with |, and nothing converts to it by accident.
class Gfp {
public:
	explicit constexpr Gfp(unsigned int bits) : bits_(bits) {}
	constexpr unsigned int bits() const { return bits_; }
	constexpr Gfp operator|(Gfp o) const { return Gfp(bits_ | o.bits_); }
	constexpr bool operator==(const Gfp &o) const { return bits_ == o.bits_; }

private:
	unsigned int bits_;
};

namespace gfp {
inline constexpr Gfp KERNEL{KCPP_GFP_KERNEL};
inline constexpr Gfp ATOMIC{KCPP_GFP_ATOMIC};
inline constexpr Gfp NOWAIT{KCPP_GFP_NOWAIT};
inline constexpr Gfp NOIO{KCPP_GFP_NOIO};
inline constexpr Gfp NOFS{KCPP_GFP_NOFS};
inline constexpr Gfp DMA32{KCPP_GFP_DMA32};
inline constexpr Gfp ZERO{KCPP_GFP_ZERO};
inline constexpr Gfp NOWARN{KCPP_GFP_NOWARN};
inline constexpr Gfp RETRY_MAYFAIL{KCPP_GFP_RETRY_MAYFAIL};
inline constexpr Gfp ACCOUNT{KCPP_GFP_ACCOUNT};
} // namespace gfp

} // namespace kcpp

#ifdef __KERNEL__
// Placement forms, defined inline as <new> would (no standard headers in the kernel).
inline void *operator new(kcpp::usize, void *where) noexcept { return where; }
inline void *operator new[](kcpp::usize, void *where) noexcept { return where; }
inline void operator delete(void *, void *) noexcept {}
inline void operator delete[](void *, void *) noexcept {}
#else
#include <new> // host builds (tests/host): the standard library's placement forms
#endif

// GFP-taking forms (src/runtime/cxxabi.cpp): kmalloc, nullptr on failure.
void *operator new(kcpp::usize size, kcpp::Gfp flags) noexcept;
void *operator new[](kcpp::usize size, kcpp::Gfp flags) noexcept;
// Called only if a constructor could throw, which it cannot here; declared for completeness.
void operator delete(void *ptr, kcpp::Gfp flags) noexcept;
void operator delete[](void *ptr, kcpp::Gfp flags) noexcept;

#ifdef __KERNEL__
// The throwing forms have no definition in the kernel; naming them is a compile-time error.
void *operator new(kcpp::usize size)
	__attribute__((__error__("kcpp: allocation must name its GFP flags: new (kcpp::gfp::KERNEL) T")));
void *operator new[](kcpp::usize size)
	__attribute__((__error__("kcpp: allocation must name its GFP flags: new (kcpp::gfp::KERNEL) T[n]")));
#endif
