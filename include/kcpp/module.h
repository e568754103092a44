// SPDX-License-Identifier: GPL-2.0
// kcpp/module.h — defining a module.
//
//     class Hello {
//     public:
//         static Result<Box<Hello>> init();   // module_init: an error fails insmod
//         ~Hello();                           // module_exit
//     };
//     KCPP_MODULE(Hello, "GPL");
//     KCPP_MODULE_AUTHOR("...");
//     KCPP_MODULE_DESCRIPTION("...");
//
// The license must be GPL-compatible: the module links kcpp's runtime, which uses GPL-only
// exports, and a non-GPL license would make the kernel refuse those symbols at load time.
#pragma once

#include <kcpp/box.h>
#include <kcpp/error.h>

namespace kcpp::detail {

constexpr bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		++a;
		++b;
	}
	return *a == *b;
}

// The kernel's license_is_gpl_compatible() list (include/linux/license.h).
constexpr bool license_is_gpl_compatible(const char *l)
{
	return str_eq(l, "GPL") || str_eq(l, "GPL v2") || str_eq(l, "GPL and additional rights") ||
	       str_eq(l, "Dual BSD/GPL") || str_eq(l, "Dual MIT/GPL") || str_eq(l, "Dual MPL/GPL");
}

} // namespace kcpp::detail

// A .modinfo entry, as the kernel's __MODULE_INFO emits it (modpost and modinfo read these).
#define KCPP_MODINFO(tag, value)                                                           \
	[[gnu::section(".modinfo"), gnu::used, gnu::aligned(1)]] static const char             \
	KCPP_UNIQUE(kcpp_modinfo_)[] = tag "=" value

#define KCPP_MODULE_LICENSE(license)                                                       \
	static_assert(::kcpp::detail::license_is_gpl_compatible(license),                      \
		      "kcpp modules must use a GPL-compatible license");                           \
	KCPP_MODINFO("license", license)
#define KCPP_MODULE_AUTHOR(author) KCPP_MODINFO("author", author)
#define KCPP_MODULE_DESCRIPTION(text) KCPP_MODINFO("description", text)
#define KCPP_MODULE_ALIAS(alias) KCPP_MODINFO("alias", alias)
#define KCPP_MODULE_SOFTDEP(dep) KCPP_MODINFO("softdep", dep)

// Defines the module's init and exit around Type (see above) and its license.
#define KCPP_MODULE(Type, license)                                                         \
	KCPP_MODULE_LICENSE(license);                                                          \
	constinit static Type *kcpp_module_instance_ = nullptr;                                \
	extern "C" int kcpp_module_init(void) noexcept                                         \
	{                                                                                      \
		::kcpp::Result<::kcpp::Box<Type>> made = Type::init();                             \
		if (made.is_err())                                                                 \
			return made.error().to_errno();                                                \
		kcpp_module_instance_ = ::kcpp::move(made).take().into_raw();                      \
		return 0;                                                                          \
	}                                                                                      \
	extern "C" void kcpp_module_exit(void) noexcept                                        \
	{                                                                                      \
		::kcpp::Box<Type>::from_raw(::kcpp::exchange(kcpp_module_instance_, nullptr));     \
	}                                                                                      \
	static_assert(true, "")
