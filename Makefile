# kip - Kernel In a Process.  GNU make; out-of-tree objects under build/.
#
#   make            build build/kip (installs missing packages first)
#   make run        build and run the demo
#   make test       lint, CUnit suites, end-to-end tests, memcheck tier
#   make lint       clang-format check, layering (ARCHITECTURE 7), no globals in servers
#   make gdb        build/kip under gdb with tools/gdb/kip.py loaded
#   make SWITCH=asm|ucontext   default context switch (asm on x86-64)

BUILD   ?= build
CC      ?= gcc
SWITCH  ?= asm
OPT     ?= -O2

ifeq ($(SWITCH),ucontext)
SWITCH_DEF := -DCTX_IMPL_DEFAULT=CTX_IMPL_UCONTEXT
else ifeq ($(SWITCH),asm)
SWITCH_DEF := -DCTX_IMPL_DEFAULT=CTX_IMPL_ASM
else
$(error SWITCH must be asm or ucontext)
endif

CFLAGS_BASE := -std=gnu11 -Wall -Wextra -Werror -g $(OPT) -fno-omit-frame-pointer \
	-Iinclude -I. $(SWITCH_DEF) -D_GNU_SOURCE
CFLAGS  ?=
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS)
# Code that stands in for user programs counts its basic blocks (ARCHITECTURE 3).
INSTRUMENT := -fsanitize-coverage=trace-pc
# The FUSE edge (fuse-bridge/, cli/): flags read when used (= not :=), after
# tools/install-deps has made sure libfuse3-dev is there.
FUSE_CFLAGS = $(shell pkg-config --cflags fuse3 2>/dev/null)
FUSE_LIBS = $(shell pkg-config --libs fuse3 2>/dev/null)
LDLIBS  = -lpthread -lrt $(FUSE_LIBS)
LD      ?= ld
OBJCOPY ?= objcopy

# Sources by layer.  Everything under programs/ and tests/ is instrumented.
SIM_SRC     := $(wildcard sim/*.c) $(wildcard sim/*.S)
KERNEL_SRC  := $(wildcard kernel/*.c)
SERVERS_SRC := $(wildcard servers/*/*.c)
LIBPOSIX_SRC:= $(wildcard libposix/*.c)
PROGRAMS_SRC:= $(wildcard programs/*/*.c)
CLI_SRC     := $(wildcard cli/*.c) $(wildcard fuse-bridge/*.c)
USERLAND_SRC:= $(wildcard tests/userland/*.c)
TEST_SRC    := $(filter-out $(USERLAND_SRC),$(wildcard tests/*/*.c))

obj = $(patsubst %.S,$(BUILD)/%.o,$(patsubst %.c,$(BUILD)/%.o,$(1)))
BASE_OBJ     := $(call obj,$(SIM_SRC) $(KERNEL_SRC) $(SERVERS_SRC))
LIBPOSIX_OBJ := $(call obj,$(LIBPOSIX_SRC))
PROGRAMS_OBJ := $(call obj,$(PROGRAMS_SRC))
USERLAND_OBJ := $(call obj,$(USERLAND_SRC))
CORE_OBJ := $(BASE_OBJ) $(LIBPOSIX_OBJ) $(PROGRAMS_OBJ)
CLI_OBJ  := $(call obj,$(CLI_SRC))
TEST_OBJ := $(call obj,$(TEST_SRC))
CLI_LIB_OBJ := $(filter-out $(BUILD)/cli/main.o,$(CLI_OBJ))

# Programs may call open(), read(), errno... by their plain names: libposix
# defines them hidden.  libposix and the programs (plus tests/userland for
# test_kip) are linked into one object with ld -r, and objcopy makes the
# hidden definitions local to it, so everything else in the binary - the
# simulator's own file I/O - still calls glibc's.  libposix/check-names
# checks every binary after the link (docs/libposix.md).
PROGRAMS_PART      := $(BUILD)/programs.part.o
TEST_PROGRAMS_PART := $(BUILD)/test-programs.part.o
partial_link = $(LD) -r -o $@.tmp $^ && $(OBJCOPY) --localize-hidden $@.tmp $@ && rm -f $@.tmp
check_names  = libposix/check-names $@.tmp $(1) $(LIBPOSIX_OBJ) && mv -f $@.tmp $@

DEPS_STAMP := $(BUILD)/.deps-ok

.PHONY: all run test lint gdb clean deps unit e2e memcheck bench
all: $(BUILD)/kip

deps: $(DEPS_STAMP)
$(DEPS_STAMP): tools/install-deps
	@tools/install-deps --check-or-install
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(if $(filter programs/% tests/%,$<),$(INSTRUMENT)) \
		$(if $(filter fuse-bridge/% cli/%,$<),$(FUSE_CFLAGS)) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(PROGRAMS_PART): $(LIBPOSIX_OBJ) $(PROGRAMS_OBJ)
	$(partial_link)

$(TEST_PROGRAMS_PART): $(LIBPOSIX_OBJ) $(PROGRAMS_OBJ) $(USERLAND_OBJ)
	$(partial_link)

$(BUILD)/kip: $(BASE_OBJ) $(PROGRAMS_PART) $(CLI_OBJ) libposix/check-names
	$(CC) $(ALL_CFLAGS) -o $@.tmp $(filter %.o,$^) $(LDLIBS)
	$(call check_names,$(PROGRAMS_PART))

$(BUILD)/test_kip: $(BASE_OBJ) $(TEST_PROGRAMS_PART) $(CLI_LIB_OBJ) $(TEST_OBJ) libposix/check-names
	$(CC) $(ALL_CFLAGS) -o $@.tmp $(filter %.o,$^) $(LDLIBS) -lcunit
	$(call check_names,$(TEST_PROGRAMS_PART))

run: $(BUILD)/kip
	$(BUILD)/kip run

unit: $(BUILD)/test_kip
	$(BUILD)/test_kip

e2e: $(BUILD)/kip
	tests/e2e/run-all $(BUILD)/kip

memcheck: $(BUILD)/kip $(BUILD)/test_kip
	tools/memcheck $(BUILD)

test: lint $(BUILD)/kip $(BUILD)/test_kip
	$(BUILD)/test_kip
	tests/e2e/run-all $(BUILD)/kip
	tools/memcheck $(BUILD)

lint: $(CORE_OBJ) | $(DEPS_STAMP)
	tools/lint/run $(BUILD)

gdb: $(BUILD)/kip
	tools/gdb/run $(BUILD)/kip

bench: $(BUILD)/kip
	$(BUILD)/kip bench ipc

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
