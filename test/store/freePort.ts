import { once } from 'node:events';
import { createServer } from 'node:net';

/** A loopback port nothing listens on right now, for a test server of our own. */
export async function freePort(): Promise<number> {
	const probe = createServer().listen(0, '127.0.0.1');
	await once(probe, 'listening');
	const address = probe.address();
	probe.close();
	if (!address || typeof address === 'string') throw new Error('no port');
	return address.port;
}
