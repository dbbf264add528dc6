import { MessageFlags, type APIEmbed } from 'discord.js';
import { linkedPanel } from '../src/discord/linkedPanel.ts';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import { PAGE_SIZE, pageCount, pageFromArg, pagerRows } from '../src/discord/paging.ts';
import { lifecycleNote, stateLabel } from '../src/discord/serverView.ts';
import { UserError } from '../src/discord/UserError.ts';
import type { PanelClient } from '../src/panel/PanelClient.ts';
import type { PanelServer, PowerState } from '../src/panel/schemas.ts';
import { sanitizeInline } from '../src/relay/sanitize.ts';
import type { Command } from '../src/types.ts';

// The list has no power state: the shown page's states are read in parallel, and whatever the panel has
// not answered by then is shown as unknown rather than holding the reply.
const STATE_BUDGET_MS = 1_500;
// Page clicks page through the user's remembered list, so pages stay consistent; a cold one waits for the panel.
const LIST_BUDGET_MS = 2_000;
const NAME_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

export default {
	data: {
		name: 'servers',
		description: 'List the panel servers your linked API key can see',
		contexts: [0],
	},
	async execute(interaction, context) {
		const { panel } = await linkedPanel(interaction, context);
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const servers = await context.servers.refresh(interaction.user.id, panel);
		await interaction.editReply({ ...(await renderPage(panel, sortServers(servers), 0)), allowedMentions: NO_MENTIONS });
	},
	components: {
		page: async (interaction, args, context) => {
			if (!interaction.isButton() || args.length !== 1) {
				throw new UserError('This control has expired. Run /servers again.');
			}
			const wanted = pageFromArg(args[0], Number.POSITIVE_INFINITY);
			const { panel } = await linkedPanel(interaction, context);
			await interaction.deferUpdate();
			const servers =
				(await context.servers.lookup(interaction.user.id, panel, LIST_BUDGET_MS)) ??
				(await context.servers.refresh(interaction.user.id, panel));
			const sorted = sortServers(servers);
			const page = Math.min(wanted, pageCount(sorted.length) - 1);
			await interaction.editReply({ ...(await renderPage(panel, sorted, page)), allowedMentions: NO_MENTIONS });
		},
	},
} satisfies Command;

function sortServers(servers: readonly PanelServer[]): PanelServer[] {
	return [...servers].sort((a, b) => NAME_ORDER.compare(a.name, b.name) || a.uuid.localeCompare(b.uuid));
}

async function renderPage(
	panel: PanelClient,
	servers: readonly PanelServer[],
	page: number,
): Promise<{ embeds: APIEmbed[]; components: ReturnType<typeof pagerRows> }> {
	if (servers.length === 0) {
		return {
			embeds: [
				{
					title: 'Your servers',
					description:
						'Your key sees no servers. Servers you own or are a subuser of appear here; if some are missing, check that the key belongs to the right panel account.',
				},
			],
			components: [],
		};
	}
	const count = pageCount(servers.length);
	const shown = servers.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
	const states = await readStates(panel, shown);
	const lines = shown.map((server, index) => {
		const note = lifecycleNote(server);
		const state = note ? `⏸️ ${note}` : stateLabel(states[index]);
		const node = sanitizeInline(server.node_name, 60);
		return `**${sanitizeInline(server.name, 80)}** · \`${server.uuid_short}\`\n${state} · ${node}`;
	});
	return {
		embeds: [
			{
				title: `Your servers (${servers.length})`,
				description: lines.join('\n\n'),
				color: 0x5865f2,
				footer: {
					text: `${count > 1 ? `Page ${page + 1} of ${count} · ` : ''}Use /server or /power with a server's short id`,
				},
			},
		],
		components: pagerRows('servers', [], page, count),
	};
}

/** Power states for the shown page only, in parallel, within the budget; locked servers would answer 409. */
async function readStates(panel: PanelClient, servers: readonly PanelServer[]): Promise<(PowerState | undefined)[]> {
	const signal = AbortSignal.timeout(STATE_BUDGET_MS);
	const results = await Promise.allSettled(
		servers.map(async (server) => {
			if (lifecycleNote(server)) return undefined;
			return (await panel.getResources(server.uuid, signal)).state;
		}),
	);
	return results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
}
