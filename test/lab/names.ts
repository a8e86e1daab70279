// Naming conventions shared by the generators: cluster names, zones, pbs-type storage per cluster.

const clusterNames = ['homelab', 'office', 'lab3', 'lab4', 'lab5', 'lab6']
const timeZones = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Tokyo']
export const clusterName = (index: number): string => clusterNames[index] ?? `lab${index + 1}`
export const clusterTimeZone = (index: number): string => timeZones[index] ?? 'UTC'

export function pbsStorageFor(clusterIndex: number): { storage: string; namespace: string } {
  if (clusterIndex === 0) return { storage: 'backup-main', namespace: 'homelab' }
  if (clusterIndex === 1) return { storage: 'pbs-office', namespace: 'office' }
  return { storage: 'pbs-main', namespace: clusterName(clusterIndex) }
}
