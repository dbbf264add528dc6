import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { FakeBackup, FakeServer, FakeUser, PowerAction, PowerState } from './model.ts';
import { serializeResources, timestamp } from './model.ts';
import type { ApiKeyRecord } from './permissions.ts';

export interface FakePanelOptions {
	/** Lifetime of websocket tokens from `GET …/websocket`; the panel uses 600. */
	tokenLifetimeSeconds?: number;
	/** Period of Wings' per-socket token check (30 s in Wings). */
	tokenCheckIntervalMs?: number;
	/** `token expiring` is sent once `exp - expiringWindowSeconds` has passed (60 in Wings). */
	expiringWindowSeconds?: number;
	/** Unauthenticated sockets are closed with 1000 `authentication timeout` after this long; 0 disables. */
	authTimeoutMs?: number;
	/** Lines replayed by `send logs` (`system.websocket_log_count`). */
	logCount?: number;
	/** Delay between the steps of a power action (starting → running, stopping → offline). */
	powerTransitionMs?: number;
	/** Delay before every panel HTTP answer; change later with `setResponseDelay`. */
	responseDelayMs?: number;
	/** The panel's `client` rate limit per IP. */
	rateLimit?: { hits: number; windowSeconds: number };
	/** The panel's per-server backup-creation limit (`client_servers_backups_create`). */
	backupRateLimit?: { hits: number; windowSeconds: number };
	/** When set, created backups complete successfully on their own after this long. */
	autoCompleteBackupsMs?: number;
	/** HS256 secret shared by panel and Wings (the node token); random by default. */
	nodeSecret?: string;
}

export type ResolvedOptions = Readonly<
	Required<Omit<FakePanelOptions, 'autoCompleteBackupsMs'>> & { autoCompleteBackupsMs: number | null }
>;

export interface PanelRequest {
	readonly method: string;
	readonly path: string;
	readonly query: Readonly<Record<string, string>>;
	/** What followed `Bearer ` in the Authorization header, valid or not. */
	readonly key: string | null;
	/** Parsed JSON when the body parses, the raw text otherwise, null when empty. */
	readonly body: unknown;
	readonly status: number;
	readonly at: number;
}

export interface CommandRecord {
	readonly serverUuid: string;
	readonly command: string;
	readonly via: 'rest' | 'ws';
	readonly userUuid: string;
	readonly key?: string;
}

export interface PowerActionRecord {
	readonly serverUuid: string;
	readonly action: string;
	readonly via: 'rest' | 'ws';
	readonly userUuid: string;
}

export interface SocketFrame {
	readonly event: string;
	readonly args: unknown;
}

export interface SocketRecord {
	readonly serverUuid: string;
	userUuid?: string;
	authenticated: boolean;
	isOpen: boolean;
	/** Wings names, as last sent in `auth success`. */
	permissions: string[];
	/** Every text frame that parsed as JSON; `event` is '' when it had no string event. */
	readonly framesIn: SocketFrame[];
	readonly framesOut: SocketFrame[];
	closeCode?: number;
}

export interface Injection {
	readonly method: string | undefined;
	readonly path: RegExp | string;
	readonly response: { status: number; body?: unknown; headers?: Record<string, string> };
	remaining: number;
}

/** Who may receive a broadcast (WEBSOCKET.md §7 "Gate"). */
export type BroadcastGate = 'authenticated' | 'console' | 'backup.read' | 'admin.websocket.install';
export type Broadcaster = (server: FakeServer, event: string, args: string[], gate: BroadcastGate) => void;

const DEFAULTS = {
	tokenLifetimeSeconds: 600,
	tokenCheckIntervalMs: 30_000,
	expiringWindowSeconds: 60,
	authTimeoutMs: 60_000,
	logCount: 150,
	powerTransitionMs: 50,
	responseDelayMs: 0,
	rateLimit: { hits: 360, windowSeconds: 30 },
	backupRateLimit: { hits: 4, windowSeconds: 300 },
} as const;

interface PowerSequence {
	readonly action: PowerAction;
	readonly timers: NodeJS.Timeout[];
}

/** Everything the fake panel and its Wings node share; both servers read and write it. */
export class PanelState {
	public readonly options: ResolvedOptions;
	public readonly users = new Map<string, FakeUser>();
	public readonly keys = new Map<string, ApiKeyRecord>();
	public readonly servers: FakeServer[] = [];
	public readonly requests: PanelRequest[] = [];
	public readonly commands: CommandRecord[] = [];
	public readonly powerActions: PowerActionRecord[] = [];
	public readonly sockets: SocketRecord[] = [];
	public readonly injections: Injection[] = [];
	public responseDelayMs: number;
	public tokensIssued = 0;
	public wingsUrl = '';
	readonly #listeners = new Set<() => void>();
	readonly #broadcasters = new Set<Broadcaster>();
	readonly #timers = new Set<NodeJS.Timeout>();
	readonly #sequences = new Map<string, PowerSequence>();
	readonly #stopping = new AbortController();

	public constructor(options: FakePanelOptions) {
		// Drop explicit `undefined`s so they cannot shadow a default.
		const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
		this.options = Object.freeze({
			...DEFAULTS,
			...given,
			autoCompleteBackupsMs: options.autoCompleteBackupsMs ?? null,
			nodeSecret: options.nodeSecret ?? randomBytes(32).toString('hex'),
		});
		this.responseDelayMs = this.options.responseDelayMs;
	}

	/** Call after every change a test might wait for; `waitFor` re-checks its predicate here. */
	public notify(): void {
		for (const listener of [...this.#listeners]) listener();
	}

	public waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
		return new Promise((resolve, reject) => {
			const finish = (error?: unknown): void => {
				clearTimeout(timer);
				this.#listeners.delete(check);
				if (error === undefined) resolve();
				else reject(error instanceof Error ? error : new Error(String(error)));
			};
			const check = (): void => {
				try {
					if (predicate()) finish();
				} catch (error) {
					finish(error);
				}
			};
			const timer = setTimeout(
				() => finish(new Error(`FakePanel.waitFor timed out after ${timeoutMs} ms waiting for: ${String(predicate)}`)),
				timeoutMs,
			);
			this.#listeners.add(check);
			check();
		});
	}

	/** Aborted by `dispose`, so delayed answers do not outlive the fake. */
	/** Every delayed answer waits on it, so under load it has many listeners by design. */
	public get stopSignal(): AbortSignal {
		setMaxListeners(0, this.#stopping.signal);
		return this.#stopping.signal;
	}

	public onBroadcast(broadcaster: Broadcaster): void {
		this.#broadcasters.add(broadcaster);
	}

	public broadcast(server: FakeServer, event: string, args: string[], gate: BroadcastGate): void {
		for (const broadcaster of this.#broadcasters) broadcaster(server, event, args, gate);
		this.notify();
	}

	public findServer(idOrShort: string): FakeServer | undefined {
		const id = idOrShort.toLowerCase();
		return this.servers.find((server) => server.uuid === id || server.uuid_short === id);
	}

	public record<T>(list: T[], entry: T): void {
		list.push(entry);
		this.notify();
	}

	/** setTimeout that `dispose` cancels, so a stopped fake leaves no timers behind. */
	public later(callback: () => void, delayMs: number): NodeJS.Timeout {
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			callback();
		}, delayMs);
		this.#timers.add(timer);
		return timer;
	}

	public cancel(timer: NodeJS.Timeout): void {
		clearTimeout(timer);
		this.#timers.delete(timer);
	}

	public setState(server: FakeServer, state: PowerState): void {
		this.#cancelSequence(server);
		this.#applyState(server, state);
	}

	/**
	 * Runs a power action the way Wings does: refusals come back as the daemon message text (only the
	 * websocket shows them), success shows up later as state changes.
	 */
	public runPowerAction(server: FakeServer, action: PowerAction): string | null {
		const pending = this.#sequences.get(server.uuid);
		switch (action) {
			case 'start':
				if (server.suspended) return 'Server is in a locked state (suspended), cannot start the server.';
				if (server.state !== 'offline') return 'Server is already running or starting.';
				this.#runSequence(server, action, ['starting', 'running']);
				return null;
			case 'stop':
				if (server.state === 'offline' || server.state === 'stopping') return 'Server is already offline or stopping.';
				this.#runSequence(server, action, ['stopping', 'offline']);
				return null;
			case 'restart':
				if (pending?.action === 'restart') return 'Server is already restarting.';
				if (server.suspended) return 'Server is in a locked state (suspended), cannot start the server.';
				this.#runSequence(
					server,
					action,
					server.state === 'offline' ? ['starting', 'running'] : ['stopping', 'offline', 'starting', 'running'],
				);
				return null;
			case 'kill':
				if (server.state === 'offline') return 'Server is already offline.';
				this.#runSequence(server, action, ['offline']);
				return null;
		}
	}

	public completeBackup(server: FakeServer, backup: FakeBackup, isSuccessful: boolean): void {
		const checksum = isSuccessful ? randomBytes(20).toString('hex') : '';
		const size = isSuccessful ? 734_003_200 : 0;
		const files = isSuccessful ? 18_342 : 0;
		Object.assign(backup, {
			is_successful: isSuccessful,
			is_browsable: isSuccessful,
			checksum: isSuccessful ? `sha1:${checksum}` : null,
			bytes: size,
			files,
			completed: timestamp(),
		});
		const result = {
			checksum_type: 'sha1',
			checksum,
			size,
			files,
			successful: isSuccessful,
			browsable: isSuccessful,
			streaming: false,
		};
		this.broadcast(server, 'backup completed', [backup.uuid, JSON.stringify(result)], 'backup.read');
	}

	public dispose(): void {
		this.#stopping.abort();
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		this.#sequences.clear();
		this.#listeners.clear();
	}

	#runSequence(server: FakeServer, action: PowerAction, steps: readonly PowerState[]): void {
		this.#cancelSequence(server);
		const [first, ...rest] = steps;
		if (first === undefined) return;
		this.#applyState(server, first);

		const timers = rest.map((state, index) =>
			this.later(() => {
				this.#applyState(server, state);
				if (index === rest.length - 1) this.#sequences.delete(server.uuid);
			}, this.options.powerTransitionMs * (index + 1)),
		);
		if (timers.length > 0) this.#sequences.set(server.uuid, { action, timers });
	}

	#cancelSequence(server: FakeServer): void {
		for (const timer of this.#sequences.get(server.uuid)?.timers ?? []) this.cancel(timer);
		this.#sequences.delete(server.uuid);
	}

	#applyState(server: FakeServer, state: PowerState): void {
		if (server.state === state) return;
		server.state = state;
		if (state === 'starting') server.startedAt = Date.now();
		if (state === 'offline') server.startedAt = null;
		this.broadcast(server, 'status', [state], 'authenticated');
		this.broadcast(server, 'stats', [JSON.stringify(serializeResources(server))], 'authenticated');
	}
}
