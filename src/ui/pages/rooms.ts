// Rooms page (placeholder until its milestone).
import { h, replace } from "../dom.js";

/** Renders the page. */
export async function roomsPage(root: HTMLElement, _params: URLSearchParams): Promise<void> {
  replace(root, h("h1", {}, "Rooms"));
}
