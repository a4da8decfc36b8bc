import '@mantine/core/styles.css';
import { MantineProvider, Title, Text, Container } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  return (
    <Container py="xl">
      <Title>Usher</Title>
      <Text>Loading…</Text>
    </Container>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="auto">
      <App />
    </MantineProvider>
  </StrictMode>,
);
