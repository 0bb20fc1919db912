// charts.js -- charts drawn from the record as SVG elements (no library,
// nothing loaded from elsewhere): progress bars, light badges, indicators
// against their targets, and lights over the months.
import { h, t, te, fmtNum, fmtDate, pick } from './lib.js';

export const LIGHTS = ['red', 'yellow', 'green', 'grey', 'done'];

export function lightBadge(color, reason) {
  return h('span', { class: `light light-${color}`, title: reason || null }, te('light', color));
}

export function lightCounts(counts) {
  return h('span', { class: 'counts' }, LIGHTS.filter((l) => counts?.[l]).map((l) =>
    h('span', { class: `count light-${l}`, title: te('light', l) }, `${te('light', l)} ${counts[l]}`)));
}

// label names the bar for assistive tools (what progresses); the percent is
// written on it, so no information is in the colour alone.
export function progressBar(percent, color, label) {
  const p = percent === null || percent === undefined ? 0 : percent;
  return h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(p),
    'aria-label': label || t('task.percent') },
    h('div', { class: `bar-fill light-${color || 'green'}`, 'width%': p }),
    h('span', { class: 'bar-label' }, percent === null || percent === undefined ? '—' : `${fmtNum(p, 1)}%`));
}

const svg = (tag, attrs, ...c) => h(`svg:${tag}`, attrs, ...c);

// An indicator's values over time against its baseline and target.
export function indicatorChart(ind) {
  const W = 360, H = 180, L = 48, R = 12, T = 16, B = 28;
  const values = ind.values || [];
  const dates = [ind.baseline_on, ...values.map((v) => v.measured_on), ind.target_on].filter(Boolean).map((d) => Date.parse(d));
  const nums = [ind.baseline, ind.target, ...values.map((v) => v.value)].filter((v) => v !== undefined && v !== null);
  const x0 = Math.min(...dates), x1 = Math.max(...dates);
  const y0 = Math.min(0, ...nums), y1 = Math.max(...nums) * 1.05 || 1;
  const X = (d) => L + ((Date.parse(d) - x0) / ((x1 - x0) || 1)) * (W - L - R);
  const Y = (v) => H - B - ((v - y0) / ((y1 - y0) || 1)) * (H - T - B);
  const title = `${pick(ind, 'name')} (${ind.unit_of_measure})`;
  const pts = values.map((v) => `${X(v.measured_on)},${Y(v.value)}`).join(' ');
  return h('figure', { class: 'chart' },
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title },
      svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
      svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }),
      svg('text', { x: L - 4, y: Y(y1) + 4, class: 'tick', 'text-anchor': 'end' }, fmtNum(y1)),
      svg('text', { x: L - 4, y: Y(y0) + 4, class: 'tick', 'text-anchor': 'end' }, fmtNum(y0)),
      ind.target !== undefined ? [
        svg('line', { x1: L, y1: Y(ind.target), x2: W - R, y2: Y(ind.target), class: 'target' }),
        svg('text', { x: W - R, y: Y(ind.target) - 4, class: 'tick', 'text-anchor': 'end' }, `${t('chart.target')} ${fmtNum(ind.target, 2)}`),
      ] : null,
      ind.baseline !== undefined && ind.baseline_on ? svg('circle', { cx: X(ind.baseline_on), cy: Y(ind.baseline), r: 3, class: 'baseline' }) : null,
      values.length ? svg('polyline', { points: pts, class: 'series' }) : null,
      values.map((v) => svg('circle', { cx: X(v.measured_on), cy: Y(v.value), r: 3.5, class: 'point' },
        svg('title', null, `${fmtDate(v.measured_on)}: ${fmtNum(v.value, 2)}`))),
      values.length ? svg('text', { x: L, y: H - 8, class: 'tick' }, fmtDate(values[0].measured_on)) : null,
      values.length ? svg('text', { x: W - R, y: H - 8, class: 'tick', 'text-anchor': 'end' }, fmtDate(values.at(-1).measured_on)) : null),
    h('figcaption', null, title, ' — ', t('chart.latest'), ' ',
      values.length ? fmtNum(values.at(-1).value, 2) : '—', ' / ', t('chart.target'), ' ', fmtNum(ind.target, 2)));
}

// How many tasks had each light at each month's end: stacked bars.
export function lightsHistoryChart(items) {
  const W = 360, H = 180, L = 28, R = 8, T = 12, B = 26;
  const totals = items.map((i) => LIGHTS.reduce((s, l) => s + (i.counts[l] || 0), 0));
  const max = Math.max(1, ...totals);
  const bw = (W - L - R) / Math.max(1, items.length);
  return h('figure', { class: 'chart' },
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('chart.lights_over_time') },
      svg('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' }),
      svg('text', { x: L - 4, y: T + 4, class: 'tick', 'text-anchor': 'end' }, String(max)),
      items.map((it, i) => {
        let y = H - B;
        const parts = LIGHTS.map((l) => {
          const hgt = ((it.counts[l] || 0) / max) * (H - T - B);
          y -= hgt;
          // each segment outlined in white and, when tall enough, labelled with
          // its count: red and yellow never meet as colour alone
          return hgt ? [svg('rect', { x: L + i * bw + 2, y, width: bw - 4, height: hgt, class: `fill-${l} seg` },
            svg('title', null, `${fmtDate(it.on)} ${te('light', l)}: ${it.counts[l]}`)),
          hgt >= 11 ? svg('text', { x: L + i * bw + bw / 2, y: y + hgt / 2 + 3.5, class: 'seg-label', 'text-anchor': 'middle' },
            `${te('light', l).slice(0, 1)}${it.counts[l]}`) : null] : null;
        });
        return [parts, svg('text', { x: L + i * bw + bw / 2, y: H - 10, class: 'tick', 'text-anchor': 'middle' },
          it.on.slice(5, 7))];
      })),
    h('figcaption', null, t('chart.lights_over_time'), ' ', h('span', { class: 'legend' },
      LIGHTS.map((l) => h('span', { class: `count light-${l}` }, te('light', l))))));
}
