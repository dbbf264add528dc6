import { randomInt } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPanelServer } from './http.ts';
import { signJwt } from './jwt.ts';
import type { AddServerInput, AddUserInput, FakeServer, FakeUser, PowerState } from './model.ts';
import { createServer, createUser, serializeResources } from './model.ts';
import { DEFAULT_KEY_SERVER_SCOPES, DEFAULT_KEY_USER_SCOPES } from './permissions.ts';
import type {
	CommandRecord,
	FakePanelOptions,
	PanelRequest,
	PowerActionRecord,
	ResolvedOptions,
	SocketRecord,
} from './state.ts';
import { PanelState } from './state.ts';
import { redText, WingsNode } from './wings.ts';

export type {
	AddServerInput,
	AddUserInput,
	FakeBackup,
	FakeServer,
	FakeUser,
	PowerState,
	ServerStatus,
} from './model.ts';
export type {
	CommandRecord,
	FakePanelOptions,
	PanelRequest,
	PowerActionRecord,
	SocketFrame,
	SocketRecord,
} from './state.ts';
export { DEFAULT_KEY_SERVER_SCOPES, DEFAULT_KEY_USER_SCOPES } from './permissions.ts';

export interface KeyScopes {
	user?: readonly string[];
	server?: readonly string[];
	admin?: readonly string[];
}

export interface FailureInjection {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_SECRET_LENGTH = 43;
const DEFAULT_WAIT_TIMEOUT_MS = 5_000;

/**
 * A Calagopus panel (HTTP, API.md) and its Wings node (console websocket, WEBSOCKET.md) on 127.0.0.1,
 * sharing one in-memory state. Everything the bot sends is recorded for assertions.
 */
export class FakePanel {
	/** Panel base URL, `http://127.0.0.1:<port>`. */
	public readonly url: string;
	readonly #state: PanelState;
	readonly #http: Server;
	readonly #wings: WingsNode;

	private constructor(state: PanelState, http: Server, wings: WingsNode) {
		this.#state = state;
		this.#http = http;
		this.#wings = wings;
		this.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	}

	public static async start(options: FakePanelOptions = {}): Promise<FakePanel> {
		const state = new PanelState(options);
		const wings = await WingsNode.start(state);
		const http = createPanelServer(state);
		await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
		return new FakePanel(state, http, wings);
	}

	/** The node's websocket base, `ws://127.0.0.1:<port>`; tokens point at `<wingsUrl>/api/servers/<uuid>/ws`. */
	public get wingsUrl(): string {
		return this.#state.wingsUrl;
	}

	public get options(): ResolvedOptions {
		return this.#state.options;
	}

	public get requests(): readonly PanelRequest[] {
		return this.#state.requests;
	}

	public get commands(): readonly CommandRecord[] {
		return this.#state.commands;
	}

	public get powerActions(): readonly PowerActionRecord[] {
		return this.#state.powerActions;
	}

	public get sockets(): readonly SocketRecord[] {
		return this.#state.sockets;
	}

	/** Websocket tokens handed out by `GET …/websocket` (not counting `mintToken`). */
	public get tokensIssued(): number {
		return this.#state.tokensIssued;
	}

	public async stop(): Promise<void> {
		this.#state.dispose();
		await this.#wings.stop();
		this.#http.closeAllConnections();
		await new Promise<void>((resolve) => this.#http.close(() => resolve()));
	}

	public addUser(input: AddUserInput = {}): FakeUser {
		const user = createUser(input, this.#state.users.size + 1);
		this.#state.users.set(user.uuid, user);
		return user;
	}

	/** Creates a `c7sp_` key for `user`; default scopes are the control-bot minimum (API.md §14) + backups.download. */
	public addKey(user: FakeUser, scopes: KeyScopes = {}): string {
		const secret = Array.from({ length: KEY_SECRET_LENGTH }, () => KEY_ALPHABET[randomInt(KEY_ALPHABET.length)]);
		const key = `c7sp_${secret.join('')}`;
		this.#state.keys.set(key, {
			key,
			user,
			userPermissions: [...(scopes.user ?? DEFAULT_KEY_USER_SCOPES)],
			serverPermissions: [...(scopes.server ?? DEFAULT_KEY_SERVER_SCOPES)],
			adminPermissions: [...(scopes.admin ?? [])],
			isRevoked: false,
		});
		return key;
	}

	/** From now on the key answers 401 `invalid api key` (open sockets keep their tokens, as in Wings). */
	public revokeKey(key: string): void {
		const record = this.#state.keys.get(key);
		if (!record) throw new Error('FakePanel.revokeKey: unknown key');
		record.isRevoked = true;
	}

	public addServer(input: AddServerInput): FakeServer {
		const server = createServer(input, this.#state.servers.length);
		if (this.#state.findServer(server.uuid_short)) throw new Error(`FakePanel.addServer: ${server.uuid} is taken`);
		this.#state.servers.push(server);
		return server;
	}

	public addSubuser(server: FakeServer, user: FakeUser, permissions: readonly string[]): void {
		server.subusers.set(user.uuid, [...permissions]);
	}

	public server(idOrShort: string): FakeServer {
		const server = this.#state.findServer(idOrShort);
		if (!server) throw new Error(`FakePanel.server: no server ${idOrShort}`);
		return server;
	}

	/** Changes the power state now (cancelling any running power action) and pushes `status` + `stats`. */
	public setState(server: FakeServer, state: PowerState): void {
		this.#state.setState(server, state);
	}

	public setResponseDelay(ms: number): void {
		this.#state.responseDelayMs = ms;
	}

	/**
	 * The next `times` requests matching `match` get `response` instead of being handled (before rate limiting
	 * and auth). A string path matches the pathname exactly; an object body is sent as JSON.
	 */
	public failNext(match: { method?: string; path: RegExp | string }, response: FailureInjection, times = 1): void {
		this.#state.injections.push({ method: match.method, path: match.path, response, remaining: times });
	}

	/** Appends to the server's log history and broadcasts `console output` to sockets that may read the console. */
	public emitConsole(server: FakeServer, lines: string | readonly string[]): void {
		for (const line of typeof lines === 'string' ? [lines] : lines) {
			server.logs.push(line);
			this.#state.broadcast(server, 'console output', [line], 'console');
		}
	}

	/** A `daemon message`; pass `{ isError: true }` for Wings' red error styling. */
	public emitDaemonMessage(server: FakeServer, text: string, options: { isError?: boolean } = {}): void {
		this.#state.broadcast(server, 'daemon message', [options.isError ? redText(text) : text], 'console');
	}

	public emitInstallOutput(server: FakeServer, line: string): void {
		this.#state.broadcast(server, 'install output', [line], 'admin.websocket.install');
	}

	/** Pushes `stats` with the server's current `resources` to every authenticated socket. */
	public emitStats(server: FakeServer): void {
		this.#state.broadcast(server, 'stats', [JSON.stringify(serializeResources(server))], 'authenticated');
	}

	/** Terminates the TCP connections without a close frame (clients see 1006). */
	/** Console output stops reaching the sockets open now while stats keep flowing (the silent freeze). */
	public freezeConsole(server: FakeServer): void {
		this.#wings.freezeConsole(server);
	}

	public dropSockets(server?: FakeServer): void {
		this.#wings.dropSockets(server);
	}

	/** Sends a close frame, e.g. `1000 'permission revoked'`. */
	public closeSockets(server: FakeServer, code: number, reason: string): void {
		this.#wings.closeSockets(server, code, reason);
	}

	/** Completes a running backup (successful by default) and emits `backup completed` to `backup.read` sockets. */
	public completeBackup(server: FakeServer, backupUuid: string, options: { successful?: boolean } = {}): void {
		const backup = server.backups.find((candidate) => candidate.uuid === backupUuid);
		if (!backup) throw new Error(`FakePanel.completeBackup: no backup ${backupUuid} on ${server.uuid}`);
		this.#state.completeBackup(server, backup, options.successful ?? true);
	}

	/**
	 * Signs a websocket token like the panel's (fixtures/ws-jwt-claims.json layout) with overridable claims,
	 * for tests that need expired, foreign or narrowed tokens.
	 */
	public mintToken(server: FakeServer, user: FakeUser, claims: Record<string, unknown> = {}): string {
		const issuedAt = Math.floor(Date.now() / 1_000);
		return signJwt(
			{
				scope: 'websocket',
				iss: 'panel',
				sub: null,
				aud: [],
				exp: issuedAt + this.#state.options.tokenLifetimeSeconds,
				nbf: null,
				iat: issuedAt,
				jti: user.uuid,
				user_uuid: user.uuid,
				user_name: user.username,
				user_avatar: user.avatar,
				server_uuid: server.uuid,
				permissions: ['websocket.connect', 'meta.calagopus', '*'],
				ignored_files: [],
				...claims,
			},
			this.#state.options.nodeSecret,
		);
	}

	/**
	 * Resolves once `predicate` holds. It is re-checked whenever the fake records something (a request, command,
	 * power action, socket frame or state change), never on a timer.
	 */
	public waitFor(predicate: () => boolean, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<void> {
		return this.#state.waitFor(predicate, timeoutMs);
	}
}
