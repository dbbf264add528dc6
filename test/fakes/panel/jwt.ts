import { createHmac, timingSafeEqual } from 'node:crypto';

// Same header and key order as the panel's tokens (see fixtures/websocket-token.json), so a token signed
// here from the fixture claims is byte-identical to the fixture token.
const HEADER = { typ: 'JWT', alg: 'HS256' } as const;

export function signJwt(claims: object, secret: string): string {
	const signingInput = `${encodeSegment(HEADER)}.${encodeSegment(claims)}`;
	return `${signingInput}.${sign(signingInput, secret)}`;
}

/** Returns the decoded payload, or null when the token is malformed or its HS256 signature does not match. */
export function verifyJwt(token: string, secret: string): unknown {
	const parts = token.split('.');
	if (parts.length !== 3) return null;
	const [header, payload, signature] = parts as [string, string, string];

	const expected = Buffer.from(sign(`${header}.${payload}`, secret));
	const actual = Buffer.from(signature);
	if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;

	const decodedHeader = decodeSegment(header);
	if (!isRecord(decodedHeader) || decodedHeader['alg'] !== 'HS256') return null;
	return decodeSegment(payload);
}

function encodeSegment(value: object): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string): unknown {
	try {
		return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
	} catch {
		return null;
	}
}

function sign(input: string, secret: string): string {
	return createHmac('sha256', secret).update(input).digest('base64url');
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
