// The maintenance property string of /admin/datastore, and which modes keep PBS from reading.
import { describe, expect, it } from 'vitest'
import { blocksReading, parseMaintenance } from '../../../../functions/collect/maintenance.ts'

describe('parseMaintenance', () => {
  it('reads type and message', () => {
    expect(parseMaintenance('type=offline,message=disk swap')).toEqual({
      type: 'offline',
      message: 'disk swap',
    })
    expect(parseMaintenance('type=read-only')).toEqual({ type: 'read-only', message: null })
  })

  it('takes a bare value as the type (its default key)', () => {
    expect(parseMaintenance('offline')).toEqual({ type: 'offline', message: null })
    expect(parseMaintenance('unmount,message=rotating')).toEqual({
      type: 'unmount',
      message: 'rotating',
    })
  })

  it('undoes the percent-encoding PBS stores the message with, and double quotes', () => {
    expect(parseMaintenance('message=disk%20swap%2C%20back%20at%2014%3A00,type=offline')).toEqual({
      type: 'offline',
      message: 'disk swap, back at 14:00',
    })
    expect(parseMaintenance('type=offline,message="swap, then \\"scrub\\""')).toEqual({
      type: 'offline',
      message: 'swap, then "scrub"',
    })
    // A lone % is not an escape: the text stays as written.
    expect(parseMaintenance('type=offline,message=100% full')?.message).toBe('100% full')
  })

  it('keeps a type it does not know', () => {
    expect(parseMaintenance('type=s3-refresh')).toEqual({ type: 's3-refresh', message: null })
    expect(parseMaintenance('type=future-mode')).toEqual({ type: 'future-mode', message: null })
  })

  it('rejects what is no maintenance string', () => {
    expect(parseMaintenance('')).toBeUndefined()
    expect(parseMaintenance('message=only a message')).toBeUndefined()
    expect(parseMaintenance('type="offline')).toBeUndefined()
  })
})

describe('blocksReading', () => {
  it('lets read-only (and modes PBS does not know) be listed, not offline, unmount, delete', () => {
    expect(blocksReading('read-only')).toBe(false)
    expect(blocksReading('future-mode')).toBe(false)
    for (const type of ['offline', 'unmount', 'delete', 's3-refresh'])
      expect(blocksReading(type)).toBe(true)
  })
})
