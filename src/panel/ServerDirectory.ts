import type { PanelClient } from './PanelClient.ts';
import type { PanelServer } from './schemas.ts';

const FRESH_MS = 30_000;
const KEEP_MS = 10 * 60_000;
const MAX_USERS = 5_000;

interface Entry {
	servers: readonly PanelServer[];
	fetchedAt: number;
}

/**
 * Per-user memory of the servers a user's key can see, so autocomplete answers within Discord's 3 s
 * from memory while a slow panel is asked in the background. Entries are keyed by Discord user id and
 * only ever filled from that user's own key.
 */
export class ServerDirectory {
	readonly #entries = new Map<string, Entry>();
	readonly #pending = new Map<string, Promise<readonly PanelServer[]>>();
	readonly #now: () => number;

	public constructor(now: () => number = Date.now) {
		this.#now = now;
	}

	/** Fresh list from the panel (one request in flight per user), remembered for autocomplete. */
	public async refresh(userId: string, panel: PanelClient): Promise<readonly PanelServer[]> {
		const running = this.#pending.get(userId);
		if (running) return running;

		const request = panel
			.listServers()
			.then((servers) => {
				this.#remember(userId, servers);
				return servers;
			})
			.finally(() => this.#pending.delete(userId));
		this.#pending.set(userId, request);
		return request;
	}

	/**
	 * What to show now: the remembered list (refreshed in the background when stale), or a fresh one if
	 * it arrives within `budgetMs`; `undefined` when the panel is slower than that and nothing is known yet.
	 */
	public async lookup(userId: string, panel: PanelClient, budgetMs: number): Promise<readonly PanelServer[] | undefined> {
		const entry = this.#entries.get(userId);
		if (entry && this.#now() - entry.fetchedAt < KEEP_MS) {
			if (this.#now() - entry.fetchedAt >= FRESH_MS) this.refresh(userId, panel).catch(() => undefined);
			return entry.servers;
		}

		const request = this.refresh(userId, panel);
		request.catch(() => undefined);
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<undefined>((resolve) => {
			timer = setTimeout(() => resolve(undefined), budgetMs);
		});
		try {
			return await Promise.race([request, timeout]);
		} finally {
			clearTimeout(timer);
		}
	}

	public forget(userId: string): void {
		this.#entries.delete(userId);
	}

	#remember(userId: string, servers: readonly PanelServer[]): void {
		this.#entries.delete(userId);
		this.#entries.set(userId, { servers, fetchedAt: this.#now() });
		// Map keeps insertion order, so the first key is the least recently refreshed user.
		if (this.#entries.size > MAX_USERS) {
			const oldest = this.#entries.keys().next().value;
			if (oldest !== undefined) this.#entries.delete(oldest);
		}
	}
}
