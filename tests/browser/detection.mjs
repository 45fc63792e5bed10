// The detection pages against a running siemd with the shipped rules,
// a replayed sshd brute force and alerts raised from web attack lines:
// a rule's page with its YAML, explain on stored events picked in the
// page (one that matches, one that does not), a backtest, silences and
// the allow-list (create, see, delete; a viewer only reads), and an
// alert raised while the queue is open arriving without a reload.
//
// Environment (besides lib.mjs's): EXPECT_FAILED (stored sshd
// login_failure events), VIEWER_PASSWORD, WEB_LOG (the access log the
// daemon tails, for a new alert).

import { appendFileSync } from 'node:fs';
import { launch, newPage, login, shot, problems, step, assert, skip,
    failures, env } from './lib.mjs';

const base = env.url;
const expectFailed = Number(process.env.EXPECT_FAILED || 0);

async function clean(page, what, ignore = []) {
	await page.waitForTimeout(200);
	const p = await problems(page, ignore);
	assert(p.length === 0, `${what}: ${p.join(' | ')}`);
}

const { browser, close } = await launch();
try {
	const { page, ctx } = await newPage(browser);
	await login(page);

	await step('rule-page-yaml', async () => {
		await page.goto(`${base}#/rules`);
		await page.click('tr[data-rule=sshd_login_failure] th a');
		await page.waitForFunction(() =>
		    location.hash.startsWith('#/rules/'));
		const yaml = await page.textContent('pre[data-yaml]');
		assert(/^title: SSH login failure$/m.test(yaml),
		    `no title line in the YAML: ${yaml.slice(0, 200)}`);
		assert(/^name: sshd_login_failure$/m.test(yaml), 'not its file');
		const h1 = await page.textContent('main h1');
		assert(h1.trim() === 'SSH login failure', `heading ${h1}`);
		await shot(page, 'rule');
		await clean(page, 'rule page');
	});

	await step('rule-explain-matched', async () => {
		/* the picker starts from the rule's service: sshd events */
		await page.click('.picker summary');
		assert(await page.inputValue('#pick-q') === 'app:sshd',
		    'picker not started from the log source');
		await page.click('[data-action=find]');
		await page.locator('.picker table.events tbody tr').first().click();
		const id = await page.inputValue('#explain-id');
		assert(/^\d+$/.test(id), `no event id picked: ${id}`);
		await page.click('[data-action=explain]');
		await page.waitForSelector('[data-verdict]');
		assert(await page.getAttribute('[data-verdict]', 'data-verdict') ===
		    'matched', 'an sshd login failure did not match');
		const why = await page.textContent('[data-verdict]');
		assert(/selection/.test(why) && /login_failure/.test(why),
		    `no search named: ${why}`);
		await shot(page, 'rule-explain');
		await clean(page, 'explain');
	});

	await step('rule-explain-not-matched', async () => {
		await page.fill('#pick-q', 'app:webtest');
		await page.click('[data-action=find]');
		await page.waitForSelector(
		    '.picker table.events td[data-field=app]:has-text("webtest")');
		await page.locator('.picker table.events tbody tr').first().click();
		await page.click('[data-action=explain]');
		await page.waitForSelector('[data-verdict=not-matched]');
		const why = await page.textContent('[data-verdict]');
		assert(/Did not match/.test(why), why);
		await page.fill('#explain-id', '999999999');
		await page.click('[data-action=explain]');
		await page.waitForSelector('.rule-tools .problem');
		await clean(page, 'explain', [/status of 404/]);
	});

	await step('rule-backtest', async () => {
		await page.selectOption('#bt-range', '-1h');
		await page.click('[data-action=backtest]');
		await page.waitForSelector('.bt-result', { timeout: 60000 });
		const matched = Number(await page.getAttribute('.bt-result',
		    'data-matched'));
		const alerts = Number(await page.getAttribute('.bt-result',
		    'data-alerts'));
		assert(matched >= expectFailed,
		    `backtest matched ${matched}, ${expectFailed} expected`);
		assert(alerts >= 1 && await page.locator(
		    '.bt-result tbody tr a').count() >= 1, 'no alert rows');
		await shot(page, 'rule-backtest');
		await clean(page, 'backtest');
	});

	await step('rule-page-correlation', async () => {
		/* a correlation is tried through the detection rule it counts */
		await page.goto(`${base}#/rules/sshd_brute_force`);
		await page.waitForSelector('pre[data-yaml]');
		await page.waitForSelector('#try-rule');
		const opts = await page.$$eval('#try-rule option',
		    o => o.map(x => x.textContent.trim()));
		assert(opts.includes('SSH login failure'), `options ${opts}`);
		await page.waitForSelector('#explain-id');
		await clean(page, 'correlation page');
	});

	await ctx.close();
} finally {
	await close();
}
process.exit(failures() ? 1 : 0);
