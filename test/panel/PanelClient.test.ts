import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import { InvalidServerIdError, PanelApiError, ServerOfflineError } from '../../src/panel/PanelApiError.ts';
import { PanelClient } from '../../src/panel/PanelClient.ts';

const PANEL_URL = 'http://panel.test';
const API_KEY = `c7sp_${'k'.repeat(43)}`;
const fixture = (name: string): object =>
	JSON.parse(readFileSync(new URL(`../fixtures/calagopus/${name}`, import.meta.url), 'utf8'));
const JSON_HEADERS = { 'content-type': 'application/json' };

let agent: MockAgent;
afterEach(async () => agent.close());

function panel(options: { rateLimitBudgetMs?: number; timeoutMs?: number } = {}) {
	agent = new MockAgent();
	agent.disableNetConnect();
	return { client: new PanelClient({ baseUrl: PANEL_URL, apiKey: API_KEY, dispatcher: agent, ...options }), pool: agent.get(PANEL_URL) };
}

async function failure(promise: Promise<unknown>): Promise<PanelApiError> {
	const error = await promise.catch((caught: unknown) => caught);
	expect(error).toBeInstanceOf(PanelApiError);
	expect(JSON.stringify(error)).not.toContain(API_KEY);
	expect(String((error as Error).stack)).not.toContain(API_KEY);
	return error as PanelApiError;
}

describe('PanelClient', () => {
	test('sends the bearer key and exact JSON content type, and parses fixtures', async () => {
		const { client, pool } = panel();
		pool
			.intercept({
				path: '/api/client/servers/3f1c2a9e/power',
				method: 'POST',
				headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'kill' }),
			})
			.reply(200, {}, { headers: JSON_HEADERS });
		pool.intercept({ path: '/api/client/servers/3f1c2a9e/resources' }).reply(200, fixture('resources.json'), { headers: JSON_HEADERS });
		pool.intercept({ path: '/api/client/account' }).reply(200, fixture('account.json'), { headers: JSON_HEADERS });

		await client.power('3F1C2A9E', 'kill');
		expect((await client.getResources('3f1c2a9e')).state).toBe('running');
		expect((await client.getAccount()).username).toBe('steve');
	});

	test('follows server pages until a short or empty page', async () => {
		const { client, pool } = panel();
		const page = fixture('servers-page.json') as { servers: { data: unknown[] } };
		pool.intercept({ path: '/api/client/servers?page=1&per_page=100' }).reply(200, page, { headers: JSON_HEADERS });
		const servers = await client.listServers();
		expect(servers.map((server) => server.uuid_short)).toEqual(['3f1c2a9e', 'a07be3d1']);
	});

	test('refuses malformed server ids without a request', async () => {
		const { client } = panel();
		for (const id of ['', '1234567', '../account', '3f1c2a9g', 'zzzzzzzz-5b7d-4e21-9a40-6d2b8c1e7f55']) {
			await expect(client.getServer(id)).rejects.toBeInstanceOf(InvalidServerIdError);
		}
	});

	test.each([
		[401, 'error-401-invalid-api-key.json', undefined],
		[403, 'error-403-permission.json', 'control.start'],
		[404, 'error-404-server-not-found.json', undefined],
		[409, 'error-409-suspended.json', undefined],
		[417, 'error-417-backup-limit.json', undefined],
		[500, 'error-500.json', undefined],
	])('maps HTTP %i to a PanelApiError with the panel text', async (status, file, permission) => {
		const { client, pool } = panel();
		pool.intercept({ path: '/api/client/servers/3f1c2a9e/power', method: 'POST' }).reply(status, fixture(file), { headers: JSON_HEADERS });
		const error = await failure(client.power('3f1c2a9e', 'start'));
		expect(error).toMatchObject({ failure: 'http', status, method: 'POST', path: '/api/client/servers/3f1c2a9e/power' });
		expect(error.errors).toEqual((fixture(file) as { errors: string[] }).errors);
		expect(error.missingPermission).toBe(permission);
	});

	test('waits out a short 429 once, then succeeds', async () => {
		const { client, pool } = panel();
		pool
			.intercept({ path: '/api/client/account' })
			.reply(429, fixture('error-429-ratelimited.json'), { headers: { ...JSON_HEADERS, 'retry-after': '0' } });
		pool.intercept({ path: '/api/client/account' }).reply(200, fixture('account.json'), { headers: JSON_HEADERS });
		expect((await client.getAccount()).uuid).toBe('8d4e0b7a-1c2f-4a36-9e58-b3f7c6d21a09');
	});

	test('gives up on a 429 whose wait exceeds the budget and reports the wait', async () => {
		const { client, pool } = panel({ rateLimitBudgetMs: 1_000 });
		pool
			.intercept({ path: '/api/client/servers/3f1c2a9e/backups', method: 'POST' })
			.reply(429, fixture('error-429-ratelimited.json'), { headers: { ...JSON_HEADERS, 'retry-after': '17' } });
		const error = await failure(client.createBackup('3f1c2a9e', {}));
		expect(error).toMatchObject({ status: 429, retryAfterSeconds: 17 });
	});

	test('does not retry other failures', async () => {
		const { client, pool } = panel();
		pool.intercept({ path: '/api/client/servers/3f1c2a9e/command', method: 'POST' }).reply(503, 'busy');
		const error = await failure(client.sendCommand('3f1c2a9e', 'say hi'));
		expect(error).toMatchObject({ status: 503, errors: [] });
	});

	test('a command answered with 500 is decoded as offline only when the server is offline', async () => {
		const { client, pool } = panel();
		const offline = { resources: { ...(fixture('resources.json') as { resources: object }).resources, state: 'offline' } };
		pool.intercept({ path: '/api/client/servers/3f1c2a9e/command', method: 'POST' }).reply(500, fixture('error-500.json'), { headers: JSON_HEADERS });
		pool.intercept({ path: '/api/client/servers/3f1c2a9e/resources' }).reply(200, offline, { headers: JSON_HEADERS });
		await expect(client.sendCommand('3f1c2a9e', 'say hi')).rejects.toBeInstanceOf(ServerOfflineError);

		pool.intercept({ path: '/api/client/servers/3f1c2a9e/command', method: 'POST' }).reply(500, fixture('error-500.json'), { headers: JSON_HEADERS });
		pool.intercept({ path: '/api/client/servers/3f1c2a9e/resources' }).reply(200, fixture('resources.json'), { headers: JSON_HEADERS });
		expect(await failure(client.sendCommand('3f1c2a9e', 'say hi'))).toMatchObject({ status: 500 });
	});

	test('distinguishes timeouts, unreachable panels and unreadable answers', async () => {
		const slow = panel({ timeoutMs: 50 });
		slow.pool.intercept({ path: '/api/client/account' }).reply(200, fixture('account.json')).delay(1_000);
		expect(await failure(slow.client.getAccount())).toMatchObject({ failure: 'timeout', status: 0 });
		await agent.close();

		const down = panel();
		down.pool.intercept({ path: '/api/client/account' }).replyWithError(new Error('connect ECONNREFUSED'));
		expect(await failure(down.client.getAccount())).toMatchObject({ failure: 'unreachable', status: 0 });
		await agent.close();

		const odd = panel();
		odd.pool.intercept({ path: '/api/client/account' }).reply(200, { object: 'user', attributes: {} });
		expect(await failure(odd.client.getAccount())).toMatchObject({ failure: 'invalid-response' });
	});
});
