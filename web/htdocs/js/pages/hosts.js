// Hosts: every host with first and last seen and counts by severity;
// one host with its top event types and recent events.

import { html, useState, useMemo } from '../lib.js';
import { useApi, Problem, Loading, PageHeader, Time, Num, Bar, Empty } from
    '../ui.js';
import { EventTable, EventDrawer } from '../eventview.js';
import { SEVERITIES, href, fmtAgo, DEFAULT_COLUMNS } from '../util.js';

function SevCounts({ sev }) {
	return html`${SEVERITIES.map(s => html`<td class=${`r sevcount${
	    sev && sev[s] ? ` has-${s}` : ''}`}>${sev && sev[s] ?
	    html`<${Num} n=${sev[s]} />` : html`<span class="muted">0</span>`}
	    </td>`)}`;
}

export function HostsPage() {
	const r = useApi('hosts');
	const [filter, setFilter] = useState('');
	const [sort, setSort] = useState('last_seen');
	const rows = useMemo(() => {
		const list = (r.data ? r.data.data : []).filter(h =>
		    h.name.toLowerCase().includes(filter.toLowerCase()));
		const key = {
			name: (a, b) => a.name.localeCompare(b.name),
			count: (a, b) => b.count - a.count,
			last_seen: (a, b) => (b.last_seen || '').localeCompare(
			    a.last_seen || ''),
			high: (a, b) => (b.severity.critical + b.severity.high) -
			    (a.severity.critical + a.severity.high)
		}[sort];
		return list.sort(key);
	}, [r.data, filter, sort]);
	const Th = ({ k, label, cls = '' }) => html`<th scope="col" class=${cls}
	    aria-sort=${sort === k ? 'descending' : undefined}>
	    <button class="linkish" onClick=${() => setSort(k)}>${label}</button>
	    </th>`;
	return html`<div class="hosts">
		<${PageHeader} title="Hosts">
			<label class="sr-only" for="host-filter">Filter hosts</label>
			<input id="host-filter" type="search" placeholder="Filter hosts"
			    value=${filter} onInput=${e => setFilter(e.target.value)} />
			<button class="btn" onClick=${r.reload}>Refresh</button>
		</${PageHeader}>
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !r.data ? html`<${Loading} />` : ''}
		${r.data && !rows.length ? html`<${Empty}>No hosts.</${Empty}>` : ''}
		${rows.length ? html`<div class="table-wrap"><table class="grid">
			<thead><tr>
				<${Th} k="name" label="Host" />
				<th scope="col">First seen</th>
				<${Th} k="last_seen" label="Last seen" />
				<${Th} k="count" label="Events" cls="r" />
				${SEVERITIES.map(s => s === 'high' ? html`<${Th} k="high"
				    label=${s} cls="r" />` : html`<th scope="col" class="r">
				    ${s}</th>`)}
			</tr></thead>
			<tbody>${rows.map(h => html`<tr key=${h.name}
			    data-host=${h.name}>
				<th scope="row"><a href=${`#/hosts/${encodeURIComponent(
				    h.name)}`}>${h.name}</a></th>
				<td><${Time} t=${h.first_seen} ms=${false} /></td>
				<td><${Time} t=${h.last_seen} ms=${false} />
				    <span class="muted small"> ${fmtAgo(h.last_seen)}</span>
				</td>
				<td class="r"><${Num} n=${h.count} /></td>
				<${SevCounts} sev=${h.severity} />
			</tr>`)}</tbody>
		</table></div>` : ''}
	</div>`;
}

export function HostPage({ name }) {
	const r = useApi(`hosts/${encodeURIComponent(name)}`, null, [name]);
	const [open, setOpen] = useState(null);
	const h = r.data;
	const types = h ? h.top_event_types || [] : [];
	const max = types.reduce((m, x) => Math.max(m, x.count), 0);
	const cols = DEFAULT_COLUMNS.filter(c => c !== 'host');
	return html`<div class=${`host${open ? ' with-drawer' : ''}`}>
		<${PageHeader} title=${`Host ${name}`}>
			<a class="btn" href="#/hosts">All hosts</a>
			<a class="btn primary" href=${href('/events', { from: '-7d',
			    host: name })}>Search this host</a>
		</${PageHeader}>
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !h ? html`<${Loading} />` : ''}
		${h ? html`
		<div class="tiles">
			<div class="tile"><div class="tile-label">Events</div>
			    <div class="tile-value"><${Num} n=${h.count} /></div></div>
			<div class="tile"><div class="tile-label">First seen</div>
			    <div class="tile-value small"><${Time} t=${h.first_seen}
			    ms=${false} /></div></div>
			<div class="tile"><div class="tile-label">Last seen</div>
			    <div class="tile-value small"><${Time} t=${h.last_seen}
			    ms=${false} /></div>
			    <div class="tile-sub muted">${fmtAgo(h.last_seen)}</div></div>
			<div class="tile"><div class="tile-label">By severity</div>
			    <div class="tile-sub">${SEVERITIES.map(s => html`<span
			    class=${`sev sev-${s}`}>${`${s} ${h.severity[s] || 0}`}</span> `)}
			    </div></div>
		</div>
		<div class="grid2">
			<section class="card" aria-labelledby="host-types">
				<h2 id="host-types">Top event types</h2>
				${types.length ? '' : html`<${Empty}>None.</${Empty}>`}
				<ol class="toplist">${types.map(t => html`<li>
					<a href=${href('/events', { from: '-7d', host: name,
					    event_type: t.event_type })}>${t.event_type}</a>
					<${Bar} value=${t.count} max=${max} />
					<${Num} n=${t.count} /></li>`)}</ol>
			</section>
			<section class="card wide" aria-labelledby="host-recent">
				<h2 id="host-recent">Recent events</h2>
				${(h.recent_events || []).length ? html`<${EventTable}
				    rows=${h.recent_events} cols=${cols} onOpen=${setOpen}
				    selected=${open ? open.id : null} />` :
				    html`<${Empty}>None.</${Empty}>`}
			</section>
		</div>` : ''}
		${open ? html`<${EventDrawer} ev=${open} from="-7d"
		    onClose=${() => setOpen(null)} />` : ''}
	</div>`;
}
