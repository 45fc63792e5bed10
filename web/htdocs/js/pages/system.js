// System: every process with its counters, queue depths and drops,
// every source (listener and tailed file) with its own, and a reload
// button for admins when the server offers POST admin/reload.

import { html, useState } from '../lib.js';
import { api, hasEndpoint } from '../api.js';
import { useApi, useInterval, useCan, Problem, Loading, PageHeader,
    Num } from '../ui.js';
import { fmtDuration, fmtNum, fmtBytes } from '../util.js';

// Records lost before storage: every ingest drop (kernel, oversize,
// queue).
export function dropsOf(status) {
	let n = 0;
	for (const p of status.processes || [])
		if (p.name === 'ingest' && p.counters)
			n += p.counters.dropped || 0;
	return n;
}

// Counters as [name, value] pairs, nested objects flattened a.b.
function flat(obj, prefix = '') {
	const out = [];
	for (const [k, v] of Object.entries(obj || {})) {
		if (k === 'sources')
			continue;
		if (v && typeof v === 'object' && !Array.isArray(v))
			out.push(...flat(v, `${prefix}${k}.`));
		else if (!Array.isArray(v))
			out.push([`${prefix}${k}`, v]);
	}
	return out;
}

const BAD = /drop|error|refused|fail|timeout|throttled|gaps|truncated/;
const QUEUE = /^(queue|queued|pending|paused|waiting)$/;

function Counters({ counters }) {
	const list = flat(counters);
	if (!list.length)
		return html`<span class="muted">no counters</span>`;
	return html`<dl class="counters">${list.map(([k, v]) => html`
		<div class=${typeof v === 'number' && v > 0 && BAD.test(k) ?
		    'counter bad' : QUEUE.test(k) ? 'counter queue' : 'counter'}>
		<dt>${k}</dt><dd>${typeof v === 'boolean' ? (v ? 'yes' : 'no') :
		    k === 'bytes' ? fmtBytes(v) : fmtNum(v)}</dd></div>`)}
	</dl>`;
}

function Sources({ sources }) {
	if (!sources || !sources.length)
		return null;
	return html`<section class="card" aria-labelledby="sys-sources">
		<h2 id="sys-sources">Sources</h2>
		<div class="table-wrap"><table class="grid">
			<thead><tr><th scope="col">Source</th>
			<th scope="col" class="r">Received</th>
			<th scope="col" class="r">Bytes</th>
			<th scope="col" class="r">Dropped (kernel / oversize / queue)</th>
			<th scope="col" class="r">Connections</th>
			<th scope="col" class="r">Refused</th>
			<th scope="col" class="r">Framing errors</th>
			<th scope="col" class="r">Offset</th></tr></thead>
			<tbody>${sources.map(s => {
				const d = (s.dropped_kernel || 0) +
				    (s.dropped_oversize || 0) + (s.dropped_queue || 0);
				return html`<tr key=${s.key}>
				<td class="mono">${s.name}</td>
				<td class="r"><${Num} n=${s.received} /></td>
				<td class="r">${fmtBytes(s.bytes)}</td>
				<td class=${d ? 'r bad' : 'r'}>${fmtNum(s.dropped_kernel)} /
				    ${fmtNum(s.dropped_oversize)} /
				    ${fmtNum(s.dropped_queue)}</td>
				<td class="r">${s.active != null ?
				    `${fmtNum(s.active)} open, ` : ''}${
				    fmtNum(s.connections)}</td>
				<td class="r">${fmtNum((s.refused || 0) +
				    (s.refused_tls || 0))}</td>
				<td class="r">${fmtNum(s.framing_errors)}</td>
				<td class="r">${s.offset != null ? fmtBytes(s.offset) :
				    ''}</td></tr>`;
			})}</tbody>
		</table></div>
	</section>`;
}

function Reload() {
	const can = useCan();
	const [state, setState] = useState(null);
	if (!can('admin'))
		return null;
	const offered = hasEndpoint('admin/reload', 'POST');
	if (offered === false)
		return html`<button class="btn" disabled
		    title="This server does not offer admin/reload yet">
		    Reload configuration</button>`;
	const go = async () => {
		setState({ busy: true });
		try {
			const r = await api('admin/reload', { method: 'POST',
			    body: {} });
			setState({ ok: r && (r.detail || r.status) || 'reloaded' });
		} catch (e) {
			setState({ error: e });
		}
	};
	return html`<span>
		<button class="btn" onClick=${go} disabled=${state && state.busy}>
		    Reload configuration</button>
		${state && state.ok ? html` <span class="ok" role="status">${
		    state.ok}</span>` : ''}
		${state && state.error ? html`<${Problem} error=${state.error} />` :
		    ''}
	</span>`;
}

export function SystemPage() {
	const st = useApi('status');
	const [auto, setAuto] = useState(true);
	useInterval(() => st.reload(), auto ? 5000 : 0);
	const d = st.data;
	const procs = d ? d.processes || [] : [];
	const ingest = procs.find(p => p.name === 'ingest');
	const extra = d ? Object.fromEntries(Object.entries(d).filter(([k]) =>
	    k !== 'processes' && k !== 'version')) : {};

	return html`<div class="system">
		<${PageHeader} title="System">
			<label class="inline"><input type="checkbox" checked=${auto}
			    onChange=${e => setAuto(e.target.checked)} /> refresh every
			    5 s</label>
			<button class="btn" onClick=${st.reload}>Refresh</button>
			<${Reload} />
		</${PageHeader}>
		<${Problem} error=${st.error} retry=${st.reload} />
		${st.loading && !d ? html`<${Loading} />` : ''}
		${d ? html`<p class="muted">${`siemd ${d.version}; ${
		    procs.filter(p => p.alive).length} of ${procs.length} processes
		    running; ${fmtNum(dropsOf(d))} records dropped before
		    storage.`}</p>` : ''}
		${procs.length ? html`<section class="card"
		    aria-labelledby="sys-procs">
			<h2 id="sys-procs">Processes</h2>
			<div class="table-wrap"><table class="grid procs">
				<thead><tr><th scope="col">Process</th>
				<th scope="col" class="r">PID</th>
				<th scope="col">State</th>
				<th scope="col" class="r">Uptime</th>
				<th scope="col">Counters</th></tr></thead>
				<tbody>${procs.map(p => html`<tr
				    key=${`${p.name}-${p.instance}`}
				    data-proc=${p.name}>
					<th scope="row">${p.name}${p.instance ||
					    procs.filter(q => q.name === p.name).length > 1 ?
					    `[${p.instance}]` : ''}</th>
					<td class="r mono">${p.pid}</td>
					<td><span class=${p.alive ? 'state ok' : 'state bad'}>
					    ${p.alive ? 'running' : 'down'}</span></td>
					<td class="r">${fmtDuration(p.uptime)}</td>
					<td><${Counters} counters=${p.counters} /></td>
				</tr>`)}</tbody>
			</table></div>
		</section>` : ''}
		${ingest && ingest.counters ? html`<${Sources}
		    sources=${ingest.counters.sources} />` : ''}
		${Object.keys(extra).length ? html`<section class="card"
		    aria-labelledby="sys-web">
			<h2 id="sys-web">API, streams and HTTP ingest</h2>
			<${Counters} counters=${extra} />
		</section>` : ''}
	</div>`;
}
