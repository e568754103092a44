// SPDX-License-Identifier: GPL-2.0
// kcpp_debugfs: directories and show files are created, refuse taken names and are removed
// on drop, so the same names can be created again. (Reading their contents needs a reader:
// tests/qemu/mapper.sh cats the sample's files.)
#include "common.h"

#include <kcpp/debugfs.h>

using namespace kcpp;
using namespace kcpp_test;

namespace {
struct Data {
	int shown = 0;
	static void show(Data &d, debugfs::SeqFile &m)
	{
		++d.shown;
		m.print("shown {}\n", d.shown);
	}
};
} // namespace

static void create_remove_recreate(Test &t)
{
	Data data;
	for (int round = 0; round < 2; ++round) {
		Result<debugfs::Dir> dir = debugfs::Dir::create("kcpp_kunit_debugfs");
		KCPP_ASSERT_OK(t, dir);
		KCPP_EXPECT_ERR(t, debugfs::Dir::create("kcpp_kunit_debugfs"), code::EEXIST);
		Result<debugfs::Dir> sub = debugfs::Dir::create("sub", &dir.value());
		KCPP_EXPECT_OK(t, sub);
		debugfs::ShowFile<Data> a, b;
		KCPP_EXPECT_OK(t, a.create("state", 0444, dir.value(), data, &Data::show));
		KCPP_EXPECT_TRUE(t, a.exists());
		KCPP_EXPECT_ERR(t, a.create("other", 0444, dir.value(), data, &Data::show), code::EBUSY);
		KCPP_EXPECT_ERR(t, b.create("state", 0444, dir.value(), data, &Data::show), code::EEXIST);
		KCPP_EXPECT_FALSE(t, b.exists());
		KCPP_EXPECT_OK(t, b.create("state", 0444, sub.value(), data, &Data::show)); // other dir
		a.remove();
		KCPP_EXPECT_FALSE(t, a.exists());
		KCPP_EXPECT_OK(t, a.create("state", 0444, dir.value(), data, &Data::show)); // name free again
		// b, a, sub, dir are removed in that order at the end of the round.
	}
	KCPP_EXPECT_EQ(t, data.shown, 0); // nobody read them
}

KCPP_KUNIT_SUITE(kcpp_debugfs, KCPP_KUNIT_CASE(create_remove_recreate));
