import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardFactsSchema, OPTIONAL_FIELDS, REQUIRED_FIELDS, responseRowSchema } from './input-schema.ts';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'responses.schema.json'), 'utf8'),
);

describe('schemas/responses.schema.json agrees with the zod schema', () => {
  it('same required fields, same optional fields', () => {
    expect(schema.required).toEqual([...REQUIRED_FIELDS]);
    expect(Object.keys(schema.properties).sort()).toEqual([...REQUIRED_FIELDS, ...OPTIONAL_FIELDS].sort());
    expect(Object.keys(responseRowSchema.shape).sort()).toEqual(Object.keys(schema.properties).sort());
    expect(schema.$defs.card.required).toEqual(Object.keys(cardFactsSchema.shape));
  });

  it('null response, numeric ids and extra columns are accepted as documented', () => {
    const r = responseRowSchema.parse({
      prompt_id: 3,
      prompt: 'Q',
      model: 'm',
      response: null,
      dataset: 7,
      note: 'kept out',
    });
    expect(r).toMatchObject({ prompt_id: '3', response: '', dataset: '7', note: 'kept out' });
    // An absent optional column stays absent (zod 4 adds no key for it): no gold, no accuracy/WER.
    expect(r.reference).toBeUndefined();
    expect(r.probe).toBeUndefined();
    // A numeric gold answer in JSONL reads as its decimal string; null means "no gold".
    expect(
      responseRowSchema.parse({ prompt_id: 'a', prompt: 'Q', model: 'm', response: '8', reference: 8 })
        .reference,
    ).toBe('8');
    expect(
      responseRowSchema.parse({ prompt_id: 'a', prompt: 'Q', model: 'm', response: '8', reference: null })
        .reference,
    ).toBeUndefined();
  });
});
