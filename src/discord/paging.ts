import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import { encodeCustomId } from './customId.ts';
import { UserError } from './UserError.ts';

export const PAGE_SIZE = 10;
// Page numbers travel in custom ids; anything past this is a forged id, not a real list.
const MAX_PAGE = 10_000;

export function pageCount(total: number, pageSize = PAGE_SIZE): number {
	return Math.max(1, Math.ceil(total / pageSize));
}

/** A page index from a custom id, clamped to the list as it is now (it may have shrunk since). */
export function pageFromArg(arg: string | undefined, count: number): number {
	if (arg === undefined || !/^\d{1,5}$/.test(arg) || Number(arg) > MAX_PAGE) {
		throw new UserError('This control has expired. Run the command again.');
	}
	return Math.min(Number(arg), count - 1);
}

/**
 * Previous / next buttons as `<owner>:page:<args…>:<page>`; none when everything fits on one page.
 * The two ids always differ (page − 1 ≠ page + 1), which Discord requires within one message.
 */
export function pagerRows(
	owner: string,
	args: readonly string[],
	page: number,
	count: number,
): APIActionRowComponent<APIButtonComponent>[] {
	if (count <= 1) return [];
	const button = (target: number, label: string, isDisabled: boolean): APIButtonComponent => ({
		type: ComponentType.Button,
		style: ButtonStyle.Secondary,
		label,
		custom_id: encodeCustomId(owner, 'page', ...args, String(target)),
		disabled: isDisabled,
	});
	return [
		{
			type: ComponentType.ActionRow,
			components: [
				button(Math.max(page - 1, 0), '◀ Previous', page === 0),
				button(page + 1, 'Next ▶', page >= count - 1),
			],
		},
	];
}
