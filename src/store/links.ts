import type { Keyv } from 'keyv';
import { z } from 'zod';
import { open, seal, sealedKeyId, SealError, type SealKey } from './seal.ts';

export interface PanelIdentity {
	readonly uuid: string;
	readonly username: string;
}

/** A Discord user's link to the panel, with the key opened for use. */
export interface Link {
	readonly userId: string;
	readonly apiKey: string;
	readonly panelUser: PanelIdentity;
	readonly linkedAt: Date;
}

export interface SealKeys {
	readonly current: SealKey;
	readonly previous?: SealKey | undefined;
}

const storedLink = z.object({
	sealedKey: z.string(),
	panelUser: z.object({ uuid: z.string(), username: z.string() }),
	linkedAt: z.string(),
});

type StoredLink = z.infer<typeof storedLink>;

/** Discord user id → sealed panel key. The key is opened only here, only when it is about to be used. */
export class LinkStore {
	readonly #keyv: Keyv;
	readonly #keys: SealKeys;

	public constructor(keyv: Keyv, keys: SealKeys) {
		this.#keyv = keyv;
		this.#keys = keys;
	}

	public async get(userId: string): Promise<Link | undefined> {
		const raw: unknown = await this.#keyv.get(userId);
		if (raw === undefined) return undefined;
		const parsed = storedLink.safeParse(raw);
		if (!parsed.success) throw new SealError('the stored link record is malformed');

		const record = parsed.data;
		const apiKey = this.#open(userId, record);
		if (sealedKeyId(record.sealedKey) !== this.#keys.current.id) {
			await this.#write(userId, { ...record, sealedKey: seal(apiKey, this.#keys.current, purposeFor(userId)) });
		}

		return { userId, apiKey, panelUser: record.panelUser, linkedAt: new Date(record.linkedAt) };
	}

	public async has(userId: string): Promise<boolean> {
		return (await this.#keyv.get(userId)) !== undefined;
	}

	public async set(userId: string, link: { apiKey: string; panelUser: PanelIdentity }): Promise<void> {
		await this.#write(userId, {
			sealedKey: seal(link.apiKey, this.#keys.current, purposeFor(userId)),
			panelUser: { uuid: link.panelUser.uuid, username: link.panelUser.username },
			linkedAt: new Date().toISOString(),
		});
	}

	public async delete(userId: string): Promise<boolean> {
		return this.#keyv.delete(userId);
	}

	#open(userId: string, record: StoredLink): string {
		const keyId = sealedKeyId(record.sealedKey);
		const { current, previous } = this.#keys;
		const key = keyId === current.id ? current : keyId === previous?.id ? previous : undefined;
		if (!key) throw new SealError('the stored key was sealed with an encryption key this bot no longer has');
		return open(record.sealedKey, key, purposeFor(userId));
	}

	async #write(userId: string, record: StoredLink): Promise<void> {
		await this.#keyv.set(userId, record);
	}
}

// Binding the ciphertext to its owner means a record copied onto another user id will not open.
function purposeFor(userId: string): string {
	return `link:${userId}`;
}
