// SPDX-License-Identifier: GPL-2.0
// kcpp_hello — the smallest useful kcpp module: a parameter, some state behind a lock, and
// log lines at load and unload. docs/writing-a-module.md walks through it.
#include <kcpp/kcpp.h>

using namespace kcpp;

KCPP_MODULE_PARAM(unsigned int, greetings, 1, 0444, "how many greetings to log at load (1-10)",
		  param::range<1u, 10u>);
KCPP_MODULE_PARAM(bool, shout, false, 0644, "greet in capitals", param::any<bool>);
KCPP_MODULE_PARAM(ParamString<32>, whom, "world", 0444, "who to greet", param::any<ParamString<32>>);

class Hello {
public:
	static Result<Box<Hello>> init()
	{
		auto hello = TRY(Box<Hello>::make(gfp::KERNEL));
		for (unsigned int i = 0; i < kcpp_param::greetings.get(); ++i) {
			TRY(hello->names_.lock()->push(i, gfp::KERNEL));
			if (kcpp_param::shout.get())
				pr_info("HELLO, {}! ({})", kcpp_param::whom.get().c_str(), i + 1);
			else
				pr_info("hello, {}! ({})", kcpp_param::whom.get().c_str(), i + 1);
		}
		return hello;
	}

	~Hello() { pr_info("goodbye after {} greetings", names_.lock()->len()); }

private:
	Mutex<Vec<unsigned int>> names_{KCPP_LOCK_CLASS("kcpp_hello_names")};
};

KCPP_MODULE(Hello, "GPL");
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("kcpp sample: the smallest useful C++ module");
