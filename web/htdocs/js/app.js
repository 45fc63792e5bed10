// The siemd dashboard: session, navigation and hash routes
// (#/events?app=sshd), which work under any path prefix and can be
// shared as links.

import { html, render, useState, useEffect } from './lib.js';
import { api, getToken, onUnauthorized, logout, loadFeatures } from
    './api.js';
import { useRoute, navigate, parseHash } from './util.js';
import { Session, Loading, Problem } from './ui.js';
import { LoginPage } from './pages/login.js';
import { OverviewPage } from './pages/overview.js';
import { EventsPage } from './pages/events.js';
import { LivePage } from './pages/live.js';
import { HostsPage, HostPage } from './pages/hosts.js';
import { SystemPage } from './pages/system.js';
import { AlertsPage, AlertPage } from './pages/alerts.js';
import { RulesPage, RulePage } from './pages/rules.js';
import { SilencesPage, AllowlistPage } from './pages/suppress.js';

const NAV = [
	{ path: 'overview', label: 'Overview' },
	{ path: 'events', label: 'Events' },
	{ path: 'live', label: 'Live tail' },
	{ path: 'alerts', label: 'Alerts' },
	{ path: 'rules', label: 'Rules' },
	{ path: 'silences', label: 'Silences' },
	{ path: 'allowlist', label: 'Allow-list' },
	{ path: 'hosts', label: 'Hosts' },
	{ path: 'system', label: 'System' }
];

function Nav({ current, me, onLogout }) {
	const [open, setOpen] = useState(false);
	return html`<nav class="topnav" aria-label="Main">
		<a class="brand" href="#/overview">siemd</a>
		<button class="btn menu-toggle" aria-expanded=${open}
		    aria-controls="navlinks" onClick=${() => setOpen(!open)}>
		    Menu</button>
		<ul id="navlinks" class=${open ? 'open' : ''}>
			${NAV.map(n => html`<li><a href=${`#/${n.path}`}
			    aria-current=${current === n.path ? 'page' : undefined}
			    onClick=${() => setOpen(false)}>${n.label}</a></li>`)}
		</ul>
		<div class="who">
			<span title="Signed in user and role">${me.user}
			<span class=${`role role-${me.role}`}>${me.role}</span></span>
			<button class="btn small" onClick=${onLogout}>Sign out</button>
		</div>
	</nav>`;
}

function Page({ route }) {
	const [p0, p1] = route.parts;
	switch (p0) {
	case 'events':
		return html`<${EventsPage} route=${route} />`;
	case 'live':
		return html`<${LivePage} route=${route} />`;
	case 'hosts':
		return p1 !== undefined ? html`<${HostPage} name=${p1} />` :
		    html`<${HostsPage} />`;
	case 'system':
		return html`<${SystemPage} />`;
	case 'alerts':
		return p1 !== undefined ? html`<${AlertPage} id=${p1} />` :
		    html`<${AlertsPage} route=${route} />`;
	case 'rules':
		return p1 !== undefined ? html`<${RulePage} id=${p1} />` :
		    html`<${RulesPage} route=${route} />`;
	case 'silences':
		return html`<${SilencesPage} route=${route} />`;
	case 'allowlist':
		return html`<${AllowlistPage} />`;
	case 'overview':
	case undefined:
		return html`<${OverviewPage} route=${route} />`;
	default:
		return html`<div class="empty"><h1>Not found</h1>
		    <p>No page at <code>#${route.path}</code>.
		    <a href="#/overview">Overview</a></p></div>`;
	}
}

function App() {
	const route = useRoute();
	const [me, setMe] = useState(null);
	const [error, setError] = useState(null);
	const [ready, setReady] = useState(false);
	const onLogin = route.parts[0] === 'login';

	useEffect(() => {
		onUnauthorized(() => {
			setMe(null);
			const cur = parseHash();
			if (cur.parts[0] !== 'login')
				navigate('/login', { next: location.hash.slice(1) });
		});
		loadFeatures().then(() => setReady(true));
	}, []);

	useEffect(() => {
		if (onLogin || me)
			return;
		if (!getToken()) {
			navigate('/login', { next: location.hash.slice(1) });
			return;
		}
		setError(null);
		api('auth/me').then(setMe, e => {
			if (e.status !== 401)
				setError(e);
		});
	}, [onLogin, me]);

	if (onLogin)
		return html`<${LoginPage} route=${route} onLogin=${m => setMe(m)} />`;
	if (error)
		return html`<main class="boot"><${Problem} error=${error}
		    retry=${() => { setError(null); setMe(null);
		    api('auth/me').then(setMe, setError); }} /></main>`;
	if (!me || !ready)
		return html`<main class="boot"><${Loading} what="Signing in" />
		    </main>`;
	const doLogout = async () => {
		await logout();
		setMe(null);
		navigate('/login');
	};
	return html`<${Session.Provider} value=${me}>
		<a class="skip" href="#main" onClick=${e => {
		    e.preventDefault(); document.getElementById('main').focus(); }}>
		    Skip to content</a>
		<${Nav} current=${route.parts[0] || 'overview'} me=${me}
		    onLogout=${doLogout} />
		<main id="main" tabindex="-1">
			<${Page} route=${route} />
		</main>
	</${Session.Provider}>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
