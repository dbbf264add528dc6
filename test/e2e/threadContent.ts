import type { FakeDiscord, FakeMessage } from '../fakes/discord/FakeDiscord.ts';

const ESCAPES = /\u001b\[[0-9;]*m/g;
const FENCE_START = /^```ansi\n(?:\u001b\[0m)?/;
const FENCE_END = /\n```$/;

export interface ThreadContent {
	/** Console text a reader sees, in order: each message's lines, then its attachment's lines. */
	readonly lines: string[];
	readonly inline: number;
	readonly attached: number;
	/** Lines reported as skipped by the relay's markers. */
	readonly skipped: number;
}

/** Reads a relay thread back the way a person would, ignoring the header and Wingman's notices. */
export function readThread(discord: FakeDiscord, threadId: string, botUserId: string): ThreadContent {
	const lines: string[] = [];
	let inline = 0;
	let attached = 0;
	let skipped = 0;
	for (const message of discord.channelMessages(threadId)) {
		if (message.authorId !== botUserId || !FENCE_START.test(message.content)) continue;
		for (const line of blockLines(message)) {
			const marker = /… (\d+) lines? skipped/.exec(line);
			if (marker) skipped += Number(marker[1]);
			else if (!line.startsWith('[Wingman]')) {
				lines.push(line);
				inline++;
			}
		}
		for (const attachment of message.attachments) {
			for (const line of attachment.data.toString('utf8').split('\n')) {
				if (!line) continue;
				const marker = /… (\d+) lines? skipped/.exec(line);
				if (marker) skipped += Number(marker[1]);
				else if (!line.startsWith('[Wingman]')) {
					lines.push(line);
					if (!line.startsWith('…')) attached++;
				}
			}
		}
	}
	return { lines: joinContinuations(lines), inline, attached, skipped };
}

/** A line cut at a message boundary ends with `…` and its remainder starts with one: read them as one. */
export function joinContinuations(lines: readonly string[]): string[] {
	const joined: string[] = [];
	for (const line of lines) {
		const previous = joined.at(-1);
		if (previous?.endsWith('…') && line.startsWith('…')) joined[joined.length - 1] = previous.slice(0, -1) + line.slice(1);
		else joined.push(line);
	}
	return joined;
}

function blockLines(message: FakeMessage): string[] {
	return message.content.replace(FENCE_START, '').replace(FENCE_END, '').replace(ESCAPES, '').split('\n');
}
