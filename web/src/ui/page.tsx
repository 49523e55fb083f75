import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { city } from "../config.ts";
import { t } from "../i18n/index.ts";

let firstPage = true;

/**
 * A screen: its heading, and the document title people hear first. After a navigation, focus moves
 * to the heading, so screen-reader and keyboard users start at the top of the new screen.
 */
export function Page(props: { title: string; lead?: ComponentChildren; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · ${t("app.name", { city: city().name })}`;
  }, [props.title]);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else heading.current?.focus();
  }, []);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {props.title}
      </h1>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
      {props.children}
    </>
  );
}

/** While a screen's data loads: said once to screen readers, shown plainly. */
export function Loading() {
  return (
    <p class="loading" role="status">
      {t("common.loading")}
    </p>
  );
}

/** A failure the person can do something about: what happened and a way to try again. */
export function Problem(props: { message: string; retry?: () => void }) {
  return (
    <div class="problem" role="alert">
      <p>{props.message}</p>
      {props.retry ? (
        <button type="button" class="secondary" onClick={props.retry}>
          {t("common.tryAgain")}
        </button>
      ) : null}
    </div>
  );
}

/** A short confirmation after an action ("Your post is published"), announced politely. */
export function Done(props: { children: ComponentChildren }) {
  return (
    <div class="done" role="status">
      {props.children}
    </div>
  );
}
