/** The CJK font the pictures and the notice are drawn with, found at run time (Debian's fonts-noto-cjk). */
import fs from 'node:fs';

const CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
  '/System/Library/Fonts/PingFang.ttc',
];

/** The family name charts ask for (the SC face of the collection). */
export const CJK_FAMILY = 'Noto Sans CJK SC';
/** The face of the collection pdfkit embeds (PostScript name). */
export const CJK_PDF_FACE = 'NotoSansCJKsc-Regular';

let found: string | null | undefined;

/** The path of a CJK font file, or undefined when none is installed (`apt-get install fonts-noto-cjk`). */
export function cjkFontFile(): string | undefined {
  if (found === undefined) found = [process.env.YISHI_CJK_FONT, ...CANDIDATES].find((f): f is string => !!f && fs.existsSync(f)) ?? null;
  return found ?? undefined;
}
