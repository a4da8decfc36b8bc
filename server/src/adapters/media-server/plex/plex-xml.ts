import type { XMLParser as XMLParserType } from 'fast-xml-parser';
import { lazy } from '../../../platform/lazy.js';

import { IntegrationError } from '../../http/integration-error.js';

const fxp = lazy<{ XMLParser: typeof XMLParserType }>('fast-xml-parser');

/** plex.tv v1 answers XML only; these read its attribute-only elements as string maps. */

export type XmlElement = Record<string, unknown>;

const REPEATED = new Set(['User', 'Server', 'Section', 'SharedServer', 'Device', 'Connection']);

let parser: XMLParserType | undefined;
const xmlParser = () =>
  (parser ??= new (fxp().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => REPEATED.has(name),
  }));

export function parseXml(service: string, text: string): XmlElement {
  try {
    return xmlParser().parse(text) as XmlElement;
  } catch {
    throw new IntegrationError(service, 'invalid_response', `${service} answered something that is not XML.`, true, { body: text.slice(0, 300) });
  }
}

export function children(parent: unknown, name: string): XmlElement[] {
  if (!parent || typeof parent !== 'object') return [];
  const value = (parent as XmlElement)[name];
  return Array.isArray(value) ? (value as XmlElement[]) : [];
}

export function attr(el: XmlElement, name: string): string | null {
  const v = el[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** v1 booleans are "1"/"0"; a few (`hasPassword`) are "true"/"false". */
export function flag(el: XmlElement, name: string): boolean {
  const v = el[name];
  return v === '1' || v === 'true';
}

export function epochToIso(value: string | null): string | null {
  if (!value || !/^\d+$/.test(value) || value === '0') return null;
  return new Date(Number(value) * 1000).toISOString();
}
