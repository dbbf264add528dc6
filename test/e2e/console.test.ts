import { afterEach, describe, expect, test } from 'vitest';
import type { ConsoleRelay } from '../../src/relay/ConsoleRelay.ts';
import type { FakeServer } from '../fakes/panel/FakePanel.ts';
import { Rig, booleanOption, stringOption, subcommand, type LinkedUser } from './rig.ts';
import { readThread } from './threadContent.ts';

const FAST_SOCKET = { backoff: { baseMs: 50, maxMs: 400, jitter: 0 } };

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

async function startRelay(current: Rig, owner: LinkedUser, server: FakeServer, isPrivate = false): Promise<string> {
	const interaction = current.command(owner.discordId, 'console', [
		subcommand('start', [stringOption('server', server.uuid), ...(isPrivate ? [booleanOption('private', true)] : [])]),
	]);
	const answer = await current.answer(interaction);
	const threadId = /<#(\d+)>/.exec(answer.content)?.[1];
	if (!threadId) throw new Error(`no thread in answer: ${answer.content}`);
	await current.panel.waitFor(() => current.panel.sockets.some((socket) => socket.serverUuid === server.uuid && socket.authenticated));
	return threadId;
}

function runningRelay(current: Rig, threadId: string): ConsoleRelay {
	const relay = current.bot.deps.relays.get(threadId);
	if (!relay) throw new Error(`no relay runs in thread ${threadId}`);
	return relay;
}

async function waitForLines(current: Rig, threadId: string, predicate: (lines: string[]) => boolean, timeoutMs = 10_000) {
	await current.discord.waitForRequest(() => predicate(readThread(current.discord, threadId, current.discord.botUserId).lines), timeoutMs);
	return readThread(current.discord, threadId, current.discord.botUserId);
}

describe('/console relay', () => {
	test('relays history and live output into a new thread, batched, with the header showing state', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser, { name: 'Survival' });
		rig.panel.emitConsole(server, ['[10:00:00 INFO]: history one', '[10:00:01 INFO]: history two']);

		const threadId = await startRelay(rig, owner, server);
		const thread = rig.discord.thread(threadId);
		expect(thread).toMatchObject({ parentId: rig.discord.channelId, type: 11 });
		await waitForLines(rig, threadId, (lines) => lines.length === 2);

		const live = Array.from({ length: 30 }, (_, index) => `[10:00:02 INFO]: live ${index}`);
		rig.panel.emitConsole(server, live);
		const content = await waitForLines(rig, threadId, (lines) => lines.length === 32);
		expect(content.lines).toEqual(['[10:00:00 INFO]: history one', '[10:00:01 INFO]: history two', ...live]);
		const consoleRequests = rig.requestsTo('POST', new RegExp(`/channels/${threadId}/messages$`)).length +
			rig.requestsTo('PATCH', new RegExp(`/channels/${threadId}/messages/`)).length;
		expect(consoleRequests).toBeLessThan(10);

		await rig.discord.waitForRequest(() => JSON.stringify(rig?.discord.channelMessages(threadId)[0]?.embeds ?? []).includes('Memory'));
		rig.panel.setState(server, 'offline');
		await rig.discord.waitForRequest(() => {
			const header = rig?.discord.channelMessages(threadId)[0];
			return JSON.stringify(header?.embeds ?? []).includes('Offline');
		});
		expect(rig.discord.rateLimitHits).toBe(0);
	});

	test('private:true makes a private thread with the starter in it', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const threadId = await startRelay(rig, owner, rig.addServer(owner.panelUser), true);
		expect(rig.discord.thread(threadId)).toMatchObject({ type: 12 });
		expect(rig.discord.thread(threadId)?.members).toContain(owner.discordId);
	});

	test('an unlinked user cannot start a relay and is offered the link button', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const stranger = rig.newDiscordUserId();
		const answer = await rig.answer(rig.command(stranger, 'console', [subcommand('start', [stringOption('server', server.uuid)])]));
		expect(answer.content).toMatch(/not linked/);
		expect(JSON.stringify(answer.components)).toContain('link:open');
		expect(rig.panel.requests).toHaveLength(0);
		expect(rig.discord.requests.some((request) => request.path.endsWith('/threads'))).toBe(false);
	});

	test('starting again in the same channel points to the existing thread', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		const again = rig.command(owner.discordId, 'console', [subcommand('start', [stringOption('server', server.uuid_short)])]);
		expect((await rig.answer(again)).content).toMatch(new RegExp(`already relayed here: <#${threadId}>`));
		expect(rig.panel.sockets.filter((socket) => socket.isOpen)).toHaveLength(1);
	});

	test('console output can neither mention anyone nor break out of its code block', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		rig.panel.emitConsole(server, ['@everyone free nitro', '```', '<@123456789012345678> <@&123456789012345678> @here', '```\n@everyone', '\u001b[38;2;255;170;0mgold\u001b[0m [0m done']);
		await waitForLines(rig, threadId, (lines) => lines.some((line) => line.includes('done')));

		for (const message of rig.discord.channelMessages(threadId).slice(1)) {
			expect(message.content).not.toMatch(/@everyone|@here|<@!?\d+>|<@&\d+>/);
			expect(message.content.match(/```/g)).toHaveLength(2);
			expect(message.content.startsWith('```ansi\n')).toBe(true);
		}
		const consoleCreates = rig.requestsTo('POST', new RegExp(`/channels/${threadId}/messages$`)).slice(1);
		for (const request of consoleCreates) expect((request.body as { allowed_mentions: unknown }).allowed_mentions).toEqual({ parse: [] });
	});

	test('a message typed in the thread is sent with the typer’s own key; unlinked users and bots are not sent', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const helper = await rig.linkUser(undefined, rig.panel.addUser({ username: 'helper' }));
		rig.panel.addSubuser(server, helper.panelUser, ['control.console', 'control.read-console']);
		const threadId = await startRelay(rig, owner, server);

		const typed = rig.discord.message({ userId: helper.discordId, channelId: threadId, content: 'say hello from helper' });
		await rig.panel.waitFor(() => rig?.panel.commands.some((command) => command.command === 'say hello from helper') ?? false);
		const sent = rig.panel.commands.find((command) => command.command === 'say hello from helper');
		expect(sent).toMatchObject({ via: 'rest', userUuid: helper.panelUser.uuid, key: helper.key });
		await rig.discord.waitForRequest((request) => request.method === 'PUT' && request.path.includes(`/messages/${typed.id}/reactions/`));

		const stranger = rig.newDiscordUserId();
		rig.discord.message({ userId: stranger, channelId: threadId, content: 'op me' });
		await rig.discord.waitForRequest((request) => request.method === 'POST' && JSON.stringify(request.body).includes('you have not linked'));
		rig.discord.message({ userId: stranger, channelId: threadId, content: 'stop', bot: true });
		rig.discord.message({ userId: helper.discordId, channelId: threadId, content: '// just chatting' });
		const marker = rig.discord.message({ userId: helper.discordId, channelId: threadId, content: 'list' });
		await rig.panel.waitFor(() => rig?.panel.commands.some((command) => command.command === 'list') ?? false);
		await rig.discord.waitForRequest((request) => request.method === 'PUT' && request.path.includes(`/messages/${marker.id}/reactions/`));
		expect(rig.panel.commands.map((command) => command.command)).toEqual(['say hello from helper', 'list']);
	});

	test('a power button on the relay header acts with the clicker’s key and the header follows the state', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser, { state: 'offline' });
		const helper = await rig.linkUser(undefined, rig.panel.addUser({ username: 'helper' }));
		rig.panel.addSubuser(server, helper.panelUser, ['control.start', 'control.read-console']);
		const threadId = await startRelay(rig, owner, server);
		const header = rig.discord.channelMessages(threadId)[0];
		if (!header) throw new Error('no header');

		const click = rig.click(helper.discordId, header, `power:start:${server.uuid}`);
		await rig.panel.waitFor(() => rig?.panel.powerActions.length === 1);
		await rig.discord.waitForRequest(() => rig?.discord.followUps(click.token).some((message) => message.flags & 64) ?? false);
		expect(rig.panel.powerActions.map((action) => [action.action, action.userUuid])).toEqual([['start', helper.panelUser.uuid]]);
		await rig.messageWhen(header.id, (message) => JSON.stringify(message.embeds).includes('Running'));
		expect(rig.discord.channelMessages(threadId)[0]?.components).toEqual(header.components);
	});

	test('a command typed during a flood reaches the panel before the flood has drained', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		const relay = runningRelay(rig, threadId);

		rig.panel.emitConsole(server, Array.from({ length: 20_000 }, (_, index) => `[12:00:00 INFO]: flood ${index} ${'z'.repeat(80)}`));
		// The relay's own posts are the events to re-check on: the panel records nothing while the bot reads.
		await rig.discord.waitForRequest(() => relay.counters.linesIn >= 10_000, 20_000);
		rig.discord.message({ userId: owner.discordId, channelId: threadId, content: 'save-all' });
		await rig.panel.waitFor(() => rig?.panel.commands.some((command) => command.command === 'save-all') ?? false);
		const { linesIn, linesInline, linesAttached } = relay.counters;
		expect(linesIn - linesInline - linesAttached).toBeGreaterThan(0);
	});

	test('a key without control.console is refused with the permission named', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const viewer = await rig.linkUser({ server: ['control.read-console'] }, owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		rig.discord.message({ userId: viewer.discordId, channelId: threadId, content: 'stop' });
		await rig.discord.waitForRequest((request) => request.method === 'POST' && JSON.stringify(request.body).includes('control.console'));
		expect(rig.panel.commands).toHaveLength(0);
	});

	test('the token is refreshed on the same socket over several cycles without losing a line', async () => {
		rig = await Rig.start({
			panel: { tokenLifetimeSeconds: 3, expiringWindowSeconds: 2, tokenCheckIntervalMs: 100 },
			bot: { relaySocket: FAST_SOCKET },
		});
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		const tokensAtStart = rig.panel.tokensIssued;

		const sent: string[] = [];
		for (let cycle = 0; cycle < 4; cycle++) {
			const issued = rig.panel.tokensIssued;
			for (let index = 0; index < 5; index++) {
				const line = `cycle ${cycle} line ${index}`;
				sent.push(line);
				rig.panel.emitConsole(server, line);
			}
			await rig.panel.waitFor(() => (rig?.panel.tokensIssued ?? 0) > issued, 8_000);
		}
		const content = await waitForLines(rig, threadId, (lines) => lines.length >= sent.length);
		expect(content.lines).toEqual(sent);
		expect(rig.panel.tokensIssued - tokensAtStart).toBeGreaterThanOrEqual(4);
		expect(rig.panel.sockets.filter((socket) => socket.serverUuid === server.uuid)).toHaveLength(1);
		expect(rig.allLogs()).not.toContain(owner.key);
	});

	test('after a Wings disconnect it reconnects and the replayed history is not posted twice', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		rig.panel.emitConsole(server, ['before 1', 'before 2', 'before 3']);
		await waitForLines(rig, threadId, (lines) => lines.length === 3);

		rig.panel.dropSockets(server);
		rig.panel.emitConsole(server, ['while away 1', 'while away 2']);
		await rig.panel.waitFor(() => (rig?.panel.sockets.filter((socket) => socket.authenticated && socket.isOpen).length ?? 0) === 1);
		rig.panel.emitConsole(server, ['after']);
		const content = await waitForLines(rig, threadId, (lines) => lines.includes('after'));
		expect(content.lines).toEqual(['before 1', 'before 2', 'before 3', 'while away 1', 'while away 2', 'after']);
	});

	test('relays resume in their threads after a bot restart, without repeating history', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		rig.panel.emitConsole(server, ['one', 'two']);
		await waitForLines(rig, threadId, (lines) => lines.length === 2);

		await rig.restart();
		await rig.panel.waitFor(() => (rig?.panel.sockets.filter((socket) => socket.authenticated && socket.isOpen).length ?? 0) === 1);
		rig.panel.emitConsole(server, ['three']);
		const content = await waitForLines(rig, threadId, (lines) => lines.includes('three'));
		expect(content.lines).toEqual(['one', 'two', 'three']);
		expect(rig.bot.deps.relays.get(threadId)).toBeDefined();
	});

	test('after a restart, a relay whose thread was deleted meanwhile is forgotten, the others resume', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const kept = await startRelay(rig, owner, rig.addServer(owner.panelUser));
		const gone = await startRelay(rig, owner, rig.addServer(owner.panelUser));

		await rig.bot.stop();
		rig.discord.deleteThread(gone);
		await rig.restart();
		expect(rig.bot.deps.relays.get(kept)).toBeDefined();
		expect(rig.bot.deps.relays.get(gone)).toBeUndefined();
		expect(rig.bot.deps.relays.size).toBe(1);
	});

	test('the relay stops on /console stop, the stop button, archiving, deleting, unlinking and lost access', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const openSockets = () => rig?.panel.sockets.filter((socket) => socket.isOpen).length ?? 0;

		const byCommand = await startRelay(rig, owner, rig.addServer(owner.panelUser));
		await rig.answer(rig.command(owner.discordId, 'console', [subcommand('stop')], byCommand));
		expect(rig.bot.deps.relays.get(byCommand)).toBeUndefined();

		const byButton = await startRelay(rig, owner, rig.addServer(owner.panelUser));
		await rig.answer(rig.discord.button({ userId: owner.discordId, customId: `console:stop:${byButton}`, channelId: byButton }));
		expect(rig.bot.deps.relays.get(byButton)).toBeUndefined();

		const archived = await startRelay(rig, owner, rig.addServer(owner.panelUser));
		rig.discord.archiveThread(archived);
		await rig.panel.waitFor(() => openSockets() === 0);

		const deleted = await startRelay(rig, owner, rig.addServer(owner.panelUser));
		rig.discord.deleteThread(deleted);
		await rig.panel.waitFor(() => openSockets() === 0);

		const unlinked = await startRelay(rig, owner, rig.addServer(owner.panelUser));
		await rig.answer(rig.command(owner.discordId, 'unlink'));
		await rig.discord.waitForRequest((request) => request.path === `/channels/${unlinked}/messages` && JSON.stringify(request.body).includes('unlinked'));
		await rig.panel.waitFor(() => openSockets() === 0);

		const other = await rig.linkUser();
		const revokedServer = rig.addServer(other.panelUser);
		const revoked = await startRelay(rig, other, revokedServer);
		rig.panel.revokeKey(other.key);
		rig.panel.dropSockets(revokedServer);
		await rig.discord.waitForRequest((request) => request.path === `/channels/${revoked}/messages` && JSON.stringify(request.body).includes('no longer accepts'));
		expect(rig.bot.deps.relays.size).toBe(0);
	});

	test('a console that freezes while stats keep flowing is resubscribed and nothing is lost', async () => {
		rig = await Rig.start({ bot: { relaySocket: { ...FAST_SOCKET, freezeTimeoutMs: 400 } } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		rig.panel.emitConsole(server, 'before the freeze');
		await waitForLines(rig, threadId, (lines) => lines.length === 1);

		rig.panel.freezeConsole(server);
		rig.panel.emitConsole(server, ['lost in the freeze 1', 'lost in the freeze 2']);
		// Wings pushes stats about once a second while the server runs; here, faster.
		const stats = setInterval(() => rig?.panel.emitStats(server), 50);
		try {
			await rig.panel.waitFor(() => (rig?.panel.sockets.filter((socket) => socket.serverUuid === server.uuid).length ?? 0) === 2, 10_000);
		} finally {
			clearInterval(stats);
		}
		const content = await waitForLines(rig, threadId, (lines) => lines.length === 3);
		expect(content.lines).toEqual(['before the freeze', 'lost in the freeze 1', 'lost in the freeze 2']);
	});

	test('a flood of 20,000 lines in 10 s earns no 429, stays bounded and accounts for every line', async () => {
		rig = await Rig.start({ bot: { relaySocket: FAST_SOCKET } });
		const owner = await rig.linkUser();
		const server = rig.addServer(owner.panelUser);
		const threadId = await startRelay(rig, owner, server);
		const relay = runningRelay(rig, threadId);

		const total = 20_000;
		const sent: string[] = [];
		let peakPending = 0;
		await new Promise<void>((resolve) => {
			let second = 0;
			const tick = setInterval(() => {
				const batch = Array.from({ length: total / 10 }, (_, index) => {
					const line = `[12:00:${String(second).padStart(2, '0')} INFO]: flood ${second * 2_000 + index} <@123456789012345678> \`\`\` \u001b[33mwarn\u001b[0m ${'x'.repeat(index % 120)}`;
					sent.push(line);
					return line;
				});
				rig?.panel.emitConsole(server, batch);
				peakPending = Math.max(peakPending, relay.pendingChars);
				if (++second === 10) {
					clearInterval(tick);
					resolve();
				}
			}, 1_000);
		});

		const { discord } = rig;
		const accounted = () => {
			peakPending = Math.max(peakPending, relay.pendingChars);
			const content = readThread(discord, threadId, discord.botUserId);
			return content.lines.length + content.skipped;
		};
		await discord.waitForRequest(() => accounted() >= total, 20_000);
		const content = readThread(discord, threadId, discord.botUserId);
		expect(rig.discord.rateLimitHits).toBe(0);
		expect(content.lines.length + content.skipped).toBe(total);
		expect(content.skipped).toBe(0);
		const ids = content.lines.map((line) => Number(/flood (\d+)/.exec(line)?.[1]));
		expect(ids).toEqual(sent.map((_, index) => index));
		expect(content.inline).toBeGreaterThan(0);
		expect(content.attached).toBeGreaterThan(0);
		// Each create takes everything waiting, so the backlog never outgrows ~2 s of this flood's output
		// (2,000 lines × ~120 characters a second): no queue builds up behind Discord's limits.
		expect(peakPending).toBeLessThan(600_000);
		for (const message of rig.discord.channelMessages(threadId)) {
			expect(message.content.length).toBeLessThanOrEqual(2_000);
			expect(message.content).not.toMatch(/<@\d+>/);
		}
	}, 60_000);
});
