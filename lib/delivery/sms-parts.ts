// Delivery data: how many SMS parts a text takes, as carriers bill it (GSM 03.38 and 3GPP TS 23.038): the
// pumping guard charges, and caps with SNS's MaxPrice, a text's price per part times its parts.

/** GSM 03.38's basic character set: one septet each (the section sign written as its escape). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ\u00a7¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Its extension table: an escape and the character, two septets each. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

/** One part holds 160 GSM septets or 70 UCS-2 units; a concatenated part loses 7 and 3 of them to its header. */
export const PART_SIZES = { gsm: [160, 153], ucs2: [70, 67] } as const;

/** The septets a text takes in GSM 03.38, or undefined if a character is outside it (the text goes as UCS-2). */
function gsmSeptets(text: string): number | undefined {
  let septets = 0;
  for (const char of text) {
    if (GSM_BASIC.includes(char)) septets += 1;
    else if (GSM_EXTENSION.includes(char)) septets += 2;
    else return undefined;
  }
  return septets;
}

/** The parts a text is sent in: 1 up to 160 GSM septets (70 UCS-2 units), then 153 (67) a part. */
export function smsParts(text: string): number {
  const septets = gsmSeptets(text);
  const [single, multi] = septets === undefined ? PART_SIZES.ucs2 : PART_SIZES.gsm;
  // UCS-2 counts UTF-16 units: a character outside the Basic Multilingual Plane (an emoji) takes two.
  const size = septets ?? text.length;
  return size <= single ? 1 : Math.ceil(size / multi);
}
