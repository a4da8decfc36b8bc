import { Anchor } from '@mantine/core';
import classes from './SkipLink.module.css';

export const MAIN_CONTENT_ID = 'main-content';

/** The first stop for keyboard users: jumps past the header and the menu to the page itself. */
export function SkipLink() {
  return (
    <Anchor href={`#${MAIN_CONTENT_ID}`} className={classes.skip}>
      Skip to content
    </Anchor>
  );
}
