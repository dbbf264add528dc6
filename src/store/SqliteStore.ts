import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * keyv adapter over better-sqlite3: synchronous, prebuilt-free and maintained, where @keyv/sqlite pulls
 * the callback-based `sqlite3` package. One database file is shared by every namespace.
 */
export class SqliteDatabase {
	readonly #db: Database.Database;

	public constructor(path: string) {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		this.#db = new Database(path);
		this.#db.pragma('journal_mode = WAL');
		this.#db.exec('CREATE TABLE IF NOT EXISTS keyv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
	}

	public store(): SqliteStore {
		return new SqliteStore(this.#db);
	}

	public close(): void {
		if (this.#db.open) this.#db.close();
	}
}

export class SqliteStore extends EventEmitter implements KeyvStoreAdapter {
	public opts: Record<string, unknown> = { dialect: 'sqlite' };
	public namespace?: string | undefined;
	readonly #select: Database.Statement<[string], { value: string }>;
	readonly #upsert: Database.Statement<[string, string]>;
	readonly #remove: Database.Statement<[string]>;
	readonly #removePrefix: Database.Statement<[string]>;
	readonly #removeAll: Database.Statement<[]>;

	public constructor(db: Database.Database) {
		super();
		this.#select = db.prepare('SELECT value FROM keyv WHERE key = ?');
		this.#upsert = db.prepare(
			'INSERT INTO keyv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
		);
		this.#remove = db.prepare('DELETE FROM keyv WHERE key = ?');
		this.#removePrefix = db.prepare("DELETE FROM keyv WHERE key LIKE ? ESCAPE '\\'");
		this.#removeAll = db.prepare('DELETE FROM keyv');
	}

	public async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
		return this.#select.get(key)?.value as StoredData<Value> | undefined;
	}

	public async set(key: string, value: unknown): Promise<void> {
		this.#upsert.run(key, typeof value === 'string' ? value : JSON.stringify(value));
	}

	public async delete(key: string): Promise<boolean> {
		return this.#remove.run(key).changes > 0;
	}

	public async clear(): Promise<void> {
		if (!this.namespace) {
			this.#removeAll.run();
			return;
		}
		this.#removePrefix.run(`${this.namespace.replace(/[\\%_]/g, '\\$&')}:%`);
	}
}
