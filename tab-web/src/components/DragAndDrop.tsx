// What every drag and drop board of the app shares (dnd-kit): the same sensors for mouse, touch and
// keyboard, a card's handle that the keyboard picks it up by, and the spoken status of a move.
import {
  type DraggableAttributes,
  type DraggableSyntheticListeners,
  KeyboardSensor,
  type MeasuringConfiguration,
  MeasuringStrategy,
  MouseSensor,
  TouchSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { Button, makeStyles } from '@fluentui/react-components';
import type { KeyboardEventHandler } from 'react';

const useStyles = makeStyles({
  handle: { minWidth: '32px', cursor: 'grab', touchAction: 'none', alignSelf: 'flex-start' },
  visuallyHidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    margin: '-1px',
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    whiteSpace: 'nowrap',
  },
});

/** Mouse after a few pixels, touch after a short press, keyboard from one drop target to the next. */
export function useDragSensors() {
  return useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    // Instant scrolling: a smooth one would let the drop land on what was there before it scrolled.
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates, scrollBehavior: 'auto' }),
  );
}

/**
 * Drop targets (columns, dashboard widgets) are measured before a drag begins, not only once it has:
 * the keyboard moves a card to the next column by the measured places, and a drop finds its target
 * by them. An arrow key pressed right after the pick-up, or a quick drag and drop (a fast user, a
 * busy machine), found none measured yet and did nothing.
 */
export const boardMeasuring: MeasuringConfiguration = { droppable: { strategy: MeasuringStrategy.BeforeDragging } };

/**
 * Mouse and touch pick a card up anywhere (its links stay links on a plain click); the keyboard
 * through its handle, so Enter on a link still opens it. Spread these on the card.
 */
export function pointerListeners(listeners: DraggableSyntheticListeners): DraggableSyntheticListeners {
  const { onKeyDown: _keyboard, ...pointer } = listeners ?? {};
  return pointer;
}

/** The card's handle: named after the card, the one place the keyboard picks it up. */
export function DragHandle({
  label,
  attributes,
  listeners,
  activatorRef,
}: {
  label: string;
  attributes: DraggableAttributes;
  listeners: DraggableSyntheticListeners;
  activatorRef: (element: HTMLElement | null) => void;
}) {
  const styles = useStyles();
  return (
    <Button
      ref={activatorRef}
      appearance="subtle"
      size="small"
      className={styles.handle}
      {...attributes}
      aria-label={label}
      onKeyDown={listeners?.onKeyDown as KeyboardEventHandler<HTMLButtonElement> | undefined}
    >
      <span aria-hidden="true">⠿</span>
    </Button>
  );
}

/** What a screen reader says once a move is saved, unseen on the screen. */
export function SpokenStatus({ text }: { text: string }) {
  const styles = useStyles();
  return (
    <div role="status" className={styles.visuallyHidden}>
      {text}
    </div>
  );
}
