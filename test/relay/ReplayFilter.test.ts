import { describe, expect, test } from 'vitest';
import { ReplayFilter } from '../../src/relay/ReplayFilter.ts';

function relayed(filter: ReplayFilter, lines: readonly string[]): string[] {
	return lines.flatMap((line) => filter.accept(line));
}

describe('ReplayFilter', () => {
	test('passes live lines straight through', () => {
		expect(relayed(new ReplayFilter(), ['a', 'b', 'a'])).toEqual(['a', 'b', 'a']);
	});

	test('drops a replay that only repeats what was relayed', () => {
		const filter = new ReplayFilter();
		relayed(filter, ['1', '2', '3', '4']);
		filter.beginReplay();
		expect(relayed(filter, ['2', '3', '4'])).toEqual([]);
		expect(relayed(filter, ['5'])).toEqual(['5']);
	});

	test('keeps the lines missed while disconnected, in order', () => {
		const filter = new ReplayFilter();
		relayed(filter, ['1', '2', '3']);
		filter.beginReplay();
		expect(relayed(filter, ['2', '3', 'missed-1', 'missed-2', 'live'])).toEqual(['missed-1', 'missed-2', 'live']);
	});

	test('compares trimmed lines, as Wings trims its replay', () => {
		const filter = new ReplayFilter();
		relayed(filter, ['  padded  ', 'x']);
		filter.beginReplay();
		expect(relayed(filter, ['padded', 'x', 'y'])).toEqual(['y']);
	});

	test('a run that stops matching is released whole', () => {
		const filter = new ReplayFilter();
		relayed(filter, ['a', 'b', 'c']);
		filter.beginReplay();
		expect(relayed(filter, ['a', 'b'])).toEqual([]);
		expect(relayed(filter, ['z'])).toEqual(['a', 'b', 'z']);
	});

	test('repeated lines are matched against the right place', () => {
		const filter = new ReplayFilter();
		relayed(filter, ['tick', 'tick', 'save', 'tick']);
		filter.beginReplay();
		expect(relayed(filter, ['save', 'tick', 'tick', 'new'])).toEqual(['tick', 'new']);
	});

	test('endReplay releases held lines when no more replay comes', () => {
		const filter = new ReplayFilter(['x', 'y']);
		filter.beginReplay();
		expect(relayed(filter, ['x'])).toEqual([]);
		expect(filter.endReplay()).toEqual(['x']);
		expect(relayed(filter, ['x'])).toEqual(['x']);
	});

	test('a restored tail de-duplicates the first replay after a restart', () => {
		const filter = new ReplayFilter(['old-1', 'old-2']);
		filter.beginReplay();
		expect(relayed(filter, ['old-1', 'old-2', 'new'])).toEqual(['new']);
		expect(filter.tail(2)).toEqual(['old-2', 'new']);
	});
});
