import { afterEach, describe, expect, test } from 'vitest';
import { booleanOption, customIdsOf, messageText, Rig, stringOption, type LinkedUser } from './rig.ts';
import type { FakeMessage } from '../fakes/discord/FakeDiscord.ts';
import type { FakeServer } from '../fakes/panel/FakePanel.ts';

const EPHEMERAL = 64;

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

async function start(): Promise<Rig> {
	rig = await Rig.start({ panel: { powerTransitionMs: 20 } });
	return rig;
}

/** Posts a /server or /resources card and returns it. */
async function postCard(
	current: Rig,
	user: LinkedUser,
	server: FakeServer,
	kind: 'server' | 'resources',
	isPublic = false,
): Promise<FakeMessage> {
	const options = [stringOption('server', server.uuid), ...(isPublic ? [booleanOption('public', true)] : [])];
	return current.answer(current.command(user.discordId, kind, options));
}

function powerRequests(current: Rig) {
	return current.panel.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/power'));
}

describe('/server and /resources cards', () => {
	test('/server shows details, live state and usage, privately, with power and refresh buttons', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Survival @everyone' });

		const card = await postCard(current, alice, server, 'server');
		expect(card.flags & EPHEMERAL).toBe(EPHEMERAL);
		const text = messageText(card);
		expect(text).toContain('Survival');
		expect(text).not.toContain('@everyone');
		expect(text).toContain('🟢 Running');
		expect(text).toContain(server.uuid_short);
		expect(text).toContain('fake-node-01');
		expect(text).toMatch(/CPU 37\.5%/);
		expect(customIdsOf(card)).toEqual([
			`power:start:${server.uuid}`,
			`power:restart:${server.uuid}`,
			`power:stop:${server.uuid}`,
			`power:kill:${server.uuid}`,
			`server:refresh:${server.uuid}`,
		]);
		expect(current.panel.requests.every((request) => request.key === alice.key)).toBe(true);
	});

	test('/resources shows every figure in human units, and refresh redraws it with the clicker’s key', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Creative' });

		const card = await postCard(current, alice, server, 'resources', true);
		expect(card.flags & EPHEMERAL).toBe(0);
		const text = messageText(card);
		for (const figure of ['37.5% of 200%', '2.5 GiB / 4.0 GiB', '1.7 GiB / 20.0 GiB', '↓ 46.0 MiB ↑ 373 MiB', 'Uptime']) {
			expect(text).toContain(figure);
		}

		current.panel.setState(server, 'offline');
		const refresh = current.click(alice.discordId, card, `resources:refresh:${server.uuid}`);
		const redrawn = await current.messageWhen(card.id, (message) => messageText(message).includes('🔴 Offline'));
		expect(redrawn.edits).toBeGreaterThan(0);
		expect((await refresh.callback()).status).toBeLessThan(300);
	});
	test('a node that reports no usage still gives a card that says so', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Quiet' });
		current.panel.failNext(
			{ path: `/api/client/servers/${server.uuid}/resources` },
			{ status: 404, body: { errors: ['no resource usage data found for server'] } },
		);
		const card = await postCard(current, alice, server, 'resources');
		expect(messageText(card)).toContain('not reporting usage');
		expect(messageText(card)).toContain('⚪ Unknown');
	});
});

describe('power buttons', () => {
	test('start on a card acts with the clicker’s key, redraws the card and tells the clicker alone', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Survival', state: 'offline' });
		const card = await postCard(current, alice, server, 'server');
		expect(messageText(card)).toContain('🔴 Offline');

		const click = current.click(alice.discordId, card, `power:start:${server.uuid}`);
		const outcome = await current.answer(click, (message) => message.id !== card.id && /started in about/.test(messageText(message)));
		expect(outcome.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(messageText(outcome)).toContain('**Asked:** start');
		expect(current.panel.powerActions).toEqual([
			{ serverUuid: server.uuid, action: 'start', via: 'rest', userUuid: alice.panelUser.uuid },
		]);
		expect(messageText(current.discord.findMessage(card.id) as FakeMessage)).toContain('🟢 Running');
	});

	test('on A’s public card, B’s click uses B’s own key and the card updates for everyone', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const bob = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Shared' });
		current.panel.addSubuser(server, bob.panelUser, ['control.start', 'control.stop', 'control.restart']);
		const card = await postCard(current, alice, server, 'resources', true);

		const click = current.click(bob.discordId, card, `power:restart:${server.uuid}`);
		const outcome = await current.answer(click, (message) => /restarted in about/.test(messageText(message)));
		expect(outcome.flags & EPHEMERAL).toBe(EPHEMERAL);
		const [request] = powerRequests(current);
		expect(request?.key).toBe(bob.key);
		expect(request?.body).toEqual({ action: 'restart' });
		expect(current.panel.powerActions.map((action) => action.userUuid)).toEqual([bob.panelUser.uuid]);
		expect(current.discord.findMessage(card.id)?.edits).toBeGreaterThan(0);
	});

	test('stop on a public card asks the clicker privately, then acts and redraws the card', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const bob = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Shared' });
		current.panel.addSubuser(server, bob.panelUser, ['control.stop']);
		const card = await postCard(current, alice, server, 'resources', true);

		const prompt = await current.answer(current.click(bob.discordId, card, `power:stop:${server.uuid}`));
		expect(prompt.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(prompt.content).toMatch(/\*\*Stop Shared\?\*\*/);
		expect(current.panel.powerActions).toHaveLength(0);

		const confirm = current.click(bob.discordId, prompt, `power:confirm:stop:${server.uuid}:r${card.id}`);
		await current.messageWhen(prompt.id, (message) => /stopped in about/.test(messageText(message)));
		expect(powerRequests(current).map((request) => request.key)).toEqual([bob.key]);
		await current.messageWhen(card.id, (message) => messageText(message).includes('🔴 Offline'));
		expect(current.requestsTo('PATCH', new RegExp(`/channels/\\d+/messages/${card.id}$`))).toHaveLength(1);
		expect((await confirm.callback()).status).toBeLessThan(300);
	});

	test('stop on a private card asks on the card itself; cancel sends nothing, confirm stops', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Solo' });
		const card = await postCard(current, alice, server, 'server');

		current.click(alice.discordId, card, `power:stop:${server.uuid}`);
		const asking = await current.messageWhen(card.id, (message) => message.content.includes('Stop Solo?'));
		expect(customIdsOf(asking)).toContain(`power:confirm:stop:${server.uuid}:here`);

		current.click(alice.discordId, asking, 'power:cancel:here');
		const cancelled = await current.messageWhen(card.id, (message) => message.content === '');
		expect(customIdsOf(cancelled)).not.toContain('power:cancel:here');
		expect(current.panel.powerActions).toHaveLength(0);

		current.click(alice.discordId, cancelled, `power:kill:${server.uuid}`);
		const askingKill = await current.messageWhen(card.id, (message) => message.content.includes('Kill Solo?'));
		const confirm = current.click(alice.discordId, askingKill, `power:confirm:kill:${server.uuid}:here`);
		const outcome = await current.answer(confirm, (message) => /killed in about/.test(messageText(message)));
		expect(outcome.flags & EPHEMERAL).toBe(EPHEMERAL);
		const redrawn = await current.messageWhen(card.id, (message) => messageText(message).includes('🔴 Offline'));
		expect(redrawn.content).toBe('');
		expect(customIdsOf(redrawn)).toContain(`power:start:${server.uuid}`);
		expect(current.panel.powerActions.map((action) => action.action)).toEqual(['kill']);
	});

	test('an unlinked user’s click gets the link button, and the panel hears nothing at all', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser);
		const card = await postCard(current, alice, server, 'server', true);
		const requestsBefore = current.panel.requests.length;

		const stranger = current.newDiscordUserId();
		const answer = await current.answer(current.click(stranger, card, `power:stop:${server.uuid}`));
		expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(answer.content).toMatch(/not linked/);
		expect(customIdsOf(answer)).toEqual(['link:open']);
		expect(current.panel.requests).toHaveLength(requestsBefore);
	});

	test('a key without control.stop is refused by name and no power request is sent', async () => {
		const current = await start();
		const bob = await current.linkUser({ server: ['control.start', 'control.restart', 'control.console'] });
		const server = current.addServer(bob.panelUser, { name: 'Limited' });
		const card = await postCard(current, bob, server, 'server');

		const clicked = await current.answer(current.click(bob.discordId, card, `power:kill:${server.uuid}`), (message) => message.id !== card.id);
		expect(clicked.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(clicked.content).toMatch(/lacks the `control\.stop` permission, which kill uses/);

		const command = current.command(bob.discordId, 'power', [
			stringOption('server', server.uuid),
			stringOption('action', 'stop'),
			booleanOption('confirm', true),
		]);
		expect((await current.answer(command)).content).toMatch(/lacks the `control\.stop` permission/);
		expect(powerRequests(current)).toHaveLength(0);
		expect(current.panel.powerActions).toHaveLength(0);
	});

	test('buttons on a card posted before a restart still work afterwards', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { state: 'offline' });
		const card = await postCard(current, alice, server, 'resources', true);

		await current.restart();
		const click = current.click(alice.discordId, card, `power:start:${server.uuid}`);
		await current.answer(click, (message) => /started in about/.test(messageText(message)));
		expect(current.panel.powerActions.map((action) => action.action)).toEqual(['start']);
	});

	test('a power button on a message that is not a card (the console relay header) answers the clicker and leaves it alone', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { state: 'offline' });
		const click = current.discord.button({ userId: alice.discordId, customId: `power:start:${server.uuid}` });
		const outcome = await current.answer(click, (message) => /started in about/.test(messageText(message)));
		expect(outcome.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(current.requestsTo('PATCH', /@original$/)).toHaveLength(0);
	});

	test('forged or malformed power ids are answered as expired without a panel call', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser);
		for (const customId of [`power:explode:${server.uuid}`, 'power:start:not-a-server', `power:confirm:stop:${server.uuid}:everywhere`]) {
			const answer = await current.answer(current.discord.button({ userId: alice.discordId, customId }));
			expect(answer.content).toMatch(/expired/);
		}
		expect(current.panel.requests).toHaveLength(0);
	});
});

describe('/power', () => {
	test('says what was asked and what the server did, including when it was already in that state', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Lobby', state: 'offline' });
		const options = [stringOption('server', server.uuid_short), stringOption('action', 'start')];

		const first = current.command(alice.discordId, 'power', options);
		const started = await current.answer(first, (message) => /started in about/.test(messageText(message)));
		expect(started.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(messageText(started)).toContain('**Before:** 🔴 Offline');

		const again = current.command(alice.discordId, 'power', options);
		const already = await current.answer(again, (message) => /\*\*Now:\*\*/.test(messageText(message)));
		expect(messageText(already)).toMatch(/already running, so Wings had nothing to start/);
		expect(powerRequests(current)).toHaveLength(2);
	});

	test('stop asks first; confirm:true with public:true acts at once and posts the result for everyone', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Arena' });

		const asked = current.command(alice.discordId, 'power', [stringOption('server', server.uuid), stringOption('action', 'stop')]);
		const prompt = await current.answer(asked);
		expect(prompt.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(customIdsOf(prompt)).toEqual([`power:confirm:stop:${server.uuid}:private`, 'power:cancel:prompt']);
		current.click(alice.discordId, prompt, 'power:cancel:prompt');
		await current.messageWhen(prompt.id, (message) => message.content.startsWith('Cancelled'));
		expect(current.panel.powerActions).toHaveLength(0);

		const immediate = current.command(alice.discordId, 'power', [
			stringOption('server', server.uuid),
			stringOption('action', 'kill'),
			booleanOption('confirm', true),
			booleanOption('public', true),
		]);
		const outcome = await current.answer(immediate, (message) => /killed in about/.test(messageText(message)));
		expect(outcome.flags & EPHEMERAL).toBe(0);
		expect(messageText(outcome)).toContain(`by <@${alice.discordId}>`);
		expect(current.panel.powerActions.map((action) => action.action)).toEqual(['kill']);
	});

	test('public:true with a confirmation asks privately, then posts the result for everyone', async () => {
		const current = await start();
		const alice = await current.linkUser();
		const server = current.addServer(alice.panelUser, { name: 'Arena' });
		const asked = current.command(alice.discordId, 'power', [
			stringOption('server', server.uuid),
			stringOption('action', 'stop'),
			booleanOption('public', true),
		]);
		const prompt = await current.answer(asked);
		expect(prompt.flags & EPHEMERAL).toBe(EPHEMERAL);

		const confirm = current.click(alice.discordId, prompt, `power:confirm:stop:${server.uuid}:public`);
		const posted = await current.answer(confirm, (message) => message.id !== prompt.id && /stopped in about/.test(messageText(message)));
		expect(posted.flags & EPHEMERAL).toBe(0);
		expect(current.discord.channelMessages(current.discord.channelId).map((message) => message.id)).toContain(posted.id);
		await current.messageWhen(prompt.id, (message) => /stopped in about/.test(messageText(message)));
	});
});
