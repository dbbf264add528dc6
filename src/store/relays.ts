import type { Keyv } from 'keyv';
import { z } from 'zod';

const relayRecord = z.object({
	threadId: z.string(),
	channelId: z.string(),
	guildId: z.string(),
	serverUuid: z.string(),
	serverName: z.string(),
	ownerId: z.string(),
	headerMessageId: z.string(),
	startedAt: z.string(),
	/** The last relayed lines, so a restarted bot does not post the replayed history twice. */
	tail: z.array(z.string()).default([]),
});

export type RelayRecord = z.infer<typeof relayRecord>;

const INDEX_KEY = 'index';
const index = z.array(z.string());

/** Running console relays by thread id, so they resume in their threads after a restart. */
export class RelayStore {
	readonly #keyv: Keyv;
	// Writes to the index are chained so concurrent starts and stops cannot lose each other's update.
	#indexWrite: Promise<unknown> = Promise.resolve();

	public constructor(keyv: Keyv) {
		this.#keyv = keyv;
	}

	public async list(): Promise<RelayRecord[]> {
		const records: RelayRecord[] = [];
		for (const threadId of await this.#ids()) {
			const parsed = relayRecord.safeParse(await this.#keyv.get(`relay:${threadId}`));
			if (parsed.success) records.push(parsed.data);
		}
		return records;
	}

	public async put(record: RelayRecord): Promise<void> {
		await this.#keyv.set(`relay:${record.threadId}`, record);
		await this.#updateIndex((ids) => (ids.includes(record.threadId) ? ids : [...ids, record.threadId]));
	}

	public async delete(threadId: string): Promise<void> {
		await this.#keyv.delete(`relay:${threadId}`);
		await this.#updateIndex((ids) => ids.filter((id) => id !== threadId));
	}

	async #ids(): Promise<string[]> {
		const parsed = index.safeParse(await this.#keyv.get(INDEX_KEY));
		return parsed.success ? parsed.data : [];
	}

	async #updateIndex(change: (ids: string[]) => string[]): Promise<void> {
		const write = this.#indexWrite.then(async () => this.#keyv.set(INDEX_KEY, change(await this.#ids())));
		this.#indexWrite = write.catch(() => undefined);
		await write;
	}
}
