// Re-points a delegate's cosigner sessions at the migration target (their share and sealed nonces move with the
// other secrets of the namespace, under the same names).
import type { StorageTx } from "../../store/ports.js";
import { COSIGNER_TABLES } from "./cosigner-records.js";

/** Inside a migration's transaction: every cosigner session of `src` now belongs to `dst`. */
export async function moveCosigners(tx: StorageTx, src: string, dst: string): Promise<number> {
  const ids: string[] = [];
  for await (const { value } of COSIGNER_TABLES.byDelegate.scan(tx.state, { prefix: `${src}/` }))
    ids.push(value.id);
  for (const id of ids) {
    const s = await COSIGNER_TABLES.session.get(tx.state, id);
    await COSIGNER_TABLES.byDelegate.delete(tx.state, `${src}/${id}`);
    if (!s) continue;
    await COSIGNER_TABLES.session.put(tx.state, id, { ...s, delegate: dst });
    await COSIGNER_TABLES.byDelegate.put(tx.state, `${dst}/${id}`, { id });
  }
  return ids.length;
}
