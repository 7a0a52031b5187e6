/**
 * The callback's XML, read and written with fast-xml-parser (never by concatenating user text).
 * Every value is kept as a string (`MsgId` exceeds 2^53); text is written in CDATA sections.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const builder = new XMLBuilder({ cdataPropName: '__cdata', format: false, suppressEmptyNode: false });

export type XmlFields = Record<string, string>;

/** The fields of `<xml>…</xml>` as strings; undefined when it is not such a document. */
export function parseXml(text: string): XmlFields | undefined {
  // WeChat never sends a DTD: one here is an attempt at entity expansion, refused before parsing.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return undefined;
  let doc: unknown;
  try {
    doc = parser.parse(text, true);
  } catch {
    return undefined;
  }
  const xml = (doc as { xml?: unknown })?.xml;
  if (!xml || typeof xml !== 'object') return undefined;
  const out: XmlFields = {};
  for (const [k, v] of Object.entries(xml as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

/** `<xml>` with each field; strings go in CDATA, numbers as they are. */
export function buildXml(fields: Record<string, string | number>): string {
  const xml: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) xml[k] = typeof v === 'number' ? v : { __cdata: v };
  return builder.build({ xml }) as string;
}
