/**
 * Serialisation rules for MS-WUSP metadata fragments. Fragments are text that WSUS re-serialised,
 * so we write them the way every served fragment in the fixtures looks: `<a x="1" />` with a space
 * before `/>`, double-quoted attributes separated by one space, no XML declaration, no
 * insignificant white space between elements. Escaping follows the .NET XmlWriter / SQL Server
 * `xml` rules WSUS is built on: `& < >` in text, `& < > "` and TAB/LF/CR (as character
 * references, so they survive attribute-value normalisation) in attributes.
 */

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_GLOBAL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<>"\t\n\r]/;
const ATTR_SPECIAL_GLOBAL = /[&<>"\t\n\r]/g;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

function escapeChar(c: string): string {
  return ESCAPES[c] ?? c;
}

export function escapeText(text: string): string {
  return TEXT_SPECIAL.test(text) ? text.replace(TEXT_SPECIAL_GLOBAL, escapeChar) : text;
}

export function escapeAttribute(value: string): string {
  return ATTR_SPECIAL.test(value) ? value.replace(ATTR_SPECIAL_GLOBAL, escapeChar) : value;
}

export function attributeText(name: string, value: string): string {
  return ` ${name}="${escapeAttribute(value)}"`;
}

/**
 * Accumulates one fragment as a list of chunks joined once at the end, so building a fragment of
 * a tens-of-MB document stays linear (no repeated string concatenation of the growing result).
 */
export class FragmentBuffer {
  private readonly chunks: string[] = [];

  write(chunk: string): void {
    this.chunks.push(chunk);
  }

  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  toString(): string {
    return this.chunks.join('');
  }
}
