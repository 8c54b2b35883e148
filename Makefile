# Vigil — top-level build.
#
# `make` builds bin/vigil-server; `make test` installs what is missing, builds,
# then runs the check unit tests and the pytest integration suite.
# Objects go to build/ (or build-asan/ for `make asan`), binaries to bin/.

CC       ?= cc
BUILD    ?= build
BIN      ?= bin
OPT      ?= -O2
PYTHON   ?= /usr/bin/python3
PREFIX   ?= /usr/local

PKGS      := hiredis openssl liblzf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Debian 12's libev-dev ships no libev.pc: use pkg-config when it has one.
EV_CFLAGS := $(shell pkg-config --cflags libev 2>/dev/null)
EV_LIBS   := $(shell pkg-config --libs libev 2>/dev/null || echo -lev)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

CFLAGS   ?= $(OPT) -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers \
            $(PKG_CFLAGS) $(EV_CFLAGS) -MMD -MP $(EXTRA_CFLAGS)
LDLIBS   += $(PKG_LIBS) $(EV_LIBS) -lm -lpthread $(EXTRA_LDLIBS)

COMMON_SRC := $(wildcard common/*.c)
SERVER_SRC := $(filter-out server/main.c,$(wildcard server/*.c))
SENTINEL_SRC := $(wildcard sentinel/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
SENTINEL_UNIT_SRC := $(wildcard tests/unit/sentinel/test_*.c)

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
SERVER_OBJ := $(SERVER_SRC:%.c=$(BUILD)/%.o)
SENTINEL_OBJ := $(SENTINEL_SRC:%.c=$(BUILD)/%.o)
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%) \
              $(SENTINEL_UNIT_SRC:tests/unit/sentinel/%.c=$(BUILD)/tests/sentinel/%)
SENTINEL_LIB := $(BUILD)/libvigil-sentinel.a

COMMON_LIB := $(BUILD)/libvigil-common.a
SERVER_LIB := $(BUILD)/libvigil-server.a

.PHONY: all test unit integration run bench deps install clean format lint asan asan-test \
        compose-build compose-test

BINARIES := $(BIN)/vigil-server $(if $(SENTINEL_SRC),$(BIN)/vigil-sentinel)

all: $(BINARIES)

# Each tree sees common/ and its own headers only: server and sentinel
# never include each other.
$(BUILD)/common/%.o: common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -c $< -o $@

$(BUILD)/server/%.o: server/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Iserver -c $< -o $@

$(BUILD)/sentinel/%.o: sentinel/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Isentinel -c $< -o $@

$(COMMON_LIB): $(COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SERVER_LIB): $(SERVER_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN)/vigil-server: $(BUILD)/server/main.o $(SERVER_LIB) $(COMMON_LIB)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(SENTINEL_LIB): $(filter-out $(BUILD)/sentinel/main.o,$(SENTINEL_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/sentinel/%: tests/unit/sentinel/%.c $(SENTINEL_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Isentinel -Itests/unit -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# The sentinel builds on common/ only: it never links server code.
$(BIN)/vigil-sentinel: $(SENTINEL_OBJ) $(COMMON_LIB)
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(SERVER_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Icommon -Iserver -Itests/unit -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

# Installs missing Debian packages (needs root and apt); a no-op when all are there.
deps:
	@scripts/deps.sh

# The whole suite twice, optimised then under ASan+UBSan; then, where a
# Docker engine answers, the compose group's failover tests.
HAVE_DOCKER := $(shell docker info >/dev/null 2>&1 && echo yes)

test: deps all unit integration asan-test $(if $(HAVE_DOCKER),compose-test)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do CK_VERBOSITY=normal $$t; done

integration: all
	VIGIL_SERVER=$(abspath $(BIN)/vigil-server) VIGIL_SENTINEL=$(abspath $(BIN)/vigil-sentinel) \
	    $(PYTHON) -m pytest -q tests/integration $(PYTEST_ARGS)

# The default local group: primary 6379, replicas 6380-6381, sentinels
# 26379-26381 (RUN_SINGLE=1: the primary alone).
run: deps all
	BIN=$(BIN) scripts/run-group.sh

bench: deps all
	$(PYTHON) bench/throughput.py --vigil $(abspath $(BIN)/vigil-server)
	$(PYTHON) bench/memory.py --vigil $(abspath $(BIN)/vigil-server)
	$(PYTHON) bench/failover.py --sentinel $(abspath $(BIN)/vigil-sentinel)

# The docker compose HA group (docs/compose.md): needs a docker engine; without a registry
# the base image is built with debootstrap (root, Debian's mirror).
compose-build: all
	compose/build-base.sh
	compose/compose.sh build

compose-test: compose-build
	tests/compose/run.sh $(PYTEST_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BINARIES) $(DESTDIR)$(PREFIX)/bin/

# ASan+UBSan build in its own tree, so it never mixes with the optimised objects.
ASAN_MAKE = $(MAKE) BUILD=build-asan BIN=bin-asan OPT="-O1 -fno-omit-frame-pointer" \
	    EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined"

asan:
	$(ASAN_MAKE) all

asan-test: deps
	$(ASAN_MAKE) all unit
	VIGIL_SERVER=$(abspath bin-asan/vigil-server) VIGIL_SENTINEL=$(abspath bin-asan/vigil-sentinel) \
	    $(PYTHON) -m pytest -q tests/integration $(PYTEST_ARGS)

format:
	clang-format -i common/*.[ch] server/*.[ch] $(wildcard sentinel/*.[ch]) tests/unit/*.[ch]

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -Icommon -Iserver common server $(wildcard sentinel)

clean:
	rm -rf build build-asan bin bin-asan

-include $(COMMON_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(SENTINEL_OBJ:.o=.d) $(BUILD)/server/main.d
