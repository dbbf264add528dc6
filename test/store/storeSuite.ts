import { randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { LinkStore } from '../../src/store/links.ts';
import { SealError, sealKeyFromBase64 } from '../../src/store/seal.ts';
import type { Storage } from '../../src/store/storage.ts';

export const API_KEY = `c7sp_${'Ab3'.repeat(14)}x`;
const newKey = () => sealKeyFromBase64(randomBytes(32).toString('base64'));

/** The behaviour every backend must show; run once per backend. */
export function defineLinkStoreSuite(openBackend: () => Promise<Storage>): void {
	test('a linked key round-trips and deletes', async () => {
		const storage = await openBackend();
		try {
			const links = new LinkStore(storage.namespace(`links-${randomBytes(4).toString('hex')}`), { current: newKey() });
			await links.set('100000000000000001', { apiKey: API_KEY, panelUser: { uuid: 'u-1', username: 'steve' } });

			const link = await links.get('100000000000000001');
			expect(link).toMatchObject({ apiKey: API_KEY, panelUser: { uuid: 'u-1', username: 'steve' } });
			expect(link?.linkedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
			expect(await links.get('100000000000000002')).toBeUndefined();
			expect(await links.delete('100000000000000001')).toBe(true);
			expect(await links.get('100000000000000001')).toBeUndefined();
		} finally {
			await storage.close();
		}
	});

	test('records sealed with the previous key are read and re-sealed with the new one', async () => {
		const storage = await openBackend();
		try {
			const namespace = `links-${randomBytes(4).toString('hex')}`;
			const oldKey = newKey();
			const currentKey = newKey();
			await new LinkStore(storage.namespace(namespace), { current: oldKey }).set('1', {
				apiKey: API_KEY,
				panelUser: { uuid: 'u', username: 'n' },
			});

			const rotated = new LinkStore(storage.namespace(namespace), { current: currentKey, previous: oldKey });
			expect((await rotated.get('1'))?.apiKey).toBe(API_KEY);

			const withoutOldKey = new LinkStore(storage.namespace(namespace), { current: currentKey });
			expect((await withoutOldKey.get('1'))?.apiKey).toBe(API_KEY);
		} finally {
			await storage.close();
		}
	});

	test('a record sealed with an unknown key or copied to another user is a clear error', async () => {
		const storage = await openBackend();
		try {
			const namespace = storage.namespace(`links-${randomBytes(4).toString('hex')}`);
			await new LinkStore(namespace, { current: newKey() }).set('1', { apiKey: API_KEY, panelUser: { uuid: 'u', username: 'n' } });
			await expect(new LinkStore(namespace, { current: newKey() }).get('1')).rejects.toBeInstanceOf(SealError);

			const key = newKey();
			const links = new LinkStore(namespace, { current: key });
			await links.set('1', { apiKey: API_KEY, panelUser: { uuid: 'u', username: 'n' } });
			await namespace.set('2', await namespace.get('1'));
			await expect(links.get('2')).rejects.toThrow(/integrity/);
		} finally {
			await storage.close();
		}
	});
}
