import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStorage } from '../../src/store/storage.ts';
import { freePort } from './freePort.ts';
import { defineLinkStoreSuite } from './storeSuite.ts';

// Debian's postgresql package puts its server binaries here; CI installs it (.ci/run).
const binDirectory = existsSync('/usr/lib/postgresql')
	? readdirSync('/usr/lib/postgresql')
			.map((version) => join('/usr/lib/postgresql', version, 'bin'))
			.find((directory) => existsSync(join(directory, 'initdb')))
	: undefined;
if (!binDirectory && process.env.CI) throw new Error('postgresql is not installed: .ci/run must install it');

// PostgreSQL refuses to run as root, so as root the server runs as the package's `postgres` user.
const asServerUser = (command: string, args: string[]): [string, string[]] =>
	process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

describe.runIf(binDirectory)('postgres', () => {
	let server: ChildProcess;
	let directory = '';
	let url = '';

	beforeAll(async () => {
		directory = mkdtempSync(join(tmpdir(), 'wingman-pg-'));
		if (process.getuid?.() === 0) chownSync(directory, Number(spawnSync('id', ['-u', 'postgres']).stdout), 0);
		const [initCommand, initArgs] = asServerUser(join(binDirectory ?? '', 'initdb'), ['-D', directory, '-A', 'trust', '-U', 'wingman']);
		const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' });
		if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);

		const port = await freePort();
		const [command, args] = asServerUser(join(binDirectory ?? '', 'postgres'), [
			'-D', directory, '-p', String(port), '-k', directory, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
		]);
		server = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let output = '';
		for await (const chunk of server.stderr ?? []) {
			output += String(chunk);
			if (output.includes('ready to accept connections')) break;
		}
		url = `postgresql://wingman@127.0.0.1:${port}/postgres`;
	}, 60_000);

	afterAll(async () => {
		const exited = once(server, 'exit');
		const [command, args] = asServerUser(join(binDirectory ?? '', 'pg_ctl'), ['-D', directory, '-m', 'immediate', 'stop']);
		spawnSync(command, args);
		await exited;
	});

	defineLinkStoreSuite(() => openStorage(url, pino({ level: 'silent' })));
});
