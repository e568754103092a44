// SPDX-License-Identifier: GPL-2.0
// kcpp/module.h and KCPP_MODULE_PARAM: a whole module defined on the host. Its init and exit
// are called as src/runtime/module.c would, its parameters are found in the __param section
// and set through kcpp_param_ops as the kernel's parse_args would, and its .modinfo entries
// are read back from this executable, as modpost and modinfo read them from a .ko.
#include "host_test.h"

#include <elf.h>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <kcpp/box.h>
#include <kcpp/module.h>
#include <kcpp/params.h>

using namespace kcpp;

namespace {
struct HostModule {
	static inline int instances = 0;
	static Result<Box<HostModule>> init();
	HostModule() { ++instances; }
	~HostModule() { --instances; }
};
} // namespace

KCPP_MODULE_PARAM(unsigned int, queues, 4u, 0644, "number of queues (1-64)", kcpp::param::range<1u, 64u>);
KCPP_MODULE_PARAM(int, offset, -3, 0444, "signed offset", kcpp::param::any<int>);
KCPP_MODULE_PARAM(bool, fail_init, false, 0644, "make module init fail", kcpp::param::any<bool>);
KCPP_MODULE_PARAM(kcpp::ParamString<16>, ifname, "eth0", 0444, "interface name",
		  kcpp::param::any<kcpp::ParamString<16>>);

Result<Box<HostModule>> HostModule::init()
{
	if (kcpp_param::fail_init.get())
		return code::ENODEV;
	return Box<HostModule>::make(gfp::KERNEL);
}

KCPP_MODULE(HostModule, "GPL");
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("host test module");
KCPP_MODULE_ALIAS("kcpp-host");

static_assert(detail::license_is_gpl_compatible("GPL"));
static_assert(detail::license_is_gpl_compatible("GPL v2"));
static_assert(detail::license_is_gpl_compatible("Dual MIT/GPL"));
static_assert(detail::license_is_gpl_compatible("Dual BSD/GPL"));
static_assert(!detail::license_is_gpl_compatible("Proprietary"));
static_assert(!detail::license_is_gpl_compatible("GPL v3")); // not in the kernel's list
static_assert(!detail::license_is_gpl_compatible("gpl"));

namespace {

class ModuleTest : public HostTest {
protected:
	void TearDown() override
	{
		// Parameters are global: put back the defaults for the next test.
		EXPECT_EQ(kcpp_host::set_param("queues", "4"), 0);
		EXPECT_EQ(kcpp_host::set_param("fail_init", "0"), 0);
		EXPECT_EQ(kcpp_host::set_param("ifname", "eth0"), 0);
		HostTest::TearDown();
	}
};

// The NUL-separated entries of this executable's .modinfo section.
std::vector<std::string> modinfo()
{
	std::ifstream f("/proc/self/exe", std::ios::binary);
	std::vector<char> elf((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
	std::vector<std::string> out;
	if (elf.size() < sizeof(Elf64_Ehdr))
		return out;
	const auto *eh = reinterpret_cast<const Elf64_Ehdr *>(elf.data());
	const auto *sh = reinterpret_cast<const Elf64_Shdr *>(elf.data() + eh->e_shoff);
	const char *names = elf.data() + sh[eh->e_shstrndx].sh_offset;
	for (int i = 0; i < eh->e_shnum; ++i) {
		if (std::string(names + sh[i].sh_name) != ".modinfo")
			continue;
		const char *p = elf.data() + sh[i].sh_offset;
		const char *end = p + sh[i].sh_size;
		while (p < end) {
			std::string entry(p);
			if (!entry.empty())
				out.push_back(entry);
			p += entry.size() + 1;
		}
	}
	return out;
}

bool has(const std::vector<std::string> &v, const std::string &s)
{
	for (const auto &e : v)
		if (e == s)
			return true;
	return false;
}

} // namespace

TEST_F(ModuleTest, InitCreatesTheInstanceAndExitDestroysIt)
{
	HostModule::instances = 0;
	EXPECT_EQ(kcpp_module_init(), 0);
	EXPECT_EQ(HostModule::instances, 1);
	EXPECT_EQ(kcpp_host::live_allocations(), 1);
	kcpp_module_exit();
	EXPECT_EQ(HostModule::instances, 0);
}

TEST_F(ModuleTest, InitErrorsBecomeNegativeErrnos)
{
	HostModule::instances = 0;
	ASSERT_EQ(kcpp_host::set_param("fail_init", "y"), 0);
	EXPECT_EQ(kcpp_module_init(), -19); // -ENODEV
	EXPECT_EQ(HostModule::instances, 0);
	ASSERT_EQ(kcpp_host::set_param("fail_init", "n"), 0);
	{
		kcpp_host::FailAllocations fail;
		EXPECT_EQ(kcpp_module_init(), -12); // -ENOMEM from Box::make
	}
	EXPECT_EQ(HostModule::instances, 0);
}

TEST_F(ModuleTest, ParametersAreListedInTheParamSection)
{
	const param::KernelParam *kp = kcpp_host::find_param("queues");
	ASSERT_NE(kp, nullptr);
	EXPECT_STREQ(kp->name, "queues");
	EXPECT_EQ(kp->perm, 0644);
	EXPECT_EQ(kp->level, -1);
	EXPECT_EQ(kp->flags, 0);
	EXPECT_EQ(kp->mod, &__this_module);
	EXPECT_EQ(kp->ops, &kcpp_param_ops);
	EXPECT_EQ(kp->arg, static_cast<param::Base *>(&kcpp_param::queues));
	ASSERT_NE(kcpp_host::find_param("offset"), nullptr);
	EXPECT_EQ(kcpp_host::find_param("offset")->perm, 0444);
	EXPECT_NE(kcpp_host::find_param("ifname"), nullptr);
	EXPECT_NE(kcpp_host::find_param("fail_init"), nullptr);
	EXPECT_EQ(kcpp_host::find_param("nope"), nullptr);
}

TEST_F(ModuleTest, DefaultsAreConstantInitialised)
{
	EXPECT_EQ(kcpp_param::queues.get(), 4u);
	EXPECT_EQ(kcpp_param::offset.get(), -3);
	EXPECT_FALSE(kcpp_param::fail_init.get());
	EXPECT_STREQ(kcpp_param::ifname.get().c_str(), "eth0");
	EXPECT_EQ(kcpp_host::get_param("queues"), "4\n");
	EXPECT_EQ(kcpp_host::get_param("offset"), "-3\n");
	EXPECT_EQ(kcpp_host::get_param("fail_init"), "N\n");
	EXPECT_EQ(kcpp_host::get_param("ifname"), "eth0\n");
}

TEST_F(ModuleTest, SettingThroughTheKernelParamOps)
{
	EXPECT_EQ(kcpp_host::set_param("queues", "0x10\n"), 0);
	EXPECT_EQ(kcpp_param::queues.get(), 16u);
	EXPECT_EQ(kcpp_host::get_param("queues"), "16\n");
	EXPECT_EQ(kcpp_host::set_param("ifname", "wlan0"), 0);
	EXPECT_STREQ(kcpp_param::ifname.get().c_str(), "wlan0");
	EXPECT_EQ(kcpp_host::set_param("offset", "-2147483648"), 0);
	EXPECT_EQ(kcpp_param::offset.get(), -2147483647 - 1);
	EXPECT_TRUE(kcpp_host::log_lines().empty());
	EXPECT_EQ(kcpp_host::set_param("offset", "-3"), 0);
}

TEST_F(ModuleTest, RejectedValuesFailAndAreLogged)
{
	EXPECT_EQ(kcpp_host::set_param("queues", "0"), -22);
	EXPECT_EQ(kcpp_param::queues.get(), 4u);
	EXPECT_EQ(kcpp_host::last_log(), "kcpp_host_tests: parameter 'queues': invalid value '0' (-22)");
	EXPECT_EQ(kcpp_host::set_param("queues", "99999999999"), -34);
	EXPECT_EQ(kcpp_host::set_param("ifname", "a-very-long-interface"), -28);
	EXPECT_STREQ(kcpp_param::ifname.get().c_str(), "eth0");
	EXPECT_EQ(kcpp_host::log_lines().size(), 3u);
	EXPECT_EQ(kcpp_host::log_lines()[0].level, 3); // KERN_ERR
}

TEST_F(ModuleTest, ModinfoListsLicenseParametersAndTypes)
{
	std::vector<std::string> info = modinfo();
	ASSERT_FALSE(info.empty()) << "no .modinfo section in /proc/self/exe";
	EXPECT_TRUE(has(info, "license=GPL"));
	EXPECT_TRUE(has(info, "author=kcpp developers"));
	EXPECT_TRUE(has(info, "description=host test module"));
	EXPECT_TRUE(has(info, "alias=kcpp-host"));
	EXPECT_TRUE(has(info, "parm=queues:number of queues (1-64)"));
	EXPECT_TRUE(has(info, "parmtype=queues:uint"));
	EXPECT_TRUE(has(info, "parmtype=offset:int"));
	EXPECT_TRUE(has(info, "parmtype=fail_init:bool"));
	EXPECT_TRUE(has(info, "parmtype=ifname:string"));
	EXPECT_STREQ(kcpp_parmtype_queues.s, "parmtype=queues:uint");
}
