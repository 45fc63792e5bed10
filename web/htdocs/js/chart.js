// Events over time, stacked by severity, with uPlot.  uPlot has no
// stacking of its own: each severity is drawn as a bar from zero to
// the sum of itself and every lower severity, the highest sum first,
// so the lower ones overdraw it and the bars look stacked; the legend
// shows each severity's own count.  Dragging over the chart selects
// a time range (onSelect with two Dates).

import { html, useEffect, useRef, uPlot } from './lib.js';
import { SEVERITIES, fmtTime } from './util.js';

function cssVar(name, def) {
	const v = getComputedStyle(document.documentElement)
	    .getPropertyValue(name).trim();
	return v || def;
}

// buckets: [{ t, info, low, medium, high, critical, total }], bucket:
// its width in seconds.
export function SeverityChart({ buckets, bucket, height = 220, onSelect,
    label = 'Events over time' }) {
	const box = useRef(null);
	const plot = useRef(null);
	const selectCb = useRef(onSelect);
	selectCb.current = onSelect;

	useEffect(() => {
		const el = box.current;
		if (!el || !buckets)
			return;
		const xs = buckets.map(b => Date.parse(b.t) / 1000);
		const raw = SEVERITIES.map(s => buckets.map(b => b[s] || 0));
		const sums = [];
		let acc = xs.map(() => 0);
		for (const r of raw) {
			acc = acc.map((v, i) => v + r[i]);
			sums.push(acc);
		}
		const order = [...SEVERITIES.keys()].reverse();
		const data = [xs, ...order.map(i => sums[i])];
		const fg = cssVar('--muted', '#666');
		const grid = cssVar('--grid', 'rgba(128,128,128,.2)');
		const bars = uPlot.paths.bars({ size: [0.9, 80], align: 1 });
		const series = [{
			label: 'Time',
			value: (u, v) => v == null ? '—' : fmtTime(new Date(v * 1000),
			    false)
		}];
		for (const i of order) {
			const s = SEVERITIES[i];
			const color = cssVar(`--sev-${s}`, '#888');
			series.push({
				label: s,
				fill: color,
				stroke: color,
				width: 0,
				paths: bars,
				points: { show: false },
				value: (u, v, si, idx) => idx == null ? '—' :
				    String(raw[i][idx])
			});
		}
		const last = xs.length ? xs[xs.length - 1] + (bucket || 60) :
		    Date.now() / 1000;
		const first = xs.length ? xs[0] : last - 86400;
		const opts = {
			width: Math.max(200, el.clientWidth),
			height,
			title: '',
			cursor: {
				drag: { x: true, y: false, setScale: false },
				points: { show: false }
			},
			select: { show: true },
			legend: { live: true },
			scales: {
				x: { time: true, range: () => [first, last] },
				y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] }
			},
			axes: [
				{ stroke: fg, grid: { stroke: grid, width: 1 },
				    ticks: { stroke: grid, width: 1 } },
				{ stroke: fg, grid: { stroke: grid, width: 1 },
				    ticks: { stroke: grid, width: 1 }, size: 56,
				    values: (u, vals) => vals.map(v =>
					v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ?
					`${v / 1e3}k` : String(v)) }
			],
			series,
			hooks: {
				setSelect: [u => {
					if (u.select.width < 3 || !selectCb.current)
						return;
					const a = u.posToVal(u.select.left, 'x');
					const b = u.posToVal(u.select.left + u.select.width,
					    'x');
					u.setSelect({ left: 0, width: 0, top: 0, height: 0 },
					    false);
					selectCb.current(new Date(a * 1000),
					    new Date(b * 1000));
				}]
			}
		};
		plot.current = new uPlot(opts, data, el);
		const ro = new ResizeObserver(() => {
			if (plot.current && el.clientWidth > 0)
				plot.current.setSize({ width: el.clientWidth, height });
		});
		ro.observe(el);
		return () => {
			ro.disconnect();
			plot.current.destroy();
			plot.current = null;
		};
	}, [buckets, bucket, height]);

	const total = buckets ? buckets.reduce((a, b) => a + (b.total || 0), 0) :
	    0;
	return html`<figure class="chart" aria-label=${label}
	    data-total=${total}>
		<div ref=${box} class="chart-box"></div>
		${onSelect ? html`<figcaption class="muted small">Drag across the
		    chart to search that time range.</figcaption>` : ''}
	</figure>`;
}
