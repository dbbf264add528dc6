import { DiscordAPIError } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { describeError } from '../../src/discord/messages.ts';
import { NotLinkedError, UserError } from '../../src/discord/UserError.ts';
import { InvalidServerIdError, PanelApiError } from '../../src/panel/PanelApiError.ts';
import { SealError } from '../../src/store/seal.ts';

const panelError = (status: number, errors: string[] = [], retryAfterSeconds?: number) =>
	new PanelApiError({ method: 'POST', path: '/api/client/servers/3f1c2a9e/power', failure: 'http', status, errors, retryAfterSeconds });

describe('describeError', () => {
	test.each([
		[panelError(401, ['invalid api key']), /no longer accepts your API key.*\/link/],
		[panelError(403, ['you do not have permission to perform this action: control.stop']), /`control\.stop` permission/],
		[panelError(403, ['two-factor authentication required']), /refused your key: two-factor authentication required/],
		[panelError(404, ['server not found']), /not found, or your panel account has no access/],
		[panelError(409, ['server is suspended']), /suspended/],
		[panelError(409, ['server is currently installing']), /still installing/],
		[panelError(417, ['maximum number of backups reached']), /backup limit/],
		[panelError(429, [], 17), /rate limiting.*17 s/],
		[panelError(429, [], 300), /5 min/],
		[panelError(502), /internal error \(HTTP 502\).*Reference: `ref`/],
		[new PanelApiError({ method: 'GET', path: '/x', failure: 'timeout' }), /did not answer in time/],
		[new PanelApiError({ method: 'GET', path: '/x', failure: 'unreachable' }), /could not reach the panel/],
		[new InvalidServerIdError('<@1> ```'), /is not a server id/],
		[new SealError('x'), /cannot be opened any more/],
		[new NotLinkedError(), /not linked/],
		[new UserError('Exactly this.'), /^Exactly this\.$/],
		[new DiscordAPIError({ code: 50013, message: 'Missing Permissions' }, 50013, 403, 'POST', '/x', {}), /missing a Discord permission/],
	])('%s', (error, expected) => {
		expect(describeError(error, 'ref')).toMatch(expected);
	});

	test('an unknown error shows only a reference, never its own text', () => {
		const text = describeError(new Error('secret internals at /srv/app.ts:12'), 'ref-1');
		expect(text).toBe('Something went wrong on Wingman’s side. Reference: `ref-1`');
	});

	test('a hostile server id is echoed without mentions or backticks', () => {
		const text = describeError(new InvalidServerIdError('@everyone ```'), 'ref');
		expect(text).not.toMatch(/@everyone/);
		expect(text.match(/`/g)).toHaveLength(2);
	});
});
