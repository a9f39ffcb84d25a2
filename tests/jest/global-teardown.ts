export default async function globalTeardown(): Promise<void> {
  for (const service of (globalThis.__crmTestServices ?? []).reverse()) await service.stop();
}
