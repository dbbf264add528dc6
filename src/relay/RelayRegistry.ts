import { DiscordAPIError, RESTEvents, RESTJSONErrorCodes, Routes, type APIChannel, type APIRequest, type ResponseLike } from 'discord.js';
import type { RelayRecord, RelayStore } from '../store/relays.ts';
import { ConsoleRelay, RelayEnded, type RelayEnvironment } from './ConsoleRelay.ts';

const TAIL_SAVE_INTERVAL_MS = 30_000;
const SHUTDOWN_DRAIN_MS = 2_000;
const THREAD_MESSAGE_PATH = /^\/channels\/(\d+)\/messages(\/\d+)?$/;

/** The only place that knows which relays run: start, find, stop, restore after a restart. */
export class RelayRegistry {
	readonly #env: RelayEnvironment;
	readonly #store: RelayStore;
	readonly #relays = new Map<string, ConsoleRelay>();
	#saveTimer: NodeJS.Timeout | undefined;
	readonly #onResponse = (request: APIRequest, response: ResponseLike): void => this.#observe(request, response);

	public constructor(env: RelayEnvironment, store: RelayStore) {
		this.#env = env;
		this.#store = store;
		env.rest.on(RESTEvents.Response, this.#onResponse);
	}

	public get size(): number {
		return this.#relays.size;
	}

	public get(threadId: string): ConsoleRelay | undefined {
		return this.#relays.get(threadId);
	}

	public find(channelId: string, serverUuid: string): ConsoleRelay | undefined {
		for (const relay of this.#relays.values()) {
			if (relay.record.channelId === channelId && relay.record.serverUuid === serverUuid) return relay;
		}
		return undefined;
	}

	public ownedBy(userId: string): ConsoleRelay[] {
		return [...this.#relays.values()].filter((relay) => relay.record.ownerId === userId);
	}

	public async start(record: RelayRecord): Promise<ConsoleRelay> {
		await this.#store.put(record);
		return this.#launch(record);
	}

	public async stop(threadId: string, reason: RelayEnded): Promise<boolean> {
		const relay = this.#relays.get(threadId);
		this.#relays.delete(threadId);
		await this.#store.delete(threadId);
		if (!relay) return false;
		await relay.stop(reason);
		return true;
	}

	/** Resumes the stored relays whose threads still exist and are open; forgets the others. */
	public async restore(): Promise<number> {
		this.#startSaving();
		const records = (await this.#store.list()).filter((record) => !this.#relays.has(record.threadId));
		// One Discord check per relay, all at once: discord.js queues them by route, start-up does not wait in line.
		const open = await Promise.all(records.map((record) => this.#threadIsOpen(record.threadId)));
		let resumed = 0;
		for (const [index, record] of records.entries()) {
			if (!open[index]) {
				this.#env.logger.info({ threadId: record.threadId }, 'relay thread gone; forgetting relay');
				await this.#store.delete(record.threadId);
				continue;
			}
			this.#launch(record);
			resumed++;
		}
		return resumed;
	}

	/** Planned shutdown: flush briefly, remember where each relay was, keep the records for the next start. */
	public async shutdown(): Promise<void> {
		clearInterval(this.#saveTimer);
		this.#env.rest.off(RESTEvents.Response, this.#onResponse);
		const relays = [...this.#relays.values()];
		this.#relays.clear();
		await Promise.allSettled(relays.map((relay) => relay.drain(SHUTDOWN_DRAIN_MS)));
		await Promise.allSettled(
			relays.map(async (relay) => {
				await relay.stop(new RelayEnded('the bot is restarting', false));
				await this.#store.put({ ...relay.record, tail: relay.tail() });
			}),
		);
	}

	#launch(record: RelayRecord): ConsoleRelay {
		this.#startSaving();
		const relay = new ConsoleRelay(record, this.#env, (ended, reason) => {
			if (this.#relays.get(ended.record.threadId) !== ended) return;
			this.stop(ended.record.threadId, reason).catch((err: unknown) =>
				this.#env.logger.error({ err, threadId: ended.record.threadId }, 'relay stop failed'),
			);
		});
		this.#relays.set(record.threadId, relay);
		relay.start();
		return relay;
	}

	/** Routes the rate-limit headers of a relay's own requests back to that relay's pacing. */
	#observe(request: APIRequest, response: ResponseLike): void {
		const match = THREAD_MESSAGE_PATH.exec(String(request.path));
		const relay = match?.[1] ? this.#relays.get(match[1]) : undefined;
		const remainingHeader = response.headers.get('x-ratelimit-remaining');
		const resetAfterHeader = response.headers.get('x-ratelimit-reset-after');
		if (!relay || remainingHeader === null || resetAfterHeader === null) return;
		const remaining = Number(remainingHeader);
		const resetAfter = Number(resetAfterHeader);
		if (!Number.isFinite(remaining) || !Number.isFinite(resetAfter)) return;
		const lane = request.method === 'POST' && !match?.[2] ? 'create' : request.method === 'PATCH' && match?.[2] ? 'edit' : undefined;
		if (lane) relay.observeRateLimit(lane, remaining, resetAfter * 1_000);
	}

	async #threadIsOpen(threadId: string): Promise<boolean> {
		try {
			const channel = (await this.#env.rest.get(Routes.channel(threadId))) as APIChannel;
			return !('thread_metadata' in channel && channel.thread_metadata?.archived);
		} catch (error) {
			if (error instanceof DiscordAPIError && [RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess].includes(error.code as number)) {
				return false;
			}
			// Discord unreachable is no reason to forget a relay: try it and let the relay find out.
			return true;
		}
	}

	#startSaving(): void {
		if (this.#saveTimer) return;
		this.#saveTimer = setInterval(() => {
			for (const relay of this.#relays.values()) {
				this.#store.put({ ...relay.record, tail: relay.tail() }).catch((err: unknown) =>
					this.#env.logger.warn({ err }, 'could not save relay position'),
				);
			}
		}, TAIL_SAVE_INTERVAL_MS);
		this.#saveTimer.unref();
	}
}
