import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import type { ReactNode, RefObject } from 'react';

// A table body that renders only the rows in (and near) view, so a push or a fleet of 1,000 servers stays as
// quick as one of ten. Rows keep their own heights (measured as they render); the space of the rows not
// rendered is held by two spacer rows, which assistive technology skips. The table gives aria-rowcount and
// each row its aria-rowindex, so a screen reader still says "row 512 of 1000".

export interface VirtualTableBodyProps<Row> {
  readonly rows: readonly Row[];
  /** The scrolling box around the table. */
  readonly scroller: RefObject<HTMLElement | null>;
  readonly columns: number;
  /** A row's height before it is measured. */
  readonly estimate: number;
  readonly rowKey: (row: Row) => string;
  readonly renderCells: (row: Row) => ReactNode;
}

// A box not laid out (a hidden parent, printing, no layout engine) still shows a screenful of rows, not none.
const SCREENFUL = { width: 0, height: 600 };
const observeBoxOrScreenful: typeof observeElementRect = (instance, callback) =>
  observeElementRect(instance, (rect) => callback(rect.height > 0 ? rect : SCREENFUL));

/** The header row is row 1; the body's rows follow it. */
export const FIRST_BODY_ROW_INDEX = 2;

export function VirtualTableBody<Row>({
  rows,
  scroller,
  columns,
  estimate,
  rowKey,
  renderCells,
}: VirtualTableBodyProps<Row>) {
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => estimate,
    getItemKey: (index) => rowKey(rows[index] as Row),
    overscan: 12,
    initialRect: SCREENFUL,
    observeElementRect: observeBoxOrScreenful,
  });
  const items = virtualizer.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  const spacer = (height: number) =>
    height > 0 ? (
      <tr aria-hidden="true" className="virtual-spacer">
        <td colSpan={columns} style={{ height }} />
      </tr>
    ) : null;
  return (
    <tbody>
      {spacer(before)}
      {items.map((item) => {
        const row = rows[item.index] as Row;
        return (
          <tr
            key={item.key}
            ref={virtualizer.measureElement}
            data-index={item.index}
            aria-rowindex={item.index + FIRST_BODY_ROW_INDEX}
          >
            {renderCells(row)}
          </tr>
        );
      })}
      {spacer(after)}
    </tbody>
  );
}
