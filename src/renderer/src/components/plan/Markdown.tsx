/** Plan text rendered from Markdown, sanitised (lib/markdown.ts); its links open in the browser. */
import { useMemo, type MouseEvent } from 'react';
import { markdownToHtml } from '../../lib/markdown.js';
import { useLessonPlan } from '../../state/plan.js';

export function Markdown(props: { source: string; className?: string; empty?: string }) {
  const html = useMemo(() => markdownToHtml(props.source), [props.source]);
  if (props.source.trim() === '') return props.empty ? <p className="muted">{props.empty}</p> : null;
  // A link never navigates the app's window: a web link opens in the browser.
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as HTMLElement).closest('a');
    if (!a) return;
    e.preventDefault();
    if (/^https?:\/\//i.test(a.href)) useLessonPlan.getState().openLink(a.href);
  };
  return (
    // The click handler only intercepts links (Enter on a link is a click too).
    <div
      className={`markdown ${props.className ?? ''}`}
      onClick={onClick}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
