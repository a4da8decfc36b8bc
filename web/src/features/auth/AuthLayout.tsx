import { Container, Group, Paper, Stack } from '@mantine/core';
import { Outlet } from 'react-router';
import { Brand } from '../../components/Brand';
import { ColorSchemeToggle } from '../../components/ColorSchemeToggle';

/** The narrow centred card every logged-out page (setup, login, register, resets) sits in. */
export function AuthLayout() {
  return (
    <Container size={460} py={{ base: 'md', sm: 60 }}>
      <Stack gap="lg">
        <Group justify="space-between">
          <Brand />
          <ColorSchemeToggle />
        </Group>
        <Paper withBorder shadow="sm" p={{ base: 'md', sm: 'xl' }} radius="md">
          <Outlet />
        </Paper>
      </Stack>
    </Container>
  );
}
