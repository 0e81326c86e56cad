import type { RevocationStore } from "../auth/revocation";
import type { SharedState } from "./client";

/**
 * The sign-out denylist shared by every replica: `<prefix>revoked:<sid>` with a TTL that ends when the last token of
 * the session would have expired anyway. The local store (the data directory's file) is written too and asked first:
 * while Redis is unreachable, revocations made on this replica still hold here and reading keeps working, and a
 * revocation made on another replica is seen as soon as Redis answers again.
 */
export class SharedRevocationStore implements RevocationStore {
  constructor(
    private readonly shared: SharedState,
    private readonly local: RevocationStore,
    private readonly now: () => number = Date.now,
  ) {}

  async revoke(sid: string, until: number): Promise<void> {
    await this.local.revoke(sid, until);
    const ttl = Math.max(1, Math.ceil(until - this.now()));
    await this.shared.run((r) => r.set(this.shared.key("revoked", sid), "1", "PX", ttl)).catch((err: Error) => {
      console.error(`[kaizen] sign-out recorded on this replica only: ${err.message}`);
    });
  }

  async isRevoked(sid: string): Promise<boolean> {
    if (await this.local.isRevoked(sid)) return true;
    try {
      return (await this.shared.run((r) => r.exists(this.shared.key("revoked", sid)))) === 1;
    } catch {
      return false;
    }
  }
}
