/**
 * Markdown of plan fields as sanitised HTML (docs/ARCHITECTURE.md, "Lesson plans"): `marked`
 * parses, with HTML written in the text shown as text (a plan needs none, and Chromium reports
 * an event handler in HTML that DOMPurify parses as a CSP violation even though it never runs);
 * DOMPurify then removes anything that could run code or reach the network. Images and embedded
 * media are dropped: the app's CSP would refuse remote ones, and a plan must print the same offline.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const FORBID_TAGS = ['img', 'picture', 'video', 'audio', 'source', 'track', 'iframe', 'object', 'embed'];
const FORBID_FORMS = ['form', 'input', 'button', 'textarea', 'select', 'option', 'style', 'link', 'meta'];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const marked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

export function markdownToHtml(source: string): string {
  const html = marked.parse(source, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [...FORBID_TAGS, ...FORBID_FORMS],
    FORBID_ATTR: ['style', 'srcset', 'id', 'name'],
  });
}
