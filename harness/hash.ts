import { createHash } from 'node:crypto';

/** JSON with sorted object keys, so equal configs hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** Content hash (sha256, hex, first `len` chars) of a JSON-able value. */
export function contentHash(value: unknown, len = 16): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, len);
}
