import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import { Rig } from './rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

describe('foundation', () => {
	test('the bot logs in, registers its commands once, and a linked user’s command reaches the panel with their key', async () => {
		rig = await Rig.start();
		const { discord, panel } = rig;
		expect(discord.identifyCount).toBe(1);
		expect(discord.commandWrites).toBe(1);
		expect((discord.guildCommands as { name: string }[]).map((command) => command.name)).toEqual(
			expect.arrayContaining(['link', 'unlink', 'console']),
		);

		const alice = await rig.linkUser();
		const interaction = rig.command(alice.discordId, 'unlink');
		const answer = await rig.answer(interaction);
		expect(answer.content).toMatch(/deleted from Wingman/);
		expect(answer.flags & 64).toBe(64);
		expect(panel.requests).toHaveLength(0);

		await rig.restart();
		expect(discord.commandWrites).toBe(1);
	});

	test('/link validates the key with the panel, stores it sealed, and the key never reaches the log', async () => {
		rig = await Rig.start();
		const user = rig.panel.addUser({ username: 'steve' });
		const key = rig.panel.addKey(user);
		rig.addServer(user, { name: 'Survival' });
		const discordId = rig.newDiscordUserId();

		const command = rig.command(discordId, 'link');
		const modal = await command.callback();
		expect((modal.body as { type: number }).type).toBe(9);

		const submit = rig.discord.modalSubmit({ userId: discordId, customId: 'link:submit', fields: { api_key: `  ${key}  ` } });
		const answer = await rig.answer(submit);
		expect(answer.content).toMatch(/Linked to panel account \*\*steve\*\*/);
		expect(answer.content).toMatch(/every permission Wingman uses/);
		expect(rig.panel.requests.map((request) => request.key)).toContain(key);
		expect((await rig.bot.deps.links.get(discordId))?.apiKey).toBe(key);
		expect(rig.allLogs()).toContain('panel key linked');
		expect(rig.allLogs()).not.toContain(key);
		expect(rig.allLogs()).not.toContain(key.slice(5, 30));
	});
});

describe('npm start', () => {
	test('with no configuration prints the setup message and exits non-zero without a stack trace', async () => {
		const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
			env: { PATH: process.env.PATH ?? '' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const [code] = (await once(child, 'exit')) as [number];
		expect(code).not.toBe(0);
		expect(output).toMatch(/DISCORD_TOKEN is required/);
		expect(output).toMatch(/PANEL_URL is required/);
		expect(output).toMatch(/ENCRYPTION_KEY is required/);
		expect(output).not.toMatch(/\n\s+at /);
	});
});
