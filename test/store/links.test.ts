import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, test } from 'vitest';
import { LinkStore } from '../../src/store/links.ts';
import { open, seal, SealError, sealKeyFromBase64 } from '../../src/store/seal.ts';
import { openStorage } from '../../src/store/storage.ts';
import { API_KEY, defineLinkStoreSuite } from './storeSuite.ts';

const silent = pino({ level: 'silent' });
const KEY = sealKeyFromBase64(Buffer.alloc(32, 7).toString('base64'));

describe('sqlite', () => {
	const directory = mkdtempSync(join(tmpdir(), 'wingman-store-'));
	defineLinkStoreSuite(() => openStorage(`sqlite://${join(directory, 'suite.sqlite')}`, silent));

	test('the key never appears in plaintext in the database files', async () => {
		const file = join(directory, 'plain.sqlite');
		const storage = await openStorage(`sqlite://${file}`, silent);
		await new LinkStore(storage.namespace('links'), { current: KEY }).set('1', {
			apiKey: API_KEY,
			panelUser: { uuid: 'u', username: 'steve' },
		});
		await storage.close();

		const bytes = readdirSync(directory)
			.filter((name) => name.startsWith('plain.sqlite'))
			.map((name) => readFileSync(join(directory, name)).toString('latin1'))
			.join('');
		expect(bytes).toContain('steve');
		expect(bytes).not.toContain(API_KEY);
		expect(bytes).not.toContain(API_KEY.slice(5, 25));
	});

	test('a restarted store reads what the previous one wrote', async () => {
		const file = `sqlite://${join(directory, 'restart.sqlite')}`;
		const first = await openStorage(file, silent);
		await new LinkStore(first.namespace('links'), { current: KEY }).set('9', { apiKey: API_KEY, panelUser: { uuid: 'u', username: 'n' } });
		await first.close();
		const second = await openStorage(file, silent);
		expect((await new LinkStore(second.namespace('links'), { current: KEY }).get('9'))?.apiKey).toBe(API_KEY);
		await second.close();
	});
});

describe('seal', () => {
	test('round-trips and records the key id', () => {
		const sealed = seal('secret', KEY, 'purpose');
		expect(sealed.split('.')[1]).toBe(KEY.id);
		expect(sealed).not.toContain('secret');
		expect(open(sealed, KEY, 'purpose')).toBe('secret');
		expect(seal('secret', KEY, 'purpose')).not.toBe(sealed);
	});

	test('tampering with any part is detected', () => {
		const sealed = seal('secret', KEY, 'purpose');
		const parts = sealed.split('.');
		for (const index of [2, 3, 4]) {
			const tampered = [...parts];
			const part = Buffer.from(tampered[index] ?? '', 'base64url');
			part[0] = (part[0] ?? 0) ^ 1;
			tampered[index] = part.toString('base64url');
			expect(() => open(tampered.join('.'), KEY, 'purpose')).toThrow(SealError);
		}
		expect(() => open(sealed, KEY, 'other purpose')).toThrow(SealError);
		expect(() => open('not sealed at all', KEY, 'purpose')).toThrow(SealError);
	});

	test('refuses keys that are not 32 bytes', () => {
		expect(() => sealKeyFromBase64(Buffer.alloc(16).toString('base64'))).toThrow(SealError);
	});
});
