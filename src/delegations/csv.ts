// Minimal RFC 4180 CSV fields for one line: commas, optional double quotes with "" escapes; no embedded newlines.
import { InputRangeError } from "../errors/input-errors.js";

/**
 * Splits one CSV line into fields. Quoted fields may hold commas and doubled quotes; a line break inside quotes
 * is not supported (ids never contain control characters).
 * @throws {RangeError} for an unterminated quote or text after a closing quote.
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new InputRangeError("unterminated quoted field");
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === line.length) return out;
      if (line[i] !== ",") throw new InputRangeError("text after a closing quote");
      i++;
    } else {
      const c = line.indexOf(",", i);
      if (c < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, c));
      i = c + 1;
    }
  }
}
