import { InvalidServerIdError } from './PanelApiError.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHORT_ID = /^[0-9a-f]{8}$/;

/**
 * The panel dispatches `{server}` on length alone and answers a malformed 8/36-char id with a 500,
 * so anything but a UUID or an 8-hex short id is refused here and never sent.
 */
export function parseServerId(input: string): string {
	const candidate = input.trim().toLowerCase();
	if (UUID.test(candidate) || SHORT_ID.test(candidate)) return candidate;
	throw new InvalidServerIdError(input);
}

export function isServerId(input: string): boolean {
	const candidate = input.trim().toLowerCase();
	return UUID.test(candidate) || SHORT_ID.test(candidate);
}
