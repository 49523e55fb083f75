import type { SearchSource, SourceRead } from "../ports.ts";
import type { PostCard } from "../post.ts";

/**
 * How the sources of one search combine:
 * - "concat": one after another (cells nearest first); a source's items come before the next's.
 * - "merge": interleaved newest first; every source is sorted by the same position.
 */
export type EngineMode = "concat" | "merge";

/** Where a page starts: concat resumes inside source `rank`; merge resumes every source below `after`. */
export interface EnginePosition {
  rank: number;
  after?: string | undefined;
}

export interface EngineRequest {
  mode: EngineMode;
  sources: readonly SearchSource[];
  start: EnginePosition;
  pageSize: number;
  /** The checks the keys could not make (words, distance, area, availability, visibility). */
  accept: (card: PostCard) => boolean;
  read: (source: SearchSource, limit: number, after?: string) => Promise<SourceRead>;
}

export interface EngineResult {
  items: { card: PostCard; position: string; rank: number }[];
  next: EnginePosition | undefined;
  /** Items the store read: the figure the bound is about. */
  itemsRead: number;
  /** Items read in order and refused by the checks the keys could not make (`accept`). */
  rejected: number;
  queries: number;
  /** Rounds of parallel queries: the sequential depth of the search. */
  rounds: number;
}

/**
 * Rounds of parallel reads per page: the search's sequential depth never exceeds this. Measured on
 * the benchmark city (`npm run bench -- posts`): dense searches take two or three rounds, a
 * sparse category across a wide circle up to six; the ceiling leaves room beyond that.
 */
export const MAX_ROUNDS = 10;

/** The first round's read budget: the constant term of the page's read bound. */
function firstBudgetOf(mode: EngineMode, pageSize: number, sources: number): number {
  return mode === "merge" ? Math.max(pageSize, sources) : pageSize;
}
/** Items one page may read in all: past it, a page returns what it found, with a cursor. */
export const MAX_READ_PER_PAGE = 1000;
/** Parallel queries per round, whatever the budget allows. */
const MAX_QUERIES_PER_ROUND = 40;

interface SourceState {
  source: SearchSource;
  /** Where the next read starts (the last position read). */
  readAfter: string | undefined;
  buffer: { card: PostCard; position: string }[];
  /** How many buffered items were consumed (emitted or rejected). */
  consumed: number;
  exhausted: boolean;
  readOnce: boolean;
  /** Its last read came back full: evidence it is dense. */
  filled: boolean;
  itemsSeen: number;
}

/**
 * Reads one page of a search in rounds of parallel queries until the page holds `pageSize`
 * results or the sources are exhausted. Each round spends a read budget that keeps
 * `itemsRead <= 2 * (returned + rejected) + pageSize`, where `rejected` counts the items read in
 * order and refused by the checks the keys cannot make: at most twice what the page had to go
 * through, plus a page. Round one may read `pageSize` items, each later round
 * `pageSize + 2 * (returned + rejected) - read`, so where most items are refused each round reads
 * about twice as far as the last; where cells are mostly empty, later rounds probe many of them
 * at one item each. (A merge of more sources than the page size reads one item per source first:
 * the bound's last term is then the number of sources.) A page comes back short, with a cursor,
 * only at the ceilings (MAX_ROUNDS rounds, MAX_READ_PER_PAGE items). Each page consumes at least
 * one item or source, so following cursors always ends.
 */
export async function runSearchEngine(request: EngineRequest): Promise<EngineResult> {
  const { mode, sources, pageSize } = request;
  const states: SourceState[] = sources.map((source, rank) => ({
    source,
    readAfter: mode === "merge" || rank === request.start.rank ? request.start.after : undefined,
    buffer: [],
    consumed: 0,
    exhausted: false,
    readOnce: false,
    filled: false,
    itemsSeen: 0,
  }));
  // A merge can emit nothing until every source was read once, so its first round needs at least
  // one item per source (2 at most in practice: one per kind) even for a page of one.
  const firstBudget = firstBudgetOf(mode, pageSize, sources.length);
  const emitted: EngineResult["items"] = [];
  let rejected = 0;
  let itemsRead = 0;
  let queries = 0;
  let rounds = 0;
  let frontier = mode === "concat" ? request.start.rank : 0;
  /** concat: the last consumed position inside the frontier source. merge: the watermark. */
  let consumedAfter = request.start.after;

  const consume = (): void => {
    if (mode === "concat") {
      while (frontier < states.length && emitted.length < pageSize) {
        const state = states[frontier];
        if (!state) break;
        const item = state.buffer[state.consumed];
        if (item) {
          state.consumed += 1;
          consumedAfter = item.position;
          if (request.accept(item.card)) emitted.push({ ...item, rank: frontier });
          else rejected += 1;
        } else if (state.exhausted) {
          frontier += 1;
          consumedAfter = undefined;
        } else break;
      }
      return;
    }
    // merge: an item is safe once no unfinished source can still produce a newer one.
    while (emitted.length < pageSize) {
      let best: SourceState | undefined;
      for (const state of states) {
        const item = state.buffer[state.consumed];
        if (item && (!best || item.position > (best.buffer[best.consumed]?.position ?? ""))) best = state;
      }
      const item = best?.buffer[best.consumed];
      if (!best || !item) break;
      const blocked = states.some(
        (s) =>
          !s.exhausted &&
          s.consumed >= s.buffer.length &&
          (!s.readOnce || (s.readAfter ?? "") > item.position),
      );
      if (blocked) break;
      best.consumed += 1;
      consumedAfter = item.position;
      if (request.accept(item.card)) emitted.push({ ...item, rank: states.indexOf(best) });
      else rejected += 1;
    }
  };

  while (rounds < MAX_ROUNDS && emitted.length < pageSize && itemsRead < MAX_READ_PER_PAGE) {
    const bound = rounds === 0 ? firstBudget : firstBudget + 2 * (emitted.length + rejected) - itemsRead;
    const budget = Math.min(bound, MAX_READ_PER_PAGE - itemsRead);
    if (budget <= 0) break;
    // What the page still needs, scaled by the share of items the filters let through so far
    // (smoothed): where most are refused, each round reads that much further.
    const passRate = (emitted.length + 1) / (emitted.length + rejected + 1);
    const need = Math.ceil((pageSize - emitted.length) / passRate);
    const last = rounds === MAX_ROUNDS - 1;
    const plan =
      mode === "merge"
        ? planMerge(states, budget, need, rounds === 0)
        : planConcat(states, frontier, need, budget, last);
    if (plan.length === 0) break;
    rounds += 1;
    queries += plan.length;
    const reads = await Promise.all(
      plan.map(({ state, limit }) => request.read(state.source, limit, state.readAfter)),
    );
    plan.forEach(({ state, limit }, i) => {
      const result = reads[i];
      if (!result) return;
      itemsRead += result.read;
      state.buffer.push(...result.items);
      state.itemsSeen += result.items.length;
      state.readOnce = true;
      // A full read of one item says nothing of density (it was a probe of a sparse run).
      state.filled = !result.exhausted && result.items.length >= limit && limit > 1;
      state.exhausted = result.exhausted;
      const lastItem = result.items[result.items.length - 1];
      if (lastItem) state.readAfter = lastItem.position;
    });
    consume();
  }

  return { items: emitted, next: nextPosition(), itemsRead, rejected, queries, rounds };

  function nextPosition(): EnginePosition | undefined {
    const done = states.every((s) => s.exhausted && s.consumed >= s.buffer.length);
    if (mode === "merge") return done ? undefined : { rank: 0, after: consumedAfter };
    if (frontier >= states.length) return undefined;
    const state = states[frontier];
    if (state?.exhausted && state.consumed >= state.buffer.length) {
      return frontier + 1 < states.length ? { rank: frontier + 1 } : undefined;
    }
    return { rank: frontier, after: consumedAfter };
  }
}

type Plan = { state: SourceState; limit: number }[];

/**
 * merge. First round: every source gets an equal share. Later: the source holding the merge back
 * (the one whose last read is newest) gets what the page still needs; the others half of that,
 * unless their unread buffer already covers it.
 */
function planMerge(states: SourceState[], budget: number, need: number, first: boolean): Plan {
  const open = states.filter((s) => !s.exhausted);
  const plan: Plan = [];
  let left = budget;
  if (first) {
    const share = Math.max(1, Math.floor(budget / Math.max(1, open.length)));
    for (const state of open) {
      if (left <= 0) break;
      const limit = Math.min(share, left);
      plan.push({ state, limit });
      left -= limit;
    }
    return plan;
  }
  const blocking = open
    .filter((s) => s.consumed >= s.buffer.length)
    .sort((a, b) => ((a.readAfter ?? "") < (b.readAfter ?? "") ? 1 : -1))[0];
  const wants = [...(blocking ? [blocking] : []), ...open.filter((s) => s !== blocking)].map((state) => {
    const buffered = state.buffer.length - state.consumed;
    return { state, wanted: state === blocking ? need + 1 : Math.ceil(need / 2) - buffered };
  });
  // Shared in proportion when the budget cannot cover every want, so the sources advance
  // together and little is read ahead of what the merge can consume.
  const total = wants.reduce((sum, w) => sum + Math.max(0, w.wanted), 0);
  const scale = total > left ? left / total : 1;
  for (const { state, wanted } of wants) {
    if (left <= 0) break;
    if (wanted <= 0) continue;
    const limit = Math.max(1, Math.min(Math.floor(wanted * scale), left));
    plan.push({ state, limit });
    left -= limit;
  }
  return plan;
}

/**
 * concat: sources in order from the frontier. One that filled its last read is dense and gets the
 * whole need; unread ones get halving limits at first, then (once sources have shown their density)
 * a little over the average seen. Planning stops when the expected yield covers the need; the last
 * round, having no later chance, spends its whole budget.
 */
function planConcat(
  states: SourceState[],
  frontier: number,
  need: number,
  budget: number,
  last: boolean,
): Plan {
  const plan: Plan = [];
  const finished = states.filter((s) => s.readOnce && s.exhausted);
  const average =
    finished.length > 0 ? finished.reduce((sum, s) => sum + s.itemsSeen, 0) / finished.length : undefined;
  let left = budget;
  let expected = 0;
  let halving = Math.max(1, Math.ceil(need / 2));
  for (let rank = frontier; rank < states.length; rank++) {
    const state = states[rank];
    if (!state) continue;
    const buffered = state.buffer.length - state.consumed;
    if (state.exhausted) {
      expected += buffered;
      continue;
    }
    if (left <= 0 || plan.length >= MAX_QUERIES_PER_ROUND || (!last && expected >= need)) break;
    let limit: number;
    let likely: number;
    if (state.filled) {
      // Dense: it alone may fill the page (but hedge on the next ones).
      limit = Math.max(1, need - expected);
      likely = limit / 2;
    } else if (average !== undefined) {
      // A little over the average seen, so most such reads also find the source's end; where
      // most sources were empty, one item each, so a round reaches many of them. A source whose
      // one-item probe found something is read on with room to find its end.
      limit = state.readOnce ? 2 * average + 2 : average < 0.5 ? 1 : 2 * average + 1;
      likely = average;
    } else {
      limit = halving;
      halving = Math.max(1, Math.ceil(halving / 2));
      likely = limit / 2;
    }
    limit = Math.max(1, Math.min(Math.ceil(limit), left));
    plan.push({ state, limit });
    left -= limit;
    expected += buffered + likely;
  }
  return plan;
}
