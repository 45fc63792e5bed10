// The event table and the event drawer, shared by the explorer, the
// live tail and the host page.

import { html, useEffect, useRef } from './lib.js';
import { Time, Sev } from './ui.js';
import { FILTER_FIELDS, PIVOT_FIELDS, ALL_FIELDS, href, cellText,
    fmtTime } from './util.js';

const TIME_FIELDS = new Set(['ts', 'received_at']);
const LABELS = { ts: 'Time', received_at: 'Received' };

export function colLabel(c) {
	return LABELS[c] || c;
}

function Cell({ ev, col, onFilter, onExclude }) {
	const v = ev[col];
	if (TIME_FIELDS.has(col))
		return html`<td class="nowrap"><${Time} t=${v} /></td>`;
	if (col === 'severity')
		return html`<td><${Sev} s=${v} /></td>`;
	const text = cellText(v);
	const filterable = onFilter && v != null && v !== '' &&
	    FILTER_FIELDS.includes(col);
	return html`<td class=${col === 'message' ? 'msg' : 'cell'}
	    data-field=${col}>
		<span class="val" title=${text.length > 60 ? text : undefined}>
		    ${text}</span>
		${filterable ? html`<button class="add" type="button"
		    data-include=${col}
		    title=${`Filter: ${col} is ${text}`}
		    aria-label=${`Filter ${col} ${text}`}
		    onClick=${e => { e.stopPropagation(); onFilter(col, text); }}>
		    +</button>` : ''}
		${filterable && onExclude ? html`<button class="add sub"
		    type="button" data-exclude=${col}
		    title=${`Exclude: ${col} is not ${text}`}
		    aria-label=${`Exclude ${col} ${text}`}
		    onClick=${e => { e.stopPropagation(); onExclude(col, text); }}>
		    −</button>` : ''}
	</td>`;
}

// rows: events; cols: field names; onOpen(ev): row activated;
// onFilter(field, value), onExclude(field, value): include or exclude
// that value (optional).
export function EventTable({ rows, cols, onOpen, onFilter, onExclude,
    selected, caption }) {
	return html`<div class="table-wrap events-wrap">
	<table class="grid events">
		${caption ? html`<caption class="sr-only">${caption}</caption>` : ''}
		<thead><tr>${cols.map(c => html`<th scope="col"
		    data-col=${c}>${colLabel(c)}</th>`)}</tr></thead>
		<tbody>${rows.map(ev => html`<tr key=${ev.id} data-id=${ev.id}
		    class=${`sevrow-${ev.severity || 'none'}${selected === ev.id ?
		    ' selected' : ''}`}
		    tabindex="0" aria-selected=${selected === ev.id}
		    onClick=${() => onOpen && onOpen(ev)}
		    onKeyDown=${e => { if (e.key === 'Enter' && onOpen) {
			e.preventDefault(); onOpen(ev); } }}>
			${cols.map(c => html`<${Cell} ev=${ev} col=${c}
			    onFilter=${onFilter} onExclude=${onExclude} />`)}
		</tr>`)}</tbody>
	</table></div>`;
}

function pretty(v) {
	if (v == null)
		return '';
	if (typeof v === 'string') {
		try {
			return JSON.stringify(JSON.parse(v), null, 2);
		} catch (e) {
			return v;
		}
	}
	return JSON.stringify(v, null, 2);
}

// Every field of one event, data_json and raw pretty-printed, with a
// filter button for filterable fields and a pivot (a new search on
// that value alone) for the correlating ones.
export function EventDrawer({ ev, from, onClose, onFilter, onExclude }) {
	const closeRef = useRef(null);
	useEffect(() => {
		const back = document.activeElement;
		closeRef.current && closeRef.current.focus();
		const k = e => { if (e.key === 'Escape') onClose(); };
		document.addEventListener('keydown', k);
		return () => {
			document.removeEventListener('keydown', k);
			if (back && back.focus && document.contains(back))
				back.focus();
		};
	}, [ev && ev.id]);
	if (!ev)
		return null;
	const fields = ALL_FIELDS.filter(f => f !== 'data_json' && f !== 'raw' &&
	    ev[f] != null && ev[f] !== '');
	const extra = Object.keys(ev).filter(k => !ALL_FIELDS.includes(k) &&
	    ev[k] != null);
	const empty = ALL_FIELDS.filter(f => ev[f] == null || ev[f] === '');
	return html`<aside class="drawer" role="dialog" aria-modal="false"
	    aria-labelledby="drawer-title" data-event=${ev.id}>
		<header>
			<h2 id="drawer-title">Event ${ev.id}</h2>
			<button class="btn small" ref=${closeRef} onClick=${onClose}
			    aria-label="Close the event">Close</button>
		</header>
		<p class="drawer-sub"><${Sev} s=${ev.severity} />
		    ${' '}<${Time} t=${ev.ts} /></p>
		<table class="fields">
			<tbody>${[...fields, ...extra].map(f => {
				const text = TIME_FIELDS.has(f) ? fmtTime(ev[f]) :
				    cellText(ev[f]);
				return html`<tr data-field=${f}>
				<th scope="row">${f}</th>
				<td><span class="mono val">${TIME_FIELDS.has(f) ?
				    html`<${Time} t=${ev[f]} />` : text}</span>
				${TIME_FIELDS.has(f) ? html` <span class="muted small">${
				    ev[f]}</span>` : ''}</td>
				<td class="acts">
				${onFilter && FILTER_FIELDS.includes(f) ? html`<button
				    class="btn tiny" type="button"
				    title=${`Add the filter ${f}:${text}`}
				    onClick=${() => onFilter(f, text)}>+ filter</button>` :
				    ''}
				${onExclude && FILTER_FIELDS.includes(f) ? html`<button
				    class="btn tiny" type="button" data-exclude=${f}
				    title=${`Leave out events with ${f}:${text}`}
				    onClick=${() => onExclude(f, text)}>− exclude</button>` :
				    ''}
				${PIVOT_FIELDS.includes(f) ? html`<a class="btn tiny pivot"
				    data-pivot=${f}
				    href=${href('/events', { from: from || '-7d',
				    [f]: text })}
				    title=${`New search: every event with ${f} ${text}`}>
				    pivot</a>` : ''}
				</td></tr>`;
			})}</tbody>
		</table>
		${ev.data_json != null ? html`<h3>data_json</h3>
		    <pre class="code">${pretty(ev.data_json)}</pre>` : ''}
		${ev.raw != null ? html`<h3>raw</h3>
		    <pre class="code raw">${ev.raw}</pre>` : ''}
		${empty.length ? html`<p class="muted small">Empty: ${
		    empty.join(', ')}</p>` : ''}
	</aside>`;
}
