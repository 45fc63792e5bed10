// Sign in: the token goes to sessionStorage, then back to the page
// that sent the user here (?next=).

import { html, useState, useEffect, useRef } from '../lib.js';
import { api, login } from '../api.js';
import { Problem } from '../ui.js';

export function LoginPage({ route, onLogin }) {
	const [user, setUser] = useState('');
	const [pw, setPw] = useState('');
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const first = useRef(null);

	useEffect(() => {
		document.title = 'Sign in · siemd';
		first.current && first.current.focus();
	}, []);

	const submit = async (e) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			await login(user, pw);
			const me = await api('auth/me');
			onLogin(me);
			let next = route.params.get('next') || '';
			if (!next.startsWith('/') || next.startsWith('/login'))
				next = '/overview';
			location.hash = next;
		} catch (err) {
			setError(err);
			setPw('');
		} finally {
			setBusy(false);
		}
	};

	return html`<main class="login">
		<form class="card login-card" onSubmit=${submit}
		    aria-labelledby="login-title">
			<h1 id="login-title">siemd</h1>
			<p class="muted">Sign in to search events and triage alerts.</p>
			<label for="login-user">User name</label>
			<input id="login-user" name="username" ref=${first}
			    autocomplete="username" required value=${user}
			    onInput=${e => setUser(e.target.value)} />
			<label for="login-pw">Password</label>
			<input id="login-pw" name="password" type="password"
			    autocomplete="current-password" required value=${pw}
			    onInput=${e => setPw(e.target.value)} />
			<${Problem} error=${error} />
			<button class="btn primary" type="submit" disabled=${busy}>
			    ${busy ? 'Signing in…' : 'Sign in'}</button>
		</form>
	</main>`;
}
