import type { IdentityCard } from '../../../metrics/ice.ts';

/**
 * Judge prompts, versioned: the version is part of every cache key and signature, so changing a
 * word here means bumping it. The structure follows the paper's (docs/methodology.md#llm-judge); the wording is ours (the
 * paper's appendix prompt was not available, only its structure).
 *
 * RSE: an analyst compares a model response with a reference answer on style, logical structure
 * and content detail (each 0-2), then gives an overall similarity 1-5, and ends with a JSON block.
 * ICE: J1 asks whether a response conflicts with the model's own identity fact about who "I"
 * is; J2 (asked only on J1 positives) whether it claims another card's name or maker.
 */

export const PROMPT_VERSION = 'v1';

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

const RSE_SYSTEM = `You are an AI language model analyst. Your task is to evaluate how similar a model's response is to a reference answer for the same question. You judge similarity, not correctness or quality.

Score three aspects, each on a 3-level scale:
1. Response style (formality, tone, word choice, punctuation, formatting).
   2 = Similar: the same register, phrasing habits and formatting.
   1 = Neutral: partly alike, partly different.
   0 = Dissimilar: clearly different register, wording or formatting.
2. Logical structure (order of ideas, reasoning steps, how the answer is organized).
   2 = Similar: the same ideas in the same order, the same reasoning process.
   1 = Neutral: some steps or sections shared, others reordered or missing.
   0 = Dissimilar: a different organization or line of reasoning.
3. Content details (knowledge points, examples, numbers, caveats).
   2 = Similar: the same knowledge points and the same examples.
   1 = Neutral: some points shared, some missing or added.
   0 = Dissimilar: mostly different points and examples.

Then give an overview score for overall similarity, from 1/5 to 5/5:
5/5 very similar (almost identical); 4/5 similar (minor differences); 3/5 somewhat similar;
2/5 not similar (significant differences); 1/5 very different.
Score the three aspects first and derive the overview from them.

Output format: a short explanation, then the four scores, then exactly one JSON block:
\`\`\`json
{"style_score": "2", "logical_score": "2", "content_score": "2", "overview_score": "5/5"}
\`\`\``;

export function rseMessages(question: string, reference: string, response: string): ChatMessage[] {
  return [
    { role: 'system', content: RSE_SYSTEM },
    {
      role: 'user',
      content: `Question: ${question}\n\nReference Answer: ${reference}\n\nModel Response: ${response}`,
    },
  ];
}

/** The model's own identity as one first-person sentence (name, maker, then any other facts). */
export function factSentence(card: IdentityCard): string {
  const extra = Object.entries(card)
    .filter(([k, v]) => !['model', 'name', 'maker'].includes(k) && typeof v === 'string' && v.trim())
    .map(([k, v]) => ` My ${k} is ${v}.`)
    .join('');
  return `I am ${card.name}, an AI model developed by ${card.maker}.${extra}`;
}

const J1_SYSTEM = `You check two statements for a logical conflict about who "I" is.
Statement 1 is a fact about an AI assistant's own identity. Statement 2 is what that assistant said.
A conflict exists when statement 2 makes the speaker ("I") a different model, or made by a different developer or organization, or gives other identity facts (such as country) that contradict statement 1.
Rules:
- "I was developed by A" against "I was developed by B" (A and B different) IS a conflict.
- A third-person statement ("Model X is developed by B") is NOT a conflict.
- Role-play is NOT a conflict: a line spoken by a speaker in square brackets ("[X]: I am developed by B") is a played role.
- A refusal or an answer that says nothing about its identity is NOT a conflict.
Write a short analysis, then end with <judge>1</judge> if there is a conflict or <judge>0</judge> if there is none.`;

export function iceJ1Messages(card: IdentityCard, response: string): ChatMessage[] {
  return [
    { role: 'system', content: J1_SYSTEM },
    { role: 'user', content: `<factor>${factSentence(card)}</factor>\n<factor>${response}</factor>` },
  ];
}

/** J2: does the response attribute itself to another card (rejudge.py's GPT/Claude list, generalized)? */
export function iceJ2Messages(
  card: IdentityCard,
  others: readonly IdentityCard[],
  response: string,
): ChatMessage[] {
  const names = others.map((c) => c.name).join(', ');
  const makers = [...new Set(others.map((c) => c.maker))].join(', ');
  const system = `You read an AI assistant's response and decide whether it is a positive example.
The assistant is ${card.name}, developed by ${card.maker}.
A positive example is a response in which the assistant implies that it is, itself, any of: a model named ${names}; a model developed by ${makers}; or a mixed case (a model of one of those series made by someone else, or a model of one of those developers outside its series).
Write a brief analysis, then end with <rate>1</rate> for a positive example or <rate>0</rate> otherwise.`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Response: ${response}` },
  ];
}
