// The events explorer: time range, query box and filter pills, a
// histogram, field facets, a table that pages on the API's cursor as
// it is scrolled, an event drawer, exports, and saved searches.  The
// whole search lives in the hash (#/events?from=-1h&app=sshd&q=...),
// so a search is a link.

import { html, useState, useEffect, useRef, useMemo } from '../lib.js';
import { api, request } from '../api.js';
import { useApi, Problem, Loading, PageHeader, Num, Bar, Empty } from
    '../ui.js';
import { SeverityChart } from '../chart.js';
import { EventTable, EventDrawer, colLabel } from '../eventview.js';
import { SearchBar } from '../searchbar.js';
import { searchFromParams, searchParams, hashParams, withFilter,
    withExclude, excluded, hasExclude, localExcludes, navigate, href, ALL_FIELDS,
    DEFAULT_COLUMNS, SEVERITIES, loadJSON, saveJSON, fmtNum, parseTime } from
    '../util.js';

const PAGE = 100;
const COLS_KEY = 'siemd.columns';
const SAVED_KEY = 'siemd.searches';
const FACETS = ['severity', 'app', 'event_type', 'host', 'src_ip',
    'user_id', 'source_type', 'http_status', 'dest_ip', 'outcome'];
const FACETS_OPEN = 6;
const FACETS_OPEN_NARROW = 3;	/* where facets sit above the results */
const STEPS = [60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400,
    604800];

// A time of the API ("-15m", "now-1h", "now", ISO) as a Date.
export function resolveTime(s, now = Date.now()) {
	if (!s || s === 'now')
		return s ? new Date(now) : null;
	const m = /^(?:now)?-(\d+)([smhdw])$/.exec(s);
	if (m) {
		const mul = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]];
		return new Date(now - m[1] * mul * 1000);
	}
	return parseTime(s);
}

// Buckets like /timeline's, counted from the events at hand.
function bucketize(rows, search) {
	const now = Date.now();
	let a = resolveTime(search.from, now), b = resolveTime(search.to, now) ||
	    new Date(now);
	if (!a) {
		const ts = rows.map(r => Date.parse(r.ts)).filter(x => !isNaN(x));
		a = new Date(ts.length ? Math.min(...ts) : now - 86400000);
	}
	const span = Math.max(60, (b - a) / 1000);
	const bucket = STEPS.find(s => span / s <= 100) || STEPS[STEPS.length - 1];
	const start = Math.floor(a / 1000 / bucket) * bucket;
	const n = Math.ceil((b / 1000 - start) / bucket) || 1;
	const out = [];
	for (let i = 0; i < n; i++) {
		const o = { t: new Date((start + i * bucket) * 1000).toISOString(),
		    total: 0 };
		SEVERITIES.forEach(s => { o[s] = 0; });
		out.push(o);
	}
	for (const r of rows) {
		const i = Math.floor((Date.parse(r.ts) / 1000 - start) / bucket);
		if (i >= 0 && i < n) {
			out[i].total++;
			if (r.severity in out[i])
				out[i][r.severity]++;
		}
	}
	return { data: out, bucket };
}

function Histogram({ search, qkey, rows, done }) {
	const plain = !search.q && !search.filters.length &&
	    !search.excludes.length;
	const tl = useApi(plain ? 'timeline' : null, { from: search.from,
	    to: search.to || undefined }, [qkey]);
	const local = useMemo(() => plain ? null : bucketize(rows, search),
	    [plain, rows, qkey]);
	const d = plain ? tl.data : local;
	const zoom = (a, b) => {
		const q = hashParams({ ...search, from: a.toISOString(),
		    to: b.toISOString() });
		navigate('/events', q);
	};
	return html`<section class="card histo" aria-label="Histogram">
		<${Problem} error=${tl.error} retry=${tl.reload} />
		${plain && tl.loading && !tl.data ? html`<${Loading} />` : ''}
		${d ? html`<${SeverityChart} buckets=${d.data} bucket=${d.bucket}
		    height=${140} onSelect=${zoom}
		    label="Matching events over time" />` : ''}
		${!plain ? html`<p class="muted small note">${`Histogram of the ${
		    fmtNum(rows.length)} ${done ? '' : 'loaded '}events${done ? '' :
		    ' (scroll for more)'}`}: the timeline API counts every event
		    and takes no filters.</p>` : ''}
	</section>`;
}

function Facet({ field, qkey, open: open0, onFilter, onExclude, search }) {
	const [open, setOpen] = useState(open0);
	const q = useMemo(() => {
		const p = new URLSearchParams(qkey);
		p.set('field', field);
		p.set('limit', '6');
		return p;
	}, [qkey, field]);
	const r = useApi(open ? 'top' : null, q, [qkey, open]);
	const rows = r.data ? r.data.data : [];
	const max = rows.reduce((m, x) => Math.max(m, x.count), 0);
	return html`<details class="facet" open=${open} data-facet=${field}
	    onToggle=${e => setOpen(e.target.open)}>
		<summary>${field}</summary>
		<${Problem} error=${r.error} />
		${r.loading && !r.data ? html`<${Loading} />` : ''}
		${r.data && !rows.length ? html`<p class="muted small">no values</p>` :
		    ''}
		<ul>${rows.map(x => {
			const on = search.filters.some(([f, v]) => f === field &&
			    v === String(x.value));
			const off = hasExclude(search, field, x.value);
			return html`<li class=${on ? 'on' : off ? 'not' : ''}>
			<button type="button" class="facet-v" disabled=${on}
			    title=${on ? 'Already a filter' : off ? 'Excluded: ' +
			    'select to include instead' :
			    `Filter: ${field} is ${x.value}`}
			    onClick=${() => onFilter(field, String(x.value))}>
			    ${String(x.value)}</button>
			<button type="button" class="facet-x" disabled=${off}
			    data-exclude=${String(x.value)}
			    title=${`Exclude: ${field} is not ${x.value}`}
			    aria-label=${`Exclude ${field} ${x.value}`}
			    onClick=${() => onExclude(field, String(x.value))}>−
			    </button>
			<${Bar} value=${x.count} max=${max} />
			<${Num} n=${x.count} /></li>`;
		})}</ul>
		${r.data && r.data.counted ? html`<p class="muted tiny">${
		    `of the ${fmtNum(r.data.counted)} newest matching events${
		    localExcludes(search).length ? ', some excluded values counted' :
		    ''}`}
		    </p>` : ''}
	</details>`;
}

function Columns({ cols, onChange }) {
	const toggle = (c, on) => {
		const next = on ? ALL_FIELDS.filter(f => cols.includes(f) || f === c) :
		    cols.filter(f => f !== c);
		if (next.length)
			onChange(next);
	};
	return html`<details class="menu">
		<summary class="btn">Columns</summary>
		<div class="menu-body cols" role="group" aria-label="Columns">
			${ALL_FIELDS.map(c => html`<label class="check">
			    <input type="checkbox" checked=${cols.includes(c)}
			    onChange=${e => toggle(c, e.target.checked)} />
			    ${colLabel(c)}</label>`)}
			<button class="btn tiny" type="button"
			    onClick=${() => onChange(DEFAULT_COLUMNS)}>Defaults</button>
		</div>
	</details>`;
}

function Saved({ qkey }) {
	const [list, setList] = useState(() => loadJSON(SAVED_KEY, []));
	const [name, setName] = useState('');
	const save = (e) => {
		e.preventDefault();
		if (!name.trim())
			return;
		const next = [...list.filter(s => s.name !== name.trim()),
		    { name: name.trim(), query: qkey }];
		setList(next);
		saveJSON(SAVED_KEY, next);
		setName('');
	};
	const del = (n) => {
		const next = list.filter(s => s.name !== n);
		setList(next);
		saveJSON(SAVED_KEY, next);
	};
	return html`<details class="menu saved">
		<summary class="btn">Saved searches${list.length ?
		    ` (${list.length})` : ''}</summary>
		<div class="menu-body">
			<form class="row" onSubmit=${save}>
				<label class="sr-only" for="save-name">Name</label>
				<input id="save-name" placeholder="Name this search"
				    value=${name} onInput=${e => setName(e.target.value)} />
				<button class="btn small" type="submit">Save</button>
			</form>
			${list.length ? '' : html`<p class="muted small">None yet.</p>`}
			<ul class="saved-list">${list.map(s => html`<li>
				<a href=${`#/events?${s.query}`}>${s.name}</a>
				<button class="btn tiny" type="button"
				    aria-label=${`Delete ${s.name}`}
				    onClick=${() => del(s.name)}>delete</button></li>`)}
			</ul>
		</div>
	</details>`;
}

// The export of the search; with excludes the API cannot apply only
// JSON lines, filtered here.
function Export({ qkey, search }) {
	const [state, setState] = useState(null);
	const some = localExcludes(search).length > 0;
	const go = async (fmt, ext) => {
		setState({ busy: fmt });
		try {
			const q = new URLSearchParams(qkey);
			q.set('format', fmt);
			const r = await request('events/export', { query: q });
			let blob = await r.blob();
			if (some) {
				const keep = (await blob.text()).split('\n').filter(l => {
					try {
						return l && !excluded(search, JSON.parse(l));
					} catch (e) {
						return false;
					}
				});
				blob = new Blob(keep.map(l => l + '\n'),
				    { type: blob.type });
			}
			const url = URL.createObjectURL(blob);
			const a = document.createElement('a');
			a.href = url;
			a.download = `siemd-events-${new Date().toISOString()
			    .replace(/[:.]/g, '-')}.${ext}`;
			document.body.appendChild(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(url), 30000);
			setState(null);
		} catch (e) {
			setState({ error: e });
		}
	};
	return html`<span class="export" role="group" aria-label="Export">
		<span class="muted small">Export</span>
		${[['jsonl', 'jsonl', 'JSONL'], ['csv', 'csv', 'CSV'],
		    ['ecs', 'ndjson', 'ECS']].map(([f, e, l]) => html`<button
		    class="btn small" type="button" data-export=${f}
		    disabled=${state && state.busy || some && f !== 'jsonl'}
		    title=${some && f !== 'jsonl' ? 'With excluded values only ' +
		    'JSONL can be exported' : undefined}
		    onClick=${() => go(f, e)}>${state && state.busy === f ? '…' :
		    l}</button>`)}
		${state && state.error ? html`<${Problem} error=${state.error} />` :
		    ''}
	</span>`;
}

export function EventsPage({ route }) {
	const p = route.params;
	const search = searchFromParams(p);
	if (!p.has('from'))
		search.from = '-24h';
	const qkey = searchParams(search).toString();
	let cols = (p.get('cols') || '').split(',')
	    .filter(c => ALL_FIELDS.includes(c));
	if (!cols.length)
		cols = loadJSON(COLS_KEY, DEFAULT_COLUMNS)
		    .filter(c => ALL_FIELDS.includes(c));
	if (!cols.length)
		cols = DEFAULT_COLUMNS;
	const evId = p.get('ev');

	const go = (s, extra = {}) => {
		const q = hashParams(s);
		if (p.get('cols'))
			q.set('cols', p.get('cols'));
		for (const [k, v] of Object.entries(extra))
			if (v != null)
				q.set(k, v);
		navigate('/events', q);
	};
	const addFilter = (f, v) => go(withFilter(search, f, v));
	const addExclude = (f, v) => go(withExclude(search, f, v));
	const xkey = hashParams(search).toString();
	const setCols = (c) => {
		saveJSON(COLS_KEY, c);
		const q = new URLSearchParams(p);
		q.set('cols', c.join(','));
		navigate('/events', q);
	};
	const openEv = (ev) => {
		const q = new URLSearchParams(p);
		q.set('ev', ev.id);
		navigate('/events', q);
	};
	const closeEv = () => {
		const q = new URLSearchParams(p);
		q.delete('ev');
		navigate('/events', q);
	};

	/* results, page after page on the cursor */
	const [res, setRes] = useState({ rows: [], next: null, done: false,
	    loading: true, error: null });
	const gen = useRef(0);
	const asked = useRef(new Set());
	const fetchPage = async (cursor, g) => {
		const tag = cursor || '';
		if (asked.current.has(tag))
			return;
		asked.current.add(tag);
		setRes(r => ({ ...r, loading: true, error: null }));
		const q = new URLSearchParams(qkey);
		q.set('limit', String(PAGE));
		if (cursor)
			q.set('cursor', cursor);
		try {
			const d = await api('events', { query: q });
			if (g !== gen.current)
				return;
			setRes(r => {
				const seen = new Set(r.rows.map(x => x.id));
				const add = d.data.filter(x => !seen.has(x.id));
				return { rows: cursor ? [...r.rows, ...add] : d.data,
				    next: d.next_cursor || null, done: !d.next_cursor,
				    loading: false, error: null };
			});
		} catch (e) {
			if (g !== gen.current)
				return;
			asked.current.delete(tag);
			setRes(r => ({ ...r, loading: false, error: e }));
		}
	};
	useEffect(() => {
		gen.current++;
		asked.current = new Set();
		setRes({ rows: [], next: null, done: false, loading: true,
		    error: null });
		fetchPage(null, gen.current);
	}, [qkey]);

	const sentinel = useRef(null);
	useEffect(() => {
		if (res.done || res.loading || res.error || !res.next ||
		    !sentinel.current)
			return;
		const g = gen.current, next = res.next;
		const io = new IntersectionObserver((es) => {
			if (es.some(e => e.isIntersecting))
				fetchPage(next, g);
		}, { rootMargin: '300px' });
		io.observe(sentinel.current);
		return () => io.disconnect();
	}, [res.next, res.done, res.loading, res.error]);

	/* excludes, applied here */
	const rows = useMemo(() => search.excludes.length ?
	    res.rows.filter(ev => !excluded(search, ev)) : res.rows,
	    [res.rows, xkey]);
	const hidden = res.rows.length - rows.length;

	/* the drawer: from the rows, or fetched for a shared link */
	const inRows = evId ? res.rows.find(r => String(r.id) === evId) : null;
	const one = useApi(evId && !inRows && !res.loading ?
	    `events/${encodeURIComponent(evId)}` : null, null, [evId]);
	const drawerEv = inRows || (one.data && String(one.data.id) === evId ?
	    one.data : null);

	return html`<div class=${`explorer${evId ? ' with-drawer' : ''}`}>
		<${PageHeader} title="Events">
			<${Saved} qkey=${xkey} />
			<${Columns} cols=${cols} onChange=${setCols} />
		</${PageHeader}>
		<${SearchBar} search=${search} onChange=${s => go(s)} />
		<p class="muted small help">Values of one field are ORed, fields
		    are ANDed; <code>-word</code> leaves out words and
		    <code>-host:web1</code> (or − beside a value) a field's value.
		    An excluded status class or network is left out by the
		    browser: facet counts include it.</p>
		<div class="explorer-body">
			<aside class="facets" aria-label="Field values">
				<h2 class="small-h">Fields</h2>
				${FACETS.map((f, i) => html`<${Facet} key=${f} field=${f}
				    qkey=${qkey} search=${search} open=${i < (matchMedia(
				    '(max-width: 1100px)').matches ? FACETS_OPEN_NARROW :
				    FACETS_OPEN)}
				    onFilter=${addFilter} onExclude=${addExclude} />`)}
			</aside>
			<section class="results" aria-label="Results">
				<${Histogram} search=${search} qkey=${xkey}
				    rows=${rows} done=${res.done} />
				<div class="toolbar">
					<span class="count" role="status" aria-live="polite">
					${res.loading && !res.rows.length ? 'Searching…' :
					    html`<strong>${fmtNum(rows.length)}</strong>
					    ${res.done ? ` event${rows.length === 1 ? '' :
					    's'}` : ' events loaded, more below'}`}
					${hidden ? html` <span class="muted small"
					    data-hidden=${hidden}>${`(${fmtNum(hidden)} excluded)`}
					    </span>` : ''}
					</span>
					<${Export} qkey=${qkey} search=${search} />
				</div>
				${rows.length ? html`<${EventTable} rows=${rows}
				    cols=${cols} onOpen=${openEv} onFilter=${addFilter}
				    onExclude=${addExclude}
				    selected=${inRows ? inRows.id : null}
				    caption="Matching events, newest first" />` : ''}
				${res.done && !rows.length && !res.error ? html`<${Empty}>
				    No events match. Widen the time range or remove a
				    filter.</${Empty}>` : ''}
				<${Problem} error=${res.error} retry=${() =>
				    fetchPage(res.next, gen.current)} />
				<div ref=${sentinel} class="sentinel" aria-hidden="true"></div>
				${res.loading && res.rows.length ? html`<${Loading}
				    what="Loading more" />` : ''}
				${res.done && rows.length ? html`<p class="end"
				    data-end="1">${`End of results: ${
				    fmtNum(rows.length)} events.`}</p>` : ''}
			</section>
		</div>
		${evId ? (drawerEv ? html`<${EventDrawer} ev=${drawerEv}
		    from=${search.from} onClose=${closeEv} onFilter=${addFilter}
		    onExclude=${addExclude} />` :
		    html`<aside class="drawer"><${Problem} error=${one.error} />
		    ${one.loading ? html`<${Loading} />` : ''}
		    <button class="btn small" onClick=${closeEv}>Close</button>
		    </aside>`) : ''}
	</div>`;
}
