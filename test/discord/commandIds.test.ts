import { describe, expect, test } from 'vitest';
import { MAX_CUSTOM_ID_LENGTH } from '../../src/discord/customId.ts';
import { pageFromArg, pagerRows } from '../../src/discord/paging.ts';
import { confirmPrompt } from '../../src/discord/powerReplies.ts';
import type { PanelServer } from '../../src/panel/schemas.ts';

const UUID = '3f1c2a9e-5b7d-4e21-9a40-6d2b8c1e7f55';

describe('ids the server commands build', () => {
	test('the longest power confirmation id fits in 100 characters', () => {
		const server = { uuid: UUID, name: 'x' } as PanelServer;
		const prompt = confirmPrompt('restart', { server, before: undefined }, `r${'9'.repeat(20)}`);
		const [confirm] = prompt.components[0]?.components ?? [];
		expect(confirm && 'custom_id' in confirm ? confirm.custom_id.length : Infinity).toBeLessThanOrEqual(MAX_CUSTOM_ID_LENGTH);
	});

	test('page buttons never share an id, and none are shown for a single page', () => {
		expect(pagerRows('servers', [], 0, 1)).toEqual([]);
		for (const [page, count] of [
			[0, 2],
			[1, 3],
			[2, 3],
		] as const) {
			const ids = (pagerRows('backup', [UUID], page, count)[0]?.components ?? []).map((button) =>
				'custom_id' in button ? button.custom_id : '',
			);
			expect(new Set(ids).size).toBe(2);
		}
	});

	test('page arguments are clamped to the list as it is now, and forged ones are refused', () => {
		expect(pageFromArg('7', 3)).toBe(2);
		expect(pageFromArg('0', 3)).toBe(0);
		for (const forged of ['-1', 'x', '1.5', '999999', undefined]) expect(() => pageFromArg(forged, 3)).toThrow(/expired/);
	});
});
