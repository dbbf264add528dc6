import { Keyv, type KeyvStoreAdapter } from 'keyv';
import type { Logger } from '../logger.ts';
import { SqliteDatabase } from './SqliteStore.ts';

/** Opens the configured backend; each concern gets its own keyv namespace on it. */
export interface Storage {
	namespace(name: string): Keyv;
	close(): Promise<void>;
}

/** Only the chosen backend's driver is loaded: the Redis and PostgreSQL clients cost memory unused. */
export async function openStorage(url: string, logger: Logger): Promise<Storage> {
	const protocol = new URL(url).protocol;
	const opened: Keyv[] = [];
	let createAdapter: () => KeyvStoreAdapter;
	let closeBackend = async (): Promise<void> => {};

	if (protocol === 'sqlite:') {
		const database = new SqliteDatabase(sqlitePath(url));
		createAdapter = () => database.store();
		closeBackend = async () => database.close();
	} else if (protocol === 'redis:' || protocol === 'rediss:') {
		const { default: KeyvRedis } = await import('@keyv/redis');
		createAdapter = () => new KeyvRedis(url, { throwOnConnectError: true, throwOnErrors: true });
	} else if (protocol === 'postgres:' || protocol === 'postgresql:') {
		const { default: KeyvPostgres } = await import('@keyv/postgres');
		createAdapter = () => new KeyvPostgres({ uri: url, table: 'wingman' });
	} else {
		throw new Error(`unsupported STORAGE_URL scheme ${protocol}`);
	}

	return {
		namespace(name) {
			const keyv = new Keyv({ store: createAdapter(), namespace: name, throwOnErrors: true });
			keyv.on('error', (err: unknown) => logger.error({ err, namespace: name }, 'storage error'));
			opened.push(keyv);
			return keyv;
		},
		async close() {
			await Promise.allSettled(opened.map((keyv) => keyv.disconnect()));
			await closeBackend();
		},
	};
}

/** `sqlite://data/x.sqlite` is relative to the working directory, `sqlite:///var/x.sqlite` absolute, `sqlite://:memory:` in memory. */
function sqlitePath(url: string): string {
	const path = decodeURIComponent(url.slice('sqlite://'.length));
	if (!path) throw new Error('STORAGE_URL sqlite:// needs a file path, e.g. sqlite://data/wingman.sqlite');
	return path;
}
