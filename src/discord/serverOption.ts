import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption, type AutocompleteInteraction } from 'discord.js';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { PanelServer } from '../panel/schemas.ts';
import { isServerId, parseServerId } from '../panel/serverId.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import type { Context } from '../types.ts';
import { UserError } from './UserError.ts';

// Discord gives autocomplete 3 s; what the panel has not answered by then is shown on the next
// keystroke. The margin covers the network between the bot and Discord.
const AUTOCOMPLETE_BUDGET_MS = 1_500;
const MAX_CHOICES = 25;

export const SERVER_OPTION = {
	type: ApplicationCommandOptionType.String,
	name: 'server',
	description: 'The server (pick from the list, or type its name or short id)',
	required: true,
	autocomplete: true,
	max_length: 100,
} as const satisfies APIApplicationCommandBasicOption;

/** Suggests the invoking user's own servers only, from their own key, filtered by what they typed. */
export async function autocompleteServers(interaction: AutocompleteInteraction<'cached'>, context: Context): Promise<void> {
	const link = await context.links.get(interaction.user.id).catch(() => undefined);
	if (!link) {
		await interaction.respond([{ name: 'Link your panel API key first: run /link', value: 'not-linked' }]);
		return;
	}
	const servers = await context.servers.lookup(interaction.user.id, context.panelFor(link.apiKey), AUTOCOMPLETE_BUDGET_MS);
	if (!servers) {
		await interaction.respond([{ name: 'The panel is slow to answer; keep typing or try again', value: 'panel-slow' }]);
		return;
	}
	const typed = interaction.options.getFocused().trim().toLowerCase();
	const matches = servers.filter(
		(server) => !typed || server.name.toLowerCase().includes(typed) || server.uuid.startsWith(typed) || server.uuid_short.startsWith(typed),
	);
	await interaction.respond(
		matches.slice(0, MAX_CHOICES).map((server) => ({ name: choiceName(server), value: server.uuid })),
	);
}

/**
 * What the user picked or typed → a server identifier: an id is used as given; a name is looked up
 * among the user's own servers and must match exactly one.
 */
export async function resolveServer(input: string, userId: string, panel: PanelClient, context: Pick<Context, 'servers'>): Promise<string> {
	if (isServerId(input)) return parseServerId(input);
	const wanted = input.trim().toLowerCase();
	if (!wanted) throw new UserError('Pick a server from the list.');
	const servers = await context.servers.refresh(userId, panel);
	const exact = servers.filter((server) => server.name.toLowerCase() === wanted);
	const candidates = exact.length > 0 ? exact : servers.filter((server) => server.name.toLowerCase().includes(wanted));
	const [only] = candidates;
	if (candidates.length === 1 && only) return only.uuid;
	const shown = `\`${sanitizeInline(input, 60).replaceAll('`', "'")}\``;
	if (candidates.length === 0) throw new UserError(`None of your servers is called ${shown}. Pick one from the list.`);
	throw new UserError(
		`${candidates.length} of your servers match ${shown}: ${candidates
			.slice(0, 5)
			.map((server) => `${sanitizeInline(server.name, 40)} (\`${server.uuid_short}\`)`)
			.join(', ')}. Pick one from the list or use its short id.`,
	);
}

function choiceName(server: PanelServer): string {
	const suffix = ` (${server.uuid_short})`;
	return sanitizeInline(server.name, 100 - suffix.length) + suffix;
}
