import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { expect, onTestFinished, test } from 'vitest';
import WebSocket from 'ws';
import type { FakePanelOptions, FakeServer, FakeUser } from './fakes/panel/FakePanel.ts';
import { FakePanel } from './fakes/panel/FakePanel.ts';
import { signJwt, verifyJwt } from './fakes/panel/jwt.ts';

// Key layouts of the fixtures in shared/calagopus/fixtures (server.json, account.json, backup.json, resources.json).
const SERVER_KEYS = [
	'uuid',
	'uuid_short',
	'allocation',
	'egg',
	'egg_configuration',
	'status',
	'is_owner',
	'is_suspended',
	'is_transferring',
	'permissions',
	'location_uuid',
	'location_name',
	'location_flag',
	'node_uuid',
	'node_name',
	'node_maintenance_enabled',
	'sftp_host',
	'sftp_port',
	'name',
	'description',
	'limits',
	'feature_limits',
	'startup',
	'image',
	'auto_kill',
	'auto_start_behavior',
	'timezone',
	'created',
];
const USER_KEYS = [
	'uuid',
	'username',
	'role',
	'avatar',
	'email',
	'name_first',
	'name_last',
	'admin',
	'frozen',
	'suspended',
	'totp_enabled',
	'totp_last_used',
	'require_two_factor',
	'language',
	'toast_position',
	'start_on_grouped_servers',
	'has_password',
	'created',
];
const BACKUP_KEYS = [
	'uuid',
	'backup_group_uuid',
	'name',
	'ignored_files',
	'is_successful',
	'is_locked',
	'is_browsable',
	'is_streaming',
	'checksum',
	'bytes',
	'files',
	'metadata',
	'deletion_status',
	'completed',
	'created',
];
const RESOURCE_KEYS = [
	'memory_bytes',
	'memory_limit_bytes',
	'disk_bytes',
	'state',
	'network',
	'cpu_absolute',
	'cpu_limit_absolute',
	'uptime',
];
const WAIT_TIMEOUT_MS = 4_000;

interface ApiResponse {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	body: unknown;
}

async function startPanel(options: FakePanelOptions = {}): Promise<FakePanel> {
	const panel = await FakePanel.start(options);
	onTestFinished(() => panel.stop());
	return panel;
}

/** A panel with one owner, their default-scoped key and one running server. */
async function startWorld(options: FakePanelOptions = {}) {
	const panel = await startPanel(options);
	const owner = panel.addUser({ username: 'steve' });
	const key = panel.addKey(owner);
	const server = panel.addServer({ owner, name: 'Survival SMP', state: 'running' });
	return { panel, owner, key, server };
}

interface CallInit {
	method?: 'GET' | 'POST' | 'DELETE';
	body?: unknown;
	/** Defaults to application/json when there is a body; null leaves the header out. */
	contentType?: string | null;
	headers?: Record<string, string>;
}

function post(panel: FakePanel, key: string, path: string, body: unknown, contentType?: string | null) {
	return call(panel, key, path, { method: 'POST', body, contentType });
}

async function call(
	panel: FakePanel,
	key: string | null,
	path: string,
	init: CallInit = {},
): Promise<ApiResponse> {
	const headers: Record<string, string> = { ...init.headers };
	if (key !== null) headers['authorization'] = `Bearer ${key}`;
	let body: string | undefined;
	if (init.body !== undefined) {
		body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
		const contentType = init.contentType === undefined ? 'application/json' : init.contentType;
		if (contentType !== null) headers['content-type'] = contentType;
	}
	const response = await request(new URL(path, panel.url), { method: init.method ?? 'GET', headers, body });
	const text = await response.body.text();
	const isJson = response.headers['content-type'] === 'application/json' && text !== '';
	return { status: response.statusCode, headers: response.headers, text, body: isJson ? JSON.parse(text) : text };
}

/** Walks into a parsed JSON body; undefined when the path does not exist. */
function pick(value: unknown, ...path: Array<string | number>): unknown {
	let current = value;
	for (const step of path) {
		if (typeof current !== 'object' || current === null) return undefined;
		current = (current as Record<string | number, unknown>)[step];
	}
	return current;
}

function keysOf(value: unknown): string[] {
	return typeof value === 'object' && value !== null ? Object.keys(value) : [];
}

function serverPath(server: FakeServer, suffix = ''): string {
	return `/api/client/servers/${server.uuid_short}${suffix}`;
}

interface Frame {
	event: string;
	args: string[];
}

/** A console websocket client that records every frame and waits on them without timers of its own. */
class ConsoleClient {
	public readonly frames: Frame[] = [];
	public readonly closed: Promise<{ code: number; reason: string }>;
	public onFrame: (frame: Frame) => void = () => {};
	readonly #ws: WebSocket;
	readonly #waiters = new Set<() => void>();

	private constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on('message', (data) => {
			const frame = JSON.parse(String(data)) as Frame;
			this.frames.push(frame);
			this.onFrame(frame);
			for (const waiter of [...this.#waiters]) waiter();
		});
		this.closed = new Promise((resolve) => {
			ws.on('close', (code, reason) => {
				resolve({ code, reason: reason.toString() });
				for (const waiter of [...this.#waiters]) waiter();
			});
		});
	}

	public static open(url: string): Promise<ConsoleClient> {
		return new Promise((resolve, reject) => {
			const ws = new WebSocket(url);
			const client = new ConsoleClient(ws);
			ws.once('open', () => resolve(client));
			ws.once('unexpected-response', (_request, response) => {
				let body = '';
				response.on('data', (chunk: Buffer) => (body += chunk.toString()));
				response.on('end', () => {
					reject(Object.assign(new Error('unexpected response'), { status: response.statusCode, body }));
				});
			});
			ws.once('error', reject);
		});
	}

	public send(event: string, args: unknown = []): void {
		this.#ws.send(JSON.stringify({ event, args }));
	}

	public sendRaw(text: string): void {
		this.#ws.send(text);
	}

	public events(since = 0): string[] {
		return this.frames.slice(since).map((frame) => frame.event);
	}

	/** The first frame at index ≥ `since` with this event (and matching args). */
	public expectFrame(event: string, since = 0, match: (args: string[]) => boolean = () => true): Promise<Frame> {
		return new Promise((resolve, reject) => {
			const check = (): void => {
				const frame = this.frames.slice(since).find((candidate) => candidate.event === event && match(candidate.args));
				if (frame) {
					cleanup();
					resolve(frame);
				}
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(new Error(`no "${event}" frame; got ${JSON.stringify(this.events(since))}`));
			}, WAIT_TIMEOUT_MS);
			const cleanup = (): void => {
				clearTimeout(timer);
				this.#waiters.delete(check);
			};
			this.#waiters.add(check);
			check();
		});
	}

	/** Sends `ping` and resolves on its `pong`: every frame Wings queued before it has then arrived. */
	public async sync(): Promise<void> {
		const nonce = randomUUID();
		const since = this.frames.length;
		this.send('ping', [nonce]);
		await this.expectFrame('pong', since, (args) => args[0] === nonce);
	}

	public close(): void {
		this.#ws.close();
	}
}

async function fetchToken(panel: FakePanel, key: string, server: FakeServer): Promise<{ token: string; url: string }> {
	const response = await call(panel, key, serverPath(server, '/websocket'));
	expect(response.status).toBe(200);
	return { token: String(pick(response.body, 'token')), url: String(pick(response.body, 'url')) };
}

async function connect(panel: FakePanel, key: string, server: FakeServer): Promise<ConsoleClient> {
	const { token, url } = await fetchToken(panel, key, server);
	const client = await ConsoleClient.open(url);
	onTestFinished(() => client.close());
	client.send('auth', [token]);
	await client.expectFrame('auth success');
	return client;
}

function tokenClaims(token: string): Record<string, unknown> {
	return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

// ---------------------------------------------------------------- HTTP: authentication

test('the authorization header must be exactly "Bearer " plus a 48-character key', async () => {
	const { panel, owner, key } = await startWorld();

	expect((await call(panel, null, '/api/client/account')).body).toEqual({ errors: ['missing authorization'] });
	const short = await call(panel, null, '/api/client/account', { headers: { authorization: 'Bearer abc' } });
	expect(short.status).toBe(401);
	expect(short.body).toEqual({ errors: ['invalid authorization header'] });
	const lowercase = await call(panel, null, '/api/client/account', { headers: { authorization: `bearer ${key}` } });
	expect(lowercase.body).toEqual({ errors: ['invalid authorization header'] });
	const unknown = await call(panel, `c7sp_${'x'.repeat(43)}`, '/api/client/account');
	expect(unknown.status).toBe(401);
	expect(unknown.body).toEqual({ errors: ['invalid api key'] });

	const account = await call(panel, key, '/api/client/account');
	expect(account.status).toBe(200);
	expect(keysOf(pick(account.body, 'user'))).toEqual(USER_KEYS);
	expect(pick(account.body, 'user')).toMatchObject({ uuid: owner.uuid, username: 'steve', email: 'steve@example.com' });
	expect(key).toMatch(/^c7sp_[A-Za-z0-9]{43}$/);

	panel.revokeKey(key);
	expect((await call(panel, key, '/api/client/account')).body).toEqual({ errors: ['invalid api key'] });
	expect(panel.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/client/account', key, status: 401 });
});

test('JSON answers carry application/json and a sha256 ETag, and a matching If-None-Match gets 304', async () => {
	const { panel, key } = await startWorld();

	const first = await call(panel, key, '/api/client/account');
	expect(first.headers['content-type']).toBe('application/json');
	expect(first.headers['etag']).toBe(createHash('sha256').update(first.text).digest('hex'));
	expect(first.headers['x-ratelimit-limit']).toBeUndefined();

	const second = await call(panel, key, '/api/client/account', {
		headers: { 'if-none-match': String(first.headers['etag']) },
	});
	expect(second.status).toBe(304);
	expect(second.text).toBe('');
});

test('the per-IP rate limit refuses the request that reaches the limit, with headers only on the 429', async () => {
	const { panel, key } = await startWorld({ rateLimit: { hits: 3, windowSeconds: 30 } });

	expect((await call(panel, key, '/api/client/account')).status).toBe(200);
	expect((await call(panel, null, '/api/client/account')).status).toBe(401);
	const limited = await call(panel, key, '/api/client/account');

	expect(limited.status).toBe(429);
	expect(pick(limited.body, 'errors', 0)).toMatch(/^you are ratelimited, retry in \d+s$/);
	expect(limited.headers).toMatchObject({ 'x-ratelimit-limit': '3', 'x-ratelimit-remaining': '0' });
	expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
	expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1_000);
});

test('injected failures answer the next matching requests once each', async () => {
	const { panel, key } = await startWorld();
	panel.failNext({ method: 'GET', path: '/api/client/account' }, { status: 503, body: 'upstream down' });
	panel.failNext(
		{ path: /\/servers$/ },
		{ status: 429, body: { errors: ['you are ratelimited, retry in 7s'] }, headers: { 'Retry-After': '7' } },
	);

	const unavailable = await call(panel, key, '/api/client/account');
	expect([unavailable.status, unavailable.text]).toEqual([503, 'upstream down']);
	const limited = await call(panel, key, '/api/client/servers');
	expect([limited.status, limited.headers['retry-after']]).toEqual([429, '7']);
	expect((await call(panel, key, '/api/client/account')).status).toBe(200);
	expect((await call(panel, key, '/api/client/servers')).status).toBe(200);
});

test('unknown routes are 404 "route not found" and a wrong method is a bare 405', async () => {
	const { panel, key } = await startWorld();

	const missing = await call(panel, key, '/api/client/nothing');
	expect([missing.status, missing.body]).toEqual([404, { errors: ['route not found'] }]);
	const wrongMethod = await call(panel, key, '/api/client/account', { method: 'DELETE' });
	expect([wrongMethod.status, wrongMethod.text]).toEqual([405, '']);
});

// ---------------------------------------------------------------- HTTP: servers

test('the server list pages owned and subuser servers and reports total 0 past the end', async () => {
	const { panel, owner, key, server } = await startWorld();
	const other = panel.addUser({ username: 'alex' });
	const shared = panel.addServer({ owner: other, name: 'Creative', status: 'installing' });
	panel.addSubuser(shared, owner, ['control.read-console', 'control.console']);
	panel.addServer({ owner: other, name: 'Private' });

	const page = await call(panel, key, '/api/client/servers?per_page=1');
	expect(page.body).toMatchObject({ servers: { total: 2, per_page: 1, page: 1 } });
	expect(keysOf(pick(page.body, 'servers', 'data', 0))).toEqual(SERVER_KEYS);
	expect(pick(page.body, 'servers', 'data', 0)).toMatchObject({
		uuid: server.uuid,
		is_owner: true,
		permissions: ['*'],
	});

	const second = await call(panel, key, '/api/client/servers?per_page=1&page=2');
	expect(pick(second.body, 'servers', 'data', 0)).toMatchObject({
		name: 'Creative',
		is_owner: false,
		status: 'installing',
		permissions: ['control.read-console', 'control.console'],
	});
	expect((await call(panel, key, '/api/client/servers?page=9')).body).toEqual({
		servers: { total: 0, per_page: 25, page: 9, data: [] },
	});
	expect(pick((await call(panel, key, '/api/client/servers?search=creat')).body, 'servers', 'total')).toBe(1);
	expect((await call(panel, key, '/api/client/servers?per_page=101')).body).toEqual({
		errors: ['per_page: greater than 100'],
	});

	const narrowKey = panel.addKey(owner, { user: [] });
	const denied = await call(panel, narrowKey, '/api/client/servers');
	expect([denied.status, denied.body]).toEqual([
		403,
		{ errors: ['you do not have permission to perform this action: servers.read'] },
	]);
});

test('a server is addressed by uuid or 8-hex short id; other lengths are 404, unparsable ones 500', async () => {
	const { panel, key, server } = await startWorld();
	const stranger = panel.addServer({ owner: panel.addUser() });

	for (const identifier of [server.uuid, server.uuid_short, server.uuid.toUpperCase()]) {
		const response = await call(panel, key, `/api/client/servers/${identifier}`);
		expect(pick(response.body, 'server', 'uuid')).toBe(server.uuid);
	}
	expect((await call(panel, key, '/api/client/servers/abc1234')).body).toEqual({ errors: ['server not found'] });
	const notHex = await call(panel, key, '/api/client/servers/zzzzzzzz');
	expect([notHex.status, notHex.body]).toEqual([500, { errors: ['internal server error'] }]);
	expect((await call(panel, key, `/api/client/servers/${'z'.repeat(36)}`)).status).toBe(500);
	const foreign = await call(panel, key, serverPath(stranger));
	expect([foreign.status, foreign.body]).toEqual([404, { errors: ['server not found'] }]);
});

test('locked servers answer 409 except on GET server and GET websocket', async () => {
	const { panel, owner, key } = await startWorld();
	const suspended = panel.addServer({ owner, suspended: true });
	const installing = panel.addServer({ owner, status: 'installing' });

	const resources = await call(panel, key, serverPath(suspended, '/resources'));
	expect([resources.status, resources.body]).toEqual([409, { errors: ['server is suspended'] }]);
	const power = await post(panel, key, serverPath(installing, '/power'), { action: 'start' });
	expect(power.body).toEqual({ errors: ['server is currently installing'] });
	expect(pick((await call(panel, key, serverPath(suspended))).body, 'server', 'is_suspended')).toBe(true);
	expect((await call(panel, key, serverPath(suspended, '/websocket'))).status).toBe(200);
});

test('resources follow the fixture layout and zero out when the server is offline', async () => {
	const { panel, key, server } = await startWorld();

	const running = await call(panel, key, serverPath(server, '/resources'));
	expect(keysOf(pick(running.body, 'resources'))).toEqual(RESOURCE_KEYS);
	expect(pick(running.body, 'resources')).toMatchObject({ state: 'running', memory_limit_bytes: 4_096 * 1_048_576 });

	panel.setState(server, 'offline');
	const offline = await call(panel, key, serverPath(server, '/resources'));
	expect(pick(offline.body, 'resources')).toMatchObject({
		state: 'offline',
		memory_bytes: 0,
		uptime: 0,
		disk_bytes: 1_873_215_488,
	});
});

test('server permissions need both the user and the key to hold them', async () => {
	const { panel, owner, server } = await startWorld();
	const noStart = panel.addKey(owner, { server: ['control.console'] });
	const helper = panel.addUser({ username: 'helper' });
	panel.addSubuser(server, helper, ['control.start']);
	const helperKey = panel.addKey(helper);

	const ownerDenied = await post(panel, noStart, serverPath(server, '/power'), { action: 'start' });
	expect([ownerDenied.status, ownerDenied.body]).toEqual([
		403,
		{ errors: ['you do not have permission to perform this action: control.start'] },
	]);
	const killDenied = await post(panel, helperKey, serverPath(server, '/power'), { signal: 'kill' });
	expect(killDenied.body).toEqual({ errors: ['you do not have permission to perform this action: control.stop'] });
	expect(panel.powerActions).toEqual([]);
});

// ---------------------------------------------------------------- HTTP: bodies, power and commands

test('body routes want Content-Type exactly application/json', async () => {
	const { panel, key, server } = await startWorld();
	const path = serverPath(server, '/command');

	const charset = await call(panel, key, path, {
		method: 'POST',
		body: { command: 'list' },
		contentType: 'application/json; charset=utf-8',
	});
	expect([charset.status, charset.body]).toEqual([400, { errors: ['invalid payload: unsupported content type'] }]);
	const missing = await call(panel, key, path, { method: 'POST', body: { command: 'list' }, contentType: null });
	expect(missing.body).toEqual({ errors: ['invalid payload: missing content type header'] });
	const empty = await call(panel, key, path, { method: 'POST', body: { command: '' } });
	expect(empty.body).toEqual({ errors: ['command: length is lower than 1'] });
	const tooLong = await call(panel, key, path, { method: 'POST', body: { command: 'x'.repeat(1_025) } });
	expect(tooLong.body).toEqual({ errors: ['command: length is greater than 1024'] });
	const badAction = await call(panel, key, serverPath(server, '/power'), { method: 'POST', body: { action: 'jump' } });
	expect(badAction.status).toBe(400);
	expect(pick(badAction.body, 'errors', 0)).toMatch(/^invalid payload: unknown variant `jump`/);
	expect(panel.commands).toEqual([]);
});

test('a console command reaches a running server, and an offline one answers 500', async () => {
	const { panel, owner, key, server } = await startWorld();
	const offline = panel.addServer({ owner, state: 'offline' });

	expect((await post(panel, key, serverPath(server, '/command'), { command: 'say hi' })).body).toEqual({});
	const refused = await post(panel, key, serverPath(offline, '/command'), { command: 'say hi' });
	expect([refused.status, refused.body]).toEqual([500, { errors: ['internal server error'] }]);
	expect(panel.commands).toEqual([
		{ serverUuid: server.uuid, command: 'say hi', via: 'rest', userUuid: owner.uuid, key },
	]);
});

test('power answers 200 {} even when nothing happens, and transitions arrive as status events', async () => {
	const { panel, key, server } = await startWorld({ powerTransitionMs: 20 });
	const client = await connect(panel, key, server);
	const power = (action: string) => post(panel, key, serverPath(server, '/power'), { action });

	let since = client.frames.length;
	expect((await power('start')).body).toEqual({});
	await client.sync();
	expect(client.events(since)).not.toContain('status');

	since = client.frames.length;
	expect((await power('restart')).status).toBe(200);
	await client.expectFrame('status', since, ([state]) => state === 'running');
	const states = client.frames.slice(since).filter((frame) => frame.event === 'status');
	expect(states.map((frame) => frame.args[0])).toEqual(['stopping', 'offline', 'starting', 'running']);
	expect(client.events(since)).toContain('stats');

	since = client.frames.length;
	await power('kill');
	await client.expectFrame('status', since, ([state]) => state === 'offline');
	expect(panel.powerActions.map((action) => [action.action, action.via])).toEqual([
		['start', 'rest'],
		['restart', 'rest'],
		['kill', 'rest'],
	]);
});

// ---------------------------------------------------------------- HTTP: backups

test('backups are created running, listed oldest first and downloadable once completed', async () => {
	const { panel, key, server } = await startWorld();
	const client = await connect(panel, key, server);
	const backups = serverPath(server, '/backups');

	const missingField = await call(panel, key, backups, { method: 'POST', body: { name: 'x' } });
	expect(pick(missingField.body, 'errors', 0)).toMatch(/^invalid payload: missing field `ignored_files`/);

	const first = pick((await post(panel, key, backups, { name: 'first', ignored_files: [] })).body, 'backup');
	const second = pick((await post(panel, key, backups, { ignored_files: ['logs/'] })).body, 'backup');
	const firstUuid = String(pick(first, 'uuid'));
	expect(keysOf(first)).toEqual(BACKUP_KEYS);
	expect(first).toMatchObject({ name: 'first', completed: null, is_successful: false, checksum: null, bytes: 0 });
	expect(pick(second, 'name')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/);

	const list = await call(panel, key, backups);
	expect(pick(list.body, 'backups', 'data')).toMatchObject([{ uuid: firstUuid }, { uuid: pick(second, 'uuid') }]);

	const download = serverPath(server, `/backups/${firstUuid}/download`);
	expect((await call(panel, key, download)).body).toEqual({ errors: ['backup has not been completed yet'] });

	panel.completeBackup(server, firstUuid);
	const completed = await client.expectFrame('backup completed');
	expect(completed.args[0]).toBe(firstUuid);
	expect(JSON.parse(completed.args[1] ?? '')).toMatchObject({ successful: true, checksum_type: 'sha1' });
	const fetched = await call(panel, key, serverPath(server, `/backups/${firstUuid}`));
	expect(pick(fetched.body, 'backup', 'is_successful')).toBe(true);
	const url = String(pick((await call(panel, key, download)).body, 'url'));
	expect(url.startsWith(`${panel.wingsUrl.replace('ws', 'http')}/download/backup?token=`)).toBe(true);

	const invalid = await call(panel, key, serverPath(server, '/backups/not-a-uuid'));
	expect(invalid.body).toEqual({ errors: ['invalid backup uuid'] });
	expect((await call(panel, key, serverPath(server, `/backups/${randomUUID()}`))).status).toBe(404);
});

test('backup creation stops at the backup limit (417) and at three per server per window (429)', async () => {
	const { panel, owner, key } = await startWorld();
	const small = panel.addServer({ owner, backupLimit: 1 });
	const big = panel.addServer({ owner, backupLimit: 10 });
	const create = (server: FakeServer) =>
		call(panel, key, serverPath(server, '/backups'), { method: 'POST', body: { ignored_files: [] } });

	expect((await create(small)).status).toBe(200);
	const full = await create(small);
	expect([full.status, full.body]).toEqual([417, { errors: ['maximum number of backups reached'] }]);

	for (let created = 0; created < 3; created += 1) expect((await create(big)).status).toBe(200);
	const limited = await create(big);
	expect(limited.status).toBe(429);
	expect(pick(limited.body, 'errors', 0)).toMatch(/^you are ratelimited, retry in \d+s$/);
	expect(limited.headers).toMatchObject({ 'x-ratelimit-limit': '4', 'x-ratelimit-remaining': '0' });
	expect(big.backups).toHaveLength(3);
});

// ---------------------------------------------------------------- Wings websocket

test('the node answers 404 before the upgrade for a server it does not know', async () => {
	const { panel } = await startWorld();

	const url = `${panel.wingsUrl}/api/servers/${randomUUID()}/ws`;
	const failure = await ConsoleClient.open(url).catch((error: unknown) => error);

	expect(failure).toMatchObject({ status: 404, body: '{"error":"server not found"}' });
});

test('auth success lists Wings permission names, then status, and the token carries the key scopes', async () => {
	const { panel, key, server, owner } = await startWorld();
	const { token } = await fetchToken(panel, key, server);

	expect(tokenClaims(token)).toMatchObject({
		scope: 'websocket',
		aud: [],
		nbf: null,
		jti: owner.uuid,
		user_uuid: owner.uuid,
		server_uuid: server.uuid,
		permissions: [
			'websocket.connect',
			'meta.calagopus',
			'admin.websocket.install',
			'admin.websocket.transfer',
			'control.read-console',
			'control.console',
			'control.start',
			'control.stop',
			'control.restart',
			'backups.read',
			'backups.create',
			'backups.download',
		],
	});
	const claims = tokenClaims(token);
	expect(Number(claims['exp']) - Number(claims['iat'])).toBe(600);

	const client = await connect(panel, key, server);
	expect(client.frames.slice(0, 2)).toEqual([
		{
			event: 'auth success',
			args: [
				'websocket.connect',
				'meta.calagopus',
				'admin.websocket.install',
				'admin.websocket.transfer',
				'control.read-console',
				'control.console',
				'control.start',
				'control.stop',
				'control.restart',
				'backup.read',
			],
		},
		{ event: 'status', args: ['running'] },
	]);
	expect(panel.tokensIssued).toBe(2);
	expect(panel.sockets[0]).toMatchObject({ serverUuid: server.uuid, userUuid: owner.uuid, authenticated: true });
});

test('anything but auth before authenticating drops the connection; unknown events are ignored', async () => {
	const { panel, key, server } = await startWorld();
	const { token, url } = await fetchToken(panel, key, server);

	const patient = await ConsoleClient.open(url);
	patient.send('bogus event');
	patient.sendRaw('not json');
	patient.sendRaw('{"event":"send stats"}');
	patient.send('auth', [token]);
	await patient.expectFrame('auth success');
	patient.close();

	const eager = await ConsoleClient.open(url);
	eager.send('send stats');
	expect((await eager.closed).code).toBe(1006);
});

test('a bad signature drops the connection, an expired token gets jwt error, a foreign one token expired', async () => {
	const { panel, key, server, owner } = await startWorld();
	const other = panel.addServer({ owner });
	const { token, url } = await fetchToken(panel, key, server);
	const now = Math.floor(Date.now() / 1_000);

	const client = await ConsoleClient.open(url);
	onTestFinished(() => client.close());
	client.send('auth', [panel.mintToken(server, owner, { exp: now - 1 })]);
	expect((await client.expectFrame('jwt error')).args).toEqual(['invalid token: token is expired']);
	client.send('auth', [panel.mintToken(other, owner)]);
	expect((await client.expectFrame('token expired')).args).toEqual([]);
	client.send('auth', [token]);
	await client.expectFrame('auth success');

	const forged = await ConsoleClient.open(url);
	forged.send('auth', [`${token.slice(0, -4)}AAAA`]);
	expect((await forged.closed).code).toBe(1006);
});

test('an unauthenticated socket is closed with 1000 "authentication timeout"', async () => {
	const { panel, key, server } = await startWorld({ authTimeoutMs: 50 });
	const { url } = await fetchToken(panel, key, server);

	const client = await ConsoleClient.open(url);

	expect(await client.closed).toEqual({ code: 1000, reason: 'authentication timeout' });
});

test('console output reaches only sockets whose token has control.read-console', async () => {
	const { panel, owner, key, server } = await startWorld();
	const blindKey = panel.addKey(owner, { server: ['control.console', 'backups.read'] });
	const reader = await connect(panel, key, server);
	const blind = await connect(panel, blindKey, server);

	const notice = await blind.expectFrame('daemon message');
	expect(notice.args[0]).toBe(
		'\u001b[1;41mYou are missing the `control.read-console` permission to view server logs and console output.' +
			'\u001b[0m',
	);

	panel.emitConsole(server, '[10:20:31 INFO]: There are 3 of a max of 20 players online');
	await reader.expectFrame('console output', 0, ([line]) => line?.includes('players online') ?? false);
	await blind.sync();
	expect(blind.events()).not.toContain('console output');
});

test('send logs replays the last logCount lines while running and nothing while offline', async () => {
	const { panel, owner, key, server } = await startWorld({ logCount: 3 });
	panel.emitConsole(server, ['one', 'two', 'three', 'four', ' five ']);
	const client = await connect(panel, key, server);

	let since = client.frames.length;
	client.send('send logs');
	await client.sync();
	expect(client.frames.slice(since).filter((frame) => frame.event === 'console output')).toEqual([
		{ event: 'console output', args: ['three'] },
		{ event: 'console output', args: ['four'] },
		{ event: 'console output', args: ['five'] },
	]);

	const offline = panel.addServer({ owner });
	panel.emitConsole(offline, 'old line');
	const quiet = await connect(panel, key, offline);
	since = quiet.frames.length;
	quiet.send('send logs');
	await quiet.sync();
	expect(quiet.events(since)).toEqual(['pong']);
	expect((await call(panel, key, serverPath(server, '/logs?lines=2'))).text).toBe('four\n five ');
});

test('send stats, set state and send command behave like Wings', async () => {
	const { panel, key, server, owner } = await startWorld({ powerTransitionMs: 10 });
	const client = await connect(panel, key, server);

	client.send('send stats');
	const stats = await client.expectFrame('stats');
	expect(Object.keys(JSON.parse(stats.args[0] ?? ''))).toEqual(RESOURCE_KEYS);
	expect(await client.expectFrame('pending restart')).toEqual({ event: 'pending restart', args: ['false'] });

	client.send('set state', ['start']);
	expect((await client.expectFrame('daemon message')).args).toEqual([
		'\u001b[1;41mServer is already running or starting.\u001b[0m',
	]);

	client.send('send command', ['list']);
	await panel.waitFor(() => panel.commands.length === 1);
	expect(panel.commands[0]).toEqual({ serverUuid: server.uuid, command: 'list', via: 'ws', userUuid: owner.uuid });

	const since = client.frames.length;
	client.send('set state', ['stop']);
	await client.expectFrame('status', since, ([state]) => state === 'offline');
	expect(panel.powerActions.map((action) => [action.action, action.via])).toEqual([
		['start', 'ws'],
		['stop', 'ws'],
	]);
});

test('re-authenticating on token expiring keeps output flowing past the first token expiry', async () => {
	const { panel, key, server } = await startWorld({
		tokenLifetimeSeconds: 2,
		expiringWindowSeconds: 1,
		tokenCheckIntervalMs: 100,
	});
	const { token, url } = await fetchToken(panel, key, server);
	const firstExpiry = Number(tokenClaims(token)['exp']);
	const client = await ConsoleClient.open(url);
	onTestFinished(() => client.close());
	client.onFrame = (frame) => {
		if (frame.event !== 'token expiring') return;
		// A refresh still in flight when the test ends meets a stopped fake; that failure is irrelevant.
		fetchToken(panel, key, server).then(
			(fresh) => client.send('auth', [fresh.token]),
			() => {},
		);
	};
	client.send('auth', [token]);
	await client.expectFrame('auth success');

	// The fake's token timer keeps recording frames, so this is re-checked every tick.
	await panel.waitFor(() => Date.now() / 1_000 > firstExpiry + 0.3, 5_000);
	panel.emitConsole(server, 'still flowing');

	await client.expectFrame('console output', 0, ([line]) => line === 'still flowing');
	expect(client.events().filter((event) => event === 'auth success').length).toBeGreaterThan(1);
	expect(client.events().filter((event) => event === 'status')).toHaveLength(1);
	expect(client.events()).not.toContain('token expired');
	expect(client.events()).not.toContain('jwt error');
});

test('after token expired the socket is unauthenticated and the next event drops it', async () => {
	const { panel, key, server } = await startWorld({ tokenLifetimeSeconds: 1, tokenCheckIntervalMs: 50 });
	const client = await connect(panel, key, server);

	await client.expectFrame('token expired');
	expect(panel.sockets[0]?.authenticated).toBe(false);
	client.send('send stats');

	expect((await client.closed).code).toBe(1006);
});

test('dropSockets looks like a network failure and closeSockets sends a close frame', async () => {
	const { panel, key, server } = await startWorld();
	const dropped = await connect(panel, key, server);
	panel.dropSockets(server);
	expect((await dropped.closed).code).toBe(1006);

	const revoked = await connect(panel, key, server);
	panel.closeSockets(server, 1000, 'permission revoked');
	expect(await revoked.closed).toEqual({ code: 1000, reason: 'permission revoked' });
	await panel.waitFor(() => panel.sockets.every((socket) => !socket.isOpen));
});

test('install output goes only to sockets with admin.websocket.install', async () => {
	const { panel, owner, server } = await startWorld();
	const helper: FakeUser = panel.addUser({ username: 'helper' });
	panel.addSubuser(server, helper, ['control.console']);
	const owned = await connect(panel, panel.addKey(owner), server);
	const subuser = await connect(panel, panel.addKey(helper), server);

	panel.emitInstallOutput(server, 'Pulling image');
	await owned.expectFrame('install output');
	await subuser.sync();
	expect(subuser.events()).not.toContain('install output');
});

// ---------------------------------------------------------------- helpers of the fake itself

test('tokens are signed exactly like the panel signs fixtures/websocket-token.json', () => {
	const secret = 'example-node-token-do-not-use';
	const claims = {
		scope: 'websocket',
		iss: 'panel',
		sub: null,
		aud: [],
		exp: 1787829000,
		nbf: null,
		iat: 1787828400,
		jti: '8d4e0b7a-1c2f-4a36-9e58-b3f7c6d21a09',
		user_uuid: '8d4e0b7a-1c2f-4a36-9e58-b3f7c6d21a09',
		user_name: 'steve',
		user_avatar: null,
		server_uuid: '3f1c2a9e-5b7d-4e21-9a40-6d2b8c1e7f55',
		permissions: [
			'websocket.connect',
			'meta.calagopus',
			'admin.websocket.install',
			'admin.websocket.transfer',
			'control.read-console',
			'control.console',
			'control.start',
			'control.stop',
			'control.restart',
			'backups.read',
			'backups.create',
		],
		ignored_files: [],
	};
	const fixtureToken = [
		'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9',
		[
			'eyJzY29wZSI6IndlYnNvY2tldCIsImlzcyI6InBhbmVsIiwic3ViIjpudWxsLCJhdWQiOltdLCJleHAiOjE3ODc4MjkwMDAsIm5i',
			'ZiI6bnVsbCwiaWF0IjoxNzg3ODI4NDAwLCJqdGkiOiI4ZDRlMGI3YS0xYzJmLTRhMzYtOWU1OC1iM2Y3YzZkMjFhMDkiLCJ1c2Vy',
			'X3V1aWQiOiI4ZDRlMGI3YS0xYzJmLTRhMzYtOWU1OC1iM2Y3YzZkMjFhMDkiLCJ1c2VyX25hbWUiOiJzdGV2ZSIsInVzZXJfYXZh',
			'dGFyIjpudWxsLCJzZXJ2ZXJfdXVpZCI6IjNmMWMyYTllLTViN2QtNGUyMS05YTQwLTZkMmI4YzFlN2Y1NSIsInBlcm1pc3Npb25z',
			'IjpbIndlYnNvY2tldC5jb25uZWN0IiwibWV0YS5jYWxhZ29wdXMiLCJhZG1pbi53ZWJzb2NrZXQuaW5zdGFsbCIsImFkbWluLndl',
			'YnNvY2tldC50cmFuc2ZlciIsImNvbnRyb2wucmVhZC1jb25zb2xlIiwiY29udHJvbC5jb25zb2xlIiwiY29udHJvbC5zdGFydCIs',
			'ImNvbnRyb2wuc3RvcCIsImNvbnRyb2wucmVzdGFydCIsImJhY2t1cHMucmVhZCIsImJhY2t1cHMuY3JlYXRlIl0sImlnbm9yZWRf',
			'ZmlsZXMiOltdfQ',
		].join(''),
		'JSm8VYT154bVXENI0hGsWWh8LBAi8ZyumhMCWh37LiY',
	].join('.');

	expect(signJwt(claims, secret)).toBe(fixtureToken);
	expect(verifyJwt(fixtureToken, secret)).toEqual(claims);
	expect(verifyJwt(fixtureToken, 'another-secret')).toBeNull();
	expect(verifyJwt('not.a.jwt', secret)).toBeNull();
});

test('a response delay holds every answer, and the request is still recorded', async () => {
	const { panel, key } = await startWorld();
	panel.setResponseDelay(300);

	const aborted = request(new URL('/api/client/account', panel.url), {
		headers: { authorization: `Bearer ${key}` },
		signal: AbortSignal.timeout(20),
	});

	await expect(aborted).rejects.toThrow();
	await panel.waitFor(() => panel.requests.some((entry) => entry.path === '/api/client/account'));
	panel.setResponseDelay(0);
	expect((await call(panel, key, '/api/client/account')).status).toBe(200);
});

test('backups complete on their own with autoCompleteBackupsMs', async () => {
	const { panel, key, server } = await startWorld({ autoCompleteBackupsMs: 10 });
	const client = await connect(panel, key, server);

	const created = await post(panel, key, serverPath(server, '/backups'), { ignored_files: [] });
	const uuid = String(pick(created.body, 'backup', 'uuid'));

	expect((await client.expectFrame('backup started')).args).toEqual([uuid]);
	await client.expectFrame('backup completed', 0, ([completed]) => completed === uuid);
	expect(server.backups[0]?.completed).not.toBeNull();
});

test('waitFor rejects with the predicate in the message when it times out', async () => {
	const panel = await startPanel();

	await expect(panel.waitFor(() => panel.tokensIssued > 0, 20)).rejects.toThrow(/timed out after 20 ms.*tokensIssued/);
});
