// Overview: events over time by severity (drag to search a range),
// the busiest apps, hosts, source addresses and event types, the
// ingest rate, drops and the processes.

import { html } from '../lib.js';
import { useApi, useInterval, Problem, Loading, PageHeader, Bar, Num,
    Empty } from '../ui.js';
import { SeverityChart } from '../chart.js';
import { RANGES, SEVERITIES, href, navigate, fmtNum } from '../util.js';
import { dropsOf } from './system.js';

const TOPS = [
	{ field: 'app', title: 'Top apps' },
	{ field: 'host', title: 'Top hosts' },
	{ field: 'src_ip', title: 'Top source IPs' },
	{ field: 'event_type', title: 'Top event types' }
];

function TopList({ field, title, from }) {
	const r = useApi('top', { field, from, limit: 8 }, [from]);
	const rows = r.data ? r.data.data : [];
	const max = rows.reduce((m, x) => Math.max(m, x.count), 0);
	return html`<section class="card top" aria-labelledby=${`top-${field}`}>
		<h2 id=${`top-${field}`}>${title}</h2>
		<${Problem} error=${r.error} retry=${r.reload} />
		${r.loading && !r.data ? html`<${Loading} />` : ''}
		${r.data && rows.length === 0 ? html`<${Empty}>No events in this
		    range.</${Empty}>` : ''}
		<ol class="toplist">
			${rows.map(x => html`<li>
				<a href=${href('/events', { from, [field]: x.value })}
				    title=${`Search ${field}:${x.value}`}>${x.value}</a>
				<${Bar} value=${x.count} max=${max} />
				<${Num} n=${x.count} />
			</li>`)}
		</ol>
	</section>`;
}

function Tile({ label, value, sub, cls = '', id }) {
	return html`<div class=${`tile ${cls}`} data-tile=${id}>
		<div class="tile-label">${label}</div>
		<div class="tile-value">${value}</div>
		${sub ? html`<div class="tile-sub muted">${sub}</div>` : ''}
	</div>`;
}

export function OverviewPage({ route }) {
	const from = route.params.get('from') || '-24h';
	const tl = useApi('timeline', { from }, [from]);
	const stats = useApi('stats');
	const status = useApi('status');
	useInterval(() => {
		stats.reload();
		status.reload();
	}, 10000);

	const st = stats.data;
	const procs = status.data ? status.data.processes || [] : [];
	const alive = procs.filter(p => p.alive).length;
	const drops = status.data ? dropsOf(status.data) : null;

	const setRange = (v) => navigate('/overview', { from: v });
	const zoom = (a, b) => navigate('/events', {
		from: a.toISOString(), to: b.toISOString()
	});

	return html`<div class="overview">
		<${PageHeader} title="Overview">
			<label class="inline" for="ov-range">Range</label>
			<select id="ov-range" value=${from}
			    onChange=${e => setRange(e.target.value)}>
				${RANGES.map(r => html`<option value=${r.v}>${r.label}
				    </option>`)}
			</select>
			<button class="btn" onClick=${() => { tl.reload();
			    stats.reload(); status.reload(); }}>Refresh</button>
		</${PageHeader}>

		<div class="tiles">
			<${Tile} id="total" label="Events stored"
			    value=${st ? fmtNum(st.total) : '…'}
			    sub=${st && st.last_received_at ?
			    html`last received ${new Date(st.last_received_at)
			    .toLocaleString()}` : ''} />
			<${Tile} id="rate" label="Ingest rate now"
			    value=${st ? `${fmtNum(st.events_per_second)}/s` : '…'}
			    sub="events per second" />
			<${Tile} id="last24h" label="Last 24 hours"
			    value=${st ? fmtNum(st.last_24h.total) : '…'}
			    sub=${st ? html`${SEVERITIES.filter(s => st.last_24h[s])
			    .map(s => html`<span class=${`sev sev-${s}`}>${
			    `${s} ${fmtNum(st.last_24h[s])}`}</span> `)}` : ''} />
			<${Tile} id="drops" label="Dropped records"
			    cls=${drops ? 'warn' : ''}
			    value=${drops == null ? '…' : fmtNum(drops)}
			    sub=${html`<a href="#/system">details</a>`} />
			<${Tile} id="procs" label="Processes"
			    cls=${procs.length && alive < procs.length ? 'bad' : ''}
			    value=${status.data ? `${alive} / ${procs.length}` : '…'}
			    sub=${procs.length && alive < procs.length ?
			    'some are down' : 'running'} />
		</div>
		<${Problem} error=${stats.error || status.error} />

		<section class="card" aria-labelledby="ov-chart">
			<h2 id="ov-chart">Events over time by severity</h2>
			<${Problem} error=${tl.error} retry=${tl.reload} />
			${tl.loading && !tl.data ? html`<${Loading} />` : ''}
			${tl.data ? html`<${SeverityChart}
			    buckets=${tl.data.data} bucket=${tl.data.bucket}
			    onSelect=${zoom} />` : ''}
		</section>

		<div class="grid4">
			${TOPS.map(t => html`<${TopList} key=${t.field}
			    field=${t.field} title=${t.title} from=${from} />`)}
		</div>
	</div>`;
}
