// A well-formed object: the control case, which must build (so that the failing cases fail
// for their own reason, not because the harness is broken).
// expect: OK
// link: yes
#include <kcpp/kcpp.h>

struct Ops {
	int (*get)(int);
};
static int twice(int x) { return 2 * x; }
constinit const Ops good_ops = {twice};

class Good {
public:
	static kcpp::Result<kcpp::Box<Good>> init()
	{
		kcpp::pr_info("good: {}", good_ops.get(21));
		return kcpp::Box<Good>::make(kcpp::gfp::KERNEL);
	}
};
KCPP_MODULE(Good, "GPL");
