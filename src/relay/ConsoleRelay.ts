import { DiscordAPIError, RESTJSONErrorCodes, type REST } from 'discord.js';
import type { Logger } from '../logger.ts';
import type { BackoffPolicy } from '../panel/backoff.ts';
import type { PanelApiError } from '../panel/PanelApiError.ts';
import type { PanelClient } from '../panel/PanelClient.ts';
import { PanelSocket } from '../panel/PanelSocket.ts';
import type { PowerState, ResourceUsage } from '../panel/schemas.ts';
import type { LinkStore } from '../store/links.ts';
import type { RelayRecord } from '../store/relays.ts';
import { ConsoleOutput, type OutputCounters } from './ConsoleOutput.ts';
import { renderHeader } from './relayHeader.ts';
import type { GlobalPacer, Lane } from './RelayPacer.ts';
import { ReplayFilter } from './ReplayFilter.ts';
import { threadTransport, type ThreadTransport } from './threadTransport.ts';

const STATS_REFRESH_MS = 30_000;
// If Wings never answers the ping that marks the end of a replay, stop waiting after this long.
const REPLAY_TIMEOUT_MS = 3_000;
const TAIL_PERSISTED = 40;

// Discord answers these when the thread is gone or closed to us: the relay cannot continue.
const THREAD_GONE_CODES: ReadonlySet<number> = new Set([
	RESTJSONErrorCodes.UnknownChannel,
	RESTJSONErrorCodes.MissingAccess,
	RESTJSONErrorCodes.MissingPermissions,
	RESTJSONErrorCodes.InvalidActionOnArchivedThread,
]);

export interface RelayEnvironment {
	readonly rest: REST;
	readonly links: LinkStore;
	readonly panelFor: (apiKey: string) => PanelClient;
	readonly panelUrl: string;
	readonly globalPacer: GlobalPacer;
	readonly logger: Logger;
	readonly socket?: { readonly freezeTimeoutMs?: number; readonly backoff?: BackoffPolicy };
}

/** Why a relay ended, as the thread is told. */
export class RelayEnded extends Error {
	public readonly announce: boolean;

	public constructor(reason: string, announce: boolean) {
		super(reason);
		this.name = 'RelayEnded';
		this.announce = announce;
	}
}

/** One server's console streamed into one thread, on the key of the user who started it. */
export class ConsoleRelay {
	public readonly record: RelayRecord;
	readonly #env: RelayEnvironment;
	readonly #logger: Logger;
	readonly #transport: ThreadTransport;
	readonly #socket: PanelSocket;
	readonly #output: ConsoleOutput;
	readonly #filter: ReplayFilter;
	readonly #onEnded: (relay: ConsoleRelay, reason: RelayEnded) => void;
	#state: PowerState | undefined;
	#usage: ResourceUsage | undefined;
	#headerDue = true;
	#headerWrittenAt = 0;
	#replayTimer: NodeJS.Timeout | undefined;
	#wasConnected = false;
	#ended = false;

	public constructor(record: RelayRecord, env: RelayEnvironment, onEnded: (relay: ConsoleRelay, reason: RelayEnded) => void) {
		this.record = record;
		this.#env = env;
		this.#onEnded = onEnded;
		this.#logger = env.logger.child({ serverUuid: record.serverUuid, threadId: record.threadId });
		this.#transport = threadTransport(env.rest, record.threadId);
		this.#filter = new ReplayFilter(record.tail);
		this.#output = new ConsoleOutput({
			transport: this.#transport,
			globalPacer: env.globalPacer,
			onError: (error) => this.#onDiscordError(error),
			header: { isDue: () => this.#headerDue, write: () => this.#writeHeader() },
		});
		this.#socket = new PanelSocket({
			credentials: (signal) => this.#credentials(signal),
			origin: env.panelUrl,
			logger: this.#logger,
			...env.socket,
		});
		this.#wire();
	}

	public get state(): PowerState | undefined {
		return this.#state;
	}

	public get counters(): Readonly<OutputCounters> {
		return this.#output.counters;
	}

	/** Characters of output waiting for Discord: what a flood costs this relay in memory. */
	public get pendingChars(): number {
		return this.#output.pendingChars;
	}

	public start(): void {
		this.#logger.info('relay started');
		this.#socket.start();
	}

	public observeRateLimit(lane: Lane, remaining: number, resetAfterMs: number): void {
		this.#output.observeRateLimit(lane, remaining, resetAfterMs);
	}

	/** Someone wrote in the thread: later output goes below their message, not into an older one. */
	public noteThreadMessage(): void {
		this.#output.breakMessage();
	}

	public tail(): string[] {
		return this.#filter.tail(TAIL_PERSISTED);
	}

	/** Ends the relay; with `announce`, the thread is told why and the header loses its relay controls. */
	public async stop(reason: RelayEnded): Promise<void> {
		if (this.#ended) return;
		this.#ended = true;
		clearTimeout(this.#replayTimer);
		this.#socket.stop();
		this.#output.close();
		this.#logger.info({ reason: reason.message }, 'relay stopped');
		if (reason.announce) {
			await Promise.allSettled([
				this.#transport.post(`⏹️ Console relay stopped: ${reason.message}`),
				this.#transport.editMessage(
					this.record.headerMessageId,
					renderHeader({ ...this.#headerState(), endedReason: reason.message }),
				),
			]);
		}
	}

	/** Sends what is already queued, within a bound, before a planned shutdown. */
	public async drain(timeoutMs: number): Promise<void> {
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([this.#output.drain(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
		clearTimeout(timer);
	}

	#wire(): void {
		this.#socket.on('connected', ({ resumed }) => {
			// Live lines can arrive between `auth success` and the replay of `send logs`, so every
			// replay, the first one too, is matched against what was already relayed.
			this.#beginReplay();
			if (resumed) this.#output.push('\u001b[33m[Wingman] Console reconnected.\u001b[0m');
			this.#wasConnected = true;
		});
		this.#socket.on('disconnected', ({ retryInMs }) => {
			if (!this.#wasConnected) return;
			this.#wasConnected = false;
			this.#output.push(`\u001b[33m[Wingman] Console connection lost; reconnecting in ${Math.ceil(retryInMs / 1_000)} s…\u001b[0m`);
		});
		this.#socket.on('replayed', () => this.#endReplay());
		this.#socket.on('console', (line, source) => {
			if (source !== 'console') {
				this.#output.push(line);
				return;
			}
			for (const accepted of this.#filter.accept(line)) this.#output.push(accepted);
		});
		this.#socket.on('status', (state) => {
			this.#state = state;
			this.#markHeaderDue();
		});
		this.#socket.on('stats', (usage) => {
			const isFirst = this.#usage === undefined;
			this.#usage = usage;
			if (isFirst || performance.now() - this.#headerWrittenAt >= STATS_REFRESH_MS) this.#markHeaderDue();
		});
		this.#socket.on('fatal', (error) => this.#end(new RelayEnded(accessLostReason(error), true)));
	}

	#beginReplay(): void {
		this.#filter.beginReplay();
		clearTimeout(this.#replayTimer);
		this.#replayTimer = setTimeout(() => this.#endReplay(), REPLAY_TIMEOUT_MS);
	}

	#endReplay(): void {
		clearTimeout(this.#replayTimer);
		this.#replayTimer = undefined;
		for (const line of this.#filter.endReplay()) this.#output.push(line);
	}

	async #credentials(signal: AbortSignal) {
		const link = await this.#env.links.get(this.record.ownerId);
		if (!link) {
			this.#end(new RelayEnded('the user who started it unlinked their panel key.', true));
			throw new Error('relay owner unlinked');
		}
		return this.#env.panelFor(link.apiKey).getWebsocketCredentials(this.record.serverUuid, signal);
	}

	#markHeaderDue(): void {
		this.#headerDue = true;
		this.#output.wake();
	}

	async #writeHeader(): Promise<void> {
		this.#headerDue = false;
		this.#headerWrittenAt = performance.now();
		await this.#transport.editMessage(this.record.headerMessageId, renderHeader(this.#headerState()));
	}

	#headerState() {
		return {
			serverName: this.record.serverName,
			serverUuid: this.record.serverUuid,
			threadId: this.record.threadId,
			ownerId: this.record.ownerId,
			state: this.#state,
			usage: this.#usage,
		};
	}

	#onDiscordError(error: unknown): void {
		if (error instanceof DiscordAPIError && typeof error.code === 'number' && THREAD_GONE_CODES.has(error.code)) {
			this.#end(new RelayEnded('the thread was closed or deleted, or Wingman lost access to it.', false));
			return;
		}
		if (error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage) {
			this.#output.breakMessage();
			return;
		}
		this.#logger.warn({ err: error }, 'relay could not post to discord');
	}

	#end(reason: RelayEnded): void {
		if (this.#ended) return;
		this.#onEnded(this, reason);
	}
}

function accessLostReason(error: PanelApiError): string {
	if (error.status === 401) return 'the panel no longer accepts the API key of the user who started it. They can /link again and restart the relay.';
	if (error.status === 404) return 'the server no longer exists, or the user who started the relay lost access to it.';
	return 'the API key of the user who started it lost access to this server’s console.';
}
