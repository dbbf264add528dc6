import { isDeepStrictEqual } from 'node:util';
import { Routes, type REST, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

export interface RegistrationTarget {
	readonly applicationId: string;
	readonly guildId?: string | undefined;
}

/**
 * Makes Discord's registered commands equal the code's: reads them, and bulk-overwrites only when they
 * differ, so restarts cost one GET and never burn the daily command-create limit.
 */
export async function registerCommands(
	rest: REST,
	target: RegistrationTarget,
	commands: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
): Promise<'unchanged' | 'updated'> {
	const route = target.guildId
		? Routes.applicationGuildCommands(target.applicationId, target.guildId)
		: Routes.applicationCommands(target.applicationId);
	const registered = (await rest.get(route)) as unknown[];
	const wanted = commands.map((command) => normalizeCommand(command));
	const current = registered.map((command) => normalizeCommand(command)).sort(byName);
	if (isDeepStrictEqual([...wanted].sort(byName), current)) return 'unchanged';

	await rest.put(route, { body: commands });
	return 'updated';
}

// Discord echoes commands back with ids, versions and defaults filled in: compare only what we declare.
const COMPARED_FIELDS = ['name', 'description', 'options', 'default_member_permissions', 'contexts', 'type'] as const;
const OPTION_DEFAULTS: Readonly<Record<string, unknown>> = { required: false, autocomplete: false };

function normalizeCommand(command: unknown): Record<string, unknown> {
	const source = command as Record<string, unknown>;
	const normalized: Record<string, unknown> = { type: 1, default_member_permissions: null, contexts: null, options: [] };
	for (const field of COMPARED_FIELDS) if (source[field] !== undefined) normalized[field] = source[field];
	normalized.options = normalizeOptions(normalized.options);
	return normalized;
}

function normalizeOptions(options: unknown): unknown[] {
	if (!Array.isArray(options)) return [];
	return options.map((option: Record<string, unknown>) => {
		const normalized: Record<string, unknown> = {};
		for (const [key, value] of Object.entries(option)) {
			if (value === undefined || value === null || key.endsWith('_localizations')) continue;
			if (OPTION_DEFAULTS[key] === value) continue;
			normalized[key] = key === 'options' ? normalizeOptions(value) : value;
		}
		return normalized;
	});
}

function byName(a: Record<string, unknown>, b: Record<string, unknown>): number {
	return String(a.name).localeCompare(String(b.name));
}
