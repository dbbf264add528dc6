import { afterEach, describe, expect, test } from 'vitest';
import { customIdsOf, messageText, Rig, stringOption, subcommand } from './rig.ts';
import { createBackup } from '../fakes/panel/model.ts';

const EPHEMERAL = 64;

let rig: Rig | undefined;
afterEach(async () => {
	await rig?.stop();
	rig = undefined;
});

describe('/backup list', () => {
	test('shows name, size, state, lock and creation, newest first, paged', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser, { name: 'Survival', backupLimit: 20 });
		for (let index = 1; index <= 12; index++) {
			const backup = createBackup(server, `Backup ${index}`, []);
			backup.created = new Date(Date.UTC(2026, 0, index)).toISOString();
			if (index !== 12) Object.assign(backup, { completed: backup.created, is_successful: index !== 5, bytes: 1_048_576 * index });
			backup.is_locked = index === 11;
			server.backups.push(backup);
		}

		const first = await rig.answer(rig.command(alice.discordId, 'backup', [subcommand('list', [stringOption('server', server.uuid_short)])]));
		expect(first.flags & EPHEMERAL).toBe(EPHEMERAL);
		const text = messageText(first);
		expect(text).toContain('Page 1 of 2 · 12 of 20 backups · newest first');
		expect(text.indexOf('Backup 12')).toBeLessThan(text.indexOf('Backup 11'));
		expect(text).toContain('"name":"Backup 12","value":"— · ⏳ In progress');
		expect(text).toContain('"name":"Backup 11","value":"11.0 MiB · ✅ Completed · 🔒 Locked');
		expect(text).toContain('"name":"Backup 5","value":"— · ❌ Failed');
		expect(text).toContain(`<t:${Date.UTC(2026, 0, 12) / 1_000}:f>`);
		expect(text).not.toContain('"Backup 2"');
		expect(customIdsOf(first)).toEqual([`backup:page:${server.uuid}:0`, `backup:page:${server.uuid}:1`]);

		rig.click(alice.discordId, first, `backup:page:${server.uuid}:1`);
		const second = await rig.messageWhen(first.id, (message) => messageText(message).includes('Page 2 of 2'));
		const secondText = messageText(second);
		expect(secondText.indexOf('Backup 2')).toBeLessThan(secondText.indexOf('Backup 1"'));
		expect(secondText).not.toContain('Backup 3');
	});

	test('a key without backups.read is told which permission is missing', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser({ server: ['control.start'] });
		const server = rig.addServer(alice.panelUser);
		const answer = await rig.answer(rig.command(alice.discordId, 'backup', [subcommand('list', [stringOption('server', server.uuid)])]));
		expect(answer.content).toMatch(/`backups\.read`/);
	});
});

describe('/backup create', () => {
	test('starts the backup with the ignored paths and tells the creator when it completes', async () => {
		rig = await Rig.start({ panel: { autoCompleteBackupsMs: 100 } });
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser, { name: 'Survival' });

		const command = rig.command(alice.discordId, 'backup', [
			subcommand('create', [stringOption('server', server.uuid), stringOption('name', 'before update'), stringOption('ignored', ' logs, cache/*.tmp ,,logs')]),
		]);
		const started = await rig.answer(command, (message) => messageText(message).includes('Backup started'));
		expect(started.flags & EPHEMERAL).toBe(EPHEMERAL);
		expect(messageText(started)).toContain('`logs`, `cache/*.tmp`');
		const post = rig.panel.requests.find((request) => request.method === 'POST' && request.path.endsWith('/backups'));
		expect(post?.body).toEqual({ name: 'before update', ignored_files: ['logs', 'cache/*.tmp'] });
		expect(post?.key).toBe(alice.key);

		const finished = await rig.messageWhen(started.id, (message) => messageText(message).includes('Backup finished'));
		expect(messageText(finished)).toMatch(/before update\*\*: 700 MiB, 18,342 files/);
		const notice = await rig.answer(command, (message) => message.content.includes('has finished'));
		expect(notice.flags & EPHEMERAL).toBe(EPHEMERAL);
	});

	test('a failed backup is reported as failed', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser();
		const server = rig.addServer(alice.panelUser, { name: 'Survival' });
		const command = rig.command(alice.discordId, 'backup', [subcommand('create', [stringOption('server', server.uuid)])]);
		const started = await rig.answer(command, (message) => messageText(message).includes('Backup started'));
		const backup = server.backups[0];
		if (!backup) throw new Error('no backup was created');
		rig.panel.completeBackup(server, backup.uuid, { successful: false });
		await rig.messageWhen(started.id, (message) => messageText(message).includes('Backup failed'));
	});

	test('a key that may create but not read backups is told why nobody can watch it', async () => {
		rig = await Rig.start();
		const alice = await rig.linkUser({ server: ['backups.create'] });
		const server = rig.addServer(alice.panelUser, { name: 'Survival' });
		const command = rig.command(alice.discordId, 'backup', [subcommand('create', [stringOption('server', server.uuid)])]);
		const started = await rig.answer(command, (message) => messageText(message).includes('Backup started'));
		await rig.messageWhen(started.id, (message) => messageText(message).includes('cannot read backups'));
	});

	test('the backup limit and the backup rate limit get their own answers', async () => {
		rig = await Rig.start({ panel: { backupRateLimit: { hits: 2, windowSeconds: 300 } } });
		const alice = await rig.linkUser();
		const full = rig.addServer(alice.panelUser, { name: 'Full', backupLimit: 1 });
		full.backups.push(createBackup(full, 'old', []));
		const current = rig;
		const create = (serverUuid: string) => current.command(alice.discordId, 'backup', [subcommand('create', [stringOption('server', serverUuid)])]);

		const limited = await rig.answer(create(full.uuid));
		expect(limited.content).toMatch(/\*\*Full\*\* already has its maximum of 1 backup\. Delete an old one/);

		const busy = rig.addServer(alice.panelUser, { name: 'Busy' });
		await rig.answer(create(busy.uuid), (message) => messageText(message).includes('Backup started'));
		const throttled = await rig.answer(create(busy.uuid));
		expect(throttled.content).toMatch(/only a few new backups per server in a short time\. Try again in [45] min\./);
		expect(busy.backups).toHaveLength(1);
	});
});
