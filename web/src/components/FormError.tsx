import { Alert, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError } from '../api/client';

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const { message, fix } = describeError(error);
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert">
      <Text size="sm">{message}</Text>
      {fix && (
        <Text size="sm" mt={6}>
          <Text span fw={600} inherit>
            How to fix:
          </Text>{' '}
          {fix}
        </Text>
      )}
    </Alert>
  );
}
