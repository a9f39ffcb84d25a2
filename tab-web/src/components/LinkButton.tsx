// A link that looks like a button (Fluent's), followed inside the app without reloading it.
import { Button, type ButtonProps } from '@fluentui/react-components';
import type { MouseEvent } from 'react';
import { useHref, useLinkClickHandler } from 'react-router';

export function LinkButton({
  to,
  appearance,
  children,
}: {
  to: string;
  appearance?: ButtonProps['appearance'];
  children: React.ReactNode;
}) {
  const href = useHref(to);
  const follow = useLinkClickHandler<HTMLAnchorElement>(to);
  return (
    <Button
      as="a"
      href={href}
      appearance={appearance}
      onClick={(event: MouseEvent<HTMLAnchorElement>) => follow(event)}
    >
      {children}
    </Button>
  );
}
