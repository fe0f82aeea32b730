// Building blocks shared by the pages: forms bound to the hash, error boxes, key/value tables, short hex.
import { ApiError } from "../api.js";
import { type Child, h, on } from "../dom.js";

/** Where a page's values go: the hash (bookmarkable, no secret in it); `replace` skips a history entry. */
export type Navigate = (values: Record<string, string | undefined>, replace?: boolean) => void;

/** A text field of a page form. */
export interface Field {
  readonly name: string;
  readonly label: string;
  readonly value?: string | null;
  readonly placeholder?: string;
  readonly required?: boolean;
  readonly type?: "text" | "number";
}

/** A form whose submit hands the trimmed values to `submit` (the page then updates the hash). */
export function pageForm(
  fields: readonly Field[],
  action: string,
  submit: (values: Record<string, string>) => void,
): HTMLFormElement {
  const inputs = fields.map((f) =>
    h("input", {
      name: f.name,
      id: `f-${f.name}`,
      type: f.type ?? "text",
      value: f.value ?? "",
      placeholder: f.placeholder,
      required: f.required,
      autocomplete: "off",
      spellcheck: "false",
      ...(f.type === "number" ? { min: 0, step: 1 } : {}),
    }),
  );
  const form = h(
    "form",
    { class: "page-form" },
    ...fields.map((f, i) => h("label", { for: `f-${f.name}` }, f.label, inputs[i])),
    h("button", { type: "submit" }, action),
  );
  on(form, "submit", (e) => {
    e.preventDefault();
    const values: Record<string, string> = {};
    for (const input of inputs) values[input.name] = input.value.trim();
    submit(values);
  });
  return form;
}

/** An error box: the server's code and message (already free of secrets), or the thrown error's message. */
export function errorBox(err: unknown): HTMLElement {
  if (err instanceof ApiError)
    return h("p", { class: "error", role: "alert" }, h("strong", {}, err.code), " ", err.message);
  return h("p", { class: "error", role: "alert" }, err instanceof Error ? err.message : String(err));
}

/** A two-column table of labels and values. */
export function kvTable(rows: readonly [string, Child][]): HTMLTableElement {
  return h(
    "table",
    { class: "kv" },
    h("tbody", {}, ...rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))),
  );
}

/** A long hex value shortened to its ends, the whole value in the title and copyable text. */
export function hex(value: string, keep = 8): HTMLElement {
  const short = value.length > keep * 2 + 1 ? `${value.slice(0, keep)}…${value.slice(-keep)}` : value;
  return h("code", { class: "hex", title: value, "data-full": value }, short);
}

/** A section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "card" }, h("h2", {}, title), ...children);
}

/** An RFC 3339 time as the browser's local time, the original in the title. */
export function time(value: string | null | undefined): HTMLElement | string {
  if (!value) return "—";
  const d = new Date(value);
  return h("time", { datetime: value, title: value }, Number.isNaN(d.getTime()) ? value : d.toLocaleString());
}
