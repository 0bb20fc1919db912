// modules.test.mjs -- the report libraries and libpq are loaded when they are
// needed, not at start: the binary does not link them (readelf), a server
// that has served lists, records, the dashboard and search has not mapped
// them (/proc/PID/maps), its first PDF maps plenum-report.so and pango, its
// first XLSX libxlsxwriter; libpq only with a postgresql:// database. A
// binary whose module is missing says which file it looked for and still
// serves everything else (docs/SCALING.md, memory).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, client, PLENUM, PG, TODAY, dbEnv } from './helpers.mjs';

const REPORT_LIBS = ['libpangocairo', 'libcairo', 'libpango', 'libxlsxwriter', 'libical', 'libcmark-gfm',
  'libxml2', 'libzip', 'libcsv', 'libfontconfig'];

function needed(file) {
  return execFileSync('readelf', ['-d', file], { encoding: 'utf8' })
    .split('\n').filter((l) => l.includes('(NEEDED)')).map((l) => l.replace(/.*\[(.*)\].*/, '$1'));
}
// The file names of the shared objects a process has mapped.
function mapped(pid) {
  const names = new Set();
  for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
    const path = line.split(/\s+/)[5];
    if (path && path.includes('.so')) names.add(path.replace(/.*\//, ''));
  }
  return [...names];
}
const has = (names, lib) => names.some((n) => n.startsWith(lib + '.') || n.startsWith(lib + '-'));

let server, sec;
before(async () => {
  server = await startServer({ otherOrg: false });
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

test('the binary links no report library and no libpq; the modules do', () => {
  const bin = needed(PLENUM);
  for (const lib of [...REPORT_LIBS, 'libpq']) assert.ok(!has(bin, lib), `plenum needs ${lib}: ${bin.join(' ')}`);
  const report = needed(join(PLENUM, '..', 'plenum-report.so'));
  for (const lib of ['libpangocairo', 'libxlsxwriter', 'libical', 'libxml2', 'libzip']) {
    assert.ok(has(report, lib), `plenum-report.so does not need ${lib}: ${report.join(' ')}`);
  }
  assert.ok(has(needed(join(PLENUM, '..', 'plenum-pg.so')), 'libpq'), 'plenum-pg.so needs libpq');
});

test('reading serves without the report libraries; the first PDF and XLSX map them', async () => {
  for (const path of ['/api/v1/tasks?limit=100', '/api/v1/tasks/t-2-1-3', '/api/v1/meetings/m-2026-jm-xiongan',
    '/api/v1/dashboard', '/api/v1/search?q=' + encodeURIComponent('硅能源'), '/api/v1/me']) {
    assert.equal((await sec.get(path)).status, 200, path);
  }
  let maps = mapped(server.proc.pid);
  for (const lib of [...REPORT_LIBS, 'plenum-report']) {
    assert.ok(!has(maps, lib), `${lib} mapped before any report: ${maps.join(' ')}`);
  }
  assert.equal(has(maps, 'libpq'), !!PG, `libpq mapped ${PG ? 'on PostgreSQL' : 'with SQLite'}: ${maps.join(' ')}`);

  const pdf = await fetch(server.base + '/api/v1/meetings/m-2026-jm-xiongan/minutes.pdf', { headers: { cookie: sec.cookie } });
  assert.equal(pdf.status, 200);
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  maps = mapped(server.proc.pid);
  for (const lib of ['plenum-report', 'libpangocairo', 'libcairo']) assert.ok(has(maps, lib), `${lib} not mapped after a PDF`);

  const xlsx = await fetch(server.base + '/api/v1/ledger.xlsx', { headers: { cookie: sec.cookie } });
  assert.equal(xlsx.status, 200);
  assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  assert.ok(has(mapped(server.proc.pid), 'libxlsxwriter'), 'libxlsxwriter mapped after an XLSX');
  assert.equal(has(mapped(server.proc.pid), 'libpq'), !!PG, 'reports do not load libpq');
});

test('a binary without its report module names the file it looked for, and serves the rest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plenum-lone-'));
  try {
    const bin = join(dir, 'plenum');
    copyFileSync(PLENUM, bin);
    if (PG) copyFileSync(join(PLENUM, '..', 'plenum-pg.so'), join(dir, 'plenum-pg.so'));
    const env = { ...process.env, PLENUM_TODAY: TODAY, ...dbEnv(['--db', server.db]) };
    const run = (args) => spawnSync(bin, ['--db', server.db, ...args], { encoding: 'utf8', env });
    let r = run(['report', 'minutes', '--meeting', 'm-2026-jm-xiongan', '--format', 'pdf', '-o', join(dir, 'm.pdf')]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /plenum-report\.so/);
    assert.ok(r.stderr.includes(join(dir, 'plenum-report.so')), `the path beside the binary is named: ${r.stderr}`);
    assert.ok(r.stderr.includes(join(dir, '..', 'lib', 'plenum', 'plenum-report.so')),
      `the installed path is named: ${r.stderr}`);
    r = run(['task', 'show', 't-2-1-3']);
    assert.equal(r.status, 0, r.stderr);
    if (!PG) {
      r = spawnSync(bin, ['--db', 'postgresql://127.0.0.1:1/none', 'task', 'list'], { encoding: 'utf8' });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /plenum-pg\.so/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
