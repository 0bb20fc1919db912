# plenum -- build, test, demo and install.
#
#   make            build ./plenum and its modules (strict: warnings are errors)
#   make check      every test (unit, CLI, API, browser) and a short run of each fuzz target
#   make demo       install what is missing, build, load the Jiangmen demo, show it
#   make install    PREFIX=/usr/local DESTDIR= honoured: binary, data, man page, systemd unit
#   make asan       the test suite under AddressSanitizer and UBSan
#   make torture-db every database call of representative commands failed in turn
#   make lint       banned names and long lines
#   make torture    kill -9 during writes, 50 cycles
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (30) each
#
# CC=clang works as well as gcc. Libraries are found with pkg-config; the
# Debian packages that provide them are named in scripts/install-deps only.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
PKG_CONFIG ?= pkg-config
# The binary links only what every command needs. What writes and reads
# documents is the report module, plenum-report.so; the PostgreSQL driver
# (src/store/db_pg.c) is plenum-pg.so: each links its own libraries and is
# loaded on first use (src/core/module.h), found beside the binary or in
# PREFIX/lib/plenum. The unit tests link all of it into one program.
BIN_PKGS    := sqlite3 jansson libsodium libmicrohttpd
REPORT_PKGS := jansson pangocairo cairo-pdf cairo-svg libcmark-gfm libxml-2.0 libzip libical xlsxwriter
PG_PKGS     := libpq
PKGS    := $(BIN_PKGS) $(REPORT_PKGS) $(PG_PKGS)
TEST_PKGS := cmocka

WARN    := -Wall -Wextra -Wpedantic -Werror -Wstrict-prototypes -Wmissing-prototypes \
           -Wold-style-definition -Wwrite-strings -Wvla -Wshadow -Wformat=2 \
           -Wpointer-arith -fno-common
OPT     ?= -O2 -g
CFLAGS  ?=
CFLAGS  += -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(OPT) $(WARN) \
           $(shell $(PKG_CONFIG) --cflags $(PKGS))
# libcsv and cmark-gfm's extensions have no pkg-config file.
LDLIBS  += $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcmark-gfm-extensions -lcsv -lm
BIN_LDLIBS    := $(shell $(PKG_CONFIG) --libs $(BIN_PKGS)) -lm
REPORT_LDLIBS := $(shell $(PKG_CONFIG) --libs $(REPORT_PKGS)) -lcmark-gfm-extensions -lcsv -lm
PG_LDLIBS     := $(shell $(PKG_CONFIG) --libs $(PG_PKGS))

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
# The same migrations restated for PostgreSQL, one file for each of the above.
PG_MIGRATIONS := $(sort $(wildcard src/store/migrations/pg/*.sql))
WEB_FILES   := $(shell find web -type f ! -name '.*' 2>/dev/null)
TEMPLATE_FILES := $(shell find templates -type f ! -name '.*' 2>/dev/null)

# entry.c is the binary's side of the report module (calls through its
# table); libplenum.a has the report code itself instead.
REPORT_ENTRY := src/report/entry.c
LIB_SRC := $(CORE_SRC) $(DOMAIN_SRC) $(STORE_SRC) $(SERVICE_SRC) $(IO_SRC) $(filter-out $(REPORT_ENTRY),$(REPORT_SRC)) \
	   $(HTTP_SRC)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/migrations.o $(BUILD)/web_assets.o $(BUILD)/templates.o
LIB_OBJ += $(BUILD)/migrations_pg.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
# The report module: every report source but entry.c and format.c (what the
# binary knows of reports without it), and the sheet reader.
REPORT_MOD_SRC := $(filter-out $(REPORT_ENTRY) src/report/format.c,$(REPORT_SRC)) src/io/sheet.c
PG_MOD_SRC     := src/store/db_pg.c
REPORT_MOD_OBJ := $(REPORT_MOD_SRC:%.c=$(BUILD)/pic/%.o)
PG_MOD_OBJ     := $(PG_MOD_SRC:%.c=$(BUILD)/pic/%.o)
BIN_OBJ := $(filter-out $(REPORT_MOD_SRC:%.c=$(BUILD)/%.o) $(PG_MOD_SRC:%.c=$(BUILD)/%.o),$(LIB_OBJ)) \
	   $(REPORT_ENTRY:%.c=$(BUILD)/%.o)
MODULES := plenum-report.so plenum-pg.so
DEPS    := $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(REPORT_MOD_OBJ:.o=.d) $(PG_MOD_OBJ:.o=.d) $(REPORT_ENTRY:%.c=$(BUILD)/%.d)

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check unit cli-test api-test web-test pkg-test fuzz fuzz-build fuzz-smoke bench demo install uninstall clean asan lint deps torture-db

all: plenum

deps:
	@./scripts/install-deps

# -rdynamic: the modules call back into the binary (services, buffers,
# errors). Building plenum builds the modules too (order-only: relinking
# one does not relink the other).
plenum: $(BIN_OBJ) $(CLI_OBJ) | $(MODULES)
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -rdynamic -o $@ $^ $(LDFLAGS) $(BIN_LDLIBS)

# Each module exports its table alone (its .map); what it calls in plenum
# stays undefined until the binary loads it.
plenum-report.so: $(REPORT_MOD_OBJ) src/report/module.map
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -shared -Wl,--version-script=src/report/module.map -o $@ $(REPORT_MOD_OBJ) \
		$(LDFLAGS) $(REPORT_LDLIBS)

plenum-pg.so: $(PG_MOD_OBJ) src/store/db_pg.map
	@echo "  LINK    $@"
	@$(CC) $(CFLAGS) -shared -Wl,--version-script=src/store/db_pg.map -o $@ $(PG_MOD_OBJ) $(LDFLAGS) $(PG_LDLIBS)

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $< (module)"
	@$(CC) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

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

$(BUILD)/migrations_pg.c: $(PG_MIGRATIONS) scripts/embed-sql
	@mkdir -p $(BUILD)
	./scripts/embed-sql $@ -n store_migrations_pg $(PG_MIGRATIONS)

# Each file named by its own hash (scripts/fingerprint-web), then embedded
# with a gzip copy of each text file.
$(BUILD)/web_assets.c: $(WEB_FILES) scripts/embed-files scripts/fingerprint-web
	@mkdir -p $(BUILD)
	@./scripts/fingerprint-web web $(BUILD)/web-fp
	@./scripts/embed-files $@ $(BUILD)/web-fp web_assets gzip

$(BUILD)/templates.c: $(TEMPLATE_FILES) scripts/embed-files
	@mkdir -p $(BUILD)
	@./scripts/embed-files $@ templates template_files

$(BUILD)/web_assets.o $(BUILD)/templates.o: $(BUILD)/%.o: $(BUILD)/%.c
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/migrations.o: $(BUILD)/migrations.c
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/migrations_pg.o: $(BUILD)/migrations_pg.c
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libplenum.a
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS) $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS)) -Isrc -o $@ $< \
		$(BUILD)/libplenum.a -Wl,--undefined=db_driver_pg $(LDFLAGS) $(LDLIBS) $(shell $(PKG_CONFIG) --libs $(TEST_PKGS))

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

.PHONY: pg-test pg-check bench-db multi-test multi-test-sqlite replica-test

# The driver conformance and schema tests against a throwaway PostgreSQL
# cluster, started and stopped here (scripts/pg-test-cluster); make unit runs
# the conformance test on SQLite.
pg-test: $(BUILD)/tests/test_db_conformance $(BUILD)/tests/test_pg_schema
	@dir=$$(mktemp -d /tmp/plenum-pg-XXXXXX) || exit 1; \
	trap './scripts/pg-test-cluster stop "$$dir"; rm -rf "$$dir"' EXIT; trap 'exit 1' INT TERM; \
	url=$$(./scripts/pg-test-cluster start "$$dir" </dev/null) || exit 1; \
	PLENUM_TEST_PG_URL="$$url" PLENUM_TEST_PG_ONLY=1 $(BUILD)/tests/test_db_conformance && \
	PLENUM_TEST_PG_URL="$$url" $(BUILD)/tests/test_pg_schema

# The PostgreSQL half of make check: one throwaway cluster (stopped on
# failure too), then the driver and schema tests, the store and service
# tests (each test a fresh schema: tests/unit/testlib.h), the two stores
# compared, the CLI tests and the API tests, all with PLENUM_TEST_PG set.
# The CLI scripts (one after the other, each in schemas of its own:
# tests/cli/testdb.sh) run while the API tests run, their output shown
# after. Tests of SQLite files alone are skipped there (docs/PORTING-STORE.md).
PG_UNIT_TESTS := test_store test_integrity test_chain_writers test_group_commit test_stores_agree test_edges test_reports test_lights
PG_CLI_TESTS := run.sh commands.sh edges.sh hard-cases.sh ledger-import.sh ledger-roundtrip.sh torture-db.sh
PG_API_SKIP := tests/api/backup.test.mjs tests/api/kill9.test.mjs
PG_API_TESTS := $(filter-out $(PG_API_SKIP),$(sort $(wildcard tests/api/*.test.mjs)))
pg-check: plenum $(BUILD)/tests/test_db_conformance $(BUILD)/tests/test_pg_schema $(PG_UNIT_TESTS:%=$(BUILD)/tests/%)
	@dir=$$(mktemp -d /tmp/plenum-pg-XXXXXX) || exit 1; \
	trap './scripts/pg-test-cluster stop "$$dir"; rm -rf "$$dir"' EXIT; trap 'exit 1' INT TERM; \
	url=$$(CI=true ./scripts/pg-test-cluster start "$$dir" </dev/null) || exit 1; \
	echo "== PostgreSQL: $$url"; \
	PLENUM_TEST_PG_URL="$$url" PLENUM_TEST_PG_ONLY=1 $(BUILD)/tests/test_db_conformance && \
	PLENUM_TEST_PG_URL="$$url" $(BUILD)/tests/test_pg_schema && \
	for t in $(PG_UNIT_TESTS); do echo "== $$t on PostgreSQL"; PLENUM_TEST_PG="$$url" $(BUILD)/tests/$$t || exit 1; done && \
	{ ( for t in $(PG_CLI_TESTS); do echo "== tests/cli/$$t on PostgreSQL"; \
		PLENUM_TEST_PG="$$url" TORTURE_STRIDE=5 ./tests/cli/$$t ./plenum --quick || exit 1; done ) >"$$dir/cli.log" 2>&1 & } && \
	cli=$$! && \
	echo "== api on PostgreSQL (skipped, SQLite files alone: $(PG_API_SKIP))" && \
	{ PLENUM_TEST_PG="$$url" node --test --test-concurrency=2 $(PG_API_TESTS); api=$$?; } && \
	{ wait $$cli; clirc=$$?; } && cat "$$dir/cli.log" && \
	echo "== CLI on PostgreSQL: exit $$clirc, API: exit $$api" && [ $$api = 0 ] && [ $$clirc = 0 ]

cli-test: plenum
	./tests/cli/run.sh ./plenum
	./tests/cli/commands.sh ./plenum
	./tests/cli/edges.sh ./plenum
	TORTURE_STRIDE=5 ./tests/cli/torture-db.sh ./plenum --quick
	./tests/cli/hard-cases.sh ./plenum
	./tests/cli/ledger-import.sh ./plenum
	./tests/cli/ledger-roundtrip.sh ./plenum
	./tests/cli/copy.sh ./plenum

# API tests: a real server on a free loopback port per test file.
api-test: plenum
	node --test --test-concurrency=2 tests/api/ tests/openapi/

# Browser tests: Debian's chromium driven by playwright-core (tests/web).
web-test: plenum
	node --test --test-concurrency=1 tests/web/

# Two servers on one PostgreSQL behind haproxy (tests/multi; the test starts
# a throwaway cluster itself) with --read-db on a SQLite copy, then the
# store-version unit test and the copy test both ways on PostgreSQL.
# multi-test-sqlite: the same two servers on one shared SQLite file.
multi-test-sqlite: plenum
	PLENUM_MULTI_STORE=sqlite node --test tests/multi/

multi-test: plenum $(BUILD)/tests/test_store_version
	PLENUM_MULTI_STORE=postgresql node --test tests/multi/
	@dir=$$(mktemp -d /tmp/plenum-pg-XXXXXX) || exit 1; \
	trap './scripts/pg-test-cluster stop "$$dir"; rm -rf "$$dir"' EXIT; trap 'exit 1' INT TERM; \
	url=$$(./scripts/pg-test-cluster start "$$dir") || exit 1; \
	PLENUM_TEST_PG_URL="$$url" $(BUILD)/tests/test_store_version && \
	PLENUM_TEST_PG_URL="$$url" ./tests/cli/copy.sh ./plenum

# --read-db on a real PostgreSQL hot standby streaming from a throwaway
# primary (tests/multi/replica.test.mjs; make check runs it with a SQLite
# copy as the replica). Needs db_pg.c to open a standby (no LISTEN in
# recovery): see docs/SCALING.md section 3.
replica-test: plenum
	PLENUM_REPLICA_STORE=postgresql node --test tests/multi/replica.test.mjs

check: deps lint
	$(MAKE) all unit
	$(MAKE) cli-test
	$(MAKE) pkg-test
	$(MAKE) api-test
	$(MAKE) pg-check
	$(MAKE) multi-test
	$(MAKE) web-test
	$(MAKE) fuzz-smoke

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

# libFuzzer targets for every parser of outside input (clang): the org JSON
# import, CSV and XLSX ledgers, report templates and the request input of
# http/req.c. They are built in build-fuzz with ASan and UBSan, beside the
# normal build. `make fuzz` runs each for FUZZ_SECONDS; `make fuzz-smoke`, part
# of check, for FUZZ_SMOKE_SECONDS. Seeds: tests/fuzz/seeds/NAME (templates/
# for the template target); what make fuzz finds is kept in build-fuzz/NAME.corpus
# for the next make fuzz (the short run starts from the seeds each time), and a
# crashing input in build-fuzz/NAME-crash-*.
FUZZ_SECONDS ?= 30
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_TARGETS := fuzz_import fuzz_csv fuzz_xlsx fuzz_template fuzz_req fuzz_record_text fuzz_paper fuzz_deadline
FUZZ_BUILD := build-fuzz
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
		OPT="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
		$(FUZZ_BUILD)/libplenum.a
	@$(MAKE) --no-print-directory $(FUZZ_BIN)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/libplenum.a
	@echo "  FUZZ    $@"
	@clang $(CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc -o $@ $< \
		$(FUZZ_BUILD)/libplenum.a $(LDLIBS)

fuzz: fuzz-build
	@./scripts/fuzz-run --keep $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	@./scripts/fuzz-run $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# kill -9 during writes: 50 cycles of start, concurrent writers, SIGKILL,
# check (make check runs 5 of them in api-test).
.PHONY: torture
TORTURE_CYCLES ?= 50
torture: plenum
	KILL9_CYCLES=$(TORTURE_CYCLES) node --test tests/api/kill9.test.mjs

# Every database call of representative commands made to fail in turn
# (PLENUM_DB_FAIL=N), and every 10th of the demo import; a few minutes.
# Under ASan/LSan: make clean, then make torture-db OPT="-O1 -g -fsanitize=address,undefined" \
#   LDFLAGS=-fsanitize=address,undefined (make asan runs the --quick subset).
torture-db: plenum
	TORTURE_STRIDE=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ./tests/cli/torture-db.sh ./plenum --full

bench: plenum
	./bench/run.sh ./plenum

# The two db.h drivers side by side (bench/db_drivers.c), PostgreSQL being a
# throwaway cluster with fsync off (scripts/pg-test-cluster).
bench-db: $(BUILD)/libplenum.a
	@mkdir -p $(BUILD)/bench
	@$(CC) $(CFLAGS) -Isrc -o $(BUILD)/bench/db_drivers bench/db_drivers.c $(BUILD)/libplenum.a \
		-Wl,--undefined=db_driver_pg $(LDFLAGS) $(LDLIBS)
	@dir=$$(mktemp -d /tmp/plenum-pg-XXXXXX) || exit 1; \
	trap './scripts/pg-test-cluster stop "$$dir"; rm -rf "$$dir"' EXIT; trap 'exit 1' INT TERM; \
	url=$$(./scripts/pg-test-cluster start "$$dir") || exit 1; \
	$(BUILD)/bench/db_drivers "$$dir/bench.db" "$$url"

asan:
	$(MAKE) clean
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp $(MAKE) check OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined"
	$(MAKE) clean    # so that the next plain make does not keep the sanitized objects

lint:
	@./scripts/lint

# The manual page, from the command table that --help prints (plenum help --man).
$(BUILD)/plenum.1: plenum
	@mkdir -p $(BUILD)
	./plenum help --man --date $$(date -u -d "@$${SOURCE_DATE_EPOCH:-$$(date +%s)}" +%Y-%m-%d) > $@.tmp && mv $@.tmp $@

# Any PREFIX: the binary finds its data relative to itself (../share/plenum)
# and its modules in ../lib/plenum, so nothing is compiled in. The unit goes to PREFIX/lib/systemd/system; the
# sample configuration to PREFIX/share/doc/plenum (copy it to /etc/plenum.conf).
install: plenum $(BUILD)/plenum.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/plenum/demo $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/doc/plenum $(DESTDIR)$(PREFIX)/lib/plenum
	install -m 755 plenum $(DESTDIR)$(PREFIX)/bin/plenum
	install -m 644 $(MODULES) $(DESTDIR)$(PREFIX)/lib/plenum/
	install -m 644 data/demo/jiangmen.json $(DESTDIR)$(PREFIX)/share/plenum/demo/jiangmen.json
	install -m 644 $(BUILD)/plenum.1 $(DESTDIR)$(PREFIX)/share/man/man1/plenum.1
	sed 's|@BINDIR@|$(PREFIX)/bin|g' dist/plenum.service.in > $(DESTDIR)$(PREFIX)/lib/systemd/system/plenum.service
	chmod 644 $(DESTDIR)$(PREFIX)/lib/systemd/system/plenum.service
	install -m 644 dist/plenum.conf $(DESTDIR)$(PREFIX)/share/doc/plenum/plenum.conf.example

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/plenum $(DESTDIR)$(PREFIX)/share/man/man1/plenum.1
	rm -f $(DESTDIR)$(PREFIX)/lib/systemd/system/plenum.service
	rm -rf $(DESTDIR)$(PREFIX)/share/plenum $(DESTDIR)$(PREFIX)/share/doc/plenum $(DESTDIR)$(PREFIX)/lib/plenum

# The install, the manual, the unit and the configuration file (tests/pkg).
pkg-test: plenum
	./tests/pkg/run.sh

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD) plenum $(MODULES)

-include $(DEPS)
