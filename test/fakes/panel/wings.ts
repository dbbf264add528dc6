import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { verifyJwt } from './jwt.ts';
import type { FakeServer, PowerAction } from './model.ts';
import { POWER_ACTIONS, serializeResources } from './model.ts';
import { POWER_PERMISSIONS, toWingsPermissions, wingsAllows } from './permissions.ts';
import { isUuid } from './request.ts';
import type { BroadcastGate, PanelState, SocketRecord } from './state.ts';

interface WebsocketClaims {
	readonly scope: string;
	readonly exp: number;
	readonly iat: number;
	readonly nbf: number | null;
	readonly user_uuid: string;
	readonly server_uuid: string;
	readonly permissions: readonly string[];
}

interface Session {
	readonly ws: WebSocket;
	readonly server: FakeServer;
	readonly record: SocketRecord;
	claims: WebsocketClaims | null;
	readonly checkTimer: NodeJS.Timeout;
	authTimer: NodeJS.Timeout | null;
	/** The "silent freeze": console output stops reaching this socket while everything else flows. */
	frozen?: boolean;
}

interface Frame {
	readonly event: string;
	readonly args: readonly string[];
}

// Events Wings can deserialize; anything else makes the whole message unparsable, and it is ignored.
const KNOWN_EVENTS = new Set([
	'auth',
	'send logs',
	'send stats',
	'send status',
	'send command',
	'set state',
	'ping',
	'configure socket',
	'file collab subscribe',
	'file collab unsubscribe',
	'file collab update',
	'file collab awareness',
	'file collab save',
	'file collab reload',
]);
const MISSING_CONSOLE_PERMISSION =
	'You are missing the `control.read-console` permission to view server logs and console output.';
const ISSUED_AT_LEEWAY_SECONDS = 5;
const MAX_PAYLOAD_BYTES = 1_048_576;

/** Wraps Wings' error texts the way nu_ansi_term's bold red background does. */
export function redText(text: string): string {
	return `\u001b[1;41m${text}\u001b[0m`;
}

/** The node: Wings' console websocket (WEBSOCKET.md) on its own HTTP server. */
export class WingsNode {
	readonly #state: PanelState;
	readonly #http: Server;
	readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
	readonly #sessions = new Set<Session>();
	// Tokens issued before this Wings process started are refused (WEBSOCKET.md §4.1).
	readonly #startedAtSeconds = Math.floor(Date.now() / 1_000);

	private constructor(state: PanelState) {
		this.#state = state;
		this.#http = createServer((request, response) => this.#onRequest(request, response));
		this.#http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
			this.#onUpgrade(request, socket, head),
		);
		state.onBroadcast((server, event, args, gate) => this.#broadcast(server, event, args, gate));
	}

	public static async start(state: PanelState): Promise<WingsNode> {
		const node = new WingsNode(state);
		await new Promise<void>((resolve) => node.#http.listen(0, '127.0.0.1', resolve));
		const { port } = node.#http.address() as AddressInfo;
		state.wingsUrl = `ws://127.0.0.1:${port}`;
		return node;
	}

	public dropSockets(server?: FakeServer): void {
		for (const session of this.#sessionsOf(server)) session.ws.terminate();
	}

	/** Freezes the console stream of the sockets open now; sockets opened later are healthy. */
	public freezeConsole(server: FakeServer): void {
		for (const session of this.#sessionsOf(server)) session.frozen = true;
	}

	public closeSockets(server: FakeServer, code: number, reason: string): void {
		for (const session of this.#sessionsOf(server)) session.ws.close(code, reason);
	}

	public async stop(): Promise<void> {
		for (const session of this.#sessions) session.ws.terminate();
		this.#wss.close();
		this.#http.closeAllConnections();
		await new Promise<void>((resolve) => this.#http.close(() => resolve()));
	}

	#sessionsOf(server: FakeServer | undefined): Session[] {
		return [...this.#sessions].filter((session) => server === undefined || session.server.uuid === server.uuid);
	}

	#onRequest(request: IncomingMessage, response: ServerResponse): void {
		const url = new URL(request.url ?? '/', 'http://wings.invalid');
		if (request.method === 'GET' && url.pathname === '/download/backup') {
			const claims = verifyJwt(url.searchParams.get('token') ?? '', this.#state.options.nodeSecret);
			if (isRecord(claims) && typeof claims['backup_uuid'] === 'string') {
				response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
				response.end(`fake backup ${claims['backup_uuid']}\n`);
				return;
			}
			writeWingsError(response, 401, 'invalid token');
			return;
		}
		writeWingsError(response, 404, 'not found');
	}

	#onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = new URL(request.url ?? '/', 'http://wings.invalid');
		const match = /^\/api\/servers\/([^/]+)\/ws$/.exec(url.pathname);
		if (!match) return rejectUpgrade(socket, 404, 'application/json', JSON.stringify({ error: 'not found' }));

		const identifier = match[1] ?? '';
		if (!isUuid(identifier)) {
			return rejectUpgrade(socket, 400, 'text/plain; charset=utf-8', 'Invalid URL: UUID parsing failed');
		}
		const server = this.#state.servers.find((candidate) => candidate.uuid === identifier.toLowerCase());
		if (!server) return rejectUpgrade(socket, 404, 'application/json', JSON.stringify({ error: 'server not found' }));

		this.#wss.handleUpgrade(request, socket, head, (ws) => this.#onConnection(ws, server));
	}

	#onConnection(ws: WebSocket, server: FakeServer): void {
		const record: SocketRecord = {
			serverUuid: server.uuid,
			authenticated: false,
			isOpen: true,
			permissions: [],
			framesIn: [],
			framesOut: [],
		};
		const session: Session = {
			ws,
			server,
			record,
			claims: null,
			checkTimer: setInterval(() => this.#checkToken(session), this.#state.options.tokenCheckIntervalMs),
			authTimer: null,
		};
		this.#startAuthTimer(session);
		this.#sessions.add(session);

		ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(session, data, isBinary));
		ws.on('error', () => ws.terminate());
		ws.on('close', (code: number) => {
			clearInterval(session.checkTimer);
			if (session.authTimer) clearTimeout(session.authTimer);
			this.#sessions.delete(session);
			record.isOpen = false;
			record.closeCode = code;
			this.#state.notify();
		});
		this.#state.record(this.#state.sockets, record);
	}

	#onMessage(session: Session, data: RawData, isBinary: boolean): void {
		// Binary frames are MessagePack in Wings; the fake only speaks text mode.
		if (isBinary) return;
		let parsed: unknown;
		try {
			parsed = JSON.parse(rawText(data));
		} catch {
			return;
		}
		this.#state.record(session.record.framesIn, {
			event: isRecord(parsed) && typeof parsed['event'] === 'string' ? parsed['event'] : '',
			args: isRecord(parsed) ? parsed['args'] : parsed,
		});

		const frame = parseFrame(parsed);
		if (!frame) return;
		if (frame.event === 'auth') return this.#authenticate(session, frame.args[0]);
		if (!session.claims) return session.ws.terminate();
		if (isExpired(session.claims)) return this.#send(session, 'jwt error', ['invalid token: token is expired']);
		this.#dispatch(session, frame);
	}

	#authenticate(session: Session, token: string | undefined): void {
		const claims = readClaims(token === undefined ? null : verifyJwt(token, this.#state.options.nodeSecret));
		if (!claims) return session.ws.terminate();

		const problem = this.#validate(claims);
		if (problem) return this.#send(session, 'jwt error', [`invalid token: ${problem}`]);
		if (!claims.permissions.includes('websocket.connect')) return session.ws.terminate();
		if (claims.server_uuid !== session.server.uuid) return this.#send(session, 'token expired', []);

		const isFirstAuth = session.claims === null;
		session.claims = claims;
		if (session.authTimer) clearTimeout(session.authTimer);
		session.authTimer = null;
		const { record } = session;
		record.authenticated = true;
		record.userUuid = claims.user_uuid;
		record.permissions = toWingsPermissions(claims.permissions);

		this.#send(session, 'auth success', record.permissions);
		if (!isFirstAuth) return;
		this.#send(session, 'status', [session.server.state]);
		if (!canReadConsole(record.permissions)) {
			this.#send(session, 'daemon message', [redText(MISSING_CONSOLE_PERMISSION)]);
		}
	}

	#validate(claims: WebsocketClaims): string | null {
		const now = Date.now() / 1_000;
		if (claims.exp < now) return 'token is expired';
		if (claims.nbf !== null && claims.nbf > now) return 'token is not yet valid';
		if (claims.iat > now + ISSUED_AT_LEEWAY_SECONDS || claims.iat < this.#startedAtSeconds) {
			return 'token has invalid issued at time';
		}
		if (!claims.scope.split(',').some((scope) => scope.trim() === 'websocket')) return 'token has been denied';
		return null;
	}

	#dispatch(session: Session, frame: Frame): void {
		const { server, record } = session;
		const permissions = record.permissions;
		switch (frame.event) {
			case 'send logs':
				if (!canReadConsole(permissions) || server.state === 'offline') return;
				for (const line of server.logs.slice(-this.#state.options.logCount)) {
					this.#send(session, 'console output', [line.trim()]);
				}
				return;
			case 'send stats':
				this.#send(session, 'stats', [JSON.stringify(serializeResources(server))]);
				this.#send(session, 'pending restart', ['false']);
				return;
			case 'send status':
				this.#send(session, 'status', [server.state]);
				return;
			case 'send command':
				this.#runCommand(session, frame.args[0]);
				return;
			case 'set state':
				this.#setState(session, frame.args[0]);
				return;
			case 'ping':
				this.#send(session, 'pong', frame.args);
				return;
			default:
				// `configure socket` (binary mode) and the file-collab events are accepted and do nothing here.
				return;
		}
	}

	#runCommand(session: Session, command: string | undefined): void {
		const { server, record, claims } = session;
		if (!claims || command === undefined || !wingsAllows(record.permissions, 'control.console')) return;
		// With no process there is no stdin to write to; Wings only logs that.
		if (server.state === 'offline') return;
		this.#state.record(this.#state.commands, {
			serverUuid: server.uuid,
			command,
			via: 'ws',
			userUuid: claims.user_uuid,
		});
	}

	#setState(session: Session, requested: string | undefined): void {
		const { server, record, claims } = session;
		const action = POWER_ACTIONS.find((candidate): candidate is PowerAction => candidate === requested);
		if (!claims || !action || !wingsAllows(record.permissions, POWER_PERMISSIONS[action])) return;

		this.#state.record(this.#state.powerActions, {
			serverUuid: server.uuid,
			action,
			via: 'ws',
			userUuid: claims.user_uuid,
		});
		const refusal = this.#state.runPowerAction(server, action);
		if (refusal) this.#send(session, 'daemon message', [redText(refusal)]);
	}

	#checkToken(session: Session): void {
		const { claims } = session;
		if (!claims) return;
		const now = Date.now() / 1_000;
		if (claims.exp < now) {
			this.#send(session, 'token expired', []);
			session.claims = null;
			session.record.authenticated = false;
			this.#startAuthTimer(session);
			this.#state.notify();
		} else if (claims.exp - this.#state.options.expiringWindowSeconds < now) {
			this.#send(session, 'token expiring', []);
		}
	}

	#startAuthTimer(session: Session): void {
		const timeoutMs = this.#state.options.authTimeoutMs;
		if (timeoutMs <= 0) return;
		session.authTimer = setTimeout(() => {
			if (!session.claims) session.ws.close(1_000, 'authentication timeout');
		}, timeoutMs);
	}

	#broadcast(server: FakeServer, event: string, args: string[], gate: BroadcastGate): void {
		for (const session of this.#sessionsOf(server)) {
			const { claims, record } = session;
			if (!claims) continue;
			// Until the timer forgets an expired token, Wings answers each broadcast with this (WEBSOCKET.md §5).
			if (isExpired(claims)) {
				this.#send(session, 'jwt error', ['invalid token: token is expired']);
				continue;
			}
			if (session.frozen && event === 'console output') continue;
			if (isDeliverable(record.permissions, gate)) this.#send(session, event, args);
		}
	}

	#send(session: Session, event: string, args: readonly string[]): void {
		if (session.ws.readyState !== session.ws.OPEN) return;
		session.ws.send(JSON.stringify({ event, args }));
		this.#state.record(session.record.framesOut, { event, args: [...args] });
	}
}

function isDeliverable(permissions: readonly string[], gate: BroadcastGate): boolean {
	switch (gate) {
		case 'authenticated':
			return true;
		case 'console':
			return canReadConsole(permissions);
		case 'backup.read':
		case 'admin.websocket.install':
			return wingsAllows(permissions, gate);
	}
}

// Without `meta.calagopus` (a Pterodactyl-style token) Wings shows the console to everyone.
function canReadConsole(permissions: readonly string[]): boolean {
	return !permissions.includes('meta.calagopus') || wingsAllows(permissions, 'control.read-console');
}

function isExpired(claims: WebsocketClaims): boolean {
	return claims.exp < Date.now() / 1_000;
}

/** Wings' client frame: `args` must be present, an array of strings (nulls dropped) or null. */
function parseFrame(value: unknown): Frame | null {
	if (!isRecord(value) || typeof value['event'] !== 'string' || !KNOWN_EVENTS.has(value['event'])) return null;
	if (!('args' in value)) return null;
	const args = value['args'];
	if (args === null) return { event: value['event'], args: [] };
	if (!Array.isArray(args)) return null;
	const strings: string[] = [];
	for (const arg of args) {
		if (typeof arg === 'string') strings.push(arg);
		else if (arg !== null) return null;
	}
	return { event: value['event'], args: strings };
}

/** The claims Wings deserializes; a token missing any of them is treated like a bad signature. */
function readClaims(payload: unknown): WebsocketClaims | null {
	if (!isRecord(payload)) return null;
	const { scope, exp, iat, nbf, aud, user_uuid, server_uuid, permissions } = payload;
	const isValid =
		typeof scope === 'string' &&
		typeof exp === 'number' &&
		typeof iat === 'number' &&
		(nbf === undefined || nbf === null || typeof nbf === 'number') &&
		Array.isArray(aud) &&
		typeof user_uuid === 'string' &&
		typeof server_uuid === 'string' &&
		Array.isArray(permissions) &&
		permissions.every((permission) => typeof permission === 'string');
	if (!isValid) return null;
	return { scope, exp, iat, nbf: nbf ?? null, user_uuid, server_uuid, permissions };
}

function rejectUpgrade(socket: Duplex, status: number, contentType: string, body: string): void {
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
			`Content-Type: ${contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
	);
}

function writeWingsError(response: ServerResponse, status: number, message: string): void {
	response.writeHead(status, { 'Content-Type': 'application/json' });
	response.end(JSON.stringify({ error: message }));
}

function rawText(data: RawData): string {
	if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
	return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
