const SEPARATOR = ':';
export const MAX_CUSTOM_ID_LENGTH = 100;
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

export interface CustomIdRoute {
	readonly command: string;
	readonly action: string;
	readonly args: readonly string[];
}

/** `<command>:<action>[:<arg>…]`: the owning command first, identifiers only (never keys or free text). */
export function encodeCustomId(command: string, action: string, ...args: string[]): string {
	const segments = [command, action, ...args];
	const id = segments.join(SEPARATOR);
	if (id.length > MAX_CUSTOM_ID_LENGTH || segments.some((segment) => !SEGMENT.test(segment))) {
		throw new RangeError(`cannot encode custom_id "${id}"`);
	}
	return id;
}

export function parseCustomId(id: string): CustomIdRoute | null {
	if (id.length > MAX_CUSTOM_ID_LENGTH) return null;
	const [command, action, ...args] = id.split(SEPARATOR);
	if (!command || !action || ![command, action, ...args].every((segment) => SEGMENT.test(segment))) return null;
	return { command, action, args };
}
