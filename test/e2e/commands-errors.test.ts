import { afterEach, describe, expect, test } from 'vitest';
import { booleanOption, customIdsOf, messageText, Rig, stringOption, subcommand } from './rig.ts';

const EPHEMERAL = 64;

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

async function answerTo(current: Rig, userId: string, command: string, serverId: string, extra = [booleanOption('public', false)]) {
	return current.answer(current.command(userId, command, [stringOption('server', serverId), ...extra]));
}

describe('panel failures reach people as plain language, privately', () => {
	test('a revoked key (401) suggests /link', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		rig.panel.revokeKey(alice.key);
		const answer = await answerTo(rig, alice.discordId, 'server', server.uuid);
		expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(answer.content).toMatch(/no longer accepts your API key.*`\/link`/);
	});

	test('a missing permission (403) is named', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser({ server: ['control.start'] });
		const server = rig.addServer(alice.panelUser);
		const answer = await answerTo(rig, alice.discordId, 'command', server.uuid, [stringOption('command', 'say hi')]);
		expect(answer.content).toMatch(/does not have the `control\.console` permission/);
		expect(rig.panel.commands).toHaveLength(0);
	});

	test('someone else’s server (404) reads as not found or no access, even from a public request', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const theirs = rig.addServer(rig.panel.addUser(), { name: 'Private' });
		const answer = await answerTo(rig, alice.discordId, 'resources', theirs.uuid, [booleanOption('public', true)]);
		expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(answer.content).toBe('Server not found, or your panel account has no access to it.');
		expect(rig.discord.channelMessages(rig.discord.channelId)).toHaveLength(0);
	});

	test('a click by someone without access to the server (404) changes nothing', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const mallory = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		const card = await answerTo(rig, alice.discordId, 'server', server.uuid, [booleanOption('public', true)]);
		const answer = await rig.answer(rig.click(mallory.discordId, card, `power:start:${server.uuid}`), (message) => message.id !== card.id);
		expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(answer.content).toMatch(/no access/);
		expect(rig.panel.powerActions).toHaveLength(0);
		expect(rig.discord.findMessage(card.id)?.edits).toBe(card.edits);
	});

	test('a locked server (409) says why: suspended, installing', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const suspended = rig.addServer(alice.panelUser, { suspended: true });
		const installing = rig.addServer(alice.panelUser, { status: 'installing', state: 'offline' });

		expect((await answerTo(rig, alice.discordId, 'resources', suspended.uuid)).content).toMatch(/suspended on the panel/);
		const power = rig.command(alice.discordId, 'power', [stringOption('server', installing.uuid), stringOption('action', 'start')]);
		expect((await rig.answer(power)).content).toMatch(/still installing/);
		expect(rig.panel.requests.filter((request) => request.path.endsWith('/power'))).toHaveLength(0);

		// The details card still opens, with the lifecycle in place of the power state.
		const card = await answerTo(rig, alice.discordId, 'server', suspended.uuid);
		expect(messageText(card)).toContain('⏸️ Suspended');
	});

	test('a rate limit (429) gives the wait', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		rig.panel.failNext({ method: 'GET', path: `/api/client/servers/${server.uuid}` }, { status: 429, headers: { 'Retry-After': '120' } });
		const answer = await answerTo(rig, alice.discordId, 'server', server.uuid);
		expect(answer.content).toBe('The panel is rate limiting these requests. Try again in 2 min.');
	});

	test('a panel error (5xx) says so, with a reference', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		rig.panel.failNext({ path: `/api/client/servers/${server.uuid}/backups` }, { status: 502 });
		const command = rig.command(alice.discordId, 'backup', [subcommand('list', [stringOption('server', server.uuid)])]);
		const answer = await rig.answer(command);
		expect(answer.content).toMatch(/internal error \(HTTP 502\).*Reference: `\d+`/);
	});

	test('an unreachable panel says so', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		await rig.panel.stop();
		const answer = await answerTo(rig, alice.discordId, 'server', server.uuid);
		expect(answer.content).toMatch(/could not reach the panel/);
	});

	test('an answer nobody expected gets a reference, and the full error goes to the log', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		rig.panel.failNext({ path: `/api/client/servers/${server.uuid}/resources` }, { status: 200, body: { resources: { state: 'exploded' } } });
		const command = rig.command(alice.discordId, 'resources', [stringOption('server', server.uuid)]);
		const answer = await rig.answer(command);
		expect(answer.content).toBe(`The panel sent an answer Wingman could not read. Reference: \`${command.id}\``);
		expect(rig.allLogs()).toMatch(/"msg":"interaction failed"/);
		expect(rig.allLogs()).toContain(command.id);
	});

	test('an unlinked user gets the link button and the panel hears nothing', async () => {
		rig = await Rig.start();
		const stranger = rig.newDiscordUserId();
		const server = stringOption('server', '0123abcd');
		const invocations = [
			rig.command(stranger, 'servers'),
			rig.command(stranger, 'server', [server]),
			rig.command(stranger, 'resources', [server]),
			rig.command(stranger, 'power', [server, stringOption('action', 'start')]),
			rig.command(stranger, 'command', [server, stringOption('command', 'list')]),
			rig.command(stranger, 'backup', [subcommand('create', [server])]),
		];
		for (const invocation of invocations) {
			const answer = await rig.answer(invocation);
			expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
			expect(customIdsOf(answer)).toEqual(['link:open']);
		}
		expect(rig.panel.requests).toHaveLength(0);
	});
});

describe('/command', () => {
	test('sends the command with the user’s key and echoes it safely', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser, { name: 'Survival' });
		const typed = 'say ```@everyone``` <@123>';
		const answer = await answerTo(rig, alice.discordId, 'command', server.uuid_short, [stringOption('command', typed)]);
		expect(answer.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(answer.content).toContain('Sent to **Survival**');
		expect(answer.content).not.toContain('@everyone');
		expect(answer.content).not.toContain('<@123>');
		expect(answer.content.match(/```/g)).toHaveLength(2);
		expect(rig.panel.commands).toEqual([{ serverUuid: server.uuid, command: typed, via: 'rest', userUuid: alice.panelUser.uuid, key: alice.key }]);
	});

	test('an offline server (the panel’s bare 500) is explained as offline', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser, { name: 'Sleeping', state: 'offline' });
		const answer = await answerTo(rig, alice.discordId, 'command', server.uuid, [stringOption('command', 'list')]);
		expect(answer.content).toMatch(/\*\*Sleeping\*\* is offline, so the command was not run/);
	});

	test('more than 1024 characters is refused before the panel', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser);
		const answer = await answerTo(rig, alice.discordId, 'command', server.uuid, [stringOption('command', 'x'.repeat(1_025))]);
		expect(answer.content).toMatch(/1 to 1024 characters; this one has 1025/);
		expect(rig.panel.requests).toHaveLength(0);
	});
});
