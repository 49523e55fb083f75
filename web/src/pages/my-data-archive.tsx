import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api, apiError, idempotencyKey } from "../api/client.ts";
import type { ExportJob } from "../api/types.ts";
import { formatBytes, formatDateTime } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";

/** How often a running job's progress is asked for. */
const POLL_MS = 2_000;

/**
 * A copy of everything the time bank keeps about me, assembled in the background: a button starts
 * it (or finds the one already running), progress shows part by part, then a download link with
 * the time it stops working.
 */
export function DataArchive() {
  const job = useSignal<ExportJob | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const starting = useSignal(false);
  // One key per attempt: a double tap or a retried request finds the same job.
  const key = useSignal(idempotencyKey());

  const start = async () => {
    if (starting.value) return;
    starting.value = true;
    problem.value = undefined;
    const { data, error } = await api
      .POST("/me/exports", { params: { header: { "Idempotency-Key": key.value } } })
      .catch((thrown: unknown) => ({ data: undefined, error: { error: apiError(thrown) } }));
    starting.value = false;
    if (!data) {
      // The same key on the next try: a start that did reach the city is not made twice.
      problem.value = errorText(error?.error ?? apiError(error));
      return;
    }
    key.value = idempotencyKey();
    job.value = data;
  };

  const running = job.value?.status === "running" ? job.value.jobId : undefined;
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const timer = setTimeout(async () => {
      const { data, error } = await api
        .GET("/me/exports/{jobId}", { params: { path: { jobId: running } } })
        .catch((thrown: unknown) => ({ data: undefined, error: { error: apiError(thrown) } }));
      if (stopped) return;
      // A new object each time, so the next poll is scheduled even when nothing moved.
      if (data) job.value = { ...data };
      else problem.value = errorText(error?.error ?? apiError(error));
    }, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [running, job.value]);

  const current = job.value;
  return (
    <div class="data-archive">
      <p class="hint">{t("myData.archiveHint")}</p>
      {problem.value ? (
        <Problem
          message={problem.value}
          // A failed look at a running job: looking again resumes following it.
          retry={
            running
              ? () => {
                  problem.value = undefined;
                  job.value = job.value ? { ...job.value } : undefined;
                }
              : undefined
          }
        />
      ) : null}
      {current?.status === "running" ? (
        <div role="status">
          <p>{t("myData.archiveRunning", { done: current.sectionsDone, total: current.sectionsTotal })}</p>
          <progress value={current.sectionsDone} max={current.sectionsTotal}>
            {current.sectionsDone} / {current.sectionsTotal}
          </progress>
        </div>
      ) : null}
      {current?.download ? (
        <div role="status">
          <p>{t("myData.archiveReady")}</p>
          <p>
            <a class="button" href={current.download.url} download={current.download.filename}>
              {t("myData.archiveDownload", { size: formatBytes(current.download.bytes) })}
            </a>
          </p>
          <p class="hint">{t("myData.archiveUntil", { when: formatDateTime(current.download.expiresAt) })}</p>
        </div>
      ) : null}
      {current?.status === "running" ? null : (
        <div class="actions">
          <button type="button" class="secondary" onClick={start} disabled={starting.value}>
            {current ? t("myData.archiveAgain") : t("myData.archiveStart")}
          </button>
        </div>
      )}
    </div>
  );
}
