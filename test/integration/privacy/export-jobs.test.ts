import { strFromU8 } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportJobDeps } from "#data/export-job-deps.ts";
import { NotFoundError } from "#domain/kernel/errors.ts";
import type { MemberExport } from "#domain/privacy/export.ts";
import type { ExportJobView } from "#domain/privacy/export-job.ts";
import { advanceExportJob, getExportJob, runExportJobs } from "#domain/privacy/export-jobs.ts";
import { archiveFiles, csvRecords } from "../../support/archive.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { createMember } from "../ledger/support.ts";

/** Large exports: the archive assembled in the background, section by section, behind a link that expires. */
let city: TestCity;
let ids: Record<string, string>;
beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
});
afterAll(async () => {
  await city?.stop();
});

/** One run of the export schedule, with all the time it wants. */
function runSchedule() {
  return runExportJobs(exportJobDeps(), { remainingMs: () => Number.POSITIVE_INFINITY, reserveMs: 0 });
}

async function start(as: string, headers: Record<string, string> = {}) {
  const res = await city.call("POST", "/me/exports", { as, headers });
  return { status: res.status, job: res.body as ExportJobView, text: res.text };
}

async function jobOf(as: string, jobId: string, headers: Record<string, string> = {}) {
  const res = await city.call("GET", `/me/exports/${jobId}`, { as, headers });
  return { status: res.status, job: res.body as ExportJobView, text: res.text, body: res.body };
}

async function download(url: string) {
  const response = await fetch(url);
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/** The synchronous export's JSON, the moment it is made aside. */
async function syncExport(as: string, headers: Record<string, string> = {}) {
  const res = await city.call("GET", "/me/export", { as, headers });
  expect(res.status, res.text).toBe(200);
  const { exportedAt: _, ...rest } = res.body as MemberExport;
  return rest;
}

describe("an export job", () => {
  let jobId = "";

  it("starts once per member, shows its progress a section at a time, and ends with a link", async () => {
    const first = await start("ben");
    expect(first.status, first.text).toBe(202);
    expect(first.job).toMatchObject({ status: "running", sectionsDone: 0, sectionsTotal: 10 });
    jobId = first.job.jobId;
    // A second start while it runs answers the running one.
    const second = await start("ben");
    expect(second.status).toBe(200);
    expect(second.job.jobId).toBe(jobId);

    const stored = await exportJobDeps().exportJobs.get(ids.ben ?? "", jobId);
    if (!stored) throw new Error("the job was not stored");
    expect(await advanceExportJob(exportJobDeps(), stored)).toBe("section");
    expect((await jobOf("ben", jobId)).job).toMatchObject({ status: "running", sectionsDone: 1 });

    expect(await runSchedule()).toEqual({ steps: 10, ready: 1, failed: 0 });
    const done = await jobOf("ben", jobId);
    expect(done.status, done.text).toBe(200);
    expect(done.job).toMatchObject({ status: "ready", sectionsDone: 10, sectionsTotal: 10 });
    const readyAt = Date.parse(done.job.readyAt ?? "");
    expect(Date.parse(done.job.download?.expiresAt ?? "") - readyAt).toBe(24 * 3_600_000);
    expect(done.job.download?.filename).toMatch(/^mutua-my-data-\d{4}-\d\d-\d\d\.zip$/);
  });

  it("holds the same archive as the synchronous export", async () => {
    const { job } = await jobOf("ben", jobId);
    const { response, bytes } = await download(job.download?.url ?? "");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${job.download?.filename}"`,
    );
    expect(bytes.byteLength).toBe(job.download?.bytes);
    const files = archiveFiles(bytes);
    const { exportedAt, ...data } = JSON.parse(files.get("my-data.json") ?? "") as MemberExport;
    expect(exportedAt).toBe(job.createdAt);
    expect(data).toEqual(await syncExport("ben"));

    const sync = await fetch(`${city.apiUrl}/me/export.zip`, {
      headers: { authorization: `Bearer ${await city.token("ben")}` },
    });
    const syncFiles = archiveFiles(new Uint8Array(await sync.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual([...syncFiles.keys()].sort());
    // The same cells under the same headers (the store hands a map's fields back in no set order,
    // so two reads of one notice may order its `params.*` columns differently).
    for (const [name, text] of files) {
      if (name.endsWith(".csv"))
        expect(csvRecords(text), name).toEqual(csvRecords(syncFiles.get(name) ?? ""));
    }
  });

  it("answers a retried start with the same Idempotency-Key the same, even once it is done", async () => {
    const key = { "idempotency-key": "export-start-0001" };
    const first = await start("ben", key);
    expect(first.status, first.text).toBe(202);
    expect(first.job.jobId).not.toBe(jobId);
    const retry = await start("ben", key);
    expect(retry.status).toBe(202);
    expect(retry.job).toEqual(first.job);
    const other = await start("ben", { "idempotency-key": "export-start-0002" });
    expect(other.status).toBe(200);
    expect(other.job.jobId).toBe(first.job.jobId);
    await runSchedule();
    const again = await start("ben", key);
    expect(again.status).toBe(202);
    expect(again.job).toEqual(first.job);
  });

  it("resumes a step cut short without repeating a section", async () => {
    const { job } = await start("chen");
    const deps = exportJobDeps();
    const stored = await deps.exportJobs.get(ids.chen ?? "", job.jobId);
    if (!stored) throw new Error("the job was not stored");
    // The section is stored, then the step dies before counting it (a timeout, a crash).
    const cutShort = {
      ...deps,
      exportJobs: Object.assign(Object.create(deps.exportJobs), {
        advance: () => Promise.reject(new Error("cut short")),
      }) as typeof deps.exportJobs,
    };
    await expect(advanceExportJob(cutShort, stored)).rejects.toThrow("cut short");
    expect((await jobOf("chen", job.jobId)).job.sectionsDone).toBe(0);
    // The next run of the schedule does the step again, whole, then the rest.
    expect(await runSchedule()).toEqual({ steps: 11, ready: 1, failed: 0 });
    const done = await jobOf("chen", job.jobId);
    expect(done.job).toMatchObject({ status: "ready", sectionsDone: 10 });
    const files = archiveFiles((await download(done.job.download?.url ?? "")).bytes);
    const { exportedAt: _, ...data } = JSON.parse(files.get("my-data.json") ?? "") as MemberExport;
    expect(data).toEqual(await syncExport("chen"));
    // A stale record of an earlier step changes nothing.
    expect(await advanceExportJob(deps, stored)).toBe("stale");
  });

  it("is nobody else's: another member's job is not found, an altered link refused", async () => {
    const { job } = await jobOf("ben", jobId);
    const other = await jobOf("chen", jobId);
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ error: { code: "NOT_FOUND" } });
    const url = new URL(job.download?.url ?? "");
    for (const [name, value] of [
      ["member", ids.chen ?? ""],
      ["job", "01JB8Z3K5QAAAAAAAAAAAAAAAA"],
      ["expires", String(Number(url.searchParams.get("expires")) + 3600)],
      ["signature", "A".repeat(43)],
    ] as const) {
      const altered = new URL(url);
      altered.searchParams.set(name, value);
      const { response, bytes } = await download(altered.href);
      expect(response.status, name).toBe(403);
      expect(JSON.parse(strFromU8(bytes))).toMatchObject({ error: { code: "DOWNLOAD_LINK_INVALID" } });
    }
    const cut = new URL(url);
    cut.searchParams.delete("signature");
    expect((await download(cut.href)).response.status).toBe(403);
  });

  it("stops at its expiry: the link answers 410 and the job is gone", async () => {
    const deps = exportJobDeps();
    const stored = await deps.exportJobs.get(ids.ben ?? "", jobId);
    if (!stored) throw new Error("the job was not stored");
    const expired = await deps.exportArchives.downloadUrl(stored, "x.zip", new Date(Date.now() - 1000));
    const { response, bytes } = await download(`${city.url}${expired}`);
    expect(response.status).toBe(410);
    expect(JSON.parse(strFromU8(bytes))).toMatchObject({ error: { code: "DOWNLOAD_LINK_EXPIRED" } });
    const later = new Date(Date.parse(stored.expiresAt ?? "") + 1000);
    const ben = await deps.members.get(ids.ben ?? "");
    if (!ben) throw new Error("no Ben");
    await expect(
      getExportJob({ ...deps, clock: { now: () => later } }, { actor: ben, subject: ben }, jobId),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("is made by a coordinator for a closed member who asks, and recorded in their access log", async () => {
    const leaver = await createMember(city.runtime.deps, { id: "leaver-job", login: "leaver-job" });
    expect((await city.call("POST", "/me/close", { as: "leaver-job" })).status).toBe(200);
    await city.runtime.poller.drain();
    const actFor = { "x-act-for": leaver.memberId };
    const started = await start("dora", actFor);
    expect(started.status, started.text).toBe(202);
    await runSchedule();
    const done = await jobOf("dora", started.job.jobId, actFor);
    expect(done.job.status).toBe("ready");
    const files = archiveFiles((await download(done.job.download?.url ?? "")).bytes);
    const data = JSON.parse(files.get("my-data.json") ?? "") as MemberExport;
    expect(data.member).toMatchObject({
      status: "closed",
      displayName: expect.stringMatching(/^Former member/),
    });
    expect(data.accessLog[0]).toMatchObject({
      actorId: ids.dora,
      action: "export",
      route: "POST /me/exports",
    });
  });
});
