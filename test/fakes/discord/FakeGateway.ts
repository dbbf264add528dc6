import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { deflateSync } from 'node:zlib';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { JsonObject } from './records.ts';

const OP = {
	dispatch: 0,
	heartbeat: 1,
	identify: 2,
	presenceUpdate: 3,
	voiceStateUpdate: 4,
	resume: 6,
	requestGuildMembers: 8,
	invalidSession: 9,
	hello: 10,
	heartbeatAck: 11,
} as const;

const CLOSE = {
	unknownOpcode: 4_001,
	decodeError: 4_002,
	notAuthenticated: 4_003,
	authenticationFailed: 4_004,
	alreadyAuthenticated: 4_005,
	invalidApiVersion: 4_012,
	invalidIntents: 4_013,
} as const;

const INTENTS = {
	guilds: 1 << 0,
	guildMessages: 1 << 9,
	guildMessageReactions: 1 << 10,
	messageContent: 1 << 15,
} as const;

/** Events a session only receives with the matching intent; unlisted events always go out. */
const REQUIRED_INTENT: Readonly<Record<string, number>> = {
	GUILD_UPDATE: INTENTS.guilds,
	GUILD_DELETE: INTENTS.guilds,
	CHANNEL_CREATE: INTENTS.guilds,
	CHANNEL_UPDATE: INTENTS.guilds,
	CHANNEL_DELETE: INTENTS.guilds,
	THREAD_CREATE: INTENTS.guilds,
	THREAD_UPDATE: INTENTS.guilds,
	THREAD_DELETE: INTENTS.guilds,
	THREAD_MEMBERS_UPDATE: INTENTS.guilds,
	MESSAGE_CREATE: INTENTS.guildMessages,
	MESSAGE_UPDATE: INTENTS.guildMessages,
	MESSAGE_DELETE: INTENTS.guildMessages,
	MESSAGE_REACTION_ADD: INTENTS.guildMessageReactions,
	MESSAGE_REACTION_REMOVE: INTENTS.guildMessageReactions,
};

/** Close codes after which Discord will not let the session resume. */
const SESSION_ENDING_CODES = new Set([1_000, 1_001, 4_004, 4_010, 4_011, 4_012, 4_013, 4_014]);

interface GatewayPayload {
	op: number;
	d: unknown;
	s: number | null;
	t: string | null;
}

interface Session {
	readonly id: string;
	readonly intents: number;
	readonly isCompressed: boolean;
	readonly shard: readonly [number, number];
	sequence: number;
	/** Every dispatch of the session, so a RESUME can replay what the client missed. */
	readonly log: GatewayPayload[];
	socket: WebSocket | null;
}

interface Connection {
	session: Session | null;
}

export interface GatewayHooks {
	/** Also sent as resume_gateway_url. */
	readonly url: string;
	readonly token: string;
	readonly botUserId: string;
	readonly heartbeatIntervalMs: number;
	readyPayload(session: { id: string; resumeUrl: string; shard: readonly [number, number] }): JsonObject;
	guildCreatePayload(): JsonObject;
	guildMembersChunk(request: JsonObject): JsonObject;
}

/** One Discord gateway: HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay. */
export class FakeGateway {
	readonly #hooks: GatewayHooks;
	readonly #server = new WebSocketServer({ noServer: true });
	readonly #sessions = new Map<string, Session>();
	readonly #connections = new Map<WebSocket, Connection>();
	#identifyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
	#identifyCount = 0;
	#resumeCount = 0;

	public constructor(hooks: GatewayHooks) {
		this.#hooks = hooks;
	}

	public get identifyCount(): number {
		return this.#identifyCount;
	}

	public get resumeCount(): number {
		return this.#resumeCount;
	}

	public handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.#server.handleUpgrade(request, socket, head, (accepted) => this.#accept(accepted, request));
	}

	public waitForIdentify(): Promise<void> {
		const isReady = [...this.#sessions.values()].some((session) => session.socket?.readyState === WebSocket.OPEN);
		if (isReady) return Promise.resolve();
		return new Promise((resolve, reject) => this.#identifyWaiters.push({ resolve, reject }));
	}

	/** Sends to every live session; a disconnected but resumable session keeps it for replay. */
	public dispatch(event: string, data: JsonObject): void {
		for (const session of this.#sessions.values()) {
			const required = REQUIRED_INTENT[event] ?? 0;
			if ((session.intents & required) !== required) continue;
			this.#dispatchTo(session, event, this.#gateContent(session, event, data));
		}
	}

	public dropConnections(code = 4_000): void {
		for (const socket of this.#connections.keys()) socket.close(code, 'Dropped by FakeDiscord');
	}

	public async close(): Promise<void> {
		for (const waiter of this.#identifyWaiters) waiter.reject(new Error('FakeDiscord stopped'));
		this.#identifyWaiters = [];
		for (const socket of this.#connections.keys()) socket.terminate();
		this.#sessions.clear();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}

	#accept(socket: WebSocket, request: IncomingMessage): void {
		const connection: Connection = { session: null };
		this.#connections.set(socket, connection);
		socket.on('close', (code) => this.#onClose(socket, connection, code));
		socket.on('error', () => socket.terminate());

		const query = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams;
		if (query.get('v') !== '10') {
			socket.close(CLOSE.invalidApiVersion, 'Invalid API version');
			return;
		}

		if ((query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
			// Only plain JSON is spoken here; zlib-stream needs zlib-sync, which the bot does not install.
			socket.close(CLOSE.decodeError, 'Only encoding=json without compress is supported');
			return;
		}

		socket.on('message', (data, isBinary) => this.#onMessage(socket, connection, data, isBinary));
		const hello = { heartbeat_interval: this.#hooks.heartbeatIntervalMs };
		this.#send(socket, null, { op: OP.hello, d: hello, s: null, t: null });
	}

	#onMessage(socket: WebSocket, connection: Connection, data: RawData, isBinary: boolean): void {
		const payload = isBinary ? null : parsePayload(data);
		if (!payload) {
			socket.close(CLOSE.decodeError, 'Decode error');
			return;
		}

		switch (payload.op) {
			case OP.heartbeat:
				this.#send(socket, null, { op: OP.heartbeatAck, d: null, s: null, t: null });
				return;
			case OP.identify:
				this.#identify(socket, connection, payload.d);
				return;
			case OP.resume:
				this.#resume(socket, connection, payload.d);
				return;
			case OP.presenceUpdate:
			case OP.voiceStateUpdate:
			case OP.requestGuildMembers:
				if (!connection.session) {
					socket.close(CLOSE.notAuthenticated, 'Not authenticated');
					return;
				}

				if (payload.op === OP.requestGuildMembers && isRecord(payload.d)) {
					this.#dispatchTo(connection.session, 'GUILD_MEMBERS_CHUNK', this.#hooks.guildMembersChunk(payload.d));
				}

				return;
			default:
				socket.close(CLOSE.unknownOpcode, 'Unknown opcode');
		}
	}

	/** IDENTIFY and RESUME both need an unauthenticated connection and the bot's token. */
	#acceptsToken(socket: WebSocket, connection: Connection, data: unknown): data is Record<string, unknown> {
		if (connection.session) {
			socket.close(CLOSE.alreadyAuthenticated, 'Already authenticated');
			return false;
		}
		if (!isRecord(data) || data.token !== this.#hooks.token) {
			socket.close(CLOSE.authenticationFailed, 'Authentication failed');
			return false;
		}
		return true;
	}

	#identify(socket: WebSocket, connection: Connection, data: unknown): void {
		if (!this.#acceptsToken(socket, connection, data)) return;

		if (typeof data.intents !== 'number') {
			socket.close(CLOSE.invalidIntents, 'Invalid intent(s)');
			return;
		}

		const shard = Array.isArray(data.shard)
			? ([Number(data.shard[0]), Number(data.shard[1])] as const)
			: ([0, 1] as const);
		const session: Session = {
			id: randomBytes(16).toString('hex'),
			intents: data.intents,
			isCompressed: data.compress === true,
			shard,
			sequence: 0,
			log: [],
			socket,
		};
		this.#sessions.set(session.id, session);
		connection.session = session;
		this.#identifyCount += 1;
		this.#dispatchTo(session, 'READY', this.#hooks.readyPayload({ id: session.id, resumeUrl: this.#hooks.url, shard }));
		// GUILD_CREATE for the initial guild goes out whatever the intents, or the client never turns ready.
		this.#dispatchTo(session, 'GUILD_CREATE', this.#hooks.guildCreatePayload());

		const waiters = this.#identifyWaiters;
		this.#identifyWaiters = [];
		for (const waiter of waiters) waiter.resolve();
	}

	#resume(socket: WebSocket, connection: Connection, data: unknown): void {
		if (!this.#acceptsToken(socket, connection, data)) return;

		const session = typeof data.session_id === 'string' ? this.#sessions.get(data.session_id) : undefined;
		if (!session) {
			this.#send(socket, null, { op: OP.invalidSession, d: false, s: null, t: null });
			return;
		}

		const previous = session.socket;
		session.socket = socket;
		connection.session = session;
		if (previous && previous !== socket) {
			const previousConnection = this.#connections.get(previous);
			if (previousConnection) previousConnection.session = null;
			previous.terminate();
		}

		const lastSeen = typeof data.seq === 'number' ? data.seq : 0;
		for (const payload of session.log) {
			if (payload.s !== null && payload.s > lastSeen) this.#send(socket, session, payload);
		}

		this.#resumeCount += 1;
		// RESUMED takes a sequence number but stays out of the log: replaying it later would mean nothing.
		session.sequence += 1;
		this.#send(socket, session, { op: OP.dispatch, t: 'RESUMED', s: session.sequence, d: {} });
	}

	#onClose(socket: WebSocket, connection: Connection, code: number): void {
		this.#connections.delete(socket);
		const session = connection.session;
		if (!session || session.socket !== socket) return;

		session.socket = null;
		if (SESSION_ENDING_CODES.has(code)) this.#sessions.delete(session.id);
	}

	#dispatchTo(session: Session, event: string, data: JsonObject): void {
		session.sequence += 1;
		const payload: GatewayPayload = { op: OP.dispatch, t: event, s: session.sequence, d: data };
		session.log.push(payload);
		if (session.socket?.readyState === WebSocket.OPEN) this.#send(session.socket, session, payload);
	}

	/** Without MESSAGE_CONTENT, other people's messages arrive blank unless they mention the bot. */
	#gateContent(session: Session, event: string, data: JsonObject): JsonObject {
		if (event !== 'MESSAGE_CREATE' && event !== 'MESSAGE_UPDATE') return data;
		if ((session.intents & INTENTS.messageContent) !== 0) return data;

		const author = isRecord(data.author) ? data.author : {};
		const content = typeof data.content === 'string' ? data.content : '';
		const botId = this.#hooks.botUserId;
		if (author.id === botId || content.includes(`<@${botId}>`) || content.includes(`<@!${botId}>`)) return data;
		return { ...data, content: '', embeds: [], attachments: [], components: [] };
	}

	#send(socket: WebSocket, session: Session | null, payload: GatewayPayload): void {
		const text = JSON.stringify(payload);
		socket.send(session?.isCompressed ? deflateSync(text) : text);
	}
}

function parsePayload(data: RawData): GatewayPayload | null {
	try {
		const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
		const parsed: unknown = JSON.parse(buffer.toString('utf8'));
		if (!isRecord(parsed) || typeof parsed.op !== 'number') return null;
		return { op: parsed.op, d: parsed.d, s: null, t: null };
	} catch {
		return null;
	}
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
