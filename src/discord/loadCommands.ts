import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Command } from '../types.ts';

const callable = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');

const commandShape = z.object({
	data: z.object({ name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/), description: z.string().min(1).max(100) }).loose(),
	execute: callable,
	autocomplete: callable.optional(),
	components: z.record(z.string(), callable).optional(),
});

/** Imports every command module; a malformed module or a duplicate name stops start-up. */
export async function loadCommands(directory: string): Promise<Map<string, Command>> {
	const files = (await readdir(directory)).filter((file) => ['.ts', '.js'].includes(extname(file))).sort();
	const commands = new Map<string, Command>();
	for (const file of files) {
		const module: { default?: unknown } = await import(pathToFileURL(join(directory, file)).href);
		const parsed = commandShape.safeParse(module.default);
		if (!parsed.success) throw new Error(`commands/${file} does not export a valid command: ${parsed.error.message}`);

		const command = module.default as Command;
		const name = command.data.name;
		if (file.slice(0, -extname(file).length) !== name) throw new Error(`commands/${file} must be named ${name}.ts`);
		if (commands.has(name)) throw new Error(`two command modules are named ${name}`);
		commands.set(name, command);
	}
	return commands;
}
