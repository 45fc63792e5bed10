// The search bar of the explorer and the live tail: time range
// (relative or absolute), the query box (words for the full-text
// search, field:value terms become filters) and the filter pills.

import { html, useState, useEffect } from './lib.js';
import { RANGES, parseQueryBox, withFilter, withoutFilter, withExclude,
    withoutExclude, parseTime, toLocalInput, rangeLabel } from './util.js';

export function TimePicker({ from, to, onChange }) {
	const relative = /^(now)?-\d+[smhdw]$/.test(from) &&
	    (!to || to === 'now');
	const ranges = RANGES.some(r => r.v === from) || !relative ? RANGES :
	    [...RANGES, { v: from, label: `Last ${from.replace(/^(now)?-/, '')}` }];
	const [custom, setCustom] = useState(!relative);
	const [a, setA] = useState(toLocalInput(parseTime(from)));
	const [b, setB] = useState(toLocalInput(parseTime(to)));
	useEffect(() => {
		setCustom(!relative);
		setA(toLocalInput(parseTime(from)));
		setB(toLocalInput(parseTime(to)));
	}, [from, to]);
	const pick = (v) => {
		if (v === 'custom') {
			setCustom(true);
			return;
		}
		setCustom(false);
		onChange(v, '');
	};
	const apply = (e) => {
		e.preventDefault();
		const fa = a ? new Date(a) : null, fb = b ? new Date(b) : null;
		onChange(fa ? fa.toISOString() : '', fb ? fb.toISOString() : '');
	};
	return html`<div class="timepicker">
		<label class="sr-only" for="tp-range">Time range</label>
		<select id="tp-range" value=${custom ? 'custom' : from}
		    title=${rangeLabel(from, to)}
		    onChange=${e => pick(e.target.value)}>
			${ranges.map(r => html`<option value=${r.v}>${r.label}</option>`)}
			<option value="custom">${relative ? 'Absolute…' :
			    rangeLabel(from, to)}</option>
		</select>
		${custom ? html`<span class="abs">
			<label class="sr-only" for="tp-from">From</label>
			<input id="tp-from" type="datetime-local" value=${a}
			    onInput=${e => setA(e.target.value)} />
			<span aria-hidden="true">→</span>
			<label class="sr-only" for="tp-to">To</label>
			<input id="tp-to" type="datetime-local" value=${b}
			    onInput=${e => setB(e.target.value)} />
			<button class="btn small" onClick=${apply}>Apply</button>
		</span>` : ''}
	</div>`;
}

// Include pills (field is value) and exclude pills (field is not
// value); a click on the field name turns one into the other.
export function Pills({ search, onChange }) {
	const ex = search.excludes || [];
	if (!search.filters.length && !ex.length)
		return null;
	const pill = (f, v, not) => html`<li class=${`pill${not ? ' not' : ''}`}
	    data-filter=${`${not ? '-' : ''}${f}:${v}`}>
		<button type="button" class="pill-f" title=${not ?
		    'Excluded: select to include instead' :
		    'Included: select to exclude instead'}
		    aria-label=${`${f} ${not ? 'is not' : 'is'} ${v}: ${not ?
		    'include' : 'exclude'} instead`}
		    onClick=${() => onChange(not ? withFilter(search, f, v) :
		    withExclude(search, f, v))}>${not ? `not ${f}` : f}</button>
		<span class="pill-v">${v}</span>
		<button type="button" aria-label=${`Remove the filter ${f} ${v}`}
		    title="Remove" onClick=${() => onChange(not ?
		    withoutExclude(search, f, v) : withoutFilter(search, f, v))}>×
		    </button>
	</li>`;
	return html`<ul class="pills" aria-label="Filters">
		${search.filters.map(([f, v]) => pill(f, v, false))}
		${ex.map(([f, v]) => pill(f, v, true))}
		${search.filters.length + ex.length > 1 ? html`<li><button
		    type="button" class="btn tiny" onClick=${() => onChange({
		    ...search, filters: [], excludes: [] })}>Clear filters</button>
		    </li>` : ''}
	</ul>`;
}

// search: { from, to, q, filters }; onChange(newSearch).
export function SearchBar({ search, onChange, showTime = true, children }) {
	const [text, setText] = useState(search.q);
	const [error, setError] = useState(null);
	useEffect(() => setText(search.q), [search.q]);
	const submit = (e) => {
		e.preventDefault();
		const p = parseQueryBox(text);
		setError(p.error);
		let s = { ...search, q: p.q };
		for (const [f, v] of p.filters)
			s = withFilter(s, f, v);
		for (const [f, v] of p.excludes)
			s = withExclude(s, f, v);
		setText(p.q);
		onChange(s);
	};
	return html`<div class="searchbar">
		<form class="search-row" role="search" onSubmit=${submit}>
			${showTime ? html`<${TimePicker} from=${search.from} to=${search.to}
			    onChange=${(from, to) => onChange({ ...search, from, to })}
			    />` : ''}
			<label class="sr-only" for="q">Search</label>
			<input id="q" class="q" type="search" value=${text}
			    placeholder='words, "a phrase", prefix*, -word, app:sshd -host:web1'
			    onInput=${e => setText(e.target.value)} />
			<button class="btn primary" type="submit">Search</button>
			${children}
		</form>
		${error ? html`<div class="problem" role="alert">${error}</div>` : ''}
		<${Pills} search=${search} onChange=${onChange} />
	</div>`;
}
