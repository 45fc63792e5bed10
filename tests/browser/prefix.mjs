// The dashboard under an api prefix (SIEMD_URL ends in /siem/): every
// asset and API call stays below the prefix, the pages work, and
// nothing is logged as an error.

import { launch, newPage, login, shot, problems, step, assert,
    failures, env } from './lib.mjs';

const base = env.url;
const prefix = new URL(base).pathname;

const { browser, close } = await launch();
try {
	const { page } = await newPage(browser);
	const outside = [];
	page.on('request', r => {
		const u = new URL(r.url());
		if (!u.pathname.startsWith(prefix))
			outside.push(u.pathname);
	});
	const bad = [];
	page.on('response', r => {
		if (r.status() >= 400)
			bad.push(`${r.status()} ${new URL(r.url()).pathname}`);
	});

	await step('prefix-login', async () => {
		await login(page);
		await page.waitForSelector('.chart canvas');
	});

	await step('prefix-pages', async () => {
		for (const p of ['overview', 'events?from=-1h&app=sshd', 'live',
		    'hosts', 'system']) {
			await page.goto(`${base}#/${p}`);
			await page.waitForSelector('main h1');
			await page.waitForLoadState('networkidle').catch(() => {});
		}
		await page.goto(`${base}#/events?from=-1h&app=sshd`);
		await page.waitForSelector('table.events tbody tr');
		await shot(page, 'prefix-events');
		/* a client-side route without a hash still gets the page */
		await page.goto(`${base}events`);
		await page.waitForSelector('nav.topnav');
		const p = await problems(page);
		assert(p.length === 0, p.join(' | '));
		assert(outside.length === 0, `outside ${prefix}: ${
		    [...new Set(outside)].join(', ')}`);
		assert(bad.length === 0, `failed: ${[...new Set(bad)].join(', ')}`);
	});
} finally {
	await close();
}
process.exit(failures() ? 1 : 0);
