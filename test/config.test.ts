import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const VALID = {
	DISCORD_TOKEN: 'token',
	PANEL_URL: 'https://panel.example.com/',
	ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('loadConfig', () => {
	test('fills defaults and normalises URLs', () => {
		expect(loadConfig(VALID)).toEqual({
			...VALID,
			PANEL_URL: 'https://panel.example.com',
			STORAGE_URL: 'sqlite://data/wingman.sqlite',
			DISCORD_API_URL: 'https://discord.com/api',
			LOG_LEVEL: 'info',
		});
	});

	test('lists every problem in one message, naming the variable and the fix', () => {
		let message = '';
		try {
			loadConfig({ PANEL_URL: 'panel.example.com', ENCRYPTION_KEY: 'short', LOG_LEVEL: 'loud', DISCORD_GUILD_ID: 'abc' });
		} catch (error) {
			expect(error).toBeInstanceOf(ConfigError);
			message = (error as Error).message;
		}
		expect(message).toMatch(/DISCORD_TOKEN is required/);
		expect(message).toMatch(/PANEL_URL must be an http\(s\) URL/);
		expect(message).toMatch(/ENCRYPTION_KEY must be 32 random bytes in base64 \(run `npm run gen-key`/);
		expect(message).toMatch(/LOG_LEVEL must be one of/);
		expect(message).toMatch(/DISCORD_GUILD_ID must be a Discord server \(guild\) id/);
		expect(message).toMatch(/\.env\.example/);
	});

	test('treats empty variables as unset and rejects a bad previous key or storage URL', () => {
		expect(loadConfig({ ...VALID, DISCORD_GUILD_ID: '', ENCRYPTION_KEY_PREVIOUS: ' ' }).DISCORD_GUILD_ID).toBeUndefined();
		expect(() => loadConfig({ ...VALID, ENCRYPTION_KEY_PREVIOUS: Buffer.alloc(31).toString('base64') })).toThrow(
			/ENCRYPTION_KEY_PREVIOUS must be 32 random bytes/,
		);
		expect(() => loadConfig({ ...VALID, STORAGE_URL: 'mysql://x' })).toThrow(/STORAGE_URL must start with sqlite:\/\//);
	});
});
