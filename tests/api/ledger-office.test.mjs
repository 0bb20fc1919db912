// ledger-office.test.mjs -- the XLSX ledger judged by LibreOffice, the
// program its users open it in (issue 11, item 1). Formula cells are added to
// plenum's workbook and LibreOffice (soffice --headless) computes and re-saves
// it: SUM, COUNT and MIN over the percent and due-date columns must give what
// plenum's own task list says (numbers and dates are typed cells, not text),
// the light cells keep their word on the light's colour, and the print setup
// (landscape A4, one page wide, header row repeated, org and page numbers),
// autofilter and the roll-up sheet survive LibreOffice's reading. The frozen
// header is read from plenum's file: a headless conversion has no view to
// keep it. No soffice: the test fails (scripts/install-deps installs it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, client, plenum, ROOT } from './helpers.mjs';

let server, sec;
before(async () => {
  server = await startServer({ otherOrg: false });
  sec = await client(server, 'secretary');
});
after(async () => { await server.stop(); });

const FILL = { red: 'FFC7CE', yellow: 'FFEB9C', green: 'C6EFCE', grey: 'E7E6E6', done: 'DDEBF7' };
const LIGHT_ZH = { red: '红灯', yellow: '黄灯', green: '绿灯', grey: '未开始', done: '已完成' };

async function workbook(query) {
  const r = await fetch(server.base + '/api/v1/ledger.xlsx' + query, { headers: { cookie: sec.cookie } });
  assert.equal(r.status, 200);
  return Buffer.from(await r.arrayBuffer());
}
function tool(...args) {
  return execFileSync('/usr/bin/python3', [join(ROOT, 'tests/api/tools/xlsxcheck.py'), ...args], { encoding: 'utf8' });
}
function letters(n) {
  let s = '';
  for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}
// header text -> column letters, from row 1 of a sheet's cells
function columns(sheet) {
  const cols = {};
  for (const [ref, c] of Object.entries(sheet.cells)) {
    const m = /^([A-Z]+)1$/.exec(ref);
    if (m) cols[c.v] = m[1];
  }
  return cols;
}
const serial = (day) => (Date.parse(day + 'T00:00:00Z') - Date.UTC(1899, 11, 30)) / 86400000;

test('LibreOffice computes SUM, COUNT and MIN over the ledger\'s percents and due dates as plenum counts them', async () => {
  const dir = join(server.dir, 'office');
  mkdirSync(dir, { recursive: true });
  const tasks = JSON.parse(plenum(['--db', server.db, 'task', 'list', '--json']));
  const tree = JSON.parse(plenum(['--db', server.db, 'initiative', 'tree', '--json']));
  writeFileSync(join(dir, 'ledger.xlsx'), await workbook(''));
  const own = JSON.parse(tool('facts', join(dir, 'ledger.xlsx')));
  const C = columns(own.sheets[0]);
  const last = tasks.length + 1;
  const range = (col) => `${C[col]}2:${C[col]}${last}`;
  const row = last + 2;
  tool('formulas', join(dir, 'ledger.xlsx'), join(dir, 'formulas.xlsx'), String(row),
    `A${row}=SUM(${range('进度')})`, `B${row}=COUNT(${range('进度')})`, `C${row}=MIN(${range('进度')})`,
    `D${row}=COUNT(${range('办结时限')})`, `E${row}=MIN(${range('办结时限')})`, `F${row}=MAX(${range('开始日期')})`);
  execFileSync('soffice', [`-env:UserInstallation=file://${dir}/lo`, '--headless', '--convert-to', 'xlsx',
    '--outdir', join(dir, 'lo'), join(dir, 'formulas.xlsx')], { stdio: 'ignore', timeout: 120000, env: { ...process.env, HOME: dir } });
  const lo = JSON.parse(tool('facts', join(dir, 'lo', 'formulas.xlsx')));
  const [ledger, roll, inds] = lo.sheets;
  const v = (ref) => Number(ledger.cells[ref].v);

  // the formulas, against plenum's own task list
  const reported = tasks.filter((t) => t.last_report_on);
  assert.ok(Math.abs(v(`A${row}`) - reported.reduce((s, t) => s + t.percent, 0) / 100) < 1e-9, 'SUM of percents');
  assert.equal(v(`B${row}`), reported.length, 'COUNT of percents: one per task with a progress report');
  assert.ok(Math.abs(v(`C${row}`) - Math.min(...reported.map((t) => t.percent)) / 100) < 1e-9, 'MIN of percents');
  const due = tasks.filter((t) => t.due_on).map((t) => t.due_on).sort();
  assert.equal(v(`D${row}`), due.length, 'COUNT of due dates');
  assert.equal(v(`E${row}`), serial(due[0]), `MIN of due dates is ${due[0]}`);
  assert.equal(v(`F${row}`), serial(tasks.map((t) => t.starts_on).sort().at(-1)), 'MAX of start dates');

  // each task's row: typed cells, the light's word on its colour
  const L = columns(ledger);
  for (let r = 2; r <= last; r++) {
    const t = tasks.find((x) => x.key === ledger.cells[`${L['编号']}${r}`].v);
    assert.ok(t, `row ${r} is a task of the list`);
    const light = ledger.cells[`${L['灯色']}${r}`];
    assert.equal(light.v, LIGHT_ZH[t.light.color], `${t.key}: the light's word is kept`);
    assert.equal(light.fill, FILL[t.light.color], `${t.key}: a ${t.light.color} fill`);
    const d = ledger.cells[`${L['办结时限']}${r}`];
    assert.equal(d.type, 'n', `${t.key}: the due date is a number`);
    assert.equal(Number(d.v), serial(t.due_on));
    assert.match(d.fmt, /yyyy.*mm.*dd/i);
    const p = ledger.cells[`${L['进度']}${r}`];
    if (t.last_report_on) {
      assert.equal(p.fmt, '0%');
      assert.ok(Math.abs(Number(p.v) - t.percent / 100) < 1e-9, `${t.key}: percent ${t.percent} stored as a fraction`);
    } else {
      assert.equal(p, undefined, `${t.key}: no report, a blank cell`);
    }
    assert.equal(ledger.cells[`${L['责任领导']}${r}`]?.v, t.responsible_name, `${t.key}: the leader by name`);
  }
  assert.ok(ledger.cells[`${L['编号']}1`].bold, 'the header row is bold');
  // the key columns the import reads are there, hidden
  for (const h of ['牵头单位编号', '配合单位编号', '责任领导编号', '报送周期代码']) {
    assert.ok(L[h] && ledger.hidden_cols.includes(colNumber(L[h])), `${h} hidden`);
  }

  // print setup and autofilter, as LibreOffice read them
  for (const s of [ledger, roll]) {
    assert.equal(s.page.orientation, 'landscape', `${s.name}: landscape`);
    assert.equal(s.page.paperSize, '9', `${s.name}: A4`);
    assert.equal(s.page.fitToWidth, '1', `${s.name}: one page wide`);
    assert.equal(s.page.fitToHeight, '0', `${s.name}: as many pages tall as needed`);
    assert.ok(s.fit_to_page, `${s.name}: fit to page on`);
    assert.match(s.print_titles, /\$1:\$1$/, `${s.name}: the header row repeated on every page`);
    assert.match(s.header, /中共江门市委/, `${s.name}: the org in the page header`);
    assert.match(s.footer, /&P/, `${s.name}: page numbers`);
  }
  assert.equal(ledger.autofilter, `A1:${letters(Object.keys(L).length)}${last}`, 'autofilter over the whole table');
  // widths from the content, a CJK character counting two: the widest lead unit's name fits
  const width = (h) => own.sheets[0].widths[colNumber(C[h])];
  const widest = Math.max(...tasks.map((t) => [...t.lead_unit_name].length));
  assert.ok(width('牵头单位') >= 2 * widest, `牵头单位 is ${width('牵头单位')} wide for ${widest} characters`);
  assert.ok(width('任务') > width('编号') && width('任务') <= 45, 'titles get room, then wrap');
  // the frozen header, from plenum's own file
  assert.equal(own.sheets[0].pane.state, 'frozen');
  assert.equal(own.sheets[0].pane.ySplit, '1');

  // the roll-up sheet against plenum's initiative tree
  const R = columns(roll);
  assert.equal(roll.name, '工程汇总');
  const overdue = {};
  const ancestors = {};
  const path = [];
  for (const i of tree) {
    overdue[i.key] = 0;
    path.length = i.depth;
    path.push(i.key);
    ancestors[i.key] = [...path];
  }
  for (const t of tasks) {
    if (t.light.reason_code === 'overdue') for (const k of ancestors[t.initiative]) overdue[k]++;
  }
  assert.equal(tree.length, Object.keys(roll.cells).filter((ref) => /^A\d+$/.test(ref)).length - 1);
  tree.forEach((i, n) => {
    const cell = (h) => roll.cells[`${R[h]}${n + 2}`];
    assert.equal(cell('编号').v, i.key);
    assert.equal(Number(cell('任务数').v), i.tasks, `${i.key}: tasks`);
    assert.equal(Number(cell('红灯').v), i.counts.red, `${i.key}: red`);
    assert.equal(Number(cell('黄灯').v), i.counts.yellow, `${i.key}: yellow`);
    assert.equal(Number(cell('绿灯').v), i.counts.green, `${i.key}: green`);
    assert.equal(Number(cell('逾期').v), overdue[i.key], `${i.key}: overdue`);
    if (i.tasks) {
      assert.equal(cell('加权进度').fmt, '0%');
      assert.ok(Math.abs(Number(cell('加权进度').v) * 100 - i.progress) < 0.051, `${i.key}: progress ${i.progress}`);
    }
  });

  // the indicators sheet against the dashboard's indicators: numbers and dates typed
  const dash = (await sec.get('/api/v1/dashboard')).json.indicators;
  const I = columns(inds);
  assert.equal(inds.name, '指标');
  assert.ok(dash.length > 0);
  for (const ind of dash) {
    const ref = Object.keys(inds.cells).find((k) => k.startsWith(I['指标']) && inds.cells[k].v === ind.name);
    assert.ok(ref, `indicator ${ind.name} listed`);
    const r = ref.slice(I['指标'].length);
    const cell = (h) => inds.cells[`${I[h]}${r}`];
    assert.equal(cell('所属工程').v, ind.initiative);
    assert.equal(cell('目标值').type, 'n');
    assert.equal(Number(cell('目标值').v), ind.target, `${ind.name}: target`);
    if (ind.baseline !== undefined && ind.baseline !== null) assert.equal(Number(cell('基期值').v), ind.baseline);
    const latest = ind.values.reduce((a, b) => (!a || b.measured_on >= a.measured_on ? b : a), null);
    if (latest) {
      assert.equal(Number(cell('最新值').v), latest.value, `${ind.name}: latest value`);
      assert.equal(Number(cell('测量日期').v), serial(latest.measured_on), `${ind.name}: measured on ${latest.measured_on}`);
    }
  }
});

test('a reporter\'s workbook has the unit\'s tasks and the initiative tree, not the indicators', async () => {
  const rep = await client(server, 'reporter');
  const dir = join(server.dir, 'office-rep');
  mkdirSync(dir, { recursive: true });
  const r = await fetch(server.base + '/api/v1/ledger.xlsx', { headers: { cookie: rep.cookie } });
  assert.equal(r.status, 200);
  writeFileSync(join(dir, 'ledger.xlsx'), Buffer.from(await r.arrayBuffer()));
  const sheets = JSON.parse(tool('facts', join(dir, 'ledger.xlsx'))).sheets;
  assert.deepEqual(sheets.map((x) => x.name), ['台账', '工程汇总']);
});

function colNumber(l) {
  let n = 0;
  for (const ch of l) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

test('the English workbook says its values in English, with its own sheet names', async () => {
  const dir = join(server.dir, 'office-en');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ledger.xlsx'), await workbook('?lang=en'));
  const [ledger, roll] = JSON.parse(tool('facts', join(dir, 'ledger.xlsx'))).sheets;
  const L = columns(ledger);
  const rowOf = (key) => Object.entries(ledger.cells).find(([ref, c]) => ref.startsWith(L.key) && c.v === key)[0].slice(L.key.length);
  const r = rowOf('t-1-2');
  assert.equal(ledger.name, 'ledger');
  assert.equal(roll.name, 'initiatives');
  assert.equal(ledger.cells[`${L.state}${r}`].v, 'in progress');
  assert.equal(ledger.cells[`${L.light}${r}`].v, 'green');
  assert.equal(ledger.cells[`${L.lead_unit_name}${r}`].v, 'Municipal Science and Technology Bureau');
  assert.match(ledger.footer, /Page &P of &N/);
  // a long name wraps, and its row is tall enough for its lines (no reader need compute it)
  const name = ledger.cells[`${L.lead_unit_name}${r}`].v;
  const lines = Math.ceil(name.length / ledger.widths[colNumber(L.lead_unit_name)]);
  assert.ok(lines >= 2, `${name} is longer than its column`);
  assert.ok(ledger.heights[Number(r)] >= 15 * lines, `row ${r} is ${ledger.heights[Number(r)]} pt tall for ${lines} lines`);
});
