import { describe, expect, test } from 'vitest';
import { ReplayFilter } from '../../src/relay/ReplayFilter.ts';

function feed(filter: ReplayFilter, lines: readonly string[]): string[] {
	return lines.flatMap((line) => filter.accept(line));
}

/** Relays `window` as one (re)connect window: held, then resolved when the replay is known to be over. */
function connect(filter: ReplayFilter, window: readonly string[]): string[] {
	filter.beginReplay();
	expect(feed(filter, window)).toEqual([]);
	return filter.endReplay();
}

describe('ReplayFilter', () => {
	test('passes live lines straight through outside a replay window', () => {
		expect(feed(new ReplayFilter(), ['a', 'b', 'a'])).toEqual(['a', 'b', 'a']);
	});

	test('the first connect relays the whole history', () => {
		expect(connect(new ReplayFilter(), ['h1', 'h2', 'h3'])).toEqual(['h1', 'h2', 'h3']);
	});

	test('live lines that beat the replay are shown once, after the history', () => {
		expect(connect(new ReplayFilter(), ['live1', 'live2', 'h1', 'h2', 'live1', 'live2'])).toEqual(['h1', 'h2', 'live1', 'live2']);
	});

	test('a replay that only repeats what was relayed is dropped', () => {
		const filter = new ReplayFilter();
		feed(filter, ['1', '2', '3', '4']);
		expect(connect(filter, ['2', '3', '4'])).toEqual([]);
		expect(feed(filter, ['5'])).toEqual(['5']);
	});

	test('lines missed while disconnected are kept, in order, with live lines that raced the replay', () => {
		const filter = new ReplayFilter();
		feed(filter, ['x', 'y', 'z', 'a', 'b', 'c']);
		expect(connect(filter, ['f', 'y', 'z', 'a', 'b', 'c', 'd', 'e', 'f'])).toEqual(['d', 'e', 'f']);
	});

	test('compares trimmed lines, as Wings trims its replay', () => {
		const filter = new ReplayFilter();
		feed(filter, ['  padded  ', 'x']);
		expect(connect(filter, ['padded', 'x', 'y'])).toEqual(['y']);
	});

	test('repeated lines in the history are matched at the right place', () => {
		const filter = new ReplayFilter();
		feed(filter, ['tick', 'tick', 'save', 'tick']);
		expect(connect(filter, ['save', 'tick', 'tick', 'new'])).toEqual(['tick', 'new']);
	});

	test('more missed lines than the replay holds: everything replayed is new', () => {
		const filter = new ReplayFilter();
		feed(filter, ['old-1', 'old-2']);
		expect(connect(filter, ['m3', 'm4', 'm5'])).toEqual(['m3', 'm4', 'm5']);
	});

	test('a restored tail de-duplicates the first replay after a restart', () => {
		const filter = new ReplayFilter(['old-1', 'old-2']);
		expect(connect(filter, ['old-1', 'old-2', 'new'])).toEqual(['new']);
		expect(filter.tail(2)).toEqual(['old-2', 'new']);
	});

	test('a window cut short by its size bound is resolved and passes on', () => {
		const filter = new ReplayFilter();
		filter.beginReplay();
		const lines = Array.from({ length: 2_500 }, (_, index) => `l${index}`);
		expect(feed(filter, lines)).toEqual(lines);
		expect(filter.isCollecting).toBe(false);
	});
});
