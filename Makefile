# plenum -- build, test, demo and install.
#
#   make            build ./plenum (strict: warnings are errors)
#   make check      every test (unit tests under cmocka, CLI tests)
#   make demo       install what is missing, build, load the Jiangmen demo, show it
#   make install    PREFIX=/usr/local DESTDIR= honoured
#   make asan       the test suite under AddressSanitizer and UBSan
#   make lint       banned names and long lines
#   make torture    kill -9 during writes, 50 cycles
#
# CC=clang works as well as gcc. Libraries are found with pkg-config; the
# Debian packages that provide them are named in scripts/install-deps only.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config
PKGS    := sqlite3 jansson libsodium libmicrohttpd pangocairo cairo-pdf libcmark-gfm libxml-2.0 libzip libical xlsxwriter
TEST_PKGS := cmocka

WARN    := -Wall -Wextra -Wpedantic -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wold-style-definition -Wwrite-strings -Wvla -Wshadow -Wformat=2 \
           -Wpointer-arith -fno-common
OPT     ?= -O2 -g
CFLAGS  ?=
CFLAGS  += -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) \
           -DPLENUM_DATADIR='"$(PREFIX)/share/plenum"' \
           $(shell $(PKG_CONFIG) --cflags $(PKGS))
# libcsv and cmark-gfm's extensions have no pkg-config file.
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcmark-gfm-extensions -lcsv -lm

BUILD   := build
CORE_SRC    := $(wildcard src/core/*.c)
DOMAIN_SRC  := $(wildcard src/domain/*.c)
STORE_SRC   := $(wildcard src/store/*.c)
SERVICE_SRC := $(wildcard src/service/*.c)
IO_SRC      := $(wildcard src/io/*.c)
HTTP_SRC    := $(wildcard src/http/*.c)
REPORT_SRC  := $(wildcard src/report/*.c)
CLI_SRC     := $(wildcard src/cli/*.c)
MIGRATIONS  := $(sort $(wildcard src/store/migrations/*.sql))
WEB_FILES   := $(shell find web -type f ! -name '.*' 2>/dev/null)
TEMPLATE_FILES := $(shell find templates -type f ! -name '.*' 2>/dev/null)

LIB_SRC := $(CORE_SRC) $(DOMAIN_SRC) $(STORE_SRC) $(SERVICE_SRC) $(IO_SRC) $(REPORT_SRC) $(HTTP_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/migrations.o $(BUILD)/web_assets.o $(BUILD)/templates.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
DEPS    := $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit cli-test api-test web-test fuzz bench demo install uninstall clean asan lint deps

all: plenum

deps:
	@./scripts/install-deps

plenum: $(LIB_OBJ) $(CLI_OBJ)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/libplenum.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/migrations.c: $(MIGRATIONS) scripts/embed-sql
	@mkdir -p $(BUILD)
	./scripts/embed-sql $@ $(MIGRATIONS)

$(BUILD)/web_assets.c: $(WEB_FILES) scripts/embed-files
	@mkdir -p $(BUILD)
	@./scripts/embed-files $@ web web_assets gzip

$(BUILD)/templates.c: $(TEMPLATE_FILES) scripts/embed-files
	@mkdir -p $(BUILD)
	@./scripts/embed-files $@ templates template_files

$(BUILD)/web_assets.o $(BUILD)/templates.o: $(BUILD)/%.o: $(BUILD)/%.c
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/migrations.o: $(BUILD)/migrations.c
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libplenum.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS)) -Isrc -o $@ $< \
		$(BUILD)/libplenum.a $(LDFLAGS) $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

cli-test: plenum
	./tests/cli/run.sh ./plenum

# API tests: a real server on a free loopback port per test file.
api-test: plenum
	node --test --test-concurrency=2 tests/api/

# Browser tests: Debian's chromium driven by playwright-core (tests/web).
web-test: plenum
	node --test --test-concurrency=1 tests/web/

check: deps lint
	$(MAKE) all unit
	$(MAKE) cli-test
	$(MAKE) api-test
	$(MAKE) web-test

DEMO_LISTEN ?= 127.0.0.1:8080

demo: deps
	$(MAKE) all
	rm -f demo.db demo.db-wal demo.db-shm
	./plenum --db demo.db demo
	./plenum --db demo.db meeting show m-2026-jm-xiongan
	@echo
	@echo "The Jiangmen demo is in demo.db. In another terminal, try:"
	@echo "  ./plenum --db demo.db initiative tree"
	@echo "  ./plenum --db demo.db task list --light red"
	@echo "  ./plenum --db demo.db check --group g-jm-tlcg --year 2026"
	@echo "  curl -s -X POST http://$(DEMO_LISTEN)/api/v1/login -H 'Content-Type: application/json' -d '{\"login\":\"secretary\",\"password\":\"plenum-demo\"}'"
	@echo
	@echo "Serving the API at http://$(DEMO_LISTEN)/api/v1/ (Ctrl-C stops it)."
	@echo "Demo logins, password plenum-demo: admin, secretary, leader, reporter, reporter-commerce, observer, viewer"
	./plenum --db demo.db serve --listen $(DEMO_LISTEN)

# libFuzzer targets for the parsers of outside input (clang); each runs for
# FUZZ_SECONDS. Not part of check: run it before a release.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := fuzz_import fuzz_ledger fuzz_template
fuzz:
	$(MAKE) clean
	$(MAKE) CC=clang OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" $(BUILD)/libplenum.a
	@mkdir -p $(BUILD)/fuzz
	@set -e; for t in $(FUZZ_TARGETS); do \
		clang $(CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -Isrc -o $(BUILD)/fuzz/$$t tests/fuzz/$$t.c \
			$(BUILD)/libplenum.a $(LDLIBS); \
		mkdir -p $(BUILD)/fuzz/$$t.corpus; \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
			-max_len=131072 $(BUILD)/fuzz/$$t.corpus tests/fuzz/seeds; \
	done
	$(MAKE) clean

# kill -9 during writes: 50 cycles of start, concurrent writers, SIGKILL,
# check (make check runs 5 of them in api-test).
.PHONY: torture
TORTURE_CYCLES ?= 50
torture: plenum
	KILL9_CYCLES=$(TORTURE_CYCLES) node --test tests/api/kill9.test.mjs

bench: plenum
	./bench/run.sh ./plenum

asan:
	$(MAKE) clean
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) check OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"
	$(MAKE) clean    # so that the next plain make does not keep the sanitized objects

lint:
	@./scripts/lint

install: plenum
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/plenum/demo
	install -m 755 plenum $(DESTDIR)$(PREFIX)/bin/plenum
	install -m 644 data/demo/jiangmen.json $(DESTDIR)$(PREFIX)/share/plenum/demo/jiangmen.json

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/plenum
	rm -rf $(DESTDIR)$(PREFIX)/share/plenum

clean:
	rm -rf $(BUILD) plenum

-include $(DEPS)
