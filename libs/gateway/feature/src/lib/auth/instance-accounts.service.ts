import { Inject, Injectable } from '@nestjs/common';
import { STORAGE_CLIENT, type StorageClient } from '@autoglm/shared-grpc';

/** How long "no account yet" is believed before storage is asked again (another gateway may create the first one). */
const NO_ACCOUNT_RECHECK_MS = 1_000;

/**
 * Whether the instance has accounts: until the first exists it runs in open single-user mode.
 * Accounts are never deleted, so once one is seen the answer is kept for good; concurrent
 * questions share one storage call.
 */
@Injectable()
export class InstanceAccounts {
  private known = false;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<boolean> | undefined;

  constructor(@Inject(STORAGE_CLIENT) private readonly storage: StorageClient) {}

  async exist(): Promise<boolean> {
    if (this.known) return true;
    if (Date.now() - this.checkedAt < NO_ACCOUNT_RECHECK_MS) return false;
    this.pending ??= this.storage
      .countUsers({})
      .then(({ count }) => {
        this.checkedAt = Date.now();
        if (count > 0) this.known = true;
        return this.known;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  /** Called after this gateway created an account: the open mode ends at once. */
  accountCreated(): void {
    this.known = true;
  }
}
