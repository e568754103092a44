// SPDX-License-Identifier: GPL-2.0
// The C++ runtime: the allocation operators kcpp allows and the few ABI symbols g++ emits.
//
// There is deliberately no operator new(size_t): an allocation that does not name its GFP
// flags fails to compile (kcpp/new.h), and would fail modpost if it slipped through.
#include <kcpp/new.h>
#include <kcpp/panic.h>

void *operator new(kcpp::usize size, kcpp::Gfp flags) noexcept { return kcpp_kmalloc(size, flags.bits()); }
void *operator new[](kcpp::usize size, kcpp::Gfp flags) noexcept { return kcpp_kmalloc(size, flags.bits()); }
void operator delete(void *ptr, kcpp::Gfp) noexcept { kcpp_kfree(ptr); }
void operator delete[](void *ptr, kcpp::Gfp) noexcept { kcpp_kfree(ptr); }

// Sized and unsized deletes: kfree knows the size itself.
void operator delete(void *ptr) noexcept { kcpp_kfree(ptr); }
void operator delete[](void *ptr) noexcept { kcpp_kfree(ptr); }
void operator delete(void *ptr, kcpp::usize) noexcept { kcpp_kfree(ptr); }
void operator delete[](void *ptr, kcpp::usize) noexcept { kcpp_kfree(ptr); }

extern "C" {
[[noreturn]] void __cxa_pure_virtual();
[[noreturn]] void __cxa_deleted_virtual();

// A pure virtual function called during construction or destruction: a bug.
[[noreturn]] void __cxa_pure_virtual() { kcpp::panic("pure virtual function called"); }
[[noreturn]] void __cxa_deleted_virtual() { kcpp::panic("deleted virtual function called"); }
}
