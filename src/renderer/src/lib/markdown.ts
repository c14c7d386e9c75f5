/**
 * Markdown of plan fields as sanitised HTML: `marked` parses, DOMPurify removes anything that
 * could run code or reach the network (docs/ARCHITECTURE.md, "Lesson plans"). Images and
 * embedded media are dropped: the app's CSP would refuse remote ones, and a plan must print
 * the same offline.
 */
import DOMPurify from 'dompurify';
import { marked } from 'marked';

const FORBID_TAGS = ['img', 'picture', 'video', 'audio', 'source', 'track', 'iframe', 'object', 'embed'];
const FORBID_FORMS = ['form', 'input', 'button', 'textarea', 'select', 'option', 'style', 'link', 'meta'];

export function markdownToHtml(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [...FORBID_TAGS, ...FORBID_FORMS],
    FORBID_ATTR: ['style', 'srcset', 'id', 'name'],
  });
}
