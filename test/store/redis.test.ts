import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe } from 'vitest';
import { openStorage } from '../../src/store/storage.ts';
import { freePort } from './freePort.ts';
import { defineLinkStoreSuite } from './storeSuite.ts';

// CI installs redis-server (.ci/run); a developer machine without it skips, CI never does.
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedis && process.env.CI) throw new Error('redis-server is not installed: .ci/run must install it');

describe.runIf(hasRedis)('redis', () => {
	let server: ChildProcess;
	let url = '';

	beforeAll(async () => {
		const port = await freePort();
		server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let output = '';
		for await (const chunk of server.stdout ?? []) {
			output += String(chunk);
			if (output.includes('Ready to accept connections')) break;
		}
		url = `redis://127.0.0.1:${port}`;
	});

	afterAll(async () => {
		server.kill();
		await once(server, 'exit');
	});

	defineLinkStoreSuite(() => openStorage(url, pino({ level: 'silent' })));
});
