// The inputs a bot sent and has not yet seen applied, oldest first. Sequence numbers only grow and frames
// acknowledge them in order, so a queue in two arrays does: no map, nothing allocated per frame.

export class SentInputs {
  private seqs: number[] = [];
  private times: number[] = [];
  private head = 0;

  add(seq: number, sentAt: number): void {
    this.seqs.push(seq);
    this.times.push(sentAt);
  }

  /** Calls `seen(ms)` with the latency of every input up to `lastSeq`, and forgets them. */
  acknowledge(lastSeq: number, at: number, seen: (ms: number) => void): void {
    while (this.head < this.seqs.length && (this.seqs[this.head] as number) <= lastSeq) {
      seen(at - (this.times[this.head] as number));
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.seqs.length) this.compact();
  }

  get pending(): number {
    return this.seqs.length - this.head;
  }

  private compact(): void {
    this.seqs = this.seqs.slice(this.head);
    this.times = this.times.slice(this.head);
    this.head = 0;
  }
}
