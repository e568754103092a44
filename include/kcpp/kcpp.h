// SPDX-License-Identifier: GPL-2.0
// kcpp/kcpp.h — everything a driver usually needs, in one include.
#pragma once

#include <kcpp/arc.h>
#include <kcpp/box.h>
#include <kcpp/completion.h>
#include <kcpp/condvar.h>
#include <kcpp/error.h>
#include <kcpp/list.h>
#include <kcpp/module.h>
#include <kcpp/mutex.h>
#include <kcpp/params.h>
#include <kcpp/print.h>
#include <kcpp/spinlock.h>
#include <kcpp/time.h>
#include <kcpp/uaccess.h>
#include <kcpp/vec.h>
#include <kcpp/workqueue.h>
