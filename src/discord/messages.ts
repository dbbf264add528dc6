import {
	ButtonStyle,
	ComponentType,
	DiscordAPIError,
	RESTJSONErrorCodes,
	type APIActionRowComponent,
	type APIButtonComponent,
} from 'discord.js';
import { InvalidServerIdError, PanelApiError } from '../panel/PanelApiError.ts';
import { sanitizeInline } from '../relay/sanitize.ts';
import { SealError } from '../store/seal.ts';
import { encodeCustomId } from './customId.ts';
import { UserError } from './UserError.ts';

/** Nothing the bot sends may ping anyone: console text and user input are untrusted. */
export const NO_MENTIONS = { parse: [] as never[] } as const;

export const LINK_BUTTON_ROW: APIActionRowComponent<APIButtonComponent> = {
	type: ComponentType.ActionRow,
	components: [
		{
			type: ComponentType.Button,
			style: ButtonStyle.Primary,
			label: 'Link your panel API key',
			custom_id: encodeCustomId('link', 'open'),
		},
	],
};

// Discord's answers when the bot's role lacks a permission in the channel (Missing Access / Permissions).
const DISCORD_PERMISSION_CODES: ReadonlySet<number> = new Set([RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);

const LOCK_REASONS: Readonly<Record<string, string>> = {
	'server is suspended': 'The server is suspended on the panel, so it cannot be controlled right now.',
	'server is being transferred': 'The server is being moved to another node. Try again when the transfer is done.',
	'server is currently installing': 'The server is still installing. Try again when the installation has finished.',
	'your server has failed its installation process': 'The server failed its installation. Reinstall it from the panel first.',
	'server is restoring from a backup': 'The server is restoring a backup. Try again when the restore is done.',
	'your server has failed to restore a backup': 'The server failed to restore a backup. Fix it in the panel first.',
};

/** What a person is told about a failure. Unknown errors get only a reference; the log has the rest. */
export function describeError(error: unknown, referenceId: string): string {
	if (error instanceof UserError) return error.message;
	if (error instanceof InvalidServerIdError) {
		return `\`${sanitizeInline(error.input, 40).replaceAll('`', "'")}\` is not a server id. Pick a server from the suggestions, or type its 8-character short id.`;
	}
	if (error instanceof SealError) {
		return 'Your stored API key cannot be opened any more (the bot’s encryption key changed). Run `/link` to link it again.';
	}
	if (error instanceof PanelApiError) return describePanelError(error, referenceId);
	if (error instanceof DiscordAPIError && DISCORD_PERMISSION_CODES.has(Number(error.code))) {
		return 'Wingman is missing a Discord permission here. It needs View Channel, Send Messages, Send Messages in Threads, Create Public and Private Threads, Manage Threads, Embed Links, Attach Files and Add Reactions in this channel; ask a server admin to grant them.';
	}
	return `Something went wrong on Wingman’s side. Reference: \`${referenceId}\``;
}

export function describePanelError(error: PanelApiError, referenceId: string): string {
	const panelSays = error.errors[0] ? sanitizeInline(error.errors[0], 200) : undefined;
	switch (error.failure) {
		case 'timeout':
			return 'The panel did not answer in time. It may be overloaded or down; try again in a moment.';
		case 'unreachable':
			return 'Wingman could not reach the panel. It may be down or restarting; try again in a moment.';
		case 'invalid-response':
			return `The panel sent an answer Wingman could not read. Reference: \`${referenceId}\``;
		case 'http':
			break;
	}

	const status = error.status;
	if (status === 401) {
		return 'The panel no longer accepts your API key (deleted, expired or replaced). Run `/link` with a new key.';
	}
	if (status === 403) {
		const permission = error.missingPermission;
		if (permission) {
			return `Your API key does not have the \`${permission}\` permission for this. Add it to the key in the panel (Account → API keys), or ask the server owner to grant it to you.`;
		}
		return `The panel refused your key${panelSays ? `: ${panelSays}` : ''}.`;
	}
	if (status === 404) {
		if (error.path.includes('/backups/')) return 'That backup does not exist (any more).';
		return 'Server not found, or your panel account has no access to it.';
	}
	if (status === 409) {
		return (panelSays && LOCK_REASONS[panelSays]) ?? `The server is busy${panelSays ? `: ${panelSays}` : ''}. Try again later.`;
	}
	if (status === 417) {
		if (panelSays === 'maximum number of backups reached') {
			return 'This server has reached its backup limit. Delete an old backup in the panel (or ask the owner to raise the limit), then try again.';
		}
		return `The panel could not do that${panelSays ? `: ${panelSays}` : ''}.`;
	}
	if (status === 429) {
		const wait = error.retryAfterSeconds === undefined ? 'a little while' : formatWait(error.retryAfterSeconds);
		return `The panel is rate limiting these requests. Try again in ${wait}.`;
	}
	if (status >= 500) {
		return `The panel had an internal error (HTTP ${status}). If it keeps happening, the node may be down. Reference: \`${referenceId}\``;
	}
	return `The panel refused the request (HTTP ${status}${panelSays ? `: ${panelSays}` : ''}).`;
}

export function formatWait(seconds: number): string {
	const rounded = Math.max(1, Math.ceil(seconds));
	if (rounded < 90) return `${rounded} s`;
	return `${Math.ceil(rounded / 60)} min`;
}
