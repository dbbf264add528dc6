import { EventEmitter } from 'node:events';
import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { backoffDelay, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { PanelApiError } from './PanelApiError.ts';
import { readTokenClaims } from './permissions.ts';
import { powerState, resourceUsage, type PowerState, type ResourceUsage, type WebsocketCredentials } from './schemas.ts';

const frame = z.object({ event: z.string(), args: z.array(z.unknown()).nullish() });
const backupCompletion = z.object({ successful: z.boolean() });

// Wings pings every 30 s and drops us after ~90 s of silence; the same silence from Wings means a dead link.
const SILENCE_LIMIT_MS = 95_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
// Refresh this long before expiry even if Wings' `token expiring` never arrives.
const REFRESH_MARGIN_MS = 30_000;
const MAX_REFRESH_FAILURES = 3;
export const FREEZE_TIMEOUT_MS = 180_000;

export type ConsoleSource = 'console' | 'install' | 'daemon';

export interface PanelSocketEvents {
	console: [line: string, source: ConsoleSource];
	status: [state: PowerState];
	stats: [usage: ResourceUsage];
	/** Authenticated on a new connection; `resumed` is false only for the very first one. */
	connected: [info: { resumed: boolean }];
	/** Everything `send logs` replayed after the last `connected` has arrived. */
	replayed: [];
	disconnected: [info: { code: number; retryInMs: number }];
	backupCompleted: [backupUuid: string, successful: boolean];
	/** The key lost access (401/403/404): the socket has stopped for good. */
	fatal: [error: PanelApiError];
}

export interface PanelSocketOptions {
	/** Fetches a fresh `{token, url}` with the relay owner's current key. */
	readonly credentials: (signal: AbortSignal) => Promise<WebsocketCredentials>;
	readonly origin: string;
	readonly logger: Logger;
	readonly backoff?: BackoffPolicy;
	readonly freezeTimeoutMs?: number;
	readonly random?: () => number;
}

/**
 * One console connection to Wings for one server: authenticates, refreshes the token on the same
 * socket before it expires, reconnects with capped backoff, and reconnects when the console has
 * gone silent while stats keep flowing (the "silent freeze").
 */
export class PanelSocket extends EventEmitter<PanelSocketEvents> {
	readonly #options: PanelSocketOptions;
	readonly #backoff: BackoffPolicy;
	readonly #freezeTimeoutMs: number;
	readonly #abort = new AbortController();
	#socket: WebSocket | undefined;
	#url: string | undefined;
	#attempt = 0;
	#replayMarker = '';
	#everConnected = false;
	#authenticated = false;
	#refreshing = false;
	#refreshFailures = 0;
	#state: PowerState | undefined;
	#lastConsoleAt = 0;
	#lastStatsAt = 0;
	#reconnectTimer: NodeJS.Timeout | undefined;
	#refreshTimer: NodeJS.Timeout | undefined;
	#silenceTimer: NodeJS.Timeout | undefined;
	#freezeTimer: NodeJS.Timeout | undefined;

	public constructor(options: PanelSocketOptions) {
		super();
		this.#options = options;
		this.#backoff = options.backoff ?? RECONNECT_BACKOFF;
		this.#freezeTimeoutMs = options.freezeTimeoutMs ?? FREEZE_TIMEOUT_MS;
	}

	public get state(): PowerState | undefined {
		return this.#state;
	}

	public get isStopped(): boolean {
		return this.#abort.signal.aborted;
	}

	public start(): void {
		this.#connect().catch((error: unknown) => this.#options.logger.error({ err: error }, 'console connect crashed'));
		this.#freezeTimer = setInterval(() => this.#checkFreeze(), Math.max(50, this.#freezeTimeoutMs / 4));
	}

	public stop(): void {
		if (this.isStopped) return;
		this.#abort.abort();
		clearTimeout(this.#reconnectTimer);
		clearTimeout(this.#refreshTimer);
		clearTimeout(this.#silenceTimer);
		clearInterval(this.#freezeTimer);
		this.#socket?.removeAllListeners();
		this.#socket?.on('error', () => undefined);
		this.#socket?.terminate();
		this.#socket = undefined;
	}

	async #connect(): Promise<void> {
		if (this.isStopped) return;
		let credentials: WebsocketCredentials;
		try {
			credentials = await this.#options.credentials(this.#abort.signal);
		} catch (error) {
			if (this.isStopped) return;
			if (isAccessLost(error)) {
				this.#fail(error);
				return;
			}
			this.#options.logger.warn({ err: error }, 'console credentials unavailable');
			this.#scheduleReconnect(0);
			return;
		}
		if (this.isStopped) return;

		this.#url = credentials.url;
		this.#authenticated = false;
		this.#refreshFailures = 0;
		const socket = new WebSocket(credentials.url, { headers: { origin: this.#options.origin }, handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
		this.#socket = socket;
		socket.on('open', () => {
			this.#touch();
			this.#send({ event: 'auth', args: [credentials.token] });
			this.#scheduleRefresh(credentials.token);
		});
		socket.on('message', (data: RawData, isBinary: boolean) => {
			this.#touch();
			if (!isBinary) this.#handle(data.toString());
		});
		socket.on('ping', () => this.#touch());
		socket.on('error', (error) => this.#options.logger.debug({ err: error }, 'console socket error'));
		socket.on('close', (code) => {
			if (this.#socket !== socket || this.isStopped) return;
			this.#socket = undefined;
			this.#authenticated = false;
			clearTimeout(this.#silenceTimer);
			clearTimeout(this.#refreshTimer);
			this.#scheduleReconnect(code);
		});
	}

	#scheduleReconnect(code: number): void {
		if (this.isStopped || this.#reconnectTimer) return;
		const retryInMs = backoffDelay(this.#attempt++, this.#backoff, this.#options.random);
		this.#options.logger.info({ code, retryInMs, attempt: this.#attempt }, 'console disconnected; reconnecting');
		this.emit('disconnected', { code, retryInMs });
		this.#reconnectTimer = setTimeout(() => {
			this.#reconnectTimer = undefined;
			void this.#connect();
		}, retryInMs);
	}

	#reconnectNow(reason: string): void {
		this.#options.logger.info({ reason }, 'console reconnecting');
		const socket = this.#socket;
		this.#socket = undefined;
		this.#authenticated = false;
		socket?.removeAllListeners();
		socket?.on('error', () => undefined);
		socket?.terminate();
		this.#attempt = 0;
		this.#scheduleReconnect(1_000);
	}

	#handle(text: string): void {
		// Console lines are nearly every frame under load (up to 20,000/s): read them without a schema pass.
		if (text.startsWith(CONSOLE_FRAME_PREFIX)) {
			const line = consoleLineOf(text);
			if (line !== undefined) {
				this.#onConsoleLine(line);
				return;
			}
		}
		let parsed: z.infer<typeof frame>;
		try {
			parsed = frame.parse(JSON.parse(text));
		} catch {
			this.#options.logger.debug('unreadable console frame ignored');
			return;
		}
		const args = (parsed.args ?? []).map((arg) => (typeof arg === 'string' ? arg : ''));
		switch (parsed.event) {
			case 'auth success':
				this.#onAuthenticated();
				break;
			case 'token expiring':
			case 'token expired':
			case 'jwt error':
				void this.#refresh(parsed.event);
				break;
			case 'status': {
				const state = powerState.safeParse(args[0]);
				if (state.success) this.#setState(state.data);
				break;
			}
			case 'stats':
				this.#onStats(args[0]);
				break;
			case 'console output':
				this.#onConsoleLine(args[0] ?? '');
				break;
			case 'install output':
				this.emit('console', args[0] ?? '', 'install');
				break;
			case 'daemon message':
				this.emit('console', args[0] ?? '', 'daemon');
				break;
			case 'pong':
				if (args[0] === this.#replayMarker) this.emit('replayed');
				break;
			case 'backup completed':
				this.#onBackupCompleted(args);
				break;
			case 'transfer status':
				if (args[0] === 'completed') this.#reconnectNow('server transferred to another node');
				break;
			default:
				break;
		}
	}

	#onConsoleLine(line: string): void {
		this.#lastConsoleAt = performance.now();
		this.emit('console', line, 'console');
	}

	#onAuthenticated(): void {
		this.#refreshFailures = 0;
		if (this.#authenticated) return;
		this.#authenticated = true;
		this.#attempt = 0;
		this.#lastConsoleAt = performance.now();
		const resumed = this.#everConnected;
		this.#everConnected = true;
		this.emit('connected', { resumed });
		// Wings handles a socket's messages in order, so the pong marks the end of the replay.
		this.#replayMarker = `wingman-replay-${Date.now()}`;
		this.#send({ event: 'send logs', args: [] });
		this.#send({ event: 'ping', args: [this.#replayMarker] });
		this.#send({ event: 'send stats', args: [] });
	}

	async #refresh(reason: string): Promise<void> {
		if (this.#refreshing || !this.#socket) return;
		this.#refreshing = true;
		try {
			const credentials = await this.#options.credentials(this.#abort.signal);
			if (this.isStopped) return;
			// A new URL means the server moved node: a new socket, not a new token on the old one.
			if (credentials.url !== this.#url) {
				this.#reconnectNow('console url changed');
				return;
			}
			this.#send({ event: 'auth', args: [credentials.token] });
			this.#scheduleRefresh(credentials.token);
			this.#options.logger.debug({ reason }, 'console token refreshed');
		} catch (error) {
			if (this.isStopped) return;
			if (isAccessLost(error)) {
				this.#fail(error);
				return;
			}
			this.#refreshFailures++;
			this.#options.logger.warn({ err: error, failures: this.#refreshFailures }, 'console token refresh failed');
			if (this.#refreshFailures >= MAX_REFRESH_FAILURES) this.#reconnectNow('token refresh kept failing');
		} finally {
			this.#refreshing = false;
		}
	}

	#scheduleRefresh(token: string): void {
		clearTimeout(this.#refreshTimer);
		const claims = readTokenClaims(token);
		if (!claims) return;
		const inMs = Math.max(1_000, claims.expiresAt - Date.now() - REFRESH_MARGIN_MS);
		this.#refreshTimer = setTimeout(() => void this.#refresh('token about to expire'), inMs);
	}

	#setState(state: PowerState): void {
		if (state === this.#state) return;
		this.#state = state;
		this.emit('status', state);
	}

	#onStats(raw: string | undefined): void {
		try {
			const usage = resourceUsage.parse(JSON.parse(raw ?? ''));
			this.#lastStatsAt = performance.now();
			this.#setState(usage.state);
			this.emit('stats', usage);
		} catch {
			this.#options.logger.debug('unreadable stats frame ignored');
		}
	}

	#onBackupCompleted(args: readonly string[]): void {
		const [uuid, json] = args;
		if (!uuid) return;
		try {
			this.emit('backupCompleted', uuid, backupCompletion.parse(JSON.parse(json ?? '')).successful);
		} catch {
			this.#options.logger.debug('unreadable backup frame ignored');
		}
	}

	/** Stats flowing while a running server's console has said nothing for a long time: resubscribe. */
	#checkFreeze(): void {
		if (!this.#authenticated || this.#state !== 'running') return;
		const now = performance.now();
		const statsFlowing = now - this.#lastStatsAt < this.#freezeTimeoutMs;
		if (statsFlowing && now - this.#lastConsoleAt > this.#freezeTimeoutMs) {
			this.#lastConsoleAt = now;
			this.#reconnectNow('console silent while stats flow');
		}
	}

	#touch(): void {
		clearTimeout(this.#silenceTimer);
		this.#silenceTimer = setTimeout(() => this.#reconnectNow('no traffic from wings'), SILENCE_LIMIT_MS);
	}

	#send(message: { event: string; args: string[] }): void {
		if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(message));
	}

	#fail(error: PanelApiError): void {
		this.#options.logger.warn({ status: error.status }, 'console access lost');
		this.stop();
		this.emit('fatal', error);
	}
}

const CONSOLE_FRAME_PREFIX = '{"event":"console output"';

function consoleLineOf(text: string): string | undefined {
	try {
		const parsed: unknown = JSON.parse(text);
		const args = (parsed as { args?: unknown }).args;
		const line: unknown = Array.isArray(args) ? args[0] : undefined;
		return typeof line === 'string' ? line : undefined;
	} catch {
		return undefined;
	}
}

function isAccessLost(error: unknown): error is PanelApiError {
	return error instanceof PanelApiError && error.failure === 'http' && [401, 403, 404].includes(error.status);
}
