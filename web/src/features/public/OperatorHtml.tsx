import { Typography } from '@mantine/core';
import classes from './OperatorHtml.module.css';

/**
 * HTML the server rendered from the operator's Markdown with its allow-list sanitiser
 * (server/src/domain/markdown.ts): no scripts, handlers or unsafe addresses can be in it. Rendering
 * stays on the server so the public pages, the admin preview and the tests share one implementation.
 */
export function OperatorHtml({ html }: { html: string }) {
  if (html === '') return null;
  return (
    <Typography className={classes.content}>
      <div dangerouslySetInnerHTML={{ __html: html }} />
    </Typography>
  );
}
