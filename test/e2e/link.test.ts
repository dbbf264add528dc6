import { afterEach, describe, expect, test } from 'vitest';
import { Rig } from './rig.ts';

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

async function submitKey(current: Rig, discordId: string, key: string) {
	return current.answer(current.discord.modalSubmit({ userId: discordId, customId: 'link:submit', fields: { api_key: key } }));
}

describe('/link and /unlink', () => {
	test('obvious non-keys get a specific hint and never reach the panel', async () => {
		rig = await Rig.start();
		const discordId = rig.newDiscordUserId();
		await rig.command(discordId, 'link').callback();

		expect((await submitKey(rig, discordId, `ptlc_${'a'.repeat(43)}`)).content).toMatch(/Pterodactyl key/);
		expect((await submitKey(rig, discordId, 'hunter2')).content).toMatch(/keys start with `c7sp_`/);
		expect((await submitKey(rig, discordId, `c7sp_${'a'.repeat(40)}`)).content).toMatch(/45 characters long .*48 in all/);
		expect(rig.panel.requests).toHaveLength(0);
		expect(await rig.bot.deps.links.has(discordId)).toBe(false);
	});

	test('a key the panel refuses is not stored', async () => {
		rig = await Rig.start();
		const discordId = rig.newDiscordUserId();
		const answer = await submitKey(rig, discordId, `c7sp_${'Z'.repeat(43)}`);
		expect(answer.content).toMatch(/does not accept this key[\s\S]*Nothing was saved/);
		expect(answer.flags & 64).toBe(64);
		expect(await rig.bot.deps.links.has(discordId)).toBe(false);
	});

	test('missing permissions are listed, and re-linking replaces the key', async () => {
		rig = await Rig.start();
		const user = rig.panel.addUser({ username: 'alex' });
		rig.addServer(user);
		const narrow = rig.panel.addKey(user, { user: ['servers.read'], server: ['control.read-console', 'control.start'] });
		const discordId = rig.newDiscordUserId();

		const first = await submitKey(rig, discordId, narrow);
		expect(first.content).toMatch(/Linked to panel account \*\*alex\*\*/);
		expect(first.content).toMatch(/`control\.stop`: stop and kill servers/);
		expect(first.content).toMatch(/`backups\.create`/);
		expect(first.content).not.toMatch(/`control\.start`/);

		const wide = rig.panel.addKey(user);
		expect((await submitKey(rig, discordId, wide)).content).toMatch(/Re-linked[\s\S]*every permission Wingman uses/);
		expect((await rig.bot.deps.links.get(discordId))?.apiKey).toBe(wide);
	});

	test('a key without servers.read is linked with a clear note', async () => {
		rig = await Rig.start();
		const user = rig.panel.addUser();
		const key = rig.panel.addKey(user, { user: [], server: ['control.console'] });
		const answer = await submitKey(rig, rig.newDiscordUserId(), key);
		expect(answer.content).toMatch(/lacks the `servers\.read` permission/);
	});

	test('an unlinked user pressing the link button gets the modal', async () => {
		rig = await Rig.start();
		const callback = await rig.discord.button({ userId: rig.newDiscordUserId(), customId: 'link:open' }).callback();
		expect(callback.body).toMatchObject({ type: 9, data: { custom_id: 'link:submit' } });
	});
});
