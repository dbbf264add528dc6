import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { FakeDiscord } from '../fakes/discord/FakeDiscord.ts';
import { FakePanel } from '../fakes/panel/FakePanel.ts';
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

	test('rotating ENCRYPTION_KEY keeps every link working, and records are re-sealed with the new key', async () => {
		rig = await Rig.start();
		const user = await rig.linkUser();
		const server = rig.addServer(user.panelUser);
		const oldKey = rig.config.ENCRYPTION_KEY;
		const newKey = randomBytes(32).toString('base64');

		await rig.restart({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey });
		const start = rig.command(user.discordId, 'console', [
			{ type: 1, name: 'start', options: [{ type: 3, name: 'server', value: server.uuid }] },
		]);
		expect((await rig.answer(start)).content).toMatch(/Console relay started/);

		await rig.restart({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: undefined });
		expect((await rig.bot.deps.links.get(user.discordId))?.apiKey).toBe(user.key);
		expect(rig.panel.requests.every((request) => request.key === user.key)).toBe(true);
	});

	test('after the gateway drops, the bot resumes and still answers', async () => {
		rig = await Rig.start();
		const user = await rig.linkUser();
		rig.discord.dropConnections(4_000);
		const interaction = rig.command(user.discordId, 'unlink');
		expect((await rig.answer(interaction)).content).toMatch(/deleted from Wingman/);
		expect(rig.discord.resumeCount).toBe(1);
		expect(rig.discord.identifyCount).toBe(1);
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

describe('the error boundary', () => {
	test('an unknown control answers that it expired; an unexpected failure gives a reference and is logged', async () => {
		rig = await Rig.start();
		const user = await rig.linkUser();
		const server = rig.addServer(user.panelUser);

		const stale = rig.discord.button({ userId: user.discordId, customId: 'gone:away:1' });
		expect((await rig.answer(stale)).content).toMatch(/This control has expired/);
		const malformed = rig.discord.button({ userId: user.discordId, customId: 'console:stop:<@1>' });
		expect((await rig.answer(malformed)).content).toMatch(/This control has expired/);

		rig.panel.failNext({ method: 'GET', path: `/api/client/servers/${server.uuid}` }, { status: 200, body: { object: 'server' } });
		const broken = rig.command(user.discordId, 'console', [
			{ type: 1, name: 'start', options: [{ type: 3, name: 'server', value: server.uuid }] },
		]);
		const answer = await rig.answer(broken);
		expect(answer.content).toMatch(new RegExp(`could not read\\. Reference: \`${broken.id}\``));
		expect(answer.flags & 64).toBe(64);
		expect(rig.allLogs()).toMatch(/"level":50.*"interactionId":"\d+".*"msg":"interaction failed"/);
		expect(answer.content).not.toMatch(/Error|at .*\.ts/);
	});
});

describe('npm start', () => {
	test('with valid configuration logs in, registers commands, answers, and exits 0 on SIGTERM', async () => {
		const discord = await FakeDiscord.start();
		const panel = await FakePanel.start();
		try {
			await run('npm', ['run', 'build']);
			const child = spawn(process.execPath, ['dist/src/index.js'], {
				env: {
					PATH: process.env.PATH ?? '',
					DISCORD_TOKEN: discord.token,
					DISCORD_API_URL: discord.apiUrl,
					PANEL_URL: panel.url,
					ENCRYPTION_KEY: randomBytes(32).toString('base64'),
					STORAGE_URL: `sqlite://${join(mkdtempSync(join(tmpdir(), 'wingman-start-')), 'store.sqlite')}`,
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let output = '';
			child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
			const exited = once(child, 'exit');

			await discord.waitForRequest((request) => request.method === 'PUT' && request.path.endsWith('/commands'), 20_000);
			expect((discord.globalCommands as unknown[]).length).toBeGreaterThan(0);
			const interaction = discord.chatInput({ userId: '300000000000000001', commandName: 'unlink' });
			await discord.waitForRequest((request) => request.path.includes(interaction.token) && request.method === 'PATCH');

			child.kill('SIGTERM');
			const [code] = (await exited) as [number];
			expect(code).toBe(0);
			expect(output).toContain('"msg":"stopped"');
		} finally {
			await Promise.allSettled([discord.stop(), panel.stop()]);
		}
	});

	test('with no configuration prints the setup message and exits non-zero without a stack trace', async () => {
		const child = spawn('npm', ['start'], {
			env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
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

async function run(command: string, args: string[]): Promise<void> {
	const child = spawn(command, args, { stdio: 'ignore' });
	const [code] = (await once(child, 'exit')) as [number];
	if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}
