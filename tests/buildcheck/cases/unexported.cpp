// A reference to a symbol the kernel does not export: modpost rejects the module.
// expect: "kcpp_no_such_kernel_symbol" .*undefined
// link: yes
#include <kcpp/kcpp.h>

extern "C" void kcpp_no_such_kernel_symbol();
class Bad {
public:
	static kcpp::Result<kcpp::Box<Bad>> init()
	{
		kcpp_no_such_kernel_symbol();
		return kcpp::Box<Bad>::make(kcpp::gfp::KERNEL);
	}
};
KCPP_MODULE(Bad, "GPL");
