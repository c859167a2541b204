/**
 * Escaping for the documents we write: the same rules the update-metadata reader's fragment writer
 * uses (.NET XmlWriter style), so a value survives the document → fragment split unchanged.
 * Attribute TAB/LF/CR become character references so attribute-value normalisation keeps them.
 */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

export const escapeText = (text: string): string => text.replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c);
export const escapeAttribute = (value: string): string => value.replace(/[&<>"\t\n\r]/g, (c) => ESCAPES[c] ?? c);

/** ` Name="value"` for each defined value, in the order given. */
export function attributes(pairs: ReadonlyArray<readonly [string, string | number | boolean | undefined]>): string {
  let out = '';
  for (const [name, value] of pairs) if (value !== undefined) out += ` ${name}="${escapeAttribute(String(value))}"`;
  return out;
}

export const element = (name: string, attrs: string, content: string): string =>
  content === '' ? `<${name}${attrs} />` : `<${name}${attrs}>${content}</${name}>`;

export const textElement = (name: string, text: string): string => `<${name}>${escapeText(text)}</${name}>`;
