import { describe, expect, test } from 'vitest';
import { encodeCustomId, MAX_CUSTOM_ID_LENGTH, parseCustomId } from '../../src/discord/customId.ts';

describe('custom ids', () => {
	test('round-trip the owner, action and identifiers', () => {
		const id = encodeCustomId('power', 'stop', '3f1c2a9e-5b7d-4e21-9a40-6d2b8c1e7f55', 'confirm');
		expect(parseCustomId(id)).toEqual({
			command: 'power',
			action: 'stop',
			args: ['3f1c2a9e-5b7d-4e21-9a40-6d2b8c1e7f55', 'confirm'],
		});
	});

	test('the longest id Wingman builds fits in 100 characters', () => {
		const uuid = '3f1c2a9e-5b7d-4e21-9a40-6d2b8c1e7f55';
		const threadId = '12345678901234567890';
		expect(encodeCustomId('console', 'restart', uuid, threadId).length).toBeLessThanOrEqual(MAX_CUSTOM_ID_LENGTH);
		expect(() => encodeCustomId('x', 'y', 'z'.repeat(100))).toThrow(RangeError);
	});

	test('refuses separators, free text and malformed ids', () => {
		expect(() => encodeCustomId('power', 'stop', 'a:b')).toThrow(RangeError);
		expect(() => encodeCustomId('power', 'stop', 'has space')).toThrow(RangeError);
		expect(parseCustomId('power')).toBeNull();
		expect(parseCustomId('power::x')).toBeNull();
		expect(parseCustomId('power:stop:<@1>')).toBeNull();
		expect(parseCustomId('a'.repeat(101))).toBeNull();
	});
});
