# kcpp.mk — C++ in Kbuild. Include it from a module's Kbuild after setting KCPP_ROOT:
#
#     KCPP_ROOT := /path/to/kcpp
#     include $(KCPP_ROOT)/scripts/kbuild/kcpp.mk
#     obj-m += mydrv.o
#     mydrv-y := mydrv_main.o $(call kcpp-objs,mydrv,core)
#
# C++ objects get the flags Kbuild gives a C file in the same place (c_flags, with the
# per-object KASAN/UBSAN/KCOV instrumentation), minus the C-only flags and kernel include
# options (kernel headers do not parse as C++), plus the C++ runtime flags. objtool runs on
# them as on C, and every object passes scripts/kbuild/objcheck.py. The kcpp runtime and
# shims are compiled into each module (docs/architecture.md says why).

ifndef KCPP_ROOT
$(error kcpp.mk: set KCPP_ROOT to the kcpp checkout before including kcpp.mk)
endif

KCPP_CXX ?= $(subst gcc,g++,$(CC))

# Every object waits for the generated layout header (order-only: fixdep tracks the rest).
kcpp-gen-header = $(obj)/kcpp-gen/kcpp/gen/layout.h

# Flags g++ rejects or warns about for C++ (and that do not apply to it). An unknown C-only
# flag that appears in a later kernel is not silent: g++ warns, and -Werror stops the build.
kcpp-c-only-flags := -std=gnu11 -std=gnu99 -std=gnu89 \
	-Wstrict-prototypes -Wold-style-definition -Wmissing-prototypes \
	-Wmissing-parameter-type -Wdeclaration-after-statement -Wno-pointer-sign \
	-Werror=implicit-function-declaration -Werror=implicit-int -Werror=strict-prototypes \
	-Werror=incompatible-pointer-types -Werror=designated-init -Wno-override-init \
	-Werror=return-type -Wno-enum-int-mismatch -Wnested-externs

# `-include FILE` and `-isystem DIR` come in pairs of words: glue, then drop, each pair.
kcpp-drop-pairs = $(filter-out -include@% -isystem@%,$(subst -include ,-include@,$(subst -isystem ,-isystem@,$(1))))

# -fno-gnu-unique: inline variables and static locals of inline functions (lock class keys,
# WARN_ON_ONCE flags, code::ENOMEM once its address is taken) become weak, not
# STB_GNU_UNIQUE, symbols: once their COMDAT groups are dissolved (see below) `ld -r` keeps
# one weak definition, but reports duplicate unique ones as multiple definitions.
KCPP_CXXFLAGS := -std=gnu++20 -nostdinc++ \
	-fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit -fno-gnu-unique \
	-fno-unwind-tables -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wno-missing-field-initializers \
	-gsplit-dwarf -I$(KCPP_ROOT)/include -I$(obj)/kcpp-gen

kcpp_cxx_flags = $(filter-out $(kcpp-c-only-flags) -I%,$(call kcpp-drop-pairs,$(c_flags))) \
	$(KCPP_CXXFLAGS) $(CXXFLAGS_$(target-stem).o)

# The shims (C) see the kernel and the boundary header; warnings are errors there too.
ccflags-y += -I$(KCPP_ROOT)/include -I$(obj)/kcpp-gen -Werror

# --- Build checks ----------------------------------------------------------------------
kcpp-objcheck-args := \
	$(if $(CONFIG_X86_KERNEL_IBT),--ibt) \
	$(if $(CONFIG_CALL_PADDING),--padding $(CONFIG_FUNCTION_PADDING_BYTES)) \
	$(if $(CONFIG_KASAN),--kasan)

quiet_cmd_kcpp_objcheck = CHECK   $@
      cmd_kcpp_objcheck = $(PYTHON3) $(KCPP_ROOT)/scripts/kbuild/objcheck.py $(kcpp-objcheck-args) \
		$(if $(findstring $(strip $(CC_FLAGS_FTRACE)),$(kcpp_cxx_flags)),--fentry) $@

# objtool and modpost warnings are failures: run both through a wrapper that fails on them.
ifdef CONFIG_OBJTOOL
override objtool := $(KCPP_ROOT)/scripts/kbuild/fail-on-warning objtool $(objtree)/tools/objtool/objtool
endif
override MODPOST := $(KCPP_ROOT)/scripts/kbuild/fail-on-warning modpost $(objtree)/scripts/mod/modpost

# --- The C++ compile rule (mirrors rule_cc_o_c in scripts/Makefile.build) ---------------
# Inline functions and template instantiations are COMDAT groups, which `ld -r` dedupes
# across a module's objects. GCC 12 records their -fpatchable-function-entry padding in one
# ungrouped __patchable_function_entries section per object, so a discarded duplicate
# becomes a dangling reference and the link fails. Dissolving the groups turns duplicates
# into ordinary weak definitions: the linker keeps one definition and every section.
# Commands are joined with ';' (kbuild runs them under `set -e`): with '&&' a failed compile
# would not stop the recipe, and a stale object would be linked.
quiet_cmd_cc_o_cpp = CXX $(quiet_modtag) $@
      cmd_cc_o_cpp = $(KCPP_CXX) $(kcpp_cxx_flags) -c -o $@ $<; \
		$(OBJCOPY) --remove-section=.group $@ $(cmd_objtool)

define rule_cc_o_cpp
	$(call cmd_and_fixdep,cc_o_cpp)
	$(call cmd,gen_objtooldep)
	$(call cmd,record_mcount)
	$(call cmd,kcpp_objcheck)
endef

ifneq ($(obj),)
$(obj)/%.o: $(src)/%.cpp FORCE | $(kcpp-gen-header)
	$(call if_changed_rule,cc_o_cpp)

# Sizes, alignments and constants of the kernel structures C++ embeds, from this kernel's
# headers (asm-offsets style). Every C++ object depends on it.
$(obj)/kcpp-gen/layout.s: $(KCPP_ROOT)/src/layout/layout.c FORCE
	$(call if_changed_dep,cc_s_c)
$(obj)/kcpp-gen/kcpp/gen/layout.h: $(obj)/kcpp-gen/layout.s FORCE
	$(call filechk,offsets,KCPP_GEN_LAYOUT_H)
targets += kcpp-gen/layout.s kcpp-gen/kcpp/gen/layout.h
endif

# --- The runtime and shims, compiled into each module ------------------------------------
# $(call kcpp-objs,MODULE,AREAS) lists kcpp's objects for module MODULE, compiled under
# $(obj)/kcpp-MODULE/ with that module's KBUILD_MODNAME (log prefixes, lockdep names):
#
#     obj-m += mydrv.o
#     mydrv-y := main.o $(call kcpp-objs,mydrv,core)
#
# Link only the areas you use: each area's shims import that subsystem's symbols, and
# `ld -r` keeps whatever is linked. `core` is every general-purpose area.
kcpp-area-rt := runtime/module.o runtime/runtime.o runtime/cxxabi.o runtime/errno_check.o \
	alloc/alloc.o
kcpp-area-print := runtime/print.o runtime/format.o
kcpp-area-sync := sync/locks.o sync/wait.o sync/refcount.o
kcpp-area-task := task/time.o task/workqueue.o
kcpp-area-uaccess := uaccess/uaccess.o
kcpp-area-params := params/params.o params/parse.o
kcpp-area-core := $(foreach a,rt print sync task uaccess params,$(kcpp-area-$(a)))
kcpp-area-kunit := kunit/kunit.o kunit/oracles.o
kcpp-area-net-phy := net/phy.o
kcpp-area-block := block/mq.o device/device.o
kcpp-area-device := device/device.o
kcpp-area-misc := fs/miscdev.o
kcpp-area-pci := device/device.o pci/pci.o pci/dma.o pci/irq.o
# Binder-facing areas (docs/binder.md lists the symbols Debian exports only for its binder).
kcpp-area-mm := mm/page.o mm/mm.o
kcpp-area-file := fs/file.o
kcpp-area-cred := task/cred.o
kcpp-area-rbtree := lib/rbtree.o
kcpp-area-debugfs := fs/debugfs.o
kcpp-area-wait := sync/wait_more.o

define kcpp-module-rules
$$(obj)/kcpp-$(1)/%.o: private modname = $(1)
$$(obj)/kcpp-$(1)/%.o: $$(KCPP_ROOT)/src/%.cpp FORCE | $$(kcpp-gen-header)
	$$(call if_changed_rule,cc_o_cpp)
$$(obj)/kcpp-$(1)/%.o: $$(KCPP_ROOT)/src/%.c FORCE | $$(kcpp-gen-header)
	$$(call if_changed_rule,cc_o_c)
endef

kcpp-objs = $(if $(obj),$(eval $(call kcpp-module-rules,$(strip $(1)))))$(addprefix \
	kcpp-$(strip $(1))/,$(sort $(foreach a,$(2),$(kcpp-area-$(a)))))
