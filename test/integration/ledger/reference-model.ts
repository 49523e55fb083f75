/**
 * A pure reference model of the ledger: plain numbers in a map, no books, no DynamoDB. The
 * property test runs random command sequences against it and against the real ledger and demands
 * the same outcome and the same balances after every step.
 */
export type Outcome = "committed" | "replayed" | "LIMIT_EXCEEDED" | "IDEMPOTENCY_KEY_REUSED" | "CONFLICT";

export interface ModelAccount {
  balance: number;
  creditLimit: number;
  maxBalance: number;
}

export interface ModelKey {
  from: number;
  to: number;
  minutes: number;
  /** The transfer this key made, once it committed. */
  transfer?: number;
}

export interface ModelTransfer {
  from: number;
  to: number;
  minutes: number;
  reversed: boolean;
}

export class LedgerModel {
  readonly accounts: ModelAccount[];
  readonly keys: ModelKey[] = [];
  readonly transfers: ModelTransfer[] = [];

  constructor(count: number, defaults: { creditLimit: number; maxBalance: number }) {
    this.accounts = Array.from({ length: count }, () => ({ balance: 0, ...defaults }));
  }

  private account(i: number): ModelAccount {
    const account = this.accounts[i];
    if (!account) throw new Error(`no account ${i}`);
    return account;
  }

  private fits(from: number, to: number, minutes: number): boolean {
    const payer = this.account(from);
    const payee = this.account(to);
    return payer.balance - minutes >= -payer.creditLimit && payee.balance + minutes <= payee.maxBalance;
  }

  private move(from: number, to: number, minutes: number): void {
    this.account(from).balance -= minutes;
    this.account(to).balance += minutes;
  }

  /** A request under a key: replayed if the key already committed the same request. */
  settle(keyIndex: number, from: number, to: number, minutes: number): Outcome {
    const existing = this.keys[keyIndex];
    if (existing?.transfer !== undefined) {
      const same = existing.from === from && existing.to === to && existing.minutes === minutes;
      return same ? "replayed" : "IDEMPOTENCY_KEY_REUSED";
    }
    const key: ModelKey = { from, to, minutes };
    this.keys[keyIndex] = key;
    // Failures are not remembered: the same key may be tried again and commit later.
    if (!this.fits(from, to, minutes)) return "LIMIT_EXCEEDED";
    this.move(from, to, minutes);
    key.transfer = this.transfers.push({ from, to, minutes, reversed: false }) - 1;
    return "committed";
  }

  reverse(transferIndex: number): Outcome {
    const transfer = this.transfers[transferIndex];
    if (!transfer) throw new Error(`no transfer ${transferIndex}`);
    if (transfer.reversed) return "CONFLICT";
    if (!this.fits(transfer.to, transfer.from, transfer.minutes)) return "LIMIT_EXCEEDED";
    this.move(transfer.to, transfer.from, transfer.minutes);
    transfer.reversed = true;
    return "committed";
  }

  changeCreditLimit(i: number, creditLimit: number): Outcome {
    const account = this.account(i);
    if (account.balance < -creditLimit) return "LIMIT_EXCEEDED";
    account.creditLimit = creditLimit;
    return "committed";
  }

  /** Every balance sums to zero: the model's own invariant. */
  sum(): number {
    return this.accounts.reduce((s, a) => s + a.balance, 0);
  }
}
