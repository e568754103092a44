// An indirect call that bypasses the retpoline thunks: objtool warns, and kcpp treats
// objtool warnings as errors.
// expect: objtool printed warnings
// link: yes
#include <kcpp/kcpp.h>

static void nothing() {}
__attribute__((noinline)) static int naked_ret(int x)
{
	void (*fn)() = nothing;
	if (x == 42)
		asm volatile("call *%0" : : "r"(fn) : "memory");
	return x;
}
class Bad {
public:
	static kcpp::Result<kcpp::Box<Bad>> init()
	{
		volatile int zero = 0;
		if (naked_ret(zero) != 0)
			return kcpp::code::EINVAL;
		return kcpp::Box<Bad>::make(kcpp::gfp::KERNEL);
	}
};
KCPP_MODULE(Bad, "GPL");
