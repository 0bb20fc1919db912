// pdfcheck.mjs -- checks the layout of a plenum paper from what poppler reads
// back (pdfinfo, pdffonts, pdftotext -bbox-layout): page box and margins, page
// numbers at the foot, headings never the last line of a page, tokens never
// split, table headers repeated, a table of contents whose page numbers are
// right. Used by tests/cli/papers.sh; NOT a PDF parser of its own.
//
// Usage: node pdfcheck.mjs FILE.pdf [--gov] [--md FILE.md] [--pages MIN-MAX]
//          [--title T] [--author A] [--lang L] [--font NAME]... [--whole TOKEN]...
//          [--repeat-header TEXT] [--toc] [--no-bullets] [--full-lines] [--has TEXT]...
// Prints one line per failed check and exits 1 when any failed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.shift();
const opt = { fonts: [], whole: [] };
for (let i = 0; i < args.length; i++) {
	const a = args[i];
	if (a === '--gov') opt.gov = true;
	else if (a === '--toc') opt.toc = true;
	else if (a === '--no-bullets') opt.noBullets = true;
	else if (a === '--full-lines') opt.fullLines = true;
	else if (a === '--md') opt.md = readFileSync(args[++i], 'utf8');
	else if (a === '--pages') opt.pages = args[++i].split('-').map(Number);
	else if (a === '--title') opt.title = args[++i];
	else if (a === '--lang') opt.lang = args[++i];
	else if (a === '--has') (opt.has ||= []).push(args[++i]);
	else if (a === '--author') opt.author = args[++i];
	else if (a === '--font') opt.fonts.push(args[++i]);
	else if (a === '--whole') opt.whole.push(args[++i]);
	else if (a === '--repeat-header') opt.repeatHeader = args[++i];
	else throw new Error(`unknown option ${a}`);
}

const failures = [];
const fail = (msg) => failures.push(`${file}: ${msg}`);
const run = (cmd, ...a) => execFileSync(cmd, a, { encoding: 'utf8', maxBuffer: 64 << 20 });

// ---- pdfinfo ----
const info = {};
for (const line of run('pdfinfo', file).split('\n')) {
	const m = /^([A-Za-z ]+):\s*(.*)$/.exec(line);
	if (m) info[m[1]] = m[2];
}
if (!/^595\.2\d* x 841\.8\d* pts \(A4\)/.test(info['Page size'] || '')) fail(`not A4: ${info['Page size']}`);
if (info.Tagged !== 'yes') fail(`not tagged (Tagged: ${info.Tagged})`);
if (!info.Subject) fail('no Subject');
if (opt.title !== undefined && info.Title !== opt.title) fail(`Title "${info.Title}", wanted "${opt.title}"`);
if (opt.author !== undefined && info.Author !== opt.author) fail(`Author "${info.Author}", wanted "${opt.author}"`);
const npages = Number(info.Pages);
if (opt.pages && (npages < opt.pages[0] || npages > opt.pages[1]))
	fail(`${npages} pages, wanted ${opt.pages[0]} to ${opt.pages[1]}`);

// The language in the document catalog (poppler does not print it).
if (opt.lang && !readFileSync(file).includes(`/Lang (${opt.lang})`)) fail(`no /Lang (${opt.lang}) in the catalog`);

// ---- pdffonts ----
const fonts = run('pdffonts', file);
for (const f of opt.fonts) {
	const line = fonts.split('\n').find((l) => l.includes(f));
	if (!line) fail(`font ${f} not used`);
	else if (!/ yes\s+yes\s+yes/.test(line)) fail(`font ${f} not embedded: ${line}`);
}

// ---- words and lines ----
const xml = run('pdftotext', '-bbox-layout', file, '-');
const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const num = (s, k) => Number(new RegExp(`${k}="([-0-9.]+)"`).exec(s)[1]);
const pages = [];
for (const pm of xml.matchAll(/<page width="([0-9.]+)" height="([0-9.]+)">([\s\S]*?)<\/page>/g)) {
	const page = { w: Number(pm[1]), h: Number(pm[2]), lines: [] };
	let blockNo = 0;
	for (const lm of pm[3].matchAll(/<block [^>]*>|<line ([^>]*)>([\s\S]*?)<\/line>/g)) {
		if (lm[0].startsWith('<block')) { blockNo++; continue; }
		const words = [...lm[2].matchAll(/<word ([^>]*)>([^<]*)<\/word>/g)].map((w) => ({
			xMin: num(w[1], 'xMin'), yMin: num(w[1], 'yMin'), xMax: num(w[1], 'xMax'), yMax: num(w[1], 'yMax'),
			text: unescape(w[2]),
		}));
		page.lines.push({
			xMin: num(lm[1], 'xMin'), yMin: num(lm[1], 'yMin'), xMax: num(lm[1], 'xMax'), yMax: num(lm[1], 'yMax'),
			words, text: words.map((w) => w.text).join(' '), block: blockNo,
		});
	}
	pages.push(page);
}

// The text block: GB/T 9704 for gov papers (top 37 mm, left 28 mm, 156 x 225 mm);
// otherwise everything inside the page box.
const mm = 72 / 25.4;
const block = opt.gov ? { x0: 28 * mm, y0: 37 * mm, x1: (28 + 156) * mm, y1: (37 + 225) * mm } : null;
const eps = 1.5;
const isFooter = (p, l) => (block ? l.yMin > block.y1 : l.yMin > p.h - 72);
pages.forEach((p, i) => {
	for (const l of p.lines) {
		for (const w of l.words) {
			if (w.xMin < -eps || w.xMax > p.w + eps || w.yMin < -eps || w.yMax > p.h + eps)
				fail(`page ${i + 1}: "${w.text}" outside the page (${w.xMin.toFixed(1)},${w.yMin.toFixed(1)})-(${w.xMax.toFixed(1)},${w.yMax.toFixed(1)})`);
			if (block && !isFooter(p, l) &&
			    (w.xMin < block.x0 - eps || w.xMax > block.x1 + eps || w.yMin < block.y0 - 5))
				fail(`page ${i + 1}: "${w.text}" outside the text block (${w.xMin.toFixed(1)},${w.yMin.toFixed(1)})-(${w.xMax.toFixed(1)},${w.yMax.toFixed(1)})`);
		}
	}
});

// ---- page numbers at the foot ----
pages.forEach((p, i) => {
	const foot = p.lines.filter((l) => isFooter(p, l));
	const n = i + 1;
	if (opt.gov) {
		const want = `— ${n} —`;
		const l = foot.find((f) => f.text === want);
		if (!l) { fail(`page ${n}: no page number "${want}" at the foot (foot: ${JSON.stringify(foot.map((f) => f.text))})`); return; }
		// 7 mm under the text block; odd pages on the right, even on the left, one character (14 pt) in.
		if (l.yMin < block.y1 + 7 * mm - 3) fail(`page ${n}: the page number is not 7 mm under the text block (y ${l.yMin.toFixed(1)})`);
		if (n % 2 === 1 && Math.abs(l.xMax - (block.x1 - 14)) > 3) fail(`page ${n}: odd page number not on the right (x ${l.xMax.toFixed(1)})`);
		if (n % 2 === 0 && Math.abs(l.xMin - (block.x0 + 14)) > 3) fail(`page ${n}: even page number not on the left (x ${l.xMin.toFixed(1)})`);
	} else if (!foot.some((f) => f.words.some((w) => w.text === String(n)))) {
		fail(`page ${n}: no page number ${n} at the foot (foot: ${JSON.stringify(foot.map((f) => f.text))})`);
	}
});

// ---- headings: never the last line of a page ----
const strip = (s) => s.replace(/\s+/g, '')
	.replace(/^(?:\d+[.、．]|[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）)/, '');
const headings = opt.md ? opt.md.split('\n').filter((l) => /^#{2,6} /.test(l)).map((l) => strip(l.replace(/^#+ /, '')))
	.filter((h) => h.length > 0) : [];
const bodyLines = (p) => p.lines.filter((l) => !isFooter(p, l));
const lastLines = (p) => {
	const body = bodyLines(p);
	const y = Math.max(...body.map((l) => l.yMax));
	return body.filter((l) => l.yMax > y - 2);
};
pages.forEach((p, i) => {
	if (i === pages.length - 1) return;
	const last = lastLines(p);
	if (last.length === 1) {
		const t = strip(last[0].text);
		if (t && headings.some((h) => h.includes(t) && t.length * 2 >= h.length))
			fail(`page ${i + 1}: a heading is the last line of the page: "${last[0].text}"`);
		if (/^(•|\d+\.|（\d+）|-)$/.test(last[0].text.trim()))
			fail(`page ${i + 1}: a list marker alone at the foot: "${last[0].text}"`);
	}
	if (bodyLines(p).length < 3) fail(`page ${i + 1}: holds only ${bodyLines(p).length} line(s): ${JSON.stringify(bodyLines(p).map((l) => l.text))}`);
});

// ---- tokens never split ----
const all = pages.map((p) => p.lines.map((l) => l.text).join('\n')).join('\n');
const count = (s, t) => s.split(t).length - 1;
for (const t of opt.whole) {
	const want = opt.md ? count(opt.md, t) : 1;
	const got = count(all, t);
	if (want === 0) fail(`"${t}" is not in the Markdown: the check would prove nothing`);
	if (got < want) fail(`"${t}" appears whole ${got} times, the Markdown has it ${want} times (split in a cell or a line)`);
}
for (const t of opt.has || []) if (!all.replace(/ /g, '').includes(t)) fail(`no "${t}" in the text`);
if (opt.noBullets && all.includes('•')) fail('a Western bullet "•" in a Chinese paper');
if (opt.gov && /（0）/.test(all)) fail('a list numbered from （0）');

// ---- table header repeated on each page the table covers ----
if (opt.repeatHeader) {
	// Every word of the header on one baseline (cells are separate lines to pdftotext).
	const want = opt.repeatHeader.split(/\s+/);
	const on = pages.map((p) => p.lines.some((l) => {
		const row = p.lines.filter((o) => Math.abs(o.yMin - l.yMin) < 2).flatMap((o) => o.words.map((w) => w.text));
		return want.every((w) => row.includes(w));
	}));
	if (on.filter(Boolean).length < 2 || pages.length < 2) fail(`table header "${opt.repeatHeader}" not repeated on a second page`);
}

// ---- gov: the grid of 22 lines of 28 characters ----
if (opt.gov) {
	const steps = new Map();
	let full = 0, full28 = 0;
	for (const p of pages) {
		const body = bodyLines(p).filter((l) => l.xMin >= block.x0 - eps);
		for (let i = 1; i < body.length; i++) {
			if (body[i].block !== body[i - 1].block) continue;   // lines of one paragraph
			const h3 = (l) => l.yMax - l.yMin > 20 && l.yMax - l.yMin < 26;   // 3号 text, not a table's
			if (!h3(body[i]) || !h3(body[i - 1])) continue;
			const d = Math.round((body[i].yMin - body[i - 1].yMin) * 10) / 10;
			if (d > 0) steps.set(d, (steps.get(d) || 0) + 1);
		}
		for (const l of body) {
			const t = l.text.replace(/\s+/g, '');
			// No holes: a justified line of Chinese with a Latin name in it must not widen its spaces.
			if (l.yMax - l.yMin > 20 && l.yMax - l.yMin < 26)
				for (let k = 1; k < l.words.length; k++)
					if (l.words[k].xMin - l.words[k - 1].xMax > 12)
						fail(`a hole of ${(l.words[k].xMin - l.words[k - 1].xMax).toFixed(0)} pt in a line: "${l.text}"`);
			// A line of body text: one run of Chinese, 3号 high (not the 2号 title), the width of the block.
			if (/^[\u4e00-\u9fff，。、；：]+$/.test(t) && l.words.length === 1 && l.yMax - l.yMin < 26 &&
			    l.xMax - l.xMin > block.x1 - block.x0 - 20) {
				full++;
				// 27 when the next character may not begin a line (，。；： are kept with the one before).
				if (t.length === 28) full28++;
				else if (t.length !== 27) fail(`a full line of body text holds ${t.length} characters, not 28: "${t}"`);
			}
		}
	}
	// Widows and orphans: a paragraph's first line is indented two characters, the
	// others start at the margin. An indented full line last on a page followed by a
	// line at the margin is an orphan; a short line at the margin first on a page
	// is a widow.
	const at = (l, x) => Math.abs(l.xMin - x) < 1;
	const text3 = (l) => l.yMax - l.yMin > 20 && l.yMax - l.yMin < 26;
	for (let i = 0; i + 1 < pages.length; i++) {
		const a = bodyLines(pages[i]).filter(text3), b = bodyLines(pages[i + 1]).filter(text3);
		const last = a.at(-1), first = b[0];
		if (!last || !first || !at(first, block.x0)) continue;
		if (at(last, block.x0 + 2 * 15.77) && last.xMax > block.x1 - 20 && lastLines(pages[i]).includes(last))
			fail(`page ${i + 1}: the first line of a paragraph alone at the foot (orphan): "${last.text}"`);
		if (first.xMax < block.x1 - 20 && (b.length < 2 || !at(b[1], block.x0)) && bodyLines(pages[i + 1])[0] === first)
			fail(`page ${i + 2}: the last line of a paragraph alone at the head (widow): "${first.text}"`);
	}
	const pitch = [...steps.entries()].sort((a, b) => b[1] - a[1])[0];
	const want = (225 * mm) / 22;
	if (pitch && Math.abs(pitch[0] - want) > 0.6) fail(`body line pitch ${pitch && pitch[0]} pt, wanted ${want.toFixed(2)} (22 lines in 225 mm)`);
	if (full === 0 && opt.fullLines) fail('no full line of Chinese body text to check the 28 characters on');
	if (full > 0 && full28 * 2 < full) fail(`only ${full28} of ${full} full lines hold 28 characters`);
	// The title: centred on the first page.
	// The title: centred on the first page, its lines of even length (no stub).
	const title = pages[0].lines.filter((l) => l.yMax - l.yMin > 28 && l.yMin < block.y0 + 150);
	for (const l of title)
		if (Math.abs((l.xMin + l.xMax) / 2 - (block.x0 + block.x1) / 2) > 3)
			fail(`the title is not centred: "${l.text}" (${l.xMin.toFixed(1)}-${l.xMax.toFixed(1)})`);
	if (title.length > 1 && Math.min(...title.map((l) => l.xMax - l.xMin)) < 0.5 * Math.max(...title.map((l) => l.xMax - l.xMin)))
		fail(`the title's lines are uneven: ${JSON.stringify(title.map((l) => l.text))}`);
}

// ---- a table of contents with right page numbers ----
if (opt.toc) {
	const p1 = pages[0].lines.map((l) => l.text.replace(/\s+/g, ''));
	if (!p1.some((t) => t === '目录' || t === 'Contents')) fail('no "目录"/"Contents" heading on the first page');
	// Each entry: a page number alone on the right, its text on the same baseline.
	const entries = pages[0].lines.filter((l) => /^\d+$/.test(l.text) && !isFooter(pages[0], l)).map((n) => {
		const t = pages[0].lines.find((l) => l !== n && Math.abs(l.yMin - n.yMin) < 3 && l.xMax < n.xMin);
		return { text: t ? strip(t.text) : '', page: Number(n.text) };
	}).filter((e) => e.text);
	if (entries.length < 3) fail(`the contents list ${entries.length} entries with page numbers`);
	for (const e of entries) {
		const p = pages[e.page - 1];
		if (!p || !p.lines.some((l) => strip(l.text).includes(e.text) && l.yMin < (block ? block.y1 : p.h - 72)))
			fail(`contents: "${e.text}" is not on page ${e.page}`);
	}
}

for (const f of failures) console.log(`FAIL: ${f}`);
process.exit(failures.length ? 1 : 0);
