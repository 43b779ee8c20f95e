// regions.js — the prefectures this platform serves and their counties,
// fetched once and shared by every picker.
import { get } from './api.js'
import { session } from './session.js'

export const CITIES = [
  { code: '530400', name: '玉溪市' },
  { code: '530300', name: '曲靖市' },
  { code: '532500', name: '红河哈尼族彝族自治州' },
]

let cache = null

export async function regionTree() {
  if (!cache) {
    cache = Promise.all(CITIES.map(async (c) => {
      const r = await get('/regions', { parent: c.code })
      return { value: c.code, label: c.name, children: r.items.filter((x) => x.current && x.name !== '市辖区').map((x) => ({ value: x.code, label: x.name })) }
    })).catch((e) => { cache = null; throw e })
  }
  return cache
}

// The part of the tree the logged-in account may see.
export async function scopedTree() {
  const tree = await regionTree()
  const mine = (session.user && session.user.region) || ''
  if (!mine) return tree
  const out = []
  for (const c of tree) {
    if (c.value === mine) out.push(c)
    else if (mine.startsWith(c.value.slice(0, 4))) {
      const kids = c.children.filter((k) => k.value === mine)
      if (kids.length) out.push({ ...c, children: kids })
    }
  }
  return out
}

export function regionName(tree, code) {
  for (const c of tree) {
    if (c.value === code) return c.label
    for (const k of c.children) if (k.value === code) return c.label + k.label
  }
  return code
}
