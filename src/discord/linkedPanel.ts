import type { Interaction } from 'discord.js';
import type { PanelClient } from '../panel/PanelClient.ts';
import type { Link } from '../store/links.ts';
import type { Context } from '../types.ts';
import { NotLinkedError } from './UserError.ts';

/** The acting user's own link and a panel client on their own key: never anyone else's. */
export async function linkedPanel(
	interaction: Pick<Interaction, 'user'>,
	context: Pick<Context, 'links' | 'panelFor'>,
): Promise<{ link: Link; panel: PanelClient }> {
	const link = await context.links.get(interaction.user.id);
	if (!link) throw new NotLinkedError();
	return { link, panel: context.panelFor(link.apiKey) };
}
