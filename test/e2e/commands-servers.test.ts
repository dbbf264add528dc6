import type { APIApplicationCommandInteractionDataOption } from 'discord.js';
import { afterEach, describe, expect, test } from 'vitest';
import { customIdsOf, messageText, Rig, stringOption, subcommand } from './rig.ts';
import type { RecordedRequest } from '../fakes/discord/FakeDiscord.ts';

const EPHEMERAL = 64;

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

function focused(name: string, value: string): APIApplicationCommandInteractionDataOption {
	return { type: 3, name, value, focused: true } as APIApplicationCommandInteractionDataOption;
}

function choicesOf(callback: RecordedRequest): { name: string; value: string }[] {
	return (callback.body as { data: { choices: { name: string; value: string }[] } }).data.choices;
}

describe('/servers', () => {
	test('lists name, short id, state and node, ten to a page, with working page buttons', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const current = rig;
		const [, second] = Array.from({ length: 30 }, (_, index) => current.addServer(alice.panelUser, { name: `World ${index + 1}` }));
		if (!second) throw new Error('no second server');
		rig.panel.setState(second, 'offline');
		rig.addServer(alice.panelUser, { name: 'World 3', suspended: true });
		const someoneElse = rig.panel.addUser();
		rig.addServer(someoneElse, { name: 'Not yours' });

		const first = await rig.answer(rig.command(alice.discordId, 'servers'));
		expect(first.flags & EPHEMERAL).toBe(EPHEMERAL);
		const text = messageText(first);
		expect(text).toContain('Your servers (31)');
		expect(text).toContain('Page 1 of 4');
		expect(text).not.toContain('Not yours');
		// Sorted by name with numbers in order: World 1, World 2, World 3, World 3 (suspended), World 4 … World 9.
		expect(text.indexOf('**World 2**')).toBeLessThan(text.indexOf('**World 9**'));
		expect(text).not.toContain('World 10');
		expect(text).toContain(`**World 2** · \`${second.uuid_short}\`\\n🔴 Offline · fake-node-01`);
		expect(text).toContain('⏸️ Suspended');
		expect(text).toContain('🟢 Running');
		// Power states are read for the shown page only, and never for a locked server.
		expect(rig.panel.requests.filter((request) => request.path.endsWith('/resources'))).toHaveLength(9);
		expect(customIdsOf(first)).toEqual(['servers:page:0', 'servers:page:1']);

		rig.click(alice.discordId, first, 'servers:page:1');
		const pageTwo = await rig.messageWhen(first.id, (message) => messageText(message).includes('Page 2 of 4'));
		expect(messageText(pageTwo)).toContain('**World 10**');
		expect(customIdsOf(pageTwo)).toEqual(['servers:page:0', 'servers:page:2']);

		rig.discord.button({ userId: alice.discordId, customId: 'servers:page:99', messageId: first.id });
		await rig.messageWhen(first.id, (message) => messageText(message).includes('Page 4 of 4'));
	});

	test('a user whose key sees nothing is told so', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const answer = await rig.answer(rig.command(alice.discordId, 'servers'));
		expect(messageText(answer)).toMatch(/Your key sees no servers/);
	});
});

describe('server autocomplete', () => {
	test('suggests only the invoking user’s own servers, filtered by what they typed', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const bob = await rig.linkUser();
		const alpha = rig.addServer(alice.panelUser, { name: 'Alpha survival' });
		const creative = rig.addServer(alice.panelUser, { name: 'Alpha creative' });
		const bravo = rig.addServer(bob.panelUser, { name: 'Bravo' });

		const forAlice = await rig.discord
			.autocomplete({ userId: alice.discordId, commandName: 'power', options: [focused('server', '')] })
			.callback();
		expect(choicesOf(forAlice)).toEqual([
			{ name: `Alpha survival (${alpha.uuid_short})`, value: alpha.uuid },
			{ name: `Alpha creative (${creative.uuid_short})`, value: creative.uuid },
		]);

		const typed = await rig.discord
			.autocomplete({ userId: alice.discordId, commandName: 'resources', options: [focused('server', 'surv')] })
			.callback();
		expect(choicesOf(typed)).toEqual([{ name: `Alpha survival (${alpha.uuid_short})`, value: alpha.uuid }]);

		const forBob = await rig.discord
			.autocomplete({ userId: bob.discordId, commandName: 'backup', options: [subcommand('list', [focused('server', '')])] })
			.callback();
		expect(choicesOf(forBob)).toEqual([{ name: `Bravo (${bravo.uuid_short})`, value: bravo.uuid }]);
		expect(rig.panel.requests.filter((request) => request.key === bob.key).every((request) => request.path === '/api/client/servers')).toBe(true);
	});

	test('answers well within 3 s when the panel is slow, from memory once it knows the list', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const bob = await rig.linkUser();
		rig.addServer(alice.panelUser, { name: 'Known' });

		await rig.discord.autocomplete({ userId: alice.discordId, commandName: 'server', options: [focused('server', '')] }).callback();
		rig.panel.setResponseDelay(5_000);

		const warm = rig.discord.autocomplete({ userId: alice.discordId, commandName: 'command', options: [focused('server', 'kno')] });
		const warmCallback = await warm.callback();
		expect(warmCallback.at - warm.dispatchedAt).toBeLessThan(500);
		expect(choicesOf(warmCallback)).toHaveLength(1);

		const cold = rig.discord.autocomplete({ userId: bob.discordId, commandName: 'server', options: [focused('server', '')] });
		const coldCallback = await cold.callback();
		expect(coldCallback.at - cold.dispatchedAt).toBeLessThan(2_500);
		expect(coldCallback.status).toBeLessThan(300);
		expect(choicesOf(coldCallback)[0]?.name).toMatch(/slow/);
		// Ends the still-delayed list request now rather than letting it hold up the teardown.
		await rig.panel.stop();
	});

	test('a user with no link is pointed at /link, without a panel call', async () => {
		rig = await Rig.start();
		const stranger = rig.newDiscordUserId();
		const callback = await rig.discord
			.autocomplete({ userId: stranger, commandName: 'power', options: [focused('server', 'a'), stringOption('action', 'start')] })
			.callback();
		expect(choicesOf(callback)[0]?.name).toMatch(/\/link/);
		expect(rig.panel.requests).toHaveLength(0);
	});
});
