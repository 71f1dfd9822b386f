// `npm run phone-metadata`: writes lib/phone-metadata.json, the phone metadata every function bundles —
// libphonenumber-js's mobile metadata (mobile ranges beside each country's general pattern, so a landline
// is refused) without the number formats, brotli-compressed. Codegate parses and validates numbers and never
// formats one; formats are half the metadata and parsing and validation read none of them. Compressed, the
// rest is a 17 KB string instead of a 48 KB object literal that every function would parse and build at
// load: lib/address.ts inflates it on the first phone number a container parses (about 2 ms).
// test/phone-metadata.test.ts holds the lean metadata to the full one's answers, and the committed file to
// this derivation. With `--check`, writes nothing and exits 1 when the committed file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';

/** Where the lean metadata is committed (lib/address.ts imports it). */
export const PHONE_METADATA_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../lib/phone-metadata.json',
);

/** Index of `formats` in a country's entry of libphonenumber-js's compressed metadata (version 4). */
const FORMATS = 4;

type Entry = unknown[];
interface CompressedMetadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, Entry>;
  nonGeographic?: Record<string, Entry>;
}

/** The installed libphonenumber-js's mobile metadata. */
export function mobileMetadata(): CompressedMetadata {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve('libphonenumber-js/metadata.mobile.json'), 'utf8'));
}

/** The metadata with every country's formats left out (0, the compressed form's "absent"). */
export function leanMetadata(full: CompressedMetadata): CompressedMetadata {
  if (full.version !== 4) throw new Error(`libphonenumber-js metadata version ${full.version}: expected 4`);
  const lean = (entries: Record<string, Entry> = {}) =>
    Object.fromEntries(
      Object.entries(entries).map(([key, entry]) => [key, entry.map((v, i) => (i === FORMATS ? 0 : v))]),
    );
  return {
    ...full,
    countries: lean(full.countries),
    ...(full.nonGeographic ? { nonGeographic: lean(full.nonGeographic) } : {}),
  };
}

/** The committed file: the lean metadata's JSON, brotli-compressed, as base64 (what lib/address.ts reads). */
export interface PackedPhoneMetadata {
  brotliBase64: string;
}

/** Packs metadata for the file. */
export function packPhoneMetadata(metadata: CompressedMetadata): PackedPhoneMetadata {
  const json = Buffer.from(JSON.stringify(metadata));
  const packed = brotliCompressSync(json, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: json.length },
  });
  return { brotliBase64: packed.toString('base64') };
}

/** The metadata a packed file holds. */
export function unpackPhoneMetadata(packed: PackedPhoneMetadata): CompressedMetadata {
  return JSON.parse(brotliDecompressSync(Buffer.from(packed.brotliBase64, 'base64')).toString('utf8'));
}

/** What the committed file holds, or undefined when it is missing or unreadable. */
export function committedPhoneMetadata(): CompressedMetadata | undefined {
  try {
    return unpackPhoneMetadata(JSON.parse(readFileSync(PHONE_METADATA_FILE, 'utf8')));
  } catch {
    return undefined;
  }
}

function main(args: string[]): number {
  const lean = leanMetadata(mobileMetadata());
  if (args.includes('--check')) {
    // Compared unpacked: another brotli build may pack the same metadata into other bytes.
    if (JSON.stringify(committedPhoneMetadata()) === JSON.stringify(lean)) return 0;
    console.error('lib/phone-metadata.json is stale: run `npm run phone-metadata` and commit the result.');
    return 1;
  }
  const wanted = `${JSON.stringify(packPhoneMetadata(lean))}\n`;
  writeFileSync(PHONE_METADATA_FILE, wanted);
  console.log(`wrote lib/phone-metadata.json (${Buffer.byteLength(wanted)} bytes)`);
  return 0;
}

if (process.argv[1]?.endsWith('phone-metadata.ts')) process.exitCode = main(process.argv.slice(2));
