/** Timers and callback requests still under way, so `stop()` leaves nothing running behind it. */
export class Background {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;

  later(ms: number, task: () => Promise<unknown>): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(task());
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined).finally(() => this.running.delete(settled));
    this.running.add(settled);
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.controller.abort();
    await Promise.all(this.running);
  }
}
