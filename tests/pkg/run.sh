#!/bin/sh
# run.sh -- what an operator installs: `make install DESTDIR=... PREFIX=/usr`
# after a plain `make` gives a binary that finds its demo data from anywhere
# and its modules (plenum-report.so, plenum-pg.so) in PREFIX/lib/plenum;
# the manual page renders and names every command; the systemd unit passes
# `systemd-analyze verify` and keeps its sandbox; the configuration file
# sets defaults that the environment and the command line override, and a
# bad one is refused naming the file, the line and the key.
# Usage: tests/pkg/run.sh (from the top of the tree, after make)
set -u
TOP=$(pwd)
TMP=$(mktemp -d)
SERVER=""
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"' EXIT
export PLENUM_TODAY=2026-11-25
unset PLENUM_DB PLENUM_DEMO LANG
export PLENUM_CONFIG="$TMP/empty.conf"     # not the machine's /etc/plenum.conf
: >"$PLENUM_CONFIG"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

# ---- make install for another PREFIX, after a plain make ----
make -s install DESTDIR="$TMP/inst" PREFIX=/usr >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; bad "make install"; }
BIN="$TMP/inst/usr/bin/plenum"
for f in usr/bin/plenum usr/share/plenum/demo/jiangmen.json usr/share/man/man1/plenum.1 \
	usr/lib/systemd/system/plenum.service usr/share/doc/plenum/plenum.conf.example; do
	check "[ -f '$TMP/inst/$f' ]" "installed $f"
done
# the installed binary, run from elsewhere, finds the data installed beside it
cd /tmp && "$BIN" --db "$TMP/demo.db" demo >"$TMP/out" 2>&1
check "grep -q 'imported org \"jiangmen\"' '$TMP/out'" "installed plenum demo finds its data: $(cat "$TMP/out")"
cd "$TOP"
check "! grep -q 'share/plenum' '$TMP/out'" "no data path in the demo's output"
check "grep -q 'ExecStart=/usr/bin/plenum serve' '$TMP/inst/usr/lib/systemd/system/plenum.service'" "the unit runs PREFIX/bin/plenum"

# ---- the modules: installed in PREFIX/lib/plenum, found by the installed binary ----
for m in plenum-report.so plenum-pg.so; do
	check "[ -f '$TMP/inst/usr/lib/plenum/$m' ]" "installed usr/lib/plenum/$m"
done
check "! readelf -d '$BIN' | grep -qE 'libpangocairo|libxlsxwriter|libpq'" "the installed binary links no report library nor libpq"
cd /tmp && "$BIN" --db "$TMP/demo.db" report minutes --meeting m-2026-jm-xiongan --format pdf -o "$TMP/m.pdf" >"$TMP/out" 2>&1
cd "$TOP"
check "head -c 5 '$TMP/m.pdf' | grep -q '%PDF-'" "the installed binary writes a PDF (report module from PREFIX/lib/plenum): $(cat "$TMP/out")"
"$BIN" --db "$TMP/demo.db" report ledger --format xlsx -o "$TMP/l.xlsx" >"$TMP/out" 2>&1
check "[ \"\$(head -c 2 '$TMP/l.xlsx')\" = PK ]" "the installed binary writes an XLSX: $(cat "$TMP/out")"
"$BIN" --db "$TMP/demo.db" ledger import "$TMP/l.xlsx" >"$TMP/out" 2>&1
check "grep -q 'unchanged' '$TMP/out'" "the installed binary reads an XLSX ledger back: $(cat "$TMP/out")"
mv "$TMP/inst/usr/lib/plenum/plenum-report.so" "$TMP/report.so.away"
"$BIN" --db "$TMP/demo.db" report calendar >"$TMP/out" 2>&1; rc=$?
check "[ $rc = 1 ] && grep -q '$TMP/inst/usr/lib/plenum/plenum-report.so' '$TMP/out'" \
	"a missing module is an error naming its installed path: rc $rc $(cat "$TMP/out")"
check "'$BIN' --db '$TMP/demo.db' meeting list >/dev/null 2>&1" "the rest works without the report module"
mv "$TMP/report.so.away" "$TMP/inst/usr/lib/plenum/plenum-report.so"

# ---- --help and --version ----
"$BIN" --help >"$TMP/help" 2>&1
check "! grep -qi 'later' '$TMP/help'" "plenum --help is current (no 'later')"
check "grep -q 'serve the web application' '$TMP/help'" "serve's line names the web application"
check "'$BIN' --version | grep -Eq '^plenum [0-9]+\.[0-9]+'" "plenum --version"

# ---- the manual page: renders, every command in it ----
MAN="$TMP/inst/usr/share/man/man1/plenum.1"
if LANG=C.UTF-8 MANWIDTH=100 man -l "$MAN" >"$TMP/man.txt" 2>"$TMP/man.err"; then ok; else bad "man -l renders: $(cat "$TMP/man.err")"; fi
check "[ ! -s '$TMP/man.err' ]" "man -l: no warnings: $(head -3 "$TMP/man.err")"
# every command of the table (the manual's sections are "plenum NAME")
"$BIN" help --table | cut -f1 >"$TMP/commands"
check "[ \$(wc -l <'$TMP/commands') -ge 30 ]" "help --table lists the commands"
while read -r c; do
	check "grep -q '^ *plenum $c\$' '$TMP/man.txt'" "the manual documents plenum $c"
done <"$TMP/commands"
for c in "meeting list" "task report" "task act" "audit verify"; do
	check "grep -q 'plenum $c' '$TMP/man.txt'" "the manual documents plenum $c"
done
check "grep -q 'ENVIRONMENT' '$TMP/man.txt' && grep -q '/etc/plenum.conf' '$TMP/man.txt'" "the manual has ENVIRONMENT and FILES"

# ---- the systemd unit ----
UNIT="$TMP/inst/usr/lib/systemd/system/plenum.service"
for k in DynamicUser=yes StateDirectory=plenum ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
	ProtectHome=yes CapabilityBoundingSet= SystemCallFilter=@system-service RestrictAddressFamilies=; do
	check "grep -q '^$k' '$UNIT'" "the unit sets $k"
done
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify checks that ExecStart exists: point it at the DESTDIR copy
	sed "s|/usr/bin/plenum|$BIN|" "$UNIT" >"$TMP/plenum.service"
	if systemd-analyze verify --man=no "$TMP/plenum.service" >"$TMP/verify" 2>&1; then
		check "[ ! -s '$TMP/verify' ]" "systemd-analyze verify is silent: $(cat "$TMP/verify")"
	elif grep -qiE 'bus|sandbox|Operation not permitted|Failed to (connect|initialize)' "$TMP/verify"; then
		echo "skip: systemd-analyze verify cannot run here: $(head -1 "$TMP/verify")"
	else
		bad "systemd-analyze verify: $(cat "$TMP/verify")"
	fi
	if systemd-analyze security --offline=yes "$UNIT" >"$TMP/security" 2>&1; then
		level=$(sed -n 's/.*Overall exposure level for plenum.service: \([0-9.]*\).*/\1/p' "$TMP/security")
		check "awk 'BEGIN { exit !(\"$level\" != \"\" && \"$level\" + 0 <= 2.0) }'" "exposure level $level <= 2.0"
	else
		echo "skip: systemd-analyze security --offline cannot run here"
	fi
else
	echo "skip: no systemd-analyze"
fi

# ---- the configuration file ----
P=./plenum
cp "$TMP/demo.db" "$TMP/conf.db"
printf '# a comment\n\ndb = %s\nlisten = 127.0.0.1:1\n' "$TMP/conf.db" >"$TMP/plenum.conf"
export PLENUM_CONFIG="$TMP/plenum.conf"
check "$P meeting list >'$TMP/out' 2>&1 && grep -q m-2026-jm-xiongan '$TMP/out'" "db from the configuration file"
check "! $P --db '$TMP/absent.db' meeting list >/dev/null 2>&1" "--db overrides the file's db"
check "PLENUM_DB='$TMP/absent.db' $P meeting list 2>&1 | grep -q 'absent.db'" "\$PLENUM_DB overrides the file's db"
# serve: listen from the file, --listen over it
PORT=$(( 20000 + $$ % 20000 ))
printf 'db = %s\nlisten = 127.0.0.1:%s\nbase_url = https://conf.example.gov\n' "$TMP/conf.db" "$PORT" >"$TMP/plenum.conf"
$P serve --quiet >"$TMP/serve.log" 2>&1 &
SERVER=$!
up=0
for i in $(seq 1 50); do
	if curl -s "http://127.0.0.1:$PORT/api/v1/health" | grep -q ok; then up=1; break; fi
	sleep 0.1
done
check "[ $up = 1 ]" "serve listens where the file says: $(cat "$TMP/serve.log")"
TOKEN=$($P user token admin 2>/dev/null)
URL=$(curl -s -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/me/calendar" | sed -n 's/.*"url": *"\([^"]*\)".*/\1/p')
check "echo '$URL' | grep -q '^https://conf.example.gov/api/v1/calendar/'" "base_url from the file: $URL"
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
PORT2=$((PORT + 1))
$P serve --quiet --listen "127.0.0.1:$PORT2" >"$TMP/serve.log" 2>&1 &
SERVER=$!
up=0
for i in $(seq 1 50); do
	if curl -s "http://127.0.0.1:$PORT2/api/v1/health" | grep -q ok; then up=1; break; fi
	sleep 0.1
done
check "[ $up = 1 ]" "--listen overrides the file's listen"
check "! curl -s 'http://127.0.0.1:$PORT/api/v1/health' >/dev/null 2>&1" "nothing on the file's port then"
kill "$SERVER"; wait "$SERVER" 2>/dev/null; SERVER=""
# bad files: exit 2, the file, the line and the key named, nothing opened
printf 'db = x.db\nlisen = 127.0.0.1:1\n' >"$TMP/plenum.conf"
$P meeting list >"$TMP/out" 2>&1; rc=$?
check "[ $rc = 2 ] && grep -q 'plenum.conf:2: unknown key \"lisen\"' '$TMP/out'" "unknown key refused: rc $rc $(cat "$TMP/out")"
check "[ ! -e x.db ]" "a refused file creates nothing"
printf 'hsts = maybe\n' >"$TMP/plenum.conf"
$P meeting list >"$TMP/out" 2>&1; rc=$?
check "[ $rc = 2 ] && grep -q 'plenum.conf:1: hsts: expected yes or no' '$TMP/out'" "bad yes/no refused: $(cat "$TMP/out")"
printf 'threads = lots\ndb = %s\n' "$TMP/conf.db" >"$TMP/plenum.conf"
$P serve --quiet >"$TMP/out" 2>&1; rc=$?
check "[ $rc = 2 ] && grep -q 'threads' '$TMP/out'" "bad threads refused by serve: $(cat "$TMP/out")"
PLENUM_CONFIG="$TMP/missing.conf" $P meeting list >"$TMP/out" 2>&1; rc=$?
check "[ $rc = 2 ] && grep -q 'missing.conf' '$TMP/out'" "\$PLENUM_CONFIG naming a missing file is an error"
check "$P meeting --help >/dev/null 2>&1" "--help works whatever the file"

echo "pkg: $pass passed, $fail failed"
[ "$fail" = 0 ]
