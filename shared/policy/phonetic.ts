// B3 read-aloud aid: spell a password phonetically so the agent can read it to the caller.
const nato: Record<string, string> = {
  a: 'Alfa',
  b: 'Bravo',
  c: 'Charlie',
  d: 'Delta',
  e: 'Echo',
  f: 'Foxtrot',
  g: 'Golf',
  h: 'Hotel',
  i: 'India',
  j: 'Juliett',
  k: 'Kilo',
  l: 'Lima',
  m: 'Mike',
  n: 'November',
  o: 'Oscar',
  p: 'Papa',
  q: 'Quebec',
  r: 'Romeo',
  s: 'Sierra',
  t: 'Tango',
  u: 'Uniform',
  v: 'Victor',
  w: 'Whiskey',
  x: 'X-ray',
  y: 'Yankee',
  z: 'Zulu',
}
const digits = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine']
const symbols: Record<string, string> = {
  '!': 'Exclamation mark',
  '@': 'At sign',
  '#': 'Hash',
  $: 'Dollar',
  '%': 'Percent',
  '^': 'Caret',
  '&': 'Ampersand',
  '*': 'Asterisk',
  '-': 'Hyphen',
  _: 'Underscore',
  '+': 'Plus',
  '=': 'Equals',
  '?': 'Question mark',
  '.': 'Full stop',
  ',': 'Comma',
  ':': 'Colon',
  ';': 'Semicolon',
  '/': 'Slash',
  '~': 'Tilde',
  ' ': 'Space',
}

export function spellCharacter(ch: string): string {
  const lower = ch.toLowerCase()
  if (nato[lower]) return ch === lower ? `lower-case ${nato[lower]}` : `upper-case ${nato[lower]}`
  if (/\d/.test(ch)) return digits[Number(ch)]!
  return symbols[ch] ?? `"${ch}"`
}

/** Each character spelled, in groups of four for reading aloud. */
export function spellPassword(password: string): string[][] {
  const spelled = [...password].map(spellCharacter)
  const groups: string[][] = []
  for (let i = 0; i < spelled.length; i += 4) groups.push(spelled.slice(i, i + 4))
  return groups
}
