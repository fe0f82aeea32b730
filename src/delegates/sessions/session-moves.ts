// Re-points a delegate's sessions at the migration target (their seeds move with the other secrets).
import type { StorageTx } from "../../store/ports.js";
import { delegateNamespace, TABLES } from "../records.js";

/** Inside a migration's transaction: every session of `src` now belongs to `dst`. */
export async function moveSessions(tx: StorageTx, src: string, dst: string): Promise<number> {
  const ids: string[] = [];
  for await (const { value } of TABLES.sessionByDelegate.scan(tx.state, { prefix: `${src}/` }))
    ids.push(value.id);
  for (const id of ids) {
    const s = await TABLES.session.get(tx.state, id);
    await TABLES.sessionByDelegate.delete(tx.state, `${src}/${id}`);
    if (!s) continue;
    await TABLES.session.put(tx.state, id, {
      ...s,
      delegate: dst,
      secret: { namespace: delegateNamespace(dst), name: s.secret.name },
    });
    await TABLES.sessionByDelegate.put(tx.state, `${dst}/${id}`, { id });
  }
  return ids.length;
}
