/**
 * A keyboard-friendly virtualized list (@tanstack/react-virtual): only the rows on screen are in
 * the DOM, rows are read a page at a time as they come into view, and Up/Down/Home/End move
 * focus from row to row (scrolling the target row into the DOM first).
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export function VirtualList<Row>(props: {
  label: string;
  count: number;
  rowHeight: number;
  /** The row at `index`, or undefined while its page loads. */
  rowAt: (index: number) => Row | undefined;
  renderRow: (row: Row, index: number) => ReactNode;
  placeholder: ReactNode;
  /** Called with the visible (and overscanned) index range. */
  onRange: (start: number, end: number) => void;
  /** Changes when the rows start over (new filter): scroll back to the top. */
  resetKey: string | number;
  /** Scrolls row `index` to the top whenever `seq` changes. */
  jump?: { index: number; seq: number } | null;
}) {
  const { count, rowHeight, onRange } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    useFlushSync: false,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;

  useEffect(() => {
    onRange(first, Math.max(first, last));
  }, [first, last, onRange]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [props.resetKey]);

  const jump = props.jump;
  useEffect(() => {
    if (jump && count > 0) virtualizer.scrollToIndex(Math.min(jump.index, count - 1), { align: 'start' });
    // Only a new jump request scrolls; the row count changing under it must not.
  }, [jump?.seq]);

  // Focus the requested row once it is rendered.
  useEffect(() => {
    if (focusIndex === null) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"] [data-row-focus]`);
    if (el) {
      el.focus();
      setFocusIndex(null);
    }
  });

  const move = (e: KeyboardEvent<HTMLDivElement>) => {
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!rowEl || count === 0) return;
    const index = Number(rowEl.dataset.index);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = Math.min(count - 1, index + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, index - 1);
    else if (e.key === 'Home' && e.ctrlKey) next = 0;
    else if (e.key === 'End' && e.ctrlKey) next = count - 1;
    else if (e.key === 'PageDown') next = Math.min(count - 1, index + 10);
    else if (e.key === 'PageUp') next = Math.max(0, index - 10);
    if (next === null || next === index) return;
    e.preventDefault();
    virtualizer.scrollToIndex(next, { align: 'auto' });
    setFocusIndex(next);
  };

  return (
    <div ref={scrollRef} className="virtual-scroll" onKeyDown={move}>
      <div
        role="list"
        aria-label={props.label}
        style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
      >
        {items.map((item) => {
          const row = props.rowAt(item.index);
          return (
            <div
              key={item.key}
              role="listitem"
              aria-setsize={count}
              aria-posinset={item.index + 1}
              data-index={item.index}
              className="virtual-row"
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: rowHeight,
                transform: `translateY(${item.start}px)`,
              }}
            >
              {row === undefined ? props.placeholder : props.renderRow(row, item.index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
