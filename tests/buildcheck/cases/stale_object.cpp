// A source that stops compiling after a good build must fail the rebuild. kcpp.mk once lost a
// failed C++ compile's status (the commands were joined with && under the shell's set -e), so
// the rebuild exited 0 and linked the object left by the first build. The harness builds this
// case, appends the `rebuild:` line and builds again.
// rebuild: #error kcpp-buildcheck: the edit after the first build
// expect: kcpp-buildcheck: the edit after the first build
// link: yes
#include <kcpp/kcpp.h>

class Stale {
public:
	static kcpp::Result<kcpp::Box<Stale>> init()
	{
		kcpp::pr_info("stale_object: first build");
		return kcpp::Box<Stale>::make(kcpp::gfp::KERNEL);
	}
};

KCPP_MODULE(Stale, "GPL");
