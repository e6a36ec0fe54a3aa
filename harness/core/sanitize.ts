/**
 * The one place where untrusted text (model names, suite values, judge answers, error messages that
 * quote them) is made safe for where it is shown: a terminal or markdown (CI step summaries, PR
 * comments). HTML and CSV have their own writers in reports/.
 */

/** Longest line of an error message echoed to a terminal; the rest is counted, not shown. */
export const MAX_ECHO_LINE = 2000;

/**
 * C0 and C1 controls, DEL, and the Unicode bidi/line controls that reorder or split what a terminal
 * shows ("Trojan source"). Escape sequences start with ESC (clear screen, window title, hyperlinks).
 */
const BIDI_AND_LINE = '\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const CONTROL = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_LINE}]`, 'g');
const CONTROL_BUT_NEWLINE = new RegExp(
  `[\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f${BIDI_AND_LINE}]`,
  'g',
);

const visible = (c: string) => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
};

/** Cuts text to `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * One line for a terminal: every control character shown as a visible escape (`\x1b`), so a name
 * cannot move the cursor, clear the screen, set the window title or hide text, and still reads as
 * what it is. Newlines are escaped too: one name, one line.
 */
export function forTerminal(text: string, max = MAX_ECHO_LINE): string {
  return clip(text, max).replace(CONTROL, visible);
}

/** A multi-line message (an error listing problems): newlines kept, each line made safe and capped. */
export function forTerminalLines(text: string, maxLine = MAX_ECHO_LINE): string {
  return text
    .split(/\r?\n/)
    .map((line) => clip(line, maxLine).replace(CONTROL_BUT_NEWLINE, visible))
    .join('\n');
}

/**
 * Text for GitHub-flavoured markdown (inline or a table cell): it cannot open markup, links, images,
 * HTML, mentions or autolinks, break a table row or start a list or heading. Plain hyphens and dots
 * stay readable ("soft-label"); only a leading list/heading marker is escaped. Control characters are
 * dropped: markdown viewers show them as nothing or as boxes.
 */
export function forMarkdown(s: string): string {
  return s
    .replace(CONTROL_BUT_NEWLINE, '')
    .replace(/[&<>@]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '@': '&#64;' })[c]!)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '&#58;//')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}&#46;`)
    .replace(/\r?\n|\r/g, ' ')
    .replace(/^([#+-]|\d+[.)])(?=\s|$)/, '\\$1');
}
